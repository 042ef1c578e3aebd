//! Metrics: per incident (time to acknowledge, declare and resolve, time in each status,
//! update cadence adherence per audience, handoffs) and across incidents (MTTA, MTTR,
//! frequency by severity, week and month, open action items). Drills and alerts routed
//! to the service desk are left out of the numbers across incidents.

use std::collections::BTreeMap;

use chrono::{Datelike, TimeDelta};
use serde::Serialize;
use strum::IntoEnumIterator;

use crate::domain::{Audience, IncidentState, Severity, Timestamp, rfc3339};

/// Kinds whose events never change any figure here (they add to the timeline and
/// to the working picture, not to acknowledgement, status, severity, command, status
/// updates or action items). `warroom metrics` and the console's metrics read every
/// other kind and skip these, which are the bulk of a long history; a test holds the
/// figures equal to those of the full fold.
pub const KINDS_THAT_NEVER_COUNT: [&str; 12] = [
    "note",
    "hook_ran",
    "hypothesis",
    "hypothesis_judged",
    "decision",
    "action",
    "briefing_given",
    "correction",
    "situation_set",
    "objective_added",
    "objective_moved",
    "review",
];

/// The kinds the figures are folded from: every kind this build knows but
/// [`KINDS_THAT_NEVER_COUNT`] (a kind added later counts until shown otherwise).
pub fn deciding_kinds() -> Vec<&'static str> {
    use strum::VariantNames;
    crate::domain::Body::VARIANTS
        .iter()
        .copied()
        .filter(|k| *k != "unknown" && !KINDS_THAT_NEVER_COUNT.contains(k))
        .collect()
}

/// How often updates were on time for one audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adherence {
    /// The audience.
    pub audience: Audience,
    /// Updates that were due (including one missed at the end).
    pub due: usize,
    /// Of those, sent within the cadence.
    pub on_time: usize,
}

impl Adherence {
    /// The share on time, 0 to 1 (1 when nothing was due).
    pub fn share(&self) -> f64 {
        if self.due == 0 {
            1.0
        } else {
            self.on_time as f64 / self.due as f64
        }
    }
}

/// One incident's numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentMetrics {
    /// The incident (written out as its full id).
    pub id: ulid::Ulid,
    /// Its title.
    pub title: String,
    /// Its severity now.
    pub severity: Option<Severity>,
    /// A rehearsal.
    pub drill: bool,
    /// Routed to the service desk, never declared.
    pub routed: bool,
    /// Seconds from start to first acknowledgement.
    pub time_to_acknowledge_s: Option<i64>,
    /// Seconds from start to declaration.
    pub time_to_declare_s: Option<i64>,
    /// Seconds from start to the (final) resolution.
    pub time_to_resolve_s: Option<i64>,
    /// Seconds spent in each status.
    pub time_in_status_s: BTreeMap<String, i64>,
    /// Update cadence adherence per audience.
    pub cadence: Vec<Adherence>,
    /// Commander handoffs.
    pub handoffs: usize,
    /// Times it came back after resolution.
    pub reopened: usize,
    /// Action items not closed.
    pub open_action_items: usize,
}

/// The severity in effect at a moment.
fn severity_at(state: &IncidentState, at: Timestamp) -> Option<Severity> {
    state
        .severity_history
        .iter()
        .rev()
        .find(|c| c.at <= at)
        .map(|c| c.to)
        .or(state.severity)
}

/// Cadence adherence for one audience, from the declaration to the resolution (or now).
/// The clock stops while the incident is resolved or closed
/// ([`IncidentState::owed_between`]): a reopened incident owes what was left when it
/// was resolved, and an update sent while it was resolved is not one that was owed.
pub fn adherence(
    state: &IncidentState,
    audience: Audience,
    cadence: &dyn Fn(Severity, Audience) -> Option<TimeDelta>,
    now: Timestamp,
) -> Adherence {
    let mut result = Adherence {
        audience,
        due: 0,
        on_time: 0,
    };
    let Some(declared) = state.declared_at else {
        return result;
    };
    let spans = state.owed_spans(now);
    let owed_at = |at: Timestamp| spans.iter().any(|(start, end)| *start <= at && at <= *end);
    let limit_after = |last| severity_at(state, last).and_then(|sev| cadence(sev, audience));
    let mut last = declared;
    for entry in state.updates_to(audience) {
        let at = entry.event.at;
        if at < declared {
            continue;
        }
        if let Some(limit) = limit_after(last) {
            let waited = IncidentState::owed_within(&spans, last, at);
            if owed_at(at) {
                result.due += 1;
                if waited <= limit {
                    result.on_time += 1;
                }
            } else if waited > limit {
                // Sent while resolved: not owed then, but one owed before it never came.
                result.due += 1;
            }
        }
        last = at;
    }
    if let Some(limit) = limit_after(last)
        && IncidentState::owed_within(&spans, last, now) > limit
    {
        result.due += 1;
    }
    result
}

/// One incident's numbers.
pub fn for_incident(
    state: &IncidentState,
    cadence: &dyn Fn(Severity, Audience) -> Option<TimeDelta>,
    now: Timestamp,
) -> IncidentMetrics {
    let secs = |d: Option<TimeDelta>| d.map(|d| d.num_seconds());
    IncidentMetrics {
        id: state.id,
        title: state.title.clone(),
        severity: state.severity,
        drill: state.drill,
        routed: state.routed_to.is_some(),
        time_to_acknowledge_s: secs(state.time_to_acknowledge()),
        time_to_declare_s: secs(state.time_to_declare()),
        time_to_resolve_s: secs(state.time_to_resolve()),
        time_in_status_s: state
            .time_in_status(now)
            .into_iter()
            .map(|(s, d)| (s.as_str().to_string(), d.num_seconds()))
            .collect(),
        cadence: Audience::iter()
            .map(|a| adherence(state, a, cadence, now))
            .collect(),
        handoffs: state.command.handoffs(),
        reopened: state.reopened,
        open_action_items: state
            .action_items
            .iter()
            .filter(|i| i.closed_at.is_none())
            .count(),
    }
}

/// The ISO week `day` falls in, as [`MetricsSummary::by_week`] keys it: `2026-W48`.
pub fn week_key(day: chrono::NaiveDate) -> String {
    let week = day.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// Numbers across incidents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsSummary {
    /// Counted from this time on, if limited.
    pub since: Option<String>,
    /// Declared incidents counted (drills and routed alerts left out).
    pub incidents: usize,
    /// Mean time to acknowledge, seconds.
    pub mtta_s: Option<i64>,
    /// Mean time to resolve, seconds (resolved incidents; a reopened one counts to its
    /// final resolution).
    pub mttr_s: Option<i64>,
    /// Declared incidents by severity.
    pub by_severity: BTreeMap<String, usize>,
    /// Declared incidents by ISO week, e.g. `2026-W48`.
    pub by_week: BTreeMap<String, usize>,
    /// Declared incidents by month, e.g. `2026-11`.
    pub by_month: BTreeMap<String, usize>,
    /// Action items still open, across counted incidents.
    pub open_action_items: usize,
    /// Incidents still open.
    pub open_incidents: usize,
    /// Drills left out.
    pub drills_excluded: usize,
    /// Alerts routed to the service desk, left out.
    pub routed_excluded: usize,
    /// Per-incident numbers of the counted incidents.
    pub per_incident: Vec<IncidentMetrics>,
}

fn mean(values: impl Iterator<Item = i64>) -> Option<i64> {
    let (sum, n) = values.fold((0i64, 0i64), |(sum, n), v| (sum + v, n + 1));
    (n > 0).then(|| sum / n)
}

/// Numbers across incidents that started at or after `since`.
pub fn summarize<'a>(
    states: impl IntoIterator<Item = &'a IncidentState>,
    since: Option<Timestamp>,
    cadence: &dyn Fn(Severity, Audience) -> Option<TimeDelta>,
    now: Timestamp,
) -> MetricsSummary {
    let (mut drills, mut routed) = (0, 0);
    let mut counted: Vec<&IncidentState> = Vec::new();
    for s in states {
        let in_window = since.is_none_or(|t| s.started_at().is_some_and(|start| start >= t));
        if s.opened.is_none() || !in_window {
            continue;
        }
        if s.drill {
            drills += 1;
        } else if s.routed_to.is_some() {
            routed += 1;
        } else if s.declared_at.is_some() {
            counted.push(s);
        }
    }
    // Oldest first, whatever order the caller holds them in.
    counted.sort_by_key(|s| (s.started_at(), s.id));
    let per_incident: Vec<IncidentMetrics> = counted
        .iter()
        .map(|s| for_incident(s, cadence, now))
        .collect();
    let mut summary = MetricsSummary {
        since: since.map(rfc3339),
        incidents: counted.len(),
        mtta_s: mean(per_incident.iter().filter_map(|m| m.time_to_acknowledge_s)),
        mttr_s: mean(per_incident.iter().filter_map(|m| m.time_to_resolve_s)),
        by_severity: BTreeMap::new(),
        by_week: BTreeMap::new(),
        by_month: BTreeMap::new(),
        open_action_items: per_incident.iter().map(|m| m.open_action_items).sum(),
        open_incidents: counted.iter().filter(|s| s.is_open()).count(),
        drills_excluded: drills,
        routed_excluded: routed,
        per_incident: Vec::new(),
    };
    for (s, m) in counted.iter().zip(&per_incident) {
        if let Some(sev) = m.severity {
            *summary
                .by_severity
                .entry(sev.key().to_string())
                .or_default() += 1;
        }
        // Weeks and months are the team's calendar: the zone in force.
        if let Some(start) = s.started_at() {
            let day = crate::zone::in_force().date(start);
            *summary.by_week.entry(week_key(day)).or_default() += 1;
            *summary
                .by_month
                .entry(day.format("%Y-%m").to_string())
                .or_default() += 1;
        }
    }
    summary.per_incident = per_incident;
    summary
}

/// The per-incident numbers as a text table: a header line and one line per incident.
pub fn table(summary: &MetricsSummary) -> (String, Vec<String>) {
    table_in(summary, false)
}

/// [`table`], `compact` for a screen of 80 columns: short headings (`HO` handoffs,
/// `RE` reopened) and updates on time as `team/exec/cust` counts without the words.
pub fn table_in(summary: &MetricsSummary, compact: bool) -> (String, Vec<String>) {
    use crate::format::seconds as secs;
    let rows = summary.per_incident.iter().map(|m| {
        let on_time: Vec<String> = m
            .cadence
            .iter()
            .map(|a| {
                if a.due == 0 {
                    "-".into()
                } else {
                    format!("{}/{}", a.on_time, a.due)
                }
            })
            .collect();
        [
            crate::domain::short_id(m.id),
            crate::format::or_dash(m.severity.map(crate::domain::Severity::key)),
            secs(m.time_to_acknowledge_s),
            secs(m.time_to_declare_s),
            secs(m.time_to_resolve_s),
            if compact {
                format!("{} {} {}", on_time[0], on_time[1], on_time[2])
            } else {
                format!(
                    "team {} exec {} cust {}",
                    on_time[0], on_time[1], on_time[2]
                )
            },
            m.handoffs.to_string(),
            m.reopened.to_string(),
            crate::inert::line(&m.title).into_owned(),
        ]
    });
    let header = if compact {
        [
            "ID",
            "SEV",
            "TTA",
            "TTD",
            "TTR",
            "ON TIME t/e/c",
            "HO",
            "RE",
            "TITLE",
        ]
    } else {
        [
            "ID",
            "SEV",
            "TTA",
            "TTD",
            "TTR",
            "UPDATES ON TIME",
            "HANDOFFS",
            "REOPENED",
            "TITLE",
        ]
    };
    let mut lines = crate::format::table(&header, rows, &[2, 3, 4, 6, 7]).into_iter();
    let header = lines.next().unwrap_or_default();
    (header, lines.collect())
}
