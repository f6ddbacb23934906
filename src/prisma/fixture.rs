//! The hand-counted review used by the PRISMA tests (counting and every renderer): two
//! harvested databases (crossref, cristin), two imported databases (PubMed, Scopus) with
//! duplicates across and within them, a register (Prosjektbanken) whose project links reach
//! records by another method, a screen filter, two reviewers with a conflict and an
//! adjudication, full-text exclusions with reasons and reports not retrieved.
//!
//! | work | origins | flags | title/abstract | full text |
//! |---|---|---|---|---|
//! | W1 | crossref, PubMed, Scopus | | include (adjudicated) | include |
//! | W2 | crossref, cristin | | include | exclude: wrong setting |
//! | W3 | cristin | automation | — | |
//! | W4 | PubMed | automation | exclude: not allocation | |
//! | W5 | Scopus, Scopus | | conflict | |
//! | W6 | PubMed | | pending | |
//! | W7 | crossref | | — | |
//! | W8 | Prosjektbanken (register) | not retrieved | maybe | |
//! | W9 | cristin | study S1 | include | include |
//! | W10 | crossref | study S1 | include | include |
//! | W11 | cristin | other removal | — | |
//! | W12 | crossref | | exclude: not allocation | include (ignored: never reached) |
//! | W13 | crossref | | exclude, no reason | |
//! | W14 | PubMed | | include | conflict |
//! | W15 | Scopus | | include | maybe |
//! | W16 | project links | | include | include |
//! | W17 | project links ×2 | | exclude: not allocation | |
//! | W18 | crossref, project links | | include | exclude: wrong focus (adjudicated) |
//! | W19 | project links | | — | |
//! | W20 | project links | automation | — | |
//! | W21 | project links | not retrieved | include | |
//!
//! Hand count, databases and registers (W1–W15, W18): identified crossref 7 (W1 W2 W7 W10
//! W12 W13 W18), cristin 4 (W2 W3 W9 W11), PubMed 4 (W1 W4 W6 W14), Scopus 4 (W1 W5 W5 W15),
//! Prosjektbanken 1 → 20; duplicates 2 (W1) + 1 (W2) + 1 (W5) = 4; automation 1 (W3; W4 was
//! decided, so screened: 1 overridden); other 1 (W11); not yet screened 3 (W5 conflict, W6
//! pending, W7 undecided); screened 20 − 4 − 1 − 1 − 3 = 11; excluded 3 (not allocation 2,
//! no reason 1); sought 8 (W1 W2 W8 W9 W10 W14 W15 W18); not retrieved 1 (W8); not yet
//! assessed 1 (W14 conflict); assessed 6; excluded 2 (wrong setting, wrong focus); undecided
//! 1 (W15); included 3 reports (W1 W9 W10) in 2 studies (W1, S1).
//!
//! Other methods (W16 W17 W19 W20 W21): identified 7 (W16, W17 ×2, W18, W19, W20, W21);
//! duplicates 2 (W17's second, W18's: a database found it); automation 1 (W20); not yet
//! screened 1 (W19); screened 3; excluded 1; sought 2; not retrieved 1 (W21); assessed 1;
//! included 1 report, 1 study. Review total: 4 reports, 3 studies.

use super::counts::{Origin, OriginKind, StageState, WorkState};
use crate::store::decisions::Verdict;

fn db(name: &str) -> Origin<'_> {
    Origin {
        kind: OriginKind::Database,
        name,
    }
}

const LINKS: Origin<'static> = Origin {
    kind: OriginKind::OtherMethods,
    name: "project links",
};

const PROSJEKTBANKEN: Origin<'static> = Origin {
    kind: OriginKind::Register,
    name: "Prosjektbanken",
};

fn decided(verdict: Verdict) -> StageState<'static> {
    StageState::Decided {
        verdict,
        reason: None,
        adjudicated: false,
    }
}

fn excluded(reason: &'static str) -> StageState<'static> {
    StageState::Decided {
        verdict: Verdict::Exclude,
        reason: Some(reason),
        adjudicated: false,
    }
}

fn work<'a>(origins: Vec<Origin<'a>>, ta: StageState<'a>, ft: StageState<'a>) -> WorkState<'a> {
    WorkState {
        origins,
        title_abstract: ta,
        full_text: ft,
        ..WorkState::default()
    }
}

/// The 21 works of the table above.
pub(crate) fn works() -> Vec<WorkState<'static>> {
    use StageState::{Conflict, Pending, Undecided};
    use Verdict::{Exclude, Include, Maybe};
    let inc = decided(Include);
    let w1 = work(
        vec![db("crossref"), db("PubMed"), db("Scopus")],
        StageState::Decided {
            verdict: Include,
            reason: None,
            adjudicated: true,
        },
        inc,
    );
    let w2 = work(
        vec![db("crossref"), db("cristin")],
        inc,
        excluded("wrong setting"),
    );
    let w3 = WorkState {
        automation_ineligible: true,
        ..work(vec![db("cristin")], Undecided, Undecided)
    };
    let w4 = WorkState {
        automation_ineligible: true,
        ..work(vec![db("PubMed")], excluded("not allocation"), Undecided)
    };
    let w5 = work(vec![db("Scopus"), db("Scopus")], Conflict, Undecided);
    let w6 = work(vec![db("PubMed")], Pending, Undecided);
    let w7 = work(vec![db("crossref")], Undecided, Undecided);
    let w8 = WorkState {
        not_retrieved: true,
        ..work(vec![PROSJEKTBANKEN], decided(Maybe), Undecided)
    };
    let w9 = WorkState {
        study: Some("S1"),
        ..work(vec![db("cristin")], inc, inc)
    };
    let w10 = WorkState {
        study: Some("S1"),
        ..work(vec![db("crossref")], inc, inc)
    };
    let w11 = WorkState {
        removed_other: true,
        ..work(vec![db("cristin")], Undecided, Undecided)
    };
    let w12 = work(vec![db("crossref")], excluded("not allocation"), inc);
    let w13 = work(vec![db("crossref")], decided(Exclude), Undecided);
    let w14 = work(vec![db("PubMed")], inc, Conflict);
    let w15 = work(vec![db("Scopus")], inc, decided(Maybe));
    let w16 = work(vec![LINKS], inc, inc);
    let w17 = work(vec![LINKS, LINKS], excluded("not allocation"), Undecided);
    let w18 = work(
        vec![db("crossref"), LINKS],
        inc,
        StageState::Decided {
            verdict: Exclude,
            reason: Some("wrong focus"),
            adjudicated: true,
        },
    );
    let w19 = work(vec![LINKS], Undecided, Undecided);
    let w20 = WorkState {
        automation_ineligible: true,
        ..work(vec![LINKS], Undecided, Undecided)
    };
    let w21 = WorkState {
        not_retrieved: true,
        ..work(vec![LINKS], inc, Undecided)
    };
    vec![
        w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15, w16, w17, w18, w19, w20,
        w21,
    ]
}
