//! The time zone every time is shown and read in: the machine's local zone, UTC, or a
//! named zone from the IANA time zone database (`Europe/Berlin`), as a team's playbook
//! or a person's settings choose. One zone is in force per process; the console keeps
//! its own copy so tests can pick one.

use std::sync::RwLock;

use chrono::{Local, NaiveDateTime, Offset, TimeZone};

use crate::domain::Timestamp;
use crate::format::offset_name;

/// A zone to show and read times in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// The machine's local zone (what `TZ` says, else the system's).
    #[default]
    Local,
    /// Coordinated Universal Time.
    Utc,
    /// A zone of the IANA database (`America/New_York`), with its summer time.
    Named(chrono_tz::Tz),
}

/// The zone in force in this process, set once the settings and the playbook are read.
static IN_FORCE: RwLock<Zone> = RwLock::new(Zone::Local);

/// The zone this process shows and reads times in ([`Zone::Local`] until [`set`]).
pub fn in_force() -> Zone {
    IN_FORCE.read().map_or(Zone::Local, |z| *z)
}

/// Makes `zone` the one this process shows and reads times in.
pub fn set(zone: Zone) {
    if let Ok(mut z) = IN_FORCE.write() {
        *z = zone;
    }
}

impl Zone {
    /// Reads a zone as people write it: `local`, `UTC` (or `Z`, `GMT`, any case), or an
    /// IANA name such as `Europe/Berlin` (exact case, as the database spells it).
    ///
    /// # Errors
    /// One line naming the text and the forms accepted.
    pub fn parse(text: &str) -> Result<Zone, String> {
        let t = text.trim();
        match t.to_ascii_lowercase().as_str() {
            "local" => return Ok(Zone::Local),
            "utc" | "z" | "gmt" | "etc/utc" => return Ok(Zone::Utc),
            _ => {}
        }
        t.parse::<chrono_tz::Tz>().map(Zone::Named).map_err(|_| {
            format!(
                "unknown time zone '{}': give \"local\", \"UTC\" or a name from the IANA database such as \"Europe/Berlin\" or \"America/New_York\"",
                crate::inert::line(t)
            )
        })
    }

    /// The offset from UTC at `t`, in seconds east.
    pub fn offset_at(self, t: Timestamp) -> i32 {
        match self {
            Zone::Local => t.with_timezone(&Local).offset().fix().local_minus_utc(),
            Zone::Utc => 0,
            Zone::Named(tz) => t.with_timezone(&tz).offset().fix().local_minus_utc(),
        }
    }

    /// Formats `t` with a chrono format string in this zone.
    pub fn format(self, t: Timestamp, fmt: &str) -> String {
        match self {
            Zone::Local => t.with_timezone(&Local).format(fmt).to_string(),
            Zone::Utc => t.format(fmt).to_string(),
            Zone::Named(tz) => t.with_timezone(&tz).format(fmt).to_string(),
        }
    }

    /// The zone's name as a reader needs it at `now`: `UTC`, the local offset
    /// (`UTC+01:00`), or the IANA name with its offset (`Europe/Berlin UTC+01:00`).
    pub fn name(self, now: Timestamp) -> String {
        match self {
            Zone::Utc => "UTC".into(),
            Zone::Local => offset_name(self.offset_at(now)),
            Zone::Named(tz) => match self.offset_at(now) {
                0 if tz.name().contains("UTC") => "UTC".into(),
                offset => format!("{} {}", tz.name(), offset_name(offset)),
            },
        }
    }

    /// The zone's name at `now` from the longest way of saying it to the shortest, for
    /// a line that may lack room: `Europe/Berlin UTC+01:00`, `Europe/Berlin`,
    /// `UTC+01:00`.
    pub fn names(self, now: Timestamp) -> Vec<String> {
        let mut names = vec![self.name(now)];
        if let Zone::Named(tz) = self {
            names.push(tz.name().to_string());
            names.push(self.offset_label(now));
        }
        names.dedup();
        names
    }

    /// The short label of the offset at `t`: `UTC`, `UTC+01:00`.
    pub fn offset_label(self, t: Timestamp) -> String {
        offset_name(self.offset_at(t))
    }

    /// A time of day to the minute with its offset, `14:30 UTC` or `15:30 UTC+01:00`.
    pub fn hm_zoned(self, t: Timestamp) -> String {
        format!("{} {}", self.format(t, "%H:%M"), self.offset_label(t))
    }

    /// A date and time to the minute with its offset, `2026-11-30 10:15 UTC+01:00`.
    pub fn datetime_zoned(self, t: Timestamp) -> String {
        format!(
            "{} {}",
            self.format(t, "%Y-%m-%d %H:%M"),
            self.offset_label(t)
        )
    }

    /// `t` to the minute as read at `now`: the time of day when it is on today's date,
    /// with the month and day before it (`11-29 23:45`) on another date this year, and
    /// with the year (`2025-11-29 23:45`) before that: a time from another day never
    /// reads as today's.
    pub fn stamp(self, t: Timestamp, now: Timestamp) -> String {
        let (day, today) = (self.date(t), self.date(now));
        let fmt = if day == today {
            "%H:%M"
        } else if chrono::Datelike::year(&day) == chrono::Datelike::year(&today) {
            "%m-%d %H:%M"
        } else {
            "%Y-%m-%d %H:%M"
        };
        self.format(t, fmt)
    }

    /// The calendar date of `t` in this zone, to tell days apart.
    pub fn date(self, t: Timestamp) -> chrono::NaiveDate {
        match self {
            Zone::Local => t.with_timezone(&Local).date_naive(),
            Zone::Utc => t.date_naive(),
            Zone::Named(tz) => t.with_timezone(&tz).date_naive(),
        }
    }

    /// A wall-clock time in this zone as the instants it names: one, two when the clock
    /// repeats it (summer time ending), none when the clock skips it.
    pub fn instants(self, wall: NaiveDateTime) -> chrono::LocalResult<Timestamp> {
        match self {
            Zone::Local => Local.from_local_datetime(&wall).map(|t| t.to_utc()),
            Zone::Utc => chrono::LocalResult::Single(wall.and_utc()),
            Zone::Named(tz) => tz.from_local_datetime(&wall).map(|t| t.to_utc()),
        }
    }
}

impl std::fmt::Display for Zone {
    /// `local`, `UTC` or the IANA name: what [`Zone::parse`] reads back.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Zone::Local => f.write_str("local"),
            Zone::Utc => f.write_str("UTC"),
            Zone::Named(tz) => f.write_str(tz.name()),
        }
    }
}
