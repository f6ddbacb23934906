//! Reading an export file from disk without holding all of it: memory grows with one record
//! plus the output, not with the file.
//!
//! Two passes over the file. [`survey`] reads it once in blocks for its SHA-256 (the
//! duplicate-file check and the stable source ids need it before any record is built) and
//! for whether its bytes are valid UTF-8 (the Windows-1252 fallback is decided for the whole
//! file). [`read_path`] then reads it again in blocks and hands the parser one piece at a
//! time, each piece ending just before a record's start, where a parser starts afresh: for
//! RIS a `TY` line (not after an `ER`: Ovid writes lines after it that belong to the record
//! before). The pieces decode, parse and number their lines exactly as
//! the whole file would ([`super::decode::ChunkDecoder`]). Formats whose records cannot be
//! cut that cheaply (BibTeX, CSV, XML, …) and UTF-16 files are read whole, as
//! [`super::read_file`] does.

use super::decode::ChunkDecoder;
use super::{Diagnostic, FileReport, Format, ImportError, RecordBuilder, detect, read_file};
use crate::model::Record;
use std::io::Read;
use std::path::Path;

/// Bytes read from the file at a time.
const BLOCK: usize = 1 << 20;

/// What the first pass found.
#[derive(Debug, Clone)]
pub struct Survey {
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// True when the whole file is valid UTF-8.
    pub valid_utf8: bool,
    /// The bytes, when the file cannot be read a second time (a pipe, `<(…)`).
    held: Option<Vec<u8>>,
}

/// Reads the file once: its SHA-256 and whether it is valid UTF-8.
pub fn survey(path: &Path) -> std::io::Result<Survey> {
    survey_in_blocks(path, BLOCK)
}

fn survey_in_blocks(path: &Path, block: usize) -> std::io::Result<Survey> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        // A pipe can be read only once: hold what it gives.
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        return Ok(Survey {
            sha256: super::hex(&Sha256::digest(&bytes)),
            valid_utf8: std::str::from_utf8(&bytes).is_ok(),
            held: Some(bytes),
        });
    }
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; block];
    // Bytes of a UTF-8 sequence cut by the end of a block, checked with the next block.
    let mut carry: Vec<u8> = Vec::new();
    let mut valid_utf8 = true;
    loop {
        let n = read_some(&mut file, &mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        if valid_utf8 {
            let joined;
            let bytes = if carry.is_empty() {
                &buf[..n]
            } else {
                carry.extend_from_slice(&buf[..n]);
                joined = std::mem::take(&mut carry);
                &joined[..]
            };
            match std::str::from_utf8(bytes) {
                Ok(_) => {}
                // An incomplete sequence at the end: the next block may complete it.
                Err(e) if e.error_len().is_none() => carry = bytes[e.valid_up_to()..].to_vec(),
                Err(_) => valid_utf8 = false,
            }
        }
    }
    Ok(Survey {
        sha256: super::hex(&hasher.finalize()),
        valid_utf8: valid_utf8 && carry.is_empty(),
        held: None,
    })
}

/// Fills `buf` as far as the file allows; 0 at the end.
fn read_some(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// True for the formats read in pieces.
fn streams(format: Format) -> bool {
    format == Format::Ris
}

/// Where a piece of `bytes` may end: at the start of the last line that opens a record (for
/// RIS, a `TY` line, before which the parser hands on the record before it, with any lines
/// Ovid writes after its `ER`), looking only at lines that end at `from` or later and start
/// after the piece's first byte. `None` when there is none.
fn cut(bytes: &[u8], from: usize) -> Option<usize> {
    for nl in memchr::memrchr_iter(b'\n', &bytes[from..]).map(|p| p + from) {
        let start = memchr::memrchr(b'\n', &bytes[..nl]).map_or(0, |p| p + 1);
        let line = &bytes[start..nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if start > 0 && memchr::memchr(b'\r', line).is_none() && is_ty_line(line) {
            return Some(start);
        }
    }
    None
}

/// A RIS line that opens a record (`TY  - JOUR`), as [`super::ris`] reads it.
fn is_ty_line(line: &[u8]) -> bool {
    line.starts_with(b"TY")
        && std::str::from_utf8(line).is_ok_and(|l| {
            super::ris::is_tag_line(l.trim_end()).is_some_and(|(tag, _)| tag == "TY")
        })
}

/// Reads one export file from disk, calling `on_record` per record built (in file order);
/// `file` names it in errors. Streams the formats it can cut into records (RIS), else reads it whole. A file
/// that fits no format is refused from its first lines, without reading the rest.
pub fn read_path(
    file: &str,
    path: &Path,
    survey: Survey,
    builder: &mut RecordBuilder,
    on_record: &mut dyn FnMut(Record),
) -> Result<FileReport, ImportError> {
    match survey.held {
        Some(bytes) => read_file(file, bytes, builder, on_record),
        None => read_in_blocks(file, path, &survey, builder, on_record, BLOCK),
    }
}

fn read_in_blocks(
    file: &str,
    path: &Path,
    survey: &Survey,
    builder: &mut RecordBuilder,
    on_record: &mut dyn FnMut(Record),
    block: usize,
) -> Result<FileReport, ImportError> {
    let io = |e: std::io::Error| ImportError::Read {
        file: file.to_string(),
        message: e.to_string(),
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut pending: Vec<u8> = Vec::with_capacity(2 * block);
    let mut at_end = false;
    // Enough of the start to tell the format exactly as from the whole text: `detect` looks
    // at the first 200 lines.
    while !at_end && memchr::memchr_iter(b'\n', &pending).nth(200).is_none() {
        at_end = fill(&mut f, &mut pending, block).map_err(io)?;
    }
    let mut streamed = None;
    if let Some(decoder) = ChunkDecoder::new(&pending, survey.valid_utf8) {
        let head_end = if at_end {
            pending.len()
        } else {
            memchr::memrchr(b'\n', &pending).map_or(0, |p| p + 1)
        };
        let head = decoder.clone().decode(&pending[..head_end]);
        match detect(&head) {
            Some(format) => streamed = streams(format).then_some((decoder, format)),
            // The format is told from the head alone, so the rest need not be read to refuse
            // the file (a large image or archive), unless all of the head is blank.
            None if at_end || !super::sniff::is_blank(&head) => {
                return Err(super::unknown(file, &head, pending.len() as u64));
            }
            None => {}
        }
    }
    let Some((mut decoder, format)) = streamed else {
        f.read_to_end(&mut pending).map_err(io)?;
        return read_file(file, pending, builder, on_record);
    };
    let mut read = 0u64;
    let mut skipped: Vec<Diagnostic> = Vec::new();
    let mut lines_before = 0usize;
    let mut repaired = super::RepairCount::default();
    // Lines ending before this offset of `pending` are known not to close a record.
    let mut scanned = 0;
    while !(at_end && pending.is_empty()) {
        let end = if at_end {
            pending.len()
        } else if let Some(end) = cut(&pending, scanned) {
            end
        } else {
            scanned = pending.len();
            at_end = fill(&mut f, &mut pending, block).map_err(io)?;
            continue;
        };
        let text = decoder.decode(&pending[..end]);
        super::parse(format, &text, &mut |r| {
            read += 1;
            match r {
                Ok(mut entry) => {
                    entry.line += lines_before;
                    repaired.add(&entry);
                    on_record(builder.build(entry));
                }
                Err(mut d) => {
                    d.line += lines_before;
                    skipped.push(d);
                }
            }
        });
        lines_before += memchr::memchr_iter(b'\n', text.as_bytes()).count();
        drop(text);
        pending.drain(..end);
        scanned = pending.len();
        if !at_end {
            at_end = fill(&mut f, &mut pending, block).map_err(io)?;
        }
    }
    let (encoding, mut repairs) = decoder.finish();
    repairs.extend(repaired.lines());
    Ok(FileReport {
        format,
        encoding,
        repairs,
        read,
        skipped,
    })
}

/// Appends up to a block of the file to `pending`; true at the end of the file.
fn fill(f: &mut std::fs::File, pending: &mut Vec<u8>, block: usize) -> std::io::Result<bool> {
    let old = pending.len();
    pending.resize(old + block, 0);
    let n = read_some(f, &mut pending[old..])?;
    pending.truncate(old + n);
    Ok(n == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record, report and diagnostic of a file read in pieces of `block` bytes.
    fn streamed(path: &Path, block: usize) -> (String, String, Survey) {
        let survey = survey_in_blocks(path, block).expect("survey");
        let mut b = RecordBuilder::new("db", "run", &survey.sha256, jiff::Timestamp::UNIX_EPOCH);
        let mut records = String::new();
        let report = read_in_blocks(
            "f",
            path,
            &survey,
            &mut b,
            &mut |r| {
                records.push_str(&serde_json::to_string(&r).expect("json"));
            },
            block,
        );
        (records, format!("{report:?}"), survey)
    }

    fn whole(bytes: &[u8]) -> (String, String) {
        let mut b = RecordBuilder::new("db", "run", &sha(bytes), jiff::Timestamp::UNIX_EPOCH);
        let mut records = String::new();
        let report = read_file("f", bytes.to_vec(), &mut b, &mut |r| {
            records.push_str(&serde_json::to_string(&r).expect("json"));
        });
        (records, format!("{report:?}"))
    }

    fn sha(bytes: &[u8]) -> String {
        use sha2::{Digest, Sha256};
        crate::import::hex(&Sha256::digest(bytes))
    }

    /// Read in pieces of any size, every RIS file gives what it gives read whole: the same
    /// records, lines in diagnostics, encoding and repairs (CRLF, CR, BOM, Windows-1252, NUL,
    /// missing ER, a UTF-8 sequence cut by a block), and the same SHA-256.
    #[test]
    fn pieces_read_like_the_whole_file() {
        let dir = crate::testutil::shared_dir().join("fixtures/exports/ris");
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for f in std::fs::read_dir(&dir).expect("shared fixtures") {
            let bytes = std::fs::read(f.expect("entry").path()).expect("fixture");
            inputs.push(bytes[..bytes.len().min(30_000)].to_vec());
        }
        let base = "TY  - JOUR\nTI  - Søren’s æøå\nAU  - Ødegård, Å.\nER  - \n\nTY  - JOUR\nER  -\nTY  - BOOK\nTI  - no end\nTY  - JOUR\nTI  - last\n";
        inputs.push(base.as_bytes().to_vec());
        inputs.push(base.replace('\n', "\r\n").into_bytes());
        inputs.push(base.replace('\n', "\r").into_bytes());
        inputs.push([b"\xEF\xBB\xBF".as_slice(), base.as_bytes()].concat());
        inputs.push(base.replace("Søren’s", "S\u{0}ren").into_bytes());
        let mut latin = base.as_bytes().to_vec();
        latin.extend(b"TY  - JOUR\nTI  - caf\xe9\nER  - \n");
        inputs.push(latin.clone());
        inputs.push([b"\xEF\xBB\xBF".as_slice(), &latin].concat());
        inputs.push(b"not an export\n".to_vec());
        inputs.push(Vec::new());
        assert_pieces_read_like_the_whole_file(&inputs);
    }

    /// What Ovid writes after an `ER` (an `NL` line, a `Link to …` line, a number line) stays
    /// with its record however the file is cut into pieces, and so do records that lost
    /// their `TY` line: a piece ends before a `TY` line, not after an `ER`.
    #[test]
    fn lines_after_er_read_in_pieces_like_the_whole_file() {
        let ovid = include_bytes!("../../tests/fixtures/import/ovid_psycinfo.ris");
        let orphans = "TY  - JOUR\nTI  - a\nER  -\nNL  - x\n\nTI  - b\nER  -\nTY  - JOUR\nTI  - c\nER  -  \nNL  - y\n  more\n\nLink to the Ovid Full Text: z\n\n2. \nTY  - JOUR\nTI  - d\nER  -\n";
        // Longer than the head (`detect` reads 200 lines before any piece is cut).
        let ovid = String::from_utf8_lossy(ovid).repeat(5);
        let orphans = orphans.repeat(30);
        let inputs = [
            ovid.as_bytes().to_vec(),
            ovid.replace('\n', "\r\n").into_bytes(),
            orphans.as_bytes().to_vec(),
            orphans.replace('\n', "\r").into_bytes(),
            [b"\xEF\xBB\xBF".as_slice(), orphans.as_bytes()].concat(),
        ];
        assert_pieces_read_like_the_whole_file(&inputs);
    }

    fn assert_pieces_read_like_the_whole_file(inputs: &[Vec<u8>]) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("f.ris");
        for input in inputs {
            std::fs::write(&path, input).expect("write");
            let want = whole(input);
            for block in [1, 3, 64, 4096, BLOCK] {
                let (records, report, survey) = streamed(&path, block);
                assert_eq!((&records, &report), (&want.0, &want.1), "block {block}");
                assert_eq!(survey.sha256, sha(input));
                assert_eq!(survey.valid_utf8, std::str::from_utf8(input).is_ok());
            }
        }
    }
}
