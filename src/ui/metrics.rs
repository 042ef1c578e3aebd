//! The metrics overlay: MTTA, MTTR, incidents per week, and per-incident numbers.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Clear, Paragraph, Sparkline};

use super::{Theme, boxed};
use crate::app::PageScroll;
use crate::format::seconds as secs;
use crate::metrics::MetricsSummary;

/// Draws the metrics (computed when the view was opened), its title saying which key
/// `close`s it.
/// `None` while the numbers are being read from the store: the box says so.
pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    summary: Option<&MetricsSummary>,
    scroll: &PageScroll,
    close: &str,
    theme: &Theme,
) {
    let rect = area.centered(
        Constraint::Length(area.width.saturating_sub(4).min(110)),
        Constraint::Length(area.height.saturating_sub(2)),
    );
    frame.render_widget(Clear, rect);
    let block = boxed(
        &super::title(&["Metrics", "drills and routed alerts left out", close]),
        theme,
    );
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let Some(summary) = summary else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "reading every incident's figures from the log…",
                theme.muted,
            )),
            inner,
        );
        return;
    };
    let [head, charts, table] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(9),
        Constraint::Fill(1),
    ])
    .areas(inner);
    let head_lines = vec![
        Line::styled(
            format!(
                "{} incidents   MTTA {}   MTTR {}",
                summary.incidents,
                secs(summary.mtta_s),
                secs(summary.mttr_s)
            ),
            theme.title,
        ),
        Line::raw(format!(
            "open: {} incidents, {} action items   by severity: {}",
            summary.open_incidents,
            summary.open_action_items,
            summary
                .by_severity
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Line::styled(
            format!(
                "{} drills and {} routed alerts not counted",
                summary.drills_excluded, summary.routed_excluded
            ),
            theme.muted,
        ),
    ];
    frame.render_widget(Paragraph::new(head_lines), head);

    let [weeks, ttr] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(charts);
    let bars: Vec<Bar> = summary
        .by_week
        .iter()
        .rev()
        .take(8)
        .rev()
        .map(|(week, n)| {
            Bar::default()
                .value(*n as u64)
                .label(Line::raw(week[5..].to_string()))
                .text_value(n.to_string())
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.border)
                    .title(" incidents per week "),
            )
            .data(BarGroup::default().bars(&bars))
            .bar_width(5)
            .bar_gap(1)
            .bar_style(theme.update)
            .value_style(theme.title),
        weeks,
    );
    let resolved: Vec<u64> = summary
        .per_incident
        .iter()
        .filter_map(|m| m.time_to_resolve_s)
        .map(|s| (s / 60).max(0) as u64)
        .collect();
    frame.render_widget(
        Sparkline::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.border)
                    .title(if ttr.width >= 36 {
                        " minutes to resolve, oldest first "
                    } else {
                        " minutes to resolve "
                    }),
            )
            .data(&resolved)
            .style(theme.resolved),
        ttr,
    );

    // The full headings where they fit; the short ones at 80 columns, and a line
    // saying what the short ones mean.
    let (full, full_lines) = crate::metrics::table(summary);
    // Room for a title of 20 columns after the numbers.
    let compact =
        unicode_width::UnicodeWidthStr::width(full.as_str()) + 15 > usize::from(table.width);
    let (header, lines) = if compact {
        crate::metrics::table_in(summary, true)
    } else {
        (full, full_lines)
    };
    let mut rows = vec![Line::styled(header, theme.muted)];
    if compact {
        rows.insert(
            0,
            Line::styled(
                "ON TIME: updates to team/exec/cust · HO handoffs · RE reopened",
                theme.muted,
            ),
        );
    }
    rows.extend(lines.into_iter().map(Line::raw));
    let scroll = scroll.show(rows.len(), usize::from(table.height));
    frame.render_widget(Paragraph::new(rows).scroll((scroll as u16, 0)), table);
}
