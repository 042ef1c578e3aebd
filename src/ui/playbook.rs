//! The playbook on one page: the severity matrix, cadence and paging, contacts, and
//! who is in charge of the shown incident.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use strum::IntoEnumIterator;

use super::{Theme, boxed};
use crate::app::{App, Mode, PageScroll};
use crate::domain::{Role, Severity};
use crate::inert;

/// The playbook view's lines.
pub fn lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let p = &app.setup.playbook;
    let title = theme.title;
    let muted = theme.muted;
    let mut out = vec![
        Line::from(vec![
            Span::styled(p.name.clone(), title),
            Span::styled(format!("  ({})", p.source), muted),
        ]),
        Line::raw(format!(
            "Declare an incident at {} or worse; below it, route to the service desk.",
            p.triage.threshold
        )),
        Line::raw(""),
        Line::styled("Severity matrix (impact down, urgency across)", title),
    ];
    let cols = p.triage.matrix.first().map(Vec::len).unwrap_or(0);
    let mut header = vec![Span::styled("          ".to_string(), muted)];
    for u in 1..=cols {
        header.push(Span::styled(format!("urgency {u:<4}"), muted));
    }
    out.push(Line::from(header));
    for (i, row) in p.triage.matrix.iter().enumerate() {
        let mut spans = vec![Span::styled(format!("impact {:<3}", i + 1), muted)];
        for sev in row {
            spans.push(Span::styled(
                format!("{:<12}", format!("{} {}", sev.key(), sev.label())),
                theme.severity(*sev),
            ));
            spans.push(Span::raw(" "));
        }
        out.push(Line::from(spans));
    }
    for q in &p.triage.questions {
        let levels: Vec<String> = q
            .choices
            .iter()
            .map(|c| {
                let tag = match (c.impact, c.urgency, c.force) {
                    (_, _, Some(f)) => format!("always {}", f.key()),
                    (Some(i), _, _) => format!("impact {i}"),
                    (_, Some(u), _) => format!("urgency {u}"),
                    _ => "-".into(),
                };
                format!("{} [{tag}]", c.answer)
            })
            .collect();
        out.push(Line::from(vec![
            Span::styled(format!("{}: ", q.text), muted),
            Span::raw(levels.join("; ")),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        "Per severity: status updates and who to page",
        title,
    ));
    for sev in Severity::iter() {
        let cadence = p.cadence_words(sev);
        let page: Vec<&str> = p.page(sev).iter().map(|r| r.label()).collect();
        let page = if page.is_empty() {
            "the IC only".to_string()
        } else {
            format!("the IC and {}", page.join(", "))
        };
        out.push(Line::from(vec![
            Span::styled(
                format!("{:<12}", format!("{} {}", sev.key(), sev.label())),
                theme.severity(sev),
            ),
            Span::raw(format!("  updates {cadence:<15} page {page}")),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Escalation contacts", title));
    for c in &p.contacts {
        out.push(Line::raw(format!(
            "{:<20} {:<16} {}",
            inert::line(&c.name),
            c.role.label(),
            inert::line(&c.reach)
        )));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Who is in charge", title));
    match app.incident() {
        Some(s) => {
            let ic = s
                .command
                .commander
                .as_deref()
                .map(|c| inert::line(c).into_owned())
                .unwrap_or_else(|| "nobody yet".into());
            out.push(Line::raw(format!(
                "commander   {ic}  (one commander; deputies do not share authority)"
            )));
            for role in Role::iter() {
                let holders: Vec<String> = s
                    .roster
                    .with_role(role)
                    .map(|r| inert::line(&r.name).into_owned())
                    .collect();
                if !holders.is_empty() {
                    out.push(Line::raw(format!(
                        "{:<11} {}",
                        role.label(),
                        holders.join(", ")
                    )));
                }
            }
        }
        None => out.push(Line::styled("no incident shown", muted)),
    }
    out.push(Line::raw(""));
    out.push(Line::from(vec![
        Span::styled("Resolution codes  ", title),
        Span::raw(p.resolution_codes.join(", ")),
    ]));
    // Everything above quotes the team's file: shown inert, span by span.
    for line in &mut out {
        for span in &mut line.spans {
            if !crate::inert::is_inert(&span.content) {
                span.content = crate::inert::line(&span.content).into_owned().into();
            }
        }
    }
    out
}

/// Draws the playbook view.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, scroll: &PageScroll, theme: &Theme) {
    let rect = area.centered(
        Constraint::Length(area.width.saturating_sub(4).min(110)),
        Constraint::Length(area.height.saturating_sub(2)),
    );
    let lines = lines(app, theme);
    let visible = rect.height.saturating_sub(2) as usize;
    let scroll = scroll.show(lines.len(), visible);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(boxed(
                &super::title(&["Playbook", &super::page_keys(app, Mode::Playbook)]),
                theme,
            )),
        rect,
    );
}
