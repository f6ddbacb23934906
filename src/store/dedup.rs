//! Deduplication on disk: `corpus/dedup/`, three plain JSON Lines files that say which
//! source records are one work, without ever touching the records themselves (merging is a
//! view: `corpus/records/` keeps every source record as it was stored).
//!
//! | file | holds | written |
//! |---|---|---|
//! | `links.jsonl` | one line per compared pair that is something: `duplicate`, `uncertain` or `distinct` (a veto), with its rule and scores | appended per run (one write, `fsync`); rewritten atomically by `dedup --full` |
//! | `answers.jsonl` | a reviewer's answer on an uncertain pair: `"duplicate": true` or `false` | appended and `fsync`ed per answer; never rewritten |
//! | `clusters.jsonl` | the deduplicated record set: one line per merged record, its stable id and every source record in it | rewritten atomically at the end of a run |
//!
//! Records are named by their stable source key `SOURCE:SOURCE_ID` (what `export` shows in
//! `source_ids`), never by a position, so the files stay true when records are added.
//! `clusters.jsonl` lists every record dedup has processed (a record alone in its cluster
//! too); a stored record missing from it is new to the next run. That is the whole of
//! incremental dedup's memory, and why a run killed at any point loses nothing: links are
//! appended before the clusters that use them are written, a pair stored twice counts once,
//! and records a killed run did not finish are simply new again.
//!
//! Why ids are remembered ([`assign_ids`]): decisions are keyed by record id, so the merged
//! record keeps the id it had. A cluster inherits the id its members had in the previous
//! `clusters.jsonl` (the earliest member's, when two clusters merge); a cluster of new
//! records takes the record id of its earliest stored member. Every member's record id, and
//! every id a member's cluster had before that no cluster keeps (the younger of two merging
//! clusters), then aliases the merged id ([`Merges::resolve`]), which is how decisions made
//! on any member, or on a merged record since merged again, follow into the merged record.
//!
//! Assumed: a stored source record never changes (harvest and import skip source ids
//! already stored), so a record dedup has processed is never compared again; a record whose
//! content could change would need a content hash here to be compared anew.

use super::StoreError;
use super::jsonl::{self, Appender, Diagnostic};
use crate::model::RecordId;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// `corpus/dedup/`.
pub fn dedup_dir(corpus: &Path) -> PathBuf {
    corpus.join("dedup")
}

/// `corpus/dedup/links.jsonl`.
pub fn links_path(corpus: &Path) -> PathBuf {
    dedup_dir(corpus).join("links.jsonl")
}

/// `corpus/dedup/answers.jsonl`.
pub fn answers_path(corpus: &Path) -> PathBuf {
    dedup_dir(corpus).join("answers.jsonl")
}

/// `corpus/dedup/clusters.jsonl`.
pub fn clusters_path(corpus: &Path) -> PathBuf {
    dedup_dir(corpus).join("clusters.jsonl")
}

/// The stable key of a source record: `SOURCE:SOURCE_ID`.
pub fn source_key(source: &str, source_id: &str) -> String {
    format!("{source}:{source_id}")
}

fn hash(key: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(key.as_bytes())
}

/// One line of `links.jsonl`: a compared pair, `a < b`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredLink {
    /// Source key of one record.
    pub a: String,
    /// Source key of the other (greater than `a`).
    pub b: String,
    /// `duplicate`, `uncertain` or `distinct`.
    pub verdict: String,
    /// The rule that decided it (`doi`, `title_authors`, `different_pages`, …).
    pub rule: String,
    /// Field-wise similarity scores, as the comparison gave them.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub scores: serde_json::Map<String, serde_json::Value>,
}

/// One line of `answers.jsonl`: a reviewer's answer on a pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAnswer {
    /// Source key of one record.
    pub a: String,
    /// Source key of the other.
    pub b: String,
    /// `true`: the same work (merge); `false`: different works (never merge).
    pub duplicate: bool,
    /// Who answered.
    pub reviewer: String,
    /// When.
    pub time: jiff::Timestamp,
    /// `litscope VERSION`.
    pub tool: String,
}

/// One line of `clusters.jsonl`: a record of the deduplicated set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterLine {
    /// The merged record's id (stable across runs).
    pub id: RecordId,
    /// Source keys of every source record in it.
    pub members: Vec<String>,
    /// The distinct record ids of the members, then the ids their clusters had before that
    /// no cluster has now (two clusters merged): each an alias of `id`, so that decisions
    /// made on any of them follow.
    pub records: Vec<RecordId>,
}

fn parse_line<T: serde::de::DeserializeOwned>(line: &[u8]) -> Result<T, String> {
    serde_json::from_slice(line).map_err(|e| e.to_string())
}

fn corrupt(path: &Path, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn to_lines<T: Serialize>(path: &Path, items: &[T]) -> Result<Vec<u8>, StoreError> {
    let mut buf = Vec::new();
    for item in items {
        serde_json::to_writer(&mut buf, item).map_err(|e| corrupt(path, e))?;
        buf.push(b'\n');
    }
    Ok(buf)
}

/// Every stored link, one per pair (a pair stored twice, by a run killed before it wrote
/// its clusters, counts once: the later line wins), in file order.
pub fn read_links(corpus: &Path) -> Result<(Vec<StoredLink>, Vec<Diagnostic>), StoreError> {
    let mut links: Vec<StoredLink> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let diags = jsonl::read_lines(&links_path(corpus), |_, line| {
        let l: StoredLink = parse_line(line)?;
        match index.get(&(l.a.clone(), l.b.clone())) {
            Some(&i) => links[i] = l,
            None => {
                index.insert((l.a.clone(), l.b.clone()), links.len());
                links.push(l);
            }
        }
        Ok(())
    })?;
    Ok((links, diags))
}

/// Appends links with one write and `fsync`s them; returns a repaired torn tail, if any.
pub fn append_links(corpus: &Path, links: &[StoredLink]) -> Result<Option<Diagnostic>, StoreError> {
    let path = links_path(corpus);
    let (mut app, repaired) = Appender::open(&path)?;
    if !links.is_empty() {
        app.append(&to_lines(&path, links)?)?;
        app.sync()?;
    }
    Ok(repaired)
}

/// Replaces `links.jsonl` atomically (a full run), unless it already holds exactly these
/// lines (what depends on the corpus, like the index, then stays current).
pub fn write_links(corpus: &Path, links: &[StoredLink]) -> Result<(), StoreError> {
    write_if_changed(&links_path(corpus), links).map(|_| ())
}

fn write_if_changed<T: Serialize>(path: &Path, items: &[T]) -> Result<bool, StoreError> {
    let bytes = to_lines(path, items)?;
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    jsonl::write_atomic(path, &bytes)?;
    Ok(true)
}

/// Every stored answer, in file order (the latest answer on a pair counts).
pub fn read_answers(corpus: &Path) -> Result<(Vec<StoredAnswer>, Vec<Diagnostic>), StoreError> {
    let mut answers = Vec::new();
    let diags = jsonl::read_lines(&answers_path(corpus), |_, line| {
        answers.push(parse_line(line)?);
        Ok(())
    })?;
    Ok((answers, diags))
}

/// `answers.jsonl`, open for appending.
#[derive(Debug)]
pub struct AnswerLog {
    appender: Appender,
}

impl AnswerLog {
    /// Opens (creating) the log; a torn last line is cut and returned.
    pub fn open(corpus: &Path) -> Result<(Self, Option<Diagnostic>), StoreError> {
        let (appender, diag) = Appender::open(&answers_path(corpus))?;
        Ok((AnswerLog { appender }, diag))
    }

    /// Appends answers with one write, flushed and `fsync`ed before returning.
    pub fn append(&mut self, answers: &[StoredAnswer]) -> Result<(), StoreError> {
        if answers.is_empty() {
            return Ok(());
        }
        let path = self.appender.path().to_path_buf();
        self.appender.append(&to_lines(&path, answers)?)?;
        self.appender.sync()
    }

    /// The file.
    pub fn path(&self) -> &Path {
        self.appender.path()
    }
}

/// The stored clusters, in file order.
pub fn read_clusters(corpus: &Path) -> Result<(Vec<ClusterLine>, Vec<Diagnostic>), StoreError> {
    let mut clusters = Vec::new();
    let diags = jsonl::read_lines(&clusters_path(corpus), |_, line| {
        clusters.push(parse_line(line)?);
        Ok(())
    })?;
    Ok((clusters, diags))
}

/// Replaces `clusters.jsonl` atomically, unless it already holds exactly these clusters
/// (a run that changes nothing leaves the file untouched). Returns true when written.
pub fn write_clusters(corpus: &Path, clusters: &[ClusterLine]) -> Result<bool, StoreError> {
    write_if_changed(&clusters_path(corpus), clusters)
}

/// Which merged record every source record belongs to, read from `clusters.jsonl`: what
/// `export`, `status`, `decide` and the index apply to the stored records.
#[derive(Debug, Default, Clone)]
pub struct Merges {
    by_key: HashMap<u128, u32>,
    alias: HashMap<RecordId, u32>,
    // Ids in the `records` of several clusters (dedup told apart records that shared one,
    // a DOI): every cluster holding each, the one the id names first.
    shared: HashMap<RecordId, Vec<u32>>,
    clusters: Vec<ClusterLine>,
}

impl Merges {
    /// Reads `clusters.jsonl` (empty before the first `litscope dedup`).
    pub fn load(corpus: &Path) -> Result<(Self, Vec<Diagnostic>), StoreError> {
        let (clusters, diags) = read_clusters(corpus)?;
        Ok((Merges::new(clusters), diags))
    }

    /// Indexes clusters. A cluster's own id names it first; then each member's record id
    /// aliases the first cluster holding it (an id several clusters hold is remembered as
    /// shared, see [`Merges::follow`]).
    pub fn new(clusters: Vec<ClusterLine>) -> Self {
        let mut m = Merges {
            by_key: HashMap::with_capacity(clusters.len()),
            alias: HashMap::with_capacity(clusters.len()),
            shared: HashMap::new(),
            clusters,
        };
        for (i, c) in m.clusters.iter().enumerate() {
            for key in &c.members {
                m.by_key.insert(hash(key), i as u32);
            }
            m.alias.insert(c.id.clone(), i as u32);
        }
        for (i, c) in m.clusters.iter().enumerate() {
            let i = i as u32;
            for id in &c.records {
                let first = *m.alias.entry(id.clone()).or_insert(i);
                if first != i {
                    let holders = m.shared.entry(id.clone()).or_insert_with(|| vec![first]);
                    if !holders.contains(&i) {
                        holders.push(i);
                    }
                }
            }
        }
        m
    }

    /// The merged records a decision made on `id` follows into. Usually one: the merged
    /// record `id` names (see [`Merges::resolve`]). An id several merged records hold (records
    /// sharing a DOI id, told apart by dedup) is ambiguous: a decision made on the merged
    /// record that kept it, recording what it `covered` ([`Merges::covers`]), follows there
    /// only; any other (made before dedup told them apart) follows into each of them, where
    /// it is a merge conflict until decided again. A decision made on a merged record that
    /// a reviewer's answer has split since follows, by the ids it `covered`, into every part
    /// (each a conflict until decided again), not just the one that kept the id.
    pub fn follow(&self, id: &RecordId, covered: &[RecordId]) -> Vec<RecordId> {
        let mut out = match self.shared.get(id) {
            Some(_) if !covered.is_empty() && self.resolve(id) == id => vec![id.clone()],
            Some(holders) => holders
                .iter()
                .map(|&i| self.clusters[i as usize].id.clone())
                .collect(),
            None => vec![self.resolve(id).clone()],
        };
        // A shared id names several merged records by nature, not because of a split.
        for c in covered.iter().filter(|c| !self.shared.contains_key(*c)) {
            let part = self.resolve(c);
            if !out.contains(part) {
                out.push(part.clone());
            }
        }
        out
    }

    /// What a decision on the merged record `id` covers: the ids that alias it, when any
    /// other than `id` does or `id` is shared (see [`Merges::follow`]); else none.
    pub fn covers(&self, id: &RecordId) -> Vec<RecordId> {
        self.cluster_of_id(id)
            .map(|c| c.records.clone())
            .filter(|r| r.as_slice() != std::slice::from_ref(id) || self.shared.contains_key(id))
            .unwrap_or_default()
    }

    /// True before the first dedup run.
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// The stored clusters.
    pub fn clusters(&self) -> &[ClusterLine] {
        &self.clusters
    }

    /// True when dedup has processed the source record with this key.
    pub fn contains_key(&self, key: &str) -> bool {
        self.by_key.contains_key(&hash(key))
    }

    /// The cluster dedup put this source record in.
    pub fn cluster_of_key(&self, key: &str) -> Option<&ClusterLine> {
        self.by_key
            .get(&hash(key))
            .map(|&i| &self.clusters[i as usize])
    }

    /// The merged record a record id belongs to (a member's id, or the merged id itself).
    pub fn cluster_of_id(&self, id: &RecordId) -> Option<&ClusterLine> {
        self.alias.get(id).map(|&i| &self.clusters[i as usize])
    }

    /// The id of the merged record `id` now belongs to (`id` itself when not merged).
    pub fn resolve<'a>(&'a self, id: &'a RecordId) -> &'a RecordId {
        self.cluster_of_id(id).map_or(id, |c| &c.id)
    }

    /// The merged record's id for a stored source record: its cluster's, or for a record
    /// dedup has not processed yet, its record id resolved (so records sharing a DOI stay
    /// one work until dedup has looked at them).
    pub fn group<'a>(&'a self, source: &str, source_id: &str, id: &'a RecordId) -> &'a RecordId {
        match self.cluster_of_key(&source_key(source, source_id)) {
            Some(c) => &c.id,
            None => self.resolve(id),
        }
    }
}

/// A source record as [`assign_ids`] sees it.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    /// `SOURCE:SOURCE_ID`.
    pub key: &'a str,
    /// The record id.
    pub id: &'a RecordId,
    /// When it was stored: the earliest stored member names a new cluster.
    pub retrieved: jiff::Timestamp,
}

/// Gives every group of source records (clusters and records alone) a stable, unique id and
/// returns the clusters to store, one per group (an empty group, holding no record, gives
/// none), in the order of `groups`: no record is ever left out of the merged set.
///
/// In order of preference: the id the group's earliest previously clustered member had in
/// `previous` (older groups claim first); the record id of its earliest stored member; the
/// source-derived id ([`RecordId::from_source`]) of a member (two groups sharing a record id
/// after dedup told apart records with one DOI); the source-derived id of a member's key with
/// a counter (`SOURCE_ID#1`, `#2`, …), which always ends in a free id. "Earliest" is by
/// retrieval time, then key.
pub fn assign_ids(groups: &[Vec<Member<'_>>], previous: &Merges) -> Vec<ClusterLine> {
    let ordered: Vec<Vec<&Member>> = groups
        .iter()
        .map(|g| {
            let mut m: Vec<&Member> = g.iter().collect();
            m.sort_by(|a, b| (a.retrieved, &a.key).cmp(&(b.retrieved, &b.key)));
            m
        })
        .collect();
    let mut claim_order: Vec<usize> = (0..groups.len())
        .filter(|&i| !groups[i].is_empty())
        .collect();
    claim_order.sort_by(|&x, &y| {
        let (a, b) = (ordered[x][0], ordered[y][0]);
        (a.retrieved, &a.key).cmp(&(b.retrieved, &b.key))
    });
    let mut taken: HashSet<RecordId> = HashSet::new();
    let mut ids: Vec<Option<RecordId>> = vec![None; groups.len()];
    // Pass 1: keep remembered ids.
    for &g in &claim_order {
        let inherited = ordered[g]
            .iter()
            .find_map(|m| previous.cluster_of_key(m.key).map(|c| &c.id));
        if let Some(id) = inherited
            && taken.insert(id.clone())
        {
            ids[g] = Some(id.clone());
        }
    }
    // Pass 2: new groups, and groups whose remembered id went to an older one.
    for &g in &claim_order {
        if ids[g].is_some() {
            continue;
        }
        let first = ordered[g][0];
        let sourced = |n: usize| {
            ordered[g].iter().filter_map(move |m| {
                let (source, source_id) = m.key.split_once(':')?;
                Some(match n {
                    0 => RecordId::from_source(source, source_id),
                    n => RecordId::from_source(source, &format!("{source_id}#{n}")),
                })
            })
        };
        // The earliest member's record id, then each member's source-derived id, then those
        // with a counter: ids are finite, so some `n` is free and every group gets one.
        let candidates = std::iter::once(first.id.clone())
            .chain(sourced(0))
            .chain((1..).flat_map(sourced));
        for id in candidates {
            if taken.insert(id.clone()) {
                ids[g] = Some(id);
                break;
            }
        }
    }
    let named: HashSet<&RecordId> = ids.iter().flatten().collect();
    let aliases: Vec<Vec<RecordId>> = groups
        .iter()
        .map(|g| {
            let mut records: Vec<RecordId> = Vec::new();
            let remembered = g
                .iter()
                .filter_map(|m| previous.cluster_of_key(m.key))
                .map(|c| &c.id)
                .filter(|id| !named.contains(id));
            for id in g.iter().map(|m| m.id).chain(remembered) {
                if !records.contains(id) {
                    records.push(id.clone());
                }
            }
            records
        })
        .collect();
    groups
        .iter()
        .zip(ids)
        .zip(aliases)
        .filter(|((g, _), _)| !g.is_empty())
        .map(|((g, id), records)| ClusterLine {
            id: id.expect("every non-empty group is given an id"),
            members: g.iter().map(|m| m.key.to_string()).collect(),
            records,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member<'a>(key: &'a str, id: &'a RecordId, t: i64) -> Member<'a> {
        Member {
            key,
            id,
            retrieved: jiff::Timestamp::from_second(t).unwrap(),
        }
    }

    fn rid(s: &str) -> RecordId {
        RecordId::from_source("t", s)
    }

    #[test]
    fn a_new_cluster_takes_its_earliest_members_id_and_keeps_it_when_others_join() {
        let (a, b, c) = (rid("a"), rid("b"), rid("c"));
        let first = assign_ids(
            &[vec![member("x:b", &b, 2), member("x:a", &a, 1)]],
            &Merges::default(),
        );
        assert_eq!(first[0].id, a);
        assert_eq!(first[0].records, [b.clone(), a.clone()]);
        // A record stored earlier than every member (a clock set back) joins: the id stays.
        let prev = Merges::new(first);
        let second = assign_ids(
            &[vec![
                member("x:a", &a, 1),
                member("x:b", &b, 2),
                member("x:c", &c, 0),
            ]],
            &prev,
        );
        assert_eq!(second[0].id, a);
        let m = Merges::new(second);
        assert_eq!(m.resolve(&c), &a);
        assert_eq!(m.resolve(&b), &a);
        let other = rid("zz");
        assert_eq!(m.resolve(&other), &other);
        assert_eq!(m.group("x", "c", &c), &a);
        assert!(m.contains_key("x:b") && !m.contains_key("x:zz"));
    }

    #[test]
    fn two_clusters_merging_keep_the_older_id_and_the_other_becomes_an_alias() {
        let (a, b, c, d, e) = (rid("a"), rid("b"), rid("c"), rid("d"), rid("e"));
        let prev = Merges::new(assign_ids(
            &[
                vec![member("x:c", &c, 3), member("x:d", &d, 4)],
                vec![member("x:a", &a, 1), member("x:b", &b, 2)],
            ],
            &Merges::default(),
        ));
        assert_eq!(prev.clusters()[0].id, c);
        let merged = assign_ids(
            &[vec![
                member("x:a", &a, 1),
                member("x:b", &b, 2),
                member("x:c", &c, 3),
                member("x:d", &d, 4),
                member("x:e", &e, 5),
            ]],
            &prev,
        );
        assert_eq!(merged[0].id, a);
        let m = Merges::new(merged);
        assert_eq!(m.resolve(&c), &a, "decisions on the younger cluster follow");
    }

    #[test]
    fn records_sharing_an_id_told_apart_get_distinct_ids() {
        let shared = RecordId::from_doi("10.1/book");
        let out = assign_ids(
            &[
                vec![member("x:chapter", &shared, 2)],
                vec![member("x:book", &shared, 1)],
            ],
            &Merges::default(),
        );
        assert_eq!(out[1].id, shared, "the earlier stored keeps the DOI id");
        assert_eq!(out[0].id, RecordId::from_source("x", "chapter"));
        let m = Merges::new(out);
        assert_eq!(
            m.group("x", "chapter", &shared),
            &RecordId::from_source("x", "chapter")
        );
        assert_eq!(m.group("x", "book", &shared), &shared);
        assert_eq!(m.resolve(&shared), &shared);
    }

    #[test]
    fn a_group_whose_every_candidate_id_is_taken_still_gets_one_and_stays_in_the_set() {
        // x:b's source-derived id was the remembered id of x:c's cluster; x:a and x:b share
        // a DOI id and are told apart: x:b's record id and its source id are both taken.
        let shared = RecordId::from_doi("10.1/shared");
        let b_sourced = RecordId::from_source("x", "b");
        let c = rid("c");
        let prev = Merges::new(vec![ClusterLine {
            id: b_sourced.clone(),
            members: vec!["x:c".into()],
            records: vec![c.clone()],
        }]);
        let out = assign_ids(
            &[
                vec![member("x:c", &c, 3)],
                vec![member("x:a", &shared, 1)],
                vec![member("x:b", &shared, 2)],
            ],
            &prev,
        );
        assert_eq!(out.len(), 3, "one cluster per group: {out:?}");
        assert_eq!(out[0].id, b_sourced);
        assert_eq!(out[1].id, shared);
        assert_eq!(out[2].members, ["x:b"]);
        assert_eq!(out[2].id, RecordId::from_source("x", "b#1"));
        let ids: HashSet<&RecordId> = out.iter().map(|c| &c.id).collect();
        assert_eq!(ids.len(), 3, "ids are unique");
        // Stable: the next run keeps every id.
        let again = assign_ids(
            &[
                vec![member("x:c", &c, 3)],
                vec![member("x:a", &shared, 1)],
                vec![member("x:b", &shared, 2)],
            ],
            &Merges::new(out.clone()),
        );
        assert_eq!(again, out);
    }

    #[test]
    fn a_cluster_merged_into_another_leaves_its_id_as_an_alias() {
        // x:chapter shares the book's DOI id, so its cluster got a source-derived id.
        let shared = RecordId::from_doi("10.1/book");
        let e = rid("e");
        let first = assign_ids(
            &[
                vec![member("x:book", &shared, 1)],
                vec![member("x:chapter", &shared, 2)],
                vec![member("x:e", &e, 0)],
            ],
            &Merges::default(),
        );
        let fallback = RecordId::from_source("x", "chapter");
        assert_eq!(first[1].id, fallback);
        // The chapter's cluster joins x:e's (older): the fallback id must still resolve.
        let merged = assign_ids(
            &[
                vec![member("x:book", &shared, 1)],
                vec![member("x:chapter", &shared, 2), member("x:e", &e, 0)],
            ],
            &Merges::new(first),
        );
        assert_eq!(merged[1].id, e);
        assert_eq!(
            merged[1].records,
            [shared.clone(), e.clone(), fallback.clone()]
        );
        assert_eq!(
            merged[0].records,
            vec![shared.clone()],
            "a kept id is no alias"
        );
        let m = Merges::new(merged);
        assert_eq!(
            m.resolve(&fallback),
            &e,
            "decisions on the old cluster follow"
        );
    }

    #[test]
    fn an_id_two_clusters_hold_is_followed_into_both_unless_decided_on_the_one_that_kept_it() {
        let shared = RecordId::from_doi("10.1/book");
        let m = Merges::new(assign_ids(
            &[
                vec![member("x:book", &shared, 1)],
                vec![member("x:chapter", &shared, 2)],
            ],
            &Merges::default(),
        ));
        let chapter = RecordId::from_source("x", "chapter");
        assert_eq!(m.follow(&shared, &[]), [shared.clone(), chapter.clone()]);
        assert_eq!(m.follow(&shared, &m.covers(&shared)), vec![shared.clone()]);
        assert_eq!(m.follow(&chapter, &[]), vec![chapter.clone()]);
        assert_eq!(m.covers(&shared), vec![shared.clone()]);
        assert_eq!(m.covers(&chapter), vec![shared.clone()]);
        let alone = rid("alone");
        let m = Merges::new(assign_ids(&[vec![member("x:alone", &alone, 1)]], &m));
        assert_eq!(m.follow(&alone, &[]), vec![alone.clone()]);
        assert!(m.covers(&alone).is_empty());
    }

    #[test]
    fn a_decision_on_a_merged_record_follows_into_every_part_after_a_split() {
        let (a, b) = (rid("a"), rid("b"));
        let merged = assign_ids(
            &[vec![member("x:a", &a, 0), member("x:b", &b, 1)]],
            &Merges::default(),
        );
        let m = Merges::new(merged);
        let kept = m.resolve(&a).clone();
        let covered = m.covers(&kept);
        assert_eq!(m.follow(&kept, &covered), vec![kept.clone()]);
        // A reviewer's "no" splits the cluster: the decision reaches both parts.
        let split = Merges::new(assign_ids(
            &[vec![member("x:a", &a, 0)], vec![member("x:b", &b, 1)]],
            &m,
        ));
        let mut parts = split.follow(&kept, &covered);
        parts.sort();
        let mut expected = vec![split.resolve(&a).clone(), split.resolve(&b).clone()];
        expected.sort();
        assert_eq!(parts, expected);
        assert_eq!(
            split.follow(&kept, &[]).len(),
            1,
            "without covers: where it was made"
        );
    }

    #[test]
    fn files_survive_a_torn_line_and_a_pair_stored_twice_counts_once() {
        let dir = tempfile::tempdir().unwrap();
        let link = |a: &str, b: &str, v: &str| StoredLink {
            a: a.into(),
            b: b.into(),
            verdict: v.into(),
            rule: "doi".into(),
            scores: serde_json::Map::new(),
        };
        append_links(dir.path(), &[link("x:1", "x:2", "duplicate")]).unwrap();
        append_links(
            dir.path(),
            &[
                link("x:1", "x:2", "duplicate"),
                link("x:3", "x:4", "uncertain"),
            ],
        )
        .unwrap();
        let path = links_path(dir.path());
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
        let (links, diags) = read_links(dir.path()).unwrap();
        assert_eq!(links, [link("x:1", "x:2", "duplicate")]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 3);
        let repaired = append_links(dir.path(), &[link("x:3", "x:4", "uncertain")]).unwrap();
        assert_eq!(repaired.unwrap().line, 3);
        assert_eq!(read_links(dir.path()).unwrap().0.len(), 2);

        let (mut log, _) = AnswerLog::open(dir.path()).unwrap();
        let answer = StoredAnswer {
            a: "x:3".into(),
            b: "x:4".into(),
            duplicate: true,
            reviewer: "ann".into(),
            time: jiff::Timestamp::UNIX_EPOCH,
            tool: "t".into(),
        };
        log.append(std::slice::from_ref(&answer)).unwrap();
        assert_eq!(read_answers(dir.path()).unwrap().0, [answer]);

        let a = rid("a");
        let clusters = assign_ids(&[vec![member("x:a", &a, 1)]], &Merges::default());
        assert!(write_clusters(dir.path(), &clusters).unwrap());
        assert!(!write_clusters(dir.path(), &clusters).unwrap(), "unchanged");
        assert_eq!(
            Merges::load(dir.path()).unwrap().0.clusters(),
            &clusters[..]
        );
    }
}
