//! Harvesting: saved searches run against bibliographic APIs, page by page.
//!
//! The parts, from the wire up:
//! - [`http`]: one client for every source (User-Agent, retries, backoff, `Retry-After`), over
//!   the network or a [`replay`] of recorded responses;
//! - [`retry`]: how long a failing request is retried (a time budget, not a count);
//! - [`limits`]: per-host rate and concurrency limits learnt from the server's own headers;
//! - one module per source ([`crossref`], [`cristin`], [`nva`], [`prosjektbanken`]) that
//!   turns a [`SearchSpec`] into requests and pages into [`Record`]s;
//! - [`run_search`]: runs one planned search to the end and reports a [`SearchOutcome`].
//!
//! Nothing here writes files or prints: pages, exchanges and events go to a [`HarvestSink`]
//! that the command layer implements with the store and the progress bars.

pub mod cristin;
pub mod crossref;
pub mod http;
mod lenient;
pub mod limits;
pub mod nva;
pub mod prosjektbanken;
pub mod replay;
pub mod retry;

use crate::model::{HttpExchange, Record, SearchCounts};
use http::{FetchObserver, HttpClient, HttpError, RetryNotice};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use url::Url;

/// The sources litscope can harvest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// Crossref REST API.
    Crossref,
    /// Cristin API v2.
    Cristin,
    /// NVA (Nasjonalt vitenarkiv) search API.
    Nva,
    /// The Research Council of Norway's project bank.
    Prosjektbanken,
}

impl SourceKind {
    /// All sources, in the order `--source all` runs them.
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Crossref,
        SourceKind::Cristin,
        SourceKind::Nva,
        SourceKind::Prosjektbanken,
    ];

    /// The name used in query files, on the command line and in `corpus/records/`.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Crossref => "crossref",
            SourceKind::Cristin => "cristin",
            SourceKind::Nva => "nva",
            SourceKind::Prosjektbanken => "prosjektbanken",
        }
    }

    /// Parses a source name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The environment variable holding this source's base URL.
    pub fn base_url_env(self) -> &'static str {
        match self {
            SourceKind::Crossref => "LITSCOPE_CROSSREF_URL",
            SourceKind::Cristin => "LITSCOPE_CRISTIN_URL",
            SourceKind::Nva => "LITSCOPE_NVA_URL",
            SourceKind::Prosjektbanken => "LITSCOPE_PROSJEKTBANKEN_URL",
        }
    }

    /// Limits to start with, before (or without) the server announcing its own: `(requests in
    /// flight, Some((requests, per interval)))`. Crossref announces its limits on every
    /// response, so it starts with one request and adopts them. Cristin, NVA and Prosjektbanken
    /// document none (UNCONFIRMED, API-FACTS §2.6, §3, §5.4): litscope stays gentle there. This is
    /// the one place these assumptions live.
    pub fn initial_limits(self) -> (u32, Option<(u32, std::time::Duration)>) {
        let per_second = |n| Some((n, std::time::Duration::from_secs(1)));
        match self {
            SourceKind::Crossref => (1, None),
            SourceKind::Cristin => (2, per_second(5)),
            SourceKind::Nva => (1, per_second(5)),
            SourceKind::Prosjektbanken => (1, per_second(2)),
        }
    }

    /// The real API's base URL.
    pub fn default_base_url(self) -> &'static str {
        match self {
            SourceKind::Crossref => "https://api.crossref.org",
            SourceKind::Cristin => "https://api.cristin.no",
            SourceKind::Nva => "https://api.nva.unit.no",
            SourceKind::Prosjektbanken => "https://prosjektbanken.forskningsradet.no",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses a base URL and makes sure it ends with `/`, so API paths join below it.
pub fn parse_base_url(text: &str) -> Result<Url, String> {
    let mut url = Url::parse(text.trim()).map_err(|e| format!("`{text}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{text}` is not an http(s) URL"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Everything that defines a search, as written in a query file (with `--limit` applied).
/// Its JSON form is what recorded responses are matched on.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSpec {
    /// The source.
    pub source: SourceKind,
    /// The query text.
    pub query: String,
    /// Filter in the source's syntax.
    pub filter: Option<String>,
    /// Cap on records retrieved.
    pub limit: Option<u64>,
    /// Source-specific options.
    pub options: BTreeMap<String, serde_json::Value>,
}

impl SearchSpec {
    /// Canonical JSON (keys sorted).
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("source".into(), self.source.name().into());
        m.insert("query".into(), self.query.clone().into());
        if let Some(f) = &self.filter {
            m.insert("filter".into(), f.clone().into());
        }
        if let Some(l) = self.limit {
            m.insert("limit".into(), l.into());
        }
        for (k, v) in &self.options {
            m.insert(k.clone(), v.clone());
        }
        serde_json::Value::Object(m)
    }

    /// Validates the spec for its source.
    pub fn resolve(&self) -> Result<SourceSearch, String> {
        match self.source {
            SourceKind::Crossref => {
                crossref::CrossrefSearch::from_spec(self).map(SourceSearch::Crossref)
            }
            SourceKind::Prosjektbanken => prosjektbanken::ProsjektbankenSearch::from_spec(self)
                .map(SourceSearch::Prosjektbanken),
            SourceKind::Cristin => {
                cristin::CristinSearch::from_spec(self).map(SourceSearch::Cristin)
            }
            SourceKind::Nva => nva::NvaSearch::from_spec(self).map(SourceSearch::Nva),
        }
    }
}

/// A search validated for its source.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceSearch {
    /// A Crossref search.
    Crossref(crossref::CrossrefSearch),
    /// A Prosjektbanken search.
    Prosjektbanken(prosjektbanken::ProsjektbankenSearch),
    /// A Cristin search.
    Cristin(cristin::CristinSearch),
    /// An NVA search.
    Nva(nva::NvaSearch),
}

impl SourceSearch {
    /// The first request the search will send.
    pub fn first_request(&self, base: &Url) -> Url {
        match self {
            SourceSearch::Crossref(s) => s.request_url(base, (!s.single_page()).then_some("*")),
            SourceSearch::Prosjektbanken(s) => s.request_url(base, 0),
            SourceSearch::Cristin(s) => s.request_url(base, 1),
            SourceSearch::Nva(s) => s.first_request(base),
        }
    }
}

/// A search ready to run: where it comes from and what it does.
#[derive(Debug, Clone)]
pub struct PlannedSearch {
    /// Position in the plan, from 1.
    pub ordinal: usize,
    /// Query file, relative to the workspace.
    pub query_file: String,
    /// The query file's `name`.
    pub name: String,
    /// Position in its file, from 1.
    pub index: usize,
    /// Line of its `[[search]]` header.
    pub line: usize,
    /// What was written.
    pub spec: SearchSpec,
    /// What it means for the source.
    pub search: SourceSearch,
    /// For a search run because another one found a link (an NFR project code), that link:
    /// `prosjektbanken:327219`. Its records carry it in their provenance.
    pub via: Option<String>,
}

impl PlannedSearch {
    /// A search on its own, not from a query file (a one-search plan named `name`).
    pub fn standalone(name: &str, spec: SearchSpec) -> Result<Self, String> {
        let search = spec.resolve()?;
        Ok(PlannedSearch {
            ordinal: 1,
            query_file: String::new(),
            name: name.into(),
            index: 1,
            line: 0,
            spec,
            search,
            via: None,
        })
    }

    /// `name#index` (`allocation-models#2`), how messages name the search; for a followed link
    /// `name#index via prosjektbanken:327219`.
    pub fn label(&self) -> String {
        match &self.via {
            Some(via) => format!("{}#{} via {via}", self.name, self.index),
            None => format!("{}#{}", self.name, self.index),
        }
    }
}

/// Where a running search puts what it gets. Implemented by the command layer.
pub trait HarvestSink: Send + Sync {
    /// Stores records; returns how many were new (not stored before).
    fn store(&self, search: &PlannedSearch, records: &[Record]) -> Result<u64, String>;
    /// Keeps the evidence of one HTTP exchange.
    fn exchange(&self, search: &PlannedSearch, exchange: &HttpExchange) -> Result<(), String>;
    /// Progress and notices.
    fn event(&self, search: &PlannedSearch, event: Event<'_>);
}

/// Something worth telling the user while a search runs.
#[derive(Debug)]
pub enum Event<'a> {
    /// A page was stored; the outcome so far.
    Page {
        /// Counts so far.
        outcome: &'a SearchOutcome,
    },
    /// A request failed and will be retried.
    Retry(&'a RetryNotice<'a>),
    /// The search starts again from its first page.
    Restart {
        /// Why.
        reason: &'a str,
    },
    /// A problem that did not stop the search (an item skipped).
    Warning(&'a str),
}

/// Why a search stopped early.
#[derive(Debug, thiserror::Error)]
pub enum HarvestError {
    /// The server or the network.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// Records could not be stored.
    #[error("cannot store records: {0}")]
    Store(String),
    /// The harvest has no client for a source a search needs (a bug, not a user error).
    #[error("no HTTP client for {0}")]
    NoClient(SourceKind),
    /// A link found by another search led to a search that cannot run.
    #[error("cannot follow the link: {0}")]
    FollowUp(String),
    /// Nothing recorded to replay.
    #[error(
        "offline: no complete recording of this search in corpus/responses/; run `litscope harvest` without --offline first"
    )]
    NoRecording,
}

/// A search to run because another one found a link to follow.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    /// The link (`prosjektbanken:327219`).
    pub via: String,
    /// The search.
    pub spec: SearchSpec,
}

/// What a search did.
#[derive(Debug, Default)]
pub struct SearchOutcome {
    /// The counts.
    pub counts: SearchCounts,
    /// Searches to run next (publications linked to the projects found).
    pub follow_ups: Vec<FollowUp>,
    /// The first request sent.
    pub first_request: Option<Url>,
    /// Why it stopped early, if it did.
    pub error: Option<HarvestError>,
}

/// Counts exchanges and retries for one search and passes them on to the sink.
pub(crate) struct SearchObserver {
    pub(crate) sink: Arc<dyn HarvestSink>,
    pub(crate) search: Arc<PlannedSearch>,
    pub(crate) run: Arc<str>,
    requests: AtomicU32,
    retries: AtomicU32,
}

impl FetchObserver for SearchObserver {
    fn exchange(&self, exchange: &HttpExchange) -> Result<(), String> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.sink.exchange(&self.search, exchange)
    }

    fn retry(&self, notice: &RetryNotice<'_>) {
        self.retries.fetch_add(1, Ordering::Relaxed);
        self.sink.event(&self.search, Event::Retry(notice));
    }
}

/// The HTTP clients of a harvest: one per source, each with the base URL its requests go
/// below. A search uses its own source's client, and others where it follows links
/// (Prosjektbanken asks NVA about projects).
#[derive(Clone, Default)]
pub struct Clients {
    map: BTreeMap<SourceKind, (Arc<HttpClient>, Url)>,
}

impl Clients {
    /// Adds (or replaces) the client of `source`.
    pub fn insert(&mut self, source: SourceKind, client: Arc<HttpClient>, base: Url) {
        self.map.insert(source, (client, base));
    }

    /// The client of `source` and its base URL.
    pub fn get(&self, source: SourceKind) -> Option<(&HttpClient, &Url)> {
        self.map.get(&source).map(|(c, b)| (&**c, b))
    }
}

/// Runs `search` to the end (or its first unrecoverable error) with its source's client in
/// `clients`. Records are stored page by page through `sink` (on a blocking thread, while the
/// next page is fetched), so whatever was retrieved before an error is kept, and running the
/// search again resumes it.
pub async fn run_search(
    clients: &Clients,
    search: Arc<PlannedSearch>,
    run: Arc<str>,
    sink: Arc<dyn HarvestSink>,
) -> SearchOutcome {
    let mut outcome = SearchOutcome::default();
    let Some((client, base)) = clients.get(search.spec.source) else {
        outcome.error = Some(HarvestError::NoClient(search.spec.source));
        return outcome;
    };
    let observer = SearchObserver {
        sink,
        search,
        run,
        requests: AtomicU32::new(0),
        retries: AtomicU32::new(0),
    };
    let result = match &observer.search.search {
        SourceSearch::Crossref(s) => {
            crossref::harvest(client, base, s, &observer, &mut outcome).await
        }
        SourceSearch::Prosjektbanken(s) => {
            prosjektbanken::harvest(clients, s, &observer, &mut outcome).await
        }
        SourceSearch::Cristin(s) => {
            cristin::harvest(client, base, s, &observer, &mut outcome).await
        }
        SourceSearch::Nva(s) => nva::harvest(client, base, s, &observer, &mut outcome).await,
    };
    outcome.counts.requests = observer.requests.load(Ordering::Relaxed);
    outcome.counts.retries = observer.retries.load(Ordering::Relaxed);
    outcome.error = result.err();
    outcome
}

/// Stores the first `take` records of a parsed page on a blocking thread (so the async thread
/// keeps sending requests) and reports progress. Sources call it through
/// [`fetch_while_storing`], and directly for their last page.
pub(crate) async fn store_page(
    observer: &SearchObserver,
    page: Option<(Vec<Record>, usize)>,
    outcome: &mut SearchOutcome,
) -> Result<(), HarvestError> {
    let Some((records, take)) = page else {
        return Ok(());
    };
    let (sink, planned) = (observer.sink.clone(), observer.search.clone());
    let stored = tokio::task::spawn_blocking(move || sink.store(&planned, &records[..take]))
        .await
        .map_err(|e| HarvestError::Store(format!("the store task failed: {e}")))?
        .map_err(HarvestError::Store)?;
    outcome.counts.received += take as u64;
    outcome.counts.retrieved += stored;
    observer
        .sink
        .event(&observer.search, Event::Page { outcome });
    Ok(())
}

/// How many of a page's `len` records a search with `limit` may still keep after
/// `processed` earlier results.
pub(crate) fn take_within(limit: Option<u64>, processed: u64, len: usize) -> usize {
    let room = limit.map_or(u64::MAX, |l| l.saturating_sub(processed));
    len.min(usize::try_from(room).unwrap_or(usize::MAX))
}

/// Awaits `fetch` (the next page) while the previous page is stored: storing page k overlaps
/// with fetching page k+1. A store failure wins over whatever the fetch gave.
pub(crate) async fn fetch_while_storing<T>(
    fetch: impl std::future::Future<Output = T>,
    observer: &SearchObserver,
    previous: Option<(Vec<Record>, usize)>,
    outcome: &mut SearchOutcome,
) -> Result<T, HarvestError> {
    let (result, stored) = tokio::join!(fetch, store_page(observer, previous, outcome));
    stored?;
    Ok(result)
}

/// A search of `source` as a query file would give it (options as JSON), for unit tests.
#[cfg(test)]
pub(crate) fn test_spec(
    source: SourceKind,
    query: &str,
    limit: Option<u64>,
    options: serde_json::Value,
) -> SearchSpec {
    SearchSpec {
        source,
        query: query.into(),
        filter: None,
        limit,
        options: serde_json::from_value(options).expect("options are a JSON object"),
    }
}
