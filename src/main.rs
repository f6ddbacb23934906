//! The `litscope` binary: hands the command line to [`litscope::cli`] and turns the outcome
//! into an exit code (0 ok, 1 runtime error, 2 usage error).

/// Import and harvest allocate and free many short strings per record; mimalloc's
/// thread-local free lists make that markedly cheaper than glibc malloc.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    litscope::cli::main()
}
