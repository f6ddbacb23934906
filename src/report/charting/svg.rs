//! One cross-table as an SVG heat map: rows and columns as in the Markdown table, each cell
//! shaded by its count (ColorBrewer's sequential "Blues", which reads in greyscale and for
//! colour-blind readers; an empty cell is white) and labelled with the count, and the
//! distinct-record margins in grey.
//!
//! Print size: 180 mm wide when the columns fit (text at 3 mm, 8.5 pt); a table with many
//! columns (years) keeps its columns wide enough for their numbers and grows wider, for
//! landscape. Column labels are written across when every word fits the column, else turned
//! to read upwards. Labels are wrapped and escaped ([`crate::markup`]).

use super::CrossTab;
use crate::markup::{Anchor, Svg, text_width, wrap};

const WIDTH: f64 = 180.0;
const FS: f64 = 3.0;
const FS_TITLE: f64 = 3.4;
const LH: f64 = FS * 1.25;
const PAD: f64 = 1.2;
const MARGIN_FILL: &str = "#e6e6e6";

/// ColorBrewer "Blues" (9 classes), light to dark.
const BLUES: [(u8, u8, u8); 9] = [
    (0xf7, 0xfb, 0xff),
    (0xde, 0xeb, 0xf7),
    (0xc6, 0xdb, 0xef),
    (0x9e, 0xca, 0xe1),
    (0x6b, 0xae, 0xd6),
    (0x42, 0x92, 0xc6),
    (0x21, 0x71, 0xb5),
    (0x08, 0x51, 0x9c),
    (0x08, 0x30, 0x6b),
];

/// The fill of a cell holding `n` of at most `max`, and whether its text must be white.
pub fn shade(n: u64, max: u64) -> (String, bool) {
    if n == 0 || max == 0 {
        return ("#ffffff".into(), false);
    }
    // 1 → the second class, max → the last.
    let t = if max == 1 {
        1.0
    } else {
        (n - 1) as f64 / (max - 1) as f64
    };
    let pos = 1.0 + t * (BLUES.len() - 2) as f64;
    let (i, f) = (pos.floor() as usize, pos.fract());
    let (a, b) = (BLUES[i], BLUES[(i + 1).min(BLUES.len() - 1)]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    let (r, g, bl) = (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2));
    (format!("#{r:02x}{g:02x}{bl:02x}"), pos >= 4.5)
}

/// The heat map of `t`.
pub fn to_svg(t: &CrossTab) -> String {
    let mut svg = Svg::new();
    let ncols = t.cols.len() + 1;
    // Row labels: up to 55 mm, wrapped.
    let widest_row = t
        .rows
        .iter()
        .chain(std::iter::once(&"Records".to_string()))
        .map(|r| text_width(r, FS))
        .fold(0.0, f64::max);
    let label_w = (widest_row + 2.0 * PAD).clamp(20.0, 55.0);
    let widest_count = text_width(&t.records.to_string(), FS);
    let min_col = (widest_count + 2.0 * PAD).max(7.0);
    let col_w = ((WIDTH - label_w) / ncols as f64).max(min_col);
    let width = (label_w + col_w * ncols as f64).max(WIDTH);

    // Title.
    let title = format!(
        "{} (included records, n\u{a0}=\u{a0}{})",
        t.title(),
        t.records
    );
    let mut y = 0.0;
    for line in wrap(&title, width, FS_TITLE * 1.1) {
        y += FS_TITLE * 1.25;
        svg.text(0.0, y, FS_TITLE, Anchor::Start, true, &line);
    }
    y += 2.0;
    // Column labels, across or upwards.
    let mut labels: Vec<String> = t.cols.clone();
    labels.push("Records".into());
    let inner = col_w - 2.0 * PAD;
    let across = labels
        .iter()
        .all(|l| l.split(' ').all(|w| text_width(w, FS) <= inner));
    let header_h = if across {
        let lines = labels
            .iter()
            .map(|l| wrap(l, inner, FS).len())
            .max()
            .unwrap_or(1);
        lines as f64 * LH + PAD
    } else {
        labels
            .iter()
            .map(|l| text_width(l, FS))
            .fold(0.0, f64::max)
            .min(60.0)
            + 2.0 * PAD
    };
    for (c, label) in labels.iter().enumerate() {
        let x = label_w + c as f64 * col_w;
        if across {
            let lines = wrap(label, inner, FS);
            let top = y + header_h - PAD - lines.len() as f64 * LH;
            for (i, l) in lines.iter().enumerate() {
                let base = top + i as f64 * LH + FS * 0.9;
                svg.text(x + col_w / 2.0, base, FS, Anchor::Middle, false, l);
            }
        } else {
            // Upwards, bottom-aligned; a label longer than 60 mm is wrapped into columns.
            let lines = wrap(label, header_h - 2.0 * PAD, FS);
            let n = lines.len() as f64;
            for (i, l) in lines.iter().enumerate() {
                let cx = x + col_w / 2.0 + FS * 0.35 + (i as f64 - (n - 1.0) / 2.0) * LH;
                let by = y + header_h - PAD;
                svg.text_rotated(cx, by, FS, Anchor::Start, false, l, true, None);
            }
        }
    }
    y += header_h;
    // Rows.
    let max = t.max();
    let mut row_labels: Vec<&str> = t.rows.iter().map(String::as_str).collect();
    row_labels.push("Records");
    for (r, label) in row_labels.iter().enumerate() {
        let lines = wrap(label, label_w - 2.0 * PAD, FS);
        let h = (lines.len() as f64 * LH + 2.0 * PAD).max(7.0);
        let top_text = y + (h - lines.len() as f64 * LH) / 2.0;
        for (i, l) in lines.iter().enumerate() {
            let base = top_text + i as f64 * LH + FS * 0.9;
            svg.text(label_w - PAD, base, FS, Anchor::End, r == t.rows.len(), l);
        }
        for c in 0..ncols {
            let x = label_w + c as f64 * col_w;
            let margin = r == t.rows.len() || c == t.cols.len();
            let n = match (r == t.rows.len(), c == t.cols.len()) {
                (true, true) => t.records,
                (true, false) => t.col_records[c],
                (false, true) => t.row_records[r],
                (false, false) => t.cells[r][c].len() as u64,
            };
            let (fill, white) = if margin {
                (MARGIN_FILL.to_string(), false)
            } else {
                shade(n, max)
            };
            svg.rect(x, y, col_w, h, 0.0, &fill, "#ffffff");
            let base = y + h / 2.0 + FS * 0.35;
            let colour = white.then_some("#ffffff");
            svg.text_rotated(
                x + col_w / 2.0,
                base,
                FS,
                Anchor::Middle,
                margin,
                &n.to_string(),
                false,
                colour,
            );
        }
        y += h;
    }
    // How to read it.
    y += 2.0;
    let note = "A cell counts the included records that carry both tags; a record with several \
                tags of one group counts in several cells. Records: distinct records per row, \
                column and in all.";
    for line in wrap(note, width, FS) {
        y += LH;
        svg.text(0.0, y, FS, Anchor::Start, false, &line);
    }
    svg.finish(width, y + 2.0, &format!("Charting: {}", t.title()))
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;
    use crate::markup::{MIN_FONT_MM, svg_texts};

    #[test]
    fn valid_svg_with_every_count_and_label() {
        let c = sample();
        for t in c.tables.iter().chain(&c.by_year) {
            let svg = to_svg(t);
            let doc = roxmltree::Document::parse(&svg).unwrap();
            assert_eq!(doc.root_element().attribute("width"), Some("180mm"));
            for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
                let size: f64 = n.attribute("font-size").unwrap().parse().unwrap();
                assert!(size >= MIN_FONT_MM);
            }
            let all = svg_texts(&svg);
            let joined = all.join(" ");
            for label in t.rows.iter().chain(&t.cols) {
                assert!(
                    joined.contains(label.as_str()),
                    "{label} missing in {}",
                    t.title()
                );
            }
            // The cells' counts, row by row, in order, then the margins.
            let numbers: Vec<u64> = all.iter().filter_map(|s| s.parse().ok()).collect();
            let mut expected = Vec::new();
            for (r, row) in t.cells.iter().enumerate() {
                expected.extend(row.iter().map(|c| c.len() as u64));
                expected.push(t.row_records[r]);
            }
            expected.extend(&t.col_records);
            expected.push(t.records);
            let tail = &numbers[numbers.len() - expected.len()..];
            assert_eq!(tail, expected.as_slice(), "{}", t.title());
        }
    }

    #[test]
    fn shades_grow_darker_with_the_count() {
        assert_eq!(shade(0, 5), ("#ffffff".to_string(), false));
        assert_eq!(shade(1, 5).0, "#deebf7");
        assert_eq!(shade(5, 5), ("#08306b".to_string(), true));
        assert_eq!(shade(1, 1), ("#08306b".to_string(), true));
        let lum = |hex: &str| {
            let v = u32::from_str_radix(&hex[1..], 16).unwrap();
            (v >> 16) + ((v >> 8) & 0xff) + (v & 0xff)
        };
        let mut last = u32::MAX;
        for n in 1..=20 {
            let l = lum(&shade(n, 20).0);
            assert!(l < last, "{n}");
            last = l;
        }
    }

    #[test]
    fn many_columns_grow_the_drawing_and_labels_turn() {
        let mut t = sample().by_year[0].clone();
        t.cols = (1990..2030).map(|y| y.to_string()).collect();
        t.cols.push("(no year)".into());
        for row in &mut t.cells {
            row.resize(t.cols.len(), Vec::new());
        }
        t.col_records.resize(t.cols.len(), 0);
        let svg = to_svg(&t);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let w: f64 = doc
            .root_element()
            .attribute("width")
            .unwrap()
            .trim_end_matches("mm")
            .parse()
            .unwrap();
        assert!(w > 180.0);
        assert!(svg.contains("rotate(-90"));
    }

    #[test]
    fn hostile_labels_stay_text() {
        let mut t = sample().tables[0].clone();
        t.rows[0] = "<g onload=\"x\">&</g>\u{1b}[31m".into();
        let svg = to_svg(&t);
        let all = svg_texts(&svg).join(" ");
        assert!(all.contains("<g onload=\"x\">&</g>"));
        assert!(!all.contains('\u{1b}'));
    }
}
