//! The JSON export: a document with the folded summary and every event, and the
//! reader that takes it (or JSON lines) back in.

use serde::{Deserialize, Serialize};

use crate::domain::{Event, IncidentState, rfc3339};

/// The `format` field that marks a warroom JSON export.
pub const EXPORT_FORMAT: &str = "warroom-export";

/// A JSON export: what the incident looks like now, and the events it is folded from.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExportDocument {
    /// Always [`EXPORT_FORMAT`].
    pub format: String,
    /// The export layout's version.
    pub version: u32,
    /// A summary of each exported incident.
    #[serde(default)]
    pub incidents: Vec<Summary>,
    /// Every event, in the total order.
    pub events: Vec<Event>,
}

/// The folded state of one incident, flattened for readers of the export.
#[derive(Debug, Serialize, Deserialize)]
pub struct Summary {
    /// Incident id.
    pub id: String,
    /// Title.
    pub title: String,
    /// A drill rather than a real incident.
    pub drill: bool,
    /// Severity, e.g. `P2`.
    pub severity: Option<String>,
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
    /// Number of events.
    pub entries: usize,
}

fn summary(s: &IncidentState) -> Summary {
    Summary {
        id: s.id.to_string(),
        title: s.title.clone(),
        drill: s.drill,
        severity: s.severity.map(|v| format!("{v:?}")),
        status: s.status.to_string(),
        commander: s.command.commander.clone(),
        started_at: s.started_at().map(rfc3339),
        declared_at: s.declared_at.map(rfc3339),
        resolved_at: s.resolved_at.map(rfc3339),
        time_to_acknowledge_s: s.time_to_acknowledge().map(|d| d.num_seconds()),
        time_to_declare_s: s.time_to_declare().map(|d| d.num_seconds()),
        time_to_resolve_s: s.time_to_resolve().map(|d| d.num_seconds()),
        resolution_code: s.resolution.as_ref().map(|r| r.code.clone()),
        entries: s.timeline.len(),
    }
}

/// Builds the export document for some incidents.
pub fn document(incidents: &[IncidentState]) -> ExportDocument {
    let mut events: Vec<Event> = incidents
        .iter()
        .flat_map(|s| s.timeline.iter().map(|e| (*e.event).clone()))
        .collect();
    events.sort_by_key(|e| e.order_key());
    ExportDocument {
        format: EXPORT_FORMAT.into(),
        version: 1,
        incidents: incidents.iter().map(summary).collect(),
        events,
    }
}

/// Reads events from a JSON export document or from JSON lines (one event a line).
/// On the first bad line, says where and why, and returns nothing.
pub fn parse_events(text: &str) -> Result<Vec<Event>, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{')
        && let Ok(doc) = serde_json::from_str::<ExportDocument>(trimmed)
    {
        if doc.format != EXPORT_FORMAT {
            return Err(format!("not a warroom export (format is '{}')", doc.format));
        }
        return Ok(doc.events);
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
