//! litscope's own exports, recognised by what only they write, so that a record read back
//! keeps the id it was exported with, DOI or not: decisions, tags and dedup answers made
//! elsewhere on that id still point at it.
//!
//! The marks, one per format (each written by [`crate::export`] on every record):
//! - RIS: an `N1  - litscope:source_id=SOURCE:ID` note; the id is in `ID`.
//! - BibTeX: the `litscope = {id=…; …}` field (the citation key is not the id).
//! - CSV and JSON Lines: a `source_ids` column (the contract's name for litscope's list of
//!   merged `SOURCE:ID`s; no database or reference manager writes it) with a value; the id is
//!   in `id`.
//!
//! The id must also be well-formed ([`RecordId::parse`]). Anything else (a Zotero `ID`, a
//! citation key, another tool's `id` column) is the file's own id for the source id only, and
//! the record id comes from the DOI or the source id as for any import.

use super::RawFields;
use crate::model::RecordId;

/// The note prefix of a litscope RIS export's source ids.
const RIS_MARK: &str = "litscope:source_id=";

/// The record id a litscope export gave this record, when `raw` is one of its records.
pub fn record_id(raw: &RawFields) -> Option<RecordId> {
    let value = |name: &str| {
        raw.iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.trim().is_empty())
            .map(|(_, v)| v)
    };
    if let Some(field) = value("litscope") {
        // BibTeX: `id=…; stage=…; …`.
        return field
            .split(';')
            .find_map(|part| part.trim().strip_prefix("id="))
            .and_then(RecordId::parse);
    }
    if raw
        .iter()
        .any(|(k, v)| k == "N1" && v.trim_start().starts_with(RIS_MARK))
    {
        return value("ID").and_then(RecordId::parse);
    }
    if value("source_ids").is_some() {
        return value("id").and_then(RecordId::parse);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(fields: &[(&str, &str)]) -> RawFields {
        let mut r = RawFields::default();
        for (k, v) in fields {
            r.push(k, v);
        }
        r
    }

    #[test]
    fn each_formats_mark_gives_the_exported_id() {
        let id = Some(RecordId::from_stored("cristinrep00"));
        let ris = raw(&[
            ("TY", "RPRT"),
            ("ID", "cristinrep00"),
            ("N1", "litscope:stage=title-abstract"),
            ("N1", "litscope:source_id=cristin:1000001"),
        ]);
        assert_eq!(record_id(&ris), id);
        let bibtex = raw(&[
            ("ID", "vabo2012_cris"),
            (
                "litscope",
                "id=cristinrep00; stage=title-abstract; source-ids=cristin:1",
            ),
        ]);
        assert_eq!(record_id(&bibtex), id);
        let csv = raw(&[("id", "CRISTINREP00"), ("source_ids", "cristin:1000001")]);
        assert_eq!(record_id(&csv), id, "ids are typed in any case");
    }

    #[test]
    fn other_files_ids_are_not_record_ids() {
        // A Zotero RIS `ID` that happens to look like a record id, without litscope's note.
        let zotero = raw(&[("TY", "JOUR"), ("ID", "5t0mhckng54j"), ("N1", "a note")]);
        assert_eq!(record_id(&zotero), None);
        // A citation key; another tool's id column; an empty `source_ids` cell.
        assert_eq!(record_id(&raw(&[("ID", "5t0mhckng54j")])), None);
        assert_eq!(
            record_id(&raw(&[("id", "5t0mhckng54j"), ("title", "x")])),
            None
        );
        assert_eq!(
            record_id(&raw(&[("id", "5t0mhckng54j"), ("source_ids", " ")])),
            None
        );
        // The mark, but no well-formed id.
        let broken = raw(&[("ID", "okland2020"), ("N1", "litscope:source_id=x:1")]);
        assert_eq!(record_id(&broken), None);
    }
}
