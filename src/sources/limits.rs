//! Per-host request limits, learnt from the server itself.
//!
//! Crossref announces its limits on every response (`x-rate-limit-limit`,
//! `x-rate-limit-interval`, `x-concurrency-limit`) and changes them over time and by pool, so
//! nothing is hard-coded: a [`Limiter`] starts with one request at a time, adopts whatever the
//! server last said, and never lets more requests start within one interval, or be in flight
//! at once, than allowed — across every search that talks to the same host. A 429 pauses the
//! whole host, not only the request that got it.
//!
//! The rate window is slightly wider than announced (5 % plus 10 ms) so that requests the
//! client starts just over an interval apart cannot arrive at the server within one.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

#[derive(Debug)]
struct State {
    concurrency: u32,
    rate: Option<(u32, Duration)>,
    starts: VecDeque<Instant>,
    in_flight: u32,
    paused_until: Option<Instant>,
}

/// Limits for one host.
#[derive(Debug)]
pub struct Limiter {
    state: Mutex<State>,
    notify: Notify,
    /// Our own ceiling on concurrency (`[http] max_concurrency`).
    cap: u32,
    enabled: bool,
}

/// Held while a request is in flight; releases its slot when dropped.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a Limiter,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.limiter.enabled {
            let mut s = self.limiter.state.lock().expect("limiter lock");
            s.in_flight = s.in_flight.saturating_sub(1);
            drop(s);
            self.limiter.notify.notify_waiters();
        }
    }
}

/// What the server says its limits are, read from response headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Announced {
    /// Requests allowed per interval.
    pub rate_limit: Option<u32>,
    /// The interval.
    pub rate_interval: Option<Duration>,
    /// Requests allowed in flight at once.
    pub concurrency: Option<u32>,
}

impl Announced {
    /// Reads `x-rate-limit-limit`, `x-rate-limit-interval` (`1s`, `500ms`, `1m`) and
    /// `x-concurrency-limit` (also their older `x-ratelimit-*` spellings).
    pub fn from_headers(headers: &[(String, String)]) -> Self {
        let get = |names: &[&str]| {
            headers
                .iter()
                .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
                .map(|(_, v)| v.trim())
        };
        Announced {
            rate_limit: get(&["x-rate-limit-limit", "x-ratelimit-limit"])
                .and_then(|v| v.parse().ok())
                .filter(|&n| n > 0),
            rate_interval: get(&["x-rate-limit-interval", "x-ratelimit-interval"])
                .and_then(parse_interval),
            concurrency: get(&["x-concurrency-limit"])
                .and_then(|v| v.parse().ok())
                .filter(|&n| n > 0),
        }
    }
}

fn parse_interval(v: &str) -> Option<Duration> {
    let split = v
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: f64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        _ => return None,
    };
    (secs > 0.0).then(|| Duration::from_secs_f64(secs))
}

impl Limiter {
    /// A limiter that allows `initial` requests in flight and `rate` starts per interval until
    /// the server says otherwise, and never more than `cap` in flight.
    pub fn new(initial: u32, rate: Option<(u32, Duration)>, cap: u32) -> Self {
        Limiter {
            state: Mutex::new(State {
                concurrency: initial.max(1).min(cap.max(1)),
                rate,
                starts: VecDeque::new(),
                in_flight: 0,
                paused_until: None,
            }),
            notify: Notify::new(),
            cap: cap.max(1),
            enabled: true,
        }
    }

    /// No limits at all (replaying recorded responses).
    pub fn unlimited() -> Self {
        Limiter {
            enabled: false,
            ..Limiter::new(1, None, 1)
        }
    }

    /// Waits until a request may start and returns its permit.
    pub async fn acquire(&self) -> Permit<'_> {
        if !self.enabled {
            return Permit { limiter: self };
        }
        loop {
            let notified = self.notify.notified();
            let wait = {
                let mut s = self.state.lock().expect("limiter lock");
                let now = Instant::now();
                if let Some(until) = s.paused_until.filter(|u| *u > now) {
                    Some(until - now)
                } else if s.in_flight >= s.concurrency {
                    // Woken by a release; the timeout only guards against a missed wake-up.
                    Some(Duration::from_millis(50))
                } else if let Some((limit, interval)) = s.rate
                    && let window = widen(interval)
                    && {
                        while s
                            .starts
                            .front()
                            .is_some_and(|t| now.duration_since(*t) >= window)
                        {
                            s.starts.pop_front();
                        }
                        s.starts.len() as u32 >= limit
                    }
                {
                    let oldest = *s.starts.front().expect("window is full");
                    Some(window.saturating_sub(now.duration_since(oldest)))
                } else {
                    s.in_flight += 1;
                    s.starts.push_back(now);
                    // Keep only what the window needs.
                    let keep = s.rate.map_or(1, |(l, _)| l as usize).max(1);
                    while s.starts.len() > keep {
                        s.starts.pop_front();
                    }
                    None
                }
            };
            match wait {
                None => return Permit { limiter: self },
                Some(d) => {
                    tokio::select! {
                        _ = notified => {}
                        _ = tokio::time::sleep(d) => {}
                    }
                }
            }
        }
    }

    /// Adopts the limits a response announced.
    pub fn observe(&self, announced: Announced) {
        if !self.enabled {
            return;
        }
        let mut s = self.state.lock().expect("limiter lock");
        if let Some(c) = announced.concurrency {
            s.concurrency = c.min(self.cap);
        } else if announced.rate_limit.is_some() {
            // The server manages limits but says nothing of concurrency: allow our own cap,
            // the rate limit still applies.
            s.concurrency = self.cap;
        }
        if let Some(limit) = announced.rate_limit {
            let interval = announced.rate_interval.unwrap_or(Duration::from_secs(1));
            s.rate = Some((limit, interval));
        }
        drop(s);
        self.notify.notify_waiters();
    }

    /// Stops every request to this host for `d` (after a 429 with or without `Retry-After`).
    pub fn pause_for(&self, d: Duration) {
        if !self.enabled {
            return;
        }
        let mut s = self.state.lock().expect("limiter lock");
        let until = Instant::now() + d;
        if s.paused_until.is_none_or(|p| p < until) {
            s.paused_until = Some(until);
        }
    }

    /// Current `(concurrency, rate)` (for tests and `--dry-run`).
    pub fn current(&self) -> (u32, Option<(u32, Duration)>) {
        let s = self.state.lock().expect("limiter lock");
        (s.concurrency, s.rate)
    }
}

fn widen(interval: Duration) -> Duration {
    interval + interval / 20 + Duration::from_millis(10)
}

/// One limiter per host (`host:port`), shared by every search of a harvest.
#[derive(Debug, Default)]
pub struct Limiters {
    map: Mutex<HashMap<String, Arc<Limiter>>>,
}

impl Limiters {
    /// The limiter for `url`'s host, created with `make` on first use.
    pub fn for_url(&self, url: &url::Url, make: impl FnOnce() -> Limiter) -> Arc<Limiter> {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0)
        );
        self.map
            .lock()
            .expect("limiters lock")
            .entry(key)
            .or_insert_with(|| Arc::new(make()))
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_crossref_headers() {
        let a = Announced::from_headers(&headers(&[
            ("x-rate-limit-limit", "10"),
            ("x-rate-limit-interval", "1s"),
            ("x-concurrency-limit", "3"),
        ]));
        assert_eq!(
            a,
            Announced {
                rate_limit: Some(10),
                rate_interval: Some(Duration::from_secs(1)),
                concurrency: Some(3)
            }
        );
        let old = Announced::from_headers(&headers(&[
            ("x-ratelimit-limit", "50"),
            ("x-ratelimit-interval", "500ms"),
        ]));
        assert_eq!(old.rate_limit, Some(50));
        assert_eq!(old.rate_interval, Some(Duration::from_millis(500)));
        assert_eq!(
            Announced::from_headers(&headers(&[("x-rate-limit-limit", "lots")])),
            Announced::default()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_starts_per_interval_than_announced() {
        let limiter = Arc::new(Limiter::new(1, None, 8));
        limiter.observe(Announced {
            rate_limit: Some(5),
            rate_interval: Some(Duration::from_secs(1)),
            concurrency: Some(8),
        });
        let start = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..12 {
            let p = limiter.acquire().await;
            starts.push(start.elapsed());
            drop(p);
        }
        for (i, t) in starts.iter().enumerate() {
            let in_window = starts[i..]
                .iter()
                .filter(|u| **u - *t < Duration::from_secs(1))
                .count();
            assert!(
                in_window <= 5,
                "{in_window} starts within 1s of {t:?}: {starts:?}"
            );
        }
        // And it is not needlessly slow: 12 requests at 5/s need a bit over 2 s.
        assert!(starts[11] < Duration::from_millis(2400), "{starts:?}");
    }

    #[tokio::test]
    async fn concurrency_is_capped_by_server_and_by_us() {
        let limiter = Arc::new(Limiter::new(1, None, 2));
        assert_eq!(limiter.current().0, 1);
        limiter.observe(Announced {
            concurrency: Some(3),
            ..Default::default()
        });
        assert_eq!(limiter.current().0, 2);
        let a = limiter.acquire().await;
        let _b = limiter.acquire().await;
        let blocked = tokio::time::timeout(Duration::from_millis(100), limiter.acquire()).await;
        assert!(blocked.is_err(), "a third request started");
        drop(a);
        let third = tokio::time::timeout(Duration::from_millis(200), limiter.acquire()).await;
        assert!(third.is_ok());
    }
}
