//! `litscope harvest` from NVA end to end, against a local server serving the real recorded
//! page, synthetic pages of the same shape, and the failures the real service can produce.

use crate::common::nva::{self, Mock, Options, fixture, hits};
use crate::common::server::{Reply, Request, Server};
use crate::common::{
    TestWorkspace, assert_retried_for_the_budget, nva_query, read_jsonl, record_set, stderr,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn workspace_with(server: &Server, query: &str) -> TestWorkspace {
    let mut ws = TestWorkspace::new();
    ws.nva(&server.url());
    ws.write("queries/q.toml", query);
    ws
}

fn mock(n: usize, options: Options) -> Server {
    let mock = Arc::new(Mock::new(hits(n, "t"), options));
    Server::start(move |r| mock.handle(r))
}

/// Fails the first `fail` requests with `failure`, then serves 30 hits.
fn flaky(fail: usize, failure: impl Fn() -> Reply + Send + Sync + 'static) -> Server {
    let mock = Mock::new(hits(30, "f"), Options::default());
    let count = AtomicUsize::new(0);
    Server::start(move |r| {
        if count.fetch_add(1, Ordering::SeqCst) < fail {
            failure()
        } else {
            mock.handle(r)
        }
    })
}

fn sizes(requests: &[Request]) -> Vec<&str> {
    requests.iter().map(|r| r.param("size").unwrap()).collect()
}

/// The `search_after` value of hit `i` of [`hits`]: its creation time and identifier.
fn sort_values(records: &[serde_json::Value], i: usize) -> String {
    let id = records[i]["provenance"]["source_id"].as_str().unwrap();
    let ms = u64::from_str_radix(&id[..12], 16).unwrap();
    format!("{ms},{id}")
}

#[test]
fn pages_with_search_after_until_a_short_page() {
    let server = mock(45, Options::default());
    let ws = workspace_with(&server, &nva_query("tildeling", "size = 20"));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["retrieved"], 45);
    let s = &json["searches"][0];
    assert_eq!(
        (&s["source"], &s["reported"], &s["name"], &s["query"]),
        (
            &"nva".into(),
            &45.into(),
            &"tildeling".into(),
            &"tjenestetildeling".into()
        )
    );

    // The links name the real service's host; every request still came here.
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "20 + 20 + a short page of 5");
    for r in &requests {
        assert_eq!(r.path, "/search/resources");
        assert_eq!(r.param("query"), Some("tjenestetildeling"));
        assert_eq!(r.param("aggregation"), Some("none"));
        assert_eq!(r.param("sort"), Some("created_date:asc"));
        assert_eq!(r.param("size"), Some("20"));
        assert_eq!(r.param("from"), None);
    }
    let records = ws.records("nva");
    assert_eq!(records.len(), 45);
    record_set(&records);
    assert_eq!(requests[0].param("search_after"), None);
    // Each next page starts after the last hit of the page before, as the link said.
    assert_eq!(
        requests[1].param("search_after"),
        Some(sort_values(&records, 19).as_str())
    );
    assert_eq!(
        requests[2].param("search_after"),
        Some(sort_values(&records, 39).as_str())
    );
    // The Cristin id is kept on every record: the exact key for merging with Cristin.
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["ids"]["cristin"], (20_000_000 + i).to_string());
        assert_eq!(r["ids"]["nva"], r["provenance"]["source_id"]);
    }
    let log = ws.runlog();
    assert_eq!(
        (&log[0]["source"], &log[0]["status"], &log[0]["reported"]),
        (&"nva".into(), &"complete".into(), &45.into())
    );
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["sources"]["nva"], 45);
}

#[test]
fn hits_repeated_across_pages_are_stored_once() {
    let server = mock(
        45,
        Options {
            overlap: true,
            ..Default::default()
        },
    );
    let ws = workspace_with(&server, &nva_query("q", "size = 20"));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Pages of 20, 20 and 7 hits, two of them repeats.
    assert_eq!(server.requests().len(), 3);
    assert_eq!(json["searches"][0]["received"], 47);
    assert_eq!(json["retrieved"], 45);
    assert_eq!(record_set(&ws.records("nva")).len(), 45);
}

#[test]
fn stops_at_the_reported_total_or_on_an_empty_page() {
    // Exactly two full pages: totalHits ends the search without asking for a third.
    let server = mock(40, Options::default());
    let ws = workspace_with(&server, &nva_query("q", "size = 20"));
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("nva").len(), 40);
    assert_eq!(server.requests().len(), 2);

    // The index shrank meanwhile (50 reported, 40 left): the empty third page ends it, although
    // it still carries a nextSearchAfterResults link.
    let server = mock(
        40,
        Options {
            report_total: Some(50),
            ..Default::default()
        },
    );
    let ws = workspace_with(&server, &nva_query("q", "size = 20"));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (
            json["retrieved"].as_u64(),
            json["searches"][0]["reported"].as_u64()
        ),
        (Some(40), Some(50))
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests[2].param("search_after").is_some());
}

#[test]
fn the_limit_stops_the_search_and_sizes_the_page() {
    let server = mock(300, Options::default());
    let ws = workspace_with(&server, &nva_query("q", "limit = 130"));
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("nva").len(), 130);
    assert_eq!(sizes(&server.requests()), ["100", "100"]);

    let server = mock(300, Options::default());
    let ws = workspace_with(&server, &nva_query("q", "limit = 7"));
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("nva").len(), 7);
    assert_eq!(sizes(&server.requests()), ["7"]);
}

#[test]
fn halves_the_page_size_when_big_pages_fail_with_5xx() {
    let server = mock(
        60,
        Options {
            max_ok_size: Some(25),
            ..Default::default()
        },
    );
    let ws = workspace_with(&server, &nva_query("q", ""));
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("nva").len(), 60);
    let requests = server.requests();
    // 100 fails twice (one retry), 50 twice, then 25 a page: 25, 25 and a short 10.
    assert_eq!(
        sizes(&requests),
        ["100", "100", "50", "50", "25", "25", "25"]
    );
    assert_eq!(
        requests[4].param("search_after"),
        None,
        "still the first page"
    );
    assert!(requests[5].param("search_after").is_some());
    let err = stderr(&out);
    assert!(
        err.contains("asked for again with 50 hits a page instead of 100")
            && err.contains("asked for again with 25 hits a page instead of 50"),
        "{err}"
    );
    assert!(err.contains("HTTP 502"), "{err}");
    let log = &ws.runlog()[0];
    assert_eq!(
        (log["retries"].as_u64(), log["requests"].as_u64()),
        (Some(2), Some(7))
    );
}

#[test]
fn zero_hits() {
    let server = Server::start(|_| Reply::json(200, fixture(nva::ZERO_HITS)));
    let ws = workspace_with(&server, &nva_query("nothing", ""));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["retrieved"], 0);
    assert_eq!(json["searches"][0]["reported"], 0);
    assert!(ws.records("nva").is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn the_real_page_keeps_cristin_ids_and_drops_links_posing_as_dois() {
    let server = Server::start(|_| Reply::json(200, fixture(nva::REAL_PAGE)));
    let ws = workspace_with(&server, &nva_query("lectures", "limit = 3"));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["searches"][0]["reported"], 438_783);
    assert_eq!(
        server.requests().len(),
        1,
        "the limit is reached on the first page"
    );
    let records = ws.records("nva");
    let cristin: Vec<&str> = records
        .iter()
        .map(|r| r["ids"]["cristin"].as_str().unwrap())
        .collect();
    assert_eq!(cristin, ["10438417", "10438415", "10438363"]);
    assert!(records.iter().all(|r| r.get("doi").is_none()));
    assert_eq!(records[1]["funding"][0]["funder"], "NFR");
    assert_eq!(records[1]["funding"][0]["project"], "326825");
    assert_eq!(records[0]["language"], "nob");
    assert_eq!(records[0]["year"], 2026);
    // The raw payload is the hit as sent (on one line).
    assert_eq!(
        records[2]["raw"]["entityDescription"]["reference"]["doi"],
        "https://www.youtube.com/watch?v=nl5uJ9yFuR8"
    );
}

#[test]
fn norwegian_text_and_nfr_grants_survive_end_to_end() {
    let server = Server::start(|_| Reply::json(200, fixture(nva::SYNTHETIC_PAGE)));
    let ws = workspace_with(&server, &nva_query("q", "limit = 4"));
    let out = ws.ok(&["harvest"]);
    assert!(
        stderr(&out).contains("hit 4 skipped: no identifier"),
        "{}",
        stderr(&out)
    );
    let records = ws.records("nva");
    assert_eq!(records.len(), 3);
    assert_eq!(
        records[0]["title"],
        "Tjenestetildeling i små kommuner: åpenhet, økonomi og særlige hensyn"
    );
    assert_eq!(records[0]["doi"], "10.5555/nva.synthetic.1");
    assert_eq!(records[0]["ids"]["cristin"], "1912345");
    assert_eq!(
        records[1]["title"],
        "Styring p\u{e5} tvers: tildeling av sykehjemsplass i M\u{e5}lselv og \u{c5}s",
        "NFD stored as NFC"
    );
    assert_eq!(
        records[1]["funding"],
        serde_json::json!([
            {"funder": "NFR", "project": "287131"},
            {"funder": "NFR"},
            {"funder": "EU", "project": "101094258"}
        ])
    );
    assert_eq!(records[2]["title"], "Tillit i hjemmetjenesten & omsorg");
}

#[test]
fn relevance_sort_pages_with_from_and_size() {
    // The mock refuses search_after with relevance, as the service does.
    let server = mock(45, Options::default());
    let ws = workspace_with(
        &server,
        &nva_query("q", "size = 20\nsort = \"relevance\"\nlimit = 500"),
    );
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("nva").len(), 45);
    let requests = server.requests();
    let from: Vec<Option<&str>> = requests.iter().map(|r| r.param("from")).collect();
    assert_eq!(from, [None, Some("20"), Some("40")]);
    assert!(requests.iter().all(|r| r.param("search_after").is_none()));
}

#[test]
fn a_400_is_not_retried_and_its_detail_is_shown() {
    let server = Server::start(|_| {
        nva::problem(
            400,
            "Invalid query parameter supplied [lang]. Valid parameters: [query, …]",
        )
    });
    let ws = workspace_with(&server, &nva_query("q", ""));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line = err.lines().find(|l| l.starts_with("error:")).unwrap();
    assert!(
        line.contains("HTTP 400 Bad Request: Invalid query parameter supplied [lang]")
            && line.contains(&server.url()),
        "{line}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn query_file_mistakes_are_usage_errors_and_odd_queries_are_warned_about() {
    let server = mock(5, Options::default());
    let ws = workspace_with(&server, &nva_query("q", "lang = \"nb\""));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "queries/q.toml:3: search 1: unknown key `lang` for an nva search (known: query, limit,"
        ),
        "{err}"
    );
    ws.write(
        "queries/q.toml",
        &nva_query(
            "q",
            "publication_year_since = 2020\npublication_year_before = 2020",
        ),
    );
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is exclusive"), "{}", stderr(&out));
    assert!(server.requests().is_empty());

    ws.write(
        "queries/q.toml",
        "name = \"q\"\n[[search]]\nsource = \"nva\"\nquery = \"tildeling OR allocation\"\npublication_year_since = 2015\n",
    );
    let out = ws.ok(&["harvest"]);
    assert!(
        stderr(&out).contains("NVA has no boolean operators: `OR` is searched as a word"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        server.requests()[0].param("publication_year_since"),
        Some("2015"),
        "numbers are sent as strings"
    );
}

#[test]
fn retries_429_honouring_retry_after() {
    let server = flaky(1, || {
        nva::problem(429, "Too many requests").header("retry-after", "1")
    });
    let ws = workspace_with(&server, &nva_query("q", "size = 20"));
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("nva").len(), 30);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert!(
        reqs[1].at - reqs[0].at >= Duration::from_millis(950),
        "Retry-After: 1 not honoured"
    );
    assert_eq!(
        sizes(&reqs),
        ["20", "20", "20"],
        "a 429 never halves the page"
    );
    assert!(stderr(&out).contains("HTTP 429"), "{}", stderr(&out));
}

#[test]
fn retries_429_without_retry_after_with_backoff() {
    let server = flaky(2, || nva::problem(429, "Too many requests"));
    let ws = workspace_with(&server, &nva_query("q", "size = 20"));
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("nva").len(), 30);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    assert!(reqs[1].at - reqs[0].at >= Duration::from_millis(10));
    assert!(reqs[2].at - reqs[1].at >= Duration::from_millis(20));
    assert_eq!(ws.runlog()[0]["retries"], 2);
}

#[test]
fn retries_503_then_gives_up_with_one_error_line_keeping_what_it_had() {
    let mock = Mock::new(hits(60, "g"), Options::default());
    let count = AtomicUsize::new(0);
    let server = Server::start(move |r| {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            mock.handle(r)
        } else {
            Reply::text(503, "text/plain", "down for maintenance")
        }
    });
    let ws = workspace_with(&server, &nva_query("q", "size = 20"));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    let line = errors[0];
    assert!(
        line.contains("gave up after ")
            && line.contains("last: HTTP 503 Service Unavailable: down for maintenance"),
        "{line}"
    );
    assert!(
        line.contains(&server.url()) && line.contains("size=10"),
        "{line}"
    );
    // Page 1, page 2 at 20 (one retry), then at 10 with the whole retry budget.
    let requests = server.requests();
    assert_eq!(sizes(&requests[..3]), ["20", "20", "20"]);
    assert!(sizes(&requests[3..]).iter().all(|s| *s == "10"));
    assert_retried_for_the_budget(&requests[3..]);
    assert_eq!(ws.records("nva").len(), 20, "the first page stays stored");
    let log = &ws.runlog()[0];
    assert_eq!(log["status"], "failed");
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["searches"]["failed"][0]["name"], "q");
}

#[test]
fn connection_reset_is_retried() {
    let server = flaky(2, || Reply::Reset);
    let ws = workspace_with(&server, &nva_query("q", "size = 20"));
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("nva").len(), 30);
    assert_eq!(server.requests().len(), 4);
    assert!(stderr(&out).contains("; retrying in "), "{}", stderr(&out));
}

#[test]
fn truncated_bodies_are_retried() {
    let page = fixture(nva::REAL_PAGE);
    let cut = page.clone();
    let count = AtomicUsize::new(0);
    let mock = Mock::new(hits(30, "f"), Options::default());
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
    let ws = workspace_with(&server, &nva_query("q", "size = 20"));
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("nva").len(), 30);
    assert_eq!(server.requests().len(), 4);
    assert_eq!(
        sizes(&server.requests()),
        ["20", "20", "20", "20"],
        "never halved"
    );
    let err = stderr(&out);
    assert!(err.contains("body cut short"), "{err}");
    assert!(err.contains("unusable response body"), "{err}");
}

#[test]
fn kill_9_mid_harvest_then_rerun_gives_the_uninterrupted_result() {
    let all = hits(300, "k");
    let reference = {
        let mock = Arc::new(Mock::new(all.clone(), Options::default()));
        let server = Server::start(move |r| mock.handle(r));
        let ws = workspace_with(&server, &nva_query("q", "size = 20"));
        ws.ok(&["harvest"]);
        record_set(&ws.records("nva"))
    };
    assert_eq!(reference.len(), 300);

    let mock = Arc::new(Mock::new(
        all,
        Options {
            delay: Duration::from_millis(25),
            ..Default::default()
        },
    ));
    let server = Server::start(move |r| mock.handle(r));
    let ws = workspace_with(&server, &nva_query("q", "size = 20"));
    let records_file = ws.root.join("corpus/records/nva.jsonl");
    for stop_after in [40usize, 120, 200] {
        ws.kill_harvest_after("nva", stop_after);
    }
    let before = read_jsonl(&records_file).len();
    assert!(before < 300, "the kills left work to do ({before})");
    ws.ok(&["harvest"]);
    assert_eq!(
        record_set(&ws.records("nva")),
        reference,
        "resumed harvest differs from an uninterrupted one"
    );
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["sources"]["nva"], 300);
}

#[test]
fn offline_replay_equals_the_online_result_halving_included() {
    let server = mock(
        60,
        Options {
            max_ok_size: Some(25),
            ..Default::default()
        },
    );
    let ws = workspace_with(&server, &nva_query("q", ""));
    ws.ok(&["harvest"]);
    let online = record_set(&ws.records("nva"));
    assert_eq!(online.len(), 60);
    drop(server);

    std::fs::remove_file(ws.root.join("corpus/records/nva.jsonl")).unwrap();
    let (json, out) = ws.json(&["harvest", "--offline"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["mode"], "offline");
    assert_eq!(json["retrieved"], 60);
    assert_eq!(record_set(&ws.records("nva")), online);
    let log = ws.runlog();
    assert_eq!(log[1]["mode"], "offline");
    assert_eq!(log[1]["replayed_run"], log[0]["run"]);
    assert_eq!(log[1]["reported"], 60);
    assert_eq!(
        log[1]["requests"], log[0]["requests"],
        "the same exchanges, failures included"
    );
}

#[test]
fn dry_run_shows_the_first_request_and_sends_nothing() {
    let server = mock(5, Options::default());
    let ws = workspace_with(
        &server,
        &nva_query(
            "q",
            "category = \"AcademicArticle\"\nfunding_source = \"NFR\"",
        ),
    );
    let out = ws.ok(&["harvest", "--dry-run"]);
    assert!(server.requests().is_empty());
    let text = crate::common::stdout(&out);
    assert!(
        text.contains("nva q#1  GET ")
            && text.contains("/search/resources?query=tjenestetildeling&category=AcademicArticle&funding_source=NFR&aggregation=none&size=100&sort=created_date%3Aasc"),
        "{text}"
    );
}
