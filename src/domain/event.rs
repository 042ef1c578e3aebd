//! The event: the one immutable record everything in the log is made of.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use strum::{IntoStaticStr, VariantNames};
use ulid::Ulid;

use super::people::{Audience, Priority, Role};
pub use super::review::{Check, ReviewSection};
use super::severity::Severity;
use super::status::Status;
use super::time::{self, Timestamp};

/// The most one event may take in its wire form (JSON as `serde_json` writes it):
/// 128 KiB, far beyond any entry typed by hand, and small enough that an event always
/// fits in one sync message. The store refuses to write a larger one.
pub const MAX_EVENT_BYTES: usize = 128 * 1024;

/// The most bytes an author's name, a recorder's or an origin may take.
pub const MAX_NAME_BYTES: usize = 256;

/// One immutable fact in an incident's log.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "Wire")]
pub struct Event {
    /// Unique id, also the tie-break of the total order.
    pub id: Ulid,
    /// The replica (database) that wrote it.
    pub origin: String,
    /// Position in its origin's sequence, from 1.
    pub seq: u64,
    /// The incident it belongs to (the id of that incident's opening event).
    pub incident: Ulid,
    /// Who it is credited to: who recorded it, or who said it when a scribe recorded
    /// it for them (see [`Event::recorded_by`]).
    pub author: String,
    /// When it happened.
    pub at: Timestamp,
    /// When it was written; later than `at` when back-dated.
    pub logged_at: Timestamp,
    /// Who recorded it, when that is not the author (a scribe writing for someone);
    /// stored in the payload under [`RECORDED_BY`].
    pub recorded_by: Option<String>,
    /// What happened.
    pub body: Body,
}

impl Event {
    /// Who it is credited to, and who recorded it when someone did for them:
    /// `alice (recorded by sam)`, or `alice`.
    pub fn credit(&self) -> String {
        match &self.recorded_by {
            Some(by) => format!("{} (recorded by {by})", self.author),
            None => self.author.clone(),
        }
    }
}

/// The payload key that carries [`Event::recorded_by`]: a key of the envelope kept in
/// the payload, so the stored columns and the wire form stay as they are.
pub const RECORDED_BY: &str = "recorded_by";

/// The body a stored kind and payload make, and who recorded it for its author when
/// the payload says (under [`RECORDED_BY`]). Anything under that key that is not a name
/// an event may carry (a string of 1 to [`MAX_NAME_BYTES`] bytes) keeps
/// the whole payload verbatim as [`Body::Unknown`], so nothing is lost or refused.
pub fn body_and_recorder(kind: &str, mut payload: Value) -> (Body, Option<String>) {
    let Value::Object(map) = &mut payload else {
        return (Body::from_parts(kind, payload), None);
    };
    match map.get(RECORDED_BY) {
        None => (Body::from_parts(kind, payload), None),
        Some(Value::String(name)) if !name.is_empty() && name.len() <= MAX_NAME_BYTES => {
            let name = match map.remove(RECORDED_BY) {
                Some(Value::String(name)) => Some(name),
                _ => None,
            };
            (Body::from_parts(kind, payload), name)
        }
        Some(_) => (
            Body::Unknown {
                kind: kind.to_string(),
                payload,
            },
            None,
        ),
    }
}

/// `payload` with who recorded it added, when someone did for the author.
pub fn with_recorded_by(mut payload: Value, recorded_by: Option<&str>) -> Value {
    if let (Some(name), Value::Object(map)) = (recorded_by, &mut payload) {
        map.insert(RECORDED_BY.into(), Value::String(name.to_string()));
    }
    payload
}

impl Event {
    /// The key of the total order every replica uses: time it happened, then id.
    pub fn order_key(&self) -> (Timestamp, Ulid) {
        (self.at, self.id)
    }

    /// Whether it was recorded after the fact with an earlier `at`.
    pub fn is_backdated(&self) -> bool {
        self.logged_at != self.at
    }

    /// The kind's name as stored, e.g. `decision`.
    pub fn kind(&self) -> &str {
        self.body.kind()
    }
}

/// One triage question and the answer given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageAnswer {
    /// The question as asked.
    pub question: String,
    /// The answer chosen.
    pub answer: String,
}

/// What an event says happened: its kind and payload. The kind's name is serde's tag
/// and strum's name alike (both `snake_case`; a test holds them equal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, IntoStaticStr, VariantNames)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Body {
    /// A new incident (or a drill) was opened.
    IncidentOpened {
        /// One line saying what is wrong.
        title: String,
        /// When the problem was first noticed, if earlier than opening.
        #[serde(
            default,
            with = "time::serde_millis_opt",
            skip_serializing_if = "Option::is_none"
        )]
        detected_at: Option<Timestamp>,
        /// A rehearsal, kept out of real metrics.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        drill: bool,
        /// A drill played faster than real time: scenario minutes per real minute
        /// (1 to [`crate::drill::MAX_SPEED`]); its countdowns run at this pace.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pace: Option<u32>,
    },
    /// An alert arrived.
    Alert {
        /// What the alert says.
        text: String,
        /// Where it came from (a monitor, a person, a script).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// An alert for the inbox, before (or without) any incident: the first of a
    /// fingerprint opens an alert group (its id is the group's, as an opening's is an
    /// incident's); later ones of the same fingerprint are logged to that group.
    AlertReceived {
        /// What the alert says.
        text: String,
        /// Where it came from (a monitor, an alerting rule, a script).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        /// What makes two notifications one alert (Alertmanager's fingerprint, or one
        /// given); alerts with the same fingerprint are counted, not repeated.
        fingerprint: String,
        /// Labels as the monitor gave them.
        #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        labels: std::collections::BTreeMap<String, String>,
        /// The monitor says it resolved (else it is firing).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        resolved: bool,
        /// A link back to the monitor.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    /// Someone has seen an inbox alert and is on it.
    AlertAcknowledged {},
    /// An inbox alert needs nothing, and why.
    AlertDismissed {
        /// Why.
        reason: String,
    },
    /// An inbox alert went to an incident (attached to one open, or the one its
    /// triage declared).
    AlertAttached {
        /// The incident.
        incident: Ulid,
    },
    /// A page went unanswered for too long: the person is paged again, and the next
    /// contact for their role too, when the playbook lists one.
    Escalated {
        /// Who was not answering.
        person: String,
        /// Which escalation of their page, from 1.
        step: u32,
        /// The next contact paged, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// A notification hook ran for an event: delivered, failed (tried again later) or
    /// given up.
    HookRan {
        /// The hook's name in the playbook.
        hook: String,
        /// The event it ran for.
        event: Ulid,
        /// Which attempt, from 1.
        attempt: u32,
        /// `delivered`, `failed` or `gave_up`.
        outcome: String,
        /// What went wrong, when something did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// A free note.
    Note {
        /// The note.
        text: String,
    },
    /// A possible cause to test.
    Hypothesis {
        /// The hypothesis.
        text: String,
    },
    /// A decision taken.
    Decision {
        /// The decision.
        text: String,
    },
    /// Something done.
    Action {
        /// The action.
        text: String,
    },
    /// An update sent to one audience.
    StatusUpdate {
        /// Who it was written for.
        audience: Audience,
        /// The update.
        text: String,
    },
    /// The severity was set or changed.
    SeveritySet {
        /// The new severity.
        severity: Severity,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// The triage answers that produced it, when it came from triage.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        triage: Vec<TriageAnswer>,
    },
    /// The lifecycle status changed.
    StatusChanged {
        /// The new status.
        status: Status,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Someone took command while nobody held it.
    CommandClaimed {
        /// The person taking command.
        commander: String,
    },
    /// The commander handed command to someone else.
    CommandHandedOff {
        /// The commander handing over.
        from: String,
        /// The new commander.
        to: String,
    },
    /// The commander offered command to someone; it changes hands when they accept.
    HandoffOffered {
        /// The commander offering it.
        from: String,
        /// The incoming commander.
        to: String,
    },
    /// The incoming commander accepted a pending handoff: they hold command now.
    HandoffAccepted {
        /// The commander who offered it.
        from: String,
        /// The incoming commander, now the commander.
        to: String,
    },
    /// A pending handoff was withdrawn (by the commander, or because command moved
    /// another way) or declined by the incoming commander.
    HandoffCancelled {
        /// The commander who offered it.
        from: String,
        /// The incoming commander it was offered to.
        to: String,
        /// Declined by the incoming commander (else withdrawn).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        declined: bool,
    },
    /// Someone assumed command from a commander who could not hand it over (gone,
    /// asleep, unreachable), saying why.
    CommandAssumed {
        /// Who took command.
        commander: String,
        /// Why.
        reason: String,
        /// The commander it was taken from, as the one assuming saw it: when command
        /// had already moved (two people assumed at once), the later one is refused
        /// and recorded as a conflict. Left out by older versions (taken from whoever
        /// held it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    /// The commander confirmed command, settling a conflicting claim.
    CommandConfirmed {
        /// The commander confirming.
        commander: String,
    },
    /// A person was given a role.
    RoleAssigned {
        /// Who.
        person: String,
        /// Which role.
        role: Role,
    },
    /// A person's role was taken away.
    RoleRemoved {
        /// Who.
        person: String,
        /// Which role.
        role: Role,
    },
    /// A responder was paged.
    ResponderPaged {
        /// Who.
        person: String,
        /// How they were reached.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<String>,
    },
    /// A responder acknowledged the page.
    ResponderAcknowledged {
        /// Who.
        person: String,
    },
    /// A responder started working the incident.
    ResponderEngaged {
        /// Who.
        person: String,
    },
    /// A responder was released.
    ResponderStoodDown {
        /// Who.
        person: String,
    },
    /// A follow-up task was opened; its id is this event's id.
    ActionItemOpened {
        /// What needs doing.
        title: String,
        /// Who owns it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        /// When it is due.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
        /// How urgent it is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<Priority>,
    },
    /// An action item changed; absent fields stay as they were.
    ActionItemUpdated {
        /// The id of the item (its opening event).
        item: Ulid,
        /// A new title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// A new owner.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        /// A new due date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
        /// A new priority.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<Priority>,
        /// A remark on the change.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// An action item was done or dropped.
    ActionItemClosed {
        /// The id of the item.
        item: Ulid,
        /// A remark on closing it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Triage found it below the threshold: recorded and handed on, never declared.
    Routed {
        /// Where it went, e.g. `service desk`.
        to: String,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The incident was resolved.
    Resolution {
        /// A resolution code from the playbook.
        code: String,
        /// What fixed it.
        summary: String,
        /// The validation checklist, as answered before resolving.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        checklist: Vec<Check>,
    },
    /// The root cause is known and a permanent fix scheduled: problem management owns
    /// it now, and the incident is closed.
    ProblemHandoff {
        /// Who owns the problem.
        owner: String,
        /// The root cause.
        root_cause: String,
        /// The permanent fix, and when it is scheduled.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fix: Option<String>,
        /// A ticket in the problem tracker.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket: Option<String>,
    },
    /// The situation changed: the fields given replace theirs, the rest stay.
    SituationSet {
        /// Who is affected, and how.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        impact: Option<String>,
        /// The services affected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        services: Option<Vec<String>>,
        /// The regions affected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        regions: Option<Vec<String>>,
        /// When customers were first affected.
        #[serde(
            default,
            with = "time::serde_millis_opt",
            skip_serializing_if = "Option::is_none"
        )]
        impact_start: Option<Timestamp>,
        /// When customers stopped being affected.
        #[serde(
            default,
            with = "time::serde_millis_opt",
            skip_serializing_if = "Option::is_none"
        )]
        impact_end: Option<Timestamp>,
        /// What is being done next.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next_steps: Option<String>,
    },
    /// A briefing was given (to someone taking over or joining, or to the room).
    BriefingGiven {
        /// To whom, if to someone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// An objective set for the incident: what the response is trying to achieve.
    ObjectiveAdded {
        /// The objective.
        text: String,
        /// Current, or planned for later.
        stage: ObjectiveStage,
    },
    /// An objective moved: made current, planned, met or dropped.
    ObjectiveMoved {
        /// The objective (the id of the event that added it).
        objective: Ulid,
        /// Where it is now.
        stage: ObjectiveStage,
    },
    /// A task opened during the incident (not an action item for afterwards).
    TaskAdded {
        /// What is to be done.
        text: String,
        /// Who does it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
    },
    /// A task moved: its state, and who has it.
    TaskMoved {
        /// The task (the id of the event that added it).
        task: Ulid,
        /// Its new state, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<TaskState>,
        /// Its new owner, if it changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
    },
    /// A hypothesis judged: confirmed, ruled out (with the reason), or open again.
    HypothesisJudged {
        /// The hypothesis entry.
        target: Ulid,
        /// What it is now.
        verdict: Verdict,
        /// Why (required to rule one out).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A finding for the post-incident review.
    Review {
        /// Which part of the review.
        section: ReviewSection,
        /// The finding.
        text: String,
    },
    /// An earlier entry is amended (new text), struck, or re-dated (when it happened).
    Correction {
        /// The entry corrected.
        target: Ulid,
        /// The corrected text, when amending.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// Whether the entry is struck (stays visible, marked).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        strike: bool,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// When the entry truly happened, when re-dating (milliseconds since the epoch
        /// in the payload).
        #[serde(
            default,
            with = "time::serde_millis_opt",
            skip_serializing_if = "Option::is_none"
        )]
        at: Option<Timestamp>,
    },
    /// A kind this version does not know (written by a newer one): kept as is, never dropped.
    #[serde(skip)]
    Unknown {
        /// The kind's name as written.
        kind: String,
        /// The payload as written.
        payload: Value,
    },
}

impl Body {
    /// The opening of a (real, not drill) incident called `title`, detected when opened.
    pub fn opening(title: impl Into<String>) -> Body {
        Body::IncidentOpened {
            title: title.into(),
            detected_at: None,
            drill: false,
            pace: None,
        }
    }

    /// The kind's name as stored.
    pub fn kind(&self) -> &str {
        match self {
            Body::Unknown { kind, .. } => kind,
            known => known.into(),
        }
    }

    /// Builds a body from a stored kind and payload; a kind or payload this version
    /// cannot read becomes [`Body::Unknown`], so nothing is ever dropped.
    pub fn from_parts(kind: &str, payload: Value) -> Body {
        // The payload moves into the tagged form and is read from there by reference,
        // so a body this build cannot read gets it back without a copy.
        let mut tagged = serde_json::Map::with_capacity(2);
        tagged.insert("kind".into(), Value::String(kind.to_string()));
        tagged.insert("payload".into(), payload);
        let tagged = Value::Object(tagged);
        match Body::deserialize(&tagged) {
            Ok(body) => body,
            Err(_) => Body::Unknown {
                kind: kind.to_string(),
                payload: match tagged {
                    Value::Object(mut map) => map.remove("payload").unwrap_or(Value::Null),
                    _ => Value::Null,
                },
            },
        }
    }

    /// Splits a body into the kind and payload that are stored.
    pub fn to_parts(&self) -> (String, Value) {
        if let Body::Unknown { kind, payload } = self {
            return (kind.clone(), payload.clone());
        }
        match serde_json::to_value(self) {
            Ok(Value::Object(mut map)) => {
                let payload = map.remove("payload").unwrap_or(Value::Null);
                (self.kind().to_string(), payload)
            }
            // Every known variant serialises to an object with a kind and payload.
            _ => (self.kind().to_string(), Value::Null),
        }
    }

    /// The people this body names (a commander, a responder, an owner), as written.
    pub fn people(&self) -> impl Iterator<Item = &str> {
        let (one, two): (Option<&String>, Option<&String>) = match self {
            Body::CommandClaimed { commander }
            | Body::CommandConfirmed { commander }
            | Body::CommandAssumed { commander, .. } => (Some(commander), None),
            Body::CommandHandedOff { from, to }
            | Body::HandoffOffered { from, to }
            | Body::HandoffAccepted { from, to }
            | Body::HandoffCancelled { from, to, .. } => (Some(from), Some(to)),
            Body::RoleAssigned { person, .. }
            | Body::RoleRemoved { person, .. }
            | Body::ResponderPaged { person, .. }
            | Body::ResponderAcknowledged { person }
            | Body::ResponderEngaged { person }
            | Body::ResponderStoodDown { person } => (Some(person), None),
            Body::ActionItemOpened { owner, .. } | Body::ActionItemUpdated { owner, .. } => {
                (owner.as_ref(), None)
            }
            Body::ProblemHandoff { owner, .. } => (Some(owner), None),
            Body::TaskAdded { owner, .. } | Body::TaskMoved { owner, .. } => (owner.as_ref(), None),
            Body::BriefingGiven { to } => (to.as_ref(), None),
            _ => (None, None),
        };
        one.into_iter().chain(two).map(String::as_str)
    }

    /// The free text a person typed, for kinds that carry one.
    pub fn text(&self) -> Option<&str> {
        match self {
            Body::Alert { text, .. }
            | Body::Note { text }
            | Body::Hypothesis { text }
            | Body::Decision { text }
            | Body::Action { text }
            | Body::StatusUpdate { text, .. }
            | Body::Review { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// Where an objective stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::Display,
    strum::VariantNames,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
pub enum ObjectiveStage {
    /// Being worked towards now.
    Current,
    /// For later.
    Planned,
    /// Achieved.
    Met,
    /// Given up.
    Dropped,
}

/// Where a task stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::Display,
    strum::VariantNames,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
pub enum TaskState {
    /// Not started.
    Open,
    /// Someone is on it.
    #[strum(
        serialize = "in_progress",
        serialize = "in-progress",
        serialize = "doing"
    )]
    InProgress,
    /// Finished.
    Done,
    /// Given up.
    Dropped,
}

impl ObjectiveStage {
    /// Reads a stage as typed; the error lists the stages.
    pub fn read(text: &str) -> Result<Self, String> {
        super::names::read(text, "a stage", |s: Self| s.to_string())
    }
}

impl Verdict {
    /// Reads a verdict as typed (`ruled-out` or `ruled_out`); the error lists them.
    pub fn read(text: &str) -> Result<Self, String> {
        super::names::read(text, "a verdict", |v: Self| v.to_string().replace('_', "-"))
    }
}

impl TaskState {
    /// Reads a task state as typed (`in-progress` or `in_progress`); the error lists them.
    pub fn read(text: &str) -> Result<Self, String> {
        super::names::read(text, "a task state", |t: Self| t.label().replace(' ', "-"))
    }

    /// In words: `open`, `in progress`, `done`, `dropped`.
    pub fn label(self) -> &'static str {
        match self {
            TaskState::Open => "open",
            TaskState::InProgress => "in progress",
            TaskState::Done => "done",
            TaskState::Dropped => "dropped",
        }
    }
}

/// Where a hypothesis stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::Display,
    strum::VariantNames,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
pub enum Verdict {
    /// Still being looked at.
    Open,
    /// It was the cause.
    Confirmed,
    /// It was not.
    #[strum(serialize = "ruled_out", serialize = "ruled-out", serialize = "out")]
    RuledOut,
}

/// The event as read from files and the wire: envelope, kind, payload.
#[derive(Deserialize)]
struct Wire {
    id: Ulid,
    origin: String,
    seq: u64,
    incident: Ulid,
    author: String,
    #[serde(with = "time::serde_millis")]
    at: Timestamp,
    #[serde(with = "time::serde_millis")]
    logged_at: Timestamp,
    kind: String,
    #[serde(default)]
    payload: Value,
    /// Its link in its origin's hash chain, as JSON lines exports carry it (128 hex
    /// digits); not part of the event.
    #[serde(default)]
    link: Option<String>,
}

/// Reads one event of JSON lines and the chain link the line carries beside it, if any
/// (`"link"`: 128 hex digits; see [`super::Link::text`]). Errors: the line is not an
/// event, or its link is not 128 hex digits.
pub fn event_and_link(json: &str) -> Result<(Event, Option<super::Link>), String> {
    let mut wire: Wire = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let link = match wire.link.take() {
        None => None,
        Some(text) => Some(
            super::Link::from_text(&text)
                .ok_or("its \"link\" is not 128 hex digits (a chain link as exports write it)")?,
        ),
    };
    Ok((Event::try_from(wire)?, link))
}

/// An event as one line of JSON lines, with its chain link beside it when known.
pub fn event_line(event: &Event, link: Option<&super::Link>) -> Result<String, serde_json::Error> {
    let mut line = serde_json::to_string(event)?;
    if let Some(link) = link
        && line.ends_with('}')
    {
        line.pop();
        line.push_str(&format!(",\"link\":\"{}\"}}", link.text()));
    }
    Ok(line)
}

/// The event as written: the same fields as [`Wire`], borrowed from the event (ids as
/// `Ulid`, payload as a `Value`) or from its stored row (ids as their text, payload as
/// [`PayloadText`]); one list of fields, so that the two write the same bytes.
#[derive(Serialize)]
struct WireRef<'a, Id, Payload> {
    id: Id,
    origin: &'a str,
    seq: u64,
    incident: Id,
    author: &'a str,
    #[serde(with = "time::serde_millis")]
    at: Timestamp,
    #[serde(with = "time::serde_millis")]
    logged_at: Timestamp,
    kind: &'a str,
    payload: Payload,
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let known;
        let (kind, payload) = match (&self.body, &self.recorded_by) {
            // Kept verbatim, written back as is without a copy.
            (Body::Unknown { kind, payload }, None) => (kind.as_str(), payload),
            (body, recorded_by) => {
                known = with_recorded_by(body.to_parts().1, recorded_by.as_deref());
                (body.kind(), &known)
            }
        };
        WireRef {
            id: self.id,
            origin: &self.origin,
            seq: self.seq,
            incident: self.incident,
            author: &self.author,
            at: self.at,
            logged_at: self.logged_at,
            kind,
            payload,
        }
        .serialize(serializer)
    }
}

/// An event's wire form, made ready to send: its JSON, as `serde_json::to_vec` gives it
/// for the event, and the fields that say where it goes in a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedEvent {
    /// The event's id.
    pub id: Ulid,
    /// The event's origin.
    pub origin: String,
    /// The event's number in its origin.
    pub seq: u64,
    /// Its JSON; `None` when it could not be written (never, for an event read back).
    pub json: Option<Vec<u8>>,
}

impl EncodedEvent {
    /// An event, encoded.
    pub fn of(event: &Event) -> EncodedEvent {
        EncodedEvent {
            id: event.id,
            origin: event.origin.clone(),
            seq: event.seq,
            json: serde_json::to_vec(event).ok(),
        }
    }

    /// An event as stored, encoded from its row's fields without reading its payload
    /// into a body: the same bytes [`EncodedEvent::of`] gives for the event the row reads
    /// back as, for every row this build writes (its payload text is what the event's
    /// JSON holds, see [`with_recorded_by`]); a payload stored by other means goes as it
    /// is when it is JSON, as a string when it is not, as reading the row back would.
    /// `None` when the payload is JSON that a `serde_json::Value` would not hold as
    /// written (see [`plain_json`]), or a time or number is out of range: the row is
    /// then read back and encoded whole (or refused, as reading it refuses it).
    pub fn of_row(row: &super::ChainFields<'_>, id: Ulid) -> Option<EncodedEvent> {
        let payload = match serde_json::from_str::<&serde_json::value::RawValue>(row.payload) {
            Ok(json) if plain_json(json.get()) => PayloadText::Json(json),
            Ok(_) => return None,
            Err(_) => PayloadText::Text(row.payload),
        };
        let seq = u64::try_from(row.seq).ok()?;
        let json = serde_json::to_vec(&WireRef {
            id: row.id,
            origin: row.origin,
            seq,
            incident: row.incident,
            author: row.author,
            at: time::from_epoch_ms(row.at_ms)?,
            logged_at: time::from_epoch_ms(row.logged_at_ms)?,
            kind: row.kind,
            payload,
        })
        .ok();
        Some(EncodedEvent {
            id,
            origin: row.origin.to_string(),
            seq,
            json,
        })
    }
}

/// Whether JSON text reads into a `serde_json::Value` with nothing refused or changed,
/// so that it may be sent as written: no escaped surrogate (`\ud800`, refused alone), no
/// nesting deeper than 64 levels (a `Value` stops at 128), and no number written with
/// an exponent or in more than 20 characters (one a float may not hold, or hold only
/// near). Conservative: text this build writes passes unless a number is tiny or huge;
/// what fails is read back whole instead. One pass over the bytes, strings skipped.
pub fn plain_json(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'"' => break,
                        b'\\' => {
                            let surrogate = bytes.get(i + 1) == Some(&b'u')
                                && matches!(bytes.get(i + 2), Some(b'd' | b'D'))
                                && matches!(
                                    bytes.get(i + 3),
                                    Some(b'8' | b'9' | b'a'..=b'f' | b'A'..=b'F')
                                );
                            if surrogate {
                                return false;
                            }
                            i += 2;
                        }
                        _ => i += 1,
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > 64 {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'-' | b'0'..=b'9' => {
                let start = i;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'e' | b'E' => return false,
                        b'-' | b'+' | b'.' | b'0'..=b'9' => i += 1,
                        _ => break,
                    }
                }
                if i - start > 20 {
                    return false;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// A stored payload as the wire carries it.
#[derive(Serialize)]
#[serde(untagged)]
enum PayloadText<'a> {
    /// JSON, written as it is.
    Json(&'a serde_json::value::RawValue),
    /// Text that is not JSON, written as a string.
    Text(&'a str),
}

impl TryFrom<Wire> for Event {
    type Error = String;

    fn try_from(w: Wire) -> Result<Event, String> {
        if w.kind.is_empty() {
            return Err("event has an empty kind".into());
        }
        let (body, recorded_by) = body_and_recorder(&w.kind, w.payload);
        Ok(Event {
            id: w.id,
            origin: w.origin,
            seq: w.seq,
            incident: w.incident,
            author: w.author,
            at: w.at,
            logged_at: w.logged_at,
            recorded_by,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_a_value_would_not_hold_as_written_is_not_plain() {
        for plain in [
            r#"{"text":"a \"quote\" and \\ and \u00e9 é 🚨","n":[1,-2.5,18446744073709551615]}"#,
            r#"{"labels":{"e":"1e400 in a string is text","deep":"[[[[[[["}}"#,
            "{}",
            "\"text\"",
        ] {
            assert!(plain_json(plain), "{plain}");
        }
        let deep = format!("{}1{}", "[".repeat(65), "]".repeat(65));
        for odd in [
            r#"{"t":"\ud800"}"#,
            r#"{"t":"\uD83D\uDE00"}"#,
            r#"{"n":1e400}"#,
            r#"{"n":1E2}"#,
            r#"{"n":123456789012345678901234567890}"#,
            deep.as_str(),
        ] {
            assert!(!plain_json(odd), "{odd}");
        }
    }

    fn sample(body: Body) -> Event {
        let at = time::from_epoch_ms(1_764_240_000_123).unwrap();
        Event {
            id: Ulid::from_parts(1_764_240_000_123, 7),
            origin: "origin-a".into(),
            seq: 3,
            incident: Ulid::from_parts(1_764_240_000_000, 1),
            author: "alice".into(),
            recorded_by: None,
            at,
            logged_at: at,
            body,
        }
    }

    #[test]
    fn round_trips_through_json() {
        let e = sample(Body::StatusUpdate {
            audience: Audience::Executives,
            text: "EU checkout restored".into(),
        });
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""kind":"status_update""#), "{json}");
        assert!(
            json.contains(r#""at":"2025-11-27T10:40:00.123Z""#),
            "{json}"
        );
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn unknown_kinds_are_kept_verbatim() {
        let line = r#"{"id":"01KB1VX0KVAAAAAAAAAAAAAAAA","origin":"o","seq":1,
            "incident":"01KB1VX0KVAAAAAAAAAAAAAAAB","author":"zed",
            "at":"2026-01-01T00:00:00Z","logged_at":"2026-01-01T00:00:00Z",
            "kind":"weather_report","payload":{"sky":"grey","wind":[1,2]}}"#;
        let e: Event = serde_json::from_str(line).unwrap();
        assert_eq!(e.kind(), "weather_report");
        assert!(matches!(e.body, Body::Unknown { .. }));
        let again: Event = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(again, e);
        let (_, payload) = again.body.to_parts();
        assert_eq!(payload["sky"], "grey");
    }

    #[test]
    fn a_known_kind_with_an_unreadable_payload_is_kept_as_unknown() {
        let body = Body::from_parts("severity_set", serde_json::json!({"severity": "P9"}));
        assert_eq!(body.kind(), "severity_set");
        assert!(matches!(body, Body::Unknown { .. }));
    }

    #[test]
    fn every_known_kind_round_trips_its_parts() {
        let item = Ulid::from_parts(1, 2);
        let bodies = [
            Body::IncidentOpened {
                title: "t".into(),
                detected_at: None,
                drill: true,
                pace: None,
            },
            Body::SeveritySet {
                severity: Severity::P2,
                reason: Some("r".into()),
                triage: vec![TriageAnswer {
                    question: "q".into(),
                    answer: "a".into(),
                }],
            },
            Body::ActionItemUpdated {
                item,
                title: None,
                owner: Some("bob".into()),
                due: NaiveDate::from_ymd_opt(2026, 12, 1),
                priority: Some(Priority::High),
                note: None,
            },
            Body::Correction {
                target: item,
                text: None,
                strike: true,
                reason: Some("wrong".into()),
                at: None,
            },
            Body::Correction {
                target: item,
                text: None,
                strike: false,
                reason: None,
                at: Some(crate::domain::to_millis(chrono::Utc::now())),
            },
        ];
        for body in bodies {
            let (kind, payload) = body.to_parts();
            assert_eq!(Body::from_parts(&kind, payload), body);
        }
    }

    #[test]
    fn every_kind_is_named_as_serde_tags_it() {
        // serde lists the tags it reads when it meets one it does not know.
        let err = serde_json::from_value::<Body>(serde_json::json!({"kind": "?", "payload": {}}))
            .unwrap_err()
            .to_string();
        let tags: Vec<&str> = err.split('`').skip(3).step_by(2).collect();
        let known: Vec<&str> = Body::VARIANTS
            .iter()
            .copied()
            .filter(|k| *k != "unknown")
            .collect();
        assert_eq!(tags, known, "{err}");
        let body = Body::ResponderStoodDown {
            person: "bob".into(),
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap()["kind"],
            body.kind(),
            "kind() is the tag written"
        );
    }
}
