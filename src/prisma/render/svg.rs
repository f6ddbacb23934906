//! `prisma --format svg`: the PRISMA 2020 flow diagram, drawn by litscope.
//!
//! The standard layout (Page et al., BMJ 2021;372:n71, "new systematic reviews which
//! included searches of databases, registers and other sources"): phase bars
//! (Identification, Screening, Included) on the left; the databases-and-registers arm with its
//! yellow title bar, main boxes in one column and the boxes that leave the flow (removed,
//! excluded, not retrieved) beside them; the other-methods arm, grey, on the right, whose
//! assessed reports join "Studies included in review". Box texts use the official wording;
//! the per-database and per-register counts are listed (the template's footnote asks for
//! them), reasons are listed in their box.
//!
//! What litscope adds, only when not zero: records not yet screened and reports not yet
//! assessed (undecided, waiting for another reviewer, conflicts), maybes held back at
//! title/abstract or awaiting a final decision; for the other-methods arm, its own removals
//! and its title/abstract screening (litscope screens records reached through links like any
//! other), drawn in the slots the template leaves empty. Without other methods the arm is not
//! drawn and the left arm takes the width.
//!
//! Print size: the drawing is 180 mm wide (A4 less 15 mm margins) in millimetre units, text
//! at 3 mm (8.5 pt), every line wrapped to its box by [`crate::markup::wrap`]; names and
//! reasons are escaped by [`crate::markup::xml_text`].

use crate::markup::{Anchor, Svg, text_width, thousands, wrap};
use crate::prisma::counts::{Arm, PrismaCounts, Waiting};
use std::collections::BTreeMap;

/// Drawing width, mm.
pub const WIDTH: f64 = 180.0;
/// Body text size, mm (8.5 pt).
const FS: f64 = 3.0;
/// Title bar and phase bar text size, mm.
const FS_HEAD: f64 = 3.2;
/// Line advance.
const LH: f64 = FS * 1.25;
/// Line advance of title and phase bars.
const LH_HEAD: f64 = FS_HEAD * 1.25;
/// Padding inside a box.
const PAD: f64 = 1.8;
/// Indent of a list item.
const INDENT: f64 = 3.0;
/// Vertical gap between rows (room for the arrows).
const GAP: f64 = 6.0;

const WHITE: &str = "#ffffff";
const GREY: &str = "#e6e6e6";
const YELLOW: &str = "#ffc125";
const BLUE: &str = "#bcd2ee";

/// One paragraph of a box: wrapped to the box, list items indented.
struct Para {
    text: String,
    indent: bool,
}

fn p(text: impl Into<String>) -> Para {
    Para {
        text: text.into(),
        indent: false,
    }
}

fn item(text: impl Into<String>) -> Para {
    Para {
        text: text.into(),
        indent: true,
    }
}

/// `(n = 1,234)`, held together by no-break spaces.
fn n(x: u64) -> String {
    format!("(n\u{a0}=\u{a0}{})", thousands(x))
}

/// A box laid out: its column, the lines it wraps to, and (once rows are placed) where.
struct Block {
    col: usize,
    fill: &'static str,
    center: bool,
    lines: Vec<(String, f64)>,
    y: f64,
    h: f64,
}

impl Block {
    fn new(col: usize, fill: &'static str, center: bool, paras: Vec<Para>, width: f64) -> Self {
        Self::with_font(col, fill, center, paras, width, FS, LH)
    }

    /// Lines wrapped for text measured at `measure` mm, advancing by `advance`.
    fn with_font(
        col: usize,
        fill: &'static str,
        center: bool,
        paras: Vec<Para>,
        width: f64,
        measure: f64,
        advance: f64,
    ) -> Self {
        let mut lines = Vec::new();
        for para in paras {
            let indent = if para.indent { INDENT } else { 0.0 };
            for l in wrap(&para.text, width - 2.0 * PAD - indent, measure) {
                lines.push((l, indent));
            }
        }
        let h = 2.0 * PAD + lines.len() as f64 * advance;
        Block {
            col,
            fill,
            center,
            lines,
            y: 0.0,
            h,
        }
    }
}

/// Column geometry: `(x, width)` of the arms' main and side columns.
struct Columns {
    cols: Vec<(f64, f64)>,
    phase: (f64, f64),
}

impl Columns {
    fn new(other: bool) -> Self {
        let phase = (0.0, 6.0);
        let cols = if other {
            vec![(9.0, 46.0), (60.0, 40.0), (106.0, 38.0), (149.0, 31.0)]
        } else {
            vec![(9.0, 80.0), (97.0, 83.0)]
        };
        Columns { cols, phase }
    }
}

/// The rows of the diagram, top to bottom (after the title row).
const ROWS: usize = 5;
const IDENTIFICATION: usize = 0;
const SCREENING: usize = 1;
const RETRIEVAL: usize = 2;
const ASSESSMENT: usize = 3;
const INCLUDED: usize = 4;

/// The SVG document.
pub fn to_svg(p: &PrismaCounts) -> String {
    Diagram::new(p).draw()
}

/// Every box, by row and column, before drawing.
struct Diagram {
    columns: Columns,
    other: bool,
    /// `blocks[row][col]`.
    blocks: Vec<Vec<Option<Block>>>,
    headers: Vec<Block>,
}

impl Diagram {
    fn new(c: &PrismaCounts) -> Self {
        let other = c.other_methods.identified > 0;
        let columns = Columns::new(other);
        let w = |col: usize| columns.cols[col].1;
        let mut blocks: Vec<Vec<Option<Block>>> = (0..ROWS)
            .map(|_| (0..columns.cols.len()).map(|_| None).collect())
            .collect();
        let mut put =
            |row: usize, col: usize, fill: &'static str, center: bool, paras: Vec<Para>| {
                blocks[row][col] = Some(Block::new(col, fill, center, paras, w(col)));
            };
        let m = &c.databases_and_registers;
        let id = &c.identification;

        // Identification.
        let mut ids = vec![p("Records identified from:")];
        let total = |map: &BTreeMap<String, u64>| map.values().sum::<u64>();
        ids.push(p(format!("Databases {}", n(total(&id.databases)))));
        ids.extend(
            id.databases
                .iter()
                .map(|(k, &v)| item(format!("{k} {}", n(v)))),
        );
        ids.push(p(format!("Registers {}", n(total(&id.registers)))));
        ids.extend(
            id.registers
                .iter()
                .map(|(k, &v)| item(format!("{k} {}", n(v)))),
        );
        put(IDENTIFICATION, 0, WHITE, false, ids);
        put(IDENTIFICATION, 1, WHITE, false, removed(m));
        // Screening to inclusion, left arm.
        arm_boxes(&mut put, m, 0, WHITE);
        let inc = vec![
            p(format!(
                "Studies included in review {}",
                n(c.included.studies)
            )),
            p(format!(
                "Reports of included studies {}",
                n(c.included.reports)
            )),
        ];
        put(INCLUDED, 0, WHITE, true, inc);

        if other {
            let o = &c.other_methods;
            let mut ids = vec![p("Records identified from:")];
            ids.extend(
                id.other_methods
                    .iter()
                    .map(|(k, &v)| item(format!("{k} {}", n(v)))),
            );
            put(IDENTIFICATION, 2, GREY, false, ids);
            let r = &o.removed;
            if r.duplicates + r.automation_ineligible + r.other > 0 {
                // litscope's addition: only the lines that are not zero.
                let mut paras = removed(o);
                paras.retain(|x| !x.indent || !x.text.ends_with(&n(0)));
                put(IDENTIFICATION, 3, GREY, false, paras);
            }
            arm_boxes(&mut put, o, 2, GREY);
        }

        let header = |text: &str, fill: &'static str, x0: usize, x1: usize| {
            let (a, _) = columns.cols[x0];
            let (b, bw) = columns.cols[x1];
            // Bold: measured 10 % wider.
            Block::with_font(
                x0,
                fill,
                true,
                vec![p(text)],
                b + bw - a,
                FS_HEAD * 1.1,
                LH_HEAD,
            )
        };
        let mut headers = vec![header(
            "Identification of studies via databases and registers",
            YELLOW,
            0,
            1,
        )];
        if other {
            headers.push(header(
                "Identification of studies via other methods",
                GREY,
                2,
                3,
            ));
        }
        Diagram {
            columns,
            other,
            blocks,
            headers,
        }
    }

    fn draw(mut self) -> String {
        let mut svg = Svg::new();
        let top = 4.0;
        // Title row.
        let head_h = self.headers.iter().map(|h| h.h).fold(0.0, f64::max);
        // Rows: each as tall as its tallest box; phase bars need room for their words.
        let min_row = |label: &str| text_width(label, FS_HEAD) + 4.0;
        let mut row_y = [0.0; ROWS];
        let mut row_h = [0.0; ROWS];
        let mut y = top + head_h + GAP * 0.6;
        for r in 0..ROWS {
            let mut h = self.blocks[r]
                .iter()
                .flatten()
                .map(|b| b.h)
                .fold(0.0, f64::max);
            if r == IDENTIFICATION {
                h = h.max(min_row("Identification"));
            }
            if r == INCLUDED {
                h = h.max(min_row("Included"));
            }
            if r == SCREENING && h == 0.0 {
                h = LH;
            }
            row_y[r] = y;
            row_h[r] = h;
            y += h + GAP;
        }
        let bottom = y - GAP;
        // Boxes centred in their rows.
        for r in 0..ROWS {
            for b in self.blocks[r].iter_mut().flatten() {
                b.y = row_y[r] + (row_h[r] - b.h) / 2.0;
            }
        }
        // Screening spans the screening, retrieval and assessment rows.
        let phases = [
            (
                "Identification",
                row_y[IDENTIFICATION],
                row_h[IDENTIFICATION],
            ),
            (
                "Screening",
                row_y[SCREENING],
                row_y[ASSESSMENT] + row_h[ASSESSMENT] - row_y[SCREENING],
            ),
            ("Included", row_y[INCLUDED], row_h[INCLUDED]),
        ];
        let (px, pw) = self.columns.phase;
        for (label, y, h) in phases {
            svg.rect(px, y, pw, h, 1.5, BLUE, "none");
            let cx = px + pw / 2.0 + FS_HEAD * 0.35;
            svg.text_rotated(
                cx,
                y + h / 2.0,
                FS_HEAD,
                Anchor::Middle,
                true,
                label,
                true,
                None,
            );
        }
        for h in &self.headers {
            let (x, _) = self.columns.cols[h.col];
            let w = if h.col == 0 {
                let (b, bw) = self.columns.cols[1];
                b + bw - x
            } else {
                let (b, bw) = self.columns.cols[3];
                b + bw - x
            };
            let y = top + (head_h - h.h) / 2.0;
            svg.rect(x, top, w, head_h, 1.5, h.fill, "none");
            for (i, (line, _)) in h.lines.iter().enumerate() {
                let base = y + PAD + i as f64 * LH_HEAD + FS_HEAD * 0.9;
                svg.text(x + w / 2.0, base, FS_HEAD, Anchor::Middle, true, line);
            }
        }
        for row in &self.blocks {
            for b in row.iter().flatten() {
                self.draw_block(&mut svg, b);
            }
        }
        self.draw_arrows(&mut svg, &row_y, &row_h);
        let foot_y = bottom + GAP;
        let credit =
            "Layout and wording: PRISMA 2020 flow diagram (Page MJ et al. BMJ 2021;372:n71).";
        let lines = wrap(credit, WIDTH - 2.0, FS);
        for (i, l) in lines.iter().enumerate() {
            svg.text(
                0.0,
                foot_y + i as f64 * LH + FS,
                FS,
                Anchor::Start,
                false,
                l,
            );
        }
        let height = foot_y + lines.len() as f64 * LH + 2.0;
        svg.finish(WIDTH, height, "PRISMA 2020 flow diagram")
    }

    fn draw_block(&self, svg: &mut Svg, b: &Block) {
        let (x, w) = self.columns.cols[b.col];
        svg.rect(x, b.y, w, b.h, 0.0, b.fill, "black");
        for (i, (line, indent)) in b.lines.iter().enumerate() {
            let base = b.y + PAD + i as f64 * LH + FS * 0.9;
            if b.center {
                svg.text(x + w / 2.0, base, FS, Anchor::Middle, false, line);
            } else {
                svg.text(x + PAD + indent, base, FS, Anchor::Start, false, line);
            }
        }
    }

    fn draw_arrows(&self, svg: &mut Svg, row_y: &[f64; ROWS], row_h: &[f64; ROWS]) {
        let geo = |b: &Block| {
            let (x, w) = self.columns.cols[b.col];
            (x, w, b.y, b.h)
        };
        let arms: &[usize] = if self.other { &[0, 2] } else { &[0] };
        for &main in arms {
            let side = main + 1;
            // Down the main column, from each box to the next one below.
            let chain: Vec<&Block> = (0..ROWS)
                .filter_map(|r| self.blocks[r][main].as_ref())
                .collect();
            for pair in chain.windows(2) {
                let (x, w, y, h) = geo(pair[0]);
                let (_, _, y2, _) = geo(pair[1]);
                svg.arrow(&[(x + w / 2.0, y + h), (x + w / 2.0, y2)]);
            }
            // Sideways, into the boxes that leave the flow.
            for r in 0..ROWS {
                if let (Some(a), Some(b)) = (&self.blocks[r][main], &self.blocks[r][side]) {
                    let (x, w, _, _) = geo(a);
                    let (x2, _, _, _) = geo(b);
                    let cy = row_y[r] + row_h[r] / 2.0;
                    svg.arrow(&[(x + w, cy), (x2, cy)]);
                }
            }
        }
        // The other arm's assessed reports join the included box.
        if self.other
            && let (Some(from), Some(to)) = (
                self.blocks[ASSESSMENT][2].as_ref(),
                self.blocks[INCLUDED][0].as_ref(),
            )
        {
            let (x, w, y, h) = geo(from);
            let (tx, tw, _, _) = geo(to);
            let cy = row_y[INCLUDED] + row_h[INCLUDED] / 2.0;
            svg.arrow(&[(x + w / 2.0, y + h), (x + w / 2.0, cy), (tx + tw, cy)]);
        }
    }
}

/// "Records removed before screening" for an arm.
fn removed(a: &Arm) -> Vec<Para> {
    let r = &a.removed;
    vec![
        p("Records removed before screening:"),
        item(format!("Duplicate records removed {}", n(r.duplicates))),
        item(format!(
            "Records marked as ineligible by automation tools {}",
            n(r.automation_ineligible)
        )),
        item(format!("Records removed for other reasons {}", n(r.other))),
    ]
}

fn waiting(what: &str, w: &Waiting) -> Vec<Para> {
    if w.total() == 0 {
        return Vec::new();
    }
    let mut out = vec![p(format!("{what} {}:", n(w.total())))];
    for (label, x) in [
        ("no decision yet", w.undecided),
        ("awaiting another reviewer", w.pending),
        ("conflicts awaiting adjudication", w.conflict),
    ] {
        if x > 0 {
            out.push(item(format!("{label} {}", n(x))));
        }
    }
    out
}

fn reasons(title: &str, total: u64, map: &BTreeMap<String, u64>) -> Vec<Para> {
    if map.is_empty() {
        return vec![p(format!("{title} {}", n(total)))];
    }
    let mut out = vec![p(format!("{title} {}:", n(total)))];
    out.extend(map.iter().map(|(k, &v)| item(format!("{k} {}", n(v)))));
    out
}

/// Screening to assessment for one arm, in columns `main` and `main + 1`. The other arm's
/// screening boxes are drawn only when it screened anything.
fn arm_boxes(
    put: &mut impl FnMut(usize, usize, &'static str, bool, Vec<Para>),
    a: &Arm,
    main: usize,
    fill: &'static str,
) {
    let s = &a.screening;
    if main == 0 || s.screened + s.waiting.total() > 0 {
        let mut screened = vec![p(format!("Records screened {}", n(s.screened)))];
        if s.held > 0 {
            screened.push(p(format!("Held as maybe, not sought {}", n(s.held))));
        }
        screened.extend(waiting("Not yet screened", &s.waiting));
        put(SCREENING, main, fill, false, screened);
        put(
            SCREENING,
            main + 1,
            fill,
            false,
            // PRISMA lists no reasons at title/abstract.
            vec![p(format!("Records excluded {}", n(s.excluded)))],
        );
    }
    put(
        RETRIEVAL,
        main,
        fill,
        true,
        vec![p(format!(
            "Reports sought for retrieval {}",
            n(a.retrieval.sought)
        ))],
    );
    put(
        RETRIEVAL,
        main + 1,
        fill,
        true,
        vec![p(format!(
            "Reports not retrieved {}",
            n(a.retrieval.not_retrieved)
        ))],
    );
    let e = &a.eligibility;
    let mut assessed = vec![p(format!(
        "Reports assessed for eligibility {}",
        n(e.assessed)
    ))];
    if e.undecided > 0 {
        assessed.push(p(format!(
            "Awaiting a final decision (maybe) {}",
            n(e.undecided)
        )));
    }
    assessed.extend(waiting("Not yet assessed", &e.waiting));
    put(ASSESSMENT, main, fill, false, assessed);
    put(
        ASSESSMENT,
        main + 1,
        fill,
        false,
        reasons("Reports excluded", e.excluded, &e.excluded_reasons),
    );
}

#[cfg(test)]
#[path = "svg_tests.rs"]
mod tests;
