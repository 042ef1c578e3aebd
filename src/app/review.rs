//! The resolve checklist as the console asks it, one item at a time.

use crate::domain::Check;

/// The resolve checklist being answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    /// The resolution code.
    pub code: String,
    /// What fixed it.
    pub summary: String,
    /// The items, from the playbook.
    pub items: Vec<String>,
    /// The answers so far.
    pub answers: Vec<bool>,
}

impl Checklist {
    /// A checklist for a resolution.
    pub fn new(code: String, summary: String, items: Vec<String>) -> Checklist {
        Checklist {
            code,
            summary,
            items,
            answers: Vec::new(),
        }
    }

    /// The item being asked, if any is left.
    pub fn current(&self) -> Option<&str> {
        self.items.get(self.answers.len()).map(String::as_str)
    }

    /// The answers as recorded with the resolution.
    pub fn checks(&self) -> Vec<Check> {
        self.items
            .iter()
            .zip(&self.answers)
            .map(|(item, done)| Check {
                item: item.clone(),
                done: *done,
            })
            .collect()
    }
}
