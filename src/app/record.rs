//! Asking the incident rules ([`crate::rules`]) on the console's behalf: every event the
//! console writes (palette, keys, wizard, entry box) leaves through [`ask`], and a
//! refusal comes back in the console's words, naming its keys and palette commands.

use ulid::Ulid;

use super::{Action, App, Effect, Mode, Purpose};
use crate::domain::short_id;
use crate::inert;
use crate::rules::{Asked, Caution, Decision, Request, Wording, decide};
use crate::store::NewEvent;

/// How the console names the next step: palette commands, and keys from the keymap in
/// force.
pub struct Console<'a>(pub &'a super::Keymap);

impl Wording for Console<'_> {
    fn command(&self, line: &str) -> String {
        format!(":{line}")
    }

    fn declare(&self) -> String {
        ":declare TITLE".into()
    }

    fn route_or_change(&self) -> (String, String) {
        (
            self.0.say(Mode::Triage, Action::Route),
            self.0.say(Mode::Triage, Action::Back),
        )
    }

    fn declare_from_triage(&self) -> String {
        self.0.say(Mode::Triage, Action::Declare)
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
    /// Ask this yes/no question first, then write.
    Ask {
        /// The question.
        question: String,
        /// The write a yes makes.
        effect: Effect,
    },
}

/// `abc123 "Title" is RESOLVED. `: how a question starts that acts on an incident that
/// is over (its short id, its title made inert and cut to 40 columns, its status).
pub(super) fn ended_words(
    app: &App,
    incident: Option<Ulid>,
    status: crate::domain::Status,
) -> String {
    let title = incident
        .and_then(|id| app.incidents.get(&id))
        .map(|s| crate::format::shorten(&inert::line(&s.title), 40))
        .unwrap_or_default();
    let id = incident.map(short_id).unwrap_or_default();
    format!(
        "{id} \"{title}\" is {}. ",
        status.to_string().to_uppercase()
    )
}

/// A caution as the console's question about `incident`.
fn question(app: &App, incident: Option<Ulid>, caution: &Caution) -> String {
    match caution {
        Caution::Ended { status } => format!(
            "{}Log this entry to it anyway?",
            ended_words(app, incident, *status)
        ),
        Caution::PageEnded { status, who } => format!(
            "{}Page {} to it anyway?",
            ended_words(app, incident, *status),
            inert::line(who)
        ),
        Caution::CommanderPresent { commander } => {
            let commander = inert::line(commander);
            format!(
                "{commander} has a console open now and may be reachable. Assume command from {commander} anyway?"
            )
        }
        Caution::Stranger { name, doing } => {
            let name = inert::line(name);
            let doing = doing.ask(&name);
            format!("{name} is not on the roster and has no console open. {doing} anyway?")
        }
    }
}

/// Decides `request` about `incident` (`None`: one the request opens) for the app's
/// user: the write, or the refusal in the console's words.
pub(super) fn ask(
    app: &App,
    purpose: Purpose,
    incident: Option<Ulid>,
    request: Request,
) -> Result<Answer, String> {
    // The rules judge against the whole incident, never against a head read for the
    // switcher (a correction would not find its entry, a roster would look empty).
    if let Some(id) = incident.filter(|id| app.partial.contains(id)) {
        return Err(format!(
            "{} is still being read from the log; try again in a moment",
            short_id(id)
        ));
    }
    let watching: Vec<String> = app.outside.present.iter().map(|p| p.user.clone()).collect();
    let asked = Asked {
        state: incident.and_then(|id| app.incidents.get(&id).map(Box::as_ref)),
        playbook: &app.setup.playbook,
        actor: &app.setup.me,
        now: app.now,
        watching: &watching,
    };
    let write = |bodies: Vec<crate::domain::Body>| {
        let drafts = bodies
            .into_iter()
            .map(|body| NewEvent::now(incident, app.setup.me.clone(), body))
            .collect();
        Effect::Append { purpose, drafts }
    };
    match decide(request, &asked) {
        Ok(Decision::Record(bodies)) => Ok(Answer::Write(write(bodies))),
        Ok(Decision::Caution { caution, events }) => Ok(Answer::Ask {
            question: question(app, incident, &caution),
            effect: write(events),
        }),
        Ok(Decision::Nothing(notice)) => Ok(Answer::Nothing(notice.say())),
        Ok(Decision::AskChecklist(items)) => Ok(Answer::Checklist(items)),
        Err(refusal) => Err(refusal.say(&app.setup.me, &Console(&app.setup.keys))),
    }
}
