//! Import: bibliographic export files (RIS, BibTeX, PubMed MEDLINE, Web of Science, CSV,
//! EndNote tagged and XML) turned into [`Record`]s of a named database.
//!
//! The shape: [`decode::decode`] turns bytes into text (encoding and line endings), [`detect`]
//! tells the format from the content (never the extension), and one parser per format (one
//! file each) reads the text and calls back once per entry with an [`Entry`] or a
//! [`Diagnostic`] for a record it could not read. Parsers never collect the whole file, so
//! memory grows with one record plus the output. [`RecordBuilder`] turns each entry into a
//! [`Record`] with its provenance: the source id is the file's own record id when it has one
//! not seen before in the file, else a stable id from the file's SHA-256 and the record's
//! position, so importing the same file again gives the same ids. A record of litscope's own
//! export keeps the record id it was exported with ([`own`]). Each format's type names are
//! read into the one vocabulary of [`crate::worktype`].
//!
//! Nothing here prints or touches the corpus; `cli::import` stores and reports.

pub mod bibtex;
pub mod csv;
pub mod decode;
pub mod endnote;
pub mod jsonl;
pub mod latex;
pub mod names;
pub mod nbib;
pub mod own;
pub mod raw;
pub mod ris;
pub mod screening;
pub mod sniff;
pub mod stream;
pub mod wos;

use crate::model::{Author, Provenance, Record};
use crate::text::{clean_block, clean_line, clean_line_owned, non_empty};
pub use raw::RawFields;
pub use sniff::detect;
use std::collections::HashSet;
use std::fmt;

/// An export format, named as in `import --format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RIS (`TY  - … ER  -`).
    Ris,
    /// BibTeX or biblatex.
    Bibtex,
    /// PubMed MEDLINE (`.nbib`).
    Nbib,
    /// Web of Science plain text or tab-delimited.
    Wos,
    /// Comma-, semicolon- or tab-separated values with a header row.
    Csv,
    /// EndNote XML.
    EndnoteXml,
    /// EndNote tagged (`%A`, `%T`).
    Enw,
    /// JSON Lines: one object per record (`litscope export --format jsonl`).
    Jsonl,
}

impl Format {
    /// `ris`, `bibtex`, `nbib`, `wos`, `csv`, `endnote-xml`, `enw` or `jsonl`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Ris => "ris",
            Format::Bibtex => "bibtex",
            Format::Nbib => "nbib",
            Format::Wos => "wos",
            Format::Csv => "csv",
            Format::EndnoteXml => "endnote-xml",
            Format::Enw => "enw",
            Format::Jsonl => "jsonl",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A record that could not be read: skipped, with the 1-based line where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Line of the file (1-based) where the problem is.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.reason)
    }
}

/// One entry as a parser read it, before it becomes a [`Record`]. Text fields are as found
/// (LaTeX already decoded); [`RecordBuilder`] cleans them.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// Line (1-based) where the entry starts.
    pub line: usize,
    /// The file's own id for the record (PMID, UT, RIS `ID`, citation key, CSV `id`).
    pub id: Option<String>,
    /// Title (subtitle already joined).
    pub title: Option<String>,
    /// Authors in byline order.
    pub authors: Vec<Author>,
    /// Year of publication.
    pub year: Option<i32>,
    /// Journal, book or proceedings.
    pub venue: Option<String>,
    /// Volume.
    pub volume: Option<String>,
    /// Issue.
    pub issue: Option<String>,
    /// Pages (`12-19`).
    pub pages: Option<String>,
    /// ISSNs.
    pub issn: Vec<String>,
    /// Abstract.
    pub abstract_text: Option<String>,
    /// The format's own type terms, most specific first (`JOUR` then any `M3`; MEDLINE's
    /// every `PT`; WoS `DT` parts then `PT`; BibTeX's `entrysubtype` and `type`, then the
    /// entry type), read by [`crate::worktype::classify`].
    pub kinds: Vec<String>,
    /// Language.
    pub language: Option<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Landing page.
    pub url: Option<String>,
    /// PubMed id.
    pub pmid: Option<String>,
    /// Values from DOI fields, best first.
    pub dois: Vec<String>,
    /// Other values that may hold a DOI (URLs, notes, identifiers), searched after `dois`.
    pub doi_hints: Vec<String>,
    /// The fields as read (the record's raw payload).
    pub raw: RawFields,
    /// What the parser repaired to read it (`CSV row with fewer fields than the header`),
    /// counted in the file's summary.
    pub repairs: Vec<&'static str>,
}

/// The repairs of a file's entries, counted: `CSV rows with fewer fields than the header: 3`.
#[derive(Debug, Default)]
pub(crate) struct RepairCount(std::collections::BTreeMap<&'static str, u64>);

impl RepairCount {
    /// Counts the repairs of one entry.
    pub(crate) fn add(&mut self, entry: &Entry) {
        for what in &entry.repairs {
            *self.0.entry(what).or_default() += 1;
        }
    }

    /// One line per kind of repair, with its count.
    pub(crate) fn lines(self) -> impl Iterator<Item = String> {
        self.0.into_iter().map(|(what, n)| format!("{what}: {n}"))
    }
}

impl Entry {
    /// Sets `slot` to `value` unless it is already set or `value` is empty.
    pub fn set(slot: &mut Option<String>, value: &str) {
        if slot.is_none() && !value.trim().is_empty() && !is_missing(value) {
            *slot = Some(value.trim().to_string());
        }
    }
}

/// True for the placeholders exports use for "no value": `NA`, `nan`, `NULL`, `[No abstract
/// available]`.
pub fn is_missing(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.eq_ignore_ascii_case("na")
        || v.eq_ignore_ascii_case("nan")
        || v.eq_ignore_ascii_case("null")
        || v.eq_ignore_ascii_case("none")
        || v.eq_ignore_ascii_case("[no abstract available]")
}

/// The first plausible year (1000–2999) in a date text (`2019 Winter`, `2016/09//`,
/// `September  1, 2021`).
pub fn year_in(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
            && (b[i] == b'1' || b[i] == b'2')
        {
            return std::str::from_utf8(&b[i..i + 4]).ok()?.parse().ok();
        }
        i += 1;
    }
    None
}

/// Turns [`Entry`]s of one file into [`Record`]s of one database.
#[derive(Debug)]
pub struct RecordBuilder {
    source: String,
    run: String,
    file_sha: String,
    retrieved: jiff::Timestamp,
    seen_ids: HashSet<String>,
    position: usize,
    carried: Vec<(crate::model::RecordId, screening::Carried)>,
}

impl RecordBuilder {
    /// A builder for the records of one file (`file_sha` is its SHA-256 in hex).
    pub fn new(source: &str, run: &str, file_sha: &str, retrieved: jiff::Timestamp) -> Self {
        RecordBuilder {
            source: source.to_string(),
            run: run.to_string(),
            file_sha: file_sha.to_string(),
            retrieved,
            seen_ids: HashSet::new(),
            position: 0,
            carried: Vec::new(),
        }
    }

    /// The screening decisions found in the records built so far (see [`screening`]), by the
    /// id of their record.
    pub fn take_carried(&mut self) -> Vec<(crate::model::RecordId, screening::Carried)> {
        std::mem::take(&mut self.carried)
    }

    /// The next record of the file.
    pub fn build(&mut self, mut entry: Entry) -> Record {
        self.position += 1;
        let carried = screening::take(&mut entry);
        let record = self.build_record(entry);
        self.carried
            .extend(carried.into_iter().map(|c| (record.id.clone(), c)));
        record
    }

    fn build_record(&mut self, entry: Entry) -> Record {
        let own = entry
            .id
            .as_deref()
            .map(clean_line)
            .filter(|id| !id.is_empty() && !self.seen_ids.contains(id));
        let source_id = match own {
            Some(id) => {
                self.seen_ids.insert(id.clone());
                id
            }
            None => format!(
                "{}-{}",
                &self.file_sha[..self.file_sha.len().min(16)],
                self.position
            ),
        };
        let provenance = Provenance {
            source: self.source.clone(),
            source_id,
            run: self.run.clone(),
            query: None,
            retrieved: self.retrieved,
            via: None,
        };
        let doi = entry
            .dois
            .iter()
            .chain(entry.doi_hints.iter())
            .find_map(|v| crate::text::doi_in(v));
        let own_id = own::record_id(&entry.raw);
        let raw = entry.raw.to_json();
        let mut r = Record::new(provenance, doi.as_deref(), raw);
        if let Some(id) = own_id {
            r.id = id;
        }
        let line = |v: Option<String>| v.map(clean_line_owned).and_then(non_empty);
        r.title = line(entry.title);
        r.authors = entry
            .authors
            .into_iter()
            .map(|a| Author {
                family: line(a.family),
                given: line(a.given),
                name: line(a.name),
                orcid: a.orcid,
            })
            .filter(|a| a.family.is_some() || a.given.is_some() || a.name.is_some())
            .collect();
        r.year = entry.year;
        r.venue = line(entry.venue);
        r.volume = line(entry.volume);
        r.issue = line(entry.issue);
        r.pages = line(entry.pages);
        r.issn = entry
            .issn
            .iter()
            .flat_map(|s| s.split([';', ',', ' ']))
            .map(clean_line)
            .filter(|s| !s.is_empty())
            .collect();
        // One paragraph (the usual case) is one line: clean_line's fast path applies.
        r.abstract_text = entry
            .abstract_text
            .map(|s| {
                if s.contains('\n') {
                    clean_block(&s)
                } else {
                    clean_line_owned(s)
                }
            })
            .and_then(non_empty);
        r.set_type(entry.kinds.iter().map(String::as_str));
        r.language = line(entry.language);
        r.keywords = entry
            .keywords
            .into_iter()
            .map(clean_line_owned)
            .filter(|k| !k.is_empty())
            .collect();
        r.url = line(entry.url);
        if let Some(pmid) = line(entry.pmid) {
            r.ids.insert("pmid".into(), pmid);
        }
        r
    }
}

/// What parsers call once per entry, or per record they could not read.
pub type Callback<'a> = dyn FnMut(Result<Entry, Diagnostic>) + 'a;

/// Parses `text` in `format`, calling `on` once per entry (or per unreadable record).
/// An entry with nothing to screen or match on is no record: see [`has_content`].
pub fn parse(format: Format, text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let on = &mut |r: Result<Entry, Diagnostic>| {
        on(r.and_then(|e| {
            if has_content(&e) {
                Ok(e)
            } else {
                Err(Diagnostic {
                    line: e.line,
                    reason: "no title, DOI, authors, abstract or PubMed id: not a record, skipped"
                        .into(),
                })
            }
        }))
    };
    match format {
        Format::Ris => ris::parse(text, on),
        Format::Bibtex => bibtex::parse(text, on),
        Format::Nbib => nbib::parse(text, on),
        Format::Wos => wos::parse(text, on),
        Format::Csv => csv::parse(text, on),
        Format::EndnoteXml => endnote::parse_xml(text, on),
        Format::Enw => endnote::parse_tagged(text, on),
        Format::Jsonl => jsonl::parse(text, on),
    }
}

/// True when an entry holds something a reviewer can screen or dedup can match: a title, a
/// DOI, an author, an abstract or a PubMed id. A year, pages or a venue alone are not a
/// record (a row of a table that is no export, a stray fragment between records).
pub fn has_content(e: &Entry) -> bool {
    let text = |v: &Option<String>| v.as_deref().is_some_and(|s| !is_missing(s));
    text(&e.title)
        || text(&e.abstract_text)
        || text(&e.pmid)
        || e.authors
            .iter()
            .any(|a| text(&a.family) || text(&a.given) || text(&a.name))
        || e.dois
            .iter()
            .chain(&e.doi_hints)
            .any(|v| crate::text::doi_in(v).is_some())
}

/// Test helper: the entries and the diagnostics of parsing `text` as `format`.
#[cfg(test)]
pub(crate) fn parse_all(format: Format, text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
    let (mut ok, mut bad) = (Vec::new(), Vec::new());
    parse(format, text, &mut |r| match r {
        Ok(e) => ok.push(e),
        Err(d) => bad.push(d),
    });
    (ok, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No parser may panic on any input: every fixture's head, cut and mutated with the bytes
    /// that matter to the formats (and bytes that break UTF-8), through every parser.
    #[test]
    fn no_parser_panics_on_mutated_real_exports() {
        let dir = crate::testutil::shared_dir().join("fixtures/exports");
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new(), b"@".to_vec(), b"\xff\xfe\x00".to_vec()];
        for sub in std::fs::read_dir(&dir).expect("shared fixtures") {
            let sub = sub.expect("entry").path();
            if sub.is_dir() {
                for f in std::fs::read_dir(&sub).expect("folder") {
                    let bytes = std::fs::read(f.expect("entry").path()).expect("fixture");
                    inputs.push(bytes[..bytes.len().min(12_000)].to_vec());
                }
            }
        }
        let specials: &[&[u8]] = &[
            b"{",
            b"}",
            b"\"",
            b"\\",
            b"%",
            b"@",
            b"\r",
            b"\n",
            b"\t",
            b",",
            b"=",
            b"#",
            b"<",
            b">",
            b"&",
            b"-",
            b"  - ",
            b"\xc3",
            b"\xa9",
            "é€".as_bytes(),
            b"\\'",
            b"\nER  - \n",
            b"\nTY  - \n",
            b"\n@article{",
            b"\nPMID- ",
            b"\n%0 ",
            b"<record>",
        ];
        let mut rng = fastrand::Rng::with_seed(5);
        for input in &inputs {
            for round in 0..12 {
                let mut m = input.clone();
                if round > 0 {
                    for _ in 0..rng.usize(1..40) {
                        let at = rng.usize(..=m.len());
                        let s = specials[rng.usize(..specials.len())];
                        m.splice(at..at, s.iter().copied());
                    }
                    let cut = rng.usize(..=m.len());
                    m.truncate(cut);
                }
                let text = decode::decode(&m).text;
                let _ = detect(&text);
                for format in [
                    Format::Ris,
                    Format::Bibtex,
                    Format::Nbib,
                    Format::Wos,
                    Format::Csv,
                    Format::EndnoteXml,
                    Format::Enw,
                    Format::Jsonl,
                ] {
                    let mut b = RecordBuilder::new("db", "run", "00", jiff::Timestamp::UNIX_EPOCH);
                    parse(format, &text, &mut |r| {
                        if let Ok(e) = r {
                            let _ = b.build(e);
                        }
                    });
                }
            }
        }
    }

    /// A record with nothing to screen or match on (no title, DOI, authors, abstract or
    /// PubMed id) is a diagnostic in every format, never a record; any one of them is enough.
    #[test]
    fn records_without_content_are_diagnostics() {
        let cases = [
            (
                Format::Csv,
                "title,abstract,authors,doi,year,pages\n,,,,2001,1-9\nKept,,,,,\n",
            ),
            (
                Format::Ris,
                "TY  - JOUR\nPY  - 2001\nSP  - 3\nER  -\nTY  - JOUR\nTI  - Kept\nER  -\n",
            ),
            (
                Format::Bibtex,
                "@article{k1, year={2001}, pages={1--9}}\n@article{k2, title={Kept}}\n",
            ),
            (
                Format::Enw,
                "%0 Journal Article\n%D 2001\n\n%0 Journal Article\n%T Kept\n",
            ),
            (
                Format::Jsonl,
                "{\"year\":2001,\"journal\":\"J\"}\n{\"title\":\"Kept\"}\n",
            ),
            (
                Format::Wos,
                "FN x\nVR 1.0\nPT J\nPY 2001\nER\nPT J\nTI Kept\nER\nEF\n",
            ),
            (
                Format::EndnoteXml,
                "<xml><records><record><dates><year>2001</year></dates></record><record><titles><title>Kept</title></titles></record></records></xml>",
            ),
        ];
        for (format, text) in cases {
            let (ok, bad) = parse_all(format, text);
            let titles: Vec<_> = ok.iter().map(|e| e.title.as_deref()).collect();
            assert_eq!(titles, [Some("Kept")], "{format}");
            assert_eq!(bad.len(), 1, "{format}: {bad:?}");
            assert!(bad[0].reason.contains("no title"), "{format}: {bad:?}");
        }
        for text in [
            "abstract,year\n25° C,2001\n",
            "doi,year\nhttps://doi.org/10.1000/x,2001\n",
            "authors,year\n\"Dahl, Per\",2001\n",
            "pmid,year\n123,2001\n",
        ] {
            let (ok, bad) = parse_all(Format::Csv, text);
            assert_eq!((ok.len(), bad.len()), (1, 0), "{text}");
        }
    }

    /// A file with no text at all says it is empty, whatever its encoding.
    #[test]
    fn empty_files_say_they_are_empty() {
        for bytes in [
            &b""[..],
            b"  \n\n\t",
            b"\xEF\xBB\xBF",
            b"\xEF\xBB\xBF\r\n",
            b"\xFF\xFE",
            b"\xFF\xFE\n\0",
            b"\0\0\0\0",
        ] {
            let mut b = RecordBuilder::new("db", "run", "00", jiff::Timestamp::UNIX_EPOCH);
            let err = read_file("f.ris", bytes.to_vec(), &mut b, &mut |_| {})
                .expect_err("an empty file is refused");
            assert!(
                err.to_string().starts_with("f.ris: the file is empty"),
                "{bytes:?}: {err}"
            );
        }
    }

    /// Random bytes never make a record, whatever they happen to look like.
    mod property {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]
            #[test]
            fn random_bytes_are_never_records(bytes in prop::collection::vec(any::<u8>(), 0..16_384)) {
                let mut b = RecordBuilder::new("db", "run", "00", jiff::Timestamp::UNIX_EPOCH);
                let mut records = 0;
                let _ = read_file("f", bytes, &mut b, &mut |_| records += 1);
                prop_assert_eq!(records, 0);
            }

            /// The same behind the magic numbers of files users mistake for exports.
            #[test]
            fn random_bytes_behind_a_file_signature_are_never_records(
                magic in prop::sample::select(vec![&b"\x89PNG\r\n\x1a\n"[..], b"%PDF-1.4\n", b"PK\x03\x04", b"<!DOCTYPE html>\n", b"{\"error\":", b"\xEF\xBB\xBF"]),
                bytes in prop::collection::vec(any::<u8>(), 0..8_192),
            ) {
                let mut b = RecordBuilder::new("db", "run", "00", jiff::Timestamp::UNIX_EPOCH);
                let mut records = 0;
                let _ = read_file("f", [magic, &bytes].concat(), &mut b, &mut |_| records += 1);
                prop_assert_eq!(records, 0);
            }
        }
    }

    #[test]
    fn years_are_found_in_free_text() {
        assert_eq!(year_in("2019 Winter"), Some(2019));
        assert_eq!(year_in("2016/09//"), Some(2016));
        assert_eq!(year_in("September  1, 2021"), Some(2021));
        assert_eq!(year_in("12345"), None);
        assert_eq!(year_in(""), None);
    }

    #[test]
    fn records_are_cleaned_nfc_and_take_the_first_real_doi() {
        let mut b = RecordBuilder::new("db", "run", "00ff", jiff::Timestamp::UNIX_EPOCH);
        let mut e = Entry {
            title: Some("  Cafe\u{301}   <i>society</i> ".into()),
            abstract_text: Some("First  paragraph.\n\nSecond.".into()),
            dois: vec![
                "S0048-9697(17)31003-1".into(),
                "https://doi.org/10.1000/ABC".into(),
            ],
            doi_hints: vec!["http://dx.doi.org/10.9999/other".into()],
            pmid: Some("123".into()),
            keywords: vec![" k ".into(), "".into()],
            issn: vec!["1234-5678 8765-4321".into()],
            ..Default::default()
        };
        e.raw.push("TI", "x");
        e.raw.push("TI", "y");
        let r = b.build(e);
        assert_eq!(r.title.as_deref(), Some("Café society"));
        assert_eq!(
            r.abstract_text.as_deref(),
            Some("First paragraph.\n\nSecond.")
        );
        assert_eq!(r.doi.as_deref(), Some("10.1000/abc"));
        assert_eq!(r.id, crate::model::RecordId::from_doi("10.1000/abc"));
        assert_eq!(r.ids["pmid"], "123");
        assert_eq!(r.keywords, ["k"]);
        assert_eq!(r.issn, ["1234-5678", "8765-4321"]);
        assert_eq!(r.raw.get(), r#"{"TI":["x","y"]}"#);
        assert_eq!(r.provenance.via, None);
        assert_eq!(r.provenance.query, None);
    }

    #[test]
    fn own_ids_are_kept_once_and_positions_fill_in() {
        let mut b = RecordBuilder::new(
            "db",
            "run",
            "abcdef0123456789ff",
            jiff::Timestamp::UNIX_EPOCH,
        );
        let e = |id: Option<&str>| Entry {
            id: id.map(String::from),
            ..Default::default()
        };
        assert_eq!(b.build(e(Some("k1"))).provenance.source_id, "k1");
        assert_eq!(
            b.build(e(Some("k1"))).provenance.source_id,
            "abcdef0123456789-2"
        );
        assert_eq!(b.build(e(None)).provenance.source_id, "abcdef0123456789-3");
        assert_eq!(
            b.build(e(Some(" "))).provenance.source_id,
            "abcdef0123456789-4"
        );
    }
}

/// The first 60 characters of a line, for a diagnostic.
pub(crate) fn excerpt(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// No known format fits the content.
    #[error(
        "{file}: not a recognised export format (RIS, BibTeX, MEDLINE, Web of Science, CSV, JSON Lines, EndNote tagged or XML)"
    )]
    UnknownFormat {
        /// The file as named on the command line.
        file: String,
    },
    /// The file holds no text: no bytes, or only blank space.
    #[error("{file}: the file is empty ({}): nothing to import", if *bytes == 0 { "0 bytes".to_string() } else { format!("{bytes} bytes of blank space only") })]
    Empty {
        /// The file as named on the command line.
        file: String,
        /// Its size.
        bytes: u64,
    },
    /// The file could not be read.
    #[error("{file}: {message}")]
    Read {
        /// The file as named on the command line.
        file: String,
        /// What went wrong.
        message: String,
    },
}

/// What reading one file found (before storing).
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The format recognised.
    pub format: Format,
    /// The encoding as reported (`utf-8`, `utf-8-bom`, `utf-16le-bom`, `windows-1252`).
    pub encoding: String,
    /// What decoding repaired.
    pub repairs: Vec<String>,
    /// Records read (imported or skipped).
    pub read: u64,
    /// Records that could not be read, with their line.
    pub skipped: Vec<Diagnostic>,
}

/// Bytes in lower-case hex (a SHA-256 digest as the run log writes it).
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a file whose text (of `size` bytes) fits no format is refused: it is empty, or no
/// known format.
fn unknown(file: &str, text: &str, size: u64) -> ImportError {
    if sniff::is_blank(text) {
        ImportError::Empty {
            file: file.to_string(),
            bytes: size,
        }
    } else {
        ImportError::UnknownFormat {
            file: file.to_string(),
        }
    }
}

/// Reads one export file's bytes: decodes, detects the format, parses, and calls `on_record`
/// per record built (in file order). `file` names the file in errors.
pub fn read_file(
    file: &str,
    bytes: Vec<u8>,
    builder: &mut RecordBuilder,
    on_record: &mut dyn FnMut(Record),
) -> Result<FileReport, ImportError> {
    let size = bytes.len() as u64;
    let decoded = decode::decode_owned(bytes);
    let format = detect(&decoded.text).ok_or_else(|| unknown(file, &decoded.text, size))?;
    let mut report = FileReport {
        format,
        encoding: decoded.encoding_label(),
        repairs: decoded.repairs.clone(),
        read: 0,
        skipped: Vec::new(),
    };
    let mut repaired = RepairCount::default();
    parse(format, &decoded.text, &mut |r| {
        report.read += 1;
        match r {
            Ok(entry) => {
                repaired.add(&entry);
                on_record(builder.build(entry))
            }
            Err(d) => report.skipped.push(d),
        }
    });
    report.repairs.extend(repaired.lines());
    Ok(report)
}
