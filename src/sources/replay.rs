//! Replaying recorded responses (`harvest --offline`).
//!
//! A request is matched to a recorded one by its path below the base URL and its decoded
//! query parameters, in any order. Two requests that differ only by stating a parameter at
//! its documented server default (Crossref's `rows=20`) are the same request, and `mailto`
//! never changes a response. Requests repeat (Crossref's cursor stays the same from page to
//! page, retries resend a URL), so each key holds a queue served in recorded order.

use super::http::HttpError;
use crate::model::HttpExchange;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use url::Url;

/// Loads recorded exchange `i` (body included).
pub type Loader = Box<dyn Fn(usize) -> Result<HttpExchange, String> + Send + Sync>;

/// Serves recorded exchanges for the requests a search makes.
pub struct ReplayTransport {
    live_base: Url,
    defaults: &'static [(&'static str, &'static str)],
    queues: Mutex<HashMap<String, VecDeque<usize>>>,
    load: Loader,
}

impl ReplayTransport {
    /// `urls[i]` is the URL of recorded exchange `i`, sent below `recorded_base`; requests
    /// will be made below `live_base`. `defaults` are the source's documented parameter
    /// defaults.
    pub fn new(
        recorded_base: &Url,
        live_base: &Url,
        urls: &[String],
        defaults: &'static [(&'static str, &'static str)],
        load: Loader,
    ) -> Self {
        let mut queues: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (i, u) in urls.iter().enumerate() {
            if let Ok(u) = Url::parse(u) {
                queues
                    .entry(canonical_key(&u, recorded_base, defaults))
                    .or_default()
                    .push_back(i);
            }
        }
        ReplayTransport {
            live_base: live_base.clone(),
            defaults,
            queues: Mutex::new(queues),
            load,
        }
    }

    /// The next recorded exchange for this request.
    pub fn send(&self, url: &Url) -> Result<HttpExchange, HttpError> {
        let key = canonical_key(url, &self.live_base, self.defaults);
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

/// `path?k=v&…` below `base`, parameters decoded and sorted, defaults and `mailto` dropped.
pub fn canonical_key(url: &Url, base: &Url, defaults: &[(&str, &str)]) -> String {
    let base_path = base.path().trim_end_matches('/');
    let path = url.path().strip_prefix(base_path).unwrap_or(url.path());
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, v)| k != "mailto" && !defaults.iter().any(|(dk, dv)| dk == k && dv == v))
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
        let d: &[(&str, &str)] = &[("rows", "20")];
        let a = canonical_key(
            &Url::parse("https://api.crossref.org/works?query=widget&cursor=%2A").unwrap(),
            &recorded,
            d,
        );
        let b = canonical_key(
            &Url::parse(
                "http://127.0.0.1:8080/proxy/works?cursor=*&rows=20&query=widget&mailto=x@y",
            )
            .unwrap(),
            &live,
            d,
        );
        assert_eq!(a, b);
        let c = canonical_key(
            &Url::parse("http://127.0.0.1:8080/proxy/works?cursor=*&rows=21&query=widget").unwrap(),
            &live,
            d,
        );
        assert_ne!(a, c);
        let plus = canonical_key(
            &Url::parse("https://api.crossref.org/works?query.author=carl+boettiger").unwrap(),
            &recorded,
            d,
        );
        let pct = canonical_key(
            &Url::parse("https://api.crossref.org/works?query.author=carl%20boettiger").unwrap(),
            &recorded,
            d,
        );
        assert_eq!(plus, pct);
    }
}
