//! The query language, case by case: what each input parses to (in canonical form and as a
//! tree), the exact position of each mistake, and properties over generated queries.

use super::*;
use proptest::prelude::*;
use std::ops::Bound::{Excluded, Included, Unbounded};

fn ok(input: &str) -> Query {
    parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e}"))
}

fn err(input: &str) -> QueryError {
    match parse(input) {
        Ok(q) => panic!("{input:?} should fail, parsed as {q}"),
        Err(e) => e,
    }
}

/// The tree with every span zeroed, to compare trees parsed from different texts.
fn unspanned(q: Query) -> Query {
    match q {
        Query::Term { field, text, .. } => Query::Term {
            field,
            text,
            span: Span::default(),
        },
        Query::Prefix { field, text, .. } => Query::Prefix {
            field,
            text,
            span: Span::default(),
        },
        Query::Phrase {
            field, text, slop, ..
        } => Query::Phrase {
            field,
            text,
            slop,
            span: Span::default(),
        },
        Query::Range { field, lo, hi, .. } => Query::Range {
            field,
            lo,
            hi,
            span: Span::default(),
        },
        Query::And(c) => Query::And(c.into_iter().map(unspanned).collect()),
        Query::Or(c) => Query::Or(c.into_iter().map(unspanned).collect()),
        Query::Not(q) => Query::Not(Box::new(unspanned(*q))),
    }
}

fn term(field: Option<Field>, text: &str) -> Query {
    Query::Term {
        field,
        text: text.into(),
        span: Span::default(),
    }
}

fn t(text: &str) -> Query {
    term(None, text)
}

fn not(q: Query) -> Query {
    Query::Not(Box::new(q))
}

#[test]
fn each_input_has_one_canonical_form() {
    let cases = [
        // Terms, implicit AND, operators and their aliases.
        ("trust", "trust"),
        ("  trust  ", "trust"),
        ("trust model", "trust AND model"),
        ("trust AND model", "trust AND model"),
        ("trust && model", "trust AND model"),
        ("trust OR model", "trust OR model"),
        ("trust || model", "trust OR model"),
        ("NOT hospital", "NOT hospital"),
        ("-hospital", "NOT hospital"),
        ("care NOT hospital", "care AND NOT hospital"),
        ("care -hospital", "care AND NOT hospital"),
        ("care OR NOT hospital", "care OR NOT hospital"),
        ("NOT NOT care", "NOT NOT care"),
        ("--care", "NOT NOT care"),
        // Lowercase operators are words.
        ("trust and model", "trust AND and AND model"),
        ("a or b", "a AND or AND b"),
        ("not a", "not AND a"),
        ("And Or Not", "And AND Or AND Not"),
        // Precedence NOT > AND > OR, and parentheses.
        ("a b OR c", "a AND b OR c"),
        ("a OR b c", "a OR b AND c"),
        ("a OR b AND c OR d", "a OR b AND c OR d"),
        ("(a OR b) c", "(a OR b) AND c"),
        ("a (b OR c) d", "a AND (b OR c) AND d"),
        ("NOT (a OR b)", "NOT (a OR b)"),
        ("NOT a b", "NOT a AND b"),
        ("-(a b)", "NOT (a AND b)"),
        ("((a))", "a"),
        ("(a b) (c d)", "a AND b AND c AND d"),
        ("(a OR b) OR (c OR d)", "a OR b OR c OR d"),
        ("a AND(b)OR(c)", "a AND b OR c"),
        // Prefixes and phrases.
        ("tildel*", "tildel*"),
        ("\"trust model\"", "\"trust model\""),
        ("\"trust   model\n here\"", "\"trust model here\""),
        ("\"trust model\"~3", "\"trust model\"~3"),
        ("\"trust model\"~0", "\"trust model\""),
        ("(\"a b\"~2)", "\"a b\"~2"),
        ("\"a\"\"b\"", "\"a\" AND \"b\""),
        ("care\"home based\"", "care AND \"home based\""),
        (
            "-\"new public management\"",
            "NOT \"new public management\"",
        ),
        // Fields, aliases, case, groups.
        ("title:trust", "title:trust"),
        ("TITLE:trust", "title:trust"),
        ("Abstract:Tillit", "abstract:Tillit"),
        ("authors:Vabø", "author:Vabø"),
        ("journal:Idunn", "venue:Idunn"),
        (
            "kw:tillit keyword:a keywords:b",
            "keywords:tillit AND keywords:a AND keywords:b",
        ),
        ("lang:nb language:en", "language:nb AND language:en"),
        (
            "source:cristin database:scopus",
            "source:cristin AND database:scopus",
        ),
        (
            "tag:tillitsmodell decision:unscreened",
            "tag:tillitsmodell AND decision:unscreened",
        ),
        (
            "type:journal-article id:abc123",
            "type:journal-article AND id:abc123",
        ),
        ("title:\"trust model\"~2", "title:\"trust model\"~2"),
        ("title:tildel*", "title:tildel*"),
        ("title:(a OR b)", "title:a OR title:b"),
        ("title:(a b) c", "title:a AND title:b AND c"),
        ("title:(a OR -b)", "title:a OR NOT title:b"),
        ("title:(a OR abstract:b)", "title:a OR abstract:b"),
        (
            "title:(a OR \"b c\" OR d*)",
            "title:a OR title:\"b c\" OR title:d*",
        ),
        ("-title:hospital", "NOT title:hospital"),
        ("title:AND", "title:AND"),
        ("title:(a) OR(b)", "title:a OR b"),
        // DOIs and other colons.
        ("doi:10.1000/xyz", "doi:10.1000/xyz"),
        ("doi:10.1000/a:b", "doi:10.1000/a:b"),
        ("doi:\"10.1002/(SICI)1097\"", "doi:\"10.1002/(SICI)1097\""),
        ("10.1000/x:y", "10.1000/x:y"),
        ("covid-19:x", "covid-19:x"),
        ("Home care: a review", "Home AND care: AND a AND review"),
        (":x", ":x"),
        ("doi:a~b", "doi:a~b"),
        // Years.
        ("year:2015", "year:2015"),
        ("year:[2010 TO 2020]", "year:[2010 TO 2020]"),
        ("year:[ 2010   to 2020 ]", "year:[2010 TO 2020]"),
        ("year:{2010 TO 2020}", "year:{2010 TO 2020}"),
        ("year:[2010 TO 2020}", "year:[2010 TO 2020}"),
        ("year:[2010 TO *]", "year:[2010 TO *]"),
        ("year:{* TO 2020]", "year:[* TO 2020]"),
        ("year:[2015 TO 2015]", "year:2015"),
        ("year:>=2015", "year:[2015 TO *]"),
        ("year:>2015", "year:{2015 TO *]"),
        ("year:<=2020", "year:[* TO 2020]"),
        ("year:<2020", "year:[* TO 2020}"),
        ("year:(2015 OR 2017)", "year:2015 OR year:2017"),
        ("year:\"2015\"", "year:2015"),
        (
            "trust year:[2010 TO 2020]x",
            "trust AND year:[2010 TO 2020] AND x",
        ),
        // Unicode stays as typed: the analyzer splits and folds later.
        ("bestiller–utfører", "bestiller–utfører"),
        ("bestiller-utfører", "bestiller-utfører"),
        (
            "helse- og omsorgstjenester",
            "helse- AND og AND omsorgstjenester",
        ),
        (
            "\"tillit og kontroll\" æøå",
            "\"tillit og kontroll\" AND æøå",
        ),
        ("\"数据 🙂\"", "\"数据 🙂\""),
        ("trust\u{a0}model", "trust AND model"),
        ("[Hjemmetjenester]", "[Hjemmetjenester]"),
        ("title:([x)", "title:([x)"),
        ("title:({x*)", "title:({x*)"),
    ];
    for (input, canonical) in cases {
        let q = ok(input);
        assert_eq!(q.to_string(), canonical, "input {input:?}");
        assert_eq!(
            unspanned(ok(canonical)),
            unspanned(q),
            "canonical form of {input:?} parses back to another tree"
        );
    }
}

#[test]
fn trees_have_the_documented_shape() {
    assert_eq!(
        unspanned(ok("a b OR c")),
        Query::Or(vec![Query::And(vec![t("a"), t("b")]), t("c")])
    );
    assert_eq!(
        unspanned(ok("a NOT b")),
        Query::And(vec![t("a"), not(t("b"))])
    );
    assert_eq!(unspanned(ok("NOT a")), not(t("a")));
    assert_eq!(
        unspanned(ok("title:(a OR b)")),
        Query::Or(vec![
            term(Some(Field::Title), "a"),
            term(Some(Field::Title), "b")
        ])
    );
    assert_eq!(
        unspanned(ok("tildel*")),
        Query::Prefix {
            field: None,
            text: "tildel".into(),
            span: Span::default()
        }
    );
    assert_eq!(
        unspanned(ok("abstract:\"trust  model\"~3")),
        Query::Phrase {
            field: Some(Field::Abstract),
            text: "trust model".into(),
            slop: 3,
            span: Span::default()
        }
    );
    let range = |lo, hi| Query::Range {
        field: Field::Year,
        lo,
        hi,
        span: Span::default(),
    };
    for (input, lo, hi) in [
        ("year:2015", Included(2015), Included(2015)),
        ("year:[2010 TO 2020]", Included(2010), Included(2020)),
        ("year:{2010 TO 2020}", Excluded(2010), Excluded(2020)),
        ("year:[* TO 2020}", Unbounded, Excluded(2020)),
        ("year:>=2015", Included(2015), Unbounded),
        ("year:>2015", Excluded(2015), Unbounded),
        ("year:<=2020", Unbounded, Included(2020)),
        ("year:<2020", Unbounded, Excluded(2020)),
        ("year:[* TO *]", Unbounded, Unbounded),
    ] {
        assert_eq!(unspanned(ok(input)), range(lo, hi), "{input}");
    }
}

#[test]
fn spans_count_characters_and_cover_the_field() {
    let q = ok("æøå title:tillit \"a b\"~2 year:[2010 TO 2020]");
    let Query::And(children) = q else {
        panic!("an AND")
    };
    let spans: Vec<(usize, usize)> = children
        .iter()
        .map(|c| match c {
            Query::Term { span, .. } | Query::Phrase { span, .. } | Query::Range { span, .. } => {
                (span.start, span.end)
            }
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(spans, [(0, 3), (4, 16), (17, 24), (25, 44)]);
    let Query::Term { span, .. } = ok("  ø") else {
        panic!("a term")
    };
    assert_eq!(span.position(), 3);
}

#[test]
fn every_field_name_and_alias_parses_in_any_case() {
    for field in Field::ALL {
        assert_eq!(Field::parse(field.as_str()), Some(field));
        assert_eq!(Field::parse(&field.as_str().to_uppercase()), Some(field));
        let q = ok(&format!("{field}:2015"));
        assert_eq!(q.to_string(), format!("{field}:2015"));
    }
    for (alias, field) in [
        ("authors", Field::Author),
        ("JOURNAL", Field::Venue),
        ("keyword", Field::Keywords),
        ("Kw", Field::Keywords),
        ("lang", Field::Language),
    ] {
        assert_eq!(Field::parse(alias), Some(field), "{alias}");
    }
    assert_eq!(Field::parse("tilte"), None);
}

#[test]
fn mistakes_are_reported_at_their_character_position() {
    use QueryErrorKind as K;
    let missing_right = |op: &str| K::MissingRight {
        operator: op.into(),
    };
    let missing_left = |op: &str| K::MissingLeft {
        operator: op.into(),
    };
    let bad_range = |problem| K::BadRange { problem };
    let not_a_year = |text: &str| K::NotAYear { text: text.into() };
    let cases = [
        ("", 1, K::Empty),
        ("   \n ", 1, K::Empty),
        ("(a OR b", 1, K::UnclosedParen),
        ("a (b (c)", 3, K::UnclosedParen),
        ("(", 1, K::UnclosedParen),
        ("a)", 2, K::UnmatchedParen),
        (") a", 1, K::UnmatchedParen),
        ("(a))", 4, K::UnmatchedParen),
        ("a ()", 3, K::EmptyGroup),
        ("title:()", 7, K::EmptyGroup),
        ("a \"b c", 3, K::UnclosedQuote),
        ("\"\"", 1, K::EmptyPhrase),
        ("a \"  \"", 3, K::EmptyPhrase),
        ("a AND", 3, missing_right("AND")),
        ("a &&", 3, missing_right("&&")),
        ("a OR", 3, missing_right("OR")),
        ("a AND OR b", 3, missing_right("AND")),
        ("(a OR) b", 4, missing_right("OR")),
        ("NOT", 1, missing_right("NOT")),
        ("a NOT", 3, missing_right("NOT")),
        ("-AND a", 1, missing_right("-")),
        ("OR b", 1, missing_left("OR")),
        ("(AND b)", 2, missing_left("AND")),
        ("a - b", 3, K::LoneDash),
        ("a -", 3, K::LoneDash),
        ("(a -)", 4, K::LoneDash),
        (
            "tilte:trust",
            1,
            K::UnknownField {
                name: "tilte".into(),
            },
        ),
        (
            "a område:x",
            3,
            K::UnknownField {
                name: "område".into(),
            },
        ),
        (
            "a tilte:(x)",
            3,
            K::UnknownField {
                name: "tilte".into(),
            },
        ),
        (
            "title: trust",
            1,
            K::MissingValue {
                field: Field::Title,
            },
        ),
        (
            "a title:",
            3,
            K::MissingValue {
                field: Field::Title,
            },
        ),
        (
            "(title:)",
            2,
            K::MissingValue {
                field: Field::Title,
            },
        ),
        ("til*del", 4, K::InnerWildcard),
        ("title:**", 7, K::InnerWildcard),
        ("*", 1, K::LoneWildcard),
        ("a title:*", 9, K::LoneWildcard),
        ("trust~2", 6, K::FuzzyTerm),
        ("\"a b\" ~2", 7, K::FuzzyTerm),
        ("\"a b\"~", 6, K::BadSlop),
        ("\"a b\"~x", 6, K::BadSlop),
        ("\"a b\"~2x", 6, K::BadSlop),
        ("\"a b\"~99999999999", 6, K::BadSlop),
        ("title:[a TO b]", 1, K::RangeField),
        (
            "year:[2010 2020]",
            12,
            bad_range("expected `TO` between the two ends"),
        ),
        (
            "year:[2010 TO 2020",
            6,
            bad_range("the range is never closed"),
        ),
        ("year:[2010", 6, bad_range("the range is never closed")),
        ("year:[2010 TO ]", 15, bad_range("an end is missing")),
        (
            "year:[2010 TO 2020 x]",
            20,
            bad_range("expected `]` or `}` after the upper end"),
        ),
        ("year:[2020 TO 2010]", 6, bad_range("no year is in it")),
        ("year:{2015 TO 2016}", 6, bad_range("no year is in it")),
        ("year:[20x0 TO 2020]", 7, not_a_year("20x0")),
        ("year:[2010 TO -5]", 15, not_a_year("-5")),
        ("year:soon", 6, not_a_year("soon")),
        ("year:>=x", 6, not_a_year(">=x")),
        ("year:201*", 6, not_a_year("201*")),
        ("year:(2015 OR later)", 15, not_a_year("later")),
        ("year:\"ok\"", 7, not_a_year("ok")),
        (
            "year:99999999999999999999",
            6,
            not_a_year("99999999999999999999"),
        ),
        // Positions count characters: each of æ, ø, – and 🙂 is one, whatever its bytes.
        ("æøå AND", 5, missing_right("AND")),
        ("bestiller–utfører )", 19, K::UnmatchedParen),
        ("🙂🙂 \"x", 4, K::UnclosedQuote),
        (
            "ø ø ø tilte:x",
            7,
            K::UnknownField {
                name: "tilte".into(),
            },
        ),
        ("å\nb (", 5, K::UnclosedParen),
    ];
    for (input, position, kind) in cases {
        let e = err(input);
        assert_eq!((e.position, &e.kind), (position, &kind), "input {input:?}");
    }
}

#[test]
fn errors_read_as_one_line_with_their_position() {
    let e = err("tilte:trust");
    let message = e.to_string();
    assert!(
        message.starts_with("syntax error at position 1: unknown field `tilte`; the fields are: title, abstract, author,"),
        "{message}"
    );
    assert!(!message.contains('\n'));
    assert_eq!(
        err("a AND").to_string(),
        "syntax error at position 3: `AND` needs a query after it"
    );
}

#[test]
fn the_caret_points_at_the_character() {
    assert_eq!(err("æøå AND").caret("æøå AND"), "æøå AND\n    ^");
    // On a multi-line filter, only the line of the mistake, the caret under its column.
    let filter = "(a OR b)\nAND\n(c OR\n d";
    assert_eq!(err(filter).caret(filter), "(c OR\n^");
    // Control characters show as spaces, so nothing reaches the terminal and columns hold.
    let hostile = "a\u{1b}[31m\t)";
    assert_eq!(err(hostile).caret(hostile), "a [31m )\n       ^");
    // A long line is cut around the position.
    let long = format!("{} )", "word ".repeat(100));
    let caret = err(&long).caret(&long);
    let (line, marker) = caret.split_once('\n').expect("two lines");
    assert!(
        line.starts_with('…') && line.chars().count() <= 72,
        "{line}"
    );
    assert_eq!(line.chars().nth(marker.len() - 1), Some(')'));
}

#[test]
fn highlight_terms_are_the_positive_full_text_leaves() {
    let q = ok(
        "(tildel* OR \"trust model\"~2) title:tillit -hospital NOT NOT care \
         year:2015 tag:x decision:include -(a OR b) author:Vabø",
    );
    let shown: Vec<String> = q
        .terms_for_highlight()
        .iter()
        .map(|q| q.to_string())
        .collect();
    assert_eq!(
        shown,
        [
            "tildel*",
            "\"trust model\"~2",
            "title:tillit",
            "care",
            "author:Vabø"
        ]
    );
}

#[test]
fn the_screen_filter_of_this_review_parses() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/queries/allocation-models.toml"
    );
    let text = std::fs::read_to_string(path).expect("queries/allocation-models.toml");
    let file: toml::Table = toml::from_str(&text).expect("valid TOML");
    let filter = file["screen"]["filter"].as_str().expect("[screen] filter");
    let q = ok(filter);
    let Query::And(concepts) = &q else {
        panic!("two concepts ANDed: {q}")
    };
    assert_eq!(concepts.len(), 2);
    let sizes: Vec<usize> = concepts
        .iter()
        .map(|c| match c {
            Query::Or(options) => options.len(),
            other => panic!("each concept is an OR: {other}"),
        })
        .collect();
    assert_eq!(sizes, [33, 15]);
    assert_eq!(unspanned(ok(&q.to_string())), unspanned(q));
}

#[test]
fn the_benchmark_queries_parse() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/queries.txt");
    let text = std::fs::read_to_string(path).expect("benches/queries.txt");
    let queries: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect();
    assert_eq!(queries.len(), 20);
    for q in queries {
        let parsed = ok(q);
        assert!(!parsed.terms_for_highlight().is_empty(), "{q}");
    }
}

#[test]
fn long_and_deep_inputs_neither_overflow_nor_crawl() {
    // Linear work: a 100,000-clause OR parses in one pass.
    let wide = "tildel* OR ".repeat(100_000) + "kommun*";
    let Query::Or(options) = ok(&wide) else {
        panic!("an OR")
    };
    assert_eq!(options.len(), 100_001);
    // Nesting is capped before the stack is: an error at the first level too deep.
    let deep = "(".repeat(100_000) + "a" + &")".repeat(100_000);
    assert_eq!(
        (err(&deep).position, err(&deep).kind),
        (MAX_DEPTH + 1, QueryErrorKind::TooDeep)
    );
    let negations = "NOT ".repeat(MAX_DEPTH + 1) + "a";
    assert_eq!(err(&negations).kind, QueryErrorKind::TooDeep);
    let at_the_limit = "(".repeat(MAX_DEPTH) + "a" + &")".repeat(MAX_DEPTH);
    assert_eq!(unspanned(ok(&at_the_limit)), t("a"));
}

/// Generated queries in canonical shape: ANDs and ORs of two or more, never nested in their
/// own kind; leaves in every form, in every field.
fn any_query() -> impl Strategy<Value = Query> {
    let word = "[a-zæøå][a-zæøå0-9–-]{0,6}";
    let text_field = prop::option::of(prop::sample::select(
        Field::ALL
            .into_iter()
            .filter(|f| *f != Field::Year)
            .collect::<Vec<_>>(),
    ));
    let bound = prop_oneof![
        Just(Unbounded),
        (1900i64..2030).prop_map(Included),
        (1900i64..2030).prop_map(Excluded),
    ];
    let leaf = prop_oneof![
        (text_field.clone(), word).prop_map(|(field, text)| term(field, &text)),
        (text_field.clone(), word).prop_map(|(field, text)| Query::Prefix {
            field,
            text,
            span: Span::default()
        }),
        (text_field, prop::collection::vec(word, 1..4), 0u32..5).prop_map(
            |(field, words, slop)| Query::Phrase {
                field,
                text: words.join(" "),
                slop,
                span: Span::default()
            }
        ),
        (bound.clone(), bound)
            .prop_filter("a year in it", |(lo, hi)| !parser_is_empty(*lo, *hi))
            .prop_map(|(lo, hi)| Query::Range {
                field: Field::Year,
                lo,
                hi,
                span: Span::default()
            }),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|c| flat(c, true)),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|c| flat(c, false)),
            inner.prop_map(not),
        ]
    })
}

fn parser_is_empty(lo: std::ops::Bound<i64>, hi: std::ops::Bound<i64>) -> bool {
    let lo = match lo {
        Included(n) => n,
        Excluded(n) => n + 1,
        Unbounded => return false,
    };
    let hi = match hi {
        Included(n) => n,
        Excluded(n) => n - 1,
        Unbounded => return false,
    };
    lo > hi
}

fn flat(children: Vec<Query>, and: bool) -> Query {
    let mut out = Vec::new();
    for child in children {
        match child {
            Query::And(c) if and => out.extend(c),
            Query::Or(c) if !and => out.extend(c),
            // A bare year range of one year prints as `year:N`, which parses back the same.
            other => out.push(other),
        }
    }
    if and { Query::And(out) } else { Query::Or(out) }
}

proptest! {
    #[test]
    fn canonical_form_parses_back_to_the_same_tree(q in any_query()) {
        let shown = q.to_string();
        let back = parse(&shown).map_err(|e| TestCaseError::fail(format!("{shown}: {e}")))?;
        prop_assert_eq!(unspanned(back), q, "{}", shown);
    }

    #[test]
    fn parse_never_panics_and_what_parses_prints_stably(
        input in prop_oneof![
            any::<String>(),
            "[ ()\"~*:\\-\\[\\]{}<>=a-cæ–🙂\n]{0,40}",
            prop::collection::vec(
                prop::sample::select(vec![
                    "AND ", "OR ", "NOT ", "-", "(", ")", "\"", "~2", "*", "title:", "year:",
                    "[2010 TO 2020]", "{", "}", ">=2015", "tildel", "æøå", " ", "doi:10.1/x",
                    "&&", "||", "kw:", ":", "TO",
                ]),
                0..20,
            ).prop_map(|parts| parts.concat()),
        ]
    ) {
        let chars = input.chars().count();
        match parse(&input) {
            Ok(q) => {
                let shown = q.to_string();
                let again = parse(&shown)
                    .map_err(|e| TestCaseError::fail(format!("{input:?} → {shown:?}: {e}")))?;
                prop_assert_eq!(again.to_string(), shown);
            }
            Err(e) => {
                prop_assert!(e.position >= 1 && e.position <= chars.max(1), "{e} in {input:?}");
                let _ = e.caret(&input);
            }
        }
    }
}
