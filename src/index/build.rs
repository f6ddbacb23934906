//! `index/` on disk: opened, created, rebuilt when its schema version is not ours, and
//! brought up to date incrementally.
//!
//! Every commit carries a payload `{"schema": N, "fingerprint": "…"}`: the schema version
//! ([`SCHEMA_VERSION`]) and the caller's fingerprint of the corpus the index was built from,
//! so `search` can tell in a few `stat` calls whether the index is current. That payload is
//! also how an index is marked stale: a writer that changes the corpus and cannot update the
//! index leaves the old fingerprint, which no longer matches.
//!
//! Processes share `index/` this way: whoever writes it holds `index/.lock`
//! ([`lock_path`], kept when the index is recreated) and tantivy's writer lock; readers open
//! it without either (tantivy lets another process read an index while it is written), each
//! searcher on one commit. An update reads
//! the id → hash map from the fast fields, re-indexes only records whose stored JSON
//! changed, adds new ones and deletes those no longer in the corpus, then commits once and
//! waits for merges, so a finished update leaves a compact index.

use super::analyzer;
use super::doc::{IndexDoc, Screening};
use super::schema::{Fields, SCHEMA_VERSION, schema};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// `index/.lock`: held by the litscope command writing the index (see the module doc).
pub fn lock_path(dir: &Path) -> PathBuf {
    dir.join(".lock")
}

/// What can go wrong with `index/`.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// tantivy failed on the index in `path`.
    #[error("index {path}: {source}")]
    Tantivy {
        /// The index folder.
        path: PathBuf,
        /// What tantivy said.
        source: tantivy::TantivyError,
    },
    /// A file of the index could not be read, written or removed.
    #[error("index {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

impl IndexError {
    /// True when another process holds tantivy's writer lock.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            IndexError::Tantivy {
                source: tantivy::TantivyError::LockFailure(
                    tantivy::directory::error::LockError::LockBusy,
                    _
                ),
                ..
            }
        )
    }
}

/// How much the writer may use: threads and total heap (split between the threads).
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    /// Indexing threads.
    pub threads: usize,
    /// Memory for all threads' in-memory segments, in bytes.
    pub heap_bytes: usize,
}

impl Default for WriterOptions {
    /// One thread per core, up to 4, with 512 MB each (fewer, larger segments).
    fn default() -> Self {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        WriterOptions {
            threads,
            heap_bytes: (threads * 512) << 20,
        }
    }
}

impl WriterOptions {
    /// The default, with the heap cut down to what `documents` records need (about 4 KB
    /// each, at least tantivy's 15 MB a thread): a small review does not reserve a gigabyte.
    pub fn for_documents(documents: usize) -> Self {
        let d = WriterOptions::default();
        let need = documents
            .saturating_mul(4 << 10)
            .max(d.threads * (15 << 20));
        WriterOptions {
            threads: d.threads,
            heap_bytes: d.heap_bytes.min(need),
        }
    }
}

/// Why an index was (re)built from nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuild {
    /// There was no index.
    Missing,
    /// The index was written by another schema version.
    Schema {
        /// Its version (0 when it had none).
        found: u32,
    },
    /// The index could not be opened (the message says why).
    Unreadable(String),
}

impl std::fmt::Display for Rebuild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rebuild::Missing => f.write_str("there was no index"),
            Rebuild::Schema { found } => write!(
                f,
                "the index has schema version {found}, this litscope writes {SCHEMA_VERSION}"
            ),
            Rebuild::Unreadable(e) => write!(f, "the index could not be read ({e})"),
        }
    }
}

/// What an update did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    /// Records in the index afterwards.
    pub documents: u64,
    /// Records indexed for the first time.
    pub added: u64,
    /// Records re-indexed because they changed.
    pub updated: u64,
    /// Records removed because they left the corpus.
    pub removed: u64,
    /// Records left as they were.
    pub unchanged: u64,
    /// Wall time.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Payload {
    #[serde(default)]
    schema: u32,
    #[serde(default)]
    fingerprint: Option<String>,
}

/// An open index.
pub struct Index {
    dir: PathBuf,
    index: tantivy::Index,
    fields: Fields,
    reader: IndexReader,
    // The fingerprint of the commit read when it was opened (or last committed here): read
    // before the searcher, so that a commit by another process in between makes it look
    // older than it is, never newer.
    fingerprint: Option<String>,
}

impl Index {
    fn tantivy(&self, source: tantivy::TantivyError) -> IndexError {
        IndexError::Tantivy {
            path: self.dir.clone(),
            source,
        }
    }

    /// Opens the index in `dir` when it exists and has our schema version.
    pub fn open(dir: &Path) -> Result<Result<Index, Rebuild>, IndexError> {
        if !dir.join("meta.json").is_file() {
            return Ok(Err(Rebuild::Missing));
        }
        let index = match tantivy::Index::open_in_dir(dir) {
            Ok(i) => i,
            Err(e) => return Ok(Err(Rebuild::Unreadable(e.to_string()))),
        };
        let payload = match index.load_metas() {
            Ok(m) => m
                .payload
                .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
                .unwrap_or_default(),
            Err(e) => return Ok(Err(Rebuild::Unreadable(e.to_string()))),
        };
        if payload.schema != SCHEMA_VERSION {
            return Ok(Err(Rebuild::Schema {
                found: payload.schema,
            }));
        }
        let Ok(fields) = Fields::of(&index.schema()) else {
            return Ok(Err(Rebuild::Schema { found: 0 }));
        };
        // A reader that cannot open what meta.json names (another process rebuilding the
        // index this moment) finds it unreadable, like a damaged one: not an error.
        Ok(Self::wrap(dir, index, fields, payload.fingerprint)
            .map_err(|e| Rebuild::Unreadable(e.to_string())))
    }

    /// Opens the index in `dir`, or creates an empty one (removing whatever index was there)
    /// and says why.
    pub fn open_or_create(dir: &Path) -> Result<(Index, Option<Rebuild>), IndexError> {
        match Self::open(dir)? {
            Ok(index) => Ok((index, None)),
            Err(why) => Ok((Self::create(dir)?, Some(why))),
        }
    }

    /// An empty index in `dir`, replacing any index files there (other files, such as a
    /// `.gitignore`, are kept).
    pub fn create(dir: &Path) -> Result<Index, IndexError> {
        let io = |path: &Path, source| IndexError::Io {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
            let path = entry.map_err(|e| io(dir, e))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name == ".gitignore" || name == "README.md" || name == ".lock" {
                continue;
            }
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|e| io(&path, e))?;
        }
        let (schema, fields) = schema();
        let index =
            tantivy::Index::create_in_dir(dir, schema).map_err(|source| IndexError::Tantivy {
                path: dir.to_path_buf(),
                source,
            })?;
        let mut this = Self::wrap(dir, index, fields, None)?;
        // Commit the empty index with our payload, so it opens as current.
        let mut writer = this.writer(WriterOptions {
            threads: 1,
            heap_bytes: 15 << 20,
        })?;
        this.commit(&mut writer, None)?;
        Ok(this)
    }

    fn wrap(
        dir: &Path,
        mut index: tantivy::Index,
        fields: Fields,
        fingerprint: Option<String>,
    ) -> Result<Index, IndexError> {
        analyzer::register(&index);
        // A query runs on its segments in parallel, one thread per core (up to 4): a bulk
        // build leaves several segments, and a query's latency is then that of its largest
        // segment rather than the sum. Results do not depend on it (the collectors merge the
        // segments' results in segment order).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        if threads > 1 {
            index
                .set_multithread_executor(threads)
                .map_err(|source| IndexError::Tantivy {
                    path: dir.to_path_buf(),
                    source,
                })?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|source| IndexError::Tantivy {
                path: dir.to_path_buf(),
                source,
            })?;
        Ok(Index {
            dir: dir.to_path_buf(),
            index,
            fields,
            reader,
            fingerprint,
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The fields.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// A searcher over the last commit.
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// The fingerprint of the corpus the commit this index was opened on (or last
    /// committed here) was built from.
    pub fn fingerprint(&self) -> Option<String> {
        self.fingerprint.clone()
    }

    /// Records in the index.
    pub fn documents(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// Bytes of the index's files.
    pub fn size_bytes(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    fn writer(&self, options: WriterOptions) -> Result<IndexWriter<TantivyDocument>, IndexError> {
        let threads = options.threads.max(1);
        // tantivy wants at least 15 MB per thread.
        let heap = options.heap_bytes.max(threads * (15 << 20));
        self.index
            .writer_with_num_threads(threads, heap)
            .map_err(|e| self.tantivy(e))
    }

    fn commit(
        &mut self,
        writer: &mut IndexWriter<TantivyDocument>,
        fingerprint: Option<&str>,
    ) -> Result<(), IndexError> {
        let payload = serde_json::to_string(&Payload {
            schema: SCHEMA_VERSION,
            fingerprint: fingerprint.map(str::to_string),
        })
        .unwrap_or_default();
        let mut prepared = writer.prepare_commit().map_err(|e| self.tantivy(e))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(|e| self.tantivy(e))?;
        self.fingerprint = fingerprint.map(str::to_string);
        self.reader.reload().map_err(|e| self.tantivy(e))
    }

    /// Id → content hash of every record in the index.
    pub fn hashes(&self) -> Result<HashMap<String, u64>, IndexError> {
        let searcher = self.searcher();
        let mut out = HashMap::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let Some(ids) = fast.str("id").map_err(|e| self.tantivy(e))? else {
                continue;
            };
            let hashes = fast.u64("hash").map_err(|e| self.tantivy(e))?;
            let mut names: Vec<String> = Vec::with_capacity(ids.num_terms());
            let mut stream = ids.dictionary().stream().map_err(|e| IndexError::Io {
                path: self.dir.clone(),
                source: e,
            })?;
            while stream.advance() {
                names.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            for doc in segment.doc_ids_alive() {
                let (Some(ord), Some(h)) = (ids.term_ords(doc).next(), hashes.first(doc)) else {
                    continue;
                };
                if let Some(name) = names.get(ord as usize) {
                    out.insert(name.clone(), h);
                }
            }
        }
        Ok(out)
    }

    /// Brings the index to exactly `docs` (the whole corpus, one per record id): new
    /// records are added, changed ones re-indexed, missing ones deleted. `progress` is called
    /// with (records looked at, total) now and then. `fingerprint` is stored with the commit.
    pub fn sync(
        &mut self,
        docs: &[IndexDoc],
        fingerprint: Option<&str>,
        options: WriterOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<SyncReport, IndexError> {
        let start = Instant::now();
        let mut existing = self.hashes()?;
        // Building from nothing, segments are as large as the heap makes them: merging them
        // would rewrite the whole index again for little gain in search speed.
        let fresh = existing.is_empty();
        let mut report = SyncReport::default();
        let mut writer: Option<IndexWriter<TantivyDocument>> = None;
        let total = docs.len() as u64;
        for (i, doc) in docs.iter().enumerate() {
            if i % 4096 == 0 {
                progress(i as u64, total);
            }
            let json = doc.to_json();
            let hash = IndexDoc::hash(&json);
            let old = existing.remove(&doc.id);
            if old == Some(hash) {
                report.unchanged += 1;
                continue;
            }
            if writer.is_none() {
                let w = self.writer(options)?;
                if fresh {
                    w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
                }
                writer = Some(w);
            }
            let w = writer.as_mut().unwrap_or_else(|| unreachable!());
            if old.is_some() {
                w.delete_term(Term::from_field_text(self.fields.id, &doc.id));
                report.updated += 1;
            } else {
                report.added += 1;
            }
            w.add_document(doc.to_document(&self.fields, &json))
                .map_err(|e| self.tantivy(e))?;
        }
        progress(total, total);
        if !existing.is_empty() && writer.is_none() {
            writer = Some(self.writer(options)?);
        }
        for id in existing.keys() {
            if let Some(w) = writer.as_mut() {
                w.delete_term(Term::from_field_text(self.fields.id, id));
                report.removed += 1;
            }
        }
        let changed = report.added + report.updated + report.removed > 0;
        if changed || self.fingerprint().as_deref() != fingerprint {
            let mut w = match writer {
                Some(w) => w,
                None => self.writer(WriterOptions {
                    threads: 1,
                    heap_bytes: 15 << 20,
                })?,
            };
            self.commit(&mut w, fingerprint)?;
            w.wait_merging_threads().map_err(|e| self.tantivy(e))?;
            self.reader.reload().map_err(|e| self.tantivy(e))?;
        }
        report.documents = self.documents();
        report.elapsed = start.elapsed();
        Ok(report)
    }

    /// The stored document of record `id`.
    pub fn get(&self, id: &str) -> Result<Option<IndexDoc>, IndexError> {
        let searcher = self.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(|e| self.tantivy(e))?;
        let Some((_, address)) = top.into_iter().next() else {
            return Ok(None);
        };
        self.stored(&searcher, address).map(Some)
    }

    /// The [`IndexDoc`] stored at `address`.
    pub fn stored(
        &self,
        searcher: &tantivy::Searcher,
        address: tantivy::DocAddress,
    ) -> Result<IndexDoc, IndexError> {
        let d: TantivyDocument = searcher.doc(address).map_err(|e| self.tantivy(e))?;
        let json = d
            .get_first(self.fields.doc)
            .and_then(|v| v.as_bytes())
            .unwrap_or(b"{}");
        serde_json::from_slice(json).map_err(|e| IndexError::Io {
            path: self.dir.clone(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })
    }

    /// Replaces record `id`'s screening and re-indexes it alone (what `decide` calls);
    /// `fingerprint` replaces the stored one (the caller knows whether the index was current
    /// before). False when the index has no such record.
    pub fn update_screening(
        &mut self,
        id: &str,
        screening: Screening,
        fingerprint: Option<&str>,
    ) -> Result<bool, IndexError> {
        let Some(mut doc) = self.get(id)? else {
            return Ok(false);
        };
        doc.screening = screening;
        let json = doc.to_json();
        let mut w = self.writer(WriterOptions {
            threads: 1,
            heap_bytes: 15 << 20,
        })?;
        w.delete_term(Term::from_field_text(self.fields.id, id));
        w.add_document(doc.to_document(&self.fields, &json))
            .map_err(|e| self.tantivy(e))?;
        self.commit(&mut w, fingerprint)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn doc(id: &str, title: &str) -> IndexDoc {
        IndexDoc {
            id: id.into(),
            title: Some(title.into()),
            ..Default::default()
        }
    }

    fn sync(index: &mut Index, docs: &[IndexDoc]) -> SyncReport {
        index
            .sync(docs, Some("fp"), WriterOptions::default(), &mut |_, _| {})
            .unwrap()
    }

    #[test]
    fn an_update_touches_only_what_changed_and_reopens_as_current() {
        let dir = tempfile::tempdir().unwrap();
        let (mut index, why) = Index::open_or_create(dir.path()).unwrap();
        assert_eq!(why, Some(Rebuild::Missing));
        let mut docs = vec![doc("a", "one"), doc("b", "two"), doc("c", "three")];
        let r = sync(&mut index, &docs);
        assert_eq!((r.documents, r.added), (3, 3));
        docs[1].title = Some("two, changed".into());
        docs.remove(2);
        docs.push(doc("d", "four"));
        let r = sync(&mut index, &docs);
        assert_eq!(
            (r.documents, r.added, r.updated, r.removed, r.unchanged),
            (3, 1, 1, 1, 1)
        );
        assert_eq!(
            index.get("b").unwrap().unwrap().title.as_deref(),
            Some("two, changed")
        );
        assert!(index.get("c").unwrap().is_none());
        drop(index);
        let index = Index::open(dir.path()).unwrap().unwrap();
        assert_eq!(index.fingerprint().as_deref(), Some("fp"));
        assert_eq!(index.hashes().unwrap().len(), 3);
    }

    #[test]
    fn another_schema_version_or_garbage_means_a_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "*\n").unwrap();
        std::fs::write(dir.path().join("meta.json"), "not json").unwrap();
        let (mut index, why) = Index::open_or_create(dir.path()).unwrap();
        assert!(matches!(why, Some(Rebuild::Unreadable(_))), "{why:?}");
        assert!(dir.path().join(".gitignore").is_file());
        sync(&mut index, &[doc("a", "one")]);
        let mut w = index.writer(WriterOptions::default()).unwrap();
        let mut p = w.prepare_commit().unwrap();
        p.set_payload(r#"{"schema": 0}"#);
        p.commit().unwrap();
        drop(w);
        drop(index);
        assert_eq!(
            Index::open(dir.path()).unwrap().err(),
            Some(Rebuild::Schema { found: 0 })
        );
    }

    #[test]
    fn the_writer_heap_follows_the_corpus_size_within_bounds() {
        let d = WriterOptions::default();
        let small = WriterOptions::for_documents(10);
        assert_eq!(small.heap_bytes, d.threads * (15 << 20));
        assert_eq!(
            WriterOptions::for_documents(10_000_000).heap_bytes,
            d.heap_bytes
        );
    }

    #[test]
    fn screening_is_rewritten_from_the_stored_document() {
        let dir = tempfile::tempdir().unwrap();
        let (mut index, _) = Index::open_or_create(dir.path()).unwrap();
        sync(&mut index, &[doc("a", "one"), doc("b", "two")]);
        let s = Screening {
            stages: vec![("title-abstract".into(), "include".into())],
            tags: vec!["PA".into()],
        };
        assert!(index.update_screening("a", s.clone(), Some("fp")).unwrap());
        assert!(!index.update_screening("zz", s.clone(), None).unwrap());
        let a = index.get("a").unwrap().unwrap();
        assert_eq!((a.title.as_deref(), &a.screening), (Some("one"), &s));
        assert_eq!(index.documents(), 2);
    }
}
