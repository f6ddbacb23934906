//! The shipped example workspace (`examples/recorded/`) replays its real recorded Crossref
//! responses without network, as the README's quick start promises.

use crate::common::{TestWorkspace, stderr};
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn example_workspace_harvests_offline_from_its_recordings() {
    let mut ws = TestWorkspace::new();
    std::fs::remove_dir_all(&ws.root).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/recorded");
    copy_dir(&example, &ws.root);
    for generated in ["corpus/records", "corpus/runlog.jsonl", "index"] {
        let p = ws.root.join(generated);
        let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
    }
    // No network at all: every base URL points at a closed port.
    ws.env("LITSCOPE_MAILTO", "");
    let (json, out) = ws.json(&["harvest", "--offline"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["failed"], 0);
    let reported: Vec<_> = json["searches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reported"].clone())
        .collect();
    assert_eq!(reported, [454, 586628, 1253, 7462355, 0]);
    assert_eq!(json["retrieved"], 102);

    let records = ws.records("crossref");
    assert_eq!(records.len(), 102);
    let find = |doi: &str| {
        records
            .iter()
            .find(|r| r["doi"] == doi)
            .unwrap_or_else(|| panic!("{doi}"))
    };
    assert_eq!(
        find("10.5902/2179378688528")["title"],
        "A influência de Schopenhauer em Vivekananda e a polêmica do \u{201c}neo-hinduísmo\u{201d}"
    );
    let jats = find("10.1111/ele.14024")["abstract"].as_str().unwrap();
    assert!(
        jats.starts_with("Encouraged by decision makers") && !jats.contains('<'),
        "{jats}"
    );
    assert_eq!(
        find("10.1007/978-1-4302-0197-7_9")["year"],
        serde_json::Value::Null
    );

    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["records"]["harvested"], 102);
    assert_eq!(status["sources"]["crossref"], 102);

    // Running it again changes nothing.
    let (again, _) = ws.json(&["harvest", "--offline"]);
    assert_eq!(again["retrieved"], 0);
    assert_eq!(ws.records("crossref").len(), 102);

    // The rest of the quick start: dedup, then a search (which builds the index itself).
    let (dedup, out) = ws.json(&["dedup"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(dedup["input"], 102);
    let unique = dedup["unique"].as_u64().unwrap();
    assert_eq!(
        dedup["duplicates"].as_u64().unwrap(),
        102 - unique,
        "{dedup}"
    );
    let (hits, out) = ws.json(&["search", "ecology AND data", "--limit", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let total = hits["total"].as_u64().unwrap();
    assert!(total >= 1, "{hits}");
    let shown = hits["hits"].as_array().unwrap();
    assert_eq!(shown.len() as u64, total.min(3));
    let top = format!("{} {}", shown[0]["title"], shown[0]["snippet"]).to_lowercase();
    assert!(top.contains("ecolog") && top.contains("data"), "{top}");
    let (index, _) = ws.json(&["index"]);
    assert_eq!(index["documents"].as_u64(), Some(unique));
}

#[test]
fn the_repository_review_plans_its_searches() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ws = TestWorkspace::new();
    let out = ws
        .command(&[
            "--workspace",
            root.to_str().unwrap(),
            "harvest",
            "--dry-run",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let searches = plan["searches"].as_array().unwrap();
    assert!(searches.len() >= 20, "{} searches", searches.len());
    let queries: Vec<&str> = searches
        .iter()
        .map(|s| s["query"].as_str().unwrap())
        .collect();
    assert!(queries.iter().any(|q| q.contains("purchaser provider")));
    assert!(queries.iter().any(|q| q.contains("tildeling")));
    let first = |s: &&serde_json::Value| s["first_request"].as_str().unwrap().to_string();
    let crossref: Vec<_> = searches
        .iter()
        .filter(|s| s["source"] == "crossref")
        .collect();
    assert!(crossref.len() >= 20);
    assert!(
        crossref
            .iter()
            .all(|s| first(s).starts_with("http://127.0.0.1:9/works?"))
    );
    let registers: Vec<_> = searches
        .iter()
        .filter(|s| s["source"] == "prosjektbanken")
        .collect();
    assert!(
        !registers.is_empty(),
        "the review searches the Research Council's projects"
    );
    assert!(
        registers
            .iter()
            .all(|s| first(s).contains("/prosjektbanken/rest/projectlist?"))
    );
}
