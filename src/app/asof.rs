//! "As of" mode: the incident, roster and triage panes as they stood at the entry
//! selected in the timeline (the fold of the entries up to it), read-only, until Esc.

use ulid::Ulid;

use super::{Action, App};
use crate::domain::{IncidentState, Timestamp};

/// The moment the panes show, while in "as of" mode.
#[derive(Debug, Clone, PartialEq)]
pub struct AsOf {
    /// The incident it is of.
    pub incident: Ulid,
    /// The selected entry: the panes show the incident as it stood once it was recorded.
    pub entry: Ulid,
    /// Its place in the timeline, from 1.
    pub position: usize,
    /// How many entries the timeline had when this was folded.
    pub total: usize,
    /// When the entry happened (by its time in the total order).
    pub at: Timestamp,
    /// The incident folded up to and including the entry.
    pub state: Box<IncidentState>,
}

/// Whether an action may be taken while the panes show a past moment: moving (which
/// moves the moment), focusing, searching the timeline, help, leaving. Anything that
/// would record or act on people would act on the present while the screen shows the
/// past, so it waits until Esc.
pub(super) fn allowed(action: Action) -> bool {
    action.moves()
        || action.focuses()
        || matches!(
            action,
            Action::AsOf
                | Action::ClearBanners
                | Action::Quit
                | Action::ToggleHelp
                | Action::Search
                | Action::SearchOlder
                | Action::SearchNewer
                | Action::ToggleIds
                | Action::OpenSwitcher
        )
}

impl App {
    /// The state the incident, roster and triage panes draw: the incident as of the
    /// selected entry in "as of" mode, else the incident shown.
    pub fn pane_state(&self) -> Option<&IncidentState> {
        match &self.as_of {
            Some(as_of) => Some(&as_of.state),
            None => self.incident(),
        }
    }

    /// The time those panes count clocks to: the selected entry's in "as of" mode,
    /// else now.
    pub fn pane_now(&self) -> Timestamp {
        self.as_of.as_ref().map_or(self.now, |a| a.at)
    }

    /// Enters "as of" mode at the selected entry (the newest when following), or
    /// leaves it when in it.
    pub(super) fn toggle_as_of(&mut self) {
        if self.as_of.take().is_some() {
            self.notice = Some("back to now".into());
            return;
        }
        if self.incident().is_none_or(|s| s.timeline.is_empty()) {
            self.notice = Some("no incident shown: nothing to look back on".into());
            return;
        }
        self.refresh_as_of(true);
    }

    /// Folds the moment again when the selected entry, the incident shown or its
    /// timeline changed; leaves the mode when nothing is left to show. `start` enters it.
    pub(super) fn refresh_as_of(&mut self, start: bool) {
        if !start && self.as_of.is_none() {
            return;
        }
        // The entry box open again (a write that failed puts its text back): the
        // present has the keys, so the past leaves the screen.
        if self.entry.open {
            if self.as_of.take().is_some() {
                self.notice = Some("back to now: the entry box is open".into());
            }
            return;
        }
        let Some(state) = self.incident() else {
            self.as_of = None;
            return;
        };
        let selected = self
            .timeline
            .cursor
            .and_then(|id| state.position(id))
            .or_else(|| state.timeline.len().checked_sub(1));
        let Some(index) = selected else {
            self.as_of = None;
            return;
        };
        let entry = &state.timeline[index];
        let same = self.as_of.as_ref().is_some_and(|a| {
            a.incident == state.id && a.entry == entry.event.id && a.total == state.timeline.len()
        });
        let fresh = (!same).then(|| AsOf {
            incident: state.id,
            entry: entry.event.id,
            position: index + 1,
            total: state.timeline.len(),
            at: entry.event.at,
            state: Box::new(state.prefix(index + 1)),
        });
        let entry = entry.event.id;
        // The moment stays put as entries arrive: the cursor holds it, not "newest".
        if self.timeline.cursor.is_none() {
            self.timeline.cursor = Some(entry);
        }
        if let Some(fresh) = fresh {
            self.as_of = Some(fresh);
        }
    }
}
