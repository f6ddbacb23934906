//! Recorded HTTP responses: `corpus/responses/<run>/<NN>-<source>-<name>/`.
//!
//! Every exchange of a search (errors and retries included) is kept: the body exactly as
//! received in its own file (`000001.body.json`, `.txt`, `.html` or `.bin` after its content
//! type) and one line of metadata in `exchanges.jsonl` (URL, request headers, status, response
//! headers, date, timing, body file). The line is appended after the body is written, so it
//! marks a complete exchange; one metadata file per search rather than per exchange keeps a
//! harvest of small pages from spending its time creating files. `search.json` describes the
//! search and says whether it completed.
//!
//! This is the evidence a PRISMA-S report needs, and what `harvest --offline` replays: it
//! looks for the latest complete recording of the same search (same source and spec).

use super::StoreError;
use super::jsonl::{Appender, write_atomic};
use crate::model::HttpExchange;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// `corpus/responses`.
pub fn responses_dir(corpus: &Path) -> PathBuf {
    corpus.join("responses")
}

/// The metadata of every exchange of a search, one line each.
const EXCHANGES: &str = "exchanges.jsonl";

/// `search.json`: what was searched, and whether the recording is complete.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchInfo {
    /// The harvest run.
    pub run: String,
    /// Query file, relative to the workspace.
    pub query_file: String,
    /// Its `name`.
    pub name: String,
    /// 1-based position in the file.
    pub search: usize,
    /// The source.
    pub source: String,
    /// What defines the search; replay matches on it.
    pub spec: serde_json::Value,
    /// Base URL the requests went to (the URLs below it are the API's own).
    pub base_url: String,
    /// Every base URL the search could talk to (a search may ask other sources too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bases: Vec<String>,
    /// When the search started.
    pub started: jiff::Timestamp,
    /// When it ended, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<jiff::Timestamp>,
    /// True once every page was retrieved.
    pub complete: bool,
    /// Where the recording came from when it was not made by litscope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ExchangeMeta {
    seq: u32,
    time: jiff::Timestamp,
    elapsed_ms: u64,
    request: RequestMeta,
    #[serde(default)]
    response: Option<ResponseMeta>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct RequestMeta {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<(String, String)>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ResponseMeta {
    status: u16,
    #[serde(default)]
    headers: Vec<(String, String)>,
    body: String,
    bytes: u64,
}

/// The folder of one search's recording, written while the search runs.
#[derive(Debug)]
pub struct SearchRecorder {
    dir: PathBuf,
    info: std::sync::Mutex<SearchInfo>,
    seq: AtomicU32,
    log: std::sync::Mutex<Appender>,
}

impl SearchRecorder {
    /// Creates `corpus/responses/<run>/<NN>-<source>-<name>/` and its `search.json`.
    pub fn create(corpus: &Path, ordinal: usize, info: SearchInfo) -> Result<Self, StoreError> {
        let dir = responses_dir(corpus).join(&info.run).join(format!(
            "{ordinal:02}-{}-{}",
            info.source,
            slug(&info.name)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let (log, _) = Appender::open(&dir.join(EXCHANGES))?;
        let recorder = SearchRecorder {
            dir,
            info: std::sync::Mutex::new(info),
            seq: AtomicU32::new(0),
            log: std::sync::Mutex::new(log),
        };
        recorder.write_info()?;
        Ok(recorder)
    }

    fn write_info(&self) -> Result<(), StoreError> {
        let info = self.info.lock().expect("recorder lock");
        let bytes = serde_json::to_vec_pretty(&*info).expect("search info serialises");
        write_atomic(&self.dir.join("search.json"), &bytes)
    }

    /// Stores one exchange: body first, then its line of metadata.
    pub fn record(&self, ex: &HttpExchange) -> Result<(), StoreError> {
        let seq = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let response = match ex.status {
            Some(status) => {
                let ext = extension(ex.header("content-type"));
                let name = format!("{seq:06}.body.{ext}");
                let path = self.dir.join(&name);
                std::fs::write(&path, &ex.body).map_err(|e| StoreError::io(&path, e))?;
                Some(ResponseMeta {
                    status,
                    headers: ex.response_headers.clone(),
                    body: name,
                    bytes: ex.body.len() as u64,
                })
            }
            None => None,
        };
        let meta = ExchangeMeta {
            seq,
            time: ex.time,
            elapsed_ms: ex.elapsed_ms,
            request: RequestMeta {
                method: ex.method.clone(),
                url: ex.url.clone(),
                headers: ex.request_headers.clone(),
            },
            response,
            error: ex.error.clone(),
        };
        let mut line = serde_json::to_vec(&meta).expect("exchange metadata serialises");
        line.push(b'\n');
        self.log.lock().expect("recorder lock").append(&line)
    }

    /// Marks the recording finished (complete or not).
    pub fn finish(&self, complete: bool) -> Result<(), StoreError> {
        {
            let mut info = self.info.lock().expect("recorder lock");
            info.finished = Some(jiff::Timestamp::now());
            info.complete = complete;
        }
        self.write_info()
    }

    /// The recording's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn extension(content_type: Option<&str>) -> &'static str {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("json") {
        "json"
    } else if ct.contains("html") {
        "html"
    } else if ct.starts_with("text/") {
        "txt"
    } else {
        "bin"
    }
}

/// File-name-safe form of a query name.
fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    if s.is_empty() { "search".into() } else { s }
}

/// One recorded exchange, its body still on disk.
#[derive(Debug, Clone)]
pub struct StoredExchange {
    /// Sequence number within the recording.
    pub seq: u32,
    /// The request URL.
    pub url: String,
    meta: std::sync::Arc<ExchangeMeta>,
    body_path: Option<PathBuf>,
}

impl StoredExchange {
    /// Reads the exchange with its body.
    pub fn load(&self) -> Result<HttpExchange, StoreError> {
        let body = match &self.body_path {
            Some(p) => std::fs::read(p).map_err(|e| StoreError::io(p, e))?,
            None => Vec::new(),
        };
        let meta = &*self.meta;
        let (status, response_headers) = match &meta.response {
            Some(r) => (Some(r.status), r.headers.clone()),
            None => (None, Vec::new()),
        };
        Ok(HttpExchange {
            time: meta.time,
            elapsed_ms: meta.elapsed_ms,
            method: meta.request.method.clone(),
            url: meta.request.url.clone(),
            request_headers: meta.request.headers.clone(),
            status,
            response_headers,
            body: body.into(),
            error: meta.error.clone(),
        })
    }
}

/// A complete recording of a search, found for replay.
#[derive(Debug, Clone)]
pub struct Recording {
    /// Its `search.json`.
    pub info: SearchInfo,
    /// Its folder.
    pub dir: PathBuf,
    /// Exchanges in the order they happened.
    pub exchanges: Vec<StoredExchange>,
}

/// The latest complete recording of a search with this source and spec.
pub fn find_recording(
    corpus: &Path,
    source: &str,
    spec: &serde_json::Value,
) -> Result<Option<Recording>, StoreError> {
    let root = responses_dir(corpus);
    let runs = match std::fs::read_dir(&root) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io(&root, e)),
    };
    let mut best: Option<(SearchInfo, PathBuf)> = None;
    for run in runs {
        let run = run.map_err(|e| StoreError::io(&root, e))?.path();
        if !run.is_dir() {
            continue;
        }
        for search in std::fs::read_dir(&run).map_err(|e| StoreError::io(&run, e))? {
            let dir = search.map_err(|e| StoreError::io(&run, e))?.path();
            let info_path = dir.join("search.json");
            let Ok(bytes) = std::fs::read(&info_path) else {
                continue;
            };
            let info: SearchInfo =
                serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                    path: info_path.clone(),
                    message: e.to_string(),
                })?;
            if !info.complete || info.source != source || &info.spec != spec {
                continue;
            }
            if best.as_ref().is_none_or(|(b, _)| info.started > b.started) {
                best = Some((info, dir));
            }
        }
    }
    let Some((info, dir)) = best else {
        return Ok(None);
    };
    let mut exchanges = Vec::new();
    let log = dir.join(EXCHANGES);
    let diagnostics = super::jsonl::read_lines(&log, |_, line| {
        let meta: ExchangeMeta = serde_json::from_slice(line).map_err(|e| e.to_string())?;
        exchanges.push(StoredExchange {
            seq: meta.seq,
            url: meta.request.url.clone(),
            body_path: meta.response.as_ref().map(|r| dir.join(&r.body)),
            meta: std::sync::Arc::new(meta),
        });
        Ok(())
    })?;
    if let Some(d) = diagnostics
        .into_iter()
        .find(|d| d.kind != super::DiagnosticKind::TornLine)
    {
        return Err(StoreError::Corrupt {
            path: log,
            message: d.to_string(),
        });
    }
    exchanges.sort_by_key(|e| e.seq);
    Ok(Some(Recording {
        info,
        dir,
        exchanges,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(run: &str, spec: serde_json::Value) -> SearchInfo {
        SearchInfo {
            run: run.into(),
            query_file: "queries/q.toml".into(),
            name: "q one".into(),
            search: 1,
            source: "crossref".into(),
            spec,
            base_url: "http://127.0.0.1:1".into(),
            bases: Vec::new(),
            started: jiff::Timestamp::now(),
            finished: None,
            complete: false,
            provenance: None,
        }
    }

    fn exchange(url: &str, status: Option<u16>, body: &str) -> HttpExchange {
        HttpExchange {
            time: jiff::Timestamp::now(),
            elapsed_ms: 3,
            method: "GET".into(),
            url: url.into(),
            request_headers: vec![("user-agent".into(), "litscope".into())],
            status,
            response_headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into(),
            error: status.is_none().then(|| "connection reset".to_string()),
        }
    }

    #[test]
    fn recordings_round_trip_and_only_complete_ones_replay() {
        let dir = tempfile::tempdir().unwrap();
        let spec = serde_json::json!({"query": "x"});
        let rec = SearchRecorder::create(dir.path(), 1, info("r1", spec.clone())).unwrap();
        rec.record(&exchange("http://h/works?a=1", Some(200), "{\"ok\":1}"))
            .unwrap();
        rec.record(&exchange("http://h/works?a=2", None, ""))
            .unwrap();
        assert!(
            find_recording(dir.path(), "crossref", &spec)
                .unwrap()
                .is_none()
        );
        rec.finish(true).unwrap();
        assert!(rec.dir().ends_with("r1/01-crossref-q-one"));

        let found = find_recording(dir.path(), "crossref", &spec)
            .unwrap()
            .unwrap();
        assert_eq!(found.info.run, "r1");
        assert_eq!(found.exchanges.len(), 2);
        let first = found.exchanges[0].load().unwrap();
        assert_eq!(first.status, Some(200));
        assert_eq!(&first.body[..], b"{\"ok\":1}");
        assert_eq!(first.header("content-type"), Some("application/json"));
        let second = found.exchanges[1].load().unwrap();
        assert_eq!(second.status, None);
        assert_eq!(second.error.as_deref(), Some("connection reset"));

        assert!(
            find_recording(dir.path(), "crossref", &serde_json::json!({"query": "y"}))
                .unwrap()
                .is_none()
        );
        assert!(
            find_recording(dir.path(), "cristin", &spec)
                .unwrap()
                .is_none()
        );
    }
}
