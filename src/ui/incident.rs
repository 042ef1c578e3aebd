//! The incident pane: title, severity in words, status, who commands, the clocks.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, pane_block};
use crate::app::{Action, App, Mode, Pane};
use crate::domain::{IncidentState, Role};
use crate::format::duration;
use crate::inert;

/// Draws the incident pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let Some(state) = app.pane_state() else {
        return;
    };
    let block = pane_block(app, Pane::Incident, theme, &super::as_of_title(app));
    frame.render_widget(
        Paragraph::new(lines(
            app,
            state,
            theme,
            area.width.saturating_sub(2),
            area.height.saturating_sub(2),
        ))
        .block(block),
        area,
    );
}

/// The pane's inner rows from which each audience's next update gets a line of its own.
const ROWS_FOR_EACH_AUDIENCE: u16 = 9;

fn lines<'a>(app: &App, s: &IncidentState, theme: &Theme, width: u16, rows: u16) -> Vec<Line<'a>> {
    let muted = theme.muted;
    // Each line with its rank: 0 must never be cut (the title, a conflict, an offer
    // to you, an overdue update), then who commands, warnings, the rest, the clocks.
    let mut out: Vec<(u8, Line<'static>)> = Vec::new();
    macro_rules! put {
        ($rank:expr, $line:expr) => {
            out.push(($rank, $line))
        };
    }
    let drill = if s.drill { "[DRILL] " } else { "" };
    // The title takes one row in a short pane and at most two in a tall one, so what
    // a person acts on below it stays in view.
    let title_rows = if rows < 10 { 1 } else { 2 };
    let title_room = (usize::from(width) * title_rows).saturating_sub(12 * (title_rows - 1));
    put!(
        0,
        Line::styled(
            crate::format::shorten(
                &format!("{drill}{}", inert::line(&s.title)),
                title_room.max(8),
            ),
            theme.title,
        )
    );
    // A conflict over command comes first: it must not scroll out of a short pane.
    for conflict in s.command.open_conflicts() {
        put!(
            0,
            Line::styled(
                format!(
                    " CONFLICT: {} claimed command; {} must :confirm ",
                    inert::line(&conflict.claimant),
                    commander_name(s)
                ),
                theme.conflict,
            )
        );
    }

    // A handoff waiting for the incoming commander, in every console.
    if let Some(pending) = &s.command.pending {
        let (from, to) = (inert::line(&pending.from), inert::line(&pending.to));
        let since = duration(s.elapsed(pending.at, app.pane_now()));
        let to_me = crate::domain::same_name(&pending.to, &app.setup.me);
        let said = if to_me {
            format!(" HANDOFF: {from} offers you command ({since}): :accept reads the briefing ")
        } else {
            format!(" HANDOFF pending: {from} → {to} ({since}), until {to} accepts ")
        };
        put!(if to_me { 0 } else { 1 }, Line::styled(said, theme.notice));
    }

    let severity = match s.severity {
        Some(sev) => Span::styled(format!(" {sev} "), theme.severity(sev)),
        None => Span::styled(" NO SEVERITY YET ", theme.notice),
    };
    put!(
        1,
        Line::from(vec![
            severity,
            Span::raw("  "),
            Span::styled(s.status.as_str().to_uppercase(), theme.status),
            Span::styled(format!("  {}", s.short_id()), muted),
        ])
    );

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
    put!(
        1,
        Line::from(vec![
            Span::styled("IC ", muted),
            Span::styled(commander, theme.command),
            Span::styled("   deputies ", muted),
            Span::raw(deputies),
        ])
    );

    // Command offered to me on another incident: whichever one is on screen.
    for (id, open) in app.open_command.iter().filter(|(id, _)| **id != s.id) {
        if let Some((from, _)) = open
            .offer
            .as_ref()
            .filter(|(_, to)| crate::domain::same_name(to, &app.setup.me))
        {
            put!(
                0,
                Line::styled(
                    format!(
                        " HANDOFF: {} offers you command of {} ({} switches to it) ",
                        inert::line(from),
                        crate::domain::short_id(*id),
                        app.key(Mode::Normal, Action::OpenSwitcher)
                    ),
                    theme.notice,
                )
            );
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
        now: app.pane_now(),
        // Who watches and who commands elsewhere is the present: not said of the past.
        watching: (app.outside.loaded && app.as_of.is_none()).then_some(watching.as_slice()),
        commanders: if app.as_of.is_none() {
            &commanders
        } else {
            &[]
        },
    };
    for warning in crate::rules::warnings(room) {
        put!(
            2,
            Line::styled(
                format!(
                    " {} ",
                    inert::line(&warning.say(&crate::app::Console(&app.setup.keys)))
                ),
                theme.notice,
            )
        );
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
        put!(3, Line::styled(one_line(said), theme.text));
    }

    let now = app.pane_now();
    let zone = app.setup.zone;
    let due = s.updates_due(|sev, a| app.setup.playbook.cadence_for(sev, a));
    // One audience's next update: when it is due, with its zone, and how long until
    // then (or how overdue it is).
    let one = |audience: crate::domain::Audience, at: crate::domain::Timestamp| {
        if at <= now {
            Span::styled(
                format!(
                    "{audience} update OVERDUE {} ({} {})",
                    duration(s.elapsed(at, now)),
                    zone.stamp(at, now),
                    zone.offset_label(at)
                ),
                theme.overdue,
            )
        } else {
            Span::raw(format!(
                "{audience} {} {} (in {})",
                zone.stamp(at, now),
                zone.offset_label(at),
                duration(s.elapsed(now, at))
            ))
        }
    };
    // Every audience's next update: one line each when the pane has the rows; else
    // every overdue one on one line (never cut), and the soonest still to come.
    let overdue: Vec<&(crate::domain::Audience, crate::domain::Timestamp)> =
        due.iter().filter(|(_, at)| *at <= now).collect();
    if due.is_empty() {
        if s.is_open() && s.declared_at.is_some() {
            put!(4, Line::styled("no update cadence at this severity", muted));
        }
    } else if rows >= ROWS_FOR_EACH_AUDIENCE {
        for (audience, at) in &due {
            let overdue = *at <= now;
            let lead = if overdue { "" } else { "next update to " };
            put!(
                if overdue { 0 } else { 3 },
                Line::from(vec![Span::styled(lead, muted), one(*audience, *at)])
            );
        }
    } else {
        match overdue.as_slice() {
            [] => {}
            [(audience, at)] => put!(0, Line::from(one(*audience, *at))),
            several => {
                // Short: how late each is, and since when the first.
                let said: Vec<String> = several
                    .iter()
                    .map(|(audience, at)| format!("{audience} {}", duration(s.elapsed(*at, now))))
                    .collect();
                let first = several.iter().map(|(_, at)| *at).min().unwrap_or(now);
                put!(
                    0,
                    Line::styled(
                        format!(
                            "OVERDUE updates since {} {}: {}",
                            zone.stamp(first, now),
                            zone.offset_label(first),
                            said.join(", ")
                        ),
                        theme.overdue
                    )
                );
            }
        }
        // The next one still to come; behind the work when one is already overdue.
        if let Some((audience, at)) = due
            .iter()
            .filter(|(_, at)| *at > now)
            .min_by_key(|(_, at)| *at)
        {
            put!(
                if overdue.is_empty() { 3 } else { 4 },
                Line::from(vec![
                    Span::styled("next update ", muted),
                    one(*audience, *at)
                ])
            );
        }
    }

    // The work: the first current objective, and how the tasks stand.
    if let Some(objective) = s
        .objectives
        .iter()
        .find(|o| o.stage == crate::domain::ObjectiveStage::Current)
    {
        put!(
            3,
            Line::styled(
                one_line(format!("objective: {}", inert::line(&objective.text))),
                theme.text,
            )
        );
    }
    let count = |state| s.tasks.iter().filter(|t| t.state == state).count();
    let (open, doing) = (
        count(crate::domain::TaskState::Open),
        count(crate::domain::TaskState::InProgress),
    );
    if open + doing > 0 {
        put!(
            3,
            Line::styled(
                format!(
                    "tasks: {open} open, {doing} in progress ({} lists them)",
                    app.key(Mode::Normal, Action::OpenWork)
                ),
                muted,
            )
        );
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
    put!(4, Line::styled(clocks.join(" · "), muted));

    if let Some(next) = &situation.next_steps {
        put!(
            3,
            Line::styled(one_line(format!("next: {}", inert::line(next))), theme.text,)
        );
    }
    fit(out, usize::from(width), usize::from(rows), app, theme)
}

/// The lines wrapped to `width`, and as many as `rows` hold: when they do not all
/// fit, the lowest-ranked go first (the last of a rank before the earlier ones) and a
/// last row says where the rest is read.
fn fit(
    ranked: Vec<(u8, Line<'static>)>,
    width: usize,
    rows: usize,
    app: &App,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut wrapped: Vec<(u8, Vec<Line<'static>>)> = ranked
        .into_iter()
        .map(|(rank, line)| {
            let segments: Vec<super::wrap::Segment> = line
                .spans
                .iter()
                .map(|s| (s.content.to_string(), line.style.patch(s.style)))
                .collect();
            (rank, super::wrap::wrap(&segments, width.max(1), 0))
        })
        .collect();
    let height = |w: &[(u8, Vec<Line<'static>>)]| w.iter().map(|(_, l)| l.len()).sum::<usize>();
    // The lowest-ranked go first; the marker row is kept for when a warning or who
    // commands had to go (the clocks and the work are read in the briefing anyway).
    let mut dropped = u8::MAX;
    let mut room = rows;
    while height(&wrapped) > room {
        let Some(worst) = wrapped
            .iter()
            .map(|(rank, _)| *rank)
            .max()
            .filter(|r| *r > 0)
        else {
            break;
        };
        let Some(at) = wrapped.iter().rposition(|(rank, _)| *rank == worst) else {
            break;
        };
        wrapped.remove(at);
        dropped = dropped.min(worst);
        // The marker row only where what must stay still fits beside it.
        let must: usize = wrapped
            .iter()
            .filter(|(rank, _)| *rank == 0)
            .map(|(_, l)| l.len())
            .sum();
        if dropped <= 2 && must < rows {
            room = rows.saturating_sub(1);
        }
    }
    if dropped <= 2 && room < rows {
        let mut lines: Vec<Line<'static>> = wrapped.into_iter().flat_map(|(_, l)| l).collect();
        lines.truncate(rows.saturating_sub(1));
        lines.push(Line::styled(
            crate::format::shorten(
                &format!(
                    "… more in the briefing ({})",
                    app.key(Mode::Normal, Action::OpenBriefing)
                ),
                width.max(8),
            ),
            theme.muted,
        ));
        return lines;
    }
    let mut lines: Vec<Line<'static>> = wrapped.into_iter().flat_map(|(_, l)| l).collect();
    lines.truncate(rows);
    lines
}

fn commander_name(s: &IncidentState) -> String {
    s.command
        .commander
        .as_deref()
        .map(|c| inert::line(c).into_owned())
        .unwrap_or_else(|| "the commander".into())
}
