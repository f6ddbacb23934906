//! The run log, `corpus/runlog.jsonl`: one line per search executed and per file
//! imported (and one when a file's import starts, so an import cut short shows). It is what a PRISMA-S report cites: which source, which query, the exact request
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
    /// An import begun: written before the file's first record is stored.
    ImportStarted(ImportStart),
}

/// An import begun (`litscope import`), written before the file's first record is stored.
/// Until an [`ImportLog`] of the same database and file bytes follows it, the import did
/// not finish (killed, or stopped by an error): see [`unfinished_imports`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStart {
    /// The import run.
    pub run: String,
    /// The database the records count as.
    pub database: String,
    /// The file as named on the command line.
    pub file: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// When the first records were about to be stored.
    pub started: jiff::Timestamp,
    /// `litscope VERSION`.
    pub tool: String,
}

/// The imports that started and never finished, in the order they started: an
/// [`ImportStart`] with no [`ImportLog`] of the same database and file bytes after it.
/// Importing the file again finishes it (its stored records are not stored twice).
pub fn unfinished_imports(entries: &[RunLogEntry]) -> Vec<&ImportStart> {
    let mut open: Vec<&ImportStart> = Vec::new();
    for entry in entries {
        match entry {
            RunLogEntry::ImportStarted(s) => {
                open.retain(|o| (&o.database, &o.sha256) != (&s.database, &s.sha256));
                open.push(s);
            }
            RunLogEntry::Import(i) => {
                open.retain(|o| (&o.database, &o.sha256) != (&i.database, &i.sha256))
            }
            RunLogEntry::Search(_) => {}
        }
    }
    open
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

#[cfg(test)]
mod tests {
    use super::*;

    fn start(database: &str, sha: &str) -> RunLogEntry {
        RunLogEntry::ImportStarted(ImportStart {
            run: "r".into(),
            database: database.into(),
            file: format!("{database}.ris"),
            sha256: sha.into(),
            started: jiff::Timestamp::UNIX_EPOCH,
            tool: "t".into(),
        })
    }

    fn done(database: &str, sha: &str) -> RunLogEntry {
        RunLogEntry::Import(ImportLog {
            run: "r".into(),
            database: database.into(),
            file: format!("{database}.ris"),
            sha256: sha.into(),
            format: "ris".into(),
            encoding: "utf-8".into(),
            repairs: Vec::new(),
            read: 1,
            imported: 1,
            skipped: 0,
            date: jiff::Timestamp::UNIX_EPOCH,
            tool: "t".into(),
        })
    }

    #[test]
    fn an_import_is_unfinished_until_its_log_line_follows() {
        let log = [
            start("a", "1"),
            done("a", "1"),
            start("b", "2"),
            start("c", "3"),
            start("b", "2"),
            start("c", "4"),
            done("c", "3"),
        ];
        let open: Vec<_> = unfinished_imports(&log)
            .iter()
            .map(|s| (s.database.as_str(), s.sha256.as_str()))
            .collect();
        assert_eq!(open, [("b", "2"), ("c", "4")]);
        let text = serde_json::to_string(&log[0]).unwrap();
        assert!(text.starts_with(r#"{"kind":"import-started""#), "{text}");
        let back: RunLogEntry = serde_json::from_str(&text).unwrap();
        assert!(matches!(back, RunLogEntry::ImportStarted(s) if s.database == "a"));
    }
}
