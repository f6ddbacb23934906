//! `litscope export`: the review's records with their screening decisions, in the formats
//! reference managers and screening tools read (RIS, BibTeX, CSV, JSON Lines).
//!
//! The records come merged and screened ([`crate::screened`]); each format is one file that
//! serialises them to any writer, and the caller chooses the destination.
//!
//! What travels: where the record stands at the latest stage it reached (`include`,
//! `exclude`, `maybe`, `conflict`, empty when unscreened there), the reasons of that decision,
//! the tags of every stage reached, the latest note, every reviewer's decision that counts
//! (`litscope:screened=` items) and every `SOURCE:SOURCE_ID` merged into the record — written
//! so that `litscope import` (and other tools' parsers) read them back.

pub mod bibtex;
pub mod csv;
pub mod jsonl;
pub mod ris;

use crate::model::Record;
use crate::screened::ScreenedRecord;
use crate::store::decisions::{State, Verdict};
use crate::worktype;
use std::io::Write;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RIS (tagged lines, CRLF, `ER` ends a record).
    Ris,
    /// BibTeX.
    Bibtex,
    /// CSV per the contract's columns (RFC 4180).
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// Which records `--status` keeps, by the decision at the latest stage each reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Decision `include`.
    Included,
    /// Decision `exclude`.
    Excluded,
    /// Decision `maybe`.
    Maybe,
    /// No decision at the latest stage reached.
    Unscreened,
    /// Reviewers in conflict at the latest stage reached.
    Conflict,
    /// Every record.
    #[default]
    All,
}

impl StatusFilter {
    /// True when `r` is kept.
    pub fn keeps(self, r: &ScreenedRecord) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::Included => r.decision == Some(Verdict::Include),
            StatusFilter::Excluded => r.decision == Some(Verdict::Exclude),
            StatusFilter::Maybe => r.decision == Some(Verdict::Maybe),
            StatusFilter::Unscreened => r.state() == State::Unscreened,
            StatusFilter::Conflict => r.state() == State::Conflict,
        }
    }
}

/// Errors writing an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The writer failed.
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("cannot write the CSV export: {0}")]
    Csv(#[from] ::csv::Error),
}

/// The type terms a format must write besides its own type (`format_type`: `JOUR`,
/// `article`) for import to read the record's type and genres back exactly: the type's term
/// when `format_type` reads back as another type (`GRANT` for a `project`), and every genre
/// `format_type` does not name (RIS `M3`, BibTeX `entrysubtype`).
pub(crate) fn type_terms(rec: &Record, format_type: &str) -> Vec<&'static str> {
    let read = worktype::classify([format_type]);
    let mut terms = Vec::new();
    if let Some(kind) = rec.kind
        && read.kind != Some(kind)
    {
        terms.push(kind.as_str());
    }
    terms.extend(
        rec.genre
            .iter()
            .filter(|g| !read.genre.contains(g))
            .map(|g| g.as_str()),
    );
    terms
}

/// Writes `records` in `format` to `w`.
pub fn write(
    format: Format,
    records: &[ScreenedRecord],
    w: &mut dyn Write,
) -> Result<(), ExportError> {
    match format {
        Format::Ris => ris::write(records, w),
        Format::Bibtex => bibtex::write(records, w),
        Format::Csv => csv::write(records, w),
        Format::Jsonl => jsonl::write(records, w),
    }
}

/// Replaces line breaks, tabs and control characters with spaces and collapses runs of
/// whitespace: for formats whose values must stay on one line.
pub(crate) fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screened::testing::*;

    /// Every type with genres, exported as RIS and BibTeX and read by their parsers, reads
    /// back as itself.
    #[test]
    fn every_type_reads_back_from_each_formats_type_and_extra_terms() {
        use crate::model::{Genre, WorkType};
        let genres: [&[Genre]; 4] = [
            &[],
            &[Genre::Review],
            &[Genre::CaseReport, Genre::Letter],
            &[Genre::MeetingAbstract, Genre::MastersThesis],
        ];
        for &kind in WorkType::ALL {
            for genre in genres {
                let mut r = record("x", "1", None);
                r.title = Some("Types".into()); // a record without content is no record on import
                r.kind = Some(kind);
                r.genre = genre.to_vec();
                let e = screened(r, None, &[], &[]);
                let ris = String::from_utf8(ris::entry(&e)).unwrap();
                let bib = bibtex::entry(&e, "k");
                for (format, text) in [
                    (crate::import::Format::Ris, ris.as_str()),
                    (crate::import::Format::Bibtex, bib.as_str()),
                ] {
                    let (entries, _) = crate::import::parse_all(format, text);
                    let back = worktype::classify(entries[0].kinds.iter().map(String::as_str));
                    assert_eq!(
                        (back.kind, back.genre.as_slice()),
                        (Some(kind), genre),
                        "{kind} {genre:?} as {format}:\n{text}"
                    );
                }
            }
        }
    }

    #[test]
    fn one_line_removes_breaks_and_controls() {
        assert_eq!(one_line(" a\r\n\n b\tc\u{7}d "), "a b c d");
    }
}
