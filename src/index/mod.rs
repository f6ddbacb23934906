//! The full-text index over the deduplicated records, and search: [`query`] parses the query
//! language.

pub mod query;
