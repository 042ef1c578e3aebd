//! [`decide`]: one request, checked against the incident and the playbook.

use crate::domain::{Body, IncidentState, Status};

use super::lifecycle::check_changes;
use super::{Asked, Decision, Notice, Refusal, Request, declare_bodies, roster, severity_bodies};

/// Decides `request` against what `asked` holds: the events to append, nothing (with
/// a notice), the checklist to ask first, or the rule it would break. Every status
/// change among the events keeps the lifecycle's rules, whichever request made it.
pub fn decide(request: Request, asked: &Asked<'_>) -> Result<Decision, Refusal> {
    let state = match (&request, asked.state) {
        (Request::Declare { .. }, _) => None,
        (
            Request::Triage {
                target: super::Target::New(_),
                ..
            },
            _,
        ) => None,
        (_, Some(state)) => Some(state),
        (_, None) => return Err(Refusal::NoIncident),
    };
    let bodies = match (request, state) {
        (
            Request::Declare {
                title,
                detected_at,
                severity,
            },
            _,
        ) => declare_bodies(asked.playbook, title, detected_at, severity),
        (
            Request::Triage {
                target,
                answers,
                outcome,
            },
            _,
        ) => super::finish_triage(asked, &target, &answers, outcome)?,
        (request, Some(state)) => match on_incident(request, state, asked)? {
            Decision::Record(bodies) => bodies,
            other => return Ok(other),
        },
        (_, None) => return Err(Refusal::NoIncident),
    };
    if let Some(state) = state {
        check_changes(state, &bodies)?;
    }
    Ok(Decision::Record(bodies))
}

/// A request about an existing incident.
fn on_incident(
    request: Request,
    state: &IncidentState,
    asked: &Asked<'_>,
) -> Result<Decision, Refusal> {
    let me = asked.actor;
    let commander = state.command.commander.as_deref();
    let record = |bodies: Vec<Body>| Ok(Decision::Record(bodies));
    match request {
        Request::Declare { .. } | Request::Triage { .. } => Err(Refusal::NoIncident),
        Request::Log(body) => record(vec![body]),
        Request::SetSeverity { severity, reason } => record(severity_bodies(
            asked.playbook,
            state.status,
            severity,
            reason,
            Vec::new(),
        )),
        Request::Claim => match commander {
            Some(holder) if holder == me => Ok(Decision::Nothing(Notice::AlreadyCommander)),
            Some(holder) => Err(Refusal::CommandHeldBy {
                holder: holder.to_string(),
            }),
            None => record(vec![Body::CommandClaimed {
                commander: me.to_string(),
            }]),
        },
        Request::Handoff { to } if commander == Some(me) => record(vec![Body::CommandHandedOff {
            from: me.to_string(),
            to,
        }]),
        Request::Handoff { .. } => Err(Refusal::HandoffNotCommander {
            holder: commander.map(str::to_string),
        }),
        Request::Confirm if commander == Some(me) => record(vec![Body::CommandConfirmed {
            commander: me.to_string(),
        }]),
        Request::Confirm => Err(Refusal::ConfirmNotCommander),
        Request::Assign { person, role } => {
            record(roster::role(state, asked.playbook, person, role, true)?)
        }
        Request::Unassign { person, role } => {
            record(roster::role(state, asked.playbook, person, role, false)?)
        }
        Request::Page { who, via } => record(roster::page(state, asked.playbook, who, via)?),
        Request::Responder { person, state: to } => record(vec![roster::responder(person, to)]),
        Request::Resolve {
            code,
            summary,
            checklist,
        } => {
            if !asked.playbook.resolution_codes.contains(&code) {
                return Err(Refusal::UnknownResolutionCode {
                    code,
                    allowed: asked.playbook.resolution_codes.clone(),
                });
            }
            if !state.status.is_open() {
                return Err(Refusal::AlreadyEnded {
                    status: state.status,
                });
            }
            match checklist {
                Some(checklist) => record(vec![Body::Resolution {
                    code,
                    summary,
                    checklist,
                }]),
                None if asked.playbook.resolve_checklist.is_empty() => {
                    record(vec![Body::Resolution {
                        code,
                        summary,
                        checklist: Vec::new(),
                    }])
                }
                None => Ok(Decision::AskChecklist(
                    asked.playbook.resolve_checklist.clone(),
                )),
            }
        }
        Request::Reopen { reason } => {
            if state.status.is_open() {
                return Err(Refusal::NothingToReopen {
                    status: state.status,
                });
            }
            let reason = format!(
                "reopened: {}",
                reason.unwrap_or_else(|| "it came back".into())
            );
            record(vec![Body::StatusChanged {
                status: Status::Investigating,
                reason: Some(reason),
            }])
        }
        Request::Problem {
            owner,
            root_cause,
            fix,
            ticket,
        } => {
            if state.status.is_open() {
                return Err(Refusal::ProblemBeforeResolve);
            }
            if state.problem.is_some() {
                return Err(Refusal::ProblemAlreadyHandedOff);
            }
            record(vec![Body::ProblemHandoff {
                owner,
                root_cause,
                fix,
                ticket,
            }])
        }
        Request::Finding { section, text } => record(vec![Body::Review { section, text }]),
        Request::ItemAdd {
            title,
            owner,
            due,
            priority,
        } => record(vec![Body::ActionItemOpened {
            title,
            owner,
            due,
            priority,
        }]),
        Request::ItemUpdate {
            item,
            title,
            owner,
            due,
            priority,
            note,
        } => record(vec![Body::ActionItemUpdated {
            item,
            title,
            owner,
            due,
            priority,
            note,
        }]),
        Request::ItemDone { item, note } => {
            if state
                .action_items
                .iter()
                .any(|i| i.id == item && i.closed_at.is_some())
            {
                return Err(Refusal::ItemAlreadyDone);
            }
            record(vec![Body::ActionItemClosed { item, note }])
        }
    }
}
