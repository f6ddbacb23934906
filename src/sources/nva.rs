//! NVA (Nasjonalt vitenarkiv, Cristin's successor): `GET {base}/search/resources`.
//!
//! The facts this follows (evidence in `API-FACTS.md` §5):
//! - `query` is free text where every word must match; there are no boolean operators and only
//!   the first 20 words count, so validation warns about longer queries and about `AND`/`OR`/
//!   `NOT` (an OR-strategy needs one search per alternative). Year bounds, instance type and
//!   funding are separate parameters; `publication_year_before` is **exclusive**. Any parameter
//!   the server does not know gives 400, so only the keys in [`KNOWN_KEYS`] are ever sent.
//! - Paging: with the default immutable sort (`created_date:asc`, the server appends
//!   `identifier`), every page after the first carries the `search_after` value of the
//!   previous page's `nextSearchAfterResults`. Only that value is taken: litscope builds every
//!   URL itself below its own base, so a link naming another host is never followed. A
//!   relevance sort refuses `search_after` (400), so it pages with `from`/`size` instead,
//!   inside NVA's 10,000-hit window (from+size ≤ 10,000). The search stops on an empty or short
//!   page, at `totalHits` (reported as the source's count) or at the limit.
//! - Big pages can fail with 5xx (the service is a Lambda with a ~6 MB response cap): after one
//!   retry the page is asked for again with half the page size, down to [`MIN_PAGE_SIZE`];
//!   the smaller size is kept for the rest of the search.
//! - Hits: numbers and booleans often come as strings; `reference.doi` is sometimes a PDF or
//!   video link (dropped unless it is a DOI); NFR project numbers may hide in free text; every
//!   recorded hit has a `CristinIdentifier`, kept as `ids["cristin"]` for merging with Cristin.
//!
//! Assumptions not confirmed by a recording or by the service's documentation live in
//! [`assumed`], each with its reason.

use super::http::{FetchOptions, HttpClient, HttpError};
use super::lenient;
use super::{Event, HarvestError, PlannedSearch, SearchObserver, SearchOutcome, SearchSpec};
use crate::model::{Author, Funding, Provenance, Record};
use crate::text::{clean_block, clean_line, non_empty, normalize_orcid};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;
use url::Url;

/// Largest page size litscope asks for (Sikt's own harvesting client stays at or below it).
pub const MAX_PAGE_SIZE: u32 = 100;
/// Page halving on 5xx stops here: a page this small is never too big for the response cap.
pub const MIN_PAGE_SIZE: u32 = 10;
/// `from` + `size` may not pass this (400 "Result window is too large").
pub const RESULT_WINDOW: u64 = 10_000;
/// Retries of a 5xx page before it is asked for with half the page size.
const RETRIES_BEFORE_HALVING: u32 = 1;
/// The default sort: immutable, so that records do not move between pages during a harvest.
pub const DEFAULT_SORT: &str = "created_date:asc";
/// Keys an NVA search in a query file may have.
pub const KNOWN_KEYS: &str = "query, limit, publication_year_since, publication_year_before, category, funding_source, funding_identifier, size, sort";
/// Words of `query` the server looks at.
const MAX_QUERY_WORDS: usize = 20;

/// The assumptions this module makes that no recording or documentation confirms
/// (API-FACTS marks them UNCONFIRMED, or does not state them), each in one place. (The other
/// one, that anonymous search has no rate limit, lives in `SourceKind::initial_limits`.)
pub mod assumed {
    use serde::Deserialize;
    use serde_json::value::RawValue;

    /// True when a page ends the search: it is empty, or shorter than the size asked for.
    ///
    /// ASSUMPTION (API-FACTS §5.2, read in the server code, UNCONFIRMED by a recording): on a
    /// `search_after` request `nextSearchAfterResults` is present even on the last page, so a
    /// next link never means "more to come"; only the hits do.
    pub fn is_last_page(hits: u64, requested: u32) -> bool {
        hits == 0 || hits < u64::from(requested)
    }

    /// The role of a contributor who is an author.
    ///
    /// ASSUMPTION: recorded roles are `Creator` and `RoleOther` (a lecture); which other roles
    /// exist (editors, supervisors) is not recorded. Creators are the authors; a hit without
    /// any creator keeps every contributor, so that it still has a byline.
    pub const AUTHOR_ROLE: &str = "Creator";

    /// How many digits an NFR project number written in free text has.
    ///
    /// ASSUMPTION: every recorded NFR number is six digits (`326825`, `287131`); a digit run
    /// of another length inside text (a year, a date) is not taken as one.
    pub const NFR_NUMBER_DIGITS: usize = 6;

    #[derive(Deserialize)]
    struct Pages {
        #[serde(rename = "type", default)]
        kind: Option<String>,
        #[serde(default, deserialize_with = "super::lenient::text_or_number")]
        begin: Option<String>,
        #[serde(default, deserialize_with = "super::lenient::text_or_number")]
        end: Option<String>,
    }

    /// The page range of a `publicationInstance.pages` object, as `begin-end`.
    ///
    /// ASSUMPTION: the recorded hits only hold `{"type": "NullPages"}`; a `Range` object with
    /// `begin` and `end` is how NVA's own test data writes a range. Other page objects
    /// (`MonographPages`: a page count, not a range) give none.
    pub fn page_range(pages: &RawValue) -> Option<String> {
        let p: Pages = serde_json::from_str(pages.get()).ok()?;
        if p.kind.as_deref() != Some("Range") {
            return None;
        }
        let clean = |t: Option<String>| {
            t.map(|t| crate::text::clean_line(&t))
                .and_then(crate::text::non_empty)
        };
        match (clean(p.begin), clean(p.end)) {
            (Some(b), Some(e)) if b != e => Some(format!("{b}-{e}")),
            (Some(b), _) => Some(b),
            (None, e) => e,
        }
    }
}

/// How an NVA search pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// `search_after` from each page's `nextSearchAfterResults` (any sort but relevance).
    SearchAfter,
    /// `from`/`size` within [`RESULT_WINDOW`] (relevance sort, which refuses `search_after`).
    Offset,
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position<'a> {
    /// The first page (no `search_after`, no `from`).
    First,
    /// After these sort values (`search_after`).
    After(&'a str),
    /// At this offset (`from`).
    From(u64),
}

/// An NVA search, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NvaSearch {
    /// `query`: free text, every word must match (may be empty when a filter is given).
    pub query: String,
    /// Filter parameters in the order they are sent (`publication_year_since`, `category`, …).
    pub filters: Vec<(&'static str, String)>,
    /// Page size at the start (halved on 5xx).
    pub size: u32,
    /// `sort`.
    pub sort: String,
    /// How pages follow each other (follows from `sort`).
    pub paging: Paging,
    /// Records to retrieve at most.
    pub limit: Option<u64>,
    /// What the user should know about this search before it runs (query words ignored by
    /// the server, boolean operators, a sort that can skip records, the 10,000-hit window).
    pub warnings: Vec<String>,
}

impl NvaSearch {
    /// Validates a search from a query file. Options: `publication_year_since`,
    /// `publication_year_before` (exclusive), `category`, `funding_source`,
    /// `funding_identifier`, `size`, `sort`.
    pub fn from_spec(spec: &SearchSpec) -> Result<Self, String> {
        if spec.filter.is_some() {
            return Err(format!(
                "`filter` is not used by nva searches: NVA filters are parameters of their own (known keys: {KNOWN_KEYS})"
            ));
        }
        let mut since = None;
        let mut before = None;
        let mut category = None;
        let mut funding_source = None;
        let mut funding_identifier = None;
        let mut size = None;
        let mut sort = None;
        for (key, value) in &spec.options {
            match key.as_str() {
                "publication_year_since" => since = Some(year_option(key, value)?),
                "publication_year_before" => before = Some(year_option(key, value)?),
                "category" => category = Some(category_option(value)?),
                "funding_source" => funding_source = Some(code_option(key, value)?),
                "funding_identifier" => funding_identifier = Some(text_option(key, value)?),
                "size" => {
                    let n = value.as_u64().ok_or("`size` must be a positive integer")?;
                    if n == 0 || n > u64::from(MAX_PAGE_SIZE) {
                        return Err(format!(
                            "`size = {n}`: litscope asks NVA for 1 to {MAX_PAGE_SIZE} hits a page (bigger pages hit the service's response size cap)"
                        ));
                    }
                    size = Some(n as u32);
                }
                "sort" => sort = Some(sort_option(value)?),
                other => {
                    return Err(format!(
                        "unknown key `{other}` for an nva search (known: {KNOWN_KEYS})"
                    ));
                }
            }
        }
        if let (Some(s), Some(b)) = (since, before)
            && s >= b
        {
            return Err(format!(
                "`publication_year_before = {b}` is exclusive, so nothing from {s} on can match; to include {s}, write {}",
                s + 1
            ));
        }
        let query = spec.query.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut filters: Vec<(&'static str, String)> = Vec::new();
        let optional = [
            ("publication_year_since", since.map(|y| y.to_string())),
            ("publication_year_before", before.map(|y| y.to_string())),
            ("category", category),
            ("funding_source", funding_source),
            ("funding_identifier", funding_identifier),
        ];
        for (name, value) in optional {
            if let Some(v) = value {
                filters.push((name, v));
            }
        }
        if query.is_empty() && filters.is_empty() {
            return Err(
                "`query` is empty (give a query, or a filter key such as category or funding_identifier)"
                    .into(),
            );
        }
        let mut warnings = query_warnings(&query);
        let sort = sort.unwrap_or_else(|| DEFAULT_SORT.to_string());
        let first_key = sort_key(sort.split(',').next().unwrap_or(""));
        let paging = if sort.split(',').any(|k| sort_key(k) == "relevance") {
            Paging::Offset
        } else {
            Paging::SearchAfter
        };
        if paging == Paging::Offset && spec.limit.is_none_or(|l| l > RESULT_WINDOW) {
            warnings.push(format!(
                "sort by relevance pages with from/size, which NVA allows for the first {} hits only: at most {} records will be retrieved (the default sort has no such cap)",
                RESULT_WINDOW, RESULT_WINDOW
            ));
        } else if paging == Paging::SearchAfter
            && !matches!(first_key.as_str(), "createddate" | "identifier")
        {
            warnings.push(format!(
                "`sort = \"{sort}\"` orders by a value that can change during the harvest: records changed meanwhile may be skipped or repeated (the default `{DEFAULT_SORT}` cannot)"
            ));
        }
        let size = size.unwrap_or_else(|| {
            spec.limit.map_or(MAX_PAGE_SIZE, |l| {
                l.clamp(1, u64::from(MAX_PAGE_SIZE)) as u32
            })
        });
        Ok(NvaSearch {
            query,
            filters,
            size,
            sort,
            paging,
            limit: spec.limit,
            warnings,
        })
    }

    /// The request for one page of `size` hits starting at `position`.
    pub fn request_url(&self, base: &Url, size: u32, position: Position<'_>) -> Url {
        let mut url = base
            .join("search/resources")
            .expect("base URL ends with a slash");
        {
            let mut q = url.query_pairs_mut();
            if !self.query.is_empty() {
                q.append_pair("query", &self.query);
            }
            for (k, v) in &self.filters {
                q.append_pair(k, v);
            }
            q.append_pair("aggregation", "none");
            q.append_pair("size", &size.to_string());
            q.append_pair("sort", &self.sort);
            match position {
                Position::First => {}
                Position::After(values) => {
                    q.append_pair("search_after", values);
                }
                Position::From(from) => {
                    q.append_pair("from", &from.to_string());
                }
            }
        }
        url
    }

    /// The first request the search sends.
    pub fn first_request(&self, base: &Url) -> Url {
        self.request_url(base, self.size, Position::First)
    }
}

/// What the server will not do with this query text, as warnings.
fn query_warnings(query: &str) -> Vec<String> {
    let words: Vec<&str> = query.split_whitespace().collect();
    let mut warnings = Vec::new();
    if words.len() > MAX_QUERY_WORDS {
        warnings.push(format!(
            "the query has {} words; NVA only looks at the first {MAX_QUERY_WORDS} (\"{}\" and after are ignored)",
            words.len(),
            words[MAX_QUERY_WORDS]
        ));
    }
    let operators: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| matches!(*w, "AND" | "OR" | "NOT"))
        .collect();
    if !operators.is_empty() {
        warnings.push(format!(
            "NVA has no boolean operators: {} is searched as a word and every word must match; write one search per alternative instead",
            operators
                .iter()
                .map(|o| format!("`{o}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    warnings
}

fn year_option(key: &str, value: &serde_json::Value) -> Result<i32, String> {
    let year = match value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    match year {
        Some(y) if (1000..=9999).contains(&y) => Ok(y as i32),
        _ => Err(format!("`{key}` must be a year such as 2015")),
    }
}

fn text_option(key: &str, value: &serde_json::Value) -> Result<String, String> {
    let text = match value {
        serde_json::Value::String(s) => clean_line(s),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(format!("`{key}` must be a string")),
    };
    if text.is_empty() {
        return Err(format!("`{key}` is empty"));
    }
    Ok(text)
}

/// A funder code such as `NFR`.
fn code_option(key: &str, value: &serde_json::Value) -> Result<String, String> {
    let text = text_option(key, value)?;
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(format!(
            "`{key} = \"{text}\"` is not a funder code such as \"NFR\""
        ));
    }
    Ok(text)
}

/// One instance type (`AcademicArticle`) or several (a list, or commas), sent comma-separated.
fn category_option(value: &serde_json::Value) -> Result<String, String> {
    let names: Vec<String> = match value {
        serde_json::Value::String(s) => s.split(',').map(|p| p.trim().to_string()).collect(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(|s| s.trim().to_string()))
            .collect::<Option<_>>()
            .ok_or("`category` must be an instance type such as \"AcademicArticle\", or a list of them")?,
        _ => {
            return Err(
                "`category` must be an instance type such as \"AcademicArticle\", or a list of them"
                    .into(),
            );
        }
    };
    if names.is_empty()
        || names
            .iter()
            .any(|n| n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(format!(
            "`category`: {:?} is not a list of NVA instance types such as \"AcademicArticle\"",
            names.join(",")
        ));
    }
    Ok(names.join(","))
}

/// `key[:asc|desc],…`, spaces removed.
fn sort_option(value: &serde_json::Value) -> Result<String, String> {
    let text = value
        .as_str()
        .ok_or("`sort` must be a string such as \"created_date:asc\"")?;
    let mut parts = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let (key, direction) = part.split_once(':').unwrap_or((part, ""));
        let key_ok = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
        let direction_ok = direction.is_empty()
            || direction.eq_ignore_ascii_case("asc")
            || direction.eq_ignore_ascii_case("desc");
        if !key_ok || !direction_ok {
            return Err(format!(
                "`sort = \"{text}\"`: write `key[:asc|desc]` separated by commas, e.g. \"created_date:asc\""
            ));
        }
        parts.push(part.to_string());
    }
    Ok(parts.join(","))
}

/// A sort key without direction, case or underscores (`createdDate:asc` → `createddate`).
fn sort_key(part: &str) -> String {
    part.split(':')
        .next()
        .unwrap_or("")
        .trim()
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Runs one NVA search, storing each page while the next one is fetched.
pub(crate) async fn harvest(
    client: &HttpClient,
    base: &Url,
    search: &NvaSearch,
    observer: &SearchObserver,
    outcome: &mut SearchOutcome,
) -> Result<(), HarvestError> {
    let (sink, planned) = (&observer.sink, &observer.search);
    for warning in &search.warnings {
        sink.event(planned, Event::Warning(warning));
    }
    let mut size = search.size;
    let mut after: Option<String> = None;
    let mut from: u64 = 0;
    // Hits received so far (converted or not).
    let mut processed: u64 = 0;
    // The page parsed last, stored while the next one is fetched.
    let mut pending: Option<(NvaPage, usize)> = None;
    loop {
        let (position, request_size) = match (search.paging, &after) {
            (Paging::SearchAfter, None) => (Position::First, size),
            (Paging::SearchAfter, Some(a)) => (Position::After(a), size),
            (Paging::Offset, _) if from == 0 => (Position::First, size),
            (Paging::Offset, _) => (
                Position::From(from),
                size.min(u32::try_from(RESULT_WINDOW - from).unwrap_or(u32::MAX)),
            ),
        };
        let url = search.request_url(base, request_size, position);
        outcome.first_request.get_or_insert_with(|| url.clone());
        let (p, run) = (planned.clone(), observer.run.clone());
        let options = FetchOptions {
            server_error_retries: (size > MIN_PAGE_SIZE).then_some(RETRIES_BEFORE_HALVING),
        };
        let fetch = client.get_with(
            &url,
            observer,
            move |ex| parse_page(&ex.body, &p, &run, ex.time),
            options,
        );
        let (result, stored) = tokio::join!(
            fetch,
            super::store_page(
                observer,
                pending.take().map(|(p, take)| (p.records, take)),
                outcome
            )
        );
        stored?;
        let page = match result {
            Ok(page) => page,
            Err(e) if size > MIN_PAGE_SIZE && failed_with_server_error(&e) => {
                let smaller = (size / 2).max(MIN_PAGE_SIZE);
                let message = format!(
                    "{e}; NVA caps the size of its responses, so this page is asked for again with {smaller} hits a page instead of {size}"
                );
                sink.event(planned, Event::Warning(&message));
                size = smaller;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(total) = page.total {
            if outcome.counts.reported.is_none()
                && search.paging == Paging::Offset
                && total > RESULT_WINDOW
            {
                let message = format!(
                    "{total} hits, but sorted by relevance only the first {RESULT_WINDOW} can be paged to"
                );
                sink.event(planned, Event::Warning(&message));
            }
            outcome.counts.reported = Some(total);
        }
        for warning in &page.warnings {
            sink.event(planned, Event::Warning(warning));
        }
        let room = search
            .limit
            .map_or(u64::MAX, |l| l.saturating_sub(processed));
        let take = page
            .records
            .len()
            .min(usize::try_from(room).unwrap_or(usize::MAX));
        processed += page.hits as u64;
        let hits = page.hits as u64;
        let mut done = assumed::is_last_page(hits, request_size)
            || search.limit.is_some_and(|l| processed >= l)
            || page.total.is_some_and(|t| processed >= t);
        match search.paging {
            Paging::SearchAfter if !done => match &page.search_after {
                Some(next) if after.as_deref() != Some(next.as_str()) => {
                    after = Some(next.clone());
                }
                Some(_) => {
                    sink.event(planned, Event::Warning("the next page would start where this one did (same search_after); the search stops here"));
                    done = true;
                }
                None => {
                    sink.event(planned, Event::Warning("a full page came without nextSearchAfterResults; the search stops here"));
                    done = true;
                }
            },
            Paging::SearchAfter => {}
            Paging::Offset => {
                from += hits;
                done |= from >= RESULT_WINDOW;
            }
        }
        pending = Some((page, take));
        if done {
            return super::store_page(
                observer,
                pending.take().map(|(p, take)| (p.records, take)),
                outcome,
            )
            .await;
        }
    }
}

/// True when retries ended on a 5xx response (the page may be too big for the response cap).
fn failed_with_server_error(e: &HttpError) -> bool {
    matches!(e, HttpError::GaveUp { status: Some(s), .. } if (500..600).contains(s))
}

/// One page of `/search/resources`, converted.
#[derive(Debug)]
pub struct NvaPage {
    /// `totalHits`.
    pub total: Option<u64>,
    /// The `search_after` value of `nextSearchAfterResults`.
    pub search_after: Option<String>,
    /// Hits in the page (converted or not).
    pub hits: usize,
    /// The converted records.
    pub records: Vec<Record>,
    /// Hits that could not be converted, one line each.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "totalHits", default, deserialize_with = "lenient::number")]
    total: Option<u64>,
    #[serde(borrow, default)]
    hits: Vec<&'a RawValue>,
    #[serde(rename = "nextSearchAfterResults", default)]
    next_search_after: Option<String>,
}

/// Parses a `/search/resources` response body into records (the pure part of the harvester).
pub fn parse_page(
    body: &[u8],
    planned: &PlannedSearch,
    run: &str,
    retrieved: jiff::Timestamp,
) -> Result<NvaPage, String> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| format!("not an NVA search result: {e}"))?;
    let mut records = Vec::with_capacity(envelope.hits.len());
    let mut warnings = Vec::new();
    for (i, raw) in envelope.hits.iter().enumerate() {
        match convert_hit(raw, planned, run, retrieved) {
            Ok(r) => records.push(r),
            Err(e) => warnings.push(format!("hit {} skipped: {e}", i + 1)),
        }
    }
    Ok(NvaPage {
        total: envelope.total,
        search_after: envelope
            .next_search_after
            .as_deref()
            .and_then(search_after_value),
        hits: envelope.hits.len(),
        records,
        warnings,
    })
}

/// The `search_after` value of a `nextSearchAfterResults` link (only the value is used: the
/// next request is built below litscope's own base URL, whatever host the link names).
pub fn search_after_value(link: &str) -> Option<String> {
    let url = Url::parse(link).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "search_after")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// NFR project numbers in a funding identifier: the whole identifier when it is a number, else
/// every six-digit number written in it (`"EUFLEX, NFR PROSJEKT NR 287131"` → `287131`).
/// Longer or shorter digit runs inside text (years, dates, other numbers) are not taken.
pub fn nfr_project_numbers(identifier: &str) -> Vec<String> {
    let text = identifier.trim();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        return vec![text.to_string()];
    }
    let mut numbers: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &text[start..i];
            if run.len() == assumed::NFR_NUMBER_DIGITS && !numbers.iter().any(|n| n == run) {
                numbers.push(run.to_string());
            }
        } else {
            i += 1;
        }
    }
    numbers
}

/// Parses each element of a JSON array on its own, skipping the ones that do not fit (and
/// everything when the value is not an array): one odd contributor never costs the record.
fn elements<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Vec<T> {
    let Some(raw) = raw else { return Vec::new() };
    let Ok(items) = serde_json::from_str::<Vec<&'a RawValue>>(raw.get()) else {
        return Vec::new();
    };
    items
        .into_iter()
        .filter_map(|i| serde_json::from_str(i.get()).ok())
        .collect()
}

/// Parses an object, or `None` when the value is missing or of another shape.
fn object<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<T> {
    serde_json::from_str(raw?.get()).ok()
}

/// `{lang: text}` cleaned with `clean`; non-string values and empty texts left out.
fn language_map(raw: Option<&RawValue>, clean: fn(&str) -> String) -> BTreeMap<String, String> {
    let Some(map) = object::<BTreeMap<String, serde_json::Value>>(raw) else {
        return BTreeMap::new();
    };
    map.into_iter()
        .filter_map(|(lang, text)| {
            let lang = clean_line(&lang);
            let text = clean(text.as_str()?);
            (!lang.is_empty() && !text.is_empty()).then_some((lang, text))
        })
        .collect()
}

#[derive(Deserialize)]
struct Hit<'a> {
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    identifier: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    id: Option<String>,
    #[serde(rename = "entityDescription", borrow, default)]
    description: Option<&'a RawValue>,
    #[serde(rename = "additionalIdentifiers", borrow, default)]
    additional_identifiers: Option<&'a RawValue>,
    #[serde(borrow, default)]
    fundings: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Description<'a> {
    #[serde(
        rename = "mainTitle",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    main_title: Option<String>,
    #[serde(rename = "alternativeTitles", borrow, default)]
    alternative_titles: Option<&'a RawValue>,
    #[serde(
        rename = "abstract",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    abstract_text: Option<String>,
    #[serde(rename = "alternativeAbstracts", borrow, default)]
    alternative_abstracts: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "lenient::strings")]
    tags: Vec<Cow<'a, str>>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    language: Option<String>,
    #[serde(rename = "publicationDate", borrow, default)]
    publication_date: Option<&'a RawValue>,
    #[serde(borrow, default)]
    contributors: Option<&'a RawValue>,
    #[serde(borrow, default)]
    reference: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct PublicationDate {
    #[serde(default, deserialize_with = "lenient::number")]
    year: Option<u64>,
}

#[derive(Deserialize)]
struct Contributor<'a> {
    #[serde(default, deserialize_with = "lenient::number")]
    sequence: Option<u64>,
    #[serde(borrow, default)]
    role: Option<&'a RawValue>,
    #[serde(borrow, default)]
    identity: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Role {
    #[serde(rename = "type", default, deserialize_with = "lenient::text_or_number")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct Identity {
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    name: Option<String>,
    #[serde(
        rename = "orcId",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    orcid: Option<String>,
}

#[derive(Deserialize)]
struct Reference<'a> {
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    doi: Option<String>,
    #[serde(rename = "publicationContext", borrow, default)]
    context: Option<&'a RawValue>,
    #[serde(rename = "publicationInstance", borrow, default)]
    instance: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Context<'a> {
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    name: Option<String>,
    #[serde(rename = "entityDescription", borrow, default)]
    description: Option<&'a RawValue>,
    #[serde(
        rename = "printIssn",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    print_issn: Option<String>,
    #[serde(
        rename = "onlineIssn",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    online_issn: Option<String>,
}

#[derive(Deserialize)]
struct ContextDescription {
    #[serde(
        rename = "mainTitle",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    main_title: Option<String>,
}

#[derive(Deserialize)]
struct Instance<'a> {
    #[serde(rename = "type", default, deserialize_with = "lenient::text_or_number")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    volume: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    issue: Option<String>,
    #[serde(borrow, default)]
    pages: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct AdditionalIdentifier {
    #[serde(rename = "type", default, deserialize_with = "lenient::text_or_number")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    value: Option<String>,
}

#[derive(Deserialize)]
struct FundingItem<'a> {
    #[serde(borrow, default)]
    source: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    identifier: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    id: Option<String>,
}

#[derive(Deserialize)]
struct FundingSource {
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    identifier: Option<String>,
}

fn clean_opt(text: Option<&str>) -> Option<String> {
    text.map(clean_line).and_then(non_empty)
}

fn convert_hit(
    raw: &RawValue,
    planned: &PlannedSearch,
    run: &str,
    retrieved: jiff::Timestamp,
) -> Result<Record, String> {
    let hit: Hit = serde_json::from_str(raw.get()).map_err(|e| format!("unreadable hit: {e}"))?;
    let identifier = clean_opt(hit.identifier.as_deref()).ok_or("no identifier")?;
    let description: Option<Description> = object(hit.description);
    let reference: Option<Reference> = description.as_ref().and_then(|d| object(d.reference));
    let provenance = Provenance {
        source: planned.spec.source.name().to_string(),
        source_id: identifier.clone(),
        run: run.to_string(),
        query: Some(planned.name.clone()),
        retrieved,
        via: None,
    };
    // `Record::new` keeps the DOI only when it is one (not a PDF or YouTube link).
    let doi = reference.as_ref().and_then(|r| r.doi.as_deref());
    let mut r = Record::new(provenance, doi, compact(raw));
    r.ids.insert("nva".into(), identifier);
    for extra in elements::<AdditionalIdentifier>(hit.additional_identifiers) {
        if extra.kind.as_deref() == Some("CristinIdentifier")
            && let Some(value) = clean_opt(extra.value.as_deref())
        {
            r.ids.insert("cristin".into(), value);
        }
    }
    r.url = clean_opt(hit.id.as_deref());
    r.funding = fundings(hit.fundings);
    if let Some(d) = &description {
        r.title = clean_opt(d.main_title.as_deref());
        r.other_titles = language_map(d.alternative_titles, clean_line);
        r.abstract_text = d
            .abstract_text
            .as_deref()
            .map(clean_block)
            .and_then(non_empty);
        r.other_abstracts = language_map(d.alternative_abstracts, clean_block);
        r.keywords = keywords(&d.tags);
        r.language = d.language.as_deref().and_then(language_code);
        r.year = object::<PublicationDate>(d.publication_date)
            .and_then(|p| p.year)
            .filter(|y| (1000..=9999).contains(y))
            .map(|y| y as i32);
        r.authors = authors(d.contributors);
    }
    if let Some(reference) = &reference {
        if let Some(context) = object::<Context>(reference.context) {
            r.venue = clean_opt(context.name.as_deref()).or_else(|| {
                object::<ContextDescription>(context.description)
                    .and_then(|d| clean_opt(d.main_title.as_deref()))
            });
            r.issn = [context.print_issn, context.online_issn]
                .iter()
                .filter_map(|i| clean_opt(i.as_deref()))
                .collect();
            r.issn.dedup();
        }
        if let Some(instance) = object::<Instance>(reference.instance) {
            r.kind = clean_opt(instance.kind.as_deref());
            r.volume = clean_opt(instance.volume.as_deref());
            r.issue = clean_opt(instance.issue.as_deref());
            r.pages = instance.pages.and_then(assumed::page_range);
        }
    }
    Ok(r)
}

/// Tags, with `;`-joined lists split, cleaned, duplicates dropped.
fn keywords(tags: &[Cow<'_, str>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        for part in tag.split(';') {
            let k = clean_line(part);
            if !k.is_empty() && !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

/// `http://lexvo.org/id/iso639-3/nob` → `nob`; a bare code stays as it is.
fn language_code(text: &str) -> Option<String> {
    let code = text.trim().trim_end_matches('/').rsplit('/').next()?;
    let code = clean_line(code);
    (!code.is_empty()
        && code.len() <= 12
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    .then_some(code)
}

/// Contributors in byline order (`sequence`), creators only when there are any (see
/// `assumed::AUTHOR_ROLE`).
fn authors(raw: Option<&RawValue>) -> Vec<Author> {
    let mut contributors: Vec<(Option<u64>, bool, Identity)> = elements::<Contributor>(raw)
        .into_iter()
        .filter_map(|c| {
            let creator = object::<Role>(c.role)
                .and_then(|r| r.kind)
                .is_some_and(|k| k == assumed::AUTHOR_ROLE);
            Some((c.sequence, creator, object::<Identity>(c.identity)?))
        })
        .collect();
    contributors.sort_by_key(|(sequence, _, _)| sequence.unwrap_or(u64::MAX));
    let any_creator = contributors.iter().any(|(_, creator, _)| *creator);
    contributors
        .into_iter()
        .filter(|(_, creator, _)| *creator || !any_creator)
        .filter_map(|(_, _, identity)| {
            let name = clean_opt(identity.name.as_deref())?;
            let mut author = split_name(&name);
            author.orcid = identity.orcid.as_deref().and_then(normalize_orcid);
            Some(author)
        })
        .collect()
}

/// `"Anne Sigrid Haugset"` → given `Anne Sigrid`, family `Haugset`; `"Haugset, Anne"` →
/// family `Haugset`, given `Anne`; one word stays a whole name.
fn split_name(name: &str) -> Author {
    let parts = name
        .split_once(',')
        .map(|(f, g)| (g.trim(), f.trim()))
        .or_else(|| name.rsplit_once(' ').map(|(g, f)| (g.trim(), f.trim())));
    match parts {
        Some((given, family)) if !given.is_empty() && !family.is_empty() => Author {
            family: Some(family.to_string()),
            given: Some(given.to_string()),
            ..Author::default()
        },
        _ => Author {
            name: Some(name.to_string()),
            ..Author::default()
        },
    }
}

/// Grants: NFR ones with their project numbers (from free text if need be, else from the
/// `…/verified-funding/nfr/{nr}` link), other funders with their identifier as given.
fn fundings(raw: Option<&RawValue>) -> Vec<Funding> {
    let mut out: Vec<Funding> = Vec::new();
    for f in elements::<FundingItem>(raw) {
        let Some(funder) =
            object::<FundingSource>(f.source).and_then(|s| clean_opt(s.identifier.as_deref()))
        else {
            continue;
        };
        let identifier = clean_opt(f.identifier.as_deref());
        let projects: Vec<Option<String>> = if funder.eq_ignore_ascii_case("NFR") {
            let mut numbers = identifier
                .as_deref()
                .map(nfr_project_numbers)
                .unwrap_or_default();
            if numbers.is_empty()
                && let Some(id) = f.id.as_deref()
            {
                numbers = id
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(nfr_project_numbers)
                    .unwrap_or_default();
            }
            if numbers.is_empty() {
                vec![None]
            } else {
                numbers.into_iter().map(Some).collect()
            }
        } else {
            vec![identifier]
        };
        for project in projects {
            let funding = Funding {
                funder: funder.clone(),
                project,
            };
            if !out.contains(&funding) {
                out.push(funding);
            }
        }
    }
    out
}

/// The hit's JSON as received, unless it spans lines (a pretty-printed body): then compacted,
/// since a record must fit on one JSON Lines line.
fn compact(raw: &RawValue) -> Box<RawValue> {
    if raw.get().contains(['\n', '\r']) {
        let value: serde_json::Value = serde_json::from_str(raw.get()).expect("already parsed");
        RawValue::from_string(value.to_string()).expect("valid JSON")
    } else {
        raw.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{SearchSpec, SourceKind, SourceSearch, parse_base_url};

    const REAL: &[u8] = include_bytes!(
        "../../tests/fixtures/nva/search-resources_instanceType-ConferenceLecture_size-3.json"
    );
    const SYNTHETIC: &[u8] =
        include_bytes!("../../tests/fixtures/nva/synthetic_query-tjenestetildeling_size-4.json");
    const LAST: &[u8] = include_bytes!(
        "../../tests/fixtures/nva/synthetic_query-tjenestetildeling_size-4_search-after-last.json"
    );
    const ZERO: &[u8] =
        include_bytes!("../../tests/fixtures/nva/synthetic_query-adfaaf_zero-hits.json");

    fn spec(query: &str, limit: Option<u64>, options: serde_json::Value) -> SearchSpec {
        let options: BTreeMap<String, serde_json::Value> = serde_json::from_value(options).unwrap();
        SearchSpec {
            source: SourceKind::Nva,
            query: query.into(),
            filter: None,
            limit,
            options,
        }
    }

    fn nva(spec: &SearchSpec) -> NvaSearch {
        match spec.resolve().unwrap() {
            SourceSearch::Nva(s) => s,
            other => panic!("not an NVA search: {other:?}"),
        }
    }

    fn planned(spec: SearchSpec) -> PlannedSearch {
        let search = spec.resolve().unwrap();
        PlannedSearch {
            ordinal: 1,
            query_file: "queries/t.toml".into(),
            name: "t".into(),
            index: 1,
            line: 1,
            spec,
            search,
        }
    }

    fn page(body: &[u8]) -> NvaPage {
        let p = planned(spec("x", None, serde_json::json!({})));
        parse_page(body, &p, "run-1", jiff::Timestamp::UNIX_EPOCH).unwrap()
    }

    fn by_id<'a>(page: &'a NvaPage, identifier: &str) -> &'a Record {
        page.records
            .iter()
            .find(|r| r.source_id() == identifier)
            .unwrap_or_else(|| panic!("{identifier} missing"))
    }

    fn params(url: &Url) -> Vec<(String, String)> {
        url.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn the_real_page_converts_every_hit() {
        let p = page(REAL);
        assert_eq!(p.total, Some(438_783));
        assert_eq!((p.hits, p.records.len()), (3, 3));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            p.search_after.as_deref(),
            Some("1778075324800,019dfd77896f-494a2a20-c6c3-4083-a416-e4fb3b457a93")
        );
        // Every hit keeps its Cristin id (the key for merging with Cristin) and its NVA id.
        let cristin: Vec<&str> = p
            .records
            .iter()
            .map(|r| r.ids["cristin"].as_str())
            .collect();
        assert_eq!(cristin, ["10438417", "10438415", "10438363"]);
        for r in &p.records {
            assert_eq!(r.ids["nva"], r.source_id());
            assert_eq!(r.provenance.source, "nva");
            assert_eq!(r.provenance.run, "run-1");
            assert_eq!(r.kind.as_deref(), Some("ConferenceLecture"));
            assert_eq!(
                r.url.as_deref(),
                Some(format!("https://api.nva.unit.no/publication/{}", r.source_id()).as_str())
            );
            // A PDF link and a YouTube link in `reference.doi` are not DOIs: the id comes from
            // the NVA identifier.
            assert_eq!(r.doi, None);
            assert_eq!(
                r.id,
                crate::model::RecordId::from_source("nva", r.source_id())
            );
            assert!(!r.raw.get().contains('\n'), "raw payload on one line");
        }

        let lecture = by_id(&p, "019dfebbc827-a2073198-bdec-4d48-a70b-fb9c79a0aaef");
        assert_eq!(
            lecture.title.as_deref(),
            Some("Mellom forståelse og dominans: Språk, interkulturalitet og makt i sykepleie")
        );
        assert_eq!(lecture.year, Some(2026), "year given as a string");
        assert_eq!(lecture.language.as_deref(), Some("nob"));
        assert_eq!(lecture.venue.as_deref(), Some("Fagdag migrasjonshelse"));
        assert_eq!(lecture.authors.len(), 1);
        let a = &lecture.authors[0];
        assert_eq!(
            (a.given.as_deref(), a.family.as_deref(), a.orcid.as_deref()),
            (Some("Marcel"), Some("Köhler"), Some("0009-0007-1827-1692"))
        );
        assert!(lecture.funding.is_empty());
        assert_eq!(lecture.pages, None, "NullPages");

        let feed = by_id(&p, "019dfea9c483-f4d35a21-a268-4f76-a5f2-7121a9fd38bb");
        assert_eq!(
            feed.title.as_deref(),
            Some(
                "Feed self-sufficiency and scarce domestic resources: Emerging conflicts of interest"
            )
        );
        assert_eq!(feed.language.as_deref(), Some("eng"));
        let abs = feed.abstract_text.as_deref().unwrap();
        assert!(abs.starts_with("The Norwegian government has ambitious goals to increase the share of domestically produced"), "{abs}");
        assert!(
            !abs.contains('\n') && !abs.contains("  "),
            "hard line breaks joined"
        );
        let names: Vec<String> = feed.authors.iter().map(|a| a.display_name()).collect();
        assert_eq!(
            names,
            ["Haugset, Anne Sigrid", "Sand, Roald", "Stræte, Egil Petter"]
        );
        assert_eq!(feed.authors[1].orcid, None);
        assert_eq!(
            feed.funding,
            [Funding {
                funder: "NFR".into(),
                project: Some("326825".into())
            }]
        );
        assert!(
            feed.venue
                .as_deref()
                .unwrap()
                .starts_with("Nord GLOBAL 26.")
        );

        let talk = by_id(&p, "019dfd77896f-494a2a20-c6c3-4083-a416-e4fb3b457a93");
        assert_eq!(talk.year, Some(2025));
        assert_eq!(
            talk.authors[0].display_name(),
            "Aslaksen, Iulie",
            "a RoleOther when no Creator"
        );
    }

    #[test]
    fn norwegian_text_alternative_titles_tags_and_a_real_doi() {
        let p = page(SYNTHETIC);
        let r = by_id(&p, "019e0a000001-5e7a1c00-0000-4000-8000-000000000001");
        assert_eq!(
            r.title.as_deref(),
            Some("Tjenestetildeling i små kommuner: åpenhet, økonomi og særlige hensyn")
        );
        assert_eq!(
            r.other_titles.get("en").map(String::as_str),
            Some(
                "Service allocation in small municipalities: openness, economy and special concerns"
            )
        );
        assert_eq!(
            r.other_titles.get("und").map(String::as_str),
            Some("Tjenestetildeling i små kommuner"),
            "cleaned"
        );
        assert_eq!(
            r.abstract_text.as_deref(),
            Some(
                "Artikkelen undersøker hvordan små kommuner tildeler helse- og omsorgstjenester.\n\nVi finner at bestiller–utfører-modellen gir økt åpenhet."
            )
        );
        assert!(r.other_abstracts["en"].starts_with("The article examines"));
        assert_eq!(
            r.keywords,
            [
                "tjenestetildeling",
                "kommune",
                "helse og omsorg",
                "bestiller-utfører",
                "allocation",
                "Tjenestetildeling"
            ]
        );
        assert_eq!(r.doi.as_deref(), Some("10.5555/nva.synthetic.1"));
        assert_eq!(
            r.id,
            crate::model::RecordId::from_doi("10.5555/nva.synthetic.1")
        );
        assert_eq!(r.ids["cristin"], "1912345");
        assert_eq!(r.venue.as_deref(), Some("Tidsskrift for omsorgsforskning"));
        assert_eq!(r.issn, ["2387-5984"]);
        assert_eq!(
            (r.volume.as_deref(), r.issue.as_deref(), r.pages.as_deref()),
            (Some("7"), Some("2"), Some("112-127"))
        );
        assert_eq!(r.kind.as_deref(), Some("AcademicArticle"));
        assert_eq!(r.year, Some(2021));
        let names: Vec<String> = r.authors.iter().map(|a| a.display_name()).collect();
        assert_eq!(
            names,
            ["Haugset, Anne Sigrid", "Sand, Roald", "Stræte, Egil Petter"],
            "byline order by sequence, not list order"
        );
        assert_eq!(
            r.funding,
            [Funding {
                funder: "NFR".into(),
                project: Some("326825".into())
            }]
        );
    }

    #[test]
    fn nfd_titles_free_text_grants_and_json_numbers() {
        let p = page(SYNTHETIC);
        let r = by_id(&p, "019e0a000002-5e7a1c00-0000-4000-8000-000000000002");
        let title = r.title.as_deref().unwrap();
        assert_eq!(
            title,
            "Styring på tvers: tildeling av sykehjemsplass i Målselv og Ås"
        );
        assert_eq!(crate::text::nfc(title), title, "NFD became NFC");
        assert_eq!(r.year, Some(2019), "year as a JSON number");
        assert_eq!(r.ids["cristin"], "10438499", "Cristin id as a JSON number");
        assert_eq!(r.language.as_deref(), Some("nno"));
        assert_eq!(r.doi, None, "a YouTube link is not a DOI");
        assert_eq!(r.venue.as_deref(), Some("Velferdsstatens kommuner"));
        assert_eq!(r.pages.as_deref(), Some("45-67"));
        assert_eq!(r.authors[0].display_name(), "Köhler, Marcel");
        assert_eq!(
            r.funding,
            [
                Funding {
                    funder: "NFR".into(),
                    project: Some("287131".into())
                },
                Funding {
                    funder: "NFR".into(),
                    project: None
                },
                Funding {
                    funder: "EU".into(),
                    project: Some("101094258".into())
                },
            ]
        );
    }

    #[test]
    fn hostile_text_odd_types_and_a_hit_without_identifier() {
        let p = page(SYNTHETIC);
        assert_eq!((p.hits, p.records.len()), (4, 3));
        assert_eq!(p.warnings, ["hit 4 skipped: no identifier"]);
        let r = by_id(&p, "019e0a000003-5e7a1c00-0000-4000-8000-000000000003");
        assert_eq!(
            r.title.as_deref(),
            Some("Tillit i hjemmetjenesten & omsorg")
        );
        assert_eq!(r.keywords, ["tillitsmodell"], "tags as one string");
        assert!(r.funding.is_empty(), "fundings: null");
        let names: Vec<String> = r.authors.iter().map(|a| a.display_name()).collect();
        assert_eq!(names, ["Sand, Roald"], "the supervisor is not an author");
        assert_eq!(r.year, Some(2020));
    }

    #[test]
    fn last_and_empty_pages() {
        let last = page(LAST);
        assert_eq!((last.hits, last.total), (0, Some(4)));
        assert!(
            last.search_after.is_some(),
            "a next link even on the last page"
        );
        assert!(assumed::is_last_page(0, 4));
        assert!(assumed::is_last_page(3, 4));
        assert!(!assumed::is_last_page(4, 4));
        let zero = page(ZERO);
        assert_eq!(
            (zero.hits, zero.total, zero.search_after),
            (0, Some(0), None)
        );
    }

    #[test]
    fn lenient_envelope_and_unreadable_bodies() {
        let body = br#"{"totalHits":"2","hits":[{"identifier":"a","entityDescription":{"mainTitle":"A","contributors":{"oops":1},"publicationDate":"2020"}},{"identifier":"b","entityDescription":"odd"}]}"#;
        let p = page(body);
        assert_eq!(p.total, Some(2), "totalHits as a string");
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].title.as_deref(), Some("A"));
        assert!(p.records[0].authors.is_empty());
        assert_eq!(p.records[1].title, None);
        let planned = planned(spec("x", None, serde_json::json!({})));
        let err =
            parse_page(b"{\"hits\": [", &planned, "r", jiff::Timestamp::UNIX_EPOCH).unwrap_err();
        assert!(err.starts_with("not an NVA search result"), "{err}");
    }

    #[test]
    fn nfr_numbers_from_free_text() {
        let cases: &[(&str, &[&str])] = &[
            ("326825", &["326825"]),
            (" 326825 ", &["326825"]),
            ("EUFLEX, NFR PROSJEKT NR 287131", &["287131"]),
            ("NFR 262707/F10", &["262707"]),
            (
                "Prosjekt 287131 og 326825 (2019-2023)",
                &["287131", "326825"],
            ),
            ("287131, 287131", &["287131"]),
            ("signert 20210101", &[]),
            ("NFR grant 2019", &[]),
            ("", &[]),
            ("12345", &["12345"]),
        ];
        for (text, expected) in cases {
            assert_eq!(nfr_project_numbers(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn search_after_comes_from_the_link_whatever_its_host() {
        assert_eq!(
            search_after_value(
                "https://elsewhere.example/search/resources?size=3&search_after=17%2Cabc"
            )
            .as_deref(),
            Some("17,abc")
        );
        assert_eq!(
            search_after_value("https://api.nva.unit.no/search/resources?from=3"),
            None
        );
        assert_eq!(search_after_value("not a url"), None);
    }

    #[test]
    fn request_urls() {
        let base = parse_base_url("https://api.nva.unit.no").unwrap();
        let s = nva(&spec(
            "tjenestetildeling  kommune",
            Some(5000),
            serde_json::json!({
                "publication_year_since": 2015,
                "publication_year_before": "2025",
                "category": ["AcademicArticle", "AcademicChapter"],
                "funding_source": "NFR",
                "funding_identifier": 326825,
            }),
        ));
        assert_eq!(s.paging, Paging::SearchAfter);
        assert_eq!(
            s.first_request(&base).as_str(),
            "https://api.nva.unit.no/search/resources?query=tjenestetildeling+kommune&publication_year_since=2015&publication_year_before=2025&category=AcademicArticle%2CAcademicChapter&funding_source=NFR&funding_identifier=326825&aggregation=none&size=100&sort=created_date%3Aasc"
        );
        let next = s.request_url(
            &base,
            50,
            Position::After("1778075324800,019dfd77896f-494a"),
        );
        let pairs = params(&next);
        assert!(pairs.contains(&(
            "search_after".into(),
            "1778075324800,019dfd77896f-494a".into()
        )));
        assert!(pairs.contains(&("size".into(), "50".into())));
        assert!(!pairs.iter().any(|(k, _)| k == "from"));

        let small = nva(&spec("x", Some(7), serde_json::json!({})));
        assert_eq!(small.size, 7, "no bigger page than the limit needs");

        let relevance = nva(&spec(
            "x",
            Some(500),
            serde_json::json!({"sort": "relevance", "size": 50}),
        ));
        assert_eq!(relevance.paging, Paging::Offset);
        let url = relevance.request_url(&base, 50, Position::From(150));
        let pairs = params(&url);
        assert!(pairs.contains(&("from".into(), "150".into())));
        assert!(pairs.contains(&("sort".into(), "relevance".into())));
        assert!(!pairs.iter().any(|(k, _)| k == "search_after"));

        let proxied = parse_base_url("http://127.0.0.1:9/nva").unwrap();
        assert!(small.first_request(&proxied).as_str().starts_with(
            "http://127.0.0.1:9/nva/search/resources?query=x&aggregation=none&size=7&sort="
        ));
    }

    #[test]
    fn only_known_parameters_are_ever_sent() {
        let base = parse_base_url("https://api.nva.unit.no").unwrap();
        let s = nva(&spec(
            "x",
            None,
            serde_json::json!({
                "publication_year_since": 2015, "publication_year_before": 2025,
                "category": "AcademicArticle", "funding_source": "NFR",
                "funding_identifier": "326825", "size": 20, "sort": "modified_date:desc"
            }),
        ));
        const SERVER_KNOWS: &[&str] = &[
            "query",
            "publication_year_since",
            "publication_year_before",
            "category",
            "funding_source",
            "funding_identifier",
            "aggregation",
            "size",
            "sort",
            "search_after",
            "from",
        ];
        for position in [Position::First, Position::After("1,a"), Position::From(20)] {
            for (k, _) in params(&s.request_url(&base, 20, position)) {
                assert!(SERVER_KNOWS.contains(&k.as_str()), "{k}");
            }
        }
    }

    #[test]
    fn options_are_validated() {
        let err =
            |query: &str, opts: serde_json::Value| spec(query, None, opts).resolve().unwrap_err();
        let unknown = err("x", serde_json::json!({"lang": "nb"}));
        assert!(
            unknown.contains("unknown key `lang`") && unknown.contains(KNOWN_KEYS),
            "{unknown}"
        );
        assert!(err("x", serde_json::json!({"size": 101})).contains("1 to 100"));
        assert!(err("x", serde_json::json!({"size": 0})).contains("1 to 100"));
        assert!(err("x", serde_json::json!({"size": "20"})).contains("positive integer"));
        assert!(
            err("x", serde_json::json!({"publication_year_since": "recent"})).contains("a year")
        );
        let exclusive = err(
            "x",
            serde_json::json!({"publication_year_since": 2020, "publication_year_before": 2020}),
        );
        assert!(
            exclusive.contains("exclusive") && exclusive.contains("2021"),
            "{exclusive}"
        );
        assert!(err("x", serde_json::json!({"sort": "created date"})).contains("key[:asc|desc]"));
        assert!(
            err("x", serde_json::json!({"sort": "created_date:up"})).contains("key[:asc|desc]")
        );
        assert!(
            err("x", serde_json::json!({"category": "Academic Article"}))
                .contains("instance types")
        );
        assert!(err("x", serde_json::json!({"funding_source": "N F R"})).contains("funder code"));
        assert!(err("", serde_json::json!({})).contains("empty"));
        assert!(
            spec(
                "",
                None,
                serde_json::json!({"category": "ConferenceLecture"})
            )
            .resolve()
            .is_ok()
        );
        let mut with_filter = spec("x", None, serde_json::json!({}));
        with_filter.filter = Some("year:2020".into());
        assert!(
            with_filter
                .resolve()
                .unwrap_err()
                .contains("`filter` is not used")
        );
    }

    #[test]
    fn queries_the_server_reads_differently_are_warned_about() {
        let plain = nva(&spec(
            "tjenestetildeling kommune",
            None,
            serde_json::json!({}),
        ));
        assert!(plain.warnings.is_empty(), "{:?}", plain.warnings);
        let long = (1..=22)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let w = nva(&spec(&long, None, serde_json::json!({}))).warnings;
        assert_eq!(w.len(), 1);
        assert!(
            w[0].contains("22 words") && w[0].contains("\"w21\""),
            "{}",
            w[0]
        );
        let w = nva(&spec(
            "tildeling OR allocation NOT hospital",
            None,
            serde_json::json!({}),
        ))
        .warnings;
        assert!(
            w[0].contains("no boolean operators") && w[0].contains("`OR`, `NOT`"),
            "{}",
            w[0]
        );
        let w = nva(&spec(
            "x",
            None,
            serde_json::json!({"sort": "modified_date:desc"}),
        ))
        .warnings;
        assert!(w[0].contains("skipped or repeated"), "{w:?}");
        let w = nva(&spec("x", None, serde_json::json!({"sort": "relevance"}))).warnings;
        assert!(w[0].contains("10000"), "{w:?}");
        assert!(
            nva(&spec(
                "x",
                Some(200),
                serde_json::json!({"sort": "relevance"})
            ))
            .warnings
            .is_empty()
        );
        assert!(
            nva(&spec(
                "x",
                None,
                serde_json::json!({"sort": "createdDate:asc"})
            ))
            .warnings
            .is_empty()
        );
    }
}
