//! litscope: a command-line pipeline for systematic and scoping literature reviews.
//!
//! # The pipeline map
//!
//! A review lives in a *workspace* (a folder with `review.toml`). Each stage of the pipeline
//! is one module; the stages never call each other but meet in the [`model`] types and are
//! sequenced by [`cli`], the only module that prints.
//!
//! | stage | command | module | reads | writes (in the workspace) |
//! |---|---|---|---|---|
//! | set up | `init` | [`workspace`] | — | `review.toml`, `queries/`, `corpus/`, `index/` |
//! | plan | every command | [`workspace`] | `review.toml`, `queries/*.toml` | — |
//! | harvest | `harvest` | [`sources`] (HTTP, paging, limits, retries, replay; Crossref, Cristin, NVA, Prosjektbanken) | the APIs, or `corpus/responses/` offline | via [`store`]: `corpus/records/<source>.jsonl`, `corpus/responses/<run>/…`, `corpus/runlog.jsonl` |
//! | dedup | `dedup` | [`dedup`] (normalised keys, blocking, field-wise comparison with vetoes, guarded union-find; pure over `&[Record]`) | `corpus/records/` | via [`dedup_run`] (one run: incremental comparison, clustering, stable ids, the review queue) and [`store::dedup`]: `corpus/dedup/links.jsonl`, `answers.jsonl`, `clusters.jsonl` (read back by every later stage through `cli::records`) |
//! | dedup review | `dedup --review`, `--answers` | [`review`] (the queue as a pure state machine, its ratatui view, the terminal loop, the answers file) | the uncertain links | `corpus/dedup/answers.jsonl` |
//! | screen | `decide` | [`screen`] (the protocol), [`store::decisions`] (log, effective rule) | `review.toml`, `corpus/records/` | `corpus/decisions/<reviewer>.jsonl` |
//! | export | `export` | [`export`] (RIS, BibTeX, CSV, JSON Lines) | `corpus/records/`, `corpus/decisions/` | the `--out` file or stdout |
//! | import | `import` | [`import`] (decoding, format detection, one parser per format: RIS, BibTeX, MEDLINE, WoS, CSV, EndNote tagged and XML) | export files named on the command line | via [`store`]: `corpus/records/<database>.jsonl`, one `import` line per file in `corpus/runlog.jsonl` |
//! | index, search | `index`, `search` | [`index`] (analyzer, schema, incremental build, query language, search with highlights) | the merged, screened records (`corpus/records/`, `corpus/decisions/`) | `index/` (derived; rebuilt when missing, stale or of another schema) |
//! | overview | `status` | [`store`] | `corpus/` | — |
//! | agreement | `agreement` (command to come) | [`screen::agreement`] (pure: each record's standing verdicts → percent agreement, kappas, AC1, PABAK, pair tables, conflicts) | the decision logs, through the caller | — |
//! | PRISMA | `prisma` (command to come) | [`prisma`] (pure: one [`prisma::WorkState`] per work → reconciled [`prisma::PrismaCounts`] → JSON, Markdown, the PRISMA2020 CSV template, SVG) | the works, through the caller | — |
//! | charting | `report charting` (command to come) | [`report::charting`] (pure: included records with tags → cross-tables → Markdown, CSV, SVG heat maps) | the included works, through the caller | — |
//!
//! Shared building blocks: [`model`] (the one normalised [`model::Record`] with its
//! provenance), [`worktype`] (the one vocabulary of record types, and the table that reads
//! every source's type names into it), [`screened`] (one merged record per work with its
//! screening: what `export`, `index` and `search` read), [`text`] (markup stripping, control
//! characters, Unicode normalisation, DOIs), [`markup`] (escaping for Markdown and SVG, text
//! wrapping for drawings)
//! and [`store`] (crash-safe JSON Lines: append + flush per page, atomic rewrite, a reader
//! that tolerates a torn last line).
//!
//! Only [`sources`] is asynchronous; the runtime is owned by `cli::harvest`.

#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod dedup;
pub mod dedup_run;
pub mod export;
pub mod import;
pub mod index;
pub mod markup;
pub mod model;
pub mod prisma;
pub mod report;
pub mod review;
pub mod screen;
pub mod screened;
pub mod sources;
pub mod store;
pub mod text;
pub mod workspace;
pub mod worktype;

#[cfg(test)]
mod testutil;

/// The version written into run logs, decision logs and the User-Agent.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `litscope/VERSION`, as it appears in run logs.
pub fn tool_version() -> String {
    format!("litscope {VERSION}")
}
