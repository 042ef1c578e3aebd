//! Times in the exports people read: in the zone in force (the team's, or the
//! reader's own), with the true offset from UTC. An
//! incident within one offset says it once; one across a clock change (summer time
//! starting or ending) prints each time with its own offset, so no time reads an hour
//! off under a heading that does not hold for it.

use std::collections::BTreeSet;

use crate::domain::{IncidentState, Timestamp};
use crate::format::offset_name;

/// How an export writes the times of one incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalTimes {
    /// The zone the times are written in.
    zone: crate::zone::Zone,
    /// The one offset (seconds east of UTC) every time of the incident has, if one.
    single: Option<i32>,
}

impl LocalTimes {
    /// The clock for the times of `s` in the zone in force: every event's time, when it
    /// was logged, and when the problem was detected.
    pub fn for_incident(s: &IncidentState) -> LocalTimes {
        LocalTimes::in_zone(s, crate::zone::in_force())
    }

    /// The clock for the times of `s` in `zone`.
    pub fn in_zone(s: &IncidentState, zone: crate::zone::Zone) -> LocalTimes {
        let offset_at = |t| zone.offset_at(t);
        let times = s
            .timeline
            .iter()
            .flat_map(|e| [e.event.at, e.event.logged_at])
            .chain(s.detected_at);
        let offsets: BTreeSet<i32> = times.map(offset_at).collect();
        LocalTimes {
            zone,
            single: match offsets.len() {
                0 => Some(offset_at(
                    s.opened.as_ref().map_or_else(chrono::Utc::now, |o| o.0),
                )),
                1 => offsets.first().copied(),
                _ => None,
            },
        }
    }

    /// One sentence for the top of a document: `Times are UTC.`, `Times are local
    /// (UTC+01:00).`, `Times are Europe/Berlin (UTC+01:00).`, or that each time carries
    /// its own offset.
    pub fn heading(&self) -> String {
        format!("Times are {}.", self.zone())
    }

    /// The zone the times are in, for a table: `local (UTC+01:00)`, or that each time
    /// carries its own offset.
    pub fn zone(&self) -> String {
        use crate::zone::Zone;
        let name = match self.zone {
            Zone::Utc => return "UTC".into(),
            Zone::Local => "local".to_string(),
            Zone::Named(tz) => tz.name().to_string(),
        };
        match self.single {
            Some(offset) => format!("{name} ({})", offset_name(offset)),
            None => format!(
                "{name}, each with its offset from UTC: the clock changed during the incident"
            ),
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
        let local = self.zone.format(t, format);
        match self.single {
            Some(_) => local,
            None => format!("{local} {}", self.zone.offset_label(t)),
        }
    }
}
