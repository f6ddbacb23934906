//! `litscope harvest` end to end against a local Crossref replaying recorded responses.

use crate::common::crossref::{
    self, RealChain, Synthetic, SyntheticOptions, fixture, synthetic_items,
};
use crate::common::server::{Reply, Server};
use crate::common::{
    TestWorkspace, assert_retried_for_the_budget, crossref_query, record_set, stderr, stdout,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn workspace_with(server: &Server, query: &str) -> TestWorkspace {
    let mut ws = TestWorkspace::new();
    ws.crossref(&server.url())
        .env("LITSCOPE_MAILTO", "reviewer@uni.no");
    ws.write("queries/q.toml", query);
    ws
}

fn synthetic(n: usize, options: SyntheticOptions) -> Server {
    let mock = Arc::new(Synthetic::new(synthetic_items(n, "t"), options));
    Server::start(move |r| mock.handle(r))
}

#[test]
fn pages_through_the_recorded_cursor_chain() {
    let chain = Arc::new(RealChain::default());
    let server = Server::start({
        let c = chain.clone();
        move |r| c.handle(r)
    });
    let ws = workspace_with(&server, &crossref_query("widgets", "rows = 20\nlimit = 60"));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["retrieved"], 60);
    assert_eq!(json["searches"][0]["reported"], 454);
    assert_eq!(json["searches"][0]["name"], "widgets");
    assert_eq!(json["searches"][0]["source"], "crossref");
    assert_eq!(json["searches"][0]["query"], "widget");

    let requests = server.requests();
    assert_eq!(
        requests.len(),
        3,
        "three pages, then the limit stops the search"
    );
    assert_eq!(requests[0].param("cursor"), Some("*"));
    let page1: serde_json::Value = serde_json::from_slice(&fixture(crossref::PAGES[0])).unwrap();
    let constant = page1["message"]["next-cursor"].as_str().unwrap();
    assert_eq!(requests[1].param("cursor"), Some(constant));
    assert_eq!(
        requests[2].param("cursor"),
        Some(constant),
        "the cursor does not change between pages"
    );
    assert!(
        requests
            .iter()
            .all(|r| r.param("query") == Some("widget") && r.param("rows") == Some("20"))
    );

    let records = ws.records("crossref");
    let expected: Vec<String> = crossref::real_items()
        .iter()
        .map(|i| i["DOI"].as_str().unwrap().to_lowercase())
        .collect();
    let got: Vec<String> = records
        .iter()
        .map(|r| r["doi"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        got, expected,
        "every record of the three pages, in order, once"
    );

    // The run log and the recorded responses are the PRISMA-S evidence.
    let log = ws.runlog();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["kind"], "search");
    assert_eq!(log[0]["reported"], 454);
    assert_eq!(log[0]["retrieved"], 60);
    assert_eq!(log[0]["status"], "complete");
    assert!(log[0]["tool"].as_str().unwrap().starts_with("litscope "));
    assert!(
        log[0]["request"]["params"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p[0] == "cursor" && p[1] == "*")
    );
    let dir = std::fs::read_dir(ws.root.join("corpus/responses"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let search_dir = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let body2 = std::fs::read(search_dir.join("000002.body.json")).unwrap();
    assert_eq!(
        body2,
        fixture(crossref::PAGES[1]),
        "bodies are stored exactly as received"
    );
    let metas = crate::common::read_jsonl(&search_dir.join("exchanges.jsonl"));
    assert_eq!(metas.len(), 3, "one metadata line per exchange");
    let meta = &metas[1];
    assert_eq!(meta["response"]["status"], 200);
    assert!(
        meta["request"]["url"]
            .as_str()
            .unwrap()
            .contains("cursor=DnF1ZXJ5VGhlbkZldGNo")
    );
    assert!(meta["time"].as_str().unwrap().starts_with("20"));
}

#[test]
fn stops_on_a_short_page_an_empty_page_or_the_reported_total() {
    // 45 items, 20 a page: 20, 20, then a short page of 5.
    let server = synthetic(45, SyntheticOptions::default());
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("crossref").len(), 45);
    assert_eq!(server.requests().len(), 3);

    // Exactly 40 items: the reported total ends the search without asking for an empty page.
    let server = synthetic(40, SyntheticOptions::default());
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("crossref").len(), 40);
    assert_eq!(server.requests().len(), 2);

    // No total reported: two full pages, then an empty one.
    let server = synthetic(
        40,
        SyntheticOptions {
            hide_total: true,
            ..Default::default()
        },
    );
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("crossref").len(), 40);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn zero_results() {
    let server =
        Server::start(|_| Reply::json(200, fixture("works_query-adfaaf_zero-results_2022.json")));
    let ws = workspace_with(&server, &crossref_query("nothing", "limit = 20"));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["retrieved"], 0);
    assert_eq!(json["searches"][0]["reported"], 0);
    assert!(ws.records("crossref").is_empty());
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        server.requests()[0].param("cursor"),
        None,
        "a one-page search needs no cursor"
    );
}

#[test]
fn rows_never_exceed_what_crossref_accepts() {
    // A server that refuses rows > 1000 as Crossref does: a large limit still works.
    let server = synthetic(2500, SyntheticOptions::default());
    let ws = workspace_with(&server, &crossref_query("big", "limit = 2500"));
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("crossref").len(), 2500);
    let rows: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.param("rows").unwrap().to_string())
        .collect();
    assert_eq!(rows, ["1000", "1000", "1000"]);

    // Asking for more is refused before anything is sent, naming the file and line.
    let ws = workspace_with(&server, &crossref_query("big", "rows = 5000"));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("queries/q.toml:3: search 1: `rows = 5000`: Crossref allows 1 to 1000"),
        "{err}"
    );
}

#[test]
fn a_refused_request_is_one_clear_line_and_not_retried() {
    let server = Server::start(|r| crossref::rows_refused(r.param("rows").unwrap_or("?")));
    let ws = workspace_with(&server, &crossref_query("q", "limit = 10"));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line = err.lines().find(|l| l.starts_with("error:")).unwrap();
    assert!(
        line.contains(&format!("GET {}/works?", server.url())),
        "{line}"
    );
    assert!(
        line.contains(
            "HTTP 400 Bad Request: Integer specified as 10 but must be a positive integer"
        ),
        "{line}"
    );
    assert_eq!(server.requests().len(), 1, "400 is not retried");
    assert_eq!(ws.runlog()[0]["status"], "failed");
}

#[test]
fn text_plain_404_is_reported_with_its_text() {
    let server = Server::start(|_| crossref::not_found());
    let ws = workspace_with(&server, &crossref_query("q", ""));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("HTTP 404 Not Found: Resource not found."),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.requests().len(), 1, "404 is not retried");
}

/// A server that fails the first `fail` requests with `failure`, then behaves.
fn flaky(fail: usize, failure: impl Fn() -> Reply + Send + Sync + 'static) -> Server {
    let mock = Synthetic::new(synthetic_items(30, "f"), SyntheticOptions::default());
    let count = AtomicUsize::new(0);
    Server::start(move |r| {
        if count.fetch_add(1, Ordering::SeqCst) < fail {
            failure()
        } else {
            mock.handle(r)
        }
    })
}

#[test]
fn retries_429_honouring_retry_after() {
    let server = flaky(1, || {
        Reply::text(
            429,
            "text/html",
            "<html><body><h1>429 Too Many Requests</h1></body></html>",
        )
        .header("retry-after", "1")
    });
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("crossref").len(), 30);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    let waited = reqs[1].at - reqs[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 not honoured ({waited:?})"
    );
    assert!(
        stderr(&out).contains("HTTP 429 Too Many Requests"),
        "{}",
        stderr(&out)
    );
    assert_eq!(ws.runlog()[0]["retries"], 1);
}

#[test]
fn retries_429_without_retry_after_with_backoff() {
    let server = flaky(2, || {
        Reply::text(
            429,
            "text/html",
            "<html><body><h1>429 Too Many Requests</h1></body></html>",
        )
    });
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("crossref").len(), 30);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    // Backoff 20 ms then 40 ms (each at least half that, with jitter).
    assert!(reqs[1].at - reqs[0].at >= Duration::from_millis(10));
    assert!(reqs[2].at - reqs[1].at >= Duration::from_millis(20));
}

#[test]
fn retries_503_and_gives_up_keeping_what_it_had() {
    // First page fine, then 503 for ever.
    let mock = Synthetic::new(synthetic_items(60, "g"), SyntheticOptions::default());
    let count = AtomicUsize::new(0);
    let server = Server::start(move |r| {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            mock.handle(r)
        } else {
            Reply::text(503, "text/plain", "down for maintenance")
        }
    });
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    let line = errors[0];
    assert!(
        line.contains("gave up after ")
            && line.contains(
                " of failures ([http] retry_for = \"1s\"); last: HTTP 503 Service Unavailable: down for maintenance"
            ),
        "{line}"
    );
    assert!(
        line.contains(&format!("GET {}/works?", server.url())),
        "{line}"
    );
    assert_retried_for_the_budget(&server.requests()[1..]);
    assert_eq!(
        ws.records("crossref").len(),
        20,
        "the first page stays stored"
    );
    // Status shows the search to resume.
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["searches"]["failed"][0]["name"], "q");
}

#[test]
fn connection_reset_is_retried() {
    let server = flaky(2, || Reply::Reset);
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("crossref").len(), 30);
    assert_eq!(server.requests().len(), 4);
    let err = stderr(&out);
    assert!(
        err.contains("Connection reset by peer")
            && err.contains("; retrying in ")
            && err.contains(" (1st failure, 0s of 1s)")
            && err.contains(" (2nd failure, "),
        "{err}"
    );
}

#[test]
fn truncated_bodies_are_retried() {
    // Cut short against Content-Length, then a complete-looking but broken JSON body.
    let page = crossref::envelope(&synthetic_items(20, "x"), Some(20), 20, None);
    let cut = page.clone();
    let count = AtomicUsize::new(0);
    let mock = Synthetic::new(synthetic_items(30, "f"), SyntheticOptions::default());
    let server = Server::start(move |r| match count.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::Truncate {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: cut.clone(),
            send: 1000,
        },
        1 => Reply::json(200, page[..page.len() / 2].to_vec()),
        _ => mock.handle(r),
    });
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("crossref").len(), 30);
    assert_eq!(server.requests().len(), 4);
    let err = stderr(&out);
    assert!(err.contains("body cut short"), "{err}");
    assert!(err.contains("unusable response body"), "{err}");
}

#[test]
fn an_expired_cursor_restarts_the_search_without_duplicates() {
    let server = synthetic(
        100,
        SyntheticOptions {
            expire_after: Some(2),
            ..Default::default()
        },
    );
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    let out = ws.ok(&["harvest"]);
    let records = ws.records("crossref");
    assert_eq!(records.len(), 100);
    record_set(&records);
    assert!(stderr(&out).contains("cursor expired"), "{}", stderr(&out));
    let log = &ws.runlog()[0];
    assert_eq!(log["restarts"], 1);
    assert_eq!(log["retrieved"], 100);
    // 2 pages, the 404, then 5 pages from the start.
    assert_eq!(server.requests().len(), 2 + 1 + 5);
}

#[test]
fn kill_9_mid_harvest_then_rerun_gives_the_uninterrupted_result() {
    let items = synthetic_items(400, "k");
    let reference = {
        let mock = Arc::new(Synthetic::new(items.clone(), SyntheticOptions::default()));
        let server = Server::start(move |r| mock.handle(r));
        let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
        ws.ok(&["harvest"]);
        record_set(&ws.records("crossref"))
    };
    assert_eq!(reference.len(), 400);

    let mock = Arc::new(Synthetic::new(
        items,
        SyntheticOptions {
            delay: Duration::from_millis(25),
            ..Default::default()
        },
    ));
    let server = Server::start(move |r| mock.handle(r));
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    let records_file = ws.root.join("corpus/records/crossref.jsonl");
    // Kill at three different points; each run resumes what the last one left.
    for stop_after in [60usize, 180, 300] {
        ws.kill_harvest_after("crossref", stop_after);
    }
    let before = crate::common::read_jsonl(&records_file).len();
    assert!(before < 400, "the kills left work to do ({before})");
    ws.ok(&["harvest"]);
    assert_eq!(
        record_set(&ws.records("crossref")),
        reference,
        "resumed harvest differs from an uninterrupted one"
    );
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["sources"]["crossref"], 400);
    assert_eq!(status["records"]["unique"], 400);
}

#[test]
fn rate_and_concurrency_limits_announced_by_the_server_are_obeyed() {
    let headers = vec![
        ("x-rate-limit-limit".to_string(), "5".to_string()),
        ("x-rate-limit-interval".to_string(), "1s".to_string()),
        ("x-concurrency-limit".to_string(), "2".to_string()),
    ];
    let opts = SyntheticOptions {
        delay: Duration::from_millis(150),
        headers,
        ..Default::default()
    };
    let server = synthetic(80, opts);
    let mut ws = TestWorkspace::new();
    ws.crossref(&server.url())
        .env("LITSCOPE_MAILTO", "reviewer@uni.no");
    let mut q = String::from("name = \"limits\"\n");
    for word in ["alpha", "beta", "gamma"] {
        q.push_str(&format!(
            "\n[[search]]\nsource = \"crossref\"\nquery = \"{word}\"\nrows = 20\nlimit = 80\n"
        ));
    }
    ws.write("queries/q.toml", &q);
    ws.ok(&["harvest"]);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 12);
    crate::common::server::assert_at_most_per_second(&reqs, 5);
    assert!(
        server.max_in_flight() <= 2,
        "{} requests in flight",
        server.max_in_flight()
    );
    assert_eq!(
        server.max_in_flight(),
        2,
        "the announced concurrency is used, not only obeyed"
    );
}

#[test]
fn offline_replay_equals_the_online_result() {
    let chain = Arc::new(RealChain::default());
    let server = Server::start({
        let c = chain.clone();
        move |r| c.handle(r)
    });
    let ws = workspace_with(&server, &crossref_query("widgets", "rows = 20\nlimit = 60"));
    ws.ok(&["harvest"]);
    let online = record_set(&ws.records("crossref"));
    drop(server);

    // Same workspace, records gone, no server: replay the recorded responses.
    std::fs::remove_file(ws.root.join("corpus/records/crossref.jsonl")).unwrap();
    let (json, out) = ws.json(&["harvest", "--offline"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["mode"], "offline");
    assert_eq!(json["retrieved"], 60);
    assert_eq!(record_set(&ws.records("crossref")), online);
    let log = ws.runlog();
    assert_eq!(log[1]["mode"], "offline");
    assert_eq!(log[1]["replayed_run"], log[0]["run"]);
    assert_eq!(log[1]["reported"], 454);

    // A search never recorded cannot be replayed: one clear error, exit 1.
    ws.write(
        "queries/q.toml",
        &crossref_query("other", "rows = 20\nlimit = 40"),
    );
    let out = ws.run(&["harvest", "--offline"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("offline: no complete recording of this search"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn polite_user_agent_and_a_warning_without_mailto() {
    let server =
        Server::start(|_| Reply::json(200, fixture("works_query-adfaaf_zero-results_2022.json")));
    let ws = workspace_with(&server, &crossref_query("q", "limit = 5"));
    let out = ws.ok(&["harvest"]);
    assert!(!stderr(&out).contains("warning: no contact e-mail"));
    let ua = server.requests()[0]
        .header("user-agent")
        .unwrap()
        .to_string();
    assert!(
        ua.starts_with("litscope/") && ua.ends_with("mailto:reviewer@uni.no)"),
        "{ua}"
    );

    let mut ws = TestWorkspace::new();
    ws.crossref(&server.url());
    ws.write("queries/q.toml", &crossref_query("q", "limit = 5"));
    let out = ws.ok(&["harvest"]);
    assert!(
        stderr(&out).contains("warning: no contact e-mail"),
        "{}",
        stderr(&out)
    );
    let ua = server.requests()[1]
        .header("user-agent")
        .unwrap()
        .to_string();
    assert!(!ua.contains("mailto"), "{ua}");
}

#[test]
fn hostile_text_is_cleaned_before_it_is_stored() {
    let item = serde_json::json!({
        "DOI": "10.5555/HOSTILE.1",
        "title": ["Tilla\u{30a}t \u{1b}[31mrødt\u{1b}[0m <i>og</i> bla\u{30a}tt\u{7}"],
        "abstract": "<jats:p>Første\u{1b}]0;owned\u{7} avsnitt &amp; mer.</jats:p><jats:p>Andre.</jats:p>",
        "author": [{"family": "Ødegård\u{202e}", "given": "Åse"}],
        "issued": {"date-parts": [[2021, 3]]},
        "type": "journal-article"
    });
    let body = crossref::envelope(&[item.to_string()], Some(1), 20, None);
    let server = Server::start(move |_| Reply::json(200, body.clone()));
    let ws = workspace_with(&server, &crossref_query("q", "limit = 20"));
    ws.ok(&["harvest"]);
    let r = &ws.records("crossref")[0];
    assert_eq!(r["title"], "Tillåt rødt og blått");
    assert_eq!(r["abstract"], "Første avsnitt & mer.\n\nAndre.");
    assert_eq!(r["authors"][0]["family"], "Ødegård");
    assert_eq!(r["doi"], "10.5555/hostile.1");
    assert_eq!(r["year"], 2021);
    // The raw payload keeps what the source sent.
    assert!(r["raw"]["title"][0].as_str().unwrap().contains('\u{1b}'));
}

#[test]
fn json_output_is_one_document_and_progress_stays_off_stdout() {
    let server = synthetic(30, SyntheticOptions::default());
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success());
    assert_eq!(json["retrieved"], 30);
    let s = &json["searches"][0];
    for key in ["name", "source", "query", "reported", "retrieved"] {
        assert!(s.get(key).is_some(), "missing {key}");
    }
    assert!(!stdout(&out).contains('\u{1b}'));
    // Text mode: a table on stdout, the summary on stderr.
    let out = ws.ok(&["harvest"]);
    assert!(stdout(&out).contains("q#1"));
    assert!(
        stderr(&out).contains("Stored 0 new records from 1 searches"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn dry_run_sends_nothing() {
    let server = synthetic(30, SyntheticOptions::default());
    let ws = workspace_with(
        &server,
        &crossref_query("q", "rows = 20\nfilter = \"from-pub-date:2000\""),
    );
    let out = ws.ok(&["harvest", "--dry-run"]);
    assert!(server.requests().is_empty());
    let text = stdout(&out);
    assert!(
        text.contains("crossref q#1  GET ")
            && text.contains("filter=from-pub-date%3A2000")
            && text.contains("cursor=*"),
        "{text}"
    );
}

#[test]
fn a_slow_server_times_out_and_is_retried() {
    let mock = Synthetic::new(synthetic_items(30, "s"), SyntheticOptions::default());
    let count = AtomicUsize::new(0);
    let server = Server::start(move |r| {
        let reply = mock.handle(r);
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            reply.delayed(Duration::from_secs(3))
        } else {
            reply
        }
    });
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    let review = std::fs::read_to_string(ws.root.join("review.toml")).unwrap();
    ws.write(
        "review.toml",
        &review.replace("timeout = \"5s\"", "timeout = \"1s\""),
    );
    let started = std::time::Instant::now();
    let out = ws.ok(&["harvest"]);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout did not cut the slow request"
    );
    assert_eq!(ws.records("crossref").len(), 30);
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
}

#[test]
fn two_harvests_never_write_one_workspace_at_once() {
    let server = synthetic(30, SyntheticOptions::default());
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    let lock = std::fs::File::create(ws.root.join("corpus/.lock")).unwrap();
    lock.lock().unwrap();
    // A second writer waits for the first (issue 13), here no longer than 0.3 s.
    let out = ws
        .command(&["harvest"])
        .env("LITSCOPE_LOCK_WAIT", "0.3")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("another litscope command has been writing for 0.3 s"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty());
    drop(lock);
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("crossref").len(), 30);
}

/// The storm of issue 12: after 2,000 of 5,000 records, eight failures in a row (429, 503, a
/// reset connection, a truncated body, twice), then the server recovers.
fn storm_server(items: usize, rows: usize, ok_before: usize, storm: usize) -> Server {
    let mock = Synthetic::new(synthetic_items(items, "storm"), SyntheticOptions::default());
    let cut = crossref::envelope(&synthetic_items(rows, "cut"), Some(items), rows, None);
    let count = AtomicUsize::new(0);
    Server::start(move |r| {
        let n = count.fetch_add(1, Ordering::SeqCst);
        if n < ok_before || n >= ok_before + storm {
            return mock.handle(r);
        }
        match (n - ok_before) % 4 {
            0 => Reply::text(
                429,
                "text/html",
                "<html><body><h1>429 Too Many Requests</h1></body></html>",
            ),
            1 => Reply::text(503, "text/plain", "down for maintenance"),
            2 => Reply::Reset,
            _ => Reply::Truncate {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: cut.clone(),
                send: 1000,
            },
        }
    })
}

/// Sets `[http] retry_for` of a test workspace.
fn retry_for(ws: &TestWorkspace, budget: &str) {
    let review = std::fs::read_to_string(ws.root.join("review.toml")).unwrap();
    let changed = review.replace("retry_for = \"1s\"", &format!("retry_for = \"{budget}\""));
    assert_ne!(review, changed);
    ws.write("review.toml", &changed);
}

#[test]
fn issue_12_a_fault_storm_within_the_time_budget_does_not_stop_the_harvest() {
    let server = storm_server(5000, 500, 4, 8);
    let ws = workspace_with(&server, &crossref_query("q", "rows = 500"));
    retry_for(&ws, "30s");
    let (json, out) = ws.json(&["harvest"]);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        stderr(&out)
    );
    let records = ws.records("crossref");
    assert_eq!(records.len(), 5000, "every record arrives");
    assert_eq!(record_set(&records).len(), 5000, "and none twice");
    assert_eq!(json["retrieved"], 5000);
    assert_eq!(server.requests().len(), 10 + 8);
    let log = &ws.runlog()[0];
    assert_eq!(log["status"], "complete");
    assert_eq!(log["retries"], 8);
    assert_eq!(log["requests"], 18);
    // Without a terminal: one status line per wait, saying why, how long, and how far into
    // the budget.
    let err = stderr(&out);
    let waits: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("; retrying in "))
        .collect();
    assert_eq!(waits.len(), 8, "{err}");
    for (line, (nth, why)) in waits.iter().zip([
        ("1st", "HTTP 429 Too Many Requests"),
        ("2nd", "HTTP 503 Service Unavailable: down for maintenance"),
        ("3rd", "Connection reset by peer"),
        ("4th", "body cut short after 1000 bytes"),
        ("5th", "HTTP 429"),
        ("6th", "HTTP 503"),
        ("7th", "Connection reset"),
        ("8th", "body cut short"),
    ]) {
        assert!(line.starts_with("crossref q#1: "), "{line}");
        assert!(line.contains(why), "{line}");
        assert!(line.contains(&format!("({nth} failure, ")), "{line}");
        assert!(line.ends_with(" of 30s)"), "{line}");
    }
}

#[test]
fn issue_12_a_storm_longer_than_the_budget_stops_the_search_and_a_rerun_completes_it() {
    // Twelve failures in a row with a budget of half a second (backoff 20-100 ms): given up.
    let server = storm_server(3000, 500, 2, 1000);
    let ws = workspace_with(&server, &crossref_query("q", "rows = 500"));
    retry_for(&ws, "500ms");
    let out = ws.run(&["harvest", "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        !err.contains("retrying in"),
        "--quiet hides the waits: {err}"
    );
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].starts_with(&format!("error: crossref q#1: GET {}/works?", server.url()))
            && errors[0].contains("gave up after ")
            && errors[0].contains("([http] retry_for = \"500ms\"); last: "),
        "{}",
        errors[0]
    );
    assert_eq!(
        ws.records("crossref").len(),
        1000,
        "the pages before the storm are kept"
    );
    assert_eq!(ws.runlog()[0]["status"], "failed");

    // The server recovers: the rerun ends with every record once.
    let server = storm_server(3000, 500, 0, 0);
    let mut ws = ws;
    ws.crossref(&server.url());
    ws.ok(&["harvest"]);
    let records = ws.records("crossref");
    assert_eq!(record_set(&records).len(), 3000);
    assert_eq!(ws.runlog()[1]["status"], "complete");
}

#[test]
fn issue_12_a_host_that_never_answered_fails_at_once() {
    // Nothing listens on the port the test environment gives Crossref; a long budget that
    // would apply to a host that had answered.
    let mut ws = TestWorkspace::new();
    ws.env("LITSCOPE_MAILTO", "reviewer@uni.no");
    ws.write("queries/q.toml", &crossref_query("q", "rows = 20"));
    retry_for(&ws, "10m");
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].starts_with("error: crossref q#1: GET http://127.0.0.1:9/works?")
            && errors[0].contains("could not connect")
            && errors[0].contains("the host has not answered once in this run")
            && errors[0].contains("check the base URL and the network"),
        "{}",
        errors[0]
    );
    assert!(!err.contains("retrying in"), "{err}");
    let log = &ws.runlog()[0];
    assert_eq!(log["requests"], 1);
    assert_eq!(log["retries"], 0);
}

#[test]
fn an_old_max_retries_setting_still_loads_and_is_warned_about() {
    let server = synthetic(30, SyntheticOptions::default());
    let ws = workspace_with(&server, &crossref_query("q", "rows = 20"));
    let review = std::fs::read_to_string(ws.root.join("review.toml")).unwrap();
    ws.write(
        "review.toml",
        &review.replace("retry_for = \"1s\"", "max_retries = 6"),
    );
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("crossref").len(), 30);
    assert!(
        stderr(&out).contains("warning: review.toml: [http] max_retries is no longer used"),
        "{}",
        stderr(&out)
    );
}
