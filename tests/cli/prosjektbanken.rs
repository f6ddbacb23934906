//! `litscope harvest --source prosjektbanken`: register records from the project bank, with
//! summaries read from project pages.

use crate::common::prosjektbanken::{Prosjektbanken, projects};
use crate::common::server::{Reply, Server};
use crate::common::{TestWorkspace, assert_retried_for_the_budget, read_jsonl, record_set, stderr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn query(extra: &str) -> String {
    format!(
        "name = \"projects\"\n\n[[search]]\nsource = \"prosjektbanken\"\nquery = \"kommune helse\"\n{extra}\n"
    )
}

fn workspace(server: &Server, extra: &str) -> TestWorkspace {
    let mut ws = TestWorkspace::new();
    ws.prosjektbanken(&server.url())
        .env("LITSCOPE_NVA_URL", &server.url());
    ws.write("queries/p.toml", &query(extra));
    ws
}

fn mock() -> Server {
    let pb = Arc::new(Prosjektbanken::default());
    Server::start(move |r| pb.handle(r))
}

fn find<'a>(records: &'a [serde_json::Value], number: &str) -> &'a serde_json::Value {
    records
        .iter()
        .find(|r| r["provenance"]["source_id"] == number)
        .unwrap_or_else(|| panic!("project {number} missing"))
}

#[test]
fn pages_by_offset_and_reads_the_seed_project_pages() {
    let server = mock();
    let ws = workspace(&server, "page_size = 20");
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let total = projects().len();
    assert_eq!(json["retrieved"], total);
    let listing: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("projectlist"))
        .collect();
    let offsets: Vec<_> = listing
        .iter()
        .map(|r| r.param("offset").unwrap().to_string())
        .collect();
    assert_eq!(
        offsets,
        ["0", "20", "40", "60"],
        "offset paging until a short page"
    );
    assert!(listing.iter().all(
        |r| r.param("Fritekst") == Some("kommune helse") && r.param("Kilde") == Some("FORISS")
    ));
    let pages: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/project/FORISS/"))
        .collect();
    assert_eq!(pages.len(), total, "one project page per project");
    assert!(
        pages
            .iter()
            .all(|r| r.header("accept") == Some("text/html"))
    );

    let records = ws.records("prosjektbanken");
    assert_eq!(records.len(), total);
    let r = find(&records, "327219");
    assert_eq!(r["type"], "project");
    assert_eq!(
        r["title"],
        "Ressursfordeling i helse- og omsorgstjenesten i kommunene"
    );
    assert_eq!(r["language"], "nb");
    assert_eq!(
        r["other_titles"]["en"],
        "Resource allocation within primary health and care services in Norwegian municipalities"
    );
    assert_eq!(r["project"]["number"], "327219");
    assert_eq!(
        r["project"]["funding_nok"], 1_800_000,
        "\"kr 1,8 mill.\" is 1 800 000 NOK"
    );
    assert_eq!(r["project"]["start_year"], 2021);
    assert_eq!(r["project"]["end_year"], 2025);
    assert_eq!(r["project"]["lead"], "NORD UNIVERSITET");
    assert_eq!(
        r["project"]["programme"],
        "INNOFFARENA-Innovasjonsarena for stat og kommune"
    );
    let summary = r["abstract"].as_str().unwrap();
    assert!(
        summary.starts_with("Helse- og omsorgstjenesten i de 356 norske kommunene"),
        "{summary}"
    );
    assert!(
        summary.contains("\n\nDet synes å mangle kunnskap på intern ressursfordeling"),
        "both summaries, as paragraphs"
    );
    assert!(
        r["url"]
            .as_str()
            .unwrap()
            .ends_with("/project/FORISS/327219")
    );

    let h = find(&records, "349999");
    assert_eq!(
        h["title"],
        "Innovation in municipal home-based healthcare services"
    );
    assert_eq!(h["language"], "en");
    assert_eq!(
        h["other_titles"]["nb"],
        "Innovasjon i kommunale hjemmebaserte helsetjenester"
    );
    assert_eq!(h["project"]["funding_nok"], 9_400_000);
    assert!(
        h["abstract"]
            .as_str()
            .unwrap()
            .contains("This project addresses the societal challenge")
    );

    // Open-data projects: the listing's exact amount is kept over a rounded page figure.
    let other = find(&records, "225873");
    assert_eq!(other["project"]["funding_nok"], 6_978_124);
    assert_eq!(other["year"], 2013);
}

#[test]
fn a_page_whose_selectors_miss_keeps_the_record_and_warns_once() {
    let server = mock();
    let ws = workspace(&server, "page_size = 20\nlimit = 5");
    let out = ws.ok(&["harvest"]);
    let records = ws.records("prosjektbanken");
    assert_eq!(records.len(), 5);
    // Projects 3..5 of the listing are served a script-only page.
    let r = find(&records, "225873");
    assert!(r.get("abstract").is_none());
    assert_eq!(
        r["title"],
        "Stokastisk optimaliseringsmodell for Norden med individuelle vannverdier og nettrestriksjoner"
    );
    let err = stderr(&out);
    let warnings: Vec<_> = err
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("project 225873"))
        .collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("summary (main .project-summary p)"),
        "{}",
        warnings[0]
    );
}

#[test]
fn a_missing_page_keeps_the_record_and_warns() {
    let pb = Prosjektbanken::default();
    let server = Server::start(move |r| {
        if r.path == "/project/FORISS/327219" {
            Reply::text(404, "text/html", "<h1>Finnes ikke</h1>")
        } else {
            pb.handle(r)
        }
    });
    let ws = workspace(&server, "limit = 2");
    let out = ws.ok(&["harvest"]);
    let records = ws.records("prosjektbanken");
    let r = find(&records, "327219");
    assert!(r.get("abstract").is_none());
    assert_eq!(r["project"]["end_year"], 2025, "the listing's data stays");
    assert!(
        stderr(&out).contains("project 327219: page not read"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("HTTP 404 Not Found: Finnes ikke"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_project_nva_does_not_know_is_kept_with_a_warning() {
    let pb = Prosjektbanken::default();
    let server = Server::start(move |r| {
        if r.path == "/verified-funding/nfr/349999" {
            Reply::json(
                404,
                r#"{"title":"Not Found","status":404,"detail":"Could not find funding"}"#,
            )
        } else {
            pb.handle(r)
        }
    });
    let ws = workspace(&server, "limit = 2");
    let out = ws.ok(&["harvest"]);
    let records = ws.records("prosjektbanken");
    assert!(
        find(&records, "349999")["project"]
            .get("start_year")
            .is_none()
    );
    assert!(
        stderr(&out).contains("project 349999: NVA has no verified funding record"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("HTTP 404 Not Found: Could not find funding"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn pages_can_be_left_out() {
    let server = mock();
    let ws = workspace(&server, "limit = 10\npages = false");
    ws.ok(&["harvest"]);
    assert_eq!(ws.records("prosjektbanken").len(), 10);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/project/"))
    );
}

#[test]
fn the_cristin_integration_search_pages_by_from_and_size() {
    let server = mock();
    let ws = workspace(
        &server,
        "endpoint = \"cristin\"\npage_size = 25\npages = false",
    );
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let total = projects().len();
    assert_eq!(json["searches"][0]["reported"], total);
    assert_eq!(json["retrieved"], total);
    let froms: Vec<_> = server
        .requests()
        .iter()
        .filter(|r| r.path == "/prosjektbanken/rest/cristin/search")
        .map(|r| r.param("from").unwrap().to_string())
        .collect();
    assert_eq!(froms, ["0", "25", "50"]);
    let records = ws.records("prosjektbanken");
    assert_eq!(find(&records, "327219")["project"]["start_year"], 2021);
}

#[test]
fn failures_are_retried_like_every_source() {
    // A reset, a 503, a truncated body and a 429 in a row, then the real thing.
    let pb = Prosjektbanken::default();
    let count = AtomicUsize::new(0);
    let server = Server::start(move |r| match count.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::Reset,
        1 => Reply::text(503, "text/html", "<h1>Service Unavailable</h1>"),
        2 => Reply::Truncate {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: br#"{"projects":[{"id":1}]}"#.to_vec(),
            send: 10,
        },
        3 => Reply::text(429, "text/html", "slow down").header("retry-after", "0"),
        _ => pb.handle(r),
    });
    let ws = workspace(&server, "limit = 3\npages = false");
    let out = ws.ok(&["harvest"]);
    assert_eq!(ws.records("prosjektbanken").len(), 3);
    let err = stderr(&out);
    for reason in [
        "(4th failure, ",
        "HTTP 503 Service Unavailable",
        "body cut short",
        "HTTP 429 Too Many Requests",
    ] {
        assert!(err.contains(reason), "{reason} missing in:\n{err}");
    }

    // And a server that never recovers: one line naming the URL and the status, exit 1.
    let server = Server::start(|_| Reply::text(503, "text/html", "<h1>Service Unavailable</h1>"));
    let ws = workspace(&server, "");
    let out = ws.run(&["harvest"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.starts_with("error: prosjektbanken projects#1:"))
        .unwrap();
    assert!(
        line.contains(&format!(
            "GET {}/prosjektbanken/rest/projectlist?",
            server.url()
        )),
        "{line}"
    );
    assert!(
        line.contains("gave up after ") && line.contains("last: HTTP 503 Service Unavailable"),
        "{line}"
    );
    assert_retried_for_the_budget(&server.requests());
}

#[test]
fn kill_9_then_rerun_gives_the_uninterrupted_result() {
    let pb = Prosjektbanken::default();
    let server = Server::start(move |r| pb.handle(r).delayed(Duration::from_millis(15)));
    let reference = {
        let ws = workspace(&server, "page_size = 5\npages = false");
        ws.ok(&["harvest"]);
        record_set(&ws.records("prosjektbanken"))
    };
    let ws = workspace(&server, "page_size = 5\npages = false");
    let file = ws.root.join("corpus/records/prosjektbanken.jsonl");
    for stop_after in [10usize, 30] {
        ws.kill_harvest_after("prosjektbanken", stop_after);
    }
    assert!(read_jsonl(&file).len() < reference.len());
    ws.ok(&["harvest"]);
    assert_eq!(record_set(&ws.records("prosjektbanken")), reference);
}

#[test]
fn offline_replay_includes_the_project_pages() {
    let server = mock();
    let ws = workspace(&server, "page_size = 20\nlimit = 8");
    ws.ok(&["harvest"]);
    let online = record_set(&ws.records("prosjektbanken"));
    drop(server);
    std::fs::remove_file(ws.root.join("corpus/records/prosjektbanken.jsonl")).unwrap();
    let (json, out) = ws.json(&["harvest", "--offline"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json["retrieved"], 8);
    let offline = record_set(&ws.records("prosjektbanken"));
    assert_eq!(offline, online);
    assert!(find(&offline, "327219")["abstract"].as_str().unwrap().len() > 1000);

    let (status, _) = ws.json(&["status"]);
    assert_eq!(status["sources"]["prosjektbanken"], 8);
}

#[test]
fn following_project_codes_finds_linked_publications_with_their_path() {
    use crate::common::{cristin, nva};
    let pb = Prosjektbanken::default();
    let cristin = cristin::Mock::fixtures(cristin::Options::default());
    let nva = nva::Mock::new(nva::hits(3, "linked"), nva::Options::default());
    let server = Server::start(move |r| {
        // Publications exist for project 327219 only.
        if r.path == "/v2/results" && r.param("project_code") != Some("327219") {
            Reply::json(200, "[]").header("x-total-count", "0")
        } else if r.path.starts_with("/v2/results") {
            cristin.handle(r)
        } else if r.path == "/search/resources" && r.param("funding_identifier") != Some("327219") {
            Reply::json(200, r#"{"totalHits":0,"hits":[]}"#)
        } else if r.path == "/search/resources" {
            nva.handle(r)
        } else {
            pb.handle(r)
        }
    });
    let mut ws = workspace(
        &server,
        "limit = 2\npages = false\nfollow = [\"cristin\", \"nva\"]",
    );
    ws.cristin(&server.url());
    let (json, out) = ws.json(&["harvest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let searches = json["searches"].as_array().unwrap();
    assert_eq!(
        searches.len(),
        5,
        "the project search, then Cristin and NVA for each of 2 projects"
    );
    let cristin_asked: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v2/results")
        .collect();
    assert_eq!(cristin_asked.len(), 2);
    assert!(
        cristin_asked
            .iter()
            .all(|r| r.param("funding_source") == Some("NFR"))
    );
    let mut codes: Vec<_> = cristin_asked
        .iter()
        .map(|r| r.param("project_code").unwrap().to_string())
        .collect();
    codes.sort();
    assert_eq!(codes, ["327219", "349999"]);
    let nva_asked: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/search/resources")
        .collect();
    assert_eq!(nva_asked.len(), 2);
    assert!(
        nva_asked
            .iter()
            .all(|r| r.param("funding_source") == Some("NFR"))
    );

    for source in ["cristin", "nva"] {
        let publications = ws.records(source);
        assert!(!publications.is_empty(), "{source}");
        assert!(
            publications
                .iter()
                .all(|r| r["provenance"]["via"] == "prosjektbanken:327219"),
            "{source}: {publications:?}"
        );
    }
    let log = ws.runlog();
    let followed: Vec<_> = log.iter().filter(|l| l["via"].is_string()).collect();
    assert_eq!(followed.len(), 4);
    assert!(
        followed
            .iter()
            .any(|l| l["source"] == "nva" && l["via"] == "prosjektbanken:327219")
    );
    assert!(
        stderr(&out).contains("cristin projects#1 via prosjektbanken:327219"),
        "{}",
        stderr(&out)
    );

    // Running it again finds nothing new and follows each link once more, no more.
    let (again, _) = ws.json(&["harvest"]);
    assert_eq!(again["retrieved"], 0);
    assert_eq!(again["searches"].as_array().unwrap().len(), 5);

    // And the whole chain replays offline.
    drop(server);
    for source in ["prosjektbanken", "cristin", "nva"] {
        std::fs::remove_file(ws.root.join(format!("corpus/records/{source}.jsonl"))).unwrap();
    }
    let (offline, out) = ws.json(&["harvest", "--offline"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(offline["retrieved"], json["retrieved"]);
}
