//! The review's records as every reporting stage reads them: one [`ScreenedRecord`] per
//! work, merged from its source records, with where it stands in screening.
//!
//! Two steps, both pure: [`merge_by`] turns the stored source records into one
//! [`ScreenedRecord`] per merged record (records sharing a key are the same work: the record
//! id before dedup, the cluster's id after; their sources and source ids are merged, fields
//! come from the richest record), and [`ScreenedRecord::attach`] adds where the record stands
//! ([`Decisions::position`]: the latest stage it reached and its state there, a conflict
//! included), its reasons, the tags of every stage reached, the latest note and every
//! reviewer's decision that counts. `export` writes these records, `index` and `search`
//! index and filter them; neither depends on the other.

use crate::model::{Record, RecordId};
use crate::store::decisions::{Decisions, Effective, Rule, State, Verdict};
use crate::text::encode_item;
use std::collections::HashMap;

/// One record as exported: the merged record, where it came from, and its screening.
#[derive(Debug, Clone)]
pub struct ScreenedRecord {
    /// The merged record.
    pub record: Record,
    /// The sources it was found in, in order.
    pub sources: Vec<String>,
    /// `SOURCE:SOURCE_ID` of every source record merged into it.
    pub source_ids: Vec<String>,
    /// The latest stage it reached (`None` before [`ScreenedRecord::attach`]).
    pub stage: Option<String>,
    /// The effective decision at that stage; `None` when unscreened or in conflict.
    pub decision: Option<Verdict>,
    /// True when reviewers disagree at that stage: the record stays there until it is
    /// settled.
    pub conflict: bool,
    /// Exclusion reasons of that decision.
    pub reasons: Vec<String>,
    /// Tags of the decisions at every stage reached, without repeats.
    pub tags: Vec<String>,
    /// The note of the latest decision along the stages reached that has one.
    pub note: Option<String>,
    /// Every stage reached, in order, with the record's state there (the last is `stage`).
    pub reached: Vec<(String, State)>,
    /// Every decision that counts, at every stage, stage by stage: each reviewer's (a
    /// conflict's too), what a re-import needs to restore the screening exactly (see
    /// [`ScreenedRecord::screening_keywords`]).
    pub history: Vec<StageDecision>,
}

/// One reviewer's decision that counts at one stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StageDecision {
    /// The stage.
    pub stage: String,
    /// Who decided.
    pub reviewer: String,
    /// The verdict.
    pub decision: Verdict,
    /// Exclusion reasons.
    pub reasons: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Note.
    pub note: Option<String>,
    /// When.
    pub time: jiff::Timestamp,
    /// The record it was made on when not this one (a member merged into it since).
    pub on: Option<RecordId>,
    /// Made on an id dedup has since split between several works.
    pub split: bool,
}

impl ScreenedRecord {
    fn new(record: Record) -> Self {
        let sources = vec![record.source().to_string()];
        let source_ids = vec![format!("{}:{}", record.source(), record.source_id())];
        ScreenedRecord {
            record,
            sources,
            source_ids,
            stage: None,
            decision: None,
            history: Vec::new(),
            reached: Vec::new(),
            conflict: false,
            reasons: Vec::new(),
            tags: Vec::new(),
            note: None,
        }
    }

    /// Fills in the screening: where the record stands among `stages` (in order) under
    /// `rule`, and every decision that counts.
    pub fn attach(&mut self, decisions: &Decisions, stages: &[String], rule: &Rule) {
        let id = &self.record.id;
        self.reasons.clear();
        self.tags.clear();
        self.note = None;
        self.reached.clear();
        let position = decisions.position(id, stages, rule);
        for at in &position {
            self.reasons.clear();
            if let Some(Effective::Decided(d)) = &at.effective {
                self.reasons = d.reasons.clone();
                if d.note.is_some() {
                    self.note = d.note.clone();
                }
                for t in &d.tags {
                    if !self.tags.contains(t) {
                        self.tags.push(t.clone());
                    }
                }
            }
            self.reached.push((at.stage.to_string(), at.state()));
        }
        let last = position.last();
        self.stage = last.map(|at| at.stage.to_string());
        let state = last.map_or(State::Unscreened, |at| at.state());
        self.decision = state.verdict();
        self.conflict = state == State::Conflict;
        self.history = stages
            .iter()
            .flat_map(|stage| {
                decisions
                    .standing(id, stage)
                    .into_iter()
                    .map(move |(reviewer, d)| StageDecision {
                        stage: stage.clone(),
                        reviewer: reviewer.to_string(),
                        decision: d.verdict,
                        reasons: d.reasons.clone(),
                        tags: d.tags.clone(),
                        note: d.note.clone(),
                        time: d.time,
                        on: (d.origin != *id).then(|| d.origin.clone()),
                        split: d.split,
                    })
            })
            .collect();
    }

    /// Where the record stands at its latest stage.
    pub fn state(&self) -> State {
        match (self.decision, self.conflict) {
            (Some(v), _) => State::Decided(v),
            (None, true) => State::Conflict,
            (None, false) => State::Unscreened,
        }
    }

    /// Authors as "Family, Given" (or the literal name).
    pub fn author_names(&self) -> Vec<String> {
        self.record
            .authors
            .iter()
            .map(|a| a.display_name())
            .filter(|n| !n.is_empty())
            .collect()
    }

    /// Every decision that counts as keywords, one each ([`ScreenedRecord::history`], written
    /// by [`screened_item`]). `litscope import` reads them back.
    pub fn screening_keywords(&self) -> Vec<String> {
        self.history
            .iter()
            .map(|h| {
                let time = h.time.to_string();
                screened_item(&Item {
                    stage: &h.stage,
                    decision: h.decision.as_str(),
                    reasons: &h.reasons,
                    tags: &h.tags,
                    note: h.note.as_deref(),
                    reviewer: Some(&h.reviewer),
                    time: Some(&time),
                    on: h.on.as_ref().map(RecordId::as_str),
                    split: h.split,
                })
            })
            .collect()
    }

    /// Where the record stands as text: `include`, `exclude`, `maybe`, `conflict`, or empty
    /// when unscreened.
    pub fn decision_text(&self) -> &'static str {
        match self.state() {
            State::Unscreened => "",
            s => s.as_str(),
        }
    }
}

/// One decision as a `litscope:screened=` item (see [`screened_item`]).
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// The stage.
    pub stage: &'a str,
    /// `include`, `exclude` or `maybe`.
    pub decision: &'a str,
    /// Exclusion reasons.
    pub reasons: &'a [String],
    /// Tags.
    pub tags: &'a [String],
    /// Note.
    pub note: Option<&'a str>,
    /// Who decided.
    pub reviewer: Option<&'a str>,
    /// When (RFC 3339).
    pub time: Option<&'a str>,
    /// The record it was made on, when a member merged into this one since.
    pub on: Option<&'a str>,
    /// Made on an id dedup has since split.
    pub split: bool,
}

/// The notation that carries one reviewer's decision through every export format:
/// `litscope:screened=STAGE|DECISION|REASON+REASON|TAG+TAG|NOTE|REVIEWER|TIME`, then `|ON`
/// when it was made on a record merged into this one since, then `|split` when it was made on
/// an id dedup has since split; each part percent-encoded ([`crate::text::encode_item`]).
/// `litscope import` reads them back ([`crate::import::screening`]), and the older five-part
/// items too (one effective decision per stage, without a reviewer).
pub fn screened_item(i: &Item<'_>) -> String {
    let list = |v: &[String]| {
        v.iter()
            .map(|x| encode_item(x))
            .collect::<Vec<_>>()
            .join("+")
    };
    let mut item = format!(
        "litscope:screened={}|{}|{}|{}|{}|{}|{}",
        encode_item(i.stage),
        encode_item(i.decision),
        list(i.reasons),
        list(i.tags),
        i.note.map(encode_item).unwrap_or_default(),
        i.reviewer.map(encode_item).unwrap_or_default(),
        i.time.map(encode_item).unwrap_or_default(),
    );
    if i.on.is_some() || i.split {
        item.push('|');
        item.push_str(&i.on.map(encode_item).unwrap_or_default());
    }
    if i.split {
        item.push_str("|split");
    }
    item
}

/// How many bibliographic fields a record fills: the richest of records sharing an id
/// gives the exported fields.
fn richness(r: &Record) -> usize {
    [
        r.title.is_some(),
        !r.authors.is_empty(),
        r.year.is_some(),
        r.venue.is_some(),
        r.volume.is_some(),
        r.issue.is_some(),
        r.pages.is_some(),
        r.doi.is_some(),
        r.abstract_text.is_some(),
        !r.keywords.is_empty(),
        r.url.is_some(),
        r.language.is_some(),
        r.kind.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count()
}

/// Fills `base`'s empty fields from `other`.
fn fill(base: &mut Record, other: &Record) {
    macro_rules! opt {
        ($($f:ident),*) => {$(
            if base.$f.is_none() {
                base.$f = other.$f.clone();
            }
        )*};
    }
    opt!(
        title,
        year,
        venue,
        volume,
        issue,
        pages,
        article_number,
        doi,
        abstract_text,
        kind,
        language,
        url
    );
    if base.authors.is_empty() {
        base.authors = other.authors.clone();
    }
    if base.keywords.is_empty() {
        base.keywords = other.keywords.clone();
    }
    if base.genre.is_empty() {
        base.genre = other.genre.clone();
    }
    if base.issn.is_empty() {
        base.issn = other.issn.clone();
    }
}

/// One [`ScreenedRecord`] per merged record, in order of first appearance: records with the
/// same `key` (their record id before dedup, their cluster's id after) are one work, whose id
/// is that key. Sources and source ids are merged; fields come from the richest of them,
/// empty ones filled from the others.
pub fn merge_by(
    records: impl IntoIterator<Item = Record>,
    mut key: impl FnMut(&Record) -> RecordId,
) -> Vec<ScreenedRecord> {
    let mut groups: Vec<(RecordId, Vec<Record>)> = Vec::new();
    let mut index: HashMap<RecordId, usize> = HashMap::new();
    for r in records {
        let k = key(&r);
        match index.get(&k) {
            Some(&i) => groups[i].1.push(r),
            None => {
                index.insert(k.clone(), groups.len());
                groups.push((k, vec![r]));
            }
        }
    }
    groups
        .into_iter()
        .map(|(id, mut group)| {
            let best = (0..group.len())
                .max_by_key(|&i| (richness(&group[i]), std::cmp::Reverse(i)))
                .unwrap_or(0);
            let base = group.remove(best);
            let mut out = ScreenedRecord::new(base);
            out.record.id = id;
            for other in &group {
                fill(&mut out.record, other);
                if !out.sources.iter().any(|s| s == other.source()) {
                    out.sources.push(other.source().to_string());
                }
                let sid = format!("{}:{}", other.source(), other.source_id());
                if !out.source_ids.contains(&sid) {
                    out.source_ids.push(sid);
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod testing {
    //! Hand-made records for the exporters' and the index's tests.
    use super::*;
    use crate::model::{Author, Provenance};
    use serde_json::value::RawValue;

    /// A record from `source` with `source_id`, a DOI when given.
    pub fn record(source: &str, source_id: &str, doi: Option<&str>) -> Record {
        let prov = Provenance {
            source: source.into(),
            source_id: source_id.into(),
            run: "r".into(),
            query: None,
            retrieved: jiff::Timestamp::UNIX_EPOCH,
            via: None,
        };
        Record::new(prov, doi, RawValue::from_string("{}".into()).unwrap())
    }

    /// An author.
    pub fn author(family: &str, given: &str) -> Author {
        Author {
            family: Some(family.into()),
            given: Some(given.into()),
            ..Default::default()
        }
    }

    /// An export record with screening filled in by hand.
    pub fn screened(
        r: Record,
        decision: Option<Verdict>,
        reasons: &[&str],
        tags: &[&str],
    ) -> ScreenedRecord {
        let mut e = ScreenedRecord::new(r);
        e.stage = Some("title-abstract".into());
        e.decision = decision;
        e.reasons = reasons.iter().map(|s| s.to_string()).collect();
        e.tags = tags.iter().map(|s| s.to_string()).collect();
        let state = decision.map_or(State::Unscreened, State::Decided);
        e.reached = vec![("title-abstract".into(), state)];
        e
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::export::StatusFilter;
    use crate::store::decisions::{Action, DecisionEvent};

    #[test]
    fn records_sharing_an_id_are_merged_with_the_richest_fields() {
        let mut a = record("crossref", "10.1000/x", Some("10.1000/x"));
        a.title = Some("Short".into());
        let mut b = record("nva", "77", Some("https://doi.org/10.1000/X"));
        b.title = Some("Full title".into());
        b.year = Some(2020);
        b.authors = vec![author("Hansen", "Kari")];
        b.venue = Some("Journal".into());
        let mut c = record("crossref", "10.1000/y", Some("10.1000/y"));
        c.title = Some("Other".into());
        a.abstract_text = None;
        b.abstract_text = None;
        let mut d = record("cristin", "5", Some("10.1000/x"));
        d.abstract_text = Some("Abstract from Cristin".into());
        let merged = merge_by([a, c, b, d], |r| r.id.clone());
        assert_eq!(merged.len(), 2);
        let x = &merged[0];
        assert_eq!(x.record.title.as_deref(), Some("Full title"));
        assert_eq!(
            x.record.abstract_text.as_deref(),
            Some("Abstract from Cristin")
        );
        assert_eq!(x.sources, ["nva", "crossref", "cristin"]);
        assert_eq!(x.source_ids, ["nva:77", "crossref:10.1000/x", "cristin:5"]);
        assert_eq!(merged[1].record.title.as_deref(), Some("Other"));
    }

    #[test]
    fn records_grouped_by_any_key_take_the_keys_id() {
        let a = record("crossref", "10.1000/x", Some("10.1000/x"));
        let mut b = record("cristin", "5", None);
        b.title = Some("Richer".into());
        b.year = Some(2020);
        let c = record("nva", "9", None);
        let (ida, idc) = (a.id.clone(), c.id.clone());
        let merged = merge_by([a, b, c], |r| {
            if r.source() == "nva" {
                idc.clone()
            } else {
                ida.clone()
            }
        });
        assert_eq!(merged.len(), 2);
        assert_eq!(
            merged[0].record.id, ida,
            "the richest record's own id is not kept"
        );
        assert_eq!(merged[0].record.title.as_deref(), Some("Richer"));
        assert_eq!(merged[0].source_ids, ["cristin:5", "crossref:10.1000/x"]);
        assert_eq!(merged[1].record.id, idc);
    }

    #[test]
    fn the_decision_is_the_one_at_the_latest_stage_reached_and_tags_accumulate() {
        let stages = vec!["title-abstract".to_string(), "full-text".to_string()];
        let r = record("crossref", "10.1000/x", Some("10.1000/x"));
        let ev = |stage: &str, decision: Action, reasons: &[&str], tags: &[&str], t: i64| {
            DecisionEvent {
                id: r.id.clone(),
                stage: stage.into(),
                decision,
                reasons: reasons.iter().map(|s| s.to_string()).collect(),
                tags: tags.iter().map(|s| s.to_string()).collect(),
                note: Some(format!("note {t}")),
                reviewer: "ann".into(),
                time: jiff::Timestamp::from_second(t).unwrap(),
                tool: "t".into(),
                covers: vec![],
                origin: None,
                split: false,
            }
        };
        let mut e = merge_by([r.clone()], |r| r.id.clone()).remove(0);
        e.attach(&Decisions::default(), &stages, &Rule::default());
        assert_eq!(
            (e.stage.as_deref(), e.decision),
            (Some("title-abstract"), None)
        );
        assert!(StatusFilter::Unscreened.keeps(&e));

        let d = Decisions::from_events(&[ev("title-abstract", Action::Include, &[], &["PA"], 1)]);
        e.attach(&d, &stages, &Rule::default());
        assert_eq!((e.stage.as_deref(), e.decision), (Some("full-text"), None));
        assert_eq!(e.tags, ["PA"]);

        let d = Decisions::from_events(&[
            ev("title-abstract", Action::Include, &[], &["PA"], 1),
            ev(
                "full-text",
                Action::Exclude,
                &["wrong focus"],
                &["NPM", "PA"],
                2,
            ),
        ]);
        e.attach(&d, &stages, &Rule::default());
        assert_eq!(e.decision, Some(Verdict::Exclude));
        assert_eq!(e.reasons, ["wrong focus"]);
        assert_eq!(e.tags, ["PA", "NPM"]);
        assert_eq!(e.note.as_deref(), Some("note 2"));
        assert!(StatusFilter::Excluded.keeps(&e) && !StatusFilter::Included.keeps(&e));
    }
}
