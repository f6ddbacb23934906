//! `litscope harvest`: run the saved searches against their sources (or replay them).

use super::harvest_sink::StoreSink;
use super::output::{Format, Ui, fit, one_line, print_json, print_text, thousands};
use super::{CliError, Outcome};
use crate::sources::http::{ClientOptions, HttpClient};
use crate::sources::limits::{Limiter, Limiters};
use crate::sources::replay::ReplayTransport;
use crate::sources::retry::RetryPolicy;
use crate::sources::{
    Clients, HarvestError, PlannedSearch, SearchOutcome, SearchSpec, SourceKind, parse_base_url,
    run_search,
};
use crate::store::responses::{Recording, SearchInfo, SearchRecorder, find_recording};
use crate::store::runlog::{self, RequestLog, RunLogEntry, SearchLog, SearchStatus};
use crate::workspace::Workspace;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use url::Url;

/// Run the saved searches in queries/ against their sources
///
/// Records are stored page by page in corpus/records/, every HTTP response in
/// corpus/responses/, and one line per search in corpus/runlog.jsonl. A harvest stopped at any
/// point (error, Ctrl-C, kill -9) resumes when run again: records already stored are skipped.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  LITSCOPE_MAILTO=me@uni.no litscope harvest
  litscope harvest --source crossref --query queries/example.toml --limit 200
  litscope harvest --offline          # replay corpus/responses/ without network
  litscope harvest --dry-run          # show the requests, send nothing")]
pub struct Args {
    /// Only searches for this source
    #[arg(long, value_name = "SOURCE", default_value = "all", value_parser = ["crossref", "cristin", "nva", "prosjektbanken", "all"])]
    source: String,
    /// Only the searches of this query file
    #[arg(long, value_name = "FILE")]
    query: Option<PathBuf>,
    /// Retrieve at most N records per search (lowers each search's own limit)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    limit: Option<u64>,
    /// Replay the recorded responses in corpus/responses/ instead of using the network
    #[arg(long)]
    offline: bool,
    /// Print the planned searches and their first request; send nothing
    #[arg(long)]
    dry_run: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Runs `harvest`.
pub fn run(args: Args, ws: &Workspace, ui: &Ui) -> Result<Outcome, CliError> {
    let searches = plan(&args, ws)?;
    let bases = base_urls()?;
    if args.dry_run {
        return dry_run(&searches, &bases, args.format);
    }
    let mailto = ws.mailto(std::env::var("LITSCOPE_MAILTO").ok());
    if mailto.is_none()
        && !args.offline
        && searches
            .iter()
            .any(|s| s.spec.source == SourceKind::Crossref)
    {
        ui.warn("no contact e-mail: Crossref serves anonymous clients from its slower public pool; set LITSCOPE_MAILTO or [review] mailto in review.toml");
    }
    let mut sources: Vec<SourceKind> = searches.iter().map(|s| s.spec.source).collect();
    sources.sort();
    sources.dedup();
    let corpus = ws.corpus_dir();
    let _lock = super::lock_corpus(&corpus, ui)?;
    let (sink, diagnostics) = StoreSink::open(&corpus, &sources, args.offline, ui)?;
    for d in diagnostics {
        ui.warn(&d.to_string());
    }
    let run_id = new_run_id();
    let user_agent = match &mailto {
        Some(m) => format!(
            "litscope/{} (literature review harvester; mailto:{m})",
            crate::VERSION
        ),
        None => format!("litscope/{} (literature review harvester)", crate::VERSION),
    };
    let http = &ws.config.http;
    if http.max_retries.is_some() {
        ui.warn("review.toml: [http] max_retries is no longer used: a failing request is retried for [http] retry_for (default \"5m\"), however many attempts that takes");
    }
    let policy = RetryPolicy {
        retry_for: http.retry_for,
        initial: http.backoff_initial,
        max: http.backoff_max,
        max_retry_after: http.max_retry_after,
    };
    // One client per source, shared by its searches: one connection pool, one TLS setup, and
    // one limiter per host.
    let mut clients = Clients::default();
    if !args.offline {
        let options = ClientOptions {
            user_agent,
            timeout: http.timeout,
            connect_timeout: http.connect_timeout,
        };
        let limiters = Limiters::default();
        for (&source, base) in &bases {
            let (initial, default_rate) = source.initial_limits();
            let rate = http.rate.get(source.name()).copied().or(default_rate);
            let limiter =
                limiters.for_url(base, || Limiter::new(initial, rate, http.max_concurrency));
            let client =
                HttpClient::online(&options, limiter, policy.clone()).map_err(CliError::Runtime)?;
            clients.insert(source, Arc::new(client), base.clone());
        }
    }
    let ctx = Arc::new(Ctx {
        corpus,
        run: run_id.clone().into(),
        offline: args.offline,
        bases,
        clients,
        sink: Arc::new(sink),
        retry_for: policy.retry_for,
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Runtime(format!("cannot start the async runtime: {e}")))?;
    let parallel = http.parallel_searches.max(1) as usize;
    let results = runtime.block_on(execute(ctx.clone(), searches, parallel))?;
    report(&results, &run_id, args.offline, args.format, ui)
}

struct Ctx {
    corpus: PathBuf,
    run: Arc<str>,
    offline: bool,
    bases: BTreeMap<SourceKind, Url>,
    clients: Clients,
    sink: Arc<StoreSink>,
    retry_for: std::time::Duration,
}

/// Resolves the query files into searches; every mistake names its file and line (exit 2).
fn plan(args: &Args, ws: &Workspace) -> Result<Vec<PlannedSearch>, CliError> {
    let files = ws.load_queries(args.query.as_deref())?;
    let mut searches = Vec::new();
    for file in &files {
        for entry in &file.searches {
            let at = format!(
                "{}:{}: search {}",
                file.path.display(),
                entry.line,
                entry.index
            );
            let source = SourceKind::parse(&entry.source).ok_or_else(|| {
                CliError::Usage(format!(
                    "{at}: unknown source `{}` (crossref, cristin, nva or prosjektbanken)",
                    entry.source
                ))
            })?;
            if args.source != "all" && args.source != source.name() {
                continue;
            }
            let limit = match (entry.limit, args.limit) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let spec = SearchSpec {
                source,
                query: entry.query.clone(),
                filter: entry.filter.clone(),
                limit,
                options: entry.options.clone(),
            };
            let search = spec
                .resolve()
                .map_err(|e| CliError::Usage(format!("{at}: {e}")))?;
            searches.push(PlannedSearch {
                ordinal: searches.len() + 1,
                query_file: file.path.display().to_string(),
                name: file.name.clone(),
                index: entry.index,
                line: entry.line,
                spec,
                search,
                via: None,
            });
        }
    }
    if searches.is_empty() {
        let scope = if args.source == "all" {
            String::new()
        } else {
            format!(" for {}", args.source)
        };
        return Err(CliError::Usage(format!(
            "no searches to run{scope}: add [[search]] entries to queries/*.toml"
        )));
    }
    Ok(searches)
}

/// Every source's base URL (its environment variable, else the real API): a search may talk to
/// other sources than its own.
fn base_urls() -> Result<BTreeMap<SourceKind, Url>, CliError> {
    SourceKind::ALL
        .into_iter()
        .map(|source| {
            let text = std::env::var(source.base_url_env())
                .unwrap_or_else(|_| source.default_base_url().to_string());
            let url = parse_base_url(&text)
                .map_err(|e| CliError::Usage(format!("{}: {e}", source.base_url_env())))?;
            Ok((source, url))
        })
        .collect()
}

fn new_run_id() -> String {
    let now = jiff::Timestamp::now();
    format!(
        "{}-{:04x}",
        now.strftime("%Y%m%dT%H%M%SZ"),
        fastrand::u16(..)
    )
}

fn dry_run(
    searches: &[PlannedSearch],
    bases: &BTreeMap<SourceKind, Url>,
    format: Format,
) -> Result<Outcome, CliError> {
    let rows: Vec<_> = searches
        .iter()
        .map(|s| (s, s.search.first_request(&bases[&s.spec.source])))
        .collect();
    match format {
        Format::Json => print_json(
            &json!({"dry_run": true, "searches": rows.iter().map(|(s, url)| json!({
            "name": s.name, "file": s.query_file, "search": s.index, "source": s.spec.source.name(),
            "query": s.spec.query, "limit": s.spec.limit, "first_request": url.as_str(),
        })).collect::<Vec<_>>()}),
        )?,
        Format::Text => {
            let mut out = String::new();
            for (s, url) in rows {
                out.push_str(&format!(
                    "{} {}  GET {}\n",
                    s.spec.source,
                    s.label(),
                    one_line(url.as_str())
                ));
            }
            print_text(&out)?;
        }
    }
    Ok(Outcome::Ok)
}

struct SearchResult {
    search: Arc<PlannedSearch>,
    outcome: SearchOutcome,
}

/// Runs the planned searches, `parallel` at a time, then the searches they lead to (linked
/// publications of the projects found), each once.
async fn execute(
    ctx: Arc<Ctx>,
    searches: Vec<PlannedSearch>,
    parallel: usize,
) -> Result<Vec<SearchResult>, CliError> {
    let slots = Arc::new(tokio::sync::Semaphore::new(parallel));
    let mut tasks = tokio::task::JoinSet::new();
    let spawn = |tasks: &mut tokio::task::JoinSet<_>, search: PlannedSearch| {
        let (ctx, slots) = (ctx.clone(), slots.clone());
        tasks.spawn(async move {
            let _slot = slots.acquire_owned().await.expect("semaphore open");
            run_one(&ctx, Arc::new(search)).await
        });
    };
    let mut next_ordinal = searches.len() + 1;
    for search in searches {
        spawn(&mut tasks, search);
    }
    let mut followed = std::collections::HashSet::new();
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let result =
            joined.map_err(|e| CliError::Runtime(format!("a search task failed: {e}")))??;
        for f in &result.outcome.follow_ups {
            if !followed.insert((f.via.clone(), f.spec.to_json().to_string())) {
                continue;
            }
            let parent = &result.search;
            let planned = |search| PlannedSearch {
                ordinal: next_ordinal,
                query_file: parent.query_file.clone(),
                name: parent.name.clone(),
                index: parent.index,
                line: parent.line,
                spec: f.spec.clone(),
                search,
                via: Some(f.via.clone()),
            };
            match f.spec.resolve() {
                Ok(search) => spawn(&mut tasks, planned(search)),
                Err(e) => {
                    let outcome = SearchOutcome {
                        error: Some(HarvestError::FollowUp(e)),
                        ..Default::default()
                    };
                    let search = Arc::new(planned(parent.search.clone()));
                    results.push(SearchResult { search, outcome });
                }
            }
            next_ordinal += 1;
        }
        results.push(result);
    }
    results.sort_by_key(|r| r.search.ordinal);
    Ok(results)
}

async fn run_one(ctx: &Ctx, search: Arc<PlannedSearch>) -> Result<SearchResult, CliError> {
    let source = search.spec.source;
    let base = ctx.bases[&source].clone();
    let started = jiff::Timestamp::now();
    let spec_json = search.spec.to_json();
    let (clients, replayed_run) = if ctx.offline {
        match find_recording(&ctx.corpus, source.name(), &spec_json)? {
            Some(rec) => (Some(replay_clients(ctx, &rec)?), Some(rec.info.run)),
            None => (None, None),
        }
    } else {
        (Some(ctx.clients.clone()), None)
    };
    let recorder = if ctx.offline {
        None
    } else {
        let info = SearchInfo {
            run: ctx.run.to_string(),
            query_file: search.query_file.clone(),
            name: search.name.clone(),
            search: search.index,
            source: source.name().into(),
            spec: spec_json.clone(),
            base_url: base.to_string(),
            bases: ctx.bases.values().map(Url::to_string).collect(),
            started,
            finished: None,
            complete: false,
            provenance: None,
        };
        Some(Arc::new(SearchRecorder::create(
            &ctx.corpus,
            search.ordinal,
            info,
        )?))
    };
    ctx.sink.start(&search, recorder);
    let outcome = match &clients {
        Some(clients) => {
            run_search(clients, search.clone(), ctx.run.clone(), ctx.sink.clone()).await
        }
        None => SearchOutcome {
            error: Some(HarvestError::NoRecording),
            ..Default::default()
        },
    };
    ctx.sink.finish(&search, &outcome)?;
    let request = outcome.first_request.as_ref().map(|u| {
        let mut bare = u.clone();
        bare.set_query(None);
        RequestLog {
            url: bare.to_string(),
            params: u
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    });
    let entry = SearchLog {
        run: ctx.run.to_string(),
        query_file: search.query_file.clone(),
        name: search.name.clone(),
        search: search.index,
        source: source.name().into(),
        query: search.spec.query.clone(),
        spec: spec_json,
        request,
        mode: if ctx.offline { "offline" } else { "online" }.into(),
        replayed_run,
        started,
        finished: jiff::Timestamp::now(),
        status: if outcome.error.is_none() {
            SearchStatus::Complete
        } else {
            SearchStatus::Failed
        },
        error: outcome.error.as_ref().map(|e| one_line(&e.to_string())),
        counts: outcome.counts,
        via: search.via.clone(),
        tool: crate::tool_version(),
        user_agent: clients
            .as_ref()
            .and_then(|c| c.get(source))
            .and_then(|(c, _)| c.user_agent())
            .map(str::to_string),
    };
    runlog::append(&ctx.corpus, &RunLogEntry::Search(entry))?;
    let status = match &outcome.error {
        None => format!(
            "{} new of {} received",
            thousands(outcome.counts.retrieved),
            thousands(outcome.counts.received)
        ),
        Some(_) => format!(
            "failed after {} new of {} received",
            thousands(outcome.counts.retrieved),
            thousands(outcome.counts.received)
        ),
    };
    ctx.sink
        .say(&format!("{source} {}: {status}", search.label()));
    Ok(SearchResult { search, outcome })
}

/// Clients for every source that replay one recording: whichever host a request goes to, it
/// is answered from the exchanges recorded for this search.
fn replay_clients(ctx: &Ctx, rec: &Recording) -> Result<Clients, CliError> {
    let recorded_bases = if rec.info.bases.is_empty() {
        vec![rec.info.base_url.clone()]
    } else {
        rec.info.bases.clone()
    };
    let recorded_bases: Vec<Url> = recorded_bases
        .iter()
        .map(|b| parse_base_url(b))
        .collect::<Result<_, _>>()
        .map_err(CliError::Runtime)?;
    let urls: Vec<String> = rec.exchanges.iter().map(|e| e.url.clone()).collect();
    let exchanges = rec.exchanges.clone();
    let load = Box::new(move |i: usize| exchanges[i].load().map_err(|e| e.to_string()));
    let transport = Arc::new(ReplayTransport::new(&urls, &recorded_bases, load));
    let mut clients = Clients::default();
    for (&source, base) in &ctx.bases {
        let client = HttpClient::replay(transport.clone(), base.clone(), ctx.retry_for);
        clients.insert(source, Arc::new(client), base.clone());
    }
    Ok(clients)
}

fn report(
    results: &[SearchResult],
    run: &str,
    offline: bool,
    format: Format,
    ui: &Ui,
) -> Result<Outcome, CliError> {
    let retrieved: u64 = results.iter().map(|r| r.outcome.counts.retrieved).sum();
    let failed: Vec<&SearchResult> = results
        .iter()
        .filter(|r| r.outcome.error.is_some())
        .collect();
    match format {
        Format::Json => {
            let searches: Vec<_> = results
                .iter()
                .map(|r| {
                    let mut search = serde_json::to_value(r.outcome.counts).expect("counts serialise");
                    let error = r.outcome.error.as_ref().map(|e| one_line(&e.to_string()));
                    let fields = json!({
                        "name": r.search.name, "file": r.search.query_file, "search": r.search.index,
                        "source": r.search.spec.source.name(), "query": r.search.spec.query,
                        "status": if error.is_none() { "complete" } else { "failed" },
                        "error": error,
                    });
                    search.as_object_mut().expect("an object").extend(fields.as_object().expect("an object").clone());
                    search
                })
                .collect();
            print_json(&json!({
                "run": run, "mode": if offline { "offline" } else { "online" },
                "retrieved": retrieved, "failed": failed.len(), "searches": searches,
            }))?;
        }
        Format::Text => {
            let mut out = format!(
                "{}  {}  {:>10}  {:>10}  {:>10}  status\n",
                fit("search", 32),
                fit("source", 14),
                "reported",
                "received",
                "new"
            );
            for r in results {
                let o = &r.outcome.counts;
                out.push_str(&format!(
                    "{}  {}  {:>10}  {:>10}  {:>10}  {}\n",
                    fit(&r.search.label(), 32),
                    fit(r.search.spec.source.name(), 14),
                    o.reported.map_or("—".into(), thousands),
                    thousands(o.received),
                    thousands(o.retrieved),
                    if r.outcome.error.is_none() {
                        "complete"
                    } else {
                        "failed"
                    },
                ));
            }
            ui.summary(&out)?;
            ui.status(&format!(
                "Stored {} new records from {} searches (run {run}).",
                thousands(retrieved),
                results.len()
            ));
        }
    }
    for r in &failed {
        let e = r.outcome.error.as_ref().expect("failed");
        ui.error(&format!(
            "{} {}: {e}",
            r.search.spec.source,
            r.search.label()
        ));
    }
    if failed.is_empty() {
        Ok(Outcome::Ok)
    } else {
        ui.status("Records retrieved before the failure are kept; run `litscope harvest` again to resume.");
        Ok(Outcome::PartialFailure)
    }
}
