//! Overlays, drawn bottom to top over the panes: help, palette, switcher, questions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use strum::IntoEnumIterator;

use super::wrap::truncate;
use super::{Theme, boxed};
use crate::app::{App, Confirmation, EntryKind, Mode, Overlay, PageScroll, help_rows, palette};
use crate::inert;

/// Draws every overlay in stack order.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    for overlay in &app.overlays {
        match overlay {
            Overlay::Help { scroll } => help(frame, area, scroll, theme),
            Overlay::Palette {
                input,
                selected,
                error,
            } => {
                let line = input.lines().join(" ");
                palette_box(frame, area, &line, *selected, error.as_deref(), theme);
            }
            Overlay::Switcher { selected } => switcher(frame, area, app, *selected, theme),
            Overlay::Ask(question) => confirm(frame, area, question, theme),
            Overlay::Recovery(draft) => recovery(frame, area, &draft.text, draft.kind, theme),
            Overlay::Triage(wizard) => super::wizard::render(frame, area, app, wizard, theme),
            Overlay::Playbook { scroll } => {
                super::playbook::render(frame, area, app, scroll, theme);
            }
            Overlay::Checklist(list) => super::review::checklist(frame, area, list, theme),
            Overlay::Review { selected } => {
                super::review::render(frame, area, app, *selected, theme);
            }
            Overlay::Metrics { scroll, summary } => {
                super::metrics::render(frame, area, summary, scroll, theme);
            }
        }
    }
}

/// The lines of the help, built from the keymap and the command table.
pub fn help_lines(theme: &Theme) -> Vec<Line<'static>> {
    let key = theme.hint_key;
    let mut lines = Vec::new();
    for mode in Mode::iter() {
        lines.push(Line::styled(mode.title(), theme.title));
        for (chords, what) in help_rows(mode) {
            let keys: Vec<String> = chords.iter().map(ToString::to_string).collect();
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<18}", keys.join(" ")), key),
                Span::raw(what),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        "Entry kinds (type the prefix first)",
        theme.title,
    ));
    for (kind, prefix) in EntryKind::PREFIXES {
        lines.push(Line::from(vec![
            Span::styled(format!("  {prefix:<18}"), key),
            Span::raw(kind.label()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Commands (after :)", theme.title));
    for c in palette::COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<18}", format!("{} {}", c.name, c.usage)), key),
            Span::raw(c.help),
        ]));
    }
    lines
}

fn help(frame: &mut Frame<'_>, area: Rect, scroll: &PageScroll, theme: &Theme) {
    let rect = area.centered(
        Constraint::Length(area.width.saturating_sub(8).min(96)),
        Constraint::Length(area.height.saturating_sub(4)),
    );
    let lines = help_lines(theme);
    let visible = rect.height.saturating_sub(2) as usize;
    let scroll = scroll.show(lines.len(), visible);
    frame.render_widget(Clear, rect);
    let title = format!(
        "Help · j/k scroll · Esc closes · {}/{}",
        (scroll + visible).min(lines.len()),
        lines.len()
    );
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(boxed(&title, theme)),
        rect,
    );
}

fn palette_box(
    frame: &mut Frame<'_>,
    area: Rect,
    line: &str,
    selected: usize,
    error: Option<&str>,
    theme: &Theme,
) {
    let suggestions = palette::suggestions(line);
    let height = (suggestions.len() as u16 + 4).min(area.height.saturating_sub(2));
    let width = area.width.saturating_sub(10).min(90);
    let rect = Rect::new(area.x, area.y + 2, area.width, height)
        .centered_horizontally(Constraint::Length(width));
    let mut lines = vec![Line::from(vec![
        Span::styled(":", theme.hint_key),
        Span::raw(inert::line(line).into_owned()),
        Span::styled("█", theme.muted),
    ])];
    match error {
        Some(error) => lines.push(Line::styled(inert::line(error).into_owned(), theme.error)),
        None => lines.push(Line::raw("")),
    }
    for (i, c) in suggestions.iter().enumerate() {
        let mut style = theme.text;
        let marker = if i == selected {
            style = style.patch(theme.selection);
            "> "
        } else {
            "  "
        };
        let text = truncate(
            &format!("{marker}{} {:<16} {}", c.name, c.usage, c.help),
            width as usize - 2,
        );
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(
            "Command · Tab completes · Enter runs · Esc closes",
            theme,
        )),
        rect,
    );
}

fn switcher(frame: &mut Frame<'_>, area: Rect, app: &App, selected: usize, theme: &Theme) {
    let list = app.incident_list();
    let width = area.width.saturating_sub(10).min(100);
    let height = (list.len() as u16 + 2)
        .min(area.height.saturating_sub(4))
        .max(3);
    let rect = area.centered(Constraint::Length(width), Constraint::Length(height));
    let visible = height.saturating_sub(2) as usize;
    let first = selected.saturating_sub(visible.saturating_sub(1));
    let mut lines = Vec::new();
    for (i, s) in list.iter().enumerate().skip(first).take(visible) {
        let severity = s
            .severity
            .map(|v| v.to_string())
            .unwrap_or_else(|| "triage".into());
        let shown = if Some(s.id) == app.shown { "*" } else { " " };
        let marker = if i == selected { ">" } else { " " };
        let drill = if s.drill { "[DRILL] " } else { "" };
        let text = format!(
            "{marker}{shown} {}  {:<12} {:<13} {}{}",
            s.short_id(),
            severity,
            s.status.as_str(),
            drill,
            inert::line(&s.title)
        );
        let mut style = theme.text;
        if i == selected {
            style = style.patch(theme.selection);
        } else if !s.is_open() {
            style = theme.muted;
        }
        lines.push(Line::styled(truncate(&text, width as usize - 2), style));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(boxed("Incidents · Enter shows · Esc closes", theme)),
        rect,
    );
}

fn confirm(frame: &mut Frame<'_>, area: Rect, question: &Confirmation, theme: &Theme) {
    let (title, ask, note, yes, no) = match question {
        Confirmation::Quit => (
            "Quit?",
            "An incident is still open. Quit the console?".to_string(),
            "(the log is saved; others keep working)",
            " quit   ",
            " stay",
        ),
        Confirmation::Write { ask, entry, .. } => (
            "Are you sure?",
            inert::line(ask).into_owned(),
            if entry.is_some() {
                "(on any other key the text stays in the box)"
            } else {
                "(on any other key nothing is recorded)"
            },
            " yes   ",
            " no",
        ),
    };
    let width = area.width.saturating_sub(4).min(64);
    let text_rows = super::wrap::wrap(
        &[(ask.clone(), ratatui::style::Style::default())],
        usize::from(width.saturating_sub(2)).max(1),
        0,
    )
    .len() as u16;
    let rect = area.centered(Constraint::Length(width), Constraint::Length(text_rows + 4));
    let lines = vec![
        Line::raw(ask),
        Line::styled(note, theme.muted),
        Line::from(vec![
            Span::styled("y", theme.hint_key),
            Span::raw(yes),
            Span::styled("any other key", theme.hint_key),
            Span::raw(no),
        ]),
    ];
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed(title, theme)),
        rect,
    );
}

fn recovery(frame: &mut Frame<'_>, area: Rect, text: &str, kind: EntryKind, theme: &Theme) {
    let width = area.width.saturating_sub(10).min(80);
    let rect = area.centered(Constraint::Length(width), Constraint::Length(12));
    let mut lines = vec![
        Line::raw(format!(
            "An unsent {} was saved when this console last stopped:",
            kind.label()
        )),
        Line::raw(""),
    ];
    for line in inert::text(text).lines().take(5) {
        lines.push(Line::styled(format!("  {line}"), theme.title));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Enter", theme.hint_key),
        Span::raw(" or "),
        Span::styled("Esc", theme.hint_key),
        Span::raw(" put it back in the entry box   "),
        Span::styled("x", theme.hint_key),
        Span::raw(" throw it away"),
    ]));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed("Recovered draft", theme)),
        rect,
    );
}
