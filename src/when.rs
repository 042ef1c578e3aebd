//! Reading the times people type: RFC 3339, a local date and time, a local time of day,
//! or a time ago (`10m ago`, `-2h`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

use crate::domain::{Timestamp, to_millis};

/// How far ahead of the clock a time may be (clock skew between hosts).
const FUTURE_SLACK: TimeDelta = TimeDelta::minutes(1);

/// Every form [`parse_when`] reads, for the errors that name them.
pub const TIME_FORMS: &str = "HH:MM (today) or 'YYYY-MM-DD HH:MM' in the zone in force, RFC 3339 such as 2026-11-27T10:15:00Z, or a time ago such as '10m ago', '2 hours ago' or -45s";

/// Reads `--at` style times: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` or `HH:MM[:SS]` (today,
/// local time), or a time ago (see [`ago`]). A time in the future is refused.
pub fn parse_when(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    let Some(parsed) = read_time(text, now)? else {
        return Err(format!("cannot read the time '{text}': use {TIME_FORMS}"));
    };
    refuse_future(parsed, text, now)
}

/// A time read by [`read_time`], refused when it lies ahead of `now`.
pub fn refuse_future(parsed: Timestamp, text: &str, now: Timestamp) -> Result<Timestamp, String> {
    if parsed > now + FUTURE_SLACK {
        return Err(format!(
            "the time '{text}' is in the future; give when it happened (for another day use 'YYYY-MM-DD HH:MM')"
        ));
    }
    Ok(to_millis(parsed))
}

/// Reads any of the forms [`parse_when`] takes, without refusing the future: `None` when
/// `text` is none of them, `Err` when it is one but names no time (a local time a clock
/// change skips, a time ago too far back to count).
pub fn read_time(text: &str, now: Timestamp) -> Result<Option<Timestamp>, String> {
    let t = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(t) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    if let Some(local) = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    {
        return local_to_utc(local, text).map(Some);
    }
    if let Some(time) = ["%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
    {
        let today: NaiveDate = crate::zone::in_force().date(now);
        return local_to_utc(today.and_time(time), text).map(Some);
    }
    match ago(t) {
        Some(Some(back)) => now
            .checked_sub_signed(back)
            .map(Some)
            .ok_or_else(|| format!("the time '{text}' is too far back; check the number")),
        Some(None) => Err(format!(
            "the time '{text}' is too far back; check the number"
        )),
        None => Ok(None),
    }
}

/// Reads a time ago: a count and a unit (s, m or min, h, d, w, or the words for them),
/// either followed by `ago` (`10m ago`, `2 hours ago`) or after a minus (`-10m`).
/// `None`: not this form; `Some(None)`: this form, but too long to count.
fn ago(text: &str) -> Option<Option<TimeDelta>> {
    let lower = text.to_ascii_lowercase();
    let body = match lower.strip_prefix('-') {
        Some(rest) => rest.trim_start(),
        None => lower.strip_suffix("ago")?.trim_end(),
    };
    let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let (number, unit) = body.split_at(digits);
    let seconds_in: i64 = match unit.trim_start() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => 86_400,
        "w" | "week" | "weeks" => 7 * 86_400,
        _ => return None,
    };
    let count: i64 = match number.parse() {
        Ok(n) => n,
        Err(_) => return Some(None),
    };
    Some(
        count
            .checked_mul(seconds_in)
            .and_then(TimeDelta::try_seconds),
    )
}

/// Reads the time an entry happened (`--at`, `--detected-at`), as [`parse_when`] does,
/// and refuses one before 2000-01-01 (a typo in the year, not history): the bound every
/// stored time keeps, so that it can be exported and synced.
pub fn parse_entry_time(text: &str, now: Timestamp) -> Result<Timestamp, String> {
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

/// Reads a time followed by words (`:redate ID TIME WHY`): the time of one, two or
/// three words (`10:05`, `2026-11-27 10:05`, `10 min ago`), then, perhaps, why.
///
/// # Errors
/// One line when no start of `typed` reads as a time, or it is in the future.
pub fn time_then_words(
    typed: &str,
    now: crate::domain::Timestamp,
) -> Result<(crate::domain::Timestamp, Option<String>), String> {
    let words: Vec<&str> = typed.split_whitespace().collect();
    for n in (1..=words.len().min(3)).rev() {
        let time = words[..n].join(" ");
        if let Ok(Some(_)) = read_time(&time, now) {
            let at = parse_when(&time, now)?;
            let why = words[n..].join(" ");
            return Ok((at, (!why.is_empty()).then_some(why)));
        }
    }
    Err(format!(
        "cannot read the time '{}': use {}",
        crate::inert::line(typed),
        TIME_FORMS
    ))
}

/// A local date and time as UTC; `text` is what was typed, for the error.
/// A time in the hour the clocks go back happened twice, so it is refused with the
/// two readings to choose from; one in the hour they skip never happened.
pub fn local_to_utc(local: NaiveDateTime, text: &str) -> Result<Timestamp, String> {
    use chrono::LocalResult;
    let zone = crate::zone::in_force();
    let rfc = |t: Timestamp| zone.format(t, "%Y-%m-%dT%H:%M:%S%:z");
    match zone.instants(local) {
        LocalResult::Single(t) => Ok(t),
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
        assert!(
            err.contains("10m ago"),
            "the error names the relative form: {err}"
        );
    }

    #[test]
    fn reads_a_time_ago_in_either_form_and_any_unit() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        let back = |text: &str| now - parse_when(text, now).unwrap();
        assert_eq!(back("10m ago"), TimeDelta::minutes(10));
        assert_eq!(back("10 min ago"), TimeDelta::minutes(10));
        assert_eq!(back("  2 hours ago "), TimeDelta::hours(2));
        assert_eq!(back("1 Day Ago"), TimeDelta::days(1));
        assert_eq!(back("3w ago"), TimeDelta::weeks(3));
        assert_eq!(back("-45s"), TimeDelta::seconds(45));
        assert_eq!(back("-10m"), TimeDelta::minutes(10));
        assert_eq!(back("- 1 hour"), TimeDelta::hours(1));
        assert_eq!(back("0m ago"), TimeDelta::zero());
    }

    #[test]
    fn a_time_ago_that_is_not_one_says_which_forms_are() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        for typo in [
            "10 ago",
            "m ago",
            "ago",
            "10 parsecs ago",
            "10m",
            "-",
            "-m",
            "+10m",
            "10m ago ago",
        ] {
            let err = parse_when(typo, now).unwrap_err();
            assert!(
                err.starts_with("cannot read the time") && err.contains("'10m ago'"),
                "{typo}: {err}"
            );
        }
        for huge in ["99999999999999999999m ago", "9223372036854775807w ago"] {
            let err = parse_when(huge, now).unwrap_err();
            assert!(err.contains("too far back"), "{huge}: {err}");
        }
        let err = parse_entry_time("100000d ago", now).unwrap_err();
        assert!(err.contains("before 2000-01-01"), "{err}");
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
