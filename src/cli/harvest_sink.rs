//! The harvest's sink: where a running search's pages, HTTP exchanges and events go.
//! Pages go to `corpus/records/` (one writer per source, shared by all its searches),
//! exchanges to `corpus/responses/`, events to the progress bars and stderr.

use super::output::{Ui, one_line, thousands};
use crate::model::{HttpExchange, Record};
use crate::sources::http::RetryNotice;
use crate::sources::{Event, HarvestSink, PlannedSearch, SearchOutcome, SourceKind};
use crate::store::records::SourceWriter;
use crate::store::responses::SearchRecorder;
use crate::store::{Diagnostic, StoreError};
use crate::workspace::format_duration;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A search's progress bar, and the retry it is waiting for, if any (drawn as a countdown).
struct Bar {
    bar: ProgressBar,
    wait: Arc<Mutex<Option<Wait>>>,
}

/// A retry being waited for: when it happens, and what the bar says about it.
struct Wait {
    until: std::time::Instant,
    about: String,
}

/// Stores what searches retrieve and shows how they progress.
pub(super) struct StoreSink {
    corpus: PathBuf,
    offline: bool,
    writers: Mutex<HashMap<SourceKind, SourceWriter>>,
    recorders: Mutex<HashMap<usize, Arc<SearchRecorder>>>,
    bars: Mutex<HashMap<usize, Bar>>,
    progress: MultiProgress,
    ui: Ui,
}

impl StoreSink {
    /// Opens a record writer for each source; returns what was found wrong in their files.
    pub(super) fn open(
        corpus: &Path,
        sources: &[SourceKind],
        offline: bool,
        ui: &Ui,
    ) -> Result<(Self, Vec<Diagnostic>), StoreError> {
        let mut writers = HashMap::new();
        let mut diagnostics = Vec::new();
        for &source in sources {
            let (writer, diags) = SourceWriter::open(corpus, source.name())?;
            diagnostics.extend(diags);
            writers.insert(source, writer);
        }
        let sink = StoreSink {
            corpus: corpus.to_path_buf(),
            offline,
            writers: Mutex::new(writers),
            recorders: Mutex::new(HashMap::new()),
            bars: Mutex::new(HashMap::new()),
            progress: ui.progress(),
            ui: ui.clone(),
        };
        Ok((sink, diagnostics))
    }

    /// A search starts: its progress bar, and where its exchanges are recorded.
    pub(super) fn start(&self, search: &PlannedSearch, recorder: Option<Arc<SearchRecorder>>) {
        if let Some(r) = recorder {
            self.recorders
                .lock()
                .expect("sink lock")
                .insert(search.ordinal, r);
        }
        let bar = self.progress.add(ProgressBar::new_spinner());
        let wait: Arc<Mutex<Option<Wait>>> = Arc::default();
        let shown = wait.clone();
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:.bold} {spinner} [{bar:24}] {human_pos}/{human_len}{msg}{wait}",
            )
            .expect("valid template")
            .with_key(
                "wait",
                move |_: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                    if let Some(w) = &*shown.lock().expect("bar lock") {
                        // Whole seconds, rounded up: a calm countdown.
                        let left = w.until.saturating_duration_since(std::time::Instant::now());
                        let left = Duration::from_secs(left.as_secs_f64().ceil() as u64);
                        let _ = write!(out, " · {}", retrying(left, &w.about));
                    }
                },
            )
            .progress_chars("=> "),
        );
        bar.set_prefix(format!("{} {}", search.spec.source, search.label()));
        bar.enable_steady_tick(Duration::from_millis(200));
        self.bars
            .lock()
            .expect("sink lock")
            .insert(search.ordinal, Bar { bar, wait });
    }

    /// A search ended: its bar goes, its records are synced to disk, its recording closed.
    pub(super) fn finish(
        &self,
        search: &PlannedSearch,
        outcome: &SearchOutcome,
    ) -> Result<(), StoreError> {
        if let Some(Bar { bar, .. }) = self.bars.lock().expect("sink lock").remove(&search.ordinal)
        {
            bar.finish_and_clear();
            self.progress.remove(&bar);
        }
        if let Some(w) = self
            .writers
            .lock()
            .expect("sink lock")
            .get(&search.spec.source)
        {
            w.sync()?;
        }
        if let Some(r) = self
            .recorders
            .lock()
            .expect("sink lock")
            .remove(&search.ordinal)
        {
            r.finish(outcome.error.is_none())?;
        }
        Ok(())
    }

    /// A status line that does not tear the progress bars.
    pub(super) fn say(&self, line: &str) {
        if self.ui.shows_progress() {
            let _ = self.progress.println(line);
        } else {
            self.ui.status(line);
        }
    }
}

impl HarvestSink for StoreSink {
    fn store(&self, search: &PlannedSearch, records: &[Record]) -> Result<u64, String> {
        let mut writers = self.writers.lock().expect("sink lock");
        let source = search.spec.source;
        let writer = match writers.entry(source) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                // A source reached by following links (Cristin from a Prosjektbanken project).
                let (writer, diagnostics) =
                    SourceWriter::open(&self.corpus, source.name()).map_err(|e| e.to_string())?;
                for d in diagnostics {
                    self.ui.warn(&d.to_string());
                }
                e.insert(writer)
            }
        };
        writer
            .append_new(records)
            .map(|n| n as u64)
            .map_err(|e| e.to_string())
    }

    fn exchange(&self, search: &PlannedSearch, exchange: &HttpExchange) -> Result<(), String> {
        if self.offline {
            return Ok(());
        }
        let recorder = self
            .recorders
            .lock()
            .expect("sink lock")
            .get(&search.ordinal)
            .cloned();
        match recorder {
            Some(r) => r.record(exchange).map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }

    fn event(&self, search: &PlannedSearch, event: Event<'_>) {
        let label = format!("{} {}", search.spec.source, search.label());
        match event {
            Event::Page { outcome } => {
                if let Some(Bar { bar, wait }) =
                    self.bars.lock().expect("sink lock").get(&search.ordinal)
                {
                    *wait.lock().expect("bar lock") = None;
                    let target = match (outcome.counts.reported, search.spec.limit) {
                        (Some(r), Some(l)) => Some(r.min(l)),
                        (r, l) => r.or(l),
                    };
                    if let Some(t) = target {
                        bar.set_length(t);
                    }
                    bar.set_position(outcome.counts.received);
                    let rate =
                        outcome.counts.received as f64 / bar.elapsed().as_secs_f64().max(0.001);
                    bar.set_message(format!(
                        " · {} records/s · {} new",
                        thousands(rate as u64),
                        thousands(outcome.counts.retrieved)
                    ));
                }
            }
            // On a terminal the search's bar counts down to the retry until its next page;
            // without one, one status line per wait (silenced by --quiet).
            Event::Retry(n) => match self.bars.lock().expect("sink lock").get(&search.ordinal) {
                Some(Bar { wait, .. }) if self.ui.shows_progress() => {
                    *wait.lock().expect("bar lock") = Some(Wait {
                        until: std::time::Instant::now() + n.wait,
                        about: about(n, true),
                    });
                }
                _ => self.ui.status(&one_line(&format!(
                    "{label}: {}; {}",
                    n.reason,
                    retrying(n.wait, &about(n, false))
                ))),
            },
            Event::Restart { reason } => self.say(&one_line(&format!("{label}: {reason}"))),
            Event::Warning(w) => {
                let line = one_line(&format!("{label}: {w}"));
                if self.ui.shows_progress() {
                    let _ = self.progress.println(format!("warning: {line}"));
                } else {
                    self.ui.warn(&line);
                }
            }
        }
    }
}

/// `retrying in 8s (HTTP 503, 3rd failure, 40s of 5m)` with `left` to wait; `retrying now
/// (…)` once the wait is over and the request is on its way.
fn retrying(left: Duration, about: &str) -> String {
    if left.is_zero() {
        format!("retrying now {about}")
    } else {
        format!("retrying in {} {about}", format_duration(left))
    }
}

/// `(HTTP 503, 3rd failure, 40s of 5m)`: why, how many failures in a row, how long the request
/// has been failing of how long it may. A bar names the failure in a few words (`short`); a
/// status line has given the whole reason before.
fn about(n: &RetryNotice<'_>, short: bool) -> String {
    let what = match (short, n.status) {
        (false, _) => String::new(),
        (true, Some(status)) => format!("HTTP {status}, "),
        (true, None) => {
            let reason = one_line(n.reason);
            match reason.char_indices().nth(40) {
                Some((cut, _)) => format!("{}…, ", &reason[..cut]),
                None => format!("{reason}, "),
            }
        }
    };
    format!(
        "({what}{} failure, {} of {})",
        ordinal(n.failures),
        format_duration(n.failing_for),
        format_duration(n.retry_for)
    )
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `22nd`.
fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice<'a>(reason: &'a str, status: Option<u16>, failures: u32) -> RetryNotice<'a> {
        RetryNotice {
            url: "https://api.crossref.org/works?cursor=x",
            reason,
            status,
            wait: Duration::from_millis(8_200),
            failures,
            failing_for: Duration::from_secs(40),
            retry_for: Duration::from_secs(300),
        }
    }

    #[test]
    fn the_wait_is_shown_with_the_failure_and_the_budget() {
        let n = notice("HTTP 503 Service Unavailable: down", Some(503), 3);
        assert_eq!(
            retrying(n.wait, &about(&n, true)),
            "retrying in 8s (HTTP 503, 3rd failure, 40s of 5m)"
        );
        assert_eq!(
            retrying(Duration::ZERO, &about(&n, true)),
            "retrying now (HTTP 503, 3rd failure, 40s of 5m)"
        );
        // The status line has said why already.
        assert_eq!(about(&n, false), "(3rd failure, 40s of 5m)");
        let n = notice(
            "request failed: Connection reset by peer (os error 104)\u{1b}[31m",
            None,
            12,
        );
        assert_eq!(
            about(&n, true),
            "(request failed: Connection reset by peer…, 12th failure, 40s of 5m)"
        );
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
                "101st", "111th"
            ]
        );
    }
}
