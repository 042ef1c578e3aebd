//! Small presentation helpers shared by the CLI, exports and the console.

use chrono::TimeDelta;
use comfy_table::{CellAlignment, Table, presets};

use crate::domain::{Body, Entry, IncidentState, Timestamp};
use crate::inert;

/// Cuts text to at most `width` terminal columns, ending with `…` when cut (never
/// inside a character made of several code points, such as an accent or an emoji).
pub fn shorten(text: &str, width: usize) -> String {
    use unicode_truncate::UnicodeTruncateStr;
    use unicode_width::UnicodeWidthStr;
    if text.width() <= width {
        return text.to_string();
    }
    let (head, _) = text.unicode_truncate(width.saturating_sub(1));
    format!("{head}…")
}

/// A plain-text table without rules: a header line, then a line per row. Columns are as
/// wide as their widest cell in display width, so wide characters (CJK, emoji) and long
/// cells never shift the next column; two spaces part them; the columns numbered in
/// `right` are aligned right. Lines carry no trailing spaces.
pub fn table<R: IntoIterator<Item = String>>(
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
    right: &[usize],
) -> Vec<String> {
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_header(header.to_vec());
    for row in rows {
        table.add_row(row);
    }
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, 2));
        if right.contains(&i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table.lines().map(|l| l.trim_end().to_string()).collect()
}

/// A duration as people read it: `45s`, `12m`, `1h05m`, `2d03h`.
pub fn duration(d: TimeDelta) -> String {
    let secs = d.num_seconds();
    let sign = if secs < 0 { "-" } else { "" };
    let secs = secs.unsigned_abs();
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{sign}{d}d{h:02}h")
    } else if h > 0 {
        format!("{sign}{h}h{m:02}m")
    } else if m > 0 {
        format!("{sign}{m}m")
    } else {
        format!("{sign}{s}s")
    }
}

/// `n` and a noun of the kind counted, in the plural unless `n` is 1 ("1 incident",
/// "2 action items"); `noun` takes an "s" for its plural.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A value for a table cell, or `-` when there is none.
pub fn or_dash(value: Option<impl std::fmt::Display>) -> String {
    value.map_or_else(|| "-".into(), |v| v.to_string())
}

/// A duration that may be unknown, as [`duration`] writes it, or `-`.
pub fn maybe_duration(d: Option<TimeDelta>) -> String {
    d.map_or_else(|| "-".into(), duration)
}

/// A number of seconds that may be unknown, as [`duration`] writes it, or `-`.
pub fn seconds(s: Option<i64>) -> String {
    maybe_duration(s.map(TimeDelta::seconds))
}

/// Date and time to the second in the zone in force, `2026-11-27 10:15:03`.
pub fn local_datetime(t: Timestamp) -> String {
    crate::zone::in_force().format(t, "%Y-%m-%d %H:%M:%S")
}

/// Time of day in the zone in force, `10:15:03`.
pub fn local_time(t: Timestamp) -> String {
    crate::zone::in_force().format(t, "%H:%M:%S")
}

/// A UTC offset as readers know it: `UTC` for none, else `UTC+01:00`, `UTC-05:30`.
pub fn offset_name(seconds_east: i32) -> String {
    if seconds_east == 0 {
        return "UTC".into();
    }
    let sign = if seconds_east < 0 { '-' } else { '+' };
    let minutes = seconds_east.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Time of day to the minute in the zone in force with its offset, `10:15 UTC+01:00`:
/// what a reader elsewhere needs to place it.
pub fn local_hm_zoned(t: Timestamp) -> String {
    crate::zone::in_force().hm_zoned(t)
}

/// Date and time to the minute in the zone in force with its offset,
/// `2026-11-30 10:15 UTC+01:00`.
pub fn local_datetime_zoned(t: Timestamp) -> String {
    crate::zone::in_force().datetime_zoned(t)
}

/// An entry's text with corrections applied, and notes on its history, made inert
/// and kept to one line: `roll back [amended; was: roll forward]`.
pub fn entry_text(state: &IncidentState, entry: &Entry) -> String {
    let current = state.current_text(entry);
    let mut line = inert::line(&current.text).into_owned();
    if current.amended {
        line.push_str(&format!(
            " [amended; was: {}]",
            inert::line(&entry.original_text())
        ));
    }
    if current.struck {
        line.push_str(" [struck]");
    }
    if let Some(verdict) = &current.verdict {
        line.push_str(&format!(" [{}]", inert::line(verdict)));
    }
    if let Some(at) = current.at {
        line.push_str(&format!(" [re-dated: happened {}]", local_datetime(at)));
    }
    if let Body::Correction { target, .. } = &entry.event.body {
        match state.entry(*target) {
            Some(t) => line.push_str(&format!(
                " [of {} {} at {}]",
                t.category().marker(),
                crate::domain::short_id(t.event.id),
                crate::zone::in_force().stamp(t.event.at, entry.event.at)
            )),
            None => line.push_str(&format!(
                " [of {} (not known here yet)]",
                crate::domain::short_id(*target)
            )),
        }
    }
    if entry.event.is_backdated() {
        line.push_str(&format!(
            " [back-dated; logged {}]",
            local_datetime(entry.event.logged_at)
        ));
    }
    if let Some(reason) = &current.no_effect {
        line.push_str(&format!(" [no effect: {}]", inert::line(reason)));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_named_from_utc() {
        assert_eq!(offset_name(0), "UTC");
        assert_eq!(offset_name(3600), "UTC+01:00");
        assert_eq!(offset_name(-(5 * 3600 + 1800)), "UTC-05:30");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(TimeDelta::seconds(45)), "45s");
        assert_eq!(duration(TimeDelta::seconds(12 * 60 + 5)), "12m");
        assert_eq!(duration(TimeDelta::seconds(3600 + 5 * 60)), "1h05m");
        assert_eq!(duration(TimeDelta::seconds(2 * 86_400 + 3 * 3600)), "2d03h");
        assert_eq!(duration(TimeDelta::seconds(-90)), "-1m");
    }
}
