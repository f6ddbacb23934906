//! Issue 13, concurrent use: a writer waits for the corpus lock (bounded, saying so when it
//! waits long) and then succeeds; readers (`search`, `status`, `export`) never take it and
//! never fail because a writer is at work; a writer that cannot update the index leaves it
//! stale by rule (its fingerprint), silently, and the next search brings it up to date.

use crate::common::{TestWorkspace, stderr, stdout};
use std::fs::File;
use std::time::{Duration, Instant};

/// A workspace with `n` imported records (no DOIs), their ids in file order.
fn workspace(n: usize) -> (TestWorkspace, Vec<String>) {
    let ws = TestWorkspace::new();
    let mut csv = String::from("id,title,abstract,year\n");
    for i in 0..n {
        csv.push_str(&format!(
            "r{i},Tildeling av tjenester {i},Kommunal organisering nummer {i}.,{}\n",
            2000 + i
        ));
    }
    ws.write("records.csv", &csv);
    ws.ok(&["import", "records.csv", "--name", "db"]);
    let ids = ws
        .records("db")
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    (ws, ids)
}

/// Holds an OS lock on `path` (as another litscope process would) until dropped.
fn hold(path: &std::path::Path) -> File {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let f = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .unwrap();
    f.try_lock().unwrap();
    f
}

/// Counts a search gives, through the CLI.
fn count(ws: &TestWorkspace, q: &str) -> u64 {
    let out = ws.ok(&["search", q, "--count"]);
    stdout(&out).trim().parse().unwrap()
}

#[test]
fn a_writer_waits_for_the_lock_says_so_and_then_succeeds() {
    let (mut ws, ids) = workspace(2);
    let lock = hold(&ws.root.join("corpus/.lock"));
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        drop(lock);
    });
    let start = Instant::now();
    let out = ws.run(&["decide", &ids[0], "include"]);
    release.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(start.elapsed() >= Duration::from_millis(1400));
    let err = stderr(&out);
    assert_eq!(
        err.matches("waiting for another litscope command").count(),
        1,
        "{err}"
    );
    assert_eq!(ws.decisions("reviewer").len(), 1);

    // Quiet: no waiting line. A limit that runs out: exit 1, nothing stored, and says how
    // to wait longer.
    ws.env("LITSCOPE_LOCK_WAIT", "0.3");
    let _lock = hold(&ws.root.join("corpus/.lock"));
    let out = ws.run(&["-q", "decide", &ids[1], "include"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("waiting for"), "{err}");
    assert!(err.contains("LITSCOPE_LOCK_WAIT"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(ws.decisions("reviewer").len(), 1);
    ws.env("LITSCOPE_LOCK_WAIT", "soon");
    assert_eq!(
        ws.run(&["decide", &ids[1], "include"]).status.code(),
        Some(2)
    );
}

#[test]
fn readers_answer_while_the_index_is_being_written() {
    let (ws, ids) = workspace(3);
    assert_eq!(count(&ws, "tildeling"), 3);
    // Another command holds the index (tantivy's writer lock and litscope's own) while the
    // corpus changes.
    let index = ws.root.join("index");
    let held = [
        hold(&index.join(".tantivy-writer.lock")),
        hold(&index.join(".lock")),
    ];
    // decide stores the decision and leaves the index stale, without a warning.
    let out = ws.ok(&["decide", &ids[0], "exclude", "--reason", "1"]);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    ws.write("more.csv", "id,title\nm1,Tildeling i Bergen\n");
    ws.ok(&["import", "more.csv", "--name", "more"]);
    // search answers from the index as it is, with one warning; so do status and export.
    let mut ws = ws;
    ws.env("LITSCOPE_LOCK_WAIT", "0.5");
    let out = ws.ok(&["search", "tildeling", "--count"]);
    assert_eq!(stdout(&out).trim(), "3");
    assert_eq!(
        stderr(&out).matches("warning").count(),
        1,
        "{}",
        stderr(&out)
    );
    ws.ok(&["status"]);
    ws.ok(&["export", "--format", "csv"]);
    drop(held);
    // Free again: the next search brings the index up to date.
    assert_eq!(count(&ws, "tildeling"), 4);
    assert_eq!(count(&ws, "decision:exclude"), 1);
}

/// Two processes × 200 `decide` (one reviewer shared by both, and a second one), a `search`
/// loop and a `status` loop at the same time: every decision is kept in order, every reader
/// answers, and the index ends fresh or stale by rule (a search gives what a rebuilt index
/// gives).
#[test]
fn two_deciders_a_searcher_and_a_status_reader_at_once() {
    let (ws, ids) = workspace(12);
    ws.ok(&["index"]);
    let done = std::sync::atomic::AtomicUsize::new(0);
    const EACH: usize = 200;
    // Process p's decision i: on record i % 12, include or exclude by a fixed pattern.
    let decision = |p: usize, i: usize| -> (String, &'static str, &'static str) {
        let reviewer = if p == 0 || i.is_multiple_of(2) {
            "ann"
        } else {
            "bob"
        };
        let verdict = if (i / 12 + p).is_multiple_of(3) {
            "exclude"
        } else {
            "include"
        };
        (ids[(i + p) % ids.len()].clone(), verdict, reviewer)
    };
    let (mut searches, mut statuses) = (0, 0);
    std::thread::scope(|s| {
        for p in 0..2 {
            let (ws, done, decision) = (&ws, &done, &decision);
            s.spawn(move || {
                // Counted as done however the loop ends (a failed assertion too), so that
                // the readers stop.
                struct Done<'a>(&'a std::sync::atomic::AtomicUsize);
                impl Drop for Done<'_> {
                    fn drop(&mut self) {
                        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                }
                let _done = Done(done);
                for i in 0..EACH {
                    let (id, verdict, reviewer) = decision(p, i);
                    let note = format!("p{p} {i}");
                    let mut args = vec![
                        "-q",
                        "decide",
                        &id,
                        verdict,
                        "--reviewer",
                        reviewer,
                        "--note",
                        &note,
                    ];
                    if verdict == "exclude" {
                        args.extend(["--reason", "1"]);
                    }
                    let out = ws.run(&args);
                    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
                }
            });
        }
        let done = &done;
        let running = move || done.load(std::sync::atomic::Ordering::SeqCst) < 2;
        let ws = &ws;
        let searcher = s.spawn(move || {
            let mut n = 0;
            while running() {
                let out = ws.run(&["search", "decision:include OR decision:exclude", "--count"]);
                assert!(out.status.success(), "search: {}", stderr(&out));
                assert!(!stderr(&out).contains("incomplete"), "{}", stderr(&out));
                n += 1;
            }
            n
        });
        let reader = s.spawn(move || {
            let mut n = 0;
            while running() {
                let (json, out) = ws.json(&["status"]);
                assert!(out.status.success(), "status: {}", stderr(&out));
                assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
                assert!(json["screening"]["title-abstract"].is_object());
                n += 1;
            }
            n
        });
        searches = searcher.join().unwrap();
        statuses = reader.join().unwrap();
    });
    assert!(searches > 0 && statuses > 0);

    // All 400 decisions kept, each process's in the order it made them (the note says which
    // process and which of its decisions).
    let (ann, bob) = (ws.decisions("ann"), ws.decisions("bob"));
    assert_eq!(ann.len() + bob.len(), 2 * EACH);
    for p in 0..2 {
        let mut got = Vec::new();
        for d in ann.iter().chain(&bob) {
            let note = d["note"].as_str().unwrap();
            let (from, i) = note.split_once(' ').unwrap();
            if from == format!("p{p}") {
                got.push((
                    i.parse::<usize>().unwrap(),
                    d["id"].as_str().unwrap().to_string(),
                    d["decision"].as_str().unwrap().to_string(),
                    d["reviewer"].as_str().unwrap().to_string(),
                ));
            }
        }
        // Within one reviewer's log, a process's decisions keep their order.
        for r in ["ann", "bob"] {
            let order: Vec<usize> = got.iter().filter(|g| g.3 == r).map(|g| g.0).collect();
            assert!(order.is_sorted(), "p{p} in {r}'s log: {order:?}");
        }
        got.sort();
        let want: Vec<_> = (0..EACH)
            .map(|i| {
                let (id, verdict, reviewer) = decision(p, i);
                (i, id, verdict.to_string(), reviewer.to_string())
            })
            .collect();
        assert_eq!(got, want, "process {p}");
    }

    // The index is fresh or stale by rule: what search answers now is what a rebuilt index
    // answers, and what status counts.
    let (status, _) = ws.json(&["status"]);
    let queries = [
        "decision:title-abstract:include",
        "decision:title-abstract:exclude",
        "decision:conflict",
        "decision:full-text:unscreened",
    ];
    let now: Vec<u64> = queries.iter().map(|q| count(&ws, q)).collect();
    ws.ok(&["index", "--rebuild"]);
    let rebuilt: Vec<u64> = queries.iter().map(|q| count(&ws, q)).collect();
    assert_eq!(now, rebuilt);
    let ta = &status["screening"]["title-abstract"];
    assert_eq!(
        now[..3],
        [
            ta["include"].as_u64().unwrap(),
            ta["exclude"].as_u64().unwrap(),
            ta["conflict"].as_u64().unwrap_or(0)
        ]
    );
}
