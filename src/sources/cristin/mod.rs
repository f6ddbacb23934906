//! Cristin API v2: `GET {base}/v2/results`, paged by `Link: <…>; rel="next"`, with a detail
//! request `GET {base}/v2/results/{id}` for each item that arrives without its abstract.
//!
//! The facts this follows (evidence in `API-FACTS.md` §2):
//! - The saved query is Cristin's `title` parameter (the only text search); `contributor`,
//!   `doi`, `published_since`/`published_before` (years, inclusive), `funding_source` +
//!   `project_code` (the NFR link), `institution`, `category` and `lang` come from the query
//!   file. `per_page` is at most 1000; `page` is 1-based.
//! - The list is a **bare JSON array**. `X-Total-Count` gives the total; an RFC 8288 `Link`
//!   header with `rel="next"` points at the next page. Without a `Link` header the search
//!   pages on with `page` until a page is empty, the total is reached, or (total unknown) a
//!   page is short.
//! - Items: ids and years are **strings**; `title` and `summary` are `{lang: text}` language
//!   objects (the list schema calls the title `result_title`, real records use `title`);
//!   the DOI is in `links[]` with `url_type` `DOI`; `journal.name` is a string by the schema
//!   but a language object for one client, so both are read; `funding_sources[]` carry NFR
//!   project codes, kept exactly as given (they link records to Prosjektbanken).
//! - List items hold no `summary` unless the server chose to include it: those items get a
//!   detail request (a few at once, under the shared per-host limiter), whose summary,
//!   funding and keywords are merged into the record before it is stored. A detail that
//!   cannot be had after retries costs the record its abstract and one warning, never the
//!   record.
//!
//! This file holds the search (options, requests, paging) and the harvest loop; `item.rs`
//! turns result objects into records.
//!
//! The assumptions nothing here could confirm are listed in [`ASSUMPTIONS`] and kept at the
//! places that rely on them (search for `UNCONFIRMED`).

mod item;

pub use item::{Detail, merge_detail, parse_detail};

use super::http::{HttpClient, HttpError};
use super::{Event, HarvestError, PlannedSearch, SearchObserver, SearchOutcome, SearchSpec};
use crate::model::{HttpExchange, Record};
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use url::Url;

/// Largest `per_page` Cristin serves (`API-FACTS.md` §2.2: two clients, one of them Sikt's
/// own, call 1000 the upstream maximum).
pub const MAX_PER_PAGE: u32 = 1000;
/// Detail requests in flight at once for one search. The per-host limiter of the shared
/// client still caps what reaches the server (see `SourceKind::initial_limits`).
pub const DETAIL_CONCURRENCY: usize = 4;
/// Parameters litscope sets itself.
const MANAGED_PARAMS: &[&str] = &["page", "per_page"];
/// Keys a Cristin search accepts in a query file (besides `source`).
const KNOWN_KEYS: &str = "query, filter, limit, contributor, doi, published_since, published_before, funding_source, project_code, institution, category, lang, per_page";

/// What this source assumes without evidence (`API-FACTS.md` marks each UNCONFIRMED). Kept
/// here, in one list, so a reviewer can weigh them; the code that relies on one says so with
/// an `UNCONFIRMED` comment.
pub const ASSUMPTIONS: &[&str] = &[
    // §2.3; `link_next`, `CristinSearch::next_request`.
    "the Link header has the RFC 8288 form `<url>; rel=\"next\"` (implied by one Python client, never recorded)",
    // §2.3; `parse_page` (any empty array ends the search anyway).
    "zero hits come as `[]` with `X-Total-Count: 0` (faked by NVA's tests, never recorded)",
    // §2.2; `SourceSearch::server_defaults` is empty for Cristin.
    "the server's default `per_page` is unknown, so litscope always sends `per_page`",
    // §2.2, §2.4; `lang` is only passed on.
    "without `lang` only the original language comes; with it, the listed languages (whether the original one is always kept is unknown)",
    // §2.2; `CristinSearch::from_spec`.
    "`title=` searches titles only (whether it also matches abstracts is unknown)",
    // §2.4; `item::convert_item` takes authors from `contributors.preview` only.
    "`contributors.preview` holds only the first few names (the schema says at most 6)",
    // §2.6; `SourceKind::initial_limits`.
    "no rate limits are documented: litscope starts at 2 requests in flight and 5 a second",
];

/// A Cristin search, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct CristinSearch {
    /// Search parameters in request order (`title`, `contributor`, … and any from `filter`).
    pub params: Vec<(String, String)>,
    /// `lang`, also sent with detail requests.
    pub lang: Option<String>,
    /// Page size.
    pub per_page: u32,
    /// Records to retrieve at most.
    pub limit: Option<u64>,
}

/// A string option (numbers accepted: `project_code = 327219`).
fn string_option(key: &str, value: &serde_json::Value) -> Result<String, String> {
    let text = match value {
        serde_json::Value::String(s) => s.trim().to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(format!("`{key}` must be a string")),
    };
    if text.is_empty() {
        return Err(format!("`{key}` is empty"));
    }
    Ok(text)
}

/// A year option: `2010` or `"2010"`.
fn year_option(key: &str, value: &serde_json::Value) -> Result<i32, String> {
    let year = match value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    match year {
        Some(y) if (1000..=9999).contains(&y) => Ok(y as i32),
        _ => Err(format!(
            "`{key}` must be a year such as 2010 (Cristin takes years, not dates)"
        )),
    }
}

impl CristinSearch {
    /// Validates a search from a query file. Options: `contributor`, `doi`,
    /// `published_since`, `published_before`, `funding_source`, `project_code`,
    /// `institution`, `category`, `lang`, `per_page`; `filter` holds further Cristin
    /// parameters as `key=value&key=value`.
    pub fn from_spec(spec: &SearchSpec) -> Result<Self, String> {
        let mut params: Vec<(String, String)> = Vec::new();
        let query = spec.query.trim();
        if !query.is_empty() {
            // UNCONFIRMED whether `title` also matches abstracts (see ASSUMPTIONS).
            params.push(("title".into(), query.to_string()));
        }
        let mut lang = None;
        let mut per_page = None;
        let (mut since, mut before) = (None, None);
        let mut funding_source = false;
        let mut project_code = false;
        for (key, value) in &spec.options {
            match key.as_str() {
                "contributor" | "doi" | "institution" | "category" | "funding_source"
                | "project_code" => {
                    funding_source |= key == "funding_source";
                    project_code |= key == "project_code";
                    params.push((key.clone(), string_option(key, value)?));
                }
                "published_since" | "published_before" => {
                    let y = year_option(key, value)?;
                    if key == "published_since" {
                        since = Some(y);
                    } else {
                        before = Some(y);
                    }
                    params.push((key.clone(), y.to_string()));
                }
                "lang" => {
                    let codes: Vec<String> = match value {
                        serde_json::Value::String(s) => {
                            s.split(',').map(|c| c.trim().to_string()).collect()
                        }
                        serde_json::Value::Array(items) => items
                            .iter()
                            .map(|v| v.as_str().map(|c| c.trim().to_string()))
                            .collect::<Option<_>>()
                            .ok_or("`lang` must be language codes such as \"nb,nn,en\"")?,
                        _ => {
                            return Err("`lang` must be language codes such as \"nb,nn,en\"".into());
                        }
                    };
                    if codes.is_empty()
                        || codes
                            .iter()
                            .any(|c| c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_lowercase()))
                    {
                        return Err(
                            "`lang` must be two-letter language codes such as \"nb,nn,en\"".into(),
                        );
                    }
                    let joined = codes.join(",");
                    params.push(("lang".into(), joined.clone()));
                    lang = Some(joined);
                }
                "per_page" => {
                    let n = value
                        .as_u64()
                        .ok_or("`per_page` must be a positive integer")?;
                    if n == 0 || n > u64::from(MAX_PER_PAGE) {
                        return Err(format!(
                            "`per_page = {n}`: Cristin serves 1 to {MAX_PER_PAGE} results per page"
                        ));
                    }
                    per_page = Some(n as u32);
                }
                other => {
                    return Err(format!(
                        "unknown key `{other}` for a cristin search (known: {KNOWN_KEYS})"
                    ));
                }
            }
        }
        if project_code && !funding_source {
            return Err(
                "`project_code` needs `funding_source` (e.g. funding_source = \"NFR\")".into(),
            );
        }
        if let (Some(s), Some(b)) = (since, before)
            && s > b
        {
            return Err(format!(
                "`published_since = {s}` is after `published_before = {b}`"
            ));
        }
        if let Some(filter) = &spec.filter {
            for (k, v) in url::form_urlencoded::parse(filter.trim().as_bytes()) {
                if k.is_empty() {
                    continue;
                }
                if MANAGED_PARAMS.contains(&k.as_ref()) {
                    return Err(format!(
                        "`{k}` in `filter` is set by litscope; use `per_page` and `limit` instead"
                    ));
                }
                if k == "lang" || params.iter().any(|(p, _)| *p == k) {
                    return Err(format!(
                        "`{k}` is given both in `filter` and as its own key (or as `query`, which is `title`)"
                    ));
                }
                if v.trim().is_empty() {
                    return Err(format!(
                        "`filter`: `{k}` has no value (write key=value&key=value)"
                    ));
                }
                params.push((k.into_owned(), v.trim().to_string()));
            }
        }
        if params.iter().all(|(k, _)| k == "lang") {
            return Err(format!(
                "the search is empty: give a `query` (Cristin's title search) or a narrowing key (known: {KNOWN_KEYS})"
            ));
        }
        // Without an explicit page size, ask for no more than the limit needs.
        let per_page = per_page.unwrap_or_else(|| {
            spec.limit
                .map_or(MAX_PER_PAGE, |l| l.min(u64::from(MAX_PER_PAGE)) as u32)
        });
        Ok(CristinSearch {
            params,
            lang,
            per_page,
            limit: spec.limit,
        })
    }

    /// The list request for page `page` (from 1).
    pub fn request_url(&self, base: &Url, page: u32) -> Url {
        let mut url = base.join("v2/results").expect("base URL ends with a slash");
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in &self.params {
                q.append_pair(k, v);
            }
            q.append_pair("page", &page.to_string());
            q.append_pair("per_page", &self.per_page.to_string());
        }
        url
    }

    /// The detail request for one result. `None` unless `id` is a Cristin id (digits only:
    /// an id from the network never becomes a path of its own choosing).
    pub fn detail_url(&self, base: &Url, id: &str) -> Option<Url> {
        if id.is_empty() || id.len() > 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut url = base.join(&format!("v2/results/{id}")).ok()?;
        if let Some(lang) = &self.lang {
            url.query_pairs_mut().append_pair("lang", lang);
        }
        Some(url)
    }

    /// The request after `current`, given what its page said; `None` when the search is done.
    ///
    /// A `rel="next"` link decides first: its query is sent below litscope's own base URL
    /// and path, so a proxy or test base stays in use and a hostile link cannot send requests
    /// elsewhere. A `Link` header without one marks the last page — unless `X-Total-Count`
    /// says there is more: missing records cost a review more than one request that comes
    /// back empty, so the search then asks for `page + 1`. Without a `Link` header it asks for
    /// `page + 1` unless the total is reached or, with no total, the page was short. An empty
    /// page, the limit and the reported total always end it.
    pub fn next_request(
        &self,
        base: &Url,
        current: &Url,
        page: &PageInfo,
        processed: u64,
    ) -> Option<Url> {
        if page.items == 0
            || self.limit.is_some_and(|l| processed >= l)
            || page.total.is_some_and(|t| processed >= t)
        {
            return None;
        }
        if let Some(target) = page.next.as_deref().and_then(|n| current.join(n).ok()) {
            let mut next = base.join("v2/results").expect("base URL ends with a slash");
            next.set_query(target.query());
            return Some(next);
        }
        if page.has_link && page.total.is_none() {
            return None;
        }
        if page.total.is_none() && (page.items as u64) < u64::from(self.per_page) {
            return None;
        }
        let number: u32 = current
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        Some(with_page(current, number.saturating_add(1)))
    }
}

/// `url` with its `page` parameter set to `page`.
fn with_page(url: &Url, page: u32) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "page" {
                page.to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut next = url.clone();
    next.query_pairs_mut().clear().extend_pairs(pairs);
    next
}

/// The `rel="next"` target of an RFC 8288 `Link` header value (several headers joined with
/// `, `). Targets may hold commas; `rel` may list several relations (`rel="next last"`).
/// UNCONFIRMED that Cristin uses this form (see [`ASSUMPTIONS`]); a header this cannot read
/// gives no next link, and the search ends at the first page whose Link it cannot follow.
pub fn link_next(header: &str) -> Option<String> {
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let target = &after[..close];
        let params_end = after[close + 1..]
            .find('<')
            .map_or(after.len(), |i| close + 1 + i);
        // The parameters up to the next link, without the `,` that separates links.
        let params = after[close + 1..params_end]
            .trim_end()
            .trim_end_matches(',');
        let is_next = params.split(';').any(|p| {
            let Some((name, value)) = p.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.trim().to_string());
        }
        rest = &after[params_end..];
    }
    None
}

/// What a list page says about paging.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageInfo {
    /// Items in the page (converted or not).
    pub items: usize,
    /// `X-Total-Count`.
    pub total: Option<u64>,
    /// True when the response had a readable `Link` header (one with a `<target>`).
    pub has_link: bool,
    /// Its `rel="next"` target, as sent.
    pub next: Option<String>,
}

/// One list page, converted.
#[derive(Debug)]
pub struct CristinPage {
    /// Paging information.
    pub info: PageInfo,
    /// The converted records.
    pub records: Vec<Record>,
    /// Items that could not be converted, one line each.
    pub warnings: Vec<String>,
}

/// Runs one Cristin search: each page's details are fetched and the page stored while the
/// next page is fetched.
pub(crate) async fn harvest(
    client: &HttpClient,
    base: &Url,
    search: &CristinSearch,
    observer: &SearchObserver,
    outcome: &mut SearchOutcome,
) -> Result<(), HarvestError> {
    let (sink, planned) = (&observer.sink, &observer.search);
    let mut url = search.request_url(base, 1);
    let mut requested = HashSet::new();
    let mut processed: u64 = 0;
    // The ids of the previous page: a server that ignores `page` must not loop for ever.
    let mut last_ids: Vec<String> = Vec::new();
    // The page parsed last: its details are fetched and it is stored while the next page is.
    let mut pending: Option<Vec<Record>> = None;
    loop {
        outcome.first_request.get_or_insert_with(|| url.clone());
        requested.insert(url.to_string());
        let (p, run) = (planned.clone(), observer.run.clone());
        let fetch = client.get(&url, observer, move |ex| parse_exchange(ex, &p, &run));
        let (result, stored) = tokio::join!(
            fetch,
            finish_page(client, base, search, observer, pending.take(), outcome)
        );
        stored?;
        let page = result?;
        if page.info.total.is_some() {
            outcome.counts.reported = page.info.total;
        }
        for warning in &page.warnings {
            sink.event(planned, Event::Warning(warning));
        }
        let ids: Vec<String> = page
            .records
            .iter()
            .map(|r| r.source_id().to_string())
            .collect();
        if !ids.is_empty() && ids == last_ids {
            sink.event(
                planned,
                Event::Warning("the server sent the same page twice; the search stops here"),
            );
            break;
        }
        last_ids = ids;
        let mut records = page.records;
        records.truncate(super::take_within(search.limit, processed, records.len()));
        processed += page.info.items as u64;
        let next = search.next_request(base, &url, &page.info, processed);
        pending = Some(records);
        match next {
            Some(next) if requested.contains(next.as_str()) => {
                sink.event(
                    planned,
                    Event::Warning(
                        "the server's next page is one already fetched; the search stops here",
                    ),
                );
                break;
            }
            Some(next) => url = next,
            None => break,
        }
    }
    finish_page(client, base, search, observer, pending.take(), outcome).await
}

/// Fetches the details a page's records need, then stores the page.
async fn finish_page(
    client: &HttpClient,
    base: &Url,
    search: &CristinSearch,
    observer: &SearchObserver,
    records: Option<Vec<Record>>,
    outcome: &mut SearchOutcome,
) -> Result<(), HarvestError> {
    let Some(mut records) = records else {
        return Ok(());
    };
    fetch_details(client, base, search, observer, &mut records).await?;
    let take = records.len();
    super::store_page(observer, Some((records, take)), outcome).await
}

/// Fetches `GET /v2/results/{id}` for every record without an abstract, at most
/// [`DETAIL_CONCURRENCY`] at once, and merges what comes back. A detail that fails after
/// retries leaves its record as it is, with one warning. Only a failure to record the
/// evidence, or a server asking to wait longer than `[http] max_retry_after`, stops the
/// search — before the page is stored, so that a rerun asks for its details again rather
/// than skipping records stored without their abstracts.
///
/// A resumed search asks again for the details of records stored before the interruption
/// (the store then skips them). That costs requests, but keeps every complete recording
/// self-sufficient: `--offline` replays it into an empty corpus with every abstract.
async fn fetch_details(
    client: &HttpClient,
    base: &Url,
    search: &CristinSearch,
    observer: &SearchObserver,
    records: &mut [Record],
) -> Result<(), HarvestError> {
    // List items lack `summary` unless the server includes it (API-FACTS §2.4: only details
    // and `fields=all` carry it); items that already carry one are not asked for again.
    let wanted: Vec<(usize, Url)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.abstract_text.is_none() && r.other_abstracts.is_empty())
        .filter_map(|(i, r)| Some((i, search.detail_url(base, r.source_id())?)))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<Detail, HttpError>)>> = Mutex::new(Vec::new());
    let (next, wanted_ref, results_ref) = (&next, &wanted, &results);
    let worker = || async move {
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some((i, url)) = wanted_ref.get(k) else {
                break;
            };
            let result = client.get(url, observer, |ex| parse_detail(&ex.body)).await;
            results_ref
                .lock()
                .expect("detail results")
                .push((*i, result));
        }
    };
    // DETAIL_CONCURRENCY workers pulling from one queue: bounded concurrency without
    // spawning (the client is borrowed, not shared by `Arc`).
    const _: () = assert!(DETAIL_CONCURRENCY == 4, "one worker per slot below");
    tokio::join!(worker(), worker(), worker(), worker());
    let mut results = results.into_inner().expect("detail results");
    results.sort_by_key(|(i, _)| *i);
    let (sink, planned) = (&observer.sink, &observer.search);
    for (i, result) in results {
        let record = &mut records[i];
        match result {
            Ok(detail) => {
                if let Err(e) = merge_detail(record, detail) {
                    let line = format!("result {}: detail not used: {e}", record.source_id());
                    sink.event(planned, Event::Warning(&line));
                }
            }
            // Stop, without storing the page: a rerun fetches it and its details again.
            Err(e @ (HttpError::Record { .. } | HttpError::RetryAfterTooLong { .. })) => {
                return Err(e.into());
            }
            Err(e) => {
                let line = format!(
                    "result {} kept without its abstract: {e}",
                    record.source_id()
                );
                sink.event(planned, Event::Warning(&line));
            }
        }
    }
    Ok(())
}

/// Parses a list response (body and headers) into a page.
fn parse_exchange(
    ex: &HttpExchange,
    planned: &PlannedSearch,
    run: &str,
) -> Result<CristinPage, String> {
    let links: Vec<&str> = ex
        .response_headers
        .iter()
        .filter(|(k, _)| k == "link")
        .map(|(_, v)| v.as_str())
        .collect();
    let link = (!links.is_empty()).then(|| links.join(", "));
    parse_page(
        &ex.body,
        link.as_deref(),
        ex.header("x-total-count"),
        planned,
        run,
        ex.time,
    )
}

/// Parses a `/v2/results` response into records (the pure part of the harvester): the body
/// (a bare JSON array), the `Link` header (all of them joined) and `X-Total-Count`.
pub fn parse_page(
    body: &[u8],
    link: Option<&str>,
    total: Option<&str>,
    planned: &PlannedSearch,
    run: &str,
    retrieved: jiff::Timestamp,
) -> Result<CristinPage, String> {
    let items: Vec<&RawValue> =
        serde_json::from_slice(body).map_err(|e| format!("not a Cristin result list: {e}"))?;
    let mut records = Vec::with_capacity(items.len());
    let mut warnings = Vec::new();
    for (i, raw) in items.iter().enumerate() {
        match item::convert_item(raw, planned, run, retrieved) {
            Ok(r) => records.push(r),
            Err(e) => warnings.push(format!("item {} skipped: {e}", i + 1)),
        }
    }
    Ok(CristinPage {
        info: PageInfo {
            items: items.len(),
            // Read by three clients and named in the API's own documentation (§2.3).
            total: total.and_then(|t| t.trim().parse().ok()),
            // UNCONFIRMED (API-FACTS §2.3): the RFC 8288 form is implied by a Python client;
            // zero hits as `[]` + `X-Total-Count: 0` likewise (see ASSUMPTIONS).
            // A header without any `<target>` is unreadable: paging falls back to numbers.
            has_link: link.is_some_and(|l| l.contains('<') && l.contains('>')),
            next: link.and_then(link_next),
        },
        records,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{SearchSpec, SourceKind, SourceSearch};

    pub(super) fn spec(query: &str, limit: Option<u64>, options: serde_json::Value) -> SearchSpec {
        crate::sources::test_spec(SourceKind::Cristin, query, limit, options)
    }

    pub(super) fn planned(spec: SearchSpec) -> PlannedSearch {
        PlannedSearch::standalone("t", spec).unwrap()
    }

    pub(super) fn cristin(p: &PlannedSearch) -> &CristinSearch {
        match &p.search {
            SourceSearch::Cristin(s) => s,
            _ => panic!("not a Cristin search"),
        }
    }

    pub(super) fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cristin")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub(super) fn page_of(body: &[u8]) -> CristinPage {
        let p = planned(spec("tildeling", None, serde_json::json!({})));
        parse_page(body, None, None, &p, "run-1", jiff::Timestamp::UNIX_EPOCH).unwrap()
    }

    pub(super) fn by_id<'a>(page: &'a CristinPage, id: &str) -> &'a Record {
        page.records
            .iter()
            .find(|r| r.source_id() == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    }

    #[test]
    fn link_headers() {
        assert_eq!(
            link_next(
                r#"<https://api.cristin.no/v2/results?title=a&page=2&per_page=5>; rel="next""#
            )
            .as_deref(),
            Some("https://api.cristin.no/v2/results?title=a&page=2&per_page=5")
        );
        let many = r#"<https://x/v2/results?page=1>; rel="prev", <https://x/v2/results?q=a,b&page=3>; rel="next", <https://x/v2/results?page=9>; rel="last""#;
        assert_eq!(
            link_next(many).as_deref(),
            Some("https://x/v2/results?q=a,b&page=3")
        );
        assert_eq!(
            link_next(r#"</v2/results?page=4>;rel=next"#).as_deref(),
            Some("/v2/results?page=4")
        );
        assert_eq!(
            link_next(r#"<https://x/?page=2>; title="a;b"; REL="Next Last""#).as_deref(),
            Some("https://x/?page=2")
        );
        assert_eq!(link_next(r#"<https://x/?page=1>; rel="prev""#), None);
        assert_eq!(link_next(""), None);
        assert_eq!(link_next("<broken"), None);
        // An unreadable Link header counts as none (paging falls back to page numbers).
        let p = planned(spec("x", None, serde_json::json!({})));
        let t = jiff::Timestamp::UNIX_EPOCH;
        let page = parse_page(b"[]", Some("page=2; rel=next"), Some(" 17 "), &p, "r", t).unwrap();
        assert_eq!(
            (page.info.has_link, page.info.next, page.info.total),
            (false, None, Some(17))
        );
        let page = parse_page(b"[]", Some(r#"<?page=1>; rel="first""#), None, &p, "r", t).unwrap();
        assert!(page.info.has_link);
    }

    #[test]
    fn request_urls_and_paging() {
        let base = crate::sources::parse_base_url("https://api.cristin.no").unwrap();
        let p = planned(spec(
            "tjenestetildeling",
            Some(30),
            serde_json::json!({"published_since": 2010, "funding_source": "NFR", "project_code": 256599, "lang": ["nb", "en"]}),
        ));
        let first = p.search.first_request(&base);
        assert_eq!(
            first.as_str(),
            "https://api.cristin.no/v2/results?title=tjenestetildeling&funding_source=NFR&lang=nb%2Cen&project_code=256599&published_since=2010&page=1&per_page=30"
        );
        let s = cristin(&p);
        assert_eq!(
            s.detail_url(&base, "1800002").unwrap().as_str(),
            "https://api.cristin.no/v2/results/1800002?lang=nb%2Cen"
        );
        assert_eq!(s.detail_url(&base, "12/../x"), None);

        let proxied = crate::sources::parse_base_url("http://127.0.0.1:9/cristin").unwrap();
        let big = planned(spec("x", None, serde_json::json!({})));
        let s = cristin(&big);
        let first = s.request_url(&proxied, 1);
        assert_eq!(
            first.as_str(),
            "http://127.0.0.1:9/cristin/v2/results?title=x&page=1&per_page=1000"
        );
        // Link: its query, below our own base (never another host).
        let info = |items, total, next: Option<&str>, has_link| PageInfo {
            items,
            total,
            has_link,
            next: next.map(str::to_string),
        };
        let next = s.next_request(
            &proxied,
            &first,
            &info(
                1000,
                Some(5000),
                Some("https://evil.example/v2/results?title=x&page=2&per_page=1000"),
                true,
            ),
            1000,
        );
        assert_eq!(
            next.unwrap().as_str(),
            "http://127.0.0.1:9/cristin/v2/results?title=x&page=2&per_page=1000"
        );
        // A Link header without rel="next" is the last page; if the total says there is
        // more, the next page number is asked for all the same.
        assert_eq!(
            s.next_request(&proxied, &first, &info(1000, None, None, true), 1000),
            None
        );
        let next = s
            .next_request(&proxied, &first, &info(1000, Some(5000), None, true), 1000)
            .unwrap();
        assert!(next.as_str().ends_with("page=2&per_page=1000"), "{next}");
        // No Link: page + 1 until the total, or a short page when there is no total.
        let next = s
            .next_request(&proxied, &first, &info(1000, Some(5000), None, false), 1000)
            .unwrap();
        assert!(next.as_str().ends_with("page=2&per_page=1000"), "{next}");
        assert_eq!(
            s.next_request(&proxied, &first, &info(1000, Some(1000), None, false), 1000),
            None
        );
        assert!(
            s.next_request(&proxied, &first, &info(1000, None, None, false), 1000)
                .is_some()
        );
        assert_eq!(
            s.next_request(&proxied, &first, &info(999, None, None, false), 999),
            None
        );
        // A server that serves fewer than asked, with a total: go on.
        assert!(
            s.next_request(&proxied, &first, &info(500, Some(5000), None, false), 500)
                .is_some()
        );
        // Empty pages and the limit always stop.
        assert_eq!(
            s.next_request(
                &proxied,
                &first,
                &info(0, Some(5000), Some("?page=2"), true),
                1000
            ),
            None
        );
        let limited = planned(spec("x", Some(1500), serde_json::json!({"per_page": 1000})));
        assert_eq!(
            cristin(&limited)
                .next_request(&proxied, &first, &info(1000, Some(5000), None, false), 1000)
                .map(|u| u.to_string()),
            Some("http://127.0.0.1:9/cristin/v2/results?title=x&page=2&per_page=1000".into())
        );
        assert_eq!(
            cristin(&limited).next_request(
                &proxied,
                &first,
                &info(1000, Some(5000), None, false),
                1500
            ),
            None
        );
    }

    #[test]
    fn options_are_validated() {
        let err =
            |query: &str, opts: serde_json::Value| spec(query, None, opts).resolve().unwrap_err();
        assert!(err("x", serde_json::json!({"per_page": 5000})).contains("1 to 1000"));
        assert!(err("x", serde_json::json!({"per_page": 0})).contains("1 to 1000"));
        let unknown = err("x", serde_json::json!({"rows": 10}));
        assert!(
            unknown.contains("unknown key `rows` for a cristin search"),
            "{unknown}"
        );
        assert!(
            unknown.contains("published_since") && unknown.contains("project_code"),
            "{unknown}"
        );
        assert!(err("x", serde_json::json!({"published_since": "2010-01-01"})).contains("year"));
        assert!(
            err(
                "x",
                serde_json::json!({"published_since": 2020, "published_before": 2010})
            )
            .contains("after")
        );
        assert!(err("x", serde_json::json!({"project_code": "256599"})).contains("funding_source"));
        assert!(err("x", serde_json::json!({"lang": "norsk"})).contains("two-letter"));
        assert!(err("x", serde_json::json!({"doi": ""})).contains("empty"));
        assert!(err("", serde_json::json!({})).contains("the search is empty"));
        assert!(
            err("  ", serde_json::json!({"lang": "nb", "per_page": 10}))
                .contains("the search is empty")
        );
        assert!(
            spec(
                "",
                None,
                serde_json::json!({"funding_source": "NFR", "project_code": "256599"})
            )
            .resolve()
            .is_ok()
        );
        assert!(
            spec("", None, serde_json::json!({"contributor": "Ødegård"}))
                .resolve()
                .is_ok()
        );

        let with_filter = |filter: &str| SearchSpec {
            filter: Some(filter.into()),
            ..spec("x", Some(10), serde_json::json!({"category": "ARTICLE"}))
        };
        let SourceSearch::Cristin(s) = with_filter("issn=1234-5678&unit=185.53.18.10")
            .resolve()
            .unwrap()
        else {
            unreachable!()
        };
        assert_eq!(s.per_page, 10, "the limit sets the page size");
        assert!(s.params.contains(&("issn".into(), "1234-5678".into())));
        assert!(
            with_filter("page=3")
                .resolve()
                .unwrap_err()
                .contains("set by litscope")
        );
        assert!(
            with_filter("category=REPORT")
                .resolve()
                .unwrap_err()
                .contains("both")
        );
        assert!(
            with_filter("title=y")
                .resolve()
                .unwrap_err()
                .contains("both")
        );
    }
}
