//! Charting as one CSV in long form, ready for a pivot table or R: one line per cell of
//! every table (`table,row_group,row,column_group,column,records,ids`), then one line for
//! the untagged records (`table` = `untagged`) and one per tag the codebook no longer has
//! (`table` = `unknown tag`, `row` = the tag). `ids` lists the cell's record ids separated
//! by `; `. CRLF line ends, like litscope's other CSV exports.

use super::{ChartRecord, Charting};

/// The header.
pub const COLUMNS: [&str; 7] = [
    "table",
    "row_group",
    "row",
    "column_group",
    "column",
    "records",
    "ids",
];

/// The CSV text. `records` are the records given to [`super::chart`].
pub fn to_csv(c: &Charting, records: &[ChartRecord]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let ids = |cell: &[u32]| {
        cell.iter()
            .map(|&i| records[i as usize].id)
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut write = |fields: [&str; 7]| {
        w.write_record(fields)
            .expect("writing to memory cannot fail");
    };
    write(COLUMNS);
    for t in c.tables.iter().chain(&c.by_year) {
        let title = t.title();
        for (r, row) in t.rows.iter().enumerate() {
            for (col, cell) in t.cells[r].iter().enumerate() {
                write([
                    &title,
                    &t.row_group,
                    row,
                    &t.col_group,
                    &t.cols[col],
                    &cell.len().to_string(),
                    &ids(cell),
                ]);
            }
        }
    }
    write([
        "untagged",
        "",
        "",
        "",
        "",
        &c.untagged.len().to_string(),
        &ids(&c.untagged),
    ]);
    for (tag, cell) in &c.unknown_tags {
        write([
            "unknown tag",
            "",
            tag,
            "",
            "",
            &cell.len().to_string(),
            &ids(cell),
        ]);
    }
    String::from_utf8(w.into_inner().expect("writing to memory cannot fail"))
        .expect("UTF-8 in, UTF-8 out")
}

#[cfg(test)]
mod tests {
    use super::super::tests::{records, sample};
    use super::*;

    #[test]
    fn one_line_per_cell_read_back() {
        let text = to_csv(&sample(), &records());
        assert!(text.starts_with("table,row_group,row,column_group,column,records,ids\r\n"));
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect())
            .collect();
        // Two tables of 4 × 4 and 4 × 3, three by year (4 × 4, 4 × 4, 3 × 4), untagged, one
        // unknown tag.
        assert_eq!(rows.len(), 16 + 12 + 16 + 16 + 12 + 1 + 1);
        let find = |table: &str, row: &str, col: &str| {
            rows.iter()
                .find(|x| x[0] == table && x[2] == row && x[4] == col)
                .unwrap_or_else(|| panic!("no {table} {row} {col}"))
        };
        let cell = find(
            "allocation model × institutional logic",
            "bestiller-utfører",
            "NPM",
        );
        assert_eq!(cell[5], "2");
        assert_eq!(cell[6], "r1; r2");
        assert_eq!(find("institutional logic × year", "NPM", "2020")[6], "r6");
        assert_eq!(find("untagged", "", "")[5], "2");
        assert_eq!(find("untagged", "", "")[6], "r5; r7");
        assert_eq!(find("unknown tag", "old tag", "")[6], "r6; r7");
        // The cells of a table hold every count of the Markdown table.
        let total: usize = rows
            .iter()
            .filter(|x| x[0] == "allocation model × institutional logic")
            .map(|x| x[5].parse::<usize>().unwrap())
            .sum();
        assert_eq!(total, 10);
    }
}
