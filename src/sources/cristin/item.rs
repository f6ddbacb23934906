//! Cristin result objects (list items and details) converted into [`Record`]s: the pure,
//! lenient part of the Cristin source.
//!
//! Why lenient: Cristin's own schemas and its live output disagree (`result_title` versus
//! `title`; `journal.name` a string or a language object), ids and years are strings, and
//! one odd field must never cost a record. Each nested object is read on its own and falls
//! back to its default when its shape is unexpected. Every text goes through
//! [`clean_line`]/[`clean_block`]; language keys, ids and DOIs are checked before use.

use crate::model::{Author, Funding, Provenance, Record};
use crate::sources::PlannedSearch;
use crate::sources::lenient;
use crate::text::{clean_block, clean_line, non_empty};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// Languages tried for the display title and abstract when the original language has none.
const FALLBACK_LANGUAGES: &[&str] = &["en", "nb", "nn", "no"];

/// A `{lang: text}` language object; a plain string is accepted as text of unknown
/// language (one client reads `journal.name` as a language object, the schema as a string).
#[derive(Debug, Default)]
struct LangText(Vec<(String, String)>);

impl<'de> Deserialize<'de> for LangText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => LangText(vec![(String::new(), s)]),
            serde_json::Value::Object(map) => LangText(
                map.into_iter()
                    .filter_map(|(k, v)| match v {
                        serde_json::Value::String(s) => Some((k, s)),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => LangText::default(),
        })
    }
}

/// A language code safe to use as a key: 2–3 ASCII letters, lower-cased.
fn language_key(key: &str) -> Option<String> {
    let k = key.trim();
    ((2..=3).contains(&k.len()) && k.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| k.to_ascii_lowercase())
}

/// The cleaned texts of a language object by language (unknown language under `""`).
fn by_language(text: &LangText, clean: fn(&str) -> String) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (lang, value) in &text.0 {
        let key = if lang.is_empty() {
            Some(String::new())
        } else {
            language_key(lang)
        };
        if let (Some(key), Some(value)) = (key, non_empty(clean(value))) {
            out.entry(key).or_insert(value);
        }
    }
    out
}

/// Splits texts by language into the one to display and the others: the original language
/// first, then English, Norwegian (nb, nn, no), then any (in code order).
fn split_languages(
    mut texts: BTreeMap<String, String>,
    original: Option<&str>,
) -> (Option<String>, BTreeMap<String, String>) {
    let pick = original
        .into_iter()
        .chain(FALLBACK_LANGUAGES.iter().copied())
        .find(|l| texts.contains_key(*l))
        .map(str::to_string)
        .or_else(|| texts.keys().next().cloned());
    let display = pick.and_then(|k| texts.remove(&k));
    texts.remove("");
    (display, texts)
}

/// The first non-empty text of a language object, preferring `original`.
fn one_text(text: &LangText, original: Option<&str>) -> Option<String> {
    split_languages(by_language(text, clean_line), original).0
}

/// Reads a field as `T`, or as the default when it has another shape: one odd field never
/// costs a record.
fn loose<'de, D: serde::Deserializer<'de>, T: DeserializeOwned + Default>(
    d: D,
) -> Result<T, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

/// Reads an array element by element, skipping elements of another shape.
fn loose_vec<'de, D: serde::Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Array(items) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Item {
    #[serde(deserialize_with = "lenient::text_or_number")]
    cristin_result_id: Option<String>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    url: Option<String>,
    #[serde(deserialize_with = "loose")]
    category: Category,
    #[serde(deserialize_with = "lenient::text_or_number")]
    original_language: Option<String>,
    title: LangText,
    result_title: LangText,
    summary: LangText,
    #[serde(deserialize_with = "lenient::text_or_number")]
    year_published: Option<String>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    year_printed: Option<String>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    year_online: Option<String>,
    #[serde(deserialize_with = "loose")]
    contributors: Contributors,
    #[serde(deserialize_with = "loose_vec")]
    links: Vec<Link>,
    #[serde(deserialize_with = "loose")]
    journal: Option<Venue>,
    #[serde(deserialize_with = "loose")]
    channel: Option<Venue>,
    #[serde(deserialize_with = "loose")]
    series: Option<Venue>,
    #[serde(deserialize_with = "loose")]
    part_of: Option<Venue>,
    #[serde(deserialize_with = "loose")]
    event: Option<Venue>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    volume: Option<String>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    issue: Option<String>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    article_number: Option<String>,
    #[serde(deserialize_with = "loose")]
    pages: Pages,
    #[serde(deserialize_with = "loose_vec")]
    funding_sources: Vec<FundingSource>,
    #[serde(deserialize_with = "loose")]
    classification: Classification,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Category {
    #[serde(deserialize_with = "lenient::text_or_number")]
    code: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Contributors {
    #[serde(deserialize_with = "loose_vec")]
    preview: Vec<Person>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Person {
    #[serde(deserialize_with = "lenient::text_or_number")]
    first_name: Option<String>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    surname: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Link {
    #[serde(deserialize_with = "lenient::text_or_number")]
    url_type: Option<String>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    url: Option<String>,
}

/// A journal, channel, series, event or host book: whatever names it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Venue {
    name: LangText,
    title: LangText,
    #[serde(deserialize_with = "loose_vec")]
    international_standard_numbers: Vec<StandardNumber>,
}

impl Venue {
    fn label(&self, original: Option<&str>) -> Option<String> {
        one_text(&self.name, original).or_else(|| one_text(&self.title, original))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StandardNumber {
    #[serde(rename = "type", deserialize_with = "lenient::text_or_number")]
    kind: Option<String>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Pages {
    #[serde(deserialize_with = "lenient::text_or_number")]
    from: Option<String>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    to: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FundingSource {
    #[serde(deserialize_with = "lenient::text_or_number")]
    funding_source_code: Option<String>,
    #[serde(deserialize_with = "lenient::text_or_number")]
    project_code: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Classification {
    #[serde(deserialize_with = "loose_vec")]
    keywords: Vec<Keyword>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Keyword {
    name: LangText,
}

fn line(value: Option<&str>) -> Option<String> {
    value.map(clean_line).and_then(non_empty)
}

fn year(value: Option<&str>) -> Option<i32> {
    let y: i32 = value?.trim().parse().ok()?;
    (1000..=9999).contains(&y).then_some(y)
}

fn keywords(item: &Item) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in &item.classification.keywords {
        for text in by_language(&k.name, clean_line).into_values() {
            if !out.contains(&text) {
                out.push(text);
            }
        }
    }
    out
}

fn funding(item: &Item) -> Vec<Funding> {
    let mut out: Vec<Funding> = Vec::new();
    for f in &item.funding_sources {
        let Some(funder) = line(f.funding_source_code.as_deref()) else {
            continue;
        };
        // Project codes are kept as given (`184951/I30` stays so): they are keys, not text.
        let entry = Funding {
            funder,
            project: line(f.project_code.as_deref()),
        };
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    out
}

/// Converts one list item (or a detail object) into a record.
pub(super) fn convert_item(
    raw: &RawValue,
    planned: &PlannedSearch,
    run: &str,
    retrieved: jiff::Timestamp,
) -> Result<Record, String> {
    let item: Item =
        serde_json::from_str(raw.get()).map_err(|e| format!("unreadable item: {e}"))?;
    let id = item
        .cristin_result_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .ok_or("no cristin_result_id")?
        .to_string();
    let doi = item
        .links
        .iter()
        .filter(|l| {
            l.url_type
                .as_deref()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("doi"))
        })
        .find_map(|l| l.url.as_deref().and_then(crate::text::normalize_doi));
    let provenance = Provenance {
        source: planned.spec.source.name().to_string(),
        source_id: id.clone(),
        run: run.to_string(),
        query: Some(planned.name.clone()),
        retrieved,
        via: planned.via.clone(),
    };
    let mut r = Record::new(
        provenance,
        doi.as_deref(),
        crate::sources::lenient::one_line(raw),
    );
    let original = item.original_language.as_deref().and_then(language_key);
    let titles = if item.title.0.is_empty() {
        &item.result_title
    } else {
        &item.title
    };
    (r.title, r.other_titles) =
        split_languages(by_language(titles, clean_line), original.as_deref());
    (r.abstract_text, r.other_abstracts) =
        split_languages(by_language(&item.summary, clean_block), original.as_deref());
    // UNCONFIRMED how many names the preview holds (the schema says at most 6; see
    // ASSUMPTIONS): longer author lists are cut, `/v2/results/{id}/contributors` is not asked.
    r.authors = item
        .contributors
        .preview
        .iter()
        .map(|p| Author {
            family: line(p.surname.as_deref()),
            given: line(p.first_name.as_deref()),
            name: None,
            orcid: None,
        })
        .filter(|a| a.family.is_some() || a.given.is_some())
        .collect();
    r.year = year(item.year_published.as_deref())
        .or_else(|| year(item.year_printed.as_deref()))
        .or_else(|| year(item.year_online.as_deref()));
    r.venue = [
        &item.journal,
        &item.channel,
        &item.series,
        &item.event,
        &item.part_of,
    ]
    .into_iter()
    .flatten()
    .find_map(|v| v.label(original.as_deref()));
    r.volume = line(item.volume.as_deref());
    r.issue = line(item.issue.as_deref());
    r.pages = match (
        line(item.pages.from.as_deref()),
        line(item.pages.to.as_deref()),
    ) {
        (Some(f), Some(t)) if f != t => Some(format!("{f}-{t}")),
        (Some(f), _) => Some(f),
        (None, t) => t,
    };
    r.article_number = line(item.article_number.as_deref());
    r.set_type(item.category.code.as_deref());
    r.language = original;
    r.keywords = keywords(&item);
    r.url = line(item.url.as_deref());
    r.issn = item
        .journal
        .iter()
        .chain(&item.series)
        .flat_map(|v| &v.international_standard_numbers)
        .filter(|n| {
            n.kind
                .as_deref()
                .is_none_or(|k| !k.to_ascii_lowercase().contains("isbn"))
        })
        .filter_map(|n| line(n.value.as_deref()))
        .collect();
    r.ids.insert("cristin".into(), id);
    r.funding = funding(&item);
    Ok(r)
}

/// A detail response (`GET /v2/results/{id}`), parsed.
#[derive(Debug)]
pub struct Detail {
    id: Option<String>,
    original_language: Option<String>,
    titles: BTreeMap<String, String>,
    summaries: BTreeMap<String, String>,
    funding: Vec<Funding>,
    keywords: Vec<String>,
    raw: Box<RawValue>,
}

/// Parses a detail response body.
pub fn parse_detail(body: &[u8]) -> Result<Detail, String> {
    let raw: Box<RawValue> =
        serde_json::from_slice(body).map_err(|e| format!("not a Cristin result: {e}"))?;
    if !raw.get().trim_start().starts_with('{') {
        return Err("not a Cristin result: not a JSON object".into());
    }
    let item: Item =
        serde_json::from_str(raw.get()).map_err(|e| format!("not a Cristin result: {e}"))?;
    Ok(Detail {
        id: item
            .cristin_result_id
            .as_deref()
            .map(|s| s.trim().to_string()),
        original_language: item.original_language.as_deref().and_then(language_key),
        titles: by_language(
            if item.title.0.is_empty() {
                &item.result_title
            } else {
                &item.title
            },
            clean_line,
        ),
        summaries: by_language(&item.summary, clean_block),
        funding: funding(&item),
        keywords: keywords(&item),
        raw: crate::sources::lenient::one_line(&raw),
    })
}

/// Merges a detail into the record made from its list item: abstract in every language,
/// titles in languages the list item lacked, funding and keywords added; the record's raw payload becomes the detail (the fuller
/// object the record's fields can be read from again). Refused when the detail is for
/// another result.
pub fn merge_detail(record: &mut Record, detail: Detail) -> Result<(), String> {
    if let Some(id) = &detail.id
        && id != record.source_id()
    {
        return Err(format!(
            "the server answered with result {}",
            crate::text::for_terminal(id)
        ));
    }
    let original = record.language.clone().or(detail.original_language.clone());
    let (display, others) = split_languages(detail.summaries, original.as_deref());
    if display.is_some() {
        record.abstract_text = display;
        record.other_abstracts = others;
    }
    let (title, other_titles) = split_languages(detail.titles, original.as_deref());
    if record.title.is_none() {
        record.title = title;
    }
    for (lang, text) in other_titles {
        if record.title.as_ref() != Some(&text) {
            record.other_titles.entry(lang).or_insert(text);
        }
    }
    for f in detail.funding {
        if !record.funding.contains(&f) {
            record.funding.push(f);
        }
    }
    for k in detail.keywords {
        if !record.keywords.contains(&k) {
            record.keywords.push(k);
        }
    }
    record.raw = detail.raw;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse_page;
    use super::super::tests::{by_id, fixture, page_of, planned, spec};
    use super::*;
    use crate::testutil::shared_fixture;

    #[test]
    fn real_excerpt_items_convert() {
        let body = shared_fixture(
            "fixtures/cristin/results_summary-items_excerpt_institution-6064_2023.json",
        );
        let page = page_of(&body);
        assert_eq!((page.info.items, page.records.len()), (2, 2));
        assert!(page.warnings.is_empty());
        let data = by_id(&page, "2107487");
        assert!(
            data.title
                .as_deref()
                .unwrap()
                .starts_with("Replication Data for: No observed developmental effects")
        );
        assert_eq!(data.year, Some(2023), "years come as strings");
        assert_eq!(
            data.kind,
            Some(crate::model::WorkType::Other),
            "OTHERPRODUCT"
        );
        assert_eq!(data.language.as_deref(), Some("en"));
        assert_eq!(data.authors.len(), 6);
        assert_eq!(data.authors[3].family.as_deref(), Some("Sørensen"));
        assert_eq!(data.authors[3].given.as_deref(), Some("Lisbet"));
        // A DATA link is the data set's DOI, not necessarily the result's: never taken.
        assert_eq!(data.doi, None);
        assert_eq!(
            data.id,
            crate::model::RecordId::from_source("cristin", "2107487")
        );
        assert_eq!(data.ids["cristin"], "2107487");
        assert_eq!(
            data.url.as_deref(),
            Some("https://api.cristin.no/v2/results/2107487")
        );
        assert_eq!(data.provenance.source, "cristin");
        assert_eq!(data.provenance.query.as_deref(), Some("t"));
        let interview = by_id(&page, "2112942");
        assert_eq!(
            interview.title.as_deref(),
            Some("planet e: Tore für die Umwelt. Wie Fußball nachhaltig werden soll.")
        );
        assert_eq!(interview.language.as_deref(), Some("de"));
        assert!(interview.other_titles.is_empty());
        assert!(interview.raw.get().starts_with('{') && !interview.raw.get().contains('\n'));
    }

    #[test]
    fn multilingual_titles_summaries_doi_journal_and_nfr_codes() {
        let page = page_of(&fixture("results_page1.json"));
        assert!(page.warnings.is_empty(), "{:?}", page.warnings);
        let r = by_id(&page, "1800001");
        assert_eq!(
            r.title.as_deref(),
            Some("Tildeling av helse- og omsorgstjenester i kommunene: bestiller–utfører-modellen")
        );
        assert_eq!(
            r.other_titles["en"],
            "Allocation of health and care services in municipalities: the purchaser–provider model"
        );
        assert!(
            r.abstract_text
                .as_deref()
                .unwrap()
                .starts_with("Artikkelen undersøker")
        );
        assert!(r.other_abstracts["en"].starts_with("The article examines"));
        assert!(!r.abstract_text.as_deref().unwrap().contains('<'));
        assert_eq!(r.doi.as_deref(), Some("10.5555/cristin.tfo.2019.7.2.3"));
        assert_eq!(
            r.id,
            crate::model::RecordId::from_doi("10.5555/cristin.tfo.2019.7.2.3")
        );
        assert_eq!(r.venue.as_deref(), Some("Tidsskrift for omsorgsforskning"));
        assert_eq!(r.issn, ["2387-5984"]);
        assert_eq!(
            (r.volume.as_deref(), r.issue.as_deref(), r.pages.as_deref()),
            (Some("7"), Some("2"), Some("112-127"))
        );
        assert_eq!(r.year, Some(2019));
        assert_eq!(r.kind, Some(crate::model::WorkType::JournalArticle));
        assert_eq!(
            r.funding,
            [
                Funding {
                    funder: "NFR".into(),
                    project: Some("256599".into())
                },
                Funding {
                    funder: "NFR".into(),
                    project: Some("184951/I30".into())
                },
            ]
        );
        assert_eq!(
            r.keywords,
            ["allocation", "tildeling", "kommunehelsetjenester"]
        );
    }

    #[test]
    fn nfd_text_becomes_nfc_and_journal_name_may_be_a_language_map() {
        let page = page_of(&fixture("results_page1.json"));
        let r = by_id(&page, "1800002");
        let title = r.title.as_deref().unwrap();
        assert_eq!(
            title,
            "Kvalitet i hjemmetjenesten: pårørendes og brukeres opplevelser i Ålesund"
        );
        assert_eq!(crate::text::nfc(title), title);
        let raw_title =
            serde_json::from_str::<serde_json::Value>(r.raw.get()).unwrap()["title"]["nb"]
                .as_str()
                .unwrap()
                .to_string();
        assert_ne!(
            raw_title, title,
            "the raw payload keeps the NFD text as sent"
        );
        assert_eq!(r.venue.as_deref(), Some("Nordisk sygeplejeforskning"));
        assert_eq!(
            r.abstract_text, None,
            "no summary in the list: a detail is needed"
        );
        assert_eq!(r.year, Some(2021));
    }

    #[test]
    fn result_title_is_the_fallback_and_other_venues_count() {
        let page = page_of(&fixture("results_page1.json"));
        let r = by_id(&page, "1800003");
        assert_eq!(
            r.title.as_deref(),
            Some("Bestiller–utførermodeller i norske kommuner: en kartlegging")
        );
        assert_eq!(r.venue.as_deref(), Some("NOVA Rapport"));
        assert_eq!(r.kind, Some(crate::model::WorkType::Report));
        // Original language nn without an nn title: English is preferred over the rest.
        let r = by_id(&page, "1800004");
        assert_eq!(r.title.as_deref(), Some("Care in the municipality"));
        assert_eq!(r.other_titles["sv"], "Omsorg i kommunen");
        assert_eq!(r.pages.as_deref(), Some("45"));
        assert_eq!(r.venue.as_deref(), Some("Nordisk konferanse om velferd"));
    }

    #[test]
    fn odd_shapes_and_bad_items() {
        let body = br#"[
            {"cristin_result_id": 42, "title": {"nb": "Tall som id"}, "year_published": 2020,
             "journal": {"name": {"en": "Map Journal", "nb": "Kart"}}, "original_language": "nb",
             "contributors": "not an object", "links": [7, {"url_type": "doi", "url": "doi:10.5555/X"}],
             "funding_sources": [{"funding_source_code": "NFR", "project_code": 300001}, "junk"]},
            {"title": {"nb": "Uten id"}},
            {"cristin_result_id": "../../etc", "title": {"nb": "Farlig id"}},
            "not an object"
        ]"#;
        let page = page_of(body);
        assert_eq!(page.info.items, 4);
        assert_eq!(page.records.len(), 1);
        assert_eq!(page.warnings.len(), 3);
        assert!(page.warnings[0].contains("item 2 skipped: no cristin_result_id"));
        let r = &page.records[0];
        assert_eq!(r.source_id(), "42");
        assert_eq!(r.year, Some(2020));
        assert_eq!(r.venue.as_deref(), Some("Kart"), "original language first");
        assert_eq!(r.doi.as_deref(), Some("10.5555/x"));
        assert_eq!(r.funding[0].project.as_deref(), Some("300001"));
        assert!(r.authors.is_empty());
        assert!(page_of(b"[]").records.is_empty());
        let p = planned(spec("x", None, serde_json::json!({})));
        let t = jiff::Timestamp::UNIX_EPOCH;
        assert!(parse_page(b"[{\"cristin_result_id\":", None, None, &p, "r", t).is_err());
        assert!(parse_page(b"{\"results\": []}", None, None, &p, "r", t).is_err());
    }

    #[test]
    fn hostile_text_is_cleaned_and_odd_language_keys_dropped() {
        let body = r#"[{"cristin_result_id": "7", "original_language": "NB",
            "title": {"NB": "Tilla\u030at \u001b[31mr\u00f8dt\u001b[0m <i>og</i>  bla\u030att\u0007",
                      "en": "  ", "x<y": "Nope", "de": 5},
            "summary": {"nb": "<p>F\u00f8rste\u001b]0;owned\u0007 avsnitt &amp; mer.</p><p>Andre.</p>"},
            "contributors": {"preview": [{"first_name": "\u00c5se\u202e", "surname": "\u00d8deg\u00e5rd"}, {}]}}]"#;
        let page = page_of(body.as_bytes());
        let r = &page.records[0];
        assert_eq!(r.title.as_deref(), Some("Tillåt rødt og blått"));
        assert!(r.other_titles.is_empty(), "{:?}", r.other_titles);
        assert_eq!(r.language.as_deref(), Some("nb"));
        assert_eq!(
            r.abstract_text.as_deref(),
            Some("Første avsnitt & mer.\n\nAndre.")
        );
        assert_eq!(r.authors.len(), 1);
        assert_eq!(r.authors[0].given.as_deref(), Some("Åse"));
        assert!(
            r.raw.get().contains(r"\u001b"),
            "the raw payload keeps what was sent"
        );
    }

    #[test]
    fn detail_adds_summaries_funding_and_keywords() {
        let page = page_of(&fixture("results_page1.json"));
        let mut r = by_id(&page, "1800002").clone();
        let detail = parse_detail(&fixture("result_1800002.json")).unwrap();
        merge_detail(&mut r, detail).unwrap();
        assert!(
            r.abstract_text
                .as_deref()
                .unwrap()
                .starts_with("Studien beskriver hvordan brukere og pårørende")
        );
        assert!(r.other_abstracts["en"].starts_with("The study describes"));
        assert_eq!(
            r.funding,
            [Funding {
                funder: "NFR".into(),
                project: Some("273714".into())
            }]
        );
        assert!(r.keywords.contains(&"hjemmetjenester".to_string()));
        // The detail's English title joins; the displayed one stays.
        assert_eq!(
            r.title.as_deref(),
            Some("Kvalitet i hjemmetjenesten: pårørendes og brukeres opplevelser i Ålesund")
        );
        assert_eq!(
            r.other_titles["en"],
            "Quality in home care: experiences of users and next of kin in Ålesund"
        );
        assert_eq!(r.other_titles.len(), 1);
        assert!(r.raw.get().contains("\"summary\""));
        // A detail for another result is refused.
        let mut other = by_id(&page, "1800003").clone();
        let detail = parse_detail(&fixture("result_1800002.json")).unwrap();
        let before = other.clone();
        assert!(merge_detail(&mut other, detail).is_err());
        assert_eq!(other.abstract_text, before.abstract_text);
        assert!(other.funding.is_empty());
        assert_eq!(other.raw.get(), before.raw.get());
        assert!(parse_detail(b"[]").is_err());
        assert!(parse_detail(b"<html>").is_err());
    }
}
