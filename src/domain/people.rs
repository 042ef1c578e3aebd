//! Roles, responder states, audiences and action-item priorities.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A role someone holds in an incident besides commander (command is tracked on its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Stands in for the commander when asked; never shares authority.
    Deputy,
    /// Keeps the timeline.
    Scribe,
    /// Leads the technical work on one area.
    TechLead,
    /// Owns updates to executives and customers.
    Communications,
    /// Legal or compliance, needed when data is involved.
    Legal,
    /// A subject-matter expert called in for knowledge.
    Sme,
    /// Watches without a task.
    Observer,
}

impl Role {
    /// Every role, in the order the roster lists them.
    pub const ALL: [Role; 7] = [
        Role::Deputy,
        Role::Scribe,
        Role::TechLead,
        Role::Communications,
        Role::Legal,
        Role::Sme,
        Role::Observer,
    ];

    /// The key used in files and commands, e.g. `tech_lead`.
    pub fn key(self) -> &'static str {
        match self {
            Role::Deputy => "deputy",
            Role::Scribe => "scribe",
            Role::TechLead => "tech_lead",
            Role::Communications => "communications",
            Role::Legal => "legal",
            Role::Sme => "sme",
            Role::Observer => "observer",
        }
    }

    /// A short form for narrow columns, e.g. `SME`.
    pub fn short(self) -> &'static str {
        match self {
            Role::Communications => "comms",
            Role::Sme => "SME",
            other => other.label(),
        }
    }

    /// The words shown to people, e.g. `tech lead`.
    pub fn label(self) -> &'static str {
        match self {
            Role::Deputy => "deputy",
            Role::Scribe => "scribe",
            Role::TechLead => "tech lead",
            Role::Communications => "communications",
            Role::Legal => "legal",
            Role::Sme => "subject-matter expert",
            Role::Observer => "observer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The text could not be read as a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role '{0}': use deputy, scribe, tech_lead, communications, legal, sme or observer"
)]
pub struct ParseRoleError(pub String);

impl FromStr for Role {
    type Err = ParseRoleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let t = match t.as_str() {
            "techlead" | "tech" => "tech_lead",
            "comms" => "communications",
            "subject_matter_expert" | "expert" => "sme",
            other => other,
        }
        .to_string();
        Role::ALL
            .into_iter()
            .find(|role| role.key() == t)
            .ok_or_else(|| ParseRoleError(s.to_string()))
    }
}

/// Where a responder stands: paged, acknowledged, engaged or stood down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponderState {
    /// Asked to join; no answer yet.
    Paged,
    /// Answered the page.
    Acknowledged,
    /// Working on the incident.
    Engaged,
    /// Released from the incident.
    StoodDown,
}

impl ResponderState {
    /// The words shown to people.
    pub fn label(self) -> &'static str {
        match self {
            ResponderState::Paged => "paged",
            ResponderState::Acknowledged => "acknowledged",
            ResponderState::Engaged => "engaged",
            ResponderState::StoodDown => "stood down",
        }
    }
}

impl fmt::Display for ResponderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Who a status update is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The people working the incident: technical detail.
    Responders,
    /// Leadership: impact and ETA.
    Executives,
    /// Customers: clear next steps.
    Customers,
}

impl Audience {
    /// Every audience.
    pub const ALL: [Audience; 3] = [
        Audience::Responders,
        Audience::Executives,
        Audience::Customers,
    ];

    /// The lowercase word for this audience.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Responders => "responders",
            Audience::Executives => "executives",
            Audience::Customers => "customers",
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text could not be read as an audience.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown audience '{0}': use responders, executives or customers")]
pub struct ParseAudienceError(pub String);

impl FromStr for Audience {
    type Err = ParseAudienceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let t = match t.as_str() {
            "responder" | "internal" | "team" => "responders",
            "executive" | "exec" | "execs" => "executives",
            "customer" | "public" => "customers",
            other => other,
        }
        .to_string();
        Audience::ALL
            .into_iter()
            .find(|a| a.as_str() == t)
            .ok_or_else(|| ParseAudienceError(s.to_string()))
    }
}

/// How urgent an action item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Do first.
    High,
    /// Do soon.
    Medium,
    /// Do when there is time.
    Low,
}

impl Priority {
    /// The lowercase word for this priority.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_keys_and_common_spellings() {
        assert_eq!("tech-lead".parse(), Ok(Role::TechLead));
        assert_eq!("Tech Lead".parse(), Ok(Role::TechLead));
        assert_eq!("comms".parse(), Ok(Role::Communications));
        assert_eq!("sme".parse(), Ok(Role::Sme));
        assert!("janitor".parse::<Role>().is_err());
        for role in Role::ALL {
            assert_eq!(role.key().parse(), Ok(role));
        }
    }

    #[test]
    fn audiences_parse() {
        assert_eq!("execs".parse(), Ok(Audience::Executives));
        assert_eq!("customers".parse(), Ok(Audience::Customers));
        assert!("martians".parse::<Audience>().is_err());
    }
}
