//! Inter-reviewer agreement at one screening stage: percent agreement, Cohen's kappa,
//! Fleiss' kappa, Gwet's AC1, PABAK, the confusion table of every pair of reviewers, and the
//! conflicts still open. Pure: the caller hands in each record's standing verdicts (one per
//! reviewer) and whether an adjudication settled it; nothing here reads a log.
//!
//! # What is computed, on which records
//!
//! Every statistic is computed on the records that two or more reviewers decided at the stage
//! (the contract's `records`). A record decided by one reviewer only is pending a second
//! decision, not a disagreement, and is left out of every figure (Gwet's generalisation would
//! let singly-rated records shape the chance term; the stage report does not, so that a
//! reviewer being ahead of the other does not move the figures — [`RatingCounts`] offers
//! Gwet's rule to callers that want it). Adjudication does not change the figures: they
//! measure the reviewers' independent decisions (Covidence does the same).
//!
//! With `n` records, categories `k`, and `r_ik` the number of reviewers who put record `i` in
//! category `k` (`r_i = Σ_k r_ik`):
//!
//! - **percent agreement** is the pairwise agreement of Fleiss (1971) and Gwet:
//!   `p_a = mean_i Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1))`. With two reviewers it is the share
//!   of records they agree on. `unanimous` (an addition) is the share of records on which
//!   every reviewer gave the same decision; the two differ only on records with three or more
//!   reviewers.
//! - **Cohen's kappa** (Cohen 1960) needs exactly two reviewers: it is `None` when three or
//!   more took part in the stage (each pair's own kappa is in [`PairAgreement`]).
//!   `p_e = Σ_k p_k+ p_+k`, `κ = (p_o − p_e)/(1 − p_e)`.
//! - **Fleiss' kappa** (Fleiss 1971) in Gwet's generalisation to records rated by different
//!   numbers of reviewers (irrCAC's `fleiss.kappa.raw`): `π_k = mean_i r_ik / r_i`,
//!   `p_e = Σ_k π_k²`. With the same number of reviewers on every record it is Fleiss' own
//!   formula; with two reviewers it equals Scott's π (not Cohen's kappa).
//! - **Gwet's AC1** (Gwet 2008): `p_e = (1/(q−1)) Σ_k π_k (1 − π_k)` with the same `π_k`;
//!   the same formula for two and for many reviewers.
//! - **PABAK** (Byrt, Bishop & Carlin 1993), in its `q`-category form `(q p_a − 1)/(q − 1)`
//!   (= Brennan–Prediger, Bennett's S, Randolph's free-marginal kappa): `2 p_o − 1` for two
//!   categories.
//!
//! `q` is the number of categories of the scale, not of those observed: 3 when maybe is its
//! own category, 2 when it is merged (see [`MaybeConvention`]).
//!
//! # Undefined values
//!
//! Kappa is undefined when chance agreement is 1: every decision in one and the same
//! category (all records included by everyone, say). Then `cohen_kappa` and `fleiss_kappa`
//! are `None` (JSON `null`), never NaN; AC1 and PABAK stay defined (they are 1 then). With no
//! record decided by two reviewers every figure is `None`.
//!
//! # Conflicts
//!
//! A conflict is a record that two or more reviewers decided, whose verdicts are not all the
//! same, and that no adjudication has settled. "The same" compares the verdicts themselves
//! (include, exclude, maybe), whatever [`MaybeConvention`] the statistics use: that is the
//! effective-decision rule of [`crate::store::decisions::EffectiveRule::Unanimous`], so the
//! list is exactly what adjudication has to walk.
//!
//! # Cost
//!
//! One pass over the records, `O(Σ r_i²)` (each record's reviewers in pairs), with small fixed
//! tables per pair of reviewers: 100,000 records × 2 reviewers take a few milliseconds
//! (`cargo bench --bench prisma -- agreement`).

use crate::model::RecordId;
use crate::store::decisions::Verdict;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// How `maybe` is counted in the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MaybeConvention {
    /// Maybe counts as include (two categories: goes on / excluded). The default: it measures
    /// agreement on what moves a record on, as the contract's default `full_text_from =
    /// ["include", "maybe"]` does, and it is what Covidence reports.
    #[default]
    WithInclude,
    /// Maybe is a category of its own (three categories): include/maybe is a disagreement.
    Separate,
    /// Maybe counts as exclude (two categories): the consistent choice when `review.toml`
    /// sends only includes on (`full_text_from = ["include"]`).
    WithExclude,
}

impl MaybeConvention {
    /// Every convention, in the order `--help` lists them.
    pub const ALL: [MaybeConvention; 3] = [
        MaybeConvention::WithInclude,
        MaybeConvention::Separate,
        MaybeConvention::WithExclude,
    ];

    /// `with-include`, `separate` or `with-exclude` (as in JSON and on the command line).
    pub fn as_str(self) -> &'static str {
        match self {
            MaybeConvention::WithInclude => "with-include",
            MaybeConvention::Separate => "separate",
            MaybeConvention::WithExclude => "with-exclude",
        }
    }

    /// The convention named `s` (see [`MaybeConvention::as_str`]).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The categories of the scale, in table order.
    pub fn categories(self) -> &'static [&'static str] {
        match self {
            MaybeConvention::WithInclude => &["include or maybe", "exclude"],
            MaybeConvention::Separate => &["include", "exclude", "maybe"],
            MaybeConvention::WithExclude => &["include", "exclude or maybe"],
        }
    }

    /// The category a verdict falls in (an index into [`MaybeConvention::categories`]).
    pub fn category(self, v: Verdict) -> usize {
        match (self, v) {
            (_, Verdict::Include) => 0,
            (_, Verdict::Exclude) => 1,
            (MaybeConvention::WithInclude, Verdict::Maybe) => 0,
            (MaybeConvention::Separate, Verdict::Maybe) => 2,
            (MaybeConvention::WithExclude, Verdict::Maybe) => 1,
        }
    }
}

/// The standing verdicts at one stage, record by record: the input of [`agreement`].
///
/// Reviewer names are interned as they come, so a large stage costs two small vectors.
#[derive(Debug, Default, Clone)]
pub struct StageRatings {
    reviewers: Vec<String>,
    index: HashMap<String, u32>,
    records: Vec<RatedRecord>,
    ratings: Vec<(u32, Verdict)>,
}

#[derive(Debug, Clone)]
struct RatedRecord {
    id: RecordId,
    start: usize,
    len: usize,
    adjudicated: bool,
}

impl StageRatings {
    /// No records yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a record: each reviewer's standing verdict on it (one per reviewer; when a
    /// reviewer is named twice the later verdict counts) and whether an adjudication settled
    /// it. Records nobody decided may be left out or pushed with no verdicts: either way they
    /// count nowhere.
    pub fn push<'r>(
        &mut self,
        id: RecordId,
        verdicts: impl IntoIterator<Item = (&'r str, Verdict)>,
        adjudicated: bool,
    ) {
        let start = self.ratings.len();
        for (name, verdict) in verdicts {
            let r = match self.index.get(name) {
                Some(&r) => r,
                None => {
                    let r = self.reviewers.len() as u32;
                    self.reviewers.push(name.to_string());
                    self.index.insert(name.to_string(), r);
                    r
                }
            };
            if let Some(slot) = self.ratings[start..].iter_mut().find(|(x, _)| *x == r) {
                slot.1 = verdict;
            } else {
                self.ratings.push((r, verdict));
            }
        }
        let len = self.ratings.len() - start;
        self.records.push(RatedRecord {
            id,
            start,
            len,
            adjudicated,
        });
    }

    /// Records pushed.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when no record was pushed.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// Agreement at one stage: the value behind `litscope agreement --format json` (the contract
/// puts one of these under each stage's name).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageAgreement {
    /// Records decided by two or more reviewers (every figure is computed on these).
    pub records: u64,
    /// Pairwise percent agreement, as a fraction 0–1.
    pub percent_agreement: Option<f64>,
    /// Cohen's kappa; `None` unless exactly two reviewers took part, or when undefined.
    pub cohen_kappa: Option<f64>,
    /// Fleiss' kappa (Gwet's generalisation; Scott's π with two reviewers); `None` when
    /// undefined.
    pub fleiss_kappa: Option<f64>,
    /// Gwet's AC1.
    pub gwet_ac1: Option<f64>,
    /// PABAK in its q-category form.
    pub pabak: Option<f64>,
    /// Share of records on which every reviewer gave the same decision.
    pub unanimous: Option<f64>,
    /// How maybe was counted.
    pub maybe: MaybeConvention,
    /// The categories of the scale, in the order of the tables' rows and columns.
    pub categories: Vec<&'static str>,
    /// The reviewers who took part (decided a record someone else decided too), by name.
    pub reviewers: Vec<String>,
    /// One entry per pair of reviewers who decided at least one record in common.
    pub pairs: Vec<PairAgreement>,
    /// Records decided by two or more reviewers and settled by adjudication.
    pub adjudicated: u64,
    /// Records whose reviewers disagree and that no adjudication settled, by id.
    pub conflicts: Vec<Conflict>,
}

/// Two reviewers on the records they both decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairAgreement {
    /// The two reviewers, in name order: the first gives the table's rows.
    pub reviewers: [String; 2],
    /// Records both decided.
    pub records: u64,
    /// `table[i][j]`: records the first reviewer put in category `i` and the second in `j`.
    pub table: Vec<Vec<u64>>,
    /// Share of records they agree on.
    pub percent_agreement: f64,
    /// Cohen's kappa; `None` when undefined.
    pub cohen_kappa: Option<f64>,
    /// Gwet's AC1.
    pub gwet_ac1: f64,
    /// PABAK.
    pub pabak: f64,
}

/// A record on which reviewers disagree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// The record.
    pub id: RecordId,
    /// Each reviewer's verdict.
    pub decisions: BTreeMap<String, Verdict>,
}

/// Agreement at one stage under `convention` (see the module docs for every definition).
pub fn agreement(ratings: &StageRatings, convention: MaybeConvention) -> StageAgreement {
    let q = convention.categories().len();
    let nr = ratings.reviewers.len();
    // Reviewers in name order: rank[r] is reviewer r's position.
    let mut order: Vec<usize> = (0..nr).collect();
    order.sort_by(|&a, &b| ratings.reviewers[a].cmp(&ratings.reviewers[b]));
    let mut rank = vec![0usize; nr];
    for (pos, &r) in order.iter().enumerate() {
        rank[r] = pos;
    }
    // Pair tables, dense over ranks (lo, hi): reviewer counts are small.
    let mut pairs: Vec<Option<ContingencyTable>> = vec![None; nr * nr];
    let mut took_part = vec![false; nr];
    let mut counts = RatingCounts::new(q);
    let mut adjudicated = 0u64;
    let mut conflicts = Vec::new();
    let mut per_record = vec![0u32; q];

    for rec in &ratings.records {
        let rs = &ratings.ratings[rec.start..rec.start + rec.len];
        if rs.len() < 2 {
            continue;
        }
        per_record.iter_mut().for_each(|c| *c = 0);
        for &(r, v) in rs {
            per_record[convention.category(v)] += 1;
            took_part[r as usize] = true;
        }
        counts.add(&per_record);
        for (i, &(ra, va)) in rs.iter().enumerate() {
            for &(rb, vb) in &rs[i + 1..] {
                let (ka, kb) = (rank[ra as usize], rank[rb as usize]);
                let (lo, hi, row, col) = if ka < kb {
                    (ka, kb, va, vb)
                } else {
                    (kb, ka, vb, va)
                };
                pairs[lo * nr + hi]
                    .get_or_insert_with(|| ContingencyTable::new(q))
                    .add(convention.category(row), convention.category(col));
            }
        }
        if rec.adjudicated {
            adjudicated += 1;
        } else if rs.iter().any(|&(_, v)| v != rs[0].1) {
            conflicts.push(Conflict {
                id: rec.id.clone(),
                decisions: rs
                    .iter()
                    .map(|&(r, v)| (ratings.reviewers[r as usize].clone(), v))
                    .collect(),
            });
        }
    }
    conflicts.sort_by(|a, b| a.id.cmp(&b.id));

    let pairs: Vec<PairAgreement> = pairs
        .into_iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let t = t?;
            let s = t.stats()?;
            let name = |k: usize| ratings.reviewers[order[k]].clone();
            Some(PairAgreement {
                reviewers: [name(i / nr), name(i % nr)],
                records: t.total(),
                table: t.rows(),
                percent_agreement: s.percent_agreement,
                cohen_kappa: s.cohen_kappa,
                gwet_ac1: s.gwet_ac1,
                pabak: s.pabak,
            })
        })
        .collect();
    let reviewers: Vec<String> = order
        .iter()
        .filter(|&&r| took_part[r])
        .map(|&r| ratings.reviewers[r].clone())
        .collect();
    let multi = counts.stats();
    StageAgreement {
        records: counts.rated_by_two_or_more(),
        percent_agreement: multi.map(|m| m.percent_agreement),
        cohen_kappa: if reviewers.len() == 2 {
            pairs.first().and_then(|p| p.cohen_kappa)
        } else {
            None
        },
        fleiss_kappa: multi.and_then(|m| m.fleiss_kappa),
        gwet_ac1: multi.map(|m| m.gwet_ac1),
        pabak: multi.map(|m| m.pabak),
        unanimous: multi.map(|m| m.unanimous),
        maybe: convention,
        categories: convention.categories().to_vec(),
        reviewers,
        pairs,
        adjudicated,
        conflicts,
    }
}

/// `(p − p_e)/(1 − p_e)`, `None` when chance agreement is (numerically) 1.
fn chance_corrected(p: f64, p_e: f64) -> Option<f64> {
    let denom = 1.0 - p_e;
    (denom.abs() > 1e-12).then(|| (p - p_e) / denom)
}

/// Gwet's chance agreement for AC1 from category shares `π_k`, on a `q`-category scale.
fn ac1_chance(pi: &[f64]) -> f64 {
    let q = pi.len() as f64;
    pi.iter().map(|p| p * (1.0 - p)).sum::<f64>() / (q - 1.0)
}

/// Two raters' contingency table over `q` categories (rows: the first rater).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContingencyTable {
    q: usize,
    cells: Vec<u64>,
}

/// What [`ContingencyTable::stats`] computes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoRaterStats {
    /// Observed agreement `p_o`.
    pub percent_agreement: f64,
    /// Cohen's kappa; `None` when `p_e = 1`.
    pub cohen_kappa: Option<f64>,
    /// Scott's π (= Fleiss' kappa for two raters); `None` when undefined.
    pub scott_pi: Option<f64>,
    /// Gwet's AC1.
    pub gwet_ac1: f64,
    /// PABAK, `(q p_o − 1)/(q − 1)`.
    pub pabak: f64,
}

impl ContingencyTable {
    /// An empty `q × q` table (`q ≥ 2`).
    pub fn new(q: usize) -> Self {
        assert!(q >= 2, "a scale has at least two categories");
        ContingencyTable {
            q,
            cells: vec![0; q * q],
        }
    }

    /// A table from its rows (all of length `rows.len()`).
    pub fn from_rows(rows: &[&[u64]]) -> Self {
        let mut t = Self::new(rows.len());
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.len(), t.q, "a contingency table is square");
            t.cells[i * t.q..(i + 1) * t.q].copy_from_slice(row);
        }
        t
    }

    /// Counts one record: the first rater said `row`, the second `col`.
    pub fn add(&mut self, row: usize, col: usize) {
        self.cells[row * self.q + col] += 1;
    }

    /// Records counted.
    pub fn total(&self) -> u64 {
        self.cells.iter().sum()
    }

    /// The table as rows.
    pub fn rows(&self) -> Vec<Vec<u64>> {
        self.cells.chunks(self.q).map(<[u64]>::to_vec).collect()
    }

    /// Every two-rater statistic; `None` for an empty table.
    pub fn stats(&self) -> Option<TwoRaterStats> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        let n = n as f64;
        let q = self.q;
        let p_o = (0..q).map(|k| self.cells[k * q + k]).sum::<u64>() as f64 / n;
        let row = |i: usize| self.cells[i * q..(i + 1) * q].iter().sum::<u64>() as f64 / n;
        let col = |j: usize| (0..q).map(|i| self.cells[i * q + j]).sum::<u64>() as f64 / n;
        let margins: Vec<(f64, f64)> = (0..q).map(|k| (row(k), col(k))).collect();
        let cohen_pe: f64 = margins.iter().map(|(a, b)| a * b).sum();
        let pi: Vec<f64> = margins.iter().map(|(a, b)| (a + b) / 2.0).collect();
        let scott_pe: f64 = pi.iter().map(|p| p * p).sum();
        let qf = q as f64;
        Some(TwoRaterStats {
            percent_agreement: p_o,
            cohen_kappa: chance_corrected(p_o, cohen_pe),
            scott_pi: chance_corrected(p_o, scott_pe),
            gwet_ac1: chance_corrected(p_o, ac1_chance(&pi)).unwrap_or(1.0),
            pabak: (qf * p_o - 1.0) / (qf - 1.0),
        })
    }
}

/// Many raters: per-record category counts `r_ik`, accumulated in one pass.
///
/// Gwet's generalisation: agreement over records with `r_i ≥ 2`, category shares `π_k` over
/// records with `r_i ≥ 1`. Feed it only records with two or more ratings to get the stage
/// report's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingCounts {
    q: usize,
    rated: u64,
    rated_two: u64,
    agreement_sum: f64,
    unanimous: u64,
    share_sum: Vec<f64>,
}

/// What [`RatingCounts::stats`] computes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MultiRaterStats {
    /// Pairwise agreement `p_a`.
    pub percent_agreement: f64,
    /// Fleiss' kappa (Gwet's generalisation); `None` when `p_e = 1`.
    pub fleiss_kappa: Option<f64>,
    /// Gwet's AC1.
    pub gwet_ac1: f64,
    /// PABAK / Brennan–Prediger, `(p_a − 1/q)/(1 − 1/q)`.
    pub pabak: f64,
    /// Share of records with two or more ratings on which all agree.
    pub unanimous: f64,
}

impl RatingCounts {
    /// Nothing counted yet, on a `q`-category scale (`q ≥ 2`).
    pub fn new(q: usize) -> Self {
        assert!(q >= 2, "a scale has at least two categories");
        RatingCounts {
            q,
            rated: 0,
            rated_two: 0,
            agreement_sum: 0.0,
            unanimous: 0,
            share_sum: vec![0.0; q],
        }
    }

    /// Counts one record: `counts[k]` raters put it in category `k`.
    pub fn add(&mut self, counts: &[u32]) {
        debug_assert_eq!(counts.len(), self.q);
        let r: u32 = counts.iter().sum();
        if r == 0 {
            return;
        }
        self.rated += 1;
        let rf = f64::from(r);
        for (s, &c) in self.share_sum.iter_mut().zip(counts) {
            *s += f64::from(c) / rf;
        }
        if r >= 2 {
            self.rated_two += 1;
            let same: u64 = counts
                .iter()
                .map(|&c| u64::from(c) * u64::from(c.saturating_sub(1)))
                .sum();
            self.agreement_sum += same as f64 / (rf * (rf - 1.0));
            if counts.contains(&r) {
                self.unanimous += 1;
            }
        }
    }

    /// Records with two or more ratings.
    pub fn rated_by_two_or_more(&self) -> u64 {
        self.rated_two
    }

    /// Every many-rater statistic; `None` when no record has two ratings.
    pub fn stats(&self) -> Option<MultiRaterStats> {
        if self.rated_two == 0 {
            return None;
        }
        let p_a = self.agreement_sum / self.rated_two as f64;
        let pi: Vec<f64> = self
            .share_sum
            .iter()
            .map(|s| s / self.rated as f64)
            .collect();
        let fleiss_pe: f64 = pi.iter().map(|p| p * p).sum();
        let q = self.q as f64;
        Some(MultiRaterStats {
            percent_agreement: p_a,
            fleiss_kappa: chance_corrected(p_a, fleiss_pe),
            gwet_ac1: chance_corrected(p_a, ac1_chance(&pi)).unwrap_or(1.0),
            pabak: (q * p_a - 1.0) / (q - 1.0),
            unanimous: self.unanimous as f64 / self.rated_two as f64,
        })
    }
}

#[cfg(test)]
#[path = "agreement_tests.rs"]
mod tests;
