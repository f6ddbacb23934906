//! Deduplication: which records describe the same work. Pure and synchronous over a slice of
//! [`Record`]s, which it refers to by index; storage, the review queue and the CLI live
//! elsewhere (`cli/dedup.rs`) and map indices to stable `source:source_id` keys.
//!
//! # The API
//!
//! ```text
//! pub fn find_links(records: &[Record], new_from: usize, options: &Options) -> Vec<Link>
//! pub fn cluster(records: &[Record], links: &[Link], answers: &[Answer]) -> Clustering
//!
//! pub struct Options { pub year_tolerance: i32 }                       // Default
//! pub struct Link { pub a: usize, pub b: usize, pub verdict: Verdict, pub rule: Rule,
//!                   pub scores: Scores }                                // a < b
//! pub enum Verdict { Duplicate, Uncertain, Distinct }                   // as_str()
//! pub enum Rule { Doi, Pmid, Cristin, TitleYear, …, Reviewer }         // as_str(), parse()
//! pub struct Scores { pub title: Option<f32>, pub authors: Option<f32>,
//!                     pub venue: Option<f32>, pub year_gap: Option<i32>,
//!                     pub pages: Option<bool> }
//! pub struct Answer { pub a: usize, pub b: usize, pub duplicate: bool }
//! pub struct Clustering { pub clusters: Vec<Cluster>, pub uncertain: Vec<Link>,
//!                         pub refused: Vec<Link>, pub rule_counts: BTreeMap<&'static str, usize> }
//! pub struct Cluster { pub members: Vec<usize>, pub links: Vec<Link> }
//! impl Clustering { pub fn assignment(&self, records: usize) -> Vec<Option<usize>> }
//! ```
//!
//! * [`find_links`] compares only pairs with at least one record at index `>= new_from`
//!   (`0` = a full run). Whether a pair is compared and what it yields depends only on the two
//!   records, never on the rest of the corpus, so the links of an incremental run plus the
//!   stored links of earlier runs are exactly the links of a full run over all records. Work
//!   grows near-linearly: candidate pairs come from blocking keys ([`block`]), never from all
//!   pairs. Links are returned sorted by `(a, b)`.
//! * A [`Link`] says what a compared pair is: [`Verdict::Duplicate`] (merge automatically),
//!   [`Verdict::Uncertain`] (ask a reviewer; not merged until answered) or
//!   [`Verdict::Distinct`] (a veto found by comparison: an erratum and its article, two page
//!   ranges; it keeps the two apart even when a third record links both). Pairs that are
//!   compared and plainly different yield no link.
//! * [`cluster()`] turns links and review answers into clusters with union-find, in
//!   O(records + links · log links). An [`Answer`] with `duplicate: true` merges its pair
//!   (rule [`Rule::Reviewer`]); `false` vetoes it, like a `Distinct` link. A union is refused
//!   when any pair across the two groups carries a veto, or when the groups hold different
//!   identifiers of one scheme (two DOIs, two PMIDs, two Cristin ids) — so two different works
//!   are never chained together through a third record. The result does not depend on the
//!   order of `links` or `answers` (they are sorted first), and clustering its own input
//!   again gives the same result.
//!
//! The caller stores links by `source:source_id` of both records and maps them back to
//! indices before calling [`cluster()`]; [`Rule::parse`] and [`Verdict::parse`] read the stored
//! names back.
//!
//! # The method
//!
//! 1. [`keys`]: every record normalised once (in parallel): DOI, PMID, Cristin id; the title
//!    without database notes (`[Review]`, `[Chinese]`, `. Russian …`), folded (mojibake
//!    repaired, markup and LaTeX dropped, NFKC, case, `æ ø å` → `ae o aa`, accents, and
//!    punctuation and spaces removed, so `A(1)` = `A1`); surnames from any author format
//!    (glued lists included); venue words (abbreviations compare as prefixes); first and last
//!    page as numbers (`123-9`, `06-Oct`); volume, issue; notice kind (erratum, comment,
//!    retraction, protocol); conference abstract; broad type.
//! 2. [`block`]: candidate pairs share an identifier, the whole title (a short, generic title
//!    only with the year), the first or the last 30 title characters with the year (±1), or
//!    first author + volume + first page. One sort of `(key, record)`; no all-pairs.
//! 3. [`compare`]: identifiers first, then field-wise similarity and the vetoes (see there).
//! 4. [`cluster()`]: guarded union-find.
//!
//! Measured on the six labelled sets of `../shared/eval/dedup` (`cargo bench --bench dedup`,
//! figures in `benches/dedup.rs`): 0 false merges on every set; sensitivity 0.984–0.997 on
//! five sets, 0.844 on haematology (whose labels count errata, abstracts with other pages and
//! records with two DOIs as duplicates, which the vetoes forbid).

pub mod cluster;
pub mod keys;
pub mod names;
pub mod pages;

pub mod block;
pub mod compare;

use crate::model::Record;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use cluster::cluster;

/// Settings of a dedup run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Largest difference of publication years still compared as one work (online-first
    /// versions are often dated a year earlier). Default 1.
    pub year_tolerance: i32,
}

impl Default for Options {
    fn default() -> Self {
        Options { year_tolerance: 1 }
    }
}

/// What a compared pair is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The same work: merged automatically.
    Duplicate,
    /// Perhaps the same work: a reviewer decides; not merged until then.
    Uncertain,
    /// Different works, and the two must never end up in one cluster.
    Distinct,
}

impl Verdict {
    /// The stored name (`duplicate`, `uncertain`, `distinct`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Duplicate => "duplicate",
            Verdict::Uncertain => "uncertain",
            Verdict::Distinct => "distinct",
        }
    }

    /// The verdict with this stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [Verdict::Duplicate, Verdict::Uncertain, Verdict::Distinct]
            .into_iter()
            .find(|v| v.as_str() == name)
    }
}

macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// Which rule decided a link. Stored by name ([`Rule::as_str`]); the names never change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Rule {
            $($(#[$doc])* #[serde(rename = $name)] $variant,)*
        }

        impl Rule {
            /// Every rule, strongest first (the order in which [`cluster()`] applies links).
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stored name, e.g. `doi`, `title_authors`.
            pub fn as_str(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }
        }
    };
}

rules! {
    /// A reviewer answered "duplicate" (or "not a duplicate", for a veto).
    Reviewer = "reviewer",
    /// The same DOI.
    Doi = "doi",
    /// The same PubMed id.
    Pmid = "pmid",
    /// The same Cristin result id (NVA records carry it).
    Cristin = "cristin",
    /// The same normalised title and year (±tolerance), nothing contradicting.
    TitleYear = "title_year",
    /// Similar title, authors and venue agree.
    TitleAuthors = "title_authors",
    /// Title in one language matches the other record's translated title.
    TranslatedTitle = "translated_title",
    /// Titles worded differently (translated, a subtitle dropped), but the same venue, volume,
    /// issue, whole page range, year and authors: one printed item.
    SameLocation = "same_location",
    /// Similar but not conclusive: for a reviewer.
    Similar = "similar",
    /// Veto: the two carry different DOIs.
    DifferentDoi = "different_doi",
    /// Veto: different identifiers of another scheme (PMID, Cristin id).
    DifferentId = "different_id",
    /// Veto: the page ranges (or article numbers) differ.
    DifferentPages = "different_pages",
    /// Veto: one is an erratum, reply, comment, correction or protocol, the other is not.
    NoticeVsArticle = "notice_vs_article",
    /// Veto: one is a conference abstract, the other a journal article.
    AbstractVsArticle = "abstract_vs_article",
    /// Veto: the titles differ in their numbers (`Part 1`, `Part 2`).
    DifferentNumbers = "different_numbers",
}

impl Rule {
    /// The rule with this stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Rule::ALL.iter().copied().find(|r| r.as_str() == name)
    }
}

/// Field-wise similarity of a compared pair; `None` where a field is missing on either side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Title similarity, 0–1 (1 = the same normalised title).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<f32>,
    /// Author-list similarity, 0–1 (surnames and initials).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authors: Option<f32>,
    /// Venue similarity, 0–1 (journal names and abbreviations, ISSN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<f32>,
    /// Absolute difference of the publication years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_gap: Option<i32>,
    /// Whether the page ranges agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<bool>,
}

/// A compared pair and what it is. `a < b`, both indices into the records.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// The record with the lower index.
    pub a: usize,
    /// The record with the higher index.
    pub b: usize,
    /// Duplicate, uncertain or distinct.
    pub verdict: Verdict,
    /// The rule that decided it.
    pub rule: Rule,
    /// How similar the fields are.
    pub scores: Scores,
}

/// A reviewer's answer on one pair: duplicate or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// One record (any order).
    pub a: usize,
    /// The other record.
    pub b: usize,
    /// `true`: the same work (merge); `false`: different works (never merge).
    pub duplicate: bool,
}

/// Records found to be one work (two or more) and the links that joined them.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Indices of the records, ascending.
    pub members: Vec<usize>,
    /// The links whose unions made the cluster (`members.len() - 1` of them).
    pub links: Vec<Link>,
}

/// What [`cluster()`] found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Clustering {
    /// Clusters of two or more records, ordered by their first member.
    pub clusters: Vec<Cluster>,
    /// Uncertain pairs still to be reviewed: unanswered, and in different clusters.
    pub uncertain: Vec<Link>,
    /// Duplicate links (and "yes" answers) not applied because the union would have put a
    /// vetoed pair or two different identifiers into one cluster.
    pub refused: Vec<Link>,
    /// Links by rule name: every link given (and answer applied), counted by its rule.
    pub rule_counts: BTreeMap<&'static str, usize>,
}

impl Clustering {
    /// The cluster of every record (`None` for records in no cluster), by record index.
    pub fn assignment(&self, records: usize) -> Vec<Option<usize>> {
        let mut out = vec![None; records];
        for (c, cluster) in self.clusters.iter().enumerate() {
            for &m in &cluster.members {
                out[m] = Some(c);
            }
        }
        out
    }
}

/// Compares every candidate pair with at least one record at index `>= new_from` and returns
/// the links found, sorted by `(a, b)`. See the module doc for why an incremental run plus
/// the earlier links equals a full run.
pub fn find_links(records: &[Record], new_from: usize, options: &Options) -> Vec<Link> {
    use rayon::prelude::*;
    let keys: Vec<keys::RecordKeys> = records.par_iter().map(keys::RecordKeys::of).collect();
    let pairs = block::candidate_pairs(&keys, new_from);
    // Pairs come sorted, and the parallel filter keeps their order.
    pairs
        .par_iter()
        .filter_map(|&(a, b)| {
            let (a, b) = (a as usize, b as usize);
            compare::compare(&keys[a], &keys[b], options).map(|c| c.link(a, b))
        })
        .collect()
}

#[cfg(test)]
mod tests;
