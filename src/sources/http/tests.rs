//! The client's retries, on tokio's paused clock: storms of minutes run in milliseconds.

use super::*;
use std::sync::Mutex;
use tokio::time::Instant;

const MIN: Duration = Duration::from_secs(60);

/// Equal to the millisecond (tokio's timers round a sleep up to the next one).
fn close(a: Duration, b: Duration) -> bool {
    a.abs_diff(b) < Duration::from_millis(1)
}

/// The defaults of `[http]`: five minutes of failure, backoff 1 s to 60 s.
fn policy() -> RetryPolicy {
    RetryPolicy {
        retry_for: 5 * MIN,
        initial: Duration::from_secs(1),
        max: Duration::from_secs(60),
        max_retry_after: 10 * MIN,
    }
}

fn url() -> Url {
    Url::parse("http://127.0.0.1:9/works?query=widget&rows=20&cursor=ctx1").unwrap()
}

/// An exchange with `status` (or, without one, the transport error `error`).
fn answer(url: &Url, status: Option<u16>, error: Option<&str>) -> HttpExchange {
    HttpExchange {
        time: jiff::Timestamp::UNIX_EPOCH,
        elapsed_ms: 0,
        method: "GET".into(),
        url: url.to_string(),
        request_headers: Vec::new(),
        status,
        response_headers: Vec::new(),
        body: bytes::Bytes::from_static(b"{}"),
        error: error.map(str::to_string),
    }
}

fn status(url: &Url, s: u16) -> HttpExchange {
    answer(url, Some(s), None)
}

fn with_header(mut ex: HttpExchange, name: &str, value: &str) -> HttpExchange {
    ex.response_headers.push((name.into(), value.into()));
    ex
}

const REFUSED: &str = "could not connect: Connection refused (os error 111)";

/// A simulated host: `answer` gets the time since the client's first request and the number
/// of the request (from 0). The times of every request are kept.
struct Host {
    client: HttpClient,
    times: Arc<Mutex<Vec<Duration>>>,
}

fn host(answer: impl Fn(&Url, Duration, usize) -> HttpExchange + Send + Sync + 'static) -> Host {
    let times: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let start: Arc<Mutex<Option<Instant>>> = Arc::default();
    let seen = times.clone();
    let simulator: Simulator = Box::new(move |url| {
        let t0 = *start.lock().unwrap().get_or_insert_with(Instant::now);
        let at = t0.elapsed();
        let mut times = seen.lock().unwrap();
        times.push(at);
        answer(url, at, times.len() - 1)
    });
    let limiter = Arc::new(Limiter::new(1, None, 4));
    Host {
        client: HttpClient::simulated(simulator, limiter, policy()),
        times,
    }
}

/// 503 until `storm` has passed since the first request, then 200.
fn stormy(storm: Duration) -> Host {
    host(move |url, at, _| status(url, if at < storm { 503 } else { 200 }))
}

/// What a retry notice said: failures, failing for, wait, status.
type Note = (u32, Duration, Duration, Option<u16>);

/// Keeps the retry notices.
#[derive(Default)]
struct Notes(Mutex<Vec<Note>>);

impl FetchObserver for Notes {
    fn exchange(&self, _: &HttpExchange) -> Result<(), String> {
        Ok(())
    }
    fn retry(&self, n: &RetryNotice<'_>) {
        assert_eq!(n.retry_for, 5 * MIN);
        self.0
            .lock()
            .unwrap()
            .push((n.failures, n.failing_for, n.wait, n.status));
    }
}

#[tokio::test(start_paused = true)]
async fn a_four_minute_storm_is_survived_a_six_minute_one_is_not() {
    let (url, notes) = (url(), Notes::default());
    let h = stormy(4 * MIN);
    h.client.get(&url, &notes, |_| Ok(())).await.unwrap();
    let times = h.times.lock().unwrap().clone();
    let last = *times.last().unwrap();
    assert!(last >= 4 * MIN && last <= 5 * MIN, "{times:?}");
    // Far more than the old six retries, each announced with its count and the time so far.
    let notes = notes.0.into_inner().unwrap();
    assert_eq!(notes.len(), times.len() - 1);
    assert!(notes.len() > 7, "{notes:?}");
    for (i, (failures, failing_for, wait, status)) in notes.iter().enumerate() {
        assert_eq!(*failures, i as u32 + 1);
        assert_eq!(*failing_for, times[i], "measured from the first failure");
        assert!(
            close(times[i + 1], times[i] + *wait),
            "the announced wait is the wait: {times:?} {notes:?}"
        );
        assert!(*wait <= Duration::from_secs(60), "capped: {wait:?}");
        assert_eq!(*status, Some(503));
    }

    let h = stormy(6 * MIN);
    let err = h.client.get(&url, &Notes::default(), |_| Ok(())).await;
    let err = err.unwrap_err();
    let HttpError::GaveUp {
        attempts,
        failing_for,
        status,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    let times = h.times.lock().unwrap().clone();
    assert_eq!(*attempts as usize, times.len());
    assert_eq!(*status, Some(503));
    assert!(
        close(*failing_for, 5 * MIN),
        "the last attempt starts when the budget ends: {failing_for:?}"
    );
    assert!(close(*times.last().unwrap(), 5 * MIN), "{times:?}");
    let message = err.to_string();
    assert!(!message.contains('\n'), "{message}");
    assert!(
        message.starts_with("GET http://127.0.0.1:9/works?query=widget&rows=20&cursor=ctx1: gave up after ")
            && message.contains(" attempts in 5m of failures ([http] retry_for = \"5m\"); last: HTTP 503 Service Unavailable"),
        "{message}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_clock_starts_again_after_a_success() {
    // Fails for four minutes, answers, fails for four minutes again, answers.
    let failing_since: Mutex<Option<Duration>> = Mutex::new(None);
    let h = host(move |url, at, _| {
        let mut since = failing_since.lock().unwrap();
        let first = *since.get_or_insert(at);
        if at - first < 4 * MIN {
            status(url, 503)
        } else {
            *since = None;
            status(url, 200)
        }
    });
    let url = url();
    h.client
        .get(&url, &Notes::default(), |_| Ok(()))
        .await
        .unwrap();
    h.client
        .get(&url, &Notes::default(), |_| Ok(()))
        .await
        .unwrap();
    let last = *h.times.lock().unwrap().last().unwrap();
    assert!(last >= 8 * MIN, "eight minutes of failure in all: {last:?}");
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_as_seconds_and_as_a_date() {
    let url = url();
    let h = host(|url, _, n| match n {
        0 => with_header(status(url, 429), "retry-after", "120"),
        1 => {
            let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(90);
            let date = jiff::fmt::rfc2822::DateTimePrinter::new()
                .timestamp_to_rfc9110_string(&at)
                .unwrap();
            with_header(status(url, 503), "retry-after", &date)
        }
        _ => status(url, 200),
    });
    h.client
        .get(&url, &Notes::default(), |_| Ok(()))
        .await
        .unwrap();
    let times = h.times.lock().unwrap().clone();
    assert_eq!(times[1], Duration::from_secs(120));
    let date_wait = times[2] - times[1];
    assert!(
        date_wait > Duration::from_secs(85) && date_wait <= Duration::from_secs(90),
        "{date_wait:?}"
    );

    // Longer than [http] max_retry_after: the search stops at once.
    let h = host(|url, _, _| with_header(status(url, 429), "retry-after", "3600"));
    let err = h.client.get(&url, &Notes::default(), |_| Ok(())).await;
    assert!(
        matches!(err, Err(HttpError::RetryAfterTooLong { wait, .. }) if wait == 60 * MIN),
        "{err:?}"
    );
    assert_eq!(h.times.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn what_cannot_heal_fails_at_once() {
    let url = url();
    for code in [400, 401, 403, 404, 410, 422] {
        let h = host(move |url, _, _| status(url, code));
        let err = h.client.get(&url, &Notes::default(), |_| Ok(())).await;
        assert!(
            matches!(err, Err(HttpError::Status { status, .. }) if status == code),
            "{err:?}"
        );
        assert_eq!(h.times.lock().unwrap().len(), 1, "{code} was retried");
    }
}

#[tokio::test(start_paused = true)]
async fn a_host_that_never_answered_fails_at_once_one_that_did_is_waited_for() {
    let url = url();
    let h = host(|url, _, _| answer(url, None, Some(REFUSED)));
    let started = Instant::now();
    let err = h
        .client
        .get(&url, &Notes::default(), |_| Ok(()))
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::Unreachable { .. }), "{err:?}");
    assert_eq!(h.times.lock().unwrap().len(), 1);
    assert_eq!(started.elapsed(), Duration::ZERO, "no waiting");
    let message = err.to_string();
    assert!(
        message.starts_with("GET http://127.0.0.1:9/works?")
            && message.contains(REFUSED)
            && message.contains("the host has not answered once in this run"),
        "{message}"
    );

    // Answered once, then refusing connections for two minutes (a restart): waited for.
    let h = host(|url, at, n| match n {
        0 => status(url, 200),
        _ if at < 2 * MIN => answer(url, None, Some(REFUSED)),
        _ => status(url, 200),
    });
    h.client
        .get(&url, &Notes::default(), |_| Ok(()))
        .await
        .unwrap();
    h.client
        .get(&url, &Notes::default(), |_| Ok(()))
        .await
        .unwrap();
    assert!(*h.times.lock().unwrap().last().unwrap() >= 2 * MIN);

    // And for the whole budget if it never comes back.
    let h = host(|url, _, n| match n {
        0 => status(url, 200),
        _ => answer(url, None, Some(REFUSED)),
    });
    h.client
        .get(&url, &Notes::default(), |_| Ok(()))
        .await
        .unwrap();
    let err = h.client.get(&url, &Notes::default(), |_| Ok(())).await;
    assert!(
        matches!(&err, Err(HttpError::GaveUp { failing_for, status: None, last, .. }) if close(*failing_for, 5 * MIN) && last == REFUSED),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn no_budget_means_one_attempt() {
    let url = url();
    let mut h = stormy(MIN);
    h.client.policy.retry_for = Duration::ZERO;
    let err = h
        .client
        .get(&url, &Notes::default(), |_| Ok(()))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(": gave up after 1 attempt in 0s of failures ([http] retry_for = \"0s\"); last: HTTP 503"),
        "{err}"
    );
    assert_eq!(h.times.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn resets_and_cut_bodies_are_retried_like_server_errors() {
    let url = url();
    let h = host(|url, _, n| match n {
        0 => answer(
            url,
            None,
            Some("request failed: Connection reset by peer (os error 104)"),
        ),
        1 => answer(
            url,
            Some(200),
            Some("body cut short after 1000 bytes: body error"),
        ),
        _ => status(url, 200),
    });
    let parsed = h
        .client
        .get(&url, &Notes::default(), |ex| {
            (ex.body.as_ref() == b"{}")
                .then_some(7)
                .ok_or("bad".to_string())
        })
        .await;
    assert_eq!(parsed.unwrap(), 7);
    assert_eq!(h.times.lock().unwrap().len(), 3);
}

/// A replaying client that answers one URL with `(status, seconds after the first)` in turn.
fn replaying(url: &Url, answers: &'static [(u16, u64)]) -> HttpClient {
    let urls = vec![url.to_string(); answers.len()];
    let load = {
        let url = url.clone();
        Box::new(move |i: usize| {
            let (s, at) = answers[i];
            let mut ex = status(&url, s);
            ex.time = jiff::Timestamp::from_second(1_750_000_000 + at as i64).unwrap();
            Ok(ex)
        })
    };
    let base = url.join("/").unwrap();
    let transport = ReplayTransport::new(&urls, std::slice::from_ref(&base), load);
    HttpClient::replay(Arc::new(transport), base, 5 * MIN)
}

#[tokio::test(start_paused = true)]
async fn a_replay_gives_up_where_the_recorded_run_did_without_waiting() {
    let url = url();
    let started = Instant::now();
    let client = replaying(&url, &[(503, 0), (503, 240), (200, 280)]);
    client
        .get(&url, &Notes::default(), |_| Ok(()))
        .await
        .unwrap();
    let client = replaying(
        &url,
        &[(503, 0), (503, 120), (503, 240), (503, 360), (200, 400)],
    );
    let err = client.get(&url, &Notes::default(), |_| Ok(())).await;
    assert!(
        matches!(err, Err(HttpError::GaveUp { attempts: 4, failing_for, .. }) if failing_for == 6 * MIN),
        "{err:?}"
    );
    assert_eq!(started.elapsed(), Duration::ZERO, "a replay never waits");
}

#[tokio::test]
async fn server_errors_can_end_a_fetch_early_with_their_status() {
    let url = Url::parse("http://127.0.0.1:9/search/resources?size=100").unwrap();
    let early = FetchOptions {
        server_error_retries: Some(1),
        ..Default::default()
    };
    let client = replaying(&url, &[(503, 0), (502, 1), (200, 2)]);
    let err = client
        .get_with(&url, &Notes::default(), |_| Ok(()), early)
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
    let client = replaying(&url, &[(503, 0), (502, 1), (200, 2)]);
    assert!(
        client
            .get(&url, &Notes::default(), |_| Ok(()))
            .await
            .is_ok()
    );
    // 429s are not server errors: they keep the whole budget.
    let client = replaying(&url, &[(429, 0), (429, 1), (429, 2), (200, 3)]);
    assert!(
        client
            .get_with(&url, &Notes::default(), |_| Ok(()), early)
            .await
            .is_ok()
    );
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
    let html =
        b"<html><body><h1>429 Too Many Requests</h1>You have sent too many requests.</body></html>";
    assert_eq!(
        status_text(429, html, Some("text/html")),
        "HTTP 429 Too Many Requests: 429 Too Many Requests You have sent too many requests."
    );
    assert_eq!(status_text(503, b"", None), "HTTP 503 Service Unavailable");
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
