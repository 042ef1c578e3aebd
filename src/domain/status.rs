//! The incident lifecycle: triage through closed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where an incident stands in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being assessed; not yet declared.
    #[default]
    Triage,
    /// Declared; the team is looking for the cause.
    Investigating,
    /// The cause is known; a fix is in progress.
    Identified,
    /// A fix is in place and being watched.
    Monitoring,
    /// Service restored.
    Resolved,
    /// Nothing more to do on this incident.
    Closed,
}

impl Status {
    /// Every status in lifecycle order.
    pub const ALL: [Status; 6] = [
        Status::Triage,
        Status::Investigating,
        Status::Identified,
        Status::Monitoring,
        Status::Resolved,
        Status::Closed,
    ];

    /// The lowercase word for this status.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Triage => "triage",
            Status::Investigating => "investigating",
            Status::Identified => "identified",
            Status::Monitoring => "monitoring",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    /// Whether the incident is still being worked (not resolved or closed).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }

    /// Whether this status means the incident has been declared and is active.
    pub fn is_declared_active(self) -> bool {
        matches!(
            self,
            Status::Investigating | Status::Identified | Status::Monitoring
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text could not be read as a status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown status '{0}': use triage, investigating, identified, monitoring, resolved or closed"
)]
pub struct ParseStatusError(pub String);

impl FromStr for Status {
    type Err = ParseStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == t)
            .ok_or_else(|| ParseStatusError(s.to_string()))
    }
}
