//! The lexer and recursive-descent parser behind [`super::parse`]. Both run over the query's
//! characters once (positions are character offsets, so messages count characters, not
//! bytes), and nesting is capped at [`MAX_DEPTH`] so no input can exhaust the stack.

use super::{Field, MAX_DEPTH, Query, QueryError, QueryErrorKind, Span};
use std::ops::Bound;

pub(super) fn parse(input: &str) -> Result<Query, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let tokens = Lexer {
        chars: &chars,
        at: 0,
        tokens: Vec::new(),
    }
    .run()?;
    if tokens.is_empty() {
        return Err(error(0, QueryErrorKind::Empty));
    }
    let mut parser = Parser {
        chars: &chars,
        tokens: tokens.into_iter().peekable(),
        depth: 0,
    };
    let query = parser.or(None)?;
    match parser.peek() {
        None => Ok(query),
        // `or` stops only at the end or at a `)`: here one without its `(`.
        Some(token) => Err(error(token.start, QueryErrorKind::UnmatchedParen)),
    }
}

/// An error at the 0-based character offset `at`.
fn error(at: usize, kind: QueryErrorKind) -> QueryError {
    QueryError {
        position: at + 1,
        kind,
    }
}

#[derive(Debug)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Minus,
    /// `name:`; the lexer always puts a value token after it.
    Field(Field),
    Word(String),
    Phrase {
        text: String,
        slop: u32,
    },
    Range {
        lo: Bound<i64>,
        hi: Bound<i64>,
    },
}

#[derive(Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

struct Lexer<'a> {
    chars: &'a [char],
    at: usize,
    tokens: Vec<Token>,
}

/// Characters that end a word.
fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '"')
}

impl Lexer<'_> {
    fn run(mut self) -> Result<Vec<Token>, QueryError> {
        loop {
            self.skip_whitespace();
            let Some(c) = self.peek() else {
                return Ok(self.tokens);
            };
            let start = self.at;
            match c {
                '(' => self.single(Tok::LParen),
                ')' => self.single(Tok::RParen),
                '"' => self.phrase()?,
                '-' => match self.chars.get(start + 1) {
                    Some(&next) if !next.is_whitespace() && next != ')' => self.single(Tok::Minus),
                    _ => return Err(error(start, QueryErrorKind::LoneDash)),
                },
                _ => self.word()?,
            }
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.tokens.push(Token {
            tok,
            start,
            end: self.at,
        });
    }

    fn single(&mut self, tok: Tok) {
        self.at += 1;
        self.push(tok, self.at - 1);
    }

    /// The end of the word starting at `from`.
    fn word_end(&self, from: usize) -> usize {
        self.chars[from..]
            .iter()
            .position(|&c| ends_word(c))
            .map_or(self.chars.len(), |n| from + n)
    }

    /// An operator, a `field:` followed by its value, or a plain word.
    fn word(&mut self) -> Result<(), QueryError> {
        let start = self.at;
        let end = self.word_end(start);
        let word = &self.chars[start..end];
        let operator = match word {
            ['A', 'N', 'D'] | ['&', '&'] => Some(Tok::And),
            ['O', 'R'] | ['|', '|'] => Some(Tok::Or),
            ['N', 'O', 'T'] => Some(Tok::Not),
            _ => None,
        };
        if let Some(tok) = operator {
            self.at = end;
            self.push(tok, start);
            return Ok(());
        }
        if let Some(colon) = word.iter().position(|&c| c == ':')
            && colon > 0
            && word[..colon].iter().all(|c| c.is_alphabetic())
        {
            let name: String = word[..colon].iter().collect();
            if let Some(field) = Field::parse(&name) {
                self.at = start + colon + 1;
                self.push(Tok::Field(field), start);
                return self.value(field, start);
            }
            let has_value =
                colon + 1 < word.len() || matches!(self.chars.get(end), Some('(' | '"'));
            if has_value {
                return Err(error(start, QueryErrorKind::UnknownField { name }));
            }
        }
        let text = word.iter().collect();
        self.at = end;
        self.push(Tok::Word(text), start);
        Ok(())
    }

    /// The value right after `field:` (which starts at `field_start`).
    fn value(&mut self, field: Field, field_start: usize) -> Result<(), QueryError> {
        match self.peek() {
            None | Some(')') => Err(error(field_start, QueryErrorKind::MissingValue { field })),
            Some(c) if c.is_whitespace() => {
                Err(error(field_start, QueryErrorKind::MissingValue { field }))
            }
            Some('(') => {
                self.single(Tok::LParen);
                Ok(())
            }
            Some('"') => self.phrase(),
            Some('[' | '{') if field == Field::Year => self.range(),
            Some('[' | '{') => Err(error(field_start, QueryErrorKind::RangeField)),
            Some(_) => {
                let start = self.at;
                self.at = self.word_end(start);
                let text = self.chars[start..self.at].iter().collect();
                self.push(Tok::Word(text), start);
                Ok(())
            }
        }
    }

    /// `"words"` with an optional `~N`.
    fn phrase(&mut self) -> Result<(), QueryError> {
        let start = self.at;
        let Some(len) = self.chars[start + 1..].iter().position(|&c| c == '"') else {
            return Err(error(start, QueryErrorKind::UnclosedQuote));
        };
        let close = start + 1 + len;
        let mut text = String::new();
        for word in self.chars[start + 1..close].split(|c| c.is_whitespace()) {
            if !word.is_empty() {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.extend(word);
            }
        }
        if text.is_empty() {
            return Err(error(start, QueryErrorKind::EmptyPhrase));
        }
        self.at = close + 1;
        let mut slop = 0;
        if self.peek() == Some('~') {
            let tilde = self.at;
            let digits_end = self.chars[tilde + 1..]
                .iter()
                .position(|c| !c.is_ascii_digit())
                .map_or(self.chars.len(), |n| tilde + 1 + n);
            let digits: String = self.chars[tilde + 1..digits_end].iter().collect();
            let followed_well = self.chars.get(digits_end).is_none_or(|&c| ends_word(c));
            slop = match digits.parse() {
                Ok(n) if followed_well => n,
                _ => return Err(error(tilde, QueryErrorKind::BadSlop)),
            };
            self.at = digits_end;
        }
        self.push(Tok::Phrase { text, slop }, start);
        Ok(())
    }

    /// `[lo TO hi]`, `{` and `}` for exclusive ends, `*` for an open one.
    fn range(&mut self) -> Result<(), QueryError> {
        let start = self.at;
        let inclusive_lo = self.chars[start] == '[';
        self.at += 1;
        let (lo_at, lo) = self.range_part(start)?;
        let (to_at, to) = self.range_part(start)?;
        if !to.eq_ignore_ascii_case("to") {
            let problem = "expected `TO` between the two ends";
            return Err(error(to_at, QueryErrorKind::BadRange { problem }));
        }
        let (hi_at, hi) = self.range_part(start)?;
        self.skip_whitespace();
        let inclusive_hi = match self.peek() {
            Some(']') => true,
            Some('}') => false,
            Some(_) => {
                let problem = "expected `]` or `}` after the upper end";
                return Err(error(self.at, QueryErrorKind::BadRange { problem }));
            }
            None => {
                let problem = "the range is never closed";
                return Err(error(start, QueryErrorKind::BadRange { problem }));
            }
        };
        self.at += 1;
        let lo = bound(&lo, lo_at, inclusive_lo)?;
        let hi = bound(&hi, hi_at, inclusive_hi)?;
        if is_empty(lo, hi) {
            let problem = "no year is in it";
            return Err(error(start, QueryErrorKind::BadRange { problem }));
        }
        self.push(Tok::Range { lo, hi }, start);
        Ok(())
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    /// The next whitespace-separated part of the range opened at `open`, with its offset.
    fn range_part(&mut self, open: usize) -> Result<(usize, String), QueryError> {
        self.skip_whitespace();
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| !c.is_whitespace() && !matches!(c, ']' | '}'))
        {
            self.at += 1;
        }
        if self.at == self.chars.len() {
            let problem = "the range is never closed";
            return Err(error(open, QueryErrorKind::BadRange { problem }));
        }
        if start == self.at {
            let problem = "an end is missing";
            return Err(error(start, QueryErrorKind::BadRange { problem }));
        }
        Ok((start, self.chars[start..self.at].iter().collect()))
    }
}

/// One end of a range: `*` or a year.
fn bound(text: &str, at: usize, inclusive: bool) -> Result<Bound<i64>, QueryError> {
    if text == "*" {
        return Ok(Bound::Unbounded);
    }
    let year = year(text).ok_or_else(|| not_a_year(text, at))?;
    Ok(if inclusive {
        Bound::Included(year)
    } else {
        Bound::Excluded(year)
    })
}

fn year(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn not_a_year(text: &str, at: usize) -> QueryError {
    let text = text.to_string();
    error(at, QueryErrorKind::NotAYear { text })
}

/// True when no whole number lies between the ends.
fn is_empty(lo: Bound<i64>, hi: Bound<i64>) -> bool {
    let lo = match lo {
        Bound::Included(n) => n,
        Bound::Excluded(n) => n.saturating_add(1),
        Bound::Unbounded => return false,
    };
    let hi = match hi {
        Bound::Included(n) => n,
        Bound::Excluded(n) => n.saturating_sub(1),
        Bound::Unbounded => return false,
    };
    lo > hi
}

/// A year value that is not a range: `2015`, `>=2015`, `>2015`, `<=2020`, `<2020`.
fn year_value(text: &str, at: usize) -> Result<(Bound<i64>, Bound<i64>), QueryError> {
    let (operator, number) = [">=", ">", "<=", "<"]
        .into_iter()
        .find_map(|op| text.strip_prefix(op).map(|rest| (op, rest)))
        .unwrap_or(("", text));
    let n = year(number).ok_or_else(|| not_a_year(text, at))?;
    Ok(match operator {
        ">=" => (Bound::Included(n), Bound::Unbounded),
        ">" => (Bound::Excluded(n), Bound::Unbounded),
        "<=" => (Bound::Unbounded, Bound::Included(n)),
        "<" => (Bound::Unbounded, Bound::Excluded(n)),
        _ => (Bound::Included(n), Bound::Included(n)),
    })
}

struct Parser<'a> {
    chars: &'a [char],
    tokens: std::iter::Peekable<std::vec::IntoIter<Token>>,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<&Token> {
        self.tokens.peek()
    }

    fn take(&mut self) -> Option<Token> {
        self.tokens.next()
    }

    /// True when the next token can start a clause.
    fn clause_follows(&mut self) -> bool {
        self.peek().is_some_and(|t| {
            matches!(
                t.tok,
                Tok::LParen
                    | Tok::Not
                    | Tok::Minus
                    | Tok::Field(_)
                    | Tok::Word(_)
                    | Tok::Phrase { .. }
            )
        })
    }

    /// The error for an operator with nothing after it.
    fn missing_right(&self, operator: &Token) -> QueryError {
        let operator_text = text_of(self.chars, operator);
        error(
            operator.start,
            QueryErrorKind::MissingRight {
                operator: operator_text,
            },
        )
    }

    fn or(&mut self, field: Option<Field>) -> Result<Query, QueryError> {
        let mut items = Vec::new();
        push_flat(&mut items, self.and(field)?, false);
        while self.peek().is_some_and(|t| matches!(t.tok, Tok::Or)) {
            let operator = self.take().expect("peeked");
            if !self.clause_follows() {
                return Err(self.missing_right(&operator));
            }
            push_flat(&mut items, self.and(field)?, false);
        }
        Ok(combine(items, Query::Or))
    }

    fn and(&mut self, field: Option<Field>) -> Result<Query, QueryError> {
        if !self.clause_follows() {
            let chars = self.chars;
            return Err(match self.peek() {
                Some(
                    t @ Token {
                        tok: Tok::And | Tok::Or,
                        ..
                    },
                ) => error(
                    t.start,
                    QueryErrorKind::MissingLeft {
                        operator: text_of(chars, t),
                    },
                ),
                Some(t) => error(t.start, QueryErrorKind::UnmatchedParen),
                None => error(self.chars.len(), QueryErrorKind::Empty),
            });
        }
        let mut items = Vec::new();
        push_flat(&mut items, self.unary(field)?, true);
        loop {
            if self.peek().is_some_and(|t| matches!(t.tok, Tok::And)) {
                let operator = self.take().expect("peeked");
                if !self.clause_follows() {
                    return Err(self.missing_right(&operator));
                }
            } else if !self.clause_follows() {
                break;
            }
            push_flat(&mut items, self.unary(field)?, true);
        }
        Ok(combine(items, Query::And))
    }

    fn deeper(&mut self, at: usize) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error(at, QueryErrorKind::TooDeep));
        }
        Ok(())
    }

    fn unary(&mut self, field: Option<Field>) -> Result<Query, QueryError> {
        if !self
            .peek()
            .is_some_and(|t| matches!(t.tok, Tok::Not | Tok::Minus))
        {
            return self.primary(field);
        }
        let operator = self.take().expect("peeked");
        self.deeper(operator.start)?;
        if !self.clause_follows() {
            return Err(self.missing_right(&operator));
        }
        let inner = self.unary(field)?;
        self.depth -= 1;
        Ok(Query::Not(Box::new(inner)))
    }

    /// A group, a field query or a leaf; called only when [`Self::clause_follows`].
    fn primary(&mut self, field: Option<Field>) -> Result<Query, QueryError> {
        let token = self.take().expect("a clause follows");
        match token.tok {
            Tok::LParen => self.group(token.start, field),
            Tok::Field(field) => {
                let value = self.take().expect("the lexer puts a value after a field");
                let span = Span {
                    start: token.start,
                    end: value.end,
                };
                match value.tok {
                    Tok::LParen => self.group(value.start, Some(field)),
                    Tok::Word(text) => leaf(Some(field), text, value.start, span),
                    Tok::Phrase { text, slop } => {
                        phrase(Some(field), text, slop, value.start, span)
                    }
                    Tok::Range { lo, hi } if field == Field::Year => Ok(Query::Range {
                        field,
                        lo,
                        hi,
                        span,
                    }),
                    Tok::Range { .. } => Err(error(token.start, QueryErrorKind::RangeField)),
                    _ => unreachable!("the lexer puts a value after a field"),
                }
            }
            Tok::Word(text) => {
                let span = Span {
                    start: token.start,
                    end: token.end,
                };
                leaf(field, text, token.start, span)
            }
            Tok::Phrase { text, slop } => {
                let span = Span {
                    start: token.start,
                    end: token.end,
                };
                phrase(field, text, slop, token.start, span)
            }
            _ => unreachable!("clause_follows was checked"),
        }
    }

    /// The inside of parentheses opened at `open`, its bare leaves in `field`.
    fn group(&mut self, open: usize, field: Option<Field>) -> Result<Query, QueryError> {
        self.deeper(open)?;
        match self.peek() {
            Some(Token {
                tok: Tok::RParen, ..
            }) => return Err(error(open, QueryErrorKind::EmptyGroup)),
            None => return Err(error(open, QueryErrorKind::UnclosedParen)),
            Some(_) => {}
        }
        let inner = self.or(field)?;
        match self.take() {
            Some(Token {
                tok: Tok::RParen, ..
            }) => {
                self.depth -= 1;
                Ok(inner)
            }
            _ => Err(error(open, QueryErrorKind::UnclosedParen)),
        }
    }
}

/// The token as typed.
fn text_of(chars: &[char], token: &Token) -> String {
    chars[token.start..token.end].iter().collect()
}

/// Adds `query` to the operands of an AND (`and`) or an OR, merging one of the same kind.
fn push_flat(items: &mut Vec<Query>, query: Query, and: bool) {
    match query {
        Query::And(children) if and => items.extend(children),
        Query::Or(children) if !and => items.extend(children),
        query => items.push(query),
    }
}

fn combine(mut items: Vec<Query>, make: fn(Vec<Query>) -> Query) -> Query {
    if items.len() == 1 {
        items.pop().expect("one item")
    } else {
        make(items)
    }
}

/// A `year:` value (starting at `at`) as the range it names.
fn year_range(text: &str, at: usize, span: Span) -> Result<Query, QueryError> {
    let (lo, hi) = year_value(text, at)?;
    Ok(Query::Range {
        field: Field::Year,
        lo,
        hi,
        span,
    })
}

/// A word as a term, a prefix or (on year) a range; `at` is where its text starts.
fn leaf(field: Option<Field>, text: String, at: usize, span: Span) -> Result<Query, QueryError> {
    if field == Some(Field::Year) {
        return year_range(&text, at, span);
    }
    let full_text = field.is_none_or(Field::is_full_text);
    let last = text.chars().count().saturating_sub(1);
    for (i, c) in text.chars().enumerate() {
        match c {
            '*' if i < last => return Err(error(at + i, QueryErrorKind::InnerWildcard)),
            '~' if full_text => return Err(error(at + i, QueryErrorKind::FuzzyTerm)),
            _ => {}
        }
    }
    if let Some(prefix) = text.strip_suffix('*') {
        if prefix.is_empty() {
            return Err(error(at, QueryErrorKind::LoneWildcard));
        }
        let text = prefix.to_string();
        return Ok(Query::Prefix { field, text, span });
    }
    Ok(Query::Term { field, text, span })
}

/// A phrase whose opening quote is at `quote`; on year, `"2015"` is read as the year.
fn phrase(
    field: Option<Field>,
    text: String,
    slop: u32,
    quote: usize,
    span: Span,
) -> Result<Query, QueryError> {
    if field == Some(Field::Year) {
        return year_range(&text, quote + 1, span);
    }
    Ok(Query::Phrase {
        field,
        text,
        slop,
        span,
    })
}
