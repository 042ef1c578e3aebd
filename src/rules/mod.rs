//! The incident rules, in one place: a [`Request`] (claim command, hand it off, page,
//! set the severity, resolve, add an action item, log an entry, ...) with the incident
//! as folded, the playbook, who asks and when ([`Asked`]) goes in; the events to
//! append ([`Decision::Record`]), or a typed [`Refusal`], come out.
//!
//! Pure: it knows the domain and the playbook, and nothing of terminals, files or
//! sockets. The console and the command line both call [`decide`], and each words a
//! refusal for its own user (the console names keys and palette commands, the shell
//! names `warroom` commands and flags).

mod decide;
mod lifecycle;
mod refusal;
mod request;
mod review;
mod roster;
mod triage;
mod watch;
mod words;

pub use decide::{decide, entry_caution};
pub use lifecycle::{check_status, declare_bodies, severity_bodies};
pub use refusal::{Caution, Doing, Notice, Refusal};
pub use request::{Request, SituationFields};
pub use review::{
    FieldError, ItemFields, MAX_DUE_DAYS, due_date, find_item, find_numbered, item_fields, missing,
};
pub use roster::order;
pub use triage::{Finish, Outcome, Target, finish as finish_triage, natural_finish, page_roles};
pub use watch::{Room, Warning, next_in_rotation, warnings};
pub use words::Wording;

use crate::domain::{Body, IncidentState, Timestamp};
use crate::playbook::Playbook;

/// What a request is decided against.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    /// The incident as folded (`None` when the request opens one).
    pub state: Option<&'a IncidentState>,
    /// The team's playbook.
    pub playbook: &'a Playbook,
    /// Who asks (their name in the log).
    pub actor: &'a str,
    /// When.
    pub now: Timestamp,
    /// Who has a console open on the database now (a handoff to one of them is not to
    /// a stranger); empty where nobody knows.
    pub watching: &'a [String],
}

/// What a request comes to when no rule refuses it.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// These events, to append in this order (on the incident asked about, or opening
    /// a new one when the first is an opening).
    Record(Vec<Body>),
    /// Nothing to write, and a word on why (not an error: you already hold command).
    Nothing(Notice),
    /// Resolving asks the playbook's checklist first: ask these items, then send the
    /// same request with the answers.
    AskChecklist(Vec<String>),
    /// Allowed, but easy to do by mistake: the console asks first (y/n) and appends
    /// `events` on a yes; the shell says the caution on stderr, or refuses unless a flag
    /// says it is meant (see [`Caution`]).
    Caution {
        /// What to be careful about.
        caution: Caution,
        /// The events to append once it is meant.
        events: Vec<Body>,
    },
}
