//! The query language of `litscope search` and of `[screen] filter`: parsed into a [`Query`]
//! tree that the index compiles into tantivy queries. Pure: no index, no analyzer; a term's
//! text is kept as typed and split into words later, by the field's analyzer.
//!
//! ```text
//! query    = or
//! or       = and { ("OR" | "||") and }
//! and      = unary { ["AND" | "&&"] unary }       adjacent clauses are ANDed
//! unary    = ("NOT" | "-") unary | primary        a NOT b  =  a AND (NOT b)
//! primary  = "(" or ")" | field ":" value | word | phrase
//! value    = "(" or ")" | word | phrase | range   field:(a OR b) puts every leaf in field
//! phrase   = '"' text '"' [ "~" digits ]          "trust model"~3: within 3 moves
//! word     = text up to whitespace, ( ) or "     tildel* (a `*` at the end) is a prefix
//! range    = ("[" | "{") bound "TO" bound ("]" | "}")   on year only; * is open
//! ```
//!
//! Precedence is NOT > AND > OR: `a b OR c` is `(a AND b) OR c`. A query may be only
//! negative (`NOT decision:exclude`): it means every record except those.
//!
//! Choices a reviewer may trip over, made to be forgiving where that is safe and to stop with
//! a position where a silent reading would search for something else:
//! - Operators are the uppercase words `AND`, `OR`, `NOT` (and `&&`, `||`, `-x`). Lowercase
//!   `and`, `or`, `not` are ordinary words, so pasted titles search as written.
//! - `name:value` is a field query when `name` is a field (any case, aliases included). When
//!   `name` is made of letters but is no field (`tilte:trust`), that is an error listing the
//!   fields, because searching for the word would silently find nothing; a colon after
//!   anything else (`10.1000/x:y`, `covid-19:`) or at the end of a word (`care: a review`)
//!   is part of the word. A value runs to the next whitespace, `(`, `)` or `"`, colons
//!   included: `doi:10.1000/xyz`; quote values that hold those (`doi:"10.1002/(SICI)…"`).
//! - `*` only at the end of a word; elsewhere it is an error. `~` is proximity after a
//!   phrase; in a full-text word it is an error (no fuzzy search); in an exact-value field
//!   (`doi:`, `id:`, `tag:` …) it is an ordinary character.
//! - A `-` starts a negation only at the start of a clause; inside a word (`trust-based`,
//!   `helse-`) it is part of the word, and the analyzer decides what it separates. A dash on
//!   its own is an error. There are no backslash escapes: quote instead.
//! - `year:` takes `2015`, `>=2015`, `>2015`, `<=2020`, `<2020` or a range; a range is
//!   refused on other fields and when no year is in it.
//! - Positions in errors are 1-based and count characters, not bytes.

mod parser;

use std::fmt;
use std::ops::Bound;

/// Parses a query; the error names the 1-based character position of the mistake.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    parser::parse(input)
}

/// How deeply parentheses and negations may nest: far beyond any search strategy, and low
/// enough that neither parsing nor the compiled query can run out of stack.
pub const MAX_DEPTH: usize = 100;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A word (or a text the analyzer splits into words: `bestiller–utfører`); `field` None
    /// searches the [`DEFAULT_FIELDS`].
    Term {
        /// The field, or None for the default fields.
        field: Option<Field>,
        /// The text as typed.
        text: String,
        /// Where it stands in the query.
        span: Span,
    },
    /// Words starting with `text` (`tildel*`; `text` is without the `*`).
    Prefix {
        /// The field, or None for the default fields.
        field: Option<Field>,
        /// The beginning of the words, as typed.
        text: String,
        /// Where it stands in the query.
        span: Span,
    },
    /// The words of `text` in order, with up to `slop` moves between them (`"a b"~2`).
    Phrase {
        /// The field, or None for the default fields.
        field: Option<Field>,
        /// The text between the quotes, whitespace collapsed to single spaces.
        text: String,
        /// 0 unless `~N` followed the closing quote.
        slop: u32,
        /// Where it stands in the query (the quotes and `~N` included).
        span: Span,
    },
    /// Numbers between `lo` and `hi` (only [`Field::Year`] for now); `year:2015` is the range
    /// from 2015 to 2015.
    Range {
        /// The field.
        field: Field,
        /// The lower end.
        lo: Bound<i64>,
        /// The upper end.
        hi: Bound<i64>,
        /// Where it stands in the query.
        span: Span,
    },
    /// All of these (two or more, none of them an `And`).
    And(Vec<Query>),
    /// Any of these (two or more, none of them an `Or`).
    Or(Vec<Query>),
    /// Not this. On its own, or with only negations around it, it means every record
    /// except these.
    Not(Box<Query>),
}

/// Where a leaf stands in the query: character offsets from 0, `end` exclusive. Positions in
/// messages are 1-based: [`Span::position`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// The first character, counted from 0.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

impl Span {
    /// The 1-based character position of the start, as error messages give it.
    pub fn position(&self) -> usize {
        self.start + 1
    }
}

/// What a bare term searches: title, abstract and keywords (the contract).
pub const DEFAULT_FIELDS: [Field; 3] = [Field::Title, Field::Abstract, Field::Keywords];

/// The fields a query can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `title`
    Title,
    /// `abstract`
    Abstract,
    /// `author`, alias `authors`
    Author,
    /// `venue`, alias `journal`
    Venue,
    /// `keywords`, aliases `keyword`, `kw`
    Keywords,
    /// `year`
    Year,
    /// `source`
    Source,
    /// `database`
    Database,
    /// `tag`
    Tag,
    /// `decision`
    Decision,
    /// `doi`
    Doi,
    /// `type`
    Type,
    /// `language`, alias `lang`
    Language,
    /// `id`
    Id,
}

impl Field {
    /// Every field, in the order error messages list them.
    pub const ALL: [Field; 14] = [
        Field::Title,
        Field::Abstract,
        Field::Author,
        Field::Venue,
        Field::Keywords,
        Field::Year,
        Field::Source,
        Field::Database,
        Field::Tag,
        Field::Decision,
        Field::Doi,
        Field::Type,
        Field::Language,
        Field::Id,
    ];

    /// The canonical name.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Abstract => "abstract",
            Field::Author => "author",
            Field::Venue => "venue",
            Field::Keywords => "keywords",
            Field::Year => "year",
            Field::Source => "source",
            Field::Database => "database",
            Field::Tag => "tag",
            Field::Decision => "decision",
            Field::Doi => "doi",
            Field::Type => "type",
            Field::Language => "language",
            Field::Id => "id",
        }
    }

    /// The field a name or alias means, in any case.
    pub fn parse(name: &str) -> Option<Field> {
        let name = name.to_ascii_lowercase();
        let alias = match name.as_str() {
            "authors" => Field::Author,
            "journal" => Field::Venue,
            "keyword" | "kw" => Field::Keywords,
            "lang" => Field::Language,
            _ => return Field::ALL.into_iter().find(|f| f.as_str() == name),
        };
        Some(alias)
    }

    /// True for free text that the analyzer splits into words (title, abstract, author,
    /// venue, keywords); the other fields hold exact values or numbers.
    pub fn is_full_text(self) -> bool {
        matches!(
            self,
            Field::Title | Field::Abstract | Field::Author | Field::Venue | Field::Keywords
        )
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Query {
    /// The terms, prefixes and phrases a matching record is found by, to highlight: the
    /// full-text leaves (default fields included) that are not negated.
    pub fn terms_for_highlight(&self) -> Vec<&Query> {
        let mut out = Vec::new();
        self.collect_positive(true, &mut out);
        out
    }

    fn collect_positive<'a>(&'a self, positive: bool, out: &mut Vec<&'a Query>) {
        match self {
            Query::Term { field, .. }
            | Query::Prefix { field, .. }
            | Query::Phrase { field, .. } => {
                if positive && field.is_none_or(Field::is_full_text) {
                    out.push(self);
                }
            }
            Query::Range { .. } => {}
            Query::And(children) | Query::Or(children) => {
                for child in children {
                    child.collect_positive(positive, out);
                }
            }
            Query::Not(inner) => inner.collect_positive(!positive, out),
        }
    }

    /// Binding strength in the canonical form: OR 0, AND 1, NOT and leaves 2.
    fn precedence(&self) -> u8 {
        match self {
            Query::Or(children) if children.len() > 1 => 0,
            Query::And(children) if children.len() > 1 => 1,
            Query::Or(children) | Query::And(children) => {
                children.first().map_or(2, Query::precedence)
            }
            _ => 2,
        }
    }

    fn fmt_child(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

/// The canonical form: operators spelt out in upper case, canonical field names, the field
/// on every leaf, parentheses only where precedence needs them. It parses back to the same
/// tree (spans aside).
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Term { field, text, .. } => write_value(f, *field, text, ""),
            Query::Prefix { field, text, .. } => write_value(f, *field, text, "*"),
            Query::Phrase {
                field, text, slop, ..
            } => {
                if let Some(field) = field {
                    write!(f, "{field}:")?;
                }
                write!(f, "\"{text}\"")?;
                if *slop > 0 {
                    write!(f, "~{slop}")?;
                }
                Ok(())
            }
            Query::Range { field, lo, hi, .. } => {
                if let (Bound::Included(a), Bound::Included(b)) = (lo, hi)
                    && a == b
                {
                    return write!(f, "{field}:{a}");
                }
                let (open, lo) = match lo {
                    Bound::Included(n) => ('[', n.to_string()),
                    Bound::Excluded(n) => ('{', n.to_string()),
                    Bound::Unbounded => ('[', "*".to_string()),
                };
                let (close, hi) = match hi {
                    Bound::Included(n) => (']', n.to_string()),
                    Bound::Excluded(n) => ('}', n.to_string()),
                    Bound::Unbounded => (']', "*".to_string()),
                };
                write!(f, "{field}:{open}{lo} TO {hi}{close}")
            }
            Query::And(children) | Query::Or(children) => {
                let (separator, min) = match self {
                    Query::And(_) => (" AND ", 1),
                    _ => (" OR ", 0),
                };
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        f.write_str(separator)?;
                    }
                    child.fmt_child(f, min)?;
                }
                Ok(())
            }
            Query::Not(inner) => {
                f.write_str("NOT ")?;
                inner.fmt_child(f, 2)
            }
        }
    }
}

/// A word or prefix with its field; a fielded value opening with a bracket would read as a
/// range, so it goes in a group: `title:([x)`.
fn write_value(
    f: &mut fmt::Formatter<'_>,
    field: Option<Field>,
    text: &str,
    star: &str,
) -> fmt::Result {
    match field {
        Some(field) if text.starts_with(['[', '{']) => write!(f, "{field}:({text}{star})"),
        Some(field) => write!(f, "{field}:{text}{star}"),
        None => write!(f, "{text}{star}"),
    }
}

/// A mistake in a query, at a 1-based character position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("syntax error at position {position}: {kind}")]
pub struct QueryError {
    /// The 1-based position of the character where the mistake is, counted in characters.
    pub position: usize,
    /// What is wrong.
    pub kind: QueryErrorKind,
}

impl QueryError {
    /// The line of `input` that holds the mistake and a `^` under it, for a terminal.
    pub fn caret(&self, input: &str) -> String {
        caret_line(input, self.position)
    }
}

/// What is wrong with a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryErrorKind {
    /// Nothing but whitespace.
    #[error("the query is empty")]
    Empty,
    /// `(` without `)`.
    #[error("this parenthesis is never closed")]
    UnclosedParen,
    /// `)` without `(`.
    #[error("this `)` has no matching `(`")]
    UnmatchedParen,
    /// `()`.
    #[error("empty parentheses")]
    EmptyGroup,
    /// `"` without its closing `"`.
    #[error("this quote is never closed")]
    UnclosedQuote,
    /// `""`.
    #[error("empty phrase")]
    EmptyPhrase,
    /// `a AND`, `a OR ) `, `NOT` at the end.
    #[error("`{operator}` needs a query after it")]
    MissingRight {
        /// The operator as typed.
        operator: String,
    },
    /// `OR b`, `(AND b)`.
    #[error("`{operator}` needs a query before it")]
    MissingLeft {
        /// The operator as typed.
        operator: String,
    },
    /// `-` followed by a space, `)` or the end.
    #[error(
        "`-` excludes what follows it directly, as in -hospital (quote a dash to search for it)"
    )]
    LoneDash,
    /// `tilte:trust`.
    #[error(
        "unknown field `{name}`; the fields are: {} (quote the text to search for it as written)",
        Field::ALL.map(Field::as_str).join(", ")
    )]
    UnknownField {
        /// The name as typed.
        name: String,
    },
    /// `title: trust`, `title:` at the end.
    #[error("`{field}:` needs a value right after the colon, as in {field}:word")]
    MissingValue {
        /// The field.
        field: Field,
    },
    /// `til*del`.
    #[error("`*` works only at the end of a word, as in tildel*")]
    InnerWildcard,
    /// `*` alone.
    #[error("`*` needs the start of a word before it, as in tildel*")]
    LoneWildcard,
    /// `trust~2`.
    #[error("`~` works only after a \"phrase\" (\"trust model\"~3); fuzzy words are not supported")]
    FuzzyTerm,
    /// `"a b"~`, `"a b"~x`, a slop beyond `u32`.
    #[error("`~` must be followed by a whole number of words, as in \"trust model\"~3")]
    BadSlop,
    /// `title:[a TO b]`.
    #[error("ranges work only on year, as in year:[2010 TO 2020]")]
    RangeField,
    /// A malformed or empty year range.
    #[error(
        "bad range: {problem}; write year:[2010 TO 2020], {{…}} for exclusive ends, * for open"
    )]
    BadRange {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// `year:soon`, `year:"2015"`.
    #[error(
        "`{text}` is not a year; write year:2015, year:>=2015, year:<2020 or year:[2010 TO 2020]"
    )]
    NotAYear {
        /// The value as typed.
        text: String,
    },
    /// More than [`MAX_DEPTH`] nested parentheses or negations.
    #[error("parentheses and negations nest more than {MAX_DEPTH} deep")]
    TooDeep,
}

/// The line of `input` holding the 1-based character `position`, and a `^` under it. Control
/// characters and tabs show as spaces (so the caret stays aligned and nothing reaches the
/// terminal); a long line is cut to a window around the position, marked with `…`. The
/// caret counts characters, so double-width ones (CJK, emoji) before it shift it left.
pub fn caret_line(input: &str, position: usize) -> String {
    const WINDOW: usize = 70;
    let index = position.saturating_sub(1);
    let mut line_start = 0;
    let mut line: Vec<char> = Vec::new();
    for (i, c) in input.chars().enumerate() {
        if c == '\n' {
            if i >= index {
                break;
            }
            line_start = i + 1;
            line.clear();
        } else {
            line.push(if c.is_control() { ' ' } else { c });
        }
    }
    let mut column = index.saturating_sub(line_start).min(line.len());
    let mut from = 0;
    let mut text = String::new();
    if line.len() > WINDOW {
        from = column.saturating_sub(WINDOW / 2).min(line.len() - WINDOW);
        if from > 0 {
            text.push('…');
            column = column - from + 1;
        }
    }
    let to = (from + WINDOW).min(line.len());
    text.extend(&line[from..to]);
    if to < line.len() {
        text.push('…');
    }
    format!("{text}\n{}^", " ".repeat(column))
}

#[cfg(test)]
mod tests;
