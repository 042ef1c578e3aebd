//! The roster's order and the actions on the selected responder.

use super::record::{self, Answer};
use super::{App, Effect, Purpose};
use crate::domain::{ResponderState, Role, same_name};
use crate::rules::Request;

pub use crate::rules::order;

/// Every name the roster pane lists, in its order: the responders (as
/// [`order`] sorts them), then each person with a console open on the database who
/// is not one of them (once, however many consoles), so a watcher is reached by
/// moving down the pane and can be acted on (paged, engaged) as a responder is.
pub fn names(app: &App, state: &crate::domain::IncidentState) -> Vec<String> {
    let mut names: Vec<String> = order(state).iter().map(|p| p.name.clone()).collect();
    for p in &app.outside.present {
        if !names.iter().any(|n| same_name(n, &p.user)) {
            names.push(p.user.clone());
        }
    }
    names
}

/// The selected row's position in `names` (as [`names`] lists them): the first when
/// nobody is selected or the selected name is not listed.
pub fn cursor(app: &App, names: &[String]) -> usize {
    app.roster_selected
        .as_deref()
        .and_then(|name| names.iter().position(|n| same_name(n, name)))
        .unwrap_or(0)
}

/// The name of the selected responder (or watcher), if any.
pub fn selected(app: &App) -> Option<String> {
    let state = app.incident()?;
    let names = names(app, state);
    names.get(cursor(app, &names)).cloned()
}

/// Carries out a roster action on the selected responder. Every key that changes
/// someone's state, pages them or moves command asks first (y/n), so a word typed into
/// the roster by mistake acts on nobody; giving a role opens the palette to name it.
pub fn act(app: &mut App, action: super::Action) -> Vec<Effect> {
    use super::Action::*;
    if app.setup.read_only.is_some() {
        app.notice = Some("read-only database: nothing can be recorded here".into());
        return Vec::new();
    }
    let Some(incident) = app.shown else {
        app.notice = Some("no incident shown: :declare TITLE opens one".into());
        return Vec::new();
    };
    let person = selected(app);
    let responder = |person: &String, state| Request::Responder {
        person: person.clone(),
        state,
    };
    let (request, question) = match (action, &person) {
        (Claim, _) => (
            Request::Claim,
            "Take command of this incident yourself?".into(),
        ),
        (ConfirmCommand, _) => (
            Request::Confirm,
            "Confirm that you hold command, settling the conflict?".into(),
        ),
        (Acknowledge, Some(p)) => (
            responder(p, ResponderState::Acknowledged),
            format!("Mark {} acknowledged (they answered the page)?", shown(p)),
        ),
        (Engage, Some(p)) => (
            responder(p, ResponderState::Engaged),
            format!("Mark {} engaged (working on it)?", shown(p)),
        ),
        (StandDown, Some(p)) => (
            responder(p, ResponderState::StoodDown),
            format!("Stand {} down (released from the incident)?", shown(p)),
        ),
        (Page, Some(p)) => (
            Request::Page {
                who: p.clone(),
                via: None,
            },
            {
                let again = app
                    .incident()
                    .and_then(|s| s.roster.get(p))
                    .is_some_and(|r| r.states.iter().any(|(st, _)| *st == ResponderState::Paged));
                format!("Page {}{}?", shown(p), if again { " again" } else { "" })
            },
        ),
        (HandOff, Some(p)) => (
            Request::Handoff { to: p.clone() },
            format!(
                "Offer command of this incident to {}? You hold it until they accept.",
                shown(p)
            ),
        ),
        (AcceptHandoff, _) => {
            let from = pending(app).map(|(from, _)| from).unwrap_or_default();
            (
                Request::AcceptHandoff,
                format!("Take command from {} now?", shown(&from)),
            )
        }
        (CancelHandoff, _) => {
            let (from, to) = pending(app).unwrap_or_default();
            let mine = same_name(&to, &app.setup.me);
            (
                Request::CancelHandoff,
                if mine {
                    format!("Decline command offered by {}?", shown(&from))
                } else {
                    format!("Withdraw the handoff to {}? You keep command.", shown(&to))
                },
            )
        }
        (AssignRole, Some(p)) => {
            app.prefill_palette(&format!("assign {p} "));
            return Vec::new();
        }
        (RemoveRole, Some(p)) => {
            let roles: Vec<Role> = app
                .incident()
                .and_then(|s| s.roster.get(p))
                .map(|r| r.roles.iter().copied().collect())
                .unwrap_or_default();
            match roles.as_slice() {
                [] => {
                    app.notice = Some(format!("{} holds no role to take", shown(p)));
                    return Vec::new();
                }
                [role] => (
                    Request::Unassign {
                        person: p.clone(),
                        role: *role,
                    },
                    format!("Take the role {role} from {}?", shown(p)),
                ),
                _ => {
                    // Several roles: the palette names the one to take.
                    app.prefill_palette(&format!("unassign {p} "));
                    return Vec::new();
                }
            }
        }
        _ => {
            app.notice = Some("nobody on the roster yet: :page NAME adds someone".into());
            return Vec::new();
        }
    };
    // On an incident that is over, the question says so first: paging someone or
    // taking command there is most likely meant for another incident.
    let over = app
        .incident()
        .filter(|s| !s.status.is_open())
        .map(|state| record::ended_words(app, Some(state.id), state.status));
    // (Unless the rules' own question says it already, as for a page.)
    let said = |question: String| match &over {
        Some(over) if !question.starts_with(over.as_str()) => over.clone() + &question,
        _ => question,
    };
    match record::ask(app, Purpose::Palette, Some(incident), request) {
        Ok(Answer::Write(effect)) => app.ask_first(said(question), effect),
        Ok(Answer::Ask { question, effect }) => app.ask_first(said(question), effect),
        Ok(Answer::Nothing(said)) | Err(said) => {
            app.notice = Some(said);
            Vec::new()
        }
        Ok(Answer::Checklist(_)) => Vec::new(),
    }
}

/// The pending handoff of the incident shown: who offers command, and to whom.
pub fn pending(app: &App) -> Option<(String, String)> {
    let pending = app.incident()?.command.pending.as_ref()?;
    Some((pending.from.clone(), pending.to.clone()))
}

fn shown(name: &str) -> String {
    crate::inert::line(name).into_owned()
}
