//! Crossref on a local server, built from the real recorded responses in
//! `tests/fixtures/crossref/` (copied from `../shared/fixtures/crossref/`, see its
//! PROVENANCE.md).
//!
//! [`RealChain`] replays the three recorded cursor pages exactly as recorded and checks that
//! pages 2 and 3 are asked for with the cursor page 1 returned. [`Synthetic`] serves any
//! number of pages made of the real items (DOIs rewritten to be unique), with cursor contexts
//! that can expire, for resume and scale tests. Error bodies are the recorded ones where a
//! recording exists (404 cursor-invalid, 404 text/plain); the 400 for `rows` > 1000 copies the
//! recorded shape and wording of Crossref's validation failure.

use super::server::{Reply, Request};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// `tests/fixtures/crossref/<name>`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/crossref")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub const PAGES: [&str; 3] = [
    "works_query-widget_cursor-star_page1.json",
    "works_query-widget_cursor-next_page2.json",
    "works_query-widget_cursor-next_page3.json",
];

/// The 60 items of the recorded cursor chain, as JSON texts.
pub fn real_items() -> Vec<serde_json::Value> {
    PAGES
        .iter()
        .flat_map(|p| {
            let v: serde_json::Value = serde_json::from_slice(&fixture(p)).unwrap();
            v["message"]["items"].as_array().unwrap().clone()
        })
        .collect()
}

/// `n` items cycled from the real ones, DOI `10.5555/<tag>.<i>` and a numbered title.
pub fn synthetic_items(n: usize, tag: &str) -> Vec<String> {
    let real = real_items();
    (0..n)
        .map(|i| {
            let mut item = real[i % real.len()].clone();
            item["DOI"] = format!("10.5555/{tag}.{i}").into();
            let title = item["title"][0].as_str().unwrap_or("Untitled").to_string();
            item["title"] = serde_json::json!([format!("{title} ({i})")]);
            item.to_string()
        })
        .collect()
}

pub fn envelope(
    items: &[String],
    total: Option<usize>,
    rows: usize,
    cursor: Option<&str>,
) -> Vec<u8> {
    let mut s = String::from(
        r#"{"status":"ok","message-type":"work-list","message-version":"1.0.0","message":{"facets":{},"#,
    );
    if let Some(c) = cursor {
        s.push_str(&format!(r#""next-cursor":"{c}","#));
    }
    if let Some(t) = total {
        s.push_str(&format!(r#""total-results":{t},"#));
    }
    s.push_str(r#""items":["#);
    s.push_str(&items.join(","));
    s.push_str(&format!(
        r#"],"items-per-page":{rows},"query":{{"start-index":0,"search-terms":"x"}}}}}}"#
    ));
    s.into_bytes()
}

pub fn cursor_invalid(value: &str) -> Reply {
    let body = String::from_utf8(fixture("error_404_cursor-invalid.json"))
        .unwrap()
        .replace("\"thing\"", &format!("{value:?}"));
    Reply::json(404, body)
}

pub fn not_found() -> Reply {
    Reply::text(404, "text/plain", fixture("error_404_work-not-found.txt"))
}

pub fn rows_refused(rows: &str) -> Reply {
    Reply::text(
        400,
        "application/json;charset=utf-8",
        format!(
            r#"{{"status":"failed","message-type":"validation-failure","message":[{{"type":"integer-not-valid","value":"{rows}","message":"Integer specified as {rows} but must be a positive integer less than or equal to 1000."}}]}}"#
        ),
    )
}

/// The recorded three-page cursor chain, served as recorded.
pub struct RealChain {
    served: Mutex<usize>,
    cursor: String,
}

impl Default for RealChain {
    fn default() -> Self {
        let page1: serde_json::Value = serde_json::from_slice(&fixture(PAGES[0])).unwrap();
        RealChain {
            served: Mutex::new(0),
            cursor: page1["message"]["next-cursor"]
                .as_str()
                .unwrap()
                .to_string(),
        }
    }
}

impl RealChain {
    pub fn handle(&self, req: &Request) -> Reply {
        if req.path != "/works" {
            return not_found();
        }
        let mut served = self.served.lock().unwrap();
        match req.param("cursor") {
            Some("*") => {
                *served = 1;
                Reply::json(200, fixture(PAGES[0]))
            }
            Some(c) if c == self.cursor && *served < 3 => {
                *served += 1;
                Reply::json(200, fixture(PAGES[*served - 1]))
            }
            Some(c) if c == self.cursor => {
                Reply::json(200, envelope(&[], Some(454), 20, Some(&self.cursor)))
            }
            Some(other) => cursor_invalid(other),
            None => Reply::json(200, fixture(PAGES[0])),
        }
    }
}

/// Options of the synthetic server.
#[derive(Clone, Default)]
pub struct SyntheticOptions {
    /// Report `total-results` (else leave it out).
    pub hide_total: bool,
    /// Expire a cursor context after this many pages (once).
    pub expire_after: Option<usize>,
    /// Delay of every page.
    pub delay: Duration,
    /// Headers on every response.
    pub headers: Vec<(String, String)>,
}

/// Any number of pages of real-looking items, with cursor contexts. Like Crossref, it
/// returns only the fields named in `select`.
pub struct Synthetic {
    items: Vec<String>,
    options: SyntheticOptions,
    state: Mutex<State>,
    selected: Mutex<HashMap<String, std::sync::Arc<Vec<String>>>>,
}

#[derive(Default)]
struct State {
    contexts: HashMap<String, (usize, usize)>,
    next: usize,
    expired: bool,
}

impl Synthetic {
    pub fn new(items: Vec<String>, options: SyntheticOptions) -> Self {
        Synthetic {
            items,
            options,
            state: Mutex::new(State::default()),
            selected: Mutex::new(HashMap::new()),
        }
    }

    /// Computes the answer to a `select` ahead of time (for benchmarks).
    #[allow(dead_code, reason = "used by benches/ingest.rs")]
    pub fn prepare(&self, select: &str) {
        self.items_for(Some(select));
    }

    /// The items with only the `select`ed fields (computed once per field list).
    fn items_for(&self, select: Option<&str>) -> std::sync::Arc<Vec<String>> {
        let key = select.unwrap_or("").to_string();
        let mut cache = self.selected.lock().unwrap();
        cache
            .entry(key)
            .or_insert_with(|| {
                let Some(fields) = select else {
                    return std::sync::Arc::new(self.items.clone());
                };
                let fields: Vec<&str> = fields.split(',').collect();
                let items = self
                    .items
                    .iter()
                    .map(|text| {
                        let mut item: serde_json::Map<String, serde_json::Value> =
                            serde_json::from_str(text).unwrap();
                        item.retain(|k, _| fields.contains(&k.as_str()));
                        serde_json::Value::Object(item).to_string()
                    })
                    .collect();
                std::sync::Arc::new(items)
            })
            .clone()
    }

    pub fn handle(&self, req: &Request) -> Reply {
        let reply = self.page(req);
        let mut reply = reply.delayed(self.options.delay);
        for (k, v) in &self.options.headers {
            reply = reply.header(k, v);
        }
        reply
    }

    fn page(&self, req: &Request) -> Reply {
        if req.path != "/works" {
            return not_found();
        }
        let rows_text = req.param("rows").unwrap_or("20");
        let rows: usize = match rows_text.parse() {
            Ok(r) if (1..=1000).contains(&r) => r,
            _ => return rows_refused(rows_text),
        };
        let total = (!self.options.hide_total).then_some(self.items.len());
        let mut st = self.state.lock().unwrap();
        let (start, cursor) = match req.param("cursor") {
            None => (0, None),
            Some("*") => {
                st.next += 1;
                let c = format!("ctx{}", st.next);
                st.contexts.insert(c.clone(), (0, 0));
                (0, Some(c))
            }
            Some(c) => match st.contexts.get(c).copied() {
                Some((_, pages))
                    if !st.expired && self.options.expire_after.is_some_and(|e| pages >= e) =>
                {
                    st.expired = true;
                    st.contexts.remove(c);
                    return cursor_invalid(c);
                }
                Some((pos, _)) => (pos, Some(c.to_string())),
                None => return cursor_invalid(c),
            },
        };
        let end = (start + rows).min(self.items.len());
        if let Some(c) = &cursor {
            let pages = st.contexts[c].1 + 1;
            st.contexts.insert(c.clone(), (end, pages));
        }
        drop(st);
        let items = self.items_for(req.param("select"));
        Reply::json(
            200,
            envelope(&items[start..end], total, rows, cursor.as_deref()),
        )
    }
}
