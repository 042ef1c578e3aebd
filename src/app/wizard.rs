//! The triage wizard: walk the playbook's questions, see the severity after every
//! answer, then declare, record a re-triage, or route to the service desk.

use ulid::Ulid;

use super::action::{Action, Mode};
use super::chord::Chord;
use super::record::Answer;
use super::{App, Effect, Purpose};
use crate::domain::Severity;
use crate::domain::triage::Walk;
pub use crate::rules::{Finish, Outcome};
use crate::rules::{Request, Target, natural_finish, page_roles};

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
    /// The inbox alert it was opened from: the incident it opens takes the alert.
    pub alert: Option<Ulid>,
}

impl Wizard {
    /// A wizard over `app`'s playbook for `target`.
    pub fn new(app: &App, target: TriageTarget) -> Wizard {
        Wizard {
            walk: Walk::new(&app.setup.playbook.triage),
            target,
            message: None,
            alert: None,
        }
    }
}

/// Checks an outcome against the threshold (through the rules) and builds its write;
/// `Err` says why not, in the console's words.
pub fn finish(app: &App, wizard: &Wizard, outcome: Outcome) -> Result<Vec<Effect>, String> {
    let (incident, purpose, target) = match &wizard.target {
        TriageTarget::New(title) => {
            let purpose = wizard
                .alert
                .map_or(Purpose::Declare, Purpose::DeclareFromAlert);
            (None, purpose, Target::New(title.clone()))
        }
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

/// Whether the wizard triages an incident already declared (a re-triage).
pub fn retriage(app: &App, wizard: &Wizard) -> bool {
    match &wizard.target {
        TriageTarget::New(_) => false,
        TriageTarget::Incident(id) => app
            .incidents
            .get(id)
            .is_some_and(|s| s.declared_at.is_some()),
    }
}

/// How the walk ends for the answers so far, if the person goes on: re-triage, declare
/// or route; `None` while the severity is not known.
pub fn ending(app: &App, wizard: &Wizard) -> Option<Finish> {
    natural_finish(
        &app.setup.playbook.triage,
        retriage(app, wizard),
        &wizard.walk.answers,
    )
}

/// What Enter does now: finish as [`ending`] says once the last question is answered;
/// `None` while a question is still asked (Enter chooses) or the severity is unknown.
pub fn enter_finishes(app: &App, wizard: &Wizard) -> Option<Finish> {
    let asking = wizard.walk.current < app.setup.playbook.triage.questions.len();
    if asking { None } else { ending(app, wizard) }
}

/// A finish named for what it does, as its key is named in the hints and the footer.
pub fn finish_word(finish: Finish) -> &'static str {
    match finish {
        Finish::Declare => "declare",
        Finish::Retriage => "re-triage",
        Finish::Route => "route",
    }
}

/// The wizard's keys in the hint bar, named for what they do now: after the last
/// answer Enter finishes (and `d`/`r`, which could only do the same or be refused, are
/// left out); in a re-triage `d` re-triages and `r`, always refused, is left out.
pub fn hints(app: &App, wizard: &Wizard) -> Vec<(Chord, &'static str)> {
    let finish = enter_finishes(app, wizard);
    let retriage = retriage(app, wizard);
    app.setup
        .keys
        .hints_named(Mode::Triage, |action, word| match action {
            Action::Submit => Some(finish.map_or(word, finish_word)),
            Action::Declare | Action::Route if finish.is_some() => None,
            Action::Declare if retriage => Some(finish_word(Finish::Retriage)),
            Action::Route if retriage => None,
            _ => Some(word),
        })
}
