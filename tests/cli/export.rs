//! `litscope export`: every format on the harvested example, filtered by `--status`, carrying
//! decisions, reasons and tags; `--out` writes the file.

use crate::common::{TestWorkspace, stderr, stdout};

/// The contract's export fields, in its order (written out here, not taken from the code
/// under test).
const CONTRACT_COLUMNS: [&str; 15] = [
    "id",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "abstract",
    "sources",
    "source_ids",
    "decision",
    "reasons",
    "tags",
];

/// The example after three decisions: ids[0] excluded (not research; tag software), ids[1]
/// included (tag ecology), ids[2] maybe; the other 99 unscreened.
fn screened_example() -> (TestWorkspace, Vec<String>) {
    let ws = TestWorkspace::harvested_example();
    let ids = ws.record_ids();
    ws.ok(&[
        "decide", &ids[0], "exclude", "--reason", "2", "--tag", "software",
    ]);
    ws.ok(&[
        "decide",
        &ids[1],
        "include",
        "--tag",
        "ecology",
        "--note",
        "key paper",
    ]);
    ws.ok(&["decide", &ids[2], "maybe"]);
    (ws, ids)
}

fn export(ws: &TestWorkspace, args: &[&str]) -> String {
    let mut all = vec!["export"];
    all.extend(args);
    stdout(&ws.ok(&all))
}

#[test]
fn jsonl_has_one_object_per_record_with_the_contract_keys() {
    let (ws, ids) = screened_example();
    let text = export(&ws, &["--format", "jsonl"]);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 102);
    for key in CONTRACT_COLUMNS {
        assert!(lines[0].get(key).is_some(), "{key} missing");
    }
    let by_id = |id: &str| lines.iter().find(|l| l["id"] == id).unwrap();
    let excluded = by_id(&ids[0]);
    assert_eq!(excluded["decision"], "exclude");
    assert_eq!(excluded["reasons"], serde_json::json!(["not research"]));
    assert_eq!(excluded["tags"], serde_json::json!(["software"]));
    assert_eq!(excluded["sources"], serde_json::json!(["crossref"]));
    let doi = excluded["doi"].as_str().unwrap();
    assert_eq!(excluded["source_ids"][0], format!("crossref:{doi}"));
    let included = by_id(&ids[1]);
    // Included at title-abstract, it has reached full-text, where nobody has decided yet.
    assert_eq!(included["decision"], serde_json::Value::Null);
    assert_eq!(included["stage"], "full-text");
    assert_eq!(included["tags"], serde_json::json!(["ecology"]));

    let unscreened = export(&ws, &["--format", "jsonl", "--status", "unscreened"]);
    assert_eq!(unscreened.lines().count(), 101, "all but the excluded one");
    let excluded = export(&ws, &["--format", "jsonl", "--status", "excluded"]);
    assert_eq!(excluded.lines().count(), 1);
    ws.ok(&["decide", &ids[1], "include", "--stage", "full-text"]);
    let included = export(&ws, &["--format", "jsonl", "--status", "included"]);
    assert_eq!(included.lines().count(), 1);
    let line: serde_json::Value = serde_json::from_str(included.trim()).unwrap();
    assert_eq!(
        (line["id"].as_str(), &line["decision"]),
        (Some(ids[1].as_str()), &serde_json::json!("include"))
    );
    assert_eq!(
        line["tags"],
        serde_json::json!(["ecology"]),
        "tags of every stage travel"
    );
}

#[test]
fn csv_has_the_contract_columns_and_filters_by_status() {
    let (ws, ids) = screened_example();
    let text = export(&ws, &["--format", "csv", "--status", "excluded"]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header[..15], CONTRACT_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], ids[0].as_str());
    assert_eq!(&rows[0][12], "exclude");
    assert_eq!(&rows[0][13], "not research");
    assert_eq!(&rows[0][14], "software");
    let all = export(&ws, &["--format", "csv"]);
    assert_eq!(
        csv::Reader::from_reader(all.as_bytes()).records().count(),
        102
    );
    // A maybe at title-abstract sends the record on to full-text, where it is unscreened.
    let maybe = export(&ws, &["--format", "csv", "--status", "maybe"]);
    assert_eq!(
        csv::Reader::from_reader(maybe.as_bytes()).records().count(),
        0
    );
    ws.ok(&["decide", &ids[2], "maybe", "--stage", "full-text"]);
    let maybe = export(&ws, &["--format", "csv", "--status", "maybe"]);
    let rows: Vec<_> = csv::Reader::from_reader(maybe.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], ids[2].as_str());
}

#[test]
fn ris_carries_decisions_in_kw_and_n1_lines() {
    let (ws, ids) = screened_example();
    let text = export(&ws, &["--format", "ris"]);
    assert_eq!(text.matches("ER  - \r\n").count(), 102);
    let entry = text
        .split("ER  - \r\n")
        .find(|e| e.contains(&format!("ID  - {}\r\n", ids[0])))
        .unwrap();
    assert!(entry.trim_start().starts_with("TY  - "), "{entry}");
    assert!(
        entry.contains("KW  - litscope:decision=exclude\r\n"),
        "{entry}"
    );
    assert!(
        entry.contains("KW  - litscope:reason=not research\r\n"),
        "{entry}"
    );
    assert!(entry.contains("KW  - litscope:tag=software\r\n"), "{entry}");
    assert!(
        entry.contains("N1  - litscope:stage=title-abstract\r\n"),
        "{entry}"
    );
    assert!(
        entry.contains("N1  - litscope:source_id=crossref:10."),
        "{entry}"
    );
    let only = export(&ws, &["--format", "ris", "--status", "excluded"]);
    assert_eq!(only.matches("ER  - \r\n").count(), 1);
    assert!(only.contains(&format!("ID  - {}\r\n", ids[0])));
    let none = export(&ws, &["--format", "ris", "--status", "included"]);
    assert!(none.is_empty(), "{none}");
    // Every line is a tag line or blank.
    for line in text.split("\r\n") {
        assert!(
            line.is_empty() || (line.len() >= 6 && &line[2..6] == "  - "),
            "{line:?}"
        );
    }
}

#[test]
fn bibtex_is_valid_with_unique_keys_and_writes_to_out_atomically() {
    let (ws, ids) = screened_example();
    let out = ws.ok(&[
        "export", "--format", "bibtex", "--status", "all", "--out", "refs.bib",
    ]);
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("exported 102 records to refs.bib"),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(ws.root.join("refs.bib")).unwrap();
    let entries: Vec<&str> = text.split("\n@").collect();
    assert_eq!(entries.len(), 102);
    let unscreened = export(&ws, &["--format", "bibtex", "--status", "unscreened"]);
    assert_eq!(unscreened.matches("\n@").count() + 1, 101);
    assert!(!unscreened.contains("litscope:decision=exclude"));
    let mut keys = std::collections::HashSet::new();
    for e in &entries {
        let e = e.trim_start_matches('@');
        let key = e.split_once('{').unwrap().1.split_once(',').unwrap().0;
        assert!(
            key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "{key}"
        );
        assert!(keys.insert(key.to_string()), "duplicate key {key}");
        let mut depth = 0i32;
        for c in e.chars() {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            assert!(depth >= 0, "{e}");
        }
        assert_eq!(depth, 0, "{e}");
    }
    let entry = entries
        .iter()
        .find(|e| e.contains(&format!("litscope = {{id={};", ids[1])))
        .unwrap();
    assert!(entry.contains("litscope:tag=ecology"), "{entry}");
    assert!(entry.contains("note=key paper"), "{entry}");
    // Only the temporary file's rename touched the folder: no leftovers.
    let leftovers: Vec<_> = std::fs::read_dir(&ws.root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
    // Exporting again gives the same keys (stable).
    ws.ok(&["export", "--format", "bibtex", "--out", "again.bib"]);
    assert_eq!(
        std::fs::read_to_string(ws.root.join("again.bib")).unwrap(),
        text
    );
}

#[test]
fn bad_export_flags_are_usage_errors() {
    let ws = TestWorkspace::new();
    for args in [
        vec!["export"],
        vec!["export", "--format", "endnote"],
        vec!["export", "--format", "ris", "--status", "pending"],
    ] {
        let out = ws.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    // An empty workspace exports an empty file, not an error.
    let out = ws.ok(&["export", "--format", "csv"]);
    assert_eq!(stdout(&out).lines().count(), 1, "just the header");
}

/// Export, then import the result into a fresh workspace: the same works come back, with
/// the same ids (ids come from DOIs), titles, years and first authors.
#[test]
fn export_then_import_gives_back_the_same_records() {
    let source = TestWorkspace::harvested_example();
    let original: std::collections::BTreeMap<String, serde_json::Value> = source
        .records("crossref")
        .into_iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r))
        .collect();
    for format in ["ris", "bibtex", "csv", "jsonl"] {
        let file = source.root.join(format!("out.{format}"));
        source.ok(&[
            "export",
            "--format",
            format,
            "--out",
            file.to_str().unwrap(),
        ]);
        let target = TestWorkspace::new();
        let (json, out) = target.json(&["import", file.to_str().unwrap(), "--name", "back"]);
        assert!(
            out.status.success(),
            "{format}: {}",
            crate::common::stderr(&out)
        );
        assert_eq!(json["skipped"], 0, "{format}");
        let back = target.records("back");
        assert_eq!(
            back.len(),
            original.len(),
            "{format}: every record comes back once"
        );
        for r in &back {
            let id = r["id"].as_str().unwrap();
            let o = original
                .get(id)
                .unwrap_or_else(|| panic!("{format}: id {id} not in the original"));
            for field in [
                "doi", "title", "year", "venue", "volume", "issue", "pages", "abstract", "url",
                "language", "keywords",
            ] {
                // A source's placeholder ("null") is no value once imported.
                let want = match &o[field] {
                    serde_json::Value::String(v) if v == "null" => serde_json::Value::Null,
                    // RIS and BibTeX exports are one line per field: paragraphs come back as one.
                    serde_json::Value::String(v)
                        if format != "csv" && format != "jsonl" && field == "abstract" =>
                    {
                        v.replace("\n\n", " ").into()
                    }
                    v => v.clone(),
                };
                assert_eq!(r[field], want, "{format} {id}: {field}");
            }
            let names = |r: &serde_json::Value| -> Vec<(serde_json::Value, serde_json::Value)> {
                r["authors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| (a["family"].clone(), a["given"].clone()))
                    .collect()
            };
            assert_eq!(names(r), names(o), "{format} {id}: authors");
            assert_eq!(
                r["authors"][0]["family"], o["authors"][0]["family"],
                "{format} {id}"
            );
        }
    }
}

/// `source` exported in `format` to a file, and a fresh workspace with the same protocol (so
/// reasons and tags mean the same) whose importing reviewer is `ola`.
fn exported_to_a_fresh_workspace(
    source: &TestWorkspace,
    format: &str,
) -> (TestWorkspace, std::path::PathBuf) {
    let file = source.root.join(format!("out.{format}"));
    source.ok(&[
        "export",
        "--format",
        format,
        "--out",
        file.to_str().unwrap(),
    ]);
    let mut target = TestWorkspace::new();
    std::fs::copy(
        source.root.join("review.toml"),
        target.root.join("review.toml"),
    )
    .unwrap();
    target.env("LITSCOPE_REVIEWER", "ola");
    (target, file)
}

/// Decisions, reasons and tags survive export → import in every importable format.
#[test]
fn decisions_travel_through_export_and_import() {
    let source = TestWorkspace::harvested_example();
    let ids = source.record_ids();
    source.ok(&[
        "decide",
        &ids[0],
        "include",
        "--tag",
        "ecology",
        "--tag",
        "software",
        "--reviewer",
        "kari",
    ]);
    source.ok(&[
        "decide",
        &ids[1],
        "exclude",
        "--reason",
        "2",
        "--note",
        "a review",
        "--reviewer",
        "kari",
    ]);
    source.ok(&["decide", &ids[2], "maybe", "--reviewer", "kari"]);
    for format in ["ris", "bibtex", "csv", "jsonl"] {
        let (target, file) = exported_to_a_fresh_workspace(&source, format);
        let (json, out) = target.json(&["import", file.to_str().unwrap(), "--name", "back"]);
        assert!(
            out.status.success(),
            "{format}: {}",
            crate::common::stderr(&out)
        );
        assert_eq!(json["files"][0]["decisions"], 3, "{format}");
        let back = target.records("back");
        assert!(
            back.iter()
                .all(|r| r["keywords"].as_array().is_none_or(|k| k
                    .iter()
                    .all(|k| !k.as_str().unwrap().starts_with("litscope:")))),
            "{format}: litscope items left in keywords"
        );
        let (status, _) = target.json(&["status"]);
        let ta = &status["screening"]["title-abstract"];
        assert_eq!(
            (
                ta["include"].as_u64(),
                ta["exclude"].as_u64(),
                ta["maybe"].as_u64()
            ),
            (Some(1), Some(1), Some(1)),
            "{format}: {status}"
        );
        let (exported, _) = (target.run(&["export", "--format", "jsonl"]), ());
        let lines: Vec<serde_json::Value> = crate::common::stdout(&exported)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        // Every stage's decision, reasons, tags and note, as the source workspace had them.
        let history = |d: &str| {
            lines
                .iter()
                .flat_map(|r| r["screening"].as_array().unwrap().iter())
                .find(|h| h["decision"] == d)
                .unwrap_or_else(|| panic!("{format}: no {d} in the history"))
                .clone()
        };
        assert_eq!(
            history("include")["tags"],
            serde_json::json!(["ecology", "software"]),
            "{format}"
        );
        assert_eq!(history("include")["stage"], "title-abstract", "{format}");
        assert_eq!(
            history("exclude")["reasons"],
            serde_json::json!(["not research"]),
            "{format}"
        );
        assert_eq!(history("exclude")["note"], "a review", "{format}");
        assert_eq!(history("maybe")["stage"], "title-abstract", "{format}");
        assert!(
            target.root.join("corpus/decisions/kari.jsonl").exists()
                && !target.root.join("corpus/decisions/ola.jsonl").exists(),
            "{format}: decisions recorded for the reviewer who made them"
        );
    }
}

/// Issue 13: a MEDLINE case report (`PT  - Case Reports` before `PT  - Journal Article`) is an
/// `@article` with its journal in `journal`, which BibTeX import reads back as its venue.
#[test]
fn issue13_a_medline_case_report_is_a_bibtex_article_with_its_journal() {
    let ws = TestWorkspace::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/types");
    ws.ok(&["import", dir.join("medline.nbib").to_str().unwrap()]);
    let bib = export(&ws, &["--format", "bibtex"]);
    let entry = bib
        .split("\n@")
        .find(|e| e.contains("kasuistikk"))
        .unwrap_or_else(|| panic!("no case report in\n{bib}"));
    let entry = entry.trim_start_matches('@');
    assert!(entry.starts_with("article{"), "{entry}");
    assert!(
        entry.contains("  journal = {Tidsskrift for den Norske laegeforening},\n"),
        "{entry}"
    );
    assert!(!entry.contains("institution"), "{entry}");
    let target = TestWorkspace::new();
    target.write("back.bib", &bib);
    target.ok(&["import", "back.bib", "--name", "back"]);
    let back = target.records("back");
    let case = back
        .iter()
        .find(|r| r["title"].as_str().unwrap().contains("kasuistikk"))
        .unwrap();
    assert_eq!(case["venue"], "Tidsskrift for den Norske laegeforening");
    assert_eq!(case["type"], "journal-article");
}

/// `source` exported in `format` and imported (as database `back`, by reviewer `ola`) into
/// a fresh workspace with the same protocol: that workspace and the import's JSON summary.
fn exported_into_fresh(source: &TestWorkspace, format: &str) -> (TestWorkspace, serde_json::Value) {
    let file = source.root.join(format!("out.{format}"));
    source.ok(&[
        "export",
        "--format",
        format,
        "--out",
        file.to_str().unwrap(),
    ]);
    let mut target = TestWorkspace::new();
    std::fs::copy(
        source.root.join("review.toml"),
        target.root.join("review.toml"),
    )
    .unwrap();
    target.env("LITSCOPE_REVIEWER", "ola");
    let (json, out) = target.json(&["import", file.to_str().unwrap(), "--name", "back"]);
    assert!(out.status.success(), "{format}: {}", stderr(&out));
    (target, json)
}

/// The fields of a JSON Lines export line that a round trip must keep, by record id.
fn kept_fields(ws: &TestWorkspace) -> std::collections::BTreeMap<String, serde_json::Value> {
    export(ws, &["--format", "jsonl"])
        .lines()
        .map(|l| {
            let line: serde_json::Value = serde_json::from_str(l).unwrap();
            let mut kept = serde_json::Map::new();
            for key in [
                "id", "title", "authors", "year", "journal", "doi", "type", "genre", "keywords",
            ] {
                kept.insert(key.into(), line[key].clone());
            }
            // Each stage's decision with its reasons, tags and note.
            let screening: Vec<serde_json::Value> = line["screening"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    serde_json::json!([
                        h["stage"],
                        h["decision"],
                        h["reasons"],
                        h["tags"],
                        h["note"]
                    ])
                })
                .collect();
            kept.insert("screening".into(), screening.into());
            (line["id"].as_str().unwrap().to_string(), kept.into())
        })
        .collect()
}

/// The records' screening as the JSON Lines export shows it, by id: where each stands and
/// every reviewer's decision.
fn screening_by_id(ws: &TestWorkspace) -> std::collections::BTreeMap<String, serde_json::Value> {
    export(ws, &["--format", "jsonl"])
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|l| {
            let keep = serde_json::json!({
                "stage": l["stage"], "decision": l["decision"], "conflict": l["conflict"],
                "reasons": l["reasons"], "tags": l["tags"], "note": l["note"],
                "screening": l["screening"],
            });
            (l["id"].as_str().unwrap().to_string(), keep)
        })
        .collect()
}

/// Issue 13: export → import into a fresh workspace keeps every record whole, in every
/// format: its id (litscope's own, also for the records without a DOI), title, authors,
/// year, venue, DOI, type and finer kind, keywords (with commas, semicolons and æøå) and
/// every decision with its reasons, tags and note.
#[test]
fn issue13_every_format_round_trips_ids_types_keywords_and_decisions() {
    let source = TestWorkspace::typed();
    let by_title = |start: &str| -> (String, serde_json::Value) {
        kept_fields(&source)
            .into_iter()
            .find(|(_, r)| r["title"].as_str().unwrap().starts_with(start))
            .unwrap_or_else(|| panic!("no record titled {start}…"))
    };
    let (case, r) = by_title("Tildeling av hjemmetjenester");
    assert_eq!(
        (&r["type"], &r["genre"], &r["doi"]),
        (
            &"journal-article".into(),
            &serde_json::json!(["case-report"]),
            &serde_json::Value::Null
        )
    );
    let keywords = r["keywords"].as_array().unwrap();
    assert!(keywords.contains(&"Home Care Services, Hospital-Based".into()));
    assert!(keywords.contains(&"tildeling; kommune".into()));
    let (chapter, r) = by_title("Tillitsmodellen i praksis");
    assert_eq!(r["type"], "book-chapter");
    assert_eq!(
        r["keywords"],
        serde_json::json!(["tillit, styring", "bestiller; utfører"])
    );
    let (conference, r) = by_title("Trust-based management");
    assert_eq!(r["type"], "proceedings-article");
    assert_ne!(
        conference, "5t0mhckng54j",
        "a foreign file's ID is no litscope id"
    );
    let (_, r) = by_title("Bestiller–utfører-modellen");
    assert_eq!(
        (&r["type"], &r["keywords"]),
        (
            &"journal-article".into(),
            &serde_json::json!(["eldreomsorg", "New Public Management, NPM"])
        )
    );
    let (report, r) = by_title("Tjenestetildeling i norske kommuner");
    assert_eq!(
        (report.as_str(), &r["type"]),
        ("cristinrep00", &"report".into())
    );
    let (project, r) = by_title("Tillitsreformen");
    assert_eq!(r["type"], "project");
    assert_eq!(
        by_title("Correction to").1["genre"],
        serde_json::json!(["erratum"])
    );

    let decide = |args: &[&str]| {
        let mut all = vec!["decide"];
        all.extend(args);
        all.extend(["--reviewer", "kari"]);
        source.ok(&all);
    };
    decide(&[&case, "include", "--tag", "PA", "--note", "Ålesund"]);
    decide(&[
        &case,
        "exclude",
        "--stage",
        "full-text",
        "--reason",
        "3",
        "--tag",
        "2",
        "--note",
        "p. 3, top; left | right",
    ]);
    decide(&[&chapter, "exclude", "--reason", "2", "--tag", "NPM"]);
    decide(&[&project, "maybe"]);
    decide(&[&report, "include", "--tag", "1", "--tag", "2"]);
    let before = kept_fields(&source);
    assert_eq!(before.len(), 15);
    assert_eq!(before[&case]["screening"].as_array().unwrap().len(), 2);

    for format in ["ris", "bibtex", "csv", "jsonl"] {
        let (target, json) = exported_into_fresh(&source, format);
        assert_eq!(json["skipped"], 0, "{format}");
        let after = kept_fields(&target);
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>(),
            "{format}: the same ids"
        );
        for (id, want) in &before {
            for (field, value) in want.as_object().unwrap() {
                assert_eq!(
                    &after[id][field], value,
                    "{format}: {field} of {id} ({})",
                    want["title"]
                );
            }
        }
    }
}

/// Issue 13: each reviewer's decisions (a conflict too) travel through export → import in
/// every format and come back exactly: the same reviewers, verdicts, reasons, tags, notes
/// and times, so the re-imported workspace screens the same.
#[test]
fn every_reviewers_decisions_and_conflicts_come_back_exactly() {
    let source = TestWorkspace::harvested_example();
    let ids = source.record_ids();
    let decide = |args: &[&str]| {
        let mut all = vec!["decide"];
        all.extend(args);
        source.ok(&all);
    };
    // A conflict at title-abstract.
    decide(&[&ids[0], "include", "--reviewer", "ann", "--tag", "ecology"]);
    decide(&[
        &ids[0],
        "exclude",
        "--reviewer",
        "bob",
        "--reason",
        "1",
        "--note",
        "n; a | b, c + d",
    ]);
    // Agreement at title-abstract, then excluded at full-text.
    decide(&[&ids[1], "include", "--reviewer", "ann"]);
    decide(&[&ids[1], "include", "--reviewer", "bob", "--tag", "2"]);
    decide(&[
        &ids[1],
        "exclude",
        "--reviewer",
        "ann",
        "--stage",
        "full-text",
        "--reason",
        "2",
    ]);
    // One reviewer; an undone decision does not travel.
    decide(&[&ids[2], "include", "--reviewer", "kari"]);
    decide(&[&ids[2], "undo", "--reviewer", "kari"]);
    decide(&[&ids[2], "maybe", "--reviewer", "kari", "--tag", "software"]);
    let want = screening_by_id(&source);
    assert_eq!(want[&ids[0]]["decision"], "conflict");
    let (want_status, _) = source.json(&["status"]);

    for format in ["ris", "bibtex", "csv", "jsonl"] {
        let (target, file) = exported_to_a_fresh_workspace(&source, format);
        let out = target.ok(&["import", file.to_str().unwrap(), "--name", "back"]);
        let got = screening_by_id(&target);
        for id in &ids[..4] {
            assert_eq!(got[id], want[id], "{format} {id}: {}", stderr(&out));
        }
        let (status, _) = target.json(&["status"]);
        assert_eq!(status["screening"], want_status["screening"], "{format}");
        assert!(
            !target.root.join("corpus/decisions/ola.jsonl").exists(),
            "{format}: each decision names its reviewer"
        );
        // Importing the same file again adds no decision.
        let before: usize = ["ann", "bob", "kari"]
            .iter()
            .map(|r| target.decisions(r).len())
            .sum();
        target.ok(&["import", file.to_str().unwrap(), "--name", "again"]);
        let after: usize = ["ann", "bob", "kari"]
            .iter()
            .map(|r| target.decisions(r).len())
            .sum();
        assert_eq!((before, after), (6, 6), "{format}");
    }
}

/// Exports written before each reviewer's decisions travelled (one effective decision per
/// stage, no reviewer) still import, for the importing reviewer.
#[test]
fn an_older_export_without_reviewers_still_imports() {
    let ws = TestWorkspace::new();
    ws.write(
        "old.ris",
        "TY  - JOUR\r\nID  - 5t0mhckng54j\r\nTI  - Tildeling\r\nDO  - 10.1371/journal.pone.0033693\r\nKW  - care\r\nKW  - litscope:decision=exclude\r\nKW  - litscope:reason=wrong focus\r\nKW  - litscope:screened=title-abstract|include||theme%20A|\r\nKW  - litscope:screened=full-text|exclude|wrong focus||p. 3%2C top\r\nN1  - litscope:stage=full-text\r\nER  - \r\n",
    );
    let mut ws = ws;
    ws.env("LITSCOPE_REVIEWER", "ola");
    ws.ok(&["import", "old.ris", "--name", "old"]);
    let log = ws.decisions("ola");
    let got: Vec<(&str, &str)> = log
        .iter()
        .map(|d| {
            (
                d["stage"].as_str().unwrap(),
                d["decision"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("title-abstract", "include"), ("full-text", "exclude")]
    );
    assert_eq!(log[1]["note"], "p. 3, top");
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["screening"]["full-text"]["exclude"], 1);
}
