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
    assert!(err.contains("no record with id aaaaaaaaaaaa"), "{err}");
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

/// Issue 13: reviewers who disagree keep the record at its stage until the conflict is
/// settled, and `status`, `search` and every export say so.
#[test]
fn reviewers_who_disagree_are_a_conflict_that_stays_at_its_stage() {
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
        "--note",
        "not on topic",
    ]);
    let (status, _) = ws.json(&["status"]);
    assert_eq!(
        status["screening"]["title-abstract"],
        serde_json::json!({"include": 0, "exclude": 0, "maybe": 0, "unscreened": 101, "conflict": 1})
    );
    assert_eq!(
        status["screening"]["full-text"],
        serde_json::json!({"include": 0, "exclude": 0, "maybe": 0, "unscreened": 0}),
        "a conflict has not reached full-text"
    );
    let text = crate::common::stdout(&ws.ok(&["status"]));
    assert!(text.contains("101 unscreened · 1 in conflict"), "{text}");
    assert!(
        text.contains("full-text: 0 included · 0 excluded · 0 maybe · 0 unscreened\n"),
        "{text}"
    );

    // search: `decision:conflict`, where it stands, and not unscreened.
    let ids = |q: &str| {
        let out = ws.ok(&["search", q, "--format", "ids"]);
        crate::common::stdout(&out)
            .lines()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("decision:conflict"), vec![id.clone()]);
    assert_eq!(ids("decision:title-abstract:conflict"), vec![id.clone()]);
    assert!(!ids("decision:unscreened").contains(&id));
    assert!(ids("decision:full-text:unscreened").is_empty());
    let (hits, _) = ws.json(&["search", "decision:conflict"]);
    assert_eq!(hits["hits"][0]["decision"], "conflict");

    // Every export: the conflict at title-abstract, with each reviewer's decision.
    let jsonl = crate::common::stdout(&ws.ok(&["export", "--format", "jsonl"]));
    let line: serde_json::Value = jsonl
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|l| l["id"] == id.as_str())
        .unwrap();
    assert_eq!(line["decision"], "conflict");
    assert_eq!(line["conflict"], true);
    assert_eq!(line["stage"], "title-abstract");
    let each: Vec<(String, String)> = line["screening"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["reviewer"].as_str().unwrap().to_string(),
                h["decision"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        each,
        [
            ("ann".into(), "include".into()),
            ("bob".into(), "exclude".into())
        ]
    );
    assert_eq!(
        line["screening"][1]["reasons"],
        serde_json::json!(["off topic"])
    );
    assert_eq!(line["screening"][1]["note"], "not on topic");
    let csv = crate::common::stdout(&ws.ok(&["export", "--format", "csv", "--status", "conflict"]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    let col = |name: &str| &rows[0][headers.iter().position(|h| h == name).unwrap()];
    assert_eq!(
        (col("id"), col("decision"), col("stage")),
        (id.as_str(), "conflict", "title-abstract")
    );
    assert_eq!(
        col("keywords").matches("litscope:screened=").count(),
        2,
        "{csv}"
    );
    let ris = crate::common::stdout(&ws.ok(&["export", "--format", "ris", "--status", "conflict"]));
    assert!(
        ris.contains("KW  - litscope:decision=conflict\r\n"),
        "{ris}"
    );
    assert!(
        ris.contains("N1  - litscope:stage=title-abstract\r\n"),
        "{ris}"
    );
    assert_eq!(ris.matches("KW  - litscope:screened=").count(), 2, "{ris}");
    let bib =
        crate::common::stdout(&ws.ok(&["export", "--format", "bibtex", "--status", "conflict"]));
    assert!(
        bib.contains("stage=title-abstract; decision=conflict"),
        "{bib}"
    );
    assert_eq!(bib.matches("litscope:screened=").count(), 2, "{bib}");
    let unscreened =
        crate::common::stdout(&ws.ok(&["export", "--format", "csv", "--status", "unscreened"]));
    assert!(!unscreened.contains(&id), "a conflict is not unscreened");

    // Settled (bob comes round): it goes on to full-text.
    ws.ok(&["decide", &id, "include", "--reviewer", "bob"]);
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["screening"]["title-abstract"]["include"], 1);
    assert_eq!(status["screening"]["full-text"]["unscreened"], 1);
    assert!(ids("decision:conflict").is_empty());
}

/// Issue 13: an id shaped like a record id (12 letters and digits) that no record in the
/// workspace has is "no such record", whatever its letters (exit 2, nothing logged); other
/// shapes are "not a record id".
#[test]
fn a_well_formed_id_without_a_record_says_there_is_no_such_record() {
    let ws = TestWorkspace::new();
    ws.write("a.csv", "id,title\n1,Tildeling\n");
    ws.ok(&["import", "a.csv"]);
    for id in ["5t0mhckng54j", "5t0mhckng54z", "WXYZWXYZWXYZ"] {
        for decision in ["include", "undo"] {
            let (c, err) = code(&ws, &["decide", id, decision]);
            assert_eq!(c, Some(2), "{id} {decision}: {err}");
            assert_eq!(
                err.trim_end(),
                format!(
                    "error: no record with id {} in this workspace; `litscope export --format csv` lists every record's id",
                    id.to_lowercase()
                ),
                "{id} {decision}"
            );
        }
    }
    for bad in ["5t0mhckng54", "5t0m-ckng54j", "not an id", "5t0mhckng54jj"] {
        let (c, err) = code(&ws, &["decide", bad, "include"]);
        assert_eq!(c, Some(2), "{bad}");
        assert!(err.contains("is not a record id"), "{bad}: {err}");
    }
    assert!(!ws.root.join("corpus/decisions").exists());
}
