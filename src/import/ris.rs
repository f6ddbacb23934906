//! RIS (`TY  - JOUR` … `ER  - `), as written by EndNote, Zotero, Mendeley, Scopus, Web of
//! Science, Ovid, EBSCO, JSTOR, Embase, PubMed and Rayyan.
//!
//! Tolerated: every tag variant (`TI`/`T1`, `AU`/`A1`, `PY`/`Y1`/`DA`, `JO`/`JF`/`JA`/`T2`,
//! `AB`/`N2`, `DO` or a DOI only in `L3`, `UR` or `N1`), tags with one space or none after the
//! dash, untagged continuation lines (a keyword per line after a single `KW`), blank lines
//! inside records, a missing `ER` (the next `TY` closes the record, and so does the end of
//! the file), and text between records (banners, `1.` numbering, `Link to …` lines), which
//! is not a record.

use super::names::parse_name;
use super::{Diagnostic, Entry, is_missing, year_in};
use std::borrow::Cow;

/// A record's fields in file order, borrowed from the text unless continuation lines were
/// joined to them.
type Fields<'a> = Vec<(&'a str, Cow<'a, str>)>;

/// `Some((tag, value))` when `line` is a RIS tag line: two characters (`A-Z` then `A-Z0-9`),
/// one to three spaces, a dash, then a space or the end of the line.
pub fn is_tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() < 3
        || !b[0].is_ascii_uppercase()
        || !(b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
    {
        return None;
    }
    let mut i = 2;
    while i < b.len() && b[i] == b' ' && i < 6 {
        i += 1;
    }
    if i == 2 || b.get(i) != Some(&b'-') {
        return None;
    }
    let rest = &line[i + 1..];
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((&line[..2], rest.trim()))
}

/// Parses RIS text, calling `on` per record.
pub fn parse(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let mut fields: Fields = Vec::new();
    let mut start = 0usize;
    let mut open = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        // A bare `ER` (no dash) also ends a record.
        let tag = if line == "ER" {
            Some(("ER", ""))
        } else {
            is_tag_line(line)
        };
        match tag {
            Some(("TY", value)) => {
                if open {
                    finish(start, &mut fields, on);
                }
                open = true;
                start = i + 1;
                fields.push(("TY", Cow::Borrowed(value)));
            }
            Some(("ER", _)) => {
                if open {
                    finish(start, &mut fields, on);
                    open = false;
                }
            }
            Some((tag, value)) => {
                if !open {
                    // A record whose TY line is missing: its first tag opens it.
                    open = true;
                    start = i + 1;
                }
                fields.push((tag, Cow::Borrowed(value)));
            }
            None => {
                let t = line.trim();
                if !open || t.is_empty() {
                    continue;
                }
                match fields.last_mut() {
                    Some(("KW", _)) | Some(("DE", _)) => fields.push(("KW", Cow::Borrowed(t))),
                    Some((_, v)) => {
                        let v = v.to_mut();
                        if !v.is_empty() {
                            v.push(' ');
                        }
                        v.push_str(t);
                    }
                    None => {}
                }
            }
        }
    }
    if open {
        finish(start, &mut fields, on);
    }
}

fn finish(line: usize, fields: &mut Fields, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let taken = std::mem::take(fields);
    if taken.iter().all(|(tag, v)| *tag == "TY" || v.is_empty()) {
        on(Err(Diagnostic {
            line,
            reason: "RIS record without any field: skipped".into(),
        }));
        return;
    }
    on(Ok(entry(line, &taken)));
}

fn first<'a>(fields: &'a [(&str, Cow<str>)], tags: &[&str]) -> Option<&'a str> {
    tags.iter().find_map(|t| {
        fields
            .iter()
            .find(|(tag, v)| tag == t && !is_missing(v))
            .map(|(_, v)| v.as_ref())
    })
}

/// One record's fields (in file order) → an [`Entry`].
fn entry(line: usize, fields: &[(&str, Cow<str>)]) -> Entry {
    let mut e = Entry {
        line,
        ..Default::default()
    };
    for (tag, value) in fields {
        e.raw_push(tag, value);
        match *tag {
            "AU" | "A1" if !value.trim().is_empty() => e.authors.push(parse_name(value)),
            "KW" if !is_missing(value) => e.keywords.push(value.to_string()),
            "SN" => e.issn.push(value.to_string()),
            "DO" | "DI" => e.dois.push(value.to_string()),
            "L3" | "UR" | "L1" | "L2" | "L4" | "LK" | "N1" | "M3" | "AN" | "ID" | "C7" => {
                e.doi_hints.push(value.to_string())
            }
            _ => {}
        }
    }
    // L3 (EBSCO's DOI field) before URLs and notes.
    e.doi_hints.sort_by_key(|v| {
        !fields
            .iter()
            .any(|(t, x)| *t == "L3" && x.as_ref() == v.as_str())
    });
    e.id = first(fields, &["ID", "AN"]).map(String::from);
    e.kind = first(fields, &["TY"]).map(String::from);
    e.title = first(fields, &["TI", "T1", "CT", "BT"]).map(String::from);
    e.year = ["PY", "Y1", "DA", "Y2"]
        .iter()
        .find_map(|t| first(fields, &[t]).and_then(year_in));
    e.venue = first(fields, &["JF", "JO", "T2", "JA", "J2", "J1", "BT", "T3"]).map(String::from);
    e.volume = first(fields, &["VL"]).map(String::from);
    e.issue = first(fields, &["IS", "CP"]).map(String::from);
    e.pages = match (first(fields, &["SP"]), first(fields, &["EP"])) {
        (Some(sp), Some(ep)) if sp != ep && !sp.contains('-') => Some(format!("{sp}-{ep}")),
        (Some(sp), _) => Some(sp.to_string()),
        (None, Some(ep)) => Some(ep.to_string()),
        (None, None) => None,
    };
    e.abstract_text = first(fields, &["AB", "N2"]).map(String::from);
    e.language = first(fields, &["LA"]).map(String::from);
    e.url = first(fields, &["UR", "L2", "LK", "L1"]).map(String::from);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
        crate::import::parse_all(crate::import::Format::Ris, text)
    }

    #[test]
    fn tag_lines_in_their_variants() {
        let cases = [
            ("TY  - JOUR", Some(("TY", "JOUR"))),
            ("ER  -", Some(("ER", ""))),
            ("ER  - ", Some(("ER", ""))),
            ("T1 - Title", Some(("T1", "Title"))),
            ("A1  - Liu R.", Some(("A1", "Liu R."))),
            ("TI  - a - b", Some(("TI", "a - b"))),
            ("Provider: JSTOR", None),
            ("1.", None),
            ("ty  - x", None),
            ("AB  -text", None),
            ("", None),
        ];
        for (line, want) in cases {
            assert_eq!(is_tag_line(line), want, "{line}");
        }
    }

    #[test]
    fn tag_variants_map_to_the_same_fields() {
        let text = "TY  - JOUR\nT1  - A title\nA1  - Liu R.\nAU  - Adler, D. G.\nY1  - 2016/09//\nJF  - Journal\nSP  - 12\nEP  - 19\nN2  - Abstract\nL3  - 10.1016/j.agee.2016.06.041\nUR  - https://doi.org/10.9999/other\nKW  - one\ntwo\nthree\nSN  - 1234-5678\nER  - \n";
        let (e, d) = parse_all(text);
        assert!(d.is_empty());
        let e = &e[0];
        assert_eq!(e.title.as_deref(), Some("A title"));
        assert_eq!(e.authors[0].family.as_deref(), Some("Liu"));
        assert_eq!(e.authors[1].given.as_deref(), Some("D. G."));
        assert_eq!(e.year, Some(2016));
        assert_eq!(e.venue.as_deref(), Some("Journal"));
        assert_eq!(e.pages.as_deref(), Some("12-19"));
        assert_eq!(e.abstract_text.as_deref(), Some("Abstract"));
        assert_eq!(e.keywords, ["one", "two", "three"]);
        assert_eq!(e.doi_hints[0], "10.1016/j.agee.2016.06.041");
    }

    #[test]
    fn sloppy_files_keep_every_record() {
        let cases: &[(&str, usize, usize)] = &[
            // missing final ER
            ("TY  - JOUR\nTI  - a\nER  - \nTY  - JOUR\nTI  - b\n", 2, 0),
            // a bare ER without its dash
            ("TY  - JOUR\nTI  - a\nER\nTY  - JOUR\nTI  - b\nER\n", 2, 0),
            // missing ER between records
            ("TY  - JOUR\nTI  - a\nTY  - JOUR\nTI  - b\nER  -\n", 2, 0),
            // banners and numbering between records, blank lines inside
            (
                "Provider: X\n\n1.\nTY  - JOUR\n\nTI  - a\n\nER  -\nLink to the Ovid Full Text: x\n2.\nTY  - BOOK\nTI  - b\nER  -\n",
                2,
                0,
            ),
            // an empty record is skipped with its line
            ("TY  - JOUR\nTI  - a\nER  - \n\nTY  - JOUR\nER  - \n", 1, 1),
            ("", 0, 0),
            ("garbage\nmore garbage\n", 0, 0),
        ];
        for &(text, ok, bad) in cases {
            let (e, d) = parse_all(text);
            assert_eq!((e.len(), d.len()), (ok, bad), "{text:?}");
        }
        let (_, d) = parse_all("TY  - JOUR\nTI  - a\nER  - \n\nTY  - JOUR\nER  - \n");
        assert_eq!(d[0].line, 5);
    }

    #[test]
    fn continuation_lines_join_the_field_before() {
        let (e, _) = parse_all("TY  - JOUR\nTI  - A long\n   title\nAB  - x\nER  -\n");
        assert_eq!(e[0].title.as_deref(), Some("A long title"));
    }
}
