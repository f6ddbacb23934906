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
    /// Folded title words joined by single spaces (see [`fold`]).
    pub title: String,
    /// Folded translations of the title (`other_titles`).
    pub other_titles: Vec<String>,
    /// Publication year.
    pub year: Option<i32>,
}

impl RecordKeys {
    /// The keys of one record.
    pub fn of(r: &Record) -> Self {
        let [doi, pmid, cristin] = identifiers(r);
        RecordKeys {
            doi,
            pmid,
            cristin,
            title: r.title.as_deref().map(title).unwrap_or_default(),
            other_titles: r
                .other_titles
                .values()
                .map(|t| title(t))
                .filter(|t| !t.is_empty())
                .collect(),
            year: r.year,
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
    crate::text::normalize_doi(s).or_else(|| crate::import::doi_in(s))
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

/// A title, folded ([`fold`]).
pub fn title(s: &str) -> String {
    fold(s)
}

/// Text made comparable: mojibake repaired, markup and LaTeX commands dropped, NFKC, lower
/// case, `æ ø å` → `ae o aa`, other diacritics removed, everything that is not a letter or a
/// digit a word break; words joined by single spaces.
pub fn fold(s: &str) -> String {
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
    }

    #[test]
    fn digit_ids() {
        assert_eq!(digits_id("PMID: 0012345").as_deref(), Some("12345"));
        assert_eq!(digits_id("none"), None);
    }
}
