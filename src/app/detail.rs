//! One entry in full (`o`): its id, who wrote and who recorded it, when it happened
//! and when it was logged, its text as lines, and its corrections; from there it is
//! amended, struck or re-dated as `warroom correct` does.

use super::msg::Effect;
use super::overlay::Overlay;
use super::view::PageScroll;
use super::{Action, App};

/// Opens the detail of the entry under the cursor (the newest when following).
pub(super) fn open(app: &mut App) {
    let Some(state) = app.incident() else {
        app.notice = Some("no incident shown".into());
        return;
    };
    let Some(at) = app.timeline.cursor_index(state) else {
        app.notice = Some("no entry to show".into());
        return;
    };
    let entry = state.timeline[at].event.id;
    app.overlays.push(Overlay::Detail {
        entry,
        scroll: PageScroll::default(),
    });
}

/// Keys while an entry's detail is open.
pub(super) fn keys(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(Overlay::Detail { entry, scroll }) = app.overlays.last_mut() else {
        return Vec::new();
    };
    let id = *entry;
    if scroll.scroll(action) {
        return Vec::new();
    }
    match action {
        Action::Close => {
            app.overlays.pop();
        }
        Action::Copy => return vec![Effect::Copy(id.to_string())],
        Action::Amend | Action::Strike | Action::Redate => correct(app, id, action),
        _ => {}
    }
    Vec::new()
}

/// Starts a correction of `id` in the palette, with what is known filled in.
fn correct(app: &mut App, id: ulid::Ulid, action: Action) {
    let Some(state) = app.incident() else { return };
    let Some(entry) = state.entry(id) else { return };
    if !entry.is_correctable() {
        app.notice = Some(format!(
            "a {} entry is not typed text and is not corrected: record a new event instead",
            entry.event.kind()
        ));
        return;
    }
    let short = crate::domain::short_id(id);
    let current = state.current_text(entry);
    let text = match action {
        Action::Amend => format!("amend {short} {}", current.text.replace(['\n', '\r'], " ")),
        Action::Strike => format!("strike {short} "),
        _ => format!("redate {short} "),
    };
    // When it says it happened now, to start from; the time is typed after the id.
    let said = app
        .setup
        .zone
        .datetime_zoned(current.at.unwrap_or(entry.event.at));
    app.prefill_palette(&text);
    if action == Action::Redate {
        app.notice = Some(format!(
            "it says it happened {said}: type when it truly did (HH:MM, 'YYYY-MM-DD HH:MM', 10m ago), then why"
        ));
    }
}
