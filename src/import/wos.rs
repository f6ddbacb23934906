//! Web of Science exports: plain text (`FN`/`VR` header, `PT` … `ER` records, `EF`, three-space
//! continuation lines) and tab-delimited (a header row of two-letter tags, one record a row,
//! no quoting).

use super::names::parse_name;
use super::{Diagnostic, Entry, is_missing, year_in};

/// True for the header row of a tab-delimited WoS export (`PT\tAU\t…`).
pub fn is_tab_header(line: &str) -> bool {
    let mut cols = line.split('\t');
    cols.next()
        .is_some_and(|c| c.trim_start_matches('\u{feff}') == "PT")
        && line
            .split('\t')
            .filter(|c| !c.is_empty())
            .all(|c| c.trim_start_matches('\u{feff}').len() == 2)
        && line.split('\t').count() > 3
}

/// Parses either WoS layout, calling `on` per record.
pub fn parse(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if is_tab_header(first) {
        parse_tab(text, on)
    } else {
        parse_plain(text, on)
    }
}

fn parse_plain(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let mut fields: Vec<(&str, String)> = Vec::new();
    let mut start = 0usize;
    let mut open = false;
    let mut last_tag: &str = "";
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        let b = line.as_bytes();
        let tagged = b.len() >= 2
            && b[0].is_ascii_uppercase()
            && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
            && (b.len() == 2 || b[2] == b' ');
        if tagged {
            let tag = &line[..2];
            let value = line.get(3..).unwrap_or("").trim();
            match tag {
                "FN" | "VR" | "EF" if !open => {}
                "PT" => {
                    if open && !fields.is_empty() {
                        on(Ok(entry(start, &std::mem::take(&mut fields))));
                    }
                    open = true;
                    start = i + 1;
                    fields.push((tag, value.to_string()));
                    last_tag = tag;
                }
                "ER" => {
                    if open {
                        on(Ok(entry(start, &std::mem::take(&mut fields))));
                        open = false;
                    }
                }
                _ => {
                    if !open {
                        open = true;
                        start = i + 1;
                    }
                    fields.push((tag, value.to_string()));
                    last_tag = tag;
                }
            }
        } else if open && line.starts_with(' ') && !line.trim().is_empty() {
            // A continuation: a new value for list fields, more text for the others.
            let t = line.trim();
            if matches!(
                last_tag,
                "AU" | "AF" | "CR" | "C1" | "BA" | "BF" | "ED" | "CA"
            ) {
                fields.push((last_tag, t.to_string()));
            } else if let Some((_, v)) = fields.last_mut() {
                v.push(' ');
                v.push_str(t);
            }
        }
    }
    if open && !fields.is_empty() {
        on(Ok(entry(start, &fields)));
    }
}

fn parse_tab(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.find(|(_, l)| !l.trim().is_empty()) else {
        return;
    };
    let tags: Vec<&str> = header
        .split('\t')
        .map(|t| t.trim().trim_start_matches('\u{feff}'))
        .collect();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let mut fields: Vec<(&str, String)> = Vec::new();
        for (tag, value) in tags.iter().zip(line.split('\t')) {
            if tag.is_empty() || value.trim().is_empty() {
                continue;
            }
            if matches!(*tag, "AU" | "AF" | "CR" | "BA" | "BF" | "ED") {
                for v in value.split(';') {
                    if !v.trim().is_empty() {
                        fields.push((tag, v.trim().to_string()));
                    }
                }
            } else {
                fields.push((tag, value.trim().to_string()));
            }
        }
        if fields.is_empty() {
            on(Err(Diagnostic {
                line: i + 1,
                reason: "row without any field: skipped".into(),
            }));
            continue;
        }
        on(Ok(entry(i + 1, &fields)));
    }
}

fn first<'a>(fields: &'a [(&str, String)], tags: &[&str]) -> Option<&'a str> {
    tags.iter().find_map(|t| {
        fields
            .iter()
            .find(|(tag, v)| tag == t && !is_missing(v))
            .map(|(_, v)| v.as_str())
    })
}

fn entry(line: usize, fields: &[(&str, String)]) -> Entry {
    let mut e = Entry {
        line,
        ..Default::default()
    };
    let has_af = fields.iter().any(|(t, _)| *t == "AF");
    for (tag, value) in fields {
        e.raw.push(tag, value);
        match *tag {
            "AF" => e.authors.push(parse_name(value)),
            "AU" if !has_af => e.authors.push(parse_name(value)),
            "DE" | "ID" | "MQ" | "DS" => e.keywords.extend(
                value
                    .split(';')
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty()),
            ),
            "SN" | "EI" => e.issn.push(value.clone()),
            "DI" | "D2" => e.dois.push(value.clone()),
            "UR" | "DL" => e.doi_hints.push(value.clone()),
            _ => {}
        }
    }
    e.id = first(fields, &["UT", "AN"]).map(String::from);
    e.pmid = first(fields, &["PM"]).map(String::from);
    // The document types (`Article; Early Access`), then the publication type (`J`, `S`).
    e.kinds = first(fields, &["DT"])
        .into_iter()
        .flat_map(|dt| dt.split(';'))
        .chain(first(fields, &["PT"]))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    e.title = first(fields, &["TI"]).map(String::from);
    e.year = first(fields, &["PY"])
        .and_then(year_in)
        .or_else(|| first(fields, &["PD", "EA", "DA"]).and_then(year_in));
    e.venue = first(fields, &["SO", "SE", "BS"]).map(String::from);
    e.volume = first(fields, &["VL"]).map(String::from);
    e.issue = first(fields, &["IS"]).map(String::from);
    e.pages = match (first(fields, &["BP"]), first(fields, &["EP"])) {
        (Some(b), Some(p)) if b != p => Some(format!("{b}-{p}")),
        (Some(b), _) => Some(b.to_string()),
        _ => first(fields, &["AR", "PS"]).map(String::from),
    };
    e.abstract_text = first(fields, &["AB"]).map(String::from);
    e.language = first(fields, &["LA"]).map(String::from);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
        crate::import::parse_all(crate::import::Format::Wos, text)
    }

    #[test]
    fn plain_text_with_continuations() {
        let text = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Toh, FA\n   Smith, J\nAF Toh, Foo Ann\n   Smith, John\nTI Mapping the application\n   of GIS\nPY 2026\nDI 10.1080/00396265.2026.2635057\nUT WOS:0001\nER\n\nPT J\nTI Second\nER\n\nEF";
        let (e, d) = parse_all(text);
        assert!(d.is_empty());
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0].title.as_deref(),
            Some("Mapping the application of GIS")
        );
        assert_eq!(e[0].authors.len(), 2);
        assert_eq!(e[0].authors[1].family.as_deref(), Some("Smith"));
        assert_eq!(e[0].id.as_deref(), Some("WOS:0001"));
        assert_eq!(e[0].year, Some(2026));
    }

    #[test]
    fn tab_delimited_with_trailing_tab() {
        let text = "PT\tAU\tTI\tPY\tDI\t\nJ\tTingley, Morgan W. (m@x.edu) ; Li, J\tCross-scale \"occupancy\"\t2018\t10.1111/1365-2656.12851\t\n\nJ\t\tSecond\t2019\t\t\n";
        let (e, d) = parse_all(text);
        assert!(d.is_empty());
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].authors[0].family.as_deref(), Some("Tingley"));
        assert_eq!(e[0].authors[0].given.as_deref(), Some("Morgan W."));
        assert_eq!(e[0].title.as_deref(), Some("Cross-scale \"occupancy\""));
        assert_eq!(e[1].line, 4);
    }
}
