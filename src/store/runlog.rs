//! The run log, `corpus/runlog.jsonl`: one line per search executed and per file
//! imported. It is what a PRISMA-S report cites: which source, which query, the exact request
//! parameters, when, how many results the source reported and how many were retrieved, and
//! with which version of the tool.

use super::StoreError;
use super::jsonl::{self, Appender, Diagnostic};
use crate::model::SearchCounts;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// `corpus/runlog.jsonl`.
pub fn runlog_path(corpus: &Path) -> PathBuf {
    corpus.join("runlog.jsonl")
}

/// One line of the run log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[allow(clippy::large_enum_variant)] // a few lines per run: boxing would buy nothing
pub enum RunLogEntry {
    /// A search executed against a source.
    Search(SearchLog),
    /// An export file imported as a named database.
    Import(ImportLog),
}

/// One export file imported (`litscope import`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportLog {
    /// The import run.
    pub run: String,
    /// The database the records count as (`--name`, or the file's stem).
    pub database: String,
    /// The file name (without its folder).
    pub file: String,
    /// SHA-256 of the file's bytes: importing the same bytes again is detected by it.
    pub sha256: String,
    /// `ris`, `bibtex`, `nbib`, `wos`, `csv`, `endnote-xml` or `enw`.
    pub format: String,
    /// The encoding the file was read in.
    pub encoding: String,
    /// What was repaired while reading (encoding fallback, line endings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repairs: Vec<String>,
    /// Records read from the file.
    pub read: u64,
    /// Records stored for the first time.
    pub imported: u64,
    /// Records that could not be read.
    pub skipped: u64,
    /// When the import finished.
    pub date: jiff::Timestamp,
    /// `litscope VERSION`.
    pub tool: String,
}

/// How a search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SearchStatus {
    /// Every page was retrieved (up to the limit).
    Complete,
    /// Stopped by an error; the records retrieved before it are kept, and running the harvest
    /// again resumes it.
    Failed,
}

/// The first request of a search, as sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestLog {
    /// The URL without its query string.
    pub url: String,
    /// The query parameters in the order sent.
    pub params: Vec<(String, String)>,
}

/// A search executed against a source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchLog {
    /// The harvest run.
    pub run: String,
    /// The query file, relative to the workspace.
    pub query_file: String,
    /// The query file's `name`.
    pub name: String,
    /// 1-based position of the search in its file.
    pub search: usize,
    /// The source.
    pub source: String,
    /// The query text.
    pub query: String,
    /// Everything that defines the search (what `--offline` matches recordings on).
    pub spec: serde_json::Value,
    /// The first request as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestLog>,
    /// `online`, or `offline` for a replay of recorded responses.
    pub mode: String,
    /// For a replay: the run whose recorded responses were replayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replayed_run: Option<String>,
    /// When the search started.
    pub started: jiff::Timestamp,
    /// When it ended.
    pub finished: jiff::Timestamp,
    /// How it ended.
    pub status: SearchStatus,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What the search counted.
    #[serde(flatten)]
    pub counts: SearchCounts,
    /// For a search run because another found a link (`prosjektbanken:327219`): that link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// `litscope VERSION`.
    pub tool: String,
    /// The User-Agent sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// Appends one entry, flushed and synced (the run log is small and precious).
pub fn append(corpus: &Path, entry: &RunLogEntry) -> Result<(), StoreError> {
    let path = runlog_path(corpus);
    let (mut appender, _) = Appender::open(&path)?;
    let mut line = serde_json::to_vec(entry).map_err(|e| StoreError::Corrupt {
        path: path.clone(),
        message: e.to_string(),
    })?;
    line.push(b'\n');
    appender.append(&line)?;
    appender.sync()
}

/// Every readable entry, in order, with what could not be read.
pub fn read(corpus: &Path) -> Result<(Vec<RunLogEntry>, Vec<Diagnostic>), StoreError> {
    let mut entries = Vec::new();
    let diagnostics = jsonl::read_lines(&runlog_path(corpus), |_, line| {
        entries.push(serde_json::from_slice(line).map_err(|e| e.to_string())?);
        Ok(())
    })?;
    Ok((entries, diagnostics))
}
