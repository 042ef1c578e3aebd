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
/// another incident) is kept first: the kinds shorten (`update→cust`) when the full
/// words do not fit, then what is sending, then the incident's title, which goes first.
fn title(app: &App, width: u16, theme: &Theme) -> Vec<Span<'static>> {
    use unicode_width::UnicodeWidthStr;
    let entry = &app.entry;
    let kind = entry.effective_kind();
    let budget = usize::from(width).saturating_sub(6);
    let mut must = Vec::new();
    match app.incident() {
        None => must.push(Span::styled("→ no incident ", theme.error)),
        Some(state) => {
            must.push(Span::styled(
                format!("→ {} ", state.short_id()),
                theme.title,
            ));
            if state.status.is_open() {
                must.push(Span::styled(format!("{} ", state.status), theme.muted));
            } else {
                must.push(Span::styled(
                    format!("{} ", state.status.to_string().to_uppercase()),
                    theme.error,
                ));
            }
            if state.drill {
                must.push(Span::styled("DRILL ", theme.notice));
            }
            if let Some(begun) = entry.written_for.filter(|id| *id != state.id) {
                must.push(Span::styled(
                    format!("(begun on {}) ", crate::domain::short_id(begun)),
                    theme.error,
                ));
            }
        }
    }
    let width_of = |spans: &[Span<'_>]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    let was = entry.prefilled.filter(|was| *was != kind);
    let kinds = |long: bool| {
        let name = |k: super::super::app::EntryKind| if long { k.label() } else { k.short() };
        let mut spans = vec![Span::styled(
            format!(" Entry · {} ", name(kind)),
            theme.title,
        )];
        if let Some(was) = was {
            spans.push(Span::styled(format!("(was: {}) ", name(was)), theme.error));
        }
        spans
    };
    let mut spans = kinds(true);
    if width_of(&spans) + width_of(&must) > budget {
        spans = kinds(false);
    }
    spans.extend(must);
    if let Some(pending) = entry.pending.back() {
        let count = match entry.pending.len() {
            1 => String::new(),
            n => format!(" {n}"),
        };
        let sending = format!(
            "sending{count}: {} ",
            super::wrap::truncate(&inert::line(&pending.text), 24)
        );
        if width_of(&spans) + sending.width() <= budget {
            spans.push(Span::styled(sending, theme.notice));
        }
    }
    if let Some(state) = app.incident() {
        let room = budget.saturating_sub(width_of(&spans));
        if room >= 8 {
            spans.push(Span::styled(
                format!(
                    "\"{}\" ",
                    crate::format::shorten(&inert::line(&state.title), room.min(42) - 3)
                ),
                theme.title,
            ));
        }
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
        // The keys the box takes, as many as its border holds; Esc always.
        let keys = [
            " Enter commits · Alt-Enter or Ctrl-J new line · Tab or /d /a /h /s /x /c /! kind · Esc leaves ",
            " Enter commits · Alt-Enter new line · Tab or /d /a /h /s /x /c /! kind · Esc leaves ",
            " Enter commits · Alt-Enter new line · Tab kind · Esc leaves ",
            " Enter commits · Esc leaves ",
        ];
        let room = usize::from(area.width).saturating_sub(4);
        let keys = keys
            .iter()
            .find(|k| unicode_width::UnicodeWidthStr::width(**k) <= room)
            .unwrap_or(&keys[3]);
        block = block.title_bottom(Line::styled(*keys, theme.muted));
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
