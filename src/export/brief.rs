//! The briefing: the ICS-201 blocks adapted to an outage, for whoever takes over or
//! joins: what happened and since when, the situation, objectives, actions, who is in
//! which role, who is engaged, and when each audience's next status update is due.

use std::fmt::Write;

use strum::IntoEnumIterator;

use super::LocalTimes;
use super::markdown::md;
use crate::domain::{Audience, IncidentState, ObjectiveStage, Role, TaskState, Timestamp, Verdict};
use crate::format;
use crate::playbook::Playbook;

/// The briefing as Markdown, as of `now` (text from the log escaped for Markdown).
pub fn briefing(s: &IncidentState, playbook: &Playbook, now: Timestamp) -> String {
    write_briefing(s, playbook, now, crate::zone::in_force(), &md)
}

/// The briefing with the log's text as written, for a screen that shows it as text (it
/// is still made inert there), with times in `zone` (the console's).
pub fn briefing_plain(
    s: &IncidentState,
    playbook: &Playbook,
    now: Timestamp,
    zone: crate::zone::Zone,
) -> String {
    write_briefing(s, playbook, now, zone, &|t: &str| t.to_string())
}

fn write_briefing(
    s: &IncidentState,
    playbook: &Playbook,
    now: Timestamp,
    zone: crate::zone::Zone,
    md: &dyn Fn(&str) -> String,
) -> String {
    let clock = LocalTimes::in_zone(s, zone);
    // Times in role and in a state run to the end of an incident that is over.
    let now = s.ended_at().map_or(now, |end| end.min(now));
    let mut out = String::new();
    let drill = if s.drill { " (DRILL)" } else { "" };
    let _ = writeln!(out, "# Briefing: {}{drill}\n", md(&s.title));
    let _ = writeln!(out, "Incident `{}`. {}\n", s.id, clock.heading());
    let started = s.opened.as_ref().map(|o| o.0);
    let _ = writeln!(
        out,
        "- **Initiated:** {}",
        format::or_dash(started.map(|t| clock.datetime(t)))
    );
    let _ = writeln!(
        out,
        "- **Severity and status:** {}, {}",
        s.severity_with_peak(),
        s.status
    );

    let _ = writeln!(out, "\n## Situation\n");
    let sit = &s.situation;
    let text = |t: &Option<String>| t.as_deref().map(md).unwrap_or_else(|| "not stated".into());
    let _ = writeln!(out, "- **Impact:** {}", text(&sit.impact));
    let place: Vec<String> = sit
        .services
        .iter()
        .chain(&sit.regions)
        .map(|p| md(p))
        .collect();
    if !place.is_empty() {
        let _ = writeln!(out, "- **Where:** {}", place.join(", "));
    }
    if sit.impact_start.is_some() {
        let _ = writeln!(
            out,
            "- **Customer impact:** from {} to {}",
            format::or_dash(sit.impact_start.map(|t| clock.datetime(t))),
            sit.impact_end
                .map(|t| clock.datetime(t))
                .unwrap_or_else(|| "now".into())
        );
    }
    let _ = writeln!(out, "- **Next steps:** {}", text(&sit.next_steps));
    let mut hypotheses: [Vec<String>; 3] = Default::default();
    for entry in &s.timeline {
        if !matches!(entry.event.body, crate::domain::Body::Hypothesis { .. }) {
            continue;
        }
        let current = s.current_text(entry);
        if current.struck {
            continue;
        }
        let slot = match s.verdicts.get(&entry.event.id) {
            Some((Verdict::Confirmed, _)) => 1,
            Some((Verdict::RuledOut, _)) => 2,
            _ => 0,
        };
        let why = match s.verdicts.get(&entry.event.id) {
            Some((Verdict::RuledOut, Some(why))) => format!(" ({})", md(why)),
            _ => String::new(),
        };
        hypotheses[slot].push(format!("{}{why}", md(&current.text)));
    }
    for (label, list) in ["Open hypotheses", "Confirmed", "Ruled out"]
        .iter()
        .zip(&hypotheses)
    {
        if !list.is_empty() {
            let _ = writeln!(out, "- **{label}:** {}", list.join("; "));
        }
    }

    let _ = writeln!(out, "\n## Objectives\n");
    for (label, stage) in [
        ("Current", ObjectiveStage::Current),
        ("Planned", ObjectiveStage::Planned),
    ] {
        let list: Vec<String> = s
            .objectives
            .iter()
            .filter(|o| o.stage == stage)
            .map(|o| md(&o.text))
            .collect();
        let _ = writeln!(
            out,
            "- **{label}:** {}",
            if list.is_empty() {
                "none".to_string()
            } else {
                list.join("; ")
            }
        );
    }

    let _ = writeln!(out, "\n## Actions\n");
    let live: Vec<_> = s
        .tasks
        .iter()
        .filter(|t| matches!(t.state, TaskState::Open | TaskState::InProgress))
        .collect();
    if live.is_empty() {
        let _ = writeln!(out, "- none open");
    }
    let finished = s
        .tasks
        .iter()
        .filter(|t| matches!(t.state, TaskState::Done | TaskState::Dropped));
    for t in live.into_iter().chain(finished) {
        let owner = t
            .owner
            .as_deref()
            .map(|o| format!(", {}", md(o)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- [{}] {}{owner} (since {})",
            t.state.label(),
            md(&t.text),
            clock.hm(t.since)
        );
    }

    let _ = writeln!(out, "\n## Organization\n");
    let in_role = |since: Option<Timestamp>| {
        since
            .map(|at| {
                format!(
                    " (since {}, {})",
                    clock.hm(at),
                    format::duration(s.elapsed(at, now))
                )
            })
            .unwrap_or_default()
    };
    let _ = writeln!(
        out,
        "- **Commander:** {}{}",
        format::or_dash(s.command.commander.as_deref().map(md)),
        in_role(s.command.since())
    );
    if let Some(p) = &s.command.pending {
        let _ = writeln!(
            out,
            "- **Handoff pending:** {} offered command to {} at {}; {} holds it until {} accepts",
            md(&p.from),
            md(&p.to),
            clock.hm(p.at),
            md(&p.from),
            md(&p.to)
        );
    }
    for role in Role::iter() {
        let holders: Vec<String> = s
            .roster
            .with_role(role)
            .map(|p| {
                format!(
                    "{}{}",
                    md(&p.name),
                    in_role(s.roster.role_since(&p.name, role))
                )
            })
            .collect();
        if !holders.is_empty() {
            let _ = writeln!(out, "- **{}:** {}", role.label(), holders.join(", "));
        }
    }

    let _ = writeln!(out, "\n## Resources\n");
    let people = crate::rules::order(s);
    if people.is_empty() {
        let _ = writeln!(out, "- nobody on the roster yet");
    }
    for p in people {
        let state = match p.state {
            Some(st) => format!(
                "{} for {}",
                st.label(),
                format::duration(s.elapsed(p.since, now))
            ),
            None => "on the roster".into(),
        };
        let _ = writeln!(out, "- {}: {state}", md(&p.name));
    }

    let _ = writeln!(out, "\n## Next status updates\n");
    let due: Vec<(Audience, Timestamp)> = s.updates_due(|sev, a| playbook.cadence_for(sev, a));
    let due_for = |a: Audience| due.iter().find(|(x, _)| *x == a).map(|(_, t)| *t);
    for audience in Audience::iter() {
        let when = match due_for(audience) {
            Some(due) if due <= now => format!(
                "OVERDUE by {} (was due {})",
                format::duration(s.elapsed(due, now)),
                clock.hm(due)
            ),
            Some(due) => format!(
                "due {} (in {})",
                clock.hm(due),
                format::duration(s.elapsed(now, due))
            ),
            None => "none due".into(),
        };
        let _ = writeln!(out, "- **{audience}:** {when}");
    }
    out
}
