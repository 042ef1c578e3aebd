//! `warroom incidents` and `warroom show`.

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::context::{Context, Pick, pick_incident};
use crate::domain::{IncidentState, IncidentSummary, rfc3339};
use crate::format;
use crate::inert;

/// Arguments of `warroom incidents`.
#[derive(Debug, Args)]
pub struct IncidentsArgs {
    /// Print one JSON object a line.
    #[arg(long)]
    pub json: bool,
    /// Only incidents still open (not resolved or closed).
    #[arg(long)]
    pub open: bool,
}

/// Arguments of `warroom show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(value_name = "ID", conflicts_with = "named")]
    pub incident: Option<String>,
    /// The incident, named as the other commands name it.
    #[arg(long = "incident", short = 'i', value_name = "ID", id = "named")]
    pub named: Option<String>,
    /// Show it as it was recorded by a moment: HH:MM, 'YYYY-MM-DD HH:MM', RFC 3339 or
    /// '2h ago' (the fold of the events written by then: what the room knew).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub as_of: Option<String>,
}

#[derive(Serialize)]
struct IncidentLine<'a> {
    id: String,
    title: &'a str,
    severity: Option<String>,
    status: String,
    commander: Option<&'a str>,
    handoff_to: Option<&'a str>,
    in_conflict: bool,
    opened_at: Option<String>,
    drill: bool,
}

pub fn list(ctx: &Context, args: IncidentsArgs) -> Result<()> {
    let store = ctx.open_read()?;
    let incidents: Vec<IncidentSummary> = store
        .incident_summaries()?
        .into_iter()
        .filter(|i| !args.open || i.is_open())
        .collect();
    if args.json {
        for i in &incidents {
            let line = IncidentLine {
                id: i.id.to_string(),
                title: &i.title,
                severity: i.severity.map(|s| s.key().to_string()),
                status: i.status.to_string(),
                commander: i.commander.as_deref(),
                handoff_to: i.handoff_to.as_deref(),
                in_conflict: i.in_conflict,
                opened_at: i.opened_at.map(rfc3339),
                drill: i.drill,
            };
            super::output::json_line(
                &mut std::io::stdout().lock(),
                &serde_json::to_string(&line)?,
            )?;
        }
        return Ok(());
    }
    if incidents.is_empty() {
        tell!(
            "no incidents in {}; declare one with `warroom declare --title \"...\"`",
            store.path().display()
        );
        return Ok(());
    }
    let rows = incidents.iter().map(|i| {
        let drill = if i.drill { "[DRILL] " } else { "" };
        let mut commander = format::or_dash(i.commander.as_deref().map(inert::line));
        if i.in_conflict {
            commander.push_str(" (CONFLICT)");
        }
        if let Some(to) = &i.handoff_to {
            commander.push_str(&format!(" (handing to {})", inert::line(to)));
        }
        [
            i.short_id(),
            format::or_dash(i.severity),
            i.status.to_string(),
            commander,
            format::or_dash(i.opened_at.map(format::local_datetime_zoned)),
            format!("{drill}{}", inert::line(&i.title)),
        ]
    });
    for line in format::table(
        &["ID", "SEVERITY", "STATUS", "COMMANDER", "OPENED", "TITLE"],
        rows,
        &[],
    ) {
        say!("{line}");
    }
    Ok(())
}

pub fn show(ctx: &Context, args: ShowArgs) -> Result<()> {
    let store = ctx.open_read()?;
    let named = args.incident.as_deref().or(args.named.as_deref());
    let state = pick_incident(&store, Pick::Read(named))?;
    if let Some(when) = &args.as_of {
        let (state, at) = super::brief::as_of(&state, when, store.now())?;
        say_part!("{}", describe_state(&state, at));
        return Ok(());
    }
    say_part!("{}", describe_state(&state, store.now()));
    // What the room should notice about who leads it (the console shows the same).
    let playbook = ctx.playbook()?;
    let watching: Option<Vec<String>> = store
        .present()
        .ok()
        .map(|present| present.into_iter().map(|p| p.user).collect());
    let summaries = store.incident_summaries().unwrap_or_default();
    let commanders: Vec<(ulid::Ulid, &str)> = summaries
        .iter()
        .filter(|i| i.is_open())
        .filter_map(|i| Some((i.id, i.commander.as_deref()?)))
        .collect();
    let room = crate::rules::Room {
        state: &state,
        playbook: &playbook,
        now: store.now(),
        watching: watching.as_deref(),
        commanders: &commanders,
    };
    for warning in crate::rules::warnings(room) {
        say!(
            "{:<12}{}",
            "WARNING",
            inert::line(&warning.say(&super::ask::Shell))
        );
    }
    // Each audience's next update, the overdue ones first and in capitals.
    let now = store.now();
    let zone = crate::zone::in_force();
    let mut due = state.updates_due(|sev, a| playbook.cadence_for(sev, a));
    due.sort_by_key(|(_, at)| *at);
    for (audience, at) in due {
        let when = format!("{} {}", zone.stamp(at, now), zone.offset_label(at));
        if at <= now {
            say!(
                "{:<12}{audience} update OVERDUE {} (due {when})",
                "UPDATE",
                format::duration(state.elapsed(at, now))
            );
        } else {
            say!(
                "{:<12}{audience} update due {when} (in {})",
                "update",
                format::duration(state.elapsed(now, at))
            );
        }
    }
    Ok(())
}

/// The state of one incident as a short plain-text report, made inert.
fn describe_state(s: &IncidentState, now: crate::domain::Timestamp) -> String {
    let mut out = String::new();
    let mut line = |label: &str, value: String| out.push_str(&format!("{label:<12}{value}\n"));
    let zone = crate::zone::in_force();
    let drill = if s.drill { " [DRILL]" } else { "" };
    line(
        "incident",
        format!("{}{drill} ({})", inert::line(&s.title), s.id),
    );
    line("times", zone.name(now));
    line(
        "severity",
        match s.severity_history.last() {
            Some(c) => format!(
                "{} (set by {} at {}{})",
                c.to,
                inert::line(&c.by),
                zone.stamp(c.at, now),
                c.reason
                    .as_deref()
                    .map(|r| format!(": {}", inert::line(r)))
                    .unwrap_or_default()
            ),
            None => "not set: still in triage".into(),
        },
    );
    let since = s
        .status_history
        .last()
        .map(|c| c.at)
        .or(s.opened.as_ref().map(|o| o.0));
    line(
        "status",
        match since {
            Some(at) => format!(
                "{} since {} ({} ago)",
                s.status,
                zone.stamp(at, now),
                format::duration(now - at)
            ),
            None => s.status.to_string(),
        },
    );
    line(
        "commander",
        s.command
            .commander
            .as_deref()
            .map(|c| inert::line(c).into_owned())
            .unwrap_or_else(|| "nobody: claim command".into()),
    );
    for c in s.command.open_conflicts() {
        line(
            "CONFLICT",
            format!(
                "{} claimed command at {} while {} held it; the commander must confirm",
                inert::line(&c.claimant),
                zone.stamp(c.at, now),
                c.holder
                    .as_deref()
                    .map(inert::line)
                    .unwrap_or("nobody".into())
            ),
        );
    }
    if let Some(p) = &s.command.pending {
        line(
            "HANDOFF",
            format!(
                "{} offered command to {} at {}; pending until {} accepts (`warroom accept`)",
                inert::line(&p.from),
                inert::line(&p.to),
                zone.stamp(p.at, now),
                inert::line(&p.to)
            ),
        );
    }
    if !s.situation.is_empty() {
        for row in super::situation::lines(s) {
            out.push_str(&row);
            out.push('\n');
        }
    }
    for (label, rows) in [
        ("objectives", super::work::objective_lines(s)),
        ("tasks", super::work::task_lines(s)),
    ] {
        for (n, row) in rows.iter().enumerate() {
            let label = if n == 0 { label } else { "" };
            out.push_str(&format!("{label:<12}{row}\n"));
        }
    }
    let mut line = |label: &str, value: String| out.push_str(&format!("{label:<12}{value}\n"));
    if let Some(start) = s.started_at() {
        line(
            "started",
            format!(
                "{} ({} ago)",
                format::local_datetime(start),
                format::duration(now - start)
            ),
        );
    }
    let timing = format::maybe_duration;
    line(
        "timings",
        format!(
            "acknowledged after {}, declared after {}, resolved after {}",
            timing(s.time_to_acknowledge()),
            timing(s.time_to_declare()),
            timing(s.time_to_resolve())
        ),
    );
    for p in s.roster.people.values() {
        let roles: Vec<&str> = p.roles.iter().map(|r| r.label()).collect();
        let mut what = Vec::new();
        if s.command.commander.as_deref() == Some(p.name.as_str()) {
            what.push("commander".to_string());
        }
        what.extend(roles.iter().map(ToString::to_string));
        let state = p
            .state
            .map(|st| format!("{st} for {}", format::duration(now - p.since)))
            .unwrap_or_default();
        // A name of any length keeps a space before its roles.
        let name = inert::line(&p.name);
        let pad = 14usize.saturating_sub(name.chars().count()).max(1);
        line(
            "responder",
            format!("{name}{}{:<28}{state}", " ".repeat(pad), what.join(", ")),
        );
    }
    for item in &s.action_items {
        line("action item", super::output::action_item(item));
    }
    if let Some(r) = &s.resolution {
        // Reopened since: the resolution is history, not the incident's state.
        let (label, since) = if s.status.is_open() {
            ("resolved before", "; reopened since")
        } else {
            ("resolution", "")
        };
        line(
            label,
            format!(
                "{} ({}): {}{since}",
                inert::line(&r.code),
                format::local_datetime(r.at),
                inert::line(&r.summary)
            ),
        );
    }
    line("entries", s.timeline.len().to_string());
    out
}
