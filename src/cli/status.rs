//! `litscope status`: one screen overview of the workspace.

use super::output::{Format, Ui, print_json, print_text, thousands};
use super::{CliError, Outcome};
use crate::screen::protocol::Protocol;
use crate::sources::SourceKind;
use crate::store::decisions::stage_counts;
use crate::store::overview::overview;
use crate::workspace::Workspace;
use serde_json::json;

/// Show what the workspace holds: records per source, screening progress, searches to resume
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  litscope status\n  litscope status --format json | jq .sources"
)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Runs `status`.
pub fn run(args: Args, ws: &Workspace, ui: &Ui) -> Result<Outcome, CliError> {
    let merges = super::records::merges(ws, ui)?;
    let o = overview(&ws.corpus_dir(), &merges)?;
    for d in &o.diagnostics {
        ui.warn(&d.to_string());
    }
    let (mut harvested, mut imported) = (0u64, 0u64);
    for (source, n) in &o.sources {
        if SourceKind::parse(source).is_some() {
            harvested += n;
        } else {
            imported += n;
        }
    }
    // The merged records (dedup's clusters) are the records to screen.
    let unique = o.unique_ids;
    let protocol = Protocol::from_config(&ws.config);
    let stages = protocol.stage_names();
    let (decided, diags) = super::records::decisions(ws, ui, &merges)?;
    let conflicts = decided.merge_conflicts();
    let counts = stage_counts(&decided, &o.ids, &stages, protocol.rule());
    let screening: serde_json::Map<String, serde_json::Value> = stages
        .iter()
        .zip(&counts)
        .map(|(name, c)| (name.clone(), json!(c)))
        .collect();
    let failed: Vec<_> = o
        .failed
        .iter()
        .map(|s| json!({"name": s.name, "search": s.search, "source": s.source, "file": s.query_file, "error": s.error}))
        .collect();
    match args.format {
        Format::Json => print_json(&json!({
            "workspace": ws.root.display().to_string(),
            "title": ws.config.review.title,
            "records": {"harvested": harvested, "imported": imported, "unique": unique},
            "sources": o.sources,
            "screening": screening,
            "imports": {"files": o.imports_run, "incomplete": o.unfinished_imports.iter().map(|i| json!({"file": i.file, "database": i.database, "sha256": i.sha256, "started": i.started.to_string()})).collect::<Vec<_>>()},
            "dedup": {"merge_conflicts": conflicts.iter().map(super::records::conflict_json).collect::<Vec<_>>()},
            "searches": {"run": o.searches_run, "last": o.last_search.map(|t| t.to_string()), "failed": failed},
            "warnings": o.diagnostics.iter().chain(&diags).map(|d| d.to_string()).collect::<Vec<_>>(),
        }))?,
        Format::Text => {
            let mut out = String::new();
            if let Some(title) = &ws.config.review.title {
                out.push_str(&format!("{}\n", crate::text::for_terminal(title)));
            }
            out.push_str(&format!("workspace   {}\n\n", ws.root.display()));
            out.push_str(&format!(
                "records     {} harvested · {} imported · {} unique\n",
                thousands(harvested),
                thousands(imported),
                thousands(unique)
            ));
            let sources: Vec<String> = o
                .sources
                .iter()
                .map(|(s, n)| format!("{s} {}", thousands(*n)))
                .collect();
            out.push_str(&format!(
                "sources     {}\n",
                if sources.is_empty() {
                    "none yet: run `litscope harvest`".into()
                } else {
                    sources.join(" · ")
                }
            ));
            for (i, (name, c)) in stages.iter().zip(&counts).enumerate() {
                let label = if i == 0 { "screening" } else { "" };
                let conflict = if c.conflict > 0 {
                    format!(" · {} in conflict", thousands(c.conflict))
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "{label:<12}{name}: {} included · {} excluded · {} maybe · {} unscreened{conflict}\n",
                    thousands(c.include),
                    thousands(c.exclude),
                    thousands(c.maybe),
                    thousands(c.unscreened)
                ));
            }
            for c in &conflicts {
                out.push_str(&format!(
                    "            merge conflict: {}\n",
                    super::records::conflict_line(c)
                ));
            }
            let last = o.last_search.map_or("never".to_string(), |t| {
                t.strftime("%Y-%m-%d %H:%M UTC").to_string()
            });
            out.push_str(&format!(
                "searches    {} run, last {last}\n",
                thousands(o.searches_run)
            ));
            if o.imports_run > 0 || !o.unfinished_imports.is_empty() {
                out.push_str(&format!(
                    "imports     {} file{} imported\n",
                    thousands(o.imports_run),
                    if o.imports_run == 1 { "" } else { "s" }
                ));
            }
            for i in &o.unfinished_imports {
                out.push_str(&format!(
                    "            incomplete: {} into {} stopped partway ({}) — import it again: litscope import {} --name {}\n",
                    crate::text::for_terminal(&i.file),
                    i.database,
                    i.started.strftime("%Y-%m-%d %H:%M UTC"),
                    crate::text::for_terminal(&i.file),
                    i.database
                ));
            }
            for s in &o.failed {
                out.push_str(&format!(
                    "            failed: {} {}#{} ({}) — run `litscope harvest` to resume\n",
                    s.source,
                    s.name,
                    s.search,
                    s.error.as_deref().unwrap_or("unknown error")
                ));
            }
            print_text(&out)?;
        }
    }
    Ok(Outcome::Ok)
}
