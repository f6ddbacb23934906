//! `litscope decide`: record one screening decision without the prompt.

use super::output::{Ui, fit};
use super::{CliError, Outcome};
use crate::model::RecordId;
use crate::screen::protocol::Protocol;
use crate::store::decisions::{self, Action, DecisionEvent, DecisionLog};
use crate::store::jsonl::read_lines;
use crate::store::records::list_sources;
use crate::workspace::Workspace;

/// Record one screening decision (include, exclude, maybe) or undo your latest one
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Reasons are numbered per stage and tags across the codebook, in review.toml's order; give
either the number or the exact text. A reason goes only with `exclude`.

The reviewer is --reviewer, else LITSCOPE_REVIEWER, else the OS user name (USER, LOGNAME or
USERNAME), else `reviewer`. Each reviewer's decisions go to corpus/decisions/<reviewer>.jsonl.
Reviewers who disagree put the record in conflict: it stays at its stage until they agree.
Another command writing to the workspace is waited for (LITSCOPE_LOCK_WAIT, default 60 s).

Examples:
  litscope decide 5t0mhckng54j include --tag PA --tag 6
  litscope decide 5t0mhckng54j exclude --reason 2 --note \"hospital setting\"
  litscope decide 5t0mhckng54j exclude --reason \"wrong setting\" --stage full-text
  litscope decide 5t0mhckng54j maybe --reviewer kari
  litscope decide 5t0mhckng54j undo --reviewer kari")]
pub struct Args {
    /// Record id (as shown by `search`, `status`, `export`)
    id: String,
    /// The decision, or `undo` to withdraw your latest decision on this record
    #[arg(value_enum)]
    decision: DecisionArg,
    /// Reviewer name [default: LITSCOPE_REVIEWER, else the OS user name, else `reviewer`]
    #[arg(long, value_name = "NAME")]
    reviewer: Option<String>,
    /// Screening stage [default: the first stage, title-abstract; for `undo`, the stage of
    /// your latest decision on the record]
    #[arg(long, value_name = "STAGE")]
    stage: Option<String>,
    /// Exclusion reason: its number at this stage or its exact text (only with `exclude`)
    #[arg(long, value_name = "R")]
    reason: Vec<String>,
    /// Codebook tag: its number or exact text (repeatable)
    #[arg(long, value_name = "T")]
    tag: Vec<String>,
    /// Free-text note
    #[arg(long, value_name = "N")]
    note: Option<String>,
}

/// What `decide` reads of each stored record.
#[derive(serde::Deserialize)]
struct IdAndTitle {
    id: RecordId,
    #[serde(default)]
    title: Option<String>,
    provenance: SourceIds,
}

#[derive(serde::Deserialize)]
struct SourceIds {
    source: String,
    source_id: String,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DecisionArg {
    Include,
    Exclude,
    Maybe,
    Undo,
}

impl From<DecisionArg> for Action {
    fn from(d: DecisionArg) -> Self {
        match d {
            DecisionArg::Include => Action::Include,
            DecisionArg::Exclude => Action::Exclude,
            DecisionArg::Maybe => Action::Maybe,
            DecisionArg::Undo => Action::Undo,
        }
    }
}

/// The reviewer: the flag, else `LITSCOPE_REVIEWER` (both must be valid names), else the OS
/// user name when it makes a valid name, else `reviewer`.
pub(super) fn reviewer(flag: Option<String>) -> Result<String, CliError> {
    let explicit = flag.or_else(|| {
        std::env::var("LITSCOPE_REVIEWER")
            .ok()
            .filter(|s| !s.is_empty())
    });
    if let Some(name) = explicit {
        return if decisions::valid_reviewer(&name) {
            Ok(name)
        } else {
            Err(CliError::Usage(format!(
                "reviewer name `{name}` is not usable as a file name: use letters, digits, -, _, . or @"
            )))
        };
    }
    Ok(["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|n| decisions::valid_reviewer(n))
        .unwrap_or_else(|| "reviewer".into()))
}

/// A well-formed id that no record in the workspace has (exit 2: the command line names
/// nothing to decide on; nothing was tried).
fn no_such_record(id: &str) -> CliError {
    CliError::Usage(format!(
        "no record with id {id} in this workspace; `litscope export --format csv` lists every record's id"
    ))
}

/// Runs `decide`.
pub fn run(args: Args, ws: &Workspace, ui: &Ui) -> Result<Outcome, CliError> {
    let protocol = Protocol::from_config(&ws.config);
    let stages = protocol.stage_names();
    let first_stage = stages.first().cloned().unwrap_or_default();
    let action = Action::from(args.decision);
    let reviewer = reviewer(args.reviewer)?;
    let (reasons, tags) = protocol
        .resolve(
            args.stage.as_deref().unwrap_or(&first_stage),
            action,
            &args.reason,
            &args.tag,
        )
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let corpus = ws.corpus_dir();
    let id = RecordId::parse(&args.id).ok_or_else(|| {
        // Twelve letters and digits is the shape of an id; one no record can have is still
        // just an id that is not in this workspace.
        let t = args.id.trim();
        if t.len() == 12 && t.bytes().all(|b| b.is_ascii_alphanumeric()) {
            no_such_record(&t.to_ascii_lowercase())
        } else {
            CliError::Usage(format!(
                "`{}` is not a record id (12 letters and digits, as `export` shows them)",
                args.id
            ))
        }
    })?;
    let lock = super::lock_corpus(&corpus, ui)?;

    // A member's id (from before dedup merged it) means the merged record.
    let merges = super::records::merges(ws, ui)?;
    let given = id;
    let id = merges.resolve(&given).clone();
    let covers = merges.covers(&id);

    // The record must exist; its title goes into the confirmation.
    let mut title: Option<Option<String>> = None;
    for (_, path) in list_sources(&corpus)? {
        read_lines(&path, |_, line| {
            let r: IdAndTitle = serde_json::from_slice(line).map_err(|e| e.to_string())?;
            let group = merges.group(&r.provenance.source, &r.provenance.source_id, &r.id);
            if *group == id && title.as_ref().is_none_or(Option::is_none) {
                title = Some(r.title);
            }
            Ok(())
        })?;
    }
    let Some(title) = title else {
        return Err(no_such_record(given.as_str()));
    };
    if id != given {
        ui.status(&format!(
            "{given} is merged into {id}: deciding on the merged record"
        ));
    }
    let others: Vec<String> = merges
        .follow(&id, &[])
        .iter()
        .filter(|o| **o != id)
        .map(|o| o.to_string())
        .collect();
    if !others.is_empty() {
        ui.warn(&format!(
            "{id} was one id for several works that dedup told apart: deciding on the record that kept it; the others are now {}",
            others.join(", ")
        ));
    }

    let (mut history, diags) = super::records::decisions(ws, ui, &merges)?;
    let stage = match (&args.stage, action) {
        (Some(s), _) => s.clone(),
        (None, Action::Undo) => history
            .latest_on_record(&id, &reviewer, &stages)
            .map(|(s, _)| s.to_string())
            .ok_or_else(|| {
                CliError::Usage(format!("{reviewer} has no decision on {id} to undo"))
            })?,
        (None, _) => first_stage.clone(),
    };
    if let Some(at) = history.position(&id, &stages, protocol.rule()).last() {
        let pos = |s: &str| stages.iter().position(|x| x == s);
        if pos(&stage) > pos(at.stage) {
            ui.warn(&format!(
                "{id} has not reached {stage} (it stops at {}, {}); the decision is recorded anyway",
                at.stage,
                at.state()
            ));
        }
    }
    let undone = history.latest(&id, &stage, &reviewer).cloned();
    if action == Action::Undo && undone.is_none() {
        return Err(CliError::Usage(format!(
            "{reviewer} has no decision on {id} at stage {stage} to undo"
        )));
    }
    // The corpus as the index would have it before this decision (opening the log may
    // create it, which changes the fingerprint).
    let before = super::index::fingerprint(&ws.root);
    // Opening cuts a torn last line of this reviewer's log (already reported above).
    let (mut log, repaired) = DecisionLog::open(&corpus, &reviewer)?;
    if let Some(d) = repaired.filter(|d| !diags.contains(d)) {
        ui.warn(&d.to_string());
    }
    let event = DecisionEvent {
        id: id.clone(),
        stage: stage.clone(),
        decision: action,
        reasons,
        tags,
        note: args.note.filter(|n| !n.trim().is_empty()),
        reviewer: reviewer.clone(),
        time: jiff::Timestamp::now(),
        tool: crate::tool_version(),
        covers,
        origin: None,
        split: false,
    };
    log.append(&event)?;
    let after = super::index::fingerprint(&ws.root);
    drop(log);
    drop(lock);
    // The index follows at once (one document), so `decision:`/`tag:` searches see it; when
    // it cannot, it stays stale and the next search updates it.
    history.apply_followed(&event, merges.follow(&event.id, &event.covers));
    let screening = crate::index::Screening::of_decisions(&history, &id, &stages, protocol.rule());
    if let Err(e) = super::index::after_decision(ws, &id, screening, &before, &after) {
        ui.warn(&format!(
            "the decision is stored, but the index was not updated ({e}); `litscope index` will"
        ));
    }

    let title = fit(
        &crate::text::for_terminal(title.as_deref().unwrap_or("(no title)")),
        60,
    );
    let what = match action.verdict() {
        Some(v) => {
            let mut s = v.to_string();
            if !event.reasons.is_empty() {
                s.push_str(&format!(" ({})", event.reasons.join("; ")));
            }
            if !event.tags.is_empty() {
                s.push_str(&format!(" [{}]", event.tags.join("; ")));
            }
            s
        }
        None => format!(
            "undid {}",
            undone.map(|d| d.verdict.to_string()).unwrap_or_default()
        ),
    };
    ui.status(&crate::text::for_terminal(&format!(
        "{id} {}: {what} by {reviewer} · {}",
        stage,
        title.trim_end()
    )));
    Ok(Outcome::Ok)
}
