//! Benchmarks of the pure reporting cores (issues 15 and 16): agreement on 100,000 records ×
//! 2 reviewers (target < 1 s for the whole command), PRISMA counts and every format on
//! 1,000,000 works of which 100,000 were screened by two reviewers (target < 2 s), and
//! charting on 100,000 included records (target < 2 s).
//!
//! `cargo bench --bench prisma` runs all three; `-- agreement`, `-- prisma` or `-- charting`
//! one. Inputs are synthesised with a fixed seed (nothing is read from disk). Reported per
//! step: best wall time of `RUNS` runs, the process's CPU time for the same step (user +
//! system, less sensitive to other load than wall time), and at the end the peak resident
//! memory (VmHWM, inputs included) and the load average when the run started.
//!
//! These measure only the pure cores: reading the logs and the works loader are the wiring's
//! and are measured with the commands.

use litscope::model::RecordId;
use litscope::prisma::counts::{Origin, OriginKind, StageState};
use litscope::prisma::render::{csv, json, md, svg};
use litscope::prisma::{CountRules, WorkState, count};
use litscope::report::charting::{self, ChartRecord};
use litscope::screen::agreement::{MaybeConvention, StageRatings, agreement};
use litscope::store::decisions::Verdict;
use litscope::workspace::CodebookGroup;
use std::hint::black_box;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Process CPU time (user + system).
fn cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Runs `f` `RUNS` times; prints the best wall and CPU time.
fn time<T>(label: &str, mut f: impl FnMut() -> T) -> T {
    let mut best = (Duration::MAX, Duration::MAX);
    let mut out = None;
    for _ in 0..RUNS {
        let (w, c) = (Instant::now(), cpu());
        let v = black_box(f());
        best.0 = best.0.min(w.elapsed());
        best.1 = best.1.min(cpu() - c);
        out = Some(v);
    }
    println!(
        "{label:<48} wall {:>9.2} ms   cpu {:>9.2} ms",
        best.0.as_secs_f64() * 1e3,
        best.1.as_secs_f64() * 1e3
    );
    out.unwrap()
}

fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn verdict(r: &mut Rng) -> Verdict {
    match r.below(10) {
        0..=6 => Verdict::Exclude,
        7 | 8 => Verdict::Include,
        _ => Verdict::Maybe,
    }
}

fn bench_agreement() {
    const N: usize = 100_000;
    let mut rng = Rng(0x5EED);
    let decisions: Vec<(RecordId, Verdict, Verdict)> = (0..N)
        .map(|i| {
            let a = verdict(&mut rng);
            // The second reviewer agrees 85 % of the time.
            let b = if rng.below(100) < 85 {
                a
            } else {
                verdict(&mut rng)
            };
            (RecordId::from_stored(&format!("r{i:07}")), a, b)
        })
        .collect();
    let ratings = time("agreement: build StageRatings (100k × 2)", || {
        let mut s = StageRatings::new();
        for (id, a, b) in &decisions {
            s.push(
                id.clone(),
                [("anna", *a), ("bjorn", *b)],
                rng.below(50) == 0,
            );
        }
        s
    });
    let a = time("agreement: statistics + conflicts (with-include)", || {
        agreement(&ratings, MaybeConvention::WithInclude)
    });
    time("agreement: statistics + conflicts (separate)", || {
        agreement(&ratings, MaybeConvention::Separate)
    });
    time("agreement: to JSON", || {
        serde_json::to_string(&a).unwrap().len()
    });
    println!(
        "  records {}  kappa {:.4}  conflicts {}",
        a.records,
        a.cohen_kappa.unwrap_or(f64::NAN),
        a.conflicts.len()
    );
}

const DATABASES: [&str; 5] = ["crossref", "cristin", "nva", "PubMed", "Scopus"];

fn works(n: usize, screened: usize) -> Vec<WorkState<'static>> {
    let mut rng = Rng(0xC0FFEE);
    let reasons = [
        "not municipal",
        "not allocation",
        "not empirical",
        "wrong setting",
    ];
    (0..n)
        .map(|i| {
            let mut origins = vec![Origin {
                kind: OriginKind::Database,
                name: DATABASES[rng.below(5) as usize],
            }];
            match rng.below(20) {
                0..=3 => origins.push(Origin {
                    kind: OriginKind::Database,
                    name: DATABASES[rng.below(5) as usize],
                }),
                4 => origins.push(Origin {
                    kind: OriginKind::OtherMethods,
                    name: "project links",
                }),
                5 => {
                    origins[0] = Origin {
                        kind: OriginKind::Register,
                        name: "Prosjektbanken",
                    }
                }
                _ => {}
            }
            let decided = |rng: &mut Rng| {
                let v = verdict(rng);
                StageState::Decided {
                    verdict: v,
                    reason: (v == Verdict::Exclude).then(|| reasons[rng.below(4) as usize]),
                    adjudicated: rng.below(30) == 0,
                }
            };
            let (ta, ft) = if i < screened {
                match rng.below(40) {
                    0 => (StageState::Conflict, StageState::Undecided),
                    1 => (StageState::Pending, StageState::Undecided),
                    _ => (decided(&mut rng), decided(&mut rng)),
                }
            } else {
                (StageState::Undecided, StageState::Undecided)
            };
            WorkState {
                origins,
                automation_ineligible: i >= screened && rng.below(3) == 0,
                removed_other: false,
                title_abstract: ta,
                full_text: ft,
                not_retrieved: rng.below(50) == 0,
                study: None,
            }
        })
        .collect()
}

fn bench_prisma() {
    let w = time("prisma: synthesise 1M works (input, not litscope)", || {
        works(1_000_000, 100_000)
    });
    let p = time("prisma: count (1M works, 100k screened)", || {
        count(&w, CountRules::default())
    });
    time("prisma: reconcile", || p.reconcile().is_ok());
    time("prisma: json", || {
        serde_json::to_string(&json::to_value(&p)).unwrap().len()
    });
    time("prisma: md", || md::to_markdown(&p).len());
    time("prisma: csv", || csv::to_csv(&p).len());
    time("prisma: svg", || svg::to_svg(&p).len());
    println!(
        "  identified {}  screened {}  included {}",
        p.databases_and_registers.identified,
        p.databases_and_registers.screening.screened,
        p.included.reports
    );
}

fn bench_charting() {
    let g = |name: &str, tags: &[&str]| CodebookGroup {
        group: name.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
    };
    let codebook = vec![
        g(
            "allocation model",
            &[
                "integrert tildeling",
                "tildelingsnemnd",
                "bestiller-utfører",
                "tillitsmodell",
                "combined",
            ],
        ),
        g("resource allocation", &["ramme", "kriterie", "ABF"]),
        g("institutional logic", &["PA", "NPM", "NPG"]),
        g(
            "quality dimension",
            &[
                "effective",
                "safe",
                "user",
                "resources",
                "coordination",
                "access",
                "staff",
            ],
        ),
        g(
            "service area",
            &[
                "home care",
                "nursing home",
                "housing",
                "GP",
                "BPA",
                "mental health",
            ],
        ),
    ];
    let tags: Vec<&str> = codebook
        .iter()
        .flat_map(|g| g.tags.iter().map(String::as_str))
        .collect();
    let mut rng = Rng(0xBEEF);
    let records: Vec<ChartRecord> = (0..100_000)
        .map(|_| ChartRecord {
            id: "r",
            title: "A study of allocation",
            year: Some(1995 + rng.below(30) as i32),
            tags: tags.iter().filter(|_| rng.below(6) == 0).copied().collect(),
        })
        .collect();
    let pairs = charting::default_pairs(&codebook);
    let c = time("charting: cross-tables (100k included)", || {
        charting::chart(&codebook, &records, &pairs)
    });
    time("charting: md with --records", || {
        charting::md::to_markdown(&c, &records, true).len()
    });
    time("charting: csv", || {
        charting::csv::to_csv(&c, &records).len()
    });
    time("charting: every svg", || {
        c.tables
            .iter()
            .chain(&c.by_year)
            .map(|t| charting::svg::to_svg(t).len())
            .sum::<usize>()
    });
}

fn main() {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load.trim());
    let what: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |name: &str| what.is_empty() || what.iter().any(|w| w == name);
    if wants("agreement") {
        bench_agreement();
    }
    if wants("prisma") {
        bench_prisma();
    }
    if wants("charting") {
        bench_charting();
    }
    println!("peak resident memory: {:.0} MiB", peak_mib());
}
