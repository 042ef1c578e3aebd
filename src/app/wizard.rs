//! The triage wizard: walk the playbook's questions, see the severity after every
//! answer, then declare, record a re-triage, or route to the service desk.

use ulid::Ulid;

use super::record::Answer;
use super::{App, Effect, Purpose};
use crate::domain::Severity;
use crate::domain::triage::Walk;
pub use crate::rules::Outcome;
use crate::rules::{Request, Target, page_roles};

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

impl Wizard {
    /// A wizard over `app`'s playbook for `target`.
    pub fn new(app: &App, target: TriageTarget) -> Wizard {
        Wizard {
            walk: Walk::new(&app.setup.playbook.triage),
            target,
            message: None,
        }
    }
}

/// Checks an outcome against the threshold (through the rules) and builds its write;
/// `Err` says why not, in the console's words.
pub fn finish(app: &App, wizard: &Wizard, outcome: Outcome) -> Result<Vec<Effect>, String> {
    let (incident, purpose, target) = match &wizard.target {
        TriageTarget::New(title) => (None, Purpose::Declare, Target::New(title.clone())),
        TriageTarget::Incident(id) => (Some(*id), Purpose::Palette, Target::Incident),
    };
    let request = Request::Triage {
        target,
        answers: wizard.walk.answers.clone(),
        outcome,
    };
    match super::record::ask(app, purpose, incident, request)? {
        Answer::Write(effect) => Ok(vec![effect]),
        // Triage asks no question of its own; one would be said, and nothing written.
        Answer::Nothing(notice)
        | Answer::Ask {
            question: notice, ..
        } => Err(notice),
        Answer::Checklist(_) => Ok(Vec::new()),
    }
}

/// The roles to page for a severity, as a hint after declaring.
pub fn page_hint(app: &App, severity: Severity) -> Option<String> {
    let roles: Vec<&str> = page_roles(&app.setup.playbook, severity)
        .iter()
        .map(|r| r.key())
        .collect();
    (!roles.is_empty()).then(|| format!("{severity}: page {} (:page ROLE)", roles.join(", ")))
}
