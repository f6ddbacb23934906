//! Cristin on a local server, built from the synthetic fixtures in `tests/fixtures/cristin/`
//! (no real Cristin recording exists; see that folder's `PROVENANCE.md`).
//!
//! [`Mock`] serves `GET /v2/results` as a bare JSON array paged by `page`/`per_page`, with
//! `X-Total-Count` and an RFC 8288 `Link` header (each optional), and `GET /v2/results/{id}`
//! details: the fixture detail where there is one, else the list item with a summary added
//! (for items listed without one), else 404. Links carry `via=link`, so a test can tell a
//! followed link from a computed page number.

use super::server::{Reply, Request};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cristin")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The four synthetic list items.
pub fn fixture_items() -> Vec<serde_json::Value> {
    serde_json::from_slice(&fixture("results_page1.json")).unwrap()
}

/// The fixture details by result id.
pub fn fixture_details() -> HashMap<String, serde_json::Value> {
    let detail: serde_json::Value =
        serde_json::from_slice(&fixture("result_1800002.json")).unwrap();
    HashMap::from([("1800002".to_string(), detail)])
}

/// `n` items cycled from the fixture ones: id `9000000 + i`, a numbered title, a unique DOI
/// where the item had one, and no summary on every fourth item (so details are fetched).
pub fn synthetic_items(n: usize, tag: &str) -> Vec<serde_json::Value> {
    let real = fixture_items();
    (0..n)
        .map(|i| {
            let mut item = real[i % real.len()].clone();
            let id = (9_000_000 + i).to_string();
            item["cristin_result_id"] = id.clone().into();
            item["url"] = format!("https://api.cristin.no/v2/results/{id}").into();
            let key = if item.get("title").is_some() {
                "title"
            } else {
                "result_title"
            };
            for text in item[key].as_object_mut().unwrap().values_mut() {
                *text = format!("{} ({i})", text.as_str().unwrap()).into();
            }
            if let Some(links) = item["links"].as_array_mut() {
                for link in links {
                    if link["url_type"] == "DOI" {
                        link["url"] = format!("https://doi.org/10.5555/cristin.{tag}.{i}").into();
                    }
                }
            }
            let obj = item.as_object_mut().unwrap();
            if i % 4 == 1 {
                obj.remove("summary");
            } else if !obj.contains_key("summary") {
                obj.insert(
                    "summary".into(),
                    serde_json::json!({"nb": format!("Sammendrag {i}.")}),
                );
            }
            item
        })
        .collect()
}

/// What the mock announces.
#[derive(Clone)]
pub struct Options {
    /// Send `Link` headers.
    pub link: bool,
    /// Send `X-Total-Count`.
    pub total: bool,
    /// Delay of every list page.
    pub delay: Duration,
    /// Delay of every detail.
    pub detail_delay: Duration,
    /// Result ids whose detail request fails with 503 for ever.
    pub failing_details: HashSet<String>,
    /// Headers on every response. By default generous `x-rate-limit-*` headers, which the
    /// shared limiter adopts, so tests do not crawl at litscope's gentle Cristin defaults
    /// (Cristin itself announces no limits).
    pub headers: Vec<(String, String)>,
}

/// Limits announced by default: 500 requests a second, 4 in flight.
pub fn fast_headers() -> Vec<(String, String)> {
    vec![
        ("x-rate-limit-limit".into(), "500".into()),
        ("x-rate-limit-interval".into(), "1s".into()),
        ("x-concurrency-limit".into(), "4".into()),
    ]
}

impl Default for Options {
    fn default() -> Self {
        Options {
            link: true,
            total: true,
            delay: Duration::ZERO,
            detail_delay: Duration::ZERO,
            failing_details: HashSet::new(),
            headers: fast_headers(),
        }
    }
}

pub struct Mock {
    items: Vec<serde_json::Value>,
    details: HashMap<String, serde_json::Value>,
    options: Options,
}

/// The 404 of an unknown result. Cristin's error body format is UNCONFIRMED
/// (API-FACTS §2.6); this one is invented.
pub fn not_found() -> Reply {
    Reply::json(404, r#"{"status":404,"errors":["Result not found"]}"#)
}

impl Mock {
    pub fn new(
        items: Vec<serde_json::Value>,
        details: HashMap<String, serde_json::Value>,
        options: Options,
    ) -> Self {
        Mock {
            items,
            details,
            options,
        }
    }

    /// The fixture items and details.
    pub fn fixtures(options: Options) -> Self {
        Mock::new(fixture_items(), fixture_details(), options)
    }

    pub fn handle(&self, req: &Request) -> Reply {
        let mut reply = if req.path == "/v2/results" {
            self.list(req).delayed(self.options.delay)
        } else {
            match req.path.strip_prefix("/v2/results/") {
                Some(id) => self.detail(id).delayed(self.options.detail_delay),
                None => not_found(),
            }
        };
        for (k, v) in &self.options.headers {
            reply = reply.header(k, v);
        }
        reply
    }

    fn detail(&self, id: &str) -> Reply {
        if self.options.failing_details.contains(id) {
            return Reply::text(503, "text/plain", "detail service unavailable");
        }
        if let Some(d) = self.details.get(id) {
            return Reply::json(200, d.to_string());
        }
        let Some(item) = self
            .items
            .iter()
            .find(|i| i["cristin_result_id"].as_str() == Some(id))
        else {
            return not_found();
        };
        let mut full = item.clone();
        if full.get("summary").is_none() {
            full["summary"] = serde_json::json!({"nb": format!("Sammendrag fra detaljen {id}."), "en": format!("Summary from the detail {id}.")});
            full["funding_sources"] =
                serde_json::json!([{"funding_source_code": "NFR", "project_code": "300123"}]);
        }
        Reply::json(200, full.to_string())
    }

    fn list(&self, req: &Request) -> Reply {
        let page: usize = req.param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let per_page_text = req.param("per_page").unwrap_or("20");
        let per_page: usize = match per_page_text.parse() {
            Ok(n) if (1..=1000).contains(&n) && page >= 1 => n,
            _ => {
                return Reply::json(
                    400,
                    format!(
                        r#"{{"status":400,"errors":["per_page must be 1 to 1000, got {per_page_text}"]}}"#
                    ),
                );
            }
        };
        let start = ((page - 1) * per_page).min(self.items.len());
        let end = (start + per_page).min(self.items.len());
        let body = serde_json::to_string(&self.items[start..end]).unwrap();
        let mut reply = Reply::json(200, body);
        if self.options.total {
            reply = reply.header("x-total-count", &self.items.len().to_string());
        }
        if self.options.link {
            let host = req.header("host").unwrap_or("127.0.0.1");
            let link_to = |p: usize| {
                let mut url = url::Url::parse(&format!("http://{host}/v2/results")).unwrap();
                {
                    let mut q = url.query_pairs_mut();
                    for (k, v) in &req.query {
                        if k != "page" && k != "via" {
                            q.append_pair(k, v);
                        }
                    }
                    q.append_pair("page", &p.to_string());
                    q.append_pair("via", "link");
                }
                url.to_string()
            };
            let last = self.items.len().div_ceil(per_page).max(1);
            let mut links = vec![format!("<{}>; rel=\"first\"", link_to(1))];
            if page > 1 {
                links.push(format!("<{}>; rel=\"prev\"", link_to(page - 1)));
            }
            if end < self.items.len() {
                links.push(format!("<{}>; rel=\"next\"", link_to(page + 1)));
            }
            links.push(format!("<{}>; rel=\"last\"", link_to(last)));
            reply = reply.header("link", &links.join(", "));
        }
        reply
    }
}
