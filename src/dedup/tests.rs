//! Tests of the dedup pipeline as a whole: identifiers, guards, answers, idempotence,
//! incremental runs, and the property that two DOIs are never merged automatically.

use super::*;
use crate::model::{Author, Provenance};
use serde_json::value::RawValue;

/// A journal article as a database would export it.
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
    r.authors = ["Hansen, K.", "Øvretveit, J.", "Berg, A. M."]
        .iter()
        .map(|n| {
            let (family, given) = n.split_once(", ").unwrap();
            Author {
                family: Some(family.into()),
                given: Some(given.into()),
                ..Author::default()
            }
        })
        .collect();
    r.venue = Some("Tidsskrift for Den norske legeforening".into());
    r.volume = Some("140".into());
    r.pages = Some("1123-1129".into());
    r.kind = Some("journal-article".into());
    r
}

fn members(c: &Clustering) -> Vec<Vec<usize>> {
    c.clusters.iter().map(|c| c.members.clone()).collect()
}

fn run(records: &[Record]) -> Clustering {
    let links = find_links(records, 0, &Options::default());
    cluster(records, &links, &[], &Options::default())
}

#[test]
fn same_doi_merges_across_languages_and_spellings() {
    let mut rs = [
        rec(
            "1",
            "Tildeling av helsetjenester i kommunene",
            Some(2020),
            Some("10.1000/ABC"),
        ),
        rec(
            "2",
            "Allocation of health services in municipalities",
            Some(2020),
            Some("https://doi.org/10.1000/abc"),
        ),
        rec(
            "3",
            "Something else entirely, about hospitals",
            Some(2020),
            None,
        ),
    ];
    // Another work of the same authors, in the same volume, on other pages.
    rs[2].pages = Some("200-210".into());
    let c = run(&rs);
    assert_eq!(members(&c), vec![vec![0, 1]]);
    assert_eq!(c.clusters[0].links[0].rule, Rule::Doi);
    assert_eq!(c.rule_counts.get("doi"), Some(&1));
}

#[test]
fn a_norwegian_title_joins_through_its_doi_and_an_english_copy_without_one() {
    // Cristin in Norwegian, Crossref in English with the same DOI, a database export in
    // English without it: one work, although the Norwegian and the DOI-less record share
    // no title words.
    let mut rs = [
        rec(
            "1",
            "Tildeling av helsetjenester i kommunene",
            Some(2020),
            Some("10.1000/abc"),
        ),
        rec(
            "2",
            "Allocation of health services in municipalities",
            Some(2020),
            Some("10.1000/abc"),
        ),
        rec(
            "3",
            "Allocation of health services in municipalities",
            Some(2020),
            None,
        ),
    ];
    rs[2].venue = Some("Tidsskr Nor Laegeforen".into());
    let c = run(&rs);
    assert_eq!(members(&c), vec![vec![0, 1, 2]], "{:?}", c.refused);
}

#[test]
fn a_supplement_doi_shared_by_different_abstracts_merges_nothing() {
    let mut a = rec(
        "1",
        "Remote ischaemic preconditioning in the immature heart",
        Some(2010),
        Some("10.1017/s1047951109991946"),
    );
    let mut b = rec(
        "2",
        "Immature hearts respond metabolically different to remote conditioning",
        Some(2010),
        Some("10.1017/s1047951109991946"),
    );
    a.pages = Some("S377".into());
    b.pages = Some("S378".into());
    assert!(run(&[a.clone(), b.clone()]).clusters.is_empty());
    // Two abstracts of one group, on one page and the next, under the supplement's DOI.
    a.pages = Some("ii510".into());
    b.pages = Some("ii510-ii511".into());
    assert!(run(&[a.clone(), b.clone()]).clusters.is_empty());
    // An abstract filed under an article's DOI, pages copied, in another venue.
    a.pages = Some("1341-53".into());
    b.pages = Some("1341-1353".into());
    b.venue = Some("Circulation".into());
    assert!(run(&[a, b]).clusters.is_empty());
}

#[test]
fn same_title_and_pages_merge_within_a_year_but_not_across_distant_years() {
    let rs = [
        rec(
            "1",
            "Kommunal tildeling av sykehjemsplasser",
            Some(2019),
            None,
        ),
        rec(
            "2",
            "KOMMUNAL TILDELING AV SYKEHJEMSPLASSER.",
            Some(2020),
            None,
        ),
        rec(
            "3",
            "Kommunal tildeling av sykehjemsplasser",
            Some(2012),
            None,
        ),
    ];
    assert_eq!(members(&run(&rs)), vec![vec![0, 1]]);
}

#[test]
fn same_title_in_two_years_by_other_authors_is_two_works() {
    let a = rec(
        "1",
        "Priority setting in municipal health care",
        Some(2015),
        None,
    );
    let mut b = rec(
        "2",
        "Priority setting in municipal health care",
        Some(2016),
        None,
    );
    b.authors = vec![Author {
        family: Some("Smith".into()),
        given: Some("J.".into()),
        ..Author::default()
    }];
    b.pages = None;
    assert!(run(&[a, b]).clusters.is_empty());
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
fn a_page_range_in_proceedings_is_a_blocking_key() {
    // A title cut to its first words in one export, no volume in either, authors as
    // initials in one: only the place (venue, year, page range) brings them together.
    let mut a = rec("1", "Infrastructure in the Wild", Some(2016), None);
    let mut b = rec(
        "2",
        "Infrastructure in the wild: What mapping in post-earthquake Nepal reveals",
        Some(2016),
        None,
    );
    for r in [&mut a, &mut b] {
        r.volume = None;
        r.kind = Some("inproceedings".into());
        r.venue = Some("Proceedings of the 2016 CHI Conference on Human Factors".into());
        r.pages = Some("2796-2807".into());
    }
    assert_eq!(members(&run(&[a.clone(), b.clone()])), vec![vec![0, 1]]);
    // In another proceedings the same pages are another paper.
    b.venue = Some("Proceedings of the 2016 CSCW Conference".into());
    assert_eq!(members(&run(&[a, b])), Vec::<Vec<usize>>::new());
}

#[test]
fn an_erratum_never_joins_its_article() {
    let a = rec(
        "1",
        "Home care allocation in Norwegian municipalities",
        Some(2020),
        None,
    );
    let e = rec(
        "2",
        "Erratum: Home care allocation in Norwegian municipalities",
        Some(2020),
        None,
    );
    let c = run(&[a, e]);
    assert!(c.clusters.is_empty());
    let links = find_links(
        &[
            rec(
                "1",
                "Home care allocation in Norwegian municipalities",
                Some(2020),
                None,
            ),
            rec(
                "2",
                "Erratum: Home care allocation in Norwegian municipalities",
                Some(2020),
                None,
            ),
        ],
        0,
        &Options::default(),
    );
    assert_eq!(links[0].verdict, Verdict::Distinct);
    assert_eq!(links[0].rule, Rule::NoticeVsArticle);
}

#[test]
fn two_plainly_different_works_are_never_chained_through_a_third() {
    // The yearly report of 2010 and of 2012, and an undated-page record of 2011 that each
    // of them takes for itself (year within the tolerance, nothing to contradict).
    let title = "Annual report on the allocation of home care services in Norway";
    let mut rs = [
        rec("1", title, Some(2010), None),
        rec("2", title, Some(2011), None),
        rec("3", title, Some(2012), None),
    ];
    rs[0].volume = Some("5".into());
    rs[2].volume = Some("7".into());
    rs[1].volume = None;
    rs[1].pages = None;
    let links = find_links(&rs, 0, &Options::default());
    let duplicates: Vec<(usize, usize)> = links
        .iter()
        .filter(|l| l.verdict == Verdict::Duplicate)
        .map(|l| (l.a, l.b))
        .collect();
    assert_eq!(
        duplicates,
        vec![(0, 1), (1, 2)],
        "each alike the middle one"
    );
    let c = cluster(&rs, &links, &[], &Options::default());
    assert_eq!(
        members(&c),
        vec![vec![0, 1]],
        "the second link would chain 2010 to 2012"
    );
    assert_eq!(c.refused.len(), 1);
}

#[test]
fn two_dois_are_never_chained_through_a_record_without_one() {
    let mut rs = [
        rec("1", "Home care allocation", Some(2020), Some("10.1000/a")),
        rec("2", "Home care allocation", Some(2020), None),
        rec("3", "Home care allocation", Some(2020), Some("10.2000/b")),
    ];
    rs[2].authors.truncate(2);
    let c = run(&rs);
    for cl in &c.clusters {
        assert!(
            !(cl.members.contains(&0) && cl.members.contains(&2)),
            "{c:?}"
        );
    }
    // Even links claiming the chain are refused by the identifier guard.
    let link = |a, b| Link {
        a,
        b,
        verdict: Verdict::Duplicate,
        rule: Rule::TitleYear,
        scores: Scores::default(),
    };
    let c = cluster(&rs, &[link(0, 1), link(1, 2)], &[], &Options::default());
    assert_eq!(members(&c), vec![vec![0, 1]]);
    assert_eq!(c.refused, vec![link(1, 2)]);
}

#[test]
fn answers_merge_and_veto() {
    let rs = [
        rec("1", "A", Some(2020), None),
        rec("2", "B", Some(2020), None),
        rec("3", "C", Some(2020), None),
    ];
    let link = |a, b, verdict, rule| Link {
        a,
        b,
        verdict,
        rule,
        scores: Scores::default(),
    };
    let links = [
        link(0, 1, Verdict::Uncertain, Rule::Similar),
        link(1, 2, Verdict::Uncertain, Rule::Similar),
        link(0, 2, Verdict::Duplicate, Rule::TitleYear),
    ];
    let c = cluster(&rs, &links, &[], &Options::default());
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
    let c = cluster(&rs, &links, &answers, &Options::default());
    // "yes" on 0-1 is applied first; then 0-2 would put the vetoed 1-2 together: refused.
    assert_eq!(members(&c), vec![vec![0, 1]]);
    assert!(c.uncertain.is_empty());
    assert_eq!(c.clusters[0].links[0].rule, Rule::Reviewer);
    assert_eq!(c.refused.len(), 1);
    assert_eq!(c.rule_counts.get("reviewer"), Some(&2));
}

#[test]
fn a_reviewer_may_join_a_work_registered_under_two_dois() {
    let rs = [
        rec(
            "1",
            "Attenuation of ST segment elevation during coronary occlusions",
            Some(1997),
            Some("10.1007/bf00796217"),
        ),
        rec(
            "2",
            "Attenuation of S-T segment elevation during coronary occlusions",
            Some(1997),
            Some("10.1007/s003950050053"),
        ),
    ];
    let links = find_links(&rs, 0, &Options::default());
    assert_eq!(links.len(), 1);
    assert_eq!(
        (links[0].verdict, links[0].rule),
        (Verdict::Uncertain, Rule::DifferentDoi)
    );
    let c = cluster(&rs, &links, &[], &Options::default());
    assert!(c.clusters.is_empty(), "never merged automatically");
    assert_eq!(c.uncertain.len(), 1, "but asked");
    let c = cluster(
        &rs,
        &links,
        &[Answer {
            a: 0,
            b: 1,
            duplicate: true,
        }],
        &Options::default(),
    );
    assert_eq!(members(&c), vec![vec![0, 1]]);
}

/// Records from one labelled set (stroke, 1,292 records), read with the CSV importer.
fn stroke() -> Vec<Record> {
    let bytes = crate::testutil::shared_fixture("eval/dedup/stroke/records_pre_merged.csv");
    let mut builder = crate::import::RecordBuilder::new(
        "stroke",
        "r",
        "0123456789abcdef",
        jiff::Timestamp::UNIX_EPOCH,
    );
    let mut out = Vec::new();
    crate::import::read_file("stroke", bytes, &mut builder, &mut |r| out.push(r)).unwrap();
    out
}

#[test]
fn clustering_is_idempotent_and_order_independent() {
    let rs = stroke();
    let links = find_links(&rs, 0, &Options::default());
    let c1 = cluster(&rs, &links, &[], &Options::default());
    assert!(c1.clusters.len() > 100);
    let mut shuffled = links.clone();
    fastrand::Rng::with_seed(1).shuffle(&mut shuffled);
    assert_eq!(cluster(&rs, &shuffled, &[], &Options::default()), c1);
    assert_eq!(
        cluster(&rs, &links, &[], &Options::default()),
        c1,
        "same input, same output"
    );
    // Clustering the links that made the clusters gives the same clusters.
    let made: Vec<Link> = c1.clusters.iter().flat_map(|c| c.links.clone()).collect();
    assert_eq!(
        members(&cluster(&rs, &made, &[], &Options::default())),
        members(&c1)
    );
}

#[test]
fn incremental_links_equal_full_links() {
    let rs = stroke();
    let full = find_links(&rs, 0, &Options::default());
    for split in [1, 500, 1291, rs.len()] {
        let mut inc = find_links(&rs[..split], 0, &Options::default());
        inc.extend(find_links(&rs, split, &Options::default()));
        inc.sort_by_key(|l| (l.a, l.b));
        assert_eq!(inc, full, "split at {split}");
    }
    // Links touching new records only: a new record appended changes nothing before it.
    let only_new = find_links(&rs, rs.len() - 1, &Options::default());
    assert!(only_new.iter().all(|l| l.b == rs.len() - 1));
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

mod property {
    use super::*;
    use proptest::prelude::*;

    fn arb_record(i: usize) -> impl Strategy<Value = Record> {
        let titles = prop::sample::select(vec![
            "Home care allocation in Norwegian municipalities",
            "Home-care allocation in norwegian municipalities.",
            "HOME CARE ALLOCATION IN NORWEGIAN MUNICIPALITIES",
            "Tildeling av hjemmetjenester i norske kommuner",
        ]);
        let dois = prop::option::of(prop::sample::select(vec![
            "10.1000/a",
            "10.1000/A",
            "10.1000/b",
            "https://doi.org/10.2000/c",
        ]));
        let years = prop::option::of(2019i32..2022);
        (titles, dois, years, any::<bool>()).prop_map(move |(t, d, y, pages)| {
            let mut r = rec(&i.to_string(), t, y, d);
            if !pages {
                r.pages = None;
            }
            r
        })
    }

    proptest! {
        /// However the records look alike, two records with different DOIs never end up in
        /// one cluster without a reviewer, whatever the chain of records between them.
        #[test]
        fn different_dois_are_never_merged(records in (2usize..9).prop_flat_map(|n| (0..n).map(arb_record).collect::<Vec<_>>())) {
            let c = run(&records);
            for cl in &c.clusters {
                let dois: std::collections::BTreeSet<&str> = cl.members.iter().filter_map(|&m| records[m].doi.as_deref()).collect();
                prop_assert!(dois.len() <= 1, "{dois:?}");
            }
        }
    }
}
