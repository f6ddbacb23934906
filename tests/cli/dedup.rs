//! `litscope dedup` end to end: merged records in export and status, idempotent and
//! incremental runs equal to a full one, decisions following merges (and conflicts
//! reported), the review queue answered through the answers file, torn files after a
//! `kill -9`, and the usage errors.

use crate::common::{TestWorkspace, read_jsonl, stderr, stdout, tear};
use serde_json::Value;

/// A Scopus export: s1 shares a DOI with w1; s2 and w2 are one work without a DOI (title,
/// authors, venue and volume agree); s3 and w3 have the same title and authors in two
/// different venues (uncertain); s4 is alone.
const SCOPUS: &str = "\
id,title,authors,year,journal,volume,pages,doi
s1,Allocation of home care services in Norwegian municipalities,Hansen K; Berg O,2020,Scand J Public Health,48,1-10,10.1000/abc
s2,Purchaser provider split in elderly care - a case study from Norway,Olsen P; Dahl M,2018,Health Policy,12,,
s3,Trust-based management in municipal home care services,Nilsen A; Lie B,2019,Tidsskrift for velferdsforskning,3,,
s4,Waiting lists for nursing homes,Moe T,2015,Sykepleien,,,
";

const WOS: &str = "\
id,title,authors,year,journal,volume,pages,doi
w1,Allocation of Home Care Services in Norwegian Municipalities,\"Hansen, Kari; Berg, Ola\",2020,Scandinavian Journal of Public Health,48,1-10,https://doi.org/10.1000/ABC
w2,Purchaser provider split in elderly care: a case study,Olsen P; Dahl M,2018,Health Policy,12,,
w3,Trust-based management in municipal home-care services,Nilsen A; Lie B,2019,Nordic Welfare Research,,,
";

fn import(ws: &TestWorkspace, name: &str, csv: &str) {
    ws.write(&format!("{name}.csv"), csv);
    ws.ok(&["import", &format!("{name}.csv"), "--name", name]);
}

fn both() -> TestWorkspace {
    let ws = TestWorkspace::new();
    import(&ws, "scopus", SCOPUS);
    import(&ws, "wos", WOS);
    ws
}

fn dedup(ws: &TestWorkspace, args: &[&str]) -> Value {
    let mut all = vec!["dedup"];
    all.extend(args);
    let (json, out) = ws.json(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    json
}

fn exported(ws: &TestWorkspace) -> Vec<Value> {
    stdout(&ws.ok(&["export", "--format", "jsonl"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The exported record holding this source key.
fn with_member<'a>(records: &'a [Value], key: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["source_ids"].as_array().unwrap().iter().any(|s| s == key))
        .unwrap_or_else(|| panic!("no record holds {key}"))
}

/// The record id of a source record, as stored.
fn id_of(ws: &TestWorkspace, source: &str, source_id: &str) -> String {
    ws.records(source)
        .iter()
        .find(|r| r["provenance"]["source_id"] == source_id)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn dedup_file(ws: &TestWorkspace, name: &str) -> String {
    std::fs::read_to_string(ws.root.join("corpus/dedup").join(name)).unwrap_or_default()
}

fn sorted_lines(text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = text.lines().collect();
    v.sort();
    v
}

#[test]
fn duplicates_across_sources_are_one_record_in_export_and_status() {
    let ws = both();
    let (status, _) = ws.json(&["status"]);
    assert_eq!(
        status["records"]["unique"], 6,
        "before dedup only the DOI pair is one"
    );
    // A decision on the member whose id will become an alias.
    let w2 = id_of(&ws, "wos", "w2");
    ws.ok(&[
        "decide",
        &w2,
        "exclude",
        "--reason",
        "1",
        "--reviewer",
        "bob",
    ]);

    let json = dedup(&ws, &[]);
    assert_eq!(
        (&json["input"], &json["unique"], &json["duplicates"]),
        (&7.into(), &5.into(), &2.into())
    );
    assert_eq!(json["rules"]["doi"], 1);
    assert_eq!(json["rules"]["title_authors"], 1);
    assert_eq!(json["uncertain"], 1);
    assert_eq!(json["new_records"], 7);

    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["records"]["unique"], 5);
    assert_eq!(status["sources"]["scopus"], 4, "sources count before dedup");
    assert_eq!(status["screening"]["title-abstract"]["unscreened"], 4);
    assert_eq!(
        status["screening"]["title-abstract"]["exclude"], 1,
        "bob's follows"
    );

    let records = exported(&ws);
    assert_eq!(records.len(), 5);
    let merged = with_member(&records, "wos:w2");
    assert_eq!(
        merged["source_ids"],
        serde_json::json!(["scopus:s2", "wos:w2"])
    );
    assert_eq!(merged["sources"], serde_json::json!(["scopus", "wos"]));
    assert_eq!(
        merged["id"],
        id_of(&ws, "scopus", "s2"),
        "the earliest stored member's id"
    );
    assert_ne!(merged["id"], w2);
    assert_eq!(
        merged["decision"], "exclude",
        "the decision made on w2 follows"
    );
    assert_eq!(merged["reasons"], serde_json::json!(["wrong population"]));
    let doi = with_member(&records, "scopus:s1");
    assert_eq!(
        doi["source_ids"],
        serde_json::json!(["scopus:s1", "wos:w1"])
    );
    // Merging is a view: every source record is still stored as it was.
    assert_eq!(ws.records("scopus").len(), 4);
    assert_eq!(ws.records("wos").len(), 3);

    let text = stdout(&ws.ok(&["dedup"]));
    assert!(
        text.starts_with("7 records → 5 unique (2 duplicates merged)"),
        "{text}"
    );
    assert!(
        text.contains("1 pair waiting: `litscope dedup --review`"),
        "{text}"
    );
}

#[test]
fn running_twice_changes_nothing_and_incremental_equals_full() {
    let ws = TestWorkspace::new();
    import(&ws, "scopus", SCOPUS);
    let first = dedup(&ws, &[]);
    assert_eq!((&first["input"], &first["unique"]), (&4.into(), &4.into()));
    let ids_before = dedup_file(&ws, "clusters.jsonl");
    import(&ws, "wos", WOS);
    let second = dedup(&ws, &[]);
    assert_eq!(
        second["new_records"], 3,
        "only the new records are compared"
    );
    assert_eq!(second["unique"], 5);
    // Records alone before keep their ids when others join them.
    let clusters = read_jsonl(&ws.root.join("corpus/dedup/clusters.jsonl"));
    for c in read_jsonl(&ws.root.join("corpus/dedup/clusters.jsonl")) {
        let member = c["members"][0].as_str().unwrap();
        if let Some(before) = ids_before
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .find(|b| b["members"][0] == member)
        {
            assert_eq!(c["id"], before["id"], "{member}");
        }
    }
    let (links, kept) = (
        dedup_file(&ws, "links.jsonl"),
        dedup_file(&ws, "clusters.jsonl"),
    );

    let again = dedup(&ws, &[]);
    assert_eq!(
        (&again["new_records"], &again["new_links"]),
        (&0.into(), &0.into())
    );
    assert_eq!(again["changed"], false);
    assert_eq!(dedup_file(&ws, "links.jsonl"), links, "idempotent");
    assert_eq!(dedup_file(&ws, "clusters.jsonl"), kept, "idempotent");

    let mtime = |f: &str| {
        std::fs::metadata(ws.root.join("corpus/dedup").join(f))
            .unwrap()
            .modified()
            .unwrap()
    };
    let touched = (mtime("links.jsonl"), mtime("clusters.jsonl"));
    let full = dedup(&ws, &["--full"]);
    assert_eq!(
        (mtime("links.jsonl"), mtime("clusters.jsonl")),
        touched,
        "files left untouched when nothing changes (the index stays current)"
    );
    assert_eq!(full["new_records"], 7);
    assert_eq!(
        full["changed"], false,
        "a full run gives the incremental result"
    );
    assert_eq!(full["unique"], again["unique"]);
    assert_eq!(
        sorted_lines(&dedup_file(&ws, "links.jsonl")),
        sorted_lines(&links)
    );
    assert_eq!(dedup_file(&ws, "clusters.jsonl"), kept);

    // Without links.jsonl (deleted by hand) the merges are not silently undone.
    std::fs::remove_file(ws.root.join("corpus/dedup/links.jsonl")).unwrap();
    let (json, out) = ws.json(&["dedup"]);
    assert!(
        stderr(&out).contains("every record was compared again"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        (&json["unique"], &json["changed"]),
        (&5.into(), &false.into())
    );
    assert_eq!(
        sorted_lines(&dedup_file(&ws, "links.jsonl")),
        sorted_lines(&links)
    );

    // A workspace that imports everything first and runs once ends the same.
    let once = both();
    dedup(&once, &[]);
    assert_eq!(
        sorted_lines(&dedup_file(&once, "links.jsonl")),
        sorted_lines(&links)
    );
    assert_eq!(dedup_file(&once, "clusters.jsonl"), kept);
    assert_eq!(clusters.len(), 5);
}

#[test]
fn decisions_follow_merged_records_and_a_conflict_is_reported_until_settled() {
    let ws = both();
    let (s2, w2, s3) = (
        id_of(&ws, "scopus", "s2"),
        id_of(&ws, "wos", "w2"),
        id_of(&ws, "scopus", "s3"),
    );
    // Before dedup: bob includes w2; ann includes s2 and excludes w2 (one work, she did not
    // know); ann includes s3 (not merged: stays as it is).
    ws.ok(&["decide", &w2, "include", "--reviewer", "bob"]);
    ws.ok(&["decide", &s2, "include", "--reviewer", "ann"]);
    ws.ok(&[
        "decide",
        &w2,
        "exclude",
        "--reason",
        "1",
        "--reviewer",
        "ann",
    ]);
    ws.ok(&["decide", &s3, "include", "--reviewer", "ann"]);

    let json = dedup(&ws, &[]);
    let conflicts = json["merge_conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{json}");
    assert_eq!(conflicts[0]["id"], s2);
    assert_eq!(conflicts[0]["reviewer"], "ann");
    assert_eq!(conflicts[0]["decisions"][&s2], "include");
    assert_eq!(conflicts[0]["decisions"][&w2], "exclude");
    let text = stdout(&ws.ok(&["dedup"]));
    assert!(
        text.contains(&format!("conflict   {s2} title-abstract: ann decided")),
        "{text}"
    );

    let (status, out) = ws.json(&["status"]);
    assert_eq!(
        status["dedup"]["merge_conflicts"].as_array().unwrap().len(),
        1
    );
    assert_eq!(status["screening"]["title-abstract"]["conflict"], 1);
    assert_eq!(status["screening"]["title-abstract"]["include"], 1, "s3");
    assert!(
        stdout(&ws.ok(&["status"])).contains("merge conflict:"),
        "{}",
        stderr(&out)
    );
    let records = exported(&ws);
    // Issue 13: a conflict like reviewers who disagree: it stays at title-abstract, shown as
    // a conflict with every decision that counts (ann's on each member, bob's), never
    // silently resolved.
    let merged = with_member(&records, "wos:w2");
    assert_eq!(merged["decision"], "conflict");
    assert_eq!(merged["stage"], "title-abstract");
    let each: Vec<(&str, &str, &str)> = merged["screening"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["reviewer"].as_str().unwrap(),
                h["decision"].as_str().unwrap(),
                h["on"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        each,
        [
            ("ann", "include", ""),
            ("ann", "exclude", w2.as_str()),
            ("bob", "include", w2.as_str())
        ]
    );
    assert_eq!(
        with_member(&records, "scopus:s3")["screening"][0]["decision"],
        "include"
    );
    assert_eq!(status["screening"]["full-text"]["unscreened"], 1, "s3 only");
    let out = ws.ok(&["search", "decision:conflict", "--format", "ids"]);
    assert_eq!(stdout(&out).trim(), s2);
    // Exported and imported elsewhere, the merged record is the same conflict.
    let file = ws.root.join("out.jsonl");
    ws.ok(&[
        "export",
        "--format",
        "jsonl",
        "--out",
        file.to_str().unwrap(),
    ]);
    let target = TestWorkspace::new();
    target.ok(&["import", file.to_str().unwrap(), "--name", "back"]);
    let (back, _) = target.json(&["status"]);
    assert_eq!(back["screening"], status["screening"]);
    let again = exported(&target);
    let merged_again = again
        .iter()
        .find(|r| r["title"] == merged["title"])
        .unwrap();
    assert_eq!(merged_again["decision"], "conflict");
    assert_eq!(merged_again["screening"], merged["screening"]);

    // Deciding with the member's old id decides on the merged record and settles it.
    let out = ws.ok(&["decide", &w2, "include", "--reviewer", "ann"]);
    assert!(
        stderr(&out).contains(&format!("{w2} is merged into {s2}")),
        "{}",
        stderr(&out)
    );
    let last = ws.decisions("ann").pop().unwrap();
    assert_eq!(last["id"], s2);
    assert_eq!(last["covers"], serde_json::json!([s2, w2]));
    let json = dedup(&ws, &[]);
    assert!(
        json["merge_conflicts"].as_array().unwrap().is_empty(),
        "{json}"
    );
    let records = exported(&ws);
    let merged = with_member(&records, "wos:w2");
    assert_eq!(merged["screening"][0]["decision"], "include");
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["screening"]["title-abstract"]["include"], 2);
    assert!(
        status["dedup"]["merge_conflicts"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Undo brings the conflict back: nothing is ever resolved behind the reviewer's back.
    ws.ok(&["decide", &s2, "undo", "--reviewer", "ann"]);
    let (status, _) = ws.json(&["status"]);
    assert_eq!(
        status["dedup"]["merge_conflicts"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn the_review_queue_answered_through_a_file_merges_on_y_keeps_apart_on_n() {
    let ws = both();
    dedup(&ws, &[]);
    let listing = stdout(&ws.ok(&["dedup", "--list-uncertain"]));
    assert!(
        listing.starts_with("# litscope dedup: uncertain pairs"),
        "{listing}"
    );
    let pair_line = listing
        .lines()
        .find(|l| !l.starts_with('#') && !l.is_empty())
        .unwrap();
    assert_eq!(pair_line, "scopus:s3 wos:w3 ?");
    let (json, _) = ws.json(&["dedup", "--list-uncertain"]);
    assert_eq!(
        (&json["input"], &json["unique"], &json["duplicates"]),
        (&7.into(), &5.into(), &2.into()),
        "the contract's summary keys: {json}"
    );
    assert_eq!(json["uncertain"][0]["a"]["key"], "scopus:s3");
    assert_eq!(
        json["uncertain"][0]["b"]["title"],
        "Trust-based management in municipal home-care services"
    );

    // n: kept apart, and the queue is empty.
    ws.write("pairs.txt", &listing.replace("wos:w3 ?", "wos:w3 n"));
    let json = dedup(&ws, &["--answers", "pairs.txt", "--reviewer", "kari"]);
    assert_eq!(
        (&json["unique"], &json["uncertain"]),
        (&5.into(), &0.into())
    );
    assert_eq!(json["answers_stored"], 1);
    let answers = read_jsonl(&ws.root.join("corpus/dedup/answers.jsonl"));
    assert_eq!(answers.len(), 1);
    assert_eq!(
        (
            &answers[0]["a"],
            &answers[0]["b"],
            &answers[0]["duplicate"],
            &answers[0]["reviewer"]
        ),
        (
            &"scopus:s3".into(),
            &"wos:w3".into(),
            &false.into(),
            &"kari".into()
        )
    );
    let json = dedup(&ws, &[]);
    assert_eq!(
        (&json["unique"], &json["uncertain"]),
        (&5.into(), &0.into()),
        "respected later"
    );
    assert!(!stdout(&ws.ok(&["dedup", "--list-uncertain"])).contains("wos:w3"));

    // y (by record ids this time; the latest answer counts): merged, and it stays merged.
    let (s3, w3) = (id_of(&ws, "scopus", "s3"), id_of(&ws, "wos", "w3"));
    ws.write(
        "yes.txt",
        &format!("# changed my mind\n{w3} {s3} yes  # same paper\n"),
    );
    let json = dedup(&ws, &["--answers", "yes.txt"]);
    assert_eq!(json["unique"], 4);
    assert_eq!(json["rules"]["reviewer"], 1);
    let json = dedup(&ws, &["--full"]);
    assert_eq!(
        (&json["unique"], &json["uncertain"]),
        (&4.into(), &0.into())
    );
    let records = exported(&ws);
    assert_eq!(
        with_member(&records, "wos:w3")["source_ids"],
        serde_json::json!(["scopus:s3", "wos:w3"])
    );

    // n on two records merged automatically splits them; each keeps an id of its own, and
    // a decision made on the merged record reaches both, a conflict on each until decided.
    let (s2, w2) = (id_of(&ws, "scopus", "s2"), id_of(&ws, "wos", "w2"));
    let merged = with_member(&exported(&ws), "wos:w2")["id"].clone();
    ws.ok(&[
        "decide",
        merged.as_str().unwrap(),
        "include",
        "--reviewer",
        "ann",
    ]);
    ws.write("split.txt", "scopus:s2 wos:w2 n\n");
    let json = dedup(&ws, &["--answers", "split.txt"]);
    assert_eq!(json["unique"], 5);
    let records = exported(&ws);
    assert_eq!(with_member(&records, "scopus:s2")["id"], s2);
    assert_eq!(with_member(&records, "wos:w2")["id"], w2);
    let mut on: Vec<String> = json["merge_conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    on.sort();
    let mut halves = vec![s2.clone(), w2.clone()];
    halves.sort();
    assert_eq!(on, halves, "{json}");
    assert!(json["merge_conflicts"][0]["split"].as_bool().unwrap());
    // Named by record id, the two halves of one merged record cannot be told apart.
    ws.write("bad.txt", &format!("{s3} {w3} n\n"));
    let out = ws.run(&["dedup", "--answers", "bad.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.txt:1: "), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("one merged record already"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bad_answers_line_exits_2_naming_file_and_line_an_unreadable_file_1_storing_nothing() {
    let ws = both();
    dedup(&ws, &[]);
    for (content, says) in [
        (
            "scopus:s3 wos:w3 y\nscopus:s3 wos:w3 perhaps\n",
            "pairs.txt:2: answer `perhaps`",
        ),
        (
            "# x\nscopus:s3 wos:nope n\n",
            "pairs.txt:2: no stored record is `wos:nope`",
        ),
        ("scopus:s3 y\n", "pairs.txt:1: expected `ID_A ID_B y|n|?`"),
        (
            "vvvvvvvvvvvv scopus:s3 n\n",
            "pairs.txt:1: no record has the id vvvvvvvvvvvv",
        ),
    ] {
        ws.write("pairs.txt", content);
        let out = ws.run(&["dedup", "--answers", "pairs.txt"]);
        assert_eq!(out.status.code(), Some(2), "{content}");
        assert!(stderr(&out).contains(says), "{content}: {}", stderr(&out));
        assert!(
            !ws.root.join("corpus/dedup/answers.jsonl").exists(),
            "nothing stored"
        );
    }
    // A file that cannot be read is a runtime (file) error: exit 1.
    let out = ws.run(&["dedup", "--answers", "missing.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read missing.txt"),
        "{}",
        stderr(&out)
    );
    // So is one that exists but cannot be read as a file (tests run as root, which reads
    // any file whatever its permissions: a directory stands in for an unreadable file).
    std::fs::create_dir(ws.root.join("adir")).unwrap();
    let out = ws.run(&["dedup", "--answers", "adir"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot read adir"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn review_without_a_terminal_exits_2_and_points_to_the_answers_file() {
    let ws = both();
    let out = ws.run(&["dedup", "--review"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(
        err.contains("--answers pairs.txt") && err.contains("answers.jsonl"),
        "{err}"
    );
    assert!(!ws.root.join("corpus/dedup").exists(), "nothing ran");
}

#[test]
fn torn_last_lines_after_a_kill_are_reported_ignored_and_repaired() {
    // The uninterrupted result.
    let clean = both();
    dedup(&clean, &[]);
    let expected = dedup_file(&clean, "clusters.jsonl");

    // A run killed while appending its links: the last link is half written and the
    // clusters were not written yet (links go first).
    let ws = TestWorkspace::new();
    import(&ws, "scopus", SCOPUS);
    dedup(&ws, &[]);
    let before = dedup_file(&ws, "clusters.jsonl");
    import(&ws, "wos", WOS);
    dedup(&ws, &[]);
    tear(&ws.root.join("corpus/dedup/links.jsonl"), 20);
    std::fs::write(ws.root.join("corpus/dedup/clusters.jsonl"), &before).unwrap();
    let (status, out) = ws.json(&["status"]);
    assert!(out.status.success());
    assert_eq!(
        status["records"]["unique"], 6,
        "the new records are not merged yet"
    );
    let (json, out) = ws.json(&["dedup"]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.contains("links.jsonl:3: incomplete last line"), "{err}");
    assert_eq!(
        json["new_records"], 3,
        "what the killed run did not finish is new again"
    );
    assert_eq!(dedup_file(&ws, "clusters.jsonl"), expected);
    let (_, out) = ws.json(&["dedup"]);
    assert!(
        !stderr(&out).contains("incomplete"),
        "repaired: {}",
        stderr(&out)
    );
    assert_eq!(
        read_jsonl(&ws.root.join("corpus/dedup/links.jsonl")).len(),
        3
    );

    // An answer torn by a kill: reported, ignored (the pair waits again), the file repaired
    // by the next answer.
    ws.write("pairs.txt", "scopus:s3 wos:w3 y\n");
    dedup(&ws, &["--answers", "pairs.txt"]);
    tear(&ws.root.join("corpus/dedup/answers.jsonl"), 10);
    let (json, out) = ws.json(&["dedup"]);
    assert!(
        stderr(&out).contains("answers.jsonl:1: incomplete last line"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        (&json["unique"], &json["uncertain"]),
        (&5.into(), &1.into())
    );
    let (json, out) = ws.json(&["dedup", "--answers", "pairs.txt"]);
    assert!(
        stderr(&out).contains("incomplete last line"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json["unique"], 4);
    assert_eq!(
        read_jsonl(&ws.root.join("corpus/dedup/answers.jsonl")).len(),
        1
    );
}

/// The one test on a real terminal (a pty from util-linux `script`): a key answers the pair
/// and the answer is on disk when the review ends.
#[cfg(target_os = "linux")]
#[test]
fn review_on_a_terminal_stores_each_answer() {
    let ws = both();
    dedup(&ws, &[]);
    assert!(
        std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_ok(),
        "this test needs util-linux `script` to get a pseudo-terminal"
    );
    let bin = env!("CARGO_BIN_EXE_litscope");
    let inner = format!("stty cols 100 rows 30; exec {bin} dedup --review --reviewer tui");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "(sleep 1; printf n) | timeout 30 script -qfec '{inner}' /dev/null"
        ))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LITSCOPE_WORKSPACE", &ws.root)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let shown = stdout(&out);
    assert!(out.status.success(), "{shown}{}", stderr(&out));
    assert!(shown.contains("pair 1/1"), "the pair was drawn: {shown}");
    assert!(
        shown.contains("Nordic") && shown.contains("velferdsforskning"),
        "{shown}"
    );
    assert!(
        shown.contains("7 records → 5 unique"),
        "summary after the review: {shown}"
    );
    let answers = read_jsonl(&ws.root.join("corpus/dedup/answers.jsonl"));
    assert_eq!(answers.len(), 1);
    assert_eq!(
        (&answers[0]["duplicate"], &answers[0]["reviewer"]),
        (&false.into(), &"tui".into())
    );
    let json = dedup(&ws, &[]);
    assert_eq!(
        json["uncertain"], 0,
        "the answer is respected by the next run"
    );
}

/// `n` works as two CSV exports: every work in both, the second with its title in upper
/// case and no DOI for one work in three. Words come from a fixed generator.
fn synthetic(n: usize) -> (String, String) {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let syllables = [
        "ka", "ri", "no", "ve", "lu", "sta", "mor", "ped", "gal", "tin", "bro", "ske",
    ];
    let mut word =
        |k: usize| -> String { (0..k).map(|_| syllables[(next() % 12) as usize]).collect() };
    let (mut a, mut b) = (
        String::from("id,title,authors,year,journal,volume,pages,doi\n"),
        String::from("id,title,authors,year,journal,volume,pages,doi\n"),
    );
    for i in 0..n {
        let title: Vec<String> = (0..8).map(|j| word(2 + (i + j) % 3)).collect();
        let title = title.join(" ");
        let author = format!("{} {}", word(3), "ABCDEFG".chars().nth(i % 7).unwrap());
        let journal = format!("Journal of {}", word(3));
        let (year, vol, page) = (1990 + i % 30, 1 + i % 40, 1 + (i * 7) % 500);
        let doi = format!("10.5555/w{i}");
        a.push_str(&format!(
            "a{i},{title},{author},{year},{journal},{vol},{page}-{},{doi}\n",
            page + 9
        ));
        let doi_b = if i % 3 == 0 { "" } else { doi.as_str() };
        b.push_str(&format!(
            "b{i},{},{author},{year},{journal},{vol},{page}-{},{doi_b}\n",
            title.to_uppercase(),
            page + 9
        ));
    }
    (a, b)
}

#[test]
fn kill_9_at_any_moment_then_rerun_gives_the_uninterrupted_result() {
    let (a, b) = synthetic(3000);
    let setup = || {
        let ws = TestWorkspace::new();
        import(&ws, "alpha", &a);
        import(&ws, "beta", &b);
        ws
    };
    let clean = setup();
    let started = std::time::Instant::now();
    let json = dedup(&clean, &[]);
    let took = started.elapsed();
    assert_eq!(
        (&json["input"], &json["unique"]),
        (&6000.into(), &3000.into())
    );
    let (links, clusters) = (
        dedup_file(&clean, "links.jsonl"),
        dedup_file(&clean, "clusters.jsonl"),
    );

    let ws = setup();
    let mut killed = 0;
    for fraction in [0.1, 0.3, 0.5, 0.7, 0.9] {
        let mut child = ws
            .command(&["dedup"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(took.mul_f64(fraction));
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        if !child.wait().unwrap().success() {
            killed += 1;
        }
        // Whatever the moment, the corpus reads: status works and counts records.
        let (status, out) = ws.json(&["status"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(status["sources"]["alpha"], 3000);
    }
    assert!(killed > 0, "every run finished before it could be killed");
    let json = dedup(&ws, &[]);
    assert_eq!(json["unique"], 3000);
    assert_eq!(
        sorted_lines(&dedup_file(&ws, "links.jsonl")),
        sorted_lines(&links)
    );
    assert_eq!(dedup_file(&ws, "clusters.jsonl"), clusters);
}

#[test]
fn a_decision_on_a_record_with_a_fallback_id_follows_when_it_merges_into_another() {
    let ws = both();
    // s1 and w1 share a DOI; told apart, w1 (stored later) gets an id of its own.
    ws.write("split.txt", "scopus:s1 wos:w1 n\n");
    dedup(&ws, &["--answers", "split.txt"]);
    let records = exported(&ws);
    let w1 = with_member(&records, "wos:w1")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(w1, id_of(&ws, "wos", "w1"), "a fallback id");
    ws.ok(&[
        "decide",
        &w1,
        "exclude",
        "--reason",
        "1",
        "--reviewer",
        "bob",
    ]);
    // w1 joins s4's record by an answer: bob's decision follows into the merged record.
    ws.write("merge.txt", "wos:w1 scopus:s4 y\n");
    dedup(&ws, &["--answers", "merge.txt"]);
    let records = exported(&ws);
    let merged = with_member(&records, "wos:w1");
    let mut keys: Vec<&str> = merged["source_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    keys.sort();
    assert_eq!(keys, ["scopus:s4", "wos:w1"]);
    assert_eq!(merged["id"], id_of(&ws, "scopus", "s4"));
    assert_eq!(merged["decision"], "exclude", "the decision follows");
    let out = ws.ok(&["decide", &w1, "include", "--reviewer", "bob"]);
    assert!(
        stderr(&out).contains(&format!("{w1} is merged into")),
        "the old id still names it: {}",
        stderr(&out)
    );
}

#[test]
fn a_decision_on_a_shared_doi_id_is_a_conflict_on_both_halves_when_dedup_splits_them() {
    let ws = both();
    let doi_id = id_of(&ws, "scopus", "s1");
    assert_eq!(doi_id, id_of(&ws, "wos", "w1"), "one DOI, one id");
    ws.ok(&["decide", &doi_id, "include", "--reviewer", "ann"]);
    ws.write("split.txt", "scopus:s1 wos:w1 n\n");
    let json = dedup(&ws, &["--answers", "split.txt"]);
    let records = exported(&ws);
    let (s1, w1) = (
        with_member(&records, "scopus:s1"),
        with_member(&records, "wos:w1"),
    );
    let conflicts = json["merge_conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 2, "{json}");
    let on: Vec<&Value> = conflicts.iter().map(|c| &c["id"]).collect();
    assert!(on.contains(&&s1["id"]) && on.contains(&&w1["id"]), "{json}");
    for c in conflicts {
        assert_eq!(
            (&c["split"], &c["decisions"][&doi_id]),
            (&true.into(), &"include".into())
        );
    }
    // Neither half silently keeps it: each is a conflict showing the decision, split.
    for half in [s1, w1] {
        assert_eq!(half["decision"], "conflict", "{half}");
        assert_eq!(half["screening"].as_array().unwrap().len(), 1, "{half}");
        assert_eq!(
            (
                &half["screening"][0]["decision"],
                &half["screening"][0]["split"]
            ),
            (&"include".into(), &true.into())
        );
    }
    let (status, _) = ws.json(&["status"]);
    assert_eq!(
        status["dedup"]["merge_conflicts"].as_array().unwrap().len(),
        2
    );
    assert_eq!(status["screening"]["title-abstract"]["conflict"], 2);
    assert!(
        stdout(&ws.ok(&["dedup"])).contains("made before dedup told its records apart"),
        "text"
    );

    // Deciding on each half again settles it there, and only there.
    let w1_id = w1["id"].as_str().unwrap().to_string();
    let out = ws.ok(&["decide", &doi_id, "include", "--reviewer", "ann"]);
    assert!(
        stderr(&out).contains(&format!("the others are now {w1_id}")),
        "the reviewer is told which record the shared id now names: {}",
        stderr(&out)
    );
    let (status, _) = ws.json(&["status"]);
    assert_eq!(
        status["dedup"]["merge_conflicts"].as_array().unwrap().len(),
        1
    );
    ws.ok(&[
        "decide",
        &w1_id,
        "exclude",
        "--reason",
        "1",
        "--reviewer",
        "ann",
    ]);
    let (status, _) = ws.json(&["status"]);
    assert!(
        status["dedup"]["merge_conflicts"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{status}"
    );
    let records = exported(&ws);
    assert_eq!(
        with_member(&records, "scopus:s1")["screening"][0]["decision"],
        "include"
    );
    assert_eq!(with_member(&records, "wos:w1")["decision"], "exclude");
}

#[test]
fn dedup_with_answers_reads_the_stored_clusters_once() {
    let ws = both();
    dedup(&ws, &[]);
    tear(&ws.root.join("corpus/dedup/clusters.jsonl"), 10);
    ws.write("pairs.txt", "scopus:s3 wos:w3 ?\n");
    let (_, out) = ws.json(&["dedup", "--answers", "pairs.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(
        err.matches("clusters.jsonl").count(),
        1,
        "one warning for one read: {err}"
    );
}
