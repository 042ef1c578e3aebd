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

/// Where an entry will post, for the box's title: `→ 01ab3c "Checkout failing…"
/// investigating`, the status in capitals and marked when the incident has ended, and
/// DRILL for a drill. The title shortens to leave room for the rest.
fn target(app: &App, width: u16, theme: &Theme) -> Vec<Span<'static>> {
    let Some(state) = app.incident() else {
        return vec![Span::styled("→ no incident ", theme.error)];
    };
    let room = usize::from(width).saturating_sub(60).clamp(8, 40);
    let mut spans = vec![Span::styled(
        format!(
            "→ {} \"{}\" ",
            state.short_id(),
            crate::format::shorten(&inert::line(&state.title), room)
        ),
        theme.title,
    )];
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
    spans
}

/// Draws the entry box.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let entry = &app.entry;
    let kind = entry.effective_kind();
    let mut title = vec![Span::styled(
        format!(" Entry · {} ", kind.label()),
        theme.title,
    )];
    if let Some(was) = entry.prefilled.filter(|was| *was != kind) {
        title.push(Span::styled(
            format!("(was: {}; Enter asks) ", was.label()),
            theme.error,
        ));
    }
    title.extend(target(app, area.width, theme));
    if let Some(pending) = entry.pending.back() {
        let count = match entry.pending.len() {
            1 => String::new(),
            n => format!(" {n}"),
        };
        title.push(Span::styled(
            format!(
                " sending{count}: {} ",
                super::wrap::truncate(&inert::line(&pending.text), 30)
            ),
            theme.notice,
        ));
    }
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
