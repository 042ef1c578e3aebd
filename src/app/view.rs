//! Where the timeline is scrolled to, kept by entry id so new entries never move it.

use std::cell::Cell;

use ulid::Ulid;

use crate::domain::IncidentState;

/// The timeline's cursor and scroll position.
#[derive(Debug, Default)]
pub struct TimelineView {
    /// The highlighted entry; `None` follows the newest.
    pub cursor: Option<Ulid>,
    /// The entry at the bottom of the last frame, remembered by the renderer so the
    /// view moves only when the cursor leaves it (like ratatui's list offset).
    pub bottom: Cell<Option<Ulid>>,
    /// How many entries the last frame showed, for paging.
    pub page: Cell<usize>,
}

impl TimelineView {
    /// Whether the view follows new entries.
    pub fn following(&self) -> bool {
        self.cursor.is_none()
    }

    /// The cursor's position in the timeline (the newest when following).
    pub fn cursor_index(&self, state: &IncidentState) -> Option<usize> {
        let last = state.timeline.len().checked_sub(1)?;
        Some(
            self.cursor
                .and_then(|id| state.position(id))
                .unwrap_or(last),
        )
    }

    /// Moves the cursor by `delta` entries; reaching the newest follows again.
    pub fn move_by(&mut self, state: &IncidentState, delta: isize) {
        let Some(at) = self.cursor_index(state) else {
            return;
        };
        let last = state.timeline.len() - 1;
        let to = at.saturating_add_signed(delta).min(last);
        self.cursor = (to < last).then(|| state.timeline[to].event.id);
    }

    /// Jumps to the first entry.
    pub fn top(&mut self, state: &IncidentState) {
        self.cursor = state.timeline.first().map(|e| e.event.id);
        if state.timeline.len() <= 1 {
            self.cursor = None;
        }
    }

    /// Follows the newest entry.
    pub fn follow(&mut self) {
        self.cursor = None;
        self.bottom.set(None);
    }

    /// Entries a page holds (at least one).
    pub fn page_len(&self) -> isize {
        self.page.get().max(1) as isize
    }
}
