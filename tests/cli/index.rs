//! `litscope index`: the JSON summary, an update that touches only what changed, and an
//! incremental index that gives the same results as one rebuilt from nothing.

use crate::common::{TestWorkspace, stderr};

fn ids(ws: &TestWorkspace, q: &str) -> Vec<String> {
    let (v, out) = ws.json(&["search", q, "--limit", "1000"]);
    assert!(out.status.success(), "{q}: {}", stderr(&out));
    let mut ids: Vec<String> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_summary_counts_documents_and_an_unchanged_corpus_is_left_alone() {
    let ws = TestWorkspace::harvested_example();
    let unique: std::collections::HashSet<String> = ws.record_ids().into_iter().collect();
    let (first, out) = ws.json(&["index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(first["documents"], unique.len());
    assert_eq!(first["added"], unique.len());
    assert!(first["index_bytes"].as_u64().unwrap() > 10_000);
    assert!(first["seconds"].is_number());
    let (again, _) = ws.json(&["index"]);
    assert_eq!(again["unchanged"], unique.len());
    assert_eq!(again["added"], 0);
    assert_eq!(again["rebuilt"], false);
}

#[test]
fn an_incremental_index_gives_what_a_rebuild_gives() {
    let ws = TestWorkspace::harvested_example();
    let ids0 = ws.record_ids();
    ws.ok(&["index"]);
    ws.ok(&["decide", &ids0[0], "include", "--tag", "ecology"]);
    ws.ok(&["decide", &ids0[1], "exclude", "--reason", "1"]);
    let queries = [
        "ecolog* OR software",
        "decision:unscreened",
        "decision:exclude",
        "tag:ecology",
        "\"open source\" year:>=2010",
        "title:(model* OR data) NOT ecology",
    ];
    let incremental: Vec<_> = queries.iter().map(|q| ids(&ws, q)).collect();
    let (update, _) = ws.json(&["index"]);
    assert_eq!(update["added"], 0, "decide already updated the index");
    std::fs::remove_dir_all(ws.root.join("index")).unwrap();
    let (rebuilt, _) = ws.json(&["index"]);
    assert_eq!(rebuilt["rebuilt"], true);
    let fresh: Vec<_> = queries.iter().map(|q| ids(&ws, q)).collect();
    assert_eq!(incremental, fresh);
    assert_eq!(incremental[3].len(), 1);
    assert!(!incremental[0].is_empty());
}
