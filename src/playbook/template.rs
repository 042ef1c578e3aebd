//! Status update templates: `{placeholder}`s filled from the incident's state.

use chrono::TimeDelta;

use crate::domain::{Category, IncidentState, Timestamp};
use crate::format::duration;

/// Every placeholder a template may use.
pub const PLACEHOLDERS: [&str; 17] = [
    "title",
    "services",
    "impact_start",
    "next_steps",
    "resolution",
    "progress",
    "severity",
    "status",
    "impact",
    "current",
    "hypothesis",
    "fix",
    "next_update",
    "commander",
    "incident",
    "started",
    "duration",
];

/// Splits a template into literal text and placeholder names; `{{` and `}}` are braces.
fn pieces(template: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                out.push((false, std::mem::take(&mut text)));
                let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
                out.push((true, name.trim().to_string()));
            }
            c => text.push(c),
        }
    }
    out.push((false, text));
    out
}

/// The placeholders a template uses (`{{` and `}}` are braces, not placeholders), in
/// order.
pub fn placeholders(template: &str) -> Vec<String> {
    pieces(template)
        .into_iter()
        .filter(|(is_name, _)| *is_name)
        .map(|(_, name)| name)
        .collect()
}

/// The placeholders a template uses that are not known, in order.
pub fn unknown_placeholders(template: &str) -> Vec<String> {
    pieces(template)
        .into_iter()
        .filter(|(is_name, name)| *is_name && !PLACEHOLDERS.contains(&name.as_str()))
        .map(|(_, name)| name)
        .collect()
}

/// The hypothesis to name: the latest confirmed one, else the latest still open (one
/// ruled out or struck is never named).
fn hypothesis(state: &IncidentState) -> Option<String> {
    use crate::domain::Verdict;
    let live = |wanted: Verdict| {
        state
            .timeline
            .iter()
            .rev()
            .filter(|e| e.category() == Category::Hypothesis)
            .filter(|e| matches!(e.event.body, crate::domain::Body::Hypothesis { .. }))
            .filter(|e| {
                let verdict = state
                    .verdicts
                    .get(&e.event.id)
                    .map_or(Verdict::Open, |(v, _)| *v);
                verdict == wanted
            })
            .map(|e| state.current_text(e))
            .find(|current| !current.struck)
            .map(|current| current.text)
    };
    live(Verdict::Confirmed).or_else(|| live(Verdict::Open))
}

/// Where an incident stands, in a sentence fit for customers (no internal words):
/// the `{progress}` placeholder.
pub fn progress(state: &IncidentState) -> &'static str {
    use crate::domain::Status;
    match state.status {
        Status::Triage | Status::Investigating => "Our engineers are investigating.",
        Status::Identified => "We have found the cause and are working on a fix.",
        Status::Monitoring => "A fix is in place and we are watching the results.",
        Status::Resolved | Status::Closed => "The issue is resolved.",
    }
}

/// Fills a template from the incident. `cadence` is how long until the next update is
/// due after this one (`{next_update}` is then); `zone_fmt` formats a time of day with
/// its zone for readers (`14:30 UTC`). A drill's text starts by saying it is a drill,
/// and its times and durations are in scenario time.
pub fn render(
    template: &str,
    state: &IncidentState,
    now: Timestamp,
    cadence: TimeDelta,
    zone_fmt: &dyn Fn(Timestamp) -> String,
) -> String {
    let now_on_clock = state.clock(now);
    // The situation is what the room states to be told; the triage answers and the
    // log's latest decision are working notes, not a statement.
    let sit = &state.situation;
    let impact = sit
        .impact
        .clone()
        .unwrap_or_else(|| "being assessed".into());
    let next_steps = sit.next_steps.clone();
    let hypothesis = hypothesis(state);
    // Once resolved, what fixed it is what is being done; nothing is "investigating".
    let resolved = (!state.status.is_open())
        .then(|| {
            state
                .resolution
                .as_ref()
                .map(|r| format!("resolved: {}", r.summary))
        })
        .flatten();
    let fix = next_steps.clone();
    let value = |name: &str| -> String {
        match name {
            "title" => state.title.clone(),
            "severity" => state
                .severity
                .map(|s| s.to_string())
                .unwrap_or_else(|| "severity not set".into()),
            "status" => state.status.to_string(),
            "impact" => impact.clone(),
            "services" => {
                if sit.services.is_empty() {
                    "some of our services".into()
                } else {
                    sit.services.join(", ")
                }
            }
            "impact_start" => sit
                .impact_start
                .map(zone_fmt)
                .unwrap_or_else(|| "a time still being established".into()),
            "next_steps" => next_steps.clone().unwrap_or_else(|| "being decided".into()),
            "hypothesis" => hypothesis.clone().unwrap_or_else(|| "not known yet".into()),
            "fix" => resolved
                .clone()
                .or_else(|| fix.clone())
                .unwrap_or_else(|| "still investigating".into()),
            "current" => resolved
                .clone()
                .or_else(|| fix.clone())
                .unwrap_or_else(|| "investigating".into()),
            "next_update" => zone_fmt(now_on_clock + cadence),
            "progress" => progress(state).into(),
            "resolution" => state
                .resolution
                .as_ref()
                .map(|r| r.summary.clone())
                .unwrap_or_else(|| "not resolved yet".into()),
            "commander" => state
                .command
                .commander
                .clone()
                .unwrap_or_else(|| "not assigned".into()),
            "incident" => state.short_id(),
            "started" => state.started_at().map(zone_fmt).unwrap_or_default(),
            "duration" => state
                .started_at()
                .map(|s| duration(state.elapsed(s, now)))
                .unwrap_or_default(),
            other => format!("{{{other}}}"),
        }
    };
    let text: String = pieces(template)
        .into_iter()
        .map(|(is_name, piece)| if is_name { value(&piece) } else { piece })
        .collect();
    if state.drill {
        format!("{DRILL_MARK} {text}")
    } else {
        text
    }
}

/// What every text a drill sends out starts with.
pub const DRILL_MARK: &str = "[DRILL, not a real incident]";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unknown_placeholders_and_honours_escapes() {
        assert!(unknown_placeholders("{title} {{literal}} {severity}").is_empty());
        assert_eq!(unknown_placeholders("{titel} and {eta}"), ["titel", "eta"]);
    }
}
