//! `IncidentState`: everything the panes need, as a pure fold of one incident's events.

use std::collections::HashMap;

use chrono::{NaiveDate, TimeDelta};
use strum::IntoEnumIterator;
use ulid::Ulid;

use super::command::Command;
use super::event::TriageAnswer;
use super::people::Audience;
use super::people::Priority;
use super::roster::Roster;
use super::severity::Severity;
use super::status::Status;
use super::time::Timestamp;
use super::timeline::Entry;

/// One setting of the severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityChange {
    /// The event that set it.
    pub event: Ulid,
    /// When.
    pub at: Timestamp,
    /// Who set it.
    pub by: String,
    /// The severity before, if any.
    pub from: Option<Severity>,
    /// The severity after.
    pub to: Severity,
    /// Why.
    pub reason: Option<String>,
    /// The triage answers behind it, if it came from triage.
    pub triage: Vec<TriageAnswer>,
}

/// One transition of the lifecycle status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The event that made it.
    pub event: Ulid,
    /// When.
    pub at: Timestamp,
    /// Who made it.
    pub by: String,
    /// The status before.
    pub from: Status,
    /// The status after.
    pub to: Status,
}

/// A follow-up task and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    /// Its id (the id of the event that opened it).
    pub id: Ulid,
    /// What needs doing.
    pub title: String,
    /// Who owns it.
    pub owner: Option<String>,
    /// When it is due.
    pub due: Option<NaiveDate>,
    /// How urgent.
    pub priority: Option<Priority>,
    /// When it was opened.
    pub opened_at: Timestamp,
    /// Who opened it.
    pub opened_by: String,
    /// How many updates it has had.
    pub updates: usize,
    /// When it was closed, if it was.
    pub closed_at: Option<Timestamp>,
}

impl ActionItem {
    /// Where it stands: `open` or `done`.
    pub fn stage(&self) -> &'static str {
        if self.closed_at.is_some() {
            "done"
        } else {
            "open"
        }
    }
}

/// The incident's current picture: who is affected and how, where, since when, and
/// what is being done next. Each field is as last set; `history` keeps every change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Situation {
    /// Who is affected, and how.
    pub impact: Option<String>,
    /// The services affected.
    pub services: Vec<String>,
    /// The regions affected.
    pub regions: Vec<String>,
    /// When customers were first affected.
    pub impact_start: Option<Timestamp>,
    /// When customers stopped being affected.
    pub impact_end: Option<Timestamp>,
    /// What is being done next.
    pub next_steps: Option<String>,
    /// When it last changed, and by whom.
    pub changed: Option<(Timestamp, String)>,
    /// Every change, oldest first: its time, who made it, and the timeline position
    /// of its event (the fields it set are in the event).
    pub history: Vec<(Timestamp, String, usize)>,
}

impl Situation {
    /// Whether nothing is known yet.
    pub fn is_empty(&self) -> bool {
        self.changed.is_none()
    }

    /// The customer impact window in words, times written by `time`: `from 09:50 to
    /// 10:25 (35m)`, or `from 09:50, not over` while it lasts; `None` when its start is
    /// not known.
    pub fn impact_window(&self, time: impl Fn(Timestamp) -> String) -> Option<String> {
        let start = self.impact_start?;
        Some(match self.impact_end {
            Some(end) => format!(
                "from {} to {} ({})",
                time(start),
                time(end),
                crate::format::duration(end - start)
            ),
            None => format!("from {}, not over", time(start)),
        })
    }
}

/// One alert in the inbox: every notification of one fingerprint, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertGroup {
    /// What makes notifications one alert.
    pub fingerprint: String,
    /// Where it came from.
    pub source: Option<String>,
    /// What the latest notification says.
    pub text: String,
    /// The latest notification's labels.
    pub labels: std::collections::BTreeMap<String, String>,
    /// A link back to the monitor.
    pub url: Option<String>,
    /// How many notifications came.
    pub count: usize,
    /// When the first came.
    pub first_seen: Timestamp,
    /// When the latest came.
    pub last_seen: Timestamp,
    /// Firing, as the latest notification says (else resolved).
    pub firing: bool,
    /// Who acknowledged it, and when.
    pub acknowledged: Option<(Timestamp, String)>,
    /// Who dismissed it, when, and why.
    pub dismissed: Option<(Timestamp, String, String)>,
    /// The incident it went to.
    pub incident: Option<Ulid>,
}

impl AlertGroup {
    /// The entry an incident's timeline gets when this alert is sent to it.
    pub fn as_entry(&self) -> super::event::Body {
        super::event::Body::Alert {
            text: self.text.clone(),
            source: self.source.clone(),
        }
    }

    /// Whether it still waits in the inbox: neither gone to an incident nor dismissed.
    pub fn waiting(&self) -> bool {
        self.incident.is_none() && self.dismissed.is_none()
    }

    /// Where it stands, in a word: `firing`, `resolved`, then `acknowledged`,
    /// `dismissed` or `to <incident>` when someone acted on it.
    pub fn state(&self) -> String {
        let fire = if self.firing { "firing" } else { "resolved" };
        match (&self.incident, &self.dismissed, &self.acknowledged) {
            (Some(id), _, _) => format!("{fire}, to {}", short_id(*id)),
            (None, Some(_), _) => format!("{fire}, dismissed"),
            (None, None, Some(_)) => format!("{fire}, acknowledged"),
            (None, None, None) => fire.to_string(),
        }
    }
}

/// An objective of the response, as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objective {
    /// The id of the event that added it.
    pub id: Ulid,
    /// The objective.
    pub text: String,
    /// Where it stands.
    pub stage: super::event::ObjectiveStage,
    /// When it was added.
    pub added_at: Timestamp,
    /// When it last moved.
    pub moved_at: Timestamp,
}

/// A task of the response, as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// The id of the event that added it.
    pub id: Ulid,
    /// What is to be done.
    pub text: String,
    /// Who does it.
    pub owner: Option<String>,
    /// Where it stands.
    pub state: super::event::TaskState,
    /// When it was opened.
    pub opened_at: Timestamp,
    /// When it entered its state.
    pub since: Timestamp,
}

/// The handoff to problem management.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemRecord {
    /// When.
    pub at: Timestamp,
    /// Who recorded it.
    pub by: String,
    /// Who owns the problem.
    pub owner: String,
    /// The root cause.
    pub root_cause: String,
    /// The permanent fix and its schedule.
    pub fix: Option<String>,
    /// A ticket in the problem tracker.
    pub ticket: Option<String>,
}

/// How the incident was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionRecord {
    /// When.
    pub at: Timestamp,
    /// Who resolved it.
    pub by: String,
    /// The resolution code.
    pub code: String,
    /// What fixed it.
    pub summary: String,
    /// The validation checklist as answered.
    pub checklist: Vec<super::event::Check>,
}

/// An entry's text as it stands after its corrections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentText {
    /// The text: the original, or the one the latest amending correction gave.
    pub text: String,
    /// Whether a correction struck it.
    pub struck: bool,
    /// Whether a correction gave it a text (even the words it had).
    pub amended: bool,
    /// Why a rule left it without effect, when the text does not already say so (a
    /// refused claim or handoff says it in its text: "claim refused: ...").
    pub no_effect: Option<String>,
    /// For a hypothesis judged: `confirmed`, or `ruled out: why`.
    pub verdict: Option<String>,
    /// When it truly happened, when the latest re-dating correction says so.
    pub at: Option<Timestamp>,
}

/// The state of one incident, folded from its events in total order.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentState {
    /// The incident's id.
    pub id: Ulid,
    /// One line saying what is wrong ("" until the opening event is known).
    pub title: String,
    /// When the incident was opened, and by whom.
    pub opened: Option<(Timestamp, String)>,
    /// When the problem was first noticed, if given.
    pub detected_at: Option<Timestamp>,
    /// A rehearsal, kept out of real metrics.
    pub drill: bool,
    /// Scenario minutes per real minute: 1, but for a drill played faster, whose
    /// countdowns and clocks then run in scenario time.
    pub pace: u32,
    /// The current severity, once set.
    pub severity: Option<Severity>,
    /// Every severity setting, oldest first.
    pub severity_history: Vec<SeverityChange>,
    /// The current status.
    pub status: Status,
    /// Every status transition, oldest first.
    pub status_history: Vec<StatusChange>,
    /// When the incident first left triage for an active status.
    pub declared_at: Option<Timestamp>,
    /// When it was last resolved, while it stays resolved or closed.
    pub resolved_at: Option<Timestamp>,
    /// When it was closed, while it stays closed.
    pub closed_at: Option<Timestamp>,
    /// The commander and its history.
    pub command: Command,
    /// Responders, roles and their histories.
    pub roster: Roster,
    /// Follow-up tasks in the order they were opened.
    pub action_items: Vec<ActionItem>,
    /// How it was resolved, if it was.
    pub resolution: Option<ResolutionRecord>,
    /// Where triage routed it instead of declaring it, if it did and it has not been
    /// declared since.
    pub routed_to: Option<String>,
    /// The handoff to problem management, if there was one.
    pub problem: Option<ProblemRecord>,
    /// The current picture (impact, services, regions, next steps).
    pub situation: Situation,
    /// The objectives, in the order they were added.
    pub objectives: Vec<Objective>,
    /// The tasks, in the order they were opened.
    pub tasks: Vec<Task>,
    /// Each judged hypothesis (by its entry's id): its verdict and why, as last judged.
    pub verdicts: std::collections::BTreeMap<Ulid, (super::event::Verdict, Option<String>)>,
    /// How many times it came back after being resolved or closed.
    pub reopened: usize,
    /// Review findings by section (timeline positions).
    pub(super) review: std::collections::BTreeMap<super::event::ReviewSection, Vec<usize>>,
    /// When the first alert arrived.
    pub first_alert_at: Option<Timestamp>,
    /// For an alert group in the inbox (opened by `alert_received`, not an incident):
    /// the alert as it stands.
    pub alert: Option<AlertGroup>,
    /// When someone first acknowledged, engaged or took command.
    pub first_ack_at: Option<Timestamp>,
    /// When the last status update went to each audience.
    pub last_updates: std::collections::BTreeMap<Audience, Timestamp>,
    /// Every event as a line, in total order (corrections included).
    pub timeline: Vec<Entry>,
    pub(super) index: HashMap<Ulid, usize>,
    pub(super) pending_corrections: HashMap<Ulid, Vec<usize>>,
}

impl IncidentState {
    /// An incident with no events folded in yet.
    pub fn empty(id: Ulid) -> IncidentState {
        IncidentState {
            id,
            title: String::new(),
            opened: None,
            detected_at: None,
            drill: false,
            pace: 1,
            severity: None,
            severity_history: Vec::new(),
            status: Status::Triage,
            status_history: Vec::new(),
            declared_at: None,
            resolved_at: None,
            closed_at: None,
            command: Command::default(),
            roster: Roster::default(),
            action_items: Vec::new(),
            resolution: None,
            routed_to: None,
            problem: None,
            situation: Situation::default(),
            objectives: Vec::new(),
            tasks: Vec::new(),
            verdicts: std::collections::BTreeMap::new(),
            reopened: 0,
            review: Default::default(),
            first_alert_at: None,
            alert: None,
            first_ack_at: None,
            last_updates: Default::default(),
            timeline: Vec::new(),
            index: HashMap::new(),
            pending_corrections: HashMap::new(),
        }
    }

    /// The short form of the id people type: its last six characters.
    pub fn short_id(&self) -> String {
        short_id(self.id)
    }

    /// When the clock started: the earliest of detection, first alert and opening.
    pub fn started_at(&self) -> Option<Timestamp> {
        [
            self.detected_at,
            self.first_alert_at,
            self.opened.as_ref().map(|(at, _)| *at),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The most severe severity it ever had (P1 is the most severe), which the review
    /// shows beside the final one.
    pub fn peak_severity(&self) -> Option<Severity> {
        self.severity_history.iter().map(|c| c.to).min()
    }

    /// The severity in words with its peak when that was worse: `P3 MEDIUM (peak P1
    /// CRITICAL)`, or `not set`.
    pub fn severity_with_peak(&self) -> String {
        match (self.severity, self.peak_severity()) {
            (Some(now), Some(peak)) if peak < now => format!("{now} (peak {peak})"),
            (Some(now), _) => now.to_string(),
            (None, _) => "not set".to_string(),
        }
    }

    /// When the response ended: its close, or else its (final) resolution; `None` while
    /// it is open.
    pub fn ended_at(&self) -> Option<Timestamp> {
        self.closed_at.or(self.resolved_at)
    }

    /// From the start to the first acknowledgement.
    pub fn time_to_acknowledge(&self) -> Option<TimeDelta> {
        Some(self.elapsed(self.started_at()?, self.first_ack_at?))
    }

    /// From the start to the declaration.
    pub fn time_to_declare(&self) -> Option<TimeDelta> {
        Some(self.elapsed(self.started_at()?, self.declared_at?))
    }

    /// From the start to the resolution.
    pub fn time_to_resolve(&self) -> Option<TimeDelta> {
        Some(self.elapsed(self.started_at()?, self.resolved_at?))
    }

    /// Position in the timeline of the entry with this id.
    pub fn position(&self, id: Ulid) -> Option<usize> {
        self.index.get(&id).copied()
    }

    /// The entry with this id.
    pub fn entry(&self, id: Ulid) -> Option<&Entry> {
        self.position(id).map(|i| &self.timeline[i])
    }

    /// The text of an entry with its corrections applied, whether it is struck, and
    /// whether a correction amended it.
    pub fn current_text(&self, entry: &Entry) -> CurrentText {
        use super::event::Body;
        let refused = entry.refused.clone();
        let (text, no_effect) = match (&entry.event.body, refused) {
            (Body::CommandClaimed { .. }, Some(why)) => (format!("claim refused: {why}"), None),
            (Body::CommandHandedOff { to, .. }, Some(why)) => {
                (format!("handoff to {to} refused: {why}"), None)
            }
            (Body::CommandConfirmed { .. }, Some(why)) => {
                (format!("confirmation refused: {why}"), None)
            }
            (body, refused) => (self.describe(body), refused),
        };
        let verdict = self
            .verdicts
            .get(&entry.event.id)
            .filter(|_| matches!(entry.event.body, Body::Hypothesis { .. }))
            .and_then(|(verdict, why)| match verdict {
                super::event::Verdict::Open => None,
                super::event::Verdict::Confirmed => Some("confirmed".to_string()),
                super::event::Verdict::RuledOut => Some(match why {
                    Some(why) => format!("ruled out: {why}"),
                    None => "ruled out".to_string(),
                }),
            });
        let mut current = CurrentText {
            text,
            struck: false,
            amended: false,
            no_effect,
            verdict,
            at: None,
        };
        for &i in &entry.corrections {
            if let super::event::Body::Correction {
                text, strike, at, ..
            } = &self.timeline[i].event.body
            {
                if at.is_some() {
                    current.at = *at;
                }
                if let Some(text) = text {
                    current.text = text.clone();
                    current.amended = true;
                }
                current.struck |= *strike;
            }
        }
        current
    }

    /// What an event records, in words, naming what it is about from this incident
    /// (an action item by its title); otherwise [`super::timeline::describe`].
    pub fn describe(&self, body: &super::event::Body) -> String {
        use super::event::Body;
        let title = |item: &ulid::Ulid| {
            self.action_items
                .iter()
                .find(|i| i.id == *item)
                .map(|i| i.title.clone())
        };
        match body {
            Body::ActionItemUpdated { item, .. } | Body::ActionItemClosed { item, .. } => {
                let said = super::timeline::describe(body);
                match title(item) {
                    // "action item updated: owner priya" -> "action item "Add alert" updated: owner priya"
                    Some(title) => {
                        said.replacen("action item", &format!("action item \"{title}\""), 1)
                    }
                    None => said,
                }
            }
            Body::ObjectiveMoved { objective, .. } => {
                let said = super::timeline::describe(body);
                match self.objectives.iter().find(|o| o.id == *objective) {
                    Some(o) => said.replacen("objective", &format!("objective \"{}\"", o.text), 1),
                    None => said,
                }
            }
            Body::TaskMoved { task, .. } => {
                let said = super::timeline::describe(body);
                match self.tasks.iter().find(|t| t.id == *task) {
                    Some(t) => said.replacen("task", &format!("task \"{}\"", t.text), 1),
                    None => said,
                }
            }
            Body::HypothesisJudged { target, .. } => {
                let said = super::timeline::describe(body);
                match self.entry(*target).and_then(|e| e.event.body.text()) {
                    Some(text) => said.replacen(
                        &format!("hypothesis {}", short_id(*target)),
                        &format!("hypothesis \"{text}\""),
                        1,
                    ),
                    None => said,
                }
            }
            other => super::timeline::describe(other),
        }
    }

    /// The status updates sent to `audience`, oldest first.
    pub fn updates_to(&self, audience: Audience) -> impl Iterator<Item = &Entry> {
        self.timeline.iter().filter(move |e| {
            matches!(
                &e.event.body,
                super::event::Body::StatusUpdate { audience: a, .. } if *a == audience
            )
        })
    }

    /// When the last status update to `audience` was sent.
    pub fn last_update(&self, audience: Audience) -> Option<Timestamp> {
        self.last_updates.get(&audience).copied()
    }

    /// A real stretch of time as the incident counts it: in scenario time for a drill
    /// played at a faster pace (a minute at ten times is ten), else as it is.
    pub fn paced(&self, real: TimeDelta) -> TimeDelta {
        real.checked_mul(self.pace_i32()).unwrap_or(TimeDelta::MAX)
    }

    /// A real moment on the incident's clock: for a drill at a faster pace, the
    /// scenario's time (its opening plus the scenario time since) until the drill is
    /// resolved or closed, and real time on from there; else as it is.
    pub fn clock(&self, real: Timestamp) -> Timestamp {
        match self.opened {
            Some((opened, _)) if self.pace > 1 => {
                let ended = match (self.resolved_at, self.closed_at) {
                    (Some(r), Some(c)) => Some(r.min(c)),
                    (r, c) => r.or(c),
                };
                let end = ended.filter(|end| *end < real);
                let scenario_until = end.unwrap_or(real).max(opened);
                opened
                    + self.paced(scenario_until - opened)
                    + end.map_or(TimeDelta::zero(), |e| real - e)
            }
            _ => real,
        }
    }

    /// How long the incident was open (not resolved or closed) from `from` to `to`, on
    /// its clock ([`Self::elapsed`]): the time a person has held command or a role,
    /// counted for fatigue, leaves out the days an incident lay resolved before it was
    /// reopened.
    pub fn open_elapsed(&self, from: Timestamp, to: Timestamp) -> TimeDelta {
        let Some(opened) = self.opened.as_ref().map(|o| o.0) else {
            return TimeDelta::zero();
        };
        self.spans(opened, Status::is_open, to)
            .into_iter()
            .map(|(start, end)| (start.max(from), end.min(to)))
            .filter(|(start, end)| end > start)
            .map(|(start, end)| self.elapsed(start, end))
            .sum()
    }

    /// The spans from `start` over which the incident was open by `again`'s measure,
    /// oldest first: each ends when it is resolved or closed, the next begins at the
    /// first change to a status `again` accepts, and the last lasting one ends at
    /// `until`.
    fn spans(
        &self,
        start: Timestamp,
        again: fn(Status) -> bool,
        until: Timestamp,
    ) -> Vec<(Timestamp, Timestamp)> {
        let mut spans = Vec::new();
        let mut open = Some(start);
        for change in self.status_history.iter().filter(|c| c.at >= start) {
            match open {
                Some(begun) if !change.to.is_open() => {
                    spans.push((begun, change.at));
                    open = None;
                }
                None if again(change.to) => open = Some(change.at),
                _ => {}
            }
        }
        if let Some(begun) = open {
            spans.push((begun, until.max(begun)));
        }
        spans
    }

    /// How long from `from` to `to` on the incident's clock (scenario time during a
    /// drill played faster, see [`Self::clock`]).
    pub fn elapsed(&self, from: Timestamp, to: Timestamp) -> TimeDelta {
        self.clock(to) - self.clock(from)
    }

    fn pace_i32(&self) -> i32 {
        i32::try_from(self.pace).unwrap_or(1).max(1)
    }

    /// The next status update due while the incident is declared and open: which
    /// audience, and when, by the severity's cadence (from the playbook). The countdown
    /// for an audience runs from its last update, or from the declaration, and stops
    /// while the incident is resolved or closed ([`Self::owed_between`]): a reopened
    /// incident owes what was left when it was resolved, and an update overdue then is
    /// overdue still. The time is
    /// real: for a drill at a faster pace the cadence is divided by the pace ([`paced`]
    /// turns what is left back into scenario time for the screen).
    ///
    /// [`paced`]: IncidentState::paced
    pub fn next_update_due(
        &self,
        cadence: impl Fn(Severity, Audience) -> Option<TimeDelta>,
    ) -> Option<(Audience, Timestamp)> {
        self.updates_due(cadence)
            .into_iter()
            .min_by_key(|(_, due)| *due)
    }

    /// The time updates were owed between `from` and `to`: the parts of
    /// [`Self::owed_spans`] between them (the clock stops while the incident is resolved
    /// or closed, and runs on when it is active again).
    pub fn owed_between(&self, from: Timestamp, to: Timestamp) -> TimeDelta {
        Self::owed_within(&self.owed_spans(to), from, to)
    }

    /// The time between `from` and `to` that lies in `spans` (as
    /// [`Self::owed_spans`] gives them): for many intervals over the same spans.
    pub fn owed_within(
        spans: &[(Timestamp, Timestamp)],
        from: Timestamp,
        to: Timestamp,
    ) -> TimeDelta {
        spans
            .iter()
            .map(|(start, end)| ((*end).min(to) - (*start).max(from)).max(TimeDelta::zero()))
            .sum()
    }

    /// The moment `every` of owed time has passed since `from` (the clock stopped while
    /// the incident was resolved or closed); `None` when it has not and the incident is
    /// not active now.
    fn owed_after(&self, from: Timestamp, every: TimeDelta) -> Option<Timestamp> {
        let mut left = every;
        for (start, end) in self.owed_spans(Timestamp::MAX_UTC) {
            let start = start.max(from);
            if end <= start {
                continue;
            }
            if end - start >= left {
                return Some(start + left);
            }
            left -= end - start;
        }
        None
    }

    /// The spans over which status updates are owed, oldest first: from the declaration
    /// to the resolution, and from each return to an active status (investigating,
    /// identified, monitoring) after a resolution to the next one, the last ending at
    /// `until` while it lasts. Updates are owed until the resolution, not the close
    /// (which may come days later with the handoff to problem management).
    pub fn owed_spans(&self, until: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        match self.declared_at {
            Some(declared) => self.spans(declared, Status::is_declared_active, until),
            None => Vec::new(),
        }
    }

    /// When each audience's next status update is due (as [`Self::next_update_due`]
    /// reckons the soonest), in the order of [`Audience`]; empty when none is owed.
    pub fn updates_due(
        &self,
        cadence: impl Fn(Severity, Audience) -> Option<TimeDelta>,
    ) -> Vec<(Audience, Timestamp)> {
        let (Some(severity), Some(declared), true) = (
            self.severity,
            self.declared_at,
            self.status.is_declared_active(),
        ) else {
            return Vec::new();
        };
        Audience::iter()
            .filter_map(|a| {
                // A drill at a faster pace owes its updates sooner in real time.
                let every = cadence(severity, a)? / self.pace_i32();
                let from = self.last_update(a).unwrap_or(declared).max(declared);
                Some((a, self.owed_after(from, every)?))
            })
            .collect()
    }

    /// The review findings of a section, with corrections applied and struck ones left
    /// out: (entry, current text).
    pub fn review(&self, section: super::event::ReviewSection) -> Vec<(&Entry, String)> {
        self.review
            .get(&section)
            .into_iter()
            .flatten()
            .map(|&i| &self.timeline[i])
            .filter_map(|e| {
                let current = self.current_text(e);
                // Unamended, the finding itself (the timeline's line names the section).
                let text = if current.amended {
                    current.text
                } else {
                    e.event.body.text().unwrap_or_default().to_string()
                };
                (!current.struck).then_some((e, text))
            })
            .collect()
    }

    /// How long the incident spent in each status up to `until` (its close, or now).
    pub fn time_in_status(&self, until: Timestamp) -> Vec<(Status, TimeDelta)> {
        let mut totals: Vec<(Status, TimeDelta)> =
            Status::iter().map(|s| (s, TimeDelta::zero())).collect();
        let Some(start) = self.opened.as_ref().map(|o| o.0) else {
            return totals;
        };
        let mut current = (Status::Triage, start);
        for change in &self.status_history {
            if let Some(slot) = totals.iter_mut().find(|(s, _)| *s == current.0) {
                slot.1 += (change.at - current.1).max(TimeDelta::zero());
            }
            current = (change.to, change.at);
        }
        if current.0 != Status::Closed
            && let Some(slot) = totals.iter_mut().find(|(s, _)| *s == current.0)
        {
            slot.1 += (until - current.1).max(TimeDelta::zero());
        }
        totals.retain(|(_, t)| *t > TimeDelta::zero());
        totals
    }

    /// Whether anyone is not yet done with it: not resolved or closed.
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }

    /// Kinds whose events change nothing but the timeline (their fold only adds an
    /// entry, or attaches a correction to one): an incident folded without them holds
    /// every other field as the full fold does ([`IncidentState::beside_timeline`]; a
    /// test holds this on every fold fixture, in any order).
    pub const TIMELINE_ONLY: [&'static str; 7] = [
        "note",
        "hook_ran",
        "hypothesis",
        "decision",
        "action",
        "briefing_given",
        "correction",
    ];

    /// Every kind but [`IncidentState::TIMELINE_ONLY`] (and unknown ones, which change
    /// nothing): the events an incident's panes other than the timeline are folded from.
    pub fn state_kinds() -> Vec<&'static str> {
        use strum::VariantNames;
        super::event::Body::VARIANTS
            .iter()
            .copied()
            .filter(|k| *k != "unknown" && !Self::TIMELINE_ONLY.contains(k))
            .collect()
    }

    /// This state without its timeline: what every pane but the timeline is drawn
    /// from. Positions in the timeline (the situation's history) go too.
    pub fn beside_timeline(&self) -> IncidentState {
        let mut out = self.clone();
        out.timeline.clear();
        out.index.clear();
        out.pending_corrections.clear();
        for change in &mut out.situation.history {
            change.2 = 0;
        }
        out
    }

    /// Whether people work in it now: an opened incident not yet resolved or closed,
    /// or an inbox alert group still waiting for someone. A console reads these whole
    /// and the rest by their heads.
    pub fn worked_in(&self) -> bool {
        (self.opened.is_some() && self.is_open())
            || self.alert.as_ref().is_some_and(AlertGroup::waiting)
    }
}

pub use super::ids::short_id;
