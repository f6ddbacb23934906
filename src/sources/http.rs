//! The one HTTP client every source uses: polite User-Agent, per-host limits, retries with
//! exponential backoff and jitter, `Retry-After`, and a record of every exchange.
//!
//! What is retried: 429, every 5xx, timeouts, refused or reset connections, and bodies that
//! arrive cut short (the connection drops before `Content-Length` is reached, or a 200 body is
//! not the JSON it should be). What is not: every other status (400 and 404 above all), which
//! comes back as [`HttpError::Status`] with its body so the caller can recognise, say, an
//! expired Crossref cursor. After `max_retries` the error names the URL and the last status.
//! A caller with a better answer to a repeated 5xx than waiting (NVA halves its page size) can
//! end a fetch sooner with [`FetchOptions`].
//!
//! The transport is either the network ([`reqwest`]) or a [`ReplayTransport`] serving
//! recorded responses; everything above it — paging, parsing, retries — is the same code.

use super::limits::{Announced, Limiter};
use super::replay::ReplayTransport;
use crate::model::HttpExchange;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// How failures are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff delay, doubled per retry.
    pub initial: Duration,
    /// Longest backoff delay.
    pub max: Duration,
    /// Longest `Retry-After` honoured; a longer one stops the search.
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    /// The delay before retry number `retry` (0-based): exponential, capped, with "equal
    /// jitter" (half fixed, half random) so that concurrent clients spread out.
    pub fn backoff(&self, retry: u32) -> Duration {
        let base = self
            .initial
            .saturating_mul(1u32 << retry.min(20))
            .min(self.max);
        let half = base / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Per-request adjustments: the `Accept` header, and for a caller with a better answer
/// to some failures than waiting: NVA halves its page size when a big page keeps failing with
/// 5xx (its responses are capped in size), instead of spending the whole retry budget on it.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchOptions {
    /// Give up after this many retries of 5xx responses (within the policy's own budget);
    /// the [`HttpError::GaveUp`] then carries the status. `None`: the policy alone decides.
    pub server_error_retries: Option<u32>,
    /// The `Accept` header (`text/html` for web pages); `None`: `application/json`.
    pub accept: Option<&'static str>,
}

/// Told about every exchange and every retry of a fetch.
pub trait FetchObserver: Sync {
    /// An exchange happened (any outcome). An error stops the fetch: evidence that cannot be
    /// recorded must not be silently lost.
    fn exchange(&self, exchange: &HttpExchange) -> Result<(), String>;
    /// A retry is about to happen after `wait`.
    fn retry(&self, notice: &RetryNotice<'_>);
}

/// What a retry is about.
#[derive(Debug)]
pub struct RetryNotice<'a> {
    /// The URL.
    pub url: &'a str,
    /// Why (`HTTP 503 Service Unavailable`, `connection reset`, …).
    pub reason: &'a str,
    /// How long until the retry.
    pub wait: Duration,
    /// Retry number, from 1.
    pub attempt: u32,
    /// Retries allowed.
    pub max: u32,
}

/// A request that did not produce a usable response.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// A status that is not retried (400, 404, …), with its body.
    #[error("GET {}: {}", display_url(url), status_text(*status, body, content_type.as_deref()))]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The body (may be `text/plain` or HTML, not only JSON).
        body: bytes::Bytes,
        /// Its content type.
        content_type: Option<String>,
    },
    /// Retryable failures did not stop within the retry budget.
    #[error(
        "GET {}: gave up after {attempts} attempts; last: {last}",
        display_url(url)
    )]
    GaveUp {
        /// The URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
        /// The last failure's status, when it was a response (429 or 5xx).
        status: Option<u16>,
    },
    /// `Retry-After` asks for more patience than configured.
    #[error(
        "GET {}: the server asks to wait {}s (Retry-After), more than [http] max_retry_after; run the harvest again later to resume",
        display_url(url), wait.as_secs()
    )]
    RetryAfterTooLong {
        /// The URL.
        url: String,
        /// What the server asked for.
        wait: Duration,
    },
    /// Offline replay has no recorded response for this request.
    #[error(
        "offline: no recorded response for GET {}; run `litscope harvest` without --offline first",
        display_url(url)
    )]
    NotRecorded {
        /// The URL.
        url: String,
    },
    /// The exchange could not be written to `corpus/responses/`.
    #[error("GET {}: could not record the response: {message}", display_url(url))]
    Record {
        /// The URL.
        url: String,
        /// Why.
        message: String,
    },
}

impl HttpError {
    /// The status and body of a non-retried status error.
    pub fn status_body(&self) -> Option<(u16, &[u8])> {
        match self {
            HttpError::Status { status, body, .. } => Some((*status, body)),
            _ => None,
        }
    }
}

/// A URL for messages: long query values (Crossref cursors run to 1,500 characters) are cut.
pub fn display_url(url: &str) -> String {
    let Ok(parsed) = Url::parse(url) else {
        return crate::text::for_terminal(url).into_owned();
    };
    if parsed.query().is_none() {
        return url.to_string();
    }
    let mut shown = parsed.clone();
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if v.chars().count() > 40 {
                format!("{}…", v.chars().take(16).collect::<String>())
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    crate::text::for_terminal(shown.as_str()).into_owned()
}

/// `HTTP 404 Not Found: Resource not found.` with the message a server put in its body.
fn status_text(status: u16, body: &[u8], content_type: Option<&str>) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let message = body_message(body, content_type);
    match message {
        Some(m) => format!("HTTP {status} {reason}: {m}"),
        None => format!("HTTP {status} {reason}"),
    }
}

/// The human message inside an error body: Crossref's `message[].message`, NVA's `detail`,
/// a JSON `message` string, or the first line of a text body; markup and controls removed.
fn body_message(body: &[u8], content_type: Option<&str>) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let json_like =
        content_type.is_some_and(|c| c.contains("json")) || text.trim_start().starts_with('{');
    let message = if json_like && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        let from_list = v.get("message").and_then(|m| m.as_array()).map(|items| {
            items
                .iter()
                .filter_map(|i| {
                    i.get("message")
                        .and_then(|m| m.as_str())
                        .or_else(|| i.as_str())
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        from_list
            .filter(|s| !s.is_empty())
            .or_else(|| v.get("detail").and_then(|m| m.as_str()).map(str::to_string))
            .or_else(|| {
                v.get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            })
            .or_else(|| v.get("title").and_then(|m| m.as_str()).map(str::to_string))?
    } else {
        crate::text::clean_line(&text)
    };
    let message = crate::text::clean_line(&message);
    let short: String = message.chars().take(300).collect();
    (!short.is_empty()).then_some(short)
}

/// Where requests go.
pub enum Transport {
    /// The network.
    Online {
        /// The connection pool.
        client: reqwest::Client,
        /// The User-Agent sent (also recorded).
        user_agent: String,
    },
    /// Recorded responses, for requests below `live_base`.
    Replay {
        /// The search's recorded exchanges.
        transport: Arc<ReplayTransport>,
        /// The base URL requests are built on.
        live_base: Url,
    },
}

/// An HTTP client for one source.
pub struct HttpClient {
    transport: Transport,
    limiter: Arc<Limiter>,
    policy: RetryPolicy,
}

/// How the network client is built.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// The User-Agent.
    pub user_agent: String,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Connection timeout.
    pub connect_timeout: Duration,
}

impl HttpClient {
    /// A client talking to the network under `limiter`.
    pub fn online(
        options: &ClientOptions,
        limiter: Arc<Limiter>,
        policy: RetryPolicy,
    ) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .user_agent(options.user_agent.clone())
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .gzip(true)
            .build()
            .map_err(|e| format!("cannot set up HTTP: {e}"))?;
        Ok(HttpClient {
            transport: Transport::Online {
                client,
                user_agent: options.user_agent.clone(),
            },
            limiter,
            policy,
        })
    }

    /// A client replaying recorded responses for requests below `live_base`: no limits, no
    /// waiting.
    pub fn replay(transport: Arc<ReplayTransport>, live_base: Url, max_retries: u32) -> Self {
        HttpClient {
            transport: Transport::Replay {
                transport,
                live_base,
            },
            limiter: Arc::new(Limiter::unlimited()),
            policy: RetryPolicy {
                max_retries,
                initial: Duration::ZERO,
                max: Duration::ZERO,
                max_retry_after: Duration::MAX,
            },
        }
    }

    /// The User-Agent sent, when online.
    pub fn user_agent(&self) -> Option<&str> {
        match &self.transport {
            Transport::Online { user_agent, .. } => Some(user_agent),
            Transport::Replay { .. } => None,
        }
    }

    /// True when replaying recorded responses.
    pub fn is_replay(&self) -> bool {
        matches!(self.transport, Transport::Replay { .. })
    }

    /// GETs `url` until `parse` accepts a 2xx response, retrying what is retryable.
    ///
    /// `parse` runs on a blocking thread, never on the async one: a page takes milliseconds
    /// to parse, and the async thread must stay free to send other searches' requests at the
    /// moment their limiter permit is granted (or the server would see them bunched up).
    pub async fn get<T, F>(
        &self,
        url: &Url,
        observer: &dyn FetchObserver,
        parse: F,
    ) -> Result<T, HttpError>
    where
        F: Fn(&HttpExchange) -> Result<T, String> + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.get_with(url, observer, parse, FetchOptions::default())
            .await
    }

    /// [`HttpClient::get`] with per-request [`FetchOptions`].
    pub async fn get_with<T, F>(
        &self,
        url: &Url,
        observer: &dyn FetchObserver,
        parse: F,
        options: FetchOptions,
    ) -> Result<T, HttpError>
    where
        F: Fn(&HttpExchange) -> Result<T, String> + Send + Sync + 'static,
        T: Send + 'static,
    {
        let parse = Arc::new(parse);
        let replay = self.is_replay();
        let mut retry = 0u32;
        let mut server_errors = 0u32;
        loop {
            let exchange = {
                let _permit = self.limiter.acquire().await;
                self.send(url, options.accept.unwrap_or(JSON)).await?
            };
            self.limiter
                .observe(Announced::from_headers(&exchange.response_headers));
            observer
                .exchange(&exchange)
                .map_err(|message| HttpError::Record {
                    url: url.to_string(),
                    message,
                })?;
            let mut retry_after = None;
            let mut last_status = None;
            let reason = match (exchange.status, &exchange.error) {
                (None, err) => err.clone().unwrap_or_else(|| "no response".into()),
                (Some(s), Some(err)) if (200..300).contains(&s) => err.clone(),
                (Some(s), _) if (200..300).contains(&s) => {
                    let (parse, received) = (parse.clone(), exchange.clone());
                    match tokio::task::spawn_blocking(move || parse(&received)).await {
                        Ok(Ok(value)) => return Ok(value),
                        Ok(Err(e)) => format!("unusable response body ({e})"),
                        Err(e) => format!("the response parser failed ({e})"),
                    }
                }
                (Some(s), _) if s == 429 || (500..600).contains(&s) => {
                    last_status = Some(s);
                    retry_after = exchange.header("retry-after").and_then(parse_retry_after);
                    if s == 429 {
                        // The whole host backs off, not only this request.
                        self.limiter
                            .pause_for(retry_after.unwrap_or_else(|| self.policy.backoff(retry)));
                    }
                    status_text(s, &exchange.body, exchange.header("content-type"))
                }
                (Some(status), _) => {
                    return Err(HttpError::Status {
                        url: url.to_string(),
                        status,
                        content_type: exchange.header("content-type").map(str::to_string),
                        body: exchange.body.clone(),
                    });
                }
            };
            if last_status.is_some_and(|s| s >= 500) {
                server_errors += 1;
            }
            let enough_server_errors = options
                .server_error_retries
                .is_some_and(|n| last_status.is_some_and(|s| s >= 500) && server_errors > n);
            if retry >= self.policy.max_retries || enough_server_errors {
                return Err(HttpError::GaveUp {
                    url: url.to_string(),
                    attempts: retry + 1,
                    last: reason,
                    status: last_status,
                });
            }
            let wait = match retry_after {
                Some(w) if w > self.policy.max_retry_after => {
                    return Err(HttpError::RetryAfterTooLong {
                        url: url.to_string(),
                        wait: w,
                    });
                }
                Some(w) => w,
                None => self.policy.backoff(retry),
            };
            retry += 1;
            observer.retry(&RetryNotice {
                url: url.as_str(),
                reason: &reason,
                wait,
                attempt: retry,
                max: self.policy.max_retries,
            });
            if !replay && !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
        }
    }

    async fn send(&self, url: &Url, accept: &str) -> Result<HttpExchange, HttpError> {
        match &self.transport {
            Transport::Online { client, user_agent } => {
                Ok(send_online(client, user_agent, url, accept).await)
            }
            Transport::Replay {
                transport,
                live_base,
            } => transport.send(live_base, url),
        }
    }
}

/// `Accept` for API requests.
const JSON: &str = "application/json";

async fn send_online(
    client: &reqwest::Client,
    user_agent: &str,
    url: &Url,
    accept: &str,
) -> HttpExchange {
    let time = jiff::Timestamp::now();
    let start = std::time::Instant::now();
    let request_headers = vec![
        ("user-agent".to_string(), user_agent.to_string()),
        ("accept".to_string(), accept.to_string()),
    ];
    let mut exchange = HttpExchange {
        time,
        elapsed_ms: 0,
        method: "GET".into(),
        url: url.to_string(),
        request_headers,
        status: None,
        response_headers: Vec::new(),
        body: bytes::Bytes::new(),
        error: None,
    };
    let response = client
        .get(url.clone())
        .header(reqwest::header::ACCEPT, accept)
        .send()
        .await;
    match response {
        Err(e) => exchange.error = Some(describe(&e)),
        Ok(mut response) => {
            exchange.status = Some(response.status().as_u16());
            exchange.response_headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            // Pre-sized from Content-Length (capped: a lying header must not allocate gigabytes).
            let expected = response.content_length().unwrap_or(0).min(64 << 20) as usize;
            let mut body = Vec::with_capacity(expected);
            loop {
                match response.chunk().await {
                    Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                    Ok(None) => break,
                    Err(e) => {
                        exchange.error = Some(format!(
                            "body cut short after {} bytes: {}",
                            body.len(),
                            describe(&e)
                        ));
                        break;
                    }
                }
            }
            exchange.body = body.into();
        }
    }
    exchange.elapsed_ms = start.elapsed().as_millis() as u64;
    exchange
}

/// One line about a network failure, with its root cause (`connection reset by peer`).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "body error"
    } else {
        "request failed"
    };
    let mut root: &dyn std::error::Error = e;
    while let Some(next) = root.source() {
        root = next;
    }
    let detail = root.to_string();
    if detail.is_empty() || detail == e.to_string() && kind == "request failed" {
        format!("{kind}: {e}")
    } else {
        format!("{kind}: {detail}")
    }
}

/// `Retry-After` as seconds (`120`, `1.5`) or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs >= 0.0 && secs.is_finite()).then(|| Duration::from_secs_f64(secs));
    }
    static PARSER: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    let at = PARSER.parse_timestamp(v).ok()?;
    let d = jiff::Timestamp::now().duration_until(at);
    Some(Duration::try_from(d).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_with_jitter_and_a_cap() {
        let p = RetryPolicy {
            max_retries: 6,
            initial: Duration::from_secs(1),
            max: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        };
        for retry in 0..8 {
            let base = Duration::from_secs(1 << retry).min(Duration::from_secs(10));
            for _ in 0..20 {
                let d = p.backoff(retry);
                assert!(d >= base / 2 && d <= base, "retry {retry}: {d:?}");
            }
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Tue, 16 Jun 2020 20:53:29 GMT"),
            Some(Duration::ZERO)
        );
        let future = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(120);
        let text = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&future)
            .unwrap();
        let d = parse_retry_after(&text).unwrap();
        assert!(
            d > Duration::from_secs(110) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn error_bodies_become_one_readable_message() {
        let crossref = br#"{"status":"failed","message-type":"validation-failure","message":[{"type":"integer-not-valid","value":"things","message":"Integer specified as things but must be a positive integer less than or equal to 1000."}]}"#;
        assert_eq!(
            status_text(400, crossref, Some("application/json;charset=utf-8")),
            "HTTP 400 Bad Request: Integer specified as things but must be a positive integer less than or equal to 1000."
        );
        assert_eq!(
            status_text(404, b"Resource not found.", Some("text/plain")),
            "HTTP 404 Not Found: Resource not found."
        );
        let html = b"<html><body><h1>429 Too Many Requests</h1>You have sent too many requests.</body></html>";
        assert_eq!(
            status_text(429, html, Some("text/html")),
            "HTTP 429 Too Many Requests: 429 Too Many Requests You have sent too many requests."
        );
        assert_eq!(status_text(503, b"", None), "HTTP 503 Service Unavailable");
    }

    struct Quiet;
    impl FetchObserver for Quiet {
        fn exchange(&self, _: &HttpExchange) -> Result<(), String> {
            Ok(())
        }
        fn retry(&self, _: &RetryNotice<'_>) {}
    }

    /// A replaying client that answers one URL with `statuses` in turn.
    fn replaying(url: &Url, statuses: &'static [u16]) -> HttpClient {
        let urls = vec![url.to_string(); statuses.len()];
        let load = {
            let url = url.to_string();
            Box::new(move |i: usize| {
                Ok(HttpExchange {
                    time: jiff::Timestamp::UNIX_EPOCH,
                    elapsed_ms: 0,
                    method: "GET".into(),
                    url: url.clone(),
                    request_headers: Vec::new(),
                    status: Some(statuses[i]),
                    response_headers: Vec::new(),
                    body: bytes::Bytes::from_static(b"{}"),
                    error: None,
                })
            })
        };
        let base = url.join("/").unwrap();
        let transport = ReplayTransport::new(&urls, std::slice::from_ref(&base), load);
        HttpClient::replay(Arc::new(transport), base, 5)
    }

    #[tokio::test]
    async fn server_errors_can_end_a_fetch_early_with_their_status() {
        let url = Url::parse("http://127.0.0.1:9/search/resources?size=100").unwrap();
        let early = FetchOptions {
            server_error_retries: Some(1),
            ..Default::default()
        };
        let client = replaying(&url, &[503, 502, 200]);
        let err = client
            .get_with(&url, &Quiet, |_| Ok(()), early)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                HttpError::GaveUp {
                    attempts: 2,
                    status: Some(502),
                    ..
                }
            ),
            "{err:?}"
        );
        // Without the option the policy's budget applies.
        let client = replaying(&url, &[503, 502, 200]);
        assert!(client.get(&url, &Quiet, |_| Ok(())).await.is_ok());
        // 429s are not server errors: they keep the whole budget.
        let client = replaying(&url, &[429, 429, 429, 200]);
        assert!(
            client
                .get_with(&url, &Quiet, |_| Ok(()), early)
                .await
                .is_ok()
        );
    }

    #[test]
    fn long_cursors_are_cut_in_messages() {
        let url = format!(
            "https://api.crossref.org/works?query=widget&cursor={}",
            "A".repeat(1500)
        );
        let shown = display_url(&url);
        assert!(shown.len() < 120, "{shown}");
        assert!(shown.starts_with("https://api.crossref.org/works?query=widget&cursor=AAAA"));
    }
}
