//! Screening: what a decision may say under the review protocol. The interactive prompt
//! (`litscope screen`) will live here too; `litscope decide` already uses [`protocol`].

pub mod protocol;
