//! Severity levels P1 (critical) to P5 (informational), from the severity matrix.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumMessage, IntoStaticStr};

use super::names;

/// How bad an incident is; P1 is the worst.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    EnumIter,
    EnumMessage,
    IntoStaticStr,
)]
pub enum Severity {
    /// All or most customers cannot use a core service, data loss, breach in progress.
    #[strum(to_string = "P1", serialize = "1", serialize = "critical")]
    P1,
    /// A major function degraded for many, or one region down.
    #[strum(to_string = "P2", serialize = "2", serialize = "high")]
    P2,
    /// Partial degradation with a workaround.
    #[strum(to_string = "P3", serialize = "3", serialize = "medium")]
    P3,
    /// A minor issue affecting few users.
    #[strum(to_string = "P4", serialize = "4", serialize = "low")]
    P4,
    /// No customer impact.
    #[strum(
        to_string = "P5",
        serialize = "5",
        serialize = "info",
        serialize = "informational"
    )]
    P5,
}

impl Severity {
    /// The short name used as data and in files, e.g. `P1`.
    pub fn key(self) -> &'static str {
        self.into()
    }

    /// The word written next to the level, e.g. `CRITICAL`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::P1 => "CRITICAL",
            Severity::P2 => "HIGH",
            Severity::P3 => "MEDIUM",
            Severity::P4 => "LOW",
            Severity::P5 => "INFO",
        }
    }

    /// The level as a number, 1 to 5.
    pub fn level(self) -> u8 {
        self as u8 + 1
    }

    /// Every severity with its word, as a parse error lists them:
    /// `P1 (critical), ... or P5 (info)`.
    pub fn choices() -> String {
        names::choices(|s: Severity| format!("{} ({})", s.key(), s.label().to_lowercase()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{} {}", self.level(), self.label())
    }
}

/// The text could not be read as a severity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity '{0}': use {choices}", choices = Severity::choices())]
pub struct ParseSeverityError(pub String);

impl FromStr for Severity {
    type Err = ParseSeverityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        names::parse(s).ok_or_else(|| ParseSeverityError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn parses_levels_and_words() {
        for (text, want) in [
            ("P1", Severity::P1),
            ("p2", Severity::P2),
            ("3", Severity::P3),
            ("low", Severity::P4),
            (" P5 ", Severity::P5),
        ] {
            assert_eq!(text.parse::<Severity>(), Ok(want), "{text}");
        }
        let err = "P7".parse::<Severity>().unwrap_err();
        assert!(err.to_string().contains("P7"));
        assert!(err.to_string().contains("P1 (critical)"));
        assert_eq!(
            err.to_string(),
            "unknown severity 'P7': use P1 (critical), P2 (high), P3 (medium), P4 (low) or P5 (info)"
        );
        assert_eq!("Informational".parse::<Severity>(), Ok(Severity::P5));
    }

    #[test]
    fn written_as_text() {
        assert_eq!(Severity::P1.to_string(), "P1 CRITICAL");
        assert_eq!(Severity::P5.to_string(), "P5 INFO");
        for s in Severity::iter() {
            assert_eq!(s.key().parse::<Severity>(), Ok(s));
            assert_eq!(s.to_string(), format!("{} {}", s.key(), s.label()));
        }
    }
}
