//! Finishing a triage walk: the threshold decides between declaring and routing, and
//! the answers are recorded with the severity they produced.

use crate::domain::{Body, Role, Severity};
use crate::playbook::Playbook;

use super::{Asked, Refusal, severity_bodies};

/// What is triaged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A new incident, opened when declared or routed.
    New(String),
    /// The incident asked about (in triage, or a re-triage of a declared one).
    Incident,
}

/// How the walk ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Declare (or record a re-triage of a declared incident).
    Declare,
    /// Route below the threshold to the service desk.
    Route,
}

/// How a walk ends when the person goes on past the last answer, named for what it
/// does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Declares: a new incident, or one in triage, at or above the threshold.
    Declare,
    /// Re-triages a declared incident: records its new severity, whatever it is.
    Retriage,
    /// Routes below the threshold to the service desk.
    Route,
}

impl Finish {
    /// The outcome the rules record it as.
    pub fn outcome(self) -> Outcome {
        match self {
            Finish::Declare | Finish::Retriage => Outcome::Declare,
            Finish::Route => Outcome::Route,
        }
    }
}

/// How answers that lead to a severity end (see [`Finish`]): for an incident already
/// declared (`declared`) a re-triage, otherwise declaring at or above the threshold and
/// routing below it, the one outcome [`finish`] takes for them. `None` while the answers
/// lead to no severity yet.
pub fn natural_finish(
    model: &crate::domain::triage::TriageModel,
    declared: bool,
    answers: &[Option<usize>],
) -> Option<Finish> {
    let severity = model.assess(answers).severity?;
    Some(if declared {
        Finish::Retriage
    } else if model.declares(severity) {
        Finish::Declare
    } else {
        Finish::Route
    })
}

/// The events a finished walk records: for a new incident its opening, then the
/// severity with every answer and the reason (and the declaration when it meets the
/// threshold), or the routing to the service desk.
pub fn finish(
    asked: &Asked<'_>,
    target: &Target,
    answers: &[Option<usize>],
    outcome: Outcome,
) -> Result<Vec<Body>, Refusal> {
    let model = &asked.playbook.triage;
    let assessment = model.assess(answers);
    let Some(severity) = assessment.severity else {
        return Err(Refusal::SeverityUnknown);
    };
    let state = match target {
        Target::New(_) => None,
        Target::Incident => Some(asked.state.ok_or(Refusal::NoIncident)?),
    };
    if let Some(s) = state {
        // A closed incident is reopened first; a routed alert may be declared after all.
        if !s.status.is_open() && s.routed_to.is_none() {
            return Err(Refusal::AlreadyEnded { status: s.status });
        }
        if outcome == Outcome::Route && s.routed_to.is_some() {
            return Err(Refusal::AlreadyRouted);
        }
    }
    let retriage = state.is_some_and(|s| s.declared_at.is_some());
    let declares = model.declares(severity);
    let threshold = model.threshold;
    match outcome {
        Outcome::Declare if !declares && !retriage => {
            return Err(Refusal::BelowThreshold {
                severity,
                threshold,
            });
        }
        Outcome::Route if declares => {
            return Err(Refusal::MeetsThreshold {
                severity,
                threshold,
            });
        }
        Outcome::Route if retriage => return Err(Refusal::DeclaredNotRouted),
        _ => {}
    }
    let reason = if retriage {
        format!("re-triage: {}", assessment.reason)
    } else {
        assessment.reason.clone()
    };
    let mut bodies = match target {
        Target::New(title) => vec![Body::IncidentOpened {
            title: title.clone(),
            detected_at: None,
            drill: false,
            pace: None,
        }],
        Target::Incident => Vec::new(),
    };
    bodies.extend(severity_bodies(
        asked.playbook,
        state,
        severity,
        Some(reason),
        model.answers_for(answers),
    ));
    if outcome == Outcome::Route {
        bodies.push(Body::Routed {
            to: "service desk".into(),
            reason: Some(format!("{severity} is below the threshold to declare")),
        });
    }
    Ok(bodies)
}

/// The roles the playbook pages at `severity`, for a hint after declaring.
pub fn page_roles(playbook: &Playbook, severity: Severity) -> Vec<Role> {
    playbook.page(severity).to_vec()
}
