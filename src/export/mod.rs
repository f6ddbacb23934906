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

/// The kind of work, as RIS and BibTeX types need it, read from the source's type name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkKind {
    /// Journal article.
    Article,
    /// Book chapter or section.
    Chapter,
    /// Conference paper.
    Proceedings,
    /// Book or monograph.
    Book,
    /// Thesis or dissertation.
    Thesis,
    /// Report.
    Report,
    /// Anything else.
    Other,
}

impl WorkKind {
    /// Reads a source type name (`journal-article`, `AcademicChapter`, …).
    pub fn of(r: &Record) -> Self {
        let k: String = r
            .kind
            .as_deref()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        if k.is_empty() {
            return if r.venue.is_some() {
                WorkKind::Article
            } else {
                WorkKind::Other
            };
        }
        let has = |s: &str| k.contains(s);
        if has("chapter") || has("section") || has("bookpart") {
            WorkKind::Chapter
        } else if has("proceeding") || has("conference") {
            WorkKind::Proceedings
        } else if has("thesis") || has("dissertation") {
            WorkKind::Thesis
        } else if has("report") {
            WorkKind::Report
        } else if has("book") || has("monograph") {
            WorkKind::Book
        } else if has("article") || has("journal") {
            WorkKind::Article
        } else {
            WorkKind::Other
        }
    }
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

    #[test]
    fn work_kinds_are_read_from_any_source_spelling() {
        let kind = |k: Option<&str>, venue: bool| {
            let mut r = record("x", "1", None);
            r.kind = k.map(str::to_string);
            r.venue = venue.then(|| "V".to_string());
            WorkKind::of(&r)
        };
        assert_eq!(kind(Some("journal-article"), true), WorkKind::Article);
        assert_eq!(kind(Some("AcademicChapter"), false), WorkKind::Chapter);
        assert_eq!(kind(Some("book-chapter"), false), WorkKind::Chapter);
        assert_eq!(
            kind(Some("proceedings-article"), true),
            WorkKind::Proceedings
        );
        assert_eq!(kind(Some("monograph"), false), WorkKind::Book);
        assert_eq!(kind(Some("dissertation"), false), WorkKind::Thesis);
        assert_eq!(kind(Some("report"), false), WorkKind::Report);
        assert_eq!(kind(None, true), WorkKind::Article);
        assert_eq!(kind(Some("dataset"), false), WorkKind::Other);
    }

    #[test]
    fn one_line_removes_breaks_and_controls() {
        assert_eq!(one_line(" a\r\n\n b\tc\u{7}d "), "a b c d");
    }
}
