//! `litscope harvest` end to end against a local Cristin serving the synthetic fixtures
//! (`tests/fixtures/cristin/`): Link and page-number paging, detail requests for missing
//! abstracts, multilingual titles, DOIs from `links`, NFR codes, and the failure matrix
//! (429, 5xx, reset, truncated body, kill -9 + resume, offline replay).

use crate::common::cristin::{Mock, Options, synthetic_items};
use crate::common::server::{Reply, Request, Server};
use crate::common::{TestWorkspace, assert_retried_for_the_budget, read_jsonl, record_set, stderr};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn query(name: &str, extra: &str) -> String {
    format!(
        "name = \"{name}\"\n\n[[search]]\nsource = \"cristin\"\nquery = \"tildeling\"\n{extra}\n"
    )
}

fn workspace_with(server: &Server, query: &str) -> TestWorkspace {
    let mut ws = TestWorkspace::new();
    ws.cristin(&server.url());
    ws.write("queries/q.toml", query);
    ws
}

fn serve(mock: Mock) -> Server {
    let mock = Arc::new(mock);
    Server::start(move |r| mock.handle(r))
}

fn lists(server: &Server) -> Vec<Request> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v2/results")
        .collect()
}

fn details(server: &Server) -> Vec<Request> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v2/results/"))
        .collect()
}

fn by_id<'a>(records: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    records
        .iter()
        .find(|r| r["provenance"]["source_id"] == id)
        .unwrap_or_else(|| panic!("record {id} missing"))
}

#[test]
fn pages_by_link_and_merges_details_for_missing_summaries() {
    let server = serve(Mock::fixtures(Options::default()));
    let ws = workspace_with(&server, &query("cristin-q", "per_page = 2"));
    let (json, out) = ws.json(&["harvest", "--source", "cristin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["retrieved"], 4);
    let s = &json["searches"][0];
    assert_eq!(
        (&s["source"], &s["name"], &s["query"], &s["reported"]),
        (
            &"cristin".into(),
            &"cristin-q".into(),
            &"tildeling".into(),
            &4.into()
        )
    );

    let lists = lists(&server);
    assert_eq!(lists.len(), 2, "two pages of two");
    assert_eq!(
        (
            lists[0].param("title"),
            lists[0].param("page"),
            lists[0].param("per_page")
        ),
        (Some("tildeling"), Some("1"), Some("2"))
    );
    assert_eq!(
        lists[1].param("via"),
        Some("link"),
        "page 2 is the Link target"
    );
    assert_eq!(lists[1].param("page"), Some("2"));
    let details = details(&server);
    assert_eq!(details.len(), 1, "only the item without a summary");
    assert_eq!(details[0].path, "/v2/results/1800002");

    let records = ws.records("cristin");
    let ids: Vec<&str> = records
        .iter()
        .map(|r| r["provenance"]["source_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1800001", "1800002", "1800003", "1800004"]);

    // Multilingual title and abstract, DOI from links, NFR codes exactly as given.
    let r = by_id(&records, "1800001");
    assert_eq!(
        r["title"],
        "Tildeling av helse- og omsorgstjenester i kommunene: bestiller–utfører-modellen"
    );
    assert_eq!(
        r["other_titles"]["en"],
        "Allocation of health and care services in municipalities: the purchaser–provider model"
    );
    assert!(
        r["abstract"]
            .as_str()
            .unwrap()
            .starts_with("Artikkelen undersøker")
    );
    assert!(
        r["other_abstracts"]["en"]
            .as_str()
            .unwrap()
            .starts_with("The article examines")
    );
    assert_eq!(r["doi"], "10.5555/cristin.tfo.2019.7.2.3");
    assert_eq!(
        r["funding"],
        serde_json::json!([{"funder": "NFR", "project": "256599"}, {"funder": "NFR", "project": "184951/I30"}])
    );
    assert_eq!(r["ids"]["cristin"], "1800001");
    assert_eq!(r["year"], 2019);
    assert_eq!(r["venue"], "Tidsskrift for omsorgsforskning");
    assert_eq!(r["pages"], "112-127");
    assert_eq!(
        r["type"], "journal-article",
        "Cristin's ARTICLE, normalised"
    );
    assert_eq!(r["authors"][0]["family"], "Ødegård");

    // The NFD title is stored in NFC; the detail gave the abstract and an NFR code.
    let r = by_id(&records, "1800002");
    assert_eq!(
        r["title"],
        "Kvalitet i hjemmetjenesten: pårørendes og brukeres opplevelser i Ålesund"
    );
    assert!(
        r["abstract"]
            .as_str()
            .unwrap()
            .starts_with("Studien beskriver hvordan brukere og pårørende")
    );
    assert_eq!(
        r["funding"],
        serde_json::json!([{"funder": "NFR", "project": "273714"}])
    );
    assert_eq!(
        r["other_titles"]["en"],
        "Quality in home care: experiences of users and next of kin in Ålesund"
    );
    assert_eq!(r["raw"]["year_reported"], "2021", "raw is the detail");

    assert_eq!(
        by_id(&records, "1800003")["title"],
        "Bestiller–utførermodeller i norske kommuner: en kartlegging"
    );

    let log = ws.runlog();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["source"], "cristin");
    assert_eq!(log[0]["status"], "complete");
    assert_eq!(log[0]["reported"], 4);
    assert_eq!(log[0]["retrieved"], 4);
    assert_eq!(log[0]["requests"], 3);

    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["sources"]["cristin"], 4);
}

#[test]
fn without_link_pages_by_number_until_the_total_or_an_empty_page() {
    // X-Total-Count but no Link: 20 + 20 + 5, then the total stops the search.
    let server = serve(Mock::new(
        synthetic_items(45, "n"),
        HashMap::new(),
        Options {
            link: false,
            ..Default::default()
        },
    ));
    let ws = workspace_with(&server, &query("q", "per_page = 20"));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["searches"][0]["reported"], 45);
    let pages: Vec<Option<String>> = lists(&server)
        .iter()
        .map(|r| {
            assert_eq!(r.param("via"), None);
            r.param("page").map(str::to_string)
        })
        .collect();
    assert_eq!(
        pages,
        [Some("1".into()), Some("2".into()), Some("3".into())]
    );
    let records = ws.records("cristin");
    assert_eq!(records.len(), 45);
    record_set(&records);
    // Every fourth item came without a summary: 11 details, each merged.
    assert_eq!(details(&server).len(), 11);
    assert!(records.iter().all(|r| r["abstract"].is_string()));
    assert!(
        by_id(&records, "9000005")["abstract"]
            .as_str()
            .unwrap()
            .starts_with("Sammendrag fra detaljen 9000005")
    );

    // Neither Link nor total: two full pages, then an empty one.
    let server = serve(Mock::new(
        synthetic_items(40, "e"),
        HashMap::new(),
        Options {
            link: false,
            total: false,
            ..Default::default()
        },
    ));
    let ws = workspace_with(&server, &query("q", "per_page = 20"));
    let (json, _) = ws.json(&["harvest"]);
    assert_eq!(json["retrieved"], 40);
    assert_eq!(json["searches"][0]["reported"], serde_json::Value::Null);
    assert_eq!(lists(&server).len(), 3);
}

#[test]
fn the_limit_caps_records_page_size_and_details() {
    let server = serve(Mock::new(
        synthetic_items(100, "l"),
        HashMap::new(),
        Options::default(),
    ));
    let ws = workspace_with(&server, &query("q", "limit = 30"));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["retrieved"], 30);
    assert_eq!(json["searches"][0]["reported"], 100);
    let lists = lists(&server);
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].param("per_page"), Some("30"));
    // Details only for records kept (items 1, 5, …, 29 of the first 30).
    assert_eq!(details(&server).len(), 8);
}

#[test]
fn a_failed_detail_keeps_the_record_with_one_warning() {
    let server = serve(Mock::fixtures(Options {
        failing_details: HashSet::from(["1800002".to_string()]),
        ..Default::default()
    }));
    let ws = workspace_with(&server, &query("q", ""));
    let out = ws.ok(&["harvest"]);
    let records = ws.records("cristin");
    assert_eq!(records.len(), 4);
    let r = by_id(&records, "1800002");
    assert!(r.get("abstract").is_none());
    assert_eq!(
        r["title"],
        "Kvalitet i hjemmetjenesten: pårørendes og brukeres opplevelser i Ålesund"
    );
    assert_retried_for_the_budget(&details(&server));
    let err = stderr(&out);
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("result 1800002 kept without its abstract")
            && warnings[0].contains("/v2/results/1800002")
            && warnings[0].contains("HTTP 503"),
        "{}",
        warnings[0]
    );
    assert_eq!(ws.runlog()[0]["status"], "complete");
}

#[test]
fn a_server_that_ignores_page_does_not_loop() {
    // Full pages, no Link, no total, and always the same two items.
    let page = serde_json::to_string(&crate::common::cristin::fixture_items()[..2]).unwrap();
    let server = Server::start(move |r| {
        if r.path == "/v2/results" {
            Reply::json(200, page.clone())
        } else {
            crate::common::cristin::not_found()
        }
    });
    let ws = workspace_with(&server, &query("q", "per_page = 2"));
    let out = ws.ok(&["harvest"]);
    assert_eq!(lists(&server).len(), 2);
    assert_eq!(ws.records("cristin").len(), 2);
    assert!(
        stderr(&out).contains("the server sent the same page twice"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_detail_asking_to_wait_too_long_stops_the_search_before_the_page_is_stored() {
    let mock = Mock::fixtures(Options::default());
    let angry = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let server = Server::start({
        let angry = angry.clone();
        move |r| {
            if r.path == "/v2/results/1800002" && angry.load(Ordering::SeqCst) {
                too_many().header("retry-after", "3600")
            } else {
                mock.handle(r)
            }
        }
    });
    let ws = workspace_with(&server, &query("q", ""));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the server asks to wait 3600s (Retry-After)"),
        "{}",
        stderr(&out)
    );
    assert!(
        ws.records("cristin").is_empty(),
        "no record is stored without the abstract its rerun would skip"
    );
    angry.store(false, Ordering::SeqCst);
    ws.ok(&["harvest"]);
    let records = ws.records("cristin");
    assert_eq!(records.len(), 4);
    assert!(by_id(&records, "1800002")["abstract"].is_string());
}

#[test]
fn zero_results() {
    let server = Server::start(|_| Reply::json(200, "[]").header("x-total-count", "0"));
    let ws = workspace_with(&server, &query("nothing", ""));
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["retrieved"], 0);
    assert_eq!(json["searches"][0]["reported"], 0);
    assert!(ws.records("cristin").is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn bad_options_are_refused_before_anything_is_sent() {
    let server = serve(Mock::fixtures(Options::default()));
    let ws = workspace_with(&server, &query("q", "rows = 20"));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("queries/q.toml:3: search 1: unknown key `rows` for a cristin search (known: query, filter, limit, contributor"),
        "{err}"
    );
    let ws = workspace_with(&server, &query("q", "per_page = 5000"));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("1 to 1000"), "{}", stderr(&out));
    assert!(server.requests().is_empty());
}

#[test]
fn dry_run_shows_the_request_and_sends_nothing() {
    let server = serve(Mock::fixtures(Options::default()));
    let ws = workspace_with(
        &server,
        &query(
            "q",
            "funding_source = \"NFR\"\nproject_code = 256599\npublished_since = 2010\nlimit = 50",
        ),
    );
    let out = ws.ok(&["harvest", "--dry-run"]);
    assert!(server.requests().is_empty());
    let text = crate::common::stdout(&out);
    assert!(
        text.contains(&format!(
            "cristin q#1  GET {}/v2/results?title=tildeling&funding_source=NFR&project_code=256599&published_since=2010&page=1&per_page=50",
            server.url()
        )),
        "{text}"
    );
}

#[test]
fn default_limits_hold_with_detail_requests_in_flight() {
    // No limit headers: litscope's own Cristin limits (2 in flight, 5 a second) apply to list
    // and detail requests alike.
    let mut items = synthetic_items(12, "d");
    for item in &mut items {
        item.as_object_mut().unwrap().remove("summary");
    }
    let server = serve(Mock::new(
        items,
        HashMap::new(),
        Options {
            headers: Vec::new(),
            ..Default::default()
        },
    ));
    let ws = workspace_with(&server, &query("q", ""));
    // The test settings speed sources up with `[http] rate`; this test wants the defaults.
    let review = std::fs::read_to_string(ws.root.join("review.toml")).unwrap();
    let defaults: String = review
        .lines()
        .filter(|l| !l.starts_with("rate ="))
        .map(|l| format!("{l}\n"))
        .collect();
    ws.write("review.toml", &defaults);
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("cristin").len(), 12);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 13);
    crate::common::server::assert_at_most_per_second(&reqs, 5);
    assert!(server.max_in_flight() <= 2, "{}", server.max_in_flight());
}

#[test]
fn details_overlap_up_to_the_detail_concurrency() {
    // 12 details of 150 ms each, the server allowing 4 in flight: 4 at a time, not one.
    let mut items = synthetic_items(12, "c");
    for item in &mut items {
        item.as_object_mut().unwrap().remove("summary");
    }
    let server = serve(Mock::new(
        items,
        HashMap::new(),
        Options {
            detail_delay: Duration::from_millis(150),
            ..Default::default()
        },
    ));
    let ws = workspace_with(&server, &query("q", ""));
    let started = std::time::Instant::now();
    ws.ok(&["harvest"]);
    let elapsed = started.elapsed();
    let records = ws.records("cristin");
    assert_eq!(records.len(), 12);
    assert!(records.iter().all(|r| r["abstract"].is_string()));
    assert_eq!(details(&server).len(), 12);
    assert_eq!(server.max_in_flight(), 4, "details run four at a time");
    assert!(
        elapsed < Duration::from_millis(12 * 150),
        "details were fetched one by one ({elapsed:?})"
    );
}

/// A server that answers the first `fail` requests with `failure`, then as the fixture mock.
fn flaky(fail: usize, failure: impl Fn() -> Reply + Send + Sync + 'static) -> Server {
    let mock = Mock::fixtures(Options::default());
    let count = AtomicUsize::new(0);
    Server::start(move |r| {
        if count.fetch_add(1, Ordering::SeqCst) < fail {
            failure()
        } else {
            mock.handle(r)
        }
    })
}

fn too_many() -> Reply {
    Reply::text(
        429,
        "text/html",
        "<html><body><h1>429 Too Many Requests</h1></body></html>",
    )
}

#[test]
fn retries_429_honouring_retry_after() {
    let server = flaky(1, || too_many().header("retry-after", "1"));
    let ws = workspace_with(&server, &query("q", ""));
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("cristin").len(), 4);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1 + 1 + 1, "429, the list again, one detail");
    let waited = reqs[1].at - reqs[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 not honoured ({waited:?})"
    );
    assert!(stderr(&out).contains("HTTP 429 Too Many Requests"));
    assert_eq!(ws.runlog()[0]["retries"], 1);
}

#[test]
fn retries_429_without_retry_after_with_backoff() {
    let server = flaky(2, too_many);
    let ws = workspace_with(&server, &query("q", ""));
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("cristin").len(), 4);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2 + 1 + 1);
    assert!(reqs[1].at - reqs[0].at >= Duration::from_millis(10));
    assert!(reqs[2].at - reqs[1].at >= Duration::from_millis(20));
    assert_eq!(ws.runlog()[0]["retries"], 2);
}

#[test]
fn retries_503_then_gives_up_with_one_error_line_keeping_what_it_had() {
    // Page 1 fine, page 2 down for good.
    let mock = Mock::fixtures(Options::default());
    let server = Server::start(move |r| {
        if r.path == "/v2/results" && r.param("page") == Some("2") {
            Reply::text(503, "text/plain", "down for maintenance")
        } else {
            mock.handle(r)
        }
    });
    let ws = workspace_with(&server, &query("q", "per_page = 2"));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].contains(&format!("GET {}/v2/results?", server.url()))
            && errors[0].contains("page=2")
            && errors[0].contains("gave up after ")
            && errors[0].contains("last: HTTP 503 Service Unavailable: down for maintenance"),
        "{}",
        errors[0]
    );
    assert_retried_for_the_budget(&lists(&server)[1..]);
    // Page 1 (with its detail) is stored.
    let records = ws.records("cristin");
    assert_eq!(records.len(), 2);
    assert!(by_id(&records, "1800002")["abstract"].is_string());
    assert_eq!(ws.runlog()[0]["status"], "failed");
}

#[test]
fn a_refused_request_is_one_clear_line_and_not_retried() {
    // Cristin's error body format is UNCONFIRMED (API-FACTS §2.6): any body will do.
    let server = Server::start(|_| Reply::text(400, "text/plain", "Unknown parameter: colour"));
    let ws = workspace_with(&server, &query("q", ""));
    ws.write("queries/q.toml", &query("q", "filter = \"colour=red\""));
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].contains(&format!(
            "GET {}/v2/results?title=tildeling&colour=red",
            server.url()
        )) && errors[0].contains("HTTP 400 Bad Request: Unknown parameter: colour"),
        "{}",
        errors[0]
    );
    assert_eq!(server.requests().len(), 1, "400 is not retried");
    assert_eq!(ws.runlog()[0]["status"], "failed");
}

#[test]
fn connection_reset_is_retried() {
    let server = flaky(2, || Reply::Reset);
    let ws = workspace_with(&server, &query("q", ""));
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("cristin").len(), 4);
    assert_eq!(server.requests().len(), 2 + 1 + 1);
    assert!(stderr(&out).contains("; retrying in "), "{}", stderr(&out));
}

#[test]
fn truncated_list_and_detail_bodies_are_retried() {
    let mock = Mock::fixtures(Options::default());
    let list_calls = AtomicUsize::new(0);
    let detail_calls = AtomicUsize::new(0);
    let server = Server::start(move |r| {
        let reply = mock.handle(r);
        let Reply::Respond {
            status,
            headers,
            body,
            ..
        } = reply
        else {
            return reply;
        };
        let calls = if r.path == "/v2/results" {
            &list_calls
        } else {
            &detail_calls
        };
        match calls.fetch_add(1, Ordering::SeqCst) {
            // Fewer bytes than Content-Length, then the connection closes.
            0 => Reply::Truncate {
                status,
                headers,
                send: body.len() / 3,
                body,
            },
            // A complete-looking response whose JSON stops halfway.
            1 if r.path == "/v2/results" => Reply::json(200, body[..body.len() / 2].to_vec()),
            _ => Reply::Respond {
                status,
                headers,
                body,
                delay: Duration::ZERO,
            },
        }
    });
    let ws = workspace_with(&server, &query("q", ""));
    let out = ws.ok(&["harvest"]);
    let records = ws.records("cristin");
    assert_eq!(records.len(), 4);
    assert!(by_id(&records, "1800002")["abstract"].is_string());
    assert_eq!(lists(&server).len(), 3);
    assert_eq!(details(&server).len(), 2);
    let err = stderr(&out);
    assert!(err.contains("body cut short"), "{err}");
    assert!(err.contains("unusable response body"), "{err}");
}

#[test]
fn kill_9_mid_harvest_then_rerun_gives_the_uninterrupted_result() {
    let items = synthetic_items(300, "k");
    let reference = {
        let server = serve(Mock::new(items.clone(), HashMap::new(), Options::default()));
        let ws = workspace_with(&server, &query("q", "per_page = 20"));
        ws.ok(&["harvest"]);
        record_set(&ws.records("cristin"))
    };
    assert_eq!(reference.len(), 300);

    let server = serve(Mock::new(
        items,
        HashMap::new(),
        Options {
            delay: Duration::from_millis(25),
            ..Default::default()
        },
    ));
    let ws = workspace_with(&server, &query("q", "per_page = 20"));
    let records_file = ws.root.join("corpus/records/cristin.jsonl");
    // Kill at three different points; each run resumes what the last one left.
    for stop_after in [40usize, 120, 220] {
        ws.kill_harvest_after("cristin", stop_after);
    }
    let before = read_jsonl(&records_file).len();
    assert!(before < 300, "the kills left work to do ({before})");
    ws.ok(&["harvest"]);
    assert_eq!(
        record_set(&ws.records("cristin")),
        reference,
        "resumed harvest differs from an uninterrupted one"
    );
    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["sources"]["cristin"], 300);
}

#[test]
fn offline_replay_equals_the_online_result() {
    // Details, a failed detail and Link paging are all replayed from the recording.
    let server = serve(Mock::new(
        synthetic_items(30, "o"),
        HashMap::new(),
        Options {
            failing_details: HashSet::from(["9000005".to_string()]),
            ..Default::default()
        },
    ));
    let ws = workspace_with(&server, &query("q", "per_page = 10"));
    ws.ok(&["harvest"]);
    let online = record_set(&ws.records("cristin"));
    assert_eq!(online.len(), 30);
    assert!(by_id(&online, "9000001")["abstract"].is_string());
    assert!(by_id(&online, "9000005").get("abstract").is_none());
    drop(server);

    std::fs::remove_file(ws.root.join("corpus/records/cristin.jsonl")).unwrap();
    let (json, out) = ws.json(&["harvest", "--offline"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["mode"], "offline");
    assert_eq!(json["retrieved"], 30);
    assert_eq!(record_set(&ws.records("cristin")), online);
    assert!(
        stderr(&out).contains("result 9000005 kept without its abstract"),
        "{}",
        stderr(&out)
    );
    let log = ws.runlog();
    assert_eq!(log[1]["mode"], "offline");
    assert_eq!(log[1]["replayed_run"], log[0]["run"]);
    assert_eq!(log[1]["reported"], 30);
}
