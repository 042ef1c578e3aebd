//! The review's vocabulary: the resolve checklist's answers and the review's sections.

use serde::{Deserialize, Serialize};
use strum::{Display, EnumIter, EnumMessage, IntoStaticStr};

use super::names;

/// One item of the resolution checklist and whether it was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The item as asked.
    pub item: String,
    /// Whether it was confirmed.
    pub done: bool,
}

/// The parts of a post-incident review.
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
pub enum ReviewSection {
    /// What caused it.
    #[strum(to_string = "cause", serialize = "root_cause", serialize = "rootcause")]
    RootCause,
    /// What made it worse or possible.
    #[strum(
        to_string = "factor",
        serialize = "contributing",
        serialize = "contributing_factor"
    )]
    ContributingFactor,
    /// What worked.
    #[strum(to_string = "well", serialize = "went_well", serialize = "good")]
    WentWell,
    /// What did not.
    #[strum(to_string = "badly", serialize = "went_badly", serialize = "bad")]
    WentBadly,
}

impl ReviewSection {
    /// The heading people read.
    pub fn title(self) -> &'static str {
        match self {
            ReviewSection::RootCause => "Root cause",
            ReviewSection::ContributingFactor => "Contributing factors",
            ReviewSection::WentWell => "What went well",
            ReviewSection::WentBadly => "What went badly",
        }
    }

    /// The short word typed in commands.
    pub fn key(self) -> &'static str {
        self.into()
    }
}

impl std::str::FromStr for ReviewSection {
    type Err = String;

    /// A key or alias in any case, with `-` or a space for `_` (`root cause`).
    fn from_str(s: &str) -> Result<Self, String> {
        names::parse(&s.trim().replace(['-', ' '], "_")).ok_or_else(|| {
            format!(
                "unknown review section '{s}': use {}",
                names::keys::<ReviewSection>()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn sections_parse_from_keys_and_aliases() {
        assert_eq!("Root cause".parse(), Ok(ReviewSection::RootCause));
        assert_eq!("went-badly".parse(), Ok(ReviewSection::WentBadly));
        for section in ReviewSection::iter() {
            assert_eq!(section.to_string().parse(), Ok(section));
        }
        assert_eq!(
            "ugly".parse::<ReviewSection>(),
            Err("unknown review section 'ugly': use cause, factor, well or badly".to_string())
        );
    }
}
