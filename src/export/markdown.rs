//! The post-incident document in Markdown: readable as it stands, good to paste into
//! a wiki. Everything from the log is made inert and escaped for Markdown.

use std::fmt::Write;

use strum::IntoEnumIterator;

use crate::domain::{Audience, Category, IncidentState, ReviewSection, Timestamp};
use crate::format;
use crate::metrics::for_incident;
use crate::playbook::Playbook;

use super::LocalTimes;

pub use super::escape::{md, md_heading};

/// An entry's text as Markdown, corrections applied, crossed out when struck, with
/// "(no effect: why)" after it when a rule refused it as it was folded.
pub fn entry_md(s: &IncidentState, entry: &crate::domain::Entry) -> String {
    entry_md_in(s, entry, None)
}

/// An entry's text as [`entry_md`] writes it, with its line breaks kept (as hard
/// breaks, continued lines indented by `indent`) for a list item.
pub fn entry_md_lines(s: &IncidentState, entry: &crate::domain::Entry, indent: &str) -> String {
    entry_md_in(s, entry, Some(indent))
}

fn entry_md_in(s: &IncidentState, entry: &crate::domain::Entry, lines: Option<&str>) -> String {
    let current = s.current_text(entry);
    let text = match lines {
        Some(indent) => super::escape::md_lines(&current.text, indent),
        None => md(&current.text),
    };
    let mut verdict = current
        .verdict
        .as_deref()
        .map(|v| format!(" ({})", md(v)))
        .unwrap_or_default();
    // A rule refused it when it was folded (an acceptance of a handoff a partition had
    // already overtaken, say): the record keeps it, and says it changed nothing.
    if let Some(why) = &current.no_effect {
        verdict.push_str(&format!(" (no effect: {})", md(why)));
    }
    if current.struck {
        format!("~~{text}~~{verdict}")
    } else {
        format!("{text}{verdict}")
    }
}

fn when(clock: &LocalTimes, t: Option<Timestamp>) -> String {
    format::or_dash(t.map(|t| clock.datetime(t)))
}

/// The incident as a post-incident document. `now` counts for an incident still open.
pub fn markdown(s: &IncidentState, playbook: &Playbook, now: Timestamp) -> String {
    let mut out = String::new();
    let drill = if s.drill {
        " (DRILL: not a real incident)"
    } else {
        ""
    };
    let _ = writeln!(out, "# {}{drill}\n", md_heading(&s.title));
    let clock = &LocalTimes::for_incident(s);
    let _ = writeln!(out, "Incident `{}`. {}\n", s.id, clock.heading());
    summary(&mut out, s, clock);
    impact(&mut out, s);
    review(&mut out, s, clock);
    severity(&mut out, s, clock);
    command(&mut out, s, clock);
    updates(&mut out, s, clock);
    work(&mut out, s);
    timeline(&mut out, s, clock);
    action_items(&mut out, s);
    metrics(&mut out, s, playbook, now);
    out
}

fn summary(out: &mut String, s: &IncidentState, clock: &LocalTimes) {
    let _ = writeln!(out, "## Summary\n\n| | |\n|---|---|");
    let rows = [
        ("Severity", s.severity_with_peak()),
        (
            "Customer impact",
            s.situation
                .impact_window(|t| clock.datetime(t))
                .unwrap_or_else(|| "not stated".into()),
        ),
        ("Status", s.status.to_string()),
        (
            "Commander",
            format::or_dash(s.command.commander.as_deref().map(md)),
        ),
        ("Started", when(clock, s.started_at())),
        ("Declared", when(clock, s.declared_at)),
        ("Resolved", when(clock, s.resolved_at)),
        ("Duration", format::maybe_duration(s.time_to_resolve())),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "| {label} | {value} |");
    }
    if let Some(r) = &s.resolution {
        let _ = writeln!(
            out,
            "| Resolution | `{}`: {} |",
            md(&r.code),
            md(&r.summary)
        );
    }
    if s.reopened > 0 {
        let _ = writeln!(out, "| Reopened | {} time(s) |", s.reopened);
    }
    if let Some(to) = &s.routed_to {
        let _ = writeln!(out, "| Routed | to the {} (never declared) |", md(to));
    }
    if let Some(p) = &s.problem {
        let ticket = p
            .ticket
            .as_deref()
            .map(|t| format!(" ({})", md(t)))
            .unwrap_or_default();
        let _ = writeln!(out, "| Problem owner | {}{ticket} |", md(&p.owner));
    }
    let sit = &s.situation;
    if let Some(impact) = &sit.impact {
        let _ = writeln!(out, "| Impact | {} |", md(impact));
    }
    for (label, items) in [("Services", &sit.services), ("Regions", &sit.regions)] {
        if !items.is_empty() {
            let _ = writeln!(out, "| {label} | {} |", md(&items.join(", ")));
        }
    }
    if sit.impact_start.is_some() || sit.impact_end.is_some() {
        let _ = writeln!(
            out,
            "| Customer impact | {} to {} |",
            when(clock, sit.impact_start),
            when(clock, sit.impact_end)
        );
    }
    if let Some(next) = &sit.next_steps {
        let _ = writeln!(out, "| Next steps | {} |", md(next));
    }
}

fn impact(out: &mut String, s: &IncidentState) {
    let _ = writeln!(out, "\n## Impact\n");
    match s
        .severity_history
        .iter()
        .rev()
        .find(|c| !c.triage.is_empty())
    {
        Some(c) => {
            for a in &c.triage {
                let _ = writeln!(out, "- {} **{}**", md(&a.question), md(&a.answer));
            }
            if let Some(reason) = &c.reason {
                let _ = writeln!(out, "\nAssessed as {} because {}.", c.to, md(reason));
            }
        }
        None => {
            let _ = writeln!(out, "No triage answers were recorded.");
        }
    }
    if let Some(r) = &s.resolution
        && !r.checklist.is_empty()
    {
        let _ = writeln!(out, "\nBefore resolving:\n");
        for c in &r.checklist {
            let _ = writeln!(
                out,
                "- [{}] {}",
                if c.done { "x" } else { " " },
                md(&c.item)
            );
        }
    }
}

fn review(out: &mut String, s: &IncidentState, clock: &LocalTimes) {
    let _ = writeln!(out, "\n## Review\n");
    for section in ReviewSection::iter() {
        let _ = writeln!(out, "### {}\n", section.title());
        let findings = s.review(section);
        match (findings.is_empty(), section, &s.problem) {
            (true, ReviewSection::RootCause, Some(p)) => {
                let _ = writeln!(
                    out,
                    "- {} (from the handoff to problem management)",
                    md(&p.root_cause)
                );
            }
            (true, _, _) => {
                let _ = writeln!(out, "- none recorded");
            }
            _ => {}
        }
        for (entry, text) in findings {
            let _ = writeln!(out, "- {} ({})", md(&text), md(&entry.event.credit()));
        }
        let _ = writeln!(out);
    }
    if let Some(p) = &s.problem {
        let fix = p
            .fix
            .as_deref()
            .map(md)
            .unwrap_or_else(|| "not stated".into());
        let _ = writeln!(
            out,
            "Handed to problem management at {} by {}: owner {}, permanent fix: {fix}.\n",
            clock.datetime(p.at),
            md(&p.by),
            md(&p.owner)
        );
    }
}

fn severity(out: &mut String, s: &IncidentState, clock: &LocalTimes) {
    let _ = writeln!(out, "## Severity history\n");
    if s.severity_history.is_empty() {
        let _ = writeln!(out, "- never set");
    }
    for c in &s.severity_history {
        let reason = c
            .reason
            .as_deref()
            .map(|r| format!(": {}", md(r)))
            .unwrap_or_default();
        let from = c.from.map(|f| format!(" (was {f})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "- {} {}{from} by {}{reason}",
            clock.datetime(c.at),
            c.to,
            md(&c.by)
        );
    }
}

fn command(out: &mut String, s: &IncidentState, clock: &LocalTimes) {
    let _ = writeln!(out, "\n## Who commanded, and the roles\n");
    for (c, until) in s.command.tenures(s.ended_at()) {
        let span = match until {
            Some(u) => format!(
                "{} to {} ({})",
                clock.datetime(c.at),
                clock.datetime(u),
                format::duration(u - c.at)
            ),
            None => format!("from {}", clock.datetime(c.at)),
        };
        let how = match c.how {
            crate::domain::CommandHow::Claim => "claimed".to_string(),
            crate::domain::CommandHow::Assumed => format!(
                "assumed from {}",
                c.from.as_deref().map(md).unwrap_or_else(|| "nobody".into())
            ),
            crate::domain::CommandHow::Handoff => format!(
                "handed over by {}",
                c.from.as_deref().map(md).unwrap_or_default()
            ),
        };
        let _ = writeln!(out, "- **{}** commanded {span}, {how}", md(&c.to));
    }
    if s.command.history.is_empty() {
        let _ = writeln!(out, "- nobody took command");
    }
    for c in &s.command.conflicts {
        let settled = c
            .settled_at
            .map(|t| format!("settled {}", clock.datetime(t)))
            .unwrap_or_else(|| "never settled".into());
        let _ = writeln!(
            out,
            "- conflict: {} claimed command at {} ({settled})",
            md(&c.claimant),
            clock.datetime(c.at)
        );
    }
    for r in &s.roster.role_history {
        let verb = if r.assigned {
            "became"
        } else {
            "stopped being"
        };
        let _ = writeln!(
            out,
            "- {} {} {verb} {} (by {})",
            clock.datetime(r.at),
            md(&r.person),
            r.role.label(),
            md(&r.by)
        );
    }
}

fn updates(out: &mut String, s: &IncidentState, clock: &LocalTimes) {
    let _ = writeln!(out, "\n## Status updates\n");
    for audience in Audience::iter() {
        let _ = writeln!(out, "### To {audience}\n");
        let mut any = false;
        for e in s.updates_to(audience) {
            let _ = writeln!(
                out,
                "- {} ({}): {}",
                clock.datetime(e.event.at),
                md(&e.event.credit()),
                entry_md_lines(s, e, "  ")
            );
            any = true;
        }
        if !any {
            let _ = writeln!(out, "- none sent");
        }
        let _ = writeln!(out);
    }
}

fn timeline(out: &mut String, s: &IncidentState, clock: &LocalTimes) {
    let _ = writeln!(
        out,
        "## Timeline\n\nDecisions are in bold; struck entries stay, crossed out.\n"
    );
    for entry in &s.timeline {
        let mut line = entry_md_lines(s, entry, "  ");
        let current = s.current_text(entry);
        if matches!(entry.category(), Category::Decision) {
            line = format!("**{line}**");
        }
        if let Some(at) = current.at {
            line.push_str(&format!(" (re-dated: happened {})", clock.datetime(at)));
        }
        if current.amended {
            line.push_str(&format!(" (amended; was: {})", md(&entry.original_text())));
        }
        if entry.event.is_backdated() {
            line.push_str(&format!(
                " (logged {})",
                clock.datetime(entry.event.logged_at)
            ));
        }
        let _ = writeln!(
            out,
            "- {} `{}` {}: {line}",
            clock.datetime(entry.event.at),
            entry.category().marker(),
            md(&entry.event.credit())
        );
    }
}

/// The objectives and the tasks of the response, as they ended.
fn work(out: &mut String, s: &IncidentState) {
    if !s.objectives.is_empty() {
        let _ = writeln!(out, "## Objectives\n");
        for o in &s.objectives {
            let _ = writeln!(out, "- [{}] {}", o.stage, md(&o.text));
        }
        let _ = writeln!(out);
    }
    if !s.tasks.is_empty() {
        let _ = writeln!(out, "## Tasks\n");
        for t in &s.tasks {
            let owner = t
                .owner
                .as_deref()
                .map(|o| format!(" (owner {})", md(o)))
                .unwrap_or_default();
            let _ = writeln!(out, "- [{}] {}{owner}", t.state.label(), md(&t.text));
        }
        let _ = writeln!(out);
    }
}

fn action_items(out: &mut String, s: &IncidentState) {
    let _ = writeln!(out, "\n## Action items\n");
    if s.action_items.is_empty() {
        let _ = writeln!(out, "None.");
        return;
    }
    let _ = writeln!(
        out,
        "| # | Item | Owner | Due | Priority | State |\n|---|---|---|---|---|---|"
    );
    for (i, item) in s.action_items.iter().enumerate() {
        let state = item.stage();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {state} |",
            i + 1,
            md(&item.title),
            format::or_dash(item.owner.as_deref().map(md)),
            format::or_dash(item.due),
            format::or_dash(item.priority),
        );
    }
}

fn metrics(out: &mut String, s: &IncidentState, playbook: &Playbook, now: Timestamp) {
    let m = for_incident(s, &|sev, a| playbook.cadence_for(sev, a), now);
    let secs = format::seconds;
    let _ = writeln!(out, "\n## Metrics\n\n| | |\n|---|---|");
    let _ = writeln!(
        out,
        "| Time to acknowledge | {} |",
        secs(m.time_to_acknowledge_s)
    );
    let _ = writeln!(out, "| Time to declare | {} |", secs(m.time_to_declare_s));
    let _ = writeln!(out, "| Time to resolve | {} |", secs(m.time_to_resolve_s));
    let _ = writeln!(out, "| Commander handoffs | {} |", m.handoffs);
    for status in crate::domain::Status::iter() {
        if let Some(seconds) = m.time_in_status_s.get(status.as_str()) {
            let _ = writeln!(out, "| Time {status} | {} |", secs(Some(*seconds)));
        }
    }
    for a in &m.cadence {
        let value = if a.due == 0 {
            "no update was due".into()
        } else {
            format!("{} of {} on time", a.on_time, a.due)
        };
        let _ = writeln!(out, "| Updates to {} | {value} |", a.audience);
    }
}
