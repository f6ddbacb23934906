//! Search over a small real index: every operator and field, Norwegian inflections and
//! compounds, æøå exact and folded, phrases across hyphens, year ranges, screening filters,
//! highlights and snippets.

use super::build::{Index, WriterOptions};
use super::doc::{IndexDoc, Screening};
use super::search::{self, Sort};

fn doc(id: &str, year: i32, title: &str, abstract_text: &str) -> IndexDoc {
    IndexDoc {
        id: id.into(),
        title: Some(title.into()),
        abstract_text: Some(abstract_text.into()),
        year: Some(year),
        sources: vec!["crossref".into()],
        ..Default::default()
    }
}

fn corpus() -> Vec<IndexDoc> {
    let mut docs = vec![
        doc(
            "tillit",
            2019,
            "Tillitsmodellen i Oslo kommune",
            "Om tillit og ledelse i hjemmetjenesten.",
        ),
        doc(
            "bu-hyphen",
            2012,
            "Bestiller-utfører-modellen i eldreomsorgen",
            "Kommunal organisering.",
        ),
        doc(
            "bu-dash",
            2015,
            "Fra bestiller–utfører til tillit",
            "Kommunene forlater modellen.",
        ),
        doc(
            "bu-space",
            2008,
            "Bestiller utfører modeller",
            "Organisering av pleie og omsorg.",
        ),
        doc(
            "trust",
            2021,
            "Trust-based management in home care",
            "A municipality introduced trust based steering.",
        ),
        doc(
            "purchaser",
            2005,
            "The purchaser provider split in Nordic elderly care",
            "Municipalities and allocation of services.",
        ),
        doc(
            "hospital",
            2018,
            "Hospital allocation of beds",
            "Acute care in hospitals, not municipal.",
        ),
        doc(
            "utforer",
            2010,
            "Utforer without the letter",
            "An ASCII spelling: utforer.",
        ),
    ];
    docs[0].authors = vec!["Økland, Åse".into()];
    docs[4].authors = vec!["Okland, Per".into()];
    docs[0].keywords = vec!["tjenestetildeling".into()];
    docs[5].venue = Some("Scandinavian Journal of Public Health".into());
    docs[5].sources.push("scopus".into());
    docs[5].databases.push("scopus".into());
    docs[5].doi = Some("10.1000/purchaser".into());
    docs[5].language = Some("en".into());
    docs[1].screening = Screening {
        stages: vec![("title-abstract".into(), "include".into())],
        tags: vec!["bestiller-utfører".into()],
    };
    docs[6].screening = Screening {
        stages: vec![("title-abstract".into(), "exclude".into())],
        tags: vec![],
    };
    docs
}

fn index() -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    let (mut index, _) = Index::open_or_create(dir.path()).unwrap();
    index
        .sync(&corpus(), None, WriterOptions::default(), &mut |_, _| {})
        .unwrap();
    (dir, index)
}

fn ids(index: &Index, q: &str) -> Vec<String> {
    let r = search::search(index, q, 100, Sort::Score).unwrap_or_else(|e| panic!("{q}: {e}"));
    assert_eq!(r.total as usize, r.hits.len(), "{q}");
    let mut ids: Vec<String> = r.hits.into_iter().map(|h| h.doc.id).collect();
    ids.sort();
    ids
}

fn set(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn norwegian_inflections_and_compounds_find_each_other() {
    let (_d, ix) = index();
    assert_eq!(ids(&ix, "tillitsmodell"), set(&["tillit"]));
    assert_eq!(ids(&ix, "tillitsmodellen"), set(&["tillit"]));
    // "kommunal" shares the English stem "kommun" of "kommune": recall over precision.
    assert_eq!(
        ids(&ix, "kommune"),
        set(&["bu-dash", "bu-hyphen", "tillit"])
    );
    assert_eq!(
        ids(&ix, "tjenestetildelingen"),
        set(&["tillit"]),
        "keywords are searched"
    );
    let bu = set(&["bu-dash", "bu-hyphen", "bu-space"]);
    assert_eq!(ids(&ix, "\"bestiller utfører\""), bu);
    assert_eq!(ids(&ix, "bestiller-utfører"), bu);
    assert_eq!(ids(&ix, "bestiller–utfører"), bu);
    assert_eq!(
        ids(&ix, "\"bestiller-utforer\""),
        bu,
        "ASCII finds the folded form"
    );
    assert_eq!(ids(&ix, "trust-based"), set(&["trust"]));
    assert_eq!(ids(&ix, "\"trust based\""), set(&["trust"]));
}

#[test]
fn aeoa_typed_exactly_is_exact_and_ascii_is_folded() {
    let (_d, ix) = index();
    assert_eq!(
        ids(&ix, "utfører"),
        set(&["bu-dash", "bu-hyphen", "bu-space"])
    );
    assert_eq!(
        ids(&ix, "utforer"),
        set(&["bu-dash", "bu-hyphen", "bu-space", "utforer"])
    );
    assert_eq!(ids(&ix, "author:økland"), set(&["tillit"]));
    assert_eq!(ids(&ix, "author:okland"), set(&["tillit", "trust"]));
    assert_eq!(
        ids(&ix, "utfør*"),
        set(&["bu-dash", "bu-hyphen", "bu-space"])
    );
}

#[test]
fn operators_prefixes_and_phrases() {
    let (_d, ix) = index();
    assert_eq!(
        ids(&ix, "municipal*"),
        set(&["hospital", "purchaser", "trust"])
    );
    assert_eq!(
        ids(&ix, "municipal* AND allocation"),
        set(&["hospital", "purchaser"])
    );
    assert_eq!(
        ids(&ix, "municipal* allocation"),
        set(&["hospital", "purchaser"])
    );
    assert_eq!(
        ids(&ix, "municipal* NOT hospital*"),
        set(&["purchaser", "trust"])
    );
    assert_eq!(
        ids(&ix, "municipal* -hospital"),
        set(&["purchaser", "trust"])
    );
    assert_eq!(
        ids(&ix, "tillit OR purchaser"),
        set(&["bu-dash", "purchaser", "tillit"])
    );
    assert_eq!(
        ids(&ix, "(tillit OR purchaser) AND (kommun* OR nordic)"),
        set(&["bu-dash", "purchaser", "tillit"])
    );
    assert_eq!(ids(&ix, "\"purchaser split\""), Vec::<String>::new());
    assert_eq!(ids(&ix, "\"purchaser split\"~1"), set(&["purchaser"]));
    assert_eq!(
        ids(&ix, "\"elderly cares\""),
        set(&["purchaser"]),
        "phrases are stemmed"
    );
    assert_eq!(
        ids(&ix, "\"bestiller utfør*\""),
        set(&["bu-dash", "bu-hyphen", "bu-space"])
    );
    assert_eq!(ids(&ix, "NOT decision:exclude").len(), 7);
}

#[test]
fn every_field() {
    let (_d, ix) = index();
    assert_eq!(ids(&ix, "title:tillit"), set(&["bu-dash"]));
    assert_eq!(ids(&ix, "abstract:tillit"), set(&["tillit"]));
    assert_eq!(ids(&ix, "venue:scandinavian"), set(&["purchaser"]));
    assert_eq!(ids(&ix, "keywords:tjenestetildeling"), set(&["tillit"]));
    assert_eq!(ids(&ix, "source:scopus"), set(&["purchaser"]));
    assert_eq!(ids(&ix, "database:scopus"), set(&["purchaser"]));
    assert_eq!(ids(&ix, "database:crossref"), Vec::<String>::new());
    assert_eq!(ids(&ix, "source:crossref").len(), 8);
    assert_eq!(ids(&ix, "doi:10.1000/PURCHASER"), set(&["purchaser"]));
    assert_eq!(ids(&ix, "language:EN"), set(&["purchaser"]));
    assert_eq!(ids(&ix, "id:tillit"), set(&["tillit"]));
    assert_eq!(
        ids(&ix, "title:(trust OR tillit)"),
        set(&["bu-dash", "trust"])
    );
}

#[test]
fn year_ranges() {
    let (_d, ix) = index();
    assert_eq!(
        ids(&ix, "year:[2010 TO 2015]"),
        set(&["bu-dash", "bu-hyphen", "utforer"])
    );
    assert_eq!(ids(&ix, "year:{2010 TO 2015}"), set(&["bu-hyphen"]));
    assert_eq!(ids(&ix, "year:>=2019"), set(&["tillit", "trust"]));
    assert_eq!(ids(&ix, "year:2005"), set(&["purchaser"]));
    assert_eq!(ids(&ix, "care AND year:<2010"), set(&["purchaser"]));
}

#[test]
fn decisions_and_tags() {
    let (_d, ix) = index();
    assert_eq!(ids(&ix, "decision:include"), set(&["bu-hyphen"]));
    assert_eq!(
        ids(&ix, "decision:title-abstract:exclude"),
        set(&["hospital"])
    );
    assert_eq!(ids(&ix, "decision:unscreened").len(), 6);
    assert_eq!(ids(&ix, "tag:bestiller-utfører"), set(&["bu-hyphen"]));
    assert_eq!(ids(&ix, "tag:bestiller-utforer"), set(&["bu-hyphen"]));
    assert_eq!(ids(&ix, "tag:bestiller*"), set(&["bu-hyphen"]));
}

#[test]
fn year_sort_and_limit_and_total() {
    let (_d, ix) = index();
    let r = search::search(&ix, "bestiller*", 2, Sort::Year).unwrap();
    assert_eq!(r.total, 3);
    let years: Vec<_> = r.hits.iter().map(|h| h.doc.year.unwrap()).collect();
    assert_eq!(years, vec![2015, 2012]);
}

#[test]
fn titles_and_snippets_mark_the_matching_words() {
    let (_d, ix) = index();
    let r = search::search(&ix, "municipal* AND allocation*", 10, Sort::Score).unwrap();
    let purchaser = r.hits.iter().find(|h| h.doc.id == "purchaser").unwrap();
    let s = &purchaser.snippet;
    let marked: Vec<&str> = s.marks.iter().map(|m| &s.text[m.clone()]).collect();
    assert_eq!(marked, vec!["Municipalities", "allocation"]);
    let r = search::search(&ix, "tillitsmodell", 10, Sort::Score).unwrap();
    let t = &r.hits[0].title;
    assert_eq!(&t.text[t.marks[0].clone()], "Tillitsmodellen");
}

#[test]
fn a_long_abstract_is_cut_around_its_matches() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ix, _) = Index::open_or_create(dir.path()).unwrap();
    let filler = "lorem ipsum dolor sit amet ".repeat(40);
    let text = format!("{filler}the tildeling of care {filler}");
    ix.sync(
        &[doc("a", 2020, "t", &text)],
        None,
        WriterOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    let r = search::search(&ix, "tildeling", 1, Sort::Score).unwrap();
    let s = &r.hits[0].snippet;
    assert!(
        s.text.starts_with('…') && s.text.ends_with('…'),
        "{}",
        s.text
    );
    assert!(s.text.chars().count() <= search::SNIPPET_CHARS + 2);
    assert_eq!(&s.text[s.marks[0].clone()], "tildeling");
}

#[test]
fn filter_counts_say_what_a_screen_filter_removes() {
    let (_d, ix) = index();
    let c = search::filter_counts(&ix, "(bestiller* OR tillit*) AND kommun*").unwrap();
    assert_eq!((c.records, c.kept, c.removed), (8, 3, 5));
    let kept = search::matching_ids(&ix, &super::query::parse("bestiller*").unwrap()).unwrap();
    assert_eq!(kept.len(), 3);
}

#[test]
fn a_syntax_error_names_its_position() {
    let (_d, ix) = index();
    let e = search::search(&ix, "tildeling AND (kommune", 10, Sort::Score).unwrap_err();
    assert!(matches!(e, search::SearchError::Syntax(_)));
    assert!(e.to_string().contains("at position"), "{e}");
}
