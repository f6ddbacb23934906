//! Prosjektbanken, the Research Council of Norway's project bank: funded projects as
//! **register records** (PRISMA 2020 counts them under registers, not databases).
//!
//! What litscope relies on (API-FACTS §3; the shapes come from client code, none was ever
//! recorded, so they are UNCONFIRMED and live in the structs below):
//! - Search: `GET /prosjektbanken/rest/projectlist?Kilde=FORISS&…&Fritekst=…&resultCount=N&offset=K`
//!   → `{"projects": [{"id", "title", "totalFunding", "duration": {"startYear", "endYear"},
//!   "leadName", …}]}`, paged by offset until a short page. No total is known.
//! - Or (`endpoint = "cristin"`): `GET /prosjektbanken/rest/cristin/search?query=…&from=K&size=N`
//!   → `{"totalHits", "hits": [{"projectId", "activeFrom", "activeTo", "leadName",
//!   "english": {"title"}, "norwegian": {"title"}}]}`.
//! - Summaries, the amount awarded and the programme come from the project page
//!   `/project/FORISS/{nr}` (see [`page`]); a page that cannot be read leaves the record as the
//!   listing gave it, with one warning.

pub mod page;

use super::http::{FetchOptions, HttpClient, HttpError};
use super::{
    Clients, Event, FollowUp, HarvestError, PlannedSearch, SearchObserver, SearchOutcome,
    SearchSpec, SourceKind,
};
use crate::model::{ProjectInfo, Provenance, Record};
use crate::text::{clean_line, non_empty};
use serde::Deserialize;
use serde_json::value::RawValue;
use url::Url;

/// Project pages fetched at the same time (the host's limiter still caps what is sent).
const PAGE_CONCURRENCY: usize = 4;

/// Which search endpoint to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/prosjektbanken/rest/projectlist` (the website's own search).
    ProjectList,
    /// `/prosjektbanken/rest/cristin/search` (the Cristin integration search).
    Cristin,
}

/// A Prosjektbanken search, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ProsjektbankenSearch {
    /// Free text (`Fritekst`): `a+b` all words, a space any word, `"…"` a phrase.
    pub query: String,
    /// The endpoint.
    pub endpoint: Endpoint,
    /// `Kilde` (`FORISS`: projects funded by the Research Council).
    pub kilde: String,
    /// Page size.
    pub page_size: u32,
    /// `score` or `date`.
    pub sort_by: String,
    /// Read each project's page for its summary.
    pub pages: bool,
    /// Ask NVA (`/verified-funding/nfr/{nr}`) about projects whose period or lead is missing.
    pub verified_funding: bool,
    /// Sources to search for publications linked to each project's NFR code.
    pub follow: Vec<SourceKind>,
    /// Records to retrieve at most.
    pub limit: Option<u64>,
}

impl ProsjektbankenSearch {
    /// Validates a search from a query file. Options: `endpoint`, `kilde`, `page_size`,
    /// `sort_by`, `pages`.
    pub fn from_spec(spec: &SearchSpec) -> Result<Self, String> {
        let mut search = ProsjektbankenSearch {
            query: spec.query.trim().to_string(),
            endpoint: Endpoint::ProjectList,
            kilde: "FORISS".into(),
            page_size: spec.limit.map_or(50, |l| l.clamp(1, 50) as u32),
            sort_by: "score".into(),
            pages: true,
            verified_funding: true,
            follow: Vec::new(),
            limit: spec.limit,
        };
        if spec.filter.is_some() {
            return Err(
                "`filter` is not supported for prosjektbanken (use the query's own syntax)".into(),
            );
        }
        for (key, value) in &spec.options {
            match key.as_str() {
                "endpoint" => {
                    search.endpoint = match value.as_str() {
                        Some("projectlist") => Endpoint::ProjectList,
                        Some("cristin") => Endpoint::Cristin,
                        _ => return Err("`endpoint` must be \"projectlist\" or \"cristin\"".into()),
                    }
                }
                "kilde" => {
                    search.kilde = value
                        .as_str()
                        .ok_or("`kilde` must be a string such as \"FORISS\"")?
                        .to_string()
                }
                "page_size" => {
                    let n = value
                        .as_u64()
                        .filter(|n| (1..=200).contains(n))
                        .ok_or("`page_size` must be between 1 and 200")?;
                    search.page_size = n as u32;
                }
                "sort_by" => {
                    search.sort_by = match value.as_str() {
                        Some(s @ ("score" | "date")) => s.to_string(),
                        _ => return Err("`sort_by` must be \"score\" or \"date\"".into()),
                    }
                }
                "pages" => search.pages = value.as_bool().ok_or("`pages` must be true or false")?,
                "follow" => {
                    let names = value
                        .as_array()
                        .ok_or("`follow` must be a list such as [\"cristin\", \"nva\"]")?;
                    search.follow = names
                        .iter()
                        .map(|n| match n.as_str().and_then(SourceKind::parse) {
                            Some(s @ (SourceKind::Cristin | SourceKind::Nva)) => Ok(s),
                            _ => Err(format!("`follow` takes \"cristin\" and \"nva\", not {n}")),
                        })
                        .collect::<Result<_, _>>()?;
                }
                "verified_funding" => {
                    search.verified_funding = value
                        .as_bool()
                        .ok_or("`verified_funding` must be true or false")?
                }
                other => {
                    return Err(format!(
                        "unknown key `{other}` for a prosjektbanken search (known: query, limit, endpoint, kilde, page_size, sort_by, pages, verified_funding, follow)"
                    ));
                }
            }
        }
        if search.query.is_empty() {
            return Err("`query` is empty".into());
        }
        Ok(search)
    }

    /// The request for the listing page starting at `offset`.
    pub fn request_url(&self, base: &Url, offset: u64) -> Url {
        let mut url;
        match self.endpoint {
            Endpoint::ProjectList => {
                url = base
                    .join("prosjektbanken/rest/projectlist")
                    .expect("base URL ends with a slash");
                url.query_pairs_mut()
                    .append_pair("Kilde", &self.kilde)
                    .append_pair("distribution", "Ar")
                    .append_pair("chart", "bar")
                    .append_pair("calcType", "funding")
                    .append_pair("Sprak", "no")
                    .append_pair("sortBy", &self.sort_by)
                    .append_pair("sortOrder", "desc")
                    .append_pair("resultCount", &self.page_size.to_string())
                    .append_pair("offset", &offset.to_string())
                    .append_pair("Fritekst", &self.query);
            }
            Endpoint::Cristin => {
                url = base
                    .join("prosjektbanken/rest/cristin/search")
                    .expect("base URL ends with a slash");
                url.query_pairs_mut()
                    .append_pair("query", &self.query)
                    .append_pair("from", &offset.to_string())
                    .append_pair("size", &self.page_size.to_string());
            }
        }
        url
    }
}

/// The searches that find publications funded by project `number`: Cristin results with
/// `funding_source=NFR&project_code=N`, NVA results with that NFR funding.
pub fn follow_ups(search: &ProsjektbankenSearch, number: &str) -> Vec<FollowUp> {
    search
        .follow
        .iter()
        .map(|&source| {
            let options = match source {
                SourceKind::Nva => [("funding_source", "NFR"), ("funding_identifier", number)],
                _ => [("funding_source", "NFR"), ("project_code", number)],
            };
            FollowUp {
                via: format!("prosjektbanken:{number}"),
                spec: SearchSpec {
                    source,
                    query: String::new(),
                    filter: None,
                    limit: None,
                    options: options
                        .iter()
                        .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
                        .collect(),
                },
            }
        })
        .collect()
}

/// The project page of project `number`.
pub fn page_url(base: &Url, number: &str) -> Url {
    base.join(&format!("project/FORISS/{number}"))
        .expect("base URL ends with a slash")
}

/// Runs one Prosjektbanken search.
pub(crate) async fn harvest(
    clients: &Clients,
    search: &ProsjektbankenSearch,
    observer: &SearchObserver,
    outcome: &mut SearchOutcome,
) -> Result<(), HarvestError> {
    let source = observer.search.spec.source;
    let (client, base) = clients.get(source).ok_or(HarvestError::NoClient(source))?;
    let mut offset: u64 = 0;
    let mut pending: Option<(Vec<Record>, usize)> = None;
    loop {
        let url = search.request_url(base, offset);
        outcome.first_request.get_or_insert_with(|| url.clone());
        let (planned, run, endpoint, page_base) = (
            observer.search.clone(),
            observer.run.clone(),
            search.endpoint,
            base.clone(),
        );
        let fetch = client.get(&url, observer, move |ex| {
            parse_listing(&ex.body, endpoint, &planned, &run, ex.time, &page_base)
        });
        let result = super::fetch_while_storing(fetch, observer, pending.take(), outcome).await?;
        let listing = result?;
        if listing.total.is_some() {
            outcome.counts.reported = listing.total;
        }
        for warning in &listing.warnings {
            observer
                .sink
                .event(&observer.search, Event::Warning(warning));
        }
        let mut records = listing.records;
        if search.pages {
            enrich_from_pages(client, base, observer, &mut records).await;
        }
        if search.verified_funding
            && let Some((nva, nva_base)) = clients.get(SourceKind::Nva)
        {
            enrich_from_nva(nva, nva_base, observer, &mut records).await;
        }
        let take = super::take_within(search.limit, offset, records.len());
        for record in &records[..take] {
            outcome
                .follow_ups
                .extend(follow_ups(search, record.source_id()));
        }
        offset += listing.items as u64;
        let done = listing.items == 0
            || (listing.items as u64) < u64::from(search.page_size)
            || search.limit.is_some_and(|l| offset >= l)
            || listing.total.is_some_and(|t| offset >= t);
        pending = Some((records, take));
        if done {
            return super::store_page(observer, pending.take(), outcome).await;
        }
    }
}

/// Reads each record's project page, a few at a time, and fills in what it says.
async fn enrich_from_pages(
    client: &HttpClient,
    base: &Url,
    observer: &SearchObserver,
    records: &mut [Record],
) {
    use futures_util::stream::{self, StreamExt};
    let urls: Vec<(usize, Url)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (i, page_url(base, r.source_id())))
        .collect();
    let pages: Vec<(usize, Result<page::ProjectPage, HttpError>)> =
        stream::iter(urls.into_iter().map(|(i, url)| async move {
            let html = FetchOptions {
                accept: Some("text/html"),
                ..Default::default()
            };
            let result = client
                .get_with(
                    &url,
                    observer,
                    |ex| Ok(page::parse(&String::from_utf8_lossy(&ex.body))),
                    html,
                )
                .await;
            (i, result)
        }))
        .buffer_unordered(PAGE_CONCURRENCY)
        .collect()
        .await;
    for (i, result) in pages {
        let record = &mut records[i];
        match result {
            Ok(p) => {
                if !p.missed.is_empty() {
                    observer.sink.event(
                        &observer.search,
                        Event::Warning(&format!(
                            "project {}: the page did not show {}; record kept with what the listing gave",
                            record.source_id(),
                            p.missed.join(", ")
                        )),
                    );
                }
                apply_page(record, p);
            }
            Err(e) => observer.sink.event(
                &observer.search,
                Event::Warning(&format!(
                    "project {}: page not read ({e}); record kept without summary",
                    record.source_id()
                )),
            ),
        }
    }
}

/// What NVA knows about an NFR project (`GET /verified-funding/nfr/{nr}`, API-FACTS §3.2 item 4,
/// from Sikt's openapi: `{id, identifier, name: {nb, en}, lead, activeFrom, activeTo}`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedFunding {
    /// Project title by language.
    #[serde(default)]
    pub name: std::collections::BTreeMap<String, String>,
    /// Project lead.
    #[serde(default)]
    pub lead: Option<String>,
    /// Start (ISO date-time).
    #[serde(default)]
    pub active_from: Option<String>,
    /// End (ISO date-time).
    #[serde(default)]
    pub active_to: Option<String>,
}

/// The NVA record of an NFR project number.
pub fn verified_funding_url(nva_base: &Url, number: &str) -> Url {
    nva_base
        .join(&format!("verified-funding/nfr/{number}"))
        .expect("base URL ends with a slash")
}

/// Asks NVA about the projects whose listing gave no period or no lead, a few at a time.
async fn enrich_from_nva(
    nva: &HttpClient,
    nva_base: &Url,
    observer: &SearchObserver,
    records: &mut [Record],
) {
    use futures_util::stream::{self, StreamExt};
    let wanted: Vec<(usize, Url)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.project
                .as_ref()
                .is_none_or(|p| p.start_year.is_none() || p.end_year.is_none() || p.lead.is_none())
        })
        .map(|(i, r)| (i, verified_funding_url(nva_base, r.source_id())))
        .collect();
    let answers: Vec<(usize, Result<VerifiedFunding, HttpError>)> =
        stream::iter(wanted.into_iter().map(|(i, url)| async move {
            let answer = nva
                .get(&url, observer, |ex| {
                    serde_json::from_slice::<VerifiedFunding>(&ex.body).map_err(|e| e.to_string())
                })
                .await;
            (i, answer)
        }))
        .buffer_unordered(PAGE_CONCURRENCY)
        .collect()
        .await;
    for (i, answer) in answers {
        match answer {
            Ok(v) => apply_verified_funding(&mut records[i], v),
            Err(e) => observer.sink.event(
                &observer.search,
                Event::Warning(&format!(
                    "project {}: NVA has no verified funding record ({e})",
                    records[i].source_id()
                )),
            ),
        }
    }
}

/// Fills what the listing and the page left empty from NVA's record of the project.
pub fn apply_verified_funding(record: &mut Record, v: VerifiedFunding) {
    let project = record.project.get_or_insert_with(ProjectInfo::default);
    project.start_year = project.start_year.or(year_of(v.active_from.as_deref()));
    project.end_year = project.end_year.or(year_of(v.active_to.as_deref()));
    if project.lead.is_none() {
        project.lead = v.lead.as_deref().map(clean_line).and_then(non_empty);
    }
    record.year = record.year.or(project.start_year);
    for (lang, title) in v.name {
        let title = clean_line(&title);
        let known = record.title.as_deref() == Some(title.as_str())
            || record.other_titles.values().any(|t| *t == title);
        if title.is_empty() || known {
            continue;
        }
        if record.title.is_none() {
            record.title = Some(title);
            record.language = Some(lang);
        } else if record.language.as_deref() != Some(lang.as_str()) {
            record.other_titles.entry(lang).or_insert(title);
        }
    }
}

/// Fills a project record from its page: the page's own titles, summary, amount, period and
/// programme win over the listing's where present.
pub fn apply_page(record: &mut Record, p: page::ProjectPage) {
    if let Some(title) = p.title {
        if let Some(old) = record.title.replace(title.clone())
            && old != title
        {
            record
                .other_titles
                .entry(page::guess_language(&old).to_string())
                .or_insert(old);
        }
        let lang = page::guess_language(&title).to_string();
        record.other_titles.remove(&lang);
        record.language = Some(lang);
    }
    if let Some(alt) = p.alt_title {
        record
            .other_titles
            .insert(page::guess_language(&alt).to_string(), alt);
    }
    if let Some(lang) = record.language.clone() {
        record.other_titles.remove(&lang);
    }
    if p.summary.is_some() {
        record.abstract_text = p.summary;
    }
    let project = record.project.get_or_insert_with(ProjectInfo::default);
    if project.funding_nok.is_none() {
        project.funding_nok = p.amount_nok;
    }
    if let Some((start, end)) = p.period {
        project.start_year = project.start_year.or(Some(start));
        project.end_year = project.end_year.or(Some(end));
    }
    if project.programme.is_none() {
        project.programme = p.programme;
    }
    record.year = record.year.or(project.start_year);
}

/// One listing page, converted.
#[derive(Debug)]
pub struct Listing {
    /// Total hits, when the endpoint says.
    pub total: Option<u64>,
    /// Items in the page.
    pub items: usize,
    /// Converted records.
    pub records: Vec<Record>,
    /// Items that could not be converted.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
struct ProjectList<'a> {
    #[serde(borrow, default)]
    projects: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct CristinSearchPage<'a> {
    #[serde(
        rename = "totalHits",
        default,
        deserialize_with = "super::lenient::number"
    )]
    total: Option<u64>,
    #[serde(borrow, default)]
    hits: Vec<&'a RawValue>,
}

/// A projectlist item (shape from client code: UNCONFIRMED). `id` is taken as the project
/// number; `projectId`/`projectNumber` are read too.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ListedProject {
    #[serde(default, deserialize_with = "super::lenient::text_or_number")]
    id: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::text_or_number")]
    project_id: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::text_or_number")]
    project_number: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::number")]
    total_funding: Option<u64>,
    #[serde(default)]
    duration: Option<Duration>,
    #[serde(default)]
    lead_name: Option<String>,
    #[serde(default)]
    active_from: Option<String>,
    #[serde(default)]
    active_to: Option<String>,
    #[serde(default)]
    english: Option<Titled>,
    #[serde(default)]
    norwegian: Option<Titled>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Duration {
    #[serde(default, deserialize_with = "super::lenient::number")]
    start_year: Option<u64>,
    #[serde(default, deserialize_with = "super::lenient::number")]
    end_year: Option<u64>,
}

#[derive(Deserialize, Default)]
struct Titled {
    #[serde(default)]
    title: Option<String>,
}

/// Parses a listing page of either endpoint (pure).
pub fn parse_listing(
    body: &[u8],
    endpoint: Endpoint,
    planned: &PlannedSearch,
    run: &str,
    retrieved: jiff::Timestamp,
    base: &Url,
) -> Result<Listing, String> {
    let (total, items): (Option<u64>, Vec<&RawValue>) = match endpoint {
        Endpoint::ProjectList => {
            let list: ProjectList =
                serde_json::from_slice(body).map_err(|e| format!("not a project list: {e}"))?;
            (None, list.projects)
        }
        Endpoint::Cristin => {
            let page: CristinSearchPage = serde_json::from_slice(body)
                .map_err(|e| format!("not a project search page: {e}"))?;
            (page.total, page.hits)
        }
    };
    let mut records = Vec::with_capacity(items.len());
    let mut warnings = Vec::new();
    for (i, raw) in items.iter().enumerate() {
        match convert(raw, planned, run, retrieved, base) {
            Ok(r) => records.push(r),
            Err(e) => warnings.push(format!("project {} skipped: {e}", i + 1)),
        }
    }
    Ok(Listing {
        total,
        items: items.len(),
        records,
        warnings,
    })
}

fn year_of(date: Option<&str>) -> Option<i32> {
    date.and_then(|d| d.get(..4)).and_then(|y| y.parse().ok())
}

fn convert(
    raw: &RawValue,
    planned: &PlannedSearch,
    run: &str,
    retrieved: jiff::Timestamp,
    base: &Url,
) -> Result<Record, String> {
    let p: ListedProject =
        serde_json::from_str(raw.get()).map_err(|e| format!("unreadable item: {e}"))?;
    let number = [&p.project_number, &p.project_id, &p.id]
        .into_iter()
        .flatten()
        .map(|n| n.trim().to_string())
        .find(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .ok_or("no project number")?;
    let provenance = Provenance {
        source: planned.spec.source.name().to_string(),
        source_id: number.clone(),
        run: run.to_string(),
        query: Some(planned.name.clone()),
        retrieved,
        via: planned.via.clone(),
    };
    let mut r = Record::new(provenance, None, raw.to_owned());
    r.kind = Some(crate::model::WorkType::Project);
    let clean = |t: &Option<String>| t.as_deref().map(clean_line).and_then(non_empty);
    let nb = clean(&p.norwegian.unwrap_or_default().title);
    let en = clean(&p.english.unwrap_or_default().title);
    let listed = clean(&p.title);
    // Norwegian first: most projects are registered in Norwegian; the page corrects this.
    let (title, lang) = match (&nb, &en, &listed) {
        (Some(t), _, _) => (Some(t.clone()), "nb"),
        (None, _, Some(t)) => (Some(t.clone()), page::guess_language(t)),
        (None, Some(t), None) => (Some(t.clone()), "en"),
        (None, None, None) => (None, "nb"),
    };
    r.title = title;
    r.language = Some(lang.to_string());
    for (code, t) in [("nb", nb), ("en", en)] {
        if let Some(t) = t
            && code != lang
        {
            r.other_titles.insert(code.to_string(), t);
        }
    }
    let duration = p.duration.unwrap_or_default();
    let start = duration
        .start_year
        .map(|y| y as i32)
        .or(year_of(p.active_from.as_deref()));
    let end = duration
        .end_year
        .map(|y| y as i32)
        .or(year_of(p.active_to.as_deref()));
    r.project = Some(ProjectInfo {
        number: number.clone(),
        funding_nok: p.total_funding,
        start_year: start,
        end_year: end,
        lead: clean(&p.lead_name),
        programme: None,
    });
    r.year = start;
    r.url = Some(page_url(base, &number).to_string());
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{SearchSpec, SourceKind};

    fn spec(query: &str, limit: Option<u64>, options: serde_json::Value) -> SearchSpec {
        crate::sources::test_spec(SourceKind::Prosjektbanken, query, limit, options)
    }

    fn planned() -> PlannedSearch {
        PlannedSearch::standalone("p", spec("ressursfordeling", None, serde_json::json!({})))
            .unwrap()
    }

    fn base() -> Url {
        crate::sources::parse_base_url("https://prosjektbanken.forskningsradet.no").unwrap()
    }

    #[test]
    fn request_urls_follow_the_website() {
        let s = ProsjektbankenSearch::from_spec(&spec(
            "tillitsmodell kommune",
            Some(20),
            serde_json::json!({}),
        ))
        .unwrap();
        assert_eq!(
            s.request_url(&base(), 40).as_str(),
            "https://prosjektbanken.forskningsradet.no/prosjektbanken/rest/projectlist?Kilde=FORISS&distribution=Ar&chart=bar&calcType=funding&Sprak=no&sortBy=score&sortOrder=desc&resultCount=20&offset=40&Fritekst=tillitsmodell+kommune"
        );
        let c = ProsjektbankenSearch::from_spec(&spec(
            "327219",
            None,
            serde_json::json!({"endpoint": "cristin", "page_size": 10}),
        ))
        .unwrap();
        assert_eq!(
            c.request_url(&base(), 0).as_str(),
            "https://prosjektbanken.forskningsradet.no/prosjektbanken/rest/cristin/search?query=327219&from=0&size=10"
        );
        assert_eq!(
            page_url(&base(), "327219").as_str(),
            "https://prosjektbanken.forskningsradet.no/project/FORISS/327219"
        );
    }

    #[test]
    fn projects_lead_to_cristin_and_nva_searches_by_nfr_code() {
        let s = ProsjektbankenSearch::from_spec(&spec(
            "x",
            None,
            serde_json::json!({"follow": ["cristin", "nva"]}),
        ))
        .unwrap();
        let f = follow_ups(&s, "327219");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].via, "prosjektbanken:327219");
        assert_eq!(f[0].spec.source, SourceKind::Cristin);
        assert_eq!(f[0].spec.options["project_code"], "327219");
        assert_eq!(f[0].spec.options["funding_source"], "NFR");
        assert_eq!(f[1].spec.source, SourceKind::Nva);
        assert_eq!(f[1].spec.options["funding_identifier"], "327219");
        assert!(
            ProsjektbankenSearch::from_spec(&spec(
                "x",
                None,
                serde_json::json!({"follow": ["crossref"]})
            ))
            .is_err()
        );
        assert!(
            follow_ups(
                &ProsjektbankenSearch::from_spec(&spec("x", None, serde_json::json!({}))).unwrap(),
                "1"
            )
            .is_empty()
        );
    }

    #[test]
    fn options_are_validated() {
        let err = |o: serde_json::Value| {
            ProsjektbankenSearch::from_spec(&spec("x", None, o)).unwrap_err()
        };
        assert!(err(serde_json::json!({"endpoint": "soap"})).contains("projectlist"));
        assert!(err(serde_json::json!({"page_size": 0})).contains("between 1 and 200"));
        assert!(err(serde_json::json!({"colour": 1})).contains("unknown key `colour`"));
        assert!(
            ProsjektbankenSearch::from_spec(&spec(" ", None, serde_json::json!({})))
                .unwrap_err()
                .contains("empty")
        );
    }

    #[test]
    fn nva_fills_what_the_listing_lacks_and_nothing_else() {
        let list = br#"{"projects":[{"id":349999,"title":"Innovation in municipal home-based healthcare services"}]}"#;
        let mut r = parse_listing(
            list,
            Endpoint::ProjectList,
            &planned(),
            "r",
            jiff::Timestamp::UNIX_EPOCH,
            &base(),
        )
        .unwrap()
        .records
        .remove(0);
        r.language = Some("en".into());
        let v: VerifiedFunding = serde_json::from_str(r#"{"id":"https://api.nva.unit.no/verified-funding/nfr/349999","identifier":"349999","name":{"nb":"Innovasjon i kommunale hjemmebaserte helsetjenester","en":"Innovation in municipal home-based healthcare services"},"lead":"Olav Øygarden","activeFrom":"2022-01-01T00:00:00Z","activeTo":"2025-12-31T00:00:00Z"}"#).unwrap();
        apply_verified_funding(&mut r, v);
        let p = r.project.as_ref().unwrap();
        assert_eq!(
            (p.start_year, p.end_year, p.lead.as_deref()),
            (Some(2022), Some(2025), Some("Olav Øygarden"))
        );
        assert_eq!(
            r.other_titles["nb"],
            "Innovasjon i kommunale hjemmebaserte helsetjenester"
        );
        assert!(
            !r.other_titles.contains_key("en"),
            "the title it already has is not repeated"
        );
        assert_eq!(r.year, Some(2022));
    }

    #[test]
    fn both_listing_shapes_become_register_records() {
        let list = br#"{"projects":[{"id":327219,"title":"Ressursfordeling i helse- og omsorgstjenesten i kommunene","totalFunding":1800000,"duration":{"startYear":2021,"endYear":"2025"},"leadName":"Nord universitet"},{"title":"No number"}]}"#;
        let l = parse_listing(
            list,
            Endpoint::ProjectList,
            &planned(),
            "r",
            jiff::Timestamp::UNIX_EPOCH,
            &base(),
        )
        .unwrap();
        assert_eq!((l.items, l.records.len(), l.warnings.len()), (2, 1, 1));
        let r = &l.records[0];
        assert_eq!(r.source_id(), "327219");
        assert_eq!(r.kind, Some(crate::model::WorkType::Project));
        assert_eq!(r.language.as_deref(), Some("nb"));
        let p = r.project.as_ref().unwrap();
        assert_eq!(
            (p.funding_nok, p.start_year, p.end_year),
            (Some(1_800_000), Some(2021), Some(2025))
        );
        assert_eq!(p.lead.as_deref(), Some("Nord universitet"));
        assert_eq!(r.year, Some(2021));

        let hits = br#"{"totalHits":1,"from":0,"size":10,"hits":[{"projectId":327219,"activeFrom":"2021-01-01T00:00:00Z","activeTo":"2025-12-31T00:00:00Z","leadName":"Nord universitet","english":{"title":"Resource allocation within primary health and care services in Norwegian municipalities"},"norwegian":{"title":"Ressursfordeling i helse- og omsorgstjenesten i kommunene"}}]}"#;
        let c = parse_listing(
            hits,
            Endpoint::Cristin,
            &planned(),
            "r",
            jiff::Timestamp::UNIX_EPOCH,
            &base(),
        )
        .unwrap();
        assert_eq!(c.total, Some(1));
        let r = &c.records[0];
        assert_eq!(
            r.title.as_deref(),
            Some("Ressursfordeling i helse- og omsorgstjenesten i kommunene")
        );
        assert!(r.other_titles["en"].starts_with("Resource allocation"));
        assert_eq!(r.project.as_ref().unwrap().end_year, Some(2025));
    }
}
