//! Roles, responder states, audiences and action-item priorities.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use strum::{Display, EnumIter, EnumMessage, IntoStaticStr};

use super::names;

/// A role someone holds in an incident besides commander (command is tracked on its own).
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
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    /// Stands in for the commander when asked; never shares authority.
    Deputy,
    /// Keeps the timeline.
    Scribe,
    /// Leads the technical work on one area.
    #[strum(to_string = "tech_lead", serialize = "techlead", serialize = "tech")]
    TechLead,
    /// Owns updates to executives and customers.
    #[strum(to_string = "communications", serialize = "comms")]
    Communications,
    /// Legal or compliance, needed when data is involved.
    Legal,
    /// A subject-matter expert called in for knowledge.
    #[strum(
        to_string = "sme",
        serialize = "subject_matter_expert",
        serialize = "expert"
    )]
    Sme,
    /// Watches without a task.
    Observer,
}

impl Role {
    /// The key used in files and commands, e.g. `tech_lead`.
    pub fn key(self) -> &'static str {
        self.into()
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
#[error("unknown role '{0}': use {choices}", choices = names::keys::<Role>())]
pub struct ParseRoleError(pub String);

impl FromStr for Role {
    type Err = ParseRoleError;

    /// A key in any case, with `-` or a space for `_` (`Tech Lead`), or a common alias.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        names::parse(&s.trim().replace(['-', ' '], "_"))
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
    Display,
    EnumIter,
    EnumMessage,
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The people working the incident: technical detail.
    #[strum(
        to_string = "responders",
        serialize = "responder",
        serialize = "internal",
        serialize = "team"
    )]
    Responders,
    /// Leadership: impact and ETA.
    #[strum(
        to_string = "executives",
        serialize = "executive",
        serialize = "exec",
        serialize = "execs"
    )]
    Executives,
    /// Customers: clear next steps.
    #[strum(to_string = "customers", serialize = "customer", serialize = "public")]
    Customers,
}

impl Audience {
    /// The lowercase word for this audience.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The text could not be read as an audience.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown audience '{0}': use {choices}", choices = names::keys::<Audience>())]
pub struct ParseAudienceError(pub String);

impl FromStr for Audience {
    type Err = ParseAudienceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        names::parse(s).ok_or_else(|| ParseAudienceError(s.to_string()))
    }
}

/// How urgent an action item is.
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
    Display,
    EnumIter,
    EnumMessage,
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Do first.
    #[strum(to_string = "high", serialize = "h")]
    High,
    /// Do soon.
    #[strum(to_string = "medium", serialize = "med", serialize = "m")]
    Medium,
    /// Do when there is time.
    #[strum(to_string = "low", serialize = "l")]
    Low,
}

impl Priority {
    /// The lowercase word for this priority.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The text could not be read as a priority.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("priority '{0}': use {choices}", choices = names::keys::<Priority>())]
pub struct ParsePriorityError(pub String);

impl FromStr for Priority {
    type Err = ParsePriorityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        names::parse(s).ok_or_else(|| ParsePriorityError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn roles_parse_from_keys_and_common_spellings() {
        assert_eq!("tech-lead".parse(), Ok(Role::TechLead));
        assert_eq!("Tech Lead".parse(), Ok(Role::TechLead));
        assert_eq!("comms".parse(), Ok(Role::Communications));
        assert_eq!("sme".parse(), Ok(Role::Sme));
        assert!("janitor".parse::<Role>().is_err());
        for role in Role::iter() {
            assert_eq!(role.key().parse(), Ok(role));
        }
    }

    #[test]
    fn audiences_parse() {
        assert_eq!("execs".parse(), Ok(Audience::Executives));
        assert_eq!("customers".parse(), Ok(Audience::Customers));
        assert!("martians".parse::<Audience>().is_err());
    }

    #[test]
    fn the_choices_in_errors_are_the_keys() {
        assert_eq!(
            "janitor".parse::<Role>().unwrap_err().to_string(),
            "unknown role 'janitor': use deputy, scribe, tech_lead, communications, legal, sme or observer"
        );
        assert_eq!(" Subject matter expert".parse(), Ok(Role::Sme));
        assert_eq!(
            "martians".parse::<Audience>().unwrap_err().to_string(),
            "unknown audience 'martians': use responders, executives or customers"
        );
        for audience in Audience::iter() {
            assert_eq!(audience.to_string().parse(), Ok(audience));
        }
    }

    #[test]
    fn priorities_parse_from_words_and_letters() {
        assert_eq!("Med".parse(), Ok(Priority::Medium));
        assert_eq!(" l ".parse(), Ok(Priority::Low));
        for priority in Priority::iter() {
            assert_eq!(priority.as_str().parse(), Ok(priority));
            assert_eq!(priority.to_string(), priority.as_str());
        }
        assert_eq!(
            "urgent".parse::<Priority>().unwrap_err().to_string(),
            "priority 'urgent': use high, medium or low"
        );
    }
}
