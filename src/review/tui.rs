//! The terminal side of the review queue: raw mode, the alternate screen, key events in,
//! frames out. Everything it decides is [`Queue::apply`]'s; this file only moves bytes, and
//! always gives the terminal back (on return, error or panic).

use super::{Action, Answered, Queue, action_for, view};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use std::io::{IsTerminal, Stdout};

/// True when stdin and stdout are both a terminal (what the review needs).
pub fn available() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = disable_raw_mode();
        let _ = execute!(std::io::stdout(), LeaveAlternateScreen);
    }
}

fn action_of(code: KeyCode, modifiers: KeyModifiers) -> Option<Action> {
    match code {
        KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => Some(Action::Quit),
        KeyCode::Char(c) => action_for(c),
        KeyCode::Esc => Some(Action::Quit),
        KeyCode::Left => Some(Action::Back),
        KeyCode::Right => Some(Action::Skip),
        _ => None,
    }
}

/// What ends a review early.
#[derive(Debug, thiserror::Error)]
pub enum TuiError<E> {
    /// The terminal failed.
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
    /// Storing an answer failed.
    #[error(transparent)]
    Store(E),
}

/// Runs the queue on the terminal until it is done; `store` is called with each answer
/// as soon as it is made (an error from it ends the review and is returned).
pub fn run<E>(
    queue: &mut Queue,
    color: bool,
    mut store: impl FnMut(Answered) -> Result<(), E>,
) -> Result<(), TuiError<E>> {
    enable_raw_mode()?;
    let _restore = Restore;
    execute!(std::io::stdout(), EnterAlternateScreen)?;
    let mut terminal: Terminal<CrosstermBackend<Stdout>> =
        Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    while !queue.is_done() {
        terminal.draw(|f| view::draw(f, queue, color))?;
        if let Event::Key(key) = event::read()?
            && key.kind == KeyEventKind::Press
            && let Some(action) = action_of(key.code, key.modifiers)
            && let Some(answer) = queue.apply(action)
        {
            store(answer).map_err(TuiError::Store)?;
        }
    }
    Ok(())
}
