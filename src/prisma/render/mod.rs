//! The PRISMA counts written out: [`json`] (the contract's shape plus litscope's additions),
//! [`md`] (a table for a paper's appendix), [`csv`] (the PRISMA2020 R package's template) and
//! [`svg`] (the flow diagram). Each takes reconciled [`crate::prisma::PrismaCounts`] and
//! returns the text; choosing the destination is the caller's job.

pub mod csv;
pub mod json;
pub mod md;
pub mod svg;
