//! Tests of the dedup pipeline as a whole: identifiers, guards, idempotence, incremental runs.

use super::*;
use crate::model::{Author, Provenance};
use serde_json::value::RawValue;

/// A record from `source` with a title, a year and optionally a DOI.
pub(crate) fn rec(id: &str, title: &str, year: Option<i32>, doi: Option<&str>) -> Record {
    let prov = Provenance {
        source: "test".into(),
        source_id: id.into(),
        run: "r".into(),
        query: None,
        retrieved: jiff::Timestamp::UNIX_EPOCH,
        via: None,
    };
    let mut r = Record::new(prov, doi, RawValue::from_string("{}".into()).unwrap());
    r.title = Some(title.into());
    r.year = year;
    r.authors = vec![Author {
        family: Some("Hansen".into()),
        given: Some("K.".into()),
        ..Author::default()
    }];
    r
}

fn members(c: &Clustering) -> Vec<Vec<usize>> {
    c.clusters.iter().map(|c| c.members.clone()).collect()
}

fn run(records: &[Record]) -> Clustering {
    let links = find_links(records, 0, &Options::default());
    cluster(records, &links, &[])
}

#[test]
fn same_doi_merges_whatever_its_spelling() {
    let rs = [
        rec(
            "1",
            "Tildeling av helsetjenester",
            Some(2020),
            Some("10.1000/ABC"),
        ),
        rec(
            "2",
            "Allocation of health services",
            Some(2020),
            Some("https://doi.org/10.1000/abc"),
        ),
        rec("3", "Something else", Some(2020), None),
    ];
    let c = run(&rs);
    assert_eq!(members(&c), vec![vec![0, 1]]);
    assert_eq!(c.clusters[0].links[0].rule, Rule::Doi);
    assert_eq!(c.rule_counts.get("doi"), Some(&1));
}

#[test]
fn same_title_and_year_merges_but_not_across_distant_years() {
    let rs = [
        rec(
            "1",
            "Kommunal tildeling av sykehjemsplasser",
            Some(2019),
            None,
        ),
        rec(
            "2",
            "Kommunal tildeling av sykehjemsplasser.",
            Some(2020),
            None,
        ),
        rec(
            "3",
            "KOMMUNAL TILDELING AV SYKEHJEMSPLASSER",
            Some(2012),
            None,
        ),
    ];
    assert_eq!(members(&run(&rs)), vec![vec![0, 1]]);
}

#[test]
fn translated_titles_merge() {
    let mut nb = rec(
        "1",
        "Tildeling av helse- og omsorgstjenester i kommunene",
        Some(2021),
        None,
    );
    nb.other_titles.insert(
        "en".into(),
        "Allocation of health and care services in municipalities".into(),
    );
    let en = rec(
        "2",
        "Allocation of health and care services in municipalities",
        Some(2021),
        None,
    );
    let c = run(&[nb, en]);
    assert_eq!(members(&c), vec![vec![0, 1]]);
    assert_eq!(c.clusters[0].links[0].rule, Rule::TranslatedTitle);
}

#[test]
fn two_dois_are_never_chained_through_a_record_without_one() {
    let rs = [
        rec("1", "Home care allocation", Some(2020), Some("10.1000/a")),
        rec("2", "Home care allocation", Some(2020), None),
        rec("3", "Home care allocation", Some(2020), Some("10.1000/b")),
    ];
    let c = run(&rs);
    assert_eq!(c.clusters.len(), 1);
    assert_eq!(c.clusters[0].members.len(), 2, "{c:?}");
    assert!(!c.clusters[0].members.contains(&0) || !c.clusters[0].members.contains(&2));
    // Even links claiming the chain are refused by the identifier guard.
    let forced = [
        Link {
            a: 0,
            b: 1,
            verdict: Verdict::Duplicate,
            rule: Rule::TitleYear,
            scores: Scores::default(),
        },
        Link {
            a: 1,
            b: 2,
            verdict: Verdict::Duplicate,
            rule: Rule::TitleYear,
            scores: Scores::default(),
        },
    ];
    let c = cluster(&rs, &forced, &[]);
    assert_eq!(members(&c), vec![vec![0, 1]]);
    assert_eq!(c.refused.len(), 1);
}

#[test]
fn answers_merge_and_veto() {
    let rs = [
        rec("1", "A", Some(2020), None),
        rec("2", "B", Some(2020), None),
        rec("3", "C", Some(2020), None),
    ];
    let links = [
        Link {
            a: 0,
            b: 1,
            verdict: Verdict::Uncertain,
            rule: Rule::Similar,
            scores: Scores::default(),
        },
        Link {
            a: 1,
            b: 2,
            verdict: Verdict::Uncertain,
            rule: Rule::Similar,
            scores: Scores::default(),
        },
        Link {
            a: 0,
            b: 2,
            verdict: Verdict::Duplicate,
            rule: Rule::TitleYear,
            scores: Scores::default(),
        },
    ];
    let c = cluster(&rs, &links, &[]);
    assert_eq!(members(&c), vec![vec![0, 2]]);
    assert_eq!(
        c.uncertain.len(),
        2,
        "unanswered uncertain pairs are queued"
    );
    let answers = [
        Answer {
            a: 1,
            b: 0,
            duplicate: true,
        },
        Answer {
            a: 2,
            b: 1,
            duplicate: false,
        },
    ];
    let c = cluster(&rs, &links, &answers);
    // "yes" on 0-1 is applied first; then 0-2 would put the vetoed 1-2 together: refused.
    assert_eq!(members(&c), vec![vec![0, 1]]);
    assert!(c.uncertain.is_empty());
    assert_eq!(c.clusters[0].links[0].rule, Rule::Reviewer);
    assert_eq!(c.refused.len(), 1);
}

#[test]
fn clustering_is_idempotent_and_order_independent() {
    let rs: Vec<Record> = (0..30)
        .map(|i| {
            rec(
                &i.to_string(),
                &format!("Title {}", i % 7),
                Some(2020 + (i % 3)),
                None,
            )
        })
        .collect();
    let links = find_links(&rs, 0, &Options::default());
    let c1 = cluster(&rs, &links, &[]);
    let mut rev = links.clone();
    rev.reverse();
    let c2 = cluster(&rs, &rev, &[]);
    assert_eq!(c1, c2);
    // Clustering the links that made the clusters again gives the same clusters.
    let again: Vec<Link> = c1.clusters.iter().flat_map(|c| c.links.clone()).collect();
    assert_eq!(members(&cluster(&rs, &again, &[])), members(&c1));
    assert!(!c1.clusters.is_empty());
}

#[test]
fn incremental_links_equal_full_links() {
    let rs: Vec<Record> = (0..40)
        .map(|i| {
            let doi = (i % 5 == 0).then(|| format!("10.1000/{}", i % 10));
            rec(
                &i.to_string(),
                &format!("Title {}", i % 9),
                Some(2020),
                doi.as_deref(),
            )
        })
        .collect();
    let full = find_links(&rs, 0, &Options::default());
    for split in [1, 13, 39, 40] {
        let mut inc = find_links(&rs[..split], 0, &Options::default());
        inc.extend(find_links(&rs, split, &Options::default()));
        inc.sort_by_key(|l| (l.a, l.b));
        assert_eq!(inc, full, "split at {split}");
        assert_eq!(cluster(&rs, &inc, &[]), cluster(&rs, &full, &[]));
    }
}

#[test]
fn names_round_trip() {
    for &r in Rule::ALL {
        assert_eq!(Rule::parse(r.as_str()), Some(r));
    }
    for v in [Verdict::Duplicate, Verdict::Uncertain, Verdict::Distinct] {
        assert_eq!(Verdict::parse(v.as_str()), Some(v));
    }
}
