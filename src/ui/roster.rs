//! The roster pane: the commander first, then everyone by how engaged they are.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::{Theme, pane_block};
use crate::app::{App, Pane};
use crate::domain::ResponderState;
use crate::format::duration;
use crate::inert;

/// Draws the roster pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let Some(s) = app.incident() else { return };
    let people = crate::app::roster::order(s);
    let focused = app.focus == Pane::Roster && app.overlays.is_empty() && !app.entry.open;
    let conflicts = s.command.open_conflicts().count();
    let mut rows = Vec::new();
    for conflict in s.command.open_conflicts() {
        rows.push(
            Row::new(vec![
                Cell::from("!!"),
                Cell::from(inert::line(&conflict.claimant).into_owned()),
                Cell::from("CONFLICT"),
                Cell::from("claimed command"),
            ])
            .style(theme.conflict),
        );
    }
    for p in &people {
        let is_commander = s.command.commander.as_deref() == Some(p.name.as_str());
        // Every role with its time in role (the commander's time in command first).
        let held = |since: Option<crate::domain::Timestamp>| {
            since
                .map(|at| format!(" {}", duration(s.elapsed(at, app.now))))
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
            Some(st) => format!("{} {}", st.label(), duration(s.elapsed(p.since, app.now))),
            None => "-".into(),
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
        rows.push(
            Row::new(vec![
                Cell::from(if is_commander { "IC" } else { "" }).style(theme.command),
                Cell::from(inert::line(&p.name).into_owned()),
                Cell::from(state),
                Cell::from(Line::from(roles.join(", "))),
            ])
            .style(style),
        );
    }
    for p in &app.outside.present {
        let you = if p.session == app.setup.session {
            " (you)"
        } else {
            ""
        };
        rows.push(
            Row::new(vec![
                Cell::from(""),
                Cell::from(inert::line(&p.user).into_owned()),
                Cell::from(format!("watching {}", duration(app.now - p.since))),
                Cell::from(format!("{}{you}", inert::line(&p.host))),
            ])
            .style(theme.muted),
        );
    }
    let headcount = match s.roster.people.len() {
        1 => "1 person".to_string(),
        n => format!("{n} people"),
    };
    let watching = format!(" ({headcount} · {} watching)", app.outside.present.len());
    let columns = [
        Constraint::Length(2),
        Constraint::Length(9),
        Constraint::Length(16),
        Constraint::Fill(1),
    ];
    let mut state = TableState::default();
    if focused && !people.is_empty() {
        state.select(Some(conflicts + crate::app::roster::cursor(app, &people)));
    }
    let table = Table::new(rows, columns)
        .row_highlight_style(theme.selection)
        .highlight_symbol("> ")
        .column_spacing(1)
        .block(pane_block(app, Pane::Roster, theme, &watching));
    frame.render_stateful_widget(table, area, &mut state);
}
