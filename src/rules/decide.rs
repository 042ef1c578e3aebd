//! [`decide`]: one request, checked against the incident and the playbook.

use crate::domain::{Body, IncidentState, Status, same_name};

use super::lifecycle::check_changes;
use super::{
    Asked, Caution, Decision, Doing, Notice, Refusal, Request, declare_bodies, roster,
    severity_bodies,
};

/// Decides `request` against what `asked` holds: the events to append, nothing (with
/// a notice), the checklist to ask first, events to append once a person says they
/// mean it ([`Decision::Caution`]), or the rule it would break. Every status change
/// among the events keeps the lifecycle's rules, and every name in them the roster's,
/// whichever request made them.
pub fn decide(request: Request, asked: &Asked<'_>) -> Result<Decision, Refusal> {
    if request.people().iter().any(|name| name.trim().is_empty()) {
        return Err(Refusal::NoName);
    }
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
            Decision::Caution { caution, events } => {
                check(Some(state), &events)?;
                return Ok(Decision::Caution { caution, events });
            }
            other => return Ok(other),
        },
        (_, None) => return Err(Refusal::NoIncident),
    };
    match state {
        Some(state) => check(Some(state), &bodies)?,
        None => roster::check_names(None, &bodies)?,
    }
    Ok(Decision::Record(bodies))
}

/// The checks every batch of events passes, whichever request made it.
fn check(state: Option<&IncidentState>, bodies: &[Body]) -> Result<(), Refusal> {
    if let Some(state) = state {
        check_changes(state, bodies)?;
    }
    roster::check_names(state, bodies)
}

/// Whether an entry for an incident in `status` should be asked about first: it is
/// resolved or closed. Entries (notes, decisions, ...) only; a status change, a finding
/// or a correction after the end is the review's ordinary work, and so is the final
/// status update after the resolution (not after closing).
pub fn entry_caution(status: Status, body: &Body) -> Option<Caution> {
    let entry = match body {
        Body::Note { .. }
        | Body::Decision { .. }
        | Body::Action { .. }
        | Body::Hypothesis { .. }
        | Body::Alert { .. } => true,
        // The last status update after the resolution is expected (the review asks for
        // it); after closing it is not.
        Body::StatusUpdate { .. } => status == Status::Closed,
        _ => false,
    };
    (entry && !status.is_open()).then_some(Caution::Ended { status })
}

/// `events` giving a task to `owner`: recorded, or asked about first when the room
/// does not know the name (likely a typo).
fn owned_by(
    state: &IncidentState,
    asked: &Asked<'_>,
    owner: Option<String>,
    events: Vec<Body>,
) -> Result<Decision, Refusal> {
    match owner {
        Some(name) if !known(state, asked, &name) && !same_name(&name, asked.actor) => {
            Ok(Decision::Caution {
                caution: Caution::Stranger {
                    name,
                    doing: Doing::Owner,
                },
                events,
            })
        }
        _ => Ok(Decision::Record(events)),
    }
}

/// The withdrawal of the pending handoff, if one is pending.
fn withdraw_pending(state: &IncidentState) -> Vec<Body> {
    state
        .command
        .pending
        .iter()
        .map(|p| Body::HandoffCancelled {
            from: p.from.clone(),
            to: p.to.clone(),
            declined: false,
        })
        .collect()
}

/// Whether `name` is someone the room knows: on the roster, or watching in a console.
fn known(state: &IncidentState, asked: &Asked<'_>, name: &str) -> bool {
    state.roster.get(name).is_some() || asked.watching.iter().any(|w| same_name(w, name))
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
        Request::Log(body) => match entry_caution(state.status, &body) {
            Some(caution) => Ok(Decision::Caution {
                caution,
                events: vec![body],
            }),
            None => record(vec![body]),
        },
        Request::SetSeverity { severity, reason } => record(severity_bodies(
            asked.playbook,
            Some(state),
            severity,
            reason,
            Vec::new(),
        )),
        Request::Claim => match commander {
            Some(holder) if same_name(holder, me) => {
                Ok(Decision::Nothing(Notice::AlreadyCommander))
            }
            Some(holder) => Err(Refusal::CommandHeldBy {
                holder: holder.to_string(),
            }),
            None => record(vec![Body::CommandClaimed {
                commander: me.to_string(),
            }]),
        },
        Request::Assume { .. } if commander.is_some_and(|c| same_name(c, me)) => {
            Ok(Decision::Nothing(Notice::AlreadyCommander))
        }
        Request::Assume { .. } if commander.is_none() => Err(Refusal::NobodyToAssumeFrom),
        Request::Assume { reason } if reason.trim().is_empty() => Err(Refusal::ReasonNeeded),
        Request::Assume { reason } => {
            // Command taken another way voids a pending handoff: the log says so.
            let mut events = withdraw_pending(state);
            events.push(Body::CommandAssumed {
                commander: me.to_string(),
                reason: reason.trim().to_string(),
                from: commander.map(str::to_string),
            });
            // A commander at a console now may well be reachable: asked about first.
            match commander.filter(|c| asked.watching.iter().any(|w| same_name(w, c))) {
                Some(present) => Ok(Decision::Caution {
                    caution: Caution::CommanderPresent {
                        commander: present.to_string(),
                    },
                    events,
                }),
                None => record(events),
            }
        }
        Request::Handoff { to }
            if commander.is_some_and(|c| same_name(c, me) && same_name(c, &to)) =>
        {
            Ok(Decision::Nothing(Notice::AlreadyCommander))
        }
        Request::Handoff { to }
            if state
                .command
                .pending
                .as_ref()
                .is_some_and(|p| same_name(&p.from, me) && same_name(&p.to, &to)) =>
        {
            Ok(Decision::Nothing(Notice::HandoffPending { to }))
        }
        Request::Handoff { to } if commander.is_some_and(|c| same_name(c, me)) => {
            // The roster's spelling, so the incoming commander's console knows it is theirs.
            let to = state.roster.spelling(&to).to_string();
            // A newer offer replaces an older one, and the log says so.
            let mut events = withdraw_pending(state);
            events.push(Body::HandoffOffered {
                from: commander.unwrap_or(me).to_string(),
                to: to.clone(),
            });
            if known(state, asked, &to) {
                record(events)
            } else {
                Ok(Decision::Caution {
                    caution: Caution::Stranger {
                        name: to,
                        doing: Doing::Command,
                    },
                    events,
                })
            }
        }
        Request::Handoff { .. } => Err(Refusal::HandoffNotCommander {
            holder: commander.map(str::to_string),
        }),
        Request::AlertAck | Request::AlertDismiss { .. } | Request::AlertAttach { .. }
            if state.alert.is_none() =>
        {
            Err(Refusal::NotAnAlert)
        }
        Request::AlertAck => match &state.alert {
            Some(group) if group.acknowledged.is_some() || !group.waiting() => {
                Err(Refusal::NoChange)
            }
            _ => record(vec![Body::AlertAcknowledged {}]),
        },
        Request::AlertDismiss { reason } if reason.trim().is_empty() => Err(Refusal::ReasonNeeded),
        Request::AlertDismiss { reason } => match &state.alert {
            Some(group) if !group.waiting() => Err(Refusal::NoChange),
            _ => record(vec![Body::AlertDismissed {
                reason: reason.trim().to_string(),
            }]),
        },
        Request::AlertAttach { incident } => match &state.alert {
            Some(group) if group.incident == Some(incident) => Err(Refusal::NoChange),
            _ => record(vec![Body::AlertAttached { incident }]),
        },
        Request::AcceptHandoff | Request::CancelHandoff if state.command.pending.is_none() => {
            Err(Refusal::NoHandoffPending)
        }
        Request::AcceptHandoff | Request::CancelHandoff => {
            let Some(pending) = state.command.pending.as_ref() else {
                return Err(Refusal::NoHandoffPending);
            };
            let (from, to) = (pending.from.clone(), pending.to.clone());
            let accepting = matches!(request, Request::AcceptHandoff);
            let party = same_name(&to, me) || (!accepting && same_name(&from, me));
            if !party {
                return Err(Refusal::HandoffNotYours { from, to });
            }
            record(vec![if accepting {
                Body::HandoffAccepted { from, to }
            } else {
                let declined = same_name(&to, me) && !same_name(&from, me);
                Body::HandoffCancelled { from, to, declined }
            }])
        }
        Request::Confirm
            if commander.is_some_and(|c| same_name(c, me)) && !state.command.in_conflict() =>
        {
            Ok(Decision::Nothing(Notice::NoConflict))
        }
        Request::Confirm if commander.is_some_and(|c| same_name(c, me)) => {
            record(vec![Body::CommandConfirmed {
                commander: me.to_string(),
            }])
        }
        Request::Confirm => Err(Refusal::ConfirmNotCommander),
        // Giving a role is how a team brings someone in: no stranger is asked about.
        Request::Assign { person, role } => {
            record(roster::role(state, asked.playbook, person, role, true)?)
        }
        Request::Unassign { person, role } => {
            record(roster::role(state, asked.playbook, person, role, false)?)
        }
        Request::Page { who, via } => {
            let events = roster::page(state, asked.playbook, who.clone(), via)?;
            match state.status.is_open() {
                true => record(events),
                false => Ok(Decision::Caution {
                    caution: Caution::PageEnded {
                        status: state.status,
                        who,
                    },
                    events,
                }),
            }
        }
        Request::Responder { person, state: to } => {
            let events = vec![roster::responder(person.clone(), to)];
            if known(state, asked, &person) || same_name(&person, me) {
                record(events)
            } else {
                Ok(Decision::Caution {
                    caution: Caution::Stranger {
                        name: person,
                        doing: Doing::State(to),
                    },
                    events,
                })
            }
        }
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
        Request::Brief { to } => record(vec![Body::BriefingGiven { to }]),
        Request::ObjectiveAdd { text, stage } => {
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(Refusal::NoText);
            }
            record(vec![Body::ObjectiveAdded { text, stage }])
        }
        Request::ObjectiveMove { objective, stage } => {
            match state.objectives.iter().find(|o| o.id == objective) {
                None => Err(Refusal::NotFound { what: "objective" }),
                Some(o) if o.stage == stage => Err(Refusal::NoChange),
                Some(_) => record(vec![Body::ObjectiveMoved { objective, stage }]),
            }
        }
        Request::TaskAdd { text, owner } => {
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(Refusal::NoText);
            }
            owned_by(
                state,
                asked,
                owner.clone(),
                vec![Body::TaskAdded { text, owner }],
            )
        }
        Request::TaskMove {
            task,
            state: to,
            owner,
        } => {
            let Some(found) = state.tasks.iter().find(|t| t.id == task) else {
                return Err(Refusal::NotFound { what: "task" });
            };
            let to = to.filter(|s| *s != found.state);
            let owner =
                owner.filter(|o| found.owner.as_deref().is_none_or(|now| !same_name(now, o)));
            if to.is_none() && owner.is_none() {
                return Err(Refusal::NoChange);
            }
            owned_by(
                state,
                asked,
                owner.clone(),
                vec![Body::TaskMoved {
                    task,
                    state: to,
                    owner,
                }],
            )
        }
        Request::Correct {
            target,
            text,
            strike,
            reason,
            at,
        } => {
            let Some(entry) = state.entry(target) else {
                return Err(Refusal::NotFound { what: "entry" });
            };
            if !entry.is_correctable() {
                return Err(Refusal::NotTyped {
                    kind: entry.event.kind().to_string(),
                });
            }
            let text = text.map(|t| t.trim().to_string());
            if text.as_deref() == Some("") || (text.is_none() && !strike && at.is_none()) {
                return Err(Refusal::NothingToCorrect);
            }
            if at.is_some_and(|t| t > asked.now + chrono::TimeDelta::minutes(1)) {
                return Err(Refusal::InTheFuture);
            }
            let current = state.current_text(entry);
            let same_text = text.as_deref().is_none_or(|t| t == current.text);
            let same_at = at.is_none_or(|t| t == current.at.unwrap_or(entry.event.at));
            if same_text && (!strike || current.struck) && same_at {
                return Err(Refusal::NoChange);
            }
            record(vec![Body::Correction {
                target,
                text,
                strike,
                reason: reason
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty()),
                at: at.map(crate::domain::to_millis),
            }])
        }
        Request::Judge {
            target,
            verdict,
            reason,
        } => {
            let is_hypothesis = state
                .entry(target)
                .is_some_and(|e| matches!(e.event.body, Body::Hypothesis { .. }));
            if !is_hypothesis {
                return Err(Refusal::NotAHypothesis);
            }
            if state
                .entry(target)
                .is_some_and(|e| state.current_text(e).struck)
            {
                return Err(Refusal::StruckEntry);
            }
            let reason = reason.filter(|r| !r.trim().is_empty());
            if verdict == crate::domain::Verdict::RuledOut && reason.is_none() {
                return Err(Refusal::ReasonNeeded);
            }
            let now = state.verdicts.get(&target);
            let unchanged = match now {
                Some((was, why)) => *was == verdict && (reason.is_none() || *why == reason),
                None => verdict == crate::domain::Verdict::Open,
            };
            if unchanged {
                return Err(Refusal::NoChange);
            }
            record(vec![Body::HypothesisJudged {
                target,
                verdict,
                reason,
            }])
        }
        Request::Situation(f) => {
            let nothing = f.impact.is_none()
                && f.services.is_none()
                && f.regions.is_none()
                && f.impact_start.is_none()
                && f.impact_end.is_none()
                && f.next_steps.is_none();
            if nothing {
                return Err(Refusal::NothingToSet);
            }
            let start = f.impact_start.or(state.situation.impact_start);
            let end = f.impact_end.or(state.situation.impact_end);
            if let (Some(start), Some(end)) = (start, end)
                && end < start
            {
                return Err(Refusal::ImpactEndsBeforeStart);
            }
            let tidy = |items: Vec<String>| -> Vec<String> {
                items
                    .into_iter()
                    .map(|i| i.trim().to_string())
                    .filter(|i| !i.is_empty())
                    .collect()
            };
            record(vec![Body::SituationSet {
                impact: f.impact,
                services: f.services.map(tidy),
                regions: f.regions.map(tidy),
                impact_start: f.impact_start,
                impact_end: f.impact_end,
                next_steps: f.next_steps,
            }])
        }
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
        Request::EndDrill { .. } if !state.drill => Err(Refusal::NotADrill),
        Request::EndDrill { .. } if state.status == Status::Closed => {
            Ok(Decision::Nothing(Notice::DrillEnded))
        }
        Request::EndDrill { interrupted } => record(vec![Body::StatusChanged {
            status: Status::Closed,
            reason: Some(match (interrupted, state.status.is_open()) {
                (true, _) => "drill stopped: its runner was interrupted before time was up".into(),
                (false, true) => "drill ended: time is up".into(),
                (false, false) => "drill ended".into(),
            }),
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
