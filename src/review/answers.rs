//! The review queue as a text file: what `litscope dedup --list-uncertain` prints and
//! `litscope dedup --answers FILE` reads, so a script (or a text editor) can answer it.
//!
//! ```text
//! # comment lines and blank lines are ignored
//! crossref:10.1371/journal.pone.0033693 cristin:2107487 y
//! 5t0mhckng54j imdpfngphhgu n
//! crossref:10.1/x nva:01907 ?
//! ```
//!
//! One pair per line: two record names and an answer, separated by whitespace. A name is a
//! source key `SOURCE:SOURCE_ID` (as `export` shows in `source_ids`) or a 12-character
//! record id. The answer is `y` / `yes` (the same work: merge), `n` / `no` (different works:
//! never merge), or `?` / `s` / `skip` (no answer; the pair stays in the queue). Anything
//! after a `#` that follows the answer is a comment. Parsing is all or nothing: one bad line
//! and nothing is stored.

use std::path::{Path, PathBuf};

/// One answer line, names not yet resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerLine {
    /// 1-based line number.
    pub line: usize,
    /// The first record's name.
    pub a: String,
    /// The second record's name.
    pub b: String,
    /// `Some(true)` same work, `Some(false)` different works, `None` skipped.
    pub duplicate: Option<bool>,
}

/// A line that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct AnswerError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong and how to write it.
    pub message: String,
}

/// Parses an answers file's text (`path` names it in errors).
pub fn parse(path: &Path, text: &str) -> Result<Vec<AnswerLine>, AnswerError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let err = |message: String| AnswerError {
            path: path.to_path_buf(),
            line,
            message,
        };
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let content = match content.find(" #").or_else(|| content.find("\t#")) {
            Some(i) => &content[..i],
            None => content,
        };
        let fields: Vec<&str> = content.split_whitespace().collect();
        let [a, b, answer] = fields[..] else {
            return Err(err(format!(
                "expected `ID_A ID_B y|n|?`, found {} field{}",
                fields.len(),
                if fields.len() == 1 { "" } else { "s" }
            )));
        };
        let duplicate = match answer.to_ascii_lowercase().as_str() {
            "y" | "yes" => Some(true),
            "n" | "no" => Some(false),
            "?" | "s" | "skip" => None,
            other => {
                return Err(err(format!(
                    "answer `{}` is not y, n or ? (skip)",
                    crate::text::for_terminal(other)
                )));
            }
        };
        if a == b {
            return Err(err(format!(
                "`{}` is paired with itself",
                crate::text::for_terminal(a)
            )));
        }
        out.push(AnswerLine {
            line,
            a: a.into(),
            b: b.into(),
            duplicate,
        });
    }
    Ok(out)
}

/// The header of a listing: how to answer it.
pub const LISTING_HEADER: &str = "\
# litscope dedup: uncertain pairs waiting for review.
# Replace each `?` with y (the same work) or n (different works), keep ? to skip, then run
#   litscope dedup --answers THIS_FILE
";

/// A name usable in the file for a record: its source key, or its record id when the key
/// holds whitespace or anything unsafe to show on a terminal.
pub fn name<'a>(key: &'a str, id: &'a str) -> &'a str {
    if key.chars().any(char::is_whitespace) || crate::text::for_terminal(key) != key {
        id
    } else {
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_comments_and_skips_are_read() {
        let text = "# header\n\ncrossref:10.1/a cristin:7 y\n  aaaaaaaaaaaa\tbbbbbbbbbbbb  NO  # checked\nx:1 x:2 ?\n";
        let lines = parse(Path::new("a.txt"), text).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0],
            AnswerLine {
                line: 3,
                a: "crossref:10.1/a".into(),
                b: "cristin:7".into(),
                duplicate: Some(true)
            }
        );
        assert_eq!((lines[1].line, lines[1].duplicate), (4, Some(false)));
        assert_eq!(lines[2].duplicate, None);
    }

    #[test]
    fn a_bad_line_names_the_file_and_line() {
        for (text, line, says) in [
            (
                "x:1 x:2 y\nx:1 x:2 maybe\n",
                2,
                "answer `maybe` is not y, n or ?",
            ),
            ("x:1 y\n", 1, "expected `ID_A ID_B y|n|?`, found 2 fields"),
            ("\n\nx:1 x:1 n\n", 3, "paired with itself"),
            ("x:\u{1b}[2J x:\u{1b}[2J n\n", 1, "paired with itself"),
        ] {
            let e = parse(Path::new("answers.txt"), text).unwrap_err();
            assert_eq!(e.line, line);
            let shown = e.to_string();
            assert!(
                shown.starts_with(&format!("answers.txt:{line}: ")),
                "{shown}"
            );
            assert!(shown.contains(says), "{shown}");
            assert!(!shown.contains('\u{1b}'), "sanitised: {shown:?}");
        }
    }

    #[test]
    fn names_fall_back_to_the_id_when_the_key_has_spaces() {
        assert_eq!(name("x:a b", "aaaaaaaaaaaa"), "aaaaaaaaaaaa");
        assert_eq!(name("x:ab", "aaaaaaaaaaaa"), "x:ab");
        assert_eq!(name("x:a\u{1b}[2Jb", "aaaaaaaaaaaa"), "aaaaaaaaaaaa");
    }
}
