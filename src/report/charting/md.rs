//! Charting as Markdown: one table per pair of groups and per group by year, with the
//! distinct-record margins; with `records`, the records of every non-empty cell listed under
//! its table; then the untagged records and the tags the codebook no longer has. Every text
//! from the protocol or a record is escaped ([`crate::markup::md_cell`]).

use super::{ChartRecord, Charting, CrossTab};
use crate::markup::md_cell;
use std::fmt::Write;

/// The Markdown text (ends with a newline). `records` are the records given to
/// [`super::chart`]; `list_records` adds the records of each cell.
pub fn to_markdown(c: &Charting, records: &[ChartRecord], list_records: bool) -> String {
    let mut out = String::new();
    out.push_str("# Charting: included records by codebook group\n\n");
    let _ = writeln!(
        out,
        "Included records: {}. A cell counts the records that carry both its row tag and its \
         column tag; a record with several tags of one group counts in several cells, so the \
         `Records` margins count distinct records.",
        c.records
    );
    // Each record described once: a record appears in many cells.
    let described: Vec<String> = if list_records {
        records.iter().map(describe).collect()
    } else {
        Vec::new()
    };
    for t in c.tables.iter().chain(&c.by_year) {
        table(&mut out, t, &described);
    }
    let _ = writeln!(
        out,
        "\n## Included records without a codebook tag ({})\n",
        c.untagged.len()
    );
    if c.untagged.is_empty() {
        out.push_str("None.\n");
    }
    for &i in &c.untagged {
        let _ = writeln!(out, "- {}", describe(&records[i as usize]));
    }
    if !c.unknown_tags.is_empty() {
        out.push_str("\n## Tags not in the codebook\n\n");
        for (tag, ids) in &c.unknown_tags {
            let list: Vec<String> = ids
                .iter()
                .map(|&i| md_cell(records[i as usize].id))
                .collect();
            let _ = writeln!(
                out,
                "- {}: {} record(s) ({})",
                md_cell(tag),
                ids.len(),
                list.join(", ")
            );
        }
    }
    out
}

/// `id (year): title`.
fn describe(r: &ChartRecord) -> String {
    let year = r
        .year
        .map_or_else(|| "no year".to_string(), |y| y.to_string());
    format!("{} ({year}): {}", md_cell(r.id), md_cell(r.title))
}

/// One table; with `described` (each record's [`describe`]) not empty, its records per cell.
fn table(out: &mut String, t: &CrossTab, described: &[String]) {
    let _ = writeln!(out, "\n## {}\n", md_cell(&t.title()));
    let _ = write!(
        out,
        "| {} (rows) × {} (columns) |",
        md_cell(&t.row_group),
        md_cell(&t.col_group)
    );
    for c in &t.cols {
        let _ = write!(out, " {} |", md_cell(c));
    }
    out.push_str(" Records |\n|---|");
    out.push_str(&"---:|".repeat(t.cols.len() + 1));
    out.push('\n');
    for (r, row) in t.rows.iter().enumerate() {
        let _ = write!(out, "| {} |", md_cell(row));
        for cell in &t.cells[r] {
            let _ = write!(out, " {} |", cell.len());
        }
        let _ = writeln!(out, " {} |", t.row_records[r]);
    }
    out.push_str("| Records |");
    for n in &t.col_records {
        let _ = write!(out, " {n} |");
    }
    let _ = writeln!(out, " {} |", t.records);
    if !described.is_empty() {
        out.push_str("\nRecords per cell:\n\n");
        for (r, row) in t.rows.iter().enumerate() {
            for (c, cell) in t.cells[r].iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "- {} × {}:", md_cell(row), md_cell(&t.cols[c]));
                for &i in cell {
                    out.push_str("  - ");
                    out.push_str(&described[i as usize]);
                    out.push('\n');
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{records, sample};
    use super::*;

    #[test]
    fn tables_with_margins() {
        let md = to_markdown(&sample(), &records(), false);
        let expected = "\
## allocation model × institutional logic

| allocation model (rows) × institutional logic (columns) | PA | NPM | NPG | (no institutional logic tag) | Records |
|---|---:|---:|---:|---:|---:|
| integrert tildeling | 1 | 0 | 0 | 0 | 1 |
| bestiller-utfører | 0 | 2 | 1 | 0 | 2 |
| tillitsmodell | 0 | 1 | 1 | 1 | 2 |
| (no allocation model tag) | 0 | 1 | 0 | 2 | 3 |
| Records | 1 | 3 | 1 | 3 | 7 |
";
        assert!(md.contains(expected), "{md}");
        assert!(md.contains("## allocation model × year\n"));
        assert!(md.contains("| allocation model (rows) × year (columns) | 2019 | 2020 | 2021 | (no year) | Records |"));
        assert!(!md.contains("Records per cell"));
    }

    #[test]
    fn untagged_and_unknown_tags_are_listed() {
        let md = to_markdown(&sample(), &records(), false);
        assert!(md.contains(
            "## Included records without a codebook tag (2)\n\n- r5 (2021): A study\n- r7 (2020): A study\n"
        ));
        assert!(md.contains("## Tags not in the codebook\n\n- old tag: 2 record(s) (r6, r7)\n"));
    }

    #[test]
    fn records_listed_per_cell_with_escaped_titles() {
        let md = to_markdown(&sample(), &records(), true);
        assert!(md.contains(
            "- bestiller-utfører × NPM:\n  - r1 (2019): Bestiller–utfører i hjemmetjenesten\n  - r2 (2019): A study\n"
        ), "{md}");
        assert!(md.contains("- integrert tildeling × PA:\n  - r3 (2021): Integrert tildeling \\<i\\>og\\</i\\> kvalitet\n"));
        assert!(md.contains("- tillitsmodell × 2019:\n"));
        assert!(md.contains("- tillitsmodell × (no year):\n  - r4 (no year): A study\n"));
    }
}
