//! How long a failing request is retried: bounded by time, not by a count of attempts.
//!
//! Users leave harvests running unattended, and a server's bad minute (a burst of 429s, 503s,
//! resets and cut bodies) must not stop a search that a little patience would finish. So a
//! request that fails in a way that can heal is tried again, with capped exponential backoff
//! and jitter, for as long as it has been failing less than [`RetryPolicy::retry_for`]
//! (`[http] retry_for`, five minutes by default). The clock starts when the request's first
//! failure is known (so a request that timed out is always tried again, however long the
//! timeout) and is forgotten when a response succeeds: every request gets the whole budget.
//! The last backoff is cut so that the last attempt starts when the budget ends, not after it.
//!
//! A `Retry-After` (seconds or an HTTP date) is honoured in full, even past the budget: the
//! server said when it will answer. One longer than `[http] max_retry_after` stops the search
//! at once (run the harvest again later). What cannot heal is not retried at all; the client
//! decides that ([`super::http`]).
//!
//! Everything here is a pure function of the times it is given, so the decisions are tested
//! without waiting.

use std::time::Duration;

/// How failures are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// How long one request may keep failing, from the end of its first failed attempt,
    /// before it is given up.
    pub retry_for: Duration,
    /// First backoff delay, doubled per retry.
    pub initial: Duration,
    /// Longest backoff delay.
    pub max: Duration,
    /// Longest `Retry-After` honoured; a longer one stops the search.
    pub max_retry_after: Duration,
}

/// What to do after a retryable failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Try again after this long.
    Wait(Duration),
    /// The request has been failing for the whole budget.
    GiveUp,
    /// The server asks to wait longer than `max_retry_after` (how long it asked).
    TooLong(Duration),
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

    /// The decision after failure number `failures` (from 1) of a request that has been
    /// failing for `failing_for` (from the end of its first failed attempt to the end of this
    /// one), when the server sent `retry_after`.
    pub fn after_failure(
        &self,
        failures: u32,
        failing_for: Duration,
        retry_after: Option<Duration>,
    ) -> Decision {
        if failing_for >= self.retry_for {
            return Decision::GiveUp;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => Decision::TooLong(wait),
            Some(wait) => Decision::Wait(wait),
            None => Decision::Wait(
                self.backoff(failures.saturating_sub(1))
                    .min(self.retry_for - failing_for),
            ),
        }
    }
}

/// True for the statuses that can heal by waiting: 429 and every 5xx.
pub fn retryable_status(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// `Retry-After` as seconds (`120`, `1.5`) or an HTTP date (the wait until then, measured on
/// the wall clock: the date is the server's).
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

    fn policy() -> RetryPolicy {
        RetryPolicy {
            retry_for: Duration::from_secs(300),
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(600),
        }
    }

    #[test]
    fn backoff_grows_exponentially_with_jitter_and_a_cap() {
        let p = RetryPolicy {
            max: Duration::from_secs(10),
            ..policy()
        };
        for retry in 0..8 {
            let base = Duration::from_secs(1 << retry).min(Duration::from_secs(10));
            for _ in 0..20 {
                let d = p.backoff(retry);
                assert!(d >= base / 2 && d <= base, "retry {retry}: {d:?}");
            }
        }
        // Far past the cap, no overflow.
        assert!(p.backoff(u32::MAX) <= Duration::from_secs(10));
    }

    #[test]
    fn the_budget_is_time_not_attempts() {
        let p = policy();
        let secs = Duration::from_secs;
        // The fiftieth failure within the budget is still retried...
        assert!(matches!(
            p.after_failure(50, secs(299), None),
            Decision::Wait(_)
        ));
        // ...the second one past it is not.
        assert_eq!(p.after_failure(2, secs(300), None), Decision::GiveUp);
        assert_eq!(
            p.after_failure(2, secs(301), Some(secs(1))),
            Decision::GiveUp
        );
    }

    #[test]
    fn the_last_backoff_ends_with_the_budget() {
        let p = policy();
        for _ in 0..50 {
            let Decision::Wait(w) = p.after_failure(10, Duration::from_secs(290), None) else {
                panic!("within the budget");
            };
            assert!(w <= Duration::from_secs(10), "{w:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured_in_full_up_to_its_ceiling() {
        let p = policy();
        let secs = Duration::from_secs;
        assert_eq!(
            p.after_failure(1, secs(0), Some(secs(120))),
            Decision::Wait(secs(120))
        );
        // Even when it ends past the budget: the server said when it will answer.
        assert_eq!(
            p.after_failure(3, secs(290), Some(secs(120))),
            Decision::Wait(secs(120))
        );
        assert_eq!(
            p.after_failure(1, secs(0), Some(secs(3600))),
            Decision::TooLong(secs(3600))
        );
    }

    #[test]
    fn what_heals_by_waiting() {
        for s in [429, 500, 502, 503, 504, 599] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 301, 400, 401, 403, 404, 410, 422] {
            assert!(!retryable_status(s), "{s}");
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("-1"), None);
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
}
