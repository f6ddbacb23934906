//! A parsed [`Query`] as a tantivy query, and the terms to highlight in what it finds.
//!
//! - A word in a full-text field is searched by its stems ([`Analyzer::query_forms`]), in
//!   any of them (a union); a word that the analyzer splits (`trust-based`,
//!   `bestiller–utfører`) is a phrase of its parts.
//! - A phrase is its words as written but the last, which is searched by its stems, so a
//!   noun phrase finds its plural and definite forms: one or two plain [`PhraseQuery`]s
//!   per field, with the slop given by `~N`. With a prefix in it (`"bestiller utfør*"`), one
//!   [`RegexPhraseQuery`].
//! - A prefix (`tildel*`) matches the indexed words (not stems) that start with it, in lower
//!   case, unfolded: `utfør*` is exact, `utfor*` also finds the folded `utfører`.
//! - A bare term searches title (boosted ×2), abstract and keywords, any of them.
//! - `source:`/`database:` are facets, `year:` a range on the fast field, the other exact
//!   fields one lower-case term; a `*` at the end of an exact value is a prefix there too.
//! - `NOT` inside `AND` excludes; a query with nothing positive starts from every record.

use super::analyzer::{self, Analyzer, Mode};
use super::doc::facet;
use super::query::{DEFAULT_FIELDS, Field, Query};
use super::schema::Fields;
use std::collections::BTreeSet;
use std::ops::Bound;
use tantivy::query::{
    AllQuery, AutomatonWeight, BooleanQuery, BoostQuery, EmptyQuery, EnableScoring, Occur,
    PhraseQuery, Query as TQuery, RangeQuery, RegexPhraseQuery, TermQuery, Weight,
};
use tantivy::schema::{Field as TField, IndexRecordOption};
use tantivy::{TantivyError, Term};
use tantivy_fst::Automaton;

/// What a match is highlighted by: exact terms and prefixes of the full-text analyzers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlight {
    /// Terms (stems, or names' words) whose words are highlighted.
    pub terms: BTreeSet<String>,
    /// Prefixes: words starting with one are highlighted.
    pub prefixes: BTreeSet<String>,
}

/// Compiles queries against one index's fields.
pub struct Compiler<'a> {
    fields: &'a Fields,
    text: Analyzer,
    names: Analyzer,
}

/// Above this many combinations of stems a phrase becomes one regex phrase query.
const MAX_PHRASE_COMBINATIONS: usize = 16;

/// One position of a phrase: its alternatives, or a prefix.
enum Slot {
    Terms(Vec<String>),
    Prefix(String),
}

impl<'a> Compiler<'a> {
    /// A compiler for `fields`.
    pub fn new(fields: &'a Fields) -> Self {
        Compiler {
            fields,
            text: Analyzer::new(Mode::Text),
            names: Analyzer::new(Mode::Names),
        }
    }

    fn tfield(&self, f: Field) -> TField {
        let x = self.fields;
        match f {
            Field::Title => x.title,
            Field::Abstract => x.abstract_text,
            Field::Author => x.author,
            Field::Venue => x.venue,
            Field::Keywords => x.keywords,
            Field::Year => x.year,
            Field::Source => x.source,
            Field::Database => x.database,
            Field::Tag => x.tag,
            Field::Decision => x.decision,
            Field::Doi => x.doi,
            Field::Type => x.kind,
            Field::Language => x.language,
            Field::Id => x.id,
        }
    }

    fn analyzer(&self, f: Field) -> &Analyzer {
        if f == Field::Author {
            &self.names
        } else {
            &self.text
        }
    }

    /// The tantivy query for `q`.
    pub fn compile(&self, q: &Query) -> Result<Box<dyn TQuery>, TantivyError> {
        Ok(match q {
            Query::Term { field, text, .. } => self.leaf(*field, |c, f| c.term(f, text))?,
            Query::Prefix { field, text, .. } => self.leaf(*field, |c, f| c.prefix(f, text))?,
            Query::Phrase {
                field, text, slop, ..
            } => self.leaf(*field, |c, f| c.phrase(f, text, *slop))?,
            Query::Range { field, lo, hi, .. } => {
                let f = self.tfield(*field);
                let term = |b: &Bound<i64>| match b {
                    Bound::Included(n) => Bound::Included(Term::from_field_i64(f, *n)),
                    Bound::Excluded(n) => Bound::Excluded(Term::from_field_i64(f, *n)),
                    Bound::Unbounded => Bound::Unbounded,
                };
                Box::new(RangeQuery::new(term(lo), term(hi)))
            }
            Query::And(children) => {
                let mut clauses = Vec::with_capacity(children.len());
                for c in children {
                    clauses.push(match c {
                        Query::Not(inner) => (Occur::MustNot, self.compile(inner)?),
                        c => (Occur::Must, self.compile(c)?),
                    });
                }
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Query::Or(children) => {
                let mut clauses = Vec::with_capacity(children.len());
                for c in children {
                    clauses.push((Occur::Should, self.compile(c)?));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Query::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn TQuery>),
                (Occur::MustNot, self.compile(inner)?),
            ])),
        })
    }

    /// A leaf on its field, or on the default fields (title boosted) when it has none.
    fn leaf(
        &self,
        field: Option<Field>,
        build: impl Fn(&Self, Field) -> Result<Box<dyn TQuery>, TantivyError>,
    ) -> Result<Box<dyn TQuery>, TantivyError> {
        match field {
            Some(f) => build(self, f),
            None => {
                let mut clauses = Vec::with_capacity(DEFAULT_FIELDS.len());
                for f in DEFAULT_FIELDS {
                    let q = build(self, f)?;
                    let q: Box<dyn TQuery> = if f == Field::Title {
                        Box::new(BoostQuery::new(q, 2.0))
                    } else {
                        q
                    };
                    clauses.push((Occur::Should, q));
                }
                Ok(Box::new(BooleanQuery::new(clauses)))
            }
        }
    }

    /// Words of `text` (lower case, NFC) as the field's analyzer splits them.
    fn words(text: &str) -> Vec<String> {
        let text = crate::text::nfc(text);
        analyzer::words(&text)
            .map(|(a, b)| analyzer::lowercase(&text[a..b]))
            .collect()
    }

    fn term(&self, f: Field, text: &str) -> Result<Box<dyn TQuery>, TantivyError> {
        let tf = self.tfield(f);
        if !f.is_full_text() {
            return Ok(self.exact(f, text));
        }
        let words = Self::words(text);
        match words.as_slice() {
            [] => Ok(Box::new(EmptyQuery)),
            [w] => Ok(union(tf, self.analyzer(f).query_forms(w))),
            _ => self.phrase(f, text, 0),
        }
    }

    fn exact(&self, f: Field, text: &str) -> Box<dyn TQuery> {
        let tf = self.tfield(f);
        let value = text.trim();
        let term = match f {
            Field::Source | Field::Database => Term::from_facet(tf, &facet(value)),
            Field::Id => Term::from_field_text(tf, &value.to_ascii_lowercase()),
            _ => Term::from_field_text(tf, &analyzer::lowercase(value)),
        };
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    }

    fn prefix(&self, f: Field, text: &str) -> Result<Box<dyn TQuery>, TantivyError> {
        let tf = self.tfield(f);
        let p = analyzer::lowercase(crate::text::nfc(text).trim());
        match f {
            Field::Source | Field::Database => {
                // A one-level facet `/name` is the term `name`.
                Ok(prefix_query(tf, &p))
            }
            Field::Year => Ok(Box::new(EmptyQuery)),
            _ if f.is_full_text() => {
                let words = Self::words(text);
                match words.as_slice() {
                    [] => Ok(Box::new(EmptyQuery)),
                    [w] => Ok(prefix_query(tf, w)),
                    // `bestiller-utfør*`: a phrase ending in a prefix.
                    _ => self.phrase(f, &format!("{text}*"), 0),
                }
            }
            _ => Ok(prefix_query(tf, &p)),
        }
    }

    /// The positions of a phrase: every word as written (lower case; an ASCII word also
    /// meets folded ones) but the last, which is searched by its stems, so a noun phrase
    /// finds its plural and definite forms (`"nursing homes"`, `"tidlig intervensjonen"`)
    /// at the cost of at most two phrase queries, not one per combination of stems.
    fn slots(&self, f: Field, text: &str) -> Vec<Slot> {
        let mut slots = Vec::new();
        let chunks: Vec<&str> = text.split_whitespace().collect();
        for (c, chunk) in chunks.iter().enumerate() {
            let words = Self::words(chunk);
            let n = words.len();
            for (i, w) in words.into_iter().enumerate() {
                let last = i + 1 == n;
                if last && chunk.ends_with('*') {
                    slots.push(Slot::Prefix(w));
                } else if last && c + 1 == chunks.len() {
                    slots.push(Slot::Terms(self.analyzer(f).query_forms(&w)));
                } else {
                    slots.push(Slot::Terms(vec![w]));
                }
            }
        }
        slots
    }

    fn phrase(&self, f: Field, text: &str, slop: u32) -> Result<Box<dyn TQuery>, TantivyError> {
        if !f.is_full_text() {
            return Ok(self.exact(f, text));
        }
        let tf = self.tfield(f);
        let slots = self.slots(f, text);
        match slots.as_slice() {
            [] => return Ok(Box::new(EmptyQuery)),
            [Slot::Terms(forms)] => return Ok(union(tf, forms.clone())),
            [Slot::Prefix(p)] => return Ok(prefix_query(tf, p)),
            _ => {}
        }
        // Without prefixes and with few combinations of stems, a union of plain phrase
        // queries (each an intersection of postings) is much cheaper than a regex phrase.
        let alternatives: Option<Vec<&Vec<String>>> = slots
            .iter()
            .map(|s| match s {
                Slot::Terms(t) => Some(t),
                Slot::Prefix(_) => None,
            })
            .collect();
        if let Some(alternatives) = alternatives {
            let combinations: usize = alternatives.iter().map(|t| t.len()).product();
            if combinations <= MAX_PHRASE_COMBINATIONS {
                let mut phrases: Vec<Vec<&str>> = vec![Vec::new()];
                for forms in &alternatives {
                    phrases = phrases
                        .into_iter()
                        .flat_map(|p| {
                            forms.iter().map(move |f| {
                                let mut q = p.clone();
                                q.push(f.as_str());
                                q
                            })
                        })
                        .collect();
                }
                let mut queries: Vec<(Occur, Box<dyn TQuery>)> = phrases
                    .into_iter()
                    .map(|words| {
                        let terms = words
                            .iter()
                            .enumerate()
                            .map(|(i, w)| (i, Term::from_field_text(tf, w)))
                            .collect();
                        (
                            Occur::Should,
                            Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
                                as Box<dyn TQuery>,
                        )
                    })
                    .collect();
                if queries.len() == 1 {
                    return Ok(queries.remove(0).1);
                }
                return Ok(Box::new(BooleanQuery::new(queries)));
            }
        }
        let patterns = slots
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let p = match s {
                    Slot::Terms(t) => t
                        .iter()
                        .map(|x| regex_escape(x))
                        .collect::<Vec<_>>()
                        .join("|"),
                    Slot::Prefix(p) => format!("{}.*", regex_escape(p)),
                };
                (i, p)
            })
            .collect();
        Ok(Box::new(RegexPhraseQuery::new_with_offset_and_slop(
            tf, patterns, slop,
        )))
    }

    /// What to highlight for `q`: the terms and prefixes of its positive full-text leaves.
    pub fn highlight(&self, q: &Query) -> Highlight {
        let mut h = Highlight::default();
        for leaf in q.terms_for_highlight() {
            let field = match leaf {
                Query::Term { field, .. }
                | Query::Prefix { field, .. }
                | Query::Phrase { field, .. } => field.unwrap_or(Field::Title),
                _ => continue,
            };
            match leaf {
                Query::Prefix { text, .. } => {
                    if let Some(w) = Self::words(text).last() {
                        h.prefixes.insert(w.clone());
                    }
                    for w in Self::words(text).iter().rev().skip(1) {
                        h.terms.extend(self.analyzer(field).query_forms(w));
                    }
                }
                Query::Term { text, .. } | Query::Phrase { text, .. } => {
                    for s in self.slots(field, text) {
                        match s {
                            Slot::Terms(t) => h.terms.extend(t),
                            Slot::Prefix(p) => {
                                h.prefixes.insert(p);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        h
    }
}

/// Any of `forms` in `field`, each scored (BM25 summed over the forms a word has).
fn union(field: TField, forms: Vec<String>) -> Box<dyn TQuery> {
    let mut queries: Vec<Box<dyn TQuery>> = forms
        .into_iter()
        .map(|t| {
            Box::new(TermQuery::new(
                Term::from_field_text(field, &t),
                IndexRecordOption::WithFreqs,
            )) as Box<dyn TQuery>
        })
        .collect();
    if queries.len() == 1 {
        return queries.remove(0);
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// Terms of `field` starting with `prefix` (constant score): a byte automaton walked over
/// the term dictionary, with nothing to compile per query (a regex would build a DFA).
#[derive(Debug, Clone)]
struct PrefixQuery {
    field: TField,
    prefix: Vec<u8>,
}

fn prefix_query(field: TField, prefix: &str) -> Box<dyn TQuery> {
    Box::new(PrefixQuery {
        field,
        prefix: prefix.as_bytes().to_vec(),
    })
}

impl TQuery for PrefixQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::new(
            self.field,
            Prefix(self.prefix.clone()),
        )))
    }
}

/// Matches byte strings starting with its bytes. State: bytes matched so far, or dead.
#[derive(Debug, Clone)]
struct Prefix(Vec<u8>);

impl Automaton for Prefix {
    type State = Option<usize>;

    fn start(&self) -> Option<usize> {
        Some(0)
    }

    fn is_match(&self, state: &Option<usize>) -> bool {
        *state == Some(self.0.len())
    }

    fn can_match(&self, state: &Option<usize>) -> bool {
        state.is_some()
    }

    fn will_always_match(&self, state: &Option<usize>) -> bool {
        self.is_match(state)
    }

    fn accept(&self, state: &Option<usize>, byte: u8) -> Option<usize> {
        match *state {
            Some(n) if n == self.0.len() => Some(n),
            Some(n) if self.0[n] == byte => Some(n + 1),
            _ => None,
        }
    }
}

/// `s` with regex metacharacters escaped.
fn regex_escape(s: &str) -> String {
    tantivy::query::wildcard_query_to_regex_str(&s.replace('*', ""))
}
