//! The Markdown export: a document people can read as it stands or paste into a wiki.

use std::fmt::Write;

use crate::domain::{Body, Category, IncidentState};
use crate::format;
use crate::inert;

/// Text from the log made safe for Markdown: inert, one line, no raw HTML or table breaks.
fn md(text: &str) -> String {
    inert::line(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}

fn opt_time(t: Option<crate::domain::Timestamp>) -> String {
    t.map(format::local_datetime).unwrap_or_else(|| "-".into())
}

/// The incident as a Markdown document.
pub fn markdown(s: &IncidentState) -> String {
    let mut out = String::new();
    let drill = if s.drill { " (DRILL)" } else { "" };
    let _ = writeln!(out, "# {}{drill}\n", md(&s.title));
    let zone = chrono::Local::now().format("%:z");
    let _ = writeln!(out, "Incident `{}`. Times are local (UTC{zone}).\n", s.id);

    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(out, "| | |\n|---|---|");
    let severity = s
        .severity
        .map(|v| v.to_string())
        .unwrap_or_else(|| "not set".into());
    let rows = [
        ("Severity", severity),
        ("Status", s.status.to_string()),
        (
            "Commander",
            s.command
                .commander
                .as_deref()
                .map(md)
                .unwrap_or_else(|| "-".into()),
        ),
        ("Started", opt_time(s.started_at())),
        ("Declared", opt_time(s.declared_at)),
        ("Resolved", opt_time(s.resolved_at)),
        (
            "Time to acknowledge",
            s.time_to_acknowledge()
                .map(format::duration)
                .unwrap_or_else(|| "-".into()),
        ),
        (
            "Time to declare",
            s.time_to_declare()
                .map(format::duration)
                .unwrap_or_else(|| "-".into()),
        ),
        (
            "Time to resolve",
            s.time_to_resolve()
                .map(format::duration)
                .unwrap_or_else(|| "-".into()),
        ),
        ("Commander handoffs", s.command.handoffs().to_string()),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "| {label} | {value} |");
    }
    if let Some(r) = &s.resolution {
        let _ = writeln!(out, "| Resolution | {}: {} |", md(&r.code), md(&r.summary));
    }

    if !s.severity_history.is_empty() {
        let _ = writeln!(out, "\n## Severity history\n");
        for c in &s.severity_history {
            let reason = c
                .reason
                .as_deref()
                .map(|r| format!(": {}", md(r)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {} {} by {}{reason}",
                format::local_datetime(c.at),
                c.to,
                md(&c.by)
            );
            for answer in &c.triage {
                let _ = writeln!(out, "  - {}: {}", md(&answer.question), md(&answer.answer));
            }
        }
    }

    if !s.command.history.is_empty() {
        let _ = writeln!(out, "\n## Command\n");
        for c in &s.command.history {
            let from = c
                .from
                .as_deref()
                .map(|f| format!(" from {}", md(f)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {} {}{from} ({:?})",
                format::local_datetime(c.at),
                md(&c.to),
                c.how
            );
        }
        for c in &s.command.conflicts {
            let settled = c
                .settled_at
                .map(|t| format!("settled {}", format::local_datetime(t)))
                .unwrap_or_else(|| "NOT SETTLED".into());
            let _ = writeln!(
                out,
                "- conflict: {} claimed at {} ({settled})",
                md(&c.claimant),
                format::local_datetime(c.at)
            );
        }
    }

    if !s.roster.people.is_empty() {
        let _ = writeln!(out, "\n## Responders\n");
        for p in s.roster.people.values() {
            let roles: Vec<&str> = p.roles.iter().map(|r| r.label()).collect();
            let state = p.state.map(|st| st.label()).unwrap_or("-");
            let _ = writeln!(
                out,
                "- {}: {} ({state})",
                md(&p.name),
                if roles.is_empty() {
                    "-".into()
                } else {
                    roles.join(", ")
                }
            );
        }
    }

    let _ = writeln!(out, "\n## Timeline\n");
    for entry in &s.timeline {
        let (text, struck) = s.current_text(entry);
        let mut line = md(&text);
        if struck {
            line = format!("~~{line}~~");
        }
        if matches!(entry.category(), Category::Decision) {
            line = format!("**{line}**");
        }
        let amended = entry.corrections.iter().any(|&c| {
            matches!(
                s.timeline[c].event.body,
                Body::Correction { text: Some(_), .. }
            )
        });
        if amended {
            line.push_str(&format!(" (amended; was: {})", md(&entry.original_text())));
        }
        if entry.event.is_backdated() {
            line.push_str(&format!(
                " (back-dated; logged {})",
                format::local_datetime(entry.event.logged_at)
            ));
        }
        let _ = writeln!(
            out,
            "- {} `{}` {}: {line}",
            format::local_datetime(entry.event.at),
            entry.category().marker(),
            md(&entry.event.author)
        );
    }

    if !s.action_items.is_empty() {
        let _ = writeln!(out, "\n## Action items\n");
        let _ = writeln!(
            out,
            "| Item | Owner | Due | Priority | State |\n|---|---|---|---|---|"
        );
        for i in &s.action_items {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md(&i.title),
                i.owner.as_deref().map(md).unwrap_or_else(|| "-".into()),
                i.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                i.priority
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "-".into()),
                if i.closed_at.is_some() {
                    "done"
                } else {
                    "open"
                }
            );
        }
    }
    out
}
