//! The one HTTP client every source uses: polite User-Agent, per-host limits, retries with
//! exponential backoff and jitter, `Retry-After`, and a record of every exchange.
//!
//! What is retried: 429, every 5xx, timeouts, refused or reset connections, and bodies that
//! arrive cut short (the connection drops before `Content-Length` is reached, or a 200 body is
//! not the JSON it should be) — for as long as the request has been failing less than
//! `[http] retry_for` ([`super::retry`] decides). What is not, because waiting cannot heal it:
//! every other status (400 and 404 above all), which comes back as [`HttpError::Status`] with
//! its body so the caller can recognise, say, an expired Crossref cursor; and a host that has
//! not answered once in this run and cannot be connected to ([`HttpError::Unreachable`]: a
//! wrong base URL or no network, which the user at the terminal wants to hear about at once,
//! not in five minutes). Once a host has answered, a refused connection is a server
//! restarting and is retried like the rest. When the budget is spent, the error names the URL
//! and the last failure. A caller with a better answer to a repeated 5xx than waiting (NVA
//! halves its page size) can end a fetch sooner with [`FetchOptions`].
//!
//! The transport is the network ([`reqwest`]), a [`ReplayTransport`] serving recorded
//! responses, or a function ([`HttpClient::simulated`], for tests); everything above it —
//! paging, parsing, retries — is the same code. Online and simulated fetches wait on tokio's
//! clock (so tests run storms of minutes in paused time); a replay never waits, and measures
//! how long a request has been failing by the recorded times, so it gives up where the
//! recorded run did.

use super::limits::{Announced, Limiter};
use super::replay::ReplayTransport;
use super::retry::{Decision, RetryPolicy, parse_retry_after, retryable_status};
use crate::model::HttpExchange;
use crate::workspace::format_duration;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use url::Url;

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
    /// Why (`HTTP 503 Service Unavailable: …`, `request failed: connection reset`, …).
    pub reason: &'a str,
    /// The status, when the failure was a response (429 or 5xx).
    pub status: Option<u16>,
    /// How long until the retry.
    pub wait: Duration,
    /// Failures of this request in a row, from 1.
    pub failures: u32,
    /// How long the request has been failing (from the end of its first failed attempt).
    pub failing_for: Duration,
    /// How long it may keep failing before it is given up (`[http] retry_for`).
    pub retry_for: Duration,
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
    /// Retryable failures went on for the whole retry budget.
    #[error(
        "GET {}: gave up after {attempts} attempt{} in {} of failures ([http] retry_for = \"{}\"); last: {last}",
        display_url(url), if *attempts == 1 { "" } else { "s" }, format_duration(*failing_for),
        format_duration(*retry_for)
    )]
    GaveUp {
        /// The URL.
        url: String,
        /// Attempts made (all failed).
        attempts: u32,
        /// How long the request was failing.
        failing_for: Duration,
        /// The budget it had.
        retry_for: Duration,
        /// The last failure.
        last: String,
        /// The last failure's status, when it was a response (429 or 5xx).
        status: Option<u16>,
    },
    /// The host could not be reached and has not answered once in this run.
    #[error(
        "GET {}: {reason}; the host has not answered once in this run, so litscope does not wait for it: check the base URL and the network, then run the harvest again",
        display_url(url)
    )]
    Unreachable {
        /// The URL.
        url: String,
        /// Why (`could not connect: Connection refused (os error 111)`).
        reason: String,
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

/// Answers computed in process, for tests: waits and the clock are tokio's, as online.
pub type Simulator = Box<dyn Fn(&Url) -> HttpExchange + Send + Sync>;

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
    /// A function answering every request (see [`HttpClient::simulated`]).
    Simulated(Simulator),
}

/// An HTTP client for one source (one host).
pub struct HttpClient {
    transport: Transport,
    limiter: Arc<Limiter>,
    policy: RetryPolicy,
    /// The host has answered (with any status) in this run: from then on a refused
    /// connection is worth waiting for.
    answered: AtomicBool,
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

/// A retryable failure of one attempt.
struct Failure {
    reason: String,
    status: Option<u16>,
    retry_after: Option<Duration>,
}

impl Failure {
    /// A failure without a usable response (network, cut body, unparsable body).
    fn without_response(reason: String) -> Self {
        Failure {
            reason,
            status: None,
            retry_after: None,
        }
    }
}

impl HttpClient {
    fn with(transport: Transport, limiter: Arc<Limiter>, policy: RetryPolicy) -> Self {
        HttpClient {
            transport,
            limiter,
            policy,
            answered: AtomicBool::new(false),
        }
    }

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
        let transport = Transport::Online {
            client,
            user_agent: options.user_agent.clone(),
        };
        Ok(Self::with(transport, limiter, policy))
    }

    /// A client replaying recorded responses for requests below `live_base`: no limits, no
    /// waiting; a request is given up where the recorded times say it had been failing for
    /// `retry_for`.
    pub fn replay(transport: Arc<ReplayTransport>, live_base: Url, retry_for: Duration) -> Self {
        let transport = Transport::Replay {
            transport,
            live_base,
        };
        let policy = RetryPolicy {
            retry_for,
            initial: Duration::ZERO,
            max: Duration::ZERO,
            max_retry_after: Duration::MAX,
        };
        Self::with(transport, Arc::new(Limiter::unlimited()), policy)
    }

    /// A client whose every request is answered by `answer` (which may look at tokio's clock:
    /// in a test with paused time, a storm of minutes passes in milliseconds).
    pub fn simulated(answer: Simulator, limiter: Arc<Limiter>, policy: RetryPolicy) -> Self {
        Self::with(Transport::Simulated(answer), limiter, policy)
    }

    /// The User-Agent sent, when online.
    pub fn user_agent(&self) -> Option<&str> {
        match &self.transport {
            Transport::Online { user_agent, .. } => Some(user_agent),
            _ => None,
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
        let origin = tokio::time::Instant::now();
        // When this request's first failure was known (on the clock of `ended`).
        let mut first_failure: Option<Duration> = None;
        let mut failures = 0u32;
        let mut server_errors = 0u32;
        loop {
            let exchange = {
                let _permit = self.limiter.acquire().await;
                self.send(url, options.accept.unwrap_or(JSON)).await?
            };
            let ended = self.ended(&exchange, origin.elapsed());
            if exchange.status.is_some() {
                self.answered.store(true, Ordering::Relaxed);
            }
            self.limiter
                .observe(Announced::from_headers(&exchange.response_headers));
            observer
                .exchange(&exchange)
                .map_err(|message| HttpError::Record {
                    url: url.to_string(),
                    message,
                })?;
            let failure = match (exchange.status, &exchange.error) {
                (None, err) => {
                    let reason = err.clone().unwrap_or_else(|| "no response".into());
                    if reason.starts_with(CONNECT_FAILED) && !self.answered.load(Ordering::Relaxed)
                    {
                        return Err(HttpError::Unreachable {
                            url: url.to_string(),
                            reason,
                        });
                    }
                    Failure::without_response(reason)
                }
                (Some(s), Some(err)) if (200..300).contains(&s) => {
                    Failure::without_response(err.clone())
                }
                (Some(s), _) if (200..300).contains(&s) => {
                    let (parse, received) = (parse.clone(), exchange.clone());
                    match tokio::task::spawn_blocking(move || parse(&received)).await {
                        Ok(Ok(value)) => return Ok(value),
                        Ok(Err(e)) => {
                            Failure::without_response(format!("unusable response body ({e})"))
                        }
                        Err(e) => {
                            Failure::without_response(format!("the response parser failed ({e})"))
                        }
                    }
                }
                (Some(s), _) if retryable_status(s) => Failure {
                    reason: status_text(s, &exchange.body, exchange.header("content-type")),
                    status: Some(s),
                    retry_after: exchange.header("retry-after").and_then(parse_retry_after),
                },
                (Some(status), _) => {
                    return Err(HttpError::Status {
                        url: url.to_string(),
                        status,
                        content_type: exchange.header("content-type").map(str::to_string),
                        body: exchange.body.clone(),
                    });
                }
            };
            failures += 1;
            let failing_for = ended.saturating_sub(*first_failure.get_or_insert(ended));
            let server_error = failure.status.is_some_and(|s| s >= 500);
            server_errors += u32::from(server_error);
            let enough_server_errors = server_error
                && options
                    .server_error_retries
                    .is_some_and(|n| server_errors > n);
            let decision = if enough_server_errors {
                Decision::GiveUp
            } else {
                self.policy
                    .after_failure(failures, failing_for, failure.retry_after)
            };
            let wait = match decision {
                Decision::Wait(wait) => wait,
                Decision::GiveUp => {
                    return Err(HttpError::GaveUp {
                        url: url.to_string(),
                        attempts: failures,
                        failing_for,
                        retry_for: self.policy.retry_for,
                        last: failure.reason,
                        status: failure.status,
                    });
                }
                Decision::TooLong(wait) => {
                    return Err(HttpError::RetryAfterTooLong {
                        url: url.to_string(),
                        wait,
                    });
                }
            };
            if failure.status == Some(429) {
                // The whole host backs off, not only this request.
                self.limiter.pause_for(wait);
            }
            observer.retry(&RetryNotice {
                url: url.as_str(),
                reason: &failure.reason,
                status: failure.status,
                wait,
                failures,
                failing_for,
                retry_for: self.policy.retry_for,
            });
            if !self.is_replay() && !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// When an attempt ended: `now` on tokio's clock (from the start of the fetch), or for a
    /// replay the recorded end (since the Unix epoch).
    fn ended(&self, exchange: &HttpExchange, now: Duration) -> Duration {
        if !self.is_replay() {
            return now;
        }
        let at = Duration::try_from(exchange.time.as_duration()).unwrap_or_default();
        at + Duration::from_millis(exchange.elapsed_ms)
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
            Transport::Simulated(answer) => Ok(answer(url)),
        }
    }
}

/// How [`describe`] starts a failure to connect (refused, no such host, connect timeout).
const CONNECT_FAILED: &str = "could not connect";

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
    let kind = if e.is_connect() {
        CONNECT_FAILED
    } else if e.is_timeout() {
        "timed out"
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

#[cfg(test)]
mod tests;
