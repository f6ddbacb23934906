//! The index's fields, and the version that says when an existing index no longer fits them.
//!
//! Every searchable value has one indexed field; what is shown (title, authors, abstract,
//! sources …) is one stored JSON document per record ([`super::doc::IndexDoc`]), so a hit is
//! read with one document-store lookup and a record can be re-indexed from the index alone
//! (what `decide` does). `hash` (a fast field) is the xxh3 of that JSON: the incremental
//! update re-indexes a record exactly when its hash changes.
//!
//! [`SCHEMA_VERSION`] goes into every commit's payload; an index written under another
//! version (fields or analyzers changed) is rebuilt by itself. Bump it with every change
//! here, in [`super::analyzer`] or in what [`super::doc`] puts into a field.

use super::analyzer;
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

/// The version of fields, analyzers and document layout (see the module doc). 3: `type`
/// holds the vocabulary's type and genres ([`crate::worktype`]), not the source's term, and a
/// conflict is `decision:conflict` only, no longer also `unscreened`.
pub const SCHEMA_VERSION: u32 = 3;

/// The fields, by name.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Record id: exact, fast (for the id → hash map of the incremental update).
    pub id: Field,
    /// Content hash of the stored document (fast).
    pub hash: Field,
    /// The stored JSON document (not indexed).
    pub doc: Field,
    /// Title (and the title in other languages).
    pub title: Field,
    /// Abstract (and the abstract in other languages).
    pub abstract_text: Field,
    /// Author names.
    pub author: Field,
    /// Journal, book or proceedings title.
    pub venue: Field,
    /// Keywords.
    pub keywords: Field,
    /// Publication year (fast, for ranges and sorting).
    pub year: Field,
    /// Every source the record was found in (facet `/crossref`).
    pub source: Field,
    /// The imported databases among them (facet `/scopus`).
    pub database: Field,
    /// DOI, exact.
    pub doi: Field,
    /// The record's type and genres (the vocabulary's terms), exact.
    pub kind: Field,
    /// Language code, exact.
    pub language: Field,
    /// Screening: `include`, `exclude`, `maybe`, `unscreened`, `conflict` at the latest
    /// stage reached, and `STAGE:VALUE` for every stage reached.
    pub decision: Field,
    /// Codebook tags of every stage reached.
    pub tag: Field,
}

/// Full text (positions and field lengths, for phrases and BM25) or exact values (neither).
fn text(tokenizer: &str, full: bool) -> TextOptions {
    let option = if full {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::Basic
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(option)
            .set_fieldnorms(full),
    )
}

/// The schema and its fields.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let full = text(analyzer::TEXT, true);
    let exact = text(analyzer::EXACT, false);
    let fields = Fields {
        id: b.add_text_field("id", STRING | FAST),
        hash: b.add_u64_field("hash", FAST),
        doc: b.add_bytes_field("doc", STORED),
        title: b.add_text_field("title", full.clone()),
        abstract_text: b.add_text_field("abstract", full.clone()),
        author: b.add_text_field("author", text(analyzer::NAMES, true)),
        venue: b.add_text_field("venue", full.clone()),
        keywords: b.add_text_field("keywords", full),
        year: b.add_i64_field("year", INDEXED | FAST),
        source: b.add_facet_field("source", FacetOptions::default()),
        database: b.add_facet_field("database", FacetOptions::default()),
        doi: b.add_text_field("doi", exact.clone()),
        kind: b.add_text_field("type", exact.clone()),
        language: b.add_text_field("language", exact.clone()),
        decision: b.add_text_field("decision", exact.clone()),
        tag: b.add_text_field("tag", exact),
    };
    (b.build(), fields)
}

impl Fields {
    /// The fields of an index's schema (the names [`schema`] gives them).
    pub fn of(schema: &Schema) -> tantivy::Result<Self> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            id: f("id")?,
            hash: f("hash")?,
            doc: f("doc")?,
            title: f("title")?,
            abstract_text: f("abstract")?,
            author: f("author")?,
            venue: f("venue")?,
            keywords: f("keywords")?,
            year: f("year")?,
            source: f("source")?,
            database: f("database")?,
            doi: f("doi")?,
            kind: f("type")?,
            language: f("language")?,
            decision: f("decision")?,
            tag: f("tag")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_by_the_names_the_schema_gives_them() {
        let (schema, fields) = schema();
        let again = Fields::of(&schema).unwrap();
        assert_eq!(format!("{fields:?}"), format!("{again:?}"));
        assert!(schema.get_field_entry(fields.year).is_fast());
        assert!(schema.get_field_entry(fields.doc).is_stored());
        assert!(!schema.get_field_entry(fields.title).is_stored());
    }
}
