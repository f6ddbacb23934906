//! Running a query: the total, the top hits by score or year, each with its stored
//! document, the matching words of its title and a snippet of its abstract.
//!
//! Highlighting does not re-analyse whole abstracts: a word is stemmed only when it starts
//! like one of the query's terms or prefixes (stems are prefixes of their words but for the
//! last letter or two), so the top 20 cost a few microseconds each.

use super::analyzer::{self, Analyzer, Mode, fold};
use super::build::{Index, IndexError};
use super::compile::{Compiler, Highlight};
use super::doc::IndexDoc;
use super::query::{self, Query, QueryError};
use std::collections::HashSet;
use std::ops::Range;
use tantivy::collector::{Count, TopDocs};
use tantivy::{DocAddress, Order};

/// Search failures.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query does not parse (a usage error: exit 2).
    #[error("query: {0}")]
    Syntax(#[from] QueryError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first.
    #[default]
    Score,
    /// Newest first.
    Year,
}

/// Text with the byte ranges to highlight.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marked {
    /// The text.
    pub text: String,
    /// Byte ranges of matching words, in order, not overlapping.
    pub marks: Vec<Range<usize>>,
}

/// One hit.
#[derive(Debug, Clone)]
pub struct Hit {
    /// BM25 score (0 when sorted by year).
    pub score: f32,
    /// The stored record.
    pub doc: IndexDoc,
    /// The title with its matching words.
    pub title: Marked,
    /// About [`SNIPPET_CHARS`] characters of the abstract around its best matches.
    pub snippet: Marked,
}

/// What a search found.
#[derive(Debug, Clone)]
pub struct Results {
    /// Every matching record.
    pub total: u64,
    /// The first `limit` of them.
    pub hits: Vec<Hit>,
}

/// Characters of abstract in a snippet.
pub const SNIPPET_CHARS: usize = 200;

/// Parses and runs `text`: the total and the first `limit` hits in `sort` order.
pub fn search(index: &Index, text: &str, limit: usize, sort: Sort) -> Result<Results, SearchError> {
    let q = query::parse(text)?;
    run(index, &q, limit, sort)
}

fn tantivy_err(index: &Index, source: tantivy::TantivyError) -> SearchError {
    SearchError::Index(IndexError::Tantivy {
        path: index.dir().to_path_buf(),
        source,
    })
}

/// Runs a parsed query.
pub fn run(index: &Index, q: &Query, limit: usize, sort: Sort) -> Result<Results, SearchError> {
    let compiler = Compiler::new(index.fields());
    let tq = compiler.compile(q).map_err(|e| tantivy_err(index, e))?;
    let searcher = index.searcher();
    // One pass counts and ranks: cheaper than a count and a ranking apart when phrases or
    // prefixes dominate, which is what review queries are made of.
    let (total, top): (usize, Vec<(f32, DocAddress)>) = if limit == 0 {
        (
            tq.count(&searcher).map_err(|e| tantivy_err(index, e))?,
            Vec::new(),
        )
    } else {
        match sort {
            Sort::Score => searcher
                .search(&tq, &(Count, TopDocs::with_limit(limit).order_by_score()))
                .map_err(|e| tantivy_err(index, e))?,
            Sort::Year => {
                let (n, top) = searcher
                    .search(
                        &tq,
                        &(
                            Count,
                            TopDocs::with_limit(limit)
                                .order_by_fast_field::<i64>("year", Order::Desc),
                        ),
                    )
                    .map_err(|e| tantivy_err(index, e))?;
                (n, top.into_iter().map(|(_, a)| (0.0, a)).collect())
            }
        }
    };
    let total = total as u64;
    let highlight = compiler.highlight(q);
    let mut marker = Marker::new(&highlight);
    let mut hits = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc = index.stored(&searcher, address)?;
        let title = marker.mark(doc.title.as_deref().unwrap_or(""));
        let snippet = marker.snippet(doc.abstract_text.as_deref().unwrap_or(""));
        hits.push(Hit {
            score,
            doc,
            title,
            snippet,
        });
    }
    Ok(Results { total, hits })
}

/// The ids of every record `q` matches (what a `[screen] filter` keeps).
pub fn matching_ids(index: &Index, q: &Query) -> Result<HashSet<String>, SearchError> {
    let compiler = Compiler::new(index.fields());
    let tq = compiler.compile(q).map_err(|e| tantivy_err(index, e))?;
    let searcher = index.searcher();
    let addresses = searcher
        .search(&tq, &tantivy::collector::DocSetCollector)
        .map_err(|e| tantivy_err(index, e))?;
    let mut out = HashSet::with_capacity(addresses.len());
    for a in addresses {
        out.insert(index.stored(&searcher, a)?.id);
    }
    Ok(out)
}

/// What a `[screen] filter` does to the index's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FilterCounts {
    /// Records in the index.
    pub records: u64,
    /// Records the filter keeps.
    pub kept: u64,
    /// Records it removes (PRISMA: "excluded by automation tools").
    pub removed: u64,
}

/// Counts what the filter `text` keeps and removes.
pub fn filter_counts(index: &Index, text: &str) -> Result<FilterCounts, SearchError> {
    let q = query::parse(text)?;
    let compiler = Compiler::new(index.fields());
    let tq = compiler.compile(&q).map_err(|e| tantivy_err(index, e))?;
    let searcher = index.searcher();
    let kept = tq.count(&searcher).map_err(|e| tantivy_err(index, e))? as u64;
    let records = searcher.num_docs();
    Ok(FilterCounts {
        records,
        kept,
        removed: records.saturating_sub(kept),
    })
}

/// Finds the words of a text that a [`Highlight`] matches.
pub struct Marker<'h> {
    highlight: &'h Highlight,
    // Folded 3-letter starts of the terms and prefixes: a word not starting with one of
    // them cannot match and is not stemmed.
    starts: Vec<String>,
    text: Analyzer,
}

impl<'h> Marker<'h> {
    /// A marker for `highlight`.
    pub fn new(highlight: &'h Highlight) -> Self {
        let starts = highlight
            .terms
            .iter()
            .chain(&highlight.prefixes)
            .map(|t| fold(t).chars().take(3).collect::<String>())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        Marker {
            highlight,
            starts,
            text: Analyzer::new(Mode::Text),
        }
    }

    fn matches(&mut self, word: &str) -> bool {
        let folded = if word.is_ascii() {
            None
        } else {
            Some(fold(word))
        };
        let plain = folded.as_deref().unwrap_or(word);
        if !self.starts.iter().any(|s| plain.starts_with(s.as_str())) {
            return false;
        }
        let h = self.highlight;
        let hit =
            |t: &str| h.terms.contains(t) || h.prefixes.iter().any(|p| t.starts_with(p.as_str()));
        if hit(word) {
            return true;
        }
        self.text.extra_forms(word).iter().any(|f| hit(f))
    }

    /// True when an ASCII word cannot start like any term (checked without allocating).
    fn surely_not(&self, word: &str) -> bool {
        word.is_ascii()
            && !self.starts.iter().any(|s| {
                word.len() >= s.len()
                    && word.as_bytes()[..s.len()].eq_ignore_ascii_case(s.as_bytes())
            })
    }

    /// `text` with its matching words marked.
    pub fn mark(&mut self, text: &str) -> Marked {
        let mut marks = Vec::new();
        if !self.starts.is_empty() {
            for (a, b) in analyzer::words(text) {
                let word = &text[a..b];
                if !self.surely_not(word) && self.matches(&analyzer::lowercase(word)) {
                    marks.push(a..b);
                }
            }
        }
        Marked {
            text: text.to_string(),
            marks,
        }
    }

    /// About [`SNIPPET_CHARS`] characters of `text` around the densest run of matches (the
    /// beginning when nothing matches), with `…` where it was cut.
    pub fn snippet(&mut self, text: &str) -> Marked {
        let all = self.mark(text);
        if text.chars().count() <= SNIPPET_CHARS {
            return all;
        }
        // The match with the most matches within a snippet's length after it.
        let mut best = (0usize, 0usize);
        let mut j = 0;
        for (i, m) in all.marks.iter().enumerate() {
            while j < all.marks.len() && all.marks[j].end <= m.start + SNIPPET_CHARS {
                j += 1;
            }
            if j - i > best.1 {
                best = (m.start, j - i);
            }
        }
        // Begin some words before it, at a word start.
        let mut start = 0;
        if best.1 > 0 {
            start = text[..best.0]
                .char_indices()
                .rev()
                .nth(SNIPPET_CHARS / 5)
                .map_or(0, |(i, _)| i);
            if start > 0 {
                start = text[start..best.0]
                    .find(char::is_whitespace)
                    .map_or(best.0, |i| start + i + 1);
            }
        }
        let end = text[start..]
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(text.len(), |(i, _)| start + i);
        let end = text[..end]
            .rfind(|c: char| c.is_whitespace())
            .filter(|&e| e > start)
            .unwrap_or(end);
        let mut out = String::new();
        let mut offset = 0;
        if start > 0 {
            out.push('…');
            offset = '…'.len_utf8();
        }
        out.push_str(text[start..end].trim_end());
        let body_end = start + text[start..end].trim_end().len();
        if end < text.len() {
            out.push('…');
        }
        let marks = all
            .marks
            .iter()
            .filter(|m| m.start >= start && m.end <= body_end)
            .map(|m| m.start - start + offset..m.end - start + offset)
            .collect();
        Marked { text: out, marks }
    }
}
