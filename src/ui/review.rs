//! The resolve checklist and the post-incident review overlays.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use strum::IntoEnumIterator;
use unicode_width::UnicodeWidthStr;

use super::{Theme, boxed};
use crate::app::review::Checklist;
use crate::app::{Action, App, Mode};
use crate::domain::ReviewSection;
use crate::rules::missing;
use crate::{format, inert};

/// Draws the resolve checklist.
pub fn checklist(frame: &mut Frame<'_>, area: Rect, app: &App, list: &Checklist, theme: &Theme) {
    let mut lines = vec![
        Line::from(vec![
            Span::raw("Resolve as "),
            Span::styled(inert::line(&list.code).into_owned(), theme.title),
            Span::raw(format!(": {}", inert::line(&list.summary))),
        ]),
        Line::raw(""),
    ];
    for (i, item) in list.items.iter().enumerate() {
        let item = inert::line(item);
        let line = match list.answers.get(i) {
            Some(true) => Line::raw(format!("  yes  {item}")),
            Some(false) => Line::styled(format!("  NO   {item}"), theme.notice),
            None if i == list.answers.len() => {
                Line::styled(format!("> ?    {item}"), theme.selection)
            }
            None => Line::styled(format!("       {item}"), theme.muted),
        };
        lines.push(line);
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "the answers are logged with the resolution",
        theme.muted,
    ));
    let rect = area.centered(
        Constraint::Length(area.width.saturating_sub(10).min(80)),
        Constraint::Length(lines.len() as u16 + 2),
    );
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed(
                &super::title(&[
                    "Before resolving",
                    &app.setup.keys.pairs(
                        Mode::Checklist,
                        &[
                            (Action::Confirm, "yes"),
                            (Action::Cancel, "no"),
                            (Action::Back, "back"),
                            (Action::Close, "cancel"),
                        ],
                    ),
                ]),
                theme,
            )),
        rect,
    );
}

/// The review's lines, with the selected action item marked, and the index of that
/// item's line (`None` when there are no action items).
pub fn lines(
    app: &App,
    selected: usize,
    width: usize,
    theme: &Theme,
) -> (Vec<Line<'static>>, Option<usize>) {
    let Some(s) = app.incident() else {
        return (vec![Line::raw("no incident shown")], None);
    };
    let muted = theme.muted;
    let drill = if s.drill {
        "DRILL (not a real incident): "
    } else {
        ""
    };
    let zone = app.setup.zone;
    let mut out = vec![
        Line::styled(format!("{drill}{}", inert::line(&s.title)), theme.title),
        Line::raw(format!(
            "severity {} · customer impact {}",
            s.severity_with_peak(),
            s.situation
                .impact_window(|t| zone.hm_zoned(t))
                .unwrap_or_else(|| "not stated (:situation start=)".into())
        )),
    ];
    if let Some(r) = &s.resolution {
        out.push(Line::raw(format!(
            "resolved ({}) at {}: {}",
            inert::line(&r.code),
            app.setup.zone.format(r.at, "%Y-%m-%d %H:%M"),
            inert::line(&r.summary)
        )));
        for c in r.checklist.iter().filter(|c| !c.done) {
            out.push(Line::styled(
                format!("  not confirmed before resolving: {}", inert::line(&c.item)),
                theme.notice,
            ));
        }
    }
    if s.reopened > 0 {
        out.push(Line::styled(
            format!("reopened {} time(s)", s.reopened),
            theme.notice,
        ));
    }
    if let Some(p) = &s.problem {
        let fix = p
            .fix
            .as_deref()
            .map(|f| format!("; fix: {}", inert::line(f)))
            .unwrap_or_default();
        out.push(Line::raw(format!(
            "problem management: {} owns it{fix}",
            inert::line(&p.owner)
        )));
    }
    // What is still owed comes first: it must not be below the screen at 80x24.
    let today = app.now.date_naive();
    let cadence = |a| {
        s.severity
            .and_then(|sev| app.setup.playbook.cadence_for(sev, a))
    };
    let gaps = missing(s, &cadence, today);
    out.push(Line::raw(""));
    if gaps.is_empty() {
        out.push(Line::styled("Nothing missing.", theme.resolved));
    } else {
        out.push(Line::styled("Still missing", theme.notice));
        // Each wraps whole: what is missing is read to its end.
        for gap in gaps {
            out.extend(super::wrap::wrap(
                &[(format!("  {}", inert::line(&gap)), theme.text)],
                width.max(8),
                4,
            ));
        }
    }
    for section in ReviewSection::iter() {
        out.push(Line::raw(""));
        out.push(Line::styled(section.title(), theme.title));
        let findings = s.review(section);
        if findings.is_empty() {
            let fallback = match (section, &s.problem) {
                (ReviewSection::RootCause, Some(p)) => {
                    Some(inert::line(&p.root_cause).into_owned())
                }
                _ => None,
            };
            match fallback {
                Some(text) => out.push(Line::raw(format!("  {text} (from the problem handoff)"))),
                None => out.push(Line::styled(
                    format!(
                        "  none yet ({} adds one)",
                        app.key(Mode::Review, Action::AddFinding)
                    ),
                    muted,
                )),
            }
        }
        for (entry, text) in findings {
            out.extend(super::wrap::wrap(
                &[
                    (format!("  - {}", inert::line(&text)), theme.text),
                    (format!("  ({})", inert::line(&entry.event.author)), muted),
                ],
                width.max(8),
                4,
            ));
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Action items", theme.title));
    // The owner column is as wide as the longest owner (up to 16); the title takes
    // what the others leave, so it is cut only where the box is narrow.
    let owner_width = s
        .action_items
        .iter()
        .filter_map(|i| i.owner.as_deref())
        .map(|o| inert::line(o).width())
        .max()
        .unwrap_or(0)
        .clamp(5, 16)
        + 2;
    let title_width = width
        .saturating_sub(2 + 3 + owner_width + 12 + 9 + 7)
        .max(20);
    out.push(Line::styled(
        format!(
            "  {:<3}{:<title_width$}{:<owner_width$}{:<12}{:<9}STATE",
            "#", "ITEM", "OWNER", "DUE", "PRIORITY"
        ),
        muted,
    ));
    let mut selected_line = None;
    for (i, item) in s.action_items.iter().enumerate() {
        let overdue = item.closed_at.is_none() && item.due.is_some_and(|due| due < today);
        let state = if overdue { "OVERDUE" } else { item.stage() };
        // Padded by display width: a wide character takes two columns.
        let cell = |text: &str, width: usize| {
            let cut = super::wrap::truncate(text, width - 2);
            let pad = " ".repeat(width.saturating_sub(cut.width()));
            format!("{cut}{pad}")
        };
        let title = cell(&inert::line(&item.title), title_width);
        let owner = cell(
            &format::or_dash(item.owner.as_deref().map(inert::line)),
            owner_width,
        );
        let text = format!(
            "{}{:<3}{title}{owner}{:<12}{:<9}{state}",
            if i == selected { "> " } else { "  " },
            i + 1,
            format::or_dash(item.due),
            format::or_dash(item.priority),
        );
        let mut style = if item.closed_at.is_some() {
            muted
        } else {
            theme.text
        };
        if i == selected {
            style = style.patch(theme.selection);
            selected_line = Some(out.len());
        }
        out.push(Line::styled(text, style));
    }
    if s.action_items.is_empty() {
        out.push(Line::styled(
            format!(
                "  none yet ({} adds one)",
                app.key(Mode::Review, Action::AddItem)
            ),
            muted,
        ));
    }
    // The selected item's title whole, where its column had to cut it.
    if let Some(item) = s.action_items.get(selected)
        && inert::line(&item.title).width() > title_width - 2
    {
        out.push(Line::raw(""));
        out.extend(super::wrap::wrap(
            &[
                (format!("{}: ", selected + 1), muted),
                (inert::line(&item.title).into_owned(), theme.text),
            ],
            width.max(8),
            4,
        ));
    }
    (out, selected_line)
}

/// How far to scroll `lines` lines, `visible` at a time, so the selected item's line
/// is in view; with the last item selected, down to the end (what the review lacks).
fn review_scroll(lines: usize, visible: usize, selected_line: Option<usize>, last: bool) -> usize {
    let overflow = lines.saturating_sub(visible);
    match selected_line {
        Some(line) if last => overflow.min(line),
        Some(line) => (line + 1).saturating_sub(visible).min(overflow),
        None => 0,
    }
}

/// Draws the review.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, selected: usize, theme: &Theme) {
    let rect = area.centered(
        Constraint::Length(area.width.saturating_sub(4).min(110)),
        Constraint::Length(area.height.saturating_sub(2)),
    );
    let (lines, selected_line) = lines(
        app,
        selected,
        usize::from(rect.width.saturating_sub(2)),
        theme,
    );
    let visible = rect.height.saturating_sub(2) as usize;
    let items = app.incident().map_or(0, |s| s.action_items.len());
    let last = selected + 1 >= items;
    let scroll = review_scroll(lines.len(), visible, selected_line, last);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(boxed(
                &super::title(&[
                    "Post-incident review",
                    &app.setup.keys.pairs(
                        Mode::Review,
                        &[
                            (Action::AddFinding, "finding"),
                            (Action::AddItem, "add"),
                            (Action::EditItem, "edit"),
                            (Action::CloseItem, "done"),
                        ],
                    ),
                    &app.setup
                        .keys
                        .key_for(Mode::Review, Action::Close)
                        .map(|k| k.to_string())
                        .unwrap_or_default(),
                ]),
                theme,
            )),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::review_scroll;

    #[test]
    fn the_selected_item_is_always_in_view() {
        // 60 lines, 20 in view, items on lines 50..=55.
        assert_eq!(review_scroll(60, 20, Some(50), false), 31);
        assert_eq!(review_scroll(60, 20, Some(52), false), 33);
        assert_eq!(
            review_scroll(60, 20, Some(55), true),
            40,
            "the last item shows the end"
        );
        assert_eq!(review_scroll(60, 20, Some(5), false), 0);
        assert_eq!(review_scroll(10, 20, Some(5), true), 0, "all of it fits");
        assert_eq!(review_scroll(60, 20, None, true), 0);
        assert_eq!(
            review_scroll(100, 20, Some(50), true),
            50,
            "never past the selected item"
        );
    }
}
