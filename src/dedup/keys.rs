//! Normalisers: every field dedup compares, in one comparable form, computed once per record
//! ([`RecordKeys::of`]).
//!
//! Titles and names are folded the same way everywhere ([`fold`]): mojibake repaired
//! (`RosenschÃ¶ld` → `Rosenschöld`), HTML and LaTeX remnants dropped, Unicode NFKC, lower
//! case, Norwegian letters spelled out (`æ` → `ae`, `ø` → `o`, `å` → `aa`, so `Ø` and `O`
//! agree), other accents removed, punctuation to spaces. Pages become numbers (`123-9` =
//! `123-129`, a spreadsheet's `06-Oct` = `6-10`); DOIs lose prefixes and case.

use crate::model::Record;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What dedup compares of one record, normalised.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordKeys {
    /// DOI in canonical form.
    pub doi: Option<String>,
    /// PubMed id (digits).
    pub pmid: Option<String>,
    /// Cristin result id.
    pub cristin: Option<String>,
    /// The title's letters and digits only, folded, after [`clean_title`] (`"A(1) receptors"`
    /// and `"A1 receptors"` agree).
    pub title: String,
    /// The runs of digits in the compacted title, in order (`Volume 1`, `Part 2`; `A(1)` and
    /// `A1` agree).
    pub title_numbers: Vec<String>,
    /// The same for each translation of the title (`other_titles`).
    pub other_titles: Vec<String>,
    /// Publication year.
    pub year: Option<i32>,
    /// Folded surnames in byline order (see [`surnames`]).
    pub authors: Vec<String>,
    /// Folded venue words without stop words (see [`venue_words`]).
    pub venue: Vec<String>,
    /// ISSNs, upper case.
    pub issn: Vec<String>,
    /// The volume's leading number.
    pub volume: Option<String>,
    /// The issue's leading number.
    pub issue: Option<String>,
    /// The first page (or article number) in comparable form (see [`pages`]).
    pub first_page: Option<String>,
    /// Whether `first_page` is an article number (`e0033693`, a lone number of 5+ digits)
    /// rather than a printed page.
    pub article_number: bool,
    /// The last page, expanded (`123-9` → `129`).
    pub last_page: Option<String>,
    /// An erratum, reply, comment, correction, retraction or protocol rather than an article.
    pub notice: Option<Notice>,
    /// Published in a supplement or meeting issue: a conference abstract (Rathbone).
    pub meeting_abstract: bool,
    /// What the source's type says the record is, when it says.
    pub kind: Option<Kind>,
}

/// Broad publication types, from the source's own type names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Journal article (`article`, `JOUR`, `journal-article`, `Journal Article`).
    Article,
    /// Conference paper (`inproceedings`, `CONF`, `proceedings-article`).
    Conference,
    /// Book or book chapter.
    Book,
}

/// The broad type of a source's type name; `None` when it says nothing useful.
pub fn kind(name: &str) -> Option<Kind> {
    let n = name.to_lowercase();
    if n.contains("proceedings") || n.contains("conf") || n.contains("paper-conference") {
        Some(Kind::Conference)
    } else if n.contains("chapter")
        || n.contains("book")
        || n.contains("incollection")
        || n == "chap"
    {
        Some(Kind::Book)
    } else if n.contains("article") || n == "jour" || n.contains("journal") {
        Some(Kind::Article)
    } else {
        None
    }
}

/// Kinds of records that share an article's title but are not the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Erratum, correction, corrigendum.
    Erratum,
    /// Reply, response, comment, letter about an article.
    Comment,
    /// Retraction or expression of concern.
    Retraction,
    /// A study or review protocol.
    Protocol,
}

impl RecordKeys {
    /// The keys of one record.
    pub fn of(r: &Record) -> Self {
        let [doi, pmid, cristin] = identifiers(r);
        let raw_title = r.title.as_deref().unwrap_or("");
        let (first_page, last_page) = r.pages.as_deref().map(pages).unwrap_or_default();
        let pages_text = r.pages.as_deref().unwrap_or("").trim().to_lowercase();
        // `e0033693`, BMJ's `a1754`, or a lone number of five digits or more.
        let prefixed = pages_text.starts_with(|c: char| c.is_ascii_alphabetic());
        let article_number = (first_page.is_none() && r.article_number.is_some())
            || pages_text.starts_with('e')
            || (last_page.is_none()
                && first_page
                    .as_ref()
                    .is_some_and(|f| f.len() >= 5 || (prefixed && f.len() >= 4)));
        let first_page =
            first_page.or_else(|| r.article_number.as_deref().and_then(|a| pages(a).0));
        let issue = r.issue.as_deref().unwrap_or("");
        let volume_text = r.volume.as_deref().unwrap_or("");
        let title = compact(&clean_title(raw_title));
        RecordKeys {
            doi,
            pmid,
            cristin,
            title_numbers: title
                .split(|c: char| !c.is_ascii_digit())
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect(),
            title,
            other_titles: r
                .other_titles
                .values()
                .map(|t| compact(&clean_title(t)))
                .filter(|t| !t.is_empty())
                .collect(),
            year: r.year,
            authors: surnames(&r.authors),
            venue: r.venue.as_deref().map(venue_words).unwrap_or_default(),
            issn: r.issn.iter().map(|i| i.to_ascii_uppercase()).collect(),
            volume: leading_number(volume_text),
            issue: leading_number(issue),
            first_page,
            article_number,
            last_page,
            notice: notice(raw_title, r.kind.as_deref()),
            kind: r.kind.as_deref().and_then(kind),
            meeting_abstract: is_supplement(issue)
                || is_supplement(volume_text)
                || r.venue.as_deref().is_some_and(is_meeting_venue),
        }
    }
}

/// The exact identifiers of a record: DOI, PMID, Cristin id (normalised), cheap to compute.
pub fn identifiers(r: &Record) -> [Option<String>; 3] {
    [
        r.doi.as_deref().and_then(doi),
        r.ids.get("pmid").and_then(|p| digits_id(p)),
        r.ids.get("cristin").and_then(|p| digits_id(p)),
    ]
}

/// A DOI in canonical form ([`crate::text::normalize_doi`]), also from a DOI written inside a
/// URL or a note.
pub fn doi(s: &str) -> Option<String> {
    let d = crate::text::normalize_doi(s).or_else(|| crate::import::doi_in(s))?;
    // A DOI cut out of a publisher's link keeps the link's tail (`….pdf`, `/abstract`).
    const TAILS: &[&str] = &[
        ".pdf",
        ".html",
        ".htm",
        ".xml",
        "/abstract",
        "/full",
        "/pdf",
        "/epdf",
        "/summary",
        "/fulltext",
    ];
    let mut d = d.as_str();
    while let Some(t) = TAILS.iter().find(|t| d.ends_with(*t)) {
        d = &d[..d.len() - t.len()];
    }
    Some(d.to_string())
}

/// An identifier made of digits (`PMID: 12345` → `12345`); `None` when there are none.
fn digits_id(s: &str) -> Option<String> {
    let d: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    let d = d.trim_start_matches('0');
    (!d.is_empty()).then(|| d.to_string())
}

/// Folded text without its spaces: `17 beta-Estradiol` = `17beta-estradiol`.
pub fn compact(s: &str) -> String {
    fold(s).chars().filter(|c| *c != ' ').collect()
}

/// Languages that databases name after a title, before its original-language version
/// (`Adaptation of myocardium to ischemia. Russian`, `... . German Hohenexposition ...`).
const LANGUAGES: &[&str] = &[
    "chinese",
    "russian",
    "german",
    "french",
    "italian",
    "spanish",
    "japanese",
    "polish",
    "ukrainian",
    "portuguese",
    "dutch",
    "czech",
    "hungarian",
    "norwegian",
    "swedish",
    "danish",
    "finnish",
    "turkish",
    "korean",
    "hebrew",
    "croatian",
    "serbian",
    "slovak",
    "slovenian",
    "romanian",
    "greek",
    "bulgarian",
    "persian",
    "arabic",
    "lithuanian",
    "estonian",
    "latvian",
];

/// A title without what databases add around it: square-bracketed notes (`[Review] [45 refs]`,
/// `[Chinese]`, `[Erratum appears in …]`) — a title wholly in brackets (a translated title)
/// keeps its text —, a trailing `(Provisional abstract)` or `(author's transl)`, and a
/// trailing `. Russian …` naming the original language.
pub fn clean_title(t: &str) -> String {
    let t = t.trim().trim_end_matches('.').trim();
    let t = match t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(inner) if !inner.contains(['[', ']']) => inner,
        _ => t,
    };
    let mut out = String::with_capacity(t.len());
    let mut depth = 0usize;
    for c in t.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let mut out = out.trim().trim_end_matches('.').trim().to_string();
    if out.is_empty() {
        return t.to_string();
    }
    let lower = out.to_lowercase();
    if lower.ends_with(')')
        && let Some(open) = lower.rfind('(')
    {
        let note = &lower[open + 1..lower.len() - 1];
        if note.contains("provisional abstract") || note.contains("transl") {
            out.truncate(open);
        }
    }
    let lower = out.to_lowercase();
    let mut cut = None;
    for (i, _) in lower.match_indices(". ") {
        let rest = &lower[i + 2..];
        if LANGUAGES.iter().any(|l| {
            rest.starts_with(l)
                && rest[l.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        }) {
            cut = Some(i);
            break;
        }
    }
    if let Some(i) = cut {
        out.truncate(i);
    }
    out.trim().to_string()
}

/// What kind of notice a title (or the source's type) says the record is.
pub fn notice(title: &str, kind: Option<&str>) -> Option<Notice> {
    let t = fold(title);
    let starts = |prefixes: &[&str]| {
        prefixes
            .iter()
            .any(|p| t.starts_with(p) && t[p.len()..].chars().next().is_none_or(|c| c == ' '))
    };
    let kind = kind.map(str::to_lowercase).unwrap_or_default();
    if starts(&[
        "erratum",
        "errata",
        "correction",
        "corrigendum",
        "correcting",
        "notice of correction",
    ]) || kind.contains("erratum")
        || kind.contains("correction")
    {
        return Some(Notice::Erratum);
    }
    if starts(&[
        "retraction",
        "retracted",
        "withdrawn",
        "notice of retraction",
        "expression of concern",
    ]) || kind.contains("retraction")
    {
        return Some(Notice::Retraction);
    }
    if starts(&[
        "reply",
        "in reply",
        "response",
        "authors reply",
        "author reply",
        "the authors reply",
        "comment",
        "comments",
        "commentary on",
        "re",
        "letter to the editor",
        "a response",
    ]) || kind.contains("comment")
    {
        return Some(Notice::Comment);
    }
    if t.contains("study protocol")
        || t.contains("a protocol for")
        || t.contains("protocol for a")
        || t.ends_with(" protocol")
        || t.contains("review protocol")
        || t.contains("trial protocol")
        || t.starts_with("protocol")
    {
        return Some(Notice::Protocol);
    }
    None
}

/// A volume or issue text that names a supplement (`Suppl 1`, `S1`, `(S1)`, `Supplement`).
fn is_supplement(s: &str) -> bool {
    let l = s.to_lowercase();
    l.contains("suppl")
        || l.split(|c: char| !c.is_alphanumeric()).any(|w| {
            w.len() >= 2 && w.starts_with('s') && w[1..].chars().all(|c| c.is_ascii_digit())
        })
}

/// A venue that publishes meeting abstracts.
fn is_meeting_venue(v: &str) -> bool {
    let l = v.to_lowercase();
    [
        "suppl",
        "abstract",
        "meeting",
        "congress",
        "annual scientific session",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// The leading number of a volume (`54 (5)` → `54`); `None` without one.
fn leading_number(s: &str) -> Option<String> {
    let d: String = s.trim().chars().take_while(char::is_ascii_digit).collect();
    let d = d.trim_start_matches('0');
    (!d.is_empty()).then(|| d.to_string())
}

/// First and last page in comparable form: letter prefixes dropped when digits follow
/// (`H1288` → `1288`, `e005645` → `5645`), leading zeros dropped, a shortened last page
/// expanded (`2013-9` → `2019`), and a spreadsheet's month names read back as the numbers
/// they were (`06-Oct` and `10-Jun` → `6`–`10`).
pub fn pages(s: &str) -> (Option<String>, Option<String>) {
    let lower = s.trim().to_lowercase();
    if lower.is_empty() || lower.contains("pagination") {
        return (None, None);
    }
    let mut tokens: Vec<&str> = lower
        .split(['-', '–', ',', ';', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    // `II-221-5`: a letter prefix written apart from its number.
    if tokens.len() >= 2
        && tokens[0].chars().all(|c| "ivxlcdm".contains(c))
        && tokens[1].chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        tokens.remove(0);
    }
    let mut parts = tokens.into_iter();
    let first = parts.next().map(page_token);
    let last = parts.next().map(page_token);
    let (first, last) = match (first, last) {
        // A day-first spreadsheet read `6-10` as 6 October (`06-Oct`) and `11-19` as
        // November 2019 (`Nov-19`).
        (Some(PageToken::Page(p)), Some(PageToken::Month(m))) => {
            let m = m.to_string();
            let last = expand(&p, &m);
            (Some(p), Some(last))
        }
        (Some(PageToken::Month(m)), Some(PageToken::Page(p))) => (Some(m.to_string()), Some(p)),
        (Some(PageToken::Month(m)), _) => (Some(m.to_string()), None),
        (Some(PageToken::Page(f)), Some(PageToken::Page(l))) => {
            let l = if l.len() < f.len()
                && f.chars().all(|c| c.is_ascii_digit())
                && l.chars().all(|c| c.is_ascii_digit())
            {
                format!("{}{}", &f[..f.len() - l.len()], l)
            } else {
                l
            };
            (Some(f), Some(l))
        }
        (Some(PageToken::Page(f)), _) => (Some(f), None),
        (None, _) => (None, None),
    };
    (
        first.filter(|f| !f.is_empty()),
        last.filter(|l| !l.is_empty()),
    )
}

/// A shortened last page written out: `2013`, `9` → `2019`.
fn expand(first: &str, last: &str) -> String {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if last.len() < first.len() && digits(first) && digits(last) {
        format!("{}{}", &first[..first.len() - last.len()], last)
    } else {
        last.to_string()
    }
}

enum PageToken {
    Page(String),
    Month(u32),
}

fn page_token(t: &str) -> PageToken {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if let Some(m) = MONTHS.iter().position(|m| *m == t) {
        return PageToken::Month(m as u32 + 1);
    }
    let digits_from = t.find(|c: char| c.is_ascii_digit());
    let t = match digits_from {
        Some(i) if t[..i].chars().all(|c| c.is_ascii_alphabetic()) => {
            let d: String = t[i..].chars().take_while(char::is_ascii_digit).collect();
            d.trim_start_matches('0').to_string()
        }
        _ => t.trim_end_matches('.').to_string(),
    };
    // Words without digits (`Suppl`, `Pt`) are no page; roman numerals are.
    if !t.chars().any(|c| c.is_ascii_digit()) && !t.chars().all(|c| "ivxlcdm".contains(c)) {
        return PageToken::Page(String::new());
    }
    PageToken::Page(t)
}

/// Folded surnames in byline order, whatever the list looked like: `Smith, J. A.`,
/// `Smith JA`, glued lists (`Adeli K.Lewis G. F.`), `et al.`. Initials (one to three capital
/// letters) and particles of one letter are dropped; `Jr`, `et`, `al` too.
pub fn surnames(authors: &[crate::model::Author]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in authors {
        let text = match (&a.family, &a.given, &a.name) {
            (Some(f), Some(g), _) => format!("{f} {g}"),
            (Some(f), None, _) => f.clone(),
            (None, _, Some(n)) => n.clone(),
            (None, Some(g), None) => g.clone(),
            (None, None, None) => continue,
        };
        let text = repair_mojibake(&text);
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
            let letters = word.chars().filter(|c| c.is_alphabetic()).count();
            if letters < 2 {
                continue;
            }
            let initials =
                letters <= 3 && word.chars().all(|c| c.is_uppercase() || !c.is_alphabetic());
            if initials {
                continue;
            }
            let f = compact(word);
            if matches!(f.as_str(), "jr" | "sr" | "et" | "al" | "ii" | "iii") || f.is_empty() {
                continue;
            }
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// Words of a venue name, folded, without stop words and punctuation: `Obstetrics &
/// Gynecology` = `Obstetrics and Gynecology`.
pub fn venue_words(v: &str) -> Vec<String> {
    const STOP: &[&str] = &[
        "and", "of", "the", "for", "in", "on", "de", "la", "des", "der", "und", "et", "fur", "a",
        "an",
    ];
    let v = &clean_title(v);
    let folded = fold(v);
    // What follows a colon or " = " is a subtitle ("…Cancer : official journal of …"), and
    // what follows "Conference" names the meeting ("Circulation. Conference: …").
    let main = v.find([':', '=']).map_or(folded.clone(), |i| fold(&v[..i]));
    let main = if main.is_empty() { folded } else { main };
    let words: Vec<String> = main
        .split(' ')
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(str::to_string)
        .collect();
    match words.iter().position(|w| w == "conference") {
        Some(i) if i > 0 => words[..i].to_vec(),
        _ => words,
    }
}

/// Text made comparable: mojibake repaired, markup and LaTeX commands dropped, NFKC, lower
/// case, `æ ø å` → `ae o aa`, other diacritics removed, everything that is not a letter or a
/// digit a word break; words joined by single spaces.
pub fn fold(s: &str) -> String {
    if s.is_ascii() && !s.contains(['<', '&', '\\', '{', '}', '$']) {
        return fold_ascii(s);
    }
    fold_unicode(s)
}

fn fold_unicode(s: &str) -> String {
    let repaired = repair_mojibake(s);
    let stripped = strip_markup(&repaired);
    let mut out = String::with_capacity(stripped.len());
    for c in stripped.nfkc().flat_map(char::to_lowercase) {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push('o'),
            'å' => out.push_str("aa"),
            'ß' => out.push_str("ss"),
            '\'' | '’' | '‘' | 'ʼ' => {} // "Alzheimer's" = "Alzheimers"
            c if c.is_alphanumeric() && c.is_ascii() => out.push(c),
            c if c.is_alphanumeric() => {
                out.extend(c.to_string().nfd().filter(|d| !is_combining_mark(*d)));
            }
            c if is_combining_mark(c) => {}
            _ => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// [`fold`] of plain ASCII text (most titles and names), without Unicode tables.
fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'\'' => {}
            b if b.is_ascii_alphanumeric() => out.push(b.to_ascii_lowercase() as char),
            _ => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// UTF-8 read as Latin-1/Windows-1252 (`Ã¶` for `ö`, `Ã¸` for `ø`): the bytes re-read as
/// UTF-8 when the text contains such pairs and the result is valid.
pub fn repair_mojibake(s: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if !s.contains(['Ã', 'Â', 'Å', 'â']) {
        return Cow::Borrowed(s);
    }
    let mut bytes = Vec::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        if u < 0x100 {
            bytes.push(u as u8);
        } else if let Some(b) = cp1252_byte(c) {
            bytes.push(b);
        } else {
            return Cow::Borrowed(s);
        }
    }
    match String::from_utf8(bytes) {
        Ok(t) if t != s => Cow::Owned(t),
        _ => Cow::Borrowed(s),
    }
}

/// The Windows-1252 byte of the characters it puts in 0x80–0x9F.
fn cp1252_byte(c: char) -> Option<u8> {
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => return None,
    })
}

/// HTML tags (`<i>`, `</sup>`), entities (`&amp;`) and LaTeX commands (`\emph{`, `{\"o}`)
/// removed, keeping the text they wrap; LaTeX accents applied (`\"o` → `ö`).
pub fn strip_markup(s: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if !s.contains(['<', '&', '\\', '{', '}', '$']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == '/') =>
            {
                let rest: String = chars.clone().take(40).collect();
                if let Some(end) = rest.find('>') {
                    for _ in 0..=end {
                        chars.next();
                    }
                    out.push(' ');
                } else {
                    out.push(c);
                }
            }
            '&' => {
                let rest: String = chars.clone().take(10).collect();
                match rest.find(';') {
                    Some(end) if end > 0 => {
                        let entity = &rest[..end];
                        let decoded = match entity {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            "nbsp" => Some(' '),
                            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                                .ok()
                                .and_then(char::from_u32),
                            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
                            _ => None,
                        };
                        if entity
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '#')
                        {
                            for _ in 0..=end {
                                chars.next();
                            }
                            out.push(decoded.unwrap_or(' '));
                        } else {
                            out.push(c);
                        }
                    }
                    _ => out.push(c),
                }
            }
            '\\' => {
                // An accent command applies to the next letter: \"o, \'{e}, \aa, \o.
                let name: String = chars
                    .clone()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                if name.is_empty() {
                    let Some(accent) = chars.next() else { break };
                    let mut letter = chars.next();
                    if letter == Some('{') {
                        letter = chars.next();
                        if chars.peek() == Some(&'}') {
                            chars.next();
                        }
                    }
                    let combining = match accent {
                        '"' => Some('\u{308}'),
                        '\'' => Some('\u{301}'),
                        '`' => Some('\u{300}'),
                        '^' => Some('\u{302}'),
                        '~' => Some('\u{303}'),
                        _ => None,
                    };
                    if let Some(l) = letter {
                        out.push(l);
                        if let Some(m) = combining {
                            out.push(m);
                        }
                    }
                } else {
                    for _ in 0..name.chars().count() {
                        chars.next();
                    }
                    match name.as_str() {
                        "o" => out.push('ø'),
                        "O" => out.push('Ø'),
                        "aa" => out.push('å'),
                        "AA" => out.push('Å'),
                        "ae" => out.push('æ'),
                        "AE" => out.push('Æ'),
                        "ss" => out.push('ß'),
                        _ => out.push(' '),
                    }
                }
            }
            '{' | '}' | '$' => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_letters_fold_consistently() {
        assert_eq!(fold("Økonomi og Styring"), "okonomi og styring");
        assert_eq!(fold("Økonomi og styring"), fold("Okonomi og styring"));
        assert_eq!(
            fold("Kvalitet i helse- og omsorgstjenester"),
            "kvalitet i helse og omsorgstjenester"
        );
        assert_eq!(
            fold("Tildeling av sykehjemsplass: Æ og Å"),
            "tildeling av sykehjemsplass ae og aa"
        );
        // NFD input (as macOS writes it) folds like NFC.
        assert_eq!(fold("Tilla\u{30a}t"), fold("Tillåt"));
    }

    #[test]
    fn the_ascii_fast_path_agrees_with_the_full_fold() {
        for s in [
            "A(1) or A(3) adenosine receptors",
            "Alzheimer's disease: a review.",
            "  Spaces   and--dashes ",
            "HPV-16/18 genotyping",
            "",
            "'quoted'",
        ] {
            assert_eq!(fold_ascii(s), fold_unicode(s), "{s:?}");
        }
    }

    #[test]
    fn mojibake_is_repaired_before_folding() {
        assert_eq!(repair_mojibake("RosenschÃ¶ld"), "Rosenschöld");
        assert_eq!(fold("RosenschÃ¶ld P."), fold("Rosenschöld P."));
        assert_eq!(fold("Ã˜stergaard"), fold("Østergaard"));
        // Real Latin-1 text that merely contains Ã stays as it is.
        assert_eq!(repair_mojibake("SÃO PAULO"), "SÃO PAULO");
    }

    #[test]
    fn markup_and_latex_remnants_are_dropped() {
        assert_eq!(
            fold("The <i>Drosophila</i> gene &amp; its <sup>2</sup> forms"),
            "the drosophila gene its 2 forms"
        );
        assert_eq!(
            fold("M{\\\"u}ller's {\\emph{Rosenschöld}} \\o{}"),
            "mullers rosenschold o"
        );
        assert_eq!(fold("Alzheimer's disease"), fold("Alzheimer’s Disease."));
        assert_eq!(fold("Na\u{ef}ve \u{fb01}ndings"), "naive findings");
    }

    #[test]
    fn dois_lose_prefixes_and_case() {
        assert_eq!(
            doi("https://dx.doi.org/10.1016/J.JSIS.2021.101694").as_deref(),
            Some("10.1016/j.jsis.2021.101694")
        );
        assert_eq!(
            doi("see doi:10.1186/s13643-015-0198-x.").as_deref(),
            Some("10.1186/s13643-015-0198-x")
        );
        assert_eq!(doi("not a doi"), None);
        assert_eq!(
            doi("10.1007/s12020-015-0852-y.pdf"),
            doi("10.1007/s12020-015-0852-y")
        );
        assert_eq!(
            doi("https://onlinelibrary.wiley.com/doi/10.1111/jan.13595/abstract").as_deref(),
            Some("10.1111/jan.13595")
        );
    }

    #[test]
    fn database_notes_around_titles_are_dropped() {
        for (raw, clean) in [
            (
                "Cervical neoplasia and the HIV-infected patient. [Review] [70 refs]",
                "Cervical neoplasia and the HIV-infected patient",
            ),
            (
                "[Comparative characteristics of in vivo models of hyperlipidemia]",
                "Comparative characteristics of in vivo models of hyperlipidemia",
            ),
            (
                "Efficacy of batroxobin. [Chinese]",
                "Efficacy of batroxobin",
            ),
            (
                "HPV testing after CIN 3: meta-analysis (Provisional abstract)",
                "HPV testing after CIN 3: meta-analysis",
            ),
            (
                "Adaptation of myocardium to ischemia. Russian",
                "Adaptation of myocardium to ischemia",
            ),
            (
                "Altitude exposure induces hypoxic preconditioning. German Hohenexposition induziert",
                "Altitude exposure induces hypoxic preconditioning",
            ),
            (
                "Evaluating the risk.[Erratum appears in Cancer Epidemiol Biomarkers Prev. 2006]",
                "Evaluating the risk",
            ),
            // A trial's own parenthesis is part of the title.
            ("Trial results (part 1)", "Trial results (part 1)"),
        ] {
            assert_eq!(clean_title(raw), clean, "{raw}");
        }
        assert_eq!(
            compact(&clean_title("A(1) receptors and K(ATP) channels")),
            compact("A1 receptors and KATP channels")
        );
        assert_eq!(compact("17 beta-Estradiol"), compact("17beta-estradiol"));
    }

    #[test]
    fn pages_compare_as_numbers() {
        let p = |s: &str| pages(s);
        let some = |a: &str, b: &str| (Some(a.to_string()), Some(b.to_string()));
        assert_eq!(p("123-9"), some("123", "129"));
        assert_eq!(p("2013-9"), p("2013-2019"));
        assert_eq!(p("H1288-H1295"), some("1288", "1295"));
        assert_eq!(p("II-221-5; discussion II-225-6"), some("221", "225"));
        // Spreadsheets read `6-10` as 6 October and `11-19` as November 2019.
        assert_eq!(p("06-Oct"), some("6", "10"));
        assert_eq!(p("Nov-19"), some("11", "19"));
        assert_eq!(p("11-Sep"), p("11-19"));
        assert_eq!(p("iii--xi"), some("iii", "xi"));
        assert_eq!(p("e0033693"), (Some("33693".into()), None));
        assert_eq!(p("No Pagination Specified"), (None, None));
        assert_eq!(p("Suppl-29").0, None);
    }

    #[test]
    fn surnames_whatever_the_list_looks_like() {
        let a = |f: &str, g: Option<&str>| crate::model::Author {
            family: Some(f.into()),
            given: g.map(str::to_string),
            ..Default::default()
        };
        // A glued list the importer could not split: one "author".
        assert_eq!(
            surnames(&[a("Adeli K.Lewis G.", Some("F."))]),
            ["adeli", "lewis"]
        );
        assert_eq!(
            surnames(&[a("Kirsch M.Farhat F.Garnier J. P.Loisance", Some("D."))]),
            ["kirsch", "farhat", "garnier", "loisance"]
        );
        assert_eq!(
            surnames(&[a("RosenschÃ¶ld", Some("P. M.")), a("Økland", Some("T"))]),
            ["rosenschold", "okland"]
        );
        assert_eq!(
            surnames(&[a("Wright Jr.", Some("T C")), a("al.", None), a("et", None)]),
            ["wright"]
        );
    }

    #[test]
    fn journal_names_and_abbreviations() {
        assert_eq!(
            venue_words("Obstetrics & Gynecology"),
            venue_words("Obstetrics and Gynecology")
        );
        assert_eq!(
            venue_words("PLoS ONE [Electronic Resource]"),
            venue_words("PLoS ONE")
        );
        assert_eq!(
            venue_words(
                "International journal of gynecological cancer : official journal of the International Gynecological Cancer Society"
            ),
            venue_words("International Journal of Gynecological Cancer")
        );
        assert_eq!(
            venue_words("Circulation. Conference: American Heart Association Scientific Sessions"),
            ["circulation"]
        );
        assert_eq!(
            venue_words("Tidsskrift for Den norske legeforening"),
            ["tidsskrift", "den", "norske", "legeforening"]
        );
    }

    #[test]
    fn notices_are_recognised() {
        assert_eq!(
            notice(
                "Erratum: Gain-of-function mutations in complement factor B",
                None
            ),
            Some(Notice::Erratum)
        );
        assert_eq!(
            notice("Correction to: Home care in Norway", None),
            Some(Notice::Erratum)
        );
        assert_eq!(
            notice("Atypical HUS - Reply", None),
            None,
            "a trailing Reply is left to the titles' similarity"
        );
        assert_eq!(
            notice("Reply to Hansen et al.", None),
            Some(Notice::Comment)
        );
        assert_eq!(notice("Retraction notice", None), Some(Notice::Retraction));
        assert_eq!(
            notice("Allocation of home care: a study protocol", None),
            Some(Notice::Protocol)
        );
        assert_eq!(notice("Anything", Some("Erratum")), Some(Notice::Erratum));
        assert_eq!(notice("Correctional health care in prisons", None), None);
        assert_eq!(notice("Responsiveness of home care services", None), None);
    }

    #[test]
    fn publication_types() {
        assert_eq!(kind("inproceedings"), Some(Kind::Conference));
        assert_eq!(kind("journal-article"), Some(Kind::Article));
        assert_eq!(kind("JOUR"), Some(Kind::Article));
        assert_eq!(kind("book-chapter"), Some(Kind::Book));
        assert_eq!(kind("misc"), None);
    }

    #[test]
    fn digit_ids() {
        assert_eq!(digits_id("PMID: 0012345").as_deref(), Some("12345"));
        assert_eq!(digits_id("none"), None);
    }
}
