//! Import benchmark: `litscope import` (release, pinned to one CPU when `taskset` exists) of
//! 100,000 RIS records and 100,000 BibTeX entries, made by cycling the real records of the
//! shared export fixtures. Targets (issue 5): under 2 s for RIS and under 3 s for BibTeX.
//! Reported per run: wall time, CPU time (user + system), records/s and peak resident memory
//! (VmHWM); then the best and the median of the runs.
//!
//! `cargo bench --bench import` (5 runs; `-- N K` for N records and K runs). The workspace is
//! in the temp folder: `TMPDIR=/dev/shm cargo bench --bench import` measures on tmpfs.
//!
//! Measured 2026-12-01 20:18 UTC on the 2-core development machine with the load average
//! falling from 4 to 2 (other agents' builds), mimalloc allocator, records written in
//! 256 KiB chunks:
//! - RIS, ext4: best 1.83 s, median 1.86 s of 5 (CPU 1.65–1.74 s), peak 30–35 MiB — target
//!   met on that run. The binaries before and after the chunked writes run alternately by
//!   hand (`taskset -c 0 litscope import`, fresh workspace, 6 runs each, load ~2): before
//!   1.99–2.77 s wall (median 2.15 s), CPU 1.76–2.40 s (system 0.30–0.90 s); after
//!   1.81–2.12 s wall (median 1.94 s), CPU 1.65–1.78 s (system 0.20–0.28 s), the stored
//!   records byte-identical but for run id and time. Earlier, at load 6, before:
//!   best 3.21 s, median 4.66 s: wall time on this machine follows its load.
//! - BibTeX, ext4: best 1.04 s, median 1.06 s (CPU 0.99–1.01 s), 93 MiB — target met.
//!
//! Where the RIS time goes (perf, ext4, before the chunked writes): the 255 MB input is read
//! twice (SHA-256 — with SHA-NI — and UTF-8 check first, then parsed in pieces: memory no
//! longer grows with the file) and written as ~500 MB of records (normalised fields plus
//! the raw payload, each about the size of the input): the kernel's copy into the page
//! cache 27 % (a 5 MB buffer out of the CPU cache: now written in 256 KiB chunks), JSON
//! escaping ~10 %, SHA-256 5 %, text cleaning ~10 %. A hand-written escaper for the raw
//! payload saved less than `RawValue::from_string`'s validation cost (callgrind), so it
//! was not kept. BibTeX is still read whole (its `@string` macros span the file), hence
//! 93 MiB for its 73 MB input.

#[allow(dead_code)]
#[path = "../tests/cli/common/mod.rs"]
mod common;

use common::TestWorkspace;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn exports() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/exports")
}

fn text(rel: &str) -> String {
    let bytes = std::fs::read(exports().join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}; the benchmark needs ../shared/fixtures"));
    litscope::import::decode::decode(&bytes).text
}

/// The `TY`…`ER` blocks of the RIS fixtures.
fn ris_records() -> Vec<String> {
    let mut out = Vec::new();
    for f in [
        "ris/scopus_synthesisr_scopus.ris",
        "ris/zotero_asreview_baseline_zotero.ris",
        "ris/wos_citesource_WoS_79.ris",
        "ris/pubmed_citesource_pubmed_46.ris",
        "ris/endnote_asysd_ris_export.txt",
    ] {
        let mut cur = String::new();
        for line in text(f).lines() {
            if line.starts_with("TY  -") {
                cur.clear();
            }
            cur.push_str(line);
            cur.push('\n');
            if line.starts_with("ER  -") {
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    out
}

/// The entries (not `@string`/`@comment`/`@preamble`) of the BibTeX fixtures.
fn bibtex_entries() -> Vec<String> {
    let mut out = Vec::new();
    for f in [
        "bibtex/zotero-bbt_bbt_unabbreviate-1436-1.bib",
        "bibtex/mendeley_bbt_web_page_and_other_mendeley_idiocy.bib",
        "bibtex/jabref51_bbt_groups-1641.bib",
    ] {
        let t = text(f);
        for chunk in t.split("\n@").skip(1) {
            let lower = chunk.to_ascii_lowercase();
            if ["comment", "string", "preamble"]
                .iter()
                .any(|k| lower.starts_with(k))
            {
                continue;
            }
            out.push(format!("@{chunk}\n"));
        }
    }
    out
}

fn synthesise(records: &[String], n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&records[i % records.len()]);
        out.push('\n');
    }
    out
}

/// CPU time (user + system) of the children waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Imports `file` in `ws` with the release binary; returns (wall time, CPU time, peak RSS
/// KiB, imported).
fn measure(ws: &TestWorkspace, file: &str) -> (Duration, Duration, u64, u64) {
    let args = [
        "import", file, "--name", "bench", "--quiet", "--format", "json",
    ];
    let inner = ws.command(&args);
    let mut cmd = if std::path::Path::new("/usr/bin/taskset").exists() {
        let mut c = std::process::Command::new("/usr/bin/taskset");
        c.args(["-c", "0", env!("CARGO_BIN_EXE_litscope")]);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_litscope"))
    };
    cmd.env_clear().current_dir(&ws.root).args(args);
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    cmd.stdout(std::process::Stdio::piped());
    let cpu_before = children_cpu();
    let start = Instant::now();
    let child = cmd.spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let mut child = child;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kib = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            peak_kib = peak_kib.max(kib);
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let wall = start.elapsed();
    let out = child.wait_with_output().unwrap();
    let cpu = children_cpu() - cpu_before;
    assert!(out.status.success(), "import failed");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (wall, cpu, peak_kib, json["imported"].as_u64().unwrap())
}

fn run(label: &str, records: Vec<String>, n: usize, runs: usize, target: f64) {
    let text = synthesise(&records, n);
    let mut walls = Vec::new();
    for _ in 0..runs {
        // A fresh workspace each run: a second import of the same file changes nothing.
        let ws = TestWorkspace::new();
        let file = format!("bench.{label}");
        std::fs::write(ws.root.join(&file), &text).unwrap();
        // A user's export is already on disk: flush ours first, or its writeback competes
        // with the import's own writes and is measured as import time.
        std::fs::File::open(ws.root.join(&file))
            .and_then(|f| f.sync_all())
            .unwrap();
        let (wall, cpu, peak, imported) = measure(&ws, &file);
        assert_eq!(imported, n as u64, "{label}: every record imported");
        let secs = wall.as_secs_f64();
        println!(
            "{label:<4} {n} records  {secs:.2} s (CPU {:.2} s)  {:.0} records/s  peak RSS {:.1} MiB",
            cpu.as_secs_f64(),
            n as f64 / secs,
            peak as f64 / 1024.0,
        );
        walls.push(secs);
    }
    walls.sort_by(f64::total_cmp);
    let (best, median) = (walls[0], walls[walls.len() / 2]);
    println!(
        "{label:<4} best {best:.2} s, median {median:.2} s of {runs}  (target < {target} s: {})",
        if best < target { "met" } else { "MISSED" }
    );
}

fn main() {
    // `-- N` records, `-- N K` records and runs.
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = numbers.first().copied().unwrap_or(100_000);
    let runs = numbers.get(1).copied().unwrap_or(5).max(1);
    run("ris", ris_records(), n, runs, 2.0);
    run("bib", bibtex_entries(), n, runs, 3.0);
}
