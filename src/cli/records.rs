//! The review's records as every later stage sees them: each stored source record read
//! once, merged into one [`ExportRecord`] per work, with its screening attached.
//!
//! One loader for `export`, `index`, `search`, `status` and `prisma`, so that they can
//! never disagree about what "a record" is. Until `litscope dedup` has run, records sharing
//! a record id (the same DOI) are one work; dedup's clusters widen that grouping here and
//! nowhere else.

use super::CliError;
use super::output::Ui;
use crate::export::{self, ExportRecord};
use crate::screen::protocol::Protocol;
use crate::store::decisions::{self, Decisions, EffectiveRule};
use crate::store::records::{list_sources, read_records};
use crate::workspace::Workspace;

/// Every stored source record, one per line of `corpus/records/*.jsonl`, in source order.
/// Unreadable lines are reported as warnings and skipped.
pub fn source_records(ws: &Workspace, ui: &Ui) -> Result<Vec<crate::model::Record>, CliError> {
    let mut records = Vec::new();
    for (_, path) in list_sources(&ws.corpus_dir())? {
        for d in read_records(&path, |r| records.push(r))? {
            ui.warn(&d.to_string());
        }
    }
    Ok(records)
}

/// The decisions of every reviewer (warnings for torn or unreadable lines).
pub fn decisions(ws: &Workspace, ui: &Ui) -> Result<Decisions, CliError> {
    let (events, diags) = decisions::read_all(&ws.corpus_dir())?;
    for d in &diags {
        ui.warn(&d.to_string());
    }
    Ok(Decisions::from_events(&events))
}

/// One record per work with its sources, source ids and screening at the latest stage it
/// reached, in order of first appearance.
pub fn unique_records(ws: &Workspace, ui: &Ui) -> Result<Vec<ExportRecord>, CliError> {
    let records = source_records(ws, ui)?;
    let decided = decisions(ws, ui)?;
    let stages = Protocol::from_config(&ws.config).stage_names();
    let mut merged = export::merge_by_id(records);
    for r in &mut merged {
        r.attach(&decided, &stages, EffectiveRule::default());
    }
    Ok(merged)
}
