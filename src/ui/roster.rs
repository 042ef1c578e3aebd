//! The roster pane: the commander first, then everyone by how engaged they are.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Cell, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

use super::{Theme, pane_block};
use crate::app::{Action, App, Mode, Pane};
use crate::domain::ResponderState;
use crate::format::duration;
use crate::inert;

/// Below this inner width a person whose name, state and roles do not fit on one row
/// takes two (name and state, then roles), so a name of 16 characters and the roles'
/// words are never cut.
const TWO_ROWS_BELOW: u16 = 60;

/// Draws the roster pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let Some(s) = app.pane_state() else { return };
    let people = crate::app::roster::order(s);
    let focused = app.focus == Pane::Roster && app.overlays.is_empty() && !app.entry.open;
    let conflicts = s.command.open_conflicts().count();
    let narrow = area.width.saturating_sub(4) < TWO_ROWS_BELOW;
    // What a row's text has: the pane less its borders, the selection mark, the
    // IC column and the space after it.
    let text_width = usize::from(area.width.saturating_sub(2 + 2 + 2 + 1));
    // Names are as wide as the longest listed, up to 16 characters.
    let name_width = people
        .iter()
        .map(|p| p.name.as_str())
        .chain(app.outside.present.iter().map(|p| p.user.as_str()))
        .map(|n| UnicodeWidthStr::width(inert::line(n).as_ref()))
        .max()
        .unwrap_or(0)
        .clamp(6, 16);
    let name = |n: &str| {
        let n = inert::line(n).into_owned();
        let w = UnicodeWidthStr::width(n.as_str());
        format!("{n}{}", " ".repeat(name_width.saturating_sub(w)))
    };
    let mut rows = Vec::new();
    for conflict in s.command.open_conflicts() {
        let who = inert::line(&conflict.claimant).into_owned();
        // The incident pane says what to do about it; here it marks the claimant.
        let row = if narrow {
            Row::new(vec![
                Cell::from("!!"),
                Cell::from(format!("{} CONFLICT", name(&conflict.claimant))),
            ])
        } else {
            Row::new(vec![
                Cell::from("!!"),
                Cell::from(who),
                Cell::from("CONFLICT"),
                Cell::from(
                    match app.setup.keys.key_for(Mode::Roster, Action::ConfirmCommand) {
                        Some(key) => format!("claimed command: the commander confirms ({key})"),
                        None => "claimed command: the commander confirms (:confirm)".into(),
                    },
                ),
            ])
        };
        rows.push(row.style(theme.conflict));
    }
    for p in &people {
        let is_commander = s.command.commander.as_deref() == Some(p.name.as_str());
        // Every role with its time in role (the commander's time in command first).
        let held = |since: Option<crate::domain::Timestamp>| {
            since
                .map(|at| format!(" {}", duration(s.open_elapsed(at, app.pane_now()))))
                .unwrap_or_default()
        };
        let mut roles: Vec<String> = Vec::new();
        if is_commander {
            roles.push(format!("IC{}", held(s.command.since())));
        }
        roles.extend(
            p.roles
                .iter()
                .map(|r| format!("{}{}", r.short(), held(s.roster.role_since(&p.name, *r)))),
        );
        let state = match p.state {
            Some(st) => format!(
                "{} {}",
                st.label(),
                duration(s.elapsed(p.since, app.pane_now()))
            ),
            // On the roster with no state yet (command claimed, a role given).
            None => String::new(),
        };
        // A page that went unanswered says how many times it was escalated.
        let state = match p.escalated {
            Some((steps, _)) => format!("{state} esc {steps}"),
            None => state,
        };
        let style = match p.state {
            Some(ResponderState::StoodDown) => theme.muted,
            _ => theme.text,
        };
        let mark = Cell::from(if is_commander { "IC" } else { "" }).style(theme.command);
        let row = if narrow {
            let roles = roles.join(", ");
            let lines = stacked(&name(&p.name), &[&state, &roles], text_width);
            let height = lines.len() as u16;
            Row::new(vec![mark, Cell::from(Text::from(lines))]).height(height)
        } else {
            Row::new(vec![
                mark,
                Cell::from(name(&p.name)),
                Cell::from(state),
                Cell::from(Line::from(roles.join(", "))),
            ])
        };
        rows.push(row.style(style));
    }
    // Those watching who are not on the roster, once each (their first console).
    // (The present: not shown of a past moment.)
    let names = crate::app::roster::names(app, s);
    let names = if app.as_of.is_some() {
        &names[..people.len()]
    } else {
        &names[..]
    };
    let watchers = names[people.len()..].iter().filter_map(|n| {
        app.outside
            .present
            .iter()
            .find(|p| crate::domain::same_name(&p.user, n))
    });
    for p in watchers {
        let you = if p.session == app.setup.session {
            " (you)"
        } else {
            ""
        };
        // To the minute: a count of seconds would redraw the pane every second.
        let watching = if app.now - p.since < chrono::TimeDelta::minutes(1) {
            "watching <1m".to_string()
        } else {
            format!("watching {}", duration(app.now - p.since))
        };
        let host = format!("{}{you}", inert::line(&p.host));
        let row = if narrow {
            let lines = stacked(
                &name(&p.user),
                &[&watching, &format!("on {host}")],
                text_width,
            );
            let height = lines.len() as u16;
            Row::new(vec![Cell::from(""), Cell::from(Text::from(lines))]).height(height)
        } else {
            Row::new(vec![
                Cell::from(""),
                Cell::from(name(&p.user)),
                Cell::from(watching),
                Cell::from(host),
            ])
        };
        rows.push(row.style(theme.muted));
    }
    let headcount = match s.roster.people.len() {
        1 => "1 person".to_string(),
        n => format!("{n} people"),
    };
    // Who watches is the present: not said of a past moment, nor before it is read.
    let full = if app.as_of.is_some() || !app.outside.loaded {
        format!(" ({headcount})")
    } else {
        format!(" ({headcount} · {} watching)", app.outside.present.len())
    };
    // The longest that fits the border whole (a title cut short loses its closing
    // parenthesis, or the count of people).
    let as_of = super::as_of_title(app);
    let room = usize::from(area.width.saturating_sub(2));
    let fits = |extra: &str| {
        // The focus marker, as `pane_block` draws it.
        let marker = if app.focus == Pane::Roster && app.overlays.is_empty() {
            2
        } else {
            0
        };
        // " ▶ 2 Roster{extra}{as of} "
        unicode_width::UnicodeWidthStr::width(format!(" 2 Roster{extra}{as_of} ").as_str()) + marker
            <= room
    };
    let watching = [full, format!(" ({headcount})"), String::new()]
        .into_iter()
        .find(|extra| fits(extra))
        .unwrap_or_default();
    let columns: Vec<Constraint> = if narrow {
        vec![Constraint::Length(2), Constraint::Fill(1)]
    } else {
        vec![
            Constraint::Length(2),
            Constraint::Length(name_width as u16),
            Constraint::Length(18),
            Constraint::Fill(1),
        ]
    };
    let mut state = TableState::default();
    if focused && !names.is_empty() {
        state.select(Some(conflicts + crate::app::roster::cursor(app, names)));
    }
    let table = Table::new(rows, columns)
        .row_highlight_style(theme.selection)
        .highlight_symbol("> ")
        .column_spacing(1)
        .block(pane_block(
            app,
            Pane::Roster,
            theme,
            &format!("{watching}{as_of}"),
        ));
    frame.render_stateful_widget(table, area, &mut state);
}

/// A name (padded to its column) and the parts after it, on as few rows as hold each
/// part whole within `width`: the parts join the name's row, then each other's with
/// ` · `, and one that does not fit starts a row of its own, indented.
fn stacked(name: &str, parts: &[&str], width: usize) -> Vec<Line<'static>> {
    let mut rows: Vec<String> = vec![name.trim_end().to_string()];
    // Whether the last row holds only the name.
    let mut bare = true;
    for part in parts.iter().filter(|p| !p.is_empty()) {
        let joined = match rows.last() {
            Some(_) if bare => format!("{name} {part}"),
            Some(last) => format!("{last} · {part}"),
            None => (*part).to_string(),
        };
        match rows.last_mut() {
            Some(last) if joined.width() <= width => *last = joined,
            _ => rows.push(format!("  {part}")),
        }
        bare = false;
    }
    rows.into_iter().map(Line::from).collect()
}
