//! `/` in the console: an incremental search of the timeline shown, with `n` and `N`
//! to move between matches once it is kept.

use tui_textarea::TextArea;

use super::find::{self, Direction};
use super::msg::Effect;
use super::overlay::Overlay;
use super::{Action, App, Mode, Pane};

/// Opens the search line over the timeline, remembering where the cursor was.
pub(super) fn start(app: &mut App) {
    if app.incident().is_none() {
        app.notice = Some("no incident shown: nothing to search".into());
        return;
    }
    app.focus = Pane::Timeline;
    app.overlays.push(Overlay::Search {
        input: Box::new(TextArea::default()),
        origin: app.timeline.cursor,
        found: 0,
    });
}

/// The search as typed so far, lowercased; empty when nothing is typed.
fn typed_query(app: &App) -> String {
    match app.overlays.last() {
        Some(Overlay::Search { input, .. }) => input.lines().join(" ").trim().to_lowercase(),
        _ => String::new(),
    }
}

/// After the search line changed: the cursor goes to the first match older than (or
/// at) where the search started, and the matches are counted.
pub(super) fn retyped(app: &mut App) {
    let query = typed_query(app);
    let Some(Overlay::Search { origin, .. }) = app.overlays.last() else {
        return;
    };
    let origin = *origin;
    let Some(state) = app
        .shown
        .filter(|id| !app.partial.contains(id))
        .and_then(|id| app.incidents.get(&id))
    else {
        return;
    };
    let view = &mut app.timeline;
    let from = origin
        .and_then(|id| state.position(id))
        .or_else(|| view.last_shown(state))
        .unwrap_or(0);
    let hit = find::next_match(state, &view.filter, &query, from, Direction::Older, true);
    let found = find::count_matches(state, &view.filter, &query);
    match hit {
        Some(at) => view.go_to(state, at),
        None => view.select(state, origin),
    }
    view.search = (!query.is_empty()).then_some(query);
    if let Some(Overlay::Search { found: count, .. }) = app.overlays.last_mut() {
        *count = found;
    }
}

/// Keys while the search line is open.
pub(super) fn keys(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Submit => {
            let query = typed_query(app);
            let found = match app.overlays.pop() {
                Some(Overlay::Search { found, .. }) => found,
                _ => 0,
            };
            if query.is_empty() {
                app.timeline.search = None;
            } else {
                app.notice = Some(match found {
                    0 => format!("no entry matches '{query}'"),
                    1 => format!("1 entry matches '{query}'"),
                    n => {
                        let keys = &app.setup.keys;
                        let moves = keys.pairs(
                            Mode::Normal,
                            &[
                                (Action::SearchOlder, "older"),
                                (Action::SearchNewer, "newer"),
                            ],
                        );
                        match moves.is_empty() {
                            true => format!("{n} entries match '{query}'"),
                            false => format!(
                                "{n} entries match '{query}': {}",
                                moves.replace(" · ", ", ")
                            ),
                        }
                    }
                });
            }
        }
        Action::Close => {
            let origin = match app.overlays.pop() {
                Some(Overlay::Search { origin, .. }) => origin,
                _ => None,
            };
            app.timeline.search = None;
            if let Some(state) = app
                .shown
                .filter(|id| !app.partial.contains(id))
                .and_then(|id| app.incidents.get(&id))
            {
                app.timeline.select(state, origin);
            }
        }
        Action::Up => step(app, Direction::Older),
        Action::Down => step(app, Direction::Newer),
        _ => {}
    }
    Vec::new()
}

/// Moves the cursor to the next match of the search kept (`n`, `N`) or being typed.
pub(super) fn step(app: &mut App, direction: Direction) {
    let Some(query) = app.timeline.search.clone() else {
        app.notice = Some("no search yet: / searches the timeline".into());
        return;
    };
    let Some(state) = app
        .shown
        .filter(|id| !app.partial.contains(id))
        .and_then(|id| app.incidents.get(&id))
    else {
        return;
    };
    app.focus = Pane::Timeline;
    let view = &mut app.timeline;
    let Some(from) = view.cursor_index(state) else {
        return;
    };
    match find::next_match(state, &view.filter, &query, from, direction, false) {
        Some(at) => {
            let wrapped = match direction {
                Direction::Older => at >= from,
                Direction::Newer => at <= from,
            };
            view.go_to(state, at);
            if wrapped {
                app.notice = Some(match direction {
                    Direction::Older => format!("'{query}': past the first match, from the newest"),
                    Direction::Newer => format!("'{query}': past the newest match, from the first"),
                });
            }
        }
        None => app.notice = Some(format!("no entry matches '{query}'")),
    }
}
