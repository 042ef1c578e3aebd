//! The roster: who is on it in what order, and the rules on roles and paging.

use crate::domain::{Body, IncidentState, Responder, ResponderState, Role, same_name};
use crate::playbook::Playbook;

use super::Refusal;

/// The roster in display order: the commander, then by how engaged, then by name.
pub fn order(state: &IncidentState) -> Vec<&Responder> {
    let commander = state.command.commander.as_deref();
    let rank = |p: &Responder| match p.state {
        _ if commander.is_some_and(|c| same_name(c, &p.name)) => 0,
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

fn not_in_playbook(playbook: &Playbook, role: Role) -> Refusal {
    Refusal::RoleNotInPlaybook {
        role,
        listed: playbook.roles.clone(),
    }
}

/// Giving (`assign`) or taking a role.
pub(super) fn role(
    state: &IncidentState,
    playbook: &Playbook,
    person: String,
    role: Role,
    assign: bool,
) -> Result<Vec<Body>, Refusal> {
    let holds = state
        .roster
        .get(&person)
        .is_some_and(|p| p.roles.contains(&role));
    match (assign, holds) {
        (true, _) if !playbook.roles.contains(&role) => Err(not_in_playbook(playbook, role)),
        (true, true) => Err(Refusal::AlreadyInRole { person, role }),
        (false, false) => Err(Refusal::NotInRole { person, role }),
        (true, _) => Ok(vec![Body::RoleAssigned { person, role }]),
        (false, _) => Ok(vec![Body::RoleRemoved { person, role }]),
    }
}

/// Paging a person by name, or a role's contacts from the playbook.
pub(super) fn page(
    state: &IncidentState,
    playbook: &Playbook,
    who: String,
    via: Option<String>,
) -> Result<Vec<Body>, Refusal> {
    match who.parse::<Role>() {
        Ok(role) if !playbook.roles.contains(&role) && state.roster.get(&who).is_none() => {
            Err(not_in_playbook(playbook, role))
        }
        Ok(role) if playbook.contacts_for(role).next().is_some() => Ok(playbook
            .contacts_for(role)
            .map(|c| Body::ResponderPaged {
                person: c.name.clone(),
                via: Some(via.clone().unwrap_or_else(|| c.reach.clone())),
            })
            .collect()),
        Ok(role) if state.roster.get(&who).is_none() => Err(Refusal::NoContacts { role }),
        _ => Ok(vec![Body::ResponderPaged { person: who, via }]),
    }
}

/// A responder's new state, as an event.
pub(super) fn responder(person: String, state: ResponderState) -> Body {
    match state {
        ResponderState::Acknowledged => Body::ResponderAcknowledged { person },
        ResponderState::Engaged => Body::ResponderEngaged { person },
        ResponderState::StoodDown => Body::ResponderStoodDown { person },
        ResponderState::Paged => Body::ResponderPaged { person, via: None },
    }
}

/// The names among `bodies` are people: none is blank, and the commander is not stood
/// down while holding command (unless the same batch hands command on first).
pub(super) fn check_names(state: Option<&IncidentState>, bodies: &[Body]) -> Result<(), Refusal> {
    let mut commander = state.and_then(|s| s.command.commander.clone());
    for body in bodies {
        if body.people().any(|name| name.trim().is_empty()) {
            return Err(Refusal::NoName);
        }
        match body {
            Body::CommandHandedOff { to, .. } | Body::HandoffAccepted { to, .. } => {
                commander = Some(to.clone());
            }
            Body::ResponderStoodDown { person } => {
                if let Some(holder) = commander.as_deref().filter(|c| same_name(c, person)) {
                    return Err(Refusal::CommanderStandsDown {
                        commander: holder.to_string(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}
