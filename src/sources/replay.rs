//! Replaying recorded responses (`harvest --offline`).
//!
//! A request is matched to a recorded one by its path below its base URL and its decoded query
//! parameters, in any order. A search may have talked to several hosts (Prosjektbanken and
//! NVA): a recorded URL is read below whichever recorded base URL it falls under, a live one
//! below the base URL of the source asking. Two requests that differ only by stating a
//! parameter at its documented server default (Crossref's `rows=20`) are the same request, and
//! `mailto` never changes a response. Requests repeat (Crossref's cursor stays the same from
//! page to page, retries resend a URL), so each key holds a queue served in recorded order.

use super::http::HttpError;
use crate::model::HttpExchange;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use url::Url;

/// Loads recorded exchange `i` (body included).
pub type Loader = Box<dyn Fn(usize) -> Result<HttpExchange, String> + Send + Sync>;

/// Parameters at their documented server defaults, dropped before matching. Only Crossref
/// documents one that litscope's requests state (`rows=20`); no other source uses `rows`.
pub const SERVER_DEFAULTS: &[(&str, &str)] = super::crossref::SERVER_DEFAULTS;

/// Serves the recorded exchanges of one search, to every client of that search.
pub struct ReplayTransport {
    queues: Mutex<HashMap<String, VecDeque<usize>>>,
    load: Loader,
}

impl ReplayTransport {
    /// `urls[i]` is the URL of recorded exchange `i`; `bases` are the base URLs the search
    /// talked to when it was recorded.
    pub fn new(urls: &[String], bases: &[Url], load: Loader) -> Self {
        let mut queues: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (i, u) in urls.iter().enumerate() {
            if let Ok(u) = Url::parse(u) {
                let base = bases
                    .iter()
                    .filter(|b| is_under(&u, b))
                    .max_by_key(|b| b.path().len());
                let key = match base {
                    Some(b) => canonical_key(&u, b),
                    None => canonical_key(&u, &u.join("/").unwrap_or_else(|_| u.clone())),
                };
                queues.entry(key).or_default().push_back(i);
            }
        }
        ReplayTransport {
            queues: Mutex::new(queues),
            load,
        }
    }

    /// The next recorded exchange for a request below `live_base`.
    pub fn send(&self, live_base: &Url, url: &Url) -> Result<HttpExchange, HttpError> {
        let key = canonical_key(url, live_base);
        let next = self
            .queues
            .lock()
            .expect("replay lock")
            .get_mut(&key)
            .and_then(VecDeque::pop_front);
        let Some(i) = next else {
            return Err(HttpError::NotRecorded {
                url: url.to_string(),
            });
        };
        (self.load)(i).map_err(|message| HttpError::Record {
            url: url.to_string(),
            message,
        })
    }
}

fn is_under(url: &Url, base: &Url) -> bool {
    url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default()
        && url.path().starts_with(base.path().trim_end_matches('/'))
}

/// `path?k=v&…` below `base`, parameters decoded and sorted, defaults and `mailto` dropped.
pub fn canonical_key(url: &Url, base: &Url) -> String {
    let base_path = base.path().trim_end_matches('/');
    let path = url.path().strip_prefix(base_path).unwrap_or(url.path());
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, v)| {
            k != "mailto" && !SERVER_DEFAULTS.iter().any(|(dk, dv)| dk == k && dv == v)
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    let query: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{}?{}",
        if path.is_empty() { "/" } else { path },
        query.join("&")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_order_encoding_defaults_and_base() {
        let recorded = Url::parse("https://api.crossref.org").unwrap();
        let live = Url::parse("http://127.0.0.1:8080/proxy/").unwrap();
        let a = canonical_key(
            &Url::parse("https://api.crossref.org/works?query=widget&cursor=%2A").unwrap(),
            &recorded,
        );
        let b = canonical_key(
            &Url::parse(
                "http://127.0.0.1:8080/proxy/works?cursor=*&rows=20&query=widget&mailto=x@y",
            )
            .unwrap(),
            &live,
        );
        assert_eq!(a, b);
        let c = canonical_key(
            &Url::parse("http://127.0.0.1:8080/proxy/works?cursor=*&rows=21&query=widget").unwrap(),
            &live,
        );
        assert_ne!(a, c);
        let plus = canonical_key(
            &Url::parse("https://api.crossref.org/works?query.author=carl+boettiger").unwrap(),
            &recorded,
        );
        let pct = canonical_key(
            &Url::parse("https://api.crossref.org/works?query.author=carl%20boettiger").unwrap(),
            &recorded,
        );
        assert_eq!(plus, pct);
    }

    #[test]
    fn a_search_across_two_hosts_replays_each_below_its_own_base() {
        let pb = Url::parse("https://prosjektbanken.example/pb/").unwrap();
        let nva = Url::parse("https://api.nva.example/").unwrap();
        let urls = vec![
            "https://prosjektbanken.example/pb/prosjektbanken/rest/projectlist?offset=0"
                .to_string(),
            "https://api.nva.example/verified-funding/nfr/327219".to_string(),
        ];
        let load: Loader = Box::new(|i| {
            Ok(HttpExchange {
                time: jiff::Timestamp::UNIX_EPOCH,
                elapsed_ms: 0,
                method: "GET".into(),
                url: i.to_string(),
                request_headers: vec![],
                status: Some(200),
                response_headers: vec![],
                body: bytes::Bytes::new(),
                error: None,
            })
        });
        let replay = ReplayTransport::new(&urls, &[pb, nva], load);
        let live_pb = Url::parse("http://127.0.0.1:1/").unwrap();
        let live_nva = Url::parse("http://127.0.0.1:2/").unwrap();
        let got = replay
            .send(
                &live_nva,
                &live_nva.join("verified-funding/nfr/327219").unwrap(),
            )
            .unwrap();
        assert_eq!(got.url, "1");
        let got = replay
            .send(
                &live_pb,
                &live_pb
                    .join("prosjektbanken/rest/projectlist?offset=0")
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(got.url, "0");
        assert!(matches!(
            replay.send(&live_pb, &live_pb.join("x").unwrap()),
            Err(HttpError::NotRecorded { .. })
        ));
    }
}
