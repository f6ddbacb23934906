//! The full-text index over the review's records, and search.
//!
//! - [`analyzer`]: how text becomes terms (Norwegian and English stems, ASCII folding, one
//!   position per word);
//! - [`schema`]: the fields and the schema version that forces a rebuild when they change;
//! - [`doc`]: one record as the index holds it, and its content hash;
//! - [`build`]: opening, creating and incrementally updating `index/`;
//! - [`query`]: the query language, parsed; [`compile`]: parsed queries as tantivy queries;
//! - [`search`]: running a query, with counts, sorting, highlights and snippets.

pub mod analyzer;
pub mod build;
pub mod doc;
pub mod query;
pub mod schema;

pub use build::{Index, IndexError, Rebuild, SyncReport, WriterOptions};
pub use doc::{IndexDoc, Screening};
pub use search::{FilterCounts, Hit, Marked, Results, SearchError, Sort};
pub mod compile;
pub mod search;

#[cfg(test)]
mod search_tests;
