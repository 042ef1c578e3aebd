//! The triage wizard overlay: one question at a time, the answers so far, and the
//! severity they lead to with the reason, after every answer.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, boxed};
use crate::app::{App, Finish, TriageTarget, Wizard, enter_finishes, finish_word, retriage};
use crate::inert;

/// Draws the wizard.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, wizard: &Wizard, theme: &Theme) {
    let model = &app.setup.playbook.triage;
    let muted = theme.muted;
    let key = theme.hint_key;
    let title = match &wizard.target {
        TriageTarget::New(title) => format!("Triage · new incident: {}", inert::line(title)),
        TriageTarget::Incident(id) => match app.incidents.get(id) {
            Some(s) => format!(
                "{}{} · {}",
                if s.drill { "DRILL · " } else { "" },
                if s.declared_at.is_some() {
                    "Re-triage"
                } else {
                    "Triage"
                },
                inert::line(&s.title)
            ),
            None => "Triage".into(),
        },
    };
    let walk = &wizard.walk;
    let mut lines = Vec::new();
    match model.questions.get(walk.current) {
        Some(q) => {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{}/{}  ", walk.current + 1, model.questions.len()),
                    muted,
                ),
                Span::styled(inert::line(&q.text).into_owned(), theme.title),
            ]));
            for (i, choice) in q.choices.iter().enumerate() {
                let chosen = walk.answers[walk.current] == Some(i);
                let marker = if i == walk.highlighted { "> " } else { "  " };
                let mut style = theme.text;
                if i == walk.highlighted {
                    style = style.patch(theme.selection);
                }
                let done = if chosen { " (chosen)" } else { "" };
                lines.push(Line::styled(
                    format!("{marker}{} {}{done}", i + 1, inert::line(&choice.answer)),
                    style,
                ));
            }
        }
        None => lines.push(Line::styled(
            match enter_finishes(app, wizard) {
                Some(finish) => format!(
                    "Every question is answered: Enter to {}.",
                    finish_word(finish)
                ),
                None => "Every question is answered.".into(),
            },
            theme.title,
        )),
    }
    lines.push(Line::raw(""));
    for (i, q) in model.questions.iter().enumerate() {
        let answer = walk.answers[i]
            .and_then(|a| q.choices.get(a))
            .map(|c| c.answer.as_str());
        lines.push(Line::from(vec![
            Span::styled(format!("{:<8}", q.key), muted),
            match answer {
                Some(a) => Span::raw(inert::line(a).into_owned()),
                None => Span::styled("?", muted),
            },
        ]));
    }
    lines.push(Line::raw(""));
    let assessment = model.assess(&walk.answers);
    let retriage = retriage(app, wizard);
    match assessment.severity {
        Some(sev) => {
            let verdict = if retriage {
                "  re-triage: sets the declared incident's severity".into()
            } else if model.declares(sev) {
                format!("  declare: meets the threshold ({:?})", model.threshold)
            } else {
                format!("  route: below the threshold ({:?})", model.threshold)
            };
            lines.push(Line::from(vec![
                Span::raw("severity "),
                Span::styled(format!(" {sev} "), theme.severity(sev)),
                Span::styled(verdict, muted),
            ]));
        }
        None => lines.push(Line::styled("severity not known yet", muted)),
    }
    lines.push(Line::styled(
        format!("because {}", inert::line(&assessment.reason)),
        muted,
    ));
    if let Some(message) = &wizard.message {
        lines.push(Line::styled(inert::line(message).into_owned(), theme.error));
    }
    let width = area.width.saturating_sub(6).min(90);
    let height = (lines.len() as u16 + 3).min(area.height);
    let rect = area.centered(Constraint::Length(width), Constraint::Length(height));
    // The keys, each named for what it does now: after the last answer Enter finishes.
    let mut keys: Vec<(&str, &str)> = match enter_finishes(app, wizard) {
        Some(finish) => vec![("Enter", finish_word(finish)), ("b", "back")],
        None => vec![("Enter/1-6", "choose"), ("b", "back")],
    };
    if enter_finishes(app, wizard).is_none() {
        if retriage {
            keys.push(("d", finish_word(Finish::Retriage)));
        } else {
            keys.extend([("d", "declare"), ("r", "route")]);
        }
    }
    keys.push(("Esc", "cancel"));
    let mut spans = vec![Span::raw(" ")];
    for (i, (chord, word)) in keys.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(*chord, key));
        spans.push(Span::raw(format!(" {word}")));
    }
    spans.push(Span::raw(" "));
    let footer = Line::from(spans);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed(&title, theme).title_bottom(footer)),
        rect,
    );
}
