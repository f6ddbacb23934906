//! `prisma --format json`: the contract's shape, plus what litscope adds.
//!
//! The contract's keys describe the databases-and-registers arm (`removed_before_screening`,
//! `screening`, `retrieval`, `eligibility`, with `eligibility.excluded` per reason) and the
//! review's total (`included`). Additions: `removed_before_screening.overridden_by_decision`;
//! `screening.excluded_reasons`, `held`, `adjudicated`, `not_yet_screened` (undecided,
//! pending, conflict); `eligibility.excluded_total`, `undecided`, `adjudicated`,
//! `not_yet_assessed`; `included` per arm; and `other_methods_arm`, the same boxes for
//! records found by other methods (with its own `identified`).

use crate::prisma::counts::{Arm, Included, PrismaCounts, Waiting};
use serde_json::{Map, Value, json};

/// The JSON document.
pub fn to_value(p: &PrismaCounts) -> Value {
    let mut doc = Map::new();
    doc.insert(
        "identification".into(),
        json!({
            "databases": p.identification.databases,
            "registers": p.identification.registers,
            "other_methods": p.identification.other_methods,
        }),
    );
    doc.extend(arm(&p.databases_and_registers));
    doc.insert(
        "included".into(),
        json!({
            "studies": p.included.studies,
            "reports": p.included.reports,
            "databases_and_registers": included(&p.databases_and_registers.included),
            "other_methods": included(&p.other_methods.included),
        }),
    );
    let mut other = Map::new();
    other.insert("identified".into(), json!(p.other_methods.identified));
    other.extend(arm(&p.other_methods));
    other.insert("included".into(), included(&p.other_methods.included));
    doc.insert("other_methods_arm".into(), Value::Object(other));
    Value::Object(doc)
}

fn included(i: &Included) -> Value {
    json!({"studies": i.studies, "reports": i.reports})
}

fn waiting(w: &Waiting) -> Value {
    json!({"undecided": w.undecided, "pending": w.pending, "conflict": w.conflict})
}

/// An arm's boxes from removal to full text, under the contract's keys.
fn arm(a: &Arm) -> Map<String, Value> {
    let (r, s, t, e) = (&a.removed, &a.screening, &a.retrieval, &a.eligibility);
    let mut m = Map::new();
    m.insert(
        "removed_before_screening".into(),
        json!({
            "duplicates": r.duplicates,
            "automation_ineligible": r.automation_ineligible,
            "other": r.other,
            "overridden_by_decision": r.overridden_by_decision,
        }),
    );
    m.insert(
        "screening".into(),
        json!({
            "screened": s.screened,
            "excluded": s.excluded,
            "excluded_reasons": s.excluded_reasons,
            "held": s.held,
            "adjudicated": s.adjudicated,
            "not_yet_screened": waiting(&s.waiting),
        }),
    );
    m.insert(
        "retrieval".into(),
        json!({"sought": t.sought, "not_retrieved": t.not_retrieved}),
    );
    m.insert(
        "eligibility".into(),
        json!({
            "assessed": e.assessed,
            "excluded": e.excluded_reasons,
            "excluded_total": e.excluded,
            "undecided": e.undecided,
            "adjudicated": e.adjudicated,
            "not_yet_assessed": waiting(&e.waiting),
        }),
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prisma::{CountRules, count, fixture};

    #[test]
    fn the_contract_shape_with_the_fixture_numbers() {
        let v = to_value(&count(&fixture::works(), CountRules::default()));
        let contract = json!({
            "identification": {
                "databases": {"PubMed": 4, "Scopus": 4, "cristin": 4, "crossref": 7},
                "registers": {"Prosjektbanken": 1},
                "other_methods": {"project links": 7}
            },
            "removed_before_screening": {"duplicates": 4, "automation_ineligible": 1, "other": 1},
            "screening": {"screened": 11, "excluded": 3},
            "retrieval": {"sought": 8, "not_retrieved": 1},
            "eligibility": {"assessed": 6, "excluded": {"wrong focus": 1, "wrong setting": 1}},
            "included": {"studies": 3, "reports": 4}
        });
        // Every key of the contract is there with the hand-counted value.
        fn within(expected: &Value, got: &Value, path: &str) {
            match expected {
                Value::Object(m) => {
                    for (k, v) in m {
                        let g = got.get(k).unwrap_or_else(|| panic!("missing {path}.{k}"));
                        within(v, g, &format!("{path}.{k}"));
                    }
                }
                _ => assert_eq!(expected, got, "{path}"),
            }
        }
        within(&contract, &v, "");
        // The contract's excluded map holds the reasons only.
        assert_eq!(v["eligibility"]["excluded"].as_object().unwrap().len(), 2);
        assert_eq!(v["eligibility"]["excluded_total"], 2);
        assert_eq!(
            v["screening"]["not_yet_screened"],
            json!({"undecided": 1, "pending": 1, "conflict": 1})
        );
        assert_eq!(
            v["included"]["databases_and_registers"],
            json!({"studies": 2, "reports": 3})
        );
        let o = &v["other_methods_arm"];
        assert_eq!(o["identified"], 7);
        assert_eq!(o["removed_before_screening"]["duplicates"], 2);
        assert_eq!(o["screening"]["screened"], 3);
        assert_eq!(o["retrieval"], json!({"sought": 2, "not_retrieved": 1}));
        assert_eq!(o["included"], json!({"studies": 1, "reports": 1}));
    }
}
