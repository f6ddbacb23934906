//! RIS export: `TAG  - value` lines ending in CRLF, `TY` first and `ER` last, as Zotero,
//! EndNote, Mendeley, Rayyan and Covidence read it.
//!
//! Screening travels in tags those tools keep: `KW  - litscope:decision=include` (or
//! `conflict`), `KW  - litscope:reason=…`, `KW  - litscope:tag=…`, one `KW  -
//! litscope:screened=…` per reviewer's decision (keywords survive every import), and `N1`
//! notes for the stage, the note and each `SOURCE:SOURCE_ID`. Values are kept on one
//! line (a line break inside a value would start a bogus tag in most readers).
//!
//! The record's type is the nearest RIS type (`TY`); when that reads back as another type
//! (`GRANT` for a project, `BOOK` for a monograph) or the record has genres, `M3` (type of
//! work) lines carry the vocabulary's terms (see [`crate::worktype`]).

use super::{ExportError, one_line, type_terms};
use crate::model::WorkType;
use crate::screened::ScreenedRecord;
use std::io::Write;

/// The RIS type of a record (a record of no known type is a journal article when it has a
/// venue, as reference managers would guess).
pub(crate) fn ris_type(r: &ScreenedRecord) -> &'static str {
    use WorkType::*;
    let Some(kind) = r.record.kind else {
        return if r.record.venue.is_some() {
            "JOUR"
        } else {
            "GEN"
        };
    };
    match kind {
        JournalArticle => "JOUR",
        Book | Monograph | ReferenceBook | BookSet | BookSeries => "BOOK",
        EditedBook => "EDBOOK",
        BookChapter | BookSection | BookPart | BookTrack => "CHAP",
        ReferenceEntry => "ENCYC",
        ProceedingsArticle => "CPAPER",
        Proceedings | ProceedingsSeries => "CONF",
        Report | ReportComponent | ReportSeries => "RPRT",
        Dissertation => "THES",
        Dataset => "DATA",
        Database => "DBASE",
        PostedContent => "UNPB",
        Standard => "STAND",
        Grant | Project => "GRANT",
        Journal | JournalIssue | JournalVolume => "JFULL",
        Presentation => "SLIDE",
        NewsArticle => "NEWS",
        WebPage => "ELEC",
        Component | PeerReview | Other => "GEN",
    }
}

fn line(out: &mut Vec<u8>, tag: &str, value: &str) {
    let value = one_line(value);
    if value.is_empty() {
        return;
    }
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(b"  - ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Splits `123-129` (or an en dash) into start and end page.
pub(crate) fn split_pages(pages: &str) -> (&str, Option<&str>) {
    match pages.split_once(['-', '\u{2013}']) {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => (
            a.trim(),
            Some(b.trim_start_matches(['-', '\u{2013}']).trim()),
        ),
        _ => (pages.trim(), None),
    }
}

/// One record as RIS.
pub fn entry(r: &ScreenedRecord) -> Vec<u8> {
    let rec = &r.record;
    let mut out = Vec::with_capacity(1024);
    let ty = ris_type(r);
    line(&mut out, "TY", ty);
    line(&mut out, "ID", rec.id.as_str());
    if let Some(t) = &rec.title {
        line(&mut out, "TI", t);
    }
    for a in r.author_names() {
        line(&mut out, "AU", &a);
    }
    if let Some(y) = rec.year {
        line(&mut out, "PY", &y.to_string());
    }
    if let Some(v) = &rec.venue {
        let tag = if ty == "JOUR" { "JO" } else { "T2" };
        line(&mut out, tag, v);
    }
    for (tag, v) in [("VL", &rec.volume), ("IS", &rec.issue)] {
        if let Some(v) = v {
            line(&mut out, tag, v);
        }
    }
    if let Some(p) = &rec.pages {
        match split_pages(p) {
            // `3525-3525` split in two reads back as `3525`: keep it whole.
            (sp, Some(ep)) if sp != ep => {
                line(&mut out, "SP", sp);
                line(&mut out, "EP", ep);
            }
            (sp, None) => line(&mut out, "SP", sp),
            _ => line(&mut out, "SP", p),
        }
    }
    for s in &rec.issn {
        line(&mut out, "SN", s);
    }
    if let Some(d) = &rec.doi {
        line(&mut out, "DO", d);
    }
    if let Some(u) = &rec.url {
        line(&mut out, "UR", u);
    }
    if let Some(l) = &rec.language {
        line(&mut out, "LA", l);
    }
    for term in type_terms(rec, ty) {
        line(&mut out, "M3", term);
    }
    if let Some(a) = &rec.abstract_text {
        line(&mut out, "AB", a);
    }
    for k in &rec.keywords {
        line(&mut out, "KW", k);
    }
    let decision = r.decision_text();
    if !decision.is_empty() {
        line(&mut out, "KW", &format!("litscope:decision={decision}"));
    }
    for reason in &r.reasons {
        line(&mut out, "KW", &format!("litscope:reason={reason}"));
    }
    for tag in &r.tags {
        line(&mut out, "KW", &format!("litscope:tag={tag}"));
    }
    for item in r.screening_keywords() {
        line(&mut out, "KW", &item);
    }
    if let Some(s) = &r.stage {
        line(&mut out, "N1", &format!("litscope:stage={s}"));
    }
    if let Some(n) = &r.note {
        line(&mut out, "N1", &format!("litscope:note={n}"));
    }
    for sid in &r.source_ids {
        line(&mut out, "N1", &format!("litscope:source_id={sid}"));
    }
    out.extend_from_slice(b"ER  - \r\n\r\n");
    out
}

/// Writes every record as RIS.
pub fn write(records: &[ScreenedRecord], w: &mut dyn Write) -> Result<(), ExportError> {
    for r in records {
        w.write_all(&entry(r))?;
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
    fn an_entry_has_the_tag_layout_readers_expect() {
        let mut r = record("crossref", "10.1000/x", Some("10.1000/x"));
        r.kind = Some("journal-article".into());
        r.title = Some("Tildeling i\nkommunene".into());
        r.authors = vec![author("Økland", "Åse"), author("Smith", "J.")];
        r.year = Some(2021);
        r.venue = Some("Tidsskrift".into());
        r.volume = Some("3".into());
        r.pages = Some("12\u{2013}19".into());
        r.abstract_text = Some("First.\n\nSecond.".into());
        r.keywords = vec!["care".into()];
        let mut e = screened(
            r,
            Some(Verdict::Exclude),
            &["wrong setting"],
            &["PA", "NPM"],
        );
        e.note = Some("see p. 3".into());
        let text = String::from_utf8(entry(&e)).unwrap();
        let expected = format!(
            "TY  - JOUR\r\nID  - {}\r\nTI  - Tildeling i kommunene\r\nAU  - Økland, Åse\r\nAU  - Smith, J.\r\nPY  - 2021\r\nJO  - Tidsskrift\r\nVL  - 3\r\nSP  - 12\r\nEP  - 19\r\nDO  - 10.1000/x\r\nAB  - First. Second.\r\nKW  - care\r\nKW  - litscope:decision=exclude\r\nKW  - litscope:reason=wrong setting\r\nKW  - litscope:tag=PA\r\nKW  - litscope:tag=NPM\r\nN1  - litscope:stage=title-abstract\r\nN1  - litscope:note=see p. 3\r\nN1  - litscope:source_id=crossref:10.1000/x\r\nER  - \r\n\r\n",
            e.record.id
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn an_unscreened_record_without_fields_is_still_a_whole_entry() {
        let e = screened(record("nva", "1", None), None, &[], &[]);
        let text = String::from_utf8(entry(&e)).unwrap();
        assert!(text.starts_with("TY  - GEN\r\n"), "{text}");
        assert!(!text.contains("litscope:decision"));
        assert!(text.ends_with("N1  - litscope:source_id=nva:1\r\nER  - \r\n\r\n"));
    }

    #[test]
    fn pages_split_on_hyphens_and_dashes() {
        assert_eq!(split_pages("123-129"), ("123", Some("129")));
        assert_eq!(split_pages("123--129"), ("123", Some("129")));
        assert_eq!(split_pages("e0033693"), ("e0033693", None));
        assert_eq!(split_pages("-5"), ("-5", None));
    }
}
