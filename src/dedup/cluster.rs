//! Links and review answers into clusters: union-find guarded against chaining.
//!
//! Merges are applied strongest rule first ([`Rule::ALL`] order), then by record indices, so
//! the result never depends on the order links arrive in. Before two groups are joined the
//! guard checks every veto touching the smaller group (a [`Verdict::Distinct`] link or a
//! reviewer's "no") and the identifiers of both groups: if any pair across the two groups is
//! vetoed, or the groups hold different DOIs (PMIDs, Cristin ids) and no common one, the
//! union is refused and the link reported in [`Clustering::refused`]. An automatic link
//! that would join two groups of which one holds more than one record is also refused
//! when a record of one group, compared with a record of the other, is vetoed or plainly
//! a different work by its years, volume or pages (no chaining of two different works
//! through a third; titles in two languages are no such evidence; the keys are computed
//! only for records in such groups). A reviewer's "yes" may
//! join groups with different identifiers (a work registered under two DOIs), never vetoed
//! ones; the queue of uncertain pairs therefore only leaves out pairs a veto keeps apart.
//! Cost: O(records + links · log links) for the sort; per union, the vetoes of the smaller
//! group and, unless both are single records, one field check per pair across the two
//! groups (groups are small: the copies of one work).

use super::compare::{compare, contradicts};
use super::keys::{RecordKeys, identifiers};
use super::{Answer, Cluster, Clustering, Link, Options, Rule, Scores, Verdict};
use crate::model::Record;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Clusters `records` by `links` and reviewer `answers` (indices into `records`). Give one
/// answer per pair; when a pair is answered both ways, "no" wins. See the module doc.
pub fn cluster(
    records: &[Record],
    links: &[Link],
    answers: &[Answer],
    options: &Options,
) -> Clustering {
    let pair = |a: usize, b: usize| (a.min(b), a.max(b));
    let mut answered: HashMap<(usize, usize), bool> = HashMap::new();
    for ans in answers {
        if ans.a == ans.b || ans.a.max(ans.b) >= records.len() {
            continue;
        }
        let e = answered.entry(pair(ans.a, ans.b)).or_insert(ans.duplicate);
        *e &= ans.duplicate;
    }

    let mut vetoes: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut veto = |a: usize, b: usize| {
        vetoes.entry(a).or_default().push(b);
        vetoes.entry(b).or_default().push(a);
    };
    let mut rule_counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut merges: Vec<Link> = Vec::new();
    let mut uncertain: Vec<Link> = Vec::new();
    let mut scores_of: HashMap<(usize, usize), Scores> = HashMap::new();
    for link in links {
        if link.a == link.b || link.a.max(link.b) >= records.len() {
            continue;
        }
        let (a, b) = pair(link.a, link.b);
        let link = Link { a, b, ..*link };
        *rule_counts.entry(link.rule.as_str()).or_default() += 1;
        scores_of.entry((a, b)).or_insert(link.scores);
        match (link.verdict, answered.get(&(a, b))) {
            (Verdict::Distinct, _) => veto(a, b),
            (_, Some(_)) => {} // the answer decides
            (Verdict::Duplicate, None) => merges.push(link),
            (Verdict::Uncertain, None) => uncertain.push(link),
        }
    }
    for (&(a, b), &yes) in &answered {
        *rule_counts.entry(Rule::Reviewer.as_str()).or_default() += 1;
        let scores = scores_of.get(&(a, b)).copied().unwrap_or_default();
        if yes {
            merges.push(Link {
                a,
                b,
                verdict: Verdict::Duplicate,
                rule: Rule::Reviewer,
                scores,
            });
        } else {
            veto(a, b);
        }
    }
    let rank = |r: Rule| Rule::ALL.iter().position(|&x| x == r).unwrap_or(usize::MAX);
    merges.sort_by_key(|l| (rank(l.rule), l.a, l.b));
    merges.dedup_by_key(|l| (l.a, l.b));

    let mut uf = Guarded::new(records, vetoes, options);
    let mut refused = Vec::new();
    let mut made: HashMap<usize, Vec<Link>> = HashMap::new();
    for link in merges {
        match uf.union(link.a, link.b, link.rule == Rule::Reviewer) {
            Union::Joined(root, absorbed) => {
                let mut joined = made.remove(&absorbed).unwrap_or_default();
                joined.push(link);
                made.entry(root).or_default().append(&mut joined);
            }
            Union::Already => {}
            Union::Refused => refused.push(link),
        }
    }

    let mut clusters: Vec<Cluster> = made
        .into_iter()
        .map(|(root, mut links)| {
            links.sort_by_key(|l| (l.a, l.b));
            let mut members = uf.members[root].clone();
            members.sort_unstable();
            Cluster { members, links }
        })
        .collect();
    clusters.sort_by_key(|c| c.members[0]);
    let mut uncertain: Vec<Link> = uncertain
        .into_iter()
        .filter(|l| uf.find(l.a) != uf.find(l.b) && uf.allowed(l.a, l.b, true))
        .collect();
    uncertain.sort_by_key(|l| (l.a, l.b));
    refused.sort_by_key(|l| (l.a, l.b));
    Clustering {
        clusters,
        uncertain,
        refused,
        rule_counts,
    }
}

enum Union {
    Joined(usize, usize),
    Already,
    Refused,
}

/// Union-find whose roots know their members, their identifiers and (through `vetoes`) which
/// records they must never be joined with.
struct Guarded<'a> {
    records: &'a [Record],
    parent: Vec<usize>,
    members: Vec<Vec<usize>>,
    ids: HashMap<usize, Vec<(u8, String)>>,
    vetoes: HashMap<usize, Vec<usize>>,
    options: &'a Options,
    /// Comparison keys of the records in groups of two or more, computed on first use.
    keys: HashMap<usize, RecordKeys>,
}

impl<'a> Guarded<'a> {
    fn new(
        records: &'a [Record],
        vetoes: HashMap<usize, Vec<usize>>,
        options: &'a Options,
    ) -> Self {
        Guarded {
            records,
            parent: (0..records.len()).collect(),
            members: (0..records.len()).map(|i| vec![i]).collect(),
            ids: HashMap::new(),
            vetoes,
            options,
            keys: HashMap::new(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// The identifiers of a group (computed from the record for a singleton).
    fn ids_of(&mut self, root: usize) -> &Vec<(u8, String)> {
        let records = self.records;
        self.ids.entry(root).or_insert_with(|| {
            (0u8..)
                .zip(identifiers(&records[root]))
                .filter_map(|(scheme, v)| v.map(|v| (scheme, v)))
                .collect()
        })
    }

    /// Whether the groups of `a` and `b` may be joined: no veto across them and, unless
    /// `by_reviewer`, no two different identifiers of one scheme.
    fn allowed(&mut self, a: usize, b: usize, by_reviewer: bool) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        if !by_reviewer && self.identifiers_conflict(ra, rb) {
            return false;
        }
        let (small, other) = if self.members[ra].len() <= self.members[rb].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let members = self.members[small].clone();
        for m in members {
            let Some(vs) = self.vetoes.get(&m).cloned() else {
                continue;
            };
            if vs.into_iter().any(|v| self.find(v) == other) {
                return false;
            }
        }
        let singletons = self.members[small].len() == 1 && self.members[other].len() == 1;
        by_reviewer || singletons || self.alike(small, other)
    }

    /// Whether no record of one group is, compared with a record of the other, a different
    /// work: vetoed, or plainly different by its fields (years, volume, pages; see
    /// [`contradicts`]). A link joins two groups only when it does not chain two different
    /// works through a third (A = B and B = C, but A and C not the same).
    fn alike(&mut self, small: usize, other: usize) -> bool {
        let (xs, ys) = (self.members[small].clone(), self.members[other].clone());
        let records = self.records;
        for &i in xs.iter().chain(&ys) {
            self.keys
                .entry(i)
                .or_insert_with(|| RecordKeys::of(&records[i]));
        }
        xs.iter().all(|x| {
            ys.iter().all(|y| {
                let (kx, ky) = (&self.keys[x], &self.keys[y]);
                match compare(kx, ky, self.options) {
                    Some(c) => c.verdict != Verdict::Distinct,
                    None => !contradicts(kx, ky, self.options),
                }
            })
        })
    }

    /// Whether two groups hold different identifiers of one scheme and none in common.
    fn identifiers_conflict(&mut self, ra: usize, rb: usize) -> bool {
        let ia = self.ids_of(ra).clone();
        let ib = self.ids_of(rb);
        for scheme in 0..3u8 {
            let xa: HashSet<&String> = ia.iter().filter(|i| i.0 == scheme).map(|i| &i.1).collect();
            let xb: HashSet<&String> = ib.iter().filter(|i| i.0 == scheme).map(|i| &i.1).collect();
            if !xa.is_empty() && !xb.is_empty() && xa.is_disjoint(&xb) {
                return true;
            }
        }
        false
    }

    fn union(&mut self, a: usize, b: usize, by_reviewer: bool) -> Union {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Union::Already;
        }
        if !self.allowed(a, b, by_reviewer) {
            return Union::Refused;
        }
        let (root, absorbed) = if self.members[ra].len() >= self.members[rb].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[absorbed] = root;
        let moved = std::mem::take(&mut self.members[absorbed]);
        self.members[root].extend(moved);
        let mut ids = self.ids_of(absorbed).clone();
        self.ids.remove(&absorbed);
        let target = self.ids_of(root).clone();
        ids.extend(target);
        ids.sort();
        ids.dedup();
        self.ids.insert(root, ids);
        Union::Joined(root, absorbed)
    }
}
