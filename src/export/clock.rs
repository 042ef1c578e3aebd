//! Times in the exports people read: local time, with the true offset from UTC. An
//! incident within one offset says it once; one across a clock change (summer time
//! starting or ending) prints each time with its own offset, so no time reads an hour
//! off under a heading that does not hold for it.

use std::collections::BTreeSet;

use chrono::{Local, Offset};

use crate::domain::{IncidentState, Timestamp};
use crate::format::offset_name;

/// How an export writes the times of one incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalTimes {
    /// The one offset (seconds east of UTC) every time of the incident has, if one.
    single: Option<i32>,
}

/// The local offset at `t`, in seconds east of UTC.
fn offset_at(t: Timestamp) -> i32 {
    t.with_timezone(&Local).offset().fix().local_minus_utc()
}

impl LocalTimes {
    /// The clock for the times of `s`: every event's time, when it was logged, and when
    /// the problem was detected.
    pub fn for_incident(s: &IncidentState) -> LocalTimes {
        let times = s
            .timeline
            .iter()
            .flat_map(|e| [e.event.at, e.event.logged_at])
            .chain(s.detected_at);
        let offsets: BTreeSet<i32> = times.map(offset_at).collect();
        LocalTimes {
            single: match offsets.len() {
                0 => Some(offset_at(
                    s.opened.as_ref().map_or_else(chrono::Utc::now, |o| o.0),
                )),
                1 => offsets.first().copied(),
                _ => None,
            },
        }
    }

    /// One sentence for the top of a document: `Times are local (UTC+01:00).`, or that
    /// each time carries its own offset.
    pub fn heading(&self) -> String {
        format!("Times are {}.", self.zone())
    }

    /// The zone the times are in, for a table: `local (UTC+01:00)`, or that each time
    /// carries its own offset.
    pub fn zone(&self) -> String {
        match self.single {
            Some(offset) => format!("local ({})", offset_name(offset)),
            None => {
                "local, each with its offset from UTC: the local clock changed during the incident"
                    .into()
            }
        }
    }

    /// `t` as a local date and time, `2026-03-29 01:30:00`, with ` UTC+01:00` after it
    /// when the incident spans several offsets.
    pub fn datetime(&self, t: Timestamp) -> String {
        self.with_offset(t, "%Y-%m-%d %H:%M:%S")
    }

    /// `t` as a local time of day, `01:30`, with its offset as [`Self::datetime`].
    pub fn hm(&self, t: Timestamp) -> String {
        self.with_offset(t, "%H:%M")
    }

    fn with_offset(&self, t: Timestamp, format: &str) -> String {
        let local = t.with_timezone(&Local).format(format).to_string();
        match self.single {
            Some(_) => local,
            None => format!("{local} {}", offset_name(offset_at(t))),
        }
    }
}
