//! The alert inbox in the console (`A`): alerts waiting for someone, and what a key
//! does with the one selected: acknowledge it, dismiss it with a reason, send it to
//! the incident shown, or triage it into a new incident that takes it.

use ulid::Ulid;

use super::record::{self, Answer};
use super::wizard::{TriageTarget, Wizard};
use super::{Action, App, Effect, Mode, Overlay, Purpose, step};
use crate::domain::IncidentState;
use crate::rules::Request;
use crate::store::NewEvent;

/// The alert groups the inbox lists: waiting ones, firing first, newest first.
pub fn listed(app: &App) -> Vec<&IncidentState> {
    let mut list: Vec<&IncidentState> = app
        .inbox
        .iter()
        .filter_map(|id| app.incidents.get(id).map(Box::as_ref))
        .filter(|s| s.alert.is_some())
        .collect();
    list.sort_by_key(|s| {
        let a = s.alert.as_ref();
        (
            !a.is_some_and(|a| a.firing),
            std::cmp::Reverse(a.map(|a| a.last_seen)),
            s.id,
        )
    });
    list
}

/// Where the selected alert is listed now: its place, else the first.
pub fn position(ids: &[Ulid], selected: Option<Ulid>) -> usize {
    selected
        .and_then(|id| ids.iter().position(|i| *i == id))
        .unwrap_or(0)
}

/// Opens the inbox.
pub(super) fn open(app: &mut App) {
    if app.inbox.is_empty() {
        app.notice = Some("the inbox is empty: no alert is waiting".into());
        return;
    }
    app.overlays.push(Overlay::Inbox { selected: None });
}

/// What a key does in the inbox.
pub(super) fn keys(app: &mut App, action: Action) -> Vec<Effect> {
    let ids: Vec<Ulid> = listed(app).iter().map(|s| s.id).collect();
    let Some(Overlay::Inbox { selected }) = app.overlays.last_mut() else {
        return Vec::new();
    };
    let at = position(&ids, *selected);
    if let Some(to) = step(at, ids.len(), action, super::view::LIST_PAGE) {
        *selected = ids.get(to).copied();
        return Vec::new();
    }
    let Some(group) = ids.get(at).copied() else {
        if matches!(action, Action::Close) {
            app.overlays.pop();
        }
        return Vec::new();
    };
    match action {
        Action::Close => {
            app.overlays.pop();
            Vec::new()
        }
        Action::Acknowledge => act(app, group, Request::AlertAck),
        Action::Drop => {
            let short = crate::domain::short_id(group);
            app.prefill_palette(&format!("dismiss {short} "));
            Vec::new()
        }
        Action::AttachAlert => attach(app, group),
        Action::OpenTriage => triage(app, group),
        _ => Vec::new(),
    }
}

/// Dismisses inbox alert `group`, saying why.
pub(super) fn dismiss(app: &mut App, group: Ulid, reason: String) -> Vec<Effect> {
    act(app, group, Request::AlertDismiss { reason })
}

/// An action on an alert group, by the rules.
fn act(app: &mut App, group: Ulid, request: Request) -> Vec<Effect> {
    if app.setup.read_only.is_some() {
        app.notice = Some("read-only database: nothing can be recorded here".into());
        return Vec::new();
    }
    match record::ask(app, Purpose::Palette, Some(group), request) {
        Ok(Answer::Write(effect)) => vec![effect],
        Ok(Answer::Ask { question, effect }) => app.ask_first(question, effect),
        Ok(Answer::Nothing(said)) | Err(said) => {
            app.notice = Some(said);
            Vec::new()
        }
        Ok(Answer::Checklist(_)) => Vec::new(),
    }
}

/// Sends the alert to the incident shown, after a yes naming it.
fn attach(app: &mut App, group: Ulid) -> Vec<Effect> {
    let Some(incident) = app.incident().filter(|s| s.is_open()).map(|s| s.id) else {
        app.notice = Some(format!(
            "no open incident shown to send it to: {} picks one, or {} triages it",
            app.key(Mode::Normal, Action::OpenSwitcher),
            app.key(Mode::Inbox, Action::OpenTriage)
        ));
        return Vec::new();
    };
    let effects = send_to(app, group, incident);
    let (Some(alert), Some(target)) = (
        app.incidents.get(&group).and_then(|s| s.alert.as_ref()),
        app.incidents.get(&incident),
    ) else {
        return effects;
    };
    let question = format!(
        "Send the alert \"{}\" to incident {} \"{}\"?",
        crate::format::shorten(&crate::inert::line(&alert.text), 40),
        target.short_id(),
        crate::format::shorten(&crate::inert::line(&target.title), 30)
    );
    app.ask_before(question, effects)
}

/// The write that sends inbox alert `group` to `incident`: the group records where it
/// went, and the incident's timeline has the alert, in one transaction.
pub(super) fn send_to(app: &mut App, group: Ulid, incident: Ulid) -> Vec<Effect> {
    let effects = act(app, group, Request::AlertAttach { incident });
    let Some(alert) = app.incidents.get(&group).and_then(|s| s.alert.clone()) else {
        return effects;
    };
    effects
        .into_iter()
        .map(|effect| match effect {
            Effect::Append {
                purpose,
                mut drafts,
            } => {
                drafts.push(NewEvent::now(
                    Some(incident),
                    app.setup.me.clone(),
                    alert.as_entry(),
                ));
                Effect::Append { purpose, drafts }
            }
            other => other,
        })
        .collect()
}

/// Opens the triage wizard for a new incident named after the alert, which the
/// incident takes once declared (or routed).
fn triage(app: &mut App, group: Ulid) -> Vec<Effect> {
    let Some(text) = app
        .incidents
        .get(&group)
        .and_then(|s| s.alert.as_ref())
        .map(|a| a.text.clone())
    else {
        return Vec::new();
    };
    if app.setup.read_only.is_some() {
        app.notice = Some("read-only database: nothing can be recorded here".into());
        return Vec::new();
    }
    let mut wizard = Wizard::new(app, TriageTarget::New(text));
    wizard.alert = Some(group);
    app.overlays.pop();
    app.overlays.push(Overlay::Triage(Box::new(wizard)));
    Vec::new()
}
