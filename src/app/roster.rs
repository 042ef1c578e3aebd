//! The roster's order and the actions on the selected responder.

use super::palette::PaletteRequest;
use super::{App, Effect, commands};
use crate::domain::{Body, Responder};

pub use crate::rules::order;

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

/// Carries out a roster action on the selected responder.
pub fn act(app: &mut App, action: super::Action) -> Vec<Effect> {
    use super::Action::*;
    let person = selected(app);
    let need = |app: &mut App| {
        app.notice = Some("nobody on the roster yet: :page NAME adds someone".into());
        Vec::new()
    };
    let log = |app: &mut App, body: Body| commands::run(app, PaletteRequest::Log(body));
    match (action, person) {
        (Claim, _) => commands::run(app, PaletteRequest::Claim),
        (ConfirmCommand, _) => commands::run(app, PaletteRequest::Confirm),
        (Acknowledge, Some(person)) => log(app, Body::ResponderAcknowledged { person }),
        (Engage, Some(person)) => log(app, Body::ResponderEngaged { person }),
        (StandDown, Some(person)) => log(app, Body::ResponderStoodDown { person }),
        (Page, Some(person)) => log(app, Body::ResponderPaged { person, via: None }),
        (HandOff, Some(person)) => {
            app.prefill_palette(&format!("handoff {person}"));
            Vec::new()
        }
        (AssignRole, Some(person)) => {
            app.prefill_palette(&format!("assign {person} "));
            Vec::new()
        }
        (RemoveRole, Some(person)) => {
            app.prefill_palette(&format!("unassign {person} "));
            Vec::new()
        }
        _ => need(app),
    }
}
