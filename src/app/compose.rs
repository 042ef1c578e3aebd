//! Composing a status update: the entry box, pre-filled from the playbook's template
//! for the audience, with the incident's state filled in.

use super::entry::EntryKind;
use super::{Action, App, Mode};
use crate::domain::Audience;

/// The audience whose update is due soonest (responders when there is no cadence).
pub fn due_audience(app: &App) -> Audience {
    app.incident()
        .and_then(|s| s.next_update_due(|sev, a| app.setup.playbook.cadence_for(sev, a)))
        .map(|(audience, _)| audience)
        .unwrap_or(Audience::Responders)
}

/// The template for `audience`, filled from the shown incident.
pub fn filled(app: &App, audience: Audience) -> Option<String> {
    let state = app.incident()?;
    let template = app.setup.playbook.template_for(audience, state)?;
    let cadence = app.setup.playbook.update_cadence(state.severity, audience);
    let zone = app.setup.zone;
    Some(crate::playbook::render(
        template,
        state,
        app.now,
        cadence,
        &|t| zone.hm_zoned(t),
    ))
}

/// Opens the entry box with the filled template for `audience`; returns whether it did.
pub fn open(app: &mut App, audience: Audience) -> bool {
    if app.setup.read_only.is_some() {
        app.notice = Some("read-only database: nothing can be written here".into());
        return false;
    }
    let Some(text) = filled(app, audience) else {
        app.notice = Some("no incident shown: :declare TITLE opens one".into());
        return false;
    };
    let prefix = EntryKind::update_to(audience).prefix();
    if !app.entry.text().trim().is_empty() {
        app.entry.open = true;
        app.notice =
            Some("the entry box holds a draft: commit or clear it, then write the update".into());
        return false;
    }
    app.entry.set_text(&format!("{prefix} {text}"));
    app.entry.prefilled = Some(EntryKind::update_to(audience));
    app.entry.open = true;
    let open = app.incident().is_some_and(|s| s.status.is_open());
    let post = app.key(Mode::Entry, Action::Submit);
    app.notice = Some(if open {
        format!("update to {audience}: edit it, then {post} posts it and resets their countdown")
    } else {
        format!("final update to {audience}: edit it, then {post} posts it")
    });
    true
}
