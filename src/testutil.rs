//! Helpers for unit tests: reading the shared fixtures beside the repository.

use std::path::PathBuf;

/// `../shared/` beside the repository root.
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
}

/// Reads `../shared/<rel>`; panics with a clear message when the shared folder is missing.
pub fn shared_fixture(rel: &str) -> Vec<u8> {
    let path = shared_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}. The tests need the shared fixtures in ../shared/ beside the repository (see README, Tests).",
            path.display()
        )
    })
}
