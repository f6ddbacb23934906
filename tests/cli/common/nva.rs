//! NVA on a local server, built from the real recorded page and the synthetic pages in
//! `tests/fixtures/nva/` (see `PROVENANCE.md` there).
//!
//! [`Mock`] serves any number of hits in the real page shape, made from the real and synthetic
//! hits with unique identifiers, Cristin ids and titles, and behaves as API-FACTS §5 says the
//! service does: 400 for an unknown parameter, for `search_after` with a relevance sort, for
//! `page`/`from`/`search_after` together and for a window past 10,000; `search_after` paging
//! with `nextSearchAfterResults` present even on the last page; `from`/`size` paging; and, on
//! request, a 5xx for pages bigger than the response cap. The error wording copies the
//! documented shape `{title, status, detail, requestId}`; the exact texts are the mock's own.

use super::server::{Reply, Request};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

/// The base the real service writes into its links: the harvester must not follow it.
pub const LINK_BASE: &str = "https://api.nva.unit.no";
/// The real recorded page.
pub const REAL_PAGE: &str = "search-resources_instanceType-ConferenceLecture_size-3.json";
/// The synthetic page of four hits (one without identifier).
pub const SYNTHETIC_PAGE: &str = "synthetic_query-tjenestetildeling_size-4.json";
/// The synthetic page without hits.
pub const ZERO_HITS: &str = "synthetic_query-adfaaf_zero-hits.json";

/// Parameters the mock knows; anything else is a 400, as on the real service.
const KNOWN: &[&str] = &[
    "query",
    "title",
    "abstract",
    "tags",
    "doi",
    "category",
    "publication_year_since",
    "publication_year_before",
    "funding_source",
    "funding_identifier",
    "aggregation",
    "size",
    "from",
    "page",
    "sort",
    "search_after",
];

/// `tests/fixtures/nva/<name>`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/nva")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The hits of a fixture page.
pub fn fixture_hits(name: &str) -> Vec<Value> {
    let page: Value = serde_json::from_slice(&fixture(name)).unwrap();
    page["hits"].as_array().unwrap().clone()
}

/// `n` hits cycled from the three real and three usable synthetic ones, each with its own
/// identifier, id, Cristin id, numbered title and (where the template has one) DOI.
pub fn hits(n: usize, tag: &str) -> Vec<Value> {
    let mut templates = fixture_hits(REAL_PAGE);
    templates.extend(
        fixture_hits(SYNTHETIC_PAGE)
            .into_iter()
            .filter(|h| h.get("identifier").is_some()),
    );
    (0..n)
        .map(|i| {
            let mut hit = templates[i % templates.len()].clone();
            let identifier = format!("{:012x}-{tag}-{i:06}", created_ms(i));
            hit["identifier"] = identifier.clone().into();
            hit["id"] = format!("{LINK_BASE}/publication/{identifier}").into();
            for extra in hit["additionalIdentifiers"].as_array_mut().unwrap() {
                if extra["type"] == "CristinIdentifier" {
                    extra["value"] = (20_000_000 + i).to_string().into();
                }
            }
            let description = &mut hit["entityDescription"];
            let title = description["mainTitle"].as_str().unwrap_or("").to_string();
            description["mainTitle"] = format!("{title} ({i})").into();
            let doi = &mut description["reference"]["doi"];
            if doi.as_str().is_some_and(|d| d.contains("doi.org/10.")) {
                *doi = format!("https://doi.org/10.5555/nva.{tag}.{i}").into();
            }
            hit
        })
        .collect()
}

/// The creation time (ms) of hit `i`: what the default sort orders by.
fn created_ms(i: usize) -> u64 {
    1_634_000_000_000 + i as u64 * 1000
}

/// The NVA problem body.
pub fn problem(status: u16, detail: &str) -> Reply {
    let title = match status {
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Error",
    };
    Reply::text(
        status,
        "application/problem+json",
        json!({"title": title, "status": status, "detail": detail, "requestId": "test-request"})
            .to_string(),
    )
}

/// Options of the mock.
#[derive(Clone, Default)]
pub struct Options {
    /// Pages of more hits than this fail with 502 (the Lambda's response cap).
    pub max_ok_size: Option<usize>,
    /// `totalHits` to report instead of the true count (the index changed meanwhile).
    pub report_total: Option<usize>,
    /// Delay of every page.
    pub delay: Duration,
    /// Start each `search_after` page one hit early, repeating the previous page's last hit
    /// (Sikt's client warns that duplicates occur).
    pub overlap: bool,
}

/// Any number of hits behind `/search/resources`.
pub struct Mock {
    hits: Vec<(String, String)>,
    /// Position of each hit's sort key, for `search_after`.
    positions: HashMap<String, usize>,
    options: Options,
}

impl Mock {
    pub fn new(hits: Vec<Value>, options: Options) -> Self {
        let hits = hits
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                let key = format!("{},{}", created_ms(i), h["identifier"].as_str().unwrap());
                (key, h.to_string())
            })
            .collect::<Vec<_>>();
        let positions = hits
            .iter()
            .enumerate()
            .map(|(i, (key, _))| (key.clone(), i))
            .collect();
        Mock {
            hits,
            positions,
            options,
        }
    }

    pub fn handle(&self, req: &Request) -> Reply {
        self.page(req).delayed(self.options.delay)
    }

    fn page(&self, req: &Request) -> Reply {
        if req.path != "/search/resources" {
            return problem(404, "Not found");
        }
        if let Some((k, _)) = req.query.iter().find(|(k, _)| !KNOWN.contains(&k.as_str())) {
            return problem(
                400,
                &format!("Invalid query parameter supplied [{k}]. Valid parameters: {KNOWN:?}"),
            );
        }
        let paging = ["page", "from", "search_after"]
            .iter()
            .filter(|p| req.param(p).is_some())
            .count();
        if paging > 1 {
            return problem(400, "page, from and search_after cannot be combined");
        }
        let Ok(size) = req.param("size").unwrap_or("15").parse::<usize>() else {
            return problem(400, "size must be a number");
        };
        let sort = req.param("sort").unwrap_or("relevance");
        let relevance = sort.split(',').any(|k| k.starts_with("relevance"));
        if relevance && req.param("search_after").is_some() {
            return problem(400, "search_after cannot be used with sort by relevance");
        }
        let Ok(from) = req.param("from").unwrap_or("0").parse::<usize>() else {
            return problem(400, "from must be a number");
        };
        if from + size > 10_000 {
            return problem(
                400,
                "Result window is too large, from + size must be less than or equal to: [10000]",
            );
        }
        if self.options.max_ok_size.is_some_and(|m| size > m) {
            return Reply::json(502, r#"{"message": "Internal server error"}"#);
        }
        let start = match req.param("search_after") {
            Some(after) => self
                .positions
                .get(after)
                .copied()
                .map_or(self.hits.len(), |p| {
                    if self.options.overlap { p } else { p + 1 }
                }),
            None => from,
        };
        let end = (start + size).min(self.hits.len());
        let start = start.min(end);
        let page = &self.hits[start..end];
        let total = self.options.report_total.unwrap_or(self.hits.len());
        // The links echo the request, as the service's do, below the service's own host.
        let mut common: Vec<(String, String)> = req
            .query
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "from" | "search_after"))
            .cloned()
            .collect();
        if !relevance {
            common.iter_mut().for_each(|(k, v)| {
                if k == "sort" {
                    v.push_str(",identifier");
                }
            });
        }
        let link = |extra: (&str, String)| {
            let mut url = url::Url::parse(&format!("{LINK_BASE}/search/resources")).unwrap();
            url.query_pairs_mut()
                .extend_pairs(common.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .append_pair(extra.0, &extra.1);
            url.to_string()
        };
        let mut body = format!(
            r#"{{"id":{},"totalHits":{total},"hits":["#,
            json!(link(("from", "0".to_string())))
        );
        body.push_str(
            &page
                .iter()
                .map(|(_, h)| h.as_str())
                .collect::<Vec<_>>()
                .join(","),
        );
        body.push(']');
        if from + page.len() < total && req.param("search_after").is_none() {
            body.push_str(&format!(
                r#","nextResults":{}"#,
                json!(link(("from", (from + page.len()).to_string())))
            ));
        }
        // Present even on the last page; on an empty page it repeats the request's value.
        let after = page
            .last()
            .map(|(key, _)| key.clone())
            .or_else(|| req.param("search_after").map(str::to_string));
        if let (false, Some(after)) = (relevance, after) {
            body.push_str(&format!(
                r#","nextSearchAfterResults":{}"#,
                json!(link(("search_after", after)))
            ));
        }
        body.push_str(
            r#","@context":"https://bibsysdev.github.io/src/search/paginated-search-result.json"}"#,
        );
        Reply::json(200, body)
    }
}
