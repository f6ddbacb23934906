//! PRISMA 2020: every box of the flow diagram counted from the works ([`counts`]: pure, one
//! plain list in, reconciled numbers out) and written as JSON, a Markdown table, the
//! PRISMA2020 R package's CSV template, or an SVG flow diagram ([`render`]).
//!
//! Why two steps: the numbers are computed and checked once ([`PrismaCounts::reconcile`]),
//! and every format prints the same checked value, so the formats cannot disagree.

pub mod counts;
pub mod render;

pub use counts::{CountRules, PrismaCounts, ReconcileError, WorkState, count};

#[cfg(test)]
pub(crate) mod fixture;
