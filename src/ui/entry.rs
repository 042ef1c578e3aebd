//! The entry box: one keystroke away, grows while writing, says what it will log.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Theme;
use crate::app::App;
use crate::inert;

const MAX_TEXT_LINES: usize = 6;

/// The rows the entry box takes in a terminal `width` columns wide: its text as the
/// box wraps it (a long line takes several rows), up to a limit, and the borders.
pub fn height(app: &App, width: u16) -> u16 {
    if !app.entry.open {
        return 3;
    }
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let mut rows = 0;
    for line in app.entry.textarea.lines() {
        rows += super::wrap::wrap(&[(line.clone(), Style::default())], inner, 0).len();
        if rows >= MAX_TEXT_LINES {
            break;
        }
    }
    rows.clamp(1, MAX_TEXT_LINES) as u16 + 2
}

/// The box's title: the kind (and the kind a template filled it as, when changed),
/// then where the entry will post: `→ 01ab3c INVESTIGATING DRILL "Checkout failing…"`.
/// What must never be cut (the id, the status, DRILL, that the text was begun on
/// another incident) comes before the incident's title, which shortens to the room left
/// and goes first when there is none.
fn title(app: &App, width: u16, theme: &Theme) -> Vec<Span<'static>> {
    use unicode_width::UnicodeWidthStr;
    let entry = &app.entry;
    let kind = entry.effective_kind();
    let mut spans = vec![Span::styled(
        format!(" Entry · {} ", kind.label()),
        theme.title,
    )];
    if let Some(was) = entry.prefilled.filter(|was| *was != kind) {
        spans.push(Span::styled(
            format!("(was: {}) ", was.label()),
            theme.error,
        ));
    }
    let Some(state) = app.incident() else {
        spans.push(Span::styled("→ no incident ", theme.error));
        return spans;
    };
    spans.push(Span::styled(
        format!("→ {} ", state.short_id()),
        theme.title,
    ));
    if state.status.is_open() {
        spans.push(Span::styled(format!("{} ", state.status), theme.muted));
    } else {
        spans.push(Span::styled(
            format!("{} ", state.status.to_string().to_uppercase()),
            theme.error,
        ));
    }
    if state.drill {
        spans.push(Span::styled("DRILL ", theme.notice));
    }
    if let Some(begun) = entry.written_for.filter(|id| *id != state.id) {
        spans.push(Span::styled(
            format!("(begun on {}) ", crate::domain::short_id(begun)),
            theme.error,
        ));
    }
    if let Some(pending) = entry.pending.back() {
        let count = match entry.pending.len() {
            1 => String::new(),
            n => format!(" {n}"),
        };
        spans.push(Span::styled(
            format!(
                "sending{count}: {} ",
                super::wrap::truncate(&inert::line(&pending.text), 24)
            ),
            theme.notice,
        ));
    }
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    // Two borders and a corner of line on each side.
    let room = usize::from(width).saturating_sub(used + 6);
    if room >= 8 {
        spans.push(Span::styled(
            format!(
                "\"{}\" ",
                crate::format::shorten(&inert::line(&state.title), room.min(40) - 2)
            ),
            theme.title,
        ));
    }
    spans
}

/// Draws the entry box.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let entry = &app.entry;
    let title = title(app, area.width, theme);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .style(theme.text)
        .title(Line::from(title))
        .border_style(if entry.open {
            theme.border_focus
        } else {
            theme.border
        });
    if let Some(error) = &entry.error {
        block = block.title_bottom(Line::styled(
            format!(" {} ", inert::line(error)),
            theme.error,
        ));
    } else if entry.open {
        block = block.title_bottom(Line::styled(
            " Enter commits · Alt-Enter or Ctrl-J new line · Tab or /d /a /h /s /x /c /! kind · Esc leaves ",
            theme.muted,
        ));
    }
    if !entry.open {
        let hint = if let Some(why) = app.setup.read_only {
            format!("read-only ({}): nothing can be written here", why.reason())
        } else if entry.textarea.is_empty() {
            "i or Enter to write an entry".to_string()
        } else {
            format!("draft kept: {} (i to continue)", inert::line(&entry.text()))
        };
        frame.render_widget(
            Paragraph::new(Line::styled(hint, theme.muted)).block(block),
            area,
        );
        return;
    }
    // The text area is drawn by reference inside the block: it keeps its own scroll
    // position from frame to frame (a copy would start from the top every time) and
    // takes the theme's text style from the block beneath it.
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(&entry.textarea, inner);
}
