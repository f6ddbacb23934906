//! `litscope status`: counts per source, the contract's JSON shape, problems reported.

use crate::common::crossref::{Synthetic, SyntheticOptions, synthetic_items};
use crate::common::server::Server;
use crate::common::{TestWorkspace, crossref_query, stderr, stdout};
use std::sync::Arc;

#[test]
fn status_of_an_empty_workspace_follows_the_contract() {
    let ws = TestWorkspace::new();
    let (json, out) = ws.json(&["status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        json["records"],
        serde_json::json!({"harvested": 0, "imported": 0, "unique": 0})
    );
    assert_eq!(json["sources"], serde_json::json!({}));
    for stage in ["title-abstract", "full-text"] {
        assert_eq!(
            json["screening"][stage],
            serde_json::json!({"include": 0, "exclude": 0, "maybe": 0, "unscreened": 0})
        );
    }
    let text = stdout(&ws.ok(&["status"]));
    assert!(text.contains("none yet: run `litscope harvest`"), "{text}");
}

#[test]
fn status_counts_harvested_records_and_reports_a_torn_line() {
    let mock = Arc::new(Synthetic::new(
        synthetic_items(45, "s"),
        SyntheticOptions::default(),
    ));
    let server = Server::start(move |r| mock.handle(r));
    let mut ws = TestWorkspace::new();
    ws.crossref(&server.url());
    ws.write("queries/q.toml", &crossref_query("q", "rows = 20"));
    ws.ok(&["harvest"]);
    let (json, _) = ws.json(&["status"]);
    assert_eq!(json["records"]["harvested"], 45);
    assert_eq!(json["records"]["unique"], 45);
    assert_eq!(json["sources"]["crossref"], 45);
    assert_eq!(json["screening"]["title-abstract"]["unscreened"], 45);
    assert_eq!(json["searches"]["run"], 1);

    // Simulate a kill -9 in the middle of writing the last record.
    let path = ws.root.join("corpus/records/crossref.jsonl");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 100]).unwrap();
    let (json, out) = ws.json(&["status"]);
    assert!(out.status.success());
    assert_eq!(
        json["sources"]["crossref"], 44,
        "every complete line is kept"
    );
    let err = stderr(&out);
    assert!(
        err.contains("crossref.jsonl:45: incomplete last line ignored"),
        "{err}"
    );

    // The next harvest repairs the file and fetches the lost record again.
    ws.ok(&["harvest"]);
    let (json, _) = ws.json(&["status"]);
    assert_eq!(json["sources"]["crossref"], 45);
    assert!(json["warnings"].as_array().unwrap().is_empty());
}
