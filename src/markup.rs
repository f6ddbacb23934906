//! Writing reports safely: Markdown table cells, XML/SVG text, and the text measuring and
//! wrapping that lets an SVG box fit its words.
//!
//! Why here and not in [`crate::text`]: `text` cleans what comes *in*; this module escapes
//! what goes *out* into a given syntax. Every text that came from a user or a source
//! (database names, exclusion reasons, tags, titles) goes through [`md_cell`] or
//! [`xml_text`], which first drop control characters and bidi overrides
//! ([`crate::text::for_terminal`]), so a hostile name can neither break the table or the XML
//! nor reorder what a reader sees.
//!
//! Measuring: SVG has no text layout, so lines are wrapped by an estimate of their width in
//! Helvetica (its AFM widths; Arial and Liberation Sans share them), with a safety margin
//! for wider fallback fonts (DejaVu Sans, what most Linux systems substitute, is 10–15 %
//! wider).

use crate::text::for_terminal;
use std::fmt::Write;
use unicode_normalization::UnicodeNormalization;

/// Text for one Markdown table cell: control characters dropped, line breaks as spaces,
/// and the characters Markdown would read (`|`, `*`, `_`, `` ` ``, `[`, `]`, `<`, `>`, `&`,
/// `~`, `\`) backslash-escaped.
pub fn md_cell(s: &str) -> String {
    let s = for_terminal(s);
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        if matches!(
            c,
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '&' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text for XML character data or an attribute value: control characters (which XML 1.0
/// forbids) and bidi overrides dropped, `& < > " '` escaped.
pub fn xml_text(s: &str) -> String {
    let s = for_terminal(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Noncharacters XML 1.0 does not allow.
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Helvetica advance widths, in thousandths of an em, for ASCII 32–126.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // ' '–'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584,
    556, // '0'–'?'
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722,
    778, // '@'–'O'
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
    556, // 'P'–'_'
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556,
    556, // '`'–'o'
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 'p'–'~'
];

/// Width of one character in em.
fn char_em(c: char) -> f64 {
    let ascii = |c: char| {
        let i = c as usize;
        (32..127)
            .contains(&i)
            .then(|| f64::from(HELVETICA[i - 32]) / 1000.0)
    };
    if let Some(w) = ascii(c) {
        return w;
    }
    match c {
        'æ' | 'Æ' | 'œ' | 'Œ' => 0.944,
        'ø' => 0.611,
        'Ø' => 0.778,
        '–' => 0.556,
        '—' | '…' => 1.0,
        '×' | '−' => 0.584,
        '’' | '‘' => 0.222,
        '“' | '”' => 0.333,
        c if c.is_whitespace() => 0.278,
        // Accented Latin letters measure as their base letter; anything else (CJK, symbols)
        // as a wide glyph.
        c => c
            .to_string()
            .nfd()
            .next()
            .and_then(ascii)
            .unwrap_or(if (c as u32) < 0x2E80 { 0.667 } else { 1.0 }),
    }
}

/// Estimated width of `s` at `font_size`, in the same unit, with the safety margin for
/// fallback fonts. Bold text is about 10 % wider: measure it at `1.1 × font_size`.
pub fn text_width(s: &str, font_size: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * font_size * 1.15
}

/// Splits `s` into lines no wider than `width` at `font_size` (by [`text_width`]), breaking
/// at ASCII spaces (a no-break space, U+00A0, keeps its neighbours together: `(n = 7)`); a
/// word wider than a line is broken inside (after a hyphen or slash when it has one, else
/// anywhere). Returns at least one line.
pub fn wrap(s: &str, width: f64, font_size: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, font_size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone: break it while it is too wide.
        let mut rest = word.to_string();
        while text_width(&rest, font_size) > width {
            let cut = break_point(&rest, width, font_size);
            let tail = rest.split_off(cut);
            lines.push(rest);
            rest = tail;
        }
        line = rest;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Where to cut a word too wide for `width`: after the last `-` or `/` that fits, else after
/// as many characters as fit (at least one).
fn break_point(word: &str, width: f64, font_size: f64) -> usize {
    let mut fits = 0;
    let mut soft = None;
    let mut w = 0.0;
    for (i, c) in word.char_indices() {
        w += char_em(c) * font_size * 1.15;
        if w > width {
            break;
        }
        fits = i + c.len_utf8();
        if matches!(c, '-' | '/') && fits < word.len() {
            soft = Some(fits);
        }
    }
    if fits == 0 {
        fits = word.chars().next().map_or(word.len(), char::len_utf8);
    }
    soft.unwrap_or(fits)
}

/// `1234567` → `1,234,567` (the PRISMA2020 package's number style).
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

/// A number for an SVG attribute: at most two decimals, no trailing zeros.
pub fn num(x: f64) -> String {
    let mut s = String::new();
    let _ = write!(s, "{:.2}", x);
    while s.contains('.') && (s.ends_with('0') || s.ends_with('.')) {
        s.pop();
    }
    if s == "-0" { "0".to_string() } else { s }
}

/// The smallest font size allowed in litscope's SVGs, in millimetres: 8 pt (8 × 25.4 / 72)
/// when the drawing is printed at its own size.
pub const MIN_FONT_MM: f64 = 8.0 * 25.4 / 72.0;

/// The font stack of litscope's SVGs (Helvetica metrics; see [`text_width`]).
pub const FONT_FAMILY: &str = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

/// How a text line is anchored at its `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// `x` is the left end.
    Start,
    /// `x` is the middle.
    Middle,
    /// `x` is the right end.
    End,
}

/// A minimal SVG writer in millimetre user units: the document is `width` mm wide and as
/// tall as the caller says at the end, so it prints at its own size. Every text goes
/// through [`xml_text`].
#[derive(Debug, Default)]
pub struct Svg {
    body: String,
}

impl Svg {
    /// An empty drawing.
    pub fn new() -> Self {
        Self::default()
    }

    /// A rectangle (`rx` rounds its corners; `stroke` `none` for no border).
    #[allow(clippy::too_many_arguments)]
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, rx: f64, fill: &str, stroke: &str) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{}" stroke="{}" stroke-width="0.3"/>"#,
            num(x),
            num(y),
            num(w),
            num(h),
            num(rx),
            xml_text(fill),
            xml_text(stroke)
        );
    }

    /// One line of text with its baseline at `y`.
    pub fn text(&mut self, x: f64, y: f64, size: f64, anchor: Anchor, bold: bool, text: &str) {
        self.text_rotated(x, y, size, anchor, bold, text, false, None);
    }

    /// One line of text, optionally turned a quarter to the left (reading upwards) about
    /// `(x, y)`, optionally filled with `fill`.
    #[allow(clippy::too_many_arguments)]
    pub fn text_rotated(
        &mut self,
        x: f64,
        y: f64,
        size: f64,
        anchor: Anchor,
        bold: bool,
        text: &str,
        rotated: bool,
        fill: Option<&str>,
    ) {
        let anchor = match anchor {
            Anchor::Start => "",
            Anchor::Middle => r#" text-anchor="middle""#,
            Anchor::End => r#" text-anchor="end""#,
        };
        let weight = if bold { r#" font-weight="bold""# } else { "" };
        let turn = if rotated {
            format!(r#" transform="rotate(-90 {} {})""#, num(x), num(y))
        } else {
            String::new()
        };
        let fill = fill.map_or(String::new(), |f| format!(r#" fill="{}""#, xml_text(f)));
        let _ = writeln!(
            self.body,
            r#"<text x="{}" y="{}" font-size="{}"{anchor}{weight}{turn}{fill}>{}</text>"#,
            num(x),
            num(y),
            num(size),
            xml_text(text)
        );
    }

    /// A polyline through `points` ending in an arrowhead.
    pub fn arrow(&mut self, points: &[(f64, f64)]) {
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let _ = writeln!(
            self.body,
            r#"<polyline points="{}" fill="none" stroke="black" stroke-width="0.3" marker-end="url(#arrow)"/>"#,
            pts.join(" ")
        );
    }

    /// The document, `width` × `height` mm, with `title` as its accessible title.
    pub fn finish(self, width: f64, height: f64, title: &str) -> String {
        format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                "\n",
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" font-family="{font}">"#,
                "\n<title>{title}</title>\n",
                r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="2.4" markerHeight="2.4" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>"#,
                "\n",
                r#"<rect width="100%" height="100%" fill="white"/>"#,
                "\n{body}</svg>\n"
            ),
            w = num(width),
            h = num(height),
            font = xml_text(FONT_FAMILY),
            title = xml_text(title),
            body = self.body
        )
    }
}

/// For tests of drawings: the text of every `<text>` element, in document order; panics when
/// `svg` is not well-formed XML.
#[cfg(test)]
pub(crate) fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG parses as XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_cannot_break_the_table_or_format() {
        assert_eq!(md_cell("a|b"), "a\\|b");
        assert_eq!(
            md_cell("*bold* _x_ `c` [l](u) <b>"),
            "\\*bold\\* \\_x\\_ \\`c\\` \\[l\\](u) \\<b\\>"
        );
        assert_eq!(md_cell("line\none\u{1b}[2J"), "line one");
        assert_eq!(md_cell("Økonomi & styring"), "Økonomi \\& styring");
    }

    #[test]
    fn xml_text_escapes_and_drops_what_xml_forbids() {
        assert_eq!(
            xml_text("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(xml_text("a\u{0}b\u{1b}]0;x\u{7}c\u{202e}d\u{FFFF}"), "abcd");
        assert_eq!(xml_text("tildeling – æøå"), "tildeling – æøå");
    }

    #[test]
    fn widths_follow_the_glyphs() {
        // "iiii" is narrower than "MMMM"; accented letters measure as their base letter.
        assert!(text_width("iiii", 10.0) < text_width("MMMM", 10.0) / 3.0);
        assert_eq!(text_width("é", 10.0), text_width("e", 10.0));
        assert!((text_width("a", 10.0) - 5.56 * 1.15).abs() < 1e-9);
    }

    #[test]
    fn wrapping_keeps_every_word_and_every_line_within_width() {
        let s = "Records marked as ineligible by automation tools (n = 1,234)";
        for width in [20.0, 35.0, 60.0, 400.0] {
            let lines = wrap(s, width, 3.0);
            assert_eq!(lines.join(" "), s, "width {width}");
            for l in &lines {
                assert!(text_width(l, 3.0) <= width, "{l:?} wider than {width}");
            }
        }
        assert_eq!(wrap(s, 400.0, 3.0).len(), 1);
        assert!(wrap(s, 35.0, 3.0).len() >= 3);
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken_preferably_at_a_hyphen() {
        let lines = wrap("bestiller-utfører-modellen", 22.0, 3.0);
        assert_eq!(lines.concat(), "bestiller-utfører-modellen");
        assert!(lines[0].ends_with('-'), "{lines:?}");
        for l in &lines {
            assert!(text_width(l, 3.0) <= 22.0);
        }
        let lines = wrap("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 10.0, 3.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat().len(), 39);
        assert_eq!(wrap("", 10.0, 3.0), [""]);
        // A no-break space holds "(n = 1,234)" together.
        let lines = wrap("Reports sought (n\u{a0}=\u{a0}1,234)", 25.0, 3.0);
        assert_eq!(lines, ["Reports sought", "(n\u{a0}=\u{a0}1,234)"]);
    }

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(2.505), "2.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(180.0), "180");
    }
}
