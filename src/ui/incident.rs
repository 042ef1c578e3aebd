//! The incident pane: title, severity in words, status, who commands, the clocks.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, pane_block};
use crate::app::{Action, App, Mode, Pane};
use crate::domain::{IncidentState, Role};
use crate::format::duration;
use crate::inert;

/// Draws the incident pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let Some(state) = app.incident() else { return };
    let block = pane_block(app, Pane::Incident, theme, "");
    frame.render_widget(
        Paragraph::new(lines(
            app,
            state,
            theme,
            area.width.saturating_sub(2),
            area.height.saturating_sub(2),
        ))
        .block(block)
        .wrap(Wrap { trim: true }),
        area,
    );
}

/// The pane's inner rows from which each audience's next update gets a line of its own.
const ROWS_FOR_EACH_AUDIENCE: u16 = 9;

fn lines<'a>(app: &App, s: &IncidentState, theme: &Theme, width: u16, rows: u16) -> Vec<Line<'a>> {
    let muted = theme.muted;
    let mut out = Vec::new();
    let drill = if s.drill { "[DRILL] " } else { "" };
    // The title takes one row in a short pane and at most two in a tall one, so what
    // a person acts on below it stays in view.
    let title_rows = if rows < 10 { 1 } else { 2 };
    let title_room = (usize::from(width) * title_rows).saturating_sub(12 * (title_rows - 1));
    out.push(Line::styled(
        crate::format::shorten(
            &format!("{drill}{}", inert::line(&s.title)),
            title_room.max(8),
        ),
        theme.title,
    ));
    // A conflict over command comes first: it must not scroll out of a short pane.
    for conflict in s.command.open_conflicts() {
        out.push(Line::styled(
            format!(
                " CONFLICT: {} claimed command; {} must :confirm ",
                inert::line(&conflict.claimant),
                commander_name(s)
            ),
            theme.conflict,
        ));
    }

    // A handoff waiting for the incoming commander, in every console.
    if let Some(pending) = &s.command.pending {
        let (from, to) = (inert::line(&pending.from), inert::line(&pending.to));
        let since = duration(s.elapsed(pending.at, app.now));
        let said = if crate::domain::same_name(&pending.to, &app.setup.me) {
            format!(" HANDOFF: {from} offers you command ({since}): :accept reads the briefing ")
        } else {
            format!(" HANDOFF pending: {from} → {to} ({since}), until {to} accepts ")
        };
        out.push(Line::styled(said, theme.notice));
    }

    let severity = match s.severity {
        Some(sev) => Span::styled(format!(" {sev} "), theme.severity(sev)),
        None => Span::styled(" NO SEVERITY YET ", theme.notice),
    };
    out.push(Line::from(vec![
        severity,
        Span::raw("  "),
        Span::styled(s.status.as_str().to_uppercase(), theme.status),
        Span::styled(format!("  {}", s.short_id()), muted),
    ]));

    let commander = s
        .command
        .commander
        .as_deref()
        .map(|c| inert::line(c).into_owned())
        .unwrap_or_else(|| "nobody (:claim)".into());
    let deputies: Vec<String> = s
        .roster
        .with_role(Role::Deputy)
        .map(|p| inert::line(&p.name).into_owned())
        .collect();
    let deputies = if deputies.is_empty() {
        "-".to_string()
    } else {
        deputies.join(", ")
    };
    out.push(Line::from(vec![
        Span::styled("IC ", muted),
        Span::styled(commander, theme.command),
        Span::styled("   deputies ", muted),
        Span::raw(deputies),
    ]));

    // Command offered to me on another incident: whichever one is on screen.
    for (id, open) in app.open_command.iter().filter(|(id, _)| **id != s.id) {
        if let Some((from, _)) = open
            .offer
            .as_ref()
            .filter(|(_, to)| crate::domain::same_name(to, &app.setup.me))
        {
            out.push(Line::styled(
                format!(
                    " HANDOFF: {} offers you command of {} ({} switches to it) ",
                    inert::line(from),
                    crate::domain::short_id(*id),
                    app.key(Mode::Normal, Action::OpenSwitcher)
                ),
                theme.notice,
            ));
        }
    }

    // Who leads the room: rotation, span of control, two incidents, unreachable.
    let watching: Vec<String> = app.outside.present.iter().map(|p| p.user.clone()).collect();
    let commanders: Vec<(ulid::Ulid, &str)> = app
        .open_command
        .iter()
        .filter_map(|(id, open)| Some((*id, open.commander.as_deref()?)))
        .collect();
    let room = crate::rules::Room {
        state: s,
        playbook: &app.setup.playbook,
        now: app.now,
        watching: app.outside.loaded.then_some(watching.as_slice()),
        commanders: &commanders,
    };
    for warning in crate::rules::warnings(room) {
        out.push(Line::styled(
            format!(
                " {} ",
                inert::line(&warning.say(&crate::app::Console(&app.setup.keys)))
            ),
            theme.notice,
        ));
    }

    // The situation at a glance: the impact (and where) on one line, shortened.
    let one_line = |text: String| crate::format::shorten(&text, usize::from(width).max(8));
    let situation = &s.situation;
    if let Some(impact) = &situation.impact {
        let mut said = format!("impact {}", inert::line(impact));
        let place: Vec<&str> = situation
            .services
            .iter()
            .chain(&situation.regions)
            .map(String::as_str)
            .collect();
        if !place.is_empty() {
            said.push_str(&format!(" ({})", inert::line(&place.join(", "))));
        }
        out.push(Line::styled(one_line(said), theme.text));
    }

    let now = app.now;
    let zone = app.setup.zone;
    let due = s.updates_due(|sev, a| app.setup.playbook.cadence_for(sev, a));
    // One audience's next update: when it is due, with its zone, and how long until
    // then (or how overdue it is).
    let one = |audience: crate::domain::Audience, at: crate::domain::Timestamp| {
        if at <= now {
            Span::styled(
                format!(
                    "{audience} update OVERDUE {} ({})",
                    duration(s.elapsed(at, now)),
                    zone.hm_zoned(at)
                ),
                theme.overdue,
            )
        } else {
            Span::raw(format!(
                "{audience} {} (in {})",
                zone.hm_zoned(at),
                duration(s.elapsed(now, at))
            ))
        }
    };
    // Every audience's next update: one line each when the pane has the rows, else one
    // line for all when it fits, else the soonest.
    let mut all = vec![Span::styled("updates due ", muted)];
    for (n, (audience, at)) in due.iter().enumerate() {
        if n > 0 {
            all.push(Span::styled(" · ", muted));
        }
        all.push(one(*audience, *at));
    }
    let fits = {
        use unicode_width::UnicodeWidthStr;
        all.iter().map(|s| s.content.width()).sum::<usize>() <= usize::from(width)
    };
    if due.is_empty() {
        if s.is_open() && s.declared_at.is_some() {
            out.push(Line::styled("no update cadence at this severity", muted));
        }
    } else if rows >= ROWS_FOR_EACH_AUDIENCE {
        for (audience, at) in &due {
            let lead = if *at <= now { "" } else { "next update to " };
            out.push(Line::from(vec![
                Span::styled(lead, muted),
                one(*audience, *at),
            ]));
        }
    } else if fits {
        out.push(Line::from(all));
    } else if let Some((audience, at)) = due.iter().min_by_key(|(_, at)| *at) {
        // The word OVERDUE says what it is; "next update" would not fit beside it.
        let lead = if *at <= now { "" } else { "next update " };
        out.push(Line::from(vec![
            Span::styled(lead, muted),
            one(*audience, *at),
        ]));
    }

    // The work: the first current objective, and how the tasks stand.
    if let Some(objective) = s
        .objectives
        .iter()
        .find(|o| o.stage == crate::domain::ObjectiveStage::Current)
    {
        out.push(Line::styled(
            one_line(format!("objective: {}", inert::line(&objective.text))),
            theme.text,
        ));
    }
    let count = |state| s.tasks.iter().filter(|t| t.state == state).count();
    let (open, doing) = (
        count(crate::domain::TaskState::Open),
        count(crate::domain::TaskState::InProgress),
    );
    if open + doing > 0 {
        out.push(Line::styled(
            format!(
                "tasks: {open} open, {doing} in progress ({} lists them)",
                app.key(Mode::Normal, Action::OpenWork)
            ),
            muted,
        ));
    }
    let mut clocks = Vec::new();
    if let Some(start) = s.started_at() {
        clocks.push(format!("detected {} ago", duration(s.elapsed(start, now))));
    }
    match s.declared_at {
        Some(at) => clocks.push(format!("declared {} ago", duration(s.elapsed(at, now)))),
        None => clocks.push("not declared".into()),
    }
    if let Some(at) = s.resolved_at {
        clocks.push(format!("resolved {} ago", duration(s.elapsed(at, now))));
    }
    out.push(Line::styled(clocks.join(" · "), muted));

    if let Some(next) = &situation.next_steps {
        out.push(Line::styled(
            one_line(format!("next: {}", inert::line(next))),
            theme.text,
        ));
    }
    out
}

fn commander_name(s: &IncidentState) -> String {
    s.command
        .commander
        .as_deref()
        .map(|c| inert::line(c).into_owned())
        .unwrap_or_else(|| "the commander".into())
}
