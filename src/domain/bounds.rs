//! What an event may hold. Every way in (the command line, the console, an import, a
//! peer) checks these bounds, so that whatever is stored can be written out, read back
//! and synced: a time outside them would be exported in a form no reader accepts (the
//! year 0000 written as `-0001-...`), and a sequence number past SQLite's integers
//! would wrap.

use chrono::{DateTime, NaiveDate, Utc};

use super::event::{Body, Event};
use super::time::{Timestamp, rfc3339};

/// The earliest time an entry may carry: 2000-01-01T00:00:00Z, in milliseconds since
/// the Unix epoch. An incident log starts after it; an entry dated earlier (1900, 0000)
/// is a typo in the year, not history.
pub const EARLIEST_MS: i64 = 946_684_800_000;

/// The latest time an entry may carry: 9999-12-31T23:59:59.999Z, the last that RFC
/// 3339's four-digit years can write.
pub const LATEST_MS: i64 = 253_402_300_799_999;

/// The highest sequence number an origin may use: the largest integer SQLite stores.
pub const MAX_SEQ: u64 = i64::MAX as u64;

pub use super::event::MAX_NAME_BYTES;

/// The most bytes a kind's name may take (kinds are short `snake_case` words).
pub const MAX_KIND_BYTES: usize = 64;

/// Why an event cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutOfBounds {
    /// A time before [`EARLIEST_MS`] or after [`LATEST_MS`].
    #[error(
        "its {field} {value} is outside the times an entry may carry (2000-01-01 to 9999-12-31, UTC)"
    )]
    Time {
        /// Which time (`at`, `logged_at`, `detected_at`).
        field: &'static str,
        /// The time as given.
        value: String,
    },
    /// A date outside the same years.
    #[error(
        "its {field} {value} is outside the dates an entry may carry (2000-01-01 to 9999-12-31)"
    )]
    Date {
        /// Which date (`due`).
        field: &'static str,
        /// The date as given.
        value: String,
    },
    /// A drill's pace outside 1 to [`MAX_PACE`].
    #[error("its drill pace {0} is outside 1 to {MAX_PACE} times real time")]
    Pace(u32),
    /// A sequence number of 0 or past [`MAX_SEQ`].
    #[error("its sequence number {0} is outside 1 to {MAX_SEQ}")]
    Seq(u64),
    /// An empty or over-long author, origin or kind.
    #[error("its {field} is empty or longer than {max} bytes")]
    Name {
        /// Which field.
        field: &'static str,
        /// Its bound.
        max: usize,
    },
}

/// The first instant [`check_time`] accepts.
pub fn earliest() -> Timestamp {
    DateTime::from_timestamp_millis(EARLIEST_MS).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Whether `t` is a time an entry may carry.
pub fn time_in_bounds(t: Timestamp) -> bool {
    (EARLIEST_MS..=LATEST_MS).contains(&t.timestamp_millis())
}

/// The fastest a drill is played: scenario minutes per real minute (a 45-minute
/// scenario in under three seconds).
pub const MAX_PACE: u32 = 1000;

/// Refuses a time outside [`EARLIEST_MS`]..=[`LATEST_MS`]; `field` names it.
pub fn check_time(field: &'static str, t: Timestamp) -> Result<(), OutOfBounds> {
    if time_in_bounds(t) {
        Ok(())
    } else {
        Err(OutOfBounds::Time {
            field,
            value: rfc3339(t),
        })
    }
}

/// Refuses a date outside the years 2000 to 9999; `field` names it.
pub fn check_date(field: &'static str, d: NaiveDate) -> Result<(), OutOfBounds> {
    let first = NaiveDate::from_ymd_opt(2000, 1, 1);
    let last = NaiveDate::from_ymd_opt(9999, 12, 31);
    if first.is_some_and(|f| d >= f) && last.is_some_and(|l| d <= l) {
        Ok(())
    } else {
        Err(OutOfBounds::Date {
            field,
            value: d.to_string(),
        })
    }
}

fn check_name(field: &'static str, value: &str, max: usize) -> Result<(), OutOfBounds> {
    if value.is_empty() || value.len() > max {
        return Err(OutOfBounds::Name { field, max });
    }
    Ok(())
}

impl Event {
    /// Checks every bound an event must keep to be stored: its times and dates, its
    /// sequence number, and its author, origin and kind. (Its size as a whole is
    /// bounded by [`super::MAX_EVENT_BYTES`], which the store measures.)
    pub fn check_bounds(&self) -> Result<(), OutOfBounds> {
        check_time("time", self.at)?;
        check_time("logged time", self.logged_at)?;
        if self.seq == 0 || self.seq > MAX_SEQ {
            return Err(OutOfBounds::Seq(self.seq));
        }
        check_name("author", &self.author, MAX_NAME_BYTES)?;
        if let Some(by) = &self.recorded_by {
            check_name("recorded_by", by, MAX_NAME_BYTES)?;
        }
        check_name("origin", &self.origin, MAX_NAME_BYTES)?;
        check_name("kind", self.kind(), MAX_KIND_BYTES)?;
        self.body.check_bounds()
    }
}

impl Body {
    /// Checks the times and dates a body carries.
    pub fn check_bounds(&self) -> Result<(), OutOfBounds> {
        match self {
            Body::IncidentOpened {
                detected_at, pace, ..
            } => {
                if let Some(p) = pace.filter(|p| !(1..=MAX_PACE).contains(p)) {
                    return Err(OutOfBounds::Pace(p));
                }
                detected_at.map_or(Ok(()), |t| check_time("detection time", t))
            }
            Body::SituationSet {
                impact_start,
                impact_end,
                ..
            } => impact_start
                .iter()
                .chain(impact_end)
                .try_for_each(|t| check_time("customer impact time", *t)),
            Body::Correction { at: Some(t), .. } => check_time("corrected time", *t),
            Body::ActionItemOpened { due: Some(d), .. }
            | Body::ActionItemUpdated { due: Some(d), .. } => check_date("due date", *d),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::body_and_recorder;
    use crate::domain::time::from_epoch_ms;
    use ulid::Ulid;

    fn event(at_ms: i64, seq: u64) -> Event {
        let at = from_epoch_ms(at_ms).unwrap();
        Event {
            id: Ulid::from_parts(1, 1),
            origin: "o".into(),
            seq,
            incident: Ulid::from_parts(1, 1),
            author: "ana".into(),
            recorded_by: None,
            at,
            logged_at: at,
            body: Body::Note { text: "x".into() },
        }
    }

    #[test]
    fn the_bounds_are_the_first_of_2000_and_the_last_rfc3339_instant() {
        assert_eq!(rfc3339(earliest()), "2000-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339(from_epoch_ms(LATEST_MS).unwrap()),
            "9999-12-31T23:59:59.999Z"
        );
        assert!(event(EARLIEST_MS, 1).check_bounds().is_ok());
        assert!(event(LATEST_MS, 1).check_bounds().is_ok());
        assert!(matches!(
            event(EARLIEST_MS - 1, 1).check_bounds(),
            Err(OutOfBounds::Time { .. })
        ));
        assert!(matches!(
            event(LATEST_MS + 1, 1).check_bounds(),
            Err(OutOfBounds::Time { .. })
        ));
        // The year 0000 at +01:00 is the year -1 in UTC: never stored.
        let zero = chrono::DateTime::parse_from_rfc3339("0000-01-01T00:00:00+01:00").unwrap();
        assert!(check_time("time", zero.with_timezone(&Utc)).is_err());
    }

    #[test]
    fn sequence_numbers_run_from_one_to_the_largest_stored_integer() {
        assert!(matches!(
            event(EARLIEST_MS, 0).check_bounds(),
            Err(OutOfBounds::Seq(0))
        ));
        assert!(event(EARLIEST_MS, MAX_SEQ).check_bounds().is_ok());
        assert!(matches!(
            event(EARLIEST_MS, MAX_SEQ + 1).check_bounds(),
            Err(OutOfBounds::Seq(_))
        ));
    }

    #[test]
    fn names_and_due_dates_are_bounded() {
        let mut e = event(EARLIEST_MS, 1);
        e.author = String::new();
        assert!(matches!(e.check_bounds(), Err(OutOfBounds::Name { .. })));
        e.author = "a".repeat(MAX_NAME_BYTES + 1);
        assert!(matches!(e.check_bounds(), Err(OutOfBounds::Name { .. })));
        // Who recorded it for the author is a name too.
        let mut e = event(EARLIEST_MS, 1);
        e.recorded_by = Some(String::new());
        assert!(matches!(e.check_bounds(), Err(OutOfBounds::Name { .. })));
        e.recorded_by = Some("s".repeat(MAX_NAME_BYTES + 1));
        assert!(matches!(e.check_bounds(), Err(OutOfBounds::Name { .. })));
        e.recorded_by = Some("sam".into());
        assert!(e.check_bounds().is_ok());
        let mut e = event(EARLIEST_MS, 1);
        e.body = Body::ActionItemOpened {
            title: "t".into(),
            owner: None,
            due: NaiveDate::from_ymd_opt(12000, 1, 1),
            priority: None,
        };
        assert!(matches!(e.check_bounds(), Err(OutOfBounds::Date { .. })));
    }

    #[test]
    fn who_recorded_an_entry_round_trips_and_odd_values_are_kept_verbatim() {
        // A known kind and an unknown one, recorded by a scribe: both round trip.
        for body in [
            Body::Note { text: "hi".into() },
            Body::Unknown {
                kind: "from_the_future".into(),
                payload: serde_json::json!({"x": 1}),
            },
        ] {
            let mut event = event(EARLIEST_MS, 1);
            event.body = body;
            event.recorded_by = Some("sam".into());
            let json = serde_json::to_string(&event).unwrap();
            assert!(json.contains(r#""recorded_by":"sam""#), "{json}");
            let back: Event = serde_json::from_str(&json).unwrap();
            assert_eq!(back, event);
        }
        // Not a name an event may carry: the payload is kept whole, as unknown, and
        // written back exactly as it came.
        let long = "s".repeat(MAX_NAME_BYTES + 1);
        for odd in [
            serde_json::json!(7),
            serde_json::json!(""),
            serde_json::json!(long),
        ] {
            let payload = serde_json::json!({"text": "hi", "recorded_by": odd});
            let (body, recorded_by) = body_and_recorder("note", payload.clone());
            assert_eq!(recorded_by, None);
            assert_eq!(
                body,
                Body::Unknown {
                    kind: "note".into(),
                    payload: payload.clone()
                }
            );
            assert_eq!(body.to_parts(), ("note".to_string(), payload));
        }
    }
}
