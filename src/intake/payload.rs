//! Reading what monitors send: Prometheus Alertmanager's webhook (version 4),
//! Grafana Alerting's webhook (the same shape with a few more fields), and a generic
//! form for anything else. Every field is bounded: a long text or label value is cut
//! (a monitor would not send it again if refused), what names an alert is refused when
//! too long, and a payload that is not one is refused whole with the reason, so
//! nothing half-read is stored.
//!
//! The generic form is one JSON object, or an array of them:
//! `{"text": "...", "source": "...", "fingerprint": "...", "labels": {"k": "v"},
//! "resolved": false, "url": "https://..."}`; only `text` is required, and a missing
//! fingerprint is made from the source and text.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{MAX_NOTIFICATIONS, Notification, fingerprint_of};

/// The most bytes an alert's text may take (a summary, not a log).
pub const MAX_TEXT_BYTES: usize = 4096;
/// The most labels an alert may carry.
pub const MAX_LABELS: usize = 64;
/// The most bytes a label's name, a source or a fingerprint may take.
pub const MAX_KEY_BYTES: usize = 256;
/// The most bytes a label's value or a link may take.
pub const MAX_VALUE_BYTES: usize = 2048;

/// Which form a payload was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Prometheus Alertmanager's webhook.
    Alertmanager,
    /// Grafana Alerting's webhook.
    Grafana,
    /// The generic form.
    Generic,
}

/// Reads a payload in any of the forms; the error says what is wrong, in one line.
pub fn read(body: &[u8]) -> Result<(Form, Vec<Notification>), String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let (form, notes) = match &value {
        Value::Object(map) if map.contains_key("alerts") && is_grafana(map) => {
            (Form::Grafana, grouped(map, "grafana")?)
        }
        Value::Object(map) if map.contains_key("alerts") => {
            (Form::Alertmanager, grouped(map, "alertmanager")?)
        }
        Value::Object(map) => (Form::Generic, vec![generic(map)?]),
        Value::Array(items) => {
            let mut notes = Vec::with_capacity(items.len());
            for (n, item) in items.iter().enumerate() {
                match item {
                    Value::Object(map) => {
                        notes.push(generic(map).map_err(|e| format!("item {}: {e}", n + 1))?);
                    }
                    _ => return Err(format!("item {} is not an object", n + 1)),
                }
            }
            (Form::Generic, notes)
        }
        _ => return Err("expected an object (or an array of objects)".into()),
    };
    if notes.is_empty() {
        return Err("it holds no alert".into());
    }
    if notes.len() > MAX_NOTIFICATIONS {
        return Err(format!(
            "it holds {} alerts; at most {MAX_NOTIFICATIONS} a request",
            notes.len()
        ));
    }
    Ok((form, notes))
}

/// Grafana marks its webhook with an `orgId`, a `title` or a `state` beside the
/// Alertmanager fields.
fn is_grafana(map: &Map<String, Value>) -> bool {
    map.contains_key("orgId") || map.contains_key("state") || map.contains_key("title")
}

/// The alerts of an Alertmanager or Grafana notification.
fn grouped(map: &Map<String, Value>, source: &str) -> Result<Vec<Notification>, String> {
    if let Some(version) = map.get("version").and_then(Value::as_str)
        && source == "alertmanager"
        && version != "4"
    {
        return Err(format!(
            "Alertmanager webhook version {version}: only version 4 is read"
        ));
    }
    let Some(Value::Array(alerts)) = map.get("alerts") else {
        return Err("`alerts` is not a list".into());
    };
    let group_status = map.get("status").and_then(Value::as_str);
    let mut out = Vec::with_capacity(alerts.len());
    for (n, alert) in alerts.iter().enumerate() {
        let Value::Object(alert) = alert else {
            return Err(format!("alert {} is not an object", n + 1));
        };
        out.push(
            one_of_group(alert, group_status, source)
                .map_err(|e| format!("alert {}: {e}", n + 1))?,
        );
    }
    Ok(out)
}

fn one_of_group(
    alert: &Map<String, Value>,
    group_status: Option<&str>,
    source: &str,
) -> Result<Notification, String> {
    let labels = string_map(alert.get("labels"), "labels")?;
    let annotations = string_map(alert.get("annotations"), "annotations")?;
    let status = alert.get("status").and_then(Value::as_str).or(group_status);
    let resolved = match status {
        Some("resolved") => true,
        Some("firing") | None => false,
        Some(other) => return Err(format!("status {other:?} is neither firing nor resolved")),
    };
    let name = labels.get("alertname").cloned();
    let summary = annotations
        .get("summary")
        .or_else(|| annotations.get("description"))
        .cloned();
    let text = match (name, summary) {
        (Some(name), Some(summary)) => format!("{name}: {summary}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => return Err("it has no alertname label and no summary".into()),
    };
    let fingerprint = match alert.get("fingerprint") {
        Some(Value::String(f)) if !f.is_empty() => f.clone(),
        Some(Value::String(_)) | None => fingerprint_of(Some(source), &text, &labels),
        Some(_) => return Err("fingerprint is not a string".into()),
    };
    let url = alert
        .get("generatorURL")
        .or_else(|| alert.get("dashboardURL"))
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .map(str::to_string);
    checked(Notification {
        text,
        source: Some(source.to_string()),
        fingerprint,
        labels,
        resolved,
        url,
    })
}

fn generic(map: &Map<String, Value>) -> Result<Notification, String> {
    let text = match map.get("text") {
        Some(Value::String(t)) if !t.trim().is_empty() => t.trim().to_string(),
        Some(Value::String(_)) | None => return Err("`text` is missing or empty".into()),
        Some(_) => return Err("`text` is not a string".into()),
    };
    let optional = |key: &str| -> Result<Option<String>, String> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("`{key}` is not a string")),
        }
    };
    let source = optional("source")?;
    let labels = string_map(map.get("labels"), "labels")?;
    let fingerprint = optional("fingerprint")?
        .unwrap_or_else(|| fingerprint_of(source.as_deref(), &text, &labels));
    let resolved = match map.get("resolved") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("`resolved` is not true or false".into()),
    };
    if let Some(key) = map.keys().find(|k| {
        !matches!(
            k.as_str(),
            "text" | "source" | "fingerprint" | "labels" | "resolved" | "url"
        )
    }) {
        return Err(format!(
            "`{key}` is not a field of the generic form (text, source, fingerprint, labels, resolved, url)"
        ));
    }
    checked(Notification {
        text,
        source,
        fingerprint,
        labels,
        resolved,
        url: optional("url")?,
    })
}

/// A map of strings (labels, annotations); absent is empty.
fn string_map(value: Option<&Value>, what: &str) -> Result<BTreeMap<String, String>, String> {
    match value {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(format!("{what}.{k} is not a string")),
            })
            .collect(),
        Some(_) => Err(format!("{what} is not an object of strings")),
    }
}

/// `text` cut to at most `max` bytes at a character boundary, ending in `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The notification kept within its bounds, so what is stored can be shown, exported
/// and synced. What a monitor sends too much of is cut rather than lost (Alertmanager
/// does not send a refused notification again): a long text or label value is
/// shortened, labels past [`MAX_LABELS`] are left out. What names the alert (its
/// fingerprint, source, a label's name) is refused when over its bound; the error says
/// which.
pub fn checked(mut note: Notification) -> Result<Notification, String> {
    let over = |what: &str, value: &str, max: usize| -> Result<(), String> {
        if value.len() > max {
            Err(format!("{what} takes {} bytes; at most {max}", value.len()))
        } else {
            Ok(())
        }
    };
    over("the fingerprint", &note.fingerprint, MAX_KEY_BYTES)?;
    if let Some(source) = &note.source {
        over("the source", source, MAX_KEY_BYTES)?;
    }
    for k in note.labels.keys() {
        over("a label's name", k, MAX_KEY_BYTES)?;
    }
    note.text = cut(&note.text, MAX_TEXT_BYTES);
    note.url = note.url.map(|u| cut(&u, MAX_VALUE_BYTES));
    note.labels = std::mem::take(&mut note.labels)
        .into_iter()
        .take(MAX_LABELS)
        .map(|(k, v)| (k, cut(&v, MAX_VALUE_BYTES)))
        .collect();
    // The whole must fit in one event, escaped as JSON (up to six bytes a byte):
    // labels are left out from the last until it does.
    let size = |n: &Notification| {
        n.text.len()
            + n.url.as_ref().map_or(0, String::len)
            + n.labels
                .iter()
                .map(|(k, v)| k.len() + v.len())
                .sum::<usize>()
    };
    while size(&note) * 6 + 4096 > crate::domain::MAX_EVENT_BYTES {
        let Some(last) = note.labels.keys().next_back().cloned() else {
            break;
        };
        note.labels.remove(&last);
    }
    Ok(note)
}
