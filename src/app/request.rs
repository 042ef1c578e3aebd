//! What a line typed in the command palette asks for: a request to the incident rules
//! (mapped to [`crate::rules::Request`]) or something only the console does (switch,
//! open the review, change the theme...).

use crate::domain::{Audience, Body, ResponderState, Role, Severity};

/// What a palette line asks for, as parsed; the rules have not looked at it yet.
#[derive(Debug, Clone, PartialEq)]
pub enum PaletteRequest {
    /// Open an incident.
    Declare {
        /// The title.
        title: String,
        /// The severity, if given.
        severity: Option<Severity>,
    },
    /// Log an event on the shown incident.
    Log(Body),
    /// Set the severity (and declare if it meets the threshold).
    Severity {
        /// The new severity.
        severity: Severity,
        /// Why.
        reason: Option<String>,
    },
    /// Walk the triage questions, for a new incident when titled.
    Triage(Option<String>),
    /// Write a status update from the template.
    Update(Option<Audience>),
    /// Give or take a role.
    Role {
        /// Who.
        person: String,
        /// Which role.
        role: Role,
        /// Give (true) or take (false).
        assign: bool,
    },
    /// Page a person or a role's contacts.
    Page {
        /// A name or a role key.
        who: String,
        /// How they were reached.
        via: Option<String>,
    },
    /// Mark someone acknowledged, engaged or stood down (`None`: the user).
    Responder {
        /// Who.
        person: Option<String>,
        /// The new state.
        state: ResponderState,
    },
    /// Resolve with a code, after the checklist (asked when `None`).
    Resolve {
        /// The resolution code.
        code: String,
        /// What fixed it.
        summary: String,
        /// The checklist as answered; `None` asks it first.
        checklist: Option<Vec<crate::domain::Check>>,
    },
    /// Reopen a resolved incident.
    Reopen(Option<String>),
    /// Hand a resolved incident to problem management.
    Problem {
        /// Who owns the problem.
        owner: String,
        /// The root cause.
        root_cause: String,
        /// The permanent fix and its schedule.
        fix: Option<String>,
        /// A ticket.
        ticket: Option<String>,
    },
    /// Add a review finding.
    Finding {
        /// Which section.
        section: crate::domain::ReviewSection,
        /// The finding.
        text: String,
    },
    /// Open the briefing.
    Briefing,
    /// Record that the briefing was given (to someone).
    BriefingGiven(Option<String>),
    /// Add an objective.
    ObjectiveAdd {
        /// The objective.
        text: String,
        /// For later.
        planned: bool,
    },
    /// Move an objective (by number or id ending).
    ObjectiveMove {
        /// Which, as typed.
        objective: String,
        /// Where it goes.
        stage: crate::domain::ObjectiveStage,
    },
    /// Open a task.
    TaskAdd {
        /// What is to be done.
        text: String,
        /// Who does it.
        owner: Option<String>,
    },
    /// Move a task (by number or id ending).
    TaskMove {
        /// Which, as typed.
        task: String,
        /// Its new state.
        state: Option<crate::domain::TaskState>,
        /// Its new owner.
        owner: Option<String>,
    },
    /// Judge a hypothesis named by its entry id's ending.
    Judge {
        /// The entry, as typed.
        entry: String,
        /// The verdict.
        verdict: crate::domain::Verdict,
        /// Why.
        reason: Option<String>,
    },
    /// Correct an entry named by its id's ending: amend, strike or re-date it.
    Correct {
        /// The entry, as typed.
        entry: String,
        /// The new text.
        text: Option<String>,
        /// Strike it.
        strike: bool,
        /// Why.
        reason: Option<String>,
        /// When it truly happened, as typed: a time, then perhaps why.
        at: Option<String>,
    },
    /// Show only some kinds of entry or some people's (the words of `:filter`).
    Filter(Vec<String>),
    /// Show or hide entry ids in the timeline.
    Ids,
    /// Set fields of the situation: impact=, services=, regions=, start=, end=, next=.
    Situation(Vec<(String, String)>),
    /// Open an action item.
    ItemAdd {
        /// What needs doing.
        title: String,
        /// Fields: owner, due, priority.
        fields: Vec<(String, String)>,
    },
    /// Change an action item (by number in the list, or id ending).
    ItemUpdate {
        /// Which item.
        item: String,
        /// Fields: title, owner, due, priority, note.
        fields: Vec<(String, String)>,
    },
    /// Close an action item.
    ItemDone {
        /// Which item.
        item: String,
        /// A remark.
        note: Option<String>,
    },
    /// Show the review.
    ReviewView,
    /// Show the metrics.
    Metrics,
    /// Show the playbook.
    Playbook,
    /// Claim command for the user.
    Claim,
    /// Hand command to someone.
    Handoff(String),
    /// Read the briefing, to accept command offered to the user.
    Accept,
    /// Dismiss an inbox alert, saying why.
    Dismiss {
        /// The alert, as typed (the end of its id).
        alert: String,
        /// Why.
        reason: String,
    },
    /// Withdraw or decline the pending handoff.
    CancelHandoff,
    /// Assume command, saying why.
    Assume(String),
    /// Confirm command.
    Confirm,
    /// Show the switcher, or an incident by id.
    Switch(Option<String>),
    /// Change theme.
    Theme(String),
    /// Load the sample: into an empty database, or with `force` into this one anyway.
    Demo {
        /// Load it even though the database holds incidents.
        force: bool,
    },
    /// Show the help.
    Help,
    /// Quit.
    Quit,
}
