//! The entry box: one keystroke away, grows while writing, says what it will log.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Theme;
use crate::app::{Action, App, Keymap, Mode};
use crate::inert;

const MAX_TEXT_LINES: usize = 6;

/// The rows the entry box takes in a terminal `width` columns wide: its text as the
/// box wraps it (a long line takes several rows), up to a limit, and the borders.
pub fn height(app: &App, width: u16) -> u16 {
    if !app.entry.open {
        return 3;
    }
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let mut rows = usize::from(after_full_row(app, inner));
    for line in app.entry.textarea.lines() {
        rows += super::wrap::wrap(&[(line.clone(), Style::default())], inner, 0).len();
        if rows >= MAX_TEXT_LINES {
            break;
        }
    }
    rows.clamp(1, MAX_TEXT_LINES) as u16 + 2
}

/// Whether the cursor stands at the end of the text, whose last row it fills to the
/// box's `inner` width: the next character goes at the start of the row below, and
/// the cursor is shown there (in a row the box grows by), not on the last character.
/// (At the end of a line above the last, the row below holds the next line: the
/// cursor stays on the last column.)
fn after_full_row(app: &App, inner: usize) -> bool {
    let (line, col) = (app.entry.textarea.cursor().0, app.entry.textarea.cursor().1);
    let lines = app.entry.textarea.lines();
    let Some(text) = lines.get(line).filter(|_| line + 1 == lines.len()) else {
        return false;
    };
    !text.is_empty()
        && col == text.chars().count()
        && super::wrap::wrap(&[(text.clone(), Style::default())], inner, 0)
            .last()
            .is_some_and(|row| row.width() == inner)
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
        None if app.reading().is_some() => {
            let what = app.loading().map_or_else(
                || "the log".to_string(),
                crate::domain::IncidentState::short_id,
            );
            must.push(Span::styled(format!("→ reading {what}… "), theme.muted));
        }
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

/// Draws the entry box; returns where the terminal's cursor goes (after the text's
/// cursor, while the box has the keys), `None` for no cursor.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) -> Option<Position> {
    let entry = &app.entry;
    let title = title(app, area.width, theme);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .merge_borders(ratatui::symbols::merge::MergeStrategy::Exact)
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
        // The keys the box takes, as many as its border holds; the way out always.
        let keys = box_keys(&app.setup.keys);
        let room = usize::from(area.width).saturating_sub(4);
        let keys = keys
            .iter()
            .find(|k| unicode_width::UnicodeWidthStr::width(k.as_str()) <= room)
            .unwrap_or(&keys[3]);
        block = block.title_bottom(Line::styled(keys.clone(), theme.muted));
    }
    if !entry.open {
        let hint = if let Some(why) = app.setup.read_only {
            format!("read-only ({}): nothing can be written here", why.reason())
        } else if entry.textarea.is_empty() {
            format!(
                "{} to write an entry",
                app.setup
                    .keys
                    .say_all(Mode::Normal, Action::OpenEntry, " or ")
            )
        } else {
            format!(
                "draft kept: {} ({} to continue)",
                inert::line(&entry.text()),
                app.key(Mode::Normal, Action::OpenEntry)
            )
        };
        frame.render_widget(
            Paragraph::new(Line::styled(hint, theme.muted)).block(block),
            area,
        );
        return None;
    }
    // The text area is drawn by reference inside the block: it keeps its own scroll
    // position from frame to frame (a copy would start from the top every time) and
    // takes the theme's text style from the block beneath it.
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(&entry.textarea, inner);
    // The terminal's cursor where the next character goes, while the box has the keys.
    if app.overlays.is_empty() {
        let at = entry.textarea.screen_cursor();
        let (top, left) = entry.textarea.scroll_offset();
        let row = at.row.saturating_sub(usize::from(top));
        // The text area counts each char's width; the screen draws a cluster's (👩‍🔬
        // is two columns, not four): on a line that does not wrap, the column is the
        // width of the clusters before the cursor.
        let (line, col) = (entry.textarea.cursor().0, entry.textarea.cursor().1);
        let text = entry.textarea.lines().get(line).map_or("", String::as_str);
        let col = if unicode_width::UnicodeWidthStr::width(text) < usize::from(inner.width) {
            let before: String = text.chars().take(col).collect();
            unicode_width::UnicodeWidthStr::width(before.as_str())
        } else {
            at.col
        }
        .saturating_sub(usize::from(left));
        // Past a row typed full: at the start of the row below, when the box has it.
        let (row, col) = match after_full_row(app, usize::from(inner.width)) {
            true if row + 1 < usize::from(inner.height) => (row + 1, 0),
            _ => (row, col),
        };
        if row < usize::from(inner.height) {
            let col = col.min(usize::from(inner.width.saturating_sub(1)));
            return Some(Position::new(inner.x + col as u16, inner.y + row as u16));
        }
    }
    None
}

/// The entry box's keys for its border, longest first, as the keymap in force names
/// them: every new-line key and the kind prefixes, then fewer, then only commit and
/// leave. A key no longer bound is left out.
fn box_keys(keys: &Keymap) -> [String; 4] {
    let key = |action| keys.key_for(Mode::Entry, action).map(|k| k.to_string());
    let all = |action| {
        let found = keys.keys_for(Mode::Entry, action);
        (!found.is_empty()).then(|| {
            found
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" or ")
        })
    };
    let commit = key(Action::Submit).map(|k| format!("{k} commits"));
    let leave = key(Action::Close).map(|k| format!("{k} leaves"));
    let prefixes = "/d /a /h /s /x /c /!";
    let kinds = Some(match key(Action::CycleKind) {
        Some(k) => format!("{k} or {prefixes} kind"),
        None => format!("{prefixes} kind"),
    });
    let short_kind = key(Action::CycleKind).map(|k| format!("{k} kind"));
    let newlines = all(Action::Newline).map(|k| format!("{k} new line"));
    let newline = key(Action::Newline).map(|k| format!("{k} new line"));
    let said = |parts: &[&Option<String>]| {
        let parts: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
        format!(" {} ", parts.join(" · "))
    };
    [
        said(&[&commit, &newlines, &kinds, &leave]),
        said(&[&commit, &newline, &kinds, &leave]),
        said(&[&commit, &newline, &short_kind, &leave]),
        said(&[&commit, &leave]),
    ]
}
