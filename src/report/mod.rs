//! Reports for the paper, computed from the workspace and written as Markdown, CSV and SVG:
//! [`charting`] (the included records cross-tabulated by the codebook). The PRISMA-S search
//! report will live here too.

pub mod charting;
