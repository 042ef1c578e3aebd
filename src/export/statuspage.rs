//! A static public status page (HTML, no JavaScript) built from customer-audience
//! status updates only. Titles, internal updates and every other entry stay out: the
//! page says what customers were told, and nothing else.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::domain::{Audience, IncidentState, Status, Timestamp, rfc3339};
use crate::inert;

/// The page's whole style sheet: fixed text, no input in it.
const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}h1{font-size:1.6rem}.ok{color:#196c2e}.bad{color:#a4161a}section{border-top:1px solid #ddd;padding-top:1rem;margin-top:1.5rem}time{color:#555;font-size:.9rem}li{margin:.6rem 0}";

/// An update's text, made inert and escaped by maud, its line breaks kept as `<br>`.
fn lines(text: &str) -> Markup {
    html! {
        @for (i, line) in inert::text(text).split('\n').enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}

/// The page, for incidents that told customers something (drills never appear).
pub fn status_page(states: &[IncidentState]) -> String {
    let mut shown: Vec<(&IncidentState, Vec<(Timestamp, String)>)> = states
        .iter()
        .filter(|s| !s.drill)
        .map(|s| {
            let updates: Vec<_> = s
                .updates_to(Audience::Customers)
                .filter_map(|e| {
                    let current = s.current_text(e);
                    (!current.struck).then_some((e.event.at, current.text))
                })
                .collect();
            (s, updates)
        })
        .filter(|(_, updates)| !updates.is_empty())
        .collect();
    shown.sort_by_key(|(_, updates)| std::cmp::Reverse(updates.last().map(|(at, _)| *at)));
    let ongoing = shown.iter().filter(|(s, _)| s.status.is_open()).count();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Service status" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "Service status" }
                @if ongoing == 0 {
                    p.ok { "No ongoing incidents." }
                } @else {
                    p.bad { (ongoing) " ongoing incident(s)." }
                }
                @for (s, updates) in &shown {
                    section {
                        h2 { "Incident of " (first_day(updates)) ": " (public_state(s.status)) }
                        ul {
                            @for (at, text) in updates.iter().rev() {
                                li {
                                    time datetime=(rfc3339(*at)) {
                                        (at.format("%Y-%m-%d %H:%M").to_string()) " UTC"
                                    }
                                    br;
                                    (lines(text))
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page.into_string() + "\n"
}

/// The state customers are told, in their words.
fn public_state(status: Status) -> &'static str {
    match status {
        Status::Resolved | Status::Closed => "Resolved",
        Status::Monitoring => "Monitoring",
        Status::Identified => "Identified",
        Status::Investigating | Status::Triage => "Investigating",
    }
}

/// The day of an incident's first customer update.
fn first_day(updates: &[(Timestamp, String)]) -> String {
    updates
        .first()
        .map(|(at, _)| at.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
