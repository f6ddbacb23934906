//! Comparing one candidate pair: identifiers first, then field-wise similarity and vetoes.
//! The verdict is a function of the two records alone.

use super::keys::RecordKeys;
use super::{Link, Options, Rule, Scores, Verdict};

/// What a compared pair is, before it knows its indices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Duplicate, uncertain or distinct.
    pub verdict: Verdict,
    /// The deciding rule.
    pub rule: Rule,
    /// Field-wise similarity.
    pub scores: Scores,
}

impl Comparison {
    /// The link between records `a < b`.
    pub fn link(self, a: usize, b: usize) -> Link {
        Link {
            a,
            b,
            verdict: self.verdict,
            rule: self.rule,
            scores: self.scores,
        }
    }
}

/// The verdict on one pair; `None` when they are plainly different works.
pub fn compare(x: &RecordKeys, y: &RecordKeys, options: &Options) -> Option<Comparison> {
    let same_title = !x.title.is_empty() && x.title == y.title;
    let translated =
        !same_title && (x.other_titles.contains(&y.title) || y.other_titles.contains(&x.title));
    let year_gap = match (x.year, y.year) {
        (Some(a), Some(b)) => Some((a - b).abs()),
        _ => None,
    };
    let scores = Scores {
        title: (!x.title.is_empty() && !y.title.is_empty())
            .then_some(if same_title || translated { 1.0 } else { 0.0 }),
        year_gap,
        ..Scores::default()
    };
    let make = |verdict, rule| {
        Some(Comparison {
            verdict,
            rule,
            scores,
        })
    };
    match (&x.doi, &y.doi) {
        (Some(a), Some(b)) if a == b => return make(Verdict::Duplicate, Rule::Doi),
        (Some(_), Some(_)) => {
            return if same_title || translated {
                make(Verdict::Distinct, Rule::DifferentDoi)
            } else {
                None
            };
        }
        _ => {}
    }
    for (a, b, rule) in [
        (&x.pmid, &y.pmid, Rule::Pmid),
        (&x.cristin, &y.cristin, Rule::Cristin),
    ] {
        match (a, b) {
            (Some(a), Some(b)) if a == b => return make(Verdict::Duplicate, rule),
            (Some(_), Some(_)) => {
                return (same_title || translated)
                    .then_some(())
                    .and(make(Verdict::Distinct, Rule::DifferentId));
            }
            _ => {}
        }
    }
    let years_agree = year_gap.is_none_or(|g| g <= options.year_tolerance);
    if same_title && years_agree {
        return make(Verdict::Duplicate, Rule::TitleYear);
    }
    if translated && years_agree {
        return make(Verdict::Duplicate, Rule::TranslatedTitle);
    }
    None
}
