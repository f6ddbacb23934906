//! Where output goes: data on stdout (text or exactly one JSON document), summaries of what a
//! command did on stdout too, talk on stderr (status lines; `--quiet` silences them and the
//! summaries, not warnings and errors), progress bars only when stderr is a terminal, colours
//! only on a terminal and never with `NO_COLOR`.

use super::CliError;
use indicatif::{MultiProgress, ProgressDrawTarget};
use serde::Serialize;
use std::io::{IsTerminal, Write};

/// `--format` of reporting commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// One JSON document on stdout.
    Json,
}

/// The terminal, as commands see it.
#[derive(Debug, Clone)]
pub struct Ui {
    quiet: bool,
    color: bool,
    stderr_tty: bool,
}

impl Ui {
    /// Looks at stderr and `NO_COLOR`.
    pub fn new(quiet: bool) -> Self {
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Ui {
            quiet,
            color: stderr_tty && !no_color && !dumb,
            stderr_tty,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    }

    /// A status line on stderr (silenced by `--quiet`).
    pub fn status(&self, line: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    }

    /// A summary of what a command did, on stdout (silenced by `--quiet`, like status lines:
    /// what was asked for, such as search hits or `--format json`, is printed with
    /// [`print_text`] instead).
    pub fn summary(&self, text: &str) -> Result<(), CliError> {
        if self.quiet { Ok(()) } else { print_text(text) }
    }

    /// A warning on stderr (always shown).
    pub fn warn(&self, line: &str) {
        let _ = writeln!(
            std::io::stderr(),
            "{} {}",
            self.paint("1;33", "warning:"),
            one_line(line)
        );
    }

    /// An error on stderr: one line.
    pub fn error(&self, line: &str) {
        let _ = writeln!(
            std::io::stderr(),
            "{} {}",
            self.paint("1;31", "error:"),
            one_line(line)
        );
    }

    /// Bold text for headings on stderr-bound text, when colours are on.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// A set of progress bars: drawn only when stderr is a terminal and not `--quiet`.
    pub fn progress(&self) -> MultiProgress {
        if self.stderr_tty && !self.quiet {
            MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10))
        } else {
            MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
        }
    }

    /// True when colours are on (a terminal, no `NO_COLOR`).
    pub fn colors(&self) -> bool {
        self.color
    }

    /// True when progress bars are drawn.
    pub fn shows_progress(&self) -> bool {
        self.stderr_tty && !self.quiet
    }
}

/// Replaces line breaks so a message stays on one line.
pub fn one_line(s: &str) -> String {
    let s = crate::text::for_terminal(s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes `text` to stdout.
pub fn print_text(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::from_stdout)
}

/// Writes one JSON document (and a newline) to stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|e| CliError::Runtime(e.to_string()))?;
    text.push('\n');
    print_text(&text)
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Pads or cuts `s` to `width` display characters.
pub fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        format!("{s}{}", " ".repeat(width - n))
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_and_column_formatting() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(one_line("a\nb\u{1b}[31m c"), "a b c");
    }
}
