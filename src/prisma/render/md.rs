//! `prisma --format md`: one Markdown table for a paper's appendix, a row per PRISMA 2020 box
//! (official wording) and a column per arm, with the boxes litscope adds (not yet screened,
//! held, undecided, adjudicated) only where they are not zero. Names and reasons are escaped
//! ([`crate::markup::md_cell`]).

use crate::markup::md_cell;
use crate::prisma::counts::{PrismaCounts, Waiting};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The Markdown text (ends with a newline).
pub fn to_markdown(p: &PrismaCounts) -> String {
    let (m, o) = (&p.databases_and_registers, &p.other_methods);
    let other = o.identified > 0;
    let mut t = Table {
        out: String::new(),
        other,
    };
    t.out.push_str("PRISMA 2020 flow counts\n\n");
    if other {
        t.out
            .push_str("| Box | Databases and registers | Other methods |\n|---|---:|---:|\n");
    } else {
        t.out
            .push_str("| Box | Databases and registers |\n|---|---:|\n");
    }
    t.section("Identification");
    t.row("Records identified", m.identified, o.identified);
    t.named("Database", &p.identification.databases, true);
    t.named("Register", &p.identification.registers, true);
    t.named("Other method", &p.identification.other_methods, false);
    t.row(
        "Duplicate records removed",
        m.removed.duplicates,
        o.removed.duplicates,
    );
    t.row(
        "Records marked as ineligible by automation tools",
        m.removed.automation_ineligible,
        o.removed.automation_ineligible,
    );
    t.row(
        "Records removed for other reasons",
        m.removed.other,
        o.removed.other,
    );
    t.extra(
        "Flagged for removal but already decided by a reviewer (screened)",
        m.removed.overridden_by_decision,
        o.removed.overridden_by_decision,
    );
    t.section("Screening");
    t.waiting(
        "Records not yet screened",
        &m.screening.waiting,
        &o.screening.waiting,
    );
    t.row(
        "Records screened",
        m.screening.screened,
        o.screening.screened,
    );
    t.extra(
        "Records screened: decided by adjudication",
        m.screening.adjudicated,
        o.screening.adjudicated,
    );
    t.row(
        "Records excluded",
        m.screening.excluded,
        o.screening.excluded,
    );
    t.reasons(&m.screening.excluded_reasons, &o.screening.excluded_reasons);
    t.extra(
        "Records held at title/abstract (maybe, not sent on)",
        m.screening.held,
        o.screening.held,
    );
    t.row(
        "Reports sought for retrieval",
        m.retrieval.sought,
        o.retrieval.sought,
    );
    t.row(
        "Reports not retrieved",
        m.retrieval.not_retrieved,
        o.retrieval.not_retrieved,
    );
    t.waiting(
        "Reports not yet assessed",
        &m.eligibility.waiting,
        &o.eligibility.waiting,
    );
    t.row(
        "Reports assessed for eligibility",
        m.eligibility.assessed,
        o.eligibility.assessed,
    );
    t.extra(
        "Reports assessed: decided by adjudication",
        m.eligibility.adjudicated,
        o.eligibility.adjudicated,
    );
    t.row(
        "Reports excluded",
        m.eligibility.excluded,
        o.eligibility.excluded,
    );
    t.reasons(
        &m.eligibility.excluded_reasons,
        &o.eligibility.excluded_reasons,
    );
    t.extra(
        "Reports awaiting a final decision (maybe)",
        m.eligibility.undecided,
        o.eligibility.undecided,
    );
    t.section("Included");
    t.row("Studies included", m.included.studies, o.included.studies);
    t.row(
        "Reports of included studies",
        m.included.reports,
        o.included.reports,
    );
    let _ = writeln!(
        t.out,
        "\nStudies included in review: {}. Reports of included studies: {}.",
        p.included.studies, p.included.reports
    );
    t.out
}

struct Table {
    out: String,
    other: bool,
}

impl Table {
    fn section(&mut self, name: &str) {
        let pad = if self.other { " | |" } else { " |" };
        let _ = writeln!(self.out, "| **{name}** |{pad}");
    }

    fn line(&mut self, label: &str, main: Option<u64>, other: Option<u64>) {
        let cell = |n: Option<u64>| n.map_or_else(|| " |".to_string(), |n| format!(" {n} |"));
        let _ = write!(self.out, "| {label} |{}", cell(main));
        if self.other {
            self.out.push_str(&cell(other));
        }
        self.out.push('\n');
    }

    fn row(&mut self, label: &str, main: u64, other: u64) {
        self.line(label, Some(main), Some(other));
    }

    /// A row of litscope's own, shown only when not zero.
    fn extra(&mut self, label: &str, main: u64, other: u64) {
        if main + other > 0 {
            self.row(label, main, other);
        }
    }

    fn named(&mut self, kind: &str, map: &BTreeMap<String, u64>, main: bool) {
        for (name, &n) in map {
            let label = format!("{kind}: {}", md_cell(name));
            if main {
                self.line(&label, Some(n), None);
            } else {
                self.line(&label, None, Some(n));
            }
        }
    }

    fn reasons(&mut self, main: &BTreeMap<String, u64>, other: &BTreeMap<String, u64>) {
        let mut all: BTreeMap<&str, (Option<u64>, Option<u64>)> = BTreeMap::new();
        for (r, &n) in main {
            all.entry(r).or_default().0 = Some(n);
        }
        for (r, &n) in other {
            all.entry(r).or_default().1 = Some(n);
        }
        for (r, (a, b)) in all {
            self.line(&format!("Reason: {}", md_cell(r)), a, b);
        }
    }

    fn waiting(&mut self, what: &str, main: &Waiting, other: &Waiting) {
        self.extra(
            &format!("{what}: no decision yet"),
            main.undecided,
            other.undecided,
        );
        self.extra(
            &format!("{what}: awaiting another reviewer"),
            main.pending,
            other.pending,
        );
        self.extra(
            &format!("{what}: conflict awaiting adjudication"),
            main.conflict,
            other.conflict,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prisma::{CountRules, count, fixture};

    #[test]
    fn the_fixture_as_an_appendix_table() {
        let md = to_markdown(&count(&fixture::works(), CountRules::default()));
        let expected = "\
PRISMA 2020 flow counts

| Box | Databases and registers | Other methods |
|---|---:|---:|
| **Identification** | | |
| Records identified | 20 | 7 |
| Database: PubMed | 4 | |
| Database: Scopus | 4 | |
| Database: cristin | 4 | |
| Database: crossref | 7 | |
| Register: Prosjektbanken | 1 | |
| Other method: project links | | 7 |
| Duplicate records removed | 4 | 2 |
| Records marked as ineligible by automation tools | 1 | 1 |
| Records removed for other reasons | 1 | 0 |
| Flagged for removal but already decided by a reviewer (screened) | 1 | 0 |
| **Screening** | | |
| Records not yet screened: no decision yet | 1 | 1 |
| Records not yet screened: awaiting another reviewer | 1 | 0 |
| Records not yet screened: conflict awaiting adjudication | 1 | 0 |
| Records screened | 11 | 3 |
| Records screened: decided by adjudication | 1 | 0 |
| Records excluded | 3 | 1 |
| Reason: (no reason given) | 1 | |
| Reason: not allocation | 2 | 1 |
| Reports sought for retrieval | 8 | 2 |
| Reports not retrieved | 1 | 1 |
| Reports not yet assessed: conflict awaiting adjudication | 1 | 0 |
| Reports assessed for eligibility | 6 | 1 |
| Reports assessed: decided by adjudication | 1 | 0 |
| Reports excluded | 2 | 0 |
| Reason: wrong focus | 1 | |
| Reason: wrong setting | 1 | |
| Reports awaiting a final decision (maybe) | 1 | 0 |
| **Included** | | |
| Studies included | 2 | 1 |
| Reports of included studies | 3 | 1 |

Studies included in review: 3. Reports of included studies: 4.
";
        assert_eq!(md, expected);
    }

    #[test]
    fn without_other_methods_there_is_one_column_and_names_are_escaped() {
        let mut p = count(&fixture::works()[..15], CountRules::default());
        p.identification
            .databases
            .insert("Evil | name *x*".into(), 0);
        let md = to_markdown(&p);
        assert!(md.contains("| Box | Databases and registers |\n|---|---:|\n"));
        assert!(
            md.contains("| Database: Evil \\| name \\*x\\* | 0 |\n"),
            "{md}"
        );
        assert!(!md.contains("Other method"));
        for line in md.lines().filter(|l| l.starts_with('|')) {
            // Two columns: three unescaped pipes per row.
            let pipes = line.matches('|').count() - line.matches("\\|").count();
            assert_eq!(pipes, 3, "{line}");
        }
    }
}
