//! `prisma --format csv`: the PRISMA2020 R package's and Shiny app's CSV template, filled in,
//! so that `PRISMA2020::PRISMA_data(read.csv(FILE))` and the app's upload draw the diagram.
//!
//! The template (`PRISMA2020-template.csv` beside this file) is the package's
//! `inst/extdata/PRISMA.csv` verbatim (prisma-flowdiagram/PRISMA2020 1.1.4, commit 620aaf9b,
//! MIT licence, © Neal R Haddaway; SHA-256 `1aa04581…f038`). Every row, column, quoting and
//! byte convention is kept (header `data,node,box,description,boxtext,tooltips,url,n`, CRLF
//! line ends, no newline after the last row, no BOM); only the `n` column is filled in, and
//! the `boxtext` of the other-methods rows is set to the method's name.
//!
//! What goes where, and why:
//! - `database_results`/`register_results`: the totals; `*_specific_results`: `name, n; …`
//!   per database or register (which turns the app's per-database detail on). With no
//!   register, `register_results` is `NA` (the line disappears) and its specific row keeps
//!   the template's placeholder (any other value would switch the detail on).
//! - Other methods: the package has three rows (`website_results`, `organisation_results`,
//!   `citations_results`) whose `boxtext` is printed before each count. litscope's methods
//!   go into them in the order citations, websites, organisations, each row's `boxtext`
//!   becoming the method's name (a fourth and later method is added to the third row). Unused
//!   rows are `NA`, so with no other method the arm disappears.
//! - `duplicates` … `dbr_excluded`: the databases-and-registers arm; `other_*`: the other
//!   arm. Reason lists are `reason, n; …`, or `0` when nothing was excluded (the template's
//!   placeholder would print fake reasons).
//! - `new_*` and `total_*`: studies and reports included (a new review: no previous studies);
//!   `previous_*` and the meta-analysis rows are `0`, not `NA` (the app's upload fails on
//!   `NA` there).
//!
//! Names are sanitised for the package's parser, which splits lists at `;` and a name from
//! its count at the first `,`, and whose diagram source breaks on quotes and backslashes:
//! `, ` becomes ` - `, any other `,` a `-`, `;` a `/`, `\` a `/`, `'` and `"` the typographic
//! `’` and `”`; control characters are dropped. The template has no box for records not yet
//! screened or assessed, held or undecided: those are in the JSON, Markdown and SVG.
//!
//! Checked once by hand (not in CI, which has no R): the package's own `PRISMA_data()` and
//! `PRISMA_flowdiagram()` (R 4.2, sourced from the commit above) read this output into the
//! expected box labels, names with `,` `;` `'` included, and the Shiny app's upload code
//! accepts it (previous "Not Included", other/dbDetail/regDetail "Included").

use crate::prisma::counts::PrismaCounts;
use crate::text::clean_line;
use std::collections::BTreeMap;

/// The package's template, verbatim.
pub const TEMPLATE: &str = include_str!("PRISMA2020-template.csv");

/// The template's placeholder for `register_specific_results`.
const REGISTER_PLACEHOLDER: &str = "Register 1, xxx; Register 2, xxx; Register 3, xxx";
/// The template's placeholder for `database_specific_results`.
const DATABASE_PLACEHOLDER: &str = "Database 1, xxx; Database 2, xxx; Database 3, xxx";

/// The other-methods rows, in the order litscope fills them.
const OTHER_ROWS: [&str; 3] = [
    "citations_results",
    "website_results",
    "organisation_results",
];

/// The filled-in template.
pub fn to_csv(p: &PrismaCounts) -> String {
    let values = values(p);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(TEMPLATE.as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    for row in reader.records() {
        let row = row.expect("the compiled-in template is valid CSV");
        let mut fields: Vec<String> = row.iter().map(str::to_string).collect();
        if let Some((boxtext, n)) = values.get(fields[0].as_str()) {
            if let Some(b) = boxtext {
                fields[4] = b.clone();
            }
            fields[7] = n.clone();
        }
        writer
            .write_record(&fields)
            .expect("writing to memory cannot fail");
    }
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    let mut out = String::from_utf8(bytes).expect("template and values are UTF-8");
    // The template has no line end after its last row.
    if out.ends_with("\r\n") {
        out.truncate(out.len() - 2);
    }
    out
}

/// `data` key → (new `boxtext`, if any; `n`).
fn values(p: &PrismaCounts) -> BTreeMap<&'static str, (Option<String>, String)> {
    let (m, o) = (&p.databases_and_registers, &p.other_methods);
    let id = &p.identification;
    let mut v: BTreeMap<&'static str, (Option<String>, String)> = BTreeMap::new();
    let mut n = |key: &'static str, value: String| {
        v.insert(key, (None, value));
    };
    let total = |map: &BTreeMap<String, u64>| map.values().sum::<u64>().to_string();
    for key in [
        "previous_studies",
        "previous_reports",
        "total_studies_ma",
        "total_reports_ma",
    ] {
        n(key, "0".into());
    }
    n("database_results", total(&id.databases));
    n(
        "database_specific_results",
        list(&id.databases).unwrap_or_else(|| DATABASE_PLACEHOLDER.into()),
    );
    if id.registers.is_empty() {
        n("register_results", "NA".into());
        n("register_specific_results", REGISTER_PLACEHOLDER.into());
    } else {
        n("register_results", total(&id.registers));
        n("register_specific_results", list(&id.registers).unwrap());
    }
    n("duplicates", m.removed.duplicates.to_string());
    n(
        "excluded_automatic",
        m.removed.automation_ineligible.to_string(),
    );
    n("excluded_other", m.removed.other.to_string());
    n("records_screened", m.screening.screened.to_string());
    n("records_excluded", m.screening.excluded.to_string());
    n("dbr_sought_reports", m.retrieval.sought.to_string());
    n(
        "dbr_notretrieved_reports",
        m.retrieval.not_retrieved.to_string(),
    );
    n("dbr_assessed", m.eligibility.assessed.to_string());
    n(
        "dbr_excluded",
        list(&m.eligibility.excluded_reasons).unwrap_or_else(|| "0".into()),
    );
    n("other_sought_reports", o.retrieval.sought.to_string());
    n(
        "other_notretrieved_reports",
        o.retrieval.not_retrieved.to_string(),
    );
    n("other_assessed", o.eligibility.assessed.to_string());
    n(
        "other_excluded",
        list(&o.eligibility.excluded_reasons).unwrap_or_else(|| "0".into()),
    );
    for key in ["new_studies", "total_studies"] {
        n(key, p.included.studies.to_string());
    }
    for key in ["new_reports", "total_reports"] {
        n(key, p.included.reports.to_string());
    }
    // Other methods into the three rows; the third takes any beyond it.
    let methods: Vec<(&String, &u64)> = id.other_methods.iter().collect();
    for (i, key) in OTHER_ROWS.iter().enumerate() {
        let mine: &[(&String, &u64)] = match i {
            0 | 1 => methods.get(i..i + 1).unwrap_or(&[]),
            _ => methods.get(2..).unwrap_or(&[]),
        };
        if mine.is_empty() {
            v.insert(key, (None, "NA".into()));
        } else {
            let names: Vec<String> = mine.iter().map(|(k, _)| sanitise(k)).collect();
            let sum: u64 = mine.iter().map(|(_, c)| **c).sum();
            v.insert(key, (Some(names.join(" / ")), sum.to_string()));
        }
    }
    v
}

/// `name, n; name, n`, or `None` for an empty map.
fn list(map: &BTreeMap<String, u64>) -> Option<String> {
    (!map.is_empty()).then(|| {
        map.iter()
            .map(|(k, n)| format!("{}, {n}", sanitise(k)))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// A name the package's list parser and diagram source read back as it is (see the module
/// docs).
pub fn sanitise(name: &str) -> String {
    let s = clean_line(name)
        .replace(", ", " - ")
        .replace(',', "-")
        .replace([';', '\\'], "/")
        .replace('\'', "’")
        .replace('"', "”");
    let s = s.trim();
    if s.is_empty() {
        "(unnamed)".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prisma::{CountRules, count, fixture};
    use sha2::{Digest, Sha256};

    /// The data rows as (data, boxtext, n), read back with a CSV reader.
    fn rows(text: &str) -> Vec<(String, String, String)> {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        r.records()
            .map(|row| {
                let row = row.unwrap();
                (row[0].to_string(), row[4].to_string(), row[7].to_string())
            })
            .collect()
    }

    fn n_of<'a>(rows: &'a [(String, String, String)], key: &str) -> &'a str {
        &rows.iter().find(|r| r.0 == key).unwrap().2
    }

    #[test]
    fn the_template_is_the_package_file_byte_for_byte() {
        let digest = Sha256::digest(TEMPLATE.as_bytes());
        assert_eq!(
            data_encoding::HEXLOWER.encode(&digest),
            "1aa04581d117bc134ed1a59dbbc4d094ff97fb6bfe7c86bef282a4dad365f038"
        );
    }

    #[test]
    fn layout_keys_and_bytes_follow_the_template() {
        let out = to_csv(&count(&fixture::works(), CountRules::default()));
        assert!(out.starts_with("data,node,box,description,boxtext,tooltips,url,n\r\n"));
        assert!(!out.ends_with('\n'));
        assert!(!out.starts_with('\u{feff}'));
        assert_eq!(
            out.matches("\r\n").count(),
            TEMPLATE.matches("\r\n").count()
        );
        assert!(!out.replace("\r\n", "").contains('\n'));
        let (ours, template) = (rows(&out), rows(TEMPLATE));
        let keys =
            |r: &[(String, String, String)]| r.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&ours), keys(&template));
        assert_eq!(ours.len(), 34);
        // Every line but the n column (and the other-methods boxtext) is the template's.
        for (a, b) in out.split("\r\n").zip(TEMPLATE.split("\r\n")) {
            if OTHER_ROWS.iter().any(|k| a.starts_with(&format!("{k},"))) {
                continue;
            }
            let cut = |s: &str| {
                let mut r = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(s.as_bytes());
                let rec = r.records().next().unwrap().unwrap();
                rec.iter().take(7).map(str::to_string).collect::<Vec<_>>()
            };
            assert_eq!(cut(a), cut(b));
        }
    }

    #[test]
    fn the_fixture_numbers_in_the_template() {
        let rows = rows(&to_csv(&count(&fixture::works(), CountRules::default())));
        let expect = [
            ("previous_studies", "0"),
            ("previous_reports", "0"),
            ("database_results", "19"),
            (
                "database_specific_results",
                "PubMed, 4; Scopus, 4; cristin, 4; crossref, 7",
            ),
            ("register_results", "1"),
            ("register_specific_results", "Prosjektbanken, 1"),
            ("website_results", "NA"),
            ("organisation_results", "NA"),
            ("citations_results", "7"),
            ("duplicates", "4"),
            ("excluded_automatic", "1"),
            ("excluded_other", "1"),
            ("records_screened", "11"),
            ("records_excluded", "3"),
            ("dbr_sought_reports", "8"),
            ("dbr_notretrieved_reports", "1"),
            ("other_sought_reports", "2"),
            ("other_notretrieved_reports", "1"),
            ("dbr_assessed", "6"),
            ("dbr_excluded", "wrong focus, 1; wrong setting, 1"),
            ("other_assessed", "1"),
            ("other_excluded", "0"),
            ("new_studies", "3"),
            ("new_reports", "4"),
            ("total_studies", "3"),
            ("total_reports", "4"),
            ("total_studies_ma", "0"),
            ("total_reports_ma", "0"),
        ];
        for (key, n) in expect {
            assert_eq!(n_of(&rows, key), n, "{key}");
        }
        let citations = rows.iter().find(|r| r.0 == "citations_results").unwrap();
        assert_eq!(citations.1, "project links");
    }

    #[test]
    fn no_register_and_no_other_method_hide_their_boxes() {
        let p = count(&fixture::works()[2..7], CountRules::default());
        let rows = rows(&to_csv(&p));
        assert_eq!(n_of(&rows, "register_results"), "NA");
        assert_eq!(
            n_of(&rows, "register_specific_results"),
            REGISTER_PLACEHOLDER
        );
        for key in OTHER_ROWS {
            assert_eq!(n_of(&rows, key), "NA");
        }
        assert_eq!(n_of(&rows, "dbr_excluded"), "0");
    }

    #[test]
    fn more_than_three_other_methods_share_the_third_row() {
        let mut p = PrismaCounts::default();
        for (name, n) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
            p.identification.other_methods.insert(name.into(), n);
        }
        let rows = rows(&to_csv(&p));
        let get = |k: &str| rows.iter().find(|r| r.0 == k).unwrap().clone();
        assert_eq!(get("citations_results").1, "a");
        assert_eq!(get("website_results").1, "b");
        assert_eq!(get("organisation_results").1, "c / d");
        assert_eq!(get("organisation_results").2, "7");
    }

    #[test]
    fn names_the_package_would_misparse_are_sanitised() {
        assert_eq!(
            sanitise("Wrong setting, municipal"),
            "Wrong setting - municipal"
        );
        assert_eq!(sanitise("a,b;c\\d"), "a-b/c/d");
        assert_eq!(sanitise("the 'user' \"view\""), "the ’user’ ”view”");
        assert_eq!(sanitise("Økonomi (NPM)"), "Økonomi (NPM)");
        assert_eq!(sanitise(" \u{1b}[2J "), "(unnamed)");
        let mut p = count(&fixture::works(), CountRules::default());
        p.identification
            .databases
            .insert("Web, of; Science".into(), 2);
        let rows = rows(&to_csv(&p));
        let list = n_of(&rows, "database_specific_results");
        // The package splits at "; " and cuts each name at its first comma.
        let entries: Vec<&str> = list.split("; ").collect();
        assert_eq!(entries.len(), 5);
        assert!(entries.contains(&"Web - of/ Science, 2"), "{list}");
        for e in entries {
            assert_eq!(e.matches(',').count(), 1, "{e}");
        }
    }
}
