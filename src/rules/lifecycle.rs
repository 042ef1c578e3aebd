//! The lifecycle: declaring, setting the severity, and which status changes are allowed.

use crate::domain::{Body, IncidentState, Severity, Status, Timestamp, TriageAnswer};
use crate::playbook::Playbook;

use super::Refusal;

/// The events that set `severity` on `state` (`None`: one being opened, in triage):
/// the change (with the triage answers behind it, if any), then the declaration, a move
/// to investigating, when it was never declared (in triage, or routed to the service
/// desk and come back) and the severity meets the playbook's threshold.
pub fn severity_bodies(
    playbook: &Playbook,
    state: Option<&IncidentState>,
    severity: Severity,
    reason: Option<String>,
    triage: Vec<TriageAnswer>,
) -> Vec<Body> {
    let undeclared = state.is_none_or(|s| {
        s.declared_at.is_none() && (s.status == Status::Triage || s.routed_to.is_some())
    });
    let routed = state.is_some_and(|s| s.routed_to.is_some());
    let after = if triage.is_empty() {
        ""
    } else {
        " after triage"
    };
    let mut bodies = vec![Body::SeveritySet {
        severity,
        reason,
        triage,
    }];
    if undeclared && playbook.triage.declares(severity) {
        let routed = if routed {
            " (it had been routed to the service desk)"
        } else {
            ""
        };
        bodies.push(Body::StatusChanged {
            status: Status::Investigating,
            reason: Some(format!("declared at {severity}{after}{routed}")),
        });
    }
    bodies
}

/// The events that open an incident called `title`, at `severity` when it is known
/// (declared at once if that meets the threshold; in triage otherwise).
pub fn declare_bodies(
    playbook: &Playbook,
    title: String,
    detected_at: Option<Timestamp>,
    severity: Option<Severity>,
) -> Vec<Body> {
    let mut bodies = vec![Body::IncidentOpened {
        title,
        detected_at,
        drill: false,
        pace: None,
    }];
    if let Some(severity) = severity {
        let reason = Some("set when declared".to_string());
        bodies.extend(severity_bodies(
            playbook,
            None,
            severity,
            reason,
            Vec::new(),
        ));
    }
    bodies
}

/// Whether an incident may move from `from` to `to`. Resolving takes a code and the
/// checklist (a resolution, not a status change), closing comes after resolving (but a
/// drill may be closed at any time: its time runs out), and an incident handed to
/// problem management stays closed.
pub fn check_status(state: &IncidentState, from: Status, to: Status) -> Result<(), Refusal> {
    if from == to {
        return Err(Refusal::StatusUnchanged { status: to });
    }
    if to == Status::Resolved {
        return Err(Refusal::ResolveNeedsCode);
    }
    if to == Status::Closed && from.is_open() && !state.drill {
        return Err(Refusal::CloseBeforeResolve { from });
    }
    if to.is_open() && !from.is_open() && state.problem.is_some() {
        return Err(Refusal::ProblemOwnsIt);
    }
    Ok(())
}

/// Checks every status change among `bodies`, in order, from the incident's status.
pub(super) fn check_changes(state: &IncidentState, bodies: &[Body]) -> Result<(), Refusal> {
    let mut status = state.status;
    for body in bodies {
        if let Body::StatusChanged { status: to, .. } = body {
            check_status(state, status, *to)?;
            status = *to;
        }
    }
    Ok(())
}
