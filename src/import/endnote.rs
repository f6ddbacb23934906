//! EndNote's own formats: tagged text (`.enw`: `%0 Journal Article`, `%A`, `%T`, … one
//! blank-line separated block per record) and EndNote XML (`<xml><records><record>…`, text
//! often wrapped in `<style face=… font=… size=…>`).
//!
//! The XML reader is a small tag scanner rather than a general XML parser: EndNote writes
//! no namespaces, DTDs or CDATA, and each `<record>` is read on its own, so a broken record
//! costs only itself.

use super::names::parse_name;
use super::{Diagnostic, Entry, is_missing, year_in};

/// Parses EndNote tagged text, calling `on` per record.
pub fn parse_tagged(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut start = 0usize;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        let b = line.as_bytes();
        let tagged = b.len() >= 2
            && b[0] == b'%'
            && b[1].is_ascii_graphic()
            && (b.len() == 2 || b[2] == b' ');
        if line.trim().is_empty() {
            if !fields.is_empty() {
                on(Ok(tagged_entry(start, &std::mem::take(&mut fields))));
            }
            continue;
        }
        if tagged {
            let tag = &line[..2];
            if tag == "%0" && fields.iter().any(|(t, _)| t == "%0") {
                on(Ok(tagged_entry(start, &std::mem::take(&mut fields))));
            }
            if fields.is_empty() {
                start = i + 1;
            }
            fields.push((
                tag.to_string(),
                line.get(3..).unwrap_or("").trim().to_string(),
            ));
        } else if let Some((tag, v)) = fields.last_mut() {
            if tag == "%K" {
                let t = line.trim().to_string();
                fields.push(("%K".into(), t));
            } else {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else {
            on(Err(Diagnostic {
                line: i + 1,
                reason: format!("not an EndNote tag line: {}", super::excerpt(line)),
            }));
        }
    }
    if !fields.is_empty() {
        on(Ok(tagged_entry(start, &fields)));
    }
}

fn tagged_entry(line: usize, fields: &[(String, String)]) -> Entry {
    let mut e = Entry {
        line,
        ..Default::default()
    };
    let get = |tags: &[&str]| {
        tags.iter().find_map(|t| {
            fields
                .iter()
                .find(|(k, v)| k == t && !is_missing(v))
                .map(|(_, v)| v.clone())
        })
    };
    for (tag, value) in fields {
        e.raw.push(tag, value);
        match tag.as_str() {
            "%A" => e.authors.push(parse_name(value)),
            "%K" => e.keywords.extend(
                value
                    .split(';')
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty()),
            ),
            "%R" => e.dois.push(value.clone()),
            "%@" => e.issn.push(value.clone()),
            "%U" | "%M" | "%Z" | "%>" => e.doi_hints.push(value.clone()),
            _ => {}
        }
    }
    e.kinds = get(&["%0"]).into_iter().collect();
    e.title = get(&["%T"]);
    e.venue = get(&["%J", "%B"]);
    e.year = get(&["%D"])
        .as_deref()
        .and_then(year_in)
        .or_else(|| get(&["%8"]).as_deref().and_then(year_in));
    e.volume = get(&["%V"]);
    e.issue = get(&["%N"]);
    e.pages = get(&["%P"]);
    e.abstract_text = get(&["%X"]);
    e.language = get(&["%G"]);
    e.url = get(&["%U"]);
    e.id = get(&["%F"]);
    e
}

/// Parses EndNote XML, calling `on` per `<record>`.
pub fn parse_xml(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let mut from = 0;
    let mut line = 1;
    let mut counted = 0;
    while let Some(off) = text[from..].find("<record>") {
        let start = from + off;
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted..start]).count();
        counted = start;
        let body_start = start + "<record>".len();
        let Some(end_off) = text[body_start..].find("</record>") else {
            on(Err(Diagnostic {
                line,
                reason: "<record> is never closed: skipped".into(),
            }));
            return;
        };
        let body = &text[body_start..body_start + end_off];
        on(Ok(xml_entry(line, &elements(body))));
        from = body_start + end_off + "</record>".len();
    }
}

/// Every element of a record as (path of element names, text content without tags).
fn elements(xml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, String)> = Vec::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        if let Some(top) = stack.last_mut() {
            top.1.push_str(&unescape(&rest[..lt]));
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim();
            if let Some(pos) = stack.iter().rposition(|(n, _)| n == name) {
                while stack.len() > pos + 1 {
                    stack.pop();
                }
                let Some((n, text)) = stack.pop() else { break };
                let path = stack
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .chain([n.as_str()])
                    .collect::<Vec<_>>()
                    .join("/");
                if let Some(parent) = stack.last_mut() {
                    parent.1.push_str(&text);
                }
                out.push((path, text));
            }
        } else if tag.starts_with('?') || tag.starts_with('!') {
        } else {
            let self_closing = tag.ends_with('/');
            let name = tag
                .trim_end_matches('/')
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            if name == "ref-type"
                && let Some(v) = attribute(tag, "name")
            {
                out.push(("ref-type".into(), v));
            }
            if !self_closing {
                stack.push((name, String::new()));
            }
        }
    }
    out
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let i = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[i..].find('"')?;
    Some(unescape(&tag[i..i + end]))
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let Some(semi) = after.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..semi];
        // XML knows only its five entities and numeric references.
        let decoded = if entity == "nbsp" {
            None
        } else {
            crate::text::entity_char(entity)
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn xml_entry(line: usize, elements: &[(String, String)]) -> Entry {
    let mut e = Entry {
        line,
        ..Default::default()
    };
    let get = |suffixes: &[&str]| {
        suffixes.iter().find_map(|s| {
            elements
                .iter()
                .find(|(p, v)| (p == s || p.ends_with(&format!("/{s}"))) && !is_missing(v))
                .map(|(_, v)| v.trim().to_string())
        })
    };
    for (path, value) in elements {
        let leaf = path.rsplit('/').next().unwrap_or(path);
        if leaf == "style" {
            continue;
        }
        let value = value.trim();
        if path.contains('/')
            && !path.ends_with("/style")
            && !matches!(
                leaf,
                "author"
                    | "keyword"
                    | "url"
                    | "title"
                    | "secondary-title"
                    | "full-title"
                    | "abbr-1"
                    | "alt-title"
                    | "year"
                    | "pub-dates"
                    | "date"
            )
            && elements
                .iter()
                .any(|(p, _)| p.starts_with(&format!("{path}/")) && !p.ends_with("/style"))
        {
            continue; // containers: their children are kept instead
        }
        e.raw.push(path, value);
        if path.ends_with("authors/author") {
            e.authors.push(parse_name(value));
        } else if path.ends_with("keywords/keyword") {
            e.keywords.push(value.to_string());
        } else if path.ends_with("electronic-resource-num") {
            e.dois.push(value.to_string());
        } else if leaf == "url" || leaf == "accession-num" || leaf == "notes" {
            e.doi_hints.push(value.to_string());
        } else if leaf == "isbn" {
            e.issn.push(value.to_string());
        }
    }
    e.kinds = get(&["ref-type"]).into_iter().collect();
    e.title = get(&["titles/title"]);
    e.venue = get(&[
        "periodical/full-title",
        "titles/secondary-title",
        "titles/full-title",
    ]);
    e.year = get(&["dates/year"]).as_deref().and_then(year_in);
    e.volume = get(&["volume"]);
    e.issue = get(&["number", "issue"]);
    e.pages = get(&["pages"]);
    e.abstract_text = get(&["abstract"]);
    e.language = get(&["language"]);
    e.url = get(&["related-urls/url", "url"]);
    e.id = get(&["accession-num"]);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(xml: bool, text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
        use crate::import::Format;
        crate::import::parse_all(if xml { Format::EndnoteXml } else { Format::Enw }, text)
    }

    #[test]
    fn tagged_records_with_and_without_type_lines() {
        let text = "%T How Trust Leads\n%A Guo, Wenjing\n%A Sheng-Hsin Su\n%8 September  1, 2021\n%K a\nb\n\n\n%0 Journal Article\n%T Second\n%R 10.6165/tai.2025.70.58\n%M doi: 10.6165/tai.2025.70.58\n%0 Journal Article\n%T Third\n\n%T Fourth\n%0 Book\n";
        let (e, d) = run(false, text);
        assert!(d.is_empty());
        assert_eq!(e.len(), 4);
        assert_eq!(e[3].kinds, ["Book"]);
        assert_eq!(e[0].year, Some(2021));
        assert_eq!(e[0].authors[1].family.as_deref(), Some("Su"));
        assert_eq!(e[0].keywords, ["a", "b"]);
        assert_eq!(e[1].dois, ["10.6165/tai.2025.70.58"]);
        assert_eq!(e[2].title.as_deref(), Some("Third"));
    }

    #[test]
    fn xml_records_with_style_wrappers() {
        let text = r#"<?xml version="1.0" encoding="UTF-8" ?><xml><records><record><ref-type name="Journal Article">17</ref-type><contributors><authors><author><style face="normal" font="default" size="100%">Chapman, A. G.</style></author></authors></contributors><titles><title><style face="normal">An ecological basis &amp; more</style></title><secondary-title>Journal</secondary-title></titles><dates><year>1937</year></dates><electronic-resource-num>10.1/x</electronic-resource-num></record>
<record><titles><title>Two</title></titles></record><record><titles>"#;
        let (e, d) = run(true, text);
        assert_eq!(e.len(), 2);
        assert_eq!(d.len(), 1);
        assert_eq!(e[0].title.as_deref(), Some("An ecological basis & more"));
        assert_eq!(e[0].authors[0].family.as_deref(), Some("Chapman"));
        assert_eq!(e[0].year, Some(1937));
        assert_eq!(e[0].kinds, ["Journal Article"]);
        assert_eq!(e[0].venue.as_deref(), Some("Journal"));
        assert_eq!(d[0].line, 2);
    }
}
