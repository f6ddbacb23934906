//! Crossref REST API: `GET {base}/works` with deep paging by cursor.
//!
//! The facts this follows (evidence in `API-FACTS.md` §1):
//! - `query.bibliographic` (default) or plain `query`, or another `query.<field>`; `filter`
//!   passed through in Crossref's own syntax; `rows` at most 1000; `select` of the fields we
//!   use (`language` is not selectable, so `select = "all"` is the way to keep it).
//! - Deep paging: `cursor=*`, then the response's `next-cursor`. The cursor value does **not**
//!   change from page to page, so the search stops on a short or empty page, or when the
//!   reported total or the limit is reached — never on "same cursor". A search that fits in
//!   one page (limit ≤ rows) sends no cursor at all.
//! - A 404 `cursor-invalid` (expired cursor) restarts the search from `cursor=*`; records
//!   already stored are skipped by the store, so nothing is lost or stored twice.
//! - Items: `title` is an array; `issued.date-parts` can be `[[null]]`; abstracts hold JATS or
//!   HTML; authors may lack `given`; numbers sometimes come as strings and vice versa.

use super::http::{HttpClient, HttpError};
use super::lenient;
use super::{Event, HarvestError, PlannedSearch, SearchObserver, SearchOutcome, SearchSpec};
use crate::model::{Author, Provenance, Record};
use crate::text::{clean_block, clean_line, non_empty, normalize_orcid};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use url::Url;

/// Crossref refuses `rows` above this.
pub const MAX_ROWS: u32 = 1000;
/// Documented server defaults: stating them does not change a request.
pub const SERVER_DEFAULTS: &[(&str, &str)] = &[("rows", "20")];
/// The item fields litscope uses (`select`).
pub const SELECT_FIELDS: &[&str] = &[
    "DOI",
    "title",
    "subtitle",
    "original-title",
    "author",
    "issued",
    "published",
    "published-print",
    "published-online",
    "posted",
    "container-title",
    "volume",
    "issue",
    "page",
    "article-number",
    "abstract",
    "type",
    "subject",
    "URL",
    "ISSN",
    "publisher",
    "update-to",
];
/// Restarts after an expired cursor before giving up.
const MAX_RESTARTS: u32 = 3;
/// Parameters litscope sets itself.
const MANAGED_PARAMS: &[&str] = &[
    "cursor", "offset", "rows", "select", "sample", "mailto", "filter",
];

/// A Crossref search, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossrefSearch {
    /// `query.bibliographic`, `query` or `query.<field>`.
    pub query_param: String,
    /// The query text (may be empty when `params` holds a field query).
    pub query: String,
    /// `filter`, passed through.
    pub filter: Option<String>,
    /// Page size.
    pub rows: u32,
    /// `select`, or `None` for whole records.
    pub select: Option<String>,
    /// Other parameters, passed through (`query.author`, `sort`, `order`, …).
    pub params: Vec<(String, String)>,
    /// Records to retrieve at most.
    pub limit: Option<u64>,
}

impl CrossrefSearch {
    /// Validates a search from a query file. Options: `field`, `rows`, `select`, `params`.
    pub fn from_spec(spec: &SearchSpec) -> Result<Self, String> {
        let mut query_param = "query.bibliographic".to_string();
        let mut rows: Option<u32> = None;
        let mut select = Some(SELECT_FIELDS.join(","));
        let mut params = Vec::new();
        for (key, value) in &spec.options {
            match key.as_str() {
                "field" => {
                    let field = value
                        .as_str()
                        .ok_or("`field` must be a string such as \"bibliographic\" or \"all\"")?;
                    query_param = match field {
                        "all" | "query" => "query".into(),
                        f if !f.is_empty()
                            && f.chars().all(|c| c.is_ascii_lowercase() || c == '-') =>
                        {
                            format!("query.{f}")
                        }
                        f => {
                            return Err(format!(
                                "`field = \"{f}\"` is not a Crossref field query name"
                            ));
                        }
                    };
                }
                "rows" => {
                    let n = value.as_u64().ok_or("`rows` must be a positive integer")?;
                    if n == 0 || n > u64::from(MAX_ROWS) {
                        return Err(format!(
                            "`rows = {n}`: Crossref allows 1 to {MAX_ROWS} rows per page"
                        ));
                    }
                    rows = Some(n as u32);
                }
                "select" => {
                    select = match value {
                        serde_json::Value::String(s) if s == "all" => None,
                        serde_json::Value::Array(items) => {
                            let names: Option<Vec<&str>> =
                                items.iter().map(|v| v.as_str()).collect();
                            let names =
                                names.ok_or("`select` must be a list of field names or \"all\"")?;
                            if !names.contains(&"DOI") {
                                return Err(
                                    "`select` must include \"DOI\" (records are keyed by it)"
                                        .into(),
                                );
                            }
                            Some(names.join(","))
                        }
                        _ => return Err("`select` must be a list of field names or \"all\"".into()),
                    };
                }
                "params" => {
                    let table = value
                        .as_object()
                        .ok_or("`params` must be a table of extra parameters")?;
                    for (k, v) in table {
                        if MANAGED_PARAMS.contains(&k.as_str()) {
                            return Err(format!(
                                "`params.{k}` is set by litscope; use the search's own keys instead"
                            ));
                        }
                        let v = match v {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Number(n) => n.to_string(),
                            serde_json::Value::Bool(b) => b.to_string(),
                            _ => return Err(format!("`params.{k}` must be a string or number")),
                        };
                        params.push((k.clone(), v));
                    }
                }
                other => {
                    return Err(format!(
                        "unknown key `{other}` for a crossref search (known: query, filter, limit, field, rows, select, params)"
                    ));
                }
            }
        }
        let has_field_query = params.iter().any(|(k, _)| k.starts_with("query"));
        if spec.query.trim().is_empty() && !has_field_query && spec.filter.is_none() {
            return Err(
                "`query` is empty (give a query, a filter or a field query in `params`)".into(),
            );
        }
        if params.iter().any(|(k, _)| *k == query_param) && !spec.query.trim().is_empty() {
            return Err(format!(
                "`{query_param}` is given both as `query` and in `params`"
            ));
        }
        // Without an explicit page size, ask for no more than the limit needs.
        let rows = rows.unwrap_or_else(|| {
            spec.limit
                .map_or(MAX_ROWS, |l| l.min(u64::from(MAX_ROWS)) as u32)
        });
        Ok(CrossrefSearch {
            query_param,
            query: spec.query.trim().to_string(),
            filter: spec.filter.clone(),
            rows,
            select,
            params,
            limit: spec.limit,
        })
    }

    /// True when one page holds every record the limit allows: no cursor needed.
    pub fn single_page(&self) -> bool {
        self.limit.is_some_and(|l| l <= u64::from(self.rows))
    }

    /// The request for a page: `cursor` is `None` for a single-page search.
    pub fn request_url(&self, base: &Url, cursor: Option<&str>) -> Url {
        let mut url = base.join("works").expect("base URL ends with a slash");
        {
            let mut q = url.query_pairs_mut();
            if !self.query.is_empty() {
                q.append_pair(&self.query_param, &self.query);
            }
            for (k, v) in &self.params {
                q.append_pair(k, v);
            }
            if let Some(f) = &self.filter {
                q.append_pair("filter", f);
            }
            q.append_pair("rows", &self.rows.to_string());
            if let Some(s) = &self.select {
                q.append_pair("select", s);
            }
            if let Some(c) = cursor {
                q.append_pair("cursor", c);
            }
        }
        url
    }
}

/// Runs one Crossref search, storing each page while the next one is fetched.
pub(crate) async fn harvest(
    client: &HttpClient,
    base: &Url,
    search: &CrossrefSearch,
    observer: &SearchObserver,
    outcome: &mut SearchOutcome,
) -> Result<(), HarvestError> {
    let (sink, planned) = (&observer.sink, &observer.search);
    let single = search.single_page();
    let mut cursor = (!single).then(|| "*".to_string());
    // Items seen in this pass from the first page; a restart begins a new pass.
    let mut processed: u64 = 0;
    // The page parsed last, stored while the next one is fetched.
    let mut pending: Option<(CrossrefPage, usize)> = None;
    loop {
        let url = search.request_url(base, cursor.as_deref());
        outcome.first_request.get_or_insert_with(|| url.clone());
        let (p, run) = (planned.clone(), observer.run.clone());
        let fetch = client.get(&url, observer, move |ex| {
            parse_page(&ex.body, &p, &run, ex.time)
        });
        let previous = pending.take().map(|(p, take)| (p.records, take));
        let result = super::fetch_while_storing(fetch, observer, previous, outcome).await?;
        let page = match result {
            Ok(page) => page,
            Err(e) if is_cursor_invalid(&e) && cursor.is_some() => {
                if outcome.counts.restarts >= MAX_RESTARTS {
                    return Err(e.into());
                }
                outcome.counts.restarts += 1;
                sink.event(planned, Event::Restart { reason: "the cursor expired (404 cursor-invalid); starting again from the first page, records already stored are skipped" });
                cursor = Some("*".into());
                processed = 0;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if page.total.is_some() {
            outcome.counts.reported = page.total;
        }
        for warning in &page.warnings {
            sink.event(planned, Event::Warning(warning));
        }
        let take = super::take_within(search.limit, processed, page.records.len());
        processed += page.items as u64;
        let expected = page
            .per_page
            .map_or(u64::from(search.rows), |p| p.min(u64::from(search.rows)));
        let done = single
            || page.items == 0
            || (page.items as u64) < expected
            || search.limit.is_some_and(|l| processed >= l)
            || page.total.is_some_and(|t| processed >= t)
            || page.next_cursor.is_none();
        let next_cursor = page.next_cursor.clone();
        pending = Some((page, take));
        if done {
            return super::store_page(
                observer,
                pending.take().map(|(p, take)| (p.records, take)),
                outcome,
            )
            .await;
        }
        cursor = next_cursor;
    }
}

fn is_cursor_invalid(e: &HttpError) -> bool {
    matches!(e.status_body(), Some((404, body)) if body.windows(14).any(|w| w == b"cursor-invalid"))
}

/// One page of `/works`, converted.
#[derive(Debug)]
pub struct CrossrefPage {
    /// `total-results`.
    pub total: Option<u64>,
    /// `items-per-page`.
    pub per_page: Option<u64>,
    /// `next-cursor`.
    pub next_cursor: Option<String>,
    /// Items in the page (converted or not).
    pub items: usize,
    /// The converted records.
    pub records: Vec<Record>,
    /// Items that could not be converted, one line each.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    message: Message<'a>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(rename = "total-results", default)]
    total: Option<u64>,
    #[serde(rename = "items-per-page", default)]
    per_page: Option<u64>,
    #[serde(rename = "next-cursor", default)]
    next_cursor: Option<String>,
    #[serde(borrow, default)]
    items: Vec<&'a RawValue>,
}

/// Parses a `/works` response body into records (the pure part of the harvester).
pub fn parse_page(
    body: &[u8],
    planned: &PlannedSearch,
    run: &str,
    retrieved: jiff::Timestamp,
) -> Result<CrossrefPage, String> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| format!("not a Crossref work list: {e}"))?;
    let m = envelope.message;
    let mut records = Vec::with_capacity(m.items.len());
    let mut warnings = Vec::new();
    for (i, raw) in m.items.iter().enumerate() {
        match convert_item(raw, planned, run, retrieved) {
            Ok(r) => records.push(r),
            Err(e) => warnings.push(format!("item {} skipped: {e}", i + 1)),
        }
    }
    Ok(CrossrefPage {
        total: m.total,
        per_page: m.per_page,
        next_cursor: m.next_cursor,
        items: m.items.len(),
        records,
        warnings,
    })
}

#[derive(Deserialize)]
struct Item<'a> {
    #[serde(rename = "DOI", borrow, default)]
    doi: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "lenient::strings")]
    title: Vec<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "lenient::strings")]
    subtitle: Vec<Cow<'a, str>>,
    #[serde(
        rename = "original-title",
        borrow,
        default,
        deserialize_with = "lenient::strings"
    )]
    original_title: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    author: Vec<Contributor<'a>>,
    #[serde(default)]
    issued: Option<PartialDate>,
    #[serde(default)]
    published: Option<PartialDate>,
    #[serde(rename = "published-print", default)]
    published_print: Option<PartialDate>,
    #[serde(rename = "published-online", default)]
    published_online: Option<PartialDate>,
    #[serde(default)]
    posted: Option<PartialDate>,
    #[serde(
        rename = "container-title",
        borrow,
        default,
        deserialize_with = "lenient::strings"
    )]
    container_title: Vec<Cow<'a, str>>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    volume: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    issue: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    page: Option<String>,
    #[serde(
        rename = "article-number",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    article_number: Option<String>,
    #[serde(rename = "abstract", borrow, default)]
    abstract_text: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    language: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "lenient::strings")]
    subject: Vec<Cow<'a, str>>,
    #[serde(rename = "URL", borrow, default)]
    url: Option<Cow<'a, str>>,
    #[serde(
        rename = "ISSN",
        borrow,
        default,
        deserialize_with = "lenient::strings"
    )]
    issn: Vec<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Contributor<'a> {
    #[serde(borrow, default)]
    given: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    family: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(rename = "ORCID", borrow, default)]
    orcid: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct PartialDate {
    #[serde(rename = "date-parts", default)]
    parts: Vec<Vec<serde_json::Value>>,
}

impl PartialDate {
    /// The year, when the date has one (`[[null]]` has none).
    fn year(&self) -> Option<i32> {
        let v = self.parts.first()?.first()?;
        let y = v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))?;
        (1000..=9999).contains(&y).then_some(y as i32)
    }
}

fn first_clean(values: &[Cow<'_, str>]) -> Option<String> {
    values.iter().map(|v| clean_line(v)).find(|v| !v.is_empty())
}

fn convert_item(
    raw: &RawValue,
    planned: &PlannedSearch,
    run: &str,
    retrieved: jiff::Timestamp,
) -> Result<Record, String> {
    let item: Item =
        serde_json::from_str(raw.get()).map_err(|e| format!("unreadable item: {e}"))?;
    let doi_text = item.doi.as_deref().ok_or("no DOI")?;
    let doi = crate::text::normalize_doi(doi_text)
        .ok_or_else(|| format!("`{}` is not a DOI", crate::text::for_terminal(doi_text)))?;
    let provenance = Provenance {
        source: planned.spec.source.name().to_string(),
        source_id: doi.clone(),
        run: run.to_string(),
        query: Some(planned.name.clone()),
        retrieved,
        via: planned.via.clone(),
    };
    let mut r = Record::new(provenance, Some(&doi), super::lenient::one_line(raw));
    let title = first_clean(&item.title).or_else(|| first_clean(&item.original_title));
    r.title = match (title, first_clean(&item.subtitle)) {
        (Some(t), Some(s)) if !t.to_lowercase().contains(&s.to_lowercase()) => {
            let sep = if t.ends_with(['?', '!', ':', '.']) {
                " "
            } else {
                ": "
            };
            Some(format!("{t}{sep}{s}"))
        }
        (t, _) => t,
    };
    r.authors = item
        .author
        .iter()
        .map(|a| Author {
            family: a.family.as_deref().map(clean_line).and_then(non_empty),
            given: a.given.as_deref().map(clean_line).and_then(non_empty),
            name: a.name.as_deref().map(clean_line).and_then(non_empty),
            orcid: a.orcid.as_deref().and_then(normalize_orcid),
        })
        .filter(|a| a.family.is_some() || a.given.is_some() || a.name.is_some())
        .collect();
    r.year = [
        &item.issued,
        &item.published,
        &item.published_print,
        &item.published_online,
        &item.posted,
    ]
    .into_iter()
    .flatten()
    .find_map(PartialDate::year);
    r.venue = first_clean(&item.container_title);
    r.volume = item.volume.as_deref().map(clean_line).and_then(non_empty);
    r.issue = item.issue.as_deref().map(clean_line).and_then(non_empty);
    r.pages = item.page.as_deref().map(clean_line).and_then(non_empty);
    r.article_number = item
        .article_number
        .as_deref()
        .map(clean_line)
        .and_then(non_empty);
    r.abstract_text = item
        .abstract_text
        .as_deref()
        .map(clean_block)
        .and_then(non_empty);
    r.set_type(item.kind.as_deref());
    r.language = item.language.as_deref().map(clean_line).and_then(non_empty);
    r.keywords = item
        .subject
        .iter()
        .map(|s| clean_line(s))
        .filter(|s| !s.is_empty())
        .collect();
    r.url = item.url.as_deref().map(clean_line).and_then(non_empty);
    r.issn = item
        .issn
        .iter()
        .map(|s| clean_line(s))
        .filter(|s| !s.is_empty())
        .collect();
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{SearchSpec, SourceKind, SourceSearch};
    use crate::testutil::shared_fixture;

    fn spec(query: &str, limit: Option<u64>, options: serde_json::Value) -> SearchSpec {
        crate::sources::test_spec(SourceKind::Crossref, query, limit, options)
    }

    fn planned(spec: SearchSpec) -> PlannedSearch {
        PlannedSearch::standalone("t", spec).unwrap()
    }

    fn page(fixture: &str) -> CrossrefPage {
        let body = shared_fixture(&format!("fixtures/crossref/{fixture}"));
        let p = planned(spec("widget", None, serde_json::json!({})));
        parse_page(&body, &p, "run-1", jiff::Timestamp::UNIX_EPOCH).unwrap()
    }

    fn by_doi<'a>(page: &'a CrossrefPage, doi: &str) -> &'a Record {
        page.records
            .iter()
            .find(|r| r.doi.as_deref() == Some(doi))
            .unwrap_or_else(|| panic!("{doi} missing"))
    }

    #[test]
    fn cursor_page_parses_with_total_and_cursor() {
        let p = page("works_query-widget_cursor-star_page1.json");
        assert_eq!(p.total, Some(454));
        assert_eq!(p.per_page, Some(20));
        assert_eq!(p.items, 20);
        assert_eq!(p.records.len(), 20);
        assert!(p.next_cursor.as_deref().unwrap().ends_with("=="));
        assert!(p.warnings.is_empty());
        let r = &p.records[0];
        assert_eq!(r.provenance.source, "crossref");
        assert_eq!(r.provenance.run, "run-1");
        assert_eq!(r.provenance.query.as_deref(), Some("t"));
        assert_eq!(r.source_id(), r.doi.as_deref().unwrap());
    }

    #[test]
    fn null_issued_date_gives_no_year_and_no_panic() {
        let p = page("works_query-widget_cursor-star_page1.json");
        let r = by_doi(&p, "10.1007/978-1-4302-0197-7_9");
        assert_eq!(r.year, None);
        assert_eq!(
            r.title.as_deref(),
            Some("Widget Mania: Using a GUI Widget Framework")
        );
        assert_eq!(
            r.venue.as_deref(),
            Some("Practical JavaScript\u{2122}, DOM Scripting, and Ajax Projects")
        );
        assert_eq!(r.pages.as_deref(), Some("305-349"));
        assert_eq!(r.kind, Some(crate::model::WorkType::BookChapter));
        assert_eq!(r.language.as_deref(), Some("en"));
    }

    #[test]
    fn authors_without_given_names_and_empty_authors() {
        let p = page("works_query-widget_cursor-next_page2.json");
        let r = by_doi(&p, "10.21326/ksdt.2008..18.018");
        assert_eq!(r.authors[0].family.as_deref(), Some("조혜린"));
        assert_eq!(r.authors[0].given, None);
        let p3 = page("works_query-widget_cursor-next_page3.json");
        let r = by_doi(&p3, "10.31390/gradschool_theses.6125");
        assert!(
            r.authors
                .iter()
                .all(|a| a.family.is_some() || a.name.is_some() || a.given.is_some())
        );
    }

    #[test]
    fn raw_payload_is_kept_byte_for_byte() {
        let body = shared_fixture("fixtures/crossref/works_query-widget_cursor-star_page1.json");
        let text = std::str::from_utf8(&body).unwrap();
        let p = page("works_query-widget_cursor-star_page1.json");
        for r in &p.records {
            assert!(
                text.contains(r.raw.get()),
                "raw payload of {} changed",
                r.id
            );
        }
        // `\/` escapes as sent.
        assert!(p.records[0].raw.get().contains("\\/"));
    }

    #[test]
    fn jats_abstracts_become_plain_paragraphs() {
        let p = page("works_query-ecology_query-author-carl-boettiger.json");
        let with_abstract: Vec<_> = p
            .records
            .iter()
            .filter(|r| r.abstract_text.is_some())
            .collect();
        assert!(with_abstract.len() >= 10);
        for r in &with_abstract {
            let a = r.abstract_text.as_deref().unwrap();
            assert!(!a.contains("<jats:") && !a.contains("</"), "{}: {a}", r.id);
            assert!(
                !a.starts_with("Abstract")
                    && !a.starts_with("ABSTRACT")
                    && !a.starts_with("Summary"),
                "{}: {a}",
                r.id
            );
            assert!(!a.contains("  "), "{}: whitespace not collapsed", r.id);
        }
        let geb = by_doi(&p, "10.1111/geb.13950")
            .abstract_text
            .as_deref()
            .unwrap();
        assert!(
            geb.starts_with("Aim\n\nDespite unprecedented environmental change"),
            "{geb}"
        );
        let orcids: Vec<_> = p
            .records
            .iter()
            .flat_map(|r| &r.authors)
            .filter_map(|a| a.orcid.as_deref())
            .collect();
        assert!(
            !orcids.is_empty()
                && orcids
                    .iter()
                    .all(|o| o.len() == 19 && !o.contains("orcid.org"))
        );
    }

    #[test]
    fn html_abstracts_lose_their_tags() {
        let p = page("works_query-ecology_rows-2.json");
        assert_eq!(p.records.len(), 2);
        let a = by_doi(&p, "10.1093/obo/9780199830060-0238")
            .abstract_text
            .as_deref()
            .unwrap();
        assert!(a.starts_with("Communication is perhaps the most important"));
        assert!(!a.contains("<p>"));
        let b = by_doi(&p, "10.1093/obo/9780199830060-0023")
            .abstract_text
            .as_deref()
            .unwrap();
        assert!(b.starts_with("\u{201c}Ours is a world of sights and sounds."));
    }

    #[test]
    fn portuguese_text_survives_in_nfc() {
        let p = page("works_query-publisher-name_ufsm.json");
        let r = by_doi(&p, "10.5902/2175497775344");
        assert_eq!(
            r.title.as_deref(),
            Some(
                "Relações Públicas e Design Thinking: experiências convergentes na prototipação de um e-book sobre gestão de eventos no pós-pandemia"
            )
        );
        for r in &p.records {
            let t = r.title.as_deref().unwrap_or("");
            assert_eq!(crate::text::nfc(t), t);
        }
    }

    #[test]
    fn selected_fields_only() {
        let p = page("works_query-ecology_select-DOI-title.json");
        assert_eq!(p.records.len(), 20);
        assert!(
            p.records
                .iter()
                .all(|r| r.title.is_some() && r.authors.is_empty() && r.year.is_none())
        );
    }

    #[test]
    fn zero_results() {
        let p = page("works_query-adfaaf_zero-results_2022.json");
        assert_eq!((p.total, p.items, p.records.len()), (Some(0), 0, 0));
    }

    #[test]
    fn a_bad_item_is_skipped_with_a_warning_not_the_page() {
        let body = br#"{"status":"ok","message":{"total-results":3,"items-per-page":3,"items":[
            {"DOI":"10.1000/ok","title":["Fine"],"volume":12,"issued":{"date-parts":[["2019"]]}},
            {"title":["No DOI"]},
            {"DOI":"not-a-doi","title":["Bad DOI"]}]}}"#;
        let p = planned(spec("x", None, serde_json::json!({})));
        let page = parse_page(body, &p, "r", jiff::Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(page.items, 3);
        assert_eq!(page.records.len(), 1);
        assert_eq!(page.records[0].volume.as_deref(), Some("12"));
        assert_eq!(page.records[0].year, Some(2019));
        assert_eq!(page.warnings.len(), 2);
        assert!(page.warnings[0].contains("no DOI"));
        assert!(
            parse_page(
                b"{\"message\": {\"items\": [",
                &p,
                "r",
                jiff::Timestamp::UNIX_EPOCH
            )
            .is_err()
        );
    }

    #[test]
    fn request_urls() {
        let base = crate::sources::parse_base_url("https://api.crossref.org").unwrap();
        let p = planned(spec(
            "purchaser provider",
            Some(5000),
            serde_json::json!({}),
        ));
        let SourceSearch::Crossref(s) = &p.search else {
            panic!("a crossref search")
        };
        assert!(!s.single_page());
        let url = p.search.first_request(&base);
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            pairs[0],
            ("query.bibliographic".into(), "purchaser provider".into())
        );
        assert!(pairs.contains(&("rows".into(), "1000".into())));
        assert!(pairs.contains(&("cursor".into(), "*".into())));
        assert!(
            pairs
                .iter()
                .any(|(k, v)| k == "select" && v.starts_with("DOI,title"))
        );

        let small = planned(spec(
            "ecology",
            Some(2),
            serde_json::json!({"field": "all", "select": "all"}),
        ));
        assert_eq!(
            small.search.first_request(&base).as_str(),
            "https://api.crossref.org/works?query=ecology&rows=2"
        );

        let proxied = crate::sources::parse_base_url("http://127.0.0.1:9/crossref").unwrap();
        assert!(
            small
                .search
                .first_request(&proxied)
                .as_str()
                .starts_with("http://127.0.0.1:9/crossref/works?")
        );
    }

    #[test]
    fn options_are_validated() {
        let err = |opts: serde_json::Value| spec("x", None, opts).resolve().unwrap_err();
        assert!(err(serde_json::json!({"rows": 5000})).contains("1 to 1000"));
        assert!(err(serde_json::json!({"rows": 0})).contains("1 to 1000"));
        assert!(err(serde_json::json!({"colour": "red"})).contains("unknown key `colour`"));
        assert!(err(serde_json::json!({"params": {"cursor": "x"}})).contains("set by litscope"));
        assert!(err(serde_json::json!({"select": ["title"]})).contains("DOI"));
        assert!(
            spec("", None, serde_json::json!({}))
                .resolve()
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            spec(
                "",
                None,
                serde_json::json!({"params": {"query.author": "x"}})
            )
            .resolve()
            .is_ok()
        );
    }
}
