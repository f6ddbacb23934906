//! PubMed MEDLINE (`.nbib`, "MEDLINE" format): `PMID- 123` opens a record, `TAG - value` lines
//! (tags of up to four letters padded to four), six-space continuation lines, blank lines
//! between records. MEDLINE has no end marker, so a file cut inside its last record still
//! gives that record.
//!
//! Mapped: `TI`, `AB`, `FAU` (else `AU`), `DP`, `JT` (else `TA`), `VI`, `IP`, `PG`, `IS`,
//! `LA`, `PT`, `MH`/`OT` as keywords, DOIs from `LID`/`AID … [doi]`.

use super::names::parse_name;
use super::{Diagnostic, Entry, year_in};

/// `Some((tag, value))` for a MEDLINE tag line: 2–4 upper-case letters or digits, padded with
/// spaces to four, then `- `.
fn tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() < 5 || !b[0].is_ascii_uppercase() {
        return None;
    }
    let dash = line.find('-')?;
    if !(2..=5).contains(&dash) {
        return None;
    }
    let tag = line[..dash].trim_end();
    if tag.len() < 2
        || !tag
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        || !line[tag.len()..dash].bytes().all(|c| c == b' ')
    {
        return None;
    }
    let rest = &line[dash + 1..];
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((tag, rest.trim()))
}

/// Parses MEDLINE text, calling `on` per record.
pub fn parse(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let mut fields: Vec<(&str, String)> = Vec::new();
    let mut start = 0usize;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        match tag_line(line) {
            Some(("PMID", value)) => {
                if !fields.is_empty() {
                    on(Ok(entry(start, &std::mem::take(&mut fields))));
                }
                start = i + 1;
                fields.push(("PMID", value.to_string()));
            }
            Some((tag, value)) => {
                if fields.is_empty() {
                    start = i + 1;
                }
                fields.push((tag, value.to_string()));
            }
            None => {
                let t = line.trim();
                if t.is_empty() {
                    continue;
                }
                if let Some((_, v)) = fields.last_mut() {
                    v.push(' ');
                    v.push_str(t);
                } else {
                    on(Err(Diagnostic {
                        line: i + 1,
                        reason: format!("not a MEDLINE tag line: {}", super::excerpt(t)),
                    }));
                }
            }
        }
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
            "SO" => e.doi_hints.push(value.clone()),
            _ => {}
        }
    }
    e.pmid = first(fields, &["PMID"]).map(String::from);
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

    #[test]
    fn tag_lines() {
        assert_eq!(tag_line("PMID- 1"), Some(("PMID", "1")));
        assert_eq!(tag_line("TI  - x - y"), Some(("TI", "x - y")));
        assert_eq!(tag_line("FAU - A, B"), Some(("FAU", "A, B")));
        assert_eq!(tag_line("      continued - here"), None);
        assert_eq!(tag_line("Some-thing"), None);
    }
}
