//! One NVA response page (`/search/resources`) turned into records: the pure part of the
//! harvester, tested on the real recorded page and on synthetic pages of the same shape.
//!
//! Hits are read leniently (API-FACTS §5.3): numbers and booleans often come as strings (or
//! not), a field of an unexpected shape is left out rather than costing the hit, and one
//! contributor or grant that does not parse is skipped alone. Every text goes through
//! [`clean_line`] or [`clean_block`]. Only a hit without `identifier` is skipped, with a
//! warning: records are keyed by it.

use super::assumed;
use crate::model::{Author, Funding, Provenance, Record};
use crate::sources::{PlannedSearch, lenient};
use crate::text::{clean_block, clean_line, non_empty, normalize_orcid};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;
use url::Url;

/// One page of `/search/resources`, converted.
#[derive(Debug)]
pub struct NvaPage {
    /// `totalHits`.
    pub total: Option<u64>,
    /// The `search_after` value of `nextSearchAfterResults`.
    pub search_after: Option<String>,
    /// Hits in the page (converted or not).
    pub hits: usize,
    /// The converted records.
    pub records: Vec<Record>,
    /// Hits that could not be converted, one line each.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "totalHits", default, deserialize_with = "lenient::number")]
    total: Option<u64>,
    #[serde(borrow, default)]
    hits: Vec<&'a RawValue>,
    #[serde(
        rename = "nextSearchAfterResults",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    next_search_after: Option<String>,
}

/// Parses a `/search/resources` response body into records (the pure part of the harvester).
pub fn parse_page(
    body: &[u8],
    planned: &PlannedSearch,
    run: &str,
    retrieved: jiff::Timestamp,
) -> Result<NvaPage, String> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| format!("not an NVA search result: {e}"))?;
    let mut records = Vec::with_capacity(envelope.hits.len());
    let mut warnings = Vec::new();
    for (i, raw) in envelope.hits.iter().enumerate() {
        match convert_hit(raw, planned, run, retrieved) {
            Ok(r) => records.push(r),
            Err(e) => warnings.push(format!("hit {} skipped: {e}", i + 1)),
        }
    }
    Ok(NvaPage {
        total: envelope.total,
        search_after: envelope
            .next_search_after
            .as_deref()
            .and_then(search_after_value),
        hits: envelope.hits.len(),
        records,
        warnings,
    })
}

/// The `search_after` value of a `nextSearchAfterResults` link (only the value is used: the
/// next request is built below litscope's own base URL, whatever host the link names).
pub fn search_after_value(link: &str) -> Option<String> {
    let url = Url::parse(link).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "search_after")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// NFR project numbers in a funding identifier: the whole identifier when it is a number, else
/// every six-digit number written in it (`"EUFLEX, NFR PROSJEKT NR 287131"` → `287131`).
/// Longer or shorter digit runs inside text (years, dates, other numbers) are not taken.
pub fn nfr_project_numbers(identifier: &str) -> Vec<String> {
    let text = identifier.trim();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        return vec![text.to_string()];
    }
    let mut numbers: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &text[start..i];
            if run.len() == assumed::NFR_NUMBER_DIGITS && !numbers.iter().any(|n| n == run) {
                numbers.push(run.to_string());
            }
        } else {
            i += 1;
        }
    }
    numbers
}

/// Parses each element of a JSON array on its own, skipping the ones that do not fit (and
/// everything when the value is not an array): one odd contributor never costs the record.
fn elements<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Vec<T> {
    let Some(raw) = raw else { return Vec::new() };
    let Ok(items) = serde_json::from_str::<Vec<&'a RawValue>>(raw.get()) else {
        return Vec::new();
    };
    items
        .into_iter()
        .filter_map(|i| serde_json::from_str(i.get()).ok())
        .collect()
}

/// Parses an object, or `None` when the value is missing or of another shape.
fn object<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<T> {
    serde_json::from_str(raw?.get()).ok()
}

/// `{lang: text}` cleaned with `clean`; non-string values and empty texts left out.
fn language_map(raw: Option<&RawValue>, clean: fn(&str) -> String) -> BTreeMap<String, String> {
    let Some(map) = object::<BTreeMap<String, serde_json::Value>>(raw) else {
        return BTreeMap::new();
    };
    map.into_iter()
        .filter_map(|(lang, text)| {
            let lang = clean_line(&lang);
            let text = clean(text.as_str()?);
            (!lang.is_empty() && !text.is_empty()).then_some((lang, text))
        })
        .collect()
}

#[derive(Deserialize)]
struct Hit<'a> {
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    identifier: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    id: Option<String>,
    #[serde(rename = "entityDescription", borrow, default)]
    description: Option<&'a RawValue>,
    #[serde(rename = "additionalIdentifiers", borrow, default)]
    additional_identifiers: Option<&'a RawValue>,
    #[serde(borrow, default)]
    fundings: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Description<'a> {
    #[serde(
        rename = "mainTitle",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    main_title: Option<String>,
    #[serde(rename = "alternativeTitles", borrow, default)]
    alternative_titles: Option<&'a RawValue>,
    #[serde(
        rename = "abstract",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    abstract_text: Option<String>,
    #[serde(rename = "alternativeAbstracts", borrow, default)]
    alternative_abstracts: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "lenient::strings")]
    tags: Vec<Cow<'a, str>>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    language: Option<String>,
    #[serde(rename = "publicationDate", borrow, default)]
    publication_date: Option<&'a RawValue>,
    #[serde(borrow, default)]
    contributors: Option<&'a RawValue>,
    #[serde(borrow, default)]
    reference: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct PublicationDate {
    #[serde(default, deserialize_with = "lenient::number")]
    year: Option<u64>,
}

#[derive(Deserialize)]
struct Contributor<'a> {
    #[serde(default, deserialize_with = "lenient::number")]
    sequence: Option<u64>,
    #[serde(borrow, default)]
    role: Option<&'a RawValue>,
    #[serde(borrow, default)]
    identity: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Role {
    #[serde(rename = "type", default, deserialize_with = "lenient::text_or_number")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct Identity {
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    name: Option<String>,
    #[serde(
        rename = "orcId",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    orcid: Option<String>,
}

#[derive(Deserialize)]
struct Reference<'a> {
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    doi: Option<String>,
    #[serde(rename = "publicationContext", borrow, default)]
    context: Option<&'a RawValue>,
    #[serde(rename = "publicationInstance", borrow, default)]
    instance: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Context<'a> {
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    name: Option<String>,
    #[serde(rename = "entityDescription", borrow, default)]
    description: Option<&'a RawValue>,
    #[serde(
        rename = "printIssn",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    print_issn: Option<String>,
    #[serde(
        rename = "onlineIssn",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    online_issn: Option<String>,
}

#[derive(Deserialize)]
struct ContextDescription {
    #[serde(
        rename = "mainTitle",
        default,
        deserialize_with = "lenient::text_or_number"
    )]
    main_title: Option<String>,
}

#[derive(Deserialize)]
struct Instance<'a> {
    #[serde(rename = "type", default, deserialize_with = "lenient::text_or_number")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    volume: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    issue: Option<String>,
    #[serde(borrow, default)]
    pages: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct AdditionalIdentifier {
    #[serde(rename = "type", default, deserialize_with = "lenient::text_or_number")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    value: Option<String>,
}

#[derive(Deserialize)]
struct FundingItem<'a> {
    #[serde(borrow, default)]
    source: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    identifier: Option<String>,
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    id: Option<String>,
}

#[derive(Deserialize)]
struct FundingSource {
    #[serde(default, deserialize_with = "lenient::text_or_number")]
    identifier: Option<String>,
}

fn clean_opt(text: Option<&str>) -> Option<String> {
    text.map(clean_line).and_then(non_empty)
}

fn convert_hit(
    raw: &RawValue,
    planned: &PlannedSearch,
    run: &str,
    retrieved: jiff::Timestamp,
) -> Result<Record, String> {
    let hit: Hit = serde_json::from_str(raw.get()).map_err(|e| format!("unreadable hit: {e}"))?;
    let identifier = clean_opt(hit.identifier.as_deref()).ok_or("no identifier")?;
    let description: Option<Description> = object(hit.description);
    let reference: Option<Reference> = description.as_ref().and_then(|d| object(d.reference));
    let provenance = Provenance {
        source: planned.spec.source.name().to_string(),
        source_id: identifier.clone(),
        run: run.to_string(),
        query: Some(planned.name.clone()),
        retrieved,
        via: planned.via.clone(),
    };
    // `Record::new` keeps the DOI only when it is one (not a PDF or YouTube link).
    let doi = reference.as_ref().and_then(|r| r.doi.as_deref());
    let mut r = Record::new(provenance, doi, crate::sources::lenient::one_line(raw));
    r.ids.insert("nva".into(), identifier);
    for extra in elements::<AdditionalIdentifier>(hit.additional_identifiers) {
        if extra.kind.as_deref() == Some("CristinIdentifier")
            && let Some(value) = clean_opt(extra.value.as_deref())
        {
            r.ids.insert("cristin".into(), value);
        }
    }
    r.url = clean_opt(hit.id.as_deref());
    r.funding = fundings(hit.fundings);
    if let Some(d) = &description {
        r.title = clean_opt(d.main_title.as_deref());
        r.other_titles = language_map(d.alternative_titles, clean_line);
        r.abstract_text = d
            .abstract_text
            .as_deref()
            .map(clean_block)
            .and_then(non_empty);
        r.other_abstracts = language_map(d.alternative_abstracts, clean_block);
        r.keywords = keywords(&d.tags);
        r.language = d.language.as_deref().and_then(language_code);
        r.year = object::<PublicationDate>(d.publication_date)
            .and_then(|p| p.year)
            .filter(|y| (1000..=9999).contains(y))
            .map(|y| y as i32);
        r.authors = authors(d.contributors);
    }
    if let Some(reference) = &reference {
        if let Some(context) = object::<Context>(reference.context) {
            r.venue = clean_opt(context.name.as_deref()).or_else(|| {
                object::<ContextDescription>(context.description)
                    .and_then(|d| clean_opt(d.main_title.as_deref()))
            });
            r.issn = [context.print_issn, context.online_issn]
                .iter()
                .filter_map(|i| clean_opt(i.as_deref()))
                .collect();
            r.issn.dedup();
        }
        if let Some(instance) = object::<Instance>(reference.instance) {
            r.set_type(instance.kind.as_deref());
            r.volume = clean_opt(instance.volume.as_deref());
            r.issue = clean_opt(instance.issue.as_deref());
            r.pages = instance.pages.and_then(assumed::page_range);
        }
    }
    Ok(r)
}

/// Tags, with `;`-joined lists split, cleaned, duplicates dropped.
fn keywords(tags: &[Cow<'_, str>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        for part in tag.split(';') {
            let k = clean_line(part);
            if !k.is_empty() && !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

/// `http://lexvo.org/id/iso639-3/nob` → `nob`; a bare code stays as it is.
fn language_code(text: &str) -> Option<String> {
    let code = text.trim().trim_end_matches('/').rsplit('/').next()?;
    let code = clean_line(code);
    (!code.is_empty()
        && code.len() <= 12
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    .then_some(code)
}

/// Contributors in byline order (`sequence`), creators only when there are any (see
/// `assumed::AUTHOR_ROLE`).
fn authors(raw: Option<&RawValue>) -> Vec<Author> {
    let mut contributors: Vec<(Option<u64>, bool, Identity)> = elements::<Contributor>(raw)
        .into_iter()
        .filter_map(|c| {
            let creator = object::<Role>(c.role)
                .and_then(|r| r.kind)
                .is_some_and(|k| k == assumed::AUTHOR_ROLE);
            Some((c.sequence, creator, object::<Identity>(c.identity)?))
        })
        .collect();
    contributors.sort_by_key(|(sequence, _, _)| sequence.unwrap_or(u64::MAX));
    let any_creator = contributors.iter().any(|(_, creator, _)| *creator);
    contributors
        .into_iter()
        .filter(|(_, creator, _)| *creator || !any_creator)
        .filter_map(|(_, _, identity)| {
            let name = clean_opt(identity.name.as_deref())?;
            let mut author = split_name(&name);
            author.orcid = identity.orcid.as_deref().and_then(normalize_orcid);
            Some(author)
        })
        .collect()
}

/// `"Anne Sigrid Haugset"` → given `Anne Sigrid`, family `Haugset`; `"Haugset, Anne"` →
/// family `Haugset`, given `Anne`; one word stays a whole name.
fn split_name(name: &str) -> Author {
    let parts = name
        .split_once(',')
        .map(|(f, g)| (g.trim(), f.trim()))
        .or_else(|| name.rsplit_once(' ').map(|(g, f)| (g.trim(), f.trim())));
    match parts {
        Some((given, family)) if !given.is_empty() && !family.is_empty() => Author {
            family: Some(family.to_string()),
            given: Some(given.to_string()),
            ..Author::default()
        },
        _ => Author {
            name: Some(name.to_string()),
            ..Author::default()
        },
    }
}

/// Grants: NFR ones with their project numbers (from free text if need be, else from the
/// `…/verified-funding/nfr/{nr}` link), other funders with their identifier as given.
fn fundings(raw: Option<&RawValue>) -> Vec<Funding> {
    let mut out: Vec<Funding> = Vec::new();
    for f in elements::<FundingItem>(raw) {
        let Some(funder) =
            object::<FundingSource>(f.source).and_then(|s| clean_opt(s.identifier.as_deref()))
        else {
            continue;
        };
        let identifier = clean_opt(f.identifier.as_deref());
        let projects: Vec<Option<String>> = if funder.eq_ignore_ascii_case("NFR") {
            let mut numbers = identifier
                .as_deref()
                .map(nfr_project_numbers)
                .unwrap_or_default();
            if numbers.is_empty()
                && let Some(id) = f.id.as_deref()
            {
                numbers = id
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(nfr_project_numbers)
                    .unwrap_or_default();
            }
            if numbers.is_empty() {
                vec![None]
            } else {
                numbers.into_iter().map(Some).collect()
            }
        } else {
            vec![identifier]
        };
        for project in projects {
            let funding = Funding {
                funder: funder.clone(),
                project,
            };
            if !out.contains(&funding) {
                out.push(funding);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::{SearchSpec, SourceKind};

    const REAL: &[u8] = include_bytes!(
        "../../../tests/fixtures/nva/search-resources_instanceType-ConferenceLecture_size-3.json"
    );
    const SYNTHETIC: &[u8] =
        include_bytes!("../../../tests/fixtures/nva/synthetic_query-tjenestetildeling_size-4.json");
    const LAST: &[u8] = include_bytes!(
        "../../../tests/fixtures/nva/synthetic_query-tjenestetildeling_size-4_search-after-last.json"
    );
    const ZERO: &[u8] =
        include_bytes!("../../../tests/fixtures/nva/synthetic_query-adfaaf_zero-hits.json");

    fn spec(query: &str, limit: Option<u64>, options: serde_json::Value) -> SearchSpec {
        crate::sources::test_spec(SourceKind::Nva, query, limit, options)
    }

    fn planned(spec: SearchSpec) -> PlannedSearch {
        PlannedSearch::standalone("t", spec).unwrap()
    }

    fn page(body: &[u8]) -> NvaPage {
        let p = planned(spec("x", None, serde_json::json!({})));
        parse_page(body, &p, "run-1", jiff::Timestamp::UNIX_EPOCH).unwrap()
    }

    fn by_id<'a>(page: &'a NvaPage, identifier: &str) -> &'a Record {
        page.records
            .iter()
            .find(|r| r.source_id() == identifier)
            .unwrap_or_else(|| panic!("{identifier} missing"))
    }

    #[test]
    fn the_real_page_converts_every_hit() {
        let p = page(REAL);
        assert_eq!(p.total, Some(438_783));
        assert_eq!((p.hits, p.records.len()), (3, 3));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            p.search_after.as_deref(),
            Some("1778075324800,019dfd77896f-494a2a20-c6c3-4083-a416-e4fb3b457a93")
        );
        // Every hit keeps its Cristin id (the key for merging with Cristin) and its NVA id.
        let cristin: Vec<&str> = p
            .records
            .iter()
            .map(|r| r.ids["cristin"].as_str())
            .collect();
        assert_eq!(cristin, ["10438417", "10438415", "10438363"]);
        for r in &p.records {
            assert_eq!(r.ids["nva"], r.source_id());
            assert_eq!(r.provenance.source, "nva");
            assert_eq!(r.provenance.run, "run-1");
            assert_eq!(r.kind, Some(crate::model::WorkType::Presentation));
            assert_eq!(
                r.url.as_deref(),
                Some(format!("https://api.nva.unit.no/publication/{}", r.source_id()).as_str())
            );
            // A PDF link and a YouTube link in `reference.doi` are not DOIs: the id comes from
            // the NVA identifier.
            assert_eq!(r.doi, None);
            assert_eq!(
                r.id,
                crate::model::RecordId::from_source("nva", r.source_id())
            );
            assert!(!r.raw.get().contains('\n'), "raw payload on one line");
        }

        let lecture = by_id(&p, "019dfebbc827-a2073198-bdec-4d48-a70b-fb9c79a0aaef");
        assert_eq!(
            lecture.title.as_deref(),
            Some("Mellom forståelse og dominans: Språk, interkulturalitet og makt i sykepleie")
        );
        assert_eq!(lecture.year, Some(2026), "year given as a string");
        assert_eq!(lecture.language.as_deref(), Some("nob"));
        assert_eq!(lecture.venue.as_deref(), Some("Fagdag migrasjonshelse"));
        assert_eq!(lecture.authors.len(), 1);
        let a = &lecture.authors[0];
        assert_eq!(
            (a.given.as_deref(), a.family.as_deref(), a.orcid.as_deref()),
            (Some("Marcel"), Some("Köhler"), Some("0009-0007-1827-1692"))
        );
        assert!(lecture.funding.is_empty());
        assert_eq!(lecture.pages, None, "NullPages");

        let feed = by_id(&p, "019dfea9c483-f4d35a21-a268-4f76-a5f2-7121a9fd38bb");
        assert_eq!(
            feed.title.as_deref(),
            Some(
                "Feed self-sufficiency and scarce domestic resources: Emerging conflicts of interest"
            )
        );
        assert_eq!(feed.language.as_deref(), Some("eng"));
        let abs = feed.abstract_text.as_deref().unwrap();
        assert!(abs.starts_with("The Norwegian government has ambitious goals to increase the share of domestically produced"), "{abs}");
        assert!(
            !abs.contains('\n') && !abs.contains("  "),
            "hard line breaks joined"
        );
        let names: Vec<String> = feed.authors.iter().map(|a| a.display_name()).collect();
        assert_eq!(
            names,
            ["Haugset, Anne Sigrid", "Sand, Roald", "Stræte, Egil Petter"]
        );
        assert_eq!(feed.authors[1].orcid, None);
        assert_eq!(
            feed.funding,
            [Funding {
                funder: "NFR".into(),
                project: Some("326825".into())
            }]
        );
        assert!(
            feed.venue
                .as_deref()
                .unwrap()
                .starts_with("Nord GLOBAL 26.")
        );

        let talk = by_id(&p, "019dfd77896f-494a2a20-c6c3-4083-a416-e4fb3b457a93");
        assert_eq!(talk.year, Some(2025));
        assert_eq!(
            talk.authors[0].display_name(),
            "Aslaksen, Iulie",
            "a RoleOther when no Creator"
        );
    }

    #[test]
    fn norwegian_text_alternative_titles_tags_and_a_real_doi() {
        let p = page(SYNTHETIC);
        let r = by_id(&p, "019e0a000001-5e7a1c00-0000-4000-8000-000000000001");
        assert_eq!(
            r.title.as_deref(),
            Some("Tjenestetildeling i små kommuner: åpenhet, økonomi og særlige hensyn")
        );
        assert_eq!(
            r.other_titles.get("en").map(String::as_str),
            Some(
                "Service allocation in small municipalities: openness, economy and special concerns"
            )
        );
        assert_eq!(
            r.other_titles.get("und").map(String::as_str),
            Some("Tjenestetildeling i små kommuner"),
            "cleaned"
        );
        assert_eq!(
            r.abstract_text.as_deref(),
            Some(
                "Artikkelen undersøker hvordan små kommuner tildeler helse- og omsorgstjenester.\n\nVi finner at bestiller–utfører-modellen gir økt åpenhet."
            )
        );
        assert!(r.other_abstracts["en"].starts_with("The article examines"));
        assert_eq!(
            r.keywords,
            [
                "tjenestetildeling",
                "kommune",
                "helse og omsorg",
                "bestiller-utfører",
                "allocation",
                "Tjenestetildeling"
            ]
        );
        assert_eq!(r.doi.as_deref(), Some("10.5555/nva.synthetic.1"));
        assert_eq!(
            r.id,
            crate::model::RecordId::from_doi("10.5555/nva.synthetic.1")
        );
        assert_eq!(r.ids["cristin"], "1912345");
        assert_eq!(r.venue.as_deref(), Some("Tidsskrift for omsorgsforskning"));
        assert_eq!(r.issn, ["2387-5984"]);
        assert_eq!(
            (r.volume.as_deref(), r.issue.as_deref(), r.pages.as_deref()),
            (Some("7"), Some("2"), Some("112-127"))
        );
        assert_eq!(r.kind, Some(crate::model::WorkType::JournalArticle));
        assert_eq!(r.year, Some(2021));
        let names: Vec<String> = r.authors.iter().map(|a| a.display_name()).collect();
        assert_eq!(
            names,
            ["Haugset, Anne Sigrid", "Sand, Roald", "Stræte, Egil Petter"],
            "byline order by sequence, not list order"
        );
        assert_eq!(
            r.funding,
            [Funding {
                funder: "NFR".into(),
                project: Some("326825".into())
            }]
        );
    }

    #[test]
    fn nfd_titles_free_text_grants_and_json_numbers() {
        let p = page(SYNTHETIC);
        let r = by_id(&p, "019e0a000002-5e7a1c00-0000-4000-8000-000000000002");
        let title = r.title.as_deref().unwrap();
        assert_eq!(
            title,
            "Styring på tvers: tildeling av sykehjemsplass i Målselv og Ås"
        );
        assert_eq!(crate::text::nfc(title), title, "NFD became NFC");
        assert_eq!(r.year, Some(2019), "year as a JSON number");
        assert_eq!(r.ids["cristin"], "10438499", "Cristin id as a JSON number");
        assert_eq!(r.language.as_deref(), Some("nno"));
        assert_eq!(r.doi, None, "a YouTube link is not a DOI");
        assert_eq!(r.venue.as_deref(), Some("Velferdsstatens kommuner"));
        assert_eq!(r.pages.as_deref(), Some("45-67"));
        assert_eq!(r.authors[0].display_name(), "Köhler, Marcel");
        assert_eq!(
            r.funding,
            [
                Funding {
                    funder: "NFR".into(),
                    project: Some("287131".into())
                },
                Funding {
                    funder: "NFR".into(),
                    project: None
                },
                Funding {
                    funder: "EU".into(),
                    project: Some("101094258".into())
                },
            ]
        );
    }

    #[test]
    fn hostile_text_odd_types_and_a_hit_without_identifier() {
        let p = page(SYNTHETIC);
        assert_eq!((p.hits, p.records.len()), (4, 3));
        assert_eq!(p.warnings, ["hit 4 skipped: no identifier"]);
        let r = by_id(&p, "019e0a000003-5e7a1c00-0000-4000-8000-000000000003");
        assert_eq!(
            r.title.as_deref(),
            Some("Tillit i hjemmetjenesten & omsorg")
        );
        assert_eq!(r.keywords, ["tillitsmodell"], "tags as one string");
        assert!(r.funding.is_empty(), "fundings: null");
        let names: Vec<String> = r.authors.iter().map(|a| a.display_name()).collect();
        assert_eq!(names, ["Sand, Roald"], "the supervisor is not an author");
        assert_eq!(r.year, Some(2020));
    }

    #[test]
    fn last_and_empty_pages() {
        let last = page(LAST);
        assert_eq!((last.hits, last.total), (0, Some(4)));
        assert!(
            last.search_after.is_some(),
            "a next link even on the last page"
        );
        assert!(assumed::is_last_page(0, 4));
        assert!(assumed::is_last_page(3, 4));
        assert!(!assumed::is_last_page(4, 4));
        let zero = page(ZERO);
        assert_eq!(
            (zero.hits, zero.total, zero.search_after),
            (0, Some(0), None)
        );
    }

    #[test]
    fn lenient_envelope_and_unreadable_bodies() {
        let body = br#"{"totalHits":"2","nextSearchAfterResults":{"odd":1},"hits":[{"identifier":"a","entityDescription":{"mainTitle":"A","contributors":{"oops":1},"publicationDate":"2020"}},{"identifier":"b","entityDescription":"odd"}]}"#;
        let p = page(body);
        assert_eq!(p.total, Some(2), "totalHits as a string");
        assert_eq!(p.search_after, None, "a next link of another shape");
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].title.as_deref(), Some("A"));
        assert!(p.records[0].authors.is_empty());
        assert_eq!(p.records[1].title, None);
        let planned = planned(spec("x", None, serde_json::json!({})));
        let err =
            parse_page(b"{\"hits\": [", &planned, "r", jiff::Timestamp::UNIX_EPOCH).unwrap_err();
        assert!(err.starts_with("not an NVA search result"), "{err}");
    }

    #[test]
    fn nfr_numbers_from_free_text() {
        let cases: &[(&str, &[&str])] = &[
            ("326825", &["326825"]),
            (" 326825 ", &["326825"]),
            ("EUFLEX, NFR PROSJEKT NR 287131", &["287131"]),
            ("NFR 262707/F10", &["262707"]),
            (
                "Prosjekt 287131 og 326825 (2019-2023)",
                &["287131", "326825"],
            ),
            ("287131, 287131", &["287131"]),
            ("signert 20210101", &[]),
            ("NFR grant 2019", &[]),
            ("", &[]),
            ("12345", &["12345"]),
        ];
        for (text, expected) in cases {
            assert_eq!(nfr_project_numbers(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn search_after_comes_from_the_link_whatever_its_host() {
        assert_eq!(
            search_after_value(
                "https://elsewhere.example/search/resources?size=3&search_after=17%2Cabc"
            )
            .as_deref(),
            Some("17,abc")
        );
        assert_eq!(
            search_after_value("https://api.nva.unit.no/search/resources?from=3"),
            None
        );
        assert_eq!(search_after_value("not a url"), None);
    }
}
