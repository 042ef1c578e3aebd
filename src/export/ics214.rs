//! An activity log in the spirit of the ICS 214 form: for each person, the positions
//! they held and what they did, when, within an operational period.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::markdown::md;
use crate::domain::{IncidentState, Role, Timestamp};
use crate::format;

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

/// The positions each person held, as (label, from, until) spans.
fn positions(s: &IncidentState) -> BTreeMap<String, Vec<(String, Timestamp, Option<Timestamp>)>> {
    let mut out: BTreeMap<String, Vec<(String, Timestamp, Option<Timestamp>)>> = BTreeMap::new();
    for (c, until) in s.command.tenures(s.ended_at()) {
        out.entry(c.to.clone())
            .or_default()
            .push(("commander".into(), c.at, until));
    }
    let mut open: BTreeMap<(String, Role), Timestamp> = BTreeMap::new();
    for r in &s.roster.role_history {
        let key = (r.person.clone(), r.role);
        if r.assigned {
            open.insert(key, r.at);
        } else if let Some(from) = open.remove(&key) {
            out.entry(r.person.clone()).or_default().push((
                r.role.label().into(),
                from,
                Some(r.at),
            ));
        }
    }
    for ((person, role), from) in open {
        out.entry(person)
            .or_default()
            .push((role.label().into(), from, None));
    }
    out
}

/// The activity log as Markdown, for the period [`from`, `until`].
pub fn activity_log(
    s: &IncidentState,
    filter: RoleFilter,
    from: Option<Timestamp>,
    until: Option<Timestamp>,
) -> String {
    let from = from.or(s.started_at()).unwrap_or_default();
    let until = until
        .or(s.ended_at())
        .or(s.timeline.last().map(|e| e.event.at))
        .unwrap_or(from);
    let held = positions(s);
    let overlaps = |(_, a, b): &(String, Timestamp, Option<Timestamp>)| {
        *a <= until && b.is_none_or(|b| b >= from)
    };
    let mut people: BTreeMap<String, ()> = BTreeMap::new();
    for e in s
        .timeline
        .iter()
        .filter(|e| e.event.at >= from && e.event.at <= until)
    {
        people.insert(e.event.author.clone(), ());
    }
    for (person, spans) in &held {
        if spans.iter().any(overlaps) {
            people.insert(person.clone(), ());
        }
    }
    let wanted = |person: &str| match filter {
        RoleFilter::All => true,
        RoleFilter::Commander => held
            .get(person)
            .is_some_and(|v| v.iter().any(|p| p.0 == "commander" && overlaps(p))),
        RoleFilter::Role(role) => held
            .get(person)
            .is_some_and(|v| v.iter().any(|p| p.0 == role.label() && overlaps(p))),
    };
    let mut out = String::new();
    let _ = writeln!(out, "# Activity log: {}\n", md(&s.title));
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Incident | `{}` |", s.id);
    let _ = writeln!(
        out,
        "| Operational period | {} to {} |",
        format::local_datetime(from),
        format::local_datetime(until)
    );
    let filter_text = match filter {
        RoleFilter::All => "everyone".to_string(),
        RoleFilter::Commander => "commanders".to_string(),
        RoleFilter::Role(r) => format!("{}s", r.label()),
    };
    let _ = writeln!(out, "| People | {filter_text} |");
    for person in people.keys().filter(|p| wanted(p)) {
        let _ = writeln!(out, "\n## {}\n", md(person));
        let spans: Vec<String> = held
            .get(person)
            .into_iter()
            .flatten()
            .filter(|p| overlaps(p))
            .map(|(label, a, b)| {
                let end = b.map(format::local_hm).unwrap_or_else(|| "on".into());
                format!("{label} {}-{end}", format::local_hm(*a))
            })
            .collect();
        let _ = writeln!(
            out,
            "Positions: {}\n",
            if spans.is_empty() {
                "responder".into()
            } else {
                spans.join(", ")
            }
        );
        let _ = writeln!(out, "| Time | Activity |\n|---|---|");
        let mut any = false;
        for e in s
            .timeline
            .iter()
            .filter(|e| e.event.author == *person && e.event.at >= from && e.event.at <= until)
        {
            let text = super::markdown::entry_md(s, e);
            let _ = writeln!(
                out,
                "| {} | {} {text} |",
                format::local_datetime(e.event.at),
                e.category().marker()
            );
            any = true;
        }
        if !any {
            let _ = writeln!(out, "| - | nothing logged in this period |");
        }
    }
    out
}
