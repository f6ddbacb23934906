//! `litscope init [DIR]`: create a review workspace.

use super::output::Ui;
use super::{CliError, Outcome};
use crate::workspace::Workspace;
use std::path::PathBuf;

/// Create a review workspace: review.toml, queries/, corpus/ and index/
///
/// Refuses to touch a folder that already holds review.toml.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  litscope init my-review\n  litscope init            # in the current folder"
)]
pub struct Args {
    /// Folder to create the workspace in [default: the current folder]
    dir: Option<PathBuf>,
}

/// Runs `init`.
pub fn run(args: Args, ui: &Ui) -> Result<Outcome, CliError> {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let ws = Workspace::init(&dir)?;
    ui.status(&format!(
        "Created a litscope workspace in {}",
        ws.root.display()
    ));
    ui.status("Next: set [review] mailto in review.toml, edit queries/example.toml, then run `litscope harvest`.");
    Ok(Outcome::Ok)
}
