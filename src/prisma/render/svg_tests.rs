//! The SVG diagram: valid XML, every number present, legible on A4, hostile names harmless.

use super::*;
use crate::markup::{MIN_FONT_MM, svg_texts};
use crate::prisma::counts::{Origin, OriginKind, StageState, WorkState};
use crate::prisma::{CountRules, count, fixture};

#[test]
fn parses_as_svg_and_prints_on_a4() {
    let svg = to_svg(&count(&fixture::works(), CountRules::default()));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(root.attribute("width"), Some("180mm"));
    let view: Vec<f64> = root
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .map(|x| x.parse().unwrap())
        .collect();
    assert_eq!(view[2], 180.0);
    // Taller than wide is fine; taller than an A4 page's print area is not.
    assert!(view[3] < 267.0, "height {}", view[3]);
    for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let size: f64 = t.attribute("font-size").unwrap().parse().unwrap();
        assert!(size >= MIN_FONT_MM, "font {size} mm < 8 pt: {:?}", t.text());
    }
}

/// Every count the diagram must show, formatted as it shows them.
fn expected_numbers() -> Vec<String> {
    [
        "(n = 19)", // databases
        "(n = 1)",  // registers, Prosjektbanken
        "(n = 7)",  // crossref, project links
        "(n = 4)",  // PubMed, Scopus, cristin, duplicates (left), reports included
        "(n = 2)",  // duplicates (right), reports excluded, sought (right)
        "(n = 11)", // screened
        "(n = 3)",  // excluded at screening, not yet screened, studies, screened (right)
        "(n = 8)",  // sought
        "(n = 6)",  // assessed
    ]
    .iter()
    .map(|s| s.replace(' ', "\u{a0}"))
    .collect()
}

#[test]
fn contains_every_box_with_its_number() {
    let svg = to_svg(&count(&fixture::works(), CountRules::default()));
    let all = svg_texts(&svg).join("\n");
    for needle in expected_numbers() {
        assert!(all.contains(&needle), "missing {needle:?}");
    }
    let nb = |s: &str| s.replace("(n = ", "(n\u{a0}=\u{a0}");
    for line in [
        "Records identified from:",
        "crossref (n = 7)",
        "cristin (n = 4)",
        "PubMed (n = 4)",
        "Scopus (n = 4)",
        "Prosjektbanken (n = 1)",
        "Databases (n = 19)",
        "Registers (n = 1)",
        "Duplicate records removed (n = 4)",
        "Records removed for other reasons (n = 1)",
        "Records screened (n = 11)",
        "Records excluded (n = 3)",
        "Not yet screened (n = 3):",
        "no decision yet (n = 1)",
        "awaiting another reviewer (n = 1)",
        "conflicts awaiting adjudication (n = 1)",
        "Reports not retrieved (n = 1)",
        "Reports excluded (n = 2):",
        "wrong setting (n = 1)",
        "wrong focus (n = 1)",
        "Awaiting a final decision (maybe) (n = 1)",
        "Studies included in review (n = 3)",
        "Reports of included studies (n = 4)",
        "project links (n = 7)",
        "Duplicate records removed (n = 2)",
        "Records screened (n = 3)",
        "Reports sought for retrieval (n = 8)",
        "Reports sought for retrieval (n = 2)",
        "Reports assessed for eligibility (n = 6)",
        "Reports assessed for eligibility (n = 1)",
        "Identification of studies via databases and registers",
        "Identification of studies via other methods",
        "Identification",
        "Screening",
        "Included",
    ] {
        let want = nb(line);
        // A line may wrap: compare with the text's line breaks turned into spaces.
        let flat = all.replace('\n', " ");
        assert!(
            all.lines().any(|l| l == want) || flat.contains(&want),
            "missing line {want:?}"
        );
    }
}

#[test]
fn every_number_of_the_counts_is_in_the_diagram() {
    // Independent of the wording: every non-zero count of the JSON appears as "(n = X)",
    // except those the diagram leaves to the table (adjudicated, overridden by a decision).
    let p = count(&fixture::works(), CountRules::default());
    let svg = svg_texts(&to_svg(&p)).join(" ");
    let json = crate::prisma::render::json::to_value(&p);
    fn numbers(key: &str, v: &serde_json::Value, out: &mut Vec<(String, u64)>) {
        match v {
            serde_json::Value::Number(n) => out.push((key.to_string(), n.as_u64().unwrap())),
            serde_json::Value::Object(m) => m
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "adjudicated" | "overridden_by_decision"))
                .for_each(|(k, v)| numbers(&format!("{key}.{k}"), v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    numbers("", &json, &mut all);
    assert!(all.len() > 40);
    for (key, x) in all.into_iter().filter(|(_, x)| *x > 0) {
        assert!(
            svg.contains(&format!("(n\u{a0}=\u{a0}{x})")) || svg.contains(&format!(" {x} ")),
            "{key} = {x} missing"
        );
    }
}

#[test]
fn without_other_methods_the_arm_is_not_drawn() {
    let p = count(&fixture::works()[..15], CountRules::default());
    let all = svg_texts(&to_svg(&p)).join("\n");
    assert!(!all.contains("via other methods"));
    assert!(all.contains("Identification of studies via databases and registers"));
}

#[test]
fn hostile_names_are_text_not_markup() {
    let evil = "<script>alert('x')</script> & \u{1b}[2J\u{202e}Cristin";
    let w = WorkState {
        origins: vec![Origin {
            kind: OriginKind::Database,
            name: evil,
        }],
        title_abstract: StageState::Decided {
            verdict: crate::store::decisions::Verdict::Exclude,
            reason: Some("]]> <!-- \"quoted\" -->"),
            adjudicated: false,
        },
        ..WorkState::default()
    };
    let svg = to_svg(&count(&[w], CountRules::default()));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    let all = svg_texts(&svg).join(" ");
    assert!(all.contains("<script>alert('x')</script> &"), "{all}");
    assert!(!all.contains('\u{1b}') && !all.contains('\u{202e}'));
}

#[test]
fn long_names_wrap_inside_their_box() {
    let name =
        "Norsk forskningsråds prosjektbank for helse- og omsorgstjenesteforskning i kommunene";
    let w = WorkState {
        origins: vec![Origin {
            kind: OriginKind::Register,
            name,
        }],
        ..WorkState::default()
    };
    let d = Diagram::new(&count(&[w], CountRules::default()));
    for row in &d.blocks {
        for b in row.iter().flatten() {
            let (_, width) = d.columns.cols[b.col];
            for (line, indent) in &b.lines {
                assert!(
                    text_width(line, FS) + indent + 2.0 * PAD <= width + 1e-9,
                    "{line:?} overflows its {width} mm box"
                );
            }
        }
    }
    let all = svg_texts(&to_svg(&count(
        &[WorkState {
            origins: vec![Origin {
                kind: OriginKind::Register,
                name,
            }],
            ..WorkState::default()
        }],
        CountRules::default(),
    )))
    .join(" ");
    assert!(all.contains("prosjektbank"), "{all}");
}
