//! The one integration test binary: one module per command, run against the real binary
//! with a cleared environment and local servers on 127.0.0.1.

mod common;

mod concurrency;
mod cristin;
mod decide;
mod dedup;
mod example;
mod export;
mod harvest;
mod help;
mod import;
mod index;
mod init;
mod nva;
mod prosjektbanken;
mod search;
mod status;

/// Every `tests/cli/*.rs` file must be listed above, or its tests would silently never run.
#[test]
fn no_forgotten_test_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs") && stem != "main" {
            assert!(
                main.contains(&format!("mod {stem};")),
                "tests/cli/{stem}.rs is not listed in tests/cli/main.rs"
            );
        }
    }
}
