//! One writer at a time: a command that changes `corpus/` holds an exclusive lock on
//! `corpus/.lock` (an OS file lock, released when the process ends however it ends), so two
//! harvests in one workspace cannot both append the same records. The index has its own,
//! `index/.lock`, held while `index/` is written.
//!
//! A writer that finds the lock taken waits for it (polling with backoff, a few
//! milliseconds at first so that a queue of short commands such as `decide` moves quickly)
//! up to a limit, and is told once when the wait grows long, with the pid of the holder
//! (the holder writes it into the lock file). Readers never take a lock: every file they
//! read is appended whole lines at a time or replaced atomically.

use super::StoreError;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a writer waits for the corpus lock when nothing says otherwise.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// How long a writer waits before it says it is waiting.
pub const SAY_AFTER: Duration = Duration::from_secs(1);

/// Held while a command writes; released on drop (or when the process ends).
#[derive(Debug)]
pub struct Lock {
    file: File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // The pid goes with the lock: a waiter reading it later sees no stale holder.
        let _ = self.file.set_len(0);
    }
}

/// The corpus lock.
pub type CorpusLock = Lock;

/// How a writer waits for a lock.
pub struct Wait<'a> {
    /// Give up after this long.
    pub limit: Duration,
    /// Called once when the wait reaches [`SAY_AFTER`], with the holder's pid when known.
    pub waiting: &'a mut dyn FnMut(Option<u32>),
}

fn open(path: &Path) -> Result<File, StoreError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
    }
    OpenOptions::new()
        .create(true)
        .read(true)
        .write(true)
        .truncate(false)
        .open(path)
        .map_err(|e| StoreError::io(path, e))
}

/// Takes the lock on `path` if it is free; `None` when another process holds it.
pub fn try_acquire(path: &Path) -> Result<Option<Lock>, StoreError> {
    let mut file = open(path)?;
    match file.try_lock() {
        Ok(()) => {
            // Who holds it, for a waiter's message (best effort: the lock is what counts).
            let _ = file
                .set_len(0)
                .and_then(|()| file.rewind())
                .and_then(|()| writeln!(file, "{}", std::process::id()));
            Ok(Some(Lock { file }))
        }
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(StoreError::io(path, e)),
    }
}

/// The pid the holder of the lock on `path` wrote, if any.
pub fn holder(path: &Path) -> Option<u32> {
    let mut text = String::new();
    File::open(path).ok()?.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Takes the lock on `path`, waiting for the process that holds it up to `wait.limit`;
/// [`StoreError::Busy`] when it is still held then.
pub fn acquire(path: &Path, wait: Wait<'_>) -> Result<Lock, StoreError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    let mut said = false;
    loop {
        if let Some(lock) = try_acquire(path)? {
            return Ok(lock);
        }
        let waited = start.elapsed();
        if waited >= wait.limit {
            return Err(StoreError::Busy {
                path: path.to_path_buf(),
                pid: holder(path),
                waited,
            });
        }
        if !said && waited >= SAY_AFTER {
            said = true;
            (wait.waiting)(holder(path));
        }
        // Some jitter, so that two waiters do not poll in step.
        let jitter = Duration::from_micros(fastrand::u64(0..=pause.as_micros() as u64 / 2));
        std::thread::sleep((pause + jitter).min(wait.limit.saturating_sub(waited)));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// `corpus/.lock`.
pub fn corpus_lock_path(corpus: &Path) -> PathBuf {
    corpus.join(".lock")
}

/// Takes the corpus lock, waiting as `wait` says.
pub fn lock(corpus: &Path, wait: Wait<'_>) -> Result<CorpusLock, StoreError> {
    acquire(&corpus_lock_path(corpus), wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_wait() -> impl FnMut(Option<u32>) {
        |_| panic!("no waiting expected")
    }

    #[test]
    fn a_second_writer_waits_until_the_first_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let path = corpus_lock_path(dir.path());
        let first = try_acquire(&path).unwrap().unwrap();
        assert_eq!(holder(&path), Some(std::process::id()));
        assert!(try_acquire(&path).unwrap().is_none());
        // Given up after the limit, naming the holder.
        let mut f = no_wait();
        let start = Instant::now();
        match acquire(
            &path,
            Wait {
                limit: Duration::from_millis(100),
                waiting: &mut f,
            },
        ) {
            Err(StoreError::Busy { pid, waited, .. }) => {
                assert_eq!(pid, Some(std::process::id()));
                assert!(waited >= Duration::from_millis(100));
            }
            other => panic!("{other:?}"),
        }
        assert!(start.elapsed() < Duration::from_millis(600));
        // Released within the limit: the waiter gets it, and says once that it waits.
        let release = std::thread::spawn(move || {
            std::thread::sleep(SAY_AFTER + Duration::from_millis(200));
            drop(first);
        });
        let mut told = Vec::new();
        let mut waiting = |pid| told.push(pid);
        let second = acquire(
            &path,
            Wait {
                limit: Duration::from_secs(20),
                waiting: &mut waiting,
            },
        )
        .unwrap();
        release.join().unwrap();
        assert_eq!(told, [Some(std::process::id())]);
        drop(second);
        assert_eq!(holder(&path), None, "the pid goes with the lock");
        let mut f = no_wait();
        assert!(
            lock(
                dir.path(),
                Wait {
                    limit: Duration::ZERO,
                    waiting: &mut f
                }
            )
            .is_ok()
        );
    }
}
