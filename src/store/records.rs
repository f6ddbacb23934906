//! Harvested and imported records: `corpus/records/<source>.jsonl`, one [`Record`] per line.
//!
//! A source's file holds each source record once, keyed by its source id; a record found
//! again (by a later page, another search, a resumed or repeated harvest) is not written
//! again. That is what makes a harvest killed at any point and started again end with exactly
//! the records of an uninterrupted one. The set of stored ids is kept as 128-bit hashes, so
//! memory stays small (16 bytes a record) whatever the size of the payloads.

use super::StoreError;
use super::jsonl::{self, Appender, Diagnostic};
use crate::model::Record;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// `corpus/records/<source>.jsonl`.
pub fn records_path(corpus: &Path, source: &str) -> PathBuf {
    corpus.join("records").join(format!("{source}.jsonl"))
}

/// Every `corpus/records/*.jsonl` as `(source, path)`, sorted by source.
pub fn list_sources(corpus: &Path) -> Result<Vec<(String, PathBuf)>, StoreError> {
    let dir = corpus.join("records");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io(&dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| StoreError::io(&dir, e))?.path();
        if path.extension().is_some_and(|x| x == "jsonl")
            && let Some(stem) = path.file_stem()
        {
            out.push((stem.to_string_lossy().into_owned(), path));
        }
    }
    out.sort();
    Ok(out)
}

fn key(source_id: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(source_id.as_bytes())
}

#[derive(Deserialize)]
struct IdsOnly<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    provenance: ProvenanceIds<'a>,
}

#[derive(Deserialize)]
struct ProvenanceIds<'a> {
    #[serde(borrow)]
    source_id: std::borrow::Cow<'a, str>,
}

/// Streams the ids of a records file: `(record id, source id)` per readable line.
pub fn scan_ids<F>(path: &Path, mut f: F) -> Result<Vec<Diagnostic>, StoreError>
where
    F: FnMut(&str, &str),
{
    jsonl::read_lines(path, |_, line| {
        let ids: IdsOnly = serde_json::from_slice(line).map_err(|e| e.to_string())?;
        f(&ids.id, &ids.provenance.source_id);
        Ok(())
    })
}

/// Streams every readable record of a records file.
pub fn read_records<F>(path: &Path, mut f: F) -> Result<Vec<Diagnostic>, StoreError>
where
    F: FnMut(Record),
{
    jsonl::read_lines(path, |_, line| {
        let record: Record = serde_json::from_slice(line).map_err(|e| e.to_string())?;
        f(record);
        Ok(())
    })
}

/// Bytes of records written at a time by [`SourceWriter::append_new`].
const CHUNK: usize = 1 << 18;

/// Appends new records of one source, skipping those already stored.
#[derive(Debug)]
pub struct SourceWriter {
    appender: Appender,
    seen: HashSet<u128>,
    buf: Vec<u8>,
}

impl SourceWriter {
    /// Opens `corpus/records/<source>.jsonl`, learning which records it already holds.
    /// Returns what was found wrong in the file (a repaired torn line, unreadable lines).
    pub fn open(corpus: &Path, source: &str) -> Result<(Self, Vec<Diagnostic>), StoreError> {
        let path = records_path(corpus, source);
        let (appender, repaired) = Appender::open(&path)?;
        let mut seen = HashSet::new();
        let mut diagnostics: Vec<Diagnostic> = repaired.into_iter().collect();
        diagnostics.extend(scan_ids(&path, |_, source_id| {
            seen.insert(key(source_id));
        })?);
        Ok((
            SourceWriter {
                appender,
                seen,
                buf: Vec::with_capacity(CHUNK + (1 << 16)),
            },
            diagnostics,
        ))
    }

    /// True when a record with this source id is stored.
    pub fn contains(&self, source_id: &str) -> bool {
        self.seen.contains(&key(source_id))
    }

    /// Number of records stored.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Appends the records not stored yet, in writes of whole lines of about `CHUNK` bytes
    /// each (written while they are still in the CPU cache: the kernel's copy of a large
    /// buffer that has left the cache costs more than the extra system calls); returns how
    /// many. On an error, the records not yet written are forgotten so a retry stores them.
    pub fn append_new(&mut self, records: &[Record]) -> Result<usize, StoreError> {
        self.buf.clear();
        // Records serialised into `buf` but not written yet.
        let mut pending = Vec::new();
        let mut written = 0;
        let result = (|| {
            for record in records {
                let k = key(record.source_id());
                if !self.seen.insert(k) {
                    continue;
                }
                pending.push(k);
                serde_json::to_writer(&mut self.buf, record).map_err(|e| StoreError::Corrupt {
                    path: self.appender.path().to_path_buf(),
                    message: format!("cannot serialise record {}: {e}", record.id),
                })?;
                self.buf.push(b'\n');
                if self.buf.len() >= CHUNK {
                    self.appender.append(&self.buf)?;
                    self.buf.clear();
                    written += pending.len();
                    pending.clear();
                }
            }
            if !pending.is_empty() {
                self.appender.append(&self.buf)?;
                written += pending.len();
                pending.clear();
            }
            Ok(written)
        })();
        // Nothing of what was not written is on disk: forget it so a retry stores it.
        for k in &pending {
            self.seen.remove(k);
        }
        result
    }

    /// Forces the appended records to stable storage.
    pub fn sync(&self) -> Result<(), StoreError> {
        self.appender.sync()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Provenance;
    use serde_json::value::RawValue;

    fn rec(source_id: &str, title: &str) -> Record {
        let prov = Provenance {
            source: "crossref".into(),
            source_id: source_id.into(),
            run: "r".into(),
            query: Some("q".into()),
            retrieved: jiff::Timestamp::UNIX_EPOCH,
            via: None,
        };
        let mut r = Record::new(
            prov,
            Some(source_id),
            RawValue::from_string(r#"{"x":1}"#.into()).unwrap(),
        );
        r.title = Some(title.into());
        r
    }

    #[test]
    fn records_are_stored_once_across_pages_and_reopenings() {
        let dir = tempfile::tempdir().unwrap();
        let (mut w, diags) = SourceWriter::open(dir.path(), "crossref").unwrap();
        assert!(diags.is_empty());
        assert_eq!(
            w.append_new(&[
                rec("10.1/a", "A"),
                rec("10.1/b", "B"),
                rec("10.1/a", "A again")
            ])
            .unwrap(),
            2
        );
        assert_eq!(
            w.append_new(&[rec("10.1/b", "B"), rec("10.1/c", "C")])
                .unwrap(),
            1
        );
        drop(w);
        let (mut w, _) = SourceWriter::open(dir.path(), "crossref").unwrap();
        assert_eq!(w.len(), 3);
        assert!(w.contains("10.1/c"));
        assert_eq!(
            w.append_new(&[rec("10.1/a", "A"), rec("10.1/d", "D")])
                .unwrap(),
            1
        );
        let mut titles = Vec::new();
        read_records(&records_path(dir.path(), "crossref"), |r| {
            titles.push(r.title.unwrap())
        })
        .unwrap();
        assert_eq!(titles, ["A", "B", "C", "D"]);
        assert_eq!(list_sources(dir.path()).unwrap()[0].0, "crossref");
    }

    #[test]
    fn a_torn_record_is_cut_and_can_be_stored_again() {
        let dir = tempfile::tempdir().unwrap();
        let (mut w, _) = SourceWriter::open(dir.path(), "crossref").unwrap();
        w.append_new(&[rec("10.1/a", "A"), rec("10.1/b", "B")])
            .unwrap();
        drop(w);
        let path = records_path(dir.path(), "crossref");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 20]).unwrap();
        let (mut w, diags) = SourceWriter::open(dir.path(), "crossref").unwrap();
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 2);
        assert!(!w.contains("10.1/b"));
        assert_eq!(w.append_new(&[rec("10.1/b", "B")]).unwrap(), 1);
        let mut n = 0;
        assert!(read_records(&path, |_| n += 1).unwrap().is_empty());
        assert_eq!(n, 2);
    }
}
