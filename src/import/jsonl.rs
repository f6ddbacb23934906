//! JSON Lines: one JSON object per line, as `litscope export --format jsonl` writes it (and
//! other tools that write records as objects). Keys are read like CSV columns (the same
//! names, see [`super::csv`]); arrays of strings are lists (`authors`, `keywords`, `tags`),
//! and the export's `screening` array (every stage's decision) comes back as the
//! `litscope:screened=` items the other formats carry, so export → import keeps it.

use super::{Diagnostic, Entry};
use serde_json::{Map, Value};

/// True when `line` is a JSON object (the first record line of a JSON Lines file).
pub fn is_object_line(line: &str) -> bool {
    line.trim_start().starts_with('{') && serde_json::from_str::<Map<String, Value>>(line).is_ok()
}

/// True when `line` is a JSON object with at least two keys that name parts of a record
/// (`title`, `authors`, `doi`, …, read like CSV columns): a record, not an error body such
/// as `{"status": "error", "message": …}` or `{"type": …, "title": "Not Found", …}`.
pub fn is_record_line(line: &str) -> bool {
    serde_json::from_str::<Map<String, Value>>(line).is_ok_and(|object| {
        object
            .keys()
            .filter(|k| super::csv::is_record_column(k) && !super::csv::is_kind_column(k))
            .nth(1)
            .is_some()
    })
}

/// Parses JSON Lines text, calling `on` per object (or per line that is not one).
pub fn parse(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Map<String, Value>>(line) {
            Ok(object) => on(Ok(entry(i + 1, object))),
            Err(e) => on(Err(Diagnostic {
                line: i + 1,
                reason: format!("not a JSON object ({e}): skipped"),
            })),
        }
    }
}

/// A value as a CSV cell: lists joined as the CSV export joins them (an item holding a `;`
/// quoted, see [`crate::text::join_list`]), numbers and booleans as written.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => crate::text::join_list(
            &items
                .iter()
                .map(cell)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>(),
        ),
        other => other.to_string(),
    }
}

/// The export's `screening` objects (each reviewer's decision) as the `litscope:screened=`
/// items the other formats carry ([`crate::screened::screened_item`]).
fn screened_items(value: &Value) -> Vec<String> {
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    };
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| h.is_object())
        .map(|h| {
            let (reasons, tags) = (list(&h["reasons"]), list(&h["tags"]));
            crate::screened::screened_item(&crate::screened::Item {
                stage: h["stage"].as_str().unwrap_or(""),
                decision: h["decision"].as_str().unwrap_or(""),
                reasons: &reasons,
                tags: &tags,
                note: h["note"].as_str(),
                reviewer: h["reviewer"].as_str(),
                time: h["time"].as_str(),
                on: h["on"].as_str(),
                split: h["split"].as_bool().unwrap_or(false),
            })
        })
        .collect()
}

fn entry(line: usize, object: Map<String, Value>) -> Entry {
    let mut names = Vec::with_capacity(object.len());
    let mut values = Vec::with_capacity(object.len());
    let mut items = Vec::new();
    for (key, value) in &object {
        if key == "screening" {
            items = screened_items(value);
            continue;
        }
        names.push(key.clone());
        values.push(cell(value));
    }
    let mut e = super::csv::entry_from_fields(line, &names, values);
    e.keywords.extend(items);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_read_like_csv_rows_and_bad_lines_are_skipped() {
        let text = "{\"id\":\"abc\",\"title\":\"Tildeling\",\"authors\":[\"Økland, Åse\",\"Berg, Ola\"],\"year\":2021,\"doi\":\"10.5555/x\",\"keywords\":[\"a\",\"b\"],\"screening\":[{\"stage\":\"title-abstract\",\"decision\":\"exclude\",\"reasons\":[\"wrong | setting\"],\"tags\":[],\"note\":null,\"reviewer\":\"ann\",\"time\":\"2024-05-01T10:00:00Z\",\"on\":\"5t0mhckng54j\"}]}\n\n[1,2]\n{\"title\":\"Two\"}\n";
        let (ok, bad) = crate::import::parse_all(crate::import::Format::Jsonl, text);
        assert_eq!(ok.len(), 2);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
        let e = &ok[0];
        assert_eq!(e.title.as_deref(), Some("Tildeling"));
        assert_eq!(e.year, Some(2021));
        assert_eq!(e.authors.len(), 2);
        assert_eq!(e.authors[1].family.as_deref(), Some("Berg"));
        assert_eq!(
            e.keywords,
            [
                "a",
                "b",
                "litscope:screened=title-abstract|exclude|wrong %7C setting|||ann|2024-05-01T10:00:00Z|5t0mhckng54j"
            ]
        );
        assert_eq!(ok[1].line, 4);
        assert!(is_object_line("{\"a\": 1}"));
        assert!(!is_object_line("{not json"));
    }
}
