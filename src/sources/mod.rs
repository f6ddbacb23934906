//! Harvesting: saved searches run against bibliographic APIs, page by page.
//!
//! The parts, from the wire up:
//! - [`http`]: one client for every source (User-Agent, retries, backoff, `Retry-After`), over
//!   the network or a [`replay`] of recorded responses;
//! - [`limits`]: per-host rate and concurrency limits learnt from the server's own headers;
//! - one module per source ([`crossref`], [`nva`]) that turns a [`SearchSpec`] into requests
//!   and pages into [`Record`]s;
//! - [`run_search`]: runs one planned search to the end and reports a [`SearchOutcome`].
//!
//! Nothing here writes files or prints: pages, exchanges and events go to a [`HarvestSink`]
//! that the command layer implements with the store and the progress bars.

pub mod crossref;
pub mod http;
mod lenient;
pub mod limits;
pub mod nva;
pub mod replay;

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
            SourceKind::Nva => nva::NvaSearch::from_spec(self).map(SourceSearch::Nva),
            other => Err(format!(
                "harvesting from {other} is not available in this version of litscope"
            )),
        }
    }
}

/// A search validated for its source.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceSearch {
    /// A Crossref search.
    Crossref(crossref::CrossrefSearch),
    /// An NVA search.
    Nva(nva::NvaSearch),
}

impl SourceSearch {
    /// The first request the search will send.
    pub fn first_request(&self, base: &Url) -> Url {
        match self {
            SourceSearch::Crossref(s) => s.request_url(base, (!s.single_page()).then_some("*")),
            SourceSearch::Nva(s) => s.first_request(base),
        }
    }

    /// Parameter values the source documents as defaults (for matching recordings).
    pub fn server_defaults(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            SourceSearch::Crossref(_) => crossref::SERVER_DEFAULTS,
            SourceSearch::Nva(_) => &[],
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
}

impl PlannedSearch {
    /// `name#index` (`allocation-models#2`), how messages name the search.
    pub fn label(&self) -> String {
        format!("{}#{}", self.name, self.index)
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
    /// Nothing recorded to replay.
    #[error(
        "offline: no complete recording of this search in corpus/responses/; run `litscope harvest` without --offline first"
    )]
    NoRecording,
}

/// What a search did.
#[derive(Debug, Default)]
pub struct SearchOutcome {
    /// The counts.
    pub counts: SearchCounts,
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

/// Runs `search` to the end (or its first unrecoverable error) with `client`, whose requests
/// go below `base`. Records are stored page by page through `sink` (on a blocking thread, while
/// the next page is fetched), so whatever was retrieved before an error is kept, and running
/// the search again resumes it.
pub async fn run_search(
    client: &HttpClient,
    base: &Url,
    search: Arc<PlannedSearch>,
    run: Arc<str>,
    sink: Arc<dyn HarvestSink>,
) -> SearchOutcome {
    let observer = SearchObserver {
        sink,
        search,
        run,
        requests: AtomicU32::new(0),
        retries: AtomicU32::new(0),
    };
    let mut outcome = SearchOutcome::default();
    let result = match &observer.search.search {
        SourceSearch::Crossref(s) => {
            crossref::harvest(client, base, s, &observer, &mut outcome).await
        }
        SourceSearch::Nva(s) => nva::harvest(client, base, s, &observer, &mut outcome).await,
    };
    outcome.counts.requests = observer.requests.load(Ordering::Relaxed);
    outcome.counts.retries = observer.retries.load(Ordering::Relaxed);
    outcome.error = result.err();
    outcome
}

/// Stores the first `take` records of a parsed page on a blocking thread (so the async thread
/// keeps sending requests) and reports progress. Sources call it joined with the fetch of the
/// next page, so storing page k overlaps with fetching page k+1.
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
