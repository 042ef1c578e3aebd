//! The timeline search line and one entry's detail, drawn over the panes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::wrap::wrap;
use super::{Theme, boxed};
use crate::app::{Action, App, Mode, PageScroll};
use crate::domain::Body;
use crate::inert;

/// The search line: what is typed, and how many entries match.
pub fn search(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    query: &str,
    found: usize,
    theme: &Theme,
) {
    let width = area.width.saturating_sub(10).min(90);
    let rect = Rect::new(area.x, area.y + 2, area.width, 4.min(area.height))
        .centered_horizontally(Constraint::Length(width));
    let status = match (query.trim().is_empty(), found) {
        (true, _) => "type to search the entries' text and authors".to_string(),
        (false, 0) => "no entry matches".to_string(),
        (false, 1) => "1 entry matches".to_string(),
        (false, n) => format!("{n} entries match"),
    };
    let style = if found == 0 && !query.trim().is_empty() {
        theme.error
    } else {
        theme.muted
    };
    let lines = vec![
        Line::from(vec![
            Span::styled("/", theme.hint_key),
            Span::raw(inert::line(query).into_owned()),
            Span::styled("█", theme.muted),
        ]),
        Line::styled(status, style),
    ];
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(&search_title(app), theme)),
        rect,
    );
}

/// One entry in full, scrolled by `scroll`.
pub fn entry(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    id: ulid::Ulid,
    scroll: &PageScroll,
    theme: &Theme,
) {
    let Some(state) = app.incident() else { return };
    let Some(entry) = state.entry(id) else { return };
    let rect = area.centered(
        Constraint::Length(area.width.saturating_sub(4).min(100)),
        Constraint::Length(area.height.saturating_sub(2)),
    );
    let inner = usize::from(rect.width.saturating_sub(2)).max(1);
    let zone = app.setup.zone;
    let e = &entry.event;
    let current = state.current_text(entry);
    let when = |t| {
        format!(
            "{} {}",
            zone.format(t, "%Y-%m-%d %H:%M:%S"),
            zone.offset_label(t)
        )
    };
    let mut rows: Vec<(String, String)> = vec![
        ("id".into(), e.id.to_string()),
        ("kind".into(), entry.category().marker().to_string()),
        ("author".into(), e.author.clone()),
    ];
    if let Some(by) = &e.recorded_by {
        rows.push(("recorded by".into(), by.clone()));
    }
    rows.push(("happened".into(), when(current.at.unwrap_or(e.at))));
    if current.at.is_some() {
        rows.push(("first said".into(), when(e.at)));
    }
    rows.push(("logged".into(), when(e.logged_at)));
    // Which database wrote it first, and its number there (what sync and `verify`
    // go by).
    rows.push((
        "written on".into(),
        format!("replica {}, its event #{}", e.origin, e.seq),
    ));
    let mut state_words = Vec::new();
    if current.struck {
        state_words.push("struck");
    }
    if current.amended {
        state_words.push("amended");
    }
    if current.at.is_some() {
        state_words.push("re-dated");
    }
    if !state_words.is_empty() {
        rows.push(("state".into(), state_words.join(", ")));
    }
    if let Some(why) = &current.no_effect {
        rows.push(("no effect".into(), why.clone()));
    }
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (label, value) in rows {
        lines.extend(wrap(
            &[
                (format!("{label:<12}"), theme.muted),
                (inert::line(&value).into_owned(), theme.text),
            ],
            inner,
            12,
        ));
    }
    lines.push(Line::raw(""));
    let text_style = if current.struck {
        theme.struck
    } else {
        theme.text
    };
    // The text as its author broke it into lines.
    for line in current.text.lines() {
        lines.extend(wrap(
            &[(inert::line(line).into_owned(), text_style)],
            inner,
            0,
        ));
    }
    if current.amended {
        lines.push(Line::raw(""));
        lines.push(Line::styled("as first written:", theme.muted));
        for line in entry.original_text().lines() {
            lines.extend(wrap(
                &[(inert::line(line).into_owned(), theme.muted)],
                inner,
                0,
            ));
        }
    }
    if !entry.corrections.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("corrections, oldest first:", theme.title));
        for &i in &entry.corrections {
            let c = &state.timeline[i].event;
            let Body::Correction {
                text,
                strike,
                reason,
                at,
                ..
            } = &c.body
            else {
                continue;
            };
            let mut what = Vec::new();
            if let Some(text) = text {
                what.push(format!("amended to \"{}\"", inert::line(text)));
            }
            if *strike {
                what.push("struck".into());
            }
            if let Some(at) = at {
                what.push(format!("re-dated to {}", when(*at)));
            }
            if let Some(reason) = reason {
                what.push(format!("because {}", inert::line(reason)));
            }
            lines.extend(wrap(
                &[
                    (
                        format!(
                            "{} {}: ",
                            zone.stamp(c.at, app.now),
                            inert::line(&c.credit())
                        ),
                        theme.muted,
                    ),
                    (what.join("; "), theme.text),
                ],
                inner,
                2,
            ));
        }
    }
    let visible = rect.height.saturating_sub(2) as usize;
    let top = scroll.show(lines.len(), visible);
    let mut keys = Vec::new();
    if entry.is_correctable() {
        keys.extend([
            (Action::Amend, "amends"),
            (Action::Strike, "strikes"),
            (Action::Redate, "re-dates"),
        ]);
    }
    keys.extend([(Action::Copy, "copies the id"), (Action::Close, "closes")]);
    let title = super::title(&["Entry", &app.setup.keys.pairs(Mode::Detail, &keys)]);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((top as u16, 0))
            .block(boxed(&title, theme)),
        rect,
    );
}

/// The search line's title: its keys as the keymap in force names them.
fn search_title(app: &App) -> String {
    let keys = &app.setup.keys;
    let key = |action| keys.key_for(Mode::Search, action);
    let moves = match (key(Action::Up), key(Action::Down)) {
        (Some(up), Some(down)) => format!("{up}/{down} older/newer"),
        (Some(up), None) => format!("{up} older"),
        (None, Some(down)) => format!("{down} newer"),
        (None, None) => String::new(),
    };
    let rest = keys.pairs(
        Mode::Search,
        &[(Action::Submit, "keeps"), (Action::Close, "goes back")],
    );
    super::title(&["Search", &moves, &rest])
}
