//! JSON Lines export: one object per record with the CSV export's keys; `authors`,
//! `sources`, `source_ids`, `reasons`, `tags` and `keywords` are arrays, missing values
//! `null`, plus `conflict` (true when reviewers disagree at the record's stage: `decision` is
//! then `conflict`), `screening` (every decision that counts, each reviewer's, at every
//! stage: `stage, reviewer, decision, reasons, tags, note, time`, and `on` / `split` for a
//! decision made on a record merged into this one since), `type` (the vocabulary's term, see
//! [`crate::worktype`]) and `genre` (an array of finer kinds).

use super::ExportError;
use crate::screened::ScreenedRecord;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    title: Option<&'a str>,
    authors: Vec<String>,
    year: Option<i32>,
    journal: Option<&'a str>,
    volume: Option<&'a str>,
    issue: Option<&'a str>,
    pages: Option<&'a str>,
    doi: Option<&'a str>,
    #[serde(rename = "abstract")]
    abstract_text: Option<&'a str>,
    sources: &'a [String],
    source_ids: &'a [String],
    decision: Option<&'static str>,
    reasons: &'a [String],
    tags: &'a [String],
    stage: Option<&'a str>,
    conflict: bool,
    note: Option<&'a str>,
    keywords: &'a [String],
    /// Every reviewer's decision that counts at every stage (`decision` above is where the
    /// record stands).
    screening: Vec<serde_json::Value>,
    url: Option<&'a str>,
    language: Option<&'a str>,
    #[serde(rename = "type")]
    kind: Option<&'static str>,
    /// Finer kinds (`review`, `case-report`).
    genre: Vec<&'static str>,
}

/// One record as a JSON object (without the newline).
pub fn line(r: &ScreenedRecord) -> serde_json::Result<Vec<u8>> {
    let rec = &r.record;
    serde_json::to_vec(&Line {
        id: rec.id.as_str(),
        title: rec.title.as_deref(),
        authors: r.author_names(),
        year: rec.year,
        journal: rec.venue.as_deref(),
        volume: rec.volume.as_deref(),
        issue: rec.issue.as_deref(),
        pages: rec.pages.as_deref(),
        doi: rec.doi.as_deref(),
        abstract_text: rec.abstract_text.as_deref(),
        sources: &r.sources,
        source_ids: &r.source_ids,
        decision: Some(r.decision_text()).filter(|d| !d.is_empty()),
        reasons: &r.reasons,
        tags: &r.tags,
        stage: r.stage.as_deref(),
        conflict: r.conflict,
        note: r.note.as_deref(),
        keywords: &rec.keywords,
        screening: r
            .history
            .iter()
            .map(|h| {
                let mut v = serde_json::json!({"stage": h.stage, "reviewer": h.reviewer, "decision": h.decision.as_str(), "reasons": h.reasons, "tags": h.tags, "note": h.note, "time": h.time});
                if let Some(on) = &h.on {
                    v["on"] = on.as_str().into();
                }
                if h.split {
                    v["split"] = true.into();
                }
                v
            })
            .collect(),
        url: rec.url.as_deref(),
        language: rec.language.as_deref(),
        kind: rec.kind.map(|k| k.as_str()),
        genre: rec.genre.iter().map(|g| g.as_str()).collect(),
    })
}

/// Writes one line per record.
pub fn write(records: &[ScreenedRecord], w: &mut dyn Write) -> Result<(), ExportError> {
    for r in records {
        let mut bytes = line(r).map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        w.write_all(&bytes)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screened::testing::*;
    use crate::store::decisions::Verdict;

    #[test]
    fn one_object_per_line_with_arrays() {
        let mut r = record("crossref", "10.1000/x", Some("10.1000/x"));
        r.title = Some("Line\nbreak \u{2028} and \"quotes\"".into());
        let a = screened(r, Some(Verdict::Include), &[], &["PA", "NPM"]);
        let b = screened(record("nva", "9", None), None, &[], &[]);
        let mut buf = Vec::new();
        write(&[a, b], &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["title"], "Line\nbreak \u{2028} and \"quotes\"");
        assert_eq!(lines[0]["decision"], "include");
        assert_eq!(lines[0]["tags"], serde_json::json!(["PA", "NPM"]));
        assert_eq!(
            lines[0]["source_ids"],
            serde_json::json!(["crossref:10.1000/x"])
        );
        assert_eq!(lines[0]["sources"], serde_json::json!(["crossref"]));
        assert_eq!(lines[1]["decision"], serde_json::Value::Null);
        assert_eq!(lines[1]["reasons"], serde_json::json!([]));
        for key in [
            "id", "title", "authors", "year", "journal", "volume", "issue", "pages", "doi",
            "abstract",
        ] {
            assert!(lines[1].get(key).is_some(), "{key}");
        }
    }
}
