//! The metrics overlay: MTTA, MTTR, incidents per week, and per-incident numbers.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Clear, Paragraph, Sparkline};

use super::{Theme, boxed};
use crate::app::PageScroll;
use crate::format::seconds as secs;
use crate::metrics::MetricsSummary;

/// Columns of one bar of the weekly chart, and between two.
const BAR_WIDTH: usize = 5;
const BAR_GAP: usize = 1;
/// The most weeks the chart shows.
const MAX_WEEKS: usize = 12;

/// The `n` ISO weeks up to and including the week of `today`, oldest first, each with
/// its count of incidents from `by_week` (keys as `2026-W48`; 0 for a week not there).
fn recent_weeks(
    by_week: &std::collections::BTreeMap<String, usize>,
    today: chrono::NaiveDate,
    n: usize,
) -> Vec<(String, usize)> {
    (0..n)
        .rev()
        .map(|back| {
            let key = crate::metrics::week_key(today - chrono::Days::new(7 * back as u64));
            let count = by_week.get(&key).copied().unwrap_or(0);
            (key, count)
        })
        .collect()
}

/// Draws the metrics (computed when the view was opened), its title saying which key
/// `close`s it; the weekly chart ends at the week of `today` (in the zone in force).
/// A summary of `None` while the numbers are being read from the store: the box says so.
pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    (summary, today): (Option<&MetricsSummary>, chrono::NaiveDate),
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
                "{}   MTTA {}   MTTR {}",
                crate::format::count(summary.incidents, "incident"),
                secs(summary.mtta_s),
                secs(summary.mttr_s)
            ),
            theme.title,
        ),
        Line::raw(format!(
            "open: {}, {}   by severity: {}",
            crate::format::count(summary.open_incidents, "incident"),
            crate::format::count(summary.open_action_items, "action item"),
            summary
                .by_severity
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Line::styled(
            format!(
                "{} and {} not counted",
                crate::format::count(summary.drills_excluded, "drill"),
                crate::format::count(summary.routed_excluded, "routed alert")
            ),
            theme.muted,
        ),
    ];
    frame.render_widget(Paragraph::new(head_lines), head);

    let [weeks, ttr] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(charts);
    // As many weeks as there is room for, up to this one: a quiet week is a bar of 0,
    // and the newest are never the ones cut off.
    let room = usize::from(weeks.width.saturating_sub(2));
    let shown = ((room + BAR_GAP) / (BAR_WIDTH + BAR_GAP)).clamp(1, MAX_WEEKS);
    let bars: Vec<Bar> = recent_weeks(&summary.by_week, today, shown)
        .into_iter()
        .map(|(week, n)| {
            Bar::default()
                .value(n as u64)
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
                    .title(format!(" incidents a week, last {shown} ")),
            )
            .data(BarGroup::default().bars(&bars))
            .bar_width(BAR_WIDTH as u16)
            .bar_gap(BAR_GAP as u16)
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
    // One column an incident: the newest that fit, never the oldest alone.
    let fit = usize::from(ttr.width.saturating_sub(2));
    let cut = resolved.len() > fit;
    let resolved = &resolved[resolved.len().saturating_sub(fit)..];
    frame.render_widget(
        Sparkline::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.border)
                    .title(match (cut, ttr.width >= 40) {
                        (true, true) => format!(" minutes to resolve, newest {} ", resolved.len()),
                        (true, false) => format!(" resolve (min), newest {} ", resolved.len()),
                        (false, true) => " minutes to resolve, oldest first ".to_string(),
                        (false, false) => " minutes to resolve ".to_string(),
                    }),
            )
            .data(resolved)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::IncidentMetrics;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn summary(
        by_week: &[(&str, usize)],
        resolved_minutes: impl Iterator<Item = i64>,
    ) -> MetricsSummary {
        let per_incident: Vec<IncidentMetrics> = resolved_minutes
            .enumerate()
            .map(|(i, minutes)| IncidentMetrics {
                id: ulid::Ulid::from_parts(i as u64 + 1, 1),
                title: format!("incident {i}"),
                severity: None,
                drill: false,
                routed: false,
                time_to_acknowledge_s: None,
                time_to_declare_s: None,
                time_to_resolve_s: Some(minutes * 60),
                time_in_status_s: Default::default(),
                cadence: [
                    crate::domain::Audience::Responders,
                    crate::domain::Audience::Executives,
                    crate::domain::Audience::Customers,
                ]
                .map(|audience| crate::metrics::Adherence {
                    audience,
                    due: 0,
                    on_time: 0,
                })
                .into(),
                handoffs: 0,
                reopened: 0,
                open_action_items: 0,
            })
            .collect();
        MetricsSummary {
            since: None,
            incidents: per_incident.len(),
            mtta_s: None,
            mttr_s: None,
            by_severity: Default::default(),
            by_week: by_week.iter().map(|(w, n)| (w.to_string(), *n)).collect(),
            by_month: Default::default(),
            open_action_items: 0,
            open_incidents: 1,
            drills_excluded: 0,
            routed_excluded: 0,
            per_incident,
        }
    }

    fn painted(
        summary: &MetricsSummary,
        today: chrono::NaiveDate,
        width: u16,
        height: u16,
    ) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| {
                let area = frame.area();
                let scroll = PageScroll::default();
                render(
                    frame,
                    area,
                    (Some(summary), today),
                    &scroll,
                    "Esc closes",
                    &Theme::dark(),
                );
            })
            .unwrap();
        terminal
    }

    fn drawn(
        summary: &MetricsSummary,
        today: chrono::NaiveDate,
        width: u16,
        height: u16,
    ) -> String {
        format!("{}", painted(summary, today, width, height).backend())
    }

    #[test]
    fn the_weekly_chart_ends_at_this_week_with_quiet_weeks_as_nought_at_any_width() {
        // Thursday of ISO week 49 of 2026; incidents in weeks 40, 47 and 49, none since
        // week 47 but this week's.
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let s = summary(&[("2026-W40", 4), ("2026-W47", 2), ("2026-W49", 3)], 1..=3);
        for (width, height) in [(80, 24), (120, 40), (200, 60)] {
            let screen = drawn(&s, today, width, height);
            // The newest weeks are the ones shown, this one last, a quiet one as 0.
            assert!(screen.contains("W49"), "{width}x{height}:\n{screen}");
            assert!(screen.contains("W48"), "{width}x{height}:\n{screen}");
            let weeks_row = screen.lines().find(|l| l.contains("W49")).unwrap();
            let w48 = weeks_row.find("W48").unwrap();
            let w49 = weeks_row.find("W49").unwrap();
            assert!(w48 < w49, "oldest first: {weeks_row}");
            assert!(
                !screen.contains("W40"),
                "too old for {width}x{height}:\n{screen}"
            );
            assert!(
                screen.contains("open: 1 incident, 0 action items"),
                "{screen}"
            );
        }
        // From a year's end into the next: ISO weeks of both years, in order.
        let new_year = chrono::NaiveDate::from_ymd_opt(2027, 1, 6).unwrap();
        let s = summary(&[("2026-W53", 1), ("2027-W01", 5)], 1..=2);
        let screen = drawn(&s, new_year, 80, 24);
        let row = screen.lines().find(|l| l.contains("W01")).unwrap();
        assert!(row.find("W53").unwrap() < row.find("W01").unwrap(), "{row}");
    }

    #[test]
    fn the_resolve_times_show_the_newest_incidents_when_not_all_fit() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        // 300 incidents: the oldest took an hour, the newest 299 minutes.
        let s = summary(&[], 0..300);
        let terminal = painted(&s, today, 80, 24);
        let screen = format!("{}", terminal.backend());
        let fit = screen
            .split("newest ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .expect("the title says how many of the newest are shown");
        assert!(fit > 10 && fit < 300, "{fit}");
        // Every column of the sparkline is high: these are the newest, longest ones
        // (the oldest would start at the bottom).
        let buffer = terminal.backend().buffer();
        let row_text = |y: u16| -> String { (0..80).map(|x| buffer[(x, y)].symbol()).collect() };
        let top = (0..24).find(|&y| row_text(y).contains("newest")).unwrap();
        let row = row_text(top + 1);
        let bars = row.chars().filter(|c| "▁▂▃▄▅▆▇█".contains(*c)).count();
        assert!(
            bars >= fit - 1,
            "the top row is full across the newest: {row}\n{screen}"
        );
    }
}
