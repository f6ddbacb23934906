//! The dedup review queue: uncertain pairs shown side by side, answered y (the same work),
//! n (different works) or s (skip), q to quit.
//!
//! Shaped like the screening TUI (STYLE habit 12): [`Queue`] is a pure state machine that
//! applies an [`Action`] and returns the answer to store, [`action_for`] maps keys to
//! actions, [`view`] draws a queue with ratatui and only [`tui`] owns the terminal. The
//! caller stores each answer the moment [`Queue::apply`] returns it, so quitting (or a
//! crash) never loses one. [`answers`] is the same queue as a text file, for scripts.
//!
//! Every text shown here went through [`crate::text::for_terminal`] when the [`Pair`] was
//! built ([`Side::new`]): control characters from hostile records never reach the terminal.

pub mod answers;
pub mod tui;
pub mod view;

/// One record of a pair, as displayed: its key and id, then labelled fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// `SOURCE:SOURCE_ID`.
    pub key: String,
    /// The record id.
    pub id: String,
    /// `(label, value)` rows in display order; an empty value shows as missing.
    pub rows: Vec<(&'static str, String)>,
}

impl Side {
    /// A side whose texts are made safe for the terminal (markup, control characters and
    /// escape sequences removed, one line each).
    pub fn new(key: &str, id: &str, rows: Vec<(&'static str, String)>) -> Self {
        let clean = |s: &str| crate::text::for_terminal(&crate::text::clean_line(s)).into_owned();
        Side {
            key: clean(key),
            id: clean(id),
            rows: rows.into_iter().map(|(l, v)| (l, clean(&v))).collect(),
        }
    }

    /// The value of the row labelled `label` (empty when absent).
    pub fn value(&self, label: &str) -> &str {
        self.rows
            .iter()
            .find(|(l, _)| *l == label)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// An uncertain pair to review.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// One record.
    pub a: Side,
    /// The other.
    pub b: Side,
    /// Why it is uncertain: the rule and scores, as one line.
    pub why: String,
    /// The merged records (groups) `a` and `b` belong to: one answer settles every pair
    /// between the same two groups.
    pub groups: (usize, usize),
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The same work.
    Yes,
    /// Different works.
    No,
    /// Leave this pair for later.
    Skip,
    /// Back to the previous pair.
    Back,
    /// Stop reviewing.
    Quit,
}

/// The key bindings: `y` `n` `s` `q` (and Esc), `b` or ← to go back, → or space to skip.
pub fn action_for(key: char) -> Option<Action> {
    match key.to_ascii_lowercase() {
        'y' => Some(Action::Yes),
        'n' => Some(Action::No),
        's' | ' ' => Some(Action::Skip),
        'b' => Some(Action::Back),
        'q' => Some(Action::Quit),
        _ => None,
    }
}

/// An answer the caller must store: pair `index` of the queue is (not) one work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answered {
    /// The pair's position in the queue.
    pub index: usize,
    /// `true`: the same work.
    pub duplicate: bool,
}

/// The queue and where the reviewer is in it. Answers given in the session settle later
/// pairs: after "same work" on A–B, a pair between A's and B's groups is not asked; after
/// "different works", neither is one between the same two groups.
#[derive(Debug, Clone)]
pub struct Queue {
    pairs: Vec<Pair>,
    answers: Vec<Option<bool>>,
    pos: usize,
    done: bool,
    joined: std::collections::HashMap<usize, usize>,
    apart: Vec<(usize, usize)>,
}

impl Queue {
    /// A queue at its first pair.
    pub fn new(pairs: Vec<Pair>) -> Self {
        let n = pairs.len();
        Queue {
            pairs,
            answers: vec![None; n],
            pos: 0,
            done: n == 0,
            joined: std::collections::HashMap::new(),
            apart: Vec::new(),
        }
    }

    fn root(&self, mut g: usize) -> usize {
        while let Some(&p) = self.joined.get(&g) {
            g = p;
        }
        g
    }

    /// True when answers of this session already settle pair `i`.
    fn settled(&self, i: usize) -> bool {
        let (a, b) = self.pairs[i].groups;
        let (ra, rb) = (self.root(a), self.root(b));
        ra == rb
            || self.apart.iter().any(|&(x, y)| {
                let (rx, ry) = (self.root(x), self.root(y));
                (rx, ry) == (ra, rb) || (ry, rx) == (ra, rb)
            })
    }

    /// Applies `action`; returns the answer to store, if it made one.
    pub fn apply(&mut self, action: Action) -> Option<Answered> {
        if self.done {
            return None;
        }
        match action {
            Action::Yes | Action::No => {
                let duplicate = action == Action::Yes;
                self.answers[self.pos] = Some(duplicate);
                let index = self.pos;
                let (a, b) = self.pairs[index].groups;
                let (ra, rb) = (self.root(a), self.root(b));
                if duplicate {
                    if ra != rb {
                        self.joined.insert(rb, ra);
                    }
                } else {
                    self.apart.push((a, b));
                }
                self.advance();
                Some(Answered { index, duplicate })
            }
            Action::Skip => {
                self.advance();
                None
            }
            Action::Back => {
                self.pos = self.pos.saturating_sub(1);
                None
            }
            Action::Quit => {
                self.done = true;
                None
            }
        }
    }

    /// On to the next pair not settled yet, or done.
    fn advance(&mut self) {
        match (self.pos + 1..self.pairs.len()).find(|&i| !self.settled(i)) {
            Some(i) => self.pos = i,
            None => self.done = true,
        }
    }

    /// The pair shown now (`None` when the queue is empty).
    pub fn current(&self) -> Option<&Pair> {
        self.pairs.get(self.pos)
    }

    /// The position shown now, 0-based.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Pairs in the queue.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True when the queue has no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The answer given to pair `i` in this session.
    pub fn answer(&self, i: usize) -> Option<bool> {
        self.answers.get(i).copied().flatten()
    }

    /// Pairs answered in this session.
    pub fn answered(&self) -> usize {
        self.answers.iter().filter(|a| a.is_some()).count()
    }

    /// True after quitting or past the last pair.
    pub fn is_done(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Pairs for the queue's and the view's tests.
    use super::*;

    /// A pair of two records with these titles and years, in groups 0 and 1.
    pub fn pair(title_a: &str, title_b: &str, year_a: &str, year_b: &str) -> Pair {
        grouped(title_a, title_b, year_a, year_b, (0, 1))
    }

    /// A pair between records of these groups.
    pub fn grouped(
        title_a: &str,
        title_b: &str,
        year_a: &str,
        year_b: &str,
        groups: (usize, usize),
    ) -> Pair {
        let side = |key: &str, id: &str, t: &str, y: &str| {
            Side::new(
                key,
                id,
                vec![
                    ("title", t.into()),
                    ("authors", "Hansen, K; Berg, O".into()),
                    ("year", y.into()),
                    ("doi", String::new()),
                ],
            )
        };
        Pair {
            a: side("crossref:10.1/a", "aaaaaaaaaaaa", title_a, year_a),
            b: side("cristin:77", "bbbbbbbbbbbb", title_b, year_b),
            why: "similar · title 0.92".into(),
            groups,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{grouped, pair};
    use super::*;

    #[test]
    fn answers_are_returned_as_made_and_skip_back_quit_move_without_answering() {
        let mut q = Queue::new(vec![
            grouped("A", "A.", "2020", "2020", (0, 1)),
            grouped("B", "B", "2019", "2020", (2, 3)),
            grouped("C", "C", "2018", "2018", (4, 5)),
        ]);
        assert_eq!(
            q.apply(Action::Yes),
            Some(Answered {
                index: 0,
                duplicate: true
            })
        );
        assert_eq!(q.apply(Action::Skip), None);
        assert_eq!(q.position(), 2);
        assert_eq!(q.apply(Action::Back), None);
        assert_eq!(q.position(), 1);
        assert_eq!(
            q.apply(Action::No),
            Some(Answered {
                index: 1,
                duplicate: false
            })
        );
        assert_eq!(
            (q.answer(0), q.answer(1), q.answer(2)),
            (Some(true), Some(false), None)
        );
        assert!(!q.is_done());
        assert_eq!(q.apply(Action::Quit), None);
        assert!(q.is_done());
        assert_eq!(q.apply(Action::Yes), None, "nothing after quitting");
        assert_eq!(q.answered(), 2);
    }

    #[test]
    fn pairs_settled_by_earlier_answers_are_not_asked() {
        // Groups 0, 1, 2: yes on 0–1 settles 1–0 and, once 0 and 1 are one, a 0–2 "no"
        // settles 1–2; a 3–4 pair stays.
        let mut q = Queue::new(vec![
            grouped("a", "b", "1", "1", (0, 1)),
            grouped("b", "a", "1", "1", (1, 0)),
            grouped("a", "c", "1", "1", (0, 2)),
            grouped("b", "c", "1", "1", (1, 2)),
            grouped("d", "e", "1", "1", (3, 4)),
        ]);
        q.apply(Action::Yes);
        assert_eq!(q.position(), 2, "1–0 is one work already");
        q.apply(Action::No);
        assert_eq!(q.position(), 4, "1–2 is kept apart already");
        assert_eq!(q.current().unwrap().a.value("title"), "d");
        q.apply(Action::Skip);
        assert!(q.is_done());
        assert_eq!(q.answered(), 2);
    }

    #[test]
    fn the_last_answer_ends_the_queue_and_an_empty_queue_is_done() {
        let mut q = Queue::new(vec![pair("A", "A", "1", "1")]);
        assert!(q.apply(Action::No).is_some());
        assert!(q.is_done());
        assert!(Queue::new(vec![]).is_done());
        assert_eq!(action_for('Y'), Some(Action::Yes));
        assert_eq!(action_for('x'), None);
    }

    #[test]
    fn hostile_text_is_made_safe_when_a_side_is_built() {
        let s = Side::new(
            "x:1",
            "id",
            vec![(
                "title",
                "Evil\u{1b}[2J title\nwith <b>markup</b>\u{7}".into(),
            )],
        );
        assert_eq!(s.value("title"), "Evil title with markup");
    }
}
