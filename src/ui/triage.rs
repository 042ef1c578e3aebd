//! The triage pane: the walk through the questions while in triage, and what the last
//! triage decided otherwise.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, pane_block};
use crate::app::{Action, App, Mode, Pane};
use crate::domain::{IncidentState, Status};
use crate::inert;

/// Draws the triage pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let Some(s) = app.pane_state() else { return };
    let block = pane_block(app, Pane::Triage, theme, &super::as_of_title(app));
    let lines = if s.status == Status::Triage {
        walkthrough(app, s, theme)
    } else {
        summary(app, s, theme)
    };
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

/// A question's short key when the playbook asks it, else its text.
fn question_label(app: &App, text: &str) -> String {
    app.setup
        .playbook
        .triage
        .key_of(text)
        .map(String::from)
        .unwrap_or_else(|| inert::line(text).into_owned())
}

fn walkthrough<'a>(app: &App, s: &IncidentState, theme: &Theme) -> Vec<Line<'a>> {
    let muted = theme.muted;
    let recorded = s
        .severity_history
        .last()
        .map(|c| c.triage.as_slice())
        .unwrap_or(&[]);
    let mut lines = vec![Line::styled("In triage: not declared", theme.notice)];
    for q in &app.setup.playbook.triage.questions {
        let answer = recorded.iter().find(|a| a.question == q.text);
        lines.push(Line::from(vec![
            Span::styled(format!("{:<6}", q.key), muted),
            match answer {
                Some(a) => Span::styled(inert::line(&a.answer).into_owned(), theme.title),
                None => Span::styled(format!("? {}", inert::line(&q.text)), muted),
            },
        ]));
    }
    lines.push(match s.severity {
        Some(sev) => Line::from(vec![
            Span::raw("so far "),
            Span::styled(format!(" {sev} "), theme.severity(sev)),
        ]),
        None => Line::styled("severity not known yet", muted),
    });
    lines.push(Line::styled(
        format!(
            "{} walks the questions",
            app.key(Mode::Normal, Action::OpenTriage)
        ),
        muted,
    ));
    lines
}

fn summary<'a>(app: &App, s: &IncidentState, theme: &Theme) -> Vec<Line<'a>> {
    let muted = theme.muted;
    let Some(last) = s.severity_history.last() else {
        return vec![
            Line::styled("never triaged: no severity recorded", theme.notice),
            Line::styled(":severity P1-P5 REASON sets it", muted),
        ];
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!(" {} ", last.to), theme.severity(last.to)),
        Span::styled(
            format!(
                " by {} at {}",
                inert::line(&last.by),
                app.setup.zone.stamp(last.at, app.pane_now())
            ),
            muted,
        ),
    ])];
    if let Some(reason) = &last.reason {
        lines.push(Line::raw(inert::line(reason).into_owned()));
    }
    if last.triage.is_empty() {
        lines.push(Line::styled("set without triage answers", muted));
    }
    for answer in &last.triage {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<6}", question_label(app, &answer.question)),
                muted,
            ),
            Span::raw(inert::line(&answer.answer).into_owned()),
        ]));
    }
    if s.severity_history.len() > 1 {
        let path: Vec<String> = s
            .severity_history
            .iter()
            .map(|c| format!("P{}", c.to.level()))
            .collect();
        lines.push(Line::styled(
            format!("history: {}", path.join(" → ")),
            muted,
        ));
    }
    lines
}
