//! The entry box: one keystroke away, grows while writing, says what it will log.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Theme;
use crate::app::App;
use crate::inert;

const MAX_TEXT_LINES: u16 = 6;

/// The rows the entry box takes.
pub fn height(app: &App) -> u16 {
    if !app.entry.open {
        return 3;
    }
    let lines = app.entry.textarea.lines().len() as u16;
    lines.clamp(1, MAX_TEXT_LINES) + 2
}

/// Draws the entry box.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let entry = &app.entry;
    let kind = entry.effective_kind();
    let mut title = vec![Span::styled(
        format!(" Entry · {} ", kind.label()),
        theme.style("title"),
    )];
    if let Some(pending) = &entry.pending {
        title.push(Span::styled(
            format!(
                " sending: {} ",
                super::wrap::truncate(&inert::line(&pending.text), 30)
            ),
            theme.style("notice"),
        ));
    }
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(Line::from(title))
        .border_style(if entry.open {
            theme.style("border_focus")
        } else {
            theme.style("border")
        });
    if let Some(error) = &entry.error {
        block = block.title_bottom(Line::styled(
            format!(" {} ", inert::line(error)),
            theme.style("error"),
        ));
    } else if entry.open {
        block = block.title_bottom(Line::styled(
            " Enter commits · Alt-Enter or Ctrl-J new line · Tab or /d /a /h /s /x /c /! kind · Esc leaves ",
            theme.style("muted"),
        ));
    }
    if !entry.open {
        let hint = if app.read_only {
            "read-only: nothing can be written here".to_string()
        } else if entry.textarea.is_empty() {
            "i or Enter to write an entry".to_string()
        } else {
            format!("draft kept: {} (i to continue)", inert::line(&entry.text()))
        };
        frame.render_widget(
            Paragraph::new(Line::styled(hint, theme.style("muted"))).block(block),
            area,
        );
        return;
    }
    let mut textarea = entry.textarea.clone();
    textarea.set_block(block);
    textarea.set_style(theme.style("text"));
    textarea.set_cursor_line_style(ratatui::style::Style::default());
    frame.render_widget(&textarea, area);
}
