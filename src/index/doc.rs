//! One record as the index holds it: the searchable values of a [`ScreenedRecord`] (the
//! merged record with its screening) in one flat, serialisable [`IndexDoc`].
//!
//! The JSON of an `IndexDoc` is stored with the document and hashed: a record whose JSON is
//! unchanged is not re-indexed, and `decide` can rewrite a document's screening from what
//! the index stores, without reading the corpus.

use super::schema::Fields;
use crate::model::{Provenance, Record, RecordId};
use crate::screened::{self, ScreenedRecord};
use crate::store::decisions::{Decisions, Rule};
use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use tantivy::schema::Facet;

/// A record's searchable and displayed values.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IndexDoc {
    /// Record id.
    pub id: String,
    /// Title in the original language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Titles in other languages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_titles: Vec<String>,
    /// Abstract.
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<String>,
    /// Abstracts in other languages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_abstracts: Vec<String>,
    /// Authors as "Family, Given".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Journal, book or proceedings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// Keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Publication year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Sources it was found in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// The imported databases among the sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<String>,
    /// DOI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// The type (the vocabulary's term, see [`crate::worktype`]).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Finer kinds (`review`, `case-report`), searched with `type:` too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub genre: Vec<String>,
    /// Language code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Where it stands in screening.
    #[serde(default)]
    pub screening: Screening,
}

/// Where a record stands in screening, as the index filters on it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Screening {
    /// `(stage, value)` for every stage reached, in order; value is `include`, `exclude`,
    /// `maybe`, `unscreened` or `conflict`. The last one is where the record stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<(String, String)>,
    /// Tags of every stage reached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl Screening {
    /// The screening a [`ScreenedRecord`] has after [`ScreenedRecord::attach`].
    pub fn of_screened(r: &ScreenedRecord) -> Self {
        Screening {
            stages: r
                .reached
                .iter()
                .map(|(stage, state)| (stage.clone(), state.as_str().to_string()))
                .collect(),
            tags: r.tags.clone(),
        }
    }

    /// The screening of record `id` under `decisions` (what [`ScreenedRecord::attach`] gives).
    pub fn of_decisions(
        decisions: &Decisions,
        id: &RecordId,
        stages: &[String],
        rule: &Rule,
    ) -> Self {
        let provenance = Provenance {
            source: String::new(),
            source_id: id.to_string(),
            run: String::new(),
            query: None,
            retrieved: jiff::Timestamp::UNIX_EPOCH,
            via: None,
        };
        let raw = serde_json::value::RawValue::from_string("{}".into())
            .unwrap_or_else(|_| unreachable!("{{}} is JSON"));
        let mut record = Record::new(provenance, None, raw);
        record.id = id.clone();
        let mut merged = screened::merge_by([record], |r| r.id.clone());
        let mut shell = merged
            .pop()
            .unwrap_or_else(|| unreachable!("one record in"));
        shell.attach(decisions, stages, rule);
        Screening::of_screened(&shell)
    }

    /// The `decision:` values: where the record stands (`unscreened`, `include`, `exclude`,
    /// `maybe` or `conflict`), and `STAGE:VALUE` for every stage reached.
    pub fn decision_values(&self) -> Vec<String> {
        let mut out = vec![
            self.stages
                .last()
                .map_or("unscreened", |(_, value)| value.as_str())
                .to_string(),
        ];
        for (stage, value) in &self.stages {
            out.push(format!("{stage}:{value}"));
        }
        out
    }
}

impl IndexDoc {
    /// The values of a merged record; `is_database` tells imported databases from sources
    /// that are harvested.
    pub fn from_screened(r: &ScreenedRecord, is_database: &dyn Fn(&str) -> bool) -> Self {
        let rec = &r.record;
        IndexDoc {
            id: rec.id.to_string(),
            title: rec.title.clone(),
            other_titles: rec.other_titles.values().cloned().collect(),
            abstract_text: rec.abstract_text.clone(),
            other_abstracts: rec.other_abstracts.values().cloned().collect(),
            authors: r.author_names(),
            venue: rec.venue.clone(),
            keywords: rec.keywords.clone(),
            year: rec.year,
            sources: r.sources.clone(),
            databases: r
                .sources
                .iter()
                .filter(|s| is_database(s))
                .cloned()
                .collect(),
            doi: rec.doi.clone(),
            kind: rec.kind.map(|k| k.as_str().to_string()),
            genre: rec.genre.iter().map(|g| g.as_str().to_string()).collect(),
            language: rec.language.clone(),
            screening: Screening::of_screened(r),
        }
    }

    /// The stored JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_else(|_| unreachable!("plain data serialises"))
    }

    /// The content hash of [`IndexDoc::to_json`].
    pub fn hash(json: &[u8]) -> u64 {
        xxhash_rust::xxh3::xxh3_64(json)
    }

    /// The tantivy document (with `json`, this document's [`IndexDoc::to_json`]).
    pub fn to_document(&self, f: &Fields, json: &[u8]) -> TantivyDocument {
        let mut d = TantivyDocument::new();
        d.add_text(f.id, &self.id);
        d.add_u64(f.hash, Self::hash(json));
        d.add_bytes(f.doc, json);
        for t in self.title.iter().chain(&self.other_titles) {
            d.add_text(f.title, t);
        }
        for a in self.abstract_text.iter().chain(&self.other_abstracts) {
            d.add_text(f.abstract_text, a);
        }
        for a in &self.authors {
            d.add_text(f.author, a);
        }
        if let Some(v) = &self.venue {
            d.add_text(f.venue, v);
        }
        for k in &self.keywords {
            d.add_text(f.keywords, k);
        }
        if let Some(y) = self.year {
            d.add_i64(f.year, i64::from(y));
        }
        for s in &self.sources {
            d.add_facet(f.source, facet(s));
        }
        for s in &self.databases {
            d.add_facet(f.database, facet(s));
        }
        for (field, value) in [
            (f.doi, &self.doi),
            (f.kind, &self.kind),
            (f.language, &self.language),
        ] {
            if let Some(v) = value {
                d.add_text(field, v);
            }
        }
        for g in &self.genre {
            d.add_text(f.kind, g);
        }
        for v in self.screening.decision_values() {
            d.add_text(f.decision, v);
        }
        for t in &self.screening.tags {
            d.add_text(f.tag, t);
        }
        d
    }
}

/// The facet of a source name: `/name`, in lower case.
pub fn facet(name: &str) -> Facet {
    Facet::from_path([name.trim().to_lowercase()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screened::testing::{author, record, screened};
    use crate::store::decisions::{Action, DecisionEvent, Verdict};

    #[test]
    fn an_export_record_becomes_flat_values_with_its_screening() {
        let mut r = record("scopus", "1", Some("10.1000/x"));
        r.title = Some("Tildeling".into());
        r.authors = vec![author("Økland", "Åse")];
        r.year = Some(2020);
        let mut e = screened(r, Some(Verdict::Include), &[], &["PA"]);
        e.sources.push("crossref".into());
        let doc = IndexDoc::from_screened(&e, &|s| s != "crossref");
        assert_eq!(doc.authors, vec!["Økland, Åse"]);
        assert_eq!(doc.sources, vec!["scopus", "crossref"]);
        assert_eq!(doc.databases, vec!["scopus"]);
        assert_eq!(
            doc.screening.decision_values(),
            vec!["include", "title-abstract:include"]
        );
        let back: IndexDoc = serde_json::from_slice(&doc.to_json()).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn screening_from_decisions_is_what_attach_gives() {
        let id = RecordId::from_doi("10.1000/x");
        let stages = vec!["title-abstract".to_string(), "full-text".to_string()];
        let event = |stage: &str, decision: Action, tags: &[&str]| DecisionEvent {
            id: id.clone(),
            stage: stage.into(),
            decision,
            reasons: vec![],
            tags: tags.iter().map(|t| t.to_string()).collect(),
            note: None,
            reviewer: "kari".into(),
            time: jiff::Timestamp::UNIX_EPOCH,
            tool: "t".into(),
            covers: Vec::new(),
            origin: None,
            split: false,
        };
        let none = Screening::of_decisions(&Decisions::default(), &id, &stages, &Rule::default());
        assert_eq!(
            none.decision_values(),
            vec!["unscreened", "title-abstract:unscreened"]
        );
        let events = [
            event("title-abstract", Action::Include, &["tillitsmodell"]),
            event("full-text", Action::Exclude, &[]),
        ];
        let s = Screening::of_decisions(
            &Decisions::from_events(&events),
            &id,
            &stages,
            &Rule::default(),
        );
        assert_eq!(
            s.decision_values(),
            vec!["exclude", "title-abstract:include", "full-text:exclude"]
        );
        assert_eq!(s.tags, vec!["tillitsmodell"]);
        // Two reviewers disagree: a conflict at title-abstract, nothing further, never
        // `unscreened`.
        let mut bob = event("title-abstract", Action::Exclude, &[]);
        bob.reviewer = "bob".into();
        let s = Screening::of_decisions(
            &Decisions::from_events(&[events[0].clone(), bob]),
            &id,
            &stages,
            &Rule::default(),
        );
        assert_eq!(
            s.decision_values(),
            vec!["conflict", "title-abstract:conflict"]
        );
    }
}
