//! `litscope search`: Norwegian inflections and compounds, æøå exact and folded, phrases
//! across hyphens and dashes, year ranges, fields, `decision:`/`tag:` right after `decide`,
//! a deleted or stale index rebuilt transparently, syntax errors with their position (exit
//! 2), the output formats, `--saved` filters, and no control character from stored text on
//! the terminal.

use crate::common::{TestWorkspace, stderr, stdout};

const NORDIC: &str = "\
id,title,abstract,authors,year,keywords,language
n1,Tillitsmodellen i Oslo kommune,Om tillit og ledelse i hjemmetjenesten.,\"Økland, Åse\",2019,tjenestetildeling,nb
n2,Bestiller-utfører-modellen i eldreomsorgen,Kommunal organisering av pleie og omsorg.,\"Berg, Ola\",2012,,nb
n3,Fra bestiller–utfører til tillit,Kommunene forlater modellen.,\"Hansen, Kari\",2015,,nb
n4,Bestiller utfører modeller,Organisering av pleie og omsorg.,\"Okland, Per\",2008,,nb
n5,Trust-based management in home care,A municipality introduced trust based steering.,\"Smith, J.\",2021,,en
n6,Utforer spelt without the letter,An ASCII spelling: utforer.,\"Doe, A.\",2010,,en
";

fn nordic() -> TestWorkspace {
    let ws = TestWorkspace::new();
    ws.write("nordic.csv", NORDIC);
    ws.ok(&["import", "nordic.csv", "--name", "nordic"]);
    ws
}

/// Source ids (`n1` …) of the hits, sorted.
fn found(ws: &TestWorkspace, q: &str) -> Vec<String> {
    let out = ws.run(&["search", q, "--format", "csv"]);
    assert!(out.status.success(), "{q}: {}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "source_ids")
        .unwrap();
    let mut ids: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[col].trim_start_matches("nordic:").to_string())
        .collect();
    ids.sort();
    ids
}

fn v(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn norwegian_inflections_compounds_and_hyphens() {
    let ws = nordic();
    assert_eq!(found(&ws, "tillitsmodell"), v(&["n1"]));
    assert_eq!(found(&ws, "tillitsmodellen"), v(&["n1"]));
    assert_eq!(found(&ws, "tjenestetildelingen"), v(&["n1"]));
    for q in [
        "bestiller-utfører",
        "bestiller–utfører",
        "\"bestiller utfører\"",
    ] {
        assert_eq!(found(&ws, q), v(&["n2", "n3", "n4"]), "{q}");
    }
    assert_eq!(found(&ws, "trust-based"), v(&["n5"]));
    assert_eq!(found(&ws, "\"trust based\""), v(&["n5"]));
}

#[test]
fn aeoa_exact_when_typed_and_folded_in_ascii() {
    let ws = nordic();
    assert_eq!(found(&ws, "utfører"), v(&["n2", "n3", "n4"]));
    assert_eq!(found(&ws, "utforer"), v(&["n2", "n3", "n4", "n6"]));
    assert_eq!(found(&ws, "author:økland"), v(&["n1"]));
    assert_eq!(found(&ws, "author:okland"), v(&["n1", "n4"]));
}

#[test]
fn fields_ranges_and_operators() {
    let ws = nordic();
    assert_eq!(found(&ws, "year:[2010 TO 2015]"), v(&["n2", "n3", "n6"]));
    assert_eq!(found(&ws, "year:>=2019"), v(&["n1", "n5"]));
    assert_eq!(found(&ws, "title:tillit"), v(&["n3"]));
    assert_eq!(found(&ws, "abstract:tillit"), v(&["n1"]));
    assert_eq!(found(&ws, "keywords:tjenestetildeling"), v(&["n1"]));
    assert_eq!(found(&ws, "language:en"), v(&["n5", "n6"]));
    assert_eq!(found(&ws, "source:nordic AND database:nordic").len(), 6);
    assert_eq!(found(&ws, "bestiller* NOT year:<2010"), v(&["n2", "n3"]));
    assert_eq!(found(&ws, "(tillit* OR trust*) -kommune*"), v(&["n5"]));
    assert_eq!(found(&ws, "\"pleie omsorg\"~1"), v(&["n2", "n4"]));
}

#[test]
fn decision_and_tag_filters_right_after_decide() {
    let ws = nordic();
    let ids = |q: &str| {
        let out = ws.ok(&["search", q, "--format", "ids"]);
        stdout(&out).lines().map(str::to_string).collect::<Vec<_>>()
    };
    let all = ids("tillit*");
    assert_eq!(all.len(), 2);
    assert_eq!(ids("decision:unscreened").len(), 6);
    ws.ok(&[
        "decide",
        &all[0],
        "exclude",
        "--reason",
        "1",
        "--tag",
        "tillitsmodell",
    ]);
    let out = ws.ok(&["search", "decision:exclude", "--format", "ids"]);
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        vec![all[0].as_str()]
    );
    assert!(
        !stderr(&out).contains("index"),
        "decide kept the index current: {}",
        stderr(&out)
    );
    assert_eq!(ids("tag:\"Tillitsmodell\""), vec![all[0].clone()]);
    assert_eq!(ids("decision:title-abstract:exclude"), vec![all[0].clone()]);
    assert_eq!(ids("decision:unscreened").len(), 5);
}

#[test]
fn a_deleted_or_stale_index_is_rebuilt_before_searching() {
    let ws = nordic();
    assert_eq!(found(&ws, "tillitsmodell"), v(&["n1"]));
    std::fs::remove_dir_all(ws.root.join("index")).unwrap();
    let out = ws.ok(&["search", "tillitsmodell", "--format", "ids"]);
    assert_eq!(stdout(&out).lines().count(), 1);
    assert!(
        stderr(&out).contains("building the index"),
        "{}",
        stderr(&out)
    );
    // A new import makes the index stale: the next search sees the new record.
    ws.write("more.csv", "id,title\nm1,Tillitsmodell i Bergen\n");
    ws.ok(&["import", "more.csv", "--name", "more"]);
    let out = ws.ok(&["search", "tillitsmodell", "--format", "ids"]);
    assert_eq!(stdout(&out).lines().count(), 2);
    assert!(
        stderr(&out).contains("updating the index"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_syntax_error_exits_2_with_the_position() {
    let ws = nordic();
    let out = ws.run(&["search", "tildeling AND (kommune"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("at position 15"), "{}", stderr(&out));
    ws.write(
        "queries/bad.toml",
        "name = \"bad\"\n[screen]\nfilter = 'a OR'\n",
    );
    let out = ws.run(&["search", "--saved", "queries/bad.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("queries/bad.toml") && err.contains("at position"),
        "{err}"
    );
}

#[test]
fn json_ids_ris_and_count_agree() {
    let ws = nordic();
    let (json, _) = ws.json(&["search", "bestiller*", "--limit", "2"]);
    assert_eq!(json["total"], 3);
    let hits = json["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    for key in ["id", "score", "title", "year", "sources", "snippet"] {
        assert!(hits[0].get(key).is_some(), "{key} missing: {json}");
    }
    assert_eq!(hits[0]["sources"], serde_json::json!(["nordic"]));
    let count = ws.ok(&["search", "bestiller*", "--count"]);
    assert_eq!(stdout(&count).trim(), "3");
    let (count, _) = ws.json(&["search", "bestiller*", "--count"]);
    assert_eq!(
        count,
        serde_json::json!({"total": 3, "hits": []}),
        "the contract's shape"
    );
    let ris = ws.ok(&["search", "bestiller*", "--format", "ris"]);
    assert_eq!(stdout(&ris).matches("TY  - ").count(), 3);
    let by_year = ws.ok(&["search", "bestiller*", "--sort", "year", "--format", "ids"]);
    let first = stdout(&by_year).lines().next().unwrap().to_string();
    let (one, _) = ws.json(&["search", &format!("id:{first}")]);
    assert_eq!(one["hits"][0]["year"], 2015);
}

#[test]
fn saved_filter_shows_what_it_keeps() {
    let ws = nordic();
    let filter = "(bestiller* OR tillit*) AND (kommun* OR omsorg*)";
    ws.write(
        "queries/strategy.toml",
        &format!("name = \"s\"\n[screen]\nfilter = '{filter}'\n"),
    );
    let (saved, out) = ws.json(&["search", "--saved", "queries/strategy.toml"]);
    assert!(
        stderr(&out).contains("keeps 4 of 6 records (removes 2)"),
        "{}",
        stderr(&out)
    );
    let (direct, _) = ws.json(&["search", filter]);
    assert_eq!(saved["total"], 4);
    assert_eq!(saved["hits"], direct["hits"]);
}

#[test]
fn control_characters_in_stored_text_never_reach_the_terminal() {
    let ws = nordic();
    // A record stored with escape sequences in its title (as an older or foreign tool
    // might have written it), bypassing the cleaning at import.
    let path = ws.root.join("corpus/records/nordic.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().next().unwrap();
    let mut r: serde_json::Value = serde_json::from_str(line).unwrap();
    r["title"] = "Tillit \u{1b}]0;pwned\u{7}og \u{1b}[2Jstyring\u{9b}31m i kommunen".into();
    r["abstract"] = "Tillit\u{1b}[31m i \u{0}kommunene.".into();
    let rest: Vec<&str> = text.lines().skip(1).collect();
    std::fs::write(&path, format!("{}\n{}\n", r, rest.join("\n"))).unwrap();
    for color in ["always", "never"] {
        let out = ws.ok(&["search", "tillit*", "--color", color]);
        let s = stdout(&out);
        assert!(s.contains("Tillit"), "{s}");
        let stripped = s.replace("\u{1b}[1;33m", "").replace("\u{1b}[0m", "");
        assert!(
            !stripped.chars().any(|c| c.is_control() && c != '\n'),
            "--color {color}: {stripped:?}"
        );
        if color == "always" {
            assert!(s.contains("\u{1b}[1;33mTillit\u{1b}[0m"), "{s:?}");
        }
    }
}

#[test]
fn the_index_holds_merged_records_and_follows_decisions_on_a_member() {
    // The same work exported by two databases (no DOI): dedup merges it, the index then holds
    // one document with both sources, and a decision given by the second database's old id
    // lands on the merged record.
    let ws = nordic();
    let before = ws.ok(&["search", "tillitsmodell", "--format", "ids"]);
    let before: Vec<String> = stdout(&before).lines().map(str::to_string).collect();
    assert_eq!(before.len(), 1);
    ws.write(
        "other.csv",
        "id,title,abstract,authors,year,journal\n\
         x1,Tillitsmodellen i Oslo kommune,Om tillit og ledelse i hjemmetjenesten.,\"Økland, Åse\",2019,\n",
    );
    ws.ok(&["import", "other.csv", "--name", "other"]);
    let (both, _) = ws.json(&["search", "tillitsmodell"]);
    assert_eq!(both["total"], 2, "two records before dedup: {both}");
    let member = both["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["sources"] == serde_json::json!(["other"]))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Title, author, year and abstract agree but nothing else is known: dedup asks, and the
    // reviewer's answer merges them.
    let (dedup, _) = ws.json(&["dedup"]);
    assert_eq!(
        (dedup["duplicates"].as_u64(), dedup["uncertain"].as_u64()),
        (Some(0), Some(1)),
        "{dedup}"
    );
    ws.write("answers.txt", "nordic:n1 other:x1 y\n");
    let (dedup, _) = ws.json(&["dedup", "--answers", "answers.txt"]);
    assert_eq!(dedup["duplicates"], 1, "{dedup}");
    let (merged, _) = ws.json(&["search", "tillitsmodell"]);
    assert_eq!(merged["total"], 1, "{merged}");
    let hit = &merged["hits"][0];
    assert_eq!(hit["sources"], serde_json::json!(["nordic", "other"]));
    assert_eq!(
        hit["id"],
        before[0].as_str(),
        "the merged record keeps its id"
    );
    let (index, _) = ws.json(&["index"]);
    assert_eq!(index["documents"], 6);

    ws.ok(&["decide", &member, "include"]);
    let out = ws.ok(&[
        "search",
        "decision:title-abstract:include",
        "--format",
        "ids",
    ]);
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        vec![before[0].as_str()]
    );
}

/// Issue 13: `type:` finds a kind of work however its source spelled the type (`JOUR`, `J` and
/// `Article`, MEDLINE's `Case Reports` before `Journal Article`, `@article`, `%0 Journal
/// Article`, Scopus `Article`, Cristin `ARTICLE` stored by an earlier litscope), and the finer
/// kinds the sources name (review, case report, correction) are searchable too.
#[test]
fn issue13_type_finds_every_spelling_of_a_type() {
    let ws = TestWorkspace::typed();
    let count = |q: &str| -> u64 {
        let out = ws.run(&["search", q, "--count"]);
        assert!(out.status.success(), "{q}: {}", stderr(&out));
        stdout(&out).trim().parse().unwrap()
    };
    // MEDLINE 2, WoS 2 (an article, a correction), BibTeX 1, EndNote 1, Scopus 2, Cristin 1.
    assert_eq!(count("type:journal-article"), 9);
    assert_eq!(count("type:book-chapter"), 1);
    assert_eq!(count("type:report"), 2, "RIS RPRT and Cristin REPORT");
    assert_eq!(
        count("type:proceedings-article"),
        2,
        "RIS CONF, @inproceedings"
    );
    assert_eq!(count("type:project"), 1);
    assert_eq!(count("type:case-report"), 1);
    assert_eq!(count("type:review"), 2, "MEDLINE and Scopus reviews");
    assert_eq!(count("type:erratum"), 1, "the WoS correction");
    assert_eq!(count("type:journal-article AND NOT type:review"), 7);
}
