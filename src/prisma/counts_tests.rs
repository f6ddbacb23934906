//! Counting against the hand count of [`super::super::fixture`], and the reconciliation
//! against deliberately broken counts.

use super::*;
use crate::prisma::fixture;

fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
}

#[test]
fn the_fixture_review_counts_as_counted_by_hand() {
    let p = count(&fixture::works(), CountRules::default());
    assert_eq!(
        p.identification,
        Identification {
            databases: map(&[
                ("PubMed", 4),
                ("Scopus", 4),
                ("cristin", 4),
                ("crossref", 7)
            ]),
            registers: map(&[("Prosjektbanken", 1)]),
            other_methods: map(&[("project links", 7)]),
        }
    );
    let expected_main = Arm {
        identified: 20,
        removed: Removed {
            duplicates: 4,
            automation_ineligible: 1,
            other: 1,
            overridden_by_decision: 1,
        },
        screening: Screening {
            screened: 11,
            excluded: 3,
            excluded_reasons: map(&[("not allocation", 2), (NO_REASON, 1)]),
            held: 0,
            adjudicated: 1,
            waiting: Waiting {
                undecided: 1,
                pending: 1,
                conflict: 1,
            },
        },
        retrieval: Retrieval {
            sought: 8,
            not_retrieved: 1,
        },
        eligibility: Eligibility {
            assessed: 6,
            excluded: 2,
            excluded_reasons: map(&[("wrong focus", 1), ("wrong setting", 1)]),
            undecided: 1,
            adjudicated: 1,
            waiting: Waiting {
                undecided: 0,
                pending: 0,
                conflict: 1,
            },
        },
        included: Included {
            studies: 2,
            reports: 3,
        },
    };
    assert_eq!(p.databases_and_registers, expected_main);
    let expected_other = Arm {
        identified: 7,
        removed: Removed {
            duplicates: 2,
            automation_ineligible: 1,
            other: 0,
            overridden_by_decision: 0,
        },
        screening: Screening {
            screened: 3,
            excluded: 1,
            excluded_reasons: map(&[("not allocation", 1)]),
            held: 0,
            adjudicated: 0,
            waiting: Waiting {
                undecided: 1,
                pending: 0,
                conflict: 0,
            },
        },
        retrieval: Retrieval {
            sought: 2,
            not_retrieved: 1,
        },
        eligibility: Eligibility {
            assessed: 1,
            excluded: 0,
            excluded_reasons: BTreeMap::new(),
            undecided: 0,
            adjudicated: 0,
            waiting: Waiting::default(),
        },
        included: Included {
            studies: 1,
            reports: 1,
        },
    };
    assert_eq!(p.other_methods, expected_other);
    assert_eq!(
        p.included,
        Included {
            studies: 3,
            reports: 4
        }
    );
    p.reconcile().unwrap();
}

#[test]
fn a_maybe_the_protocol_keeps_back_is_held_not_sought() {
    // full_text_from = ["include"]: W8 (maybe) stays at title/abstract; its not-retrieved
    // flag no longer counts, because it was never sought.
    let p = count(
        &fixture::works(),
        CountRules {
            maybe_goes_on: false,
        },
    );
    let m = &p.databases_and_registers;
    assert_eq!(m.screening.screened, 11);
    assert_eq!(m.screening.held, 1);
    assert_eq!(m.retrieval.sought, 7);
    assert_eq!(m.retrieval.not_retrieved, 0);
    assert_eq!(m.eligibility.assessed, 6);
    p.reconcile().unwrap();
}

#[test]
fn adjudication_turns_a_conflict_into_a_screened_record() {
    let mut works = fixture::works();
    // W5 (index 4) is a conflict; adjudicate it as an exclusion.
    works[4].title_abstract = StageState::Decided {
        verdict: Verdict::Exclude,
        reason: Some("not allocation"),
        adjudicated: true,
    };
    let p = count(&works, CountRules::default());
    let s = &p.databases_and_registers.screening;
    assert_eq!(s.waiting.conflict, 0);
    assert_eq!(s.screened, 12);
    assert_eq!(s.excluded, 4);
    assert_eq!(s.adjudicated, 2);
    p.reconcile().unwrap();
}

#[test]
fn one_work_found_everywhere_is_one_record_with_its_duplicates() {
    let w = WorkState {
        origins: vec![
            Origin {
                kind: OriginKind::Database,
                name: "crossref",
            },
            Origin {
                kind: OriginKind::Register,
                name: "Prosjektbanken",
            },
            Origin {
                kind: OriginKind::OtherMethods,
                name: "project links",
            },
        ],
        ..WorkState::default()
    };
    let p = count(&[w], CountRules::default());
    assert_eq!(p.databases_and_registers.identified, 2);
    assert_eq!(p.databases_and_registers.removed.duplicates, 1);
    assert_eq!(p.databases_and_registers.screening.waiting.undecided, 1);
    assert_eq!(p.other_methods.identified, 1);
    assert_eq!(p.other_methods.removed.duplicates, 1);
    p.reconcile().unwrap();
}

#[test]
fn nothing_counts_nothing() {
    let p = count(&[], CountRules::default());
    assert_eq!(p, PrismaCounts::default());
    p.reconcile().unwrap();
}

#[test]
fn a_work_without_origins_is_caught_by_the_reconciliation() {
    let p = count(&[WorkState::default()], CountRules::default());
    let err = p.reconcile().unwrap_err();
    assert_eq!(err.arm, "other methods");
    assert_eq!(err.box_name, "records screened");
}

/// Each deliberate inconsistency, and the box the error must name.
#[test]
fn the_reconciliation_names_the_box_that_does_not_add_up() {
    type Break = fn(&mut PrismaCounts);
    let cases: [(Break, &str, &str); 12] = [
        (
            |p| *p.identification.databases.get_mut("crossref").unwrap() += 1,
            "databases and registers",
            "records identified",
        ),
        (
            |p| p.databases_and_registers.removed.duplicates += 1,
            "databases and registers",
            "records screened",
        ),
        (
            |p| p.databases_and_registers.screening.waiting.pending -= 1,
            "databases and registers",
            "records screened",
        ),
        (
            |p| {
                *p.databases_and_registers
                    .screening
                    .excluded_reasons
                    .get_mut("not allocation")
                    .unwrap() += 1
            },
            "databases and registers",
            "records excluded",
        ),
        (
            |p| p.databases_and_registers.retrieval.sought += 1,
            "databases and registers",
            "reports sought for retrieval",
        ),
        (
            |p| p.databases_and_registers.retrieval.not_retrieved += 1,
            "databases and registers",
            "reports assessed for eligibility",
        ),
        (
            |p| {
                p.databases_and_registers.eligibility.excluded += 1;
            },
            "databases and registers",
            "reports excluded",
        ),
        (
            |p| p.databases_and_registers.eligibility.undecided += 1,
            "databases and registers",
            "reports included",
        ),
        (
            |p| p.databases_and_registers.included.studies = 4,
            "databases and registers",
            "studies included",
        ),
        (
            |p| p.other_methods.screening.screened += 1,
            "other methods",
            "records screened",
        ),
        (|p| p.included.reports += 1, "both arms", "reports included"),
        (|p| p.included.studies = 1, "both arms", "studies included"),
    ];
    for (i, (break_it, arm, box_name)) in cases.into_iter().enumerate() {
        let mut p = count(&fixture::works(), CountRules::default());
        break_it(&mut p);
        let err = p.reconcile().expect_err(&format!("case {i} passed"));
        assert_eq!((err.arm, err.box_name), (arm, box_name), "case {i}: {err}");
    }
}

#[test]
fn the_error_message_shows_the_equation() {
    let mut p = count(&fixture::works(), CountRules::default());
    p.databases_and_registers.screening.screened = 12;
    let msg = p.reconcile().unwrap_err().to_string();
    assert_eq!(
        msg,
        "PRISMA counts do not add up (databases and registers): records screened is 12, but \
         records identified 20 − duplicates 4 − ineligible by automation 1 − removed for other \
         reasons 1 − not yet screened 3 = 11"
    );
}
