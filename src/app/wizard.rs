//! The triage wizard: walk the playbook's questions, see the severity after every
//! answer, then declare, record a re-triage, or route to the service desk.

use ulid::Ulid;

use super::record::severity_bodies;
use super::{App, Effect, FrontEnd, Purpose};
use crate::domain::triage::Walk;
use crate::domain::{Body, Severity, Status};

/// What is being triaged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriageTarget {
    /// A new incident, opened when declared or routed.
    New(String),
    /// An existing incident (in triage, or a re-triage of a declared one).
    Incident(Ulid),
}

/// The wizard's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wizard {
    /// The walk through the questions.
    pub walk: Walk,
    /// What it is for.
    pub target: TriageTarget,
    /// Why the last declare or route was refused.
    pub message: Option<String>,
}

/// How the walk ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Declare (or record a re-triage of a declared incident).
    Declare,
    /// Route below the threshold to the service desk.
    Route,
}

impl Wizard {
    /// A wizard over `app`'s playbook for `target`.
    pub fn new(app: &App, target: TriageTarget) -> Wizard {
        Wizard {
            walk: Walk::new(&app.playbook.triage),
            target,
            message: None,
        }
    }
}

/// Whether the target is an incident already declared (so this is a re-triage).
fn already_declared(app: &App, target: &TriageTarget) -> bool {
    match target {
        TriageTarget::New(_) => false,
        TriageTarget::Incident(id) => app
            .incidents
            .get(id)
            .is_some_and(|s| s.declared_at.is_some()),
    }
}

/// Checks an outcome against the threshold and builds its events; `Err` says why not.
pub fn finish(app: &App, wizard: &Wizard, outcome: Outcome) -> Result<Vec<Effect>, String> {
    let model = &app.playbook.triage;
    let assessment = model.assess(&wizard.walk.answers);
    let Some(severity) = assessment.severity else {
        return Err("answer the questions first: the severity is not known yet".into());
    };
    let retriage = already_declared(app, &wizard.target);
    let declares = model.declares(severity);
    match outcome {
        Outcome::Declare if !declares && !retriage => {
            let (route, change) = match app.front {
                FrontEnd::Console => ("r", "b"),
                FrontEnd::CommandLine => ("--route", "in --answers"),
            };
            return Err(format!(
                "{severity} is below the threshold to declare ({:?}): route it to the service desk ({route}), or change an answer ({change})",
                model.threshold
            ));
        }
        Outcome::Route if declares => {
            return Err(format!(
                "{severity} meets the threshold ({:?}): declare it ({})",
                model.threshold,
                app.front.pick("d", "--declare")
            ));
        }
        Outcome::Route if retriage => {
            return Err("a declared incident is resolved, not routed".into());
        }
        _ => {}
    }
    let reason = if retriage {
        format!("re-triage: {}", assessment.reason)
    } else {
        assessment.reason.clone()
    };
    let (incident, purpose, status, mut bodies) = match &wizard.target {
        TriageTarget::New(title) => {
            let opened = Body::IncidentOpened {
                title: title.clone(),
                detected_at: None,
                drill: false,
            };
            (None, Purpose::Declare, Status::Triage, vec![opened])
        }
        TriageTarget::Incident(id) => {
            let status = app.incidents.get(id).map_or(Status::Triage, |s| s.status);
            (Some(*id), Purpose::Command, status, Vec::new())
        }
    };
    let answers = model.answers_for(&wizard.walk.answers);
    bodies.extend(severity_bodies(
        &app.playbook,
        status,
        severity,
        Some(reason),
        answers,
    ));
    if outcome == Outcome::Route {
        bodies.push(Body::Routed {
            to: "service desk".into(),
            reason: Some(format!("{severity} is below the threshold to declare")),
        });
    }
    super::record::append(app, purpose, incident, bodies).map(|effect| vec![effect])
}

/// The roles to page for a severity, as a hint after declaring.
pub fn page_hint(app: &App, severity: Severity) -> Option<String> {
    let roles: Vec<&str> = app
        .playbook
        .page(severity)
        .iter()
        .map(|r| r.key())
        .collect();
    (!roles.is_empty()).then(|| {
        format!(
            "{severity}: page {} ({})",
            roles.join(", "),
            app.front.command("page ROLE")
        )
    })
}
