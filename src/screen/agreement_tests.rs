//! Agreement statistics against hand-computed examples and the published worked examples
//! (Cohen 1960 textbook table, SAS, Gwet's irrCAC data sets, Fleiss 1971, Wikipedia's Fleiss
//! table, Feinstein & Cicchetti 1990), each to the precision it was published with; the
//! 7-decimal values are those of an independent reference implementation of the same formulas
//! (cross-checked against statsmodels and irrCAC by whoever gathered the examples).

use super::*;
use crate::store::decisions::Verdict::{Exclude as E, Include as I, Maybe as M};

/// `|a − b| ≤ tol`, with a message naming both.
fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} is not {b} (± {tol})");
}

/// Published to `d` decimals: `a` rounds to `published`.
fn published(a: f64, published: f64, d: i32) {
    close(a, published, 0.5 * 10f64.powi(-d) + 1e-12);
}

fn id(i: usize) -> RecordId {
    RecordId::from_stored(&format!("r{i:05}"))
}

/// Two reviewers' verdicts, record by record.
fn two(a: &[Verdict], b: &[Verdict]) -> StageRatings {
    let mut s = StageRatings::new();
    for (i, (&va, &vb)) in a.iter().zip(b).enumerate() {
        s.push(id(i), [("anna", va), ("bjorn", vb)], false);
    }
    s
}

/// Two reviewers' verdicts spelled out from a contingency table over `cats` (rows anna).
fn from_table(cats: &[Verdict], table: &[&[u64]]) -> StageRatings {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (i, row) in table.iter().enumerate() {
        for (j, &n) in row.iter().enumerate() {
            for _ in 0..n {
                a.push(cats[i]);
                b.push(cats[j]);
            }
        }
    }
    two(&a, &b)
}

/// Per-subject category counts from raw ratings (`None` = not rated).
fn counts_of(raw: &[&[Option<u8>]], q: usize) -> RatingCounts {
    let mut c = RatingCounts::new(q);
    for row in raw {
        let mut k = vec![0u32; q];
        for x in row.iter().flatten() {
            k[usize::from(*x) - 1] += 1;
        }
        c.add(&k);
    }
    c
}

// ---- hand-computed ----------------------------------------------------------------------

/// Ten records: anna I I I E E E E E M M, bjorn I I E E E E E E I M.
fn ten() -> StageRatings {
    two(
        &[I, I, I, E, E, E, E, E, M, M],
        &[I, I, E, E, E, E, E, E, I, M],
    )
}

#[test]
fn hand_computed_three_categories() {
    // Table (rows anna, cols bjorn; include, exclude, maybe): [2,1,0] [0,5,0] [1,0,1].
    // p_o = 8/10; margins anna .3 .5 .2, bjorn .3 .6 .1 → p_e = .09 + .30 + .02 = .41,
    // κ = .39/.59. π = (.3, .55, .15) → AC1 p_e = (.21 + .2475 + .1275)/2 = .2925,
    // AC1 = .5075/.7075. Scott p_e = .09 + .3025 + .0225 = .415 → π = .385/.585.
    // PABAK = (3·.8 − 1)/2 = .7.
    let a = agreement(&ten(), MaybeConvention::Separate);
    assert_eq!(a.records, 10);
    close(a.percent_agreement.unwrap(), 0.8, 1e-12);
    close(a.cohen_kappa.unwrap(), 0.39 / 0.59, 1e-12);
    close(a.gwet_ac1.unwrap(), 0.5075 / 0.7075, 1e-12);
    close(a.fleiss_kappa.unwrap(), 0.385 / 0.585, 1e-12);
    close(a.pabak.unwrap(), 0.7, 1e-12);
    assert_eq!(a.categories, ["include", "exclude", "maybe"]);
    assert_eq!(a.pairs.len(), 1);
    assert_eq!(a.pairs[0].reviewers, ["anna", "bjorn"]);
    assert_eq!(a.pairs[0].table, [[2, 1, 0], [0, 5, 0], [1, 0, 1]]);
}

#[test]
fn hand_computed_maybe_with_include_is_the_default() {
    // Goes on / excluded: anna on = records 0 1 2 8 9, bjorn on = 0 1 8 9.
    // Table [4,1] [0,5]: p_o = .9; margins .5/.5 and .4/.6 → p_e = .5, κ = .8.
    // π = (.45, .55) → AC1 p_e = 2·.45·.55 = .495, AC1 = .405/.505. PABAK = 2·.9 − 1 = .8.
    let a = agreement(&ten(), MaybeConvention::default());
    assert_eq!(a.maybe, MaybeConvention::WithInclude);
    close(a.percent_agreement.unwrap(), 0.9, 1e-12);
    close(a.cohen_kappa.unwrap(), 0.8, 1e-12);
    close(a.gwet_ac1.unwrap(), 0.405 / 0.505, 1e-12);
    close(a.pabak.unwrap(), 0.8, 1e-12);
    assert_eq!(a.pairs[0].table, [[4, 1], [0, 5]]);
}

#[test]
fn conflicts_compare_the_verdicts_whatever_the_convention() {
    // Record 8 (maybe vs include) agrees under with-include but is still a conflict: the
    // effective-decision rule sees two different verdicts and adjudication must settle it.
    for conv in MaybeConvention::ALL {
        let a = agreement(&ten(), conv);
        let ids: Vec<&str> = a.conflicts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["r00002", "r00008"], "{conv:?}");
        assert_eq!(a.conflicts[1].decisions["anna"], M);
        assert_eq!(a.conflicts[1].decisions["bjorn"], I);
    }
}

#[test]
fn the_three_conventions_on_the_screening_illustration() {
    // agreement.md's hand-made screening table (rows A, cols B: include, exclude, maybe).
    let s = from_table(&[I, E, M], &[&[10, 2, 3], &[1, 70, 4], &[2, 3, 5]]);
    let sep = agreement(&s, MaybeConvention::Separate);
    close(sep.percent_agreement.unwrap(), 0.85, 1e-12);
    close(sep.cohen_kappa.unwrap(), 0.6305419, 5e-8);
    close(sep.gwet_ac1.unwrap(), 0.8118178, 5e-8);
    close(sep.pabak.unwrap(), 0.775, 1e-12);
    close(sep.fleiss_kappa.unwrap(), 0.6303598, 5e-8);
    let inc = agreement(&s, MaybeConvention::WithInclude);
    assert_eq!(inc.pairs[0].table, [[20, 5], [5, 70]]);
    close(inc.cohen_kappa.unwrap(), 0.7333333, 5e-8);
    close(inc.gwet_ac1.unwrap(), 0.84, 1e-12);
    close(inc.pabak.unwrap(), 0.8, 1e-12);
    let exc = agreement(&s, MaybeConvention::WithExclude);
    assert_eq!(exc.pairs[0].table, [[10, 5], [3, 82]]);
    close(exc.percent_agreement.unwrap(), 0.92, 1e-12);
    close(exc.cohen_kappa.unwrap(), 0.6680498, 5e-8);
    close(exc.gwet_ac1.unwrap(), 0.8946259, 5e-8);
    close(exc.pabak.unwrap(), 0.84, 1e-12);
}

// ---- degenerate cases -------------------------------------------------------------------

#[test]
fn everyone_including_everything_leaves_kappa_undefined_not_nan() {
    let s = two(&[I; 5], &[I; 5]);
    let a = agreement(&s, MaybeConvention::Separate);
    assert_eq!(a.records, 5);
    assert_eq!(a.cohen_kappa, None);
    assert_eq!(a.fleiss_kappa, None);
    assert_eq!(a.pairs[0].cohen_kappa, None);
    assert_eq!(a.percent_agreement, Some(1.0));
    assert_eq!(a.gwet_ac1, Some(1.0));
    assert_eq!(a.pabak, Some(1.0));
    let json = serde_json::to_value(&a).unwrap();
    assert!(json["cohen_kappa"].is_null());
    assert!(json["fleiss_kappa"].is_null());
    assert_eq!(json["gwet_ac1"], 1.0);
}

#[test]
fn total_disagreement_on_two_categories_is_kappa_minus_one_over_p_e() {
    // anna includes all, bjorn excludes all: p_o = 0, p_e = 1·0 + 0·1 = 0 → κ = 0 (defined).
    let a = agreement(&two(&[I; 4], &[E; 4]), MaybeConvention::WithInclude);
    assert_eq!(a.cohen_kappa, Some(0.0));
    assert_eq!(a.percent_agreement, Some(0.0));
    assert_eq!(a.pabak, Some(-1.0));
    assert_eq!(a.conflicts.len(), 4);
}

#[test]
fn records_decided_once_count_nowhere() {
    let mut s = StageRatings::new();
    s.push(id(0), [("anna", I)], false);
    s.push(id(1), [("bjorn", E)], false);
    s.push(id(2), [], false);
    let a = agreement(&s, MaybeConvention::default());
    assert_eq!(a.records, 0);
    assert_eq!(a.percent_agreement, None);
    assert_eq!(a.gwet_ac1, None);
    assert_eq!(a.pabak, None);
    assert_eq!(a.cohen_kappa, None);
    assert!(a.pairs.is_empty());
    assert!(a.reviewers.is_empty());
    assert!(a.conflicts.is_empty());
}

#[test]
fn adjudicated_records_are_not_conflicts_but_still_count() {
    let mut s = two(&[I, I, E], &[I, E, E]);
    let unsettled = agreement(&s, MaybeConvention::default());
    s.push(id(7), [("anna", I), ("bjorn", E)], true);
    let a = agreement(&s, MaybeConvention::default());
    assert_eq!(a.records, 4);
    assert_eq!(a.adjudicated, 1);
    assert_eq!(a.conflicts, unsettled.conflicts);
    close(a.percent_agreement.unwrap(), 0.5, 1e-12);
}

#[test]
fn a_reviewer_named_twice_counts_once_with_the_later_verdict() {
    let mut s = StageRatings::new();
    s.push(id(0), [("anna", E), ("bjorn", I), ("anna", I)], false);
    let a = agreement(&s, MaybeConvention::Separate);
    assert_eq!(a.records, 1);
    assert_eq!(a.percent_agreement, Some(1.0));
    assert!(a.conflicts.is_empty());
}

#[test]
fn table_rows_follow_the_reviewers_name_order_not_the_push_order() {
    let mut s = StageRatings::new();
    s.push(id(0), [("zoe", I), ("adam", E)], false);
    s.push(id(1), [("adam", E), ("zoe", E)], false);
    let a = agreement(&s, MaybeConvention::WithInclude);
    assert_eq!(a.pairs[0].reviewers, ["adam", "zoe"]);
    // adam exclude / zoe include once, both exclude once.
    assert_eq!(a.pairs[0].table, [[0, 0], [1, 1]]);
    assert_eq!(a.reviewers, ["adam", "zoe"]);
}

#[test]
fn three_reviewers_give_no_overall_cohen_but_one_table_per_pair() {
    let mut s = StageRatings::new();
    s.push(id(0), [("a", I), ("b", I), ("c", I)], false);
    s.push(id(1), [("a", I), ("b", I), ("c", E)], false);
    s.push(id(2), [("a", E), ("c", E)], false);
    s.push(id(3), [("b", E), ("c", I)], false);
    let a = agreement(&s, MaybeConvention::WithInclude);
    assert_eq!(a.records, 4);
    assert_eq!(a.cohen_kappa, None);
    assert_eq!(a.reviewers, ["a", "b", "c"]);
    // P_i: 1, (2·1 + 0)/(3·2) = 1/3, 1, 0 → p_a = (1 + 1/3 + 1 + 0)/4 = 7/12.
    close(a.percent_agreement.unwrap(), 7.0 / 12.0, 1e-12);
    // Unanimous: records 0 and 2.
    close(a.unanimous.unwrap(), 0.5, 1e-12);
    let pair = |x: &str, y: &str| {
        a.pairs
            .iter()
            .find(|p| p.reviewers == [x, y])
            .unwrap_or_else(|| panic!("no pair {x} {y}"))
    };
    assert_eq!(pair("a", "b").records, 2);
    assert_eq!(pair("a", "b").table, [[2, 0], [0, 0]]);
    assert_eq!(pair("a", "c").table, [[1, 1], [0, 1]]);
    assert_eq!(pair("b", "c").table, [[1, 1], [1, 0]]);
    // Fleiss (Gwet): π_include = mean(3/3, 2/3, 0/2, 1/2) = 13/24; p_e = π² + (1 − π)².
    let pi = 13.0 / 24.0;
    let pe = pi * pi + (1.0 - pi) * (1.0 - pi);
    close(
        a.fleiss_kappa.unwrap(),
        (7.0 / 12.0 - pe) / (1.0 - pe),
        1e-12,
    );
    let ids: Vec<&str> = a.conflicts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["r00001", "r00003"]);
    assert_eq!(a.conflicts[0].decisions.len(), 3);
}

#[test]
fn a_third_reviewer_who_shared_no_record_leaves_cohen_defined() {
    let mut s = two(&[I, E, E], &[I, E, I]);
    s.push(id(9), [("carl", I)], false);
    let a = agreement(&s, MaybeConvention::WithInclude);
    assert_eq!(a.reviewers, ["anna", "bjorn"]);
    assert!(a.cohen_kappa.is_some());
}

#[test]
fn json_has_the_contract_shape() {
    let a = agreement(&ten(), MaybeConvention::default());
    let v = serde_json::to_value(&a).unwrap();
    for key in [
        "records",
        "percent_agreement",
        "cohen_kappa",
        "fleiss_kappa",
        "gwet_ac1",
        "pabak",
        "conflicts",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["records"], 10);
    assert_eq!(v["maybe"], "with-include");
    assert_eq!(v["conflicts"][0]["id"], "r00002");
    assert_eq!(v["conflicts"][0]["decisions"]["anna"], "include");
    assert_eq!(v["conflicts"][0]["decisions"]["bjorn"], "exclude");
    assert_eq!(v["pairs"][0]["table"], serde_json::json!([[4, 1], [0, 5]]));
}

#[test]
fn convention_names_round_trip() {
    for c in MaybeConvention::ALL {
        assert_eq!(MaybeConvention::parse(c.as_str()), Some(c));
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
    }
    assert_eq!(MaybeConvention::parse("yes"), None);
}

// ---- published worked examples ----------------------------------------------------------

#[test]
fn e1_textbook_cohen_through_the_stage_report() {
    // 50 proposals: Yes/Yes 20, Yes/No 5, No/Yes 10, No/No 15. Published p_o 0.70, κ 0.40.
    let s = from_table(&[I, E], &[&[20, 5], &[10, 15]]);
    let a = agreement(&s, MaybeConvention::WithInclude);
    assert_eq!(a.records, 50);
    published(a.percent_agreement.unwrap(), 0.70, 2);
    published(a.cohen_kappa.unwrap(), 0.40, 2);
    close(a.cohen_kappa.unwrap(), 0.4, 1e-12);
    close(a.gwet_ac1.unwrap(), 0.4059406, 5e-8);
    close(a.pabak.unwrap(), 0.4, 1e-12);
    // Fleiss with two raters is Scott's π.
    close(a.fleiss_kappa.unwrap(), 0.3939394, 5e-8);
    // On the three-category scale (maybe never used) q = 3 changes AC1 and PABAK, not kappa:
    // π = (.55, .45, 0) → AC1 p_e = (.2475 + .2475 + 0)/2; PABAK = (3·.7 − 1)/2.
    let b = agreement(&s, MaybeConvention::Separate);
    close(b.cohen_kappa.unwrap(), 0.4, 1e-12);
    close(b.gwet_ac1.unwrap(), (0.7 - 0.2475) / (1.0 - 0.2475), 1e-12);
    close(b.pabak.unwrap(), 0.55, 1e-12);
}

#[test]
fn e2_sas_three_categories() {
    let t = ContingencyTable::from_rows(&[&[0, 4, 1], &[0, 8, 0], &[0, 1, 5]]);
    let s = t.stats().unwrap();
    published(s.cohen_kappa.unwrap(), 0.4842, 4);
    close(s.percent_agreement, 0.6842105, 5e-8);
    close(s.gwet_ac1, 0.5559883, 5e-8);
    close(s.pabak, 0.5263158, 5e-8);
}

#[test]
fn e3_gwet_abstractors() {
    let t = ContingencyTable::from_rows(&[&[13, 0, 0], &[0, 20, 7], &[0, 4, 56]]);
    let s = t.stats().unwrap();
    published(s.cohen_kappa.unwrap(), 0.796, 3);
    published(s.gwet_ac1, 0.849, 3);
    published(s.pabak, 0.835, 3);
    close(s.cohen_kappa.unwrap(), 0.7964094, 5e-8);
    close(s.gwet_ac1, 0.8493305, 5e-8);
    close(s.scott_pi.unwrap(), 0.7962397, 5e-8);
    // The same data through the many-rater counts: Fleiss = Scott, AC1 identical.
    let mut c = RatingCounts::new(3);
    for (i, row) in t.rows().iter().enumerate() {
        for (j, &n) in row.iter().enumerate() {
            let mut k = [0u32; 3];
            k[i] += 1;
            k[j] += 1;
            for _ in 0..n {
                c.add(&k);
            }
        }
    }
    let m = c.stats().unwrap();
    close(m.fleiss_kappa.unwrap(), 0.7962397, 5e-8);
    close(m.gwet_ac1, 0.8493305, 5e-8);
    close(m.pabak, 0.835, 1e-12);
}

#[test]
fn e4_gwet_diagnosis_four_categories() {
    let t = ContingencyTable::from_rows(&[
        &[40, 4, 4, 17],
        &[6, 25, 2, 13],
        &[4, 1, 21, 12],
        &[15, 5, 9, 45],
    ]);
    let s = t.stats().unwrap();
    published(s.cohen_kappa.unwrap(), 0.432, 3);
    published(s.gwet_ac1, 0.456, 3);
    published(s.pabak, 0.450, 3);
    close(s.percent_agreement, 0.5874439, 5e-8);
}

#[test]
fn e5_kappa_paradox_and_pabak() {
    let a = ContingencyTable::from_rows(&[&[40, 9], &[6, 45]])
        .stats()
        .unwrap();
    let b = ContingencyTable::from_rows(&[&[80, 10], &[5, 5]])
        .stats()
        .unwrap();
    published(a.percent_agreement, 0.85, 2);
    published(b.percent_agreement, 0.85, 2);
    published(a.cohen_kappa.unwrap(), 0.70, 2);
    published(b.cohen_kappa.unwrap(), 0.32, 2);
    close(a.pabak, 0.70, 1e-12);
    close(b.pabak, 0.70, 1e-12);
    close(b.gwet_ac1, 0.808, 1e-9);
}

const FLEISS_1971: [[u8; 6]; 30] = [
    [4, 4, 4, 4, 4, 4],
    [2, 2, 2, 5, 5, 5],
    [2, 3, 3, 3, 3, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3],
    [3, 3, 3, 3, 5, 5],
    [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4],
    [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4],
    [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3],
    [1, 4, 4, 4, 4, 4],
    [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5],
    [1, 1, 1, 1, 1, 2],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 4, 4, 4, 4, 4],
    [2, 2, 4, 5, 5, 5],
    [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4],
    [1, 1, 1, 1, 5, 5],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3],
    [5, 5, 5, 5, 5, 5],
];

#[test]
fn e6_fleiss_1971_psychiatric_diagnoses() {
    let rows: Vec<Vec<Option<u8>>> = FLEISS_1971
        .iter()
        .map(|r| r.iter().map(|&x| Some(x)).collect())
        .collect();
    let refs: Vec<&[Option<u8>]> = rows.iter().map(Vec::as_slice).collect();
    let m = counts_of(&refs, 5).stats().unwrap();
    published(m.fleiss_kappa.unwrap(), 0.430, 3);
    close(m.fleiss_kappa.unwrap(), 0.4302445, 5e-8);
    close(m.percent_agreement, 0.5555556, 5e-8);
    close(m.gwet_ac1, 0.4478845, 5e-8);
    close(m.pabak, 0.4444444, 5e-8);
}

#[test]
fn e7_wikipedia_fleiss_fourteen_raters() {
    let table: [[u32; 5]; 10] = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ];
    let mut c = RatingCounts::new(5);
    for row in &table {
        c.add(row);
    }
    let m = c.stats().unwrap();
    published(m.fleiss_kappa.unwrap(), 0.210, 3);
    close(m.fleiss_kappa.unwrap(), 0.2099307, 5e-8);
    close(m.percent_agreement, 0.3780220, 5e-8);
    close(m.gwet_ac1, 0.2256142, 5e-8);
    close(m.pabak, 0.2225275, 5e-8);
}

#[test]
fn e8_gwet_raw_gender_four_raters() {
    let raw = [
        "aaac", "aabc", "aabc", "aacc", "abaa", "baaa", "bbbb", "bcbb", "cccc", "aaac", "aabc",
        "aabc", "aacc", "abaa", "baaa",
    ];
    let rows: Vec<Vec<Option<u8>>> = raw
        .iter()
        .map(|s| s.bytes().map(|b| Some(b - b'a' + 1)).collect())
        .collect();
    let refs: Vec<&[Option<u8>]> = rows.iter().map(Vec::as_slice).collect();
    let m = counts_of(&refs, 3).stats().unwrap();
    published(m.percent_agreement, 0.456, 3);
    published(m.gwet_ac1, 0.208, 3);
    published(m.fleiss_kappa.unwrap(), 0.129, 3);
    close(m.gwet_ac1, 0.2080808, 5e-8);
    close(m.fleiss_kappa.unwrap(), 0.1288889, 5e-8);
    close(m.pabak, 0.1833333, 5e-8);
}

const RAW4: [[Option<u8>; 4]; 12] = [
    [Some(1), Some(1), None, Some(1)],
    [Some(2), Some(2), Some(3), Some(2)],
    [Some(3), Some(3), Some(3), Some(3)],
    [Some(3), Some(3), Some(3), Some(3)],
    [Some(2), Some(2), Some(2), Some(2)],
    [Some(1), Some(2), Some(3), Some(4)],
    [Some(4), Some(4), Some(4), Some(4)],
    [Some(1), Some(1), Some(2), Some(1)],
    [Some(2), Some(2), Some(2), Some(2)],
    [None, Some(5), Some(5), Some(5)],
    [None, None, Some(1), Some(1)],
    [None, None, Some(3), None],
];

#[test]
fn e9_gwet_missing_ratings() {
    // Gwet's generalisation: subject 12 (one rating) is out of p_a but in π.
    let refs: Vec<&[Option<u8>]> = RAW4.iter().map(|r| r.as_slice()).collect();
    let c = counts_of(&refs, 5);
    assert_eq!(c.rated_by_two_or_more(), 11);
    let m = c.stats().unwrap();
    published(m.percent_agreement, 0.818, 3);
    published(m.gwet_ac1, 0.775, 3);
    published(m.fleiss_kappa.unwrap(), 0.761, 3);
    close(m.gwet_ac1, 0.7754441, 5e-8);
    close(m.fleiss_kappa.unwrap(), 0.7611693, 5e-8);
    close(m.pabak, 0.7727273, 5e-8);
    // What the stage report does: only subjects rated twice or more (reference values).
    let m = counts_of(&refs[..11], 5).stats().unwrap();
    close(m.gwet_ac1, 0.7751517, 5e-8);
    close(m.fleiss_kappa.unwrap(), 0.7624831, 5e-8);
}
