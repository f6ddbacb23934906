//! Every box of the PRISMA 2020 flow diagram, counted from one plain list of works, and the
//! reconciliation that refuses numbers that do not add up.
//!
//! # Input: one [`WorkState`] per work
//!
//! A work is one record after deduplication. Its [`Origin`]s are the source records merged
//! into it, one per record retrieved (a work found by Crossref and Cristin has two; a work a
//! database returned twice has two of that database). The caller (the works loader) also
//! says whether the screening queue's rule found it ineligible by automation, whether it was
//! removed for another reason, where it stands at each stage ([`StageState`]: the effective
//! decision, or pending, or a conflict), whether its full text could not be retrieved, and
//! which study it reports (when several reports belong to one study).
//!
//! # The two arms
//!
//! PRISMA 2020 draws records from databases and registers on the left and records found by
//! other methods (here: records reached through project links, `via`) on the right. A work
//! belongs to the left arm when any of its origins is a database or register, to the right
//! arm otherwise. The right arm's records that duplicate a left-arm work are counted as its
//! duplicates (the left arm already has them). Both arms go through the same boxes — litscope
//! screens records reached through links like any other — and both feed "studies included".
//!
//! # Counting rules, stated once
//!
//! - *Identified*: every origin, in the box of its kind and name (before deduplication).
//! - *Duplicates*: origins beyond the first of each work (per arm, as above).
//! - *Ineligible by automation* / *removed for other reasons*: works so flagged that no
//!   reviewer has decided at title/abstract. A work a reviewer already decided stays in
//!   screening (its decision is evidence that a human screened it; dropping it would silently
//!   change an inclusion), and is counted in [`Removed::overridden_by_decision`].
//! - *Screened*: an effective title/abstract decision exists (include, exclude, maybe; after
//!   adjudication where needed). Undecided, pending and conflicting records are *not yet
//!   screened* and counted apart ([`Waiting`]), never silently.
//! - *Sought*: screened and going on: include, and maybe when the protocol sends maybe on
//!   ([`CountRules::maybe_goes_on`]); a maybe it does not send on is *held*.
//! - *Not retrieved*: sought, flagged [`WorkState::not_retrieved`] (whatever its full-text
//!   decision says: the caller derives the flag from that decision).
//! - *Assessed*: sought, retrieved, with an effective full-text decision. Excluded reports are
//!   counted under their first reason ("(no reason given)" when none); a full-text maybe is
//!   *undecided* (assessed, neither excluded nor included).
//! - *Included*: full-text include. Reports count works; studies count distinct
//!   [`WorkState::study`] keys (a work without one is a study of its own).
//!
//! Full-text decisions on a work that did not go on are ignored (the record never reached
//! that stage).
//!
//! # Reconciliation
//!
//! [`PrismaCounts::reconcile`] checks, per arm: identified − duplicates − automation − other
//! − not yet screened = screened; screened − excluded − held = sought; sought − not retrieved
//! − not yet assessed = assessed; assessed − excluded − undecided = included; and that every
//! list adds up to its total. The first equation that fails is an error naming the box, so a
//! caller never draws a diagram with wrong numbers.

use crate::store::decisions::Verdict;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The PRISMA box an origin is identified in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginKind {
    /// A bibliographic database (Crossref, Cristin, NVA, an imported export).
    Database,
    /// A register (Prosjektbanken).
    Register,
    /// Another method (records reached through project links).
    OtherMethods,
}

/// One source record merged into a work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin<'a> {
    /// Which box.
    pub kind: OriginKind,
    /// The database, register or method, as shown (e.g. `crossref`, `PubMed`, `project
    /// links`).
    pub name: &'a str,
}

/// Where a work stands at one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StageState<'a> {
    /// No reviewer has decided.
    #[default]
    Undecided,
    /// Some reviewers decided, fewer than the protocol needs.
    Pending,
    /// Reviewers disagree and no adjudication settled it.
    Conflict,
    /// An effective decision.
    Decided {
        /// The verdict.
        verdict: Verdict,
        /// The (first) exclusion reason, for an exclusion.
        reason: Option<&'a str>,
        /// True when an adjudication made it.
        adjudicated: bool,
    },
}

/// One work, as PRISMA needs it: the input of [`count`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkState<'a> {
    /// One origin per source record merged into the work.
    pub origins: Vec<Origin<'a>>,
    /// The screening queue's rule found it ineligible by automation (the saved filter).
    pub automation_ineligible: bool,
    /// Removed before screening for another reason.
    pub removed_other: bool,
    /// Title/abstract screening.
    pub title_abstract: StageState<'a>,
    /// Full-text screening.
    pub full_text: StageState<'a>,
    /// The full text was sought and could not be retrieved.
    pub not_retrieved: bool,
    /// The study this report belongs to, when reports are linked to studies.
    pub study: Option<&'a str>,
}

/// Rules from the protocol that change the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountRules {
    /// A title/abstract maybe goes on to full text (`full_text_from` has `maybe`; the
    /// default).
    pub maybe_goes_on: bool,
}

impl Default for CountRules {
    fn default() -> Self {
        CountRules {
            maybe_goes_on: true,
        }
    }
}

/// Records identified, before deduplication, per database, register and other method.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Identification {
    /// Per database.
    pub databases: BTreeMap<String, u64>,
    /// Per register.
    pub registers: BTreeMap<String, u64>,
    /// Per other method.
    pub other_methods: BTreeMap<String, u64>,
}

/// Records not yet decided at a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Waiting {
    /// No reviewer has decided.
    pub undecided: u64,
    /// Waiting for another reviewer.
    pub pending: u64,
    /// Reviewers disagree; waiting for adjudication.
    pub conflict: u64,
}

impl Waiting {
    /// All of them.
    pub fn total(&self) -> u64 {
        self.undecided + self.pending + self.conflict
    }

    fn add(&mut self, s: &StageState) {
        match s {
            StageState::Undecided => self.undecided += 1,
            StageState::Pending => self.pending += 1,
            StageState::Conflict => self.conflict += 1,
            StageState::Decided { .. } => {}
        }
    }
}

/// Records removed before screening.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Removed {
    /// Duplicate records removed.
    pub duplicates: u64,
    /// Marked as ineligible by automation tools (the saved filter).
    pub automation_ineligible: u64,
    /// Removed for other reasons.
    pub other: u64,
    /// Flagged for removal but already decided by a reviewer, so screened instead (included
    /// in neither removal count).
    pub overridden_by_decision: u64,
}

/// Title/abstract screening.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Screening {
    /// Records with an effective decision.
    pub screened: u64,
    /// Records excluded.
    pub excluded: u64,
    /// Exclusions per reason.
    pub excluded_reasons: BTreeMap<String, u64>,
    /// Maybes the protocol does not send on.
    pub held: u64,
    /// Screened records whose decision an adjudication made.
    pub adjudicated: u64,
    /// Not yet screened.
    pub waiting: Waiting,
}

/// Retrieval of full texts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Retrieval {
    /// Reports sought for retrieval.
    pub sought: u64,
    /// Reports not retrieved.
    pub not_retrieved: u64,
}

/// Full-text assessment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Eligibility {
    /// Reports assessed for eligibility.
    pub assessed: u64,
    /// Reports excluded, total.
    pub excluded: u64,
    /// Reports excluded per reason.
    pub excluded_reasons: BTreeMap<String, u64>,
    /// Assessed with an effective maybe: not yet included or excluded.
    pub undecided: u64,
    /// Assessed reports whose decision an adjudication made.
    pub adjudicated: u64,
    /// Retrieved but not yet assessed.
    pub waiting: Waiting,
}

/// Studies and reports included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Included {
    /// Studies (distinct study keys).
    pub studies: u64,
    /// Reports (works).
    pub reports: u64,
}

/// One arm of the diagram, from identification to inclusion.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Arm {
    /// Records identified (the sum of the arm's identification boxes).
    pub identified: u64,
    /// Removed before screening.
    pub removed: Removed,
    /// Title/abstract screening.
    pub screening: Screening,
    /// Retrieval.
    pub retrieval: Retrieval,
    /// Full-text assessment.
    pub eligibility: Eligibility,
    /// Included from this arm.
    pub included: Included,
}

/// Every PRISMA 2020 box (see the module docs for what each counts).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PrismaCounts {
    /// Records identified per database, register and other method.
    pub identification: Identification,
    /// The databases-and-registers arm (left).
    pub databases_and_registers: Arm,
    /// The other-methods arm (right).
    pub other_methods: Arm,
    /// Studies and reports included in the review, both arms together.
    pub included: Included,
}

/// The label of the bucket for exclusions that name no reason.
pub const NO_REASON: &str = "(no reason given)";

/// Counts every box from the works (see the module docs for the rules).
pub fn count(works: &[WorkState], rules: CountRules) -> PrismaCounts {
    let mut p = PrismaCounts::default();
    let mut studies: [StudySet; 2] = Default::default();
    let mut all_studies = StudySet::default();
    for w in works {
        let main = w.origins.iter().any(|o| o.kind != OriginKind::OtherMethods);
        for o in &w.origins {
            let map = match o.kind {
                OriginKind::Database => &mut p.identification.databases,
                OriginKind::Register => &mut p.identification.registers,
                OriginKind::OtherMethods => &mut p.identification.other_methods,
            };
            bump(map, o.name);
        }
        let others = w
            .origins
            .iter()
            .filter(|o| o.kind == OriginKind::OtherMethods)
            .count() as u64;
        let (arm, set) = if main {
            p.other_methods.removed.duplicates += others;
            let own = w.origins.len() as u64 - others;
            p.databases_and_registers.removed.duplicates += own - 1;
            (&mut p.databases_and_registers, &mut studies[0])
        } else {
            p.other_methods.removed.duplicates += others.saturating_sub(1);
            (&mut p.other_methods, &mut studies[1])
        };
        if let Some(study) = follow(arm, w, rules) {
            set.add(study);
            all_studies.add(study);
        }
    }
    let sum = |m: &BTreeMap<String, u64>| m.values().sum::<u64>();
    p.databases_and_registers.identified =
        sum(&p.identification.databases) + sum(&p.identification.registers);
    p.other_methods.identified = sum(&p.identification.other_methods);
    p.databases_and_registers.included.studies = studies[0].len();
    p.other_methods.included.studies = studies[1].len();
    p.included = Included {
        studies: all_studies.len(),
        reports: p.databases_and_registers.included.reports + p.other_methods.included.reports,
    };
    p
}

/// Distinct study keys, plus works that are studies of their own.
#[derive(Default)]
struct StudySet<'a> {
    keys: HashSet<&'a str>,
    own: u64,
}

impl<'a> StudySet<'a> {
    fn add(&mut self, study: Option<&'a str>) {
        match study {
            Some(k) => {
                self.keys.insert(k);
            }
            None => self.own += 1,
        }
    }

    fn len(&self) -> u64 {
        self.keys.len() as u64 + self.own
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// Takes one work through its arm's boxes; `Some(study)` when it is included.
fn follow<'a>(arm: &mut Arm, w: &WorkState<'a>, rules: CountRules) -> Option<Option<&'a str>> {
    let ta = &w.title_abstract;
    if *ta == StageState::Undecided && (w.automation_ineligible || w.removed_other) {
        if w.automation_ineligible {
            arm.removed.automation_ineligible += 1;
        } else {
            arm.removed.other += 1;
        }
        return None;
    }
    if w.automation_ineligible || w.removed_other {
        arm.removed.overridden_by_decision += 1;
    }
    let StageState::Decided {
        verdict,
        reason,
        adjudicated,
    } = *ta
    else {
        arm.screening.waiting.add(ta);
        return None;
    };
    let s = &mut arm.screening;
    s.screened += 1;
    s.adjudicated += u64::from(adjudicated);
    match verdict {
        Verdict::Exclude => {
            s.excluded += 1;
            bump(&mut s.excluded_reasons, reason.unwrap_or(NO_REASON));
            return None;
        }
        Verdict::Maybe if !rules.maybe_goes_on => {
            s.held += 1;
            return None;
        }
        Verdict::Include | Verdict::Maybe => {}
    }
    arm.retrieval.sought += 1;
    if w.not_retrieved {
        arm.retrieval.not_retrieved += 1;
        return None;
    }
    let ft = &w.full_text;
    let StageState::Decided {
        verdict,
        reason,
        adjudicated,
    } = *ft
    else {
        arm.eligibility.waiting.add(ft);
        return None;
    };
    let e = &mut arm.eligibility;
    e.assessed += 1;
    e.adjudicated += u64::from(adjudicated);
    match verdict {
        Verdict::Exclude => {
            e.excluded += 1;
            bump(&mut e.excluded_reasons, reason.unwrap_or(NO_REASON));
            None
        }
        Verdict::Maybe => {
            e.undecided += 1;
            None
        }
        Verdict::Include => {
            arm.included.reports += 1;
            Some(w.study)
        }
    }
}

/// Which arm an error is about.
pub const ARM_NAMES: [&str; 2] = ["databases and registers", "other methods"];

/// Counts that do not add up: the box whose number contradicts the others.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("PRISMA counts do not add up ({arm}): {box_name} is {found}, but {equation} = {expected}")]
pub struct ReconcileError {
    /// The arm ("databases and registers", "other methods", or "both arms").
    pub arm: &'static str,
    /// The box, as the diagram names it.
    pub box_name: &'static str,
    /// Its number.
    pub found: u64,
    /// What the other boxes say it must be.
    pub expected: i128,
    /// How `expected` was computed, with the numbers.
    pub equation: String,
}

impl PrismaCounts {
    /// Checks that every box agrees with the others (see the module docs); the first
    /// contradiction is an error naming the box.
    pub fn reconcile(&self) -> Result<(), ReconcileError> {
        let id = &self.identification;
        let total = |m: &BTreeMap<String, u64>| m.values().sum::<u64>();
        check(
            ARM_NAMES[0],
            "records identified",
            self.databases_and_registers.identified,
            &[
                ("databases", total(&id.databases), 1),
                ("registers", total(&id.registers), 1),
            ],
        )?;
        check(
            ARM_NAMES[1],
            "records identified",
            self.other_methods.identified,
            &[("other methods", total(&id.other_methods), 1)],
        )?;
        for (name, arm) in ARM_NAMES
            .iter()
            .zip([&self.databases_and_registers, &self.other_methods])
        {
            arm.reconcile(name)?;
        }
        let (a, b) = (
            &self.databases_and_registers.included,
            &self.other_methods.included,
        );
        check(
            "both arms",
            "reports included",
            self.included.reports,
            &[
                ("databases and registers", a.reports, 1),
                ("other methods", b.reports, 1),
            ],
        )?;
        let studies = self.included.studies;
        if studies > a.studies + b.studies || studies < a.studies.max(b.studies) {
            return Err(ReconcileError {
                arm: "both arms",
                box_name: "studies included",
                found: studies,
                expected: i128::from(a.studies + b.studies),
                equation: format!(
                    "at most databases and registers {} + other methods {}, at least the larger",
                    a.studies, b.studies
                ),
            });
        }
        Ok(())
    }
}

impl Arm {
    fn reconcile(&self, arm: &'static str) -> Result<(), ReconcileError> {
        let (r, s, t, e) = (
            &self.removed,
            &self.screening,
            &self.retrieval,
            &self.eligibility,
        );
        check(
            arm,
            "records screened",
            s.screened,
            &[
                ("records identified", self.identified, 1),
                ("duplicates", r.duplicates, -1),
                ("ineligible by automation", r.automation_ineligible, -1),
                ("removed for other reasons", r.other, -1),
                ("not yet screened", s.waiting.total(), -1),
            ],
        )?;
        check(
            arm,
            "records excluded",
            s.excluded,
            &[(
                "the sum of its reasons",
                s.excluded_reasons.values().sum(),
                1,
            )],
        )?;
        check(
            arm,
            "reports sought for retrieval",
            t.sought,
            &[
                ("records screened", s.screened, 1),
                ("records excluded", s.excluded, -1),
                ("maybes held", s.held, -1),
            ],
        )?;
        check(
            arm,
            "reports assessed for eligibility",
            e.assessed,
            &[
                ("reports sought", t.sought, 1),
                ("not retrieved", t.not_retrieved, -1),
                ("not yet assessed", e.waiting.total(), -1),
            ],
        )?;
        check(
            arm,
            "reports excluded",
            e.excluded,
            &[(
                "the sum of its reasons",
                e.excluded_reasons.values().sum(),
                1,
            )],
        )?;
        check(
            arm,
            "reports included",
            self.included.reports,
            &[
                ("reports assessed", e.assessed, 1),
                ("reports excluded", e.excluded, -1),
                ("undecided", e.undecided, -1),
            ],
        )?;
        let inc = &self.included;
        if inc.studies > inc.reports || (inc.reports > 0 && inc.studies == 0) {
            return Err(ReconcileError {
                arm,
                box_name: "studies included",
                found: inc.studies,
                expected: i128::from(inc.reports),
                equation: format!(
                    "between 1 and reports included {} (several reports may share a study)",
                    inc.reports
                ),
            });
        }
        Ok(())
    }
}

/// `found` must equal `Σ sign · value`.
fn check(
    arm: &'static str,
    box_name: &'static str,
    found: u64,
    terms: &[(&str, u64, i8)],
) -> Result<(), ReconcileError> {
    let expected: i128 = terms
        .iter()
        .map(|&(_, v, sign)| i128::from(sign) * i128::from(v))
        .sum();
    if expected == i128::from(found) {
        return Ok(());
    }
    let mut equation = String::new();
    for (i, (name, v, sign)) in terms.iter().enumerate() {
        let op = match (i, sign) {
            (0, _) => "",
            (_, s) if *s < 0 => " − ",
            _ => " + ",
        };
        equation.push_str(&format!("{op}{name} {v}"));
    }
    Err(ReconcileError {
        arm,
        box_name,
        found,
        expected,
        equation,
    })
}

#[cfg(test)]
#[path = "counts_tests.rs"]
mod tests;
