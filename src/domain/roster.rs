//! Who is on the incident, in which roles and states.

use std::collections::{BTreeMap, BTreeSet};

use ulid::Ulid;

use super::people::{ResponderState, Role};
use super::time::Timestamp;

/// One person on the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responder {
    /// Their name as written in the log.
    pub name: String,
    /// Their current state, once paged or engaged.
    pub state: Option<ResponderState>,
    /// When they entered the current state (or joined, with no state).
    pub since: Timestamp,
    /// Roles they hold now.
    pub roles: BTreeSet<Role>,
    /// Every state they passed through, oldest first.
    pub states: Vec<(ResponderState, Timestamp)>,
    /// How many times their current page was escalated, and when last.
    pub escalated: Option<(u32, Timestamp)>,
}

/// One role given or taken away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChange {
    /// The event that made the change.
    pub event: Ulid,
    /// When.
    pub at: Timestamp,
    /// Who recorded it.
    pub by: String,
    /// Whose role changed.
    pub person: String,
    /// Which role.
    pub role: Role,
    /// Given (true) or taken away (false).
    pub assigned: bool,
}

/// Whether two names are one person: names are one identity whatever their case
/// (`Alice` and `alice`) and the spaces around them, compared by Unicode lower case.
pub fn same_name(a: &str, b: &str) -> bool {
    a == b || name_key(a) == name_key(b)
}

/// The key a name is filed under: its Unicode lower case, without the spaces around.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Everyone on the incident, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    /// Responders by [`name_key`]; each keeps their name as first written.
    pub people: BTreeMap<String, Responder>,
    /// Every role change, oldest first.
    pub role_history: Vec<RoleChange>,
}

impl Roster {
    /// The person called `name` in any case, if on the roster.
    pub fn get(&self, name: &str) -> Option<&Responder> {
        self.people.get(&name_key(name))
    }

    /// `name` as the roster first wrote it (`alice` for `Alice` once `alice` is on it),
    /// else as given.
    pub fn spelling<'a>(&'a self, name: &'a str) -> &'a str {
        self.get(name).map_or(name.trim(), |p| p.name.as_str())
    }

    /// Adds a person with no state if they are not on the roster yet.
    pub fn join(&mut self, name: &str, at: Timestamp) -> &mut Responder {
        self.people
            .entry(name_key(name))
            .or_insert_with(|| Responder {
                name: name.trim().to_string(),
                state: None,
                since: at,
                roles: BTreeSet::new(),
                states: Vec::new(),
                escalated: None,
            })
    }

    /// Moves a person to a new state.
    pub fn set_state(&mut self, name: &str, state: ResponderState, at: Timestamp) {
        let person = self.join(name, at);
        if person.state != Some(state) {
            person.state = Some(state);
            person.since = at;
            person.states.push((state, at));
            // A new state is an answer (or a new page): escalation starts over.
            person.escalated = None;
        }
    }

    /// Gives or takes away a role; returns why nothing changed, if nothing did.
    pub fn set_role(&mut self, change: RoleChange) -> Option<String> {
        let person = self.join(&change.person, change.at);
        let changed = if change.assigned {
            person.roles.insert(change.role)
        } else {
            person.roles.remove(&change.role)
        };
        if !changed {
            let verb = if change.assigned { "already" } else { "not" };
            return Some(format!("{} is {verb} {}", change.person, change.role));
        }
        self.role_history.push(change);
        None
    }

    /// Since when `name` holds `role` (the latest time it was given), if they hold it.
    pub fn role_since(&self, name: &str, role: Role) -> Option<Timestamp> {
        if !self.get(name)?.roles.contains(&role) {
            return None;
        }
        self.role_history
            .iter()
            .rev()
            .find(|c| c.assigned && c.role == role && same_name(&c.person, name))
            .map(|c| c.at)
    }

    /// People holding a role now, by name.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &Responder> {
        self.people
            .values()
            .filter(move |p| p.roles.contains(&role))
    }
}
