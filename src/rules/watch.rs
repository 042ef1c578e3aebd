//! What the room should notice about who leads it: a commander long in role (and who
//! is next in the rotation), anyone long in a role with a limit, a lead directing more
//! people than the span of control, one person commanding two open incidents, and a
//! commander who may be unreachable. None of these refuses anything; every front end
//! shows them.

use chrono::TimeDelta;

use crate::domain::{IncidentState, ResponderState, Role, Timestamp, same_name, short_id};
use crate::playbook::Playbook;

use super::Wording;

/// One thing to notice. Names are as the log writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The commander has held command past the playbook's limit.
    Rotate {
        /// The commander.
        commander: String,
        /// How long they have held it.
        held: TimeDelta,
        /// The playbook's limit.
        limit: TimeDelta,
        /// Who is next in the playbook's rotation, if it lists anyone else.
        next: Option<String>,
    },
    /// Someone has held another role past the playbook's limit for it.
    LongInRole {
        /// Who.
        person: String,
        /// The role.
        role: Role,
        /// How long they have held it.
        held: TimeDelta,
    },
    /// A lead directs more people than the span of control.
    Span {
        /// The lead.
        lead: String,
        /// How many people report to them.
        count: usize,
        /// The playbook's span of control.
        limit: usize,
    },
    /// The commander also commands other open incidents.
    CommandsTwo {
        /// The commander.
        commander: String,
        /// The other incidents' short ids.
        others: Vec<String>,
    },
    /// The commander has no console open and has logged nothing for a while.
    Unreachable {
        /// The commander.
        commander: String,
        /// How long since they last logged anything.
        quiet: TimeDelta,
    },
}

/// What the warnings are worked out from.
#[derive(Debug, Clone, Copy)]
pub struct Room<'a> {
    /// The incident shown.
    pub state: &'a IncidentState,
    /// The team's playbook.
    pub playbook: &'a Playbook,
    /// Now.
    pub now: Timestamp,
    /// Who has a console open on the database; `None` where nobody knows (the shell).
    pub watching: Option<&'a [String]>,
    /// Every open incident with its commander, to find the commander's other ones.
    pub commanders: &'a [(ulid::Ulid, &'a str)],
}

/// The warnings for an open incident, most pressing first; none once it has ended.
pub fn warnings(room: Room<'_>) -> Vec<Warning> {
    let s = room.state;
    let policy = &room.playbook.command;
    let mut out = Vec::new();
    if !s.status.is_open() {
        return out;
    }
    if let Some(commander) = s.command.commander.as_deref() {
        let since = s.command.since().unwrap_or(room.now);
        // Time in command while the incident was open: not the days it lay resolved.
        let held = s.open_elapsed(since, room.now);
        if let Some(watching) = room.watching
            && !watching.iter().any(|w| same_name(w, commander))
        {
            let last = s
                .timeline
                .iter()
                .rev()
                .find(|e| same_name(&e.event.author, commander))
                .map_or(since, |e| e.event.at);
            let quiet = s.open_elapsed(last, room.now);
            if quiet >= policy.unreachable_after {
                out.push(Warning::Unreachable {
                    commander: commander.to_string(),
                    quiet,
                });
            }
        }
        let others: Vec<String> = room
            .commanders
            .iter()
            .filter(|(id, c)| *id != s.id && same_name(c, commander))
            .map(|(id, _)| short_id(*id))
            .collect();
        if !others.is_empty() {
            out.push(Warning::CommandsTwo {
                commander: commander.to_string(),
                others,
            });
        }
        if let Some(limit) = policy.commander_limit
            && held >= limit
        {
            out.push(Warning::Rotate {
                commander: commander.to_string(),
                held,
                limit,
                next: next_in_rotation(&policy.rotation, commander),
            });
        }
    }
    for (role, limit) in &policy.role_limits {
        for p in s.roster.with_role(*role) {
            if p.state == Some(ResponderState::StoodDown) {
                continue;
            }
            if let Some(since) = s.roster.role_since(&p.name, *role) {
                let held = s.open_elapsed(since, room.now);
                if held >= *limit {
                    out.push(Warning::LongInRole {
                        person: p.name.clone(),
                        role: *role,
                        held,
                    });
                }
            }
        }
    }
    out.extend(span(s, policy.span_of_control));
    out
}

/// Who takes command after `commander` in the rotation: the one listed after them
/// (wrapping), or the first listed when they are not in it.
pub fn next_in_rotation(rotation: &[String], commander: &str) -> Option<String> {
    let at = rotation.iter().position(|n| same_name(n, commander));
    match at {
        Some(i) => rotation[i + 1..]
            .iter()
            .chain(&rotation[..i])
            .next()
            .cloned(),
        None => rotation.first().cloned(),
    }
}

/// Span of control: the commander directs those in a lead role (deputy, scribe, tech
/// lead, communications, legal); the tech leads, when there are any, share the other
/// working responders (SMEs, observers, those with no role), else the commander directs
/// them too. Working means acknowledged or engaged.
fn span(s: &IncidentState, limit: usize) -> Vec<Warning> {
    let commander = s.command.commander.as_deref();
    let working = |p: &&crate::domain::Responder| {
        matches!(
            p.state,
            Some(ResponderState::Acknowledged | ResponderState::Engaged)
        ) && !commander.is_some_and(|c| same_name(c, &p.name))
    };
    let leads_role = |r: &Role| !matches!(r, Role::Sme | Role::Observer);
    let (leads, others): (Vec<&crate::domain::Responder>, Vec<_>) = s
        .roster
        .people
        .values()
        .filter(working)
        .partition(|p| p.roles.iter().any(leads_role));
    let tech_leads: Vec<&str> = leads
        .iter()
        .filter(|p| p.roles.contains(&Role::TechLead))
        .map(|p| p.name.as_str())
        .collect();
    let mut out = Vec::new();
    let to_commander = leads.len()
        + if tech_leads.is_empty() {
            others.len()
        } else {
            0
        };
    if let Some(commander) = commander
        && to_commander > limit
    {
        out.push(Warning::Span {
            lead: commander.to_string(),
            count: to_commander,
            limit,
        });
    }
    if !tech_leads.is_empty() {
        let each = others.len().div_ceil(tech_leads.len());
        if each > limit {
            for lead in tech_leads {
                out.push(Warning::Span {
                    lead: lead.to_string(),
                    count: each,
                    limit,
                });
            }
        }
    }
    out
}

impl Warning {
    /// The warning in words, naming the next step as `how` does.
    pub fn say(&self, how: &dyn Wording) -> String {
        let d = crate::format::duration;
        match self {
            Warning::Rotate {
                commander,
                held,
                limit,
                next,
            } => match next {
                Some(next) => format!(
                    "{commander} has commanded for {} (limit {}): rotate to {next}, next in the rotation ({})",
                    d(*held),
                    d(*limit),
                    how.command(&format!("handoff {next}"))
                ),
                None => format!(
                    "{commander} has commanded for {} (limit {}): rotate ({})",
                    d(*held),
                    d(*limit),
                    how.command("handoff NAME")
                ),
            },
            Warning::LongInRole { person, role, held } => {
                format!("{person} has been {role} for {}: rotate them", d(*held))
            }
            Warning::Span { lead, count, limit } => format!(
                "{lead} directs {count} people (span of control {limit}): give part of the work a lead ({})",
                how.command("assign NAME tech_lead")
            ),
            Warning::CommandsTwo { commander, others } => format!(
                "{commander} also commands {}: hand one off ({})",
                others.join(", "),
                how.command("handoff NAME")
            ),
            Warning::Unreachable { commander, quiet } => format!(
                "{commander} (commander) has no console open and has logged nothing for {}: if they cannot be reached, assume command ({})",
                d(*quiet),
                how.command("assume REASON")
            ),
        }
    }
}
