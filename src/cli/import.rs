//! `litscope import`: read export files and store their records as a named database.

use super::output::{Format, Ui, print_json};
use super::{CliError, Outcome};
use crate::import::screening::Carried;
use crate::import::{FileReport, RecordBuilder, stream};
use crate::model::Record;
use crate::model::RecordId;
use crate::store::StoreError;
use crate::store::decisions::{Action, DecisionEvent, DecisionLog};
use crate::store::records::SourceWriter;
use crate::store::runlog::{self, ImportLog, ImportStart, RunLogEntry};
use crate::workspace::Workspace;
use serde_json::json;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Import exports from databases litscope cannot search (Scopus, Web of Science, PubMed, …)
///
/// The format is told from the content: RIS, BibTeX/biblatex, PubMed MEDLINE (.nbib), Web of
/// Science (plain text or tab-delimited), CSV, EndNote tagged (.enw) or EndNote XML. Encodings:
/// UTF-8 (with or without BOM), UTF-16 LE/BE, and Windows-1252 when the bytes are not UTF-8;
/// any line endings. A record that cannot be read is skipped with FILE:LINE: reason on stderr;
/// the others are imported. Records go to corpus/records/DATABASE.jsonl and each file gets a
/// line in corpus/runlog.jsonl; a file already imported into the database (same SHA-256) is
/// not imported again.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  litscope import scopus.ris --name scopus
  litscope import pubmed-result.nbib savedrecs.txt
  litscope import *.bib --name zotero --strict
  litscope import export.csv --format json | jq .imported
  litscope import included_ta.csv --name covidence --decision include
  litscope import excluded_ft.csv --name covidence --decision exclude --stage full-text --reason 3")]
pub struct Args {
    /// Export files to import
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Database the records count as [default: each file's name without extension, lower-cased,
    /// non-alphanumerics as '-']
    #[arg(long, value_name = "DATABASE")]
    name: Option<String>,
    /// Import nothing and exit 1 when any record cannot be read
    #[arg(long)]
    strict: bool,
    /// Reviewer the decisions carried by the files are recorded for [default: as `decide`]
    #[arg(long, value_name = "NAME")]
    reviewer: Option<String>,
    /// Record this decision on every record of the files: for a tool's export of one list
    /// (Covidence's included, excluded or irrelevant studies)
    #[arg(long, value_enum, value_name = "DECISION")]
    decision: Option<FileDecision>,
    /// Stage of --decision [default: the first stage, title-abstract]
    #[arg(long, value_name = "STAGE", requires = "decision")]
    stage: Option<String>,
    /// Exclusion reason of --decision exclude: its number at the stage or its exact text
    #[arg(long, value_name = "R", requires = "decision")]
    reason: Vec<String>,
    /// Codebook tag for every record: its number or exact text (repeatable; with --decision)
    #[arg(long, value_name = "T", requires = "decision")]
    tag: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// A decision `--decision` records for every record of a file.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FileDecision {
    Include,
    Exclude,
    Maybe,
}

impl FileDecision {
    fn action(self) -> Action {
        match self {
            FileDecision::Include => Action::Include,
            FileDecision::Exclude => Action::Exclude,
            FileDecision::Maybe => Action::Maybe,
        }
    }
}

/// `--decision`, `--stage`, `--reason` and `--tag`, checked against the protocol like
/// `decide`'s (exit 2 when they do not fit): the decision every record of the files carries.
fn file_decision(args: &Args, ws: &Workspace) -> Result<Option<Carried>, CliError> {
    let Some(decision) = args.decision else {
        return Ok(None);
    };
    let protocol = crate::screen::protocol::Protocol::from_config(&ws.config);
    let stage = match &args.stage {
        Some(s) => s.clone(),
        None => protocol.stage_names().first().cloned().unwrap_or_default(),
    };
    let (reasons, tags) = protocol
        .resolve(&stage, decision.action(), &args.reason, &args.tag)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    Ok(Some(Carried {
        decision: decision
            .action()
            .verdict()
            .map_or("maybe", |v| v.as_str())
            .into(),
        stage: Some(stage),
        reasons,
        tags,
        note: None,
        ..Carried::default()
    }))
}

/// `Scopus Export (2).ris` → `scopus-export-2`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

struct FileResult {
    file: String,
    database: String,
    sha256: String,
    report: Option<FileReport>,
    imported: u64,
    duplicate: bool,
    error: Option<String>,
    /// Screening decisions the file carried, by record id.
    carried: Vec<(RecordId, Carried)>,
    /// Decisions written to the decision log.
    decisions: u64,
}

/// Runs `import`.
pub fn run(args: Args, ws: &Workspace, ui: &Ui) -> Result<Outcome, CliError> {
    let database_for = |path: &Path| -> Result<String, CliError> {
        let name = match &args.name {
            Some(n) => slug(n),
            None => slug(&path.file_stem().unwrap_or_default().to_string_lossy()),
        };
        if name.is_empty() {
            return Err(CliError::Usage(format!(
                "{}: cannot make a database name from it; give one with --name",
                path.display()
            )));
        }
        Ok(name)
    };
    let decision = file_decision(&args, ws)?;
    let corpus = ws.corpus_dir();
    let _lock = super::lock_corpus(&corpus, ui)?;
    let (log, diags) = runlog::read(&corpus)?;
    for d in diags {
        ui.warn(&d.to_string());
    }
    let mut done: HashSet<(String, String)> = log
        .into_iter()
        .filter_map(|e| match e {
            RunLogEntry::Import(i) => Some((i.database, i.sha256)),
            _ => None,
        })
        .collect();
    let run_id = format!(
        "{}-{:04x}",
        jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ"),
        fastrand::u16(..)
    );
    let now = jiff::Timestamp::now();
    let mut results = Vec::new();
    // Strict mode reads every file first and stores nothing if any record was skipped.
    if args.strict {
        let mut any_skip = false;
        for path in &args.files {
            let r = read_one(
                path,
                &database_for(path)?,
                &run_id,
                now,
                &mut done.clone(),
                None,
                None,
            )?;
            any_skip |=
                r.report.as_ref().is_some_and(|r| !r.skipped.is_empty()) || r.error.is_some();
            results.push(r);
        }
        if any_skip {
            return report(&results, true, args.format, ui).map(|_| Outcome::PartialFailure);
        }
        results.clear();
    }
    for path in &args.files {
        let database = database_for(path)?;
        let mut store = Store {
            corpus: &corpus,
            database: &database,
            run: &run_id,
            writer: None,
            warnings: Vec::new(),
        };
        let read = read_one(
            path,
            &database,
            &run_id,
            now,
            &mut done,
            Some(&mut store),
            decision.as_ref(),
        );
        for w in &store.warnings {
            ui.warn(w);
        }
        let mut r = read?;
        if let Some(writer) = &store.writer {
            writer.sync()?;
        }
        // Records, then decisions, then the run-log line that marks the file imported: after
        // a crash before that line the file can be imported again (neither its stored
        // records nor its standing decisions are stored twice).
        r.decisions = record_decisions(
            &corpus,
            ws,
            args.reviewer.clone(),
            std::mem::take(&mut r.carried),
        )?;
        // A file with no records (a CSV of its header row alone) leaves nothing behind: no
        // records file, no source in `status`, no run-log line.
        if let Some(rep) = &r.report
            && !r.duplicate
            && rep.read > 0
        {
            runlog::append(
                &corpus,
                &RunLogEntry::Import(ImportLog {
                    run: run_id.clone(),
                    database: database.clone(),
                    file: r.file.clone(),
                    sha256: r.sha256.clone(),
                    format: rep.format.name().into(),
                    encoding: rep.encoding.clone(),
                    repairs: rep.repairs.clone(),
                    read: rep.read,
                    imported: r.imported,
                    skipped: rep.skipped.len() as u64,
                    date: jiff::Timestamp::now(),
                    tool: crate::tool_version(),
                }),
            )?;
        }
        results.push(r);
    }
    let failed = results.iter().any(|r| r.error.is_some());
    report(&results, false, args.format, ui)?;
    Ok(if failed {
        Outcome::PartialFailure
    } else {
        Outcome::Ok
    })
}

/// Writes the decisions a file carried to the decision logs (stage: the one the file names,
/// else the first; reviewer: the one the file names, else the importing one; time: the file's,
/// else now); returns how many were carried. A decision that already stands (see
/// [`crate::store::decisions::Decisions::stands`]) is not written again: importing a file
/// again (after a crash before its run-log line, or to apply `--decision` to a file imported
/// without it) never stacks copies that one `undo` would not withdraw.
fn record_decisions(
    corpus: &Path,
    ws: &Workspace,
    reviewer: Option<String>,
    carried: Vec<(RecordId, Carried)>,
) -> Result<u64, CliError> {
    if carried.is_empty() {
        return Ok(0);
    }
    let importer = super::decide::reviewer(reviewer)?;
    let first_stage = ws
        .config
        .stages
        .first()
        .map_or("title-abstract", |s| s.name.as_str())
        .to_string();
    // One batch per reviewer's log: one write and one fsync, not one per decision.
    let mut batches: std::collections::BTreeMap<String, Vec<DecisionEvent>> =
        std::collections::BTreeMap::new();
    let now = jiff::Timestamp::now();
    for (id, c) in &carried {
        // A reviewer the file names (Rayyan) keeps their own log, under a file-safe name.
        let reviewer = match &c.reviewer {
            Some(name) => name
                .chars()
                .map(|ch| {
                    if ch.is_alphanumeric() || "-_.@".contains(ch) {
                        ch
                    } else {
                        '-'
                    }
                })
                .collect::<String>(),
            None => importer.clone(),
        };
        let reviewer = if crate::store::decisions::valid_reviewer(&reviewer) {
            reviewer
        } else {
            importer.clone()
        };
        let decision = match c.decision.as_str() {
            "include" => Action::Include,
            "exclude" => Action::Exclude,
            _ => Action::Maybe,
        };
        batches
            .entry(reviewer.clone())
            .or_default()
            .push(DecisionEvent {
                id: id.clone(),
                stage: c.stage.clone().unwrap_or_else(|| first_stage.clone()),
                decision,
                reasons: c.reasons.clone(),
                tags: c.tags.clone(),
                note: c.note.clone(),
                reviewer: reviewer.clone(),
                time: c.time.unwrap_or(now),
                tool: crate::tool_version(),
                covers: Vec::new(),
                origin: c
                    .origin
                    .as_deref()
                    .and_then(RecordId::parse)
                    .filter(|o| o != id),
                split: c.split,
            });
    }
    let (existing, _) = crate::store::decisions::read_all(corpus)?;
    let standing = crate::store::decisions::Decisions::from_events(&existing);
    for (reviewer, events) in &mut batches {
        events.retain(|e| !standing.stands(e));
        if !events.is_empty() {
            DecisionLog::open(corpus, reviewer)?.0.append_all(events)?;
        }
    }
    Ok(carried.len() as u64)
}

/// Where one file's records are stored: `corpus/records/DATABASE.jsonl`, opened when the
/// first records are ready, right after a run-log line says the import started. A file with
/// no records leaves nothing; an import cut short (kill -9, an error) shows in `status`
/// until the file is imported again.
struct Store<'a> {
    corpus: &'a Path,
    database: &'a str,
    run: &'a str,
    writer: Option<SourceWriter>,
    /// What opening the records file found wrong (a repaired torn line).
    warnings: Vec<String>,
}

impl Store<'_> {
    /// The records file, opened (and the start logged) on first use.
    fn writer(&mut self, file: &str, sha256: &str) -> Result<&mut SourceWriter, StoreError> {
        if self.writer.is_none() {
            runlog::append(
                self.corpus,
                &RunLogEntry::ImportStarted(ImportStart {
                    run: self.run.to_string(),
                    database: self.database.to_string(),
                    file: file.to_string(),
                    sha256: sha256.to_string(),
                    started: jiff::Timestamp::now(),
                    tool: crate::tool_version(),
                }),
            )?;
            let (writer, diags) = SourceWriter::open(self.corpus, self.database)?;
            self.warnings.extend(diags.iter().map(|d| d.to_string()));
            self.writer = Some(writer);
        }
        Ok(self.writer.as_mut().expect("opened above"))
    }
}

/// Reads one file; stores its records when a store is given. With `decision`, every record
/// read carries it too (after the decisions the file itself carries).
fn read_one(
    path: &Path,
    database: &str,
    run: &str,
    now: jiff::Timestamp,
    done: &mut HashSet<(String, String)>,
    mut writer: Option<&mut Store>,
    decision: Option<&Carried>,
) -> Result<FileResult, CliError> {
    let file = path.display().to_string();
    let mut result = FileResult {
        file: file.clone(),
        database: database.to_string(),
        sha256: String::new(),
        report: None,
        imported: 0,
        duplicate: false,
        error: None,
        carried: Vec::new(),
        decisions: 0,
    };
    let survey = match stream::survey(path) {
        Ok(s) => s,
        Err(e) => {
            result.error = Some(format!("{file}: {e}"));
            return Ok(result);
        }
    };
    result.sha256 = survey.sha256.clone();
    if !done.insert((database.to_string(), result.sha256.clone())) {
        result.duplicate = true;
        if decision.is_none() {
            return Ok(result);
        }
        // Imported before without `--decision`: its records stay as stored, and are read
        // again only for the decision.
        writer = None;
    }
    let mut builder = RecordBuilder::new(database, run, &result.sha256, now);
    let mut batch: Vec<Record> = Vec::with_capacity(1000);
    let mut store_error = None;
    let mut imported = 0u64;
    let sha256 = result.sha256.clone();
    let mut flush = |batch: &mut Vec<Record>, writer: &mut Option<&mut Store>| {
        if let Some(w) = writer.as_deref_mut()
            && store_error.is_none()
        {
            if batch.is_empty() {
                return;
            }
            match w.writer(&file, &sha256).and_then(|w| w.append_new(batch)) {
                Ok(n) => imported += n as u64,
                Err(e) => store_error = Some(e),
            }
        } else if writer.is_none() {
            imported += batch.len() as u64;
        }
        batch.clear();
    };
    let mut decided: Vec<RecordId> = Vec::new();
    let report = stream::read_path(&file, path, survey, &mut builder, &mut |r| {
        if decision.is_some() {
            decided.push(r.id.clone());
        }
        batch.push(r);
        if batch.len() >= 1000 {
            flush(&mut batch, &mut writer);
        }
    });
    flush(&mut batch, &mut writer);
    result.carried = builder.take_carried();
    if let Some(d) = decision {
        result
            .carried
            .extend(decided.into_iter().map(|id| (id, d.clone())));
    }
    if let Some(e) = store_error {
        return Err(e.into());
    }
    match report {
        Ok(rep) => {
            result.report = Some(rep);
            result.imported = if result.duplicate { 0 } else { imported };
        }
        Err(e) => result.error = Some(e.to_string()),
    }
    Ok(result)
}

fn report(
    results: &[FileResult],
    strict_refused: bool,
    format: Format,
    ui: &Ui,
) -> Result<(), CliError> {
    for r in results {
        if let Some(e) = &r.error {
            ui.error(e);
        }
        if r.duplicate {
            let applied = if r.decisions > 0 {
                format!("; its {} records carry the decision given", r.decisions)
            } else {
                String::new()
            };
            ui.warn(&format!(
                "{}: already imported into {} (same SHA-256); not imported again{applied}",
                r.file, r.database
            ));
        }
        if let Some(rep) = &r.report {
            for d in &rep.skipped {
                ui.warn(&format!("{}:{}: {}", r.file, d.line, d.reason));
            }
            if rep.read == 0 && !r.duplicate {
                ui.warn(&format!(
                    "{}: no records in it ({} {}): nothing imported",
                    r.file,
                    rep.format,
                    if rep.format == crate::import::Format::Csv {
                        "with a header row and no rows"
                    } else {
                        "export with no entries"
                    }
                ));
            }
        }
    }
    let imported: u64 = if strict_refused {
        0
    } else {
        results.iter().map(|r| r.imported).sum()
    };
    let skipped: u64 = results
        .iter()
        .filter_map(|r| r.report.as_ref())
        .map(|r| r.skipped.len() as u64)
        .sum();
    match format {
        Format::Json => {
            let files: Vec<_> = results
                .iter()
                .map(|r| {
                    let rep = r.report.as_ref();
                    json!({
                        "file": r.file,
                        "database": r.database,
                        "format": rep.map(|x| x.format.name()),
                        "encoding": rep.map(|x| x.encoding.clone()),
                        "repairs": rep.map(|x| x.repairs.clone()).unwrap_or_default(),
                        "read": rep.map_or(0, |x| x.read),
                        "imported": if strict_refused { 0 } else { r.imported },
                        "skipped": rep.map_or(0, |x| x.skipped.len()),
                        "diagnostics": rep.map(|x| x.skipped.iter().map(|d| format!("{}:{}: {}", r.file, d.line, d.reason)).collect::<Vec<_>>()).unwrap_or_default(),
                        "sha256": r.sha256,
                        "duplicate_file": r.duplicate,
                        "decisions": r.decisions,
                        "error": r.error,
                    })
                })
                .collect();
            print_json(
                &json!({"imported": imported, "skipped": skipped, "strict_refused": strict_refused, "files": files}),
            )
        }
        Format::Text => {
            let mut out = String::new();
            for r in results {
                if r.duplicate {
                    out.push_str(&format!(
                        "{}: already imported into {} (same SHA-256): 0 imported\n",
                        r.file, r.database
                    ));
                }
                if let Some(rep) = &r.report {
                    let stored = if strict_refused { 0 } else { r.imported };
                    let already = rep.read - rep.skipped.len() as u64 - stored;
                    out.push_str(&format!(
                        "{}: {} ({}) → {}: {} read, {} imported, {} skipped{}{}\n",
                        r.file,
                        rep.format,
                        rep.encoding,
                        r.database,
                        rep.read,
                        stored,
                        rep.skipped.len(),
                        if already > 0 && !strict_refused {
                            format!(", {already} already stored")
                        } else {
                            String::new()
                        } + &if r.decisions > 0 {
                            format!(", {} screening decisions", r.decisions)
                        } else {
                            String::new()
                        },
                        if rep.repairs.is_empty() {
                            String::new()
                        } else {
                            format!("; repaired: {}", rep.repairs.join(", "))
                        },
                    ));
                }
            }
            if strict_refused {
                out.push_str("--strict: records were skipped, so nothing was imported\n");
            }
            ui.summary(&out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    #[test]
    fn the_file_decision_is_checked_and_resolved_like_decides() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::init(&dir.path().join("ws")).unwrap();
        let decision = |extra: &[&str]| {
            let argv = [&["import", "f.csv"][..], extra].concat();
            file_decision(&Cli::try_parse_from(argv).unwrap().args, &ws)
        };
        assert_eq!(decision(&[]).unwrap(), None);
        let c = decision(&[
            "--decision",
            "exclude",
            "--reason",
            "2",
            "--tag",
            "tildelingsnemnd",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            (
                c.decision.as_str(),
                c.stage.as_deref(),
                &c.reasons[..],
                &c.tags[..]
            ),
            (
                "exclude",
                Some("title-abstract"),
                &["wrong setting".to_string()][..],
                &["tildelingsnemnd".to_string()][..]
            )
        );
        let c = decision(&["--decision", "maybe", "--stage", "full-text"])
            .unwrap()
            .unwrap();
        assert_eq!(
            (c.decision.as_str(), c.stage.as_deref()),
            ("maybe", Some("full-text"))
        );
        for bad in [
            &["--decision", "include", "--reason", "1"][..],
            &["--decision", "include", "--stage", "nope"],
            &["--decision", "exclude", "--reason", "9"],
        ] {
            assert!(matches!(decision(bad), Err(CliError::Usage(_))), "{bad:?}");
        }
        assert!(Cli::try_parse_from(["import", "f.csv", "--reason", "1"]).is_err());
    }

    #[test]
    fn default_database_names() {
        assert_eq!(slug("Scopus Export (2)"), "scopus-export-2");
        assert_eq!(slug("pubmed-result"), "pubmed-result");
        assert_eq!(slug("WoS_79"), "wos-79");
        assert_eq!(slug("__"), "");
    }
}
