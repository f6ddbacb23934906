//! BibTeX export: one entry per record with a unique, stable citation key, every value in
//! braces with LaTeX's special characters escaped, non-ASCII kept as UTF-8 (biber, BibLaTeX,
//! Zotero and JabRef read it).
//!
//! Why braces are escaped as `\textbraceleft{}` rather than `\{`: BibTeX counts raw braces
//! to find where a value ends, escaped or not, so a lone `\{` in a title would swallow the
//! rest of the file. The replacements keep every entry's braces balanced whatever the
//! text. `doi` and `url` are verbatim fields: nothing is escaped there, and the three
//! characters that would break an entry (`{`, `}`, `\`) are percent-encoded.
//!
//! The record's type is the nearest entry type (`@article` with `journal`, `@inproceedings` and
//! `@incollection` with `booktitle`, `@techreport` with `institution`, `@phdthesis` or
//! `@mastersthesis` with `school`, else `@misc`); when that reads back as another type, or the
//! record has genres, `entrysubtype` (biblatex's field for a finer type) carries the
//! vocabulary's terms (see [`crate::worktype`]).
//!
//! Screening travels in `keywords` (`litscope:decision=include`, `litscope:reason=…`,
//! `litscope:tag=…`, comma-separated like BibLaTeX's keywords; an item holding a comma or
//! semicolon in braces) and in a `litscope` field:
//! `id=…; stage=…; decision=…; reasons=… | …; tags=… | …; note=…; source-ids=… | …`.

use super::{ExportError, one_line, ris::split_pages, type_terms};
use crate::model::{Genre, WorkType};
use crate::screened::ScreenedRecord;
use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Write;
use unicode_normalization::UnicodeNormalization;

/// Escapes text for a braced BibTeX value.
pub fn escape(s: &str) -> String {
    let s = one_line(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '%' | '&' | '#' | '$' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// An item of a comma-separated list field (`keywords`), already escaped: in braces when it
/// holds a comma or semicolon, so that it is read back whole (biblatex's list parsing and
/// litscope's import treat a braced group as one item).
fn list_item(escaped: &str) -> Cow<'_, str> {
    if escaped.contains([',', ';']) {
        Cow::Owned(format!("{{{escaped}}}"))
    } else {
        Cow::Borrowed(escaped)
    }
}

/// A verbatim value (`doi`, `url`): braces and backslashes percent-encoded, nothing else.
fn verbatim(s: &str) -> String {
    one_line(s)
        .replace('\\', "%5C")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// ASCII letters and digits of `s`, lower case, accents dropped (`Økland` → `okland`).
pub fn ascii_fold(s: &str) -> String {
    let mut out = String::new();
    for c in s.nfd() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'ø' | 'Ø' => out.push('o'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ł' | 'Ł' => out.push('l'),
            'þ' | 'Þ' => out.push_str("th"),
            _ => {}
        }
    }
    out
}

/// The key's stem: first author's family name (folded) and year, `anon` / `nd` when missing.
fn key_stem(r: &ScreenedRecord) -> String {
    let family = r
        .record
        .first_author()
        .map(ascii_fold)
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "anon".into());
    let family: String = family.chars().take(24).collect();
    let year = r.record.year.map_or("nd".to_string(), |y| y.to_string());
    format!("{family}{year}")
}

/// Citation keys for `records`, in order: `<family><year>_<first 4 characters of the record
/// id>`, lengthened (up to the whole id) in the rare case two records would share a key.
/// The same record gets the same key in every export.
pub fn citation_keys(records: &[ScreenedRecord]) -> Vec<String> {
    let mut used = HashSet::new();
    records
        .iter()
        .map(|r| {
            let stem = key_stem(r);
            let id = r.record.id.as_str();
            let mut n = 4.min(id.len());
            loop {
                let key = format!("{stem}_{}", &id[..n]);
                if n >= id.len() || !used.contains(&key) {
                    // Whole ids are unique: a repeat there means the same record twice.
                    let mut key = key;
                    let mut extra = 1;
                    while used.contains(&key) {
                        extra += 1;
                        key = format!("{stem}_{id}_{extra}");
                    }
                    used.insert(key.clone());
                    return key;
                }
                n += 1;
            }
        })
        .collect()
}

/// The entry type of a record and the field its venue goes into (a record of no known type
/// is an article when it has a venue, as reference managers would guess).
pub(crate) fn entry_type(r: &ScreenedRecord) -> (&'static str, &'static str) {
    use WorkType::*;
    let rec = &r.record;
    let Some(kind) = rec.kind else {
        return if rec.venue.is_some() {
            ("article", "journal")
        } else {
            ("misc", "journal")
        };
    };
    match kind {
        // biblatex writes newspaper and magazine articles as @article with a subtype.
        JournalArticle | NewsArticle => ("article", "journal"),
        ProceedingsArticle => ("inproceedings", "booktitle"),
        BookChapter | BookSection | BookPart | BookTrack | ReferenceEntry => {
            ("incollection", "booktitle")
        }
        Book | EditedBook | Monograph | ReferenceBook | BookSet | BookSeries => ("book", "series"),
        Proceedings | ProceedingsSeries => ("proceedings", "series"),
        Report | ReportComponent | ReportSeries => ("techreport", "institution"),
        Dissertation if rec.genre.contains(&Genre::MastersThesis) => ("mastersthesis", "school"),
        Dissertation => ("phdthesis", "school"),
        PostedContent => ("unpublished", "journal"),
        // `journal` rather than `howpublished`: importers (ours, Zotero) read it as the venue.
        Dataset | Database | Component | PeerReview | Standard | Grant | Journal | JournalIssue
        | JournalVolume | Other | Project | Presentation | WebPage => ("misc", "journal"),
    }
}

/// An author for the `author` field: `Family, Given`; a literal name in braces so that
/// BibTeX does not split it.
fn author_field(a: &crate::model::Author) -> Option<String> {
    match (&a.family, &a.given, &a.name) {
        (Some(f), Some(g), _) => Some(format!("{}, {}", escape(f), escape(g))),
        (Some(f), None, _) => Some(escape(f)),
        (None, _, Some(n)) => Some(format!("{{{}}}", escape(n))),
        (None, Some(g), None) => Some(escape(g)),
        (None, None, None) => None,
    }
}

fn litscope_field(r: &ScreenedRecord) -> String {
    let mut parts = vec![format!("id={}", r.record.id)];
    if let Some(s) = &r.stage {
        parts.push(format!("stage={}", escape(s)));
    }
    let decision = r.decision_text();
    if !decision.is_empty() {
        parts.push(format!("decision={decision}"));
    }
    if !r.reasons.is_empty() {
        parts.push(format!("reasons={}", escape(&r.reasons.join(" | "))));
    }
    if !r.tags.is_empty() {
        parts.push(format!("tags={}", escape(&r.tags.join(" | "))));
    }
    if let Some(n) = &r.note {
        parts.push(format!("note={}", escape(n)));
    }
    parts.push(format!("source-ids={}", escape(&r.source_ids.join(" | "))));
    parts.join("; ")
}

/// One record as a BibTeX entry with `key`.
pub fn entry(r: &ScreenedRecord, key: &str) -> String {
    let rec = &r.record;
    let (kind, venue_field) = entry_type(r);
    let mut fields: Vec<(&str, String)> = Vec::new();
    let authors: Vec<String> = rec.authors.iter().filter_map(author_field).collect();
    if !authors.is_empty() {
        fields.push(("author", authors.join(" and ")));
    }
    if let Some(t) = &rec.title {
        fields.push(("title", escape(t)));
    }
    if let Some(v) = &rec.venue {
        fields.push((venue_field, escape(v)));
    }
    if let Some(y) = rec.year {
        fields.push(("year", y.to_string()));
    }
    for (name, v) in [("volume", &rec.volume), ("number", &rec.issue)] {
        if let Some(v) = v {
            fields.push((name, escape(v)));
        }
    }
    if let Some(p) = &rec.pages {
        let pages = match split_pages(p) {
            (a, Some(b)) => format!("{a}--{b}"),
            (a, None) => a.to_string(),
        };
        fields.push(("pages", escape(&pages)));
    }
    if !rec.issn.is_empty() {
        fields.push(("issn", escape(&rec.issn.join(", "))));
    }
    if let Some(d) = &rec.doi {
        fields.push(("doi", verbatim(d)));
    }
    if let Some(u) = &rec.url {
        fields.push(("url", verbatim(u)));
    }
    if let Some(l) = &rec.language {
        fields.push(("language", escape(l)));
    }
    if let Some(a) = &rec.abstract_text {
        fields.push(("abstract", escape(a)));
    }
    let terms = type_terms(rec, kind);
    if !terms.is_empty() {
        fields.push(("entrysubtype", terms.join(", ")));
    }
    let mut keywords: Vec<String> = rec.keywords.iter().map(|k| escape(k)).collect();
    let decision = r.decision_text();
    if !decision.is_empty() {
        keywords.push(format!("litscope:decision={decision}"));
    }
    keywords.extend(
        r.reasons
            .iter()
            .map(|x| escape(&format!("litscope:reason={x}"))),
    );
    keywords.extend(r.tags.iter().map(|x| escape(&format!("litscope:tag={x}"))));
    keywords.extend(r.screening_keywords().iter().map(|x| escape(x)));
    if !keywords.is_empty() {
        fields.push((
            "keywords",
            keywords
                .iter()
                .map(|k| list_item(k))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    fields.push(("litscope", litscope_field(r)));
    let mut out = format!("@{kind}{{{key},\n");
    for (name, value) in fields {
        out.push_str(&format!("  {name} = {{{value}}},\n"));
    }
    out.push_str("}\n\n");
    out
}

/// Writes every record as BibTeX.
pub fn write(records: &[ScreenedRecord], w: &mut dyn Write) -> Result<(), ExportError> {
    for (r, key) in records.iter().zip(citation_keys(records)) {
        w.write_all(entry(r, &key).as_bytes())?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Author;
    use crate::screened::testing::*;
    use crate::store::decisions::Verdict;

    fn balanced(s: &str) -> bool {
        let mut depth = 0i64;
        for c in s.chars() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth < 0 {
                        return false;
                    }
                }
                _ => {}
            }
        }
        depth == 0
    }

    #[test]
    fn special_characters_are_escaped_and_non_ascii_kept() {
        assert_eq!(
            escape("50% & #1 $x_y ~a^b {c} \\d æøå"),
            "50\\% \\& \\#1 \\$x\\_y \\textasciitilde{}a\\textasciicircum{}b \\textbraceleft{}c\\textbraceright{} \\textbackslash{}d æøå"
        );
        assert_eq!(verbatim("10.1000/a_b{c}\\"), "10.1000/a_b%7Bc%7D%5C");
    }

    #[test]
    fn an_entry_carries_fields_keywords_and_screening() {
        let mut r = record("crossref", "10.1000/a_b", Some("10.1000/a_b"));
        r.kind = Some("journal-article".into());
        r.title = Some("Tillit & styring i 100% {kommunale} tjenester".into());
        r.authors = vec![
            author("Økland", "Åse"),
            Author {
                name: Some("Helse- og omsorgsdepartementet and others".into()),
                ..Default::default()
            },
        ];
        r.year = Some(2020);
        r.venue = Some("Tidsskrift for velferdsforskning".into());
        r.pages = Some("1-20".into());
        r.keywords = vec!["tildeling".into()];
        let e = screened(
            r,
            Some(Verdict::Exclude),
            &["wrong setting"],
            &["PA", "bestiller-utfører"],
        );
        let text = entry(&e, "okland2020_abcd");
        assert!(text.starts_with("@article{okland2020_abcd,\n"), "{text}");
        assert!(
            text.contains(
                "  author = {Økland, Åse and {Helse- og omsorgsdepartementet and others}},\n"
            ),
            "{text}"
        );
        assert!(text.contains("  title = {Tillit \\& styring i 100\\% \\textbraceleft{}kommunale\\textbraceright{} tjenester},\n"), "{text}");
        assert!(text.contains("  journal = {Tidsskrift for velferdsforskning},\n"));
        assert!(text.contains("  pages = {1--20},\n"));
        assert!(text.contains("  doi = {10.1000/a_b},\n"), "{text}");
        assert!(text.contains("  keywords = {tildeling, litscope:decision=exclude, litscope:reason=wrong setting, litscope:tag=PA, litscope:tag=bestiller-utfører},\n"), "{text}");
        assert!(text.contains(&format!(
            "  litscope = {{id={}; stage=title-abstract; decision=exclude; reasons=wrong setting; tags=PA | bestiller-utfører; source-ids=crossref:10.1000/a\\_b}},\n",
            e.record.id
        )), "{text}");
        assert!(text.ends_with("}\n\n"));
        assert!(balanced(&text));
    }

    #[test]
    fn keywords_with_commas_or_semicolons_are_braced_and_read_back_whole() {
        let mut r = record("pubmed", "1", None);
        r.title = Some("Keywords".into()); // a record without content is no record on import
        r.keywords = vec![
            "Home Care Services, Hospital-Based".into(),
            "bestiller; utfører".into(),
            "plain".into(),
            "50% {odd}".into(),
        ];
        let text = entry(&screened(r.clone(), None, &[], &[]), "k");
        assert!(
            text.contains("  keywords = {{Home Care Services, Hospital-Based}, {bestiller; utfører}, plain, 50\\% \\textbraceleft{}odd\\textbraceright{}},\n"),
            "{text}"
        );
        let (entries, _) = crate::import::parse_all(crate::import::Format::Bibtex, &text);
        assert_eq!(entries[0].keywords, r.keywords);
    }

    #[test]
    fn keys_are_unique_stable_and_ascii_even_when_authors_and_years_collide() {
        let make = |sid: &str, family: &str, year: Option<i32>| {
            let mut r = record("nva", sid, None);
            r.authors = vec![author(family, "A")];
            r.year = year;
            screened(r, None, &[], &[])
        };
        let mut records: Vec<ScreenedRecord> = (0..200)
            .map(|i| {
                make(
                    &i.to_string(),
                    if i % 2 == 0 {
                        "Ødegård"
                    } else {
                        "Müller-Lüdenscheidt"
                    },
                    Some(2020),
                )
            })
            .collect();
        records.push(make("x", "", None));
        records.push(make("y", "王", Some(1999)));
        let keys = citation_keys(&records);
        let unique: HashSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len());
        assert!(keys[0].starts_with("odegard2020_"), "{}", keys[0]);
        assert!(
            keys[1].starts_with("mullerludenscheidt2020_"),
            "{}",
            keys[1]
        );
        assert!(keys[200].starts_with("anonnd_"));
        assert!(keys[201].starts_with("anon1999_"));
        assert!(
            keys.iter()
                .all(|k| k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        );
        // Stable: a record's key does not depend on the others (unless they collide).
        assert_eq!(citation_keys(&records[..1])[0], keys[0]);
    }

    #[test]
    fn every_entry_has_balanced_braces_whatever_the_text() {
        // A small deterministic generator over the characters that matter.
        let alphabet: Vec<char> = "{}\\%&#$_~^ \n\tæ@\",=a}{{}}".chars().collect();
        let mut state = 0x2545F4914F6CDD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..500 {
            let len = (next() % 40) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let mut r = record("x", &i.to_string(), Some(&format!("10.1000/{text}")));
            r.title = Some(text.clone());
            r.abstract_text = Some(text.clone());
            r.authors = vec![
                author(&text, &text),
                Author {
                    name: Some(text.clone()),
                    ..Default::default()
                },
            ];
            r.venue = Some(text.clone());
            r.url = Some(text.clone());
            r.keywords = vec![text.clone()];
            let mut e = screened(r, Some(Verdict::Exclude), &[&text], &[&text]);
            e.note = Some(text.clone());
            let out = entry(&e, "k");
            assert!(balanced(&out), "{text:?}\n{out}");
        }
    }
}
