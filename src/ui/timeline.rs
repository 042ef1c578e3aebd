//! The timeline pane: the decision log, newest at the bottom. Only the entries that fit
//! are laid out, so a frame costs the same with ten entries or a hundred thousand.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::wrap::{Segment, wrap};
use super::{Theme, pane_block};
use crate::app::{Action, App, Mode, Pane};
use crate::domain::{Body, Entry, IncidentState, short_id};
use crate::inert;

const MARKER_WIDTH: usize = 11;

/// Draws the timeline pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let Some(state) = app.incident() else { return };
    let view = &app.timeline;
    let n = state.timeline.len();
    let entries = if app.previewing() {
        // The newest entries are here; how many there are in all is still being read.
        "reading older entries…".to_string()
    } else if n == 1 {
        "1 entry".to_string()
    } else {
        format!("{n} entries")
    };
    // With a filter on, how many of them it shows (counted only then).
    let entries = if view.filter.is_on() {
        format!("{} of {entries}", view.shown_count(state))
    } else {
        entries
    };
    // A filter on is said first, where a narrow pane still shows it.
    let filter = if view.filter.is_on() {
        format!(" · FILTER: {}", view.filter.describe())
    } else {
        String::new()
    };
    // The key that jumps to the newest entry, as the keymap in force names it.
    let newest = app
        .setup
        .keys
        .key_for(Mode::Normal, Action::Bottom)
        .map(|key| format!(" ({key}: newest)"))
        .unwrap_or_default();
    // Whether it follows (and what arrived meanwhile) before the count: a narrow
    // title cuts the count first.
    let extra = match view.new_since(state) {
        _ if view.following() => format!("{filter} · following · {entries}"),
        0 => format!("{filter} · scrolled{newest} · {entries}"),
        fresh => format!("{filter} · {fresh} new, scrolled{newest} · {entries}"),
    };
    let block = pane_block(app, Pane::Timeline, theme, &extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (width, height) = (inner.width as usize, inner.height as usize);
    let Some(cursor) = view.cursor_index(state) else {
        if view.filter.is_on() && height > 0 {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    "no entry matches the filter (:filter off shows every entry)",
                    theme.muted,
                )),
                inner,
            );
        }
        return;
    };
    if height == 0 || width == 0 {
        return;
    }
    let filter = &view.filter;
    let before = |i: usize| {
        i.checked_sub(1)
            .and_then(|from| crate::app::find::shown_at_or_before(state, filter, from))
    };
    let after = |i: usize| crate::app::find::shown_at_or_after(state, filter, i + 1);
    let selected = (!view.following()).then_some(cursor);
    let moment = app
        .as_of
        .as_ref()
        .filter(|a| a.incident == state.id)
        .map(|a| a.position);
    let later_than_moment = |i: usize| moment.is_some_and(|position| i >= position);
    // An entry's lines, after the day's separator when one goes above it, and how
    // many lines that separator takes (0 or 1).
    let lay = |i: usize| {
        let mut lines: Vec<Line<'static>> = day_separator(app, state, before(i), i, width, theme)
            .into_iter()
            .collect();
        let separator = lines.len();
        let mut entry = entry_lines(app, state, &state.timeline[i], width, theme);
        // In "as of", what came after the moment is dimmed: not yet, then.
        if later_than_moment(i) {
            for line in &mut entry {
                for span in &mut line.spans {
                    span.style = span.style.add_modifier(ratatui::style::Modifier::DIM);
                }
            }
        }
        lines.extend(entry);
        Laid {
            at: i,
            separator,
            lines,
        }
    };

    // Lay out upward from the remembered bottom (never above the cursor).
    let newest = view.last_shown(state).unwrap_or(cursor);
    let bottom = if view.following() {
        newest
    } else {
        view.bottom
            .get()
            .and_then(|id| state.position(id))
            .and_then(|at| crate::app::find::shown_at_or_before(state, filter, at))
            .unwrap_or(newest)
            .clamp(cursor, newest)
    };
    let mut blocks: Vec<Laid> = Vec::new();
    let mut used = 0;
    let mut i = bottom;
    loop {
        let laid = lay(i);
        used += laid.lines.len();
        blocks.push(laid);
        if used >= height {
            break;
        }
        match before(i) {
            Some(b) => i = b,
            None => break,
        }
    }
    let top = blocks.last().map(|b| b.at).unwrap_or(0);
    let cursor_cut = cursor == top && used > height && blocks.len() > 1;
    // The blocks top to bottom, and how many of their lines are above the pane.
    let skip = if cursor < top || cursor_cut {
        // The cursor went above the view: put it at the top and lay out downward.
        blocks.clear();
        used = 0;
        let mut next = Some(cursor);
        while let Some(i) = next.filter(|_| used < height) {
            let laid = lay(i);
            used += laid.lines.len();
            blocks.push(laid);
            next = after(i);
        }
        0
    } else {
        blocks.reverse();
        used.saturating_sub(height)
    };
    // The selected entry's first line on screen: its row in the pane (the top row when
    // that line is cut off above it).
    let mut row = 0usize;
    let mut marked = None;
    for laid in &blocks {
        if selected == Some(laid.at) {
            marked = Some((row + laid.separator).saturating_sub(skip));
        }
        row += laid.lines.len();
    }
    let lines: Vec<Line<'static>> = blocks
        .iter()
        .flat_map(|b| b.lines.iter().cloned())
        .skip(skip)
        .take(height)
        .collect();
    let new_bottom = blocks.iter().map(|b| b.at).max().unwrap_or(bottom);
    view.bottom.set(Some(state.timeline[new_bottom].event.id));
    view.page.set(blocks.len().saturating_sub(1).max(1));
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some(row) = marked.filter(|&row| row < height) {
        mark_selected(frame, area, inner.y + row as u16, theme);
    }
}

/// One entry laid out for the pane: its place in the timeline, its lines, and how many
/// of them (0 or 1) are the day's separator above it.
struct Laid {
    at: usize,
    separator: usize,
    lines: Vec<Line<'static>>,
}

/// The mark of the selected entry: `>` in the pane's left border, on the row `y` of the
/// entry's first line, in the selection's style. A mark one cell wide rather than the
/// whole entry in reverse video: moving the selection then rewrites two cells, not two
/// entries (over a 56 kbit link, a few dozen bytes rather than several hundred; the
/// same reason mutt offers its arrow cursor for slow links).
fn mark_selected(frame: &mut Frame<'_>, area: Rect, y: u16, theme: &Theme) {
    let at = ratatui::layout::Position::new(area.x, y);
    if let Some(cell) = frame.buffer_mut().cell_mut(at) {
        cell.set_symbol(SELECTION_MARK)
            .set_style(theme.border_focus.patch(theme.selection));
    }
}

/// The symbol that marks the selected entry in the timeline's border.
pub const SELECTION_MARK: &str = ">";

/// The line that starts a day, above entry `i` when its date is not the one of the
/// entry shown before it (for the first shown: not today's), `── Sun 2026-11-29 ───`, so a time column
/// of one width still says which day each time is on.
fn day_separator(
    app: &App,
    state: &IncidentState,
    shown_before: Option<usize>,
    i: usize,
    width: usize,
    theme: &Theme,
) -> Option<Line<'static>> {
    let zone = app.setup.zone;
    let date = |t| zone.date(t);
    let day = date(state.timeline[i].event.at);
    let before = match shown_before {
        Some(p) => date(state.timeline[p].event.at),
        None => date(app.now),
    };
    if day == before {
        return None;
    }
    let label = format!("── {} ", day.format("%a %Y-%m-%d"));
    let fill = width.saturating_sub(label.chars().count());
    let text: String = label.chars().take(width).collect::<String>() + &"─".repeat(fill);
    Some(Line::styled(text, theme.muted))
}

/// `text` in `style`, with each match of the search `query` (lowercased) reversed so
/// it stands out in any theme, colour or none.
fn highlighted(text: String, query: Option<&str>, style: Style) -> Vec<Segment> {
    let hit = style.add_modifier(ratatui::style::Modifier::REVERSED);
    let lower = text.to_lowercase();
    // Positions found in the lowercased text are the text's own only when lowercasing
    // kept every byte length (it does for nearly all text; otherwise no highlight).
    let Some(query) = query.filter(|q| !q.is_empty() && lower.len() == text.len()) else {
        return vec![(text, style)];
    };
    let mut out = Vec::new();
    let mut from = 0;
    for (at, _) in lower.match_indices(query) {
        if at < from || !text.is_char_boundary(at) || !text.is_char_boundary(at + query.len()) {
            continue;
        }
        if at > from {
            out.push((text[from..at].to_string(), style));
        }
        out.push((text[at..at + query.len()].to_string(), hit));
        from = at + query.len();
    }
    if from < text.len() {
        out.push((text[from..].to_string(), style));
    }
    out
}

/// One entry as wrapped, styled lines: time, kind marker, author, text, and notes on
/// its history. Everything from the log is made inert first.
pub fn entry_lines(
    app: &App,
    state: &IncidentState,
    entry: &Entry,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let e = &entry.event;
    let muted = theme.muted;
    // One width for every time, whatever its day: the day is said by the separator
    // above the day's first entry. A re-dated entry keeps its place and its time
    // there; when it truly happened is said after its text, with its date.
    let current = state.current_text(entry);
    let time = app.setup.zone.format(e.at, "%H:%M:%S ");
    let time = if app.timeline.show_ids {
        format!("{time}{} ", short_id(e.id))
    } else {
        time
    };
    let indent = time.chars().count();
    let category = entry.category();
    let (mut text, struck) = (current.text.clone(), current.struck);
    // A correction that re-dates says the time in the zone on screen, not in UTC.
    if let Body::Correction { at: Some(t), .. } = &e.body {
        text = text.replace(
            &crate::domain::utc_minute(*t),
            &format!(
                "{} {}",
                app.setup.zone.stamp(*t, app.now),
                app.setup.zone.offset_label(*t)
            ),
        );
    }
    let mut segments: Vec<Segment> = vec![
        (time, muted),
        (
            format!("{:<MARKER_WIDTH$} ", category.marker()),
            theme.category(category),
        ),
        (format!("{}: ", inert::line(&e.credit())), theme.title),
    ];
    let text_style = if struck { theme.struck } else { theme.text };
    segments.extend(highlighted(
        inert::text(&text).into_owned(),
        app.timeline.search.as_deref(),
        text_style,
    ));
    if struck {
        segments.push((" [struck]".into(), muted));
    }
    if let Some(verdict) = &current.verdict {
        segments.push((format!(" [{}]", inert::line(verdict)), theme.title));
    }
    if current.amended {
        let original = entry.original_text();
        segments.push((format!(" (was: {})", inert::line(&original)), muted));
    }
    if let Body::Correction { target, .. } = &e.body {
        let of = match state.entry(*target) {
            Some(t) => format!(
                " [of {} {}]",
                t.category().marker(),
                app.setup.zone.stamp(t.event.at, app.now)
            ),
            None => format!(" [of {} (not here yet)]", short_id(*target)),
        };
        segments.push((of, muted));
    }
    if let Some(at) = current.at {
        segments.push((
            format!(
                " (re-dated: happened {})",
                app.setup.zone.stamp(at, app.now)
            ),
            theme.notice,
        ));
    }
    if e.is_backdated() {
        // Logged on another day than it happened: the date says so.
        segments.push((
            format!(" (logged {})", app.setup.zone.stamp(e.logged_at, e.at)),
            muted,
        ));
    }
    if let Some(reason) = &current.no_effect {
        segments.push((format!(" [no effect: {}]", inert::line(reason)), muted));
    }
    wrap(&segments, width, indent)
}
