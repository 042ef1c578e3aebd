//! The triage wizard overlay: one question at a time, the answers so far, and the
//! severity they lead to with the reason, after every answer.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, boxed};
use crate::app::{
    Action, App, Finish, Mode, TriageTarget, Wizard, enter_finishes, finish_word, retriage,
};
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
                    "Every question is answered: {} to {}.",
                    app.key(Mode::Triage, Action::Submit),
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
    let bound = |action| {
        app.setup
            .keys
            .key_for(Mode::Triage, action)
            .map(|k| k.to_string())
    };
    let submit = bound(Action::Submit);
    let mut keys: Vec<(Option<String>, &str)> = match enter_finishes(app, wizard) {
        Some(finish) => vec![(submit, finish_word(finish))],
        None => {
            let choose = [submit, pick_keys(app)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("/");
            vec![((!choose.is_empty()).then_some(choose), "choose")]
        }
    };
    keys.push((bound(Action::Back), "back"));
    if enter_finishes(app, wizard).is_none() {
        if retriage {
            keys.push((bound(Action::Declare), finish_word(Finish::Retriage)));
        } else {
            keys.extend([
                (bound(Action::Declare), "declare"),
                (bound(Action::Route), "route"),
            ]);
        }
    }
    keys.push((bound(Action::Close), "cancel"));
    let mut spans = vec![Span::raw(" ")];
    for (i, (chord, word)) in keys
        .iter()
        .filter_map(|(chord, word)| chord.as_ref().map(|c| (c, word)))
        .enumerate()
    {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(chord.clone(), key));
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

/// The keys that choose an answer by its number, as the footer names them: `1-6` when
/// they are the digits in order, else each one (`a/s/d`); `None` when none is bound.
fn pick_keys(app: &App) -> Option<String> {
    let keys: Vec<crate::app::Chord> = (1..=9)
        .map_while(|n| app.setup.keys.key_for(Mode::Triage, Action::Pick(n)))
        .collect();
    let digits = keys.iter().zip(1u32..).all(|(chord, n)| {
        !chord.ctrl
            && !chord.alt
            && chord.key == crate::app::Key::Char(char::from_digit(n, 10).unwrap_or('0'))
    });
    match keys.as_slice() {
        [] => None,
        [one] => Some(one.to_string()),
        [first, .., last] if digits => Some(format!("{first}-{last}")),
        all => Some(
            all.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("/"),
        ),
    }
}
