//! What the corpus holds, counted in one pass over its files (for `litscope status`).

use super::dedup::Merges;
use super::records::{list_sources, scan_ids};
use super::runlog::{self, RunLogEntry, SearchLog, SearchStatus};
use super::{Diagnostic, StoreError};
use crate::model::RecordId;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Counts of the corpus.
#[derive(Debug, Default)]
pub struct Overview {
    /// Records per source (or imported database), before deduplication.
    pub sources: BTreeMap<String, u64>,
    /// Distinct merged records across all sources: dedup's clusters, and records sharing a
    /// record id where dedup has not looked yet.
    pub unique_ids: u64,
    /// The merged records' ids.
    pub ids: HashSet<RecordId>,
    /// Search log lines.
    pub searches_run: u64,
    /// Import log lines (files imported).
    pub imports_run: u64,
    /// Imports that started and did not finish (to import again).
    pub unfinished_imports: Vec<runlog::ImportStart>,
    /// The latest log line of each search whose latest run failed (to resume).
    pub failed: Vec<SearchLog>,
    /// When the last search finished.
    pub last_search: Option<jiff::Timestamp>,
    /// Problems found while reading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `corpus/` and counts, records grouped by `merges`.
pub fn overview(corpus: &Path, merges: &Merges) -> Result<Overview, StoreError> {
    let mut o = Overview::default();
    for (source, path) in list_sources(corpus)? {
        let mut n = 0u64;
        let diags = scan_ids(&path, |id, source_id| {
            n += 1;
            let id = RecordId::from_stored(id);
            let group = merges.group(&source, source_id, &id);
            if !o.ids.contains(group) {
                o.ids.insert(group.clone());
            }
        })?;
        o.diagnostics.extend(diags);
        o.sources.insert(source, n);
    }
    o.unique_ids = o.ids.len() as u64;
    let (entries, diags) = runlog::read(corpus)?;
    o.diagnostics.extend(diags);
    // The latest line per search decides whether it still needs resuming.
    let mut latest: BTreeMap<String, SearchLog> = BTreeMap::new();
    for entry in &entries {
        match entry {
            RunLogEntry::Search(s) => {
                o.searches_run += 1;
                o.last_search = o.last_search.max(Some(s.finished));
                latest.insert(format!("{}\u{0}{}", s.source, s.spec), s.clone());
            }
            RunLogEntry::Import(_) => o.imports_run += 1,
            RunLogEntry::ImportStarted(_) => {}
        }
    }
    o.unfinished_imports = runlog::unfinished_imports(&entries)
        .into_iter()
        .cloned()
        .collect();
    o.failed = latest
        .into_values()
        .filter(|s| s.status == SearchStatus::Failed)
        .collect();
    Ok(o)
}
