//! Text from the internet made safe and comparable: markup (JATS, HTML) to plain text,
//! terminal control characters and escape sequences removed, Unicode NFC, whitespace
//! collapsed, and identifiers (DOI, ORCID) in one canonical form.
//!
//! Every text field of a [`crate::model::Record`] goes through [`clean_line`] or
//! [`clean_block`] when it is built, and everything shown on a terminal goes through
//! [`for_terminal`] once more, so a hostile title can neither move the cursor nor change
//! colours. Markup is parsed with `scraper` (html5ever), which also decodes entities; plain
//! text skips the parser, because a literal `a<b` in a plain-text export is not a tag.

use scraper::{Html, Node};
use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// One-line text: markup stripped, control characters removed, NFC, all whitespace
/// (line breaks included) collapsed to single spaces, trimmed.
pub fn clean_line(s: &str) -> String {
    if is_clean_line(s) {
        return s.to_string();
    }
    let text = decode(s);
    collapse_whitespace(&text)
}

/// [`clean_line`] of an owned string: the string itself when it is already clean (most are),
/// without copying it.
pub fn clean_line_owned(s: String) -> String {
    if is_clean_line(&s) { s } else { clean_line(&s) }
}

/// True when [`clean_line`] would return `s` unchanged: no markup, no control or bidi
/// characters, single spaces only, no space at either end, NFC. Most titles, names and
/// abstracts are like this, and checking is far cheaper than cleaning.
fn is_clean_line(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // Branch-free over the whole text (the compiler vectorises it), then one search for a
    // double space: much faster than a byte loop with early exits on long abstracts.
    // Branch-free over the whole text (the compiler vectorises it), then SIMD searches for a
    // double space and for a character that may start markup: much faster than a byte loop
    // with early exits on long abstracts.
    let control = b
        .iter()
        .fold(false, |acc, &c| acc | (c < 0x20) | (c == 0x7f));
    if control || memchr::memmem::find(b, b"  ").is_some() {
        return false;
    }
    // `a<b` and `R&D` in plain text are kept as they are; only real markup is cleaned.
    if memchr::memchr2(b'<', b'&', b).is_some() && looks_like_markup(s) {
        return false;
    }
    s.is_ascii()
        || non_ascii_runs(s).all(|run| {
            run.chars()
                .all(|c| !is_control_like(c) && !c.is_whitespace())
                && is_nfc_quick(run.chars()) == IsNormalized::Yes
        })
}

/// The maximal runs of non-ASCII characters of `s`. ASCII text needs no character-level
/// check: it is NFC, and an ASCII character (combining class 0) resets the NFC quick check,
/// so checking each run on its own gives the answer for the whole text.
fn non_ascii_runs(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        // Eight bytes at a time while they are all ASCII.
        while let Some(word) = b.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            if word & 0x8080_8080_8080_8080 != 0 {
                break;
            }
            i += 8;
        }
        let start = i + b[i..].iter().position(|c| !c.is_ascii())?;
        let len = b[start..]
            .iter()
            .position(u8::is_ascii)
            .unwrap_or(b.len() - start);
        i = start + len;
        // Both ends are character boundaries: a run starts at a non-ASCII lead byte after an
        // ASCII byte (or the start) and ends before an ASCII byte (or at the end).
        Some(&s[start..i])
    })
}

/// Multi-paragraph text (abstracts): like [`clean_line`] within each paragraph, paragraphs
/// separated by one blank line. A leading heading that only says "Abstract" is dropped.
pub fn clean_block(s: &str) -> String {
    let text = decode(s);
    let mut paragraphs: Vec<String> = text
        .split("\n\n")
        .map(collapse_whitespace)
        .filter(|p| !p.is_empty())
        .collect();
    if paragraphs.len() > 1 && is_abstract_heading(&paragraphs[0]) {
        paragraphs.remove(0);
    }
    paragraphs.join("\n\n")
}

/// `Some(cleaned)` unless the cleaned text is empty.
pub fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

/// Markup → text with paragraph breaks as `"\n\n"`, then control characters out, then NFC.
fn decode(s: &str) -> String {
    let text: Cow<str> = if looks_like_markup(s) {
        Cow::Owned(markup_to_text(s))
    } else {
        // Plain text: keep its own paragraph breaks (blank lines, CRLF or CR).
        Cow::Borrowed(s)
    };
    let text: Cow<str> = if has_controls(&text) {
        Cow::Owned(strip_controls(&text, true))
    } else {
        text
    };
    nfc(&text).into_owned()
}

/// True when [`strip_controls`] (keeping line breaks) would change `s`: a control character
/// other than `\n` (tabs and CR included), DEL, or a bidi override.
fn has_controls(s: &str) -> bool {
    s.bytes().fold(false, |acc, c| {
        acc | ((c < 0x20) & (c != b'\n')) | (c == 0x7f)
    }) || non_ascii_runs(s).any(|run| run.chars().any(is_control_like))
}

/// Unicode NFC, without allocating when the text already is NFC.
pub fn nfc(s: &str) -> Cow<'_, str> {
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => Cow::Borrowed(s),
        _ => Cow::Owned(s.nfc().collect()),
    }
}

/// Text for a terminal: escape sequences and control characters removed, line breaks and
/// tabs turned into spaces. Use it on everything that came from outside before printing.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    if s.chars()
        .all(|c| !is_control_like(c) && c != '\n' && c != '\t')
    {
        return Cow::Borrowed(s);
    }
    Cow::Owned(strip_controls(s, false))
}

/// True when `s` holds markup: a closing tag (`</p>`, `</jats:p>`), a self-closing tag
/// (`<br/>`), a bare `<br>` or `<p>`, or an entity (`&amp;`, `&#233;`). An opening tag alone
/// is not enough: plain text says `a<b for n > 3` too.
fn looks_like_markup(s: &str) -> bool {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'<' => {
                let rest = &b[i + 1..];
                if rest.first() == Some(&b'/') && rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
                    return true;
                }
                if rest.first().is_some_and(u8::is_ascii_alphabetic) {
                    let tag_end = rest.iter().position(|&c| c == b'>' || c == b'<');
                    if let Some(end) = tag_end
                        && rest[end] == b'>'
                        && (rest[..end].ends_with(b"/")
                            || matches!(&rest[..end], b"br" | b"p" | b"hr"))
                    {
                        return true;
                    }
                }
            }
            b'&' => {
                let rest = &b[i + 1..];
                let end = rest.iter().take(12).position(|&c| c == b';');
                if let Some(end) = end
                    && end > 0
                    && rest[..end]
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || *c == b'#')
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Elements that end a paragraph, compared without namespace prefix (`jats:p` → `p`).
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "title",
    "sec",
    "section",
    "abstract",
    "table",
    "tr",
    "blockquote",
    "list-item",
    "list",
    "label",
    "caption",
];
/// Elements whose content is never text.
const SKIPPED_ELEMENTS: &[&str] = &["script", "style", "head", "object-id"];

fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn markup_to_text(s: &str) -> String {
    let fragment = Html::parse_fragment(s);
    let mut out = String::with_capacity(s.len());
    let mut skip_depth = 0usize;
    for edge in fragment.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Text(t) if skip_depth == 0 => out.push_str(t),
                Node::Element(e) => {
                    let name = local_name(e.name());
                    if SKIPPED_ELEMENTS.contains(&name) {
                        skip_depth += 1;
                    } else if skip_depth == 0 && BLOCK_ELEMENTS.contains(&name) {
                        out.push_str("\n\n");
                    }
                }
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    let name = local_name(e.name());
                    if SKIPPED_ELEMENTS.contains(&name) {
                        skip_depth = skip_depth.saturating_sub(1);
                    } else if skip_depth == 0 && BLOCK_ELEMENTS.contains(&name) {
                        out.push_str("\n\n");
                    }
                }
            }
        }
    }
    out
}

fn is_abstract_heading(p: &str) -> bool {
    let p = p.trim_end_matches([':', '.']).trim().to_lowercase();
    matches!(
        p.as_str(),
        "abstract"
            | "summary"
            | "sammendrag"
            | "samandrag"
            | "resumo"
            | "resumen"
            | "résumé"
            | "zusammenfassung"
            | "abstrakt"
            | "sammanfattning"
            | "tiivistelmä"
    )
}

/// Characters that must never reach a terminal: C0 and C1 controls, DEL, and the bidi
/// overrides that reorder what is displayed.
fn is_control_like(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Removes escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ESC \`, other `ESC x`) and
/// control characters. With `keep_breaks`, line breaks survive as `\n` (CR and CRLF become
/// `\n`) and tabs as spaces; without, both become spaces.
fn strip_controls(s: &str, keep_breaks: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' | '\u{9b}' => {
                // CSI: ESC [ or the 8-bit CSI; OSC: ESC ]; anything else: drop ESC + one char.
                let kind = if c == '\u{9b}' {
                    Some('[')
                } else {
                    chars.next()
                };
                match kind {
                    Some('[') => {
                        for n in chars.by_ref() {
                            if ('\u{40}'..='\u{7e}').contains(&n) {
                                break;
                            }
                        }
                    }
                    Some(']') | Some('P') | Some('_') | Some('^') => {
                        while let Some(n) = chars.next() {
                            if n == '\u{7}' || n == '\u{9c}' {
                                break;
                            }
                            if n == '\u{1b}' && chars.peek() == Some(&'\\') {
                                chars.next();
                                break;
                            }
                        }
                    }
                    _ => {}
                }
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(if keep_breaks { '\n' } else { ' ' });
            }
            '\n' => out.push(if keep_breaks { '\n' } else { ' ' }),
            '\t' => out.push(' '),
            c if is_control_like(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Collapses every run of whitespace (including line breaks and no-break spaces) to one space
/// and trims the ends.
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    // Byte by byte, decoding a character only where a non-ASCII one starts.
    let (mut i, mut word) = (0, None);
    while i < b.len() {
        let (space, len) = if b[i].is_ascii() {
            (b[i].is_ascii_whitespace() || b[i] == 0x0b, 1)
        } else {
            let c = s[i..].chars().next().expect("a character starts here");
            (c.is_whitespace(), c.len_utf8())
        };
        match (space, word) {
            (false, None) => word = Some(i),
            (true, Some(start)) => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&s[start..i]);
                word = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(start) = word {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[start..]);
    }
    out
}

/// A DOI in canonical form: lower case, no `https://doi.org/`, `doi:` or similar prefix,
/// percent-encoding undone, trailing punctuation dropped. `None` when the text is not a DOI
/// (a PDF link, a YouTube URL, an empty field).
pub fn normalize_doi(s: &str) -> Option<String> {
    let mut d = s.trim();
    const PREFIXES: &[&str] = &[
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "https://www.doi.org/",
        "http://www.doi.org/",
        "doi.org/",
        "dx.doi.org/",
        "doi:",
        "doi ",
    ];
    loop {
        let lower = d.get(..20.min(d.len())).unwrap_or(d).to_ascii_lowercase();
        match PREFIXES.iter().find(|p| lower.starts_with(*p)) {
            Some(p) => d = d[p.len()..].trim_start(),
            None => break,
        }
    }
    let decoded: Cow<str> = if d.contains('%') {
        match percent_decode(d) {
            Some(s) => Cow::Owned(s),
            None => Cow::Borrowed(d),
        }
    } else {
        Cow::Borrowed(d)
    };
    let d = decoded.trim().trim_end_matches(['.', ',', ';']);
    let (prefix, suffix) = d.split_once('/')?;
    let registrant = prefix.strip_prefix("10.")?;
    let valid_registrant = !registrant.is_empty()
        && registrant.len() <= 20
        && registrant.chars().all(|c| c.is_ascii_digit() || c == '.')
        && registrant
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .count()
            >= 4;
    if !valid_registrant
        || suffix.is_empty()
        || suffix.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    Some(d.to_lowercase())
}

/// A list in one CSV cell, items joined with `; `: an item that holds a `;` (or starts with a
/// quote) goes in double quotes, its quotes doubled, so [`split_list`] gives it back whole.
/// Cells of plain items read as they always did in every tool (`a; b; c`).
pub fn join_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let item = item.as_ref();
        if i > 0 {
            out.push_str("; ");
        }
        if item.contains(';') || item.trim_start().starts_with('"') {
            out.push('"');
            out.push_str(&item.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(item);
        }
    }
    out
}

/// The items of a list cell (`a; b; "c; d"`), trimmed, empty ones dropped: the inverse of
/// [`join_list`]. A quote opens a quoted item only at an item's start, and a quoted item must
/// end at a `;` or the end of the cell; otherwise its quotes are ordinary characters, so a
/// foreign cell with a stray quote splits as plain text would.
pub fn split_list(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = cell;
    loop {
        let trimmed = rest.trim_start();
        if let Some((item, after)) = quoted_item(trimmed) {
            out.push(item);
            match after.trim_start().strip_prefix(';') {
                Some(next) => rest = next,
                None => break,
            }
            continue;
        }
        let (item, next) = match trimmed.split_once(';') {
            Some((item, next)) => (item, Some(next)),
            None => (trimmed, None),
        };
        if !item.trim().is_empty() {
            out.push(item.trim().to_string());
        }
        match next {
            Some(next) => rest = next,
            None => break,
        }
    }
    out
}

/// `"…"` at the start of `s` (quotes doubled inside), when what follows it is a `;` or
/// nothing: the item and the rest after the closing quote.
fn quoted_item(s: &str) -> Option<(String, &str)> {
    let inner = s.strip_prefix('"')?;
    let mut item = String::new();
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '"' {
            item.push(c);
            continue;
        }
        if inner[i + 1..].starts_with('"') {
            item.push('"');
            chars.next();
            continue;
        }
        let after = &inner[i + 1..];
        let next = after.trim_start();
        return (next.is_empty() || next.starts_with(';'))
            .then(|| (item.trim().to_string(), after));
    }
    None
}

/// Percent-encodes the characters that separate screening items and keywords (`%`, `|`,
/// `;`, `,`, `+`, line breaks), so an item survives every format's keyword splitting.
pub fn encode_item(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' | '|' | ';' | ',' | '+' | '\n' | '\r' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// The first DOI written anywhere in `text` (`… doi:10.1000/x …`, a `doi.org` URL, a
/// percent-encoded `10.4103%2F…` in a query string), normalised.
pub fn doi_in(text: &str) -> Option<String> {
    if let Some(d) = normalize_doi(text) {
        return Some(d);
    }
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = text[from..].find("10.") {
        let start = from + pos;
        from = start + 3;
        if start > 0 && b[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let end = text[start..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '&' | ',' | ']' | '}')
            })
            .map_or(text.len(), |e| start + e);
        let candidate = text[start..end].trim_end_matches([')', '.', ';']);
        if let Some(d) = normalize_doi(candidate) {
            return Some(d);
        }
    }
    None
}

/// The character an XML/HTML character reference names, without its `&` and `;`: the five
/// XML entities, `nbsp`, and numeric references (`#233`, `#xE9`). `None` for anything else.
pub fn entity_char(entity: &str) -> Option<char> {
    match entity {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => entity
            .strip_prefix("#x")
            .or_else(|| entity.strip_prefix("#X"))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// An ORCID iD in its bare form (`0000-0002-1825-0097`), from a URL or bare text.
pub fn normalize_orcid(s: &str) -> Option<String> {
    let s = s.trim();
    let tail = s.rsplit('/').next().unwrap_or(s).trim();
    let digits: String = tail.chars().filter(|c| *c != '-').collect();
    let ok = digits.len() == 16
        && digits[..15].chars().all(|c| c.is_ascii_digit())
        && digits[15..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x');
    if !ok {
        return None;
    }
    let d = digits.to_ascii_uppercase();
    Some(format!(
        "{}-{}-{}-{}",
        &d[0..4],
        &d[4..8],
        &d[8..12],
        &d[12..16]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_cells_keep_items_with_semicolons_and_quotes_whole() {
        let cases: &[&[&str]] = &[
            &["a", "b"],
            &["bestiller; utfører", "tillit, styring"],
            &["\"quoted\" start", "mid \"quote\"", "x"],
            &["æøå; ÆØÅ", ";", "\""],
            &[],
        ];
        for items in cases {
            let cell = join_list(items);
            let back = split_list(&cell);
            let want: Vec<String> = items
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            assert_eq!(back, want, "{cell}");
        }
        assert_eq!(join_list(&["a", "b; c"]), "a; \"b; c\"");
        // Foreign cells: plain items, and quotes that do not close an item.
        assert_eq!(
            split_list("budgeting; municipalities;; "),
            ["budgeting", "municipalities"]
        );
        assert_eq!(
            split_list("5\" floppy; \"open; x"),
            ["5\" floppy", "\"open", "x"]
        );
        assert_eq!(split_list("\"NPM\" reform; y"), ["\"NPM\" reform", "y"]);
    }

    #[test]
    fn character_references_name_their_character() {
        for (e, c) in [
            ("amp", Some('&')),
            ("apos", Some('\'')),
            ("nbsp", Some('\u{a0}')),
            ("#248", Some('ø')),
            ("#xE6", Some('æ')),
            ("#XE5", Some('å')),
            ("#xD800", None),
            ("eacute", None),
            ("", None),
        ] {
            assert_eq!(entity_char(e), c, "{e}");
        }
    }

    #[test]
    fn dois_are_found_in_free_text() {
        assert_eq!(
            doi_in("http://dx.doi.org/10.4236/ojf.2020.101008").as_deref(),
            Some("10.4236/ojf.2020.101008")
        );
        assert_eq!(
            doi_in("x&rft_id=info:doi/10.4103%2F2303-9027.138783&y=1").as_deref(),
            Some("10.4103/2303-9027.138783")
        );
        assert_eq!(
            doi_in("doi: 10.1000/abc. Epub").as_deref(),
            Some("10.1000/abc")
        );
        assert_eq!(doi_in("S0048-9697(17)31003-1 [pii]"), None);
    }

    #[test]
    fn jats_abstract_keeps_paragraphs_and_drops_the_heading() {
        let jats = "<jats:title>Abstract</jats:title><jats:p>First <jats:italic>para</jats:italic>.</jats:p>\n<jats:p>Second &amp; last.</jats:p>";
        assert_eq!(clean_block(jats), "First para.\n\nSecond & last.");
    }

    #[test]
    fn structured_abstract_headings_are_kept() {
        let jats = "<jats:sec><jats:title>Background</jats:title><jats:p>Why.</jats:p></jats:sec><jats:sec><jats:title>Methods</jats:title><jats:p>How.</jats:p></jats:sec>";
        assert_eq!(clean_block(jats), "Background\n\nWhy.\n\nMethods\n\nHow.");
    }

    #[test]
    fn html_abstract_and_title_markup() {
        assert_eq!(
            clean_block("<p>One</p><p>Two<br>Three</p>"),
            "One\n\nTwo\n\nThree"
        );
        assert_eq!(
            clean_line("The <i>Drosophila</i> <sub>2</sub> gene"),
            "The Drosophila 2 gene"
        );
        assert_eq!(
            clean_line("Smith &amp; Jones&#8217;s"),
            "Smith & Jones\u{2019}s"
        );
    }

    #[test]
    fn plain_text_with_angle_brackets_is_not_markup() {
        assert_eq!(
            clean_line("p<0.05 and a<b for n > 3"),
            "p<0.05 and a<b for n > 3"
        );
        assert_eq!(clean_line("R&D in A&B"), "R&D in A&B");
    }

    #[test]
    fn scripts_and_styles_are_dropped() {
        assert_eq!(
            clean_line("<p>Hi<script>alert(1)</script><style>p{}</style> there</p>"),
            "Hi there"
        );
    }

    #[test]
    fn escape_sequences_and_controls_never_survive() {
        let hostile =
            "Title\u{1b}[31mRED\u{1b}[0m \u{1b}]0;pwned\u{7}done\u{7}\u{0}\u{8}\u{9b}2J\u{202E}abc";
        let cleaned = clean_line(hostile);
        assert_eq!(cleaned, "TitleRED doneabc");
        assert!(!cleaned.chars().any(|c| c.is_control()));
        assert_eq!(for_terminal("a\u{1b}[2Jb\nc\td"), "ab c d");
        // An escape hidden in an entity is decoded first, then removed.
        assert_eq!(clean_line("x&#27;[31my"), "xy");
    }

    #[test]
    fn norwegian_letters_in_nfd_become_nfc() {
        let nfd = "Tilla\u{30a}t og bla\u{30a}";
        assert_eq!(clean_line(nfd), "Tillåt og blå");
        assert_eq!(clean_line("Økonomi   og\r\nstyring"), "Økonomi og styring");
        assert_eq!(
            clean_block("Første avsnitt.\r\n\r\nAndre\ravsnitt."),
            "Første avsnitt.\n\nAndre avsnitt."
        );
    }

    #[test]
    fn the_fast_path_agrees_with_the_full_cleaning() {
        for s in [
            "Plain title",
            "Tildeling i kommunen",
            " lead",
            "trail ",
            "two  spaces",
            "tab\there",
            "a<b",
            "R&D",
            "Tilla\u{30a}t",
            "nb\u{a0}sp",
            "bidi\u{202e}x",
            "ctl\u{85}x",
            "",
            "æøå ÆØÅ",
            "a  <i>b</i>",
            "x &amp; y",
            "a<b and R&D",
            "p < 0.05 for n\u{b}> 3",
            "“quoted” © 2019, Tilla\u{30a}t",
            "Åse\u{2003}Ødegård",
            "ends with é\u{301}",
            "\u{301}starts combining",
            "nfc é then a\u{301}",
        ] {
            let full = collapse_whitespace(&decode(s));
            assert_eq!(clean_line(s), full, "{s:?}");
            if is_clean_line(s) {
                assert_eq!(full, s, "{s:?} is not clean");
            }
        }
        // And on random text made of the pieces that matter.
        let pieces = [
            "a",
            "Z",
            " ",
            "  ",
            "\t",
            "\n",
            "\u{b}",
            "<",
            ">",
            "&",
            ";",
            "amp",
            "<i>",
            "</i>",
            "é",
            "e\u{301}",
            "\u{301}",
            "\u{a0}",
            "\u{2003}",
            "\u{85}",
            "\u{202e}",
            "ø",
            "“",
            "©",
            "\u{1b}[1m",
            "#",
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..5000 {
            let s: String = (0..rng.usize(0..12))
                .map(|_| pieces[rng.usize(..pieces.len())])
                .collect();
            let words: Vec<&str> = s
                .split(char::is_whitespace)
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(collapse_whitespace(&s), words.join(" "), "{s:?}");
            if !has_controls(&s) {
                assert_eq!(strip_controls(&s, true), s, "{s:?}");
            }
            let full = collapse_whitespace(&decode(&s));
            assert_eq!(clean_line(&s), full, "{s:?}");
            if is_clean_line(&s) {
                assert_eq!(full, s, "{s:?} is not clean");
            }
        }
    }

    #[test]
    fn non_ascii_runs_are_found_past_long_ascii_stretches() {
        let s = "0123456789abcdefé 0123456789abcdefghijøå\u{301}x“q”";
        assert_eq!(
            non_ascii_runs(s).collect::<Vec<_>>(),
            ["é", "øå\u{301}", "“", "”"]
        );
        assert_eq!(non_ascii_runs("only ASCII here, long enough").count(), 0);
        assert_eq!(non_ascii_runs("ø").collect::<Vec<_>>(), ["ø"]);
    }

    #[test]
    fn doi_normal_form() {
        for input in [
            "10.1371/journal.pone.0033693",
            "10.1371/JOURNAL.PONE.0033693",
            "https://doi.org/10.1371/journal.pone.0033693",
            "http://dx.doi.org/10.1371/journal.pone.0033693",
            "doi:10.1371/journal.pone.0033693",
            "DOI: 10.1371/journal.pone.0033693.",
            " https://doi.org/10.1371%2Fjournal.pone.0033693 ",
        ] {
            assert_eq!(
                normalize_doi(input).as_deref(),
                Some("10.1371/journal.pone.0033693"),
                "{input}"
            );
        }
        assert_eq!(
            normalize_doi("10.1002/(SICI)1097-4636(199706)35:4<453::AID-JBM5>3.0.CO;2-E")
                .as_deref(),
            Some("10.1002/(sici)1097-4636(199706)35:4<453::aid-jbm5>3.0.co;2-e")
        );
        for not_doi in [
            "",
            "https://www.youtube.com/watch?v=x",
            "https://example.org/paper.pdf",
            "10.12/x",
            "10.1000/",
            "11.1000/x",
        ] {
            assert_eq!(normalize_doi(not_doi), None, "{not_doi}");
        }
    }

    #[test]
    fn orcid_normal_form() {
        assert_eq!(
            normalize_orcid("https://orcid.org/0000-0002-1825-009x").as_deref(),
            Some("0000-0002-1825-009X")
        );
        assert_eq!(
            normalize_orcid("http://orcid.org/0000-0001-5000-0007").as_deref(),
            Some("0000-0001-5000-0007")
        );
        assert_eq!(normalize_orcid("not an orcid"), None);
    }
}
