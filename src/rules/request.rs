//! What someone asks the incident rules for.

use chrono::NaiveDate;
use ulid::Ulid;

use crate::domain::{
    Body, Check, Priority, ResponderState, ReviewSection, Role, Severity, Timestamp,
};

/// Fields of the situation to set (see [`crate::domain::Situation`]); `None` leaves a
/// field as it is, an empty list clears services or regions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SituationFields {
    /// Who is affected, and how.
    pub impact: Option<String>,
    /// The services affected.
    pub services: Option<Vec<String>>,
    /// The regions affected.
    pub regions: Option<Vec<String>>,
    /// When customers were first affected.
    pub impact_start: Option<Timestamp>,
    /// When customers stopped being affected.
    pub impact_end: Option<Timestamp>,
    /// What is being done next.
    pub next_steps: Option<String>,
}

/// A request, before the rules have looked at the incident. Names are as typed (the
/// rules check them against the roster and the playbook).
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Open an incident, at `severity` when known (declared if that meets the threshold).
    Declare {
        /// One line saying what is wrong.
        title: String,
        /// When it was first noticed, if earlier than now.
        detected_at: Option<Timestamp>,
        /// The severity, if already known.
        severity: Option<Severity>,
    },
    /// Log an entry as it is (a note, a decision, a status update, a roster change...);
    /// a status change among them keeps the lifecycle's rules.
    Log(Body),
    /// Set the severity (declaring an incident in triage when it meets the threshold).
    SetSeverity {
        /// The new severity.
        severity: Severity,
        /// Why.
        reason: Option<String>,
    },
    /// Take command while nobody holds it.
    Claim,
    /// Acknowledge an inbox alert (the state asked about is its alert group).
    AlertAck,
    /// Dismiss an inbox alert, saying why.
    AlertDismiss {
        /// Why it needs nothing.
        reason: String,
    },
    /// Send an inbox alert to an incident (attached, or the one its triage declared).
    AlertAttach {
        /// The incident.
        incident: Ulid,
    },
    /// Offer command to someone (the commander only); it changes hands when they accept.
    Handoff {
        /// The incoming commander.
        to: String,
    },
    /// Accept the handoff pending to the one asking: they hold command from now.
    AcceptHandoff,
    /// Cancel the pending handoff: withdrawn by the commander, declined by the incoming one.
    CancelHandoff,
    /// Assume command from a commander who cannot hand it over, saying why.
    Assume {
        /// Why (required: it never happens silently).
        reason: String,
    },
    /// Confirm command, settling a conflicting claim (the commander only).
    Confirm,
    /// Give someone a role.
    Assign {
        /// Who.
        person: String,
        /// Which role.
        role: Role,
    },
    /// Take a role from someone.
    Unassign {
        /// Who.
        person: String,
        /// Which role.
        role: Role,
    },
    /// Page a person by name, or a role's escalation contacts from the playbook.
    Page {
        /// A name, or a role's key.
        who: String,
        /// How they were reached.
        via: Option<String>,
    },
    /// Mark someone paged, acknowledged, engaged or stood down.
    Responder {
        /// Who.
        person: String,
        /// The new state.
        state: ResponderState,
    },
    /// Resolve with a code from the playbook, after its checklist (asked first when
    /// `None` and the playbook has one).
    Resolve {
        /// The resolution code.
        code: String,
        /// What fixed it.
        summary: String,
        /// The checklist as answered.
        checklist: Option<Vec<Check>>,
    },
    /// Reopen a resolved incident that came back.
    Reopen {
        /// Why.
        reason: Option<String>,
    },
    /// Hand a resolved incident to problem management (which closes it).
    Problem {
        /// Who owns the problem.
        owner: String,
        /// The root cause.
        root_cause: String,
        /// The permanent fix and its schedule.
        fix: Option<String>,
        /// A ticket in the problem tracker.
        ticket: Option<String>,
    },
    /// Record that a briefing was given (to someone, or to the room).
    Brief {
        /// To whom.
        to: Option<String>,
    },
    /// Add an objective, current or planned.
    ObjectiveAdd {
        /// The objective.
        text: String,
        /// Current or planned.
        stage: crate::domain::ObjectiveStage,
    },
    /// Move an objective: current, planned, met or dropped.
    ObjectiveMove {
        /// The objective (the id of its adding event).
        objective: Ulid,
        /// Where it goes.
        stage: crate::domain::ObjectiveStage,
    },
    /// Open a task (work during the incident, not an action item for afterwards).
    TaskAdd {
        /// What is to be done.
        text: String,
        /// Who does it.
        owner: Option<String>,
    },
    /// Move a task: its state, its owner, or both.
    TaskMove {
        /// The task (the id of its adding event).
        task: Ulid,
        /// Its new state.
        state: Option<crate::domain::TaskState>,
        /// Its new owner.
        owner: Option<String>,
    },
    /// Judge a hypothesis: confirmed, ruled out (with a reason), or open again.
    Judge {
        /// The hypothesis entry.
        target: Ulid,
        /// The verdict.
        verdict: crate::domain::Verdict,
        /// Why (required to rule one out).
        reason: Option<String>,
    },
    /// Set fields of the situation; those left `None` stay as they are.
    Situation(SituationFields),
    /// Add a finding to the post-incident review.
    Finding {
        /// Which section.
        section: ReviewSection,
        /// The finding.
        text: String,
    },
    /// Open an action item.
    ItemAdd {
        /// What needs doing.
        title: String,
        /// Who owns it.
        owner: Option<String>,
        /// When it is due.
        due: Option<NaiveDate>,
        /// How urgent it is.
        priority: Option<Priority>,
    },
    /// Change an action item; fields left `None` stay as they are.
    ItemUpdate {
        /// The item (the id of its opening event).
        item: Ulid,
        /// A new title.
        title: Option<String>,
        /// A new owner.
        owner: Option<String>,
        /// A new due date.
        due: Option<NaiveDate>,
        /// A new priority.
        priority: Option<Priority>,
        /// A remark.
        note: Option<String>,
    },
    /// Mark an action item done.
    ItemDone {
        /// The item.
        item: Ulid,
        /// A remark.
        note: Option<String>,
    },
    /// End a drill: it is closed, saying why (a drill resolved by the team is closed
    /// the same way once scored).
    EndDrill {
        /// Its runner was stopped before its time was up.
        interrupted: bool,
    },
    /// Correct a typed entry: amend its text, strike it, or re-date it (when it truly
    /// happened); the original stays in the record.
    Correct {
        /// The entry corrected.
        target: Ulid,
        /// The new text, when amending.
        text: Option<String>,
        /// Strike it (it stays visible, marked as struck).
        strike: bool,
        /// Why (kept with the correction).
        reason: Option<String>,
        /// When it truly happened, when re-dating.
        at: Option<Timestamp>,
    },
    /// Finish a triage walk: declare (or record a re-triage), or route below the
    /// threshold to the service desk.
    Triage {
        /// A new incident's title, or the incident triaged (the one asked about).
        target: super::Target,
        /// The answer chosen for each question (by index), in the playbook's order.
        answers: Vec<Option<usize>>,
        /// Declare or route.
        outcome: super::Outcome,
    },
}

impl Request {
    /// The people this request names (a new commander, a responder, an owner), as typed.
    pub fn people(&self) -> Vec<&str> {
        match self {
            Request::Handoff { to } => vec![to],
            Request::Assign { person, .. }
            | Request::Unassign { person, .. }
            | Request::Responder { person, .. } => vec![person],
            Request::Page { who, .. } => vec![who],
            Request::Problem { owner, .. } => vec![owner],
            Request::Brief { to } => to.as_deref().into_iter().collect(),
            Request::TaskAdd { owner, .. } | Request::TaskMove { owner, .. } => {
                owner.as_deref().into_iter().collect()
            }
            Request::ItemAdd { owner, .. } | Request::ItemUpdate { owner, .. } => {
                owner.as_deref().into_iter().collect()
            }
            Request::Log(body) => body.people().collect(),
            _ => Vec::new(),
        }
    }
}
