//! The screening protocol from `review.toml`: stages in order, exclusion reasons numbered
//! per stage, codebook tags numbered across the codebook in file order. It resolves what a
//! reviewer typed (`2`, `off topic`) into the exact texts stored in the decision log, and
//! refuses what the protocol does not know, listing what it does.
//!
//! Why texts and not numbers in the log: numbers shift when someone edits `review.toml`;
//! texts keep meaning what the reviewer chose.

use crate::store::decisions::{Action, Rule};
use crate::workspace::ReviewConfig;
use std::fmt;

/// The stages used when `review.toml` names none.
pub const DEFAULT_STAGES: [&str; 2] = ["title-abstract", "full-text"];

/// What a decision may not say.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// No such stage.
    #[error("unknown stage `{given}`; the stages are: {}", .valid.join(", "))]
    UnknownStage {
        /// What was given.
        given: String,
        /// The stages in order.
        valid: Vec<String>,
    },
    /// No such reason at this stage.
    #[error("unknown reason `{given}` at stage {stage}; {}", numbered("reasons", .valid))]
    UnknownReason {
        /// What was given.
        given: String,
        /// The stage.
        stage: String,
        /// The stage's reasons in order.
        valid: Vec<String>,
    },
    /// No such tag in the codebook.
    #[error("unknown tag `{given}`; {}", numbered("tags", .valid))]
    UnknownTag {
        /// What was given.
        given: String,
        /// Every tag in order.
        valid: Vec<String>,
    },
    /// A reason on something other than an exclusion.
    #[error("a reason goes only with `exclude`, not with `{0}`")]
    ReasonWithoutExclusion(String),
    /// Tags on an undo (which only withdraws a decision).
    #[error("`undo` takes no tags: it only withdraws your latest decision")]
    TagsWithUndo,
}

fn numbered(what: &str, valid: &[String]) -> String {
    if valid.is_empty() {
        return format!("review.toml defines no {what} here");
    }
    let list: Vec<String> = valid
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{} = {t}", i + 1))
        .collect();
    format!("valid {what} (number or exact text): {}", list.join(", "))
}

/// A stage with its reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// Name.
    pub name: String,
    /// Exclusion reasons, numbered from 1.
    pub reasons: Vec<String>,
}

/// The protocol as screening needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protocol {
    /// Stages in order.
    pub stages: Vec<Stage>,
    /// Every codebook tag in file order, numbered from 1.
    pub tags: Vec<String>,
    /// `[screening]`: which decisions go on to the next stage.
    pub rule: Rule,
}

impl Protocol {
    /// Reads the protocol from `review.toml`; without `[[stage]]` the default two stages.
    pub fn from_config(config: &ReviewConfig) -> Self {
        let stages = if config.stages.is_empty() {
            DEFAULT_STAGES
                .iter()
                .map(|s| Stage {
                    name: s.to_string(),
                    reasons: Vec::new(),
                })
                .collect()
        } else {
            config
                .stages
                .iter()
                .map(|s| Stage {
                    name: s.name.clone(),
                    reasons: s.reasons.clone(),
                })
                .collect()
        };
        let tags = config
            .codebook
            .iter()
            .flat_map(|g| g.tags.iter().cloned())
            .collect();
        let mut rule = Rule::default();
        if let Some(verdicts) = &config.screening.full_text_from {
            rule.goes_on = verdicts.clone();
        }
        Protocol { stages, tags, rule }
    }

    /// How decisions move records through the stages (see
    /// [`crate::store::decisions::Decisions::position`]).
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The stage names in order.
    pub fn stage_names(&self) -> Vec<String> {
        self.stages.iter().map(|s| s.name.clone()).collect()
    }

    /// The stage called `name`.
    pub fn stage(&self, name: &str) -> Result<&Stage, ProtocolError> {
        self.stages
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| ProtocolError::UnknownStage {
                given: name.into(),
                valid: self.stage_names(),
            })
    }

    /// Resolves a reason (number or exact text) at `stage`.
    pub fn reason(&self, stage: &str, given: &str) -> Result<String, ProtocolError> {
        let s = self.stage(stage)?;
        pick(&s.reasons, given).ok_or_else(|| ProtocolError::UnknownReason {
            given: given.into(),
            stage: stage.into(),
            valid: s.reasons.clone(),
        })
    }

    /// Resolves a tag (number or exact text).
    pub fn tag(&self, given: &str) -> Result<String, ProtocolError> {
        pick(&self.tags, given).ok_or_else(|| ProtocolError::UnknownTag {
            given: given.into(),
            valid: self.tags.clone(),
        })
    }

    /// Checks and resolves everything a decision says: the stage, reasons (only with
    /// an exclusion) and tags. Returns the reasons and tags as texts, without repeats.
    pub fn resolve(
        &self,
        stage: &str,
        action: Action,
        reasons: &[String],
        tags: &[String],
    ) -> Result<(Vec<String>, Vec<String>), ProtocolError> {
        self.stage(stage)?;
        if !reasons.is_empty() && action != Action::Exclude {
            return Err(ProtocolError::ReasonWithoutExclusion(
                action_name(action).into(),
            ));
        }
        if !tags.is_empty() && action == Action::Undo {
            return Err(ProtocolError::TagsWithUndo);
        }
        let mut out_reasons = Vec::new();
        for r in reasons {
            push_new(&mut out_reasons, self.reason(stage, r)?);
        }
        let mut out_tags = Vec::new();
        for t in tags {
            push_new(&mut out_tags, self.tag(t)?);
        }
        Ok((out_reasons, out_tags))
    }
}

fn action_name(a: Action) -> &'static str {
    match a {
        Action::Include => "include",
        Action::Exclude => "exclude",
        Action::Maybe => "maybe",
        Action::Undo => "undo",
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

fn push_new(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// A 1-based number within range, else the exact text (also tried trimmed).
fn pick(list: &[String], given: &str) -> Option<String> {
    let g = given.trim();
    if let Ok(n) = g.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| list.get(i)).cloned();
    }
    list.iter().find(|t| *t == given || *t == g).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protocol() -> Protocol {
        let text = r#"
[[stage]]
name = "title-abstract"
reasons = ["wrong setting", "not allocation or resource allocation", "not empirical"]
[[stage]]
name = "full-text"
reasons = ["full text not retrieved", "wrong setting", "wrong focus"]
[[codebook]]
group = "allocation model"
tags = ["integrert tildeling", "tildelingsnemnd", "bestiller-utfører", "tillitsmodell"]
[[codebook]]
group = "institutional logic"
tags = ["PA", "NPM", "NPG"]
"#;
        Protocol::from_config(
            &ReviewConfig::parse(text, std::path::Path::new("review.toml")).unwrap(),
        )
    }

    #[test]
    fn screening_full_text_from_narrows_what_goes_on() {
        use crate::store::decisions::Verdict;
        let parse = |text: &str| ReviewConfig::parse(text, std::path::Path::new("review.toml"));
        assert_eq!(
            protocol().rule().goes_on,
            [Verdict::Include, Verdict::Maybe]
        );
        let narrow = Protocol::from_config(
            &parse("[screening]\nreviewers_per_record = 2\nfull_text_from = [\"include\"]\n")
                .unwrap(),
        );
        assert_eq!(narrow.rule().goes_on, [Verdict::Include]);
        let err = parse("[screening]\nfull_text_from = [\"yes\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("review.toml:2"), "{err}");
    }

    #[test]
    fn reasons_are_numbered_per_stage_and_tags_across_the_codebook() {
        let p = protocol();
        assert_eq!(
            p.reason("title-abstract", "2").unwrap(),
            "not allocation or resource allocation"
        );
        assert_eq!(p.reason("full-text", "2").unwrap(), "wrong setting");
        assert_eq!(p.reason("full-text", "wrong focus").unwrap(), "wrong focus");
        assert_eq!(p.tag("5").unwrap(), "PA");
        assert_eq!(p.tag("bestiller-utfører").unwrap(), "bestiller-utfører");
        assert_eq!(p.tag("7").unwrap(), "NPG");
    }

    #[test]
    fn unknown_reasons_tags_and_stages_are_refused_with_the_valid_ones() {
        let p = protocol();
        let e = p.reason("title-abstract", "4").unwrap_err();
        assert!(e.to_string().contains("3 = not empirical"), "{e}");
        assert!(p.reason("title-abstract", "0").is_err());
        assert!(
            p.reason("title-abstract", "wrong focus").is_err(),
            "a full-text reason"
        );
        assert!(
            p.reason("title-abstract", "Wrong setting").is_err(),
            "exact text only"
        );
        let e = p.tag("8").unwrap_err();
        assert!(e.to_string().contains("5 = PA"), "{e}");
        assert!(p.tag("pa").is_err());
        let e = p.stage("abstract").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown stage `abstract`; the stages are: title-abstract, full-text"
        );
    }

    #[test]
    fn a_reason_goes_only_with_an_exclusion() {
        let p = protocol();
        let reasons = vec!["1".to_string()];
        for a in [Action::Include, Action::Maybe, Action::Undo] {
            assert!(matches!(
                p.resolve("title-abstract", a, &reasons, &[]),
                Err(ProtocolError::ReasonWithoutExclusion(_))
            ));
        }
        let (r, t) = p
            .resolve(
                "title-abstract",
                Action::Exclude,
                &["1".into(), "wrong setting".into()],
                &["PA".into(), "6".into()],
            )
            .unwrap();
        assert_eq!(r, ["wrong setting"]);
        assert_eq!(t, ["PA", "NPM"]);
        assert!(
            p.resolve("title-abstract", Action::Include, &[], &["PA".into()])
                .is_ok()
        );
    }

    #[test]
    fn without_stages_the_default_two_apply() {
        let p = Protocol::from_config(&ReviewConfig::default());
        assert_eq!(p.stage_names(), ["title-abstract", "full-text"]);
        let e = p.reason("title-abstract", "1").unwrap_err();
        assert!(e.to_string().contains("defines no reasons"), "{e}");
    }
}
