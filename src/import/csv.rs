//! Delimited text with a header row: the contract's columns (`id`/`record_id`, `title`,
//! `abstract`, `authors`, `year`, `journal`, `volume`, `issue`, `pages`, `doi`, `keywords`,
//! `url`, `language`) matched case-insensitively, and the column names of Scopus, Web of
//! Science, Embase, IEEE, Lens, PubMed, Springer, Zotero, ASReview, Rayyan and Covidence
//! exports. Every column, known or not, is kept in the raw payload.
//!
//! The reader is a small RFC 4180 state machine (the delimiter, `,`, `;` or tab, is chosen
//! from the header row): quoted fields may span lines and hold doubled quotes, rows may have
//! more or fewer fields than the header, `NA`/`nan` mean "no value".

use super::names::{is_initials, parse_list, parse_name, unglue};
use super::{Diagnostic, Entry, is_missing, year_in};
use crate::model::Author;

/// One row: its 1-based first line, its fields, and whether a quote was left open.
struct Row {
    line: usize,
    fields: Vec<String>,
    unclosed: bool,
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    line: usize,
    delim: u8,
}

impl Reader<'_> {
    fn next_row(&mut self) -> Option<Row> {
        if self.pos >= self.b.len() {
            return None;
        }
        let line = self.line;
        let mut fields = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        let mut quoted = false;
        let mut at_start = true;
        let mut unclosed = false;
        loop {
            let Some(&c) = self.b.get(self.pos) else {
                unclosed = quoted;
                break;
            };
            self.pos += 1;
            if quoted {
                match c {
                    b'"' if self.b.get(self.pos) == Some(&b'"') => {
                        field.push(b'"');
                        self.pos += 1;
                    }
                    b'"' => quoted = false,
                    b'\n' => {
                        self.line += 1;
                        field.push(c);
                    }
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                b'"' if at_start => {
                    quoted = true;
                    at_start = false;
                }
                b'\n' => {
                    self.line += 1;
                    break;
                }
                _ if c == self.delim => {
                    fields.push(String::from_utf8_lossy(&field).into_owned());
                    field.clear();
                    at_start = true;
                }
                _ => {
                    field.push(c);
                    at_start = false;
                }
            }
        }
        fields.push(String::from_utf8_lossy(&field).into_owned());
        Some(Row {
            line,
            fields,
            unclosed,
        })
    }
}

fn delimiter(header: &str) -> u8 {
    let count = |d: char| header.chars().filter(|&c| c == d).count();
    let (comma, semi, tab) = (count(','), count(';'), count('\t'));
    if tab > comma && tab >= semi {
        b'\t'
    } else if semi > comma {
        b';'
    } else {
        b','
    }
}

/// What a column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    Title,
    Abstract,
    Authors,
    AuthorsFull,
    Year,
    /// A venue column, with its rank: 0 the venue itself, then a conference name, an
    /// abbreviation, and last Embase's and Scopus' `Source` (a citation, or the database).
    Venue(u8),
    Volume,
    Issue,
    Pages,
    StartPage,
    EndPage,
    Doi,
    Keywords,
    Url,
    Language,
    Issn,
    /// `isbn` of reference managers, which also holds journals' ISSNs (`0300-8428 (Print)`).
    Isbn,
    Kind,
    Pmid,
    Date,
    Hint,
    Other,
}

fn column(name: &str) -> Col {
    let n = name.trim().trim_start_matches('\u{feff}').to_lowercase();
    match n.as_str() {
        "id" | "record_id" | "record id" | "eid" | "lens id" | "ut (unique wos id)" | "ut"
        | "accession number" | "covidence #" | "key" => Col::Id,
        "title" | "document title" | "item title" | "article title" | "primary title" | "ti" => {
            Col::Title
        }
        "abstract" | "ab" | "abstract note" | "abstract_note" => Col::Abstract,
        "authors" | "author" | "author names" | "author/s" | "au" | "author(s)" => Col::Authors,
        "author full names" | "af" => Col::AuthorsFull,
        "year" | "publication year" | "published year" | "py" | "year published"
        | "publication_year" | "pubyear" => Col::Year,
        "journal" | "source title" | "publication title" | "journal/book" | "secondary title"
        | "journal title" | "so" | "publication name" | "journal_title" | "journal name"
        | "journal_name" | "booktitle" | "book title" | "journaltitle" | "container-title"
        | "container title" | "proceedings title" | "pubtitle" | "venue" => Col::Venue(0),
        "conference name" | "conference title" | "meeting name" | "anthology title"
        | "book series title" => Col::Venue(1),
        "abbreviated source title" | "journal abbreviation" | "ji" | "j9" => Col::Venue(2),
        "source" => Col::Venue(3),
        "volume" | "journal volume" | "vl" => Col::Volume,
        "issue" | "issue number" | "journal issue" | "number" | "is" => Col::Issue,
        "pages" | "page range" | "pagination" => Col::Pages,
        "start page" | "page start" | "first page" | "bp" => Col::StartPage,
        "end page" | "page end" | "last page" | "ep" => Col::EndPage,
        "doi" | "item doi" | "di" => Col::Doi,
        "keywords" | "author keywords" | "index keywords" | "manual tags" | "automatic tags"
        | "de" | "mesh terms" => Col::Keywords,
        "url" | "link" | "external url" | "pdf link" | "source urls" | "open url link" => Col::Url,
        "language" | "language of original document" | "la" => Col::Language,
        "issn" | "issns" | "sn" => Col::Issn,
        "isbn" | "issn/isbn" | "isbn/issn" => Col::Isbn,
        "type" | "entrytype" | "document type" | "content type" | "publication type"
        | "item type" | "dt" | "genre" => Col::Kind,
        "pmid" | "pubmed id" | "pubmed_id" | "pm" => Col::Pmid,
        "date" | "date published" | "publication date" | "create date" => Col::Date,
        _ if n.contains("url") || n.contains("link") || n.contains("note") || n == "citation" => {
            Col::Hint
        }
        _ => Col::Other,
    }
}

/// A reader at the header row: after Excel's `sep=;` hint line, which names the delimiter
/// and is not the header; else the delimiter is the header's commonest.
fn reader(text: &str) -> Reader<'_> {
    let first = text.lines().next().unwrap_or("");
    let hint = first
        .strip_prefix("sep=")
        .and_then(|d| d.bytes().next())
        .filter(|d| d.is_ascii_punctuation() || *d == b'\t');
    let (pos, line, delim) = match hint {
        Some(d) => (first.len() + 1, 2, d),
        None => (0, 1, delimiter(first)),
    };
    Reader {
        b: text.as_bytes(),
        pos: pos.min(text.len()),
        line,
        delim,
    }
}

/// True when `text` starts with the header row of an export: at least one column it names
/// is a known one (not merely a name holding `url` or `note`), and every name is short and
/// free of control characters. A first line of prose, of noise or of another table is not.
pub fn is_export_header(text: &str) -> bool {
    let Some(header) = reader(text).next_row() else {
        return false;
    };
    !header.unclosed
        && header
            .fields
            .iter()
            .all(|f| f.chars().count() <= 100 && !f.chars().any(|c| c.is_control() && c != '\t'))
        && header.fields.iter().any(|f| is_record_column(f))
}

/// True for a column name that holds something of a record (title, authors, DOI, …).
pub(super) fn is_record_column(name: &str) -> bool {
    !matches!(column(name), Col::Other | Col::Hint)
}

/// True for a column of the record's type (`type`, `ENTRYTYPE`, `Document Type`, …).
pub(super) fn is_kind_column(name: &str) -> bool {
    column(name) == Col::Kind
}

/// Parses delimited text, calling `on` per data row.
pub fn parse(text: &str, on: &mut dyn FnMut(Result<Entry, Diagnostic>)) {
    let mut reader = reader(text);
    let Some(header) = reader.next_row() else {
        return;
    };
    let names: Vec<String> = header
        .fields
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let cols: Vec<Col> = names.iter().map(|n| column(n)).collect();
    let springer = names.iter().any(|n| n.eq_ignore_ascii_case("item title"));
    while let Some(row) = reader.next_row() {
        if row.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if row.unclosed {
            on(Err(Diagnostic {
                line: row.line,
                reason:
                    "a quoted field is never closed: the rest of the file is one field; row skipped"
                        .into(),
            }));
            continue;
        }
        let fields = row.fields.len();
        let mut e = entry(row, &names, &cols, springer);
        if fields < names.len() {
            e.repairs
                .push("CSV rows with fewer fields than the header (the missing ones left empty)");
        } else if fields > names.len() {
            e.repairs.push(
                "CSV rows with more fields than the header (the extra ones kept as column N)",
            );
        }
        on(Ok(e));
    }
}

fn authors(value: &str, springer: bool) -> Vec<Author> {
    if springer && !value.contains(';') && !value.contains(',') {
        return unglue(value).iter().map(|n| parse_name(n)).collect();
    }
    if value.contains(';') {
        return parse_list(value, ';');
    }
    if value.contains(" and ") {
        return value
            .split(" and ")
            .map(parse_name)
            .filter(|a| a.family.is_some())
            .collect();
    }
    let pieces: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    // `Liu R., Adler D.G.` (Embase, PubMed): each piece a whole name ending in initials. A
    // lone `Melo Júnior, João Carlos` is one person, family name first.
    let whole_names = pieces.iter().all(|p| {
        p.rsplit(' ')
            .next()
            .is_some_and(|t| p.contains(' ') && is_initials(t))
    });
    if pieces.len() > 1 && whole_names || pieces.len() > 2 {
        return pieces.iter().map(|p| parse_name(p)).collect();
    }
    let a = parse_name(value);
    if a.family.is_some() {
        vec![a]
    } else {
        Vec::new()
    }
}

/// A record given as named fields (a JSON object's keys and values) → an [`Entry`], read
/// like a CSV row under that header.
pub(super) fn entry_from_fields(line: usize, names: &[String], fields: Vec<String>) -> Entry {
    let cols: Vec<Col> = names.iter().map(|n| column(n)).collect();
    let row = Row {
        line,
        fields,
        unclosed: false,
    };
    entry(row, names, &cols, false)
}

fn entry(row: Row, names: &[String], cols: &[Col], springer: bool) -> Entry {
    let mut e = Entry {
        line: row.line,
        ..Default::default()
    };
    let (mut sp, mut ep, mut full_authors) = (None, None, None);
    let mut date = None;
    let mut year_text = None;
    // The best-ranked venue column with a value, the first among equals.
    let mut venue: Option<(u8, &str)> = None;
    for (i, value) in row.fields.iter().enumerate() {
        let name = names.get(i).map_or_else(
            || format!("column{}", i + 1),
            |n| {
                if n.is_empty() {
                    format!("column{}", i + 1)
                } else {
                    n.clone()
                }
            },
        );
        if value.is_empty() {
            continue;
        }
        e.raw.push(&name, value);
        if is_missing(value) {
            continue;
        }
        let col = cols.get(i).copied().unwrap_or(Col::Other);
        match col {
            Col::Id => Entry::set(&mut e.id, value),
            Col::Title => Entry::set(&mut e.title, value),
            Col::Abstract => Entry::set(&mut e.abstract_text, value),
            Col::Authors => {
                if e.authors.is_empty() {
                    e.authors = authors(value, springer);
                }
            }
            Col::AuthorsFull => full_authors = Some(value.as_str()),
            Col::Year => Entry::set(&mut year_text, value),
            Col::Venue(rank) => {
                if rank == 3 {
                    // Embase's `Source`: `Journal (2014) 3:3 (152-160). Date of Publication: 2014`.
                    Entry::set(&mut date, value);
                }
                if venue.is_none_or(|(best, _)| rank < best) && !value.trim().is_empty() {
                    venue = Some((rank, value.as_str()));
                }
            }
            Col::Volume => Entry::set(&mut e.volume, value),
            Col::Issue => Entry::set(&mut e.issue, value),
            Col::Pages => Entry::set(&mut e.pages, value),
            Col::StartPage => sp = Some(value.trim()),
            Col::EndPage => ep = Some(value.trim()),
            Col::Doi => e.dois.push(value.clone()),
            Col::Keywords => e.keywords.extend(crate::text::split_list(value)),
            Col::Url => {
                Entry::set(&mut e.url, value);
                e.doi_hints.push(value.clone());
            }
            Col::Language => Entry::set(&mut e.language, value),
            Col::Issn => e.issn.push(value.clone()),
            Col::Isbn => e.issn.extend(issns_in(value)),
            Col::Kind => e.kinds.extend(
                value
                    .split(';')
                    .map(str::trim)
                    .filter(|t| !t.is_empty() && !is_missing(t))
                    .map(String::from),
            ),
            Col::Pmid => Entry::set(&mut e.pmid, value),
            Col::Date => Entry::set(&mut date, value),
            Col::Hint => e.doi_hints.push(value.clone()),
            Col::Other => {}
        }
    }
    if let Some((_, v)) = venue {
        Entry::set(&mut e.venue, v);
    }
    if e.authors.is_empty()
        && let Some(full) = full_authors
    {
        e.authors = parse_list(full, ';');
    }
    e.year = year_text
        .as_deref()
        .and_then(year_in)
        .or_else(|| date.as_deref().and_then(year_in));
    if e.pages.is_none() {
        e.pages = match (sp, ep) {
            (Some(s), Some(p)) if s != p => Some(format!("{s}-{p}")),
            (Some(s), _) => Some(s.to_string()),
            _ => None,
        };
    }
    if e.id.is_none() {
        e.id = e.pmid.clone();
    }
    e
}

/// The ISSNs (`0300-8428`, `0195-668X`) written in a text, ISBNs and notes left out.
fn issns_in(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '(' | ')'))
        .filter(|t| {
            let b = t.as_bytes();
            b.len() == 9
                && b[4] == b'-'
                && b[..4].iter().chain(&b[5..8]).all(u8::is_ascii_digit)
                && (b[8].is_ascii_digit() || b[8] == b'x' || b[8] == b'X')
        })
        .map(str::to_ascii_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_author_family_first_is_not_two_people() {
        let one = authors("Melo Júnior, João Carlos", false);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].family.as_deref(), Some("Melo Júnior"));
        assert_eq!(one[0].given.as_deref(), Some("João Carlos"));
        let two = authors("Liu R., Adler D.G.", false);
        assert_eq!(two.len(), 2);
        assert_eq!(two[1].family.as_deref(), Some("Adler"));
    }

    fn parse_all(text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
        crate::import::parse_all(crate::import::Format::Csv, text)
    }

    #[test]
    fn contract_columns_in_any_case() {
        let text = "ID,Title,Authors,YEAR,journal,doi,Keywords,extra\nr1,\"A, quoted \"\"title\"\"\",\"Smith J; Doe, Ann\",2001,J,https://doi.org/10.1/x,a; b,kept\n";
        let (e, d) = parse_all(text);
        assert!(d.is_empty());
        let e = &e[0];
        assert_eq!(e.id.as_deref(), Some("r1"));
        assert_eq!(e.title.as_deref(), Some("A, quoted \"title\""));
        assert_eq!(e.authors.len(), 2);
        assert_eq!(e.authors[1].family.as_deref(), Some("Doe"));
        assert_eq!(e.year, Some(2001));
        assert_eq!(e.keywords, ["a", "b"]);
        assert_eq!(e.raw.get("extra"), Some("kept"));
    }

    #[test]
    fn bibtex_style_columns_of_reference_managers() {
        // The layout of bib-dedupe's benchmark exports (EndNote and BibTeX converted to CSV).
        let text = "\"ID\",\"ENTRYTYPE\",\"title\",\"number\",\"booktitle\",\"isbn\"\n\"id_1\",\"inproceedings\",\"T\",2,\"Proc. ICIS\",\"978-1-4503-3145-6\"\n\"id_2\",\"article\",\"U\",NA,NA,\"0300-8428 (Print)\n0195-668x (Linking)\"\n";
        let (e, d) = parse_all(text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(e[0].kinds, ["inproceedings"]);
        assert_eq!(e[0].issue.as_deref(), Some("2"));
        assert_eq!(e[0].venue.as_deref(), Some("Proc. ICIS"));
        assert!(e[0].issn.is_empty(), "an ISBN is not an ISSN");
        assert_eq!(e[1].issn, ["0300-8428", "0195-668X"]);
        assert_eq!(
            e[1].raw.get("isbn"),
            Some("0300-8428 (Print)\n0195-668x (Linking)")
        );
    }

    /// The venue columns of common exports, and which wins when several are filled: the
    /// venue itself before a conference name, an abbreviation or Scopus' `Source` (which
    /// names the database, not the venue).
    #[test]
    fn venue_columns_of_common_exports() {
        let cases = [
            (
                "ID,title,journal,booktitle",
                "1,T,NA,Proc. ICIS",
                "Proc. ICIS",
            ),
            (
                "Title,Source title,Source",
                "T,J Health Serv,Scopus",
                "J Health Serv",
            ),
            (
                "Title,Source,Source title",
                "T,Scopus,J Health Serv",
                "J Health Serv",
            ),
            (
                "Title,Source title,Conference name,Abbreviated Source Title,Source",
                "T,,ECIS 2019,Proc ECIS,Scopus",
                "ECIS 2019",
            ),
            (
                "Title,Abbreviated Source Title,Source",
                "T,J Hlth Serv,Scopus",
                "J Hlth Serv",
            ),
            (
                "Key,Title,Publication Title,Journal Abbreviation,Conference Name",
                "K,T,Proceedings of CHI,,CHI '19",
                "Proceedings of CHI",
            ),
            (
                "Key,Title,Publication Title,Conference Name",
                "K,T,,CHI '19",
                "CHI '19",
            ),
            (
                "Title,Secondary Title",
                "T,BMC Health Serv Res",
                "BMC Health Serv Res",
            ),
            ("title,book title", "T,Handbook of Care", "Handbook of Care"),
            ("title,journaltitle", "T,Journal of Care", "Journal of Care"),
            (
                "title,container-title",
                "T,Journal of Care",
                "Journal of Care",
            ),
            ("title,venue", "T,NeurIPS", "NeurIPS"),
            ("title,pubtitle", "T,Health Policy", "Health Policy"),
            ("title,journal name", "T,Health Policy", "Health Policy"),
            (
                "Item Title,Publication Title,Book Series Title",
                "T,,Lecture Notes in Computer Science",
                "Lecture Notes in Computer Science",
            ),
        ];
        for (header, row, venue) in cases {
            let (e, d) = parse_all(&format!("{header}\n{row}\n"));
            assert!(d.is_empty(), "{header}");
            assert_eq!(e[0].venue.as_deref(), Some(venue), "{header}");
        }
    }

    #[test]
    fn sloppy_rows_are_kept() {
        let cases: &[(&str, usize, usize)] = &[
            ("title,year\na,2000,extra,fields\nb\n", 2, 0),
            ("title,abstract\n\"multi\nline\",\"x\"\n\nc,d\n", 2, 0),
            ("title;year\na;2000\n", 1, 0),
            ("sep=;\ntitle;year\na, b;2000\n", 1, 0),
            ("sep=", 0, 0),
            ("title\tyear\na\t2000\n", 1, 0),
            ("title,year\n\"never closed,2000\nb,2001\n", 0, 1),
            ("title,year\n", 0, 0),
            ("", 0, 0),
        ];
        for &(text, ok, bad) in cases {
            let (e, d) = parse_all(text);
            assert_eq!((e.len(), d.len()), (ok, bad), "{text:?}");
        }
        let (e, _) = parse_all("title,abstract\n\"multi\nline\",\"x\"\n\nc,d\n");
        assert_eq!(e[1].line, 5);
        assert!(e.iter().all(|e| e.repairs.is_empty()));
        // Rows with more or fewer fields than the header are repairs the summary counts.
        let (e, _) = parse_all("title,year\na,2000,extra,fields\nb\nc,2001\n");
        let repairs: Vec<usize> = e.iter().map(|e| e.repairs.len()).collect();
        assert_eq!(repairs, [1, 1, 0]);
        assert!(e[0].repairs[0].contains("more fields"));
        assert!(e[1].repairs[0].contains("fewer fields"));
    }

    #[test]
    fn screening_tool_and_reference_manager_layouts() {
        // (header, row, id, title, first family, year, doi)
        let cases = [
            (
                "Title,Authors,Abstract,Published Year,Journal,Pages,Accession Number,DOI,Covidence #",
                "T1,\"Smith J, Doe A\",ab,2019,J,1-2,,10.1/c,#12",
                Some("#12"),
                "T1",
                "Smith",
                2019,
                Some("10.1/c"),
            ),
            (
                "key,title,authors,journal,year,pubmed_id,url,abstract,doi",
                "rayyan-1,T2,\"Smith, J. and Doe, A.\",J,2020,999,,ab,",
                Some("rayyan-1"),
                "T2",
                "Smith",
                2020,
                None,
            ),
            (
                "record_id,title,abstract,authors,keywords,year,doi,label_included",
                "7,T3,ab,Smith J; Doe A,k1; k2,2021,https://doi.org/10.2/x,1",
                Some("7"),
                "T3",
                "Smith",
                2021,
                Some("https://doi.org/10.2/x"),
            ),
            (
                "Key,Item Type,Publication Year,Author,Title,Publication Title,DOI,Abstract Note",
                "ABCD1234,journalArticle,2018,\"van de Schoot, Rens; Doe, A\",T4,J,10.3/z,ab",
                Some("ABCD1234"),
                "T4",
                "van de Schoot",
                2018,
                Some("10.3/z"),
            ),
            (
                "Publication Type,Authors,Article Title,Source Title,Publication Year,DOI,UT (Unique WOS ID)",
                "J,Smith J; Doe A,T5,J,2017,10.4/w,WOS:1",
                Some("WOS:1"),
                "T5",
                "Smith",
                2017,
                Some("10.4/w"),
            ),
        ];
        for (header, row, id, title, family, year, doi) in cases {
            let (e, d) = parse_all(&format!("{header}\n{row}\n"));
            assert!(d.is_empty(), "{header}");
            let e = &e[0];
            assert_eq!(e.id.as_deref(), id, "{header}");
            assert_eq!(e.title.as_deref(), Some(title), "{header}");
            assert_eq!(e.authors[0].family.as_deref(), Some(family), "{header}");
            assert_eq!(e.year, Some(year), "{header}");
            assert_eq!(e.dois.first().map(String::as_str), doi, "{header}");
        }
    }

    #[test]
    fn export_specific_columns() {
        let (e, _) = parse_all(
            "Title,Author Names,Source,Open URL Link\nT,\"Liu R., Adler D.G.\",Endoscopic Ultrasound (2014) 3:3,x&rft_id=info:doi/10.4103%2F2303-9027.138783\n",
        );
        assert_eq!(e[0].year, Some(2014));
        assert_eq!(e[0].authors[1].family.as_deref(), Some("Adler"));
        let (e, _) = parse_all(
            "Item Title,Authors,Publication Year\nT,Araz R. AlievNigar T. Ismayilova,2022\n",
        );
        assert_eq!(e[0].authors.len(), 2);
        assert_eq!(e[0].authors[0].family.as_deref(), Some("Aliev"));
        let (e, _) = parse_all(
            "\"Lens ID\",\"Title\",\"Author/s\",\"Volume\"\n\"1\",\"T\",\"Petar Radanliev; David De Roure\",\"NA\"\n",
        );
        assert_eq!(e[0].authors[1].family.as_deref(), Some("De Roure"));
        assert_eq!(e[0].volume, None);
    }
}
