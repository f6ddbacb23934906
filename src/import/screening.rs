//! Screening decisions that travel inside exports: litscope's own RIS (`KW  -
//! litscope:screened=…`, one per reviewer's decision, and the older `litscope:decision=include`,
//! `litscope:reason=…`, `litscope:tag=…`, `N1  - litscope:stage=…`, `litscope:note=…`), BibTeX
//! (the same in `keywords`, and the `litscope = {stage=…; …}` field) and CSV (`decision`,
//! `reasons`, `tags`, `stage`, `note` columns). Importing such a
//! file brings the decisions back: they are taken out of the keywords here and written to a
//! reviewer's decision log by the command. Rayyan's and ASReview's exports carry their
//! decisions too, in their own notation.

use super::Entry;

/// A decision found in an imported record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    /// `include`, `exclude` or `maybe`.
    pub decision: String,
    /// The stage it was made at, when the file says.
    pub stage: Option<String>,
    /// Exclusion reasons (texts).
    pub reasons: Vec<String>,
    /// Tags (texts).
    pub tags: Vec<String>,
    /// The note.
    pub note: Option<String>,
    /// Who decided, when the file says (litscope's exports and Rayyan name their
    /// reviewers); else the importing reviewer.
    pub reviewer: Option<String>,
    /// When, when the file says (litscope's exports); else the time of the import.
    pub time: Option<jiff::Timestamp>,
    /// The record it was made on when not this one (a member merged into it since), as
    /// litscope's export says: restores a merge conflict.
    pub origin: Option<String>,
    /// Made on an id dedup has since split (litscope's export says so).
    pub split: bool,
}

fn apply(c: &mut Carried, key: &str, value: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    match key.trim() {
        "decision" => c.decision = value.to_lowercase(),
        "reason" => c.reasons.push(value.into()),
        "tag" => c.tags.push(value.into()),
        "stage" => c.stage = Some(value.into()),
        "note" => c.note = Some(value.into()),
        _ => {}
    }
}

fn list(value: &str, separator: &str) -> Vec<String> {
    value
        .split(separator)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
        .collect()
}

/// True when `text` contains `needle` (memchr's SIMD search, built once per needle: this
/// runs over every value of every imported record).
fn has(text: &str, needle: &'static memchr::memmem::Finder<'static>) -> bool {
    needle.find(text.as_bytes()).is_some()
}

static RAYYAN: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("RAYYAN-INCLUSION:"));
static ASREVIEW: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("ASReview_"));

/// The text after `marker` up to the next ` | ` section (Rayyan's notes layout).
fn section<'a>(notes: &'a str, marker: &str) -> Option<&'a str> {
    let start = notes.find(marker)? + marker.len();
    let rest = &notes[start..];
    Some(rest.split(" | ").next().unwrap_or(rest).trim())
}

/// Rayyan's decisions, kept in a record's notes (CSV `notes`, RIS `N1`, BibTeX `note`):
/// `RAYYAN-INCLUSION: {"Kofi"=>"Included", "Ama"=>"Maybe"} | RAYYAN-LABELS: ML,Hospital |
/// RAYYAN-EXCLUSION-REASONS: wrong population,foreign language`. One decision per reviewer;
/// labels become tags, exclusion reasons go with exclusions.
fn rayyan(notes: &str) -> Vec<Carried> {
    let list = |marker| -> Vec<String> {
        section(notes, marker).map_or_else(Vec::new, |s| {
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect()
        })
    };
    let (labels, reasons) = (list("RAYYAN-LABELS:"), list("RAYYAN-EXCLUSION-REASONS:"));
    let Some(inclusion) = section(notes, "RAYYAN-INCLUSION:") else {
        return Vec::new();
    };
    let inner = inclusion
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}');
    inner
        .split(',')
        .filter_map(|pair| {
            let (name, verdict) = pair.split_once("=>")?;
            let name = name.trim().trim_matches('"').trim();
            let decision = match verdict
                .trim()
                .trim_matches('"')
                .trim()
                .to_lowercase()
                .as_str()
            {
                "included" => "include",
                "excluded" => "exclude",
                "maybe" => "maybe",
                _ => return None,
            };
            Some(Carried {
                decision: decision.into(),
                stage: None,
                reasons: if decision == "exclude" {
                    reasons.clone()
                } else {
                    Vec::new()
                },
                tags: labels.clone(),
                note: None,
                reviewer: (!name.is_empty()).then(|| name.to_string()),
                ..Carried::default()
            })
        })
        .collect()
}

/// The label columns ASReview reads and writes (its documented names for `label_included`).
const ASREVIEW_COLUMNS: &[&str] = &[
    "included",
    "label_included",
    "final_included",
    "included_label",
    "included_final",
    "included_flag",
];

/// ASReview's label: `ASReview_relevant` / `ASReview_irrelevant` in RIS notes (`N1`), or a
/// label column (`included`, `label_included`, …) of 1 / 0 (pandas may write `1.0`). Not
/// seen (`ASReview_not_seen`, -1, empty) is no decision. The importing reviewer decides.
fn asreview(raw: &super::RawFields) -> Option<Carried> {
    let decided = |decision: &str| Carried {
        decision: decision.into(),
        ..Carried::default()
    };
    for (key, v) in raw.iter() {
        let label_column = ASREVIEW_COLUMNS.iter().any(|k| key.eq_ignore_ascii_case(k));
        if label_column {
            match v.trim().parse::<f64>() {
                Ok(1.0) => return Some(decided("include")),
                Ok(0.0) => return Some(decided("exclude")),
                _ => {}
            }
        }
        // Most values (abstracts) have no label: one substring search rules them out.
        if !has(v, &ASREVIEW) {
            continue;
        }
        for token in v.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            match token {
                "ASReview_relevant" => return Some(decided("include")),
                "ASReview_irrelevant" => return Some(decided("exclude")),
                _ => {}
            }
        }
    }
    None
}

/// Undoes the percent-encoding of screening items (`%7C` → `|`).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// One `litscope:screened=STAGE|DECISION|REASONS|TAGS|NOTE[|REVIEWER|TIME[|ON[|split]]]`
/// item (parts percent-encoded, lists joined with `+`). Five parts: an export from before
/// each reviewer's decisions travelled (the effective decision, no reviewer).
fn screened(item: &str) -> Option<Carried> {
    let parts: Vec<&str> = item.split('|').collect();
    if !(5..=9).contains(&parts.len()) {
        return None;
    }
    let part = |i: usize| {
        parts
            .get(i)
            .map(|p| decode(p.trim()))
            .filter(|p| !p.is_empty())
    };
    let list = |v: &str| {
        v.split('+')
            .filter(|x| !x.trim().is_empty())
            .map(|x| decode(x.trim()))
            .collect()
    };
    let c = Carried {
        decision: parts[1].trim().to_lowercase(),
        stage: part(0),
        reasons: list(parts[2]),
        tags: list(parts[3]),
        note: part(4),
        reviewer: part(5),
        time: part(6).and_then(|t| t.parse().ok()),
        origin: part(7),
        split: part(8).as_deref() == Some("split"),
    };
    matches!(c.decision.as_str(), "include" | "exclude" | "maybe").then_some(c)
}

/// Takes the `litscope:` items out of an entry's keywords and reads the screening it
/// carries: every stage's decision from `litscope:screened=` items when there are any, else
/// the one decision of the older items and of the raw payload's screening fields. Empty when
/// it carries no include/exclude/maybe decision.
pub fn take(entry: &mut Entry) -> Vec<Carried> {
    let mut c = Carried::default();
    let mut found = false;
    let mut history = Vec::new();
    entry.keywords.retain(|k| {
        match k
            .trim()
            .strip_prefix("litscope:")
            .and_then(|kv| kv.split_once('='))
        {
            Some(("screened", value)) => {
                history.extend(screened(value));
                false
            }
            Some((key, value)) => {
                apply(&mut c, key, value);
                found = true;
                false
            }
            None => true,
        }
    });
    if !history.is_empty() {
        return history;
    }
    let rayyan: Vec<Carried> = entry
        .raw
        .iter()
        .map(|(_, v)| v)
        .filter(|v| has(v, &RAYYAN))
        .flat_map(rayyan)
        .collect();
    if !rayyan.is_empty() {
        return rayyan;
    }
    if let Some(c) = asreview(&entry.raw) {
        return vec![c];
    }
    const COLUMNS: [&str; 6] = ["litscope", "decision", "reasons", "tags", "stage", "note"];
    for (key, v) in entry.raw.iter() {
        let column = COLUMNS.into_iter().find(|k| key.eq_ignore_ascii_case(k));
        if let Some((k, val)) = v
            .trim()
            .strip_prefix("litscope:")
            .and_then(|kv| kv.split_once('='))
        {
            // RIS notes: `litscope:stage=…`, `litscope:note=…`.
            if matches!(k, "stage" | "note") {
                apply(&mut c, k, val);
            }
        } else if column == Some("litscope") {
            // BibTeX: `id=…; stage=…; decision=…; reasons=a | b; tags=x | y; note=…`.
            for part in v.split("; ") {
                if let Some((k, val)) = part.split_once('=') {
                    match k.trim() {
                        "stage" | "note" => apply(&mut c, k, val),
                        "decision" if c.decision.is_empty() => apply(&mut c, k, val),
                        _ => {}
                    }
                }
            }
        } else if let Some(column) = column
            && !found
        {
            // CSV columns (lists joined with `; `).
            match column {
                "reasons" => c.reasons = list(v, ";"),
                "tags" => c.tags = list(v, ";"),
                k => apply(&mut c, k, v),
            }
        }
    }
    matches!(c.decision.as_str(), "include" | "exclude" | "maybe")
        .then_some(c)
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(keywords: &[&str], raw: serde_json::Value) -> Entry {
        Entry {
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            raw: {
                let mut fields = crate::import::RawFields::default();
                for (k, v) in raw.as_object().into_iter().flatten() {
                    match v {
                        serde_json::Value::Array(a) => a
                            .iter()
                            .for_each(|x| fields.push(k, x.as_str().unwrap_or(""))),
                        v => fields.push(k, v.as_str().unwrap_or("")),
                    }
                }
                fields
            },
            ..Default::default()
        }
    }

    #[test]
    fn asreview_labels_in_notes_and_columns() {
        let got = |raw| take(&mut entry(&[], raw));
        let decision = |v: Vec<Carried>| v.first().map(|c| c.decision.clone());
        let ris = |note: &str| serde_json::json!({"N1": ["imported", note]});
        assert_eq!(
            decision(got(ris("ASReview_relevant"))).as_deref(),
            Some("include")
        );
        assert_eq!(
            decision(got(ris("ASReview_irrelevant"))).as_deref(),
            Some("exclude")
        );
        assert!(got(ris("ASReview_not_seen")).is_empty());
        assert!(got(ris("ASReview_validate_relevant")).is_empty());
        let csv = |v: &str| serde_json::json!({"title": "T", "Included": v});
        assert_eq!(decision(got(csv("1"))).as_deref(), Some("include"));
        assert_eq!(decision(got(csv("0.0"))).as_deref(), Some("exclude"));
        assert!(got(csv("-1")).is_empty());
        assert!(got(csv("")).is_empty());
        let other = serde_json::json!({"pages": "1", "notes": "relevant"});
        assert!(got(other).is_empty(), "only ASReview's own names count");
    }

    #[test]
    fn ris_keywords_and_notes() {
        let mut e = entry(
            &[
                "care",
                "litscope:decision=exclude",
                "litscope:reason=wrong setting",
                "litscope:tag=PA",
                "litscope:tag=NPM",
            ],
            serde_json::json!({"N1": ["litscope:stage=full-text", "litscope:note=see p. 3", "litscope:source_id=crossref:10.1/x"]}),
        );
        let c = take(&mut e).remove(0);
        assert_eq!(e.keywords, ["care"], "litscope items leave the keywords");
        assert_eq!(c.decision, "exclude");
        assert_eq!(c.reasons, ["wrong setting"]);
        assert_eq!(c.tags, ["PA", "NPM"]);
        assert_eq!(c.stage.as_deref(), Some("full-text"));
        assert_eq!(c.note.as_deref(), Some("see p. 3"));
    }

    #[test]
    fn every_stage_from_screened_items() {
        let mut e = entry(
            &[
                "litscope:decision=exclude",
                "litscope:screened=title-abstract|include||PA+N%3BPM|",
                "litscope:screened=full-text|exclude|wrong focus||p. 3%2C top %7C left",
            ],
            serde_json::json!({}),
        );
        let got = take(&mut e);
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].stage.as_deref(), got[0].decision.as_str()),
            (Some("title-abstract"), "include")
        );
        assert_eq!(got[0].tags, ["PA", "N;PM"]);
        assert_eq!(got[1].reasons, ["wrong focus"]);
        assert_eq!(got[1].note.as_deref(), Some("p. 3, top | left"));
        assert!(e.keywords.is_empty());
    }

    #[test]
    fn each_reviewers_decision_with_time_and_member() {
        let mut e = entry(
            &[
                "litscope:decision=conflict",
                "litscope:screened=title-abstract|include|||n|ann|2024-05-01T10:00:00.5Z",
                "litscope:screened=title-abstract|exclude|off topic|||ann|2024-05-02T10:00:00Z|5t0mhckng54j",
                "litscope:screened=full-text|maybe||||kari_n|2024-05-03T10:00:00Z||split",
                "litscope:screened=full-text|perhaps||||bob|2024-05-03T10:00:00Z",
                "litscope:screened=a|b|c|d|e|f|g|h|i|j",
            ],
            serde_json::json!({}),
        );
        let got = take(&mut e);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(
            (got[0].reviewer.as_deref(), got[0].note.as_deref()),
            (Some("ann"), Some("n"))
        );
        assert_eq!(got[0].time, Some("2024-05-01T10:00:00.5Z".parse().unwrap()));
        assert_eq!(
            (got[1].origin.as_deref(), got[1].split),
            (Some("5t0mhckng54j"), false)
        );
        assert_eq!((got[2].origin.as_deref(), got[2].split), (None, true));
        assert_eq!(got[2].reviewer.as_deref(), Some("kari_n"));
        assert!(e.keywords.is_empty());
    }

    #[test]
    fn rayyan_notes_give_one_decision_per_reviewer() {
        let notes = r#"RAYYAN-INCLUSION: {"Kofi"=>"Included", "Ama"=>"Excluded"} | RAYYAN-LABELS: ML,Hospital | RAYYAN-EXCLUSION-REASONS: wrong population,foreign language | USER-NOTES: {"Kofi"=>["check"]}"#;
        let mut e = entry(&[], serde_json::json!({"notes": notes}));
        let got = take(&mut e);
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].reviewer.as_deref(), got[0].decision.as_str()),
            (Some("Kofi"), "include")
        );
        assert_eq!(got[0].tags, ["ML", "Hospital"]);
        assert!(got[0].reasons.is_empty());
        assert_eq!(
            (got[1].reviewer.as_deref(), got[1].decision.as_str()),
            (Some("Ama"), "exclude")
        );
        assert_eq!(got[1].reasons, ["wrong population", "foreign language"]);
        let mut undecided = entry(
            &[],
            serde_json::json!({"N1": ["RAYYAN-INCLUSION: {\"Kofi\"=>\"Undecided\"}"]}),
        );
        assert!(take(&mut undecided).is_empty());
    }

    #[test]
    fn bibtex_field_and_csv_columns() {
        let mut b = entry(
            &["litscope:decision=include"],
            serde_json::json!({"litscope": "id=abc; stage=title-abstract; decision=include; tags=PA"}),
        );
        assert_eq!(take(&mut b)[0].stage.as_deref(), Some("title-abstract"));
        let mut c = entry(
            &[],
            serde_json::json!({"decision": "maybe", "tags": "PA; NPM", "reasons": "", "stage": "title-abstract"}),
        );
        let got = take(&mut c).remove(0);
        assert_eq!((got.decision.as_str(), got.tags.len()), ("maybe", 2));
        let mut none = entry(&["care"], serde_json::json!({"decision": ""}));
        assert!(take(&mut none).is_empty());
        assert_eq!(none.keywords, ["care"]);
    }
}
