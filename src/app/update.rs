//! `update`: the one place state changes. No I/O: it returns effects.

use tui_textarea::{Input, Key as TextKey};

use super::action::{Action, Mode, Pane};
use super::entry::{Pending, split_prefix};
use super::msg::{Effect, Msg, Purpose};
use super::overlay::{Confirmation, Overlay};
use super::request::PaletteRequest;
use super::view::{LIST_PAGE, step};
use super::{App, modal, roster};

/// Applies one message to the app and returns the effects to carry out.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let effects = apply(app, msg);
    app.entry.note_target(app.shown);
    app.refresh_as_of(false);
    effects
}

fn apply(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Action(action) => {
            app.notice = None;
            act(app, action)
        }
        Msg::Type(input) => type_text(app, input),
        Msg::Paste(text) => paste(app, &text),
        Msg::Typed(text) => typed(app, &text),
        Msg::Events(events) => {
            // What others recorded, looked at once folded in.
            let noticed = events.clone();
            app.absorb(events);
            super::notify::on_events(app, &noticed)
        }
        Msg::Heads(heads) => {
            app.absorb_heads(heads);
            Vec::new()
        }
        Msg::Whole { id, events } => {
            app.absorb_whole(id, events);
            if app.shown == Some(id) {
                app.read_done();
            }
            Vec::new()
        }
        Msg::MetricsRead(states) => {
            app.metrics_read(&states);
            Vec::new()
        }
        Msg::NotRead { incident, error } => {
            app.not_read(incident, &error);
            Vec::new()
        }
        Msg::Notice(text) => {
            app.notice = Some(text);
            Vec::new()
        }
        Msg::Rewound => {
            app.forget_log();
            app.outside.rereading = true;
            app.notice = Some(
                "the database file was replaced or restored from an older copy: showing it as it is now".into(),
            );
            Vec::new()
        }
        Msg::ReadAgain => {
            app.forget_log();
            app.outside.open_read = false;
            app.outside.rereading = true;
            Vec::new()
        }
        Msg::ReadFailed => {
            app.outside.loaded = true;
            app.outside.rereading = true;
            app.show_first();
            app.read_done();
            Vec::new()
        }
        Msg::Preview { id, events } => {
            app.preview(id, events);
            Vec::new()
        }
        Msg::OpenRead => {
            app.outside.open_read = true;
            app.show_first();
            Vec::new()
        }
        Msg::Loaded => {
            app.outside.loaded = true;
            app.outside.rereading = false;
            app.show_first();
            app.read_done();
            // What waits for this person is raised once, not again after a re-read.
            match std::mem::replace(&mut app.outside.greeted, true) {
                false => super::notify::on_start(app),
                true => Vec::new(),
            }
        }
        Msg::Show(typed) => super::commands::run(app, PaletteRequest::Switch(Some(typed))),
        Msg::Committed { purpose, events } => committed(app, purpose, events),
        Msg::Failed { purpose, error } => failed(app, purpose, error),
        Msg::Link(label, state) => {
            // A new reason for a broken link is said once in the hint bar too, where it
            // is read whole even when the header is too narrow for it.
            if let crate::peer::LinkState::Disconnected { reason, .. } = &state {
                let said_before = matches!(
                    &app.outside.link,
                    Some((_, crate::peer::LinkState::Disconnected { reason: before, .. })) if before == reason
                );
                if !said_before {
                    app.notice = Some(format!("peer {label}: {reason}"));
                }
            }
            app.outside.link = Some((label, state));
            Vec::new()
        }
        Msg::Presence(present) => {
            app.outside.present = present;
            Vec::new()
        }
        Msg::Tick(now) => {
            app.now = now;
            super::notify::on_tick(app)
        }
        Msg::DraftFound(draft) => {
            app.overlays.push(Overlay::Recovery(draft));
            Vec::new()
        }
        Msg::DraftNotSaved(error) => {
            app.notice = Some(format!(
                "cannot save your draft ({error}); it is still in the box"
            ));
            Vec::new()
        }
        Msg::ThemeChanged(Ok(name)) => {
            app.notice = Some(format!("theme: {name}"));
            Vec::new()
        }
        Msg::ThemeChanged(Err(error)) => {
            app.notice = Some(error);
            Vec::new()
        }
    }
}

/// Whether `action` may go on while the log (`loaded` false) or the incident shown is
/// still being read: looking around, writing into the box (sent only once read), going
/// elsewhere, leaving. Anything that would judge what the console does not hold yet
/// ("no incident", the sample incidents into a file that has some, quitting without the
/// question) waits.
fn goes_on_while_reading(action: Action, loaded: bool) -> bool {
    action.moves()
        || action.focuses()
        || matches!(
            action,
            Action::Quit | Action::ToggleHelp | Action::OpenEntry | Action::ClearBanners
        )
        || (loaded
            && matches!(
                action,
                Action::OpenSwitcher
                    | Action::OpenPalette
                    | Action::OpenMetrics
                    | Action::OpenInbox
                    | Action::OpenPlaybook
            ))
}

fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::ForceQuit => return vec![Effect::Quit],
        Action::Suspend => return vec![Effect::Suspend],
        Action::Repaint => return vec![Effect::Repaint],
        _ => {}
    }
    if matches!(app.mode(), Mode::Normal | Mode::Roster)
        && !super::asof::allowed(action)
        && let Some(as_of) = &app.as_of
    {
        let back = app.key(Mode::Normal, Action::ClearBanners);
        // The action in words (the key pressed may be any of its keys).
        let what: &'static str = action.into();
        let what = what.replace('_', " ");
        app.notice = Some(format!(
            "{what} waits: the incident is shown as of entry {} of {}, read-only; {back} returns to now",
            as_of.position, as_of.total
        ));
        return Vec::new();
    }
    // In "as of", moving moves the moment, whichever pane has the focus.
    if app.as_of.is_some() && action.moves() && app.mode() == Mode::Roster {
        app.focus = Pane::Timeline;
    }
    // A timeline held in brief lacks older entries: it is not moved through.
    if matches!(app.mode(), Mode::Normal | Mode::Roster)
        && (!goes_on_while_reading(action, app.live()) || (action.moves() && app.previewing()))
        && let Some(why) = app.reading()
    {
        app.notice = Some(format!("{why}; try again in a moment"));
        return Vec::new();
    }
    match app.mode() {
        Mode::Normal => normal(app, action),
        Mode::Roster => match action {
            Action::Acknowledge
            | Action::Engage
            | Action::StandDown
            | Action::Page
            | Action::Claim
            | Action::HandOff
            | Action::ConfirmCommand
            | Action::AssignRole
            | Action::RemoveRole => roster::act(app, action),
            _ => normal(app, action),
        },
        Mode::Triage => modal::triage(app, action),
        Mode::Checklist => modal::checklist(app, action),
        Mode::Review => modal::review(app, action),
        Mode::Playbook => page(app, action),
        Mode::Work => super::work::keys(app, action),
        Mode::Inbox => super::inbox::keys(app, action),
        Mode::Briefing => match action {
            Action::AcceptHandoff | Action::CancelHandoff => roster::act(app, action),
            Action::Copy => copy_briefing(app),
            _ => page(app, action),
        },
        Mode::Entry => entry(app, action),
        Mode::Palette => modal::palette_action(app, action),
        Mode::Switcher => modal::switcher(app, action),
        Mode::Help => page(app, action),
        Mode::Confirm => answer(app, action == Action::Confirm),
        Mode::Recovery => modal::recovery(app, action),
        Mode::Search => super::search::keys(app, action),
        Mode::Detail => super::detail::keys(app, action),
    }
}

/// Answers the question on top: `yes` carries it out; anything else leaves things as
/// they were (an entry's text stays in the box).
fn answer(app: &mut App, yes: bool) -> Vec<Effect> {
    if let Some(Overlay::Ask(question)) = app.overlays.last()
        && let Confirmation::Write { asked_at, .. } = question.as_ref()
        && yes
        && app.now < *asked_at + super::overlay::READ_FIRST
    {
        // Typed on, not read: the question stays until it is answered.
        return Vec::new();
    }
    let Some(Overlay::Ask(question)) = app.overlays.pop() else {
        return Vec::new();
    };
    // Command accepted (or an offer cancelled) on a yes only if it is still offered as
    // it was when asked: the offer may have been withdrawn or replaced meanwhile.
    if yes
        && let Confirmation::Write {
            effect: Effect::Append { drafts, .. },
            ..
        } = question.as_ref()
        && let Some((incident, from, to)) = drafts.iter().find_map(|d| match &d.body {
            crate::domain::Body::HandoffAccepted { from, to }
            | crate::domain::Body::HandoffCancelled { from, to, .. } => {
                Some((d.incident, from, to))
            }
            _ => None,
        })
    {
        let still = incident
            .and_then(|id| app.incidents.get(&id))
            .and_then(|s| s.command.pending.as_ref())
            .is_some_and(|p| {
                crate::domain::same_name(&p.from, from) && crate::domain::same_name(&p.to, to)
            });
        if !still {
            app.notice = Some(
                "not done: the handoff was withdrawn or changed while you were asked; nothing recorded"
                    .into(),
            );
            return Vec::new();
        }
    }
    match (*question, yes) {
        (Confirmation::Quit, true) => vec![Effect::Quit],
        (
            Confirmation::Write {
                effect,
                entry,
                close_below,
                said,
                ..
            },
            true,
        ) => match entry {
            Some(pending) => {
                app.entry.error = None;
                app.entry.after_commit();
                app.entry.pending.push_back(pending);
                app.entry.set_text("");
                vec![app.save_draft(), effect]
            }
            None => {
                if close_below {
                    app.overlays.pop();
                }
                app.notice = Some(said.unwrap_or_else(|| "recording…".into()));
                vec![effect]
            }
        },
        (Confirmation::Write { entry: Some(_), .. }, false) => {
            app.entry.error = Some("not logged: the text is still here".into());
            Vec::new()
        }
        (_, false) => {
            app.notice = Some("nothing done".into());
            Vec::new()
        }
    }
}

/// Scrolls a read-only page (help, playbook, metrics) or closes it.
fn page(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(
        Overlay::Help { scroll }
        | Overlay::Playbook { scroll }
        | Overlay::Briefing { scroll }
        | Overlay::Metrics { scroll, .. },
    ) = app.overlays.last_mut()
    else {
        return Vec::new();
    };
    if scroll.scroll(action) {
        return Vec::new();
    }
    if matches!(action, Action::Close | Action::ToggleHelp) {
        app.overlays.pop();
    }
    Vec::new()
}

fn normal(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return app.quit(),
        Action::ToggleHelp => app.overlays.push(Overlay::help()),
        Action::FocusNext => app.focus = app.focus.cycle(1),
        Action::FocusPrev => app.focus = app.focus.cycle(<Pane as strum::EnumCount>::COUNT - 1),
        Action::FocusIncident => app.focus = Pane::Incident,
        Action::FocusRoster => app.focus = Pane::Roster,
        Action::FocusTimeline => app.focus = Pane::Timeline,
        Action::FocusTriage => app.focus = Pane::Triage,
        action if action.moves() => scroll(app, action),
        Action::OpenEntry => {
            if app.setup.read_only.is_some() {
                app.notice = Some("read-only database: entries cannot be written here".into());
            } else {
                app.entry.open = true;
                app.focus = Pane::Timeline;
            }
        }
        Action::OpenPalette => app.overlays.push(Overlay::palette()),
        Action::Search => super::search::start(app),
        Action::SearchOlder => super::search::step(app, super::find::Direction::Older),
        Action::SearchNewer => super::search::step(app, super::find::Direction::Newer),
        Action::OpenDetail => super::detail::open(app),
        Action::OpenFilter => app.prefill_palette("filter "),
        Action::ToggleIds => app.timeline.show_ids = !app.timeline.show_ids,
        Action::OpenSwitcher => app.open_switcher(),
        Action::OpenPlaybook => app.overlays.push(Overlay::playbook()),
        Action::OpenBriefing => app.open_briefing(),
        Action::OpenInbox => super::inbox::open(app),
        Action::ClearBanners if app.as_of.is_some() => app.toggle_as_of(),
        Action::ClearBanners => return super::notify::clear(app),
        Action::AsOf => app.toggle_as_of(),
        Action::OpenWork => {
            if app.incident().is_some() {
                app.overlays.push(Overlay::Work { selected: 0 });
            } else {
                app.notice = Some("no incident shown: :declare TITLE opens one".into());
            }
        }
        Action::OpenReview => app.open_review(),
        Action::OpenMetrics => app.open_metrics(),
        Action::OpenTriage => app.open_triage(None),
        Action::ComposeUpdate => {
            let audience = super::compose::due_audience(app);
            super::compose::open(app, audience);
        }
        Action::LoadDemo => {
            if app.incidents.is_empty() {
                return vec![Effect::LoadDemo];
            }
            app.notice = Some(super::commands::DEMO_REFUSED.into());
        }
        _ => {}
    }
    Vec::new()
}

fn scroll(app: &mut App, action: Action) {
    if app.focus == Pane::Roster {
        let Some(state) = app.incident() else {
            return;
        };
        let names = roster::names(app, state);
        let at = roster::cursor(app, &names);
        let Some(to) = step(at, names.len(), action, LIST_PAGE) else {
            return;
        };
        app.roster_selected = names.get(to).cloned();
        return;
    }
    app.focus = Pane::Timeline;
    let Some(state) = app
        .shown
        .filter(|id| !app.partial.contains(id))
        .and_then(|id| app.incidents.get(&id))
    else {
        return;
    };
    let view = &mut app.timeline;
    let page = view.page_len();
    match action {
        Action::Up => view.move_by(state, -1),
        Action::Down => view.move_by(state, 1),
        Action::Top => view.top(state),
        Action::Bottom => view.follow(),
        Action::PageUp => view.move_by(state, -page),
        Action::PageDown => view.move_by(state, page),
        Action::HalfPageUp => view.move_by(state, -(page / 2).max(1)),
        Action::HalfPageDown => view.move_by(state, (page / 2).max(1)),
        _ => {}
    }
}

fn entry(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Close => app.entry.open = false,
        Action::Copy => return copy_entry(app),
        Action::Newline => {
            app.entry.textarea.insert_newline();
            return vec![app.save_draft()];
        }
        Action::CycleKind => {
            let text = app.entry.text();
            match split_prefix(&text) {
                Some((kind, rest)) => {
                    let rest = rest.to_string();
                    app.entry.kind = kind.next();
                    app.entry.set_text(&rest);
                }
                None => app.entry.kind = app.entry.kind.next(),
            }
            return vec![app.save_draft()];
        }
        Action::Submit => return submit(app),
        _ => {}
    }
    Vec::new()
}

fn submit(app: &mut App) -> Vec<Effect> {
    let text = app.entry.text();
    let (kind, body) = match split_prefix(&text) {
        Some((kind, rest)) => (kind, rest.to_string()),
        None => (app.entry.kind, text.clone()),
    };
    // `@alice: ...` records alice's words for her (a scribe at the keyboard).
    let (credit, body) = match super::entry::split_credit(&body) {
        Some((name, rest)) => (Some(name.to_string()), rest.to_string()),
        None => (None, body),
    };
    if body.trim().is_empty() {
        app.entry.error = Some("nothing to commit yet".into());
        return Vec::new();
    }
    if let Some(why) = app.reading() {
        app.entry.error = Some(format!(
            "{why}; your text stays here: send it again in a moment"
        ));
        return Vec::new();
    }
    let Some(incident) = app.shown else {
        app.entry.error =
            Some("no incident to log to: declare one first with :declare TITLE".into());
        return Vec::new();
    };
    if app.setup.read_only.is_some() {
        app.entry.error = Some("read-only database: entries cannot be written here".into());
        return Vec::new();
    }
    let body = kind.body(body.trim_end().to_string());
    let request = crate::rules::Request::Log(body);
    // A status update filled from its template, whose kind was changed since (its
    // prefix deleted, Tab pressed), is asked about rather than logged as something else.
    let changed = app.entry.prefilled.filter(|was| *was != kind).map(|was| {
        format!(
            "This was a {}; as written it is logged as a {}. Log it as a {}?",
            was.label(),
            kind.label(),
            kind.label()
        )
    });
    // Text begun while another incident was shown is asked about before it goes here.
    let elsewhere = app
        .entry
        .written_for
        .filter(|was| *was != incident)
        .map(|was| {
            let named = |id| match app.incidents.get(&id) {
                Some(s) => format!(
                    "{} \"{}\"",
                    crate::domain::short_id(id),
                    crate::format::shorten(&crate::inert::line(&s.title), 30)
                ),
                None => format!("{} (no longer here)", crate::domain::short_id(id)),
            };
            format!(
                "This text was begun on {}; it would go to {}. Log it there?",
                named(was),
                named(incident)
            )
        });
    let (mut effect, caution) =
        match super::record::ask(app, Purpose::Entry, Some(incident), request) {
            Ok(super::record::Answer::Write(effect)) => (effect, None),
            Ok(super::record::Answer::Ask { question, effect }) => (effect, Some(question)),
            Ok(super::record::Answer::Nothing(e)) | Err(e) => {
                app.entry.error = Some(e);
                return Vec::new();
            }
            Ok(super::record::Answer::Checklist(_)) => return Vec::new(),
        };
    // Words credited to a name the room does not know: likely a typo, asked about.
    let stranger = credit
        .as_deref()
        .filter(|name| !crate::domain::same_name(name, &app.setup.me))
        .filter(|name| {
            let on_roster = app
                .incidents
                .get(&incident)
                .is_some_and(|s| s.roster.get(name).is_some());
            let watching = app
                .outside
                .present
                .iter()
                .any(|p| crate::domain::same_name(&p.user, name));
            !on_roster && !watching
        })
        .map(|name| {
            let name = crate::inert::line(name);
            format!("{name} is not on the roster and has no console open. Record this as {name}'s anyway?")
        });
    if let (Some(name), Effect::Append { drafts, .. }) = (&credit, &mut effect)
        && !crate::domain::same_name(name, &app.setup.me)
    {
        for draft in drafts {
            draft.recorded_by = Some(app.setup.me.clone());
            draft.author = name.clone();
        }
    }
    // A palette command typed into the box (it stays open after a commit) is asked
    // about rather than logged as a note without a word.
    let command = text
        .trim_start()
        .strip_prefix(':')
        .and_then(|rest| rest.split_whitespace().next())
        .filter(|word| super::palette::COMMANDS.iter().any(|c| c.name == *word))
        .map(|word| {
            format!(
                "This looks like the command :{word}, typed into the entry box. Log it as a {} instead?",
                kind.label()
            )
        });
    // A status update leaves the room: it is posted on a yes, after reading.
    let post = match kind {
        super::entry::EntryKind::UpdateResponders
        | super::entry::EntryKind::UpdateExecutives
        | super::entry::EntryKind::UpdateCustomers => Some(format!("Post this {}?", kind.label())),
        _ => None,
    };
    let questions: Vec<String> = command
        .into_iter()
        .chain(elsewhere)
        .chain(stranger)
        .chain(changed)
        .chain(caution)
        .chain(post)
        .collect();
    if !questions.is_empty() {
        app.overlays
            .push(Overlay::Ask(Box::new(Confirmation::Write {
                ask: questions.join(" "),
                effect,
                entry: Some(Pending { kind, text }),
                asked_at: app.now,
                close_below: false,
                said: None,
            })));
        return Vec::new();
    }
    app.entry.error = None;
    app.entry.after_commit();
    app.entry.pending.push_back(Pending { kind, text });
    app.entry.set_text("");
    vec![app.save_draft(), effect]
}

fn type_text(app: &mut App, input: Input) -> Vec<Effect> {
    app.notice = None;
    // Enter-like control keys never reach the text: Enter and Ctrl-J are bound.
    let newline_key = input.key == TextKey::Enter
        || (input.ctrl && matches!(input.key, TextKey::Char('m' | 'j')));
    match app.overlays.last_mut() {
        Some(Overlay::Palette {
            input: line,
            selected,
            error,
        }) => {
            let changed = super::graphemes::edit(line, &input).unwrap_or_else(|| {
                let changed = !newline_key && line.input(input);
                super::graphemes::snap(line);
                changed
            });
            if changed {
                *selected = 0;
                *error = None;
            }
            Vec::new()
        }
        Some(Overlay::Search { input: line, .. }) => {
            let changed = super::graphemes::edit(line, &input).unwrap_or_else(|| {
                let changed = !newline_key && line.input(input);
                super::graphemes::snap(line);
                changed
            });
            if changed {
                super::search::retyped(app);
            }
            Vec::new()
        }
        None if app.entry.open && !newline_key => {
            let area = &mut app.entry.textarea;
            let changed = super::graphemes::edit(area, &input).unwrap_or_else(|| {
                let changed = area.input(input);
                super::graphemes::snap(area);
                changed
            });
            if changed {
                if app.entry.textarea.is_empty() {
                    // Cleared by hand: what comes next is not the template's update.
                    app.entry.prefilled = None;
                }
                vec![Effect::DraftChanged]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    app.notice = None;
    match app.overlays.last_mut() {
        Some(Overlay::Palette {
            input,
            selected,
            error,
        }) => {
            input.insert_str(text);
            *selected = 0;
            *error = None;
            Vec::new()
        }
        Some(Overlay::Search { input, .. }) => {
            input.insert_str(text.replace(['\r', '\n'], " "));
            super::search::retyped(app);
            Vec::new()
        }
        None if app.entry.open => {
            app.entry.textarea.insert_str(text);
            vec![Effect::DraftChanged]
        }
        _ => Vec::new(),
    }
}

fn paste(app: &mut App, text: &str) -> Vec<Effect> {
    match app.overlays.last_mut() {
        Some(Overlay::Palette { input, .. }) => {
            input.insert_str(text.replace(['\r', '\n'], " "));
            Vec::new()
        }
        Some(Overlay::Search { input, .. }) => {
            input.insert_str(text.replace(['\r', '\n'], " "));
            super::search::retyped(app);
            Vec::new()
        }
        None if app.entry.open => {
            app.entry
                .textarea
                .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
            vec![app.save_draft()]
        }
        _ => Vec::new(),
    }
}

fn committed(app: &mut App, purpose: Purpose, events: Vec<crate::domain::Event>) -> Vec<Effect> {
    let first = events.first().map(|e| e.incident);
    let ids: Vec<(ulid::Ulid, ulid::Ulid)> = events.iter().map(|e| (e.incident, e.id)).collect();
    app.absorb(events);
    match purpose {
        Purpose::Entry => {
            // The store commits in the order entries were sent.
            app.entry.pending.pop_front();
            app.entry.error = None;
            // What you just wrote is in view: the timeline follows again.
            app.timeline.follow();
            vec![app.save_draft()]
        }
        Purpose::Declare => {
            if let Some(id) = first {
                app.show(id);
            }
            app.notice = Some("incident opened".into());
            Vec::new()
        }
        Purpose::DeclareFromAlert(group) => {
            let Some(id) = first else {
                return Vec::new();
            };
            app.show(id);
            app.notice = Some("incident opened from the alert".into());
            super::inbox::send_to(app, group, id)
        }
        Purpose::Demo => {
            if let Some(first) = app.incident_list().first().map(|i| i.id) {
                app.show(first);
            }
            app.notice = Some("sample incidents loaded".into());
            Vec::new()
        }
        Purpose::Palette => {
            app.notice = Some(outcome(app, &ids));
            Vec::new()
        }
    }
}

/// What events just committed came to, in words for the hint bar, folded with what
/// the store holds (a claim that lost to another says so): `done: ...`, or the refusal.
fn outcome(app: &App, ids: &[(ulid::Ulid, ulid::Ulid)]) -> String {
    let mut said = Vec::new();
    for (incident, id) in ids {
        let Some(state) = app.incidents.get(incident) else {
            continue;
        };
        let Some(entry) = state.entry(*id) else {
            continue;
        };
        let current = state.current_text(entry);
        if entry.refused.is_some() {
            let text = match current.no_effect {
                Some(why) => format!("{}: no effect: {why}", current.text),
                None => current.text,
            };
            return format!("not done: {text}");
        }
        said.push(current.text);
    }
    match said.as_slice() {
        [] => "done".into(),
        [one] => format!("done: {one}"),
        [first, rest @ ..] => format!("done: {first} (and {} more)", rest.len()),
    }
}

fn failed(app: &mut App, purpose: Purpose, error: String) -> Vec<Effect> {
    match purpose {
        Purpose::Entry => {
            // The oldest entry sent failed; the ones after it are still on their way.
            if let Some(pending) = app.entry.pending.pop_front() {
                app.entry.restore(&pending.text, pending.kind);
            }
            app.entry.open = true;
            app.entry.error = Some(format!(
                "not logged: {error}. Your text is still here; {} tries again",
                app.key(Mode::Entry, Action::Submit)
            ));
            vec![app.save_draft()]
        }
        _ => {
            app.notice = Some(format!("not done: {error}"));
            Vec::new()
        }
    }
}

/// The briefing of the incident shown, as Markdown, to the clipboard.
fn copy_briefing(app: &mut App) -> Vec<Effect> {
    let Some(state) = app.incident() else {
        return Vec::new();
    };
    let text = crate::export::briefing(state, &app.setup.playbook, app.now);
    app.notice = Some(format!(
        "briefing copied to your clipboard ({} lines)",
        text.lines().count()
    ));
    vec![Effect::Copy(text)]
}

/// The entry box's text to the clipboard.
fn copy_entry(app: &mut App) -> Vec<Effect> {
    let text = app.entry.text();
    if text.trim().is_empty() {
        app.entry.error = Some("nothing to copy: the box is empty".into());
        return Vec::new();
    }
    app.notice = Some("copied to your clipboard".into());
    vec![Effect::Copy(text)]
}
