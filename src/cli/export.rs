//! `litscope export`: write the records, with their screening decisions, as RIS, BibTeX,
//! CSV or JSON Lines, to stdout or atomically to a file.

use super::output::{Ui, thousands};
use super::{CliError, Outcome};
use crate::export::{self, Format, StatusFilter};
use crate::workspace::Workspace;
use std::io::Write;
use std::path::PathBuf;

/// Export records with their screening decisions, reasons and tags
#[derive(Debug, clap::Args)]
#[command(after_help = "\
--status looks at where each record stands at the latest stage it reached: a record included
(or maybe) at title-abstract and not yet screened at full-text is `unscreened`; a record
whose reviewers disagree stays at its stage as a `conflict` until that is settled.

Examples:
  litscope export --format ris --out all.ris
  litscope export --status included --format bibtex --out included.bib
  litscope export --status excluded --format csv > excluded.csv
  litscope export --format jsonl | jq -r 'select(.decision == \"maybe\") | .title'")]
pub struct Args {
    /// Which records: by their decision at the latest stage they reached
    #[arg(long, value_enum, default_value_t = StatusArg::All)]
    status: StatusArg,
    /// Output format
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Write to this file (replaced atomically) instead of stdout
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum StatusArg {
    Included,
    Excluded,
    Maybe,
    Unscreened,
    Conflict,
    All,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Ris,
    Bibtex,
    Csv,
    Jsonl,
}

/// Runs `export`.
pub fn run(args: Args, ws: &Workspace, ui: &Ui) -> Result<Outcome, CliError> {
    let filter = match args.status {
        StatusArg::Included => StatusFilter::Included,
        StatusArg::Excluded => StatusFilter::Excluded,
        StatusArg::Maybe => StatusFilter::Maybe,
        StatusArg::Unscreened => StatusFilter::Unscreened,
        StatusArg::Conflict => StatusFilter::Conflict,
        StatusArg::All => StatusFilter::All,
    };
    let format = match args.format {
        FormatArg::Ris => Format::Ris,
        FormatArg::Bibtex => Format::Bibtex,
        FormatArg::Csv => Format::Csv,
        FormatArg::Jsonl => Format::Jsonl,
    };
    let mut merged = super::records::unique_records(ws, ui)?;
    merged.retain(|r| filter.keeps(r));

    let mut bytes = Vec::new();
    export::write(format, &merged, &mut bytes).map_err(|e| CliError::Runtime(e.to_string()))?;
    match &args.out {
        Some(path) => {
            crate::store::jsonl::write_atomic(path, &bytes)?;
            ui.status(&format!(
                "exported {} records to {}",
                thousands(merged.len() as u64),
                path.display()
            ));
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(CliError::from_stdout)?;
        }
    }
    Ok(Outcome::Ok)
}
