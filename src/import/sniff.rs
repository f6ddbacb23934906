//! Telling an export's format from its content, and refusing what is no export.
//!
//! [`detect`] looks only at the first [`HEAD_LINES`] lines (so a file read in pieces and the
//! same file read whole are told alike). A format is recognised only when that head holds
//! enough of it: two lines in its tag layout (RIS, MEDLINE, Web of Science, EndNote tagged),
//! a BibTeX entry with a field, an EndNote XML `<record>`, a JSON object with at least two
//! bibliographic keys, or a CSV header row naming at least one known column (and made of
//! short names without control characters). Everything else (random bytes, images, PDFs,
//! archives, HTML or JSON error pages, prose) is no known format, and [`is_blank`] tells an
//! empty file apart so it can say so.

use super::{Format, bibtex, jsonl, ris, wos};

/// Lines of the file [`detect`] looks at.
pub const HEAD_LINES: usize = 200;

/// Tells the format from the first [`HEAD_LINES`] lines of the text. `None` when nothing
/// fits, or when what looks like one format's mark is not followed by more of that format.
pub fn detect(text: &str) -> Option<Format> {
    let head_end = memchr::memchr_iter(b'\n', text.as_bytes())
        .nth(HEAD_LINES - 1)
        .map_or(text.len(), |i| i + 1);
    let head = &text[..head_end];
    let start = head.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("<?xml") || start.starts_with("<xml") || start.starts_with("<records") {
        // XML is an EndNote export only when it holds records (not an error body, a feed).
        return head.contains("<record").then_some(Format::EndnoteXml);
    }
    let mut first_data_line: Option<&str> = None;
    for line in head.lines() {
        let t = line.trim_end();
        if t.trim().is_empty() {
            continue;
        }
        let mark = if ris::is_tag_line(t).is_some_and(|(tag, _)| tag == "TY") {
            Some(Format::Ris)
        } else if t.starts_with("PMID-") || t.starts_with("PMID -") {
            Some(Format::Nbib)
        } else if wos::is_tab_header(t) {
            return Some(Format::Wos);
        } else if t.starts_with("FN ")
            || t.starts_with("VR ") && first_data_line.is_none()
            || t.starts_with("PT ") && t.len() <= 5
        {
            Some(Format::Wos)
        } else if t.len() >= 3 && t.starts_with('%') && enw_tag(t) {
            Some(Format::Enw)
        } else if t.trim_start().starts_with('@') && bibtex::looks_like_entry_start(t.trim_start())
        {
            Some(Format::Bibtex)
        } else {
            None
        };
        if let Some(format) = mark {
            if confirmed(format, head) {
                return Some(format);
            }
            continue;
        }
        if t.trim_start().starts_with('%') {
            continue; // BibTeX comment lines before the first entry
        }
        if first_data_line.is_none() {
            if jsonl::is_object_line(t) {
                return jsonl::is_record_line(t).then_some(Format::Jsonl);
            }
            first_data_line = Some(t);
        }
    }
    let first = first_data_line?;
    let delimited = first.contains(',') || first.contains('\t') || first.contains(';');
    (delimited && super::csv::is_export_header(head)).then_some(Format::Csv)
}

/// True when the head holds more of `format` than the one line that looked like it: two
/// lines in its tag layout, or a BibTeX entry with a field (or a second entry).
fn confirmed(format: Format, head: &str) -> bool {
    let at_least_two = |is: &dyn Fn(&str) -> bool| {
        head.lines()
            .map(str::trim_end)
            .filter(|l| is(l))
            .nth(1)
            .is_some()
    };
    match format {
        Format::Ris => at_least_two(&|l| l == "ER" || ris::is_tag_line(l).is_some()),
        Format::Nbib => at_least_two(&|l| super::nbib::tag_line(l).is_some()),
        Format::Wos => at_least_two(&|l| {
            let b = l.as_bytes();
            b.len() >= 2
                && b[0].is_ascii_uppercase()
                && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
                && (b.len() == 2 || b[2] == b' ')
        }),
        Format::Enw => at_least_two(&|l| l.len() >= 2 && l.starts_with('%') && enw_tag(l)),
        Format::Bibtex => {
            head.contains('=')
                || at_least_two(&|l| {
                    let l = l.trim_start();
                    l.starts_with('@') && bibtex::looks_like_entry_start(l)
                })
        }
        _ => true,
    }
}

/// True when the text holds nothing but blank space (line ends, spaces, tabs, a BOM): an
/// empty file, said to be so rather than "no known format".
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || c == '\u{feff}')
}

fn enw_tag(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() >= 2
        && b[0] == b'%'
        && (b[1].is_ascii_alphanumeric() || b[1] == b'@' || b[1] == b'!' || b[1] == b'#')
        && (b.len() == 2 || b[2] == b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_from_content() {
        let cases = [
            ("TY  - JOUR\nTI  - x\nER  - \n", Some(Format::Ris)),
            ("Provider: JSTOR\n\nTY  - JOUR\nER  -\n", Some(Format::Ris)),
            ("1.\nTY  - JOUR\nTI  - x\n", Some(Format::Ris)),
            ("\nPMID- 123\nTI  - x\n", Some(Format::Nbib)),
            ("FN Clarivate\nVR 1.0\nPT J\n", Some(Format::Wos)),
            ("PT\tAU\tTI\tSO\nJ\ta\tb\tc\n", Some(Format::Wos)),
            (
                "% Encoding: UTF-8\n@Article{k,\n title={x}}\n",
                Some(Format::Bibtex),
            ),
            ("@ARTICLE{k,title={x}}", Some(Format::Bibtex)),
            ("%T Title\n%A Smith, J\n", Some(Format::Enw)),
            ("%0 Journal Article\n%T Title\n", Some(Format::Enw)),
            (
                "<?xml version=\"1.0\"?><xml><records>",
                Some(Format::EndnoteXml),
            ),
            ("id,title,year\n1,a,2000\n", Some(Format::Csv)),
            ("{\"id\":\"x\",\"title\":\"a, b\"}\n", Some(Format::Jsonl)),
            ("{not json, but a header}\n", None),
            (
                "\u{feff}ID,ENTRYTYPE,title\n1,article,x\n",
                Some(Format::Csv),
            ),
            ("sep=;\ntitle;year\na;2000\n", Some(Format::Csv)),
            ("Title\tAuthors\nx\ty\n", Some(Format::Csv)),
            ("{\"title\":\"x\",\"year\":2001}\n", Some(Format::Jsonl)),
            (
                "<?xml version=\"1.0\"?>\n<xml>\n<records>\n<record>",
                Some(Format::EndnoteXml),
            ),
            (
                "PMID-22664220\nPT  - Technical Report\n",
                Some(Format::Nbib),
            ),
            ("just words\n", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text), want, "{text:?}");
        }
    }

    /// Files that are no export: each is refused, however many commas, braces or tags it has.
    #[test]
    fn what_is_no_export_is_not_recognised() {
        let mut noise = vec![0u8; 20_000];
        let mut rng = fastrand::Rng::with_seed(12);
        rng.fill(&mut noise);
        let with = |magic: &[u8]| [magic, &noise[..4000]].concat();
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("random bytes", noise.clone()),
            ("PNG", with(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")),
            ("zip", with(b"PK\x03\x04\x14\0\0\0\x08\0")),
            ("gzip", with(b"\x1f\x8b\x08\0")),
            (
                "PDF",
                b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog, /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Title (Home care, allocation) >>\nendobj\n".to_vec(),
            ),
            (
                "HTML error page",
                b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>503 Service Unavailable</title></head>\n<body><h1>Service Unavailable</h1><p>Please try again later, or contact support.</p></body></html>\n".to_vec(),
            ),
            (
                "HTML page, comma on the first line",
                b"<html><head><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\n<body>Not found, sorry</body></html>\n".to_vec(),
            ),
            (
                "JSON error body",
                b"{\"status\":\"error\",\"message-type\":\"exception\",\"message\":[{\"type\":\"rate-limit\",\"message\":\"Too many requests, slow down\"}]}\n".to_vec(),
            ),
            (
                "JSON problem details (RFC 7807)",
                b"{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"No such export\"}".to_vec(),
            ),
            (
                "XML error body",
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>\n".to_vec(),
            ),
            (
                "prose",
                "Notes from the meeting, 3 March\nWe agreed to screen titles first, then abstracts.\nAna checks the exclusions, Bo the inclusions; we meet again on Friday.\n".as_bytes().to_vec(),
            ),
            (
                "Norwegian prose",
                "Referat fra møtet, 3. mars\nVi ble enige om å lese titler først, deretter sammendrag.\n".as_bytes().to_vec(),
            ),
            (
                "a spreadsheet of something else",
                b"Name,Email,Phone\nAna,ana@example.org,123\nBo,bo@example.org,456\n".to_vec(),
            ),
            (
                "a header of noise",
                b"x\x01\x02,title,\x7f\nA,B,C\n".to_vec(),
            ),
            ("one stray EndNote tag", b"%T a title\nand some text\n".to_vec()),
            ("one stray RIS tag", b"TY  - JOUR\nis all this file says\n".to_vec()),
            ("one stray MEDLINE tag", b"PMID- 12345\nand nothing else\n".to_vec()),
            ("an e-mail", b"From: ana@example.org\n@bo{see below}\n".to_vec()),
        ];
        for (what, bytes) in cases {
            let text = super::super::decode::decode(&bytes).text;
            assert_eq!(detect(&text), None, "{what}");
        }
    }

    #[test]
    fn blank_files_are_told_apart() {
        for text in ["", "  \n\t\n", "\u{feff}", "\u{feff}\n\n"] {
            assert!(is_blank(text), "{text:?}");
        }
        assert!(!is_blank(" x "));
    }
}
