//! `litscope dedup`: find which records are one work, store it in `corpus/dedup/`, review
//! the uncertain pairs (in the terminal or through an answers file) and report.

use super::output::{Format, Ui, print_json, print_text, thousands};
use super::{CliError, Outcome};
use crate::dedup_run::{self, DedupRun, Stored};
use crate::review::{self, Queue, answers};
use crate::store::dedup::{self as store, AnswerLog, Merges, StoredAnswer};
use crate::workspace::Workspace;
use serde_json::json;
use std::path::PathBuf;

/// Merge duplicate records across sources (never deleting one), and review uncertain pairs
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Runs are incremental: records already deduplicated are not compared again, new records are
compared with every record. Uncertain pairs stay apart until a reviewer answers them.

Answers file (for --answers; --list-uncertain prints one to fill in): one pair per line,
`ID_A ID_B y|n|?`, each ID a record id or SOURCE:SOURCE_ID, y = the same work, n = different
works, ? = skip; `#` starts a comment. Answers are kept in corpus/dedup/answers.jsonl.

Examples:
  litscope dedup
  litscope dedup --format json | jq .unique
  litscope dedup --review
  litscope dedup --list-uncertain > pairs.txt   # edit: replace ? by y or n
  litscope dedup --answers pairs.txt
  litscope dedup --full")]
pub struct Args {
    /// Compare every record again and rewrite the links (the result equals the incremental one)
    #[arg(long)]
    full: bool,
    /// Review the uncertain pairs side by side: y same work, n different, s skip, b back, q quit
    #[arg(long, conflicts_with_all = ["answers", "list_uncertain"])]
    review: bool,
    /// Store the answers in FILE (lines `ID_A ID_B y|n|?`) before deduplicating
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Print the uncertain pairs waiting for review (an answers file to fill in, or JSON)
    #[arg(long)]
    list_uncertain: bool,
    /// Reviewer name for answers [default: LITSCOPE_REVIEWER, else the OS user name]
    #[arg(long, value_name = "NAME")]
    reviewer: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn answer(a: String, b: String, duplicate: bool, reviewer: &str) -> StoredAnswer {
    StoredAnswer {
        a,
        b,
        duplicate,
        reviewer: reviewer.to_string(),
        time: jiff::Timestamp::now(),
        tool: crate::tool_version(),
    }
}

/// Runs `dedup`.
pub fn run(args: Args, ws: &Workspace, ui: &Ui) -> Result<Outcome, CliError> {
    let corpus = ws.corpus_dir();
    if args.review && !review::tui::available() {
        return Err(CliError::Usage(format!(
            "dedup --review needs a terminal; without one, run `litscope dedup --list-uncertain > pairs.txt`, replace each ? by y or n, then `litscope dedup --answers pairs.txt` (answers are kept in {})",
            store::answers_path(&corpus).display()
        )));
    }
    let reviewer = super::decide::reviewer(args.reviewer.clone())?;
    let _lock = super::lock_corpus(&corpus, ui)?;
    let records = super::records::source_records(ws, ui)?;

    let stored = Stored::load(&corpus)?;
    let mut stored_answers = 0;
    if let Some(path) = &args.answers {
        // A file that cannot be read is a runtime error (1); a bad line is usage (2).
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::Runtime(format!("cannot read {}: {e}", path.display())))?;
        let lines = answers::parse(path, &text).map_err(|e| CliError::Usage(e.to_string()))?;
        let resolved =
            dedup_run::resolve_answers(path, &lines, &records, &stored.previous, &stored.links)
                .map_err(|e| CliError::Usage(e.to_string()))?;
        let all: Vec<StoredAnswer> = resolved
            .into_iter()
            .map(|(a, b, d)| answer(a, b, d, &reviewer))
            .collect();
        let (mut log, repaired) = AnswerLog::open(&corpus)?;
        if let Some(d) = repaired {
            ui.warn(&d.to_string());
        }
        log.append(&all)?;
        stored_answers = all.len();
    }

    let progress = ui.progress();
    let bar = progress.add(indicatif::ProgressBar::new_spinner());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let step = |s: &str| bar.set_message(s.to_string());
    let mut run = dedup_run::run(
        &corpus,
        records,
        stored,
        args.full,
        &Default::default(),
        step,
    )?;
    bar.finish_and_clear();
    for d in &run.diagnostics {
        ui.warn(&d.to_string());
    }
    if run.recovered {
        ui.warn(&format!(
            "{} is missing or empty while {} holds merged records: every record was compared again",
            store::links_path(&corpus).display(),
            store::clusters_path(&corpus).display()
        ));
    }

    if args.review && run.queue.is_empty() {
        ui.status("no uncertain pairs to review");
    } else if args.review {
        let (mut log, _) = AnswerLog::open(&corpus)?;
        let mut queue = Queue::new(run.pairs());
        review::tui::run(&mut queue, ui.colors(), |a| {
            let (x, y) = dedup_run::pair_keys(&run, a.index);
            log.append(&[answer(x, y, a.duplicate, &reviewer)])
                .map_err(CliError::from)
        })
        .map_err(|e| match e {
            review::tui::TuiError::Terminal(e) => CliError::Runtime(format!("terminal: {e}")),
            review::tui::TuiError::Store(e) => e,
        })?;
        stored_answers = queue.answered();
        // The answers changed what is stored: read it again.
        let stored = Stored::load(&corpus)?;
        run = dedup_run::run(
            &corpus,
            run.records,
            stored,
            false,
            &Default::default(),
            |_| {},
        )?;
    }

    if args.list_uncertain && args.format == Format::Text {
        return print_text(&run.listing()).map(|()| Outcome::Ok);
    }
    report(&run, stored_answers, ws, ui, &args)
}

/// The summary; with `--list-uncertain --format json`, the summary with `uncertain` holding
/// the pairs instead of their number.
fn report(
    run: &DedupRun,
    answers: usize,
    ws: &Workspace,
    ui: &Ui,
    args: &Args,
) -> Result<Outcome, CliError> {
    let (format, full) = (args.format, args.full);
    let merges = Merges::new(run.clusters.clone());
    let (decided, _) = super::records::decisions(ws, ui, &merges)?;
    let conflicts = decided.merge_conflicts();
    let input = run.records.len();
    let unique = run.clusters.len();
    let rules = run.merges_by_rule();
    let uncertain = run.queue.len();
    match format {
        Format::Json => print_json(&json!({
            "input": input,
            "unique": unique,
            "duplicates": input - unique,
            "full": full,
            "new_records": run.new_records,
            "new_links": run.new_links,
            "changed": run.changed,
            "rules": rules,
            "links": run.clustering.rule_counts,
            "uncertain": if args.list_uncertain { run.listing_json() } else { uncertain.into() },
            "refused": run.clustering.refused.len(),
            "answers_stored": answers,
            "merge_conflicts": conflicts.iter().map(super::records::conflict_json).collect::<Vec<_>>(),
            "warnings": run.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        })),
        Format::Text => {
            let mut out = format!(
                "{} records → {} unique ({} duplicates merged)\n",
                thousands(input as u64),
                thousands(unique as u64),
                thousands((input - unique) as u64)
            );
            out.push_str(&format!(
                "compared   {} new record{} · {} new link{}{}\n",
                thousands(run.new_records as u64),
                if run.new_records == 1 { "" } else { "s" },
                thousands(run.new_links as u64),
                if run.new_links == 1 { "" } else { "s" },
                if full { " (full run)" } else { "" }
            ));
            if !rules.is_empty() {
                let by: Vec<String> = rules.iter().map(|(r, n)| format!("{r} {n}")).collect();
                out.push_str(&format!("merged by  {}\n", by.join(" · ")));
            }
            if answers > 0 {
                out.push_str(&format!("answers    {answers} stored\n"));
            }
            out.push_str(&match uncertain {
                0 => "uncertain  none waiting\n".to_string(),
                n => format!(
                    "uncertain  {} pair{} waiting: `litscope dedup --review` (or --list-uncertain)\n",
                    thousands(n as u64),
                    if n == 1 { "" } else { "s" }
                ),
            });
            if !run.clustering.refused.is_empty() {
                out.push_str(&format!(
                    "refused    {} merge{} that would join works told apart\n",
                    run.clustering.refused.len(),
                    if run.clustering.refused.len() == 1 { "" } else { "s" }
                ));
            }
            for c in &conflicts {
                out.push_str(&format!("conflict   {}\n", super::records::conflict_line(c)));
            }
            ui.summary(&out)
        }
    }
    .map(|()| Outcome::Ok)
}
