//! Where views are scrolled to: the timeline, kept by entry id so new entries never
//! move it; read-only pages, kept within what the renderer last drew; and the one rule
//! for moving a selection through a list.

use std::cell::Cell;

use ulid::Ulid;

use super::action::Action;
use super::find;
use crate::domain::IncidentState;

/// How far PgUp/PgDn move a selection in the roster and the switcher.
pub(super) const LIST_PAGE: usize = 5;

/// Where a movement action takes a selection at `current` in a list of `len` items,
/// `page` items to a page; `None` when the action does not move a selection.
pub fn step(current: usize, len: usize, action: Action, page: usize) -> Option<usize> {
    let last = len.saturating_sub(1);
    let current = current.min(last);
    let page = page.max(1);
    let half = (page / 2).max(1);
    let to = match action {
        Action::Up => current.saturating_sub(1),
        Action::Down => current.saturating_add(1),
        Action::Top => 0,
        Action::Bottom => last,
        Action::PageUp => current.saturating_sub(page),
        Action::PageDown => current.saturating_add(page),
        Action::HalfPageUp => current.saturating_sub(half),
        Action::HalfPageDown => current.saturating_add(half),
        _ => return None,
    };
    Some(to.min(last))
}

/// A read-only page's scroll position (help, playbook, metrics). The renderer records
/// how far the page can scroll and how many lines it shows (like `TimelineView::page`),
/// so scrolling stops at the end instead of running on where no key can bring it back.
#[derive(Debug, Default)]
pub struct PageScroll {
    /// Lines scrolled past the top.
    pub offset: usize,
    /// The largest offset the last frame allowed; `None` before the first frame.
    pub max: Cell<Option<usize>>,
    /// Lines the last frame showed.
    pub page: Cell<usize>,
}

impl PageScroll {
    /// The offset to draw `lines` lines at when `visible` fit, remembering both limits.
    pub fn show(&self, lines: usize, visible: usize) -> usize {
        let max = lines.saturating_sub(visible);
        self.max.set(Some(max));
        self.page.set(visible);
        self.offset.min(max)
    }

    /// Scrolls by a movement action; returns whether it was one.
    pub fn scroll(&mut self, action: Action) -> bool {
        let len = self.max.get().map_or(usize::MAX, |max| max + 1);
        match step(self.offset, len, action, self.page.get()) {
            Some(to) => {
                self.offset = to;
                true
            }
            None => false,
        }
    }
}

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
    /// How many entries the timeline had when the view stopped following: those
    /// since, at the end or back-dated above, are counted as new instead of moving
    /// the view silently.
    pub seen: usize,
    /// Which entries are shown (`f`, `:filter`; set with [`TimelineView::set_filter`]).
    pub filter: super::find::Filter,
    /// How many entries the filter shows, counted once for an incident and a timeline
    /// length (entries are only ever added, and whether one shows never changes), so a
    /// frame does not count them all again.
    shown: Cell<Option<(Ulid, usize, usize)>>,
    /// The search kept after `/` (lowercased): its matches are highlighted and `n`
    /// and `N` move between them.
    pub search: Option<String>,
    /// Whether each entry shows the end of its id (`#`), for the CLI's `correct` and
    /// the palette's `amend`, `strike` and `redate`.
    pub show_ids: bool,
}

impl TimelineView {
    /// Whether the view follows new entries.
    pub fn following(&self) -> bool {
        self.cursor.is_none()
    }

    /// The cursor's position in the timeline: the newest entry shown when following;
    /// an entry the filter hides gives way to the nearest shown before it (else after
    /// it). `None` when nothing is shown.
    pub fn cursor_index(&self, state: &IncidentState) -> Option<usize> {
        let last = state.timeline.len().checked_sub(1)?;
        let at = self
            .cursor
            .and_then(|id| state.position(id))
            .unwrap_or(last);
        find::shown_at_or_before(state, &self.filter, at)
            .or_else(|| find::shown_at_or_after(state, &self.filter, at))
    }

    /// Shows only what `filter` lets through, from the newest shown.
    pub fn set_filter(&mut self, filter: super::find::Filter) {
        self.filter = filter;
        self.shown.set(None);
        self.bottom.set(None);
    }

    /// How many entries of `state` the filter shows.
    pub fn shown_count(&self, state: &IncidentState) -> usize {
        let n = state.timeline.len();
        match self.shown.get() {
            Some((id, len, shown)) if id == state.id && len == n => shown,
            _ => {
                let shown = state
                    .timeline
                    .iter()
                    .filter(|e| self.filter.shows(e))
                    .count();
                self.shown.set(Some((state.id, n, shown)));
                shown
            }
        }
    }

    /// The newest entry shown, if any.
    pub fn last_shown(&self, state: &IncidentState) -> Option<usize> {
        find::shown_at_or_before(state, &self.filter, state.timeline.len().checked_sub(1)?)
    }

    /// Moves the cursor by `delta` entries shown; reaching the newest follows again.
    pub fn move_by(&mut self, state: &IncidentState, delta: isize) {
        let Some(mut at) = self.cursor_index(state) else {
            return;
        };
        for _ in 0..delta.unsigned_abs() {
            let next = if delta < 0 {
                at.checked_sub(1)
                    .and_then(|from| find::shown_at_or_before(state, &self.filter, from))
            } else {
                find::shown_at_or_after(state, &self.filter, at + 1)
            };
            match next {
                Some(to) => at = to,
                None => break,
            }
        }
        self.go_to(state, at);
    }

    /// Puts the cursor on the entry at `at`; the newest shown follows again.
    pub fn go_to(&mut self, state: &IncidentState, at: usize) {
        let newest = self.last_shown(state) == Some(at);
        self.select(state, (!newest).then(|| state.timeline[at].event.id));
    }

    /// Jumps to the first entry shown.
    pub fn top(&mut self, state: &IncidentState) {
        if let Some(first) = find::shown_at_or_after(state, &self.filter, 0) {
            self.go_to(state, first);
        }
    }

    /// Puts the cursor on `id` (`None`: follow the newest), counting from now the
    /// entries that arrive while the view does not follow.
    pub fn select(&mut self, state: &IncidentState, id: Option<Ulid>) {
        if self.cursor.is_none() && id.is_some() {
            self.seen = state.timeline.len();
        }
        self.cursor = id;
    }

    /// Entries that arrived since the view stopped following (none while it follows).
    pub fn new_since(&self, state: &IncidentState) -> usize {
        if self.following() {
            0
        } else {
            state.timeline.len().saturating_sub(self.seen)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_stays_in_the_list() {
        assert_eq!(step(0, 5, Action::Up, 3), Some(0));
        assert_eq!(step(4, 5, Action::Down, 3), Some(4));
        assert_eq!(step(1, 5, Action::PageDown, 3), Some(4));
        assert_eq!(step(4, 5, Action::HalfPageUp, 4), Some(2));
        assert_eq!(step(2, 5, Action::Bottom, 3), Some(4));
        assert_eq!(step(9, 5, Action::Up, 3), Some(3), "from past the end");
        assert_eq!(step(0, 0, Action::Down, 3), Some(0), "an empty list");
        assert_eq!(step(2, 5, Action::Submit, 3), None);
    }

    #[test]
    fn a_page_scrolls_within_what_was_drawn() {
        let mut page = PageScroll::default();
        assert_eq!(page.show(100, 20), 0);
        for _ in 0..10 {
            page.scroll(Action::PageDown);
        }
        assert_eq!(page.offset, 80, "stops at the end");
        page.scroll(Action::Up);
        assert_eq!(page.offset, 79, "and comes straight back");
        page.scroll(Action::Top);
        page.scroll(Action::Bottom);
        assert_eq!(page.offset, 80);
        assert_eq!(page.show(90, 20), 70, "a shorter page clamps when drawn");
    }
}
