//! The `litscope` binary: hands the command line to [`litscope::cli`] and turns the outcome
//! into an exit code (0 ok, 1 runtime error, 2 usage error).

fn main() -> std::process::ExitCode {
    litscope::cli::main()
}
