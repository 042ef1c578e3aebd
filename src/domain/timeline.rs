//! Timeline entries: every event, in total order, with corrections attached.

use std::sync::Arc;

use super::event::{Body, Event};
use super::people::Audience;

/// What sort of line an entry is, for markers and filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// The incident was opened.
    Opened,
    /// An alert arrived.
    Alert,
    /// A free note.
    Note,
    /// A hypothesis.
    Hypothesis,
    /// A decision.
    Decision,
    /// An action taken.
    Action,
    /// A status update to one audience.
    StatusUpdate(Audience),
    /// Severity set or changed.
    Severity,
    /// Lifecycle status changed.
    Status,
    /// Command claimed, handed off or confirmed.
    Command,
    /// A role or responder state changed.
    Roster,
    /// An action item opened, updated or closed.
    ActionItem,
    /// The incident was resolved.
    Resolution,
    /// Triage routed it to the service desk instead of declaring it.
    Routed,
    /// A resolved incident was handed to problem management.
    Problem,
    /// An earlier entry was amended or struck.
    Correction,
    /// A finding for the post-incident review.
    Review,
    /// The situation (impact, services, next steps) changed.
    Situation,
    /// An objective added or moved.
    Objective,
    /// A task added or moved.
    Task,
    /// A kind this version does not know.
    Unknown,
}

impl Category {
    /// The category of an event body.
    pub fn of(body: &Body) -> Category {
        match body {
            Body::IncidentOpened { .. } => Category::Opened,
            Body::HookRan { .. } => Category::Note,
            Body::Escalated { .. } => Category::Roster,
            Body::Alert { .. }
            | Body::AlertReceived { .. }
            | Body::AlertAcknowledged {}
            | Body::AlertDismissed { .. }
            | Body::AlertAttached { .. } => Category::Alert,
            Body::Note { .. } => Category::Note,
            Body::Hypothesis { .. } => Category::Hypothesis,
            Body::Decision { .. } => Category::Decision,
            Body::Action { .. } => Category::Action,
            Body::StatusUpdate { audience, .. } => Category::StatusUpdate(*audience),
            Body::SeveritySet { .. } => Category::Severity,
            Body::StatusChanged { .. } => Category::Status,
            Body::CommandClaimed { .. }
            | Body::CommandAssumed { .. }
            | Body::CommandHandedOff { .. }
            | Body::HandoffOffered { .. }
            | Body::HandoffAccepted { .. }
            | Body::HandoffCancelled { .. }
            | Body::CommandConfirmed { .. } => Category::Command,
            Body::RoleAssigned { .. }
            | Body::RoleRemoved { .. }
            | Body::ResponderPaged { .. }
            | Body::ResponderAcknowledged { .. }
            | Body::ResponderEngaged { .. }
            | Body::ResponderStoodDown { .. } => Category::Roster,
            Body::ActionItemOpened { .. }
            | Body::ActionItemUpdated { .. }
            | Body::ActionItemClosed { .. } => Category::ActionItem,
            Body::Resolution { .. } => Category::Resolution,
            Body::Routed { .. } => Category::Routed,
            Body::ProblemHandoff { .. } => Category::Problem,
            Body::Review { .. } => Category::Review,
            Body::SituationSet { .. } => Category::Situation,
            Body::HypothesisJudged { .. } => Category::Hypothesis,
            Body::BriefingGiven { .. } => Category::Command,
            Body::ObjectiveAdded { .. } | Body::ObjectiveMoved { .. } => Category::Objective,
            Body::TaskAdded { .. } | Body::TaskMoved { .. } => Category::Task,
            Body::Correction { .. } => Category::Correction,
            Body::Unknown { .. } => Category::Unknown,
        }
    }

    /// A short uppercase marker written before the entry, e.g. `DECISION` or `UPDATE/EXEC`.
    pub fn marker(self) -> &'static str {
        match self {
            Category::Opened => "OPENED",
            Category::Alert => "ALERT",
            Category::Note => "NOTE",
            Category::Hypothesis => "HYPOTHESIS",
            Category::Decision => "DECISION",
            Category::Action => "ACTION",
            Category::StatusUpdate(Audience::Responders) => "UPDATE/TEAM",
            Category::StatusUpdate(Audience::Executives) => "UPDATE/EXEC",
            Category::StatusUpdate(Audience::Customers) => "UPDATE/CUST",
            Category::Severity => "SEVERITY",
            Category::Status => "STATUS",
            Category::Command => "COMMAND",
            Category::Roster => "ROSTER",
            Category::ActionItem => "ITEM",
            Category::Resolution => "RESOLVED",
            Category::Routed => "ROUTED",
            Category::Problem => "PROBLEM",
            Category::Correction => "CORRECTION",
            Category::Review => "REVIEW",
            Category::Situation => "SITUATION",
            Category::Objective => "OBJECTIVE",
            Category::Task => "TASK",
            Category::Unknown => "UNKNOWN",
        }
    }
}

/// One line of the decision log.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The event this line shows.
    pub event: Arc<Event>,
    /// Positions in the timeline of the corrections that apply to this entry, oldest first.
    pub corrections: Vec<usize>,
    /// Why the event had no effect on the state, when a rule refused it.
    pub refused: Option<String>,
}

impl Entry {
    /// A fresh entry for an event.
    pub fn new(event: Arc<Event>) -> Entry {
        Entry {
            event,
            corrections: Vec::new(),
            refused: None,
        }
    }

    /// The entry's category.
    pub fn category(&self) -> Category {
        Category::of(&self.event.body)
    }

    /// Whether a correction can apply to this entry (only entries people typed).
    pub fn is_correctable(&self) -> bool {
        self.event.body.text().is_some()
    }

    /// The one-line summary of what happened, without corrections applied.
    pub fn original_text(&self) -> String {
        describe(&self.event.body)
    }
}

/// Says in words what an event records, e.g. `alice handed command to bob`.
pub fn describe(body: &Body) -> String {
    match body {
        Body::IncidentOpened { title, drill, .. } => {
            if *drill {
                format!("DRILL opened: {title}")
            } else {
                format!("incident opened: {title}")
            }
        }
        Body::Alert { text, source } => match source {
            Some(source) => format!("{text} (from {source})"),
            None => text.clone(),
        },
        Body::AlertReceived {
            text,
            source,
            resolved,
            ..
        } => {
            let from = source
                .as_deref()
                .map(|s| format!(" (from {s})"))
                .unwrap_or_default();
            let state = if *resolved { "resolved" } else { "firing" };
            format!("{state}: {text}{from}")
        }
        Body::AlertAcknowledged {} => "alert acknowledged".into(),
        Body::Escalated { person, step, next } => match next {
            Some(next) => {
                format!("{person} did not answer the page: escalated ({step}), paging {next}")
            }
            None => format!("{person} did not answer the page: paged again ({step})"),
        },
        Body::HookRan {
            hook,
            attempt,
            outcome,
            detail,
            ..
        } => {
            let why = detail
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            let outcome = outcome.replace('_', " ");
            format!("notification {hook}: {outcome} (attempt {attempt}){why}")
        }
        Body::AlertDismissed { reason } => format!("alert dismissed: {reason}"),
        Body::AlertAttached { incident } => {
            format!("alert went to incident {}", super::ids::short_id(*incident))
        }
        Body::Note { text }
        | Body::Hypothesis { text }
        | Body::Decision { text }
        | Body::Action { text }
        | Body::StatusUpdate { text, .. } => text.clone(),
        Body::SeveritySet {
            severity, reason, ..
        } => with_reason(format!("severity set to {severity}"), reason),
        Body::StatusChanged { status, reason } => {
            with_reason(format!("status changed to {status}"), reason)
        }
        Body::CommandClaimed { commander } => format!("{commander} took command"),
        Body::CommandHandedOff { from, to } => format!("{from} handed command to {to}"),
        Body::HandoffOffered { from, to } => {
            format!("{from} offered command to {to} (pending until {to} accepts)")
        }
        Body::HandoffAccepted { from, to } => format!("{to} accepted command from {from}"),
        Body::HandoffCancelled {
            from,
            to,
            declined: true,
        } => format!("{to} declined command offered by {from}; {from} keeps it"),
        Body::HandoffCancelled { from, to, .. } => {
            format!("the handoff from {from} to {to} was withdrawn")
        }
        Body::CommandConfirmed { commander } => format!("{commander} confirmed command"),
        Body::CommandAssumed {
            commander,
            reason,
            from,
        } => match from {
            Some(from) => format!("{commander} assumed command from {from}: {reason}"),
            None => format!("{commander} assumed command: {reason}"),
        },
        Body::RoleAssigned { person, role } => format!("{person} assigned as {role}"),
        Body::RoleRemoved { person, role } => format!("{person} removed as {role}"),
        Body::ResponderPaged { person, via } => match via {
            Some(via) => format!("paged {person} via {via}"),
            None => format!("paged {person}"),
        },
        Body::ResponderAcknowledged { person } => format!("{person} acknowledged"),
        Body::ResponderEngaged { person } => format!("{person} engaged"),
        Body::ResponderStoodDown { person } => format!("{person} stood down"),
        Body::ActionItemOpened {
            title,
            owner,
            due,
            priority,
        } => {
            let details = item_details(None, owner, due, priority, &None);
            if details.is_empty() {
                format!("action item opened: {title}")
            } else {
                format!("action item opened: {title} ({details})")
            }
        }
        Body::ActionItemUpdated {
            title,
            owner,
            due,
            priority,
            note,
            ..
        } => format!(
            "action item updated: {}",
            item_details(title.as_deref(), owner, due, priority, note)
        ),
        Body::ActionItemClosed { note, .. } => with_reason("action item closed".into(), note),
        Body::Resolution {
            code,
            summary,
            checklist,
        } => {
            let open: Vec<&str> = checklist
                .iter()
                .filter(|c| !c.done)
                .map(|c| c.item.as_str())
                .collect();
            if open.is_empty() {
                format!("resolved ({code}): {summary}")
            } else {
                format!(
                    "resolved ({code}): {summary} [not confirmed: {}]",
                    open.join("; ")
                )
            }
        }
        Body::ProblemHandoff {
            owner,
            root_cause,
            fix,
            ..
        } => {
            let fix = fix
                .as_deref()
                .map(|f| format!("; fix: {f}"))
                .unwrap_or_default();
            format!("handed to problem management, owned by {owner}: {root_cause}{fix}")
        }
        Body::Review { section, text } => format!("{}: {text}", section.title()),
        Body::BriefingGiven { to } => match to {
            Some(to) => format!("briefing given to {to}"),
            None => "briefing given".into(),
        },
        Body::ObjectiveAdded { text, stage } => format!("objective ({stage}): {text}"),
        Body::ObjectiveMoved { stage, .. } => format!("objective now {stage}"),
        Body::TaskAdded { text, owner } => match owner {
            Some(owner) => format!("task for {owner}: {text}"),
            None => format!("task: {text}"),
        },
        Body::TaskMoved { state, owner, .. } => {
            let mut parts = Vec::new();
            if let Some(state) = state {
                parts.push(format!("now {}", state.label()));
            }
            if let Some(owner) = owner {
                parts.push(format!("owner {owner}"));
            }
            format!("task {}", parts.join(", "))
        }
        Body::HypothesisJudged {
            target,
            verdict,
            reason,
        } => with_reason(
            format!(
                "hypothesis {} {}",
                super::ids::short_id(*target),
                match verdict {
                    super::event::Verdict::Open => "open again",
                    super::event::Verdict::Confirmed => "confirmed",
                    super::event::Verdict::RuledOut => "ruled out",
                }
            ),
            reason,
        ),
        Body::SituationSet {
            impact,
            services,
            regions,
            impact_start,
            impact_end,
            next_steps,
        } => {
            let mut parts = Vec::new();
            if let Some(impact) = impact {
                parts.push(format!("impact: {impact}"));
            }
            if let Some(services) = services {
                parts.push(format!("services: {}", or_none(services)));
            }
            if let Some(regions) = regions {
                parts.push(format!("regions: {}", or_none(regions)));
            }
            if let Some(t) = impact_start {
                parts.push(format!("customer impact from {}", utc_minute(*t)));
            }
            if let Some(t) = impact_end {
                parts.push(format!("customer impact until {}", utc_minute(*t)));
            }
            if let Some(next) = next_steps {
                parts.push(format!("next: {next}"));
            }
            format!("situation: {}", parts.join("; "))
        }
        Body::Routed { to, reason } => {
            with_reason(format!("routed to the {to}, not declared"), reason)
        }
        Body::Correction {
            text,
            strike,
            reason,
            at,
            ..
        } => {
            let what = match (text, strike) {
                (Some(text), true) => format!("struck and amended to: {text}"),
                (Some(text), false) => format!("amended to: {text}"),
                (None, true) => "struck an entry".to_string(),
                (None, false) => "re-dated an entry".to_string(),
            };
            let what = match at {
                Some(t) => format!("{what}; it happened at {}", utc_minute(*t)),
                None => what,
            };
            with_reason(what, reason)
        }
        Body::Unknown { kind, .. } => format!("unknown entry of kind '{kind}'"),
    }
}

/// The fields of an action item that are set, as `owner bob, due 2026-12-04`.
fn item_details(
    title: Option<&str>,
    owner: &Option<String>,
    due: &Option<chrono::NaiveDate>,
    priority: &Option<super::people::Priority>,
    note: &Option<String>,
) -> String {
    let mut parts = Vec::new();
    if let Some(title) = title {
        parts.push(format!("title \"{title}\""));
    }
    if let Some(owner) = owner {
        parts.push(format!("owner {owner}"));
    }
    if let Some(due) = due {
        parts.push(format!("due {due}"));
    }
    if let Some(priority) = priority {
        parts.push(format!("{priority} priority"));
    }
    if let Some(note) = note {
        parts.push(note.clone());
    }
    parts.join(", ")
}

/// A list in words, or `none` when empty.
fn or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn with_reason(what: String, reason: &Option<String>) -> String {
    match reason {
        Some(reason) if !reason.is_empty() => format!("{what}: {reason}"),
        _ => what,
    }
}

/// A time in the log's words for a reader anywhere: `2026-11-30 11:10 UTC` (the log
/// knows no reader's zone; the zone is always said).
/// A time to the minute in UTC, `2026-11-27 10:15 UTC`: how the log's own words give
/// a time (a front end may say it again in its zone).
pub fn utc_minute(t: super::time::Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
