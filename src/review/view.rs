//! Draws a [`Queue`]'s current pair: the two records side by side, field by field, words
//! that the other record lacks highlighted, and the keys at the bottom.

use super::{Queue, Side};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use std::collections::HashSet;

/// The help line.
pub const KEYS: &str = "y same work · n different works · s skip · b back · q quit";

/// How a word compares: normalised for comparison only (case, punctuation, diacritics are
/// not differences worth a reviewer's eye).
fn fold(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The style differences get: colour when allowed, reverse video otherwise (`NO_COLOR`).
fn highlight(color: bool) -> Style {
    if color {
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

fn side_lines<'a>(me: &'a Side, other: &Side, color: bool) -> Vec<Line<'a>> {
    let dim = Style::new().add_modifier(Modifier::DIM);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:<9}", "record"), dim),
            Span::raw(me.key.as_str()),
        ]),
        Line::from(vec![
            Span::styled(format!("{:<9}", "id"), dim),
            Span::raw(me.id.as_str()),
        ]),
    ];
    for (label, value) in &me.rows {
        let theirs: HashSet<String> = other.value(label).split_whitespace().map(fold).collect();
        let mut spans = vec![Span::styled(format!("{label:<9}"), dim)];
        if value.is_empty() {
            spans.push(Span::styled("—", dim));
        } else {
            for (i, word) in value.split(' ').enumerate() {
                if i > 0 {
                    spans.push(Span::raw(" "));
                }
                let differs = !theirs.contains(&fold(word));
                spans.push(if differs {
                    Span::styled(word, highlight(color))
                } else {
                    Span::raw(word)
                });
            }
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// Draws the queue's current pair on the whole frame.
pub fn draw(frame: &mut Frame, queue: &Queue, color: bool) {
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    let Some(pair) = queue.current() else {
        frame.render_widget(Paragraph::new("No uncertain pairs to review."), body);
        return;
    };
    let header = format!(
        "pair {}/{} · {} · {} answered",
        queue.position() + 1,
        queue.len(),
        pair.why,
        queue.answered()
    );
    frame.render_widget(
        Paragraph::new(header).style(Style::new().add_modifier(Modifier::BOLD)),
        top,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let answered = match queue.answer(queue.position()) {
        Some(true) => " · answered: same work",
        Some(false) => " · answered: different works",
        None => "",
    };
    for (area, me, other, name) in [
        (left, &pair.a, &pair.b, "A"),
        (right, &pair.b, &pair.a, "B"),
    ] {
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {name}{answered} "));
        frame.render_widget(
            Paragraph::new(side_lines(me, other, color))
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
    }
    frame.render_widget(
        Paragraph::new(KEYS).style(Style::new().add_modifier(Modifier::DIM)),
        bottom,
    );
}

#[cfg(test)]
mod tests {
    use super::super::testing::pair;
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn render(queue: &Queue, color: bool) -> ratatui::buffer::Buffer {
        let mut terminal = Terminal::new(TestBackend::new(90, 14)).unwrap();
        terminal.draw(|f| draw(f, queue, color)).unwrap();
        terminal.backend().buffer().clone()
    }

    fn text(buf: &ratatui::buffer::Buffer) -> Vec<String> {
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect()
    }

    /// The style of the first cell of `word` on the frame.
    fn style_of(buf: &ratatui::buffer::Buffer, word: &str, from_x: u16) -> Style {
        let lines = text(buf);
        for (y, line) in lines.iter().enumerate() {
            if let Some(byte) = line
                .match_indices(word)
                .map(|(i, _)| i)
                .find(|&i| line[..i].chars().count() as u16 >= from_x)
            {
                let x = line[..byte].chars().count() as u16;
                return buf[(x, y as u16)].style();
            }
        }
        panic!("{word} not on the frame:\n{}", lines.join("\n"));
    }

    #[test]
    fn a_frame_shows_both_records_side_by_side_with_differences_highlighted() {
        let q = Queue::new(vec![
            pair(
                "Tildeling av helsetjenester i kommunene",
                "Tildeling av omsorgstjenester i kommunene",
                "2020",
                "2021",
            ),
            pair("x", "y", "1", "1"),
        ]);
        let buf = render(&q, true);
        let lines = text(&buf);
        let all = lines.join("\n");
        assert!(
            lines[0].starts_with("pair 1/2 · similar · title 0.92 · 0 answered"),
            "{all}"
        );
        assert!(
            all.contains("crossref:10.1/a") && all.contains("cristin:77"),
            "{all}"
        );
        assert!(lines.last().unwrap().starts_with(KEYS), "{all}");
        // Words the other record lacks stand out; shared words do not.
        let hl = highlight(true);
        assert_eq!(style_of(&buf, "helsetjenester", 0).fg, hl.fg);
        assert_eq!(style_of(&buf, "omsorgstjenester", 45).fg, hl.fg);
        assert_eq!(style_of(&buf, "2021", 45).fg, hl.fg);
        assert_ne!(style_of(&buf, "kommunene", 0).fg, hl.fg);
        assert_ne!(style_of(&buf, "Hansen,", 0).fg, hl.fg);
        // Without colours the difference is shown in reverse video.
        let plain = render(&q, false);
        assert!(
            style_of(&plain, "helsetjenester", 0)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
        assert_ne!(
            style_of(&plain, "helsetjenester", 0).fg,
            Some(Color::Yellow)
        );
    }

    #[test]
    fn an_empty_queue_says_so() {
        let all = text(&render(&Queue::new(vec![]), true)).join("\n");
        assert!(all.contains("No uncertain pairs to review."), "{all}");
    }
}
