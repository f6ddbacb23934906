//! Bytes of an export file → text: the encoding recognised from the bytes (UTF-8 with or
//! without BOM, UTF-16 LE/BE with or without BOM, Windows-1252 when the bytes are not UTF-8)
//! and every line ending (LF, CRLF, CR, mixed) turned into `\n`.
//!
//! Why by hand: the whole decision needs a few hundred bytes of evidence and a 32-entry
//! table, and the report of what was repaired (the fallback, the line endings) is part of
//! the import summary, so it must be known exactly.

use std::borrow::Cow;
use std::fmt;

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a BOM, if any, is reported separately).
    Utf8,
    /// UTF-16 little endian.
    Utf16Le,
    /// UTF-16 big endian.
    Utf16Be,
    /// Windows-1252 (a superset of Latin-1), used when the bytes are not valid UTF-8.
    Windows1252,
}

impl Encoding {
    /// The name used in summaries and JSON (`utf-8`, `utf-16le`, `utf-16be`, `windows-1252`).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Decoded text and what was done to get it.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, with `\n` line endings only and no BOM.
    pub text: String,
    /// The encoding recognised.
    pub encoding: Encoding,
    /// True when the file started with a byte-order mark.
    pub bom: bool,
    /// What was repaired, in words (`decoded as windows-1252: not valid UTF-8`, `CR line
    /// endings converted`), empty when nothing was.
    pub repairs: Vec<String>,
}

impl Decoded {
    /// `utf-8`, `utf-8-bom`, `utf-16le-bom`, `windows-1252`: the encoding as reported.
    pub fn encoding_label(&self) -> String {
        if self.bom {
            format!("{}-bom", self.encoding.name())
        } else {
            self.encoding.name().to_string()
        }
    }
}

/// Decodes a whole file. Never fails: bytes that fit no encoding are read as Windows-1252,
/// where every byte is a character.
pub fn decode(bytes: &[u8]) -> Decoded {
    decode_owned(bytes.to_vec())
}

/// Like [`decode`], reusing the buffer for UTF-8 input so a large file is not held twice.
pub fn decode_owned(mut bytes: Vec<u8>) -> Decoded {
    let mut repairs = Vec::new();
    let plain_utf8 = !bytes.starts_with(b"\xFF\xFE")
        && !bytes.starts_with(b"\xFE\xFF")
        && utf16_without_bom(&bytes).is_none();
    if plain_utf8 {
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        if bom {
            bytes.drain(..3);
        }
        match String::from_utf8(bytes) {
            Ok(text) => return finish(text, Encoding::Utf8, bom, repairs),
            Err(e) => bytes = e.into_bytes(),
        }
        if bom {
            repairs.push("not valid UTF-8 after its BOM: invalid bytes replaced".into());
            let text = String::from_utf8_lossy(&bytes).into_owned();
            return finish(text, Encoding::Utf8, true, repairs);
        }
    }
    let bytes = &bytes[..];
    let (text, encoding, bom) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(s) => (s.to_string(), Encoding::Utf8, true),
            Err(_) => {
                repairs.push("not valid UTF-8 after its BOM: invalid bytes replaced".into());
                (
                    String::from_utf8_lossy(rest).into_owned(),
                    Encoding::Utf8,
                    true,
                )
            }
        }
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (utf16(rest, true), Encoding::Utf16Le, true)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (utf16(rest, false), Encoding::Utf16Be, true)
    } else if let Some(little) = utf16_without_bom(bytes) {
        let enc = if little {
            Encoding::Utf16Le
        } else {
            Encoding::Utf16Be
        };
        (utf16(bytes, little), enc, false)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), Encoding::Utf8, false),
            Err(_) => {
                repairs.push("decoded as windows-1252: the bytes are not valid UTF-8".into());
                (windows_1252(bytes), Encoding::Windows1252, false)
            }
        }
    };
    finish(text, encoding, bom, repairs)
}

fn finish(text: String, encoding: Encoding, bom: bool, mut repairs: Vec<String>) -> Decoded {
    let (text, ending) = normalize_line_endings(text);
    if let Some(ending) = ending {
        repairs.push(format!("{ending} line endings converted to LF"));
    }
    let text = if text.contains('\0') {
        repairs.push("NUL characters removed".into());
        text.replace('\0', "")
    } else {
        text
    };
    Decoded {
        text,
        encoding,
        bom,
        repairs,
    }
}

/// UTF-16 without a BOM, recognised from the zero bytes of ASCII text: `Some(true)` for
/// little endian (zeros at odd positions), `Some(false)` for big endian.
fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if odd * 10 >= pairs * 3 && even * 20 < pairs {
        Some(true)
    } else if even * 10 >= pairs * 3 && odd * 20 < pairs {
        Some(false)
    } else {
        None
    }
}

fn utf16(bytes: &[u8], little: bool) -> String {
    let units = bytes.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Windows-1252: Latin-1 except 0x80–0x9F, which hold typographic characters.
pub fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// CRLF and lone CR → LF. Returns the text and, when anything changed, which endings were
/// found (`CRLF`, `CR`, `mixed CRLF/CR`).
fn normalize_line_endings(text: String) -> (String, Option<&'static str>) {
    let mut counts = (0, 0);
    let text = convert_line_endings(text, &mut counts);
    (text, endings_found(counts))
}

/// Which line endings were converted, from the counts of CRLF and of lone CR.
fn endings_found((crlf, cr): (usize, usize)) -> Option<&'static str> {
    match (crlf > 0, cr > 0) {
        (false, false) => None,
        (true, false) => Some("CRLF"),
        (false, true) => Some("CR"),
        _ => Some("mixed CRLF/CR"),
    }
}

/// CRLF and lone CR → LF, adding to the counts of (CRLF, lone CR) found.
fn convert_line_endings(text: String, counts: &mut (usize, usize)) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    let b = text.as_bytes();
    // CR and LF are ASCII, so working on bytes keeps the UTF-8 valid.
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\r' {
            out.push(b'\n');
            if b.get(i + 1) == Some(&b'\n') {
                counts.0 += 1;
                i += 1;
            } else {
                counts.1 += 1;
            }
        } else {
            out.push(b[i]);
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Decodes a file piece by piece (each piece ending at a line end, the way
/// [`super::stream`] cuts them), giving the same text and the same report as [`decode`] of
/// the whole file. UTF-16 files are not read this way (see [`ChunkDecoder::new`]).
#[derive(Debug, Clone)]
pub struct ChunkDecoder {
    encoding: Encoding,
    bom: bool,
    /// The bytes are not valid UTF-8 after a BOM: invalid sequences are replaced.
    lossy: bool,
    /// No piece decoded yet (a BOM is only at the start).
    first: bool,
    endings: (usize, usize),
    nul: bool,
}

impl ChunkDecoder {
    /// A decoder for a file that starts with `head` (at least its first 4 KiB, or all of it)
    /// and whose bytes are, as a whole, `valid_utf8` or not. `None` for UTF-16, whose pieces
    /// cannot be cut at a byte the way UTF-8 and single-byte text can.
    pub fn new(head: &[u8], valid_utf8: bool) -> Option<Self> {
        if head.starts_with(b"\xFF\xFE")
            || head.starts_with(b"\xFE\xFF")
            || utf16_without_bom(head).is_some()
        {
            return None;
        }
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        Some(ChunkDecoder {
            encoding: if valid_utf8 || bom {
                Encoding::Utf8
            } else {
                Encoding::Windows1252
            },
            bom,
            lossy: bom && !valid_utf8,
            first: true,
            endings: (0, 0),
            nul: false,
        })
    }

    /// The text of the next piece of the file.
    pub fn decode<'a>(&mut self, mut bytes: &'a [u8]) -> Cow<'a, str> {
        if std::mem::take(&mut self.first) && self.bom {
            bytes = &bytes[3.min(bytes.len())..];
        }
        let text = match self.encoding {
            Encoding::Windows1252 => Cow::Owned(windows_1252(bytes)),
            // Checking is much faster than the lossy decoder, and almost every file is valid.
            _ => match std::str::from_utf8(bytes) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
            },
        };
        // The usual piece, valid UTF-8 with LF only and no NUL, is used as it is.
        let text = if memchr::memchr(b'\r', text.as_bytes()).is_some() {
            Cow::Owned(convert_line_endings(text.into_owned(), &mut self.endings))
        } else {
            text
        };
        if memchr::memchr(0, text.as_bytes()).is_some() {
            self.nul = true;
            return Cow::Owned(text.replace('\0', ""));
        }
        text
    }

    /// The encoding as reported (see [`Decoded::encoding_label`]) and what was repaired, in
    /// the words and order of [`decode`].
    pub fn finish(self) -> (String, Vec<String>) {
        let mut repairs = Vec::new();
        if self.lossy {
            repairs.push("not valid UTF-8 after its BOM: invalid bytes replaced".into());
        }
        if self.encoding == Encoding::Windows1252 {
            repairs.push("decoded as windows-1252: the bytes are not valid UTF-8".into());
        }
        if let Some(ending) = endings_found(self.endings) {
            repairs.push(format!("{ending} line endings converted to LF"));
        }
        if self.nul {
            repairs.push("NUL characters removed".into());
        }
        let label = Decoded {
            text: String::new(),
            encoding: self.encoding,
            bom: self.bom,
            repairs: Vec::new(),
        }
        .encoding_label();
        (label, repairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for u in s.encode_utf16() {
            v.extend(u.to_le_bytes());
        }
        v
    }

    fn utf16be(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
        for u in s.encode_utf16() {
            v.extend(u.to_be_bytes());
        }
        v
    }

    #[test]
    fn every_encoding_and_bom_is_recognised() {
        let text = "TY  - JOUR\nTI  - Søren Kierkegaard’s æøå\nER  - \n";
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (text.as_bytes().to_vec(), "utf-8"),
            (
                [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                "utf-8-bom",
            ),
            (utf16le(text, true), "utf-16le-bom"),
            (utf16le(text, false), "utf-16le"),
            (utf16be(text, true), "utf-16be-bom"),
            (utf16be(text, false), "utf-16be"),
        ];
        for (bytes, label) in cases {
            let d = decode(&bytes);
            assert_eq!(d.encoding_label(), label);
            assert_eq!(d.text, text, "{label}");
            assert!(d.repairs.is_empty(), "{label}: {:?}", d.repairs);
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_read_as_windows_1252_and_reported() {
        let d = decode(b"abstract = {25\xB0 C \x93quoted\x94 \x80}");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert_eq!(d.text, "abstract = {25° C “quoted” €}");
        assert!(d.repairs[0].contains("windows-1252"));
    }

    #[test]
    fn every_line_ending_becomes_lf() {
        for (input, kind) in [
            ("a\r\nb\r\n", Some("CRLF")),
            ("a\rb\r", Some("CR")),
            ("a\r\nb\rc\n", Some("mixed CRLF/CR")),
            ("a\nb\n", None),
        ] {
            let d = decode(input.as_bytes());
            assert_eq!(
                d.text.replace('c', ""),
                "a\nb\n".to_string()
                    + if kind == Some("mixed CRLF/CR") {
                        "\n"
                    } else {
                        ""
                    }
            );
            match kind {
                Some(k) => assert_eq!(d.repairs, [format!("{k} line endings converted to LF")]),
                None => assert!(d.repairs.is_empty()),
            }
        }
    }
}
