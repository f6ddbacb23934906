//! BibTeX and biblatex: entries `@type{key, field = value, …}` (braces or parentheses), values
//! in braces, quotes, bare numbers or `@string` macros, joined with `#`; month macros;
//! `@comment`, `@preamble` and text between entries ignored; `@set` (a container of other
//! entries, not a work) ignored too. Field names are case-insensitive and may hold spaces or
//! dashes (`funding_text 1`, `Unique-ID`); keys may be empty or repeated.
//!
//! A broken entry (an unclosed brace, a missing `=`) is reported with its line and skipped;
//! reading resumes at the next line that starts with `@`, so one bad entry costs only itself.
//! A braced value that runs into a line starting with `@type{` is taken as unclosed.

use super::latex;
use super::names::parse_name;
use super::{Diagnostic, Entry, is_missing, year_in};
use crate::model::Author;
use std::collections::HashMap;

/// True when `s` (starting at `@`) looks like `@type{` or `@type(`.
pub fn looks_like_entry_start(s: &str) -> bool {
    let rest = &s[1..];
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    name_len > 0 && rest[name_len..].trim_start().starts_with(['{', '('])
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    line: usize,
    macros: HashMap<String, String>,
}

type Fields = Vec<(String, String)>;

/// Why an entry could not be read.
struct Broken {
    line: usize,
    reason: String,
}

/// Parses BibTeX text, calling `on` per entry.
pub fn parse(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        pos: 0,
        line: 1,
        macros: HashMap::new(),
    };
    while let Some(at) = p.find_at() {
        p.advance_to(at);
        let start_line = p.line;
        let start_pos = p.pos;
        match p.block() {
            Ok(Some((kind, key, fields))) => on(Ok(entry(start_line, kind, key, fields))),
            Ok(None) => {}
            Err(b) => {
                on(Err(Diagnostic {
                    line: b.line.max(start_line),
                    reason: format!("{}; entry starting on line {start_line} skipped", b.reason),
                }));
                p.pos = start_pos;
                p.line = start_line;
                p.skip_to_next_line_at();
            }
        }
    }
}

impl Parser<'_> {
    /// The next `@` that opens a block.
    fn find_at(&self) -> Option<usize> {
        let mut from = self.pos;
        while let Some(off) = memchr::memchr(b'@', &self.b[from..]) {
            let at = from + off;
            if looks_like_entry_start(&self.s[at..]) {
                return Some(at);
            }
            from = at + 1;
        }
        None
    }

    fn advance_to(&mut self, to: usize) {
        self.line += memchr::memchr_iter(b'\n', &self.b[self.pos..to]).count();
        self.pos = to;
    }

    fn skip_to_next_line_at(&mut self) {
        let mut i = self.pos + 1;
        while i < self.b.len() {
            if self.b[i] == b'\n' {
                let mut j = i + 1;
                while j < self.b.len() && (self.b[j] == b' ' || self.b[j] == b'\t') {
                    j += 1;
                }
                if j < self.b.len() && self.b[j] == b'@' && looks_like_entry_start(&self.s[j..]) {
                    self.advance_to(j);
                    return;
                }
            }
            i += 1;
        }
        self.advance_to(self.b.len());
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn bump(&mut self) {
        if self.peek() == Some(b'\n') {
            self.line += 1;
        }
        self.pos += 1;
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_ascii_whitespace() {
                self.bump();
            } else {
                break;
            }
        }
    }

    fn broken(&self, reason: &str) -> Broken {
        Broken {
            line: self.line,
            reason: reason.to_string(),
        }
    }

    fn ident(&mut self) -> &str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b':' | b'.' | b'+' | b'/') {
                self.pos += 1;
            } else {
                break;
            }
        }
        &self.s[start..self.pos]
    }

    /// One `@…` block: an entry, or `None` for `@string`, `@comment`, `@preamble`, `@set`.
    #[allow(clippy::type_complexity)]
    fn block(&mut self) -> Result<Option<(String, String, Fields)>, Broken> {
        self.pos += 1; // '@'
        let kind = self.ident().to_ascii_lowercase();
        self.skip_ws();
        let open = self
            .peek()
            .ok_or_else(|| self.broken("end of file after @type"))?;
        let close = if open == b'(' { b')' } else { b'}' };
        self.bump();
        match kind.as_str() {
            "comment" | "preamble" => {
                self.skip_balanced(close)?;
                return Ok(None);
            }
            "string" => {
                let fields = self.fields(close)?;
                for (name, value) in fields {
                    self.macros.insert(name, value);
                }
                return Ok(None);
            }
            _ => {}
        }
        // The key: up to the first comma (or the closing delimiter for an entry without fields).
        let key_start = self.pos;
        while let Some(c) = self.peek() {
            if c == b',' || c == close || c == b'\n' && self.s[key_start..self.pos].contains('=') {
                break;
            }
            if c == b'=' {
                return Err(self.broken("missing citation key and comma"));
            }
            self.bump();
        }
        let key = self.s[key_start..self.pos].trim().to_string();
        match self.peek() {
            Some(b',') => self.bump(),
            Some(c) if c == close => {
                self.bump();
                return Ok(if kind == "set" {
                    None
                } else {
                    Some((kind, key, Vec::new()))
                });
            }
            _ => return Err(self.broken("unclosed entry")),
        }
        let fields = self.fields(close)?;
        if kind == "set" {
            return Ok(None);
        }
        Ok(Some((kind, key, fields)))
    }

    fn skip_balanced(&mut self, close: u8) -> Result<(), Broken> {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            self.bump();
            match c {
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                _ if c == close && depth == 0 => return Ok(()),
                _ => {}
            }
        }
        Err(self.broken("unclosed @comment or @preamble"))
    }

    /// `name = value, …` up to the closing delimiter.
    fn fields(&mut self, close: u8) -> Result<Fields, Broken> {
        let mut fields = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.broken("unexpected end of file inside an entry")),
                Some(c) if c == close => {
                    self.bump();
                    return Ok(fields);
                }
                Some(b',') => {
                    self.bump();
                    continue;
                }
                Some(b'%') => {
                    // A comment line inside the entry.
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.bump();
                    }
                    continue;
                }
                _ => {}
            }
            let name_start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'=' || c == close || c == b',' || c == b'{' || c == b'"' {
                    break;
                }
                self.bump();
            }
            let name = self.s[name_start..self.pos].trim().to_ascii_lowercase();
            if self.peek() != Some(b'=') {
                return Err(self.broken(&format!("field `{}` has no `=`", super::excerpt(&name))));
            }
            self.bump();
            let value = self.value(close)?;
            if !name.is_empty() {
                fields.push((name, value));
            }
        }
    }

    /// A value: parts joined by `#`.
    fn value(&mut self, close: u8) -> Result<String, Broken> {
        let mut out = String::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'{') => {
                    self.bump();
                    out.push_str(&self.braced()?);
                }
                Some(b'"') => {
                    self.bump();
                    out.push_str(&self.quoted()?);
                }
                Some(c) if c.is_ascii_alphanumeric() || c == b'_' => {
                    let word = self.ident().to_string();
                    let lower = word.to_ascii_lowercase();
                    match self.macros.get(&lower) {
                        Some(v) => out.push_str(v),
                        None => out.push_str(month(&lower).unwrap_or(&word)),
                    }
                }
                _ => return Err(self.broken("a field value is missing")),
            }
            self.skip_ws();
            match self.peek() {
                Some(b'#') => self.bump(),
                Some(b',') => return Ok(out),
                Some(c) if c == close => return Ok(out),
                None => return Err(self.broken("unexpected end of file inside an entry")),
                Some(_) => {
                    return Err(self.broken("expected `,` or the end of the entry after a value"));
                }
            }
        }
    }

    /// Inside `{…}` (the opening brace consumed): the text with inner braces kept.
    fn braced(&mut self) -> Result<String, Broken> {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'\\' => {
                    self.bump();
                    if self.peek().is_some() {
                        self.bump();
                    }
                    continue;
                }
                b'{' => depth += 1,
                b'}' if depth == 0 => {
                    let v = self.s[start..self.pos].to_string();
                    self.bump();
                    return Ok(v);
                }
                b'}' => depth -= 1,
                b'\n' if self.next_line_opens_entry() => {
                    return Err(
                        self.broken("unbalanced braces: the value runs into the next entry")
                    );
                }
                _ => {}
            }
            self.bump();
        }
        Err(self.broken("unbalanced braces: the value is never closed"))
    }

    fn next_line_opens_entry(&self) -> bool {
        let rest = &self.s[self.pos + 1..];
        let t = rest.trim_start_matches([' ', '\t']);
        t.starts_with('@') && looks_like_entry_start(t.lines().next().unwrap_or(""))
    }

    fn quoted(&mut self) -> Result<String, Broken> {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'\\' => {
                    self.bump();
                    if self.peek().is_some() {
                        self.bump();
                    }
                    continue;
                }
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                b'"' if depth == 0 => {
                    let v = self.s[start..self.pos].to_string();
                    self.bump();
                    return Ok(v);
                }
                b'\n' if self.next_line_opens_entry() => {
                    return Err(self.broken("unclosed quote: the value runs into the next entry"));
                }
                _ => {}
            }
            self.bump();
        }
        Err(self.broken("unclosed quote"))
    }
}

fn month(m: &str) -> Option<&'static str> {
    Some(match m {
        "jan" => "January",
        "feb" => "February",
        "mar" => "March",
        "apr" => "April",
        "may" => "May",
        "jun" => "June",
        "jul" => "July",
        "aug" => "August",
        "sep" => "September",
        "oct" => "October",
        "nov" => "November",
        "dec" => "December",
        _ => return None,
    })
}

/// Splits a name list on ` and ` outside braces.
fn split_names(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let (mut depth, mut start, mut i) = (0usize, 0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_ascii_whitespace() => {
                let rest = &s[i..];
                let word = rest.trim_start();
                let wb = word.as_bytes();
                if wb.len() >= 4
                    && wb[..3].eq_ignore_ascii_case(b"and")
                    && wb[3].is_ascii_whitespace()
                {
                    out.push(&s[start..i]);
                    let skip = rest.len() - word.len() + 3;
                    i += skip;
                    start = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect()
}

fn author(raw: &str) -> Author {
    let t = raw.trim();
    if t.starts_with('{') && t.ends_with('}') && !t[1..t.len() - 1].contains(['{', '}']) {
        return Author {
            name: Some(latex::decode(&t[1..t.len() - 1])),
            family: Some(latex::decode(&t[1..t.len() - 1])),
            ..Default::default()
        };
    }
    parse_name(&latex::decode(t))
}

/// The items of a list field (`keywords = {a, b; {c, d}}`): split on commas and semicolons
/// outside braces, so an item in braces keeps its commas (how litscope's export writes them).
fn list(value: &str) -> impl Iterator<Item = &str> {
    let b = value.as_bytes();
    let (mut depth, mut start, mut i) = (0usize, 0usize, 0usize);
    let mut items = Vec::new();
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b',' | b';' if depth == 0 => {
                items.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    items.push(&value[start..]);
    items.into_iter().filter(|k| !k.trim().is_empty())
}

fn entry(line: usize, kind: String, key: String, fields: Fields) -> Entry {
    let mut e = Entry {
        line,
        ..Default::default()
    };
    // The entry type in the raw payload under bibtexparser's name for it.
    e.raw.push("ENTRYTYPE", &kind);
    if !key.is_empty() {
        e.id = Some(key.clone());
        e.raw.push("ID", &key);
    }
    let get = |names: &[&str]| -> Option<&str> {
        names.iter().find_map(|n| {
            fields
                .iter()
                .find(|(k, v)| k == n && !is_missing(v))
                .map(|(_, v)| v.as_str())
        })
    };
    let text = |v: Option<&str>| v.map(latex::decode);
    e.title = text(get(&["title"]));
    if let Some(sub) = get(&["subtitle"]) {
        e.title = Some(match e.title.take() {
            Some(t) => format!("{t}: {}", latex::decode(sub)),
            None => latex::decode(sub),
        });
    }
    let names = get(&["author"]).or_else(|| get(&["editor"]));
    if let Some(names) = names {
        e.authors = split_names(names).into_iter().map(author).collect();
    }
    e.year = get(&["year"])
        .and_then(year_in)
        .or_else(|| get(&["date"]).and_then(year_in));
    e.venue = text(get(&[
        "journal",
        "journaltitle",
        "booktitle",
        "series",
        "publisher",
        "institution",
        "school",
    ]));
    e.volume = text(get(&["volume"]));
    e.issue = text(get(&["number", "issue"]));
    e.pages = get(&["pages"]).map(|p| latex::decode(&p.replace("--", "-")));
    e.abstract_text = text(get(&["abstract"]));
    e.language = text(get(&["language", "langid"]));
    e.url = get(&["url"]).map(latex::decode_verbatim);
    e.pmid = get(&["pmid"]).map(latex::decode_verbatim);
    for (name, value) in &fields {
        e.raw.push(name, value);
        match name.as_str() {
            "doi" => e.dois.push(latex::decode_verbatim(value)),
            "url" | "note" | "howpublished" | "eprint" | "unique-id" | "annote" => {
                e.doi_hints.push(latex::decode_verbatim(value))
            }
            "keywords" | "keyword" | "mendeley-tags" | "author_keywords" => e
                .keywords
                .extend(list(value).map(|k| latex::decode(k).trim().to_string())),
            // biblatex's subtype of the entry type, and the type a report or thesis names
            // (`Working Paper`, `Master's thesis`): finer than the entry type, before it.
            "entrysubtype" | "type" => e
                .kinds
                .extend(list(value).map(|k| latex::decode(k).trim().to_string())),
            "issn" => e.issn.push(latex::decode_verbatim(value)),
            _ => {}
        }
    }
    e.kinds.push(kind);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
        crate::import::parse_all(crate::import::Format::Bibtex, text)
    }

    #[test]
    fn fields_macros_and_concatenation() {
        let text = r#"% comment
@string{jomch = {Journal of Mechanics}}
@STRING(acm = "ACM")
@comment{jabref-meta: groups {x}}
@preamble{"\newcommand{\noop}[1]{}"}
@ARTICLE{Li2020,
author={Li, H. and Wang, {den Hertog} and {World Health Organization}},
title="{Soil} fauna at {\"O}zge's lake",
journal=jomch # { and } # acm,
year=2020, month = mar,
doi={10.1080/20964129.2020.1722034},
funding_text 1={x},
pages = {12--19}
}
@set{s, entryset = {a,b}}
"#;
        let (e, d) = parse_all(text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(e.len(), 1);
        let e = &e[0];
        assert_eq!(e.id.as_deref(), Some("Li2020"));
        assert_eq!(e.line, 6);
        assert_eq!(e.authors.len(), 3);
        assert_eq!(e.authors[0].family.as_deref(), Some("Li"));
        assert_eq!(e.authors[1].given.as_deref(), Some("den Hertog"));
        assert_eq!(
            e.authors[2].name.as_deref(),
            Some("World Health Organization")
        );
        assert_eq!(e.title.as_deref(), Some("Soil fauna at O\u{308}zge's lake"));
        assert_eq!(e.venue.as_deref(), Some("Journal of Mechanics and ACM"));
        assert_eq!(e.year, Some(2020));
        assert_eq!(e.pages.as_deref(), Some("12-19"));
        assert_eq!(e.raw.get("month"), Some("March"));
        assert_eq!(e.raw.get("funding_text 1"), Some("x"));
    }

    #[test]
    fn broken_entries_are_skipped_and_the_rest_read() {
        let cases: &[(&str, usize, usize)] = &[
            ("@article{a, title={open\n@article{b, title={ok}}\n", 1, 1),
            (
                "@article{a, title={x}}\n@article{b, title = }\n@article{c, title={y}}",
                2,
                1,
            ),
            ("@article{a, title={x}", 0, 1),
            ("@article{,\n abstract = {25° C}\n}", 1, 0),
            // An entry with nothing in it is no record (see `import::has_content`).
            ("@misc{k}", 0, 1),
            ("mail me @ home {x}", 0, 0),
            ("@article{a, note = {Language@Internet}, title={t}}", 1, 0),
            ("@article{a,\n% a comment line\n title={t}}", 1, 0),
            ("", 0, 0),
            ("@", 0, 0),
            ("@article{", 0, 1),
        ];
        for &(text, ok, bad) in cases {
            let (e, d) = parse_all(text);
            assert_eq!((e.len(), d.len()), (ok, bad), "{text:?} {d:?}");
        }
        let (_, d) = parse_all("@article{a, title={x}}\n\n@article{b, title = }\n");
        assert_eq!(d[0].line, 3);
    }

    #[test]
    fn list_fields_split_outside_braces_and_types_come_finest_first() {
        let text = r"@techreport{k, keywords = {tillit, {New Public Management, NPM}; b{\o}k, {a;b}},
 type = {Working Paper}, entrysubtype = {review}, institution = {NIBR}, title = {T}}";
        let (e, d) = parse_all(text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            e[0].keywords,
            ["tillit", "New Public Management, NPM", "b\u{f8}k", "a;b"]
        );
        assert_eq!(e[0].kinds, ["Working Paper", "review", "techreport"]);
        assert_eq!(e[0].venue.as_deref(), Some("NIBR"));
        assert_eq!(e[0].raw.get("ENTRYTYPE"), Some("techreport"));
    }

    #[test]
    fn names_split_on_and_outside_braces() {
        assert_eq!(
            split_names("A and {B and C} AND D"),
            ["A", "{B and C}", "D"]
        );
        assert_eq!(split_names("Anderson, X"), ["Anderson, X"]);
    }
}
