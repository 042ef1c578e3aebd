//! The roster's order and the actions on the selected responder.

use super::palette::Command;
use super::{App, Effect, Overlay, commands};
use crate::domain::{Body, IncidentState, Responder, ResponderState};

/// The roster in display order: the commander, then by how engaged, then by name.
pub fn order(state: &IncidentState) -> Vec<&Responder> {
    let commander = state.command.commander.as_deref();
    let rank = |p: &Responder| match p.state {
        _ if commander == Some(p.name.as_str()) => 0,
        Some(ResponderState::Engaged) => 1,
        Some(ResponderState::Acknowledged) => 2,
        Some(ResponderState::Paged) => 3,
        None => 4,
        Some(ResponderState::StoodDown) => 5,
    };
    let mut people: Vec<&Responder> = state.roster.people.values().collect();
    people.sort_by(|a, b| (rank(a), &a.name).cmp(&(rank(b), &b.name)));
    people
}

/// The selected responder's position in `people` (the roster in display order): the
/// first when nobody is selected or the selected name is not listed.
pub fn cursor(app: &App, people: &[&Responder]) -> usize {
    app.roster_selected
        .as_deref()
        .and_then(|name| people.iter().position(|p| p.name == name))
        .unwrap_or(0)
}

/// The name of the selected responder, if any.
pub fn selected(app: &App) -> Option<String> {
    let state = app.incident()?;
    let people = order(state);
    people.get(cursor(app, &people)).map(|p| p.name.clone())
}

/// Opens the palette with a command started, for actions that need a word more.
pub(super) fn prefill(app: &mut App, text: &str) {
    let mut overlay = Overlay::palette();
    if let Overlay::Palette { input, .. } = &mut overlay {
        input.insert_str(text);
    }
    app.overlays.push(overlay);
}

/// Carries out a roster action on the selected responder.
pub fn act(app: &mut App, action: super::Action) -> Vec<Effect> {
    use super::Action::*;
    let person = selected(app);
    let need = |app: &mut App| {
        app.notice = Some("nobody on the roster yet: :page NAME adds someone".into());
        Vec::new()
    };
    let log = |app: &mut App, body: Body| commands::run(app, Command::Log(body));
    match (action, person) {
        (Claim, _) => commands::run(app, Command::Claim),
        (ConfirmCommand, _) => commands::run(app, Command::Confirm),
        (Acknowledge, Some(person)) => log(app, Body::ResponderAcknowledged { person }),
        (Engage, Some(person)) => log(app, Body::ResponderEngaged { person }),
        (StandDown, Some(person)) => log(app, Body::ResponderStoodDown { person }),
        (Page, Some(person)) => log(app, Body::ResponderPaged { person, via: None }),
        (HandOff, Some(person)) => {
            prefill(app, &format!("handoff {person}"));
            Vec::new()
        }
        (AssignRole, Some(person)) => {
            prefill(app, &format!("assign {person} "));
            Vec::new()
        }
        (RemoveRole, Some(person)) => {
            prefill(app, &format!("unassign {person} "));
            Vec::new()
        }
        _ => need(app),
    }
}
