//! Screening: what a decision may say under the review protocol. The interactive prompt
//! (`litscope screen`) will live here too; `litscope decide` already uses [`protocol`];
//! [`agreement`] computes the inter-reviewer statistics of `litscope agreement`.

pub mod agreement;
pub mod protocol;
