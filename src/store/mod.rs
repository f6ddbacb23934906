//! `corpus/` on disk: the review's source of truth, plain JSON Lines and JSON that can be
//! committed to git and read by people.
//!
//! | path | module | written |
//! |---|---|---|
//! | `corpus/records/<source>.jsonl` | [`records`] | one record per line, appended page by page |
//! | `corpus/runlog.jsonl` | [`runlog`] | one line per search executed and per file imported |
//! | `corpus/responses/<run>/<search>/` | [`responses`] | every HTTP exchange: metadata + body |
//! | `corpus/decisions/<reviewer>.jsonl` | [`decisions`] | one screening decision per line, fsynced each |
//! | `corpus/dedup/{links,answers,clusters}.jsonl` | [`dedup`] | pairs found, reviewers' answers, the merged record set |
//! | `corpus/.lock` | [`lock`] | held by the command writing to the corpus (others wait) |
//!
//! Every writer goes through [`jsonl`]: append + flush per batch, `fsync` at the end of a
//! search, atomic rewrite for files that change in place, and readers that keep everything
//! before a torn last line.

pub mod decisions;
pub mod dedup;
pub mod jsonl;
pub mod lock;
pub mod overview;
pub mod records;
pub mod responses;
pub mod runlog;

pub use jsonl::{Diagnostic, DiagnosticKind};

use std::path::{Path, PathBuf};

/// Errors reading or writing the corpus.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The OS refused a read or write.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// Another command has been writing for longer than the caller was willing to wait.
    #[error(
        "{}: another litscope command{} has been writing for {}; try again when it is done",
        path.display(),
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default(),
        seconds(*waited)
    )]
    Busy {
        /// The lock file.
        path: PathBuf,
        /// The pid the holder wrote into the lock file, when there is one.
        pid: Option<u32>,
        /// How long the caller waited.
        waited: std::time::Duration,
    },
    /// A file that must be whole could not be parsed.
    #[error("{path}: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

/// `0.3 s`, `60 s`.
fn seconds(d: std::time::Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{:.1} s", (s * 10.0).floor() / 10.0)
    } else {
        format!("{s:.0} s")
    }
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
