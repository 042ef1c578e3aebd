//! Finding your way in a long timeline: a filter that shows only some kinds of entry or
//! some people's, and a search that moves the cursor from match to match. Both look
//! at the incident shown only, and only as far as they need to.

use std::collections::BTreeSet;

use crate::domain::{Category, Entry, IncidentState, name_key};

/// The kinds a filter names, as people type them, each with the categories it holds.
/// A typed word names a kind when the kind's name starts with it (`dec`, `decision`).
pub const KINDS: &[(&str, &[Category])] = &[
    ("notes", &[Category::Note]),
    ("decisions", &[Category::Decision]),
    ("hypotheses", &[Category::Hypothesis]),
    ("actions", &[Category::Action]),
    (
        "updates",
        &[
            Category::StatusUpdate(crate::domain::Audience::Responders),
            Category::StatusUpdate(crate::domain::Audience::Executives),
            Category::StatusUpdate(crate::domain::Audience::Customers),
        ],
    ),
    ("alerts", &[Category::Alert]),
    ("severity", &[Category::Severity]),
    ("status", &[Category::Status, Category::Resolution]),
    ("command", &[Category::Command]),
    ("roster", &[Category::Roster]),
    ("items", &[Category::ActionItem]),
    ("corrections", &[Category::Correction]),
    ("review", &[Category::Review, Category::Problem]),
    ("situation", &[Category::Situation]),
    ("objectives", &[Category::Objective]),
    ("tasks", &[Category::Task]),
    ("opened", &[Category::Opened, Category::Routed]),
];

/// Which entries the timeline shows: some kinds (none named: every kind) by some
/// people (none named: everyone's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The kinds shown, by their names in [`KINDS`].
    pub kinds: BTreeSet<&'static str>,
    /// The people whose entries are shown, as typed (compared by [`name_key`]).
    pub authors: Vec<String>,
    /// The same people by [`name_key`], found once when the filter is read.
    keys: Vec<String>,
}

impl Filter {
    /// Reads `:filter` words: kind names (or their starts), `@name` or `by NAME` for
    /// people; `off` (or nothing) clears the filter.
    ///
    /// # Errors
    /// A word that names no kind, in one line listing the kinds.
    pub fn read(words: &[&str]) -> Result<Filter, String> {
        let mut filter = Filter::default();
        let mut words = words.iter().map(|w| w.trim_matches(',')).peekable();
        while let Some(word) = words.next() {
            let lower = word.to_lowercase();
            if lower.is_empty() || lower == "off" || lower == "all" {
                continue;
            }
            if let Some(name) = word.strip_prefix('@') {
                if !name.is_empty() {
                    filter.authors.push(name.to_string());
                }
                continue;
            }
            if lower == "by" {
                if let Some(name) = words.next() {
                    filter.authors.push(name.to_string());
                }
                continue;
            }
            let found: Vec<&'static str> = KINDS
                .iter()
                .map(|(name, _)| *name)
                .filter(|name| name.starts_with(lower.as_str()))
                .collect();
            match found.as_slice() {
                [one] => {
                    filter.kinds.insert(one);
                }
                [] => {
                    return Err(format!(
                        "no kind of entry called '{}': use {}, or @NAME for someone's entries",
                        crate::inert::line(word),
                        KINDS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(" ")
                    ));
                }
                several => {
                    return Err(format!(
                        "'{}' could be {}: type more of it",
                        crate::inert::line(word),
                        several.join(" or ")
                    ));
                }
            }
        }
        filter.keys = filter.authors.iter().map(|a| name_key(a)).collect();
        Ok(filter)
    }

    /// Whether the filter hides anything.
    pub fn is_on(&self) -> bool {
        !self.kinds.is_empty() || !self.authors.is_empty()
    }

    /// Whether `entry` is shown.
    pub fn shows(&self, entry: &Entry) -> bool {
        let category = entry.category();
        let kind = self.kinds.is_empty()
            || KINDS
                .iter()
                .any(|(name, cats)| self.kinds.contains(name) && cats.contains(&category));
        kind && (self.keys.is_empty() || {
            let author = &entry.event.author;
            self.keys.iter().any(|k| author == k) || {
                let author = name_key(author);
                self.keys.contains(&author)
            }
        })
    }

    /// The filter in words for the pane's title: `decisions, hypotheses by maya`,
    /// `by jonas`.
    pub fn describe(&self) -> String {
        let kinds: Vec<&str> = self.kinds.iter().copied().collect();
        let mut text = kinds.join(", ");
        if !self.authors.is_empty() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str("by ");
            text.push_str(&crate::inert::line(&self.authors.join(", ")));
        }
        if text.is_empty() {
            text.push_str("every entry");
        }
        text
    }
}

/// The position of the first entry shown at or before `from` (going back), if any.
pub fn shown_at_or_before(state: &IncidentState, filter: &Filter, from: usize) -> Option<usize> {
    let from = from.min(state.timeline.len().checked_sub(1)?);
    (0..=from).rev().find(|&i| filter.shows(&state.timeline[i]))
}

/// The position of the first entry shown at or after `from`, if any.
pub fn shown_at_or_after(state: &IncidentState, filter: &Filter, from: usize) -> Option<usize> {
    (from..state.timeline.len()).find(|&i| filter.shows(&state.timeline[i]))
}

/// Whether `entry` matches the search `query` (already lowercased): its text as
/// corrected, or who wrote or recorded it.
pub fn matches(state: &IncidentState, entry: &Entry, query: &str) -> bool {
    if query.is_empty() {
        return false;
    }
    state
        .current_text(entry)
        .text
        .to_lowercase()
        .contains(query)
        || entry.event.credit().to_lowercase().contains(query)
}

/// Which way a search goes from the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Toward older entries (up the screen).
    Older,
    /// Toward newer entries (down the screen).
    Newer,
}

/// The next entry shown that matches `query`, starting at `from` (itself included when
/// `inclusive`) and going `direction`, wrapping around the ends once; `None` when no
/// entry shown matches.
pub fn next_match(
    state: &IncidentState,
    filter: &Filter,
    query: &str,
    from: usize,
    direction: Direction,
    inclusive: bool,
) -> Option<usize> {
    let n = state.timeline.len();
    if n == 0 || query.is_empty() {
        return None;
    }
    let from = from.min(n - 1);
    let start = usize::from(!inclusive);
    (start..n + usize::from(!inclusive))
        .map(|step| match direction {
            Direction::Older => (from + n - step % n) % n,
            Direction::Newer => (from + step) % n,
        })
        .find(|&i| {
            let entry = &state.timeline[i];
            filter.shows(entry) && matches(state, entry, query)
        })
}

/// How many entries shown match `query`, for the search line (counted over the
/// incident shown, when a search is typed or moved, not per frame).
pub fn count_matches(state: &IncidentState, filter: &Filter, query: &str) -> usize {
    state
        .timeline
        .iter()
        .filter(|e| filter.shows(e) && matches(state, e, query))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_reads_kinds_by_their_start_and_people_by_at() {
        let f = Filter::read(&["dec", "hyp,", "@maya", "by", "jonas"]).unwrap();
        assert_eq!(
            f.kinds.iter().copied().collect::<Vec<_>>(),
            ["decisions", "hypotheses"]
        );
        assert_eq!(f.authors, ["maya", "jonas"]);
        assert_eq!(f.describe(), "decisions, hypotheses by maya, jonas");
        assert!(!Filter::read(&["off"]).unwrap().is_on());
        let e = Filter::read(&["blorp"]).unwrap_err();
        assert!(e.contains("no kind of entry called 'blorp'") && e.contains("decisions"));
        let e = Filter::read(&["s"]).unwrap_err();
        assert!(e.contains("could be"), "{e}");
    }
}
