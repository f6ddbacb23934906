//! Harvest ingest benchmark: how fast litscope parses, normalises and stores Crossref pages,
//! and whether its memory stays flat as the harvest grows.
//!
//! `cargo bench --bench ingest` (add `-- 1000000` for a million-record run).
//!
//! 1. Parse + normalise only: `crossref::parse_page` on a 1,000-item page, in process.
//! 2. End to end: the release binary harvests N records with the default request (litscope's
//!    `select`, 1,000 rows a page, cursor paging) from a local server that imposes no limits,
//!    pinned to one CPU with `taskset` when available; the server runs on the other. Every
//!    response body and every record is written to disk as in a real harvest. Reported: wall
//!    time, records/s, peak resident memory (VmHWM).
//!
//! The items are the real recorded Crossref items of the shared fixtures (the widget cursor
//! chain, the JATS-abstract page and the Portuguese page), cycled with unique DOIs; then the
//! same for Cristin (1,000 results a page, all with summaries so no detail requests) and NVA
//! (100 hits a page, NVA's ceiling), made from their test fixtures.

#[allow(dead_code)]
#[path = "../tests/cli/common/mod.rs"]
mod common;

use common::TestWorkspace;
use common::crossref::{Synthetic, SyntheticOptions, envelope, fixture};
use common::server::Server;
use litscope::sources::{PlannedSearch, SearchSpec, SourceKind};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn items(n: usize, selected: bool) -> Vec<String> {
    let mut real: Vec<serde_json::Value> = Vec::new();
    for page in [
        "works_query-widget_cursor-star_page1.json",
        "works_query-widget_cursor-next_page2.json",
        "works_query-widget_cursor-next_page3.json",
        "works_query-ecology_query-author-carl-boettiger.json",
        "works_query-publisher-name_ufsm.json",
    ] {
        let v: serde_json::Value = serde_json::from_slice(&fixture(page)).unwrap();
        real.extend(v["message"]["items"].as_array().unwrap().iter().cloned());
    }
    (0..n)
        .map(|i| {
            let mut item = real[i % real.len()].clone();
            item["DOI"] = format!("10.5555/bench.{i}").into();
            if selected {
                item.as_object_mut().unwrap().retain(|k, _| {
                    litscope::sources::crossref::SELECT_FIELDS.contains(&k.as_str())
                });
            }
            item.to_string()
        })
        .collect()
}

fn parse_only(selected: bool) -> f64 {
    let page = envelope(&items(1000, selected), Some(1000), 1000, Some("c"));
    let spec = SearchSpec {
        source: SourceKind::Crossref,
        query: "x".into(),
        filter: None,
        limit: None,
        options: Default::default(),
    };
    let planned = PlannedSearch::standalone("bench", spec).unwrap();
    let start = Instant::now();
    let mut n = 0usize;
    while start.elapsed() < Duration::from_secs(3) {
        let p = litscope::sources::crossref::parse_page(
            &page,
            &planned,
            "bench",
            jiff::Timestamp::now(),
        )
        .unwrap();
        n += p.records.len();
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Runs the harvest and returns (wall time, peak RSS in KiB).
fn end_to_end(n: usize, whole_records: bool) -> (Duration, u64) {
    let mock = Arc::new(Synthetic::new(items(n, false), SyntheticOptions::default()));
    mock.prepare(&litscope::sources::crossref::SELECT_FIELDS.join(","));
    let server = Server::start(move |r| mock.handle(r));
    let mut ws = TestWorkspace::new();
    ws.crossref(&server.url())
        .env("LITSCOPE_MAILTO", "bench@example.org");
    // The default request: query.bibliographic, litscope's `select`, 1,000 rows a page.
    let select = if whole_records {
        "select = \"all\"\n"
    } else {
        ""
    };
    ws.write(
        "queries/q.toml",
        &format!("[[search]]\nsource = \"crossref\"\nquery = \"x\"\nlimit = {n}\n{select}"),
    );
    measure(&ws, "crossref", n)
}

/// Runs `litscope harvest` in `ws`, pinned to CPU 0 when taskset exists; checks that `n`
/// records of `source` were stored; returns (wall time, peak RSS in KiB).
fn measure(ws: &TestWorkspace, source: &str, n: usize) -> (Duration, u64) {
    let inner = ws.command(&["harvest", "--quiet"]);
    let mut cmd = if std::path::Path::new("/usr/bin/taskset").exists() {
        let mut c = std::process::Command::new("/usr/bin/taskset");
        c.args(["-c", "0", env!("CARGO_BIN_EXE_litscope")]);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_litscope"))
    };
    cmd.env_clear()
        .current_dir(&ws.root)
        .args(["harvest", "--quiet"]);
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    cmd.stdout(std::process::Stdio::null());
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    // VmHWM of the harvester itself (rusage's maxrss would count the parent's pages shared
    // at fork), sampled until it exits.
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kib: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall = start.elapsed();
    assert!(status.success(), "harvest failed");
    let stored = std::fs::read_to_string(ws.root.join(format!("corpus/records/{source}.jsonl")))
        .unwrap()
        .lines()
        .count();
    assert_eq!(stored, n);
    (wall, peak_kib)
}

/// Cristin: `n` items with summaries (no detail requests), 1,000 a page.
fn cristin_end_to_end(n: usize) -> (Duration, u64) {
    let items = with_summaries(common::cristin::synthetic_items(n, "bench"));
    let mock = Arc::new(common::cristin::Mock::new(
        items,
        Default::default(),
        common::cristin::Options::default(),
    ));
    let server = Server::start(move |r| mock.handle(r));
    let mut ws = TestWorkspace::new();
    ws.cristin(&server.url());
    ws.write(
        "queries/q.toml",
        &format!("[[search]]\nsource = \"cristin\"\nquery = \"x\"\nlimit = {n}\n"),
    );
    measure(&ws, "cristin", n)
}

/// NVA: `n` hits made from the real ones, 100 a page (NVA's own ceiling).
fn nva_end_to_end(n: usize) -> (Duration, u64) {
    let mock = Arc::new(common::nva::Mock::new(
        common::nva::hits(n, "bench"),
        Default::default(),
    ));
    let server = Server::start(move |r| mock.handle(r));
    let mut ws = TestWorkspace::new();
    ws.nva(&server.url());
    ws.write(
        "queries/q.toml",
        &format!("[[search]]\nsource = \"nva\"\nquery = \"x\"\nlimit = {n}\n"),
    );
    measure(&ws, "nva", n)
}

fn with_summaries(mut items: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    for item in &mut items {
        if item.get("summary").is_none() {
            item["summary"] =
                serde_json::json!({"nb": "Sammendrag av resultatet, med æøå.", "en": "A summary."});
        }
    }
    items
}

fn planned(source: SourceKind) -> PlannedSearch {
    let spec = SearchSpec {
        source,
        query: "x".into(),
        filter: None,
        limit: None,
        options: Default::default(),
    };
    PlannedSearch::standalone("bench", spec).unwrap()
}

/// Parse + normalise rates of the Cristin and NVA page parsers.
fn parse_only_norwegian() -> (f64, f64) {
    let cristin_body =
        serde_json::to_vec(&with_summaries(common::cristin::synthetic_items(1000, "p"))).unwrap();
    let nva_body = serde_json::to_vec(
        &serde_json::json!({"totalHits": 100, "hits": common::nva::hits(100, "p")}),
    )
    .unwrap();
    let rate = |f: &dyn Fn() -> usize| {
        let start = Instant::now();
        let mut n = 0;
        while start.elapsed() < Duration::from_secs(3) {
            n += f();
        }
        n as f64 / start.elapsed().as_secs_f64()
    };
    let (pc, pn) = (planned(SourceKind::Cristin), planned(SourceKind::Nva));
    let cristin = rate(&|| {
        litscope::sources::cristin::parse_page(
            &cristin_body,
            None,
            None,
            &pc,
            "bench",
            jiff::Timestamp::now(),
        )
        .unwrap()
        .records
        .len()
    });
    let nva = rate(&|| {
        litscope::sources::nva::parse_page(&nva_body, &pn, "bench", jiff::Timestamp::now())
            .unwrap()
            .records
            .len()
    });
    (cristin, nva)
}

fn main() {
    let max: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    println!(
        "litscope ingest benchmark (release build; harvest pinned to CPU 0 when taskset exists)"
    );
    println!(
        "parse + normalise only, litscope's select: {:>8.0} records/s",
        parse_only(true)
    );
    println!(
        "parse + normalise only, whole records:     {:>8.0} records/s",
        parse_only(false)
    );
    println!(
        "{:>10}  {:>14}  {:>8}  {:>10}  {:>10}",
        "records", "request", "wall s", "records/s", "peak RSS"
    );
    let mut runs: Vec<(usize, bool)> = Vec::new();
    let mut n = 10_000;
    while n <= max {
        runs.push((n, false));
        n *= 10;
    }
    runs.push((max.min(100_000), true));
    for (n, whole) in runs {
        let (wall, rss) = end_to_end(n, whole);
        row(
            n,
            if whole {
                "select = all"
            } else {
                "default select"
            },
            wall,
            rss,
        );
    }
    let (cristin, nva) = parse_only_norwegian();
    println!("parse + normalise only, Cristin:           {cristin:>8.0} records/s");
    println!("parse + normalise only, NVA:               {nva:>8.0} records/s");
    let n = max.min(100_000);
    let (wall, rss) = cristin_end_to_end(n);
    row(n, "cristin", wall, rss);
    let (wall, rss) = nva_end_to_end(n);
    row(n, "nva", wall, rss);
}

fn row(n: usize, request: &str, wall: Duration, rss_kib: u64) {
    println!(
        "{:>10}  {:>14}  {:>8.2}  {:>10.0}  {:>6} MiB",
        n,
        request,
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        rss_kib / 1024
    );
}
