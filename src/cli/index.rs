//! `litscope index`: build or update `index/` from the merged, screened records, and the
//! helpers `search` and `decide` use to find the index current (or bring it up to date).

use super::output::{Format, Ui, print_json, thousands};
use super::{CliError, Outcome};
use crate::index::{Index, IndexDoc, IndexError, Rebuild, SyncReport, WriterOptions};
use crate::screen::protocol::Protocol;
use crate::sources::SourceKind;
use crate::workspace::Workspace;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::path::Path;

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
    let (mut index, why) = if args.rebuild {
        (Index::create(&dir)?, Some(Rebuild::Missing))
    } else {
        Index::open_or_create(&dir)?
    };
    if let Some(why) = why.as_ref().filter(|w| **w != Rebuild::Missing) {
        ui.status(&format!("rebuilding the index: {why}"));
    }
    let report = update(ws, ui, &mut index)?;
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
fn update(ws: &Workspace, ui: &Ui, index: &mut Index) -> Result<SyncReport, CliError> {
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
    )?;
    bar.finish_and_clear();
    Ok(report)
}

/// The index, current with the corpus: opened when its fingerprint matches, otherwise
/// updated (or rebuilt, when missing or of another schema) first, with a status line.
pub(super) fn current(ws: &Workspace, ui: &Ui) -> Result<Index, CliError> {
    let dir = ws.index_dir();
    let (mut index, why) = Index::open_or_create(&dir)?;
    if why.is_none() && index.fingerprint().as_deref() == Some(fingerprint(&ws.root).as_str()) {
        return Ok(index);
    }
    let what = match &why {
        Some(why) => format!("building the index ({why})"),
        None => "updating the index (the corpus changed)".to_string(),
    };
    ui.status(&format!("{what} …"));
    update(ws, ui, &mut index)?;
    Ok(index)
}

/// Re-indexes record `id`'s screening after `decide` logged a decision, when an index
/// exists. `was_current` is the index's fingerprint check before the decision: only then
/// does the index stay current (otherwise the next search updates it anyway).
pub(super) fn after_decision(
    ws: &Workspace,
    ui: &Ui,
    id: &crate::model::RecordId,
    was_current: bool,
) -> Result<(), CliError> {
    let Ok(mut index) = Index::open(&ws.index_dir())? else {
        return Ok(());
    };
    let merges = super::records::merges(ws, ui)?;
    let (decisions, _) = super::records::decisions(ws, ui, &merges)?;
    let protocol = Protocol::from_config(&ws.config);
    let stages = protocol.stage_names();
    let screening = crate::index::Screening::of_decisions(&decisions, id, &stages, protocol.rule());
    let fingerprint = if was_current {
        Some(fingerprint(&ws.root))
    } else {
        index.fingerprint()
    };
    index.update_screening(id.as_str(), screening, fingerprint.as_deref())?;
    Ok(())
}

/// True when the index exists and was built from the corpus as it is now.
pub(super) fn is_current(ws: &Workspace) -> bool {
    matches!(Index::open(&ws.index_dir()), Ok(Ok(index))
        if index.fingerprint().as_deref() == Some(fingerprint(&ws.root).as_str()))
}

/// What the index is derived from, as names, sizes and modification times: `review.toml`
/// (stages) and every file under `corpus/` but the recorded responses.
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
