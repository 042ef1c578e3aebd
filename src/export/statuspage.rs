//! A static public status page (HTML, no JavaScript) built from customer-audience
//! status updates only. Titles, internal updates and every other entry stay out: the
//! page says what customers were told, and nothing else.

use std::fmt::Write;

use crate::domain::{Audience, IncidentState, Status};
use crate::inert;

fn html(text: &str) -> String {
    inert::text(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace('\n', "<br>")
}

/// The page, for incidents that told customers something (drills never appear).
pub fn status_page(states: &[IncidentState]) -> String {
    let mut shown: Vec<(&IncidentState, Vec<(crate::domain::Timestamp, String)>)> = states
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
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Service status</title>\n<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}}h1{{font-size:1.6rem}}.ok{{color:#196c2e}}.bad{{color:#a4161a}}section{{border-top:1px solid #ddd;padding-top:1rem;margin-top:1.5rem}}time{{color:#555;font-size:.9rem}}li{{margin:.6rem 0}}</style>\n</head>\n<body>\n<h1>Service status</h1>"
    );
    if ongoing == 0 {
        let _ = writeln!(out, "<p class=\"ok\">No ongoing incidents.</p>");
    } else {
        let _ = writeln!(out, "<p class=\"bad\">{ongoing} ongoing incident(s).</p>");
    }
    for (s, updates) in &shown {
        let state = match s.status {
            Status::Resolved | Status::Closed => "Resolved",
            Status::Monitoring => "Monitoring",
            Status::Identified => "Identified",
            Status::Investigating | Status::Triage => "Investigating",
        };
        let first = updates
            .first()
            .map(|(at, _)| at.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<section>\n<h2>Incident of {first}: {state}</h2>\n<ul>"
        );
        for (at, text) in updates.iter().rev() {
            let _ = writeln!(
                out,
                "<li><time datetime=\"{}\">{} UTC</time><br>{}</li>",
                crate::domain::rfc3339(*at),
                at.format("%Y-%m-%d %H:%M"),
                html(text)
            );
        }
        let _ = writeln!(out, "</ul>\n</section>");
    }
    let _ = writeln!(out, "</body>\n</html>");
    out
}
