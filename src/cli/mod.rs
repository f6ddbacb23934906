//! The command line: the only code that knows clap, stdout/stderr, colours and progress bars.
//!
//! Each command is one file (`init.rs`, `harvest.rs`, `import.rs`, `index.rs`, `search.rs`, `status.rs`): its `Args` (whose doc
//! comments are the help text) and a `run` function that resolves a plan, calls the stages
//! and renders what they return. Errors become one line on stderr and an exit code from one
//! table ([`CliError::exit_code`]): 0 ok, 1 runtime error, 2 usage error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod decide;
mod dedup;
mod export;
mod harvest;
mod harvest_sink;
mod import;
mod index;
mod init;
pub mod output;
mod records;
mod search;
mod search_table;
mod status;

use crate::workspace::{Workspace, WorkspaceError};
use clap::{Parser, Subcommand};
use output::Ui;
use std::path::PathBuf;
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  litscope init my-review && cd my-review
  LITSCOPE_MAILTO=me@uni.no litscope harvest --source crossref
  litscope harvest --source prosjektbanken
  litscope import scopus.ris pubmed.nbib --name other-databases
  litscope dedup && litscope dedup --review
  litscope index
  litscope search 'tildel* AND kommun*'
  litscope status
  litscope decide 5t0mhckng54j exclude --reason 1
  litscope export --status included --format ris --out included.ris
  litscope --workspace examples/recorded harvest --offline

Environment:
  LITSCOPE_WORKSPACE     workspace folder (like --workspace)
  LITSCOPE_MAILTO        contact e-mail for Crossref's polite pool
  LITSCOPE_REVIEWER      reviewer name for decisions (default: the OS user name)
  LITSCOPE_LOCK_WAIT     seconds a command that writes waits for another one (default 60)
  LITSCOPE_CROSSREF_URL  base URL of the Crossref API (default https://api.crossref.org)
  LITSCOPE_CRISTIN_URL   base URL of the Cristin API (default https://api.cristin.no)
  LITSCOPE_NVA_URL       base URL of the NVA API (default https://api.nva.unit.no)
  LITSCOPE_PROSJEKTBANKEN_URL
                         base URL of Prosjektbanken (default https://prosjektbanken.forskningsradet.no)
  NO_COLOR               no colours";

/// litscope: harvest, deduplicate, search and screen references for systematic and scoping
/// reviews.
#[derive(Debug, Parser)]
#[command(name = "litscope", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    /// Workspace folder [default: the current folder or its nearest parent with review.toml]
    #[arg(
        short = 'w',
        long,
        global = true,
        env = "LITSCOPE_WORKSPACE",
        value_name = "DIR"
    )]
    workspace: Option<PathBuf>,

    /// Print no status lines, summaries or progress bars: only what was asked for (search
    /// hits, status, exports, --format json, --list-uncertain, --dry-run), warnings and errors
    #[arg(short, long, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(init::Args),
    Harvest(harvest::Args),
    Decide(decide::Args),
    Dedup(dedup::Args),
    Export(export::Args),
    Import(import::Args),
    Index(index::Args),
    Search(search::Args),
    Status(status::Args),
}

/// What can stop a command, mapped to an exit code in one place.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The user must change the command line or a configuration file (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The workspace could not be found or read (exit 2).
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    /// The corpus could not be read or written (exit 1).
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// Something failed while running (exit 1).
    #[error("{0}")]
    Runtime(String),
    /// stdout was closed by the reader (`litscope status | head`): not an error (exit 0).
    #[error("broken pipe")]
    BrokenPipe,
}

impl CliError {
    /// The exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Workspace(_) => 2,
            CliError::BrokenPipe => 0,
            CliError::Store(_) | CliError::Runtime(_) => 1,
        }
    }

    fn from_stdout(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Runtime(format!("cannot write to stdout: {e}"))
        }
    }
}

/// What a successful command tells `main`: ok, or "done, but something failed" (exit 1 after
/// the report was printed, e.g. a harvest where one search failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything worked.
    Ok,
    /// The command finished and reported, but part of it failed.
    PartialFailure,
}

/// Parses the command line, runs the command and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
    };
    let ui = Ui::new(cli.quiet);
    match run(cli, &ui) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::PartialFailure) => ExitCode::from(1),
        Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            ui.error(&e.to_string());
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli, ui: &Ui) -> Result<Outcome, CliError> {
    let workspace = cli.workspace;
    match cli.command {
        Command::Init(args) => init::run(args, ui),
        Command::Harvest(args) => harvest::run(args, &open_workspace(workspace.as_deref())?, ui),
        Command::Decide(args) => decide::run(args, &open_workspace(workspace.as_deref())?, ui),
        Command::Dedup(args) => dedup::run(args, &open_workspace(workspace.as_deref())?, ui),
        Command::Export(args) => export::run(args, &open_workspace(workspace.as_deref())?, ui),
        Command::Import(args) => import::run(args, &open_workspace(workspace.as_deref())?, ui),
        Command::Index(args) => index::run(args, &open_workspace(workspace.as_deref())?, ui),
        Command::Search(args) => search::run(args, &open_workspace(workspace.as_deref())?, ui),
        Command::Status(args) => status::run(args, &open_workspace(workspace.as_deref())?, ui),
    }
}

/// How long a command that writes waits for another one to finish: `LITSCOPE_LOCK_WAIT`
/// seconds, else [`crate::store::lock::DEFAULT_WAIT`].
fn lock_wait() -> Result<std::time::Duration, CliError> {
    match std::env::var("LITSCOPE_LOCK_WAIT") {
        Err(_) => Ok(crate::store::lock::DEFAULT_WAIT),
        Ok(text) => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "LITSCOPE_LOCK_WAIT=`{text}` is not a number of seconds (like 60 or 0.5)"
                ))
            }),
    }
}

/// Takes the lock on `path`, waiting for another litscope command up to `limit` and saying
/// so after a second (unless `--quiet`): "waiting for another litscope command to finish
/// {what} …".
fn wait_for_lock(
    path: &std::path::Path,
    what: &str,
    limit: std::time::Duration,
    ui: &Ui,
) -> Result<crate::store::lock::Lock, crate::store::StoreError> {
    let mut waiting = |pid: Option<u32>| {
        ui.status(&format!(
            "waiting for another litscope command{} to finish {what} …",
            pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
        ));
    };
    crate::store::lock::acquire(
        path,
        crate::store::lock::Wait {
            limit,
            waiting: &mut waiting,
        },
    )
}

/// A lock still held after the wait: a runtime error that says how to wait longer.
fn still_busy(e: crate::store::StoreError) -> CliError {
    match e {
        crate::store::StoreError::Busy { .. } => {
            CliError::Runtime(format!("{e} (LITSCOPE_LOCK_WAIT=SECONDS waits longer)"))
        }
        e => e.into(),
    }
}

/// Takes the corpus lock for a command that writes to `corpus/`: another writer at work is
/// waited for (up to [`lock_wait`]), never refused at once.
fn lock_corpus(
    corpus: &std::path::Path,
    ui: &Ui,
) -> Result<crate::store::lock::CorpusLock, CliError> {
    let path = crate::store::lock::corpus_lock_path(corpus);
    wait_for_lock(&path, "writing to corpus/", lock_wait()?, ui).map_err(still_busy)
}

fn open_workspace(explicit: Option<&std::path::Path>) -> Result<Workspace, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::Runtime(format!("cannot read the current folder: {e}")))?;
    Ok(Workspace::find(explicit, &cwd)?)
}
