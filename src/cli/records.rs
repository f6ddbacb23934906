//! The review's records as every later stage sees them: each stored source record read
//! once, merged into one [`ScreenedRecord`] per work, with its screening attached.
//!
//! One loader for `export`, `index`, `search`, `status` and `prisma`, so that they can
//! never disagree about what "a record" is. Before `litscope dedup` has run, records sharing
//! a record id (the same DOI) are one work; dedup's clusters (`corpus/dedup/clusters.jsonl`,
//! read through [`Merges`]) widen that grouping here and nowhere else, and decisions made on
//! any member follow into the merged record.

use super::CliError;
use super::output::Ui;
use crate::screen::protocol::Protocol;
use crate::screened::{self, ScreenedRecord};
use crate::store::decisions::{self, Decisions};
use crate::store::dedup::Merges;
use crate::store::records::{list_sources, read_records};
use crate::workspace::Workspace;

/// Every stored source record, one per line of `corpus/records/*.jsonl`, in source order.
/// Unreadable lines are reported as warnings and skipped.
///
/// The raw payload is left behind (each record's `raw` is `null`): it stays in
/// `corpus/records/` as evidence, no later stage reads it, and it is most of a harvested
/// record's memory.
pub fn source_records(ws: &Workspace, ui: &Ui) -> Result<Vec<crate::model::Record>, CliError> {
    let mut records = Vec::new();
    for (_, path) in list_sources(&ws.corpus_dir())? {
        let diags = read_records(&path, |mut r| {
            r.raw = null();
            records.push(r)
        })?;
        for d in diags {
            ui.warn(&d.to_string());
        }
    }
    records.shrink_to_fit();
    Ok(records)
}

fn null() -> Box<serde_json::value::RawValue> {
    serde_json::value::RawValue::from_string("null".into()).expect("valid JSON")
}

/// Dedup's clusters (none before the first `litscope dedup`).
pub fn merges(ws: &Workspace, ui: &Ui) -> Result<Merges, CliError> {
    let (merges, diags) = Merges::load(&ws.corpus_dir())?;
    for d in &diags {
        ui.warn(&d.to_string());
    }
    Ok(merges)
}

/// The decisions of every reviewer, each on the merged record its record now belongs to
/// under `merges` (see [`merges`]), with the warnings (torn or unreadable lines) already
/// shown and returned for a report.
pub fn decisions(
    ws: &Workspace,
    ui: &Ui,
    merges: &Merges,
) -> Result<(Decisions, Vec<crate::store::Diagnostic>), CliError> {
    let (events, diags) = decisions::read_all(&ws.corpus_dir())?;
    for d in &diags {
        ui.warn(&d.to_string());
    }
    let decided = Decisions::from_events_merged(&events, |e| merges.follow(&e.id, &e.covers));
    Ok((decided, diags))
}

/// One record per work with its sources, source ids and screening at the latest stage it
/// reached, in order of first appearance.
pub fn unique_records(ws: &Workspace, ui: &Ui) -> Result<Vec<ScreenedRecord>, CliError> {
    let records = source_records(ws, ui)?;
    let merges = merges(ws, ui)?;
    let (decided, _) = decisions(ws, ui, &merges)?;
    let protocol = Protocol::from_config(&ws.config);
    let stages = protocol.stage_names();
    let mut merged = screened::merge_by(records, |r| {
        merges.group(r.source(), r.source_id(), &r.id).clone()
    });
    for r in &mut merged {
        r.attach(&decided, &stages, protocol.rule());
    }
    Ok(merged)
}

/// A merge conflict as `dedup` and `status` print it in JSON:
/// `{"id", "stage", "reviewer", "decisions": {"MEMBER_ID": "include", …}, "split"}`
/// (`split`: a decision was made on an id dedup has since found to be several works).
pub fn conflict_json(c: &crate::store::decisions::MergeConflict) -> serde_json::Value {
    let decisions: serde_json::Map<String, serde_json::Value> = c
        .decisions
        .iter()
        .map(|(id, v)| (id.to_string(), v.as_str().into()))
        .collect();
    serde_json::json!({"id": c.id, "stage": c.stage, "reviewer": c.reviewer, "decisions": decisions, "split": c.split})
}

/// A merge conflict as one line of text.
pub fn conflict_line(c: &crate::store::decisions::MergeConflict) -> String {
    let each: Vec<String> = c
        .decisions
        .iter()
        .map(|(id, v)| format!("{v} on {id}"))
        .collect();
    format!(
        "{} {}: {} decided {}{} — decide the merged record again to settle it",
        c.id,
        c.stage,
        c.reviewer,
        each.join(", "),
        if c.split {
            " (made before dedup told its records apart)"
        } else {
            ""
        }
    )
}
