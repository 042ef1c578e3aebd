//! Severity levels P1 (critical) to P5 (informational), from the severity matrix.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How bad an incident is; P1 is the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// All or most customers cannot use a core service, data loss, breach in progress.
    P1,
    /// A major function degraded for many, or one region down.
    P2,
    /// Partial degradation with a workaround.
    P3,
    /// A minor issue affecting few users.
    P4,
    /// No customer impact.
    P5,
}

impl Severity {
    /// Every severity, worst first.
    pub const ALL: [Severity; 5] = [
        Severity::P1,
        Severity::P2,
        Severity::P3,
        Severity::P4,
        Severity::P5,
    ];

    /// The short name used as data and in files, e.g. `P1`.
    pub fn key(self) -> &'static str {
        match self {
            Severity::P1 => "P1",
            Severity::P2 => "P2",
            Severity::P3 => "P3",
            Severity::P4 => "P4",
            Severity::P5 => "P5",
        }
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
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{} {}", self.level(), self.label())
    }
}

/// The text could not be read as a severity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity '{0}': use P1 (critical), P2 (high), P3 (medium), P4 (low) or P5 (info)")]
pub struct ParseSeverityError(pub String);

impl FromStr for Severity {
    type Err = ParseSeverityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let level = match t.as_str() {
            "p1" | "1" | "critical" => Severity::P1,
            "p2" | "2" | "high" => Severity::P2,
            "p3" | "3" | "medium" => Severity::P3,
            "p4" | "4" | "low" => Severity::P4,
            "p5" | "5" | "info" | "informational" => Severity::P5,
            _ => return Err(ParseSeverityError(s.to_string())),
        };
        Ok(level)
    }
}

#[cfg(test)]
mod tests {
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
    }

    #[test]
    fn written_as_text() {
        assert_eq!(Severity::P1.to_string(), "P1 CRITICAL");
        assert_eq!(Severity::P5.to_string(), "P5 INFO");
        for s in Severity::ALL {
            assert_eq!(s.key().parse::<Severity>(), Ok(s));
            assert_eq!(s.to_string(), format!("{} {}", s.key(), s.label()));
        }
    }
}
