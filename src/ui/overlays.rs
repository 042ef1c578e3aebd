//! Overlays, drawn bottom to top over the panes: help, palette, switcher, questions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::wrap::{truncate, wrap};
use super::{Theme, boxed};
use crate::app::{
    Action, App, Confirmation, Draft, EntryKind, Keymap, Mode, Overlay, PageScroll, palette,
};
use crate::domain::short_id;
use crate::inert;

/// Draws every overlay in stack order.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    for overlay in &app.overlays {
        match overlay {
            Overlay::Help { scroll } => help(frame, area, app, scroll, theme),
            Overlay::Palette {
                input,
                selected,
                error,
            } => {
                let line = input.lines().join(" ");
                let keys = &app.setup.keys;
                palette_box(frame, area, keys, &line, *selected, error.as_deref(), theme);
            }
            Overlay::Switcher { selected } => switcher(frame, area, app, *selected, theme),
            Overlay::Ask(question) => confirm(frame, area, app, question, theme),
            Overlay::Recovery(draft) => recovery(frame, area, app, draft, theme),
            Overlay::Triage(wizard) => super::wizard::render(frame, area, app, wizard, theme),
            Overlay::Playbook { scroll } => {
                super::playbook::render(frame, area, app, scroll, theme);
            }
            Overlay::Briefing { scroll } => briefing(frame, area, app, scroll, theme),
            Overlay::Work { selected } => work(frame, area, app, *selected, theme),
            Overlay::Inbox { selected } => inbox(frame, area, app, *selected, theme),
            Overlay::Checklist(list) => super::review::checklist(frame, area, app, list, theme),
            Overlay::Review { selected } => {
                super::review::render(frame, area, app, *selected, theme);
            }
            Overlay::Metrics { scroll, summary } => {
                let close = app
                    .setup
                    .keys
                    .key_for(Mode::Playbook, Action::Close)
                    .map(|k| format!("{k} closes"))
                    .unwrap_or_default();
                let today = crate::zone::in_force().date(app.now);
                super::metrics::render(
                    frame,
                    area,
                    (summary.as_deref(), today),
                    scroll,
                    &close,
                    theme,
                );
            }
            Overlay::Search { input, found, .. } => {
                let query = input.lines().join(" ");
                super::detail::search(frame, area, app, &query, *found, theme);
            }
            Overlay::Detail { entry, scroll } => {
                super::detail::entry(frame, area, app, *entry, scroll, theme);
            }
        }
    }
}

/// A name and what it does, as the help and the palette list them.
type Row = (String, &'static str);

/// The help's sections: the keys (grouped by the keymap in force), the entry prefixes
/// and the palette's commands.
fn help_sections(keys: &Keymap) -> Vec<(String, Vec<Row>)> {
    let mut sections: Vec<(String, Vec<Row>)> = keys
        .help_groups()
        .into_iter()
        .map(|(title, rows)| {
            let rows = rows
                .into_iter()
                .map(|(chords, what)| {
                    let keys: Vec<String> = chords.iter().map(ToString::to_string).collect();
                    (keys.join(" "), what)
                })
                .collect();
            (title.to_string(), rows)
        })
        .collect();
    sections.push((
        "Entry kinds (type the prefix first)".to_string(),
        EntryKind::PREFIXES
            .iter()
            .map(|(kind, prefix)| (prefix.to_string(), kind.label()))
            .collect(),
    ));
    sections.push((
        match keys.key_for(Mode::Normal, Action::OpenPalette) {
            Some(key) => format!("Commands (after {key})"),
            None => "Commands (in the palette)".to_string(),
        },
        palette::COMMANDS
            .iter()
            .map(|c| {
                (
                    format!("{} {}", c.name, c.usage).trim_end().to_string(),
                    c.help,
                )
            })
            .collect(),
    ));
    sections
}

/// The lines of the help at `width` columns, built from the keymap in force and the
/// command table. In each section the descriptions start in one column, two spaces past the
/// longest name; a name too long for that (wider than half the width) has a line of
/// its own, its description on the next (as every name has when the descriptions would
/// be left too narrow). Descriptions wrap at the width, under their column, and are
/// never cut.
pub fn help_lines(keys: &Keymap, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    const INDENT: usize = 2;
    const GAP: usize = 2;
    // The fewest columns a description is given beside its name.
    const NARROWEST: usize = 24;
    let width = width.max(INDENT + GAP + 8);
    let longest_fitting = width / 2;
    let mut lines = Vec::new();
    for (title, rows) in help_sections(keys) {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        for heading in wrap(&[(title, theme.title)], width, 0) {
            lines.push(heading);
        }
        let name_width = rows
            .iter()
            .map(|(name, _)| name.width())
            .filter(|w| *w <= longest_fitting)
            .max()
            .unwrap_or(0);
        // Too little room left beside the names: every description goes under its name.
        let name_width = if width.saturating_sub(INDENT + name_width + GAP) < NARROWEST {
            0
        } else {
            name_width
        };
        let column = INDENT + name_width + GAP;
        for (name, what) in rows {
            let name = truncate(&name, width - INDENT);
            let shown = name.width();
            let mut first = vec![
                Span::raw(" ".repeat(INDENT)),
                Span::styled(name, theme.hint_key),
            ];
            if shown > name_width {
                // A long name: alone on its line, the description under the column.
                lines.push(Line::from(first));
                first = vec![Span::raw(" ".repeat(column))];
            } else {
                first.push(Span::raw(" ".repeat(column - INDENT - shown)));
            }
            let mut described = wrap(&[(what.to_string(), theme.text)], width - column, 0);
            if let Some(head) = described.first_mut() {
                first.append(&mut head.spans);
            }
            lines.push(Line::from(first));
            for more in described.into_iter().skip(1) {
                let mut spans = vec![Span::raw(" ".repeat(column))];
                spans.extend(more.spans);
                lines.push(Line::from(spans));
            }
        }
    }
    lines
}

fn help(frame: &mut Frame<'_>, area: Rect, app: &App, scroll: &PageScroll, theme: &Theme) {
    let rect = area.centered(
        Constraint::Length(area.width.saturating_sub(8).min(96)),
        Constraint::Length(area.height.saturating_sub(4)),
    );
    let keys = &app.setup.keys;
    let lines = help_lines(keys, theme, rect.width.saturating_sub(2) as usize);
    let visible = rect.height.saturating_sub(2) as usize;
    let scroll = scroll.show(lines.len(), visible);
    frame.render_widget(Clear, rect);
    let at = format!("{}/{}", (scroll + visible).min(lines.len()), lines.len());
    let title = super::title(&["Help", &super::page_keys(app, Mode::Help), &at]);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(boxed(&title, theme)),
        rect,
    );
}

/// The briefing of the incident shown, scrolled, in plain words (the Markdown's
/// emphasis and code marks dropped), wrapped to the box.
fn briefing(frame: &mut Frame<'_>, area: Rect, app: &App, scroll: &PageScroll, theme: &Theme) {
    let Some(state) = app.incident() else {
        return;
    };
    let rect = area.centered(
        Constraint::Length(area.width.saturating_sub(4).min(100)),
        Constraint::Length(area.height.saturating_sub(2)),
    );
    let inner = usize::from(rect.width.saturating_sub(2)).max(1);
    let text = crate::export::briefing_plain(state, &app.setup.playbook, app.now, app.setup.zone);
    let mut lines: Vec<Line<'static>> = Vec::new();
    for raw in text.lines() {
        let plain = raw.replace("**", "").replace('`', "");
        let style = if plain.starts_with('#') {
            theme.title
        } else {
            theme.text
        };
        let plain = plain
            .trim_start_matches("# ")
            .trim_start_matches("## ")
            .to_string();
        lines.extend(wrap(&[(inert::line(&plain).into_owned(), style)], inner, 2));
    }
    let visible = rect.height.saturating_sub(2) as usize;
    let top = scroll.show(lines.len(), visible);
    // Command offered to the reader is accepted here, having read this.
    let keys = &app.setup.keys;
    let key = |action| keys.key_for(Mode::Briefing, action);
    let close = key(Action::Close)
        .map(|k| format!("{k} closes"))
        .unwrap_or_default();
    let title = match &state.command.pending {
        Some(p) if crate::domain::same_name(&p.to, &app.setup.me) => {
            let answers: Vec<String> = [
                key(Action::AcceptHandoff).map(|k| format!("{k} accepts")),
                key(Action::CancelHandoff).map(|k| format!("{k} declines")),
            ]
            .into_iter()
            .flatten()
            .collect();
            let offer = format!("{} offers you command", inert::line(&p.from));
            let offer = match answers.is_empty() {
                true => offer,
                false => format!("{offer}: {}", answers.join(", ")),
            };
            super::title(&["Briefing", &offer, &close])
        }
        Some(p) if crate::domain::same_name(&p.from, &app.setup.me) => {
            let withdraw = key(Action::CancelHandoff)
                .map(|k| format!("{k} withdraws your handoff"))
                .unwrap_or_default();
            super::title(&["Briefing", &withdraw, &close])
        }
        _ => super::title(&["Briefing", &super::page_keys(app, Mode::Briefing)]),
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((top as u16, 0))
            .block(boxed(&title, theme)),
        rect,
    );
}

/// The alert inbox: each waiting alert on two rows (what it says; its state, count,
/// when first and last seen, and source), the selected one marked.
fn inbox(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    selected: Option<ulid::Ulid>,
    theme: &Theme,
) {
    let list = crate::app::inbox::listed(app);
    let ids: Vec<ulid::Ulid> = list.iter().map(|s| s.id).collect();
    let selected = crate::app::inbox::position(&ids, selected);
    let rect = area.centered(
        Constraint::Length(area.width.saturating_sub(4).min(110)),
        Constraint::Length(area.height.saturating_sub(2)),
    );
    let inner = usize::from(rect.width.saturating_sub(2)).max(1);
    let zone = app.setup.zone;
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let Some(a) = &s.alert else { continue };
        let marker = if i == selected { "> " } else { "  " };
        let mut style = if a.firing { theme.text } else { theme.muted };
        if i == selected {
            style = style.patch(theme.selection);
        }
        lines.push(Line::styled(
            crate::format::shorten(
                &format!("{marker}{}  {}", s.short_id(), inert::line(&a.text)),
                inner,
            ),
            style,
        ));
        let source = a
            .source
            .as_deref()
            .map(|src| format!(" · from {}", inert::line(src)))
            .unwrap_or_default();
        let labels: Vec<String> = a
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() != "alertname")
            .map(|(k, v)| format!("{}={}", inert::line(k), inert::line(v)))
            .collect();
        let labels = if labels.is_empty() {
            String::new()
        } else {
            format!(" · {}", labels.join(" "))
        };
        let detail = format!(
            "          {} · {}x · first {} · last {}{source}{labels}",
            a.state(),
            a.count,
            zone.hm_zoned(a.first_seen),
            zone.hm_zoned(a.last_seen)
        );
        lines.push(Line::styled(
            crate::format::shorten(&detail, inner),
            if a.firing { theme.overdue } else { theme.muted },
        ));
    }
    let visible = usize::from(rect.height.saturating_sub(2));
    let top = (selected * 2).saturating_sub(visible.saturating_sub(2));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).scroll((top as u16, 0)).block(boxed(
            &super::title(&[
                "Alert inbox",
                &format!("{} waiting", list.len()),
                &app.setup.keys.pairs(
                    Mode::Inbox,
                    &[
                        (Action::OpenTriage, "triage"),
                        (Action::AttachAlert, "to incident"),
                        (Action::Acknowledge, "ack"),
                        (Action::Drop, "dismiss"),
                    ],
                ),
                &app.setup
                    .keys
                    .key_for(Mode::Inbox, Action::Close)
                    .map(|k| k.to_string())
                    .unwrap_or_default(),
            ]),
            theme,
        )),
        rect,
    );
}

/// The work list: objectives, tasks and hypotheses, the selected one marked, scrolled
/// to keep it in view.
fn work(frame: &mut Frame<'_>, area: Rect, app: &App, selected: usize, theme: &Theme) {
    use crate::app::work::{Item, items, verdict};
    let Some(s) = app.incident() else {
        return;
    };
    let rect = area.centered(
        Constraint::Length(area.width.saturating_sub(4).min(100)),
        Constraint::Length(area.height.saturating_sub(2)),
    );
    let inner = usize::from(rect.width.saturating_sub(2)).max(1);
    let list = items(s);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut at = None;
    let heading = |lines: &mut Vec<Line<'static>>, text: &str, first: bool| {
        if !first {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(text.to_string(), theme.title));
    };
    let zone = app.setup.zone;
    for (i, item) in list.iter().enumerate() {
        let first_of_kind = !matches!(
            (i.checked_sub(1).and_then(|p| list.get(p)), item),
            (Some(Item::Objective(_)), Item::Objective(_))
                | (Some(Item::Task(_)), Item::Task(_))
                | (Some(Item::Hypothesis(_)), Item::Hypothesis(_))
        );
        if first_of_kind {
            let title = match item {
                Item::Objective(_) => "Objectives",
                Item::Task(_) => "Tasks",
                Item::Hypothesis(_) => "Hypotheses",
            };
            heading(&mut lines, title, i == 0);
        }
        let text = match *item {
            Item::Objective(n) => {
                let o = &s.objectives[n];
                format!("{}. [{}] {}", n + 1, o.stage, inert::line(&o.text))
            }
            Item::Task(n) => {
                let t = &s.tasks[n];
                let owner = t
                    .owner
                    .as_deref()
                    .map(|o| format!(" · {}", inert::line(o)))
                    .unwrap_or_default();
                format!(
                    "{}. [{}] {}{owner} · since {}",
                    n + 1,
                    t.state.label(),
                    inert::line(&t.text),
                    zone.hm_zoned(t.since)
                )
            }
            Item::Hypothesis(id) => {
                let text = s
                    .entry(id)
                    .map(|e| s.current_text(e).text)
                    .unwrap_or_default();
                let why = match s.verdicts.get(&id) {
                    Some((_, Some(why))) => format!(": {}", inert::line(why)),
                    _ => String::new(),
                };
                format!(
                    "{} [{}{why}] {}",
                    crate::domain::short_id(id),
                    verdict(s, id).to_string().replace('_', " "),
                    inert::line(&text)
                )
            }
        };
        let style = if i == selected {
            theme.text.patch(theme.selection)
        } else {
            theme.text
        };
        if i == selected {
            at = Some(lines.len());
        }
        let marker = if i == selected { "> " } else { "  " };
        lines.push(Line::styled(
            crate::format::shorten(&format!("{marker}{text}"), inner),
            style,
        ));
    }
    if list.is_empty() {
        lines.push(Line::styled(
            format!(
                "No objectives, tasks or hypotheses yet: {} opens a task, {} adds an objective.",
                app.key(Mode::Work, Action::NewTask),
                app.key(Mode::Work, Action::NewObjective)
            ),
            theme.muted,
        ));
    }
    let visible = usize::from(rect.height.saturating_sub(2));
    let top = at.map_or(0, |at| at.saturating_sub(visible.saturating_sub(2)));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).scroll((top as u16, 0)).block(boxed(
            &super::title(&[
                "Work",
                &app.setup.keys.pairs(
                    Mode::Work,
                    &[
                        (Action::Advance, "moves on"),
                        (Action::Finish, "done"),
                        (Action::Drop, "drop"),
                        (Action::NewTask, "task"),
                        (Action::Close, "closes"),
                    ],
                ),
            ]),
            theme,
        )),
        rect,
    );
}

fn palette_box(
    frame: &mut Frame<'_>,
    area: Rect,
    keys: &Keymap,
    line: &str,
    selected: usize,
    error: Option<&str>,
    theme: &Theme,
) {
    let suggestions = palette::suggestions(line);
    let width = area.width.saturating_sub(10).min(90);
    // The reason a command failed wraps to as many rows as it needs: its last words
    // are usually what to do instead.
    let error_rows: Vec<Line<'static>> = match error {
        Some(error) => wrap(
            &[(inert::line(error).into_owned(), theme.error)],
            usize::from(width.saturating_sub(2)).max(1),
            0,
        ),
        None => vec![Line::raw("")],
    };
    let height =
        (suggestions.len() as u16 + 3 + error_rows.len() as u16).min(area.height.saturating_sub(2));
    let rect = Rect::new(area.x, area.y + 2, area.width, height)
        .centered_horizontally(Constraint::Length(width));
    let mut lines = vec![Line::from(vec![
        Span::styled(":", theme.hint_key),
        Span::raw(inert::line(line).into_owned()),
        Span::styled("█", theme.muted),
    ])];
    lines.extend(error_rows);
    // Every suggestion's description starts in one column, two spaces past the widest
    // name and usage shown (by display width); one wider than half the box is cut to it.
    let inner = (width as usize).saturating_sub(2);
    let named: Vec<String> = suggestions
        .iter()
        .map(|c| format!("{} {}", c.name, c.usage).trim_end().to_string())
        .collect();
    let column = named
        .iter()
        .map(|n| n.width())
        .max()
        .unwrap_or(0)
        .min(inner / 2);
    for (i, (c, name)) in suggestions.iter().zip(&named).enumerate() {
        let mut style = theme.text;
        let marker = if i == selected {
            style = style.patch(theme.selection);
            "> "
        } else {
            "  "
        };
        let name = truncate(name, column);
        let pad = " ".repeat(column - name.width());
        let text = truncate(&format!("{marker}{name}{pad}  {}", c.help), inner);
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(
            &super::title(&[
                "Command",
                &keys.pairs(
                    Mode::Palette,
                    &[
                        (Action::Complete, "completes"),
                        (Action::Submit, "runs"),
                        (Action::Close, "closes"),
                    ],
                ),
            ]),
            theme,
        )),
        rect,
    );
}

fn switcher(frame: &mut Frame<'_>, area: Rect, app: &App, selected: usize, theme: &Theme) {
    let list = app.incident_list();
    let width = area.width.saturating_sub(10).min(100);
    // Two rows an incident: what it is, then who commands and what is owed.
    let height = (list.len() as u16 * 2 + 2)
        .min(area.height.saturating_sub(4))
        .max(4);
    let rect = area.centered(Constraint::Length(width), Constraint::Length(height));
    let visible = (height.saturating_sub(2) / 2).max(1) as usize;
    let first = selected.saturating_sub(visible.saturating_sub(1));
    let inner = width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    for (i, s) in list.iter().enumerate().skip(first).take(visible) {
        let severity = s
            .severity
            .map(|v| v.to_string())
            .unwrap_or_else(|| "triage".into());
        let shown = if Some(s.id) == app.shown { "*" } else { " " };
        let marker = if i == selected { ">" } else { " " };
        let changed = if app.changed_since_looked(s) {
            "+"
        } else {
            " "
        };
        let drill = if s.drill { "[DRILL] " } else { "" };
        let text = format!(
            "{marker}{shown}{changed}{}  {:<12} {:<13} {}{}",
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
        lines.push(Line::styled(truncate(&text, inner), style));
        lines.push(switcher_detail(app, s, theme, inner));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(
            &super::title(&[
                "Incidents",
                "+ changed since you looked",
                &app.setup.keys.pairs(
                    Mode::Switcher,
                    &[(Action::Submit, "shows"), (Action::Close, "closes")],
                ),
            ]),
            theme,
        )),
        rect,
    );
}

/// An incident's second row in the switcher: its commander, a conflict or pending
/// handoff, the next update owed (or overdue), and when it was opened (with its date
/// when not today), which gives way first.
fn switcher_detail(
    app: &App,
    s: &crate::domain::IncidentState,
    theme: &Theme,
    width: usize,
) -> Line<'static> {
    let opened = s
        .opened
        .as_ref()
        .map(|(at, _)| format!(" · opened {}", app.setup.zone.stamp(*at, app.now)));
    let mut spans = vec![Span::styled(
        format!(
            "      IC {}",
            s.command
                .commander
                .as_deref()
                .map(|c| inert::line(c).into_owned())
                .unwrap_or_else(|| "nobody".into())
        ),
        theme.muted,
    )];
    // The flags first: they must not be the part cut off.
    if s.command.in_conflict() {
        spans.push(Span::styled(" · CONFLICT over command", theme.conflict));
    }
    if let Some(p) = &s.command.pending {
        spans.push(Span::styled(
            format!(" · HANDOFF pending to {}", inert::line(&p.to)),
            theme.notice,
        ));
    }
    // Updates owed are counted from a whole incident (one reopened elsewhere is being
    // read).
    if s.is_open() && !app.partial.contains(&s.id) {
        let due = s.next_update_due(|sev, a| app.setup.playbook.cadence_for(sev, a));
        match due {
            Some((audience, at)) if at <= app.now => spans.push(Span::styled(
                format!(
                    " · {audience} update OVERDUE {}",
                    crate::format::duration(s.elapsed(at, app.now))
                ),
                theme.overdue,
            )),
            Some((audience, at)) => spans.push(Span::styled(
                format!(
                    " · {audience} update in {}",
                    crate::format::duration(s.elapsed(app.now, at))
                ),
                theme.muted,
            )),
            None => {}
        }
    }
    // When it opened comes last: it gives way first to what must be acted on.
    if let Some(opened) = opened {
        spans.push(Span::styled(opened, theme.muted));
    }
    let mut line = Line::from(spans);
    // Shortened from the right, like the first row.
    let mut used = 0;
    line.spans.retain(|span| {
        use unicode_width::UnicodeWidthStr;
        used += span.content.width();
        used <= width
    });
    line
}

fn confirm(frame: &mut Frame<'_>, area: Rect, app: &App, question: &Confirmation, theme: &Theme) {
    // A commander leaving says so: the room needs one.
    let commanding: Vec<String> = app
        .open_command
        .iter()
        .filter(|(_, open)| {
            open.commander
                .as_deref()
                .is_some_and(|c| crate::domain::same_name(c, &app.setup.me))
        })
        .map(|(id, _)| crate::domain::short_id(*id))
        .collect();
    let (title, ask, note, yes, no) = match question {
        Confirmation::Quit if !commanding.is_empty() => (
            "Quit?",
            format!(
                "You hold command of {}: hand it off first (:handoff NAME). Quit the console anyway?",
                commanding.join(", ")
            ),
            "(the log is saved; others keep working)",
            " quit   ",
            " stay",
        ),
        Confirmation::Quit => (
            "Quit?",
            if app.live() {
                "An incident is still open. Quit the console?".to_string()
            } else {
                "The log is still being read: whether an incident is open is not known yet. Quit the console?".to_string()
            },
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
            Span::styled(app.key(Mode::Confirm, Action::Confirm), theme.hint_key),
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

/// Which incident a recovered draft was written for, and where putting it back sends it
/// (never a guess left unsaid): one line, or two when it is not the incident it names.
fn recovered_for(app: &App, draft: &Draft) -> Vec<String> {
    let name = |id: ulid::Ulid, title: &str| format!("{} \"{}\"", short_id(id), inert::line(title));
    let goes_to = app
        .incident()
        .map(|s| format!("put back, it goes to {}:", name(s.id, &s.title)));
    if !app.live() {
        return vec![match draft.incident {
            Some(id) => format!("for incident {}; the log is not read yet:", short_id(id)),
            None => "for no incident; the log is not read yet:".into(),
        }];
    }
    let first = match draft.incident.map(|id| (id, app.incidents.get(&id))) {
        Some((_, Some(state))) => {
            return vec![format!(
                "for incident {} ({}):",
                name(state.id, &state.title),
                state.status.as_str()
            )];
        }
        Some((id, None)) => format!(
            "for incident {}, which this log does not hold;",
            short_id(id)
        ),
        None => "for no incident;".to_string(),
    };
    match goes_to {
        Some(goes_to) => vec![first, goes_to],
        None => vec![first.trim_end_matches(';').to_string() + ":"],
    }
}

fn recovery(frame: &mut Frame<'_>, area: Rect, app: &App, draft: &Draft, theme: &Theme) {
    let (text, kind) = (&draft.text, draft.kind);
    let width = area.width.saturating_sub(10).min(80);
    let mut lines = vec![Line::raw(format!(
        "An unsent {} was saved when this console last stopped,",
        kind.label()
    ))];
    for line in recovered_for(app, draft) {
        lines.push(Line::raw(crate::format::shorten(
            &line,
            usize::from(width.saturating_sub(2)),
        )));
    }
    lines.push(Line::raw(""));
    let inert_text = inert::text(text);
    let all = inert_text.lines().count();
    for line in inert_text.lines().take(5) {
        lines.push(Line::styled(format!("  {line}"), theme.title));
    }
    // Never taken for the whole of it when it is not.
    if all > 5 {
        lines.push(Line::styled(
            format!(
                "  … and {} more (all of it goes back)",
                crate::format::count(all - 5, "line")
            ),
            theme.muted,
        ));
    }
    lines.push(Line::raw(""));
    // Every key that puts it back (restore, or leaving the question), then discard.
    let keys = &app.setup.keys;
    let mut back = keys.keys_for(Mode::Recovery, Action::Confirm);
    for key in keys.keys_for(Mode::Recovery, Action::Close) {
        if !back.contains(&key) {
            back.push(key);
        }
    }
    let mut spans = Vec::new();
    for (i, key) in back.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" or "));
        }
        spans.push(Span::styled(key.to_string(), theme.hint_key));
    }
    if !back.is_empty() {
        spans.push(Span::raw(" put it back in the entry box   "));
    }
    spans.push(Span::styled(
        app.key(Mode::Recovery, Action::Discard),
        theme.hint_key,
    ));
    spans.push(Span::raw(" throw it away"));
    lines.push(Line::from(spans));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed("Recovered draft", theme)),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn help_descriptions_wrap_whole_and_never_touch_their_names() {
        let theme = Theme::dark();
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        for width in [30, 70, 94, 190] {
            let keys = Keymap::builtin();
            let lines = help_lines(&keys, &theme, width);
            for line in &lines {
                let shown = text(line);
                assert!(shown.width() <= width, "{width}: {shown:?} is cut");
            }
            let all = words(&lines.iter().map(text).collect::<Vec<_>>().join(" "));
            // Rows come in order: each is looked for after the one before.
            let mut from = 0;
            for (title, rows) in help_sections(&keys) {
                for (name, what) in rows {
                    assert!(
                        all.contains(&words(what)),
                        "{width}: {title}: '{what}' is not shown whole"
                    );
                    let at = lines[from..]
                        .iter()
                        .map(text)
                        .position(|l| {
                            l.strip_prefix(&format!("  {name}"))
                                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
                        })
                        .unwrap_or_else(|| panic!("{width}: no line for {name}"));
                    let row = text(&lines[from + at]);
                    from += at + 1;
                    if row.trim() != name {
                        let after = &row[row.find(&name).unwrap() + name.len()..];
                        assert!(
                            after.starts_with("  "),
                            "{width}: '{name}' runs into its description: {row:?}"
                        );
                    }
                }
            }
        }
    }
}
