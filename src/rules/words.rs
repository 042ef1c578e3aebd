//! Refusals and notices in words. The sentences are shared; what they name for the
//! next step (a palette command and a key in the console, a `warroom` command and a
//! flag in a shell) comes from the front end's [`Wording`].

use super::refusal::listed_roles;
use super::{Notice, Refusal};

/// How a front end names the next step.
pub trait Wording {
    /// How to run `line` (a command as the palette and the command line both spell it,
    /// like `reopen` or `page ROLE`): `:reopen`, or `` `warroom reopen` ``.
    fn command(&self, line: &str) -> String;
    /// How to open a new incident: `:declare TITLE`, or `` `warroom declare --title TITLE` ``.
    fn declare(&self) -> String;
    /// How to route a triage below the threshold, and how to change an answer.
    fn route_or_change(&self) -> (String, String);
    /// How to declare from triage.
    fn declare_from_triage(&self) -> String;
}

impl Refusal {
    /// The refusal in words for `actor` (who asked), naming the next step `how` does.
    pub fn say(&self, actor: &str, how: &dyn Wording) -> String {
        let resolve = || how.command("resolve CODE SUMMARY");
        match self {
            Refusal::NoIncident => format!("no incident shown: {} opens one", how.declare()),
            Refusal::CommandHeldBy { holder } => format!(
                "{holder} holds command; ask them to hand it to you ({}, then {}), or if they cannot be reached assume it ({})",
                how.command(&format!("handoff {actor}")),
                how.command("accept"),
                how.command("assume REASON")
            ),
            Refusal::HandoffNotCommander { holder } => format!(
                "only the commander can hand off, and {} holds command",
                holder.as_deref().unwrap_or("nobody")
            ),
            Refusal::ConfirmNotCommander => "only the commander can confirm command".into(),
            Refusal::RoleNotInPlaybook { role, listed } => format!(
                "{role} is not one of this team's roles: the playbook {}; add `{}` to its roles to use it",
                listed_roles(listed),
                role.key()
            ),
            Refusal::AlreadyInRole { person, role } => format!("{person} is already {role}"),
            Refusal::NotInRole { person, role } => format!("{person} is not {role}"),
            Refusal::NoContacts { role } => {
                format!("the playbook lists no contacts for {role}; page a person by name")
            }
            Refusal::UnknownResolutionCode { code, allowed } => format!(
                "'{code}' is not a resolution code; the playbook allows: {}",
                allowed.join(", ")
            ),
            Refusal::AlreadyEnded { status } => format!(
                "already {status}; {} it first if it came back",
                how.command("reopen")
            ),
            Refusal::NothingToReopen { status } => {
                format!("it is {status}, not resolved: nothing to reopen")
            }
            Refusal::ProblemBeforeResolve => {
                "resolve it first: problem management takes over once service is restored".into()
            }
            Refusal::ProblemAlreadyHandedOff => {
                "it was already handed to problem management".into()
            }
            Refusal::ItemAlreadyDone => "that action item is already done".into(),
            Refusal::StatusUnchanged { status } => format!("it is already {status}"),
            Refusal::ResolveNeedsCode => format!(
                "resolving takes a resolution code and the checklist: {}",
                resolve()
            ),
            Refusal::CloseBeforeResolve { from } => {
                format!(
                    "it is {from}: resolve it first ({}), then close it",
                    resolve()
                )
            }
            Refusal::ProblemOwnsIt => {
                "problem management owns it now; declare a new incident if it came back".into()
            }
            Refusal::SeverityUnknown => {
                "answer the questions first: the severity is not known yet".into()
            }
            Refusal::BelowThreshold {
                severity,
                threshold,
            } => {
                let (route, change) = how.route_or_change();
                format!(
                    "{severity} is below the threshold to declare ({threshold:?}): route it to the service desk ({route}), or change an answer ({change})"
                )
            }
            Refusal::MeetsThreshold {
                severity,
                threshold,
            } => format!(
                "{severity} meets the threshold ({threshold:?}): declare it ({})",
                how.declare_from_triage()
            ),
            Refusal::DeclaredNotRouted => "a declared incident is resolved, not routed".into(),
            Refusal::CommanderStandsDown { commander } => format!(
                "{commander} holds command and cannot be stood down: hand command off first ({})",
                how.command("handoff NAME")
            ),
            Refusal::NotAnAlert => format!(
                "that is not an alert in the inbox: {} lists them",
                how.command("alerts")
            ),
            Refusal::NoHandoffPending => format!(
                "no handoff is pending: the commander offers one ({})",
                how.command("handoff NAME")
            ),
            Refusal::HandoffNotYours { from, to } if crate::domain::same_name(actor, to) => {
                format!("the handoff from {from} is yours to accept or decline")
            }
            Refusal::HandoffNotYours { from, to } => format!(
                "the handoff is {from}'s to withdraw or {to}'s to accept or decline, not yours"
            ),
            Refusal::NoName => "a name is empty: give the person's name".into(),
            Refusal::NoText => "say what it is: the text is empty".into(),
            Refusal::NobodyToAssumeFrom => format!(
                "nobody holds command to assume it from: claim it ({})",
                how.command("claim")
            ),
            Refusal::NoChange => "it is so already: nothing would change".into(),
            Refusal::NotFound { what } => format!(
                "no such {what} on this incident: {} lists them with their numbers",
                how.command("show")
            ),
            Refusal::NotAHypothesis => {
                "that entry is not a hypothesis: only hypotheses are confirmed or ruled out (strike an entry logged by mistake)".into()
            }
            Refusal::StruckEntry => {
                "that hypothesis was struck as logged by mistake: it is not judged".into()
            }
            Refusal::ReasonNeeded => "say why: the reason stays in the record".into(),
            Refusal::NotTyped { kind } => format!(
                "that is a {kind} entry, not typed text: record a new event instead (for example a new severity or status)"
            ),
            Refusal::NothingToCorrect => {
                "say what to correct: a new text (not empty), a strike, or when it happened".into()
            }
            Refusal::InTheFuture => {
                "that time is in the future: give when it happened".into()
            }
            Refusal::NothingToSet => format!(
                "nothing to set: give a field, as in {}",
                how.command("situation impact=EU card payments fail next=roll back 4512")
            ),
            Refusal::ImpactEndsBeforeStart => {
                "the customer impact would end before it starts: check the two times".into()
            }
            Refusal::AlreadyRouted => format!(
                "it was routed to the service desk already; declare it if it is worse ({})",
                how.declare_from_triage()
            ),
            Refusal::NotADrill => {
                "it is a real incident, not a drill: it ends by being resolved".into()
            }
        }
    }
}

impl Notice {
    /// The notice in words.
    pub fn say(&self) -> String {
        match self {
            Notice::AlreadyCommander => "you already hold command".into(),
            Notice::DrillEnded => "the drill has ended already".into(),
            Notice::NoConflict => "no conflicting claim to settle: you hold command".into(),
            Notice::HandoffPending { to } => {
                format!("command is already offered to {to}; it waits for them to accept")
            }
        }
    }
}
