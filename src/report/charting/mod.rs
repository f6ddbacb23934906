//! Charting: the included records cross-tabulated by the codebook — the evidence map a
//! scoping review exists to produce. Pure: the caller hands in the included records (at the
//! latest stage) with their tags; [`chart`] returns the tables, and [`md`], [`csv`] and
//! [`svg`] write them.
//!
//! # What a table counts
//!
//! A table crosses group A (rows) with group B (columns), or a group with the publication
//! year. A cell counts the records that carry both its row tag and its column tag. Tags are
//! not exclusive (a study may describe two allocation models), so a record with two tags of
//! A counts in two rows and the cells may add up to more than the records: the `Records`
//! margins count distinct records. A record with no tag of A is counted in the row
//! `(no A tag)`, one with no tag of B in the column `(no B tag)`, one without a year in the
//! column `(no year)`: every included record is in every table. Records with no tag at all
//! are also listed on their own ([`Charting::untagged`]; a record whose only tags the codebook
//! no longer has is one of them), and tags the codebook no longer
//! has are reported, never dropped silently ([`Charting::unknown_tags`]).
//!
//! Which pairs: by default the first codebook group (in this review, the allocation model)
//! against every other group, and every group by year ([`default_pairs`]); the caller may
//! choose others.
//!
//! Cost: one pass over the records per table, `O(records × tags²)`; each cell keeps the
//! indices of its records so that `--records` can list them.

pub mod csv;
pub mod md;
pub mod svg;

use crate::workspace::CodebookGroup;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One included record, as charting needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartRecord<'a> {
    /// Record id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Publication year.
    pub year: Option<i32>,
    /// Its codebook tags, as their texts in `review.toml`.
    pub tags: Vec<&'a str>,
}

/// One cross-table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossTab {
    /// The rows' group.
    pub row_group: String,
    /// The columns' group (`year` for a table by year).
    pub col_group: String,
    /// Row labels: the group's tags in codebook order, then `(no … tag)`.
    pub rows: Vec<String>,
    /// Column labels: tags in codebook order (or years ascending), then `(no … tag)` or
    /// `(no year)`.
    pub cols: Vec<String>,
    /// `cells[row][col]`: indices (into the records given to [`chart`]) of the records in
    /// the cell, ascending.
    pub cells: Vec<Vec<Vec<u32>>>,
    /// Distinct records per row.
    pub row_records: Vec<u64>,
    /// Distinct records per column.
    pub col_records: Vec<u64>,
    /// Records in the table (all included records).
    pub records: u64,
}

impl CrossTab {
    /// The title, `A × B`.
    pub fn title(&self) -> String {
        format!("{} × {}", self.row_group, self.col_group)
    }

    /// The largest cell count.
    pub fn max(&self) -> u64 {
        self.cells
            .iter()
            .flatten()
            .map(|c| c.len() as u64)
            .max()
            .unwrap_or(0)
    }
}

/// Every table of the charting report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charting {
    /// Included records.
    pub records: u64,
    /// Indices of the records that carry no tag at all.
    pub untagged: Vec<u32>,
    /// Tags not in the codebook, with the indices of the records that carry them.
    pub unknown_tags: BTreeMap<String, Vec<u32>>,
    /// Group × group tables.
    pub tables: Vec<CrossTab>,
    /// Group × year tables.
    pub by_year: Vec<CrossTab>,
}

/// The first group against every other one: `(0, 1), (0, 2), …`.
pub fn default_pairs(codebook: &[CodebookGroup]) -> Vec<(usize, usize)> {
    (1..codebook.len()).map(|j| (0, j)).collect()
}

/// What a record is in one dimension: its positions among the dimension's values.
type Positions = Vec<usize>;

/// Cross-tabulates `records` by the `pairs` of codebook groups (indices into `codebook`) and
/// each group by year.
///
/// # Panics
/// When a pair names a group index past the codebook.
pub fn chart(
    codebook: &[CodebookGroup],
    records: &[ChartRecord],
    pairs: &[(usize, usize)],
) -> Charting {
    // Tag text → (group, position); a text used in two groups belongs to both.
    let mut lookup: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (g, group) in codebook.iter().enumerate() {
        for (t, tag) in group.tags.iter().enumerate() {
            lookup.entry(tag.as_str()).or_default().push((g, t));
        }
    }
    let mut untagged = Vec::new();
    let mut unknown_tags: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    // per_group[g][record] = positions of the record's tags in group g.
    let mut per_group: Vec<Vec<Positions>> = vec![vec![Vec::new(); records.len()]; codebook.len()];
    for (i, r) in records.iter().enumerate() {
        let mut known = false;
        for &tag in &r.tags {
            match lookup.get(tag) {
                Some(places) => {
                    known = true;
                    for &(g, t) in places {
                        if !per_group[g][i].contains(&t) {
                            per_group[g][i].push(t);
                        }
                    }
                }
                None => unknown_tags
                    .entry(tag.to_string())
                    .or_default()
                    .push(i as u32),
            }
        }
        if !known {
            untagged.push(i as u32);
        }
    }
    for v in unknown_tags.values_mut() {
        v.dedup();
    }
    let dim = |g: usize| Dimension {
        name: codebook[g].group.clone(),
        labels: codebook[g].tags.clone(),
        none: format!("(no {} tag)", codebook[g].group),
        of: &per_group[g],
    };
    let tables = pairs
        .iter()
        .map(|&(a, b)| cross(&dim(a), &dim(b)))
        .collect();
    let (year_labels, year_of) = years(records);
    let years = Dimension {
        name: "year".into(),
        labels: year_labels,
        none: "(no year)".into(),
        of: &year_of,
    };
    let by_year = (0..codebook.len())
        .map(|g| cross(&dim(g), &years))
        .collect();
    Charting {
        records: records.len() as u64,
        untagged,
        unknown_tags,
        tables,
        by_year,
    }
}

/// One axis of a table: its labels, the label for "none", and each record's positions.
struct Dimension<'a> {
    name: String,
    labels: Vec<String>,
    none: String,
    of: &'a [Positions],
}

/// The years present, ascending, and each record's position among them.
fn years(records: &[ChartRecord]) -> (Vec<String>, Vec<Positions>) {
    let years: BTreeSet<i32> = records.iter().filter_map(|r| r.year).collect();
    let index: HashMap<i32, usize> = years.iter().enumerate().map(|(i, &y)| (y, i)).collect();
    let of = records
        .iter()
        .map(|r| r.year.map(|y| vec![index[&y]]).unwrap_or_default())
        .collect();
    (years.iter().map(i32::to_string).collect(), of)
}

fn cross(a: &Dimension, b: &Dimension) -> CrossTab {
    let (nr, nc) = (a.labels.len() + 1, b.labels.len() + 1);
    let mut cells = vec![vec![Vec::new(); nc]; nr];
    let mut row_records = vec![0u64; nr];
    let mut col_records = vec![0u64; nc];
    let none_a = [a.labels.len()];
    let none_b = [b.labels.len()];
    for (i, (pa, pb)) in a.of.iter().zip(b.of).enumerate() {
        let rows: &[usize] = if pa.is_empty() { &none_a } else { pa };
        let cols: &[usize] = if pb.is_empty() { &none_b } else { pb };
        for &r in rows {
            row_records[r] += 1;
            for &c in cols {
                cells[r][c].push(i as u32);
            }
        }
        for &c in cols {
            col_records[c] += 1;
        }
    }
    let mut rows = a.labels.clone();
    rows.push(a.none.clone());
    let mut cols = b.labels.clone();
    cols.push(b.none.clone());
    CrossTab {
        row_group: a.name.clone(),
        col_group: b.name.clone(),
        rows,
        cols,
        cells,
        row_records,
        col_records,
        records: a.of.len() as u64,
    }
}

#[cfg(test)]
pub(crate) mod tests;
