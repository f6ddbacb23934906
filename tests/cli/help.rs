//! `--help` of every command shows examples; bad flags are usage errors (exit 2).

use crate::common::{TestWorkspace, stderr, stdout};

#[test]
fn every_command_has_help_with_examples() {
    let ws = TestWorkspace::new();
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["harvest", "--help"],
        vec!["import", "--help"],
        vec!["status", "--help"],
        vec!["decide", "--help"],
        vec!["dedup", "--help"],
        vec!["export", "--help"],
        vec!["index", "--help"],
        vec!["search", "--help"],
    ] {
        let out = ws.run(&args);
        assert!(out.status.success(), "{args:?}");
        let text = stdout(&out);
        assert!(
            text.contains("Examples:"),
            "{args:?} has no examples:\n{text}"
        );
        assert!(text.contains("litscope"), "{args:?}");
    }
    let out = ws.run(&["--version"]);
    assert!(stdout(&out).starts_with("litscope "));
}

#[test]
fn bad_flags_exit_2() {
    let ws = TestWorkspace::new();
    for args in [
        vec!["harvest", "--source", "scopus"],
        vec!["harvest", "--limit", "0"],
        vec!["frobnicate"],
        vec!["status", "--format", "xml"],
        vec!["import"],
        vec!["import", "x.ris", "--format", "xml"],
        vec!["dedup", "--review", "--answers", "a.txt"],
        vec!["dedup", "--format", "csv"],
        vec!["search"],
        vec!["search", "x", "--sort", "title"],
    ] {
        let out = ws.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}
