//! Recording: every event the app writes leaves through `append`, so the rules on
//! status changes hold whichever command, key or wizard asked for the change.

use ulid::Ulid;

use super::{App, Effect, FrontEnd, Purpose};
use crate::domain::{Body, IncidentState, Severity, Status, Timestamp, TriageAnswer};
use crate::playbook::Playbook;
use crate::store::NewEvent;

/// The events that set `severity` on an incident now in `status`: the change (with the
/// triage answers behind it, if any), then the declaration, a move to investigating,
/// when the incident is still in triage and the severity meets the playbook's threshold.
pub fn severity_bodies(
    playbook: &Playbook,
    status: Status,
    severity: Severity,
    reason: Option<String>,
    triage: Vec<TriageAnswer>,
) -> Vec<Body> {
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
    if status == Status::Triage && playbook.triage.declares(severity) {
        bodies.push(Body::StatusChanged {
            status: Status::Investigating,
            reason: Some(format!("declared at {severity}{after}")),
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
    }];
    if let Some(severity) = severity {
        let reason = Some("set when declared".to_string());
        bodies.extend(severity_bodies(
            playbook,
            Status::Triage,
            severity,
            reason,
            Vec::new(),
        ));
    }
    bodies
}

/// An event by the app's user on `incident` (`None`: the incident a batch opens).
fn new_event(app: &App, incident: Option<Ulid>, body: Body) -> NewEvent {
    NewEvent::now(incident, app.me.clone(), body)
}

/// Whether the shown incident may move from `from` to `to`; `Err` says what to do
/// instead. Resolving takes a code and the checklist, closing comes after resolving,
/// and an incident handed to problem management stays closed.
pub(super) fn check_status(
    front: FrontEnd,
    state: &IncidentState,
    from: Status,
    to: Status,
) -> Result<(), String> {
    if from == to {
        return Err(format!("it is already {to}"));
    }
    let resolve = front.command("resolve CODE SUMMARY");
    if to == Status::Resolved {
        return Err(format!(
            "resolving takes a resolution code and the checklist: {resolve}"
        ));
    }
    if to == Status::Closed && from.is_open() {
        return Err(format!(
            "it is {from}: resolve it first ({resolve}), then close it"
        ));
    }
    if to.is_open() && !from.is_open() && state.problem.is_some() {
        return Err(
            "problem management owns it now; declare a new incident if it came back".into(),
        );
    }
    Ok(())
}

/// The write of `bodies` on `incident` (a new one when `None`), once every status
/// change among them keeps the rules; `Err` says which rule it would break.
pub(super) fn append(
    app: &App,
    purpose: Purpose,
    incident: Option<Ulid>,
    bodies: Vec<Body>,
) -> Result<Effect, String> {
    let empty;
    let state = match incident.and_then(|id| app.incidents.get(&id)) {
        Some(state) => state,
        None => {
            empty = IncidentState::empty(incident.unwrap_or(Ulid::nil()));
            &empty
        }
    };
    let mut status = state.status;
    for body in &bodies {
        if let Body::StatusChanged { status: to, .. } = body {
            check_status(app.front, state, status, *to)?;
            status = *to;
        }
    }
    let drafts = bodies
        .into_iter()
        .map(|body| new_event(app, incident, body))
        .collect();
    Ok(Effect::Append { purpose, drafts })
}
