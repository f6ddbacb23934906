//! The text output of `litscope search`: one line per hit (rank, score, year, first
//! author, title with its matching words highlighted, sources) and the abstract snippet
//! below it. Everything from stored text is cleaned of control characters piece by piece,
//! so only the highlight's own colour codes reach the terminal.

use super::output::fit;
use crate::index::{Marked, Results};

/// The text table: rank, score, year, first author, title (matches highlighted), sources,
/// then the snippet indented below.
pub(super) fn table(r: &Results, color: bool) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:>4}  {:>6}  {:4}  {:18}  {:60}  {}\n",
        "#", "score", "year", "first author", "title", "sources"
    ));
    for (i, h) in r.hits.iter().enumerate() {
        let author = h
            .doc
            .authors
            .first()
            .map(|a| a.split(',').next().unwrap_or(a).trim().to_string())
            .unwrap_or_default();
        let year = h.doc.year.map(|y| y.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{:>4}  {:>6.2}  {:4}  {}  {}  {}\n",
            i + 1,
            h.score,
            year,
            fit(&crate::text::for_terminal(&author), 18),
            render(&h.title, 60, color),
            crate::text::for_terminal(&h.doc.sources.join(", "))
        ));
        if !h.snippet.text.is_empty() {
            out.push_str(&format!(
                "{:8}{}\n",
                "",
                render(&h.snippet, usize::MAX, color).trim_end()
            ));
        }
    }
    out
}

/// `m` cut (or padded) to `width` characters, control characters removed, matches bold
/// yellow when `color`.
fn render(m: &Marked, width: usize, color: bool) -> String {
    let mut out = String::new();
    let mut shown = 0usize;
    let mut pos = 0usize;
    let mut pieces: Vec<(&str, bool)> = Vec::new();
    for r in &m.marks {
        if r.start > pos {
            pieces.push((&m.text[pos..r.start], false));
        }
        pieces.push((&m.text[r.clone()], true));
        pos = r.end;
    }
    pieces.push((&m.text[pos..], false));
    for (piece, marked) in pieces {
        let clean = crate::text::for_terminal(piece);
        let n = clean.chars().count();
        let (part, cut) = if shown + n > width {
            let keep = width.saturating_sub(shown + 1);
            (clean.chars().take(keep).collect::<String>(), true)
        } else {
            (clean.into_owned(), false)
        };
        shown += part.chars().count();
        if marked && color {
            out.push_str(&format!("\u{1b}[1;33m{part}\u{1b}[0m"));
        } else {
            out.push_str(&part);
        }
        if cut {
            out.push('…');
            return out;
        }
    }
    if width != usize::MAX && shown < width {
        out.push_str(&" ".repeat(width - shown));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_marks_cuts_and_strips_control_characters() {
        let m = Marked {
            text: "Tildeling\u{1b}[31m i kommunene".into(),
            marks: std::iter::once(0..9).collect(),
        };
        let plain = render(&m, 14, false);
        assert_eq!(plain, "Tildeling i k…", "the escape sequence is gone whole");
        let colored = render(&m, 100, true);
        assert!(colored.starts_with("\u{1b}[1;33mTildeling\u{1b}[0m"));
        assert_eq!(colored.matches('\u{1b}').count(), 2, "{colored:?}");
        assert_eq!(render(&m, 30, false).chars().count(), 30);
    }
}
