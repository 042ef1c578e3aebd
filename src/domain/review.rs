//! The review's vocabulary: the resolve checklist's answers and the review's sections.

use serde::{Deserialize, Serialize};

/// One item of the resolution checklist and whether it was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The item as asked.
    pub item: String,
    /// Whether it was confirmed.
    pub done: bool,
}

/// The parts of a post-incident review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewSection {
    /// What caused it.
    RootCause,
    /// What made it worse or possible.
    ContributingFactor,
    /// What worked.
    WentWell,
    /// What did not.
    WentBadly,
}

impl ReviewSection {
    /// Every section, in review order.
    pub const ALL: [ReviewSection; 4] = [
        ReviewSection::RootCause,
        ReviewSection::ContributingFactor,
        ReviewSection::WentWell,
        ReviewSection::WentBadly,
    ];

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
        match self {
            ReviewSection::RootCause => "cause",
            ReviewSection::ContributingFactor => "factor",
            ReviewSection::WentWell => "well",
            ReviewSection::WentBadly => "badly",
        }
    }
}

impl std::fmt::Display for ReviewSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl std::str::FromStr for ReviewSection {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Ok(match t.as_str() {
            "cause" | "root_cause" | "rootcause" => ReviewSection::RootCause,
            "factor" | "contributing" | "contributing_factor" => ReviewSection::ContributingFactor,
            "well" | "went_well" | "good" => ReviewSection::WentWell,
            "badly" | "went_badly" | "bad" => ReviewSection::WentBadly,
            _ => {
                return Err(format!(
                    "unknown review section '{s}': use cause, factor, well or badly"
                ));
            }
        })
    }
}
