//! Any text as a search query: nothing may panic, an error's position lies within the query,
//! and whatever parses prints a canonical form that parses and prints the same again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use litscope::index::query::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match parse(input) {
        Ok(query) => {
            let shown = query.to_string();
            let again = parse(&shown).expect("the canonical form parses");
            assert_eq!(again.to_string(), shown);
        }
        Err(e) => {
            assert!(e.position >= 1 && e.position <= input.chars().count().max(1));
            let _ = e.caret(input);
        }
    }
});
