//! The JSON export: a document with the folded summary and every event, and the
//! reader that takes it (or JSON lines) back in.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use strum::IntoEnumIterator;

use crate::domain::{Event, IncidentState, ReviewSection, Timestamp, rfc3339};
use crate::metrics::{IncidentMetrics, for_incident};
use crate::playbook::Playbook;

/// The `format` field that marks a warroom JSON export.
pub const EXPORT_FORMAT: &str = "warroom-export";

/// A JSON export: what the incident looks like now, and the events it is folded from
/// (borrowed from the incidents' timelines).
#[derive(Debug, Serialize)]
pub struct ExportDocument<'a> {
    /// Always [`EXPORT_FORMAT`].
    pub format: String,
    /// The export layout's version.
    pub version: u32,
    /// `DRILL` when every incident in it is a drill, `DRILL AND REAL` when some are,
    /// absent when none is: what a reader sees first says a drill is a drill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exercise: Option<&'static str>,
    /// A summary of each exported incident.
    pub incidents: Vec<ExportedIncident>,
    /// Every event, in the total order.
    pub events: Vec<&'a Event>,
    /// The log's hash chain heads when exported, and the command that checks them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<super::ChainRecord>,
}

/// The part of an export that `warroom import` reads.
#[derive(Deserialize)]
struct ImportDocument {
    format: String,
    events: Vec<Event>,
}

/// An action item as exported.
#[derive(Debug, Serialize)]
pub struct ItemSummary {
    /// Its id.
    pub id: String,
    /// What needs doing.
    pub title: String,
    /// Who owns it.
    pub owner: Option<String>,
    /// When it is due.
    pub due: Option<String>,
    /// How urgent.
    pub priority: Option<String>,
    /// opened, updated or done.
    pub state: String,
}

/// The folded state of one incident, flattened for readers of the export.
#[derive(Debug, Serialize)]
pub struct ExportedIncident {
    /// Incident id.
    pub id: String,
    /// Title.
    pub title: String,
    /// A drill rather than a real incident.
    pub drill: bool,
    /// Severity, e.g. `P2`.
    pub severity: Option<String>,
    /// The most severe it ever was, e.g. `P1`.
    pub peak_severity: Option<String>,
    /// When customers were first affected.
    pub impact_start: Option<String>,
    /// When customers stopped being affected.
    pub impact_end: Option<String>,
    /// Status, e.g. `investigating`.
    pub status: String,
    /// The commander.
    pub commander: Option<String>,
    /// When it started (detection, first alert or opening).
    pub started_at: Option<String>,
    /// When it was declared.
    pub declared_at: Option<String>,
    /// When it was resolved.
    pub resolved_at: Option<String>,
    /// Seconds from start to first acknowledgement.
    pub time_to_acknowledge_s: Option<i64>,
    /// Seconds from start to declaration.
    pub time_to_declare_s: Option<i64>,
    /// Seconds from start to resolution.
    pub time_to_resolve_s: Option<i64>,
    /// Resolution code.
    pub resolution_code: Option<String>,
    /// The resolution's summary.
    pub resolution_summary: Option<String>,
    /// The resolve checklist as answered: item -> confirmed.
    pub resolve_checklist: BTreeMap<String, bool>,
    /// Times it came back after resolution.
    pub reopened: usize,
    /// Who owns the problem after the handoff.
    pub problem_owner: Option<String>,
    /// Review findings by section (cause, factor, well, badly).
    pub review: BTreeMap<String, Vec<String>>,
    /// Action items.
    pub action_items: Vec<ItemSummary>,
    /// The metrics.
    pub metrics: IncidentMetrics,
    /// Number of events.
    pub entries: usize,
}

fn summary(s: &IncidentState, playbook: &Playbook, now: Timestamp) -> ExportedIncident {
    let metrics = for_incident(s, &|sev, a| playbook.cadence_for(sev, a), now);
    ExportedIncident {
        id: s.id.to_string(),
        title: s.title.clone(),
        drill: s.drill,
        severity: s.severity.map(|v| v.key().to_string()),
        peak_severity: s.peak_severity().map(|v| v.key().to_string()),
        impact_start: s.situation.impact_start.map(rfc3339),
        impact_end: s.situation.impact_end.map(rfc3339),
        status: s.status.to_string(),
        commander: s.command.commander.clone(),
        started_at: s.started_at().map(rfc3339),
        declared_at: s.declared_at.map(rfc3339),
        resolved_at: s.resolved_at.map(rfc3339),
        time_to_acknowledge_s: metrics.time_to_acknowledge_s,
        time_to_declare_s: metrics.time_to_declare_s,
        time_to_resolve_s: metrics.time_to_resolve_s,
        resolution_code: s.resolution.as_ref().map(|r| r.code.clone()),
        resolution_summary: s.resolution.as_ref().map(|r| r.summary.clone()),
        resolve_checklist: s
            .resolution
            .iter()
            .flat_map(|r| r.checklist.iter().map(|c| (c.item.clone(), c.done)))
            .collect(),
        reopened: s.reopened,
        problem_owner: s.problem.as_ref().map(|p| p.owner.clone()),
        review: ReviewSection::iter()
            .map(|section| {
                (
                    section.key().to_string(),
                    s.review(section).into_iter().map(|(_, t)| t).collect(),
                )
            })
            .collect(),
        action_items: s
            .action_items
            .iter()
            .map(|i| ItemSummary {
                id: i.id.to_string(),
                title: i.title.clone(),
                owner: i.owner.clone(),
                due: i.due.map(|d| d.to_string()),
                priority: i.priority.map(|p| p.to_string()),
                state: i.stage().into(),
            })
            .collect(),
        metrics,
        entries: s.timeline.len(),
    }
}

/// Builds the export document for some incidents; `now` counts for open ones.
pub fn document<'a>(
    incidents: &'a [IncidentState],
    playbook: &Playbook,
    now: Timestamp,
) -> ExportDocument<'a> {
    let mut events: Vec<&Event> = incidents
        .iter()
        .flat_map(|s| s.timeline.iter().map(|e| &*e.event))
        .collect();
    events.sort_by_key(|e| e.order_key());
    let drills = incidents.iter().filter(|s| s.drill).count();
    let exercise = match drills {
        0 => None,
        n if n == incidents.len() => Some("DRILL"),
        _ => Some("DRILL AND REAL"),
    };
    ExportDocument {
        format: EXPORT_FORMAT.into(),
        version: 1,
        exercise,
        incidents: incidents
            .iter()
            .map(|s| summary(s, playbook, now))
            .collect(),
        events,
        chain: None,
    }
}

/// Reads events from a JSON export document or from JSON lines (one event a line).
/// On the first bad line, or a document that cannot be read, says where and why, and
/// returns nothing.
pub fn parse_events(text: &str) -> Result<Vec<Event>, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        match serde_json::from_str::<ImportDocument>(trimmed) {
            Ok(doc) if doc.format != EXPORT_FORMAT => {
                return Err(format!("not a warroom export (format is '{}')", doc.format));
            }
            Ok(doc) => return Ok(doc.events),
            Err(e) if is_document(trimmed) => return Err(document_error(&e)),
            // JSON lines: each line is read, and reported, on its own below.
            Err(_) => {}
        }
    }
    let mut events = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let event: Event = serde_json::from_str(line)
            .map_err(|e| format!("line {}: not a warroom event: {e}", n + 1))?;
        events.push(event);
    }
    Ok(events)
}

/// How many events an import reads before storing them as one chunk.
pub const IMPORT_CHUNK: usize = 10_000;

/// The longest line of JSON lines an import reads: an event is at most
/// [`crate::domain::MAX_EVENT_BYTES`] in its wire form; twice that leaves room for
/// spacing. A longer line is refused with its number.
const MAX_LINE_BYTES: u64 = 2 * crate::domain::MAX_EVENT_BYTES as u64;

/// JSON lines read as they come, in chunks of [`IMPORT_CHUNK`] events: `first` is
/// the first line, already read (to tell JSON lines from a document), and the rest is
/// read from `rest`. Each `Err` names its line; after one, the reading stops.
pub fn event_chunks<R: std::io::BufRead>(
    first: String,
    mut rest: R,
) -> impl Iterator<Item = Result<(Vec<Event>, Vec<Option<crate::domain::Link>>), String>> {
    let mut pending = Some(first);
    let mut number = 0usize;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut chunk = Vec::new();
        let mut links = Vec::new();
        while chunk.len() < IMPORT_CHUNK {
            let line = match pending.take() {
                Some(line) => line,
                None => {
                    let mut bytes = Vec::new();
                    let mut limited = std::io::Read::take(&mut rest, MAX_LINE_BYTES + 1);
                    match std::io::BufRead::read_until(&mut limited, b'\n', &mut bytes) {
                        Ok(0) => break,
                        Ok(n) if n as u64 > MAX_LINE_BYTES => {
                            done = true;
                            return Some(Err(format!(
                                "line {}: longer than any event can be",
                                number + 1
                            )));
                        }
                        Ok(_) => match String::from_utf8(bytes) {
                            Ok(line) => line,
                            Err(_) => {
                                done = true;
                                return Some(Err(crate::files::not_utf8(number + 1)));
                            }
                        },
                        Err(e) => {
                            done = true;
                            return Some(Err(format!("line {}: cannot read it: {e}", number + 1)));
                        }
                    }
                }
            };
            number += 1;
            if line.trim().is_empty() {
                continue;
            }
            match crate::domain::event_and_link(&line) {
                Ok((event, link)) => {
                    chunk.push(event);
                    links.push(link);
                }
                Err(e) => {
                    done = true;
                    return Some(Err(format!("line {number}: not a warroom event: {e}")));
                }
            }
        }
        if chunk.is_empty() {
            done = true;
            return None;
        }
        Some(Ok((chunk, links)))
    })
}

/// Whether a file whose first line is `first` is one export document (read whole)
/// rather than JSON lines (read as they come).
pub fn starts_a_document(first: &str) -> bool {
    let trimmed = first.trim_start();
    trimmed.starts_with('{') && is_document(trimmed) || trimmed.starts_with('[')
}

/// Whether text that starts with `{` is meant as one document rather than JSON lines:
/// its first line is an object with a `format` key, or is not complete on its own (a
/// document written over many lines).
fn is_document(text: &str) -> bool {
    let first = text.lines().next().unwrap_or_default();
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(first) {
        Ok(object) => object.contains_key("format"),
        Err(e) => e.is_eof(),
    }
}

/// Why an export document could not be read, and what to do.
fn document_error(e: &serde_json::Error) -> String {
    if e.is_eof() {
        format!(
            "the export document ends early ({e}): it was cut off; export it again or copy the whole file"
        )
    } else {
        format!("the export document cannot be read: {e}")
    }
}
