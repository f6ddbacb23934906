//! `litscope search`: run a query (or a query file's `[screen] filter`) over the index and
//! print the hits as a table, JSON, RIS, CSV or ids.

use super::output::{Ui, print_json, print_text, thousands};
use super::{CliError, Outcome};
use crate::index::search::{self, SearchError};
use crate::index::{Results, Sort};
use serde_json::json;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Search the index: boolean, phrase, prefix, field and year queries
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Query syntax:
  tildeling kommune            both words (AND is implied)
  tildel* OR allocation        OR, AND, NOT (upper case), parentheses; tildel* is a prefix
  \"trust model\"~3              a phrase, words at most 3 moves apart
  title:tillit  author:økland  venue:  abstract:  keywords:  doi:  type:  language:  id:
  year:[2010 TO 2020]  year:>=2015   source:cristin  database:scopus
  decision:unscreened  decision:full-text:include  tag:tillitsmodell
Words are matched in every inflection (Norwegian and English stems); a word typed with æøå
matches exactly, the same word typed in ASCII also finds it with æøå.

Examples:
  litscope search 'tildel* AND kommun*'
  litscope search '\"bestiller utfører\" OR \"purchaser provider\"' --sort year --limit 50
  litscope search 'tag:tillitsmodell AND decision:include' --format ris > included.ris
  litscope search --saved queries/example.toml --count
  litscope search 'decision:unscreened' --format ids | head")]
pub struct Args {
    /// The query (see below); not with --saved
    #[arg(required_unless_present = "saved", conflicts_with = "saved")]
    query: Option<String>,
    /// Run this query file's `[screen]` filter
    #[arg(long, value_name = "FILE")]
    saved: Option<PathBuf>,
    /// Hits to show [default: 20 for text and json, every hit for ris, csv and ids]
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Print only the number of matching records
    #[arg(long)]
    count: bool,
    /// Order of hits
    #[arg(long, value_enum, default_value_t = SortArg::Score)]
    sort: SortArg,
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Highlight matches with colours [default: auto, on a terminal without NO_COLOR]
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SortArg {
    Score,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Ris,
    Csv,
    Ids,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Runs `search`.
pub fn run(args: Args, ws: &crate::workspace::Workspace, ui: &Ui) -> Result<Outcome, CliError> {
    let (text, origin) = match (&args.query, &args.saved) {
        (Some(q), _) => (q.clone(), None),
        (None, Some(path)) => {
            let file = ws
                .load_queries(Some(path))?
                .pop()
                .ok_or_else(|| CliError::Usage(format!("{}: no query file", path.display())))?;
            let filter = file.screen_filter.ok_or_else(|| {
                CliError::Usage(format!("{}: has no [screen] filter", file.path.display()))
            })?;
            (filter, Some(file.path))
        }
        (None, None) => return Err(CliError::Usage("give a query or --saved FILE".into())),
    };
    let usage = |e: SearchError| match (&e, &origin) {
        (SearchError::Syntax(_), Some(path)) => {
            CliError::Usage(format!("{}: [screen] filter: {e}", path.display()))
        }
        (SearchError::Syntax(_), None) => CliError::Usage(e.to_string()),
        _ => CliError::Runtime(e.to_string()),
    };
    // Parse before touching the index: a typo never waits for a rebuild.
    let parsed = crate::index::query::parse(&text).map_err(|e| usage(e.into()))?;
    let index = super::index::current(ws, ui)?;
    let piped = matches!(
        args.format,
        FormatArg::Ris | FormatArg::Csv | FormatArg::Ids
    );
    let limit = args
        .limit
        .unwrap_or(if piped { usize::MAX / 2 } else { 20 })
        .min(index.documents() as usize);
    let sort = match args.sort {
        SortArg::Score => Sort::Score,
        SortArg::Year => Sort::Year,
    };
    let results =
        search::run(&index, &parsed, if args.count { 0 } else { limit }, sort).map_err(usage)?;
    if origin.is_some() {
        let records = index.documents();
        ui.status(&format!(
            "the filter keeps {} of {} records (removes {})",
            thousands(results.total),
            thousands(records),
            thousands(records.saturating_sub(results.total))
        ));
    }
    if args.count {
        return match args.format {
            FormatArg::Json => print_json(&json!({"total": results.total, "hits": []})),
            _ => print_text(&format!("{}\n", results.total)),
        }
        .map(|()| Outcome::Ok);
    }
    match args.format {
        FormatArg::Json => print_json(&to_json(&results))?,
        FormatArg::Ids => {
            let mut out = String::new();
            for h in &results.hits {
                out.push_str(&h.doc.id);
                out.push('\n');
            }
            print_text(&out)?;
        }
        FormatArg::Ris | FormatArg::Csv => {
            let all = super::records::unique_records(ws, ui)?;
            let mut by_id: std::collections::HashMap<String, crate::screened::ScreenedRecord> = all
                .into_iter()
                .map(|r| (r.record.id.to_string(), r))
                .collect();
            let records: Vec<_> = results
                .hits
                .iter()
                .filter_map(|h| by_id.remove(&h.doc.id))
                .collect();
            let format = if args.format == FormatArg::Ris {
                crate::export::Format::Ris
            } else {
                crate::export::Format::Csv
            };
            let mut bytes = Vec::new();
            crate::export::write(format, &records, &mut bytes)
                .map_err(|e| CliError::Runtime(e.to_string()))?;
            print_text(&String::from_utf8_lossy(&bytes))?;
        }
        FormatArg::Text => {
            let color = match args.color {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                        && std::env::var("TERM").is_ok_and(|t| t != "dumb")
                }
            };
            print_text(&super::search_table::table(&results, color))?;
            if results.total > results.hits.len() as u64 {
                ui.status(&format!(
                    "{} of {} matching records shown (--limit N for more)",
                    results.hits.len(),
                    thousands(results.total)
                ));
            }
        }
    }
    Ok(Outcome::Ok)
}

fn to_json(r: &Results) -> serde_json::Value {
    let hits: Vec<_> = r
        .hits
        .iter()
        .map(|h| {
            json!({
                "id": h.doc.id,
                "score": (f64::from(h.score) * 1000.0).round() / 1000.0,
                "title": h.doc.title,
                "year": h.doc.year,
                "sources": h.doc.sources,
                "snippet": h.snippet.text,
                "authors": h.doc.authors,
                "decision": h.doc.screening.stages.last().map_or("unscreened", |(_, v)| v.as_str()),
            })
        })
        .collect();
    json!({"total": r.total, "hits": hits})
}
