//! An activity log in the spirit of the ICS 214 form: for each person, the positions
//! they held and what they did, when, within an operational period.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::LocalTimes;
use super::markdown::md_heading;
use crate::domain::{Entry, IncidentState, Role, Timestamp};

/// Which people to include: everyone, the commanders, or holders of one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleFilter {
    /// Everyone who did something.
    All,
    /// Whoever commanded.
    Commander,
    /// Whoever held this role.
    Role(Role),
}

impl std::str::FromStr for RoleFilter {
    type Err = String;
    fn from_str(s: &str) -> Result<RoleFilter, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "all" | "" => Ok(RoleFilter::All),
            "commander" | "ic" => Ok(RoleFilter::Commander),
            other => other
                .parse::<Role>()
                .map(RoleFilter::Role)
                .map_err(|e| format!("{e}, commander or all")),
        }
    }
}

/// A position someone held: a role, or command (`role` is `None`), from and until.
struct Position {
    role: Option<Role>,
    from: Timestamp,
    until: Option<Timestamp>,
}

impl Position {
    fn label(&self) -> &'static str {
        self.role.map_or("commander", |r| r.label())
    }

    /// Whether it was held at some time in [`from`, `until`].
    fn overlaps(&self, from: Timestamp, until: Timestamp) -> bool {
        self.from <= until && self.until.is_none_or(|u| u >= from)
    }
}

/// The positions each person held.
fn positions(s: &IncidentState) -> BTreeMap<&str, Vec<Position>> {
    let mut out: BTreeMap<&str, Vec<Position>> = BTreeMap::new();
    for (c, until) in s.command.tenures(s.ended_at()) {
        out.entry(c.to.as_str()).or_default().push(Position {
            role: None,
            from: c.at,
            until,
        });
    }
    let mut open: BTreeMap<(&str, Role), Timestamp> = BTreeMap::new();
    for r in &s.roster.role_history {
        let key = (r.person.as_str(), r.role);
        if r.assigned {
            open.insert(key, r.at);
        } else if let Some(from) = open.remove(&key) {
            out.entry(key.0).or_default().push(Position {
                role: Some(r.role),
                from,
                until: Some(r.at),
            });
        }
    }
    for ((person, role), from) in open {
        out.entry(person).or_default().push(Position {
            role: Some(role),
            from,
            until: None,
        });
    }
    out
}

/// Who prepares the form, and the home team of each person (from the playbook's
/// `[teams]`), for the ICS 214's fields.
#[derive(Debug, Clone, Copy)]
pub struct Form214<'a> {
    /// The name of who exports it (box 8, prepared by).
    pub prepared_by: &'a str,
    /// Each person's home team, by name as the playbook lists it.
    pub teams: &'a BTreeMap<String, String>,
}

/// Whether `author` is an automated source (an alerting bot, a monitor): everything
/// they logged is an alert.
fn automated(entries: &[&Entry]) -> bool {
    !entries.is_empty()
        && entries
            .iter()
            .all(|e| matches!(e.event.body, crate::domain::Body::Alert { .. }))
}

/// The people a position directs, by the span-of-control reading the console uses:
/// the commander directs the lead roles, and the responders with no lead role when no
/// tech lead does; a tech lead directs those responders.
fn resources(s: &IncidentState, person: &str, positions: &[&Position]) -> Vec<String> {
    let commanding = positions.iter().any(|p| p.role.is_none());
    let leading_tech = positions.iter().any(|p| p.role == Some(Role::TechLead));
    let any_tech_lead = s.roster.with_role(Role::TechLead).next().is_some();
    let lead_role = |r: &Role| !matches!(r, Role::Sme | Role::Observer);
    let mut out = Vec::new();
    for p in s.roster.people.values() {
        // Working on it: acknowledged or engaged, as the console reads span of control.
        let working = matches!(
            p.state,
            Some(
                crate::domain::ResponderState::Acknowledged
                    | crate::domain::ResponderState::Engaged
            )
        );
        if crate::domain::same_name(&p.name, person) || !working {
            continue;
        }
        let leads = p.roles.iter().any(lead_role);
        let directed = (commanding && (leads || !any_tech_lead)) || (leading_tech && !leads);
        if directed {
            let roles: Vec<&str> = p.roles.iter().map(|r| r.label()).collect();
            out.push(if roles.is_empty() {
                p.name.clone()
            } else {
                format!("{} ({})", p.name, roles.join(", "))
            });
        }
    }
    out
}

/// The activity table of one person or source: time and activity, one row an entry.
fn activities(out: &mut String, s: &IncidentState, clock: &LocalTimes, entries: &[&Entry]) {
    let _ = writeln!(out, "| Date/time | Notable activity |\n|---|---|");
    for e in entries {
        let logged = if e.event.is_backdated() {
            format!(
                " (back-dated; logged {})",
                clock.datetime(e.event.logged_at)
            )
        } else {
            String::new()
        };
        // The activity is the person's; who wrote it down for them is said.
        let recorded = e
            .event
            .recorded_by
            .as_deref()
            .map(|by| format!(" (recorded by {})", super::md(by)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} {}{recorded}{logged} |",
            clock.datetime(e.event.at),
            e.category().marker(),
            super::markdown::entry_md(s, e)
        );
    }
    if entries.is_empty() {
        let _ = writeln!(out, "| - | nothing logged in this period |");
    }
}

/// The activity log as Markdown, after the ICS 214 form: incident name and number,
/// operational period and who prepared it; then for each person their name, ICS
/// position, home team, resources assigned and activity log; automated sources
/// (alerting bots) are listed apart from people. The period is [`from`, `until`].
pub fn activity_log(
    s: &IncidentState,
    filter: RoleFilter,
    from: Option<Timestamp>,
    until: Option<Timestamp>,
    form: Form214<'_>,
) -> String {
    // Every entry is in the log by default, the back-dated ones before the opening and
    // the review's after the end included: the period runs from the earliest of the
    // start and the first entry to the latest of the end and the last entry.
    let first = s.timeline.first().map(|e| e.event.at);
    let last = s.timeline.last().map(|e| e.event.at);
    let from = from
        .or_else(|| [s.started_at(), first].into_iter().flatten().min())
        .unwrap_or_default();
    let until = until
        .or_else(|| [s.ended_at(), last].into_iter().flatten().max())
        .unwrap_or(from);
    let clock = &LocalTimes::for_incident(s);
    let held = positions(s);
    let mut logged: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for e in s
        .timeline
        .iter()
        .filter(|e| e.event.at >= from && e.event.at <= until)
    {
        logged.entry(e.event.author.as_str()).or_default().push(e);
    }
    let in_period: BTreeMap<&str, Vec<&Position>> = held
        .iter()
        .map(|(person, all)| {
            let spans = all.iter().filter(|p| p.overlaps(from, until)).collect();
            (*person, spans)
        })
        .filter(|(_, spans): &(&str, Vec<&Position>)| !spans.is_empty())
        .collect();
    let people: BTreeSet<&str> = logged.keys().chain(in_period.keys()).copied().collect();
    let wanted = |positions: &[&Position]| match filter {
        RoleFilter::All => true,
        RoleFilter::Commander => positions.iter().any(|p| p.role.is_none()),
        RoleFilter::Role(role) => positions.iter().any(|p| p.role == Some(role)),
    };
    let mut out = String::new();
    let drill = if s.drill {
        " (DRILL: an exercise, not a real incident)"
    } else {
        ""
    };
    let _ = writeln!(out, "# Activity log: {}{drill}\n", md_heading(&s.title));
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Incident name | {} |", super::md(&s.title));
    let _ = writeln!(out, "| Incident number | `{}` |", s.id);
    let _ = writeln!(out, "| Times | {} |", clock.zone());
    let _ = writeln!(
        out,
        "| Operational period | {} to {} |",
        clock.datetime(from),
        clock.datetime(until)
    );
    let filter_text = match filter {
        RoleFilter::All => "everyone".to_string(),
        RoleFilter::Commander => "commanders".to_string(),
        RoleFilter::Role(r) => format!("people in the {} role", r.label()),
    };
    let _ = writeln!(out, "| People | {filter_text} |");
    let _ = writeln!(
        out,
        "| Prepared by | {}, from the log up to {} |",
        super::md(form.prepared_by),
        clock.datetime(until)
    );
    let mut sources = Vec::new();
    for person in people {
        let positions = in_period.get(person).map(Vec::as_slice).unwrap_or_default();
        let entries = logged.get(person).map(Vec::as_slice).unwrap_or_default();
        if positions.is_empty() && automated(entries) {
            sources.push((person, entries));
            continue;
        }
        if !wanted(positions) {
            continue;
        }
        let _ = writeln!(out, "\n## {}\n", md_heading(person));
        let spans: Vec<String> = positions
            .iter()
            .map(|p| {
                let end = p.until.map(|t| clock.hm(t)).unwrap_or_else(|| "on".into());
                format!("{} {}-{end}", p.label(), clock.hm(p.from))
            })
            .collect();
        let team = form
            .teams
            .get(&crate::domain::name_key(person))
            .map(|t| super::md(t))
            .unwrap_or_else(|| "-".into());
        let assigned = resources(s, person, positions);
        let _ = writeln!(out, "| | |\n|---|---|");
        let _ = writeln!(out, "| Name | {} |", super::md(person));
        let _ = writeln!(
            out,
            "| ICS position | {} |",
            if spans.is_empty() {
                "responder".into()
            } else {
                spans.join(", ")
            }
        );
        let _ = writeln!(out, "| Home team | {team} |");
        let _ = writeln!(
            out,
            "| Resources assigned | {} |\n",
            if assigned.is_empty() {
                "-".to_string()
            } else {
                assigned
                    .iter()
                    .map(|a| super::md(a))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
        activities(&mut out, s, clock, entries);
    }
    if filter == RoleFilter::All && !sources.is_empty() {
        let _ = writeln!(
            out,
            "\n## Automated sources\n\nAlerting bots and monitors: what they sent, apart from the people."
        );
        for (source, entries) in sources {
            let _ = writeln!(out, "\n### {}\n", md_heading(source));
            activities(&mut out, s, clock, entries);
        }
    }
    out
}
