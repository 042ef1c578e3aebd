//! Asking the incident rules ([`crate::rules`]) on the console's behalf: every event the
//! console writes (palette, keys, wizard, entry box) leaves through [`ask`], and a
//! refusal comes back in the console's words, naming its keys and palette commands.

use ulid::Ulid;

use super::{App, Effect, Purpose};
use crate::rules::{Asked, Decision, Request, Wording, decide};
use crate::store::NewEvent;

/// How the console names the next step: palette commands and keys.
pub struct Console;

impl Wording for Console {
    fn command(&self, line: &str) -> String {
        format!(":{line}")
    }

    fn declare(&self) -> String {
        ":declare TITLE".into()
    }

    fn route_or_change(&self) -> (&'static str, &'static str) {
        ("r", "b")
    }

    fn declare_from_triage(&self) -> &'static str {
        "d"
    }
}

/// What the rules said, for the console.
pub(super) enum Answer {
    /// Write this.
    Write(Effect),
    /// Nothing to write, and why (not an error).
    Nothing(String),
    /// Ask the resolve checklist first.
    Checklist(Vec<String>),
}

/// Decides `request` about `incident` (`None`: one the request opens) for the app's
/// user: the write, or the refusal in the console's words.
pub(super) fn ask(
    app: &App,
    purpose: Purpose,
    incident: Option<Ulid>,
    request: Request,
) -> Result<Answer, String> {
    let asked = Asked {
        state: incident.and_then(|id| app.incidents.get(&id)),
        playbook: &app.setup.playbook,
        actor: &app.setup.me,
        now: app.now,
    };
    match decide(request, &asked) {
        Ok(Decision::Record(bodies)) => {
            let drafts = bodies
                .into_iter()
                .map(|body| NewEvent::now(incident, app.setup.me.clone(), body))
                .collect();
            Ok(Answer::Write(Effect::Append { purpose, drafts }))
        }
        Ok(Decision::Nothing(notice)) => Ok(Answer::Nothing(notice.say())),
        Ok(Decision::AskChecklist(items)) => Ok(Answer::Checklist(items)),
        Err(refusal) => Err(refusal.say(&app.setup.me, &Console)),
    }
}
