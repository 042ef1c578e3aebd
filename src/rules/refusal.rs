//! Why the rules refuse a request, and what they say when there is nothing to do. Each
//! front end words these for its own user.

use crate::domain::{Role, Severity, Status};

/// A rule a request would break. Nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The request is about an incident, and none was given.
    #[error("no incident")]
    NoIncident,
    /// Someone else holds command: they hand it off.
    #[error("{holder} holds command")]
    CommandHeldBy {
        /// Who holds it.
        holder: String,
    },
    /// Only the commander hands command off.
    #[error("only the commander can hand off")]
    HandoffNotCommander {
        /// Who holds command, if anyone.
        holder: Option<String>,
    },
    /// Only the commander confirms command.
    #[error("only the commander can confirm command")]
    ConfirmNotCommander,
    /// The playbook's roles leave this one out.
    #[error("{role} is not one of this team's roles")]
    RoleNotInPlaybook {
        /// The role asked for.
        role: Role,
        /// The roles the playbook lists.
        listed: Vec<Role>,
    },
    /// They hold the role already.
    #[error("{person} is already {role}")]
    AlreadyInRole {
        /// Who.
        person: String,
        /// The role.
        role: Role,
    },
    /// They do not hold the role.
    #[error("{person} is not {role}")]
    NotInRole {
        /// Who.
        person: String,
        /// The role.
        role: Role,
    },
    /// Paging a role whose contacts the playbook does not list.
    #[error("the playbook lists no contacts for {role}")]
    NoContacts {
        /// The role.
        role: Role,
    },
    /// A resolution code the playbook does not allow.
    #[error("'{code}' is not a resolution code")]
    UnknownResolutionCode {
        /// The code given.
        code: String,
        /// The codes allowed.
        allowed: Vec<String>,
    },
    /// Resolving an incident that is not open.
    #[error("already {status}")]
    AlreadyEnded {
        /// Its status.
        status: Status,
    },
    /// Reopening an incident that is open.
    #[error("it is {status}, not resolved")]
    NothingToReopen {
        /// Its status.
        status: Status,
    },
    /// Handing an open incident to problem management.
    #[error("resolve it first")]
    ProblemBeforeResolve,
    /// Handing an incident to problem management twice.
    #[error("already handed to problem management")]
    ProblemAlreadyHandedOff,
    /// Closing an action item that is closed.
    #[error("that action item is already done")]
    ItemAlreadyDone,
    /// A status change to the status it has.
    #[error("it is already {status}")]
    StatusUnchanged {
        /// The status.
        status: Status,
    },
    /// Resolving by a status change: resolving takes a code and the checklist.
    #[error("resolving takes a resolution code and the checklist")]
    ResolveNeedsCode,
    /// Closing an open incident.
    #[error("it is {from}: resolve it first")]
    CloseBeforeResolve {
        /// Its status.
        from: Status,
    },
    /// Reopening an incident problem management owns.
    #[error("problem management owns it now")]
    ProblemOwnsIt,
    /// Finishing triage before the severity is known.
    #[error("the severity is not known yet")]
    SeverityUnknown,
    /// Declaring below the threshold.
    #[error("{severity} is below the threshold to declare")]
    BelowThreshold {
        /// The severity.
        severity: Severity,
        /// The threshold.
        threshold: Severity,
    },
    /// Routing at or above the threshold.
    #[error("{severity} meets the threshold")]
    MeetsThreshold {
        /// The severity.
        severity: Severity,
        /// The threshold.
        threshold: Severity,
    },
    /// Routing an incident already declared.
    #[error("a declared incident is resolved, not routed")]
    DeclaredNotRouted,
    /// Standing the commander down while they hold command.
    #[error("{commander} holds command")]
    CommanderStandsDown {
        /// The commander.
        commander: String,
    },
    /// A change to what it is already.
    #[error("nothing would change")]
    NoChange,
    /// Assuming command when nobody holds it (claim it instead).
    #[error("nobody holds command")]
    NobodyToAssumeFrom,
    /// An objective or a task with no words.
    #[error("no text given")]
    NoText,
    /// An objective or a task that is not on this incident.
    #[error("no such {what}")]
    NotFound {
        /// `objective` or `task`.
        what: &'static str,
    },
    /// Correcting an entry that is not typed text (a severity, a claim): those are
    /// changed by recording a new event.
    #[error("a {kind} entry is not typed text")]
    NotTyped {
        /// The entry's kind.
        kind: String,
    },
    /// A correction that changes nothing: no text (or an empty one), no strike, no time.
    #[error("nothing to correct")]
    NothingToCorrect,
    /// Re-dating an entry to a time that has not come yet.
    #[error("the time is in the future")]
    InTheFuture,
    /// Judging an entry that is not a hypothesis.
    #[error("not a hypothesis")]
    NotAHypothesis,
    /// Judging a hypothesis that was struck as logged by mistake.
    #[error("the entry was struck")]
    StruckEntry,
    /// Ruling a hypothesis out without saying why.
    #[error("ruling out needs a reason")]
    ReasonNeeded,
    /// A situation change that sets nothing.
    #[error("nothing to set")]
    NothingToSet,
    /// Customer impact that ends before it starts.
    #[error("the impact ends before it starts")]
    ImpactEndsBeforeStart,
    /// Routing an alert that is routed already.
    #[error("already routed")]
    AlreadyRouted,
    /// Ending as a drill an incident that is real.
    #[error("not a drill")]
    NotADrill,
    /// An inbox action on something that is not an inbox alert.
    #[error("not an inbox alert")]
    NotAnAlert,
    /// Accepting or cancelling a handoff when none is pending.
    #[error("no handoff is pending")]
    NoHandoffPending,
    /// Accepting a handoff offered to someone else, or cancelling one that is neither
    /// yours to withdraw nor yours to decline.
    #[error("the handoff is between {from} and {to}")]
    HandoffNotYours {
        /// The commander offering it.
        from: String,
        /// The incoming commander.
        to: String,
    },
    /// A request naming nobody: an empty or blank name.
    #[error("no name given")]
    NoName,
}

/// A request the rules allow that is easy to make by mistake: the console asks first,
/// the shell warns (an entry) or wants a flag (a handoff).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caution {
    /// An entry for an incident that is resolved or closed.
    Ended {
        /// Its status.
        status: Status,
    },
    /// Command assumed from a commander who has a console open now: they may well be
    /// reachable.
    CommanderPresent {
        /// The commander.
        commander: String,
    },
    /// A page for an incident that is resolved or closed: it reaches a person about
    /// an incident that is over (likely the wrong incident).
    PageEnded {
        /// The incident's status.
        status: crate::domain::Status,
        /// Whom the page is for: a name, or a role as asked.
        who: String,
    },
    /// Command handed to someone, or a responder's state set for someone, who is
    /// neither on the roster nor watching in a console: likely a name typed wrong.
    Stranger {
        /// The name given.
        name: String,
        /// What was asked for them.
        doing: Doing,
    },
}

/// What was asked for someone the room does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing {
    /// Command handed to them.
    Command,
    /// A responder's state set for them.
    State(crate::domain::ResponderState),
    /// A task given to them.
    Owner,
}

impl Doing {
    /// In words for `name`, as a question's start: `Hand command to bob`.
    pub fn ask(self, name: &str) -> String {
        match self {
            Doing::Command => format!("Hand command to {name}"),
            Doing::State(state) => format!("Mark {name} {}", state.label()),
            Doing::Owner => format!("Give the task to {name}"),
        }
    }

    /// In words for a shell's refusal: `hand command to them`.
    pub fn tell(self) -> String {
        match self {
            Doing::Command => "hand command to them".into(),
            Doing::State(state) => format!("mark them {}", state.label()),
            Doing::Owner => "give them the task".into(),
        }
    }
}

/// Why a request writes nothing, though nothing is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Claiming command one holds already.
    AlreadyCommander,
    /// Ending a drill that is closed already.
    DrillEnded,
    /// Confirming command with no conflict to settle.
    NoConflict,
    /// Offering command to the person it is already offered to.
    HandoffPending {
        /// Who it is offered to.
        to: String,
    },
}

/// The roles a playbook lists, in words, for a refusal: "lists only deputy, scribe".
pub fn listed_roles(listed: &[Role]) -> String {
    if listed.is_empty() {
        "lists no roles besides the commander".to_string()
    } else {
        let keys: Vec<&str> = listed.iter().map(|r| r.key()).collect();
        format!("lists only {}", keys.join(", "))
    }
}
