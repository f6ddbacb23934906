//! PubMed MEDLINE (`.nbib`, "MEDLINE" format): `PMID- 123` opens a record, `TAG - value` lines
//! (tags of up to four letters padded to four), six-space continuation lines, blank lines
//! between records. MEDLINE has no end marker, so a file cut inside its last record still
//! gives that record.
//!
//! Read the tolerant way of other MEDLINE readers (JabRef, Biopython, synthesisr): a tag line
//! may lack the padding or the space after its dash (`PMID-22664220`, `TI  -Title`), use a
//! tab or an en dash; a continuation line is any indented line (six spaces, a tab, one
//! space); a record also ends at a blank line when the next line is a tag (exports without
//! a `PMID` line); in a double-spaced file (every line followed by a blank one) only `PMID`
//! opens a record. The sloppy tag layouts are read only for the tags MEDLINE defines, so
//! an unindented `HIV-1 …` line is text, not a tag. Tags are upper case, as every reader
//! expects.
//!
//! Mapped: `TI`, `AB`, `FAU` (else `AU`), `DP`, `JT` (else `TA`), `VI`, `IP`, `PG`, `IS`,
//! `LA`, `PT`, `MH`/`OT` as keywords, DOIs from `LID`/`AID … [doi]` (or `doi:` values).

use super::names::parse_name;
use super::{Diagnostic, Entry, year_in};

/// The tags of the MEDLINE format (NLM's MEDLINE/PubMed data element descriptions, and
/// the few others PubMed writes): a tag line in a sloppy layout is read only for these.
const KNOWN_TAGS: &[&str] = &[
    "AB", "AD", "AID", "AU", "AUID", "BTI", "CI", "CIN", "CN", "COIS", "CON", "CP", "CRDT", "CRF",
    "CRI", "CTDT", "CTI", "DA", "DCOM", "DDIN", "DEP", "DP", "DRDT", "DRIN", "ECF", "ECI", "ED",
    "EDAT", "EFR", "EIN", "EN", "ERI", "ERR", "FAU", "FED", "FIR", "FPS", "GN", "GR", "GS", "IP",
    "IR", "IRAD", "IS", "ISBN", "JID", "JT", "LA", "LID", "LR", "MH", "MHDA", "MID", "NM", "OAB",
    "OABL", "OCI", "OID", "ORI", "OT", "OTO", "OWN", "PB", "PG", "PHST", "PL", "PMC", "PMCR",
    "PMID", "PRIN", "PROF", "PS", "PST", "PT", "RF", "RIN", "RN", "ROF", "RPF", "RPI", "RRF",
    "RRI", "SB", "SFM", "SI", "SO", "SPIN", "STAT", "TA", "TI", "TT", "UIN", "UOF", "VI", "VTI",
];

/// `Some((tag, value))` for a MEDLINE tag line (trailing blanks already cut): 2–4 upper-case
/// letters or digits (a letter first), up to four spaces or tabs, a dash (or an en or em
/// dash), then a space, a tab or the end of the line — the layout PubMed writes, read for any
/// tag. Without the padding (unless the tag fills its four columns, `PMID-`) or without the
/// space after the dash, the line is a tag line only for a tag MEDLINE defines.
pub(super) fn tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if !b.first()?.is_ascii_uppercase() {
        return None;
    }
    let tag_len = b
        .iter()
        .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        .count();
    if !(2..=4).contains(&tag_len) {
        return None;
    }
    let pad = b[tag_len..]
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count();
    if pad > 4 {
        return None;
    }
    let rest = &line[tag_len + pad..];
    let rest = rest
        .strip_prefix('-')
        .or_else(|| rest.strip_prefix('–'))
        .or_else(|| rest.strip_prefix('—'))?;
    let tag = &line[..tag_len];
    let spaced = rest.is_empty() || rest.starts_with([' ', '\t']);
    let laid_out = spaced && (pad > 0 || tag_len == 4);
    (laid_out || KNOWN_TAGS.contains(&tag)).then(|| (tag, rest.trim()))
}

/// True when the head of the text is double-spaced: nearly every line followed by a blank
/// one (a file whose CRLF line ends were converted twice).
fn double_spaced(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().take(200).collect();
    let filled = lines.iter().filter(|l| !l.trim().is_empty()).count();
    let followed = lines
        .windows(2)
        .filter(|w| !w[0].trim().is_empty() && w[1].trim().is_empty())
        .count();
    filled >= 4 && followed * 10 >= filled * 9
}

/// Parses MEDLINE text, calling `on` per record.
pub fn parse(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let blank_ends_records = !double_spaced(text);
    let mut fields: Vec<(&str, String)> = Vec::new();
    let mut start = 0usize;
    // A blank line since the last line of the record.
    let mut gap = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            gap = true;
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        match (indented, tag_line(line)) {
            (false, Some((tag, value))) => {
                if !fields.is_empty() && (tag == "PMID" || gap && blank_ends_records) {
                    on(Ok(entry(start, &std::mem::take(&mut fields))));
                }
                if fields.is_empty() {
                    start = i + 1;
                }
                fields.push((tag, value.to_string()));
            }
            _ => match fields.last_mut() {
                // A continuation: indented, or (indentation lost) right after its field.
                Some((_, v)) if indented || !gap || !blank_ends_records => {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                _ => {
                    if !fields.is_empty() {
                        on(Ok(entry(start, &std::mem::take(&mut fields))));
                    }
                    on(Err(Diagnostic {
                        line: i + 1,
                        reason: format!("not a MEDLINE tag line: {}", super::excerpt(line.trim())),
                    }))
                }
            },
        }
        gap = false;
    }
    if !fields.is_empty() {
        on(Ok(entry(start, &fields)));
    }
}

fn first<'a>(fields: &'a [(&str, String)], tags: &[&str]) -> Option<&'a str> {
    tags.iter().find_map(|t| {
        fields
            .iter()
            .find(|(tag, v)| tag == t && !v.is_empty())
            .map(|(_, v)| v.as_str())
    })
}

fn entry(line: usize, fields: &[(&str, String)]) -> Entry {
    let mut e = Entry {
        line,
        ..Default::default()
    };
    let has_fau = fields.iter().any(|(t, _)| *t == "FAU");
    for (tag, value) in fields {
        e.raw.push(tag, value);
        match *tag {
            "FAU" => e.authors.push(parse_name(value)),
            "AU" if !has_fau => e.authors.push(parse_name(value)),
            "MH" | "OT" => e.keywords.push(value.clone()),
            "IS" => {
                if let Some(issn) = value.split_whitespace().next() {
                    e.issn.push(issn.to_string());
                }
            }
            "LID" | "AID" if value.ends_with("[doi]") => e
                .dois
                .push(value.trim_end_matches("[doi]").trim().to_string()),
            "LID" | "AID" => e.doi_hints.push(value.clone()),
            "SO" => e.doi_hints.push(value.clone()),
            _ => {}
        }
    }
    // A PMID is one number: a line joined to it by a sloppy file is not part of it.
    e.pmid = first(fields, &["PMID"])
        .and_then(|v| v.split_whitespace().next())
        .map(String::from);
    e.id = e.pmid.clone();
    e.title = first(fields, &["TI", "BTI"]).map(String::from);
    e.abstract_text = first(fields, &["AB"]).map(String::from);
    e.year = first(fields, &["DP"])
        .and_then(year_in)
        .or_else(|| first(fields, &["DEP", "EDAT"]).and_then(year_in));
    e.venue = first(fields, &["JT", "TA"]).map(String::from);
    e.volume = first(fields, &["VI"]).map(String::from);
    e.issue = first(fields, &["IP"]).map(String::from);
    e.pages = first(fields, &["PG"]).map(String::from);
    e.language = first(fields, &["LA"]).map(String::from);
    // Every publication type: MEDLINE lists them alphabetically (`Case Reports` before
    // `Journal Article`), so none of them alone is the type.
    e.kinds = fields
        .iter()
        .filter(|(tag, v)| *tag == "PT" && !v.is_empty())
        .map(|(_, v)| v.clone())
        .collect();
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
        crate::import::parse_all(crate::import::Format::Nbib, text)
    }

    #[test]
    fn a_medline_record_with_continuations_and_doi() {
        let text = "\nPMID- 26546209\nOWN - NLM\nTI  - Bioinformatic survey of ABC transporters in\n      dermatophytes.\nDP  - 2019 Winter\nFAU - Gadzalski, Marek\nAU  - Gadzalski M\nFAU - van de Schoot, Rens\nLID - S0378-1119(15)01325-0 [pii]\nLID - 10.1016/j.gene.2015.10.064 [doi]\nJT  - Gene\nMH  - Humans\n\nPMID- 2\nTI  - Second, cut";
        let (e, d) = parse_all(text);
        assert!(d.is_empty());
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0].title.as_deref(),
            Some("Bioinformatic survey of ABC transporters in dermatophytes.")
        );
        assert_eq!(e[0].authors.len(), 2);
        assert_eq!(e[0].authors[0].family.as_deref(), Some("Gadzalski"));
        assert_eq!(e[0].year, Some(2019));
        assert_eq!(e[0].dois, ["10.1016/j.gene.2015.10.064"]);
        assert_eq!(e[0].pmid.as_deref(), Some("26546209"));
        assert_eq!(e[0].line, 2);
        assert_eq!(e[1].title.as_deref(), Some("Second, cut"));
    }

    /// Every shape of tag line found in other MEDLINE readers' test files and tag rules,
    /// read the tolerant way. Sources: JabRef's `MedlinePlainImporterTest` files
    /// (`MultipleEntries`: `PMID-22664220`, `PMC -22664230`, `PMCR- 20481061`, `TI-`,
    /// `BTI -    `; `StringOutOfBounds`: `TI  -This is also a test title`, `SO  invalid line`;
    /// JabRef also reads en and em dashes as hyphens); Biopython's `Bio.Medline` (tab and
    /// one-space continuation lines); the tag patterns of synthesisr (`^[A-Z]{2,4}\s*-\s*`),
    /// CoLRev (`^[A-Z]{2,4}( ){1,2}- `), srdedupe (`\s*-\s+`) and bibutils (strict columns).
    #[test]
    fn malformed_tag_lines_of_other_readers_suites() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("TI  - Title", Some(("TI", "Title"))),
            ("TI  -Title", Some(("TI", "Title"))),
            ("TI- Title", Some(("TI", "Title"))),
            ("TI-Title", Some(("TI", "Title"))),
            ("TI - Title", Some(("TI", "Title"))),
            ("TI   - Title", Some(("TI", "Title"))),
            ("TI\t- Title", Some(("TI", "Title"))),
            ("TI  -\tTitle", Some(("TI", "Title"))),
            ("TI  – Title", Some(("TI", "Title"))),
            ("TI  — Title", Some(("TI", "Title"))),
            ("TI  - Title   ", Some(("TI", "Title"))),
            ("TI  - a - b", Some(("TI", "a - b"))),
            ("PMID- 22664220", Some(("PMID", "22664220"))),
            ("PMID-22664220", Some(("PMID", "22664220"))),
            ("PMC -22664230", Some(("PMC", "22664230"))),
            ("PMCR- 20481061", Some(("PMCR", "20481061"))),
            ("TI-", Some(("TI", ""))),
            ("BTI -    ", Some(("BTI", ""))),
            ("FAU -", Some(("FAU", ""))),
            ("EDAT- 2009/01/01 00:00", Some(("EDAT", "2009/01/01 00:00"))),
            (
                "XYZ - an unknown tag in the standard layout",
                Some(("XYZ", "an unknown tag in the standard layout")),
            ),
            ("SO- another line", Some(("SO", "another line"))),
            ("      continued - here", None),
            ("\tcontinued", None),
            ("HIV-1 infection in the community", None),
            ("COVID-19 and care", None),
            ("SO  invalid line", None),
            ("ti  - lower-case tags are no tags", None),
            ("Some-thing", None),
            ("TOOLONG - x", None),
            ("T - one letter", None),
            ("", None),
        ];
        for &(line, want) in cases {
            assert_eq!(tag_line(line.trim_end()), want, "{line:?}");
        }
    }

    /// Records and continuation lines in the shapes of the same suites.
    #[test]
    fn malformed_records_of_other_readers_suites() {
        // (text, titles of the records, diagnostics)
        let cases: &[(&str, &[&str], usize)] = &[
            // The issue's line: no space after the dash.
            ("PMID- 1\nTI  -Title here\nAB  - x\n", &["Title here"], 0),
            // JabRef StringOutOfBounds: a line without its dash joins the line before it.
            (
                "\nPMID- 27433151\nSO  invalid line\nTI  - This is a test title\n\nPMID- 27394443\nSO- another invalid line\nTI  -This is also a test title\n",
                &["This is a test title", "This is also a test title"],
                0,
            ),
            // Continuation lines: six spaces, a tab, one space (Biopython's split MeSH
            // subheading), a blank continuation line between paragraphs.
            (
                "PMID- 1\nTI  - A long\n      title\nAB  - First\n\tsecond\n purification\n      \n      Next paragraph.\n",
                &["A long title"],
                0,
            ),
            // Records separated by a blank line, some without a PMID line (JabRef), and text
            // between records, which is no part of either.
            (
                "PMID- 1\nTI  - One\n\nThis line should be omitted by the importer.\n\nPMC -22664230\nTI  - Two\n\nPMCR- 20481061\nTI  - Three\n",
                &["One", "Two", "Three"],
                1,
            ),
            // CRLF and trailing spaces.
            (
                "PMID- 1  \r\nTI  - One  \r\n      more  \r\n\r\nPMID- 2\r\nTI  - Two\r\n",
                &["One more", "Two"],
                0,
            ),
            // Double-spaced (CR CR LF written twice over): records end only at PMID.
            (
                "PMID- 1\n\nTI  - One\n\nFAU - Doe, Jane\n\nAB  - x\n\nPMID- 2\n\nTI  - Two\n\nFAU - Roe, R\n\n",
                &["One", "Two"],
                0,
            ),
        ];
        for &(text, titles, diagnostics) in cases {
            let text = crate::import::decode::decode(text.as_bytes()).text;
            let (e, d) = parse_all(&text);
            let got: Vec<_> = e.iter().map(|e| e.title.as_deref().unwrap_or("")).collect();
            assert_eq!(got, titles, "{text:?}");
            assert_eq!(d.len(), diagnostics, "{text:?}: {d:?}");
        }
        let (e, _) = parse_all("PMID- 27433151\nSO  invalid line\nTI  - T\n");
        assert_eq!(
            e[0].pmid.as_deref(),
            Some("27433151"),
            "a PMID is its first word"
        );
        let (e, _) = parse_all("PMID- 1\nDP  - 2001\nFAU - Doe, Jane\n\nPMID- 2\nDP  - 2002\n");
        assert_eq!(e[0].authors.len(), 1);
        assert_eq!(e[1].year, Some(2002));
        // JabRef MedlinePlainImporterTestDOI: a DOI written `doi:` in AID.
        let (e, _) = parse_all(
            "PMID-22664220\nPT  - Technical Report\nAID - doi:10.1016/j.cpr.2005.02.002\n",
        );
        assert_eq!(
            e[0].dois
                .iter()
                .chain(&e[0].doi_hints)
                .find_map(|v| crate::text::doi_in(v))
                .as_deref(),
            Some("10.1016/j.cpr.2005.02.002")
        );
    }

    #[test]
    fn tag_lines() {
        assert_eq!(tag_line("PMID- 1"), Some(("PMID", "1")));
        assert_eq!(tag_line("TI  - x - y"), Some(("TI", "x - y")));
        assert_eq!(tag_line("FAU - A, B"), Some(("FAU", "A, B")));
        assert_eq!(tag_line("      continued - here"), None);
        assert_eq!(tag_line("Some-thing"), None);
    }
}
