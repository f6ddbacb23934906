//! One writer at a time: commands that change `corpus/` hold an exclusive lock on
//! `corpus/.lock` (an OS file lock, released when the process ends however it ends), so two
//! harvests in one workspace cannot both append the same records.

use super::StoreError;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

/// Held while a command writes to the corpus.
#[derive(Debug)]
pub struct CorpusLock {
    _file: File,
}

/// Takes the lock, or says who holds it.
pub fn lock(corpus: &Path) -> Result<CorpusLock, StoreError> {
    std::fs::create_dir_all(corpus).map_err(|e| StoreError::io(corpus, e))?;
    let path = corpus.join(".lock");
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| StoreError::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(CorpusLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(StoreError::Busy { path }),
        Err(TryLockError::Error(e)) => Err(StoreError::io(&path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_until_the_first_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).unwrap();
        assert!(matches!(lock(dir.path()), Err(StoreError::Busy { .. })));
        drop(first);
        assert!(lock(dir.path()).is_ok());
    }
}
