//! Screening decisions: one append-only JSON Lines log per reviewer,
//! `corpus/decisions/<reviewer>.jsonl`, and the pure rules that turn the logs into where
//! each record stands.
//!
//! Why a log and not a table: a decision is evidence (who decided what, when, with which
//! version of the tool), so nothing is ever rewritten or deleted. Undo is an event too: it
//! withdraws that reviewer's latest standing decision on the record at that stage, which
//! brings the one before it back. Every event is flushed and `fsync`ed before `decide`
//! returns; a line torn by a crash is reported and ignored, every earlier decision is kept.
//!
//! Three steps, each written once. [`Decisions::from_events`] folds the logs into every
//! reviewer's standing decisions per `(record, stage)` ([`Decisions::standing`]).
//! [`Decisions::effective`] applies one clearly named rule ([`EffectiveRule::Unanimous`]) to
//! them at one stage: with one reviewer it is that reviewer's latest decision; with several,
//! agreement decides and disagreement is an [`Effective::Conflict`]. [`Decisions::position`]
//! walks the stages with a [`Rule`]: a record reaches the next stage when its effective
//! decision goes on (`include` or `maybe`, or what `[screening] full_text_from` says); a
//! conflict goes on nowhere until it is settled. `status`, `search`, `export` and `import`
//! read records through [`Decisions::position`] alone. Adjudication (a later issue) slots in
//! as another [`EffectiveRule`].

use super::StoreError;
use super::jsonl::{self, Appender, Diagnostic};
use crate::model::RecordId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// A screening verdict: what a standing decision says about a record at one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The record goes on.
    Include,
    /// The record is left out (may carry reasons).
    Exclude,
    /// Undecided for now; goes on to the next stage like an inclusion.
    Maybe,
}

impl Verdict {
    /// `include`, `exclude` or `maybe`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Include => "include",
            Verdict::Exclude => "exclude",
            Verdict::Maybe => "maybe",
        }
    }

    /// True when a record with this verdict goes on to the next stage.
    pub fn goes_on(self) -> bool {
        matches!(self, Verdict::Include | Verdict::Maybe)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one event in the log does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Decide to include.
    Include,
    /// Decide to exclude.
    Exclude,
    /// Decide maybe.
    Maybe,
    /// Withdraw this reviewer's latest standing decision on the record at this stage.
    Undo,
}

impl Action {
    /// The verdict this action records, `None` for undo.
    pub fn verdict(self) -> Option<Verdict> {
        match self {
            Action::Include => Some(Verdict::Include),
            Action::Exclude => Some(Verdict::Exclude),
            Action::Maybe => Some(Verdict::Maybe),
            Action::Undo => None,
        }
    }
}

/// One line of a decision log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionEvent {
    /// The record decided on.
    pub id: RecordId,
    /// The stage (`title-abstract`, `full-text`).
    pub stage: String,
    /// include, exclude, maybe or undo.
    pub decision: Action,
    /// Exclusion reasons, as their texts in `review.toml`.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// Codebook tags, as their texts in `review.toml`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Free-text note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who decided.
    pub reviewer: String,
    /// When.
    pub time: jiff::Timestamp,
    /// `litscope VERSION`.
    pub tool: String,
    /// When decided on a merged record: the record ids merged into it at the time. The
    /// decision settles this reviewer's earlier decisions on each of them (see
    /// [`Decisions::from_events_merged`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<RecordId>,
    /// The id the decision was first made on when that is not `id`: a member of a merged
    /// record, as an export carries it (see [`StandingDecision::origin`]), so that an import
    /// restores a merge conflict as one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<RecordId>,
    /// True when the decision was made on an id dedup has since split between several works
    /// (see [`StandingDecision::split`]), as an export carries it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub split: bool,
}

/// A reviewer's standing decision on a record at one stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StandingDecision {
    /// The verdict.
    pub verdict: Verdict,
    /// Exclusion reasons (texts).
    pub reasons: Vec<String>,
    /// Tags (texts).
    pub tags: Vec<String>,
    /// Note.
    pub note: Option<String>,
    /// When it was made.
    pub time: jiff::Timestamp,
    /// The record id it was made on (a member's, when records were merged since).
    pub origin: RecordId,
    /// The members it settles (see [`DecisionEvent::covers`]).
    pub covers: Vec<RecordId>,
    /// True when it was made on an id that dedup has since found to name several works, and
    /// so followed into each of them: a conflict until the reviewer decides again.
    pub split: bool,
}

impl StandingDecision {
    fn from_event(e: &DecisionEvent, verdict: Verdict, split: bool) -> Self {
        StandingDecision {
            verdict,
            reasons: e.reasons.clone(),
            tags: e.tags.clone(),
            note: e.note.clone(),
            time: e.time,
            origin: e.origin.clone().unwrap_or_else(|| e.id.clone()),
            covers: e.covers.clone(),
            split: split || e.split,
        }
    }
}

/// One reviewer disagreeing with themselves on a merged record: decisions made on two of
/// its members, before dedup found them to be one work, differ.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeConflict {
    /// The merged record.
    pub id: RecordId,
    /// The stage.
    pub stage: String,
    /// The reviewer.
    pub reviewer: String,
    /// The standing decision on each member involved: `(member id, verdict)`, latest first.
    pub decisions: Vec<(RecordId, Verdict)>,
    /// True when one of them was made on an id dedup has since split between several merged
    /// records (see [`StandingDecision::split`]).
    pub split: bool,
}

/// The standing decisions of one reviewer's stack that still count: the latest, and the
/// latest on each other member that no later decision settles (made on the same member, or
/// on the merged record covering it). Latest first.
fn live(stack: &[StandingDecision]) -> Vec<&StandingDecision> {
    let mut settled: Vec<&RecordId> = Vec::new();
    let mut out = Vec::new();
    for d in stack.iter().rev() {
        if settled.contains(&&d.origin) {
            continue;
        }
        settled.push(&d.origin);
        settled.extend(d.covers.iter());
        out.push(d);
    }
    out
}

/// True when the stack's live decisions disagree, or one of them was split.
fn self_conflict(stack: &[StandingDecision]) -> bool {
    // Fast path: one member only (every record that was never merged).
    if stack
        .iter()
        .all(|d| d.origin == stack[0].origin && !d.split)
    {
        return false;
    }
    let live = live(stack);
    live.iter().any(|d| d.split || d.verdict != live[0].verdict)
}

/// How several reviewers' standing decisions become one effective decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EffectiveRule {
    /// One reviewer: their decision. Several: their common verdict when they all agree
    /// (reasons and tags of the latest of them), a conflict otherwise.
    #[default]
    Unanimous,
}

/// The decision that counts for a record at one stage.
#[derive(Debug, Clone, PartialEq)]
pub enum Effective<'a> {
    /// Decided: the verdict and the decision that carries reasons, tags and note.
    Decided(&'a StandingDecision),
    /// Reviewers disagree; adjudication is needed.
    Conflict,
}

impl Effective<'_> {
    /// The verdict, `None` for a conflict.
    pub fn verdict(&self) -> Option<Verdict> {
        match self {
            Effective::Decided(d) => Some(d.verdict),
            Effective::Conflict => None,
        }
    }

    /// True when the record goes on to the next stage under `rule`. A conflict goes on
    /// nowhere: the record stays at its stage until the conflict is settled.
    pub fn goes_on(&self, rule: &Rule) -> bool {
        self.verdict().is_some_and(|v| rule.goes_on.contains(&v))
    }

    /// The state it gives a record at its stage.
    pub fn state(&self) -> State {
        match self {
            Effective::Decided(d) => State::Decided(d.verdict),
            Effective::Conflict => State::Conflict,
        }
    }
}

/// The screening rule: how every reviewer's standing decisions on a record become where it
/// stands (see [`Decisions::position`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// How several reviewers' decisions at one stage become one.
    pub effective: EffectiveRule,
    /// The verdicts that take a record on to the next stage (`review.toml`'s
    /// `[screening] full_text_from`; `include` and `maybe` by default).
    pub goes_on: Vec<Verdict>,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            effective: EffectiveRule::default(),
            goes_on: vec![Verdict::Include, Verdict::Maybe],
        }
    }
}

/// Where a record stands at a stage it reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Nobody has a standing decision on it there.
    Unscreened,
    /// The effective decision.
    Decided(Verdict),
    /// Reviewers disagree (or one reviewer's decisions on merged records do); each
    /// reviewer's decision is in [`Decisions::standing`].
    Conflict,
}

impl State {
    /// `unscreened`, `include`, `exclude`, `maybe` or `conflict`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Unscreened => "unscreened",
            State::Decided(v) => v.as_str(),
            State::Conflict => "conflict",
        }
    }

    /// The verdict when decided.
    pub fn verdict(self) -> Option<Verdict> {
        match self {
            State::Decided(v) => Some(v),
            _ => None,
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stage a record reached, with its effective decision there (`None`: unscreened).
#[derive(Debug, Clone, PartialEq)]
pub struct Reached<'s, 'd> {
    /// The stage.
    pub stage: &'s str,
    /// The effective decision, `None` when nobody has decided.
    pub effective: Option<Effective<'d>>,
}

impl Reached<'_, '_> {
    /// The state of the record at this stage.
    pub fn state(&self) -> State {
        self.effective
            .as_ref()
            .map_or(State::Unscreened, Effective::state)
    }
}

/// Every reviewer's history per `(record, stage)`: a stack of decisions that undo pops.
#[derive(Debug, Default, Clone)]
pub struct Decisions {
    // (record, stage) → reviewer → decisions still standing, oldest first.
    stacks: HashMap<(RecordId, String), BTreeMap<String, Vec<StandingDecision>>>,
}

impl Decisions {
    /// Folds events in log order (each reviewer's events in the order they were written).
    /// An undo with nothing to withdraw does nothing.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a DecisionEvent>) -> Self {
        let mut d = Decisions::default();
        for e in events {
            d.apply(e);
        }
        d
    }

    /// Folds events with each event first sent to `merged(event)`, the ids of the merged
    /// records its record id now belongs to: decisions made on any member follow into the
    /// merged record, one history per reviewer in log order (so `undo` works on the merged
    /// record).
    ///
    /// A reviewer whose decisions on two members differ, with no later decision settling
    /// them, is in conflict with themselves: [`Decisions::effective`] says
    /// [`Effective::Conflict`] and [`Decisions::merge_conflicts`] lists it. So is a decision
    /// sent to several merged records (made on an id dedup has since split): it follows
    /// into each, as a conflict there. Never silently resolved: a decision on the merged
    /// record (which records what it covers) settles it.
    pub fn from_events_merged<'a>(
        events: impl IntoIterator<Item = &'a DecisionEvent>,
        merged: impl Fn(&DecisionEvent) -> Vec<RecordId>,
    ) -> Self {
        let mut d = Decisions::default();
        for e in events {
            d.apply_followed(e, merged(e));
        }
        d
    }

    /// Applies one more event, sent to `targets`, the merged records its record id now
    /// belongs to (see [`Decisions::from_events_merged`]).
    pub fn apply_followed(&mut self, e: &DecisionEvent, targets: Vec<RecordId>) {
        let split = targets.len() > 1;
        for id in targets {
            self.apply_to(e, id, split);
        }
    }

    /// Applies one more event.
    pub fn apply(&mut self, e: &DecisionEvent) {
        self.apply_to(e, e.id.clone(), false);
    }

    fn apply_to(&mut self, e: &DecisionEvent, id: RecordId, split: bool) {
        let per_reviewer = self.stacks.entry((id, e.stage.clone())).or_default();
        let stack = per_reviewer.entry(e.reviewer.clone()).or_default();
        match e.decision.verdict() {
            Some(v) => stack.push(StandingDecision::from_event(e, v, split)),
            None => {
                stack.pop();
            }
        }
    }

    /// Each reviewer's latest standing decision on the record at the stage.
    pub fn by_reviewer(&self, id: &RecordId, stage: &str) -> BTreeMap<&str, &StandingDecision> {
        self.stacks
            .get(&(id.clone(), stage.to_string()))
            .map(|m| {
                m.iter()
                    .filter_map(|(r, s)| s.last().map(|d| (r.as_str(), d)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// This reviewer's latest standing decision, if any.
    pub fn latest(&self, id: &RecordId, stage: &str, reviewer: &str) -> Option<&StandingDecision> {
        self.stacks
            .get(&(id.clone(), stage.to_string()))?
            .get(reviewer)?
            .last()
    }

    /// This reviewer's most recent standing decision on the record at any of `stages`, with
    /// its stage (what a bare `undo` withdraws).
    pub fn latest_on_record<'s>(
        &self,
        id: &RecordId,
        reviewer: &str,
        stages: &'s [String],
    ) -> Option<(&'s str, &StandingDecision)> {
        stages
            .iter()
            .filter_map(|s| self.latest(id, s, reviewer).map(|d| (s.as_str(), d)))
            .max_by_key(|(_, d)| d.time)
    }

    /// The effective decision under `rule`; `None` when nobody has a standing decision.
    pub fn effective(
        &self,
        id: &RecordId,
        stage: &str,
        rule: EffectiveRule,
    ) -> Option<Effective<'_>> {
        let standing = self.by_reviewer(id, stage);
        match rule {
            EffectiveRule::Unanimous => {
                if let Some(m) = self.stacks.get(&(id.clone(), stage.to_string()))
                    && m.values().any(|s| !s.is_empty() && self_conflict(s))
                {
                    return Some(Effective::Conflict);
                }
                let mut it = standing.values();
                let first = it.next()?;
                let mut latest = *first;
                for d in it {
                    if d.verdict != first.verdict {
                        return Some(Effective::Conflict);
                    }
                    if d.time > latest.time {
                        latest = d;
                    }
                }
                Some(Effective::Decided(latest))
            }
        }
    }

    /// Every reviewer in conflict with themselves on a merged record (see
    /// [`Decisions::from_events_merged`]), sorted by record, stage and reviewer.
    pub fn merge_conflicts(&self) -> Vec<MergeConflict> {
        let mut out = Vec::new();
        for ((id, stage), per_reviewer) in &self.stacks {
            for (reviewer, stack) in per_reviewer {
                if !stack.is_empty() && self_conflict(stack) {
                    let live = live(stack);
                    out.push(MergeConflict {
                        id: id.clone(),
                        stage: stage.clone(),
                        reviewer: reviewer.clone(),
                        split: live.iter().any(|d| d.split),
                        decisions: live
                            .into_iter()
                            .map(|d| (d.origin.clone(), d.verdict))
                            .collect(),
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.id, &a.stage, &a.reviewer).cmp(&(&b.id, &b.stage, &b.reviewer)));
        out
    }

    /// Where a record stands: every stage of `stages` (in order) it reached, with the
    /// effective decision there; the last is where it stands now. It reaches the first stage
    /// always, and the next when its effective decision goes on under `rule` (a conflict
    /// never does). Empty only when `stages` is.
    pub fn position<'s>(
        &self,
        id: &RecordId,
        stages: &'s [String],
        rule: &Rule,
    ) -> Vec<Reached<'s, '_>> {
        let mut reached = Vec::new();
        for stage in stages {
            let effective = self.effective(id, stage, rule.effective);
            let goes_on = effective.as_ref().is_some_and(|e| e.goes_on(rule));
            reached.push(Reached {
                stage: stage.as_str(),
                effective,
            });
            if !goes_on {
                break;
            }
        }
        reached
    }

    /// True when `event` (a decision, not an undo) already stands: one of its reviewer's
    /// decisions that count on its record and stage has the same verdict, reasons, tags,
    /// note and origin. What an import checks so that a file imported twice adds nothing.
    pub fn stands(&self, event: &DecisionEvent) -> bool {
        let origin = event.origin.as_ref().unwrap_or(&event.id);
        self.standing(&event.id, &event.stage)
            .into_iter()
            .any(|(reviewer, d)| {
                reviewer == event.reviewer
                    && Some(d.verdict) == event.decision.verdict()
                    && d.reasons == event.reasons
                    && d.tags == event.tags
                    && d.note == event.note
                    && d.origin == *origin
            })
    }

    /// Every decision that counts on the record at the stage: each reviewer's latest, and,
    /// for a reviewer whose decisions on records since merged disagree, each of those (see
    /// [`Decisions::from_events_merged`]). By reviewer, each one's oldest first.
    pub fn standing(&self, id: &RecordId, stage: &str) -> Vec<(&str, &StandingDecision)> {
        let Some(per_reviewer) = self.stacks.get(&(id.clone(), stage.to_string())) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (reviewer, stack) in per_reviewer {
            let mut live = live(stack);
            live.reverse();
            out.extend(live.into_iter().map(|d| (reviewer.as_str(), d)));
        }
        out
    }
}

/// Screening counts at one stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StageCounts {
    /// Effective include.
    pub include: u64,
    /// Effective exclude.
    pub exclude: u64,
    /// Effective maybe.
    pub maybe: u64,
    /// Reached the stage, no standing decision.
    pub unscreened: u64,
    /// Reviewers disagree (counted apart, not in the four above; left out of JSON when 0).
    #[serde(skip_serializing_if = "is_zero")]
    pub conflict: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Counts per stage (in order) over `ids`: a record is counted at every stage it reached
/// (see [`Decisions::position`]).
pub fn stage_counts<'a>(
    decisions: &Decisions,
    ids: impl IntoIterator<Item = &'a RecordId>,
    stages: &[String],
    rule: &Rule,
) -> Vec<StageCounts> {
    let mut counts = vec![StageCounts::default(); stages.len()];
    for id in ids {
        for (reached, c) in decisions
            .position(id, stages, rule)
            .iter()
            .zip(counts.iter_mut())
        {
            match reached.state() {
                State::Unscreened => c.unscreened += 1,
                State::Conflict => c.conflict += 1,
                State::Decided(Verdict::Include) => c.include += 1,
                State::Decided(Verdict::Exclude) => c.exclude += 1,
                State::Decided(Verdict::Maybe) => c.maybe += 1,
            }
        }
    }
    counts
}

/// `corpus/decisions/`.
pub fn decisions_dir(corpus: &Path) -> PathBuf {
    corpus.join("decisions")
}

/// `corpus/decisions/<reviewer>.jsonl`.
pub fn log_path(corpus: &Path, reviewer: &str) -> PathBuf {
    decisions_dir(corpus).join(format!("{reviewer}.jsonl"))
}

/// True when `name` can name a reviewer and their log file: 1–64 letters, digits, `-`,
/// `_`, `.` or `@`, not starting with `.`.
pub fn valid_reviewer(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
}

/// Every readable event of every reviewer's log (logs in file-name order, lines in file
/// order), with what could not be read (a torn last line, unreadable lines).
pub fn read_all(corpus: &Path) -> Result<(Vec<DecisionEvent>, Vec<Diagnostic>), StoreError> {
    let dir = decisions_dir(corpus);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Vec::new(), Vec::new()));
        }
        Err(e) => return Err(StoreError::io(&dir, e)),
    };
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| StoreError::io(&dir, e))?.path();
        if path.extension().is_some_and(|x| x == "jsonl") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut events = Vec::new();
    let mut diagnostics = Vec::new();
    for path in paths {
        diagnostics.extend(jsonl::read_lines(&path, |_, line| {
            events.push(serde_json::from_slice(line).map_err(|e| e.to_string())?);
            Ok(())
        })?);
    }
    Ok((events, diagnostics))
}

/// One reviewer's log, open for appending.
#[derive(Debug)]
pub struct DecisionLog {
    appender: Appender,
}

impl DecisionLog {
    /// Opens (creating) `corpus/decisions/<reviewer>.jsonl`; a torn last line left by a crash
    /// is cut and returned as a diagnostic.
    pub fn open(corpus: &Path, reviewer: &str) -> Result<(Self, Option<Diagnostic>), StoreError> {
        let (appender, diag) = Appender::open(&log_path(corpus, reviewer))?;
        Ok((DecisionLog { appender }, diag))
    }

    /// Appends one event, flushed and `fsync`ed before returning.
    pub fn append(&mut self, event: &DecisionEvent) -> Result<(), StoreError> {
        let mut line = serde_json::to_vec(event).map_err(|e| StoreError::Corrupt {
            path: self.appender.path().to_path_buf(),
            message: e.to_string(),
        })?;
        line.push(b'\n');
        self.appender.append(&line)?;
        self.appender.sync()
    }

    /// Appends several events (an import's) with one write and one `fsync`: a crash in the
    /// middle leaves whole lines before a torn last one, which the reader reports and ignores.
    pub fn append_all(&mut self, events: &[DecisionEvent]) -> Result<(), StoreError> {
        let mut lines = Vec::new();
        for event in events {
            serde_json::to_writer(&mut lines, event).map_err(|e| StoreError::Corrupt {
                path: self.appender.path().to_path_buf(),
                message: e.to_string(),
            })?;
            lines.push(b'\n');
        }
        if lines.is_empty() {
            return Ok(());
        }
        self.appender.append(&lines)?;
        self.appender.sync()
    }

    /// The file.
    pub fn path(&self) -> &Path {
        self.appender.path()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, stage: &str, reviewer: &str, decision: Action, t: i64) -> DecisionEvent {
        DecisionEvent {
            id: RecordId::from_source("t", id),
            stage: stage.into(),
            decision,
            reasons: if decision == Action::Exclude {
                vec!["off topic".into()]
            } else {
                vec![]
            },
            tags: vec![],
            note: None,
            reviewer: reviewer.into(),
            time: jiff::Timestamp::from_second(t).unwrap(),
            tool: crate::tool_version(),
            covers: vec![],
            origin: None,
            split: false,
        }
    }

    fn verdict(d: &Decisions, id: &str, stage: &str) -> Option<Option<Verdict>> {
        d.effective(
            &RecordId::from_source("t", id),
            stage,
            EffectiveRule::Unanimous,
        )
        .map(|e| e.verdict())
    }

    const TA: &str = "title-abstract";
    const FT: &str = "full-text";

    #[test]
    fn the_latest_decision_wins() {
        let d = Decisions::from_events(&[
            ev("a", TA, "ann", Action::Include, 1),
            ev("a", TA, "ann", Action::Exclude, 2),
        ]);
        assert_eq!(verdict(&d, "a", TA), Some(Some(Verdict::Exclude)));
        assert_eq!(verdict(&d, "b", TA), None);
    }

    #[test]
    fn undo_withdraws_only_that_reviewers_latest_decision() {
        let events = [
            ev("a", TA, "ann", Action::Include, 1),
            ev("a", TA, "ann", Action::Exclude, 2),
            ev("a", TA, "bob", Action::Exclude, 3),
            ev("a", TA, "ann", Action::Undo, 4),
        ];
        let d = Decisions::from_events(&events);
        let id = RecordId::from_source("t", "a");
        assert_eq!(d.latest(&id, TA, "ann").unwrap().verdict, Verdict::Include);
        let stages = [TA.to_string(), FT.to_string()];
        let mut later = d.clone();
        later.apply(&ev("a", FT, "ann", Action::Maybe, 5));
        let (stage, latest) = later.latest_on_record(&id, "ann", &stages).unwrap();
        assert_eq!((stage, latest.verdict), (FT, Verdict::Maybe));
        assert!(later.latest_on_record(&id, "cyd", &stages).is_none());
        assert_eq!(d.latest(&id, TA, "bob").unwrap().verdict, Verdict::Exclude);
        assert_eq!(verdict(&d, "a", TA), Some(None), "ann and bob now disagree");
        // Undo twice: nothing of ann's stands; undo on an empty history does nothing.
        let mut d = d;
        d.apply(&ev("a", TA, "ann", Action::Undo, 5));
        d.apply(&ev("a", TA, "ann", Action::Undo, 6));
        assert!(d.latest(&id, TA, "ann").is_none());
        assert_eq!(verdict(&d, "a", TA), Some(Some(Verdict::Exclude)));
        d.apply(&ev("a", TA, "bob", Action::Undo, 7));
        assert_eq!(verdict(&d, "a", TA), None);
    }

    #[test]
    fn stages_are_separate_and_a_record_reaches_full_text_on_include_or_maybe() {
        let stages = vec![TA.to_string(), FT.to_string()];
        let d = Decisions::from_events(&[
            ev("a", TA, "ann", Action::Include, 1),
            ev("a", FT, "ann", Action::Exclude, 2),
            ev("b", TA, "ann", Action::Maybe, 3),
            ev("c", TA, "ann", Action::Exclude, 4),
            // A full-text decision on a record excluded at title-abstract does not count.
            ev("c", FT, "ann", Action::Include, 5),
        ]);
        assert_eq!(verdict(&d, "a", TA), Some(Some(Verdict::Include)));
        assert_eq!(verdict(&d, "a", FT), Some(Some(Verdict::Exclude)));
        let ids: Vec<RecordId> = ["a", "b", "c", "d"]
            .iter()
            .map(|s| RecordId::from_source("t", s))
            .collect();
        let counts = stage_counts(&d, &ids, &stages, &Rule::default());
        assert_eq!(
            counts[0],
            StageCounts {
                include: 1,
                exclude: 1,
                maybe: 1,
                unscreened: 1,
                conflict: 0
            }
        );
        assert_eq!(
            counts[1],
            StageCounts {
                exclude: 1,
                unscreened: 1,
                ..Default::default()
            }
        );
        let at = |i: usize| {
            let p = d.position(&ids[i], &stages, &Rule::default());
            let last = p.last().unwrap();
            (last.stage, last.state())
        };
        assert_eq!(at(0), (FT, State::Decided(Verdict::Exclude)));
        assert_eq!(at(1), (FT, State::Unscreened));
        assert_eq!(at(2), (TA, State::Decided(Verdict::Exclude)));
        assert_eq!(at(3), (TA, State::Unscreened));
        // `full_text_from = ["include"]`: a maybe stays at title-abstract.
        let narrow = Rule {
            goes_on: vec![Verdict::Include],
            ..Rule::default()
        };
        let p = d.position(&ids[1], &stages, &narrow);
        assert_eq!((p.len(), p[0].state()), (1, State::Decided(Verdict::Maybe)));
    }

    /// Issue 13: reviewers who disagree keep the record at its stage until it is settled.
    #[test]
    fn a_conflict_stays_at_its_stage() {
        let stages = vec![TA.to_string(), FT.to_string()];
        let mut events = vec![
            ev("a", TA, "ann", Action::Include, 1),
            ev("a", TA, "bob", Action::Exclude, 2),
        ];
        let id = RecordId::from_source("t", "a");
        let d = Decisions::from_events(&events);
        let counts = stage_counts(&d, [&id], &stages, &Rule::default());
        assert_eq!(counts[0].conflict, 1);
        assert_eq!(counts[1], StageCounts::default(), "not at full-text");
        let at = d.position(&id, &stages, &Rule::default());
        assert_eq!(at.len(), 1);
        assert_eq!((at[0].stage, at[0].state()), (TA, State::Conflict));
        let who: Vec<(&str, Verdict)> = d
            .standing(&id, TA)
            .into_iter()
            .map(|(r, s)| (r, s.verdict))
            .collect();
        assert_eq!(who, [("ann", Verdict::Include), ("bob", Verdict::Exclude)]);
        // Settled: on it goes.
        events.push(ev("a", TA, "bob", Action::Include, 3));
        let d = Decisions::from_events(&events);
        let counts = stage_counts(&d, [&id], &stages, &Rule::default());
        assert_eq!((counts[0].conflict, counts[1].unscreened), (0, 1));
    }

    #[test]
    fn agreeing_reviewers_decide_and_the_latest_carries_the_details() {
        let mut late = ev("a", TA, "bob", Action::Include, 9);
        late.tags = vec!["PA".into()];
        let d = Decisions::from_events(&[ev("a", TA, "ann", Action::Include, 1), late]);
        match d
            .effective(
                &RecordId::from_source("t", "a"),
                TA,
                EffectiveRule::Unanimous,
            )
            .unwrap()
        {
            Effective::Decided(s) => assert_eq!(s.tags, ["PA"]),
            Effective::Conflict => panic!("they agree"),
        }
    }

    #[test]
    fn the_log_is_appended_and_a_torn_line_keeps_every_earlier_decision() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, diag) = DecisionLog::open(dir.path(), "ann").unwrap();
        assert!(diag.is_none());
        for (i, a) in [Action::Include, Action::Exclude, Action::Maybe]
            .into_iter()
            .enumerate()
        {
            log.append(&ev(&i.to_string(), TA, "ann", a, i as i64))
                .unwrap();
        }
        drop(log);
        let path = log_path(dir.path(), "ann");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
        let (events, diags) = read_all(dir.path()).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].decision, Action::Exclude);
        assert_eq!(events[1].reasons, ["off topic"]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 3);
        // Reopening for a new decision cuts the torn line and appends after it.
        let (mut log, diag) = DecisionLog::open(dir.path(), "ann").unwrap();
        assert_eq!(diag.unwrap().line, 3);
        log.append(&ev("x", TA, "ann", Action::Undo, 9)).unwrap();
        let (events, diags) = read_all(dir.path()).unwrap();
        assert_eq!(events.len(), 3);
        assert!(diags.is_empty());
    }

    #[test]
    fn a_batch_is_one_write_after_the_earlier_events() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, _) = DecisionLog::open(dir.path(), "ann").unwrap();
        log.append(&ev("a", TA, "ann", Action::Include, 1)).unwrap();
        log.append_all(&[]).unwrap();
        log.append_all(&[
            ev("b", TA, "ann", Action::Exclude, 2),
            ev("c", TA, "ann", Action::Maybe, 3),
        ])
        .unwrap();
        let (events, diags) = read_all(dir.path()).unwrap();
        assert!(diags.is_empty());
        let got: Vec<_> = events.iter().map(|e| (e.id.clone(), e.decision)).collect();
        assert_eq!(
            got,
            [
                (RecordId::from_source("t", "a"), Action::Include),
                (RecordId::from_source("t", "b"), Action::Exclude),
                (RecordId::from_source("t", "c"), Action::Maybe),
            ]
        );
    }

    #[test]
    fn decisions_on_merged_members_follow_and_a_disagreement_is_a_conflict_until_settled() {
        let (a, b) = (
            RecordId::from_source("t", "a"),
            RecordId::from_source("t", "b"),
        );
        let merged = |e: &DecisionEvent| vec![if e.id == b { a.clone() } else { e.id.clone() }];
        // Agreeing members: one decision, the latest's details.
        let d = Decisions::from_events_merged(
            &[
                ev("a", TA, "ann", Action::Include, 1),
                ev("b", TA, "ann", Action::Include, 2),
            ],
            merged,
        );
        assert_eq!(verdict(&d, "a", TA), Some(Some(Verdict::Include)));
        assert!(d.merge_conflicts().is_empty());
        // Disagreeing members (whichever came later): a conflict, listed, never resolved.
        let mut events = vec![
            ev("b", TA, "ann", Action::Exclude, 1),
            ev("a", TA, "ann", Action::Include, 2),
            ev("b", TA, "bob", Action::Include, 3),
        ];
        let d = Decisions::from_events_merged(&events, merged);
        assert_eq!(verdict(&d, "a", TA), Some(None));
        let c = d.merge_conflicts();
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].id.clone(), c[0].reviewer.as_str()),
            (a.clone(), "ann")
        );
        assert_eq!(
            c[0].decisions,
            [(a.clone(), Verdict::Include), (b.clone(), Verdict::Exclude)]
        );
        // `standing` lists every decision that counts: ann's on each member, bob's.
        let standing: Vec<(&str, RecordId, Verdict)> = d
            .standing(&a, TA)
            .into_iter()
            .map(|(r, s)| (r, s.origin.clone(), s.verdict))
            .collect();
        assert_eq!(
            standing,
            [
                ("ann", b.clone(), Verdict::Exclude),
                ("ann", a.clone(), Verdict::Include),
                ("bob", b.clone(), Verdict::Include)
            ]
        );
        // The same decisions as an import restores them (on the merged record, each naming
        // the member it was made on) fold to the same conflict, without any merge.
        let restored: Vec<DecisionEvent> = events
            .iter()
            .map(|e| DecisionEvent {
                id: a.clone(),
                origin: (e.id != a).then(|| e.id.clone()),
                ..e.clone()
            })
            .collect();
        let again = Decisions::from_events(&restored);
        assert_eq!(verdict(&again, "a", TA), Some(None));
        assert_eq!(again.merge_conflicts(), d.merge_conflicts());
        // Unmerged, the same log is two records with one decision each.
        let apart = Decisions::from_events(&events);
        assert_eq!(
            verdict(&apart, "b", TA),
            Some(None),
            "ann and bob disagree on b"
        );
        assert!(apart.merge_conflicts().is_empty());
        // A decision on the merged record covering both settles it; undoing it brings the
        // conflict back.
        let mut settle = ev("a", TA, "ann", Action::Include, 4);
        settle.covers = vec![a.clone(), b.clone()];
        events.push(settle);
        let d = Decisions::from_events_merged(&events, merged);
        assert_eq!(verdict(&d, "a", TA), Some(Some(Verdict::Include)));
        assert!(d.merge_conflicts().is_empty());
        events.push(ev("a", TA, "ann", Action::Undo, 5));
        let d = Decisions::from_events_merged(&events, merged);
        assert_eq!(d.merge_conflicts().len(), 1);
        // A decision on the merged record without covers (made before the merge on the
        // member whose id it kept) settles nothing.
        events.pop();
        events.last_mut().unwrap().covers.clear();
        let d = Decisions::from_events_merged(&events, merged);
        assert_eq!(d.merge_conflicts().len(), 1);
    }

    #[test]
    fn a_decision_followed_into_two_records_is_a_conflict_in_each_until_decided_again() {
        let (a, b) = (
            RecordId::from_source("t", "a"),
            RecordId::from_source("t", "b"),
        );
        // A decision on `a` made when `a` named one work that is now two, a and b.
        let split = |e: &DecisionEvent| {
            if e.id == a && e.covers.is_empty() {
                vec![a.clone(), b.clone()]
            } else {
                vec![e.id.clone()]
            }
        };
        let mut events = vec![ev("a", TA, "ann", Action::Include, 1)];
        let d = Decisions::from_events_merged(&events, split);
        assert_eq!(verdict(&d, "a", TA), Some(None));
        assert_eq!(verdict(&d, "b", TA), Some(None));
        let c = d.merge_conflicts();
        assert_eq!(c.len(), 2, "listed on both halves: {c:?}");
        assert!(
            c.iter()
                .all(|c| c.split && c.decisions == [(a.clone(), Verdict::Include)])
        );
        // Deciding on each half again (covering what it holds) settles it there.
        let mut on_b = ev("b", TA, "ann", Action::Exclude, 2);
        on_b.covers = vec![a.clone()];
        events.push(on_b);
        let d = Decisions::from_events_merged(&events, split);
        assert_eq!(verdict(&d, "b", TA), Some(Some(Verdict::Exclude)));
        assert_eq!(d.merge_conflicts().len(), 1);
        let mut on_a = ev("a", TA, "ann", Action::Include, 3);
        on_a.covers = vec![a.clone()];
        events.push(on_a);
        let d = Decisions::from_events_merged(&events, split);
        assert_eq!(verdict(&d, "a", TA), Some(Some(Verdict::Include)));
        assert_eq!(verdict(&d, "b", TA), Some(Some(Verdict::Exclude)));
        assert!(d.merge_conflicts().is_empty());
    }

    #[test]
    fn reviewer_names_must_make_safe_file_names() {
        for ok in ["ann", "Ann.B", "kari_nordmann", "åse-2", "a@uni.no"] {
            assert!(valid_reviewer(ok), "{ok}");
        }
        for bad in ["", ".hidden", "a/b", "..", "a b", "a\\b", &"x".repeat(65)] {
            assert!(!valid_reviewer(bad), "{bad}");
        }
    }
}
