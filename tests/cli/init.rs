//! `litscope init` and finding the workspace.

use crate::common::{TestWorkspace, stderr};

#[test]
fn init_creates_a_workspace_and_never_overwrites_one() {
    let ws = TestWorkspace::new();
    for path in [
        "review.toml",
        "queries",
        "corpus",
        "index",
        "index/.gitignore",
    ] {
        assert!(ws.root.join(path).exists(), "{path} missing");
    }
    let before = std::fs::read_to_string(ws.root.join("review.toml")).unwrap();
    let out = ws.run(&["init", ws.root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(ws.root.join("review.toml")).unwrap(),
        before
    );
}

#[test]
fn commands_outside_a_workspace_are_usage_errors() {
    let ws = TestWorkspace::new();
    let empty = tempfile::tempdir().unwrap();
    let out = ws
        .command(&["status"])
        .env_remove("LITSCOPE_WORKSPACE")
        .current_dir(empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: not inside a litscope workspace"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);

    // Found from a subfolder, like cargo finds Cargo.toml.
    let out = ws
        .command(&["status"])
        .env_remove("LITSCOPE_WORKSPACE")
        .current_dir(ws.root.join("corpus"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let out = ws
        .command(&["--workspace", empty.path().to_str().unwrap(), "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no review.toml here"));
}

#[test]
fn a_broken_review_toml_names_file_and_line() {
    let ws = TestWorkspace::new();
    ws.write(
        "review.toml",
        "[review]\ntitle = \"x\"\n\n[http]\ntimeout = \"whenever\"\n",
    );
    let out = ws.run(&["status"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("review.toml:5: "), "{err}");
    assert!(err.contains("whenever"), "{err}");
}
