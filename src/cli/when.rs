//! Reading the times people type: RFC 3339, or a local time of day.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

use crate::domain::{Timestamp, to_millis};

/// How far ahead of the clock a time may be (clock skew between hosts).
const FUTURE_SLACK: TimeDelta = TimeDelta::minutes(1);

/// Reads `--at` style times: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` or `HH:MM[:SS]` (today,
/// local time). A time in the future is refused.
pub(crate) fn parse_when(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    let t = text.trim();
    let parsed = if let Ok(t) = DateTime::parse_from_rfc3339(t) {
        t.with_timezone(&Utc)
    } else if let Some(local) = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    {
        local_to_utc(local, text)?
    } else if let Some(time) = ["%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
    {
        let today: NaiveDate = now.with_timezone(&Local).date_naive();
        local_to_utc(today.and_time(time), text)?
    } else {
        return Err(format!(
            "cannot read the time '{text}': use HH:MM (today, local time), 'YYYY-MM-DD HH:MM', or RFC 3339 such as 2026-11-27T10:15:00Z"
        ));
    };
    if parsed > now + FUTURE_SLACK {
        return Err(format!(
            "the time '{text}' is in the future; give when it happened (for another day use 'YYYY-MM-DD HH:MM')"
        ));
    }
    Ok(to_millis(parsed))
}

/// Reads the time an entry happened (`--at`, `--detected-at`), as [`parse_when`] does,
/// and refuses one before 2000-01-01 (a typo in the year, not history): the bound every
/// stored time keeps, so that it can be exported and synced.
pub(crate) fn parse_entry_time(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    let t = parse_when(text, now)?;
    if t < crate::domain::earliest() {
        return Err(format!(
            "the time '{text}' is before 2000-01-01, the earliest an entry may be dated: check the year"
        ));
    }
    if !crate::domain::time_in_bounds(t) {
        return Err(format!(
            "the time '{text}' is after 9999-12-31 in UTC, the latest an entry may carry: check the year"
        ));
    }
    Ok(t)
}

/// A local date and time as UTC; `text` is what was typed, for the error.
/// A time in the hour the clocks go back happened twice, so it is refused with the
/// two readings to choose from; one in the hour they skip never happened.
pub(crate) fn local_to_utc(local: NaiveDateTime, text: &str) -> Result<Timestamp, String> {
    use chrono::LocalResult;
    let rfc = |t: DateTime<Local>| t.format("%Y-%m-%dT%H:%M:%S%:z").to_string();
    match local.and_local_timezone(Local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, second) => Err(format!(
            "the local time '{text}' happened twice (the clocks went back): say which with its offset, {} or {}",
            rfc(first),
            rfc(second)
        )),
        LocalResult::None => Err(format!(
            "the local time '{text}' does not exist (a clock change skips it); give a time outside the skipped hour, or one with its offset such as 2026-03-29T02:30:00+01:00"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn reads_rfc3339_and_refuses_the_future_and_nonsense() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        assert_eq!(
            parse_when("2026-11-27T10:15:00.250Z", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 27, 10, 15, 0).unwrap() + TimeDelta::milliseconds(250)
        );
        assert_eq!(
            parse_when("2026-11-27T11:15:00+01:00", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 27, 10, 15, 0).unwrap()
        );
        let err = parse_when("2026-11-28T10:00:00Z", now).unwrap_err();
        assert!(err.contains("future"), "{err}");
        let err = parse_when("yesterday-ish", now).unwrap_err();
        assert!(err.contains("HH:MM"), "{err}");
    }

    #[test]
    fn an_entry_is_dated_no_earlier_than_2000() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        for typo in [
            "0000-01-01T00:00:00+01:00",
            "1900-01-01T00:00:00Z",
            "1999-06-01 12:00",
        ] {
            let err = parse_entry_time(typo, now).unwrap_err();
            assert!(err.contains("before 2000-01-01"), "{typo}: {err}");
        }
        assert!(parse_entry_time("2000-01-01T00:00:00Z", now).is_ok());
    }
}
