//! RIS (`TY  - JOUR` … `ER  - `), as written by EndNote, Zotero, Mendeley, Scopus, Web of
//! Science, Ovid, EBSCO, JSTOR, Embase, PubMed and Rayyan.
//!
//! Tolerated: every tag variant (`TI`/`T1`, `AU`/`A1` (and `A2`/`ED` editors when there is
//! no author), `PY`/`Y1`/`DA`, `JO`/`JF`/`JA`/`T2`,
//! `AB`/`N2`, `DO` or a DOI only in `L3`, `UR` or `N1`), tags with one space or none after the
//! dash, untagged continuation lines (a keyword per line after a single `KW`), blank lines
//! inside records, a missing `ER` (the next `TY` closes the record, and so does the end of
//! the file), and text between records (banners, `1.` numbering, `Link to …` lines), which
//! is not a record.
//!
//! What follows an `ER` up to the next `TY` belongs to no new record: Ovid writes an `NL`
//! line (the NLM journal abbreviation) there, which stays with the record before it, in its
//! raw payload only (it is not read as a field, so it overrides nothing). Only tag lines
//! that another `ER` closes are a record of their own (one that lost its `TY` line).

use super::names::parse_name;
use super::{Diagnostic, Entry, is_missing, year_in};
use std::borrow::Cow;

/// A record's fields in file order, borrowed from the text unless continuation lines were
/// joined to them.
type Fields<'a> = Vec<(&'a str, Cow<'a, str>)>;

/// `Some((tag, value))` when `line` is a RIS tag line: two characters (`A-Z` then `A-Z0-9`),
/// one to three spaces, a dash, then a space or the end of the line; or a tag of three or
/// four such characters and exactly two spaces (APA PsycInfo's `PMID  - `).
pub fn is_tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let tag_char = |c: &u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    if b.len() < 3 || !b[0].is_ascii_uppercase() || !tag_char(&b[1]) {
        return None;
    }
    let (tag_len, dash) = if b[2] == b' ' {
        let mut i = 2;
        while i < b.len() && b[i] == b' ' && i < 6 {
            i += 1;
        }
        (2, i)
    } else {
        let n = (3..=4).find(|&n| {
            b.len() >= n + 3 && b[2..n].iter().all(tag_char) && &b[n..n + 3] == b"  -"
        })?;
        (n, n + 2)
    };
    if b.get(dash) != Some(&b'-') {
        return None;
    }
    let rest = &line[dash + 1..];
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((&line[..tag_len], rest.trim()))
}

/// The lines of `text` as [`str::lines`] gives them (the last one without its `\n`), found
/// with memchr's SIMD search: this is the innermost loop of a large import.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        let end = ends.next().or((start < text.len()).then_some(text.len()))?;
        let line = &text[start..end];
        start = end + 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

/// Where a record stands after its `ER` line, until the next `TY` (or the end) hands it on.
struct Closed {
    /// Index in the fields where the lines after `ER` begin (Ovid's `NL`): they stay with
    /// the record, in its raw payload only.
    trailer: usize,
    /// Line (1-based) of the first tag line after `ER`.
    trailer_line: usize,
    /// Where tag lines after a blank line begin, and their line: a record that lost its
    /// `TY` line when an `ER` closes them, else more of the trailer.
    next: Option<(usize, usize)>,
    /// A blank line came since the last tag line.
    gap: bool,
}

/// Parses RIS text, calling `on` per record.
pub fn parse(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let mut fields: Fields = Vec::new();
    let mut start = 0usize;
    let mut open = false;
    let mut closed: Option<Closed> = None;
    for (i, line) in lines(text).enumerate() {
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
                    finish(start, &mut fields, closed.take().map(|c| c.trailer), on);
                }
                open = true;
                start = i + 1;
                fields.push(("TY", Cow::Borrowed(value)));
            }
            Some(("ER", _)) => match closed.take() {
                None if open => {
                    closed = Some(Closed {
                        trailer: fields.len(),
                        trailer_line: 0,
                        next: None,
                        gap: false,
                    })
                }
                None => {}
                Some(c) => {
                    // Tag lines after an ER that another ER closes: a record without its TY.
                    let (at, line) = c.next.unwrap_or((c.trailer, c.trailer_line));
                    if fields.len() > at {
                        let mut orphan = fields.split_off(at);
                        finish(start, &mut fields, Some(c.trailer), on);
                        let end = orphan.len();
                        finish(line, &mut orphan, Some(end), on);
                        open = false;
                    } else {
                        closed = Some(c); // a stray ER
                    }
                }
            },
            Some((tag, value)) => {
                if !open {
                    // A record whose TY line is missing: its first tag opens it.
                    open = true;
                    start = i + 1;
                } else if let Some(c) = &mut closed {
                    if fields.len() == c.trailer {
                        c.trailer_line = i + 1;
                    } else if c.gap && c.next.is_none() {
                        c.next = Some((fields.len(), i + 1));
                    }
                    c.gap = false;
                }
                fields.push((tag, Cow::Borrowed(value)));
            }
            None => {
                let t = line.trim();
                if let Some(c) = &mut closed {
                    // Text between records (Ovid's `Link to …`, `2.`) is no part of either.
                    if t.is_empty() || c.gap || fields.len() == c.trailer {
                        c.gap |= t.is_empty();
                        continue;
                    }
                }
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
        finish(start, &mut fields, closed.map(|c| c.trailer), on);
    }
}

/// Hands on the record whose fields were gathered. `trailer`: where the fields after its
/// `ER` line begin, when an `ER` line ended it (those go to the raw payload only).
fn finish(
    line: usize,
    fields: &mut Fields,
    trailer: Option<usize>,
    on: &mut dyn FnMut(Result<Entry, Diagnostic>),
) {
    let taken = std::mem::take(fields);
    let own = trailer.unwrap_or(taken.len());
    if taken[..own]
        .iter()
        .all(|(tag, v)| *tag == "TY" || v.is_empty())
    {
        on(Err(Diagnostic {
            line,
            reason: "RIS record without any field: skipped".into(),
        }));
        return;
    }
    let mut e = entry(line, &taken[..own]);
    for (tag, value) in &taken[own..] {
        e.raw.push(tag, value);
    }
    if trailer.is_none() {
        e.repairs
            .push("RIS records without an ER line (ended by the next TY or the end)");
    } else if own < taken.len() {
        e.repairs
            .push("RIS tag lines after ER (Ovid's NL) kept with the record before them");
    }
    on(Ok(e));
}

/// The entry fields a record's tags fill, by index into the picks of [`entry`].
const ID: usize = 0;
const KIND: usize = 1;
const TITLE: usize = 2;
const VENUE: usize = 3;
const VOLUME: usize = 4;
const ISSUE: usize = 5;
const SP: usize = 6;
const EP: usize = 7;
const ABSTRACT: usize = 8;
const LANGUAGE: usize = 9;
const URL: usize = 10;
/// The year's tags are picked one by one: the first of them whose value holds a year wins.
const PY: usize = 11;
const Y1: usize = 12;
const DA: usize = 13;
const Y2: usize = 14;
const PICKS: usize = 15;

/// The fields `tag` can fill, each with its rank there (0 first): `TI` before `T1` for the
/// title, `JF` before `JO` for the venue, and so on.
fn picks(tag: &str) -> &'static [(usize, u8)] {
    match tag {
        "ID" => &[(ID, 0)],
        "AN" => &[(ID, 1)],
        "TY" => &[(KIND, 0)],
        "TI" => &[(TITLE, 0)],
        "T1" => &[(TITLE, 1)],
        "CT" => &[(TITLE, 2)],
        "BT" => &[(TITLE, 3), (VENUE, 6)],
        "JF" => &[(VENUE, 0)],
        "JO" => &[(VENUE, 1)],
        "T2" => &[(VENUE, 2)],
        "JA" => &[(VENUE, 3)],
        "J2" => &[(VENUE, 4)],
        "J1" => &[(VENUE, 5)],
        "T3" => &[(VENUE, 7)],
        "VL" => &[(VOLUME, 0)],
        "IS" => &[(ISSUE, 0)],
        "CP" => &[(ISSUE, 1)],
        "SP" => &[(SP, 0)],
        "EP" => &[(EP, 0)],
        "AB" => &[(ABSTRACT, 0)],
        "N2" => &[(ABSTRACT, 1)],
        "LA" => &[(LANGUAGE, 0)],
        "UR" => &[(URL, 0)],
        "L2" => &[(URL, 1)],
        "LK" => &[(URL, 2)],
        "L1" => &[(URL, 3)],
        "PY" => &[(PY, 0)],
        "Y1" => &[(Y1, 0)],
        "DA" => &[(DA, 0)],
        "Y2" => &[(Y2, 0)],
        _ => &[],
    }
}

/// One record's fields (in file order) → an [`Entry`], in one pass over the fields.
fn entry(line: usize, fields: &[(&str, Cow<str>)]) -> Entry {
    let mut e = Entry {
        line,
        ..Default::default()
    };
    // Per field of the entry: the best-ranked value so far, first in the file among equals.
    let mut pick: [Option<(u8, &str)>; PICKS] = [None; PICKS];
    // L3 (EBSCO's DOI field) before URLs and notes.
    let mut l3_hints = Vec::new();
    // Secondary authors (`A2`, `ED`: editors) stand in when there is no author at all (an
    // edited book).
    let mut editors = Vec::new();
    // `M3` (type of work): Scopus writes its document type there, litscope its own type terms.
    let mut m3 = Vec::new();
    for (tag, value) in fields {
        e.raw.push(tag, value);
        match *tag {
            "AU" | "A1" if !value.trim().is_empty() => e.authors.push(parse_name(value)),
            "A2" | "ED" if !value.trim().is_empty() => editors.push(parse_name(value)),
            "KW" if !is_missing(value) => e.keywords.push(value.to_string()),
            "SN" => e.issn.push(value.to_string()),
            "PMID" if e.pmid.is_none() && !is_missing(value) => e.pmid = Some(value.to_string()),
            "DO" | "DI" => e.dois.push(value.to_string()),
            "L3" => l3_hints.push(value.to_string()),
            "M3" => {
                m3.push(value.to_string());
                e.doi_hints.push(value.to_string())
            }
            "UR" | "L1" | "L2" | "L4" | "LK" | "N1" | "AN" | "ID" | "C7" => {
                e.doi_hints.push(value.to_string())
            }
            _ => {}
        }
        for &(slot, rank) in picks(tag) {
            if pick[slot].is_none_or(|(best, _)| rank < best) && !is_missing(value) {
                pick[slot] = Some((rank, value.as_ref()));
            }
        }
    }
    if e.authors.is_empty() {
        e.authors = editors;
    }
    l3_hints.append(&mut e.doi_hints);
    e.doi_hints = l3_hints;
    let get = |slot: usize| pick[slot].map(|(_, v)| v);
    let own = |slot: usize| get(slot).map(String::from);
    e.id = own(ID);
    e.kinds = own(KIND).into_iter().chain(m3).collect();
    e.title = own(TITLE);
    e.year = [PY, Y1, DA, Y2]
        .into_iter()
        .find_map(|slot| get(slot).and_then(year_in));
    e.venue = own(VENUE);
    e.volume = own(VOLUME);
    e.issue = own(ISSUE);
    e.pages = match (get(SP), get(EP)) {
        (Some(sp), Some(ep)) if sp != ep && !sp.contains('-') => Some(format!("{sp}-{ep}")),
        (Some(sp), _) => Some(sp.to_string()),
        (None, Some(ep)) => Some(ep.to_string()),
        (None, None) => None,
    };
    e.abstract_text = own(ABSTRACT);
    e.language = own(LANGUAGE);
    e.url = own(URL);
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
        // A missing ER is a repair the summary counts.
        let (e, _) =
            parse_all("TY  - JOUR\nTI  - a\nTY  - JOUR\nTI  - b\nER  -\nTY  - JOUR\nTI  - c\n");
        let missing: Vec<bool> = e.iter().map(|e| !e.repairs.is_empty()).collect();
        assert_eq!(missing, [true, false, true]);
    }

    /// Ovid (here PsycINFO) writes an `NL` line (the NLM journal abbreviation) after `ER`,
    /// then a "Link to the Ovid Full Text" line and a number line before the next `TY`: none
    /// of it is a record. The `NL` stays, in the raw payload, with the record it follows.
    #[test]
    fn lines_after_er_are_no_record() {
        let text = include_str!("../../tests/fixtures/import/ovid_psycinfo.ris");
        for text in [text.to_string(), text.replace('\n', "\r\n")] {
            let (e, d) = parse_all(&crate::import::decode::decode(text.as_bytes()).text);
            assert!(d.is_empty(), "{d:?}");
            let titles: Vec<_> = e.iter().map(|e| e.title.as_deref().unwrap_or("")).collect();
            assert_eq!(
                titles,
                [
                    "Allocation of home care services in municipalities: A register study.",
                    "Needs assessment tools in long-term care: A review.",
                    "Decision making about nursing home placement.",
                    "THE ECONOMICS OF COMMUNITY CARE."
                ]
            );
            let nl: Vec<_> = e.iter().map(|e| e.raw.get("NL")).collect();
            assert_eq!(
                nl,
                [
                    Some("Scand J Public Health"),
                    None,
                    Some("BMC Health Serv Res"),
                    Some("Soc Sci Med")
                ]
            );
            assert_eq!(e[1].venue, None, "a trailing NL is no venue");
            assert_eq!(e[2].authors.len(), 3);
            assert!(
                e.iter()
                    .all(|e| e.repairs.iter().all(|r| !r.contains("without an ER")))
            );
        }
    }

    /// What follows an `ER` is a record only when another `ER` closes it (a record that lost
    /// its `TY` line); before the next `TY` or the end it stays with the record before it.
    #[test]
    fn tagged_lines_after_er_are_a_record_only_when_an_er_closes_them() {
        // (text, titles, the NL kept with each record)
        type Case<'a> = (&'a str, &'a [&'a str], &'a [Option<&'a str>]);
        let cases: &[Case] = &[
            (
                "TY  - JOUR\nTI  - a\nER  -\nNL  - x\nTY  - JOUR\nTI  - b\nER  -\nNL  - y\n",
                &["a", "b"],
                &[Some("x"), Some("y")],
            ),
            (
                "TY  - JOUR\nTI  - a\nER  -\nNL  - x\n\nTI  - b\nAU  - Dahl, P\nER  -\n",
                &["a", "b"],
                &[Some("x"), None],
            ),
            (
                "TY  - JOUR\nTI  - a\nER  -\n\nTI  - b\nER  -\n\nTI  - c\nER  -\n",
                &["a", "b", "c"],
                &[None, None, None],
            ),
            (
                "TY  - JOUR\nTI  - a\nER  -\nTI  - b\n  continued\nER  -\n",
                &["a", "b continued"],
                &[None, None],
            ),
            (
                "TY  - JOUR\nTI  - a\nER  -\nNL  - x\n  more\n\nLink to the Ovid Full Text: y\n",
                &["a"],
                &[Some("x more")],
            ),
            ("TY  - JOUR\nTI  - a\nER  -\nER  -\nER\n", &["a"], &[None]),
        ];
        for &(text, titles, nl) in cases {
            let (e, d) = parse_all(text);
            assert!(d.is_empty(), "{text:?}: {d:?}");
            let got: Vec<_> = e.iter().map(|e| e.title.as_deref().unwrap_or("")).collect();
            assert_eq!(got, titles, "{text:?}");
            let got: Vec<_> = e.iter().map(|e| e.raw.get("NL")).collect();
            assert_eq!(got, nl, "{text:?}");
        }
    }

    /// APA PsycInfo writes its PubMed id as `PMID  - `: a tag, not text joined to `TY`.
    #[test]
    fn four_letter_tags_of_psycinfo() {
        let (e, _) =
            parse_all("TY  - JOUR\nPMID  - 33355555\nID  - 2020-55555-005\nT1  - T\nER  -\n");
        assert_eq!(e[0].raw.get("TY"), Some("JOUR"), "not joined to TY");
        assert_eq!(e[0].pmid.as_deref(), Some("33355555"));
        assert_eq!(is_tag_line("PMID  - 1"), Some(("PMID", "1")));
        assert_eq!(is_tag_line("AIMS - To assess"), None);
    }

    #[test]
    fn editors_stand_in_only_when_there_is_no_author() {
        let (e, _) = parse_all(
            "TY  - EDBOOK\nTI  - a\nA2  - Lie, Kari\nED  - Berg, Ola\nER  -\nTY  - CHAP\nTI  - b\nAU  - Dahl, Per\nA2  - Lie, Kari\nER  -\n",
        );
        let families = |i: usize| -> Vec<_> {
            e[i].authors
                .iter()
                .map(|a| a.family.clone().unwrap())
                .collect()
        };
        assert_eq!(families(0), ["Lie", "Berg"]);
        assert_eq!(families(1), ["Dahl"]);
    }

    #[test]
    fn lines_are_split_like_str_lines() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\r\nb\r\n\n", "\n\nx\n"] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn continuation_lines_join_the_field_before() {
        let (e, _) = parse_all("TY  - JOUR\nTI  - A long\n   title\nAB  - x\nER  -\n");
        assert_eq!(e[0].title.as_deref(), Some("A long title"));
    }
}
