//! The charting tables on a small tagged set, counted by hand.
//!
//! Codebook: allocation model [integrert tildeling, bestiller-utfører, tillitsmodell],
//! institutional logic [PA, NPM, NPG], service area [home care, nursing home].
//!
//! | # | id | year | tags |
//! |---|---|---|---|
//! | 0 | r1 | 2019 | bestiller-utfører, NPM, home care |
//! | 1 | r2 | 2019 | bestiller-utfører, tillitsmodell, NPM, NPG |
//! | 2 | r3 | 2021 | integrert tildeling, PA |
//! | 3 | r4 | — | tillitsmodell |
//! | 4 | r5 | 2021 | (none) |
//! | 5 | r6 | 2020 | NPM, old tag |
//! | 6 | r7 | 2020 | old tag |

use super::*;

pub(crate) fn codebook() -> Vec<CodebookGroup> {
    let g = |name: &str, tags: &[&str]| CodebookGroup {
        group: name.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
    };
    vec![
        g(
            "allocation model",
            &["integrert tildeling", "bestiller-utfører", "tillitsmodell"],
        ),
        g("institutional logic", &["PA", "NPM", "NPG"]),
        g("service area", &["home care", "nursing home"]),
    ]
}

pub(crate) fn records() -> Vec<ChartRecord<'static>> {
    let r = |id, year, tags: &[&'static str]| ChartRecord {
        id,
        title: match id {
            "r1" => "Bestiller–utfører i hjemmetjenesten",
            "r3" => "Integrert tildeling <i>og</i> kvalitet",
            _ => "A study",
        },
        year,
        tags: tags.to_vec(),
    };
    vec![
        r("r1", Some(2019), &["bestiller-utfører", "NPM", "home care"]),
        r(
            "r2",
            Some(2019),
            &["bestiller-utfører", "tillitsmodell", "NPM", "NPG"],
        ),
        r("r3", Some(2021), &["integrert tildeling", "PA"]),
        r("r4", None, &["tillitsmodell"]),
        r("r5", Some(2021), &[]),
        r("r6", Some(2020), &["NPM", "old tag"]),
        r("r7", Some(2020), &["old tag"]),
    ]
}

pub(crate) fn sample() -> Charting {
    let cb = codebook();
    chart(&cb, &records(), &default_pairs(&cb))
}

/// Cell counts of a table.
fn counts(t: &CrossTab) -> Vec<Vec<usize>> {
    t.cells
        .iter()
        .map(|row| row.iter().map(Vec::len).collect())
        .collect()
}

#[test]
fn model_by_logic_counted_by_hand() {
    let c = sample();
    assert_eq!(c.records, 7);
    assert_eq!(c.tables.len(), 2);
    let t = &c.tables[0];
    assert_eq!(t.title(), "allocation model × institutional logic");
    assert_eq!(
        t.rows,
        [
            "integrert tildeling",
            "bestiller-utfører",
            "tillitsmodell",
            "(no allocation model tag)"
        ]
    );
    assert_eq!(t.cols, ["PA", "NPM", "NPG", "(no institutional logic tag)"]);
    assert_eq!(
        counts(t),
        [[1, 0, 0, 0], [0, 2, 1, 0], [0, 1, 1, 1], [0, 1, 0, 2]]
    );
    // Cells keep their records: bestiller-utfører × NPM = r1, r2.
    assert_eq!(t.cells[1][1], [0, 1]);
    assert_eq!(t.cells[3][3], [4, 6]);
    // Margins count distinct records: r2 is in two rows.
    assert_eq!(t.row_records, [1, 2, 2, 3]);
    assert_eq!(t.col_records, [1, 3, 1, 3]);
    assert_eq!(t.records, 7);
    assert_eq!(t.max(), 2);
}

#[test]
fn model_by_service_area_and_the_default_pairs() {
    let c = sample();
    let t = &c.tables[1];
    assert_eq!(t.col_group, "service area");
    // Only r1 has a service area (home care, with bestiller-utfører).
    assert_eq!(counts(t), [[0, 0, 1], [1, 0, 1], [0, 0, 2], [0, 0, 3]]);
    assert_eq!(default_pairs(&codebook()), [(0, 1), (0, 2)]);
}

#[test]
fn each_group_by_year() {
    let c = sample();
    assert_eq!(c.by_year.len(), 3);
    let t = &c.by_year[0];
    assert_eq!(t.title(), "allocation model × year");
    assert_eq!(t.cols, ["2019", "2020", "2021", "(no year)"]);
    assert_eq!(
        counts(t),
        [[0, 0, 1, 0], [2, 0, 0, 0], [1, 0, 0, 1], [0, 2, 1, 0]]
    );
    assert_eq!(t.col_records, [2, 2, 2, 1]);
}

#[test]
fn untagged_and_unknown_tags_are_counted_not_dropped() {
    let c = sample();
    // r5 has no tag; r7 only a tag the codebook no longer has.
    assert_eq!(c.untagged, [4, 6]);
    assert_eq!(c.unknown_tags.len(), 1);
    assert_eq!(c.unknown_tags["old tag"], [5, 6]);
    // Every record is in every table.
    for t in c.tables.iter().chain(&c.by_year) {
        let mut seen: Vec<u32> = t.cells.iter().flatten().flatten().copied().collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, (0..7).collect::<Vec<u32>>(), "{}", t.title());
    }
}

#[test]
fn no_records_give_empty_tables_with_their_labels() {
    let cb = codebook();
    let c = chart(&cb, &[], &default_pairs(&cb));
    assert_eq!(c.records, 0);
    assert_eq!(c.tables[0].rows.len(), 4);
    assert_eq!(c.tables[0].max(), 0);
    assert_eq!(c.by_year[0].cols, ["(no year)"]);
}

#[test]
fn a_tag_given_twice_counts_once() {
    let cb = codebook();
    let recs = [ChartRecord {
        id: "x",
        title: "t",
        year: None,
        tags: vec!["PA", "PA", "NPM"],
    }];
    let c = chart(&cb, &recs, &[(1, 0)]);
    assert_eq!(
        c.tables[0].title(),
        "institutional logic × allocation model"
    );
    assert_eq!(c.tables[0].row_records, [1, 1, 0, 0]);
    assert_eq!(c.tables[0].cells[0][3], [0]);
}
