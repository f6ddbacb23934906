//! `litscope decide`: decisions by number and by text go into the reviewer's log, unknown
//! reasons, tags, stages and ids are usage errors, undo is an event, a torn last line is
//! reported and every earlier decision kept, and `status` counts each stage.

use crate::common::{TestWorkspace, stderr};

fn code(ws: &TestWorkspace, args: &[&str]) -> (Option<i32>, String) {
    let out = ws.run(args);
    (out.status.code(), stderr(&out))
}

#[test]
fn decisions_by_number_and_by_text_are_logged_with_their_texts() {
    let ws = TestWorkspace::harvested_example();
    let ids = ws.record_ids();
    let out = ws.ok(&["decide", &ids[0], "exclude", "--reason", "2", "--tag", "1"]);
    let err = stderr(&out);
    assert!(
        err.contains(&ids[0]) && err.contains("exclude (not research)"),
        "{err}"
    );
    ws.ok(&[
        "decide",
        &ids[1],
        "exclude",
        "--reason",
        "off topic",
        "--tag",
        "software",
        "--note",
        "about tools",
    ]);
    ws.ok(&[
        "decide",
        &ids[2].to_uppercase(),
        "include",
        "--tag",
        "2",
        "--tag",
        "ecology",
    ]);
    ws.ok(&["decide", &ids[3], "maybe", "--reviewer", "kari"]);
    ws.ok(&[
        "decide",
        &ids[2],
        "exclude",
        "--stage",
        "full-text",
        "--reason",
        "1",
    ]);

    let log = ws.decisions("reviewer");
    assert_eq!(
        log.len(),
        4,
        "the default reviewer without USER is `reviewer`"
    );
    assert_eq!(log[0]["id"], ids[0].as_str());
    assert_eq!(log[0]["stage"], "title-abstract");
    assert_eq!(log[0]["decision"], "exclude");
    assert_eq!(log[0]["reasons"], serde_json::json!(["not research"]));
    assert_eq!(log[0]["tags"], serde_json::json!(["ecology"]));
    assert_eq!(log[0]["reviewer"], "reviewer");
    assert!(log[0]["tool"].as_str().unwrap().starts_with("litscope "));
    assert!(log[0]["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(log[1]["reasons"], serde_json::json!(["off topic"]));
    assert_eq!(log[1]["note"], "about tools");
    assert_eq!(log[2]["id"], ids[2].as_str(), "ids are matched in any case");
    assert_eq!(log[2]["tags"], serde_json::json!(["software", "ecology"]));
    assert_eq!(log[3]["stage"], "full-text");
    assert_eq!(
        log[3]["reasons"],
        serde_json::json!(["full text not retrieved"])
    );
    assert_eq!(ws.decisions("kari").len(), 1);

    let (status, _) = ws.json(&["status"]);
    assert_eq!(
        status["screening"]["title-abstract"],
        serde_json::json!({"include": 1, "exclude": 2, "maybe": 1, "unscreened": 98})
    );
    assert_eq!(
        status["screening"]["full-text"],
        serde_json::json!({"include": 0, "exclude": 1, "maybe": 0, "unscreened": 1})
    );
}

#[test]
fn the_reviewer_comes_from_the_environment() {
    let mut ws = TestWorkspace::harvested_example();
    let id = ws.record_ids()[0].clone();
    ws.env("USER", "osuser");
    ws.ok(&["decide", &id, "include"]);
    assert_eq!(ws.decisions("osuser")[0]["reviewer"], "osuser");
    ws.env("LITSCOPE_REVIEWER", "ann");
    ws.ok(&["decide", &id, "include"]);
    assert_eq!(ws.decisions("ann").len(), 1);
    let (c, err) = code(&ws, &["decide", &id, "include", "--reviewer", "../evil"]);
    assert_eq!(c, Some(2), "{err}");
}

#[test]
fn unknown_reasons_tags_stages_and_ids_are_usage_errors() {
    let ws = TestWorkspace::harvested_example();
    let id = ws.record_ids()[0].clone();
    let (c, err) = code(&ws, &["decide", &id, "exclude", "--reason", "3"]);
    assert_eq!(c, Some(2));
    assert!(err.contains("1 = off topic, 2 = not research"), "{err}");
    let (c, err) = code(&ws, &["decide", &id, "exclude", "--reason", "Off topic"]);
    assert_eq!(c, Some(2), "{err}");
    let (c, err) = code(&ws, &["decide", &id, "include", "--tag", "history"]);
    assert_eq!(c, Some(2));
    assert!(err.contains("1 = ecology, 2 = software"), "{err}");
    let (c, err) = code(&ws, &["decide", &id, "include", "--reason", "1"]);
    assert_eq!(c, Some(2));
    assert!(err.contains("only with `exclude`"), "{err}");
    let (c, err) = code(&ws, &["decide", &id, "include", "--stage", "abstract"]);
    assert_eq!(c, Some(2));
    assert!(err.contains("title-abstract, full-text"), "{err}");
    let (c, err) = code(&ws, &["decide", "aaaaaaaaaaaa", "include"]);
    assert_eq!(c, Some(2));
    assert!(err.contains("no record has the id aaaaaaaaaaaa"), "{err}");
    let (c, _) = code(&ws, &["decide", "not-an-id", "include"]);
    assert_eq!(c, Some(2));
    let (c, _) = code(&ws, &["decide", &id, "perhaps"]);
    assert_eq!(c, Some(2));
    let (c, err) = code(&ws, &["decide", &id, "undo", "--tag", "1"]);
    assert_eq!(c, Some(2));
    assert!(err.contains("takes no tags"), "{err}");
    let (c, err) = code(&ws, &["decide", &id, "undo"]);
    assert_eq!(c, Some(2));
    assert!(err.contains("no decision"), "{err}");
    assert!(
        ws.decisions("reviewer").is_empty(),
        "nothing refused was logged"
    );
}

#[test]
fn undo_is_an_event_that_brings_the_previous_decision_back() {
    let ws = TestWorkspace::harvested_example();
    let id = ws.record_ids()[0].clone();
    ws.ok(&["decide", &id, "include"]);
    ws.ok(&["decide", &id, "exclude", "--reason", "1"]);
    let out = ws.ok(&["decide", &id, "undo"]);
    assert!(stderr(&out).contains("undid exclude"), "{}", stderr(&out));
    let log = ws.decisions("reviewer");
    assert_eq!(log.len(), 3);
    assert_eq!(log[2]["decision"], "undo");
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["screening"]["title-abstract"]["include"], 1);
    assert_eq!(status["screening"]["title-abstract"]["exclude"], 0);
    // A bare undo withdraws the reviewer's latest decision on the record, whatever its stage.
    ws.ok(&["decide", &id, "maybe", "--stage", "full-text"]);
    ws.ok(&["decide", &id, "undo"]);
    assert_eq!(
        ws.decisions("reviewer").last().unwrap()["stage"],
        "full-text"
    );
    ws.ok(&["decide", &id, "undo"]);
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["screening"]["title-abstract"]["include"], 0);
    assert_eq!(status["screening"]["title-abstract"]["unscreened"], 102);
}

#[test]
fn a_torn_last_line_is_reported_and_every_earlier_decision_kept() {
    let ws = TestWorkspace::harvested_example();
    let ids = ws.record_ids();
    for id in &ids[..3] {
        ws.ok(&["decide", id, "include"]);
    }
    // A kill -9 in the middle of writing the third decision.
    let path = ws.root.join("corpus/decisions/reviewer.jsonl");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 25]).unwrap();
    let (status, out) = ws.json(&["status"]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("reviewer.jsonl:3: incomplete last line ignored"),
        "{}",
        stderr(&out)
    );
    assert_eq!(status["screening"]["title-abstract"]["include"], 2);
    // The next decision repairs the log (saying so) and is appended after the kept ones.
    let out = ws.ok(&["decide", &ids[3], "maybe"]);
    assert!(
        stderr(&out).contains("incomplete last line"),
        "{}",
        stderr(&out)
    );
    let log = ws.decisions("reviewer");
    assert_eq!(log.len(), 3);
    assert_eq!(log[2]["decision"], "maybe");
    let (status, out) = ws.json(&["status"]);
    assert!(!stderr(&out).contains("incomplete"), "{}", stderr(&out));
    assert_eq!(status["screening"]["title-abstract"]["include"], 2);
    assert_eq!(status["screening"]["title-abstract"]["maybe"], 1);
}

#[test]
fn reviewers_who_disagree_are_counted_as_a_conflict() {
    let ws = TestWorkspace::harvested_example();
    let id = ws.record_ids()[0].clone();
    ws.ok(&["decide", &id, "include", "--reviewer", "ann"]);
    ws.ok(&["decide", &id, "include", "--reviewer", "bob"]);
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["screening"]["title-abstract"]["include"], 1);
    ws.ok(&[
        "decide",
        &id,
        "exclude",
        "--reviewer",
        "bob",
        "--reason",
        "1",
    ]);
    let (status, _) = ws.json(&["status"]);
    let ta = &status["screening"]["title-abstract"];
    assert_eq!(
        (ta["include"].as_u64(), ta["exclude"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(ta["conflict"], 1);
    assert_eq!(ta["unscreened"], 101);
    // A conflict goes on to full-text: doubt keeps a record in.
    assert_eq!(status["screening"]["full-text"]["unscreened"], 1);
}
