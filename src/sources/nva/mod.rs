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

mod page;

pub use page::{NvaPage, nfr_project_numbers, parse_page, search_after_value};

use super::http::{FetchOptions, HttpClient, HttpError};
use super::lenient;
use super::{Event, HarvestError, SearchObserver, SearchOutcome, SearchSpec};
use crate::text::clean_line;
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
            ..Default::default()
        };
        let fetch = client.get_with(
            &url,
            observer,
            move |ex| parse_page(&ex.body, &p, &run, ex.time),
            options,
        );
        let previous = pending.take().map(|(p, take)| (p.records, take));
        let result = super::fetch_while_storing(fetch, observer, previous, outcome).await?;
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
        let take = super::take_within(search.limit, processed, page.records.len());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{SourceKind, SourceSearch, parse_base_url};

    fn spec(query: &str, limit: Option<u64>, options: serde_json::Value) -> SearchSpec {
        crate::sources::test_spec(SourceKind::Nva, query, limit, options)
    }

    fn nva(spec: &SearchSpec) -> NvaSearch {
        match spec.resolve().unwrap() {
            SourceSearch::Nva(s) => s,
            other => panic!("not an NVA search: {other:?}"),
        }
    }

    fn params(url: &Url) -> Vec<(String, String)> {
        url.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
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
