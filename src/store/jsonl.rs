//! JSON Lines files that survive `kill -9` and power loss.
//!
//! Three primitives, used by every file in `corpus/`:
//! - [`Appender`]: append whole lines with one `write` per batch and flush, `fsync` on demand.
//!   Opening repairs a torn tail left by an interrupted write (the incomplete line is cut and
//!   reported; a complete line that only lacks its newline gets one).
//! - [`read_lines`]: stream a file line by line; a torn last line is reported and skipped, a
//!   malformed line elsewhere is reported and skipped, every other line is kept.
//! - [`write_atomic`]: replace a file through a temp file, `fsync` and `rename`, so readers see
//!   the old or the new content, never half of it.

use super::StoreError;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A problem found in a file that was read anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub path: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub kind: DiagnosticKind,
}

/// What a [`Diagnostic`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// The last line was cut short by an interrupted write; it was ignored.
    TornLine,
    /// A line in the middle could not be read; it was skipped.
    Malformed(String),
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DiagnosticKind::TornLine => write!(
                f,
                "{}:{}: incomplete last line ignored (an interrupted write); everything before it is kept",
                self.path.display(),
                self.line
            ),
            DiagnosticKind::Malformed(e) => {
                write!(
                    f,
                    "{}:{}: unreadable line skipped: {e}",
                    self.path.display(),
                    self.line
                )
            }
        }
    }
}

/// Streams the lines of `path` to `parse` (1-based line number, bytes without the newline).
/// A missing file reads as empty. Lines `parse` rejects are skipped and reported: as a torn
/// line when it is the last one and has no newline, as malformed otherwise. A last line
/// without its newline is given a few milliseconds to be completed first: a writer in another
/// process may be appending it while this one reads.
pub fn read_lines<F>(path: &Path, mut parse: F) -> Result<Vec<Diagnostic>, StoreError>
where
    F: FnMut(usize, &[u8]) -> Result<(), String>,
{
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io(path, e)),
    };
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut buf = Vec::with_capacity(1 << 14);
    let mut line_no = 0usize;
    let mut diagnostics = Vec::new();
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| StoreError::io(path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let mut complete = buf.last() == Some(&b'\n');
        if !complete {
            // The last line, cut short: another process may be appending it this very moment
            // (an append is not atomic for a reader when it crosses a page). Give it a moment
            // before calling it torn.
            for wait in [2, 10, 40, 100] {
                std::thread::sleep(std::time::Duration::from_millis(wait));
                reader
                    .read_until(b'\n', &mut buf)
                    .map_err(|e| StoreError::io(path, e))?;
                complete = buf.last() == Some(&b'\n');
                if complete {
                    break;
                }
            }
        }
        let line = trim_end(&buf);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if let Err(e) = parse(line_no, line) {
            let kind = if complete {
                DiagnosticKind::Malformed(e)
            } else {
                DiagnosticKind::TornLine
            };
            diagnostics.push(Diagnostic {
                path: path.to_path_buf(),
                line: line_no,
                kind,
            });
        }
    }
    Ok(diagnostics)
}

/// `line` without its line break.
fn trim_end(mut line: &[u8]) -> &[u8] {
    while let Some((&last, rest)) = line.split_last() {
        if last == b'\n' || last == b'\r' {
            line = rest;
        } else {
            break;
        }
    }
    line
}

/// An append-only JSON Lines file.
#[derive(Debug)]
pub struct Appender {
    file: File,
    path: PathBuf,
    len: u64,
}

impl Appender {
    /// Opens (creating it and its folder if needed) `path` for appending. A torn tail is
    /// repaired first and returned as a diagnostic.
    pub fn open(path: &Path) -> Result<(Self, Option<Diagnostic>), StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| StoreError::io(path, e))?;
        let diagnostic = repair_tail(&mut file, path)?;
        let len = file.metadata().map_err(|e| StoreError::io(path, e))?.len();
        Ok((
            Appender {
                file,
                path: path.to_path_buf(),
                len,
            },
            diagnostic,
        ))
    }

    /// Appends `bytes` (whole lines, each ending in `\n`) with a single write. If the write
    /// fails half-way (disk full), the file is cut back to where it was.
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), StoreError> {
        debug_assert!(bytes.is_empty() || bytes.ends_with(b"\n"));
        match self.file.write_all(bytes).and_then(|()| self.file.flush()) {
            Ok(()) => {
                self.len += bytes.len() as u64;
                Ok(())
            }
            Err(e) => {
                let _ = self.file.set_len(self.len);
                Err(StoreError::io(&self.path, e))
            }
        }
    }

    /// Forces what was appended to stable storage.
    pub fn sync(&self) -> Result<(), StoreError> {
        self.file
            .sync_data()
            .map_err(|e| StoreError::io(&self.path, e))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Cuts an incomplete last line (or completes a whole one that lost its newline).
fn repair_tail(file: &mut File, path: &Path) -> Result<Option<Diagnostic>, StoreError> {
    let len = file.metadata().map_err(|e| StoreError::io(path, e))?.len();
    if len == 0 {
        return Ok(None);
    }
    let io = |e| StoreError::io(path, e);
    let mut last = [0u8; 1];
    file.seek(SeekFrom::Start(len - 1)).map_err(io)?;
    file.read_exact(&mut last).map_err(io)?;
    if last[0] == b'\n' {
        return Ok(None);
    }
    // Find the start of the last line, reading backwards in blocks.
    let mut start = 0u64;
    let mut pos = len;
    let mut block = vec![0u8; 1 << 16];
    'search: while pos > 0 {
        let size = (block.len() as u64).min(pos);
        pos -= size;
        file.seek(SeekFrom::Start(pos)).map_err(io)?;
        file.read_exact(&mut block[..size as usize]).map_err(io)?;
        if let Some(i) = block[..size as usize].iter().rposition(|&b| b == b'\n') {
            start = pos + i as u64 + 1;
            break 'search;
        }
    }
    let mut tail = Vec::with_capacity((len - start) as usize);
    file.seek(SeekFrom::Start(start)).map_err(io)?;
    Read::by_ref(file)
        .take(len - start)
        .read_to_end(&mut tail)
        .map_err(io)?;
    if serde_json::from_slice::<serde::de::IgnoredAny>(&tail).is_ok() {
        file.write_all(b"\n").map_err(io)?;
        file.flush().map_err(io)?;
        return Ok(None);
    }
    let line = count_lines_before(file, start, path)? + 1;
    file.set_len(start).map_err(io)?;
    file.sync_data().map_err(io)?;
    Ok(Some(Diagnostic {
        path: path.to_path_buf(),
        line,
        kind: DiagnosticKind::TornLine,
    }))
}

fn count_lines_before(file: &mut File, end: u64, path: &Path) -> Result<usize, StoreError> {
    file.seek(SeekFrom::Start(0))
        .map_err(|e| StoreError::io(path, e))?;
    let mut reader = Read::by_ref(file).take(end);
    let mut block = vec![0u8; 1 << 16];
    let mut count = 0;
    loop {
        let n = reader
            .read(&mut block)
            .map_err(|e| StoreError::io(path, e))?;
        if n == 0 {
            return Ok(count);
        }
        count += block[..n].iter().filter(|&&b| b == b'\n').count();
    }
}

/// Replaces `path` with `bytes` atomically: temp file in the same folder, `fsync`, `rename`,
/// then `fsync` of the folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e: std::io::Error| {
        let _ = std::fs::remove_file(&tmp);
        StoreError::io(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(path: &Path) -> (Vec<String>, Vec<Diagnostic>) {
        let mut lines = Vec::new();
        let diags = read_lines(path, |_, l| {
            serde_json::from_slice::<serde_json::Value>(l).map_err(|e| e.to_string())?;
            lines.push(String::from_utf8(l.to_vec()).unwrap());
            Ok(())
        })
        .unwrap();
        (lines, diags)
    }

    /// Issue 13: a reader never reports as torn a line another process is appending.
    #[test]
    fn a_line_being_appended_is_waited_for_not_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        std::fs::write(&path, "{\"a\":1}\n{\"b\":").unwrap();
        let writer = {
            let path = path.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(5));
                let mut f = OpenOptions::new().append(true).open(&path).unwrap();
                f.write_all(b"2}\n").unwrap();
            })
        };
        let (lines, diags) = read_all(&path);
        writer.join().unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(lines, ["{\"a\":1}", "{\"b\":2}"]);
    }

    #[test]
    fn every_complete_line_survives_any_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        let content = "{\"a\":1}\n{\"b\":\"æøå\"}\n{\"c\":[1,2,3]}\n";
        for cut in 0..=content.len() {
            let prefix = &content.as_bytes()[..cut];
            std::fs::write(&path, prefix).unwrap();
            let complete = prefix.iter().filter(|&&b| b == b'\n').count();
            let (lines, diags) = read_all(&path);
            // A cut right before a newline leaves a whole object: it is kept.
            let whole_tail = cut > 0 && prefix.ends_with(b"}");
            assert_eq!(
                lines.len(),
                complete + usize::from(whole_tail),
                "cut at {cut}"
            );
            let torn = cut > 0 && !prefix.ends_with(b"\n") && !whole_tail;
            assert_eq!(diags.len(), usize::from(torn), "cut at {cut}");
            if torn {
                assert_eq!(diags[0].kind, DiagnosticKind::TornLine);
                assert_eq!(diags[0].line, complete + 1);
            }
            // Opening for append repairs the tail, and appending after it works.
            let (mut app, diag) = Appender::open(&path).unwrap();
            assert_eq!(diag.is_some(), torn, "cut at {cut}");
            app.append(b"{\"z\":0}\n").unwrap();
            let (lines, diags) = read_all(&path);
            assert!(diags.is_empty(), "cut at {cut}: {diags:?}");
            assert_eq!(lines.len(), complete + usize::from(whole_tail) + 1);
            assert_eq!(lines.last().unwrap(), "{\"z\":0}");
        }
    }

    #[test]
    fn malformed_middle_line_is_reported_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, "{\"a\":1}\r\nnot json\n\n{\"b\":2}\n").unwrap();
        let (lines, diags) = read_all(&path);
        assert_eq!(lines, vec!["{\"a\":1}", "{\"b\":2}"]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 2);
        assert!(matches!(diags[0].kind, DiagnosticKind::Malformed(_)));
        assert!(
            diags[0]
                .to_string()
                .starts_with(&format!("{}:2: ", path.display()))
        );
    }

    #[test]
    fn long_torn_line_is_found_across_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        let long = format!("{{\"a\":\"{}\"", "x".repeat(200_000));
        std::fs::write(&path, format!("{{\"ok\":1}}\n{long}")).unwrap();
        let (mut app, diag) = Appender::open(&path).unwrap();
        assert_eq!(diag.unwrap().line, 2);
        app.append(b"{\"ok\":2}\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"ok\":1}\n{\"ok\":2}\n"
        );
    }

    #[test]
    fn atomic_write_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("f.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }
}
