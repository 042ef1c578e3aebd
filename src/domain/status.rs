//! The incident lifecycle: triage through closed.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use strum::{Display, EnumIter, EnumMessage, IntoStaticStr};

use super::names;

/// Where an incident stands in its lifecycle.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Display,
    EnumIter,
    EnumMessage,
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
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
    /// The lowercase word for this status.
    pub fn as_str(self) -> &'static str {
        self.into()
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

/// The text could not be read as a status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status '{0}': use {choices}", choices = names::keys::<Status>())]
pub struct ParseStatusError(pub String);

impl FromStr for Status {
    type Err = ParseStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        names::parse(s).ok_or_else(|| ParseStatusError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn parses_its_words_in_any_case() {
        assert_eq!(" Monitoring ".parse(), Ok(Status::Monitoring));
        for status in Status::iter() {
            assert_eq!(status.as_str().parse(), Ok(status));
            assert_eq!(status.to_string(), status.as_str());
        }
        assert_eq!(
            "fixed".parse::<Status>().unwrap_err().to_string(),
            "unknown status 'fixed': use triage, investigating, identified, monitoring, resolved or closed"
        );
    }
}
