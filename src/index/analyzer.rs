//! How text becomes index terms: one pass that splits words, lower-cases them and emits, at
//! the word's own position, the extra forms a reviewer may search it by.
//!
//! For each word `w` (lower case) the full-text analyzer emits `w`, then, only when they
//! differ from what is already emitted: its English and Norwegian Snowball stems (the
//! algorithms tantivy's `Stemmer` runs, from the same `frostem` crate), and for a word with
//! letters beyond ASCII its ASCII folding (`utfører` → `utforer`) with that folding's stems.
//! So one field per text holds every form at one position:
//!
//! - an inflection finds its lemma's other forms through a shared stem (`tillitsmodellen`
//!   and `tillitsmodell` share the Norwegian stem `tillitsmodell`, `models` and `model` the
//!   English `model`);
//! - a word typed with æøå is searched as typed: folded forms are always ASCII, so a
//!   non-ASCII query term can only meet the original words; an ASCII term meets both the
//!   ASCII words and the folded ones;
//! - words are split at every character that is not a letter or digit, so `trust-based`,
//!   `trust based` and `bestiller–utfører` (en dash) are the same two words in a row, and a
//!   phrase finds them whichever way they were written;
//! - the unstemmed word stays, so prefix queries (`municipal*`) see real words, not stems
//!   (the English stem of `municipality` is `municip`).
//!
//! Stemming every word twice would dominate indexing time, so each analyzer keeps a cache
//! from word to its extra forms: a corpus's vocabulary is small next to its word count, and
//! most words are looked up, not stemmed. English text rarely folds and often stems to
//! itself, so most positions hold one or two terms.

use std::collections::HashMap;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The analyzer of titles, abstracts, venues and keywords: words, stems and foldings.
pub const TEXT: &str = "litscope_text";
/// The analyzer of author names: words and foldings, no stems.
pub const NAMES: &str = "litscope_names";
/// The analyzer of exact values (tags, types, languages): the whole value in lower case,
/// and its folding.
pub const EXACT: &str = "litscope_exact";

/// Registers the three analyzers with an index.
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(TEXT, TextAnalyzer::from(Analyzer::new(Mode::Text)));
    manager.register(NAMES, TextAnalyzer::from(Analyzer::new(Mode::Names)));
    manager.register(EXACT, TextAnalyzer::from(Analyzer::new(Mode::Exact)));
}

/// What an [`Analyzer`] emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Words, their stems and foldings.
    Text,
    /// Words and their foldings.
    Names,
    /// The whole (trimmed) value as one term, and its folding.
    Exact,
}

/// Words of at most this many bytes are cached; longer ones are rare and stemmed each time.
const CACHED_WORD_LEN: usize = 40;
/// The cache is emptied when it holds this many words (a few tens of megabytes at most).
const CACHE_WORDS: usize = 300_000;

/// The tokenizer behind the three analyzers (see the module doc).
pub struct Analyzer {
    forms: Forms,
    // Token buffers reused from text to text; the first `len` are the current text's.
    tokens: Vec<Token>,
    len: usize,
    word: String,
}

/// A word's extra forms, cached.
struct Forms {
    mode: Mode,
    cache: HashMap<Box<str>, Box<[Box<str>]>, xxhash_rust::xxh3::Xxh3DefaultBuilder>,
    english: frostem::Stemmer,
    norwegian: frostem::Stemmer,
}

impl Clone for Analyzer {
    /// A fresh analyzer of the same mode: each indexing thread fills its own cache.
    fn clone(&self) -> Self {
        Analyzer::new(self.forms.mode)
    }
}

impl Analyzer {
    /// An analyzer with an empty cache.
    pub fn new(mode: Mode) -> Self {
        Analyzer {
            forms: Forms {
                mode,
                cache: HashMap::default(),
                english: frostem::Stemmer::new(frostem::Algorithm::English),
                norwegian: frostem::Stemmer::new(frostem::Algorithm::Norwegian),
            },
            tokens: Vec::new(),
            len: 0,
            word: String::new(),
        }
    }

    /// Every term of `text`, in order, as (position, term).
    pub fn terms(&mut self, text: &str) -> Vec<(usize, String)> {
        self.fill(text);
        self.tokens[..self.len]
            .iter()
            .map(|t| (t.position, t.text.clone()))
            .collect()
    }

    /// The tokens of `text` (every form of every word, with byte offsets into `text`).
    pub fn tokens(&mut self, text: &str) -> &[Token] {
        self.fill(text);
        &self.tokens[..self.len]
    }

    /// The forms of one lower-case word beyond the word itself (see the module doc).
    pub fn extra_forms(&mut self, word: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.forms.each(word, &mut |f| out.push(f.to_string()));
        out
    }

    /// The terms a query word (already lower case) is searched by: its stems for full text
    /// (the index holds every word's stems, so stems alone find every form, and a word
    /// typed with æøå keeps its letters), the word itself otherwise. Never folded.
    pub fn query_forms(&self, word: &str) -> Vec<String> {
        if self.forms.mode != Mode::Text {
            return vec![word.to_string()];
        }
        let mut out = vec![self.forms.english.stem(word).into_owned()];
        let no = self.forms.norwegian.stem(word);
        if no != out[0] {
            out.push(no.into_owned());
        }
        out
    }

    /// Tokenizes `text` into `self.tokens`.
    fn fill(&mut self, text: &str) {
        let Analyzer {
            forms,
            tokens,
            len,
            word,
        } = self;
        *len = 0;
        let mut push = |position: usize, from: usize, to: usize, text: &str| {
            if *len == tokens.len() {
                tokens.push(Token::default());
            }
            let t = &mut tokens[*len];
            t.offset_from = from;
            t.offset_to = to;
            t.position = position;
            t.text.clear();
            t.text.push_str(text);
            *len += 1;
        };
        if forms.mode == Mode::Exact {
            let value = text.trim();
            if !value.is_empty() {
                let lower = lowercase(value);
                push(0, 0, text.len(), &lower);
                if !lower.is_ascii() {
                    let folded = fold(&lower);
                    if folded != lower {
                        push(0, 0, text.len(), &folded);
                    }
                }
            }
            return;
        }
        for (position, (from, to)) in words(text).enumerate() {
            word.clear();
            lowercase_into(&text[from..to], word);
            push(position, from, to, word);
            forms.each(word, &mut |f| push(position, from, to, f));
        }
    }
}

impl Forms {
    fn each(&mut self, word: &str, emit: &mut dyn FnMut(&str)) {
        if word.len() > CACHED_WORD_LEN {
            for f in self.compute(word) {
                emit(&f);
            }
            return;
        }
        if let Some(forms) = self.cache.get(word) {
            for f in forms.iter() {
                emit(f);
            }
            return;
        }
        let forms = self.compute(word);
        for f in &forms {
            emit(f);
        }
        if self.cache.len() >= CACHE_WORDS {
            self.cache.clear();
        }
        self.cache.insert(word.into(), forms.into_boxed_slice());
    }

    fn compute(&self, word: &str) -> Vec<Box<str>> {
        let mut forms: Vec<Box<str>> = Vec::new();
        let mut push = |f: &str| {
            if f != word && !f.is_empty() && !forms.iter().any(|x| &**x == f) {
                forms.push(f.into());
            }
        };
        let stem = self.mode == Mode::Text;
        if stem {
            push(&self.english.stem(word));
            push(&self.norwegian.stem(word));
        }
        if !word.is_ascii() {
            let folded = fold(word);
            push(&folded);
            if stem {
                push(&self.english.stem(&folded));
                push(&self.norwegian.stem(&folded));
            }
        }
        forms
    }
}

/// Byte ranges of the words of `text`: maximal runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.by_ref().find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        for (i, c) in chars.by_ref() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
        }
        Some((start, end))
    })
}

/// Lower case (ASCII fast path).
pub fn lowercase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    lowercase_into(s, &mut out);
    out
}

fn lowercase_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
    } else {
        out.extend(s.chars().flat_map(char::to_lowercase));
    }
}

/// ASCII folding: æ → ae, ø → o, å → a, ß → ss, accents dropped (é → e, ü → u); other
/// characters without an ASCII form are kept.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'æ' => out.push_str("ae"),
            'Æ' => out.push_str("AE"),
            'ø' => out.push('o'),
            'Ø' => out.push('O'),
            'œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            'đ' | 'ð' => out.push('d'),
            'ł' => out.push('l'),
            'þ' => out.push_str("th"),
            c if c.is_ascii() => out.push(c),
            c => {
                let before = out.len();
                out.extend(std::iter::once(c).nfd().filter(|m| !is_combining_mark(*m)));
                if out.len() == before {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The stream over an analyzer's tokens.
pub struct Stream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl Tokenizer for Analyzer {
    type TokenStream<'a> = Stream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Stream<'a> {
        self.fill(text);
        Stream {
            tokens: &mut self.tokens[..self.len],
            next: 0,
        }
    }
}

impl TokenStream for Stream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms_at(mode: Mode, text: &str) -> Vec<Vec<String>> {
        let mut a = Analyzer::new(mode);
        let mut out: Vec<Vec<String>> = Vec::new();
        for (p, t) in a.terms(text) {
            if out.len() <= p {
                out.resize(p + 1, Vec::new());
            }
            out[p].push(t);
        }
        out
    }

    fn shares_a_term(a: &str, b: &str) -> bool {
        let x = terms_at(Mode::Text, a);
        let y = terms_at(Mode::Text, b);
        x.len() == y.len()
            && x.iter()
                .zip(&y)
                .all(|(p, q)| p.iter().any(|t| q.contains(t)))
    }

    #[test]
    fn inflections_share_a_stem() {
        for (a, b) in [
            ("tillitsmodell", "tillitsmodellen"),
            ("tildeling", "tildelingen"),
            ("kommune", "kommunene"),
            ("model", "models"),
            ("allocation", "allocations"),
            ("service", "services"),
        ] {
            assert!(shares_a_term(a, b), "{a} / {b}");
        }
        assert!(!shares_a_term("tildeling", "kommune"));
    }

    #[test]
    fn hyphens_dashes_and_spaces_split_the_same_words() {
        let forms = [
            "bestiller-utfører",
            "bestiller–utfører",
            "bestiller utfører",
            "Bestiller—Utfører",
        ];
        for f in forms {
            assert_eq!(
                terms_at(Mode::Text, f),
                terms_at(Mode::Text, forms[0]),
                "{f}"
            );
        }
        assert_eq!(terms_at(Mode::Text, "trust-based").len(), 2);
    }

    #[test]
    fn non_ascii_words_add_their_folding_and_ascii_words_nothing_folded() {
        let t = terms_at(Mode::Text, "utfører");
        assert_eq!(t.len(), 1);
        assert!(t[0].contains(&"utfører".to_string()));
        assert!(t[0].contains(&"utforer".to_string()));
        // Every folded form is ASCII: a term typed with æøå only meets original words.
        assert!(
            t[0].iter()
                .filter(|x| !x.is_ascii())
                .all(|x| x.starts_with("utfør"))
        );
        let plain = terms_at(Mode::Text, "utforer");
        assert!(plain[0].iter().all(|x| x.is_ascii()));
        assert_eq!(fold("Æøå ß é ü"), "AEoa ss e u");
    }

    #[test]
    fn the_word_itself_comes_first_and_nothing_repeats() {
        let t = terms_at(Mode::Text, "Municipalities municipality");
        assert_eq!(t[0][0], "municipalities");
        assert_eq!(t[1][0], "municipality");
        for p in &t {
            let mut s = p.clone();
            s.sort();
            s.dedup();
            assert_eq!(s.len(), p.len(), "{p:?}");
        }
    }

    #[test]
    fn names_fold_but_do_not_stem_and_exact_values_stay_whole() {
        assert_eq!(
            terms_at(Mode::Names, "Økland, Åse"),
            vec![vec!["økland", "okland"], vec!["åse", "ase"]]
        );
        assert_eq!(terms_at(Mode::Names, "Berger")[0], vec!["berger"]);
        assert_eq!(
            terms_at(Mode::Exact, " Bestiller-Utfører "),
            vec![vec!["bestiller-utfører", "bestiller-utforer"]]
        );
    }

    #[test]
    fn offsets_point_at_the_word_in_the_text() {
        let mut a = Analyzer::new(Mode::Text);
        let tokens = a.tokens("«Tildeling» i kommunene");
        let t = &tokens[0];
        assert_eq!(
            &"«Tildeling» i kommunene"[t.offset_from..t.offset_to],
            "Tildeling"
        );
        assert!(tokens.iter().all(|t| t.offset_to > t.offset_from));
    }

    #[test]
    fn the_cache_gives_what_stemming_gives() {
        let mut a = Analyzer::new(Mode::Text);
        let first = a.extra_forms("tillitsmodellen");
        let cached = a.extra_forms("tillitsmodellen");
        assert_eq!(first, cached);
        assert!(first.contains(&"tillitsmodell".to_string()), "{first:?}");
    }
}
