//! CSV export: the contract's columns (`id, title, authors, year, journal, volume, issue,
//! pages, doi, abstract, sources, source_ids, decision, reasons, tags`) followed by `stage,
//! note, keywords, url, language, type, genre`, RFC 4180 quoting (fields with commas, quotes
//! or line breaks in double quotes, quotes doubled), CRLF line ends, UTF-8 without a
//! byte-order mark. Lists (`authors`, `sources`, `source_ids`, `reasons`, `tags`, `keywords`,
//! `genre`) are joined with `; `, the separator `litscope import` splits them on; a keyword
//! that holds a `;` is quoted inside the cell ([`crate::text::join_list`]). `type` and `genre`
//! are the vocabulary's terms ([`crate::worktype`]).

use super::ExportError;
use crate::screened::ScreenedRecord;
use crate::text::join_list;
use std::io::Write;

/// The header row.
pub const COLUMNS: [&str; 22] = [
    "id",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "abstract",
    "sources",
    "source_ids",
    "decision",
    "reasons",
    "tags",
    "stage",
    "note",
    "keywords",
    "url",
    "language",
    "type",
    "genre",
];

/// Drops control characters other than tab and line breaks (an escape sequence in a title
/// must not reach a terminal through `export --format csv`).
fn clean(s: String) -> String {
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        s.chars()
            .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            .collect()
    } else {
        s
    }
}

/// One record's row, in [`COLUMNS`] order.
pub fn row(r: &ScreenedRecord) -> Vec<String> {
    let rec = &r.record;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let cells = vec![
        rec.id.to_string(),
        s(&rec.title),
        r.author_names().join("; "),
        rec.year.map(|y| y.to_string()).unwrap_or_default(),
        s(&rec.venue),
        s(&rec.volume),
        s(&rec.issue),
        s(&rec.pages),
        s(&rec.doi),
        s(&rec.abstract_text),
        r.sources.join("; "),
        r.source_ids.join("; "),
        r.decision_text().to_string(),
        r.reasons.join("; "),
        r.tags.join("; "),
        s(&r.stage),
        s(&r.note),
        join_list(
            &rec.keywords
                .iter()
                .cloned()
                .chain(r.screening_keywords())
                .collect::<Vec<_>>(),
        ),
        s(&rec.url),
        s(&rec.language),
        rec.kind.map(|k| k.as_str()).unwrap_or_default().to_string(),
        join_list(&rec.genre.iter().map(|g| g.as_str()).collect::<Vec<_>>()),
    ];
    cells.into_iter().map(clean).collect()
}

/// Writes the header and one row per record.
pub fn write(records: &[ScreenedRecord], w: &mut dyn Write) -> Result<(), ExportError> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(w);
    out.write_record(COLUMNS)?;
    for r in records {
        out.write_record(row(r))?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screened::testing::*;
    use crate::store::decisions::Verdict;

    #[test]
    fn fields_with_commas_quotes_and_line_breaks_are_quoted() {
        let mut r = record("crossref", "10.1000/x", Some("10.1000/x"));
        r.title = Some("A \"quoted\", title".into());
        r.abstract_text = Some("Line one\nline two".into());
        r.authors = vec![author("Hansen", "Kari"), author("Berg", "Ola")];
        r.year = Some(2019);
        let e = screened(
            r,
            Some(Verdict::Exclude),
            &["wrong setting", "not empirical"],
            &["PA"],
        );
        let mut buf = Vec::new();
        write(std::slice::from_ref(&e), &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let (header, rest) = text.split_once("\r\n").unwrap();
        assert!(header.starts_with(
            "id,title,authors,year,journal,volume,issue,pages,doi,abstract,sources,source_ids,decision,reasons,tags"
        ));
        assert_eq!(
            rest,
            format!(
                "{},\"A \"\"quoted\"\", title\",\"Hansen, Kari; Berg, Ola\",2019,,,,,10.1000/x,\"Line one\nline two\",crossref,crossref:10.1000/x,exclude,wrong setting; not empirical,PA,title-abstract,,,,,,\r\n",
                e.record.id
            )
        );
        // A standard reader gives the values back.
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rec = reader.records().next().unwrap().unwrap();
        assert_eq!(&rec[1], "A \"quoted\", title");
        assert_eq!(&rec[9], "Line one\nline two");
        assert_eq!(rec.len(), COLUMNS.len());
    }

    #[test]
    fn any_text_reads_back_unchanged_but_for_control_characters() {
        let alphabet: Vec<char> = "a,\"\n\r\t ;æ\u{1b}\u{0}x".chars().collect();
        let mut state = 0x9E3779B97F4A7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..300 {
            let len = (next() % 30) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let mut r = record("x", &i.to_string(), None);
            r.title = Some(text.clone());
            let mut buf = Vec::new();
            write(&[screened(r, None, &[], &[])], &mut buf).unwrap();
            let mut reader = csv::Reader::from_reader(&buf[..]);
            let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            assert_eq!(rows.len(), 1, "{text:?}");
            let expected: String = text
                .chars()
                .filter(|c| !matches!(c, '\u{1b}' | '\u{0}'))
                .collect();
            assert_eq!(&rows[0][1], expected, "{text:?}");
        }
    }
}
