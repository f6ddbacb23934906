//! The one normalised [`Record`] every source and format converts into, with its
//! [`Provenance`] and the raw payload exactly as the source sent it.
//!
//! Why one type: dedup, index, screening and export all work on the same fields whatever the
//! origin, and a record can never lose where it came from — [`Record::new`] cannot be called
//! without a provenance, and the raw payload travels with the record.
//!
//! Why the id looks the way it does: a [`RecordId`] is derived from the DOI when there is one
//! and from `source:source_id` otherwise, so the same work keeps its id across re-harvests and
//! decisions never point at the wrong record. A record read back from litscope's own export
//! keeps the id the export gave it (see [`crate::import::own`]), DOI or not. Storage uniqueness is per `(source, source_id)`,
//! so two records of one source that share a DOI (a book chapter carrying its book's DOI) are
//! both kept; telling them apart is dedup's job.

pub use crate::worktype::{Genre, WorkType};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

/// A stable record identifier: 12 characters of base32 over a SHA-256 of `doi:<doi>` or
/// `<source>:<source_id>`. Short enough to type in `litscope decide ID`, long enough (60 bits)
/// that a million-record review has no collision in practice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(String);

impl RecordId {
    /// The id of the work with this (already normalised) DOI.
    pub fn from_doi(doi: &str) -> Self {
        Self::hashed(&["doi:", doi])
    }

    /// The id of a record without a DOI: derived from where it came from.
    pub fn from_source(source: &str, source_id: &str) -> Self {
        Self::hashed(&[source, ":", source_id])
    }

    fn hashed(parts: &[&str]) -> Self {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part.as_bytes());
        }
        let digest = hasher.finalize();
        let mut id = data_encoding::BASE32HEX_NOPAD.encode(&digest[..8]);
        id.truncate(12);
        id.make_ascii_lowercase();
        RecordId(id)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An id as stored in the corpus (trusted: no check).
    pub fn from_stored(id: &str) -> Self {
        RecordId(id.to_string())
    }

    /// An id typed by a user: 12 base32hex characters, any case; `None` when it cannot be one.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase();
        (t.len() == 12
            && t.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(&b)))
        .then_some(RecordId(t))
    }
}

impl std::borrow::Borrow<str> for RecordId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One author (or organisation) of a work.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// Given names or initials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    /// The whole name when it cannot be split (organisations, "literal" names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ORCID iD in its bare form `0000-0002-1825-0097`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orcid: Option<String>,
}

impl Author {
    /// "Family, Given", or the literal name.
    pub fn display_name(&self) -> String {
        match (&self.family, &self.given, &self.name) {
            (Some(f), Some(g), _) => format!("{f}, {g}"),
            (Some(f), None, _) => f.clone(),
            (None, Some(g), None) => g.clone(),
            (_, _, Some(n)) => n.clone(),
            (None, None, None) => String::new(),
        }
    }
}

/// Where and when a record was obtained. Required to build a [`Record`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Source (`crossref`, `cristin`, …) or imported database name.
    pub source: String,
    /// The record's identifier in that source (a DOI for Crossref).
    pub source_id: String,
    /// The harvest or import run that first stored the record.
    pub run: String,
    /// Name of the saved query (`name` in `queries/*.toml`) that found it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// When the record was retrieved.
    pub retrieved: jiff::Timestamp,
    /// How the record was reached when not by a search of its source: e.g.
    /// `prosjektbanken:327219` for a publication found through a project's NFR code (PRISMA
    /// counts these under "other methods").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// A research grant that funded a work (`NFR` + project number links Cristin and NVA records
/// to Prosjektbanken).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funding {
    /// Funder code as the source gives it (`NFR`, `EU`, …).
    pub funder: String,
    /// The funder's project number (`327219`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
}

/// What a register record (a funded project, counted under PRISMA "registers") adds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectInfo {
    /// Project number (`327219`).
    pub number: String,
    /// Amount awarded, in NOK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_nok: Option<u64>,
    /// First year of the project period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
    /// Last year of the project period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<i32>,
    /// Project lead institution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// Funding programme or activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
}

/// A bibliographic record, normalised, with its provenance and raw payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// Stable id, see [`RecordId`].
    pub id: RecordId,
    /// Title as plain text (subtitle joined with ": "), in the original language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The title in other languages, by language code (`en`, `nb`, `nn`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other_titles: BTreeMap<String, String>,
    /// Authors in byline order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Author>,
    /// Year of publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Journal, book or proceedings title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// Volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// Issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Page range as given (`123-129`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    /// Article number for journals without pages (`e0033693`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_number: Option<String>,
    /// DOI, lower case, without any URL prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// ISSNs of the venue (`1932-6203`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issn: Vec<String>,
    /// Abstract as plain text; paragraphs separated by a blank line.
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<String>,
    /// The abstract in other languages, by language code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other_abstracts: BTreeMap<String, String>,
    /// The kind of work, in litscope's vocabulary (see [`crate::worktype`]); the source's own
    /// term stays in `raw`. A record stored with the source's term reads normalised.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<WorkType>,
    /// The finer kinds the source names (`review`, `case-report`, `erratum`, …).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::worktype::lenient_genres"
    )]
    pub genre: Vec<Genre>,
    /// Language code as the source gives it (`en`, `nb`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Keywords or subject terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Landing page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Other identifiers by scheme: `cristin` (a Cristin result id, also on NVA records),
    /// `nva`, `pmid`, … — exact keys for merging records across sources.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ids: BTreeMap<String, String>,
    /// Grants that funded the work.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<Funding>,
    /// For a register record (a funded project): what makes it one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectInfo>,
    /// Where the record came from.
    pub provenance: Provenance,
    /// The source's payload for this record, unchanged.
    pub raw: Box<RawValue>,
}

impl Record {
    /// A record with only its identity filled in. `doi` is normalised here (see
    /// [`crate::text::normalize_doi`]); a value that is not a DOI is dropped, so a URL in a
    /// DOI field never becomes an id.
    pub fn new(provenance: Provenance, doi: Option<&str>, raw: Box<RawValue>) -> Self {
        let doi = doi.and_then(crate::text::normalize_doi);
        let id = match &doi {
            Some(doi) => RecordId::from_doi(doi),
            None => RecordId::from_source(&provenance.source, &provenance.source_id),
        };
        Record {
            id,
            title: None,
            other_titles: BTreeMap::new(),
            authors: Vec::new(),
            year: None,
            venue: None,
            volume: None,
            issue: None,
            pages: None,
            article_number: None,
            doi,
            issn: Vec::new(),
            abstract_text: None,
            other_abstracts: BTreeMap::new(),
            kind: None,
            genre: Vec::new(),
            language: None,
            keywords: Vec::new(),
            url: None,
            ids: BTreeMap::new(),
            funding: Vec::new(),
            project: None,
            provenance,
            raw,
        }
    }

    /// The source (or imported database) this record came from.
    pub fn source(&self) -> &str {
        &self.provenance.source
    }

    /// The record's identifier within its source.
    pub fn source_id(&self) -> &str {
        &self.provenance.source_id
    }

    /// Sets the type and genres from the source's own type terms, most specific first (see
    /// [`crate::worktype::classify`]).
    pub fn set_type<'a>(&mut self, terms: impl IntoIterator<Item = &'a str>) {
        let c = crate::worktype::classify(terms);
        self.kind = c.kind;
        self.genre = c.genre;
    }

    /// The first author's family name (or literal name), if any.
    pub fn first_author(&self) -> Option<&str> {
        let a = self.authors.first()?;
        a.family.as_deref().or(a.name.as_deref())
    }
}

/// What a search did, counted: reported by `harvest --format json` and kept in the run log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchCounts {
    /// Total results the source said it has.
    pub reported: Option<u64>,
    /// Records received from the source (already stored ones included).
    pub received: u64,
    /// Records stored for the first time.
    pub retrieved: u64,
    /// HTTP requests sent, retries included.
    pub requests: u32,
    /// Retries after 429, 5xx or network failures.
    pub retries: u32,
    /// Restarts from the first page (after an expired cursor).
    pub restarts: u32,
}

/// One HTTP request and what came back: the evidence a PRISMA-S report needs. Written by the
/// harvester for every attempt (errors included), replayed by `harvest --offline`.
#[derive(Debug, Clone)]
pub struct HttpExchange {
    /// When the request was sent.
    pub time: jiff::Timestamp,
    /// Milliseconds until the response (or the failure).
    pub elapsed_ms: u64,
    /// `GET`.
    pub method: String,
    /// The full request URL.
    pub url: String,
    /// Request headers that matter for the evidence (User-Agent, Accept).
    pub request_headers: Vec<(String, String)>,
    /// Response status; `None` when no response arrived (timeout, reset).
    pub status: Option<u16>,
    /// Response headers as received, names in lower case.
    pub response_headers: Vec<(String, String)>,
    /// Response body (decompressed); possibly partial when `error` says so.
    pub body: bytes::Bytes,
    /// What went wrong on the wire, if anything.
    pub error: Option<String>,
}

impl HttpExchange {
    /// The first response header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prov(source: &str, id: &str) -> Provenance {
        Provenance {
            source: source.into(),
            source_id: id.into(),
            run: "r1".into(),
            query: None,
            retrieved: jiff::Timestamp::UNIX_EPOCH,
            via: None,
        }
    }

    fn raw() -> Box<RawValue> {
        RawValue::from_string("{}".into()).unwrap()
    }

    #[test]
    fn id_comes_from_the_doi_whatever_its_spelling_or_source() {
        let a = Record::new(prov("crossref", "x"), Some("10.1000/ABC"), raw());
        let b = Record::new(
            prov("cristin", "123"),
            Some("https://doi.org/10.1000/abc"),
            raw(),
        );
        assert_eq!(a.id, b.id);
        assert_eq!(a.doi.as_deref(), Some("10.1000/abc"));
        assert_eq!(a.id.as_str().len(), 12);
    }

    #[test]
    fn id_without_doi_comes_from_source_and_source_id() {
        let a = Record::new(prov("cristin", "123"), None, raw());
        let b = Record::new(prov("cristin", "124"), None, raw());
        let c = Record::new(prov("nva", "123"), None, raw());
        assert_ne!(a.id, b.id);
        assert_ne!(a.id, c.id);
        assert_eq!(a.id, Record::new(prov("cristin", "123"), None, raw()).id);
    }

    #[test]
    fn a_url_in_the_doi_field_is_not_a_doi() {
        let r = Record::new(
            prov("nva", "1"),
            Some("https://www.youtube.com/watch?v=abc"),
            raw(),
        );
        assert_eq!(r.doi, None);
        assert_eq!(r.id, RecordId::from_source("nva", "1"));
    }

    #[test]
    fn ids_never_change_between_versions() {
        // Decisions and exports refer to these ids: the scheme must stay exactly as it is.
        assert_eq!(
            RecordId::from_doi("10.1371/journal.pone.0033693").as_str(),
            "5t0mhckng54j"
        );
        assert_eq!(
            RecordId::from_source("cristin", "2107487").as_str(),
            "imdpfngphhgu"
        );
    }
}
