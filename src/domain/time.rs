//! Timestamps: UTC, millisecond precision, written as RFC 3339.

use chrono::{DateTime, SubsecRound, Utc};

/// A point in time as the log records it: UTC, whole milliseconds.
pub type Timestamp = DateTime<Utc>;

/// Rounds a time down to the millisecond, the precision the log keeps.
pub fn to_millis(t: Timestamp) -> Timestamp {
    t.trunc_subsecs(3)
}

/// Milliseconds since the Unix epoch.
pub fn epoch_ms(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

/// The time at `ms` milliseconds since the Unix epoch, if it is representable.
pub fn from_epoch_ms(ms: i64) -> Option<Timestamp> {
    DateTime::from_timestamp_millis(ms)
}

/// RFC 3339 with milliseconds and a `Z`, e.g. `2026-11-27T10:49:03.120Z`.
pub fn rfc3339(t: Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Serde helpers that write a timestamp as RFC 3339 with milliseconds.
pub mod serde_millis {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `t` as RFC 3339 with milliseconds.
    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(*t))
    }

    /// Reads an RFC 3339 time (any offset) and keeps it to the millisecond.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| to_millis(t.with_timezone(&Utc)))
            .map_err(serde::de::Error::custom)
    }
}

/// Serde helpers for an optional timestamp.
pub mod serde_millis_opt {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `Some(t)` as RFC 3339 with milliseconds, `None` as null.
    pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&rfc3339(*t)),
            None => s.serialize_none(),
        }
    }

    /// Reads an optional RFC 3339 time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|text| {
            DateTime::parse_from_rfc3339(&text)
                .map(|t| to_millis(t.with_timezone(&Utc)))
                .map_err(serde::de::Error::custom)
        })
        .transpose()
    }
}
