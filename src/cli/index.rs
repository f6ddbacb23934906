//! `litscope index`: build or update `index/` from the merged, screened records, and the
//! helpers `search` and `decide` use to find the index current (or bring it up to date).
//!
//! Whoever writes `index/` holds `index/.lock` ([`crate::index::build::lock_path`]); readers
//! never wait for a writer longer than they must and never fail because one is at work (see
//! [`current`]). The index is stale when the fingerprint stored with its last commit is not
//! the corpus' ([`fingerprint`]): that is the only mark, so a writer that cannot update the
//! index leaves it stale by saying nothing.

use super::output::{Format, Ui, print_json, thousands};
use super::{CliError, Outcome};
use crate::index::{Index, IndexDoc, IndexError, Rebuild, SyncReport, WriterOptions};
use crate::sources::SourceKind;
use crate::workspace::Workspace;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

/// How long `search` waits for another command writing the index before it searches the
/// index as that command found it (a stale one; with no index at all it waits as long as a
/// writer would).
const STALE_PATIENCE: Duration = Duration::from_secs(5);

/// Build or update the full-text index in index/
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The index is derived from corpus/ only: delete index/ at any time and it is rebuilt (search
rebuilds it by itself). An update re-indexes only records that changed since the last one; a
new litscope whose fields or analyzers differ rebuilds by itself.

Examples:
  litscope index
  litscope index --format json
  litscope index --rebuild")]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Rebuild from nothing instead of updating
    #[arg(long)]
    rebuild: bool,
}

impl From<IndexError> for CliError {
    fn from(e: IndexError) -> Self {
        CliError::Runtime(e.to_string())
    }
}

/// Runs `index`.
pub fn run(args: Args, ws: &Workspace, ui: &Ui) -> Result<Outcome, CliError> {
    let dir = ws.index_dir();
    let _lock = super::wait_for_lock(
        &crate::index::build::lock_path(&dir),
        "writing the index",
        super::lock_wait()?,
        ui,
    )
    .map_err(super::still_busy)?;
    let (mut index, why) = if args.rebuild {
        (Index::create(&dir)?, Some(Rebuild::Missing))
    } else {
        Index::open_or_create(&dir)?
    };
    if let Some(why) = why.as_ref().filter(|w| **w != Rebuild::Missing) {
        ui.status(&format!("rebuilding the index: {why}"));
    }
    let report = update(ws, ui, &mut index)?.ok_or_else(|| {
        CliError::Runtime(format!(
            "{}: another program holds tantivy's writer lock; try again when it is done",
            dir.display()
        ))
    })?;
    let bytes = index.size_bytes();
    match args.format {
        Format::Json => print_json(&json!({
            "documents": report.documents,
            "added": report.added,
            "updated": report.updated,
            "removed": report.removed,
            "unchanged": report.unchanged,
            "rebuilt": why.is_some(),
            "seconds": (report.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "index_bytes": bytes,
        }))?,
        Format::Text => ui.status(&format!(
            "indexed {} records ({} added, {} updated, {} removed, {} unchanged) in {:.1} s; index/ holds {:.1} MB",
            thousands(report.documents),
            thousands(report.added),
            thousands(report.updated),
            thousands(report.removed),
            thousands(report.unchanged),
            report.elapsed.as_secs_f64(),
            bytes as f64 / 1e6
        )),
    }
    Ok(Outcome::Ok)
}

/// Brings `index` to the corpus: every merged, screened record, re-indexed where changed.
/// `None` when tantivy's writer lock is held by a process outside `index/.lock`.
fn update(ws: &Workspace, ui: &Ui, index: &mut Index) -> Result<Option<SyncReport>, CliError> {
    // Taken before the corpus is read: a change made while it is read leaves the index
    // stale, never marked current without it.
    let fingerprint = fingerprint(&ws.root);
    let records = super::records::unique_records(ws, ui)?;
    let is_database = |s: &str| SourceKind::parse(s).is_none();
    let docs: Vec<IndexDoc> = records
        .iter()
        .map(|r| IndexDoc::from_screened(r, &is_database))
        .collect();
    drop(records);
    let bar = ui.progress().add(ProgressBar::new(docs.len() as u64));
    bar.set_style(
        ProgressStyle::with_template("indexing {bar:30} {pos}/{len} records {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = index.sync(
        &docs,
        Some(&fingerprint),
        WriterOptions::for_documents(docs.len()),
        &mut |done, _| bar.set_position(done),
    );
    bar.finish_and_clear();
    match report {
        Ok(report) => Ok(Some(report)),
        Err(e) if e.is_busy() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// True when `index` was built from the corpus as it is now.
fn is_fresh(index: &Index, ws: &Workspace) -> bool {
    index.fingerprint().as_deref() == Some(fingerprint(&ws.root).as_str())
}

/// The index for a reader (`search`), current with the corpus whenever it can be. A current
/// index is used at once, without any lock. A stale or missing one is brought up to date
/// first, under `index/.lock`, with a status line; when another command is writing the index,
/// search waits for it (saying so after a second) and then uses what it left, updating it
/// itself if still stale. Should that take longer than [`STALE_PATIENCE`], a stale index is
/// searched as it is, with one warning; with no index at all, search waits as a writer would
/// ([`super::lock_wait`]).
pub(super) fn current(ws: &Workspace, ui: &Ui) -> Result<Index, CliError> {
    let dir = ws.index_dir();
    let opened = Index::open(&dir)?.ok();
    if let Some(index) = opened.as_ref()
        && is_fresh(index, ws)
    {
        return Ok(opened.expect("just matched"));
    }
    let limit = super::lock_wait()?;
    let patience = if opened.is_some() {
        limit.min(STALE_PATIENCE)
    } else {
        limit
    };
    let stale = |index: Index| {
        ui.warn(
            "another litscope command is writing the index: searching it as it was (it may miss the latest changes)",
        );
        Ok(index)
    };
    let lock = match super::wait_for_lock(
        &crate::index::build::lock_path(&dir),
        "writing the index",
        patience,
        ui,
    ) {
        Ok(lock) => lock,
        Err(crate::store::StoreError::Busy { .. }) if opened.is_some() => {
            return stale(opened.expect("just matched"));
        }
        Err(e) => return Err(super::still_busy(e)),
    };
    // Under the lock: another command may just have brought it up to date.
    let (mut index, why) = Index::open_or_create(&dir)?;
    if why.is_none() && is_fresh(&index, ws) {
        return Ok(index);
    }
    let what = match &why {
        Some(why) => format!("building the index ({why})"),
        None => "updating the index (the corpus changed)".to_string(),
    };
    ui.status(&format!("{what} …"));
    let updated = update(ws, ui, &mut index)?;
    drop(lock);
    match updated {
        Some(_) => Ok(index),
        None => stale(index),
    }
}

/// After `decide` logged one decision, re-indexes that record's `screening` alone when the
/// index was current just before (`before`, the corpus' fingerprint then) and nothing else
/// has written it since: then the index stays current at `after` (the fingerprint with the
/// decision). Otherwise, or when another command is writing the index at that moment, it
/// does nothing and says nothing: the index is stale by rule, and the next search brings it
/// up to date in one go. Call it without the corpus lock.
pub(super) fn after_decision(
    ws: &Workspace,
    id: &crate::model::RecordId,
    screening: crate::index::Screening,
    before: &str,
    after: &str,
) -> Result<(), CliError> {
    let dir = ws.index_dir();
    let Some(_lock) = crate::store::lock::try_acquire(&crate::index::build::lock_path(&dir))?
    else {
        return Ok(());
    };
    let Ok(mut index) = Index::open(&dir)? else {
        return Ok(());
    };
    if index.fingerprint().as_deref() != Some(before) {
        return Ok(());
    }
    match index.update_screening(id.as_str(), screening, Some(after)) {
        Ok(_) => Ok(()),
        Err(e) if e.is_busy() => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// What the index is derived from, as names, sizes and modification times: `review.toml`
/// (stages) and every file under `corpus/` but the recorded responses and dot files (the
/// lock).
pub(super) fn fingerprint(root: &Path) -> String {
    let mut parts = Vec::new();
    let mut add = |p: &Path| {
        if let Ok(m) = std::fs::metadata(p) {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            parts.push(format!("{}:{}:{}", p.display(), m.len(), mtime));
        }
    };
    add(&root.join("review.toml"));
    let mut stack = vec![root.join("corpus")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name == "responses" || name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                add(&p);
            }
        }
    }
    format!(
        "{:016x}",
        xxhash_rust::xxh3::xxh3_64(parts.join("\n").as_bytes())
    )
}
