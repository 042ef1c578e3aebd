//! `update` driven by messages, with no terminal: keys in, state and effects out.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use tui_textarea::{Input, Key};
use warroom::app::{
    Action, App, Confirmation, Draft, Effect, EntryKind, Mode, Msg, Overlay, Pane, Purpose, Read,
    update,
};
use warroom::domain::{Body, Event, Severity, Status, Timestamp};
use warroom::store::ReadOnly;

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap()
}

fn demo_app() -> App {
    let mut app = App::new("alice", "w.db", None, now());
    update(&mut app, Msg::Events(warroom::demo::events("demo", now())));
    update(&mut app, Msg::Loaded);
    app
}

fn act(app: &mut App, action: Action) -> Vec<Effect> {
    update(app, Msg::Action(action))
}

fn type_str(app: &mut App, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(update(
            app,
            Msg::Type(Input {
                key: Key::Char(c),
                ..Input::default()
            }),
        ));
    }
    effects
}

fn appended(effects: &[Effect]) -> Vec<(Purpose, Vec<Body>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Append { purpose, drafts } => {
                Some((*purpose, drafts.iter().map(|d| d.body.clone()).collect()))
            }
            _ => None,
        })
        .collect()
}

/// The draft the last draft effect saves: its own, or for a change typed, the draft the
/// box holds (what the console reads from the app once per burst of keys).
fn saved_draft(app: &App, effects: &[Effect]) -> Option<Option<Draft>> {
    effects.iter().rev().find_map(|e| match e {
        Effect::SaveDraft(d) => Some(d.clone()),
        Effect::DraftChanged => Some(app.entry.draft(app.shown)),
        _ => None,
    })
}

/// Feeds the writes in `effects` back as committed for `purpose`, stamped as the store
/// would on the incident shown; returns the commit's effects and the first new id.
fn committed(app: &mut App, purpose: Purpose, effects: &[Effect]) -> (Vec<Effect>, ulid::Ulid) {
    let events = stamp(effects, app.shown.unwrap_or(ulid::Ulid::nil()));
    let first = events[0].id;
    (update(app, Msg::Committed { purpose, events }), first)
}

/// Stamps drafts like the store would, for feeding commits back.
fn stamp(effects: &[Effect], incident: ulid::Ulid) -> Vec<Event> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    appended(effects)
        .into_iter()
        .flat_map(|(_, bodies)| bodies)
        .enumerate()
        .map(|(i, body)| {
            let at = now() + chrono::TimeDelta::seconds(i as i64 + 1);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let id = ulid::Ulid::from_parts(at.timestamp_millis() as u64, u128::from(n));
            let incident = if matches!(body, Body::IncidentOpened { .. }) {
                id
            } else {
                incident
            };
            Event {
                id,
                origin: "me".into(),
                seq: 1000 + i as u64,
                incident,
                author: "alice".into(),
                recorded_by: None,
                at,
                logged_at: at,
                body,
            }
        })
        .collect()
}

#[test]
fn an_entry_is_typed_saved_as_it_goes_sent_and_cleared_once_committed() {
    let mut app = demo_app();
    assert_eq!(act(&mut app, Action::OpenEntry).len(), 0);
    assert_eq!(app.mode(), Mode::Entry);
    let effects = type_str(&mut app, "/d roll");
    let draft = saved_draft(&app, &effects)
        .expect("saved as typed")
        .expect("a draft");
    assert_eq!(draft.text, "/d roll");
    assert_eq!(draft.kind, EntryKind::Decision);
    act(&mut app, Action::Newline);
    type_str(&mut app, "back");
    assert_eq!(app.entry.text(), "/d roll\nback");

    let before = app.incident().unwrap().timeline.len();
    let effects = act(&mut app, Action::Submit);
    let sent = appended(&effects);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, Purpose::Entry);
    assert_eq!(
        sent[0].1,
        vec![Body::Decision {
            text: "roll\nback".into()
        }]
    );
    assert_eq!(app.entry.text(), "", "the box is free for the next entry");
    assert!(!app.entry.pending.is_empty());
    let during = saved_draft(&app, &effects).unwrap().unwrap();
    assert_eq!(
        during.text, "/d roll\nback",
        "what is being sent is still saved"
    );
    assert_eq!(
        app.incident().unwrap().timeline.len(),
        before,
        "not shown before it is committed"
    );

    let (effects, _) = committed(&mut app, Purpose::Entry, &effects);
    assert!(app.entry.pending.is_empty());
    assert_eq!(
        saved_draft(&app, &effects),
        Some(None),
        "the draft is cleared once committed"
    );
    assert_eq!(app.incident().unwrap().timeline.len(), before + 1);
}

#[test]
fn a_failed_write_puts_the_text_back_with_the_reason() {
    let mut app = demo_app();
    act(&mut app, Action::OpenEntry);
    type_str(&mut app, "/h DNS");
    act(&mut app, Action::Submit);
    type_str(&mut app, "more");
    let effects = update(
        &mut app,
        Msg::Failed {
            purpose: Purpose::Entry,
            error: "the database stayed locked".into(),
        },
    );
    assert_eq!(app.entry.text(), "/h DNS\nmore");
    assert!(
        app.entry
            .error
            .as_deref()
            .unwrap()
            .contains("stayed locked")
    );
    assert_eq!(
        saved_draft(&app, &effects).unwrap().unwrap().text,
        "/h DNS\nmore"
    );
    assert!(app.entry.pending.is_empty());
}

#[test]
fn nothing_is_sent_when_there_is_nothing_to_send_or_nowhere_to_write() {
    let mut app = demo_app();
    act(&mut app, Action::OpenEntry);
    assert!(appended(&act(&mut app, Action::Submit)).is_empty());
    assert!(app.entry.error.is_some());
    type_str(&mut app, "/d ");
    assert!(
        appended(&act(&mut app, Action::Submit)).is_empty(),
        "a bare prefix is not an entry"
    );

    let mut read_only = App::new("alice", "w.db", Some(ReadOnly::Permission), now());
    update(
        &mut read_only,
        Msg::Events(warroom::demo::events("demo", now())),
    );
    update(&mut read_only, Msg::Loaded);
    act(&mut read_only, Action::OpenEntry);
    assert_eq!(
        read_only.mode(),
        Mode::Normal,
        "no entry box on a read-only database"
    );
    assert_notice(&read_only, "read-only");
}

#[test]
fn tab_cycles_the_kind_and_a_prefix_overrides_it() {
    let mut app = demo_app();
    act(&mut app, Action::OpenEntry);
    act(&mut app, Action::CycleKind);
    assert_eq!(app.entry.effective_kind(), EntryKind::Decision);
    type_str(&mut app, "x");
    assert_eq!(
        appended(&act(&mut app, Action::Submit))[0].1,
        vec![Body::Decision { text: "x".into() }]
    );
    app.entry.pending.clear();
    type_str(&mut app, "/x ETA 15 min");
    assert_eq!(app.entry.effective_kind(), EntryKind::UpdateExecutives);
    act(&mut app, Action::CycleKind);
    assert_eq!(
        app.entry.text(),
        "ETA 15 min",
        "Tab on a prefix moves to the next kind"
    );
    assert_eq!(app.entry.effective_kind(), EntryKind::UpdateCustomers);
}

#[test]
fn focus_moves_with_tab_and_numbers_and_esc_closes_the_top_overlay() {
    let mut app = demo_app();
    assert_eq!(app.focus, Pane::Timeline);
    act(&mut app, Action::FocusNext);
    assert_eq!(app.focus, Pane::Triage);
    act(&mut app, Action::FocusNext);
    assert_eq!(app.focus, Pane::Incident);
    act(&mut app, Action::FocusPrev);
    assert_eq!(app.focus, Pane::Triage);
    act(&mut app, Action::FocusRoster);
    assert_eq!(app.focus, Pane::Roster);
    act(&mut app, Action::ToggleHelp);
    act(&mut app, Action::Close);
    assert!(app.overlays.is_empty());
    act(&mut app, Action::OpenPalette);
    act(&mut app, Action::Close);
    assert_eq!(
        app.mode(),
        Mode::Roster,
        "the roster's keys are live while it has focus"
    );
    act(&mut app, Action::FocusTimeline);
    assert_eq!(app.mode(), Mode::Normal);
}

#[test]
fn quitting_asks_while_an_incident_is_open_and_ctrl_c_never_asks() {
    let mut app = demo_app();
    assert!(act(&mut app, Action::Quit).is_empty());
    assert_eq!(app.mode(), Mode::Confirm);
    assert!(act(&mut app, Action::Cancel).is_empty());
    assert_eq!(app.mode(), Mode::Normal);
    act(&mut app, Action::Quit);
    assert!(matches!(
        act(&mut app, Action::Confirm).as_slice(),
        [Effect::Quit]
    ));

    let mut app = demo_app();
    act(&mut app, Action::OpenEntry);
    assert!(matches!(
        act(&mut app, Action::ForceQuit).as_slice(),
        [Effect::Quit]
    ));

    let mut empty = App::new("alice", "w.db", None, now());
    update(&mut empty, Msg::Loaded);
    assert!(
        matches!(act(&mut empty, Action::Quit).as_slice(), [Effect::Quit]),
        "nothing open: no question"
    );
}

/// A batch's events in brief, the facts these tests check: `severity P2`,
/// `status investigating`, `opened TITLE`, `routed TO`, or the kind.
fn brief(bodies: &[Body]) -> Vec<String> {
    bodies
        .iter()
        .map(|b| match b {
            Body::IncidentOpened { title, .. } => format!("opened {title}"),
            Body::SeveritySet { severity, .. } => format!("severity {}", severity.key()),
            Body::StatusChanged { status, .. } => format!("status {}", status.as_str()),
            Body::Routed { to, .. } => format!("routed {to}"),
            other => other.kind().to_string(),
        })
        .collect()
}

/// Fails unless the notice on screen says `part`: the hint bar's, or the palette's
/// when a refused command came back to it.
fn assert_notice(app: &App, part: &str) {
    let notice = match app.overlays.last() {
        Some(Overlay::Palette {
            error: Some(why), ..
        }) => why.as_str(),
        _ => app.notice.as_deref().unwrap_or("(no notice)"),
    };
    assert!(
        notice.contains(part),
        "wanted {part:?} in the notice: {notice}"
    );
}

/// Types `line` in a fresh palette and sends it. A refused line left in the palette
/// by the command before is dropped first (Esc), as a person would.
fn run_command(app: &mut App, line: &str) -> Vec<Effect> {
    if matches!(app.overlays.last(), Some(Overlay::Palette { .. })) {
        act(app, Action::Close);
    }
    act(app, Action::OpenPalette);
    update(app, Msg::Paste(line.into()));
    act(app, Action::Submit)
}

#[test]
fn the_sample_loads_only_into_an_empty_database_unless_forced() {
    let mut app = demo_app();
    assert!(act(&mut app, Action::LoadDemo).is_empty(), "D refuses");
    assert_notice(&app, ":demo force loads it here anyway");
    app.notice = None;
    assert!(
        run_command(&mut app, "demo").is_empty(),
        ":demo refuses too"
    );
    assert_notice(&app, ":demo force loads it here anyway");
    assert!(matches!(
        run_command(&mut app, "demo force")[..],
        [Effect::LoadDemo]
    ));
    assert!(run_command(&mut app, "demo now").is_empty());
    match app.overlays.last() {
        Some(Overlay::Palette { error, .. }) => {
            assert_eq!(error.as_deref(), Some("usage: demo [force]"));
        }
        _ => panic!("a mistyped :demo stays in the palette with its usage"),
    }

    let mut empty = App::new("alice", "w.db", None, now());
    update(&mut empty, Msg::Loaded);
    assert!(matches!(
        run_command(&mut empty, "demo")[..],
        [Effect::LoadDemo]
    ));
    assert!(matches!(
        act(&mut empty, Action::LoadDemo)[..],
        [Effect::LoadDemo]
    ));
}

#[test]
fn declaring_from_the_palette_opens_and_shows_the_new_incident() {
    let mut app = demo_app();
    let effects = run_command(&mut app, "declare P2 Login errors in EU");
    let sent = appended(&effects);
    assert_eq!(sent[0].0, Purpose::Declare);
    assert_eq!(
        brief(&sent[0].1),
        [
            "opened Login errors in EU",
            "severity P2",
            "status investigating"
        ]
    );
    let (_, new_id) = committed(&mut app, Purpose::Declare, &effects);
    assert_eq!(app.shown, Some(new_id));
    assert_eq!(app.incident().unwrap().title, "Login errors in EU");
}

#[test]
fn the_palette_keeps_the_one_commander_rule() {
    let mut app = demo_app();
    // priya holds command in the sample; alice cannot claim or hand off.
    assert!(appended(&run_command(&mut app, "claim")).is_empty());
    assert_notice(&app, "priya holds command");
    assert!(appended(&run_command(&mut app, "handoff bob")).is_empty());
    assert_notice(&app, "only the commander");
    let mut priya = demo_app();
    priya.setup.me = "priya".into();
    // bob is neither on the sample's roster nor watching: the console asks first.
    assert!(appended(&run_command(&mut priya, "handoff bob")).is_empty());
    assert_eq!(priya.mode(), Mode::Confirm);
    assert!(question(&priya).contains("bob is not on the roster"));
    let sent = appended(&yes(&mut priya));
    assert_eq!(
        sent[0].1,
        vec![Body::HandoffOffered {
            from: "priya".into(),
            to: "bob".into()
        }]
    );
    // A typo keeps the palette open with the reason.
    run_command(&mut app, "sevrity P1");
    assert!(matches!(
        app.overlays.last(),
        Some(Overlay::Palette { error: Some(_), .. })
    ));
}

#[test]
fn severity_from_the_palette_declares_an_incident_in_triage() {
    let (mut app, id) = triage_app();
    assert_eq!(app.incident().unwrap().status, Status::Triage);
    let sent = appended(&run_command(&mut app, "severity P3 slow logins for some"));
    assert_eq!(brief(&sent[0].1), ["severity P3", "status investigating"]);
    assert_eq!(app.shown, Some(id));
}

#[test]
fn the_switcher_shows_another_incident() {
    let mut app = demo_app();
    let first = app.shown.unwrap();
    act(&mut app, Action::OpenSwitcher);
    act(&mut app, Action::Down);
    act(&mut app, Action::Submit);
    assert_ne!(app.shown, Some(first));
    assert_eq!(app.mode(), Mode::Normal);
    assert_eq!(
        app.incident().unwrap().title,
        "Search latency above 2 seconds"
    );
}

#[test]
fn a_recovered_draft_is_offered_and_restored_or_thrown_away() {
    let draft = Draft {
        incident: None,
        kind: EntryKind::Decision,
        text: "half-typed decision".into(),
    };
    let mut app = demo_app();
    update(&mut app, Msg::DraftFound(draft.clone()));
    assert_eq!(app.mode(), Mode::Recovery);
    let effects = act(&mut app, Action::Confirm);
    assert_eq!(app.mode(), Mode::Entry);
    assert_eq!(app.entry.text(), "half-typed decision");
    assert_eq!(app.entry.effective_kind(), EntryKind::Decision);
    assert!(
        saved_draft(&app, &effects).unwrap().is_some(),
        "still saved until committed"
    );

    let mut app = demo_app();
    update(&mut app, Msg::DraftFound(draft));
    act(&mut app, Action::Discard);
    // Recording it asks first (y, after reading).
    let effects = yes(&mut app);
    assert_eq!(saved_draft(&app, &effects), Some(None));
    assert_eq!(app.entry.text(), "");
}

#[test]
fn scrolling_follows_until_moved_and_g_follows_again() {
    let mut app = demo_app();
    assert!(app.timeline.following());
    act(&mut app, Action::Up);
    assert!(!app.timeline.following());
    act(&mut app, Action::Top);
    let state = app.incident().unwrap();
    assert_eq!(app.timeline.cursor, Some(state.timeline[0].event.id));
    act(&mut app, Action::Bottom);
    assert!(app.timeline.following());
    act(&mut app, Action::Up);
    act(&mut app, Action::Down);
    assert!(
        app.timeline.following(),
        "moving down onto the newest follows again"
    );
}

/// An app showing one fresh incident still in triage.
fn triage_app() -> (App, ulid::Ulid) {
    let mut app = App::new("alice", "w.db", None, now());
    update(&mut app, Msg::Loaded);
    let effects = run_command(&mut app, "declare Login errors for some users");
    let (_, id) = committed(&mut app, Purpose::Declare, &effects);
    (app, id)
}

fn wizard_answers(app: &App) -> Vec<Option<usize>> {
    match app.overlays.last() {
        Some(Overlay::Triage(w)) => w.walk.answers.clone(),
        _ => panic!("no wizard open"),
    }
}

#[test]
fn the_wizard_goes_forward_back_changes_an_answer_and_declares() {
    let (mut app, id) = triage_app();
    act(&mut app, Action::OpenTriage);
    assert_eq!(app.mode(), Mode::Triage);
    act(&mut app, Action::Pick(3)); // scope: some users, workaround
    act(&mut app, Action::Down); // data: highlight "no"
    act(&mut app, Action::Submit);
    assert_eq!(wizard_answers(&app), vec![Some(2), Some(1), None]);
    act(&mut app, Action::Back);
    act(&mut app, Action::Back);
    act(&mut app, Action::Pick(2)); // change scope to one region
    act(&mut app, Action::Submit); // data: keeps its "no"
    act(&mut app, Action::Pick(1)); // trend: spreading
    assert_eq!(wizard_answers(&app), vec![Some(1), Some(1), Some(0)]);
    act(&mut app, Action::Declare);
    // Recording it asks first (y, after reading).
    let effects = yes(&mut app);
    assert_eq!(
        app.mode(),
        Mode::Normal,
        "the wizard closes once it records"
    );
    let sent = appended(&effects);
    assert_eq!(sent[0].0, Purpose::Palette);
    match &sent[0].1[..] {
        [
            Body::SeveritySet {
                severity: Severity::P1,
                reason: Some(reason),
                triage,
            },
            Body::StatusChanged {
                status: Status::Investigating,
                ..
            },
        ] => {
            assert!(
                reason.contains("impact 2") && reason.contains("urgency 1"),
                "{reason}"
            );
            assert_eq!(triage.len(), 3, "every answer is in the record");
            assert_eq!(triage[0].answer, "one region or a major feature");
        }
        other => panic!("unexpected events {other:?}"),
    }
    assert_notice(&app, "page tech_lead, communications, legal");
    assert_eq!(app.shown, Some(id));
    commit(&mut app, &effects);
    assert_eq!(app.incident().unwrap().status, Status::Investigating);
    assert_eq!(app.incident().unwrap().severity, Some(Severity::P1));
}

#[test]
fn below_the_threshold_the_wizard_routes_and_refuses_to_declare() {
    let (mut app, _) = triage_app();
    act(&mut app, Action::OpenTriage);
    for pick in [4, 2, 3] {
        act(&mut app, Action::Pick(pick));
    }
    assert!(appended(&act(&mut app, Action::Declare)).is_empty());
    match app.overlays.last() {
        Some(Overlay::Triage(w)) => assert!(
            w.message
                .as_deref()
                .unwrap()
                .contains("below the threshold")
        ),
        _ => panic!("the wizard stays open with the reason"),
    }
    act(&mut app, Action::Route);
    // Recording it asks first (y, after reading).
    let sent = appended(&yes(&mut app));
    assert_eq!(brief(&sent[0].1), ["severity P4", "routed service desk"]);
    assert_notice(&app, "recorded, not declared");
}

#[test]
fn at_the_threshold_routing_is_refused_and_cancel_records_nothing() {
    let (mut app, _) = triage_app();
    act(&mut app, Action::OpenTriage);
    for pick in [1, 2, 2] {
        act(&mut app, Action::Pick(pick));
    }
    assert!(appended(&act(&mut app, Action::Route)).is_empty());
    assert!(appended(&act(&mut app, Action::Close)).is_empty());
    assert_eq!(app.mode(), Mode::Normal);
}

#[test]
fn triage_from_the_palette_opens_a_new_incident_and_retriage_logs_a_change() {
    let mut app = demo_app();
    let effects = run_command(&mut app, "triage Suspected data leak");
    assert!(effects.is_empty());
    for pick in [3, 1, 2] {
        act(&mut app, Action::Pick(pick));
    }
    act(&mut app, Action::Declare);
    // Recording it asks first (y, after reading).
    let sent = appended(&yes(&mut app));
    assert_eq!(sent[0].0, Purpose::Declare);
    assert!(
        matches!(&sent[0].1[0], Body::IncidentOpened { title, .. } if title == "Suspected data leak")
    );
    assert!(
        matches!(&sent[0].1[1], Body::SeveritySet { severity: Severity::P1, reason: Some(r), .. } if r.contains("always P1"))
    );

    // The demo incident is declared (P2): triaging it again records a severity change.
    act(&mut app, Action::OpenTriage);
    for pick in [3, 2, 3] {
        act(&mut app, Action::Pick(pick));
    }
    act(&mut app, Action::Declare);
    assert!(
        question(&app).contains("Re-triage this incident as P3"),
        "{}",
        question(&app)
    );
    let sent = appended(&yes(&mut app));
    match &sent[0].1[..] {
        [
            Body::SeveritySet {
                severity: Severity::P3,
                reason: Some(r),
                ..
            },
        ] => assert!(r.starts_with("re-triage"), "{r}"),
        other => panic!("a re-triage is one severity change: {other:?}"),
    }
}

/// The hint bar's word for Enter now.
fn enter_hint(app: &App) -> String {
    app.key_hints()
        .into_iter()
        .find(|(chord, _)| chord.to_string() == "Enter")
        .map(|(_, word)| word.to_string())
        .unwrap_or_default()
}

/// The hint bar's words now.
fn hint_words(app: &App) -> Vec<String> {
    app.key_hints()
        .into_iter()
        .map(|(chord, word)| format!("{chord} {word}"))
        .collect()
}

#[test]
fn enter_after_the_last_answer_declares_a_new_incident_at_the_threshold() {
    let mut app = demo_app();
    run_command(&mut app, "triage Suspected data leak");
    assert_eq!(enter_hint(&app), "choose");
    assert!(hint_words(&app).contains(&"d declare".to_string()));
    for pick in [3, 1] {
        act(&mut app, Action::Pick(pick));
    }
    act(&mut app, Action::Down);
    assert_eq!(
        enter_hint(&app),
        "choose",
        "the last question is still asked"
    );
    assert!(
        appended(&act(&mut app, Action::Submit)).is_empty(),
        "Enter chose it"
    );
    assert_eq!(wizard_answers(&app), vec![Some(2), Some(0), Some(1)]);
    assert_eq!(enter_hint(&app), "declare");
    assert_eq!(hint_words(&app), ["Enter declare", "b back", "Esc cancel"]);
    act(&mut app, Action::Submit);
    // Recording it asks first (y, after reading).
    let sent = appended(&yes(&mut app));
    assert_eq!(app.mode(), Mode::Normal, "Enter finished the walk");
    assert_eq!(sent[0].0, Purpose::Declare);
    assert_eq!(
        brief(&sent[0].1),
        [
            "opened Suspected data leak",
            "severity P1",
            "status investigating"
        ]
    );
    assert_notice(&app, "page");
}

#[test]
fn enter_after_the_last_answer_routes_below_the_threshold() {
    let (mut app, _) = triage_app();
    act(&mut app, Action::OpenTriage);
    for pick in [4, 2] {
        act(&mut app, Action::Pick(pick));
    }
    act(&mut app, Action::Down);
    act(&mut app, Action::Down);
    act(&mut app, Action::Submit); // trend: the third answer
    assert_eq!(wizard_answers(&app), vec![Some(3), Some(1), Some(2)]);
    assert_eq!(enter_hint(&app), "route");
    act(&mut app, Action::Submit);
    // Recording it asks first (y, after reading).
    let sent = appended(&yes(&mut app));
    assert_eq!(app.mode(), Mode::Normal);
    assert_eq!(brief(&sent[0].1), ["severity P4", "routed service desk"]);
    assert_notice(&app, "recorded, not declared");

    // Going back to change an answer asks again, and Enter chooses again.
    let (mut app, _) = triage_app();
    act(&mut app, Action::OpenTriage);
    for pick in [4, 2, 3] {
        act(&mut app, Action::Pick(pick));
    }
    act(&mut app, Action::Back);
    assert_eq!(enter_hint(&app), "choose");
    assert!(appended(&act(&mut app, Action::Submit)).is_empty());
    assert_eq!(enter_hint(&app), "route");
}

#[test]
fn enter_after_the_last_answer_retriages_a_declared_incident_setting_its_severity() {
    // The demo incident is declared (P2).
    let mut app = demo_app();
    act(&mut app, Action::OpenTriage);
    assert!(
        hint_words(&app).contains(&"d re-triage".to_string())
            && !hint_words(&app).iter().any(|w| w.starts_with("r ")),
        "a declared incident is re-triaged, never routed: {:?}",
        hint_words(&app)
    );
    // Answers below the threshold: still a re-triage, not a routing.
    for pick in [4, 2, 2] {
        act(&mut app, Action::Pick(pick));
    }
    assert_eq!(enter_hint(&app), "re-triage");
    act(&mut app, Action::Submit);
    // Recording it asks first (y, after reading).
    let sent = appended(&yes(&mut app));
    assert_eq!(app.mode(), Mode::Normal);
    assert_eq!(sent[0].0, Purpose::Palette);
    match &sent[0].1[..] {
        [
            Body::SeveritySet {
                severity: Severity::P4,
                reason: Some(r),
                ..
            },
        ] => assert!(r.starts_with("re-triage"), "{r}"),
        other => panic!("a re-triage is one severity change: {other:?}"),
    }
    assert_notice(&app, "re-triaged: severity P4");
}

#[test]
fn an_update_is_composed_from_the_template_and_resets_that_countdown() {
    let mut app = demo_app();
    let cadence = |s, a| app.setup.playbook.cadence_for(s, a);
    let (audience, _) = app.incident().unwrap().next_update_due(cadence).unwrap();
    assert_eq!(
        audience,
        warroom::domain::Audience::Responders,
        "the sample's responders update is overdue"
    );
    act(&mut app, Action::ComposeUpdate);
    assert_eq!(app.mode(), Mode::Entry);
    let text = app.entry.text();
    assert!(
        text.starts_with("/s [P2 HIGH] Checkout failing for EU customers: monitoring."),
        "{text}"
    );
    assert!(text.contains("IC priya"), "{text}");
    act(&mut app, Action::Submit);
    // Recording it asks first (y, after reading).
    let effects = yes(&mut app);
    let sent = appended(&effects);
    assert!(matches!(
        &sent[0].1[0],
        Body::StatusUpdate {
            audience: warroom::domain::Audience::Responders,
            ..
        }
    ));
    committed(&mut app, Purpose::Entry, &effects);
    let state = app.incident().unwrap();
    assert_eq!(
        state.last_update(warroom::domain::Audience::Responders),
        Some(now() + chrono::TimeDelta::seconds(1))
    );
    let cadence = |s, a| app.setup.playbook.cadence_for(s, a);
    let due = state.updates_due(cadence);
    let responders = due
        .iter()
        .find(|(a, _)| *a == warroom::domain::Audience::Responders)
        .map(|(_, at)| *at);
    let every = cadence(
        state.severity.unwrap(),
        warroom::domain::Audience::Responders,
    )
    .unwrap();
    assert_eq!(
        responders,
        Some(now() + chrono::TimeDelta::seconds(1) + every),
        "the responders' countdown was reset"
    );
}

#[test]
fn roster_keys_act_on_the_selected_responder() {
    let mut app = demo_app();
    app.setup.me = "priya".into();
    act(&mut app, Action::FocusRoster);
    assert_eq!(app.mode(), Mode::Roster);
    act(&mut app, Action::Down); // priya (IC) first, then jonas
    assert_eq!(
        warroom::app::roster::selected(&app).as_deref(),
        Some("jonas")
    );
    // Every key that acts on a person asks first; y carries it out.
    assert!(appended(&act(&mut app, Action::StandDown)).is_empty());
    assert_eq!(app.mode(), Mode::Confirm);
    assert!(question(&app).contains("Stand jonas down"));
    let sent = appended(&yes(&mut app));
    assert_eq!(
        sent[0].1,
        vec![Body::ResponderStoodDown {
            person: "jonas".into()
        }]
    );
    // Handing off asks first too, and offers: priya holds command until jonas accepts.
    assert!(appended(&act(&mut app, Action::HandOff)).is_empty());
    assert!(question(&app).contains("Offer command of this incident to jonas"));
    assert!(question(&app).contains("until they accept"));
    let sent = appended(&yes(&mut app));
    assert_eq!(
        sent[0].1,
        vec![Body::HandoffOffered {
            from: "priya".into(),
            to: "jonas".into()
        }]
    );
    // A role needs one more word.
    act(&mut app, Action::AssignRole);
    update(&mut app, Msg::Paste("deputy".into()));
    let sent = appended(&act(&mut app, Action::Submit));
    assert_eq!(
        sent[0].1,
        vec![Body::RoleAssigned {
            person: "jonas".into(),
            role: warroom::domain::Role::Deputy
        }]
    );
}

#[test]
fn paging_a_role_pages_its_contacts_and_resolve_needs_a_known_code() {
    let mut app = demo_app();
    let sent = appended(&run_command(&mut app, "page legal"));
    assert_eq!(
        sent[0].1,
        vec![Body::ResponderPaged {
            person: "legal-duty".into(),
            via: Some("phone: +1 555 0199".into())
        }]
    );
    assert!(appended(&run_command(&mut app, "resolve magic it went away")).is_empty());
    assert_notice(&app, "not a resolution code");
    assert!(
        run_command(&mut app, "resolve rollback deploy 4512 rolled back").is_empty(),
        "the checklist comes first"
    );
    assert_eq!(app.mode(), Mode::Checklist);
    act(&mut app, Action::Confirm);
    act(&mut app, Action::Confirm);
    let sent = appended(&act(&mut app, Action::Confirm));
    assert!(matches!(&sent[0].1[0], Body::Resolution { code, .. } if code == "rollback"));
}

#[test]
fn a_command_refused_as_typed_comes_back_to_be_mended_not_typed_again() {
    let mut app = demo_app();
    let summary = "deploy 4512 rolled back, error rate under 0.1% for 20 minutes";
    let typed = format!("resolve rolback {summary}");
    assert!(appended(&run_command(&mut app, &typed)).is_empty());
    // Nothing was written; the palette holds the line as typed, saying why.
    match app.overlays.last() {
        Some(Overlay::Palette { input, error, .. }) => {
            assert_eq!(input.lines().join(" "), typed);
            let why = error.as_deref().unwrap_or_default();
            assert!(why.contains("'rolback' is not a resolution code"), "{why}");
        }
        _ => panic!("the palette did not come back: {:?}", app.mode()),
    }
    // Mending the code is enough: the summary was kept.
    let line = typed.replace("rolback", "rollback");
    if let Some(Overlay::Palette { input, .. }) = app.overlays.last_mut() {
        **input = tui_textarea::TextArea::new(vec![line]);
    }
    act(&mut app, Action::Submit);
    assert_eq!(app.mode(), Mode::Checklist, "the checklist comes next");
    act(&mut app, Action::Confirm);
    act(&mut app, Action::Confirm);
    let sent = appended(&act(&mut app, Action::Confirm));
    assert!(
        matches!(&sent[0].1[0], Body::Resolution { code, summary: s, .. } if code == "rollback" && s == summary),
        "{sent:?}"
    );
}

#[test]
fn resolving_asks_the_checklist_and_logs_its_answers() {
    let mut app = demo_app();
    assert!(run_command(&mut app, "resolve rollback deploy 4512 rolled back").is_empty());
    assert_eq!(app.mode(), Mode::Checklist);
    act(&mut app, Action::Confirm);
    act(&mut app, Action::Cancel);
    act(&mut app, Action::Back);
    act(&mut app, Action::Confirm);
    let sent = appended(&act(&mut app, Action::Cancel));
    match &sent[0].1[..] {
        [
            Body::Resolution {
                code, checklist, ..
            },
        ] => {
            assert_eq!(code, "rollback");
            let done: Vec<bool> = checklist.iter().map(|c| c.done).collect();
            assert_eq!(done, [true, true, false]);
            assert_eq!(checklist[2].item, "customers have been told");
        }
        other => panic!("{other:?}"),
    }
    assert_notice(&app, "1 item(s) not confirmed");

    // Esc stops: nothing recorded.
    let mut app = demo_app();
    run_command(&mut app, "resolve rollback fixed");
    assert!(act(&mut app, Action::Close).is_empty());
    assert_eq!(app.mode(), Mode::Normal);
}

#[test]
fn the_review_is_edited_by_keyboard() {
    let mut app = demo_app();
    act(&mut app, Action::OpenReview);
    assert_eq!(app.mode(), Mode::Review);
    act(&mut app, Action::AddItem);
    update(
        &mut app,
        Msg::Paste("write a TLS runbook owner=ana due=+7d priority=low".into()),
    );
    let sent = appended(&act(&mut app, Action::Submit));
    assert_eq!(
        sent[0].1,
        vec![Body::ActionItemOpened {
            title: "write a TLS runbook".into(),
            owner: Some("ana".into()),
            due: chrono::NaiveDate::from_ymd_opt(2026, 12, 4),
            priority: Some(warroom::domain::Priority::Low),
        }]
    );
    assert_eq!(
        app.mode(),
        Mode::Review,
        "back in the review after the command"
    );
    act(&mut app, Action::Down);
    act(&mut app, Action::EditItem);
    update(&mut app, Msg::Paste("owner=chen".into()));
    let sent = appended(&act(&mut app, Action::Submit));
    let canary = app.incident().unwrap().action_items[1].id;
    assert!(
        matches!(&sent[0].1[0], Body::ActionItemUpdated { item, owner: Some(o), .. } if *item == canary && o == "chen")
    );
    act(&mut app, Action::CloseItem);
    // Recording it asks first (y, after reading).
    let sent = appended(&yes(&mut app));
    assert_eq!(
        sent[0].1,
        vec![Body::ActionItemClosed {
            item: canary,
            note: None
        }]
    );
    act(&mut app, Action::AddFinding);
    update(
        &mut app,
        Msg::Paste("cause deploy 4512 changed TLS settings".into()),
    );
    let sent = appended(&act(&mut app, Action::Submit));
    assert_eq!(
        sent[0].1,
        vec![Body::Review {
            section: warroom::domain::ReviewSection::RootCause,
            text: "deploy 4512 changed TLS settings".into()
        }]
    );
}

#[test]
fn reopen_and_problem_handoff_follow_the_lifecycle() {
    let mut app = demo_app();
    assert!(
        appended(&run_command(&mut app, "reopen")).is_empty(),
        "not resolved yet"
    );
    assert!(appended(&run_command(&mut app, "problem payments TLS change")).is_empty());
    assert_notice(&app, "resolve it first");
    // The refused line waits in the palette; Esc drops it. The sample's second
    // incident is closed: it can be reopened.
    act(&mut app, Action::Close);
    act(&mut app, Action::OpenSwitcher);
    act(&mut app, Action::Down);
    act(&mut app, Action::Submit);
    let sent = appended(&run_command(&mut app, "reopen latency is back"));
    assert!(
        matches!(&sent[0].1[0], Body::StatusChanged { status: Status::Investigating, reason: Some(r) } if r == "reopened: latency is back")
    );
    let sent = appended(&run_command(
        &mut app,
        "problem search-team shard imbalance after reindex",
    ));
    assert!(matches!(&sent[0].1[0], Body::ProblemHandoff { owner, .. } if owner == "search-team"));
}

/// Lets the question on top be on screen long enough to be read, as a person would.
fn read_question(app: &mut App) {
    let later = app.now + chrono::TimeDelta::seconds(1);
    update(app, Msg::Tick(later));
}

/// Reads the question on top, then says yes.
fn yes(app: &mut App) -> Vec<Effect> {
    read_question(app);
    act(app, Action::Confirm)
}

/// Reads the question on top, then presses `keys`.
fn read_then_press(app: &mut App, keys: &str) -> Vec<Effect> {
    read_question(app);
    press(app, keys)
}

/// The yes/no question on top, in words (empty when none is asked).
fn question(app: &App) -> String {
    match app.overlays.last() {
        Some(Overlay::Ask(q)) => match q.as_ref() {
            Confirmation::Write { ask, .. } => ask.clone(),
            Confirmation::Quit => "quit?".into(),
        },
        _ => String::new(),
    }
}

/// Feeds a command's events back as committed, as the store would.
fn commit(app: &mut App, effects: &[Effect]) {
    committed(app, Purpose::Palette, effects);
}

#[test]
fn the_roster_selection_stays_on_the_person_when_the_order_changes() {
    let mut app = demo_app();
    app.setup.me = "priya".into();
    act(&mut app, Action::FocusRoster);
    // priya (IC), jonas, tom (engaged), chen, liam (acknowledged), maya, erik (stood down).
    act(&mut app, Action::Bottom);
    assert_eq!(
        warroom::app::roster::selected(&app).as_deref(),
        Some("erik")
    );
    act(&mut app, Action::Acknowledge);
    let effects = yes(&mut app);
    assert_eq!(
        appended(&effects)[0].1,
        vec![Body::ResponderAcknowledged {
            person: "erik".into()
        }]
    );
    commit(&mut app, &effects);
    // erik now sorts among the acknowledged, above maya; the selection went with him.
    let order: Vec<String> = warroom::app::roster::order(app.incident().unwrap())
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(order[6], "maya", "the order changed: {order:?}");
    act(&mut app, Action::Engage);
    let effects = yes(&mut app);
    assert_eq!(
        appended(&effects)[0].1,
        vec![Body::ResponderEngaged {
            person: "erik".into()
        }],
        "engage acts on the person acknowledged, not on whoever took his place"
    );
    commit(&mut app, &effects);

    // A peer's event reorders the roster too: chen stays selected when maya engages.
    act(&mut app, Action::Top);
    for _ in 0..4 {
        act(&mut app, Action::Down);
    }
    assert_eq!(
        warroom::app::roster::selected(&app).as_deref(),
        Some("chen")
    );
    let peer = stamp(
        &[Effect::Append {
            purpose: Purpose::Palette,
            drafts: vec![warroom::store::NewEvent {
                incident: app.shown,
                author: "maya".into(),
                recorded_by: None,
                at: None,
                body: Body::ResponderEngaged {
                    person: "maya".into(),
                },
            }],
        }],
        app.shown.unwrap(),
    );
    update(&mut app, Msg::Events(peer));
    assert_eq!(
        warroom::app::roster::selected(&app).as_deref(),
        Some("chen")
    );
    act(&mut app, Action::StandDown);
    let sent = appended(&yes(&mut app));
    assert_eq!(
        sent[0].1,
        vec![Body::ResponderStoodDown {
            person: "chen".into()
        }]
    );
}

#[test]
fn every_status_change_keeps_the_resolve_and_reopen_rules() {
    let mut app = demo_app();
    // :status cannot skip the resolution code and its checklist...
    assert!(appended(&run_command(&mut app, "status resolved it went away")).is_empty());
    assert_notice(&app, ":resolve CODE");
    // ...nor close an incident still being worked.
    assert!(appended(&run_command(&mut app, "status closed")).is_empty());
    assert_notice(&app, "resolve it first");
    assert!(appended(&run_command(&mut app, "status monitoring")).is_empty());
    assert_notice(&app, "already monitoring");
    let sent = appended(&run_command(&mut app, "status identified cause known"));
    assert_eq!(brief(&sent[0].1), ["status identified"]);

    // Once problem management owns an incident, no path brings it back.
    act(&mut app, Action::OpenSwitcher);
    act(&mut app, Action::Down);
    act(&mut app, Action::Submit);
    let effects = run_command(&mut app, "problem search-team shard imbalance");
    assert_eq!(appended(&effects).len(), 1);
    commit(&mut app, &effects);
    assert!(app.incident().unwrap().problem.is_some());
    for line in [
        "status investigating",
        "reopen it is back",
        "status monitoring",
    ] {
        assert!(appended(&run_command(&mut app, line)).is_empty(), "{line}");
        assert_notice(&app, "problem management owns it");
    }
}

#[test]
fn an_incident_is_named_by_a_unique_id_ending_at_start_and_in_the_palette() {
    let events = warroom::demo::events("demo", now());
    let load = |start_with: &str| {
        let mut app = App::new("alice", "w.db", None, now());
        update(&mut app, Msg::Events(events.clone()));
        update(&mut app, Msg::Loaded);
        update(&mut app, Msg::Show(start_with.into()));
        app
    };
    let first = load("").shown.unwrap();
    let search = load("")
        .incident_list()
        .iter()
        .find(|i| i.title.starts_with("Search"))
        .unwrap()
        .id;
    let ending = search.to_string()[20..].to_ascii_lowercase();
    assert_eq!(load(&ending).shown, Some(search), "shown once loaded");

    // Nothing typed, or too little, names nothing: the first incident, and why.
    for typed in ["", "  ", &ending[3..]] {
        let app = load(typed);
        assert_eq!(app.shown, Some(first), "{typed:?}");
        assert!(
            app.notice.as_deref().unwrap().contains("too short"),
            "{typed:?}: {:?}",
            app.notice
        );
    }
    let app = load("zzzzzz");
    assert_eq!(app.shown, Some(first));
    assert_notice(&app, "no incident with id");

    let mut app = load("");
    run_command(&mut app, &format!("switch {}", &ending[3..]));
    assert_eq!(app.shown, Some(first), "three characters are too few");
    run_command(&mut app, &format!("switch {ending}"));
    assert_eq!(app.shown, Some(search));
}

#[test]
fn the_headers_position_agrees_with_the_switchers_list() {
    let mut app = demo_app();
    let ids: Vec<ulid::Ulid> = app.incident_list().iter().map(|i| i.id).collect();
    for (n, id) in ids.iter().enumerate() {
        app.show(*id);
        assert_eq!(app.shown_position(), (Some(n), ids.len()));
    }
    let empty = App::new("alice", "w.db", None, now());
    assert_eq!(empty.shown_position(), (None, 0));
}

/// Presses keys as the terminal sends them, through the console's own key mapping:
/// `keys` is plain characters, with `\n` for Enter and `\x1b` for Esc.
fn press(app: &mut App, keys: &str) -> Vec<Effect> {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut effects = Vec::new();
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        let event = KeyEvent::new(code, KeyModifiers::NONE);
        if let Some(msg) = warroom::tui::to_msg(&app.setup.keys, app.mode(), event) {
            effects.extend(update(app, msg));
        }
    }
    effects
}

/// Ends the incident shown, as a peer's resolution and closing would.
fn close_shown(app: &mut App) {
    let events = stamp(
        &[Effect::Append {
            purpose: Purpose::Palette,
            drafts: [
                Body::Resolution {
                    code: "rollback".into(),
                    summary: "rolled back".into(),
                    checklist: Vec::new(),
                },
                Body::StatusChanged {
                    status: Status::Closed,
                    reason: None,
                },
            ]
            .into_iter()
            .map(|body| warroom::store::NewEvent {
                incident: app.shown,
                author: "priya".into(),
                recorded_by: None,
                at: None,
                body,
            })
            .collect(),
        }],
        app.shown.unwrap(),
    );
    update(app, Msg::Events(events));
    assert_eq!(app.incident().unwrap().status, Status::Closed);
}

#[test]
fn keys_meant_as_commands_while_the_box_has_focus_log_nothing_to_a_closed_incident() {
    let mut app = demo_app();
    close_shown(&mut app);
    // A note committed earlier left the box focused; the responder believes they are
    // switching incidents and types `s g Enter i`, then more.
    act(&mut app, Action::OpenEntry);
    let mut effects = press(&mut app, "sg\n");
    assert_eq!(app.mode(), Mode::Confirm, "Enter asks before logging there");
    assert!(question(&app).contains("is CLOSED"), "{}", question(&app));
    effects.extend(press(&mut app, "ideploy is fine\n"));
    effects.extend(press(&mut app, "\x1b\x1b"));
    assert!(
        appended(&effects).is_empty(),
        "nothing reached the closed incident: {:?}",
        appended(&effects)
    );
    assert!(
        app.entry.text().starts_with("sg"),
        "the text is kept, not lost: {:?}",
        app.entry.text()
    );
    // Only `y` logs it, and then it goes where the box said.
    act(&mut app, Action::OpenEntry);
    press(&mut app, "\n");
    assert_eq!(app.mode(), Mode::Confirm);
    let sent = appended(&read_then_press(&mut app, "y"));
    assert_eq!(sent.len(), 1);
    assert!(matches!(&sent[0].1[0], Body::Note { text } if text.starts_with("sg")));
}

#[test]
fn a_prefilled_status_update_changed_to_another_kind_is_asked_about() {
    let mut app = demo_app();
    act(&mut app, Action::ComposeUpdate);
    assert!(app.entry.prefilled.is_some());
    let text = app.entry.text();
    let (prefix, rest) = text.split_once(' ').unwrap();
    assert!(prefix.starts_with('/'), "{text}");
    // Deleting the prefix leaves a note: Enter asks, and `n` keeps the text.
    app.entry.set_text(rest);
    assert!(appended(&press(&mut app, "\n")).is_empty());
    let asked = question(&app);
    assert!(
        asked.contains("This was a status update to") && asked.contains("logged as a note"),
        "{asked}"
    );
    assert!(appended(&press(&mut app, "n")).is_empty());
    assert_eq!(app.entry.text(), rest);
    // Said yes to, it is logged as what the box shows.
    press(&mut app, "\n");
    let sent = appended(&read_then_press(&mut app, "y"));
    assert!(matches!(&sent[0].1[0], Body::Note { .. }), "{sent:?}");
    // The template's own kind is logged with no question.
    press(&mut app, "\x1b");
    act(&mut app, Action::ComposeUpdate);
    press(&mut app, "\n");
    // Recording it asks first (y, after reading).
    let sent = appended(&read_then_press(&mut app, "y"));
    assert!(
        matches!(&sent[0].1[0], Body::StatusUpdate { .. }),
        "{sent:?}"
    );
}

#[test]
fn a_word_typed_into_the_roster_acts_on_nobody() {
    let mut app = demo_app();
    app.setup.me = "priya".into();
    act(&mut app, Action::FocusRoster);
    act(&mut app, Action::Down);
    // `pager`: p pages, a acknowledges, g jumps to the commander, e engages, r opens
    // a role: each acting key asks, and the next letter answers no.
    let effects = press(&mut app, "pager");
    assert!(
        appended(&effects).is_empty(),
        "nobody paged, acknowledged or engaged: {:?}",
        appended(&effects)
    );
    assert_ne!(app.mode(), Mode::Confirm);
    // Each key that acts on a person asks, naming them.
    press(&mut app, "\x1bj");
    for (key, words) in [
        ("p", "Page jonas again"),
        ("a", "Mark jonas acknowledged"),
        ("e", "Mark jonas engaged"),
        ("x", "Stand jonas down"),
        ("h", "Offer command of this incident to jonas"),
    ] {
        assert!(appended(&press(&mut app, key)).is_empty(), "{key}");
        assert!(question(&app).contains(words), "{key}: {}", question(&app));
        press(&mut app, "n");
        assert_eq!(app.mode(), Mode::Roster, "{key}");
    }
}

#[test]
fn a_key_acting_on_people_in_an_incident_that_is_over_says_so_in_its_question() {
    let mut app = demo_app();
    let ended = app
        .incidents
        .values()
        .find(|s| !s.status.is_open())
        .map(|s| (s.id, s.status))
        .expect("the sample holds a resolved incident");
    app.show(ended.0);
    act(&mut app, Action::FocusRoster);
    let short = warroom::domain::short_id(ended.0);
    let status = ended.1.as_str().to_uppercase();
    for key in ["p", "a", "e"] {
        assert!(appended(&press(&mut app, key)).is_empty(), "{key}");
        let asked = question(&app);
        assert!(
            asked.starts_with(&format!(
                "{short} \"Search latency above 2 seconds\" is {status}. "
            )),
            "{key}: {asked}"
        );
        press(&mut app, "n");
    }
    // An open incident's questions stay as they were.
    let open = app
        .incidents
        .values()
        .find(|s| s.status.is_open())
        .map(|s| s.id)
        .unwrap();
    app.show(open);
    act(&mut app, Action::FocusRoster);
    press(&mut app, "p");
    assert!(question(&app).starts_with("Page "), "{}", question(&app));
}

#[test]
fn the_commander_cannot_be_stood_down_while_holding_command() {
    let mut app = demo_app();
    act(&mut app, Action::FocusRoster);
    // priya holds command and sorts first.
    assert_eq!(
        warroom::app::roster::selected(&app).as_deref(),
        Some("priya")
    );
    assert!(appended(&press(&mut app, "x")).is_empty());
    assert_ne!(app.mode(), Mode::Confirm, "refused before any question");
    assert_notice(&app, "priya holds command and cannot be stood down");
    assert_notice(&app, ":handoff NAME");
}

#[test]
fn names_in_any_case_are_one_responder() {
    let mut app = demo_app();
    // The sample's commander is priya; PRIYA at the console is the same person.
    app.setup.me = "PRIYA".into();
    let effects = run_command(&mut app, "handoff JONAS");
    assert_eq!(
        app.mode(),
        Mode::Normal,
        "jonas is on the roster: no question"
    );
    assert_eq!(
        appended(&effects)[0].1,
        vec![Body::HandoffOffered {
            from: "priya".into(),
            to: "jonas".into()
        }],
        "written as the roster first wrote them"
    );
    commit(&mut app, &effects);
    // JONAS at a console accepts: read the briefing, a, then y.
    app.setup.me = "JONAS".into();
    assert!(appended(&run_command(&mut app, "accept")).is_empty());
    assert_eq!(app.mode(), Mode::Briefing, "the briefing is shown first");
    assert!(appended(&press(&mut app, "a")).is_empty());
    assert!(
        question(&app).contains("Take command from priya"),
        "{}",
        question(&app)
    );
    let effects = read_then_press(&mut app, "y");
    assert_eq!(
        appended(&effects)[0].1,
        vec![Body::HandoffAccepted {
            from: "priya".into(),
            to: "jonas".into()
        }]
    );
    commit(&mut app, &effects);
    let state = app.incident().unwrap();
    assert_eq!(
        state.command.commander.as_deref(),
        Some("jonas"),
        "shown as first written"
    );
    let jonases = state
        .roster
        .people
        .values()
        .filter(|p| p.name.eq_ignore_ascii_case("jonas"))
        .count();
    assert_eq!(jonases, 1);
}

#[test]
fn the_hint_bar_says_what_a_command_came_to_once_the_store_answers() {
    let (mut app, id) = triage_app();
    let effects = run_command(&mut app, "claim");
    assert_notice(&app, "recording on");
    // bob's claim from another console reaches the store first.
    let bobs = stamp(
        &[Effect::Append {
            purpose: Purpose::Palette,
            drafts: vec![warroom::store::NewEvent {
                incident: Some(id),
                author: "bob".into(),
                recorded_by: None,
                at: None,
                body: Body::CommandClaimed {
                    commander: "bob".into(),
                },
            }],
        }],
        id,
    );
    update(&mut app, Msg::Events(bobs));
    committed(&mut app, Purpose::Palette, &effects);
    assert_notice(
        &app,
        "not done: claim refused: bob already holds command; conflict recorded",
    );
    // A command that takes effect says what it did.
    let effects = run_command(&mut app, "page dave");
    committed(&mut app, Purpose::Palette, &effects);
    assert_notice(&app, "done: paged dave");
}

#[test]
fn a_y_typed_on_before_the_question_could_be_read_does_not_answer_it() {
    let mut app = demo_app();
    app.setup.me = "priya".into();
    act(&mut app, Action::FocusRoster);
    act(&mut app, Action::Down);
    // `hypothesis` typed into the roster: h asks to hand command to jonas, y comes a
    // moment later (the same instant here) and answers nothing; the next letter is a no.
    let mut effects = press(&mut app, "hy");
    assert_eq!(app.mode(), Mode::Confirm, "still asking");
    effects.extend(press(&mut app, "pothesis"));
    assert!(appended(&effects).is_empty(), "{:?}", appended(&effects));
    assert_eq!(
        app.incident().unwrap().command.commander.as_deref(),
        Some("priya")
    );
    // Read, then y: it is done.
    act(&mut app, Action::Close);
    act(&mut app, Action::FocusRoster);
    press(&mut app, "gjh");
    assert!(
        question(&app).contains("Offer command"),
        "{}",
        question(&app)
    );
    let sent = appended(&read_then_press(&mut app, "y"));
    assert_eq!(sent.len(), 1);
}

#[test]
fn a_status_updates_kind_lasts_one_entry_and_text_follows_the_incident_it_was_begun_on() {
    let mut app = demo_app();
    // Tab to the customers' update, commit it: the next words are a note again.
    act(&mut app, Action::OpenEntry);
    for _ in 0..6 {
        act(&mut app, Action::CycleKind);
    }
    assert_eq!(app.entry.kind, EntryKind::UpdateCustomers);
    type_str(&mut app, "we are on it");
    press(&mut app, "\n");
    // Recording it asks first (y, after reading).
    let sent = appended(&read_then_press(&mut app, "y"));
    assert!(
        matches!(&sent[0].1[0], Body::StatusUpdate { .. }),
        "{sent:?}"
    );
    type_str(&mut app, "internal: creds rotated");
    let sent = appended(&press(&mut app, "\n"));
    assert!(
        matches!(&sent[0].1[0], Body::Note { .. }),
        "never to customers by a kind left chosen: {sent:?}"
    );
    // Text begun on one incident, the console switched to another: Enter asks.
    let first = app.shown.unwrap();
    type_str(&mut app, "rolling back deploy 4512");
    press(&mut app, "\x1b");
    let other = app
        .incident_list()
        .iter()
        .map(|i| i.id)
        .find(|id| *id != first)
        .unwrap();
    app.show(other);
    act(&mut app, Action::OpenEntry);
    assert!(appended(&press(&mut app, "\n")).is_empty());
    let asked = question(&app);
    assert!(asked.contains("This text was begun on"), "{asked}");
    assert!(appended(&press(&mut app, "n")).is_empty());
    assert_eq!(app.entry.text(), "rolling back deploy 4512");
}

#[test]
fn recording_a_severity_an_update_or_a_done_item_and_throwing_a_draft_away_ask_first() {
    // Words typed into the panes by mistake: `t` opens triage, answers come by Enter
    // and digits, `d` would declare; the question stops them, and a no goes back.
    let (mut app, _) = triage_app();
    act(&mut app, Action::OpenTriage);
    let effects = press(&mut app, "111d");
    assert!(appended(&effects).is_empty(), "{:?}", appended(&effects));
    assert_eq!(app.mode(), Mode::Confirm);
    assert!(
        question(&app).starts_with("Declare at P"),
        "{}",
        question(&app)
    );
    press(&mut app, "e");
    assert_eq!(app.mode(), Mode::Triage, "a no goes back to the answers");
    // A status update composed with `u` and text typed on is posted only on a yes.
    let mut app = demo_app();
    act(&mut app, Action::ComposeUpdate);
    let effects = press(&mut app, "p again\n");
    assert!(appended(&effects).is_empty());
    assert!(
        question(&app).starts_with("Post this status update"),
        "{}",
        question(&app)
    );
    press(&mut app, "n");
    assert!(
        app.entry.text().ends_with("p again"),
        "kept: {}",
        app.entry.text()
    );
    // In the review, `x` marks an item done only on a yes.
    let mut app = demo_app();
    act(&mut app, Action::OpenReview);
    let effects = press(&mut app, "xylophone");
    assert!(appended(&effects).is_empty(), "{:?}", appended(&effects));
    // A recovered draft is thrown away only on a yes; a no goes back to the offer.
    let mut app = demo_app();
    update(
        &mut app,
        Msg::DraftFound(Draft {
            incident: None,
            kind: EntryKind::Note,
            text: "the cert on lb-eu-2 expired".into(),
        }),
    );
    let effects = press(&mut app, "x");
    assert!(
        saved_draft(&app, &effects).is_none(),
        "nothing thrown away yet"
    );
    assert!(question(&app).starts_with("Throw the recovered draft away"));
    press(&mut app, "i");
    assert_eq!(app.mode(), Mode::Recovery);
}

#[test]
fn a_palette_command_typed_into_the_entry_box_is_asked_about_not_logged() {
    let mut app = demo_app();
    act(&mut app, Action::OpenEntry);
    let effects = press(&mut app, ":claim\n");
    assert!(appended(&effects).is_empty(), "{:?}", appended(&effects));
    assert!(
        question(&app).contains("looks like the command :claim"),
        "{}",
        question(&app)
    );
    press(&mut app, "n");
    assert_eq!(app.entry.text(), ":claim", "kept for Esc and the palette");
    // Said yes to, it is a note after all.
    press(&mut app, "\n");
    let sent = appended(&read_then_press(&mut app, "y"));
    assert!(matches!(&sent[0].1[0], Body::Note { text } if text == ":claim"));
}

#[test]
fn a_scribe_records_for_someone_else_with_an_at_prefix() {
    let mut app = demo_app();
    act(&mut app, Action::OpenEntry);
    type_str(&mut app, "/d @jonas: we roll back 4512");
    let effects = press(&mut app, "\n");
    let drafts: Vec<&warroom::store::NewEvent> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Append { drafts, .. } => Some(drafts),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(drafts.len(), 1, "{effects:?}");
    assert_eq!(drafts[0].author, "jonas", "credited to who said it");
    assert_eq!(drafts[0].recorded_by.as_deref(), Some("alice"));
    assert_eq!(
        drafts[0].body,
        Body::Decision {
            text: "we roll back 4512".into()
        }
    );
    // A mention is text, and one's own name records nothing extra.
    for (typed, author) in [
        ("@jonas please look at the card errors", "alice"),
        ("@ALICE: noted", "alice"),
    ] {
        type_str(&mut app, typed);
        let effects = press(&mut app, "\n");
        let draft = effects
            .iter()
            .find_map(|e| match e {
                Effect::Append { drafts, .. } => drafts.first().cloned(),
                _ => None,
            })
            .expect("a draft");
        assert_eq!(draft.author, author, "{typed}");
        assert_eq!(draft.recorded_by, None, "{typed}");
    }
    assert_eq!(
        warroom::app::split_credit("@jonas: x"),
        Some(("jonas", "x"))
    );
    assert_eq!(warroom::app::split_credit("@ jonas: x"), None);
    assert_eq!(warroom::app::split_credit("@jonas x: y"), None);
}

#[test]
fn the_work_list_moves_tasks_objectives_and_hypotheses_by_keys() {
    let mut app = demo_app();
    // The sample has hypotheses; a task and an objective are added from the list.
    press(&mut app, "w");
    assert_eq!(app.mode(), Mode::Work);
    press(&mut app, "n");
    assert_eq!(app.mode(), Mode::Palette, "n opens the palette on `task `");
    update(&mut app, Msg::Paste("roll back 4512 owner=jonas".into()));
    let effects = act(&mut app, Action::Submit);
    commit(&mut app, &effects);
    press(&mut app, "N");
    update(&mut app, Msg::Paste("stop the card failures".into()));
    let effects = act(&mut app, Action::Submit);
    commit(&mut app, &effects);
    let state = app.incident().unwrap();
    assert_eq!(state.tasks.len(), 1);
    assert_eq!(state.objectives.len(), 1);
    assert_eq!(app.mode(), Mode::Work, "back on the list");
    let list = warroom::app::work::items(app.incident().unwrap());
    assert!(matches!(list[0], warroom::app::work::Item::Objective(0)));
    assert!(matches!(list[1], warroom::app::work::Item::Task(0)));
    // Objective: d meets it.
    let effects = press(&mut app, "gd");
    assert_eq!(
        appended(&effects)[0].1,
        vec![Body::ObjectiveMoved {
            objective: app.incident().unwrap().objectives[0].id,
            stage: warroom::domain::ObjectiveStage::Met
        }]
    );
    commit(&mut app, &effects);
    // Task: Space moves it on, twice: in progress, then done.
    for want in [
        warroom::domain::TaskState::InProgress,
        warroom::domain::TaskState::Done,
    ] {
        let effects = press(&mut app, "gj ");
        let sent = appended(&effects);
        assert!(
            matches!(&sent[0].1[0], Body::TaskMoved { state: Some(s), .. } if *s == want),
            "{sent:?}"
        );
        commit(&mut app, &effects);
    }
    assert_notice_after(&mut app, "gj ", "nothing to move on");
    // Hypothesis: d confirms; x asks for the reason in the palette.
    let effects = press(&mut app, "gjjd");
    let sent = appended(&effects);
    assert!(
        matches!(
            &sent[0].1[0],
            Body::HypothesisJudged {
                verdict: warroom::domain::Verdict::Confirmed,
                ..
            }
        ),
        "{sent:?}"
    );
    commit(&mut app, &effects);
    press(&mut app, "gjjjx");
    assert_eq!(app.mode(), Mode::Palette);
    match app.overlays.last() {
        Some(Overlay::Palette { input, .. }) => {
            let line = input.lines().join(" ");
            assert!(
                line.starts_with("hypothesis ") && line.ends_with(" ruled-out "),
                "{line}"
            );
        }
        _ => panic!("the palette is not open"),
    }
}

/// Presses `keys` and checks the hint bar then says `words`.
fn assert_notice_after(app: &mut App, keys: &str, words: &str) {
    let effects = press(app, keys);
    assert!(appended(&effects).is_empty(), "{:?}", appended(&effects));
    assert_notice(app, words);
}

#[test]
fn a_word_about_command_goes_once_command_moves_and_a_stranger_credit_is_asked_about() {
    let mut app = demo_app();
    app.notice = Some("done: priya offered command to jonas (pending until jonas accepts)".into());
    let incident = app.shown.unwrap();
    let at = now() + chrono::TimeDelta::seconds(5);
    let accepted = |n: u64, body: Body| Event {
        id: ulid::Ulid::from_parts(at.timestamp_millis() as u64, u128::from(n)),
        origin: "far".into(),
        seq: n,
        incident,
        author: "jonas".into(),
        recorded_by: None,
        at,
        logged_at: at,
        body,
    };
    // Another note leaves it; command moving clears it.
    update(
        &mut app,
        Msg::Events(vec![accepted(
            90,
            Body::Note {
                text: "still here".into(),
            },
        )]),
    );
    assert!(app.notice.is_some());
    update(
        &mut app,
        Msg::Events(vec![
            accepted(
                91,
                Body::HandoffOffered {
                    from: "priya".into(),
                    to: "jonas".into(),
                },
            ),
            accepted(
                92,
                Body::HandoffAccepted {
                    from: "priya".into(),
                    to: "jonas".into(),
                },
            ),
        ]),
    );
    assert_eq!(
        app.incident().unwrap().command.commander.as_deref(),
        Some("jonas")
    );
    assert_eq!(app.notice, None, "no stale word about a pending handoff");
    // Words credited to a name the room does not know are asked about.
    act(&mut app, Action::OpenEntry);
    type_str(&mut app, "@jonsa: roll back now");
    let effects = press(&mut app, "\n");
    assert!(appended(&effects).is_empty());
    assert!(
        question(&app).contains("jonsa is not on the roster"),
        "{}",
        question(&app)
    );
}

#[test]
fn an_acceptance_asked_before_the_offer_changed_records_nothing() {
    let mut app = demo_app();
    let incident = app.shown.unwrap();
    let at = now() + chrono::TimeDelta::seconds(5);
    let from_priya = |n: u64, body: Body| Event {
        id: ulid::Ulid::from_parts(at.timestamp_millis() as u64, u128::from(n)),
        origin: "far".into(),
        seq: n,
        incident,
        author: "priya".into(),
        recorded_by: None,
        at,
        logged_at: at,
        body,
    };
    update(
        &mut app,
        Msg::Events(vec![from_priya(
            80,
            Body::HandoffOffered {
                from: "priya".into(),
                to: "alice".into(),
            },
        )]),
    );
    run_command(&mut app, "accept");
    assert_eq!(app.mode(), Mode::Briefing);
    press(&mut app, "a");
    assert!(question(&app).contains("Take command from priya"));
    // priya withdraws it while alice reads the question.
    update(
        &mut app,
        Msg::Events(vec![from_priya(
            81,
            Body::HandoffCancelled {
                from: "priya".into(),
                to: "alice".into(),
                declined: false,
            },
        )]),
    );
    let effects = read_then_press(&mut app, "y");
    assert!(appended(&effects).is_empty(), "{:?}", appended(&effects));
    assert_notice(&app, "the handoff was withdrawn or changed");
}

/// An inbox alert (a group of its own), `secs` after now.
fn inbox_alert(n: u64, text: &str) -> Event {
    let at = now() + chrono::TimeDelta::seconds(n as i64);
    let id = ulid::Ulid::from_parts(at.timestamp_millis() as u64, u128::from(n) + 5000);
    Event {
        id,
        origin: "far".into(),
        seq: n + 5000,
        incident: id,
        author: "alertmanager".into(),
        recorded_by: None,
        at,
        logged_at: at,
        body: Body::AlertReceived {
            text: text.into(),
            source: Some("alertmanager".into()),
            fingerprint: format!("fp{n}"),
            labels: Default::default(),
            resolved: false,
            url: None,
        },
    }
}

#[test]
fn the_inbox_acknowledges_sends_to_the_incident_shown_and_triages_into_a_new_one() {
    let mut app = demo_app();
    let shown = app.shown.unwrap();
    update(
        &mut app,
        Msg::Events(vec![
            inbox_alert(1, "disk 95% on db-1"),
            inbox_alert(2, "HighErrorRate: 5xx above 5%"),
        ]),
    );
    assert_eq!(app.inbox.len(), 2);
    assert_eq!(app.shown, Some(shown), "an alert does not take the screen");
    press(&mut app, "A");
    assert_eq!(app.mode(), Mode::Inbox);
    // The newest firing first: HighErrorRate. a acknowledges it.
    let effects = press(&mut app, "a");
    assert_eq!(appended(&effects)[0].1, vec![Body::AlertAcknowledged {}]);
    // o sends it to the incident shown, after a yes naming the incident.
    assert!(appended(&press(&mut app, "o")).is_empty());
    assert!(
        question(&app).contains("Send the alert \"HighErrorRate"),
        "{}",
        question(&app)
    );
    let effects = read_then_press(&mut app, "y");
    let drafts: Vec<&warroom::store::NewEvent> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Append { drafts, .. } => Some(drafts),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(matches!(drafts[0].body, Body::AlertAttached { incident } if incident == shown));
    assert_eq!(drafts[1].incident, Some(shown));
    assert!(
        matches!(&drafts[1].body, Body::Alert { text, .. } if text.starts_with("HighErrorRate"))
    );
    // t triages the other into a new incident that takes it once declared.
    let disk = app
        .inbox
        .iter()
        .copied()
        .find(|id| {
            app.incidents[id]
                .alert
                .as_ref()
                .is_some_and(|a| a.text.starts_with("disk"))
        })
        .unwrap();
    act(&mut app, Action::Close);
    press(&mut app, "A");
    // Only two listed; the disk alert is the second (older) one.
    press(&mut app, "j");
    press(&mut app, "t");
    assert_eq!(app.mode(), Mode::Triage);
    // Everyone affected, no data at risk, spreading: P1, declared with d.
    press(&mut app, "1");
    press(&mut app, "2");
    press(&mut app, "1");
    press(&mut app, "d");
    // Recording it asks first (y, after reading).
    let effects = yes(&mut app);
    let purpose = effects.iter().find_map(|e| match e {
        Effect::Append { purpose, .. } => Some(*purpose),
        _ => None,
    });
    assert_eq!(purpose, Some(Purpose::DeclareFromAlert(disk)));
    // Once the opening commits, the alert goes to the new incident.
    let (after, _) = committed(&mut app, Purpose::DeclareFromAlert(disk), &effects);
    let sent: Vec<Body> = after
        .iter()
        .filter_map(|e| match e {
            Effect::Append { drafts, .. } => Some(drafts.iter().map(|d| d.body.clone())),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(
        matches!(
            sent.as_slice(),
            [Body::AlertAttached { .. }, Body::Alert { .. }]
        ),
        "{sent:?}"
    );
}

#[test]
fn a_recovered_draft_put_back_goes_to_its_incident_only_after_a_question() {
    let mut app = demo_app();
    let gone = ulid::Ulid::from_parts(1, 77);
    update(
        &mut app,
        Msg::DraftFound(Draft {
            incident: Some(gone),
            kind: EntryKind::Note,
            text: "written for an incident not here".into(),
        }),
    );
    act(&mut app, Action::Confirm);
    assert_eq!(app.mode(), Mode::Entry);
    let effects = act(&mut app, Action::Submit);
    assert!(appended(&effects).is_empty(), "not logged unasked");
    assert!(
        question(&app).contains("This text was begun on")
            && question(&app).contains("no longer here"),
        "{}",
        question(&app)
    );
}

#[test]
fn a_log_read_again_is_history_not_news_until_it_is_loaded() {
    let page = |app: &App, n: u64| {
        let incident = app
            .incidents
            .values()
            .find(|s| s.status.is_open())
            .map(|s| s.id)
            .unwrap();
        let at = now() + chrono::TimeDelta::seconds(n as i64);
        Event {
            id: ulid::Ulid::from_parts(at.timestamp_millis() as u64, 9000 + u128::from(n)),
            origin: "far".into(),
            seq: 9000 + n,
            incident,
            author: "priya".into(),
            recorded_by: None,
            at,
            logged_at: at,
            body: Body::ResponderPaged {
                person: "alice".into(),
                via: None,
            },
        }
    };
    for (what, broke) in [
        ("a read broken off", Msg::ReadAgain),
        ("a file replaced", Msg::Rewound),
        ("a log not read", Msg::ReadFailed),
    ] {
        let mut app = demo_app();
        let log = warroom::demo::events("demo", now());
        let old_page = page(&app, 1);
        update(&mut app, broke);
        assert!(
            app.reading().is_some(),
            "{what}: nothing is judged meanwhile"
        );
        // The log sent again, an old page of alice in it: no banner, no bell.
        let mut again = log.clone();
        again.push(old_page);
        let effects = update(&mut app, Msg::Events(again));
        assert!(app.banners.is_empty(), "{what}: {:?}", app.banners);
        assert!(!effects.iter().any(|e| matches!(e, Effect::Bell)), "{what}");
        update(&mut app, Msg::Loaded);
        assert!(app.reading().is_none(), "{what}");
        // Once read, a new page is news again.
        let fresh = page(&app, 2);
        update(&mut app, Msg::Events(vec![fresh]));
        assert_eq!(app.banners.len(), 1, "{what}: {:?}", app.banners);
    }
}

#[test]
fn what_others_record_for_you_is_a_banner_and_the_ring_is_yours_to_choose() {
    use warroom::app::notify::{Attention, Ring};
    let mut app = demo_app();
    let incident = app.shown.unwrap();
    let at = now() + chrono::TimeDelta::seconds(9);
    let by = |n: u64, author: &str, body: Body| far_event(incident, at, 8000 + n, author, body);
    // A role given to alice shows without a sound (by default); a page rings.
    let effects = update(
        &mut app,
        Msg::Events(vec![by(
            1,
            "priya",
            Body::RoleAssigned {
                person: "alice".into(),
                role: warroom::domain::Role::Scribe,
            },
        )]),
    );
    assert_eq!(app.banners.len(), 1);
    assert!(
        app.banners[0].text.contains("you are scribe"),
        "{:?}",
        app.banners
    );
    assert!(!effects.iter().any(|e| matches!(e, Effect::Bell)));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Title(Some(t)) if t.contains("1 to notice")))
    );
    let effects = update(
        &mut app,
        Msg::Events(vec![by(
            2,
            "priya",
            Body::ResponderPaged {
                person: "ALICE".into(),
                via: None,
            },
        )]),
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::Bell)));
    // Her own entries are no news to her.
    let effects = update(
        &mut app,
        Msg::Events(vec![by(
            3,
            "alice",
            Body::ResponderPaged {
                person: "alice".into(),
                via: None,
            },
        )]),
    );
    assert!(effects.is_empty() && app.banners.len() == 2);
    // Esc clears them, and the title is the console's again.
    let effects = press(&mut app, "\x1b");
    assert!(app.banners.is_empty());
    assert!(effects.iter().any(|e| matches!(e, Effect::Title(None))));
    // WARROOM_RING: a list, all or none; P1 always rings; a typo names the choices.
    assert!(Ring::read("none").unwrap().0.contains(&Attention::P1));
    assert!(
        Ring::read("role, alert")
            .unwrap()
            .0
            .contains(&Attention::Role)
    );
    let err = Ring::read("pgae").unwrap_err();
    assert!(err.contains("page") && err.contains("all or none"), "{err}");
    app.setup.ring = Ring::read("role").unwrap();
    let effects = update(
        &mut app,
        Msg::Events(vec![by(
            4,
            "priya",
            Body::RoleAssigned {
                person: "alice".into(),
                role: warroom::domain::Role::Deputy,
            },
        )]),
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::Bell)));
}

#[test]
fn an_overdue_update_on_an_incident_you_command_is_noticed_once() {
    let mut app = demo_app();
    // priya commands the sample's incident, whose responders' update is overdue.
    app.setup.me = "priya".into();
    let effects = update(&mut app, Msg::Tick(now() + chrono::TimeDelta::seconds(1)));
    assert!(
        app.banners
            .iter()
            .any(|b| b.text.contains("update to responders")),
        "{:?}",
        app.banners
    );
    assert!(!effects.is_empty());
    let effects = update(&mut app, Msg::Tick(now() + chrono::TimeDelta::seconds(2)));
    assert!(effects.is_empty(), "noticed once, not on every tick");
}

/// Before the log is read, the console does not know what the file holds: keys that
/// would judge it wait and say so (the sample incidents are not loaded into a file that
/// may hold years of them, quitting asks, nothing is said to be missing), text typed
/// stays in the box, and the word about waiting goes once the log is here.
#[test]
fn keys_that_judge_the_log_wait_until_it_is_read() {
    let mut app = App::new("alice", "w.db", None, now());
    for action in [
        Action::LoadDemo,
        Action::OpenSwitcher,
        Action::OpenTriage,
        Action::OpenPalette,
    ] {
        let effects = act(&mut app, action);
        assert!(effects.is_empty(), "{action:?}: {effects:?}");
        assert_eq!(app.mode(), Mode::Normal, "{action:?}");
        assert_notice(&app, "the log is still being read; try again in a moment");
    }
    assert!(act(&mut app, Action::Quit).is_empty());
    assert!(
        matches!(app.overlays.last(), Some(Overlay::Ask(c)) if matches!(**c, Confirmation::Quit))
    );
    app.overlays.clear();
    act(&mut app, Action::OpenEntry);
    let mut effects = type_str(&mut app, "db failover started");
    effects.extend(act(&mut app, Action::Submit));
    assert!(appended(&effects).is_empty());
    let error = app.entry.error.clone().unwrap_or_default();
    assert!(
        error.contains("still being read") && error.contains("stays"),
        "{error}"
    );
    assert_eq!(app.entry.text(), "db failover started");

    update(&mut app, Msg::Events(warroom::demo::events("demo", now())));
    update(&mut app, Msg::Loaded);
    assert_eq!(
        app.entry.error, None,
        "the word about waiting went with the wait"
    );
    let effects = act(&mut app, Action::Submit);
    assert_eq!(appended(&effects).len(), 1, "sent once the log is read");
}

/// The demo's closed incident held by its head only (folded from the kinds that decide
/// a head), as a console that started on a long history holds it: its id and its whole
/// log, which the store would send when asked.
fn closed_held_by_head(app: &mut App) -> (ulid::Ulid, Vec<Event>) {
    let closed = app
        .incident_list()
        .into_iter()
        .find(|i| !i.is_open())
        .map(|i| i.id)
        .expect("the demo has a closed incident");
    let whole = app.incidents.remove(&closed).unwrap();
    let events: Vec<Event> = whole.timeline.iter().map(|e| (*e.event).clone()).collect();
    let head = warroom::domain::IncidentState::fold(
        closed,
        events
            .iter()
            .filter(|e| warroom::domain::IncidentSummary::KINDS.contains(&e.kind()))
            .cloned(),
    );
    assert!(head.timeline.len() < events.len(), "a head, not the whole");
    update(app, Msg::Heads(vec![Box::new(head)]));
    assert!(app.partial.contains(&closed));
    (closed, events)
}

/// While a closed incident chosen is read whole, the console says so instead of "no
/// incident", keeps typed text, and lets go of the word once it is here.
#[test]
fn keys_on_an_incident_being_read_wait_for_it() {
    let mut app = demo_app();
    let (closed, events) = closed_held_by_head(&mut app);
    app.show(closed);
    update(&mut app, Msg::Tick(now()));
    let effects = app.reads_due();
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Read::Whole(id) if *id == closed)),
        "{effects:?}"
    );
    assert!(app.incident().is_none() && app.loading().is_some());
    let (_, count) = app.shown_position();
    assert!(count >= 2, "the header still counts it");
    for action in [
        Action::OpenTriage,
        Action::OpenReview,
        Action::ComposeUpdate,
    ] {
        assert!(act(&mut app, action).is_empty());
        assert_notice(
            &app,
            "is still being read from the log; try again in a moment",
        );
    }
    act(&mut app, Action::OpenEntry);
    type_str(&mut app, "late note");
    assert!(appended(&act(&mut app, Action::Submit)).is_empty());
    assert!(
        app.entry
            .error
            .as_deref()
            .is_some_and(|e| e.contains("still being read"))
    );
    // A palette command about it waits, typed, in the palette (found in trial).
    act(&mut app, Action::Close);
    act(&mut app, Action::OpenPalette);
    type_str(&mut app, "severity P3 probe");
    assert!(appended(&act(&mut app, Action::Submit)).is_empty());
    let Some(Overlay::Palette { error, .. }) = app.overlays.last() else {
        panic!("the palette stays open");
    };
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("still being read")),
        "{error:?}"
    );
    update(&mut app, Msg::Whole { id: closed, events });
    assert!(app.incident().is_some_and(|s| s.id == closed));
    assert_eq!(app.notice, None);
    let effects = act(&mut app, Action::Submit);
    assert_eq!(
        appended(&effects).len(),
        1,
        "sent once it is read: {effects:?}"
    );
}

/// A read the store could not make is said, asked again after a pause (not at every
/// key), and a metrics overlay waiting for one goes with a word on how to try again.
#[test]
fn a_read_that_fails_is_said_and_tried_again_after_a_pause() {
    let mut app = demo_app();
    let (closed, _) = closed_held_by_head(&mut app);
    app.show(closed);
    let asks = |effects: &[Read]| {
        effects
            .iter()
            .filter(|e| matches!(e, Read::Whole(id) if *id == closed))
            .count()
    };
    let tick = |app: &mut App, at| {
        update(app, Msg::Tick(at));
        app.reads_due()
    };
    assert_eq!(asks(&tick(&mut app, now())), 1);
    assert_eq!(asks(&tick(&mut app, now())), 0, "asked once");
    update(
        &mut app,
        Msg::NotRead {
            incident: Some(closed),
            error: "disk I/O error".into(),
        },
    );
    assert_notice(&app, "cannot read");
    assert_notice(&app, "disk I/O error");
    let soon = now() + chrono::TimeDelta::seconds(1);
    assert_eq!(asks(&tick(&mut app, soon)), 0, "not at once");
    // Looked away meanwhile: still asked again.
    app.show(app.incident_list()[0].id);
    let later = now() + chrono::TimeDelta::seconds(3);
    assert_eq!(asks(&tick(&mut app, later)), 1, "again after a pause");

    act(&mut app, Action::OpenMetrics);
    let effects = app.reads_due();
    assert!(
        effects.iter().any(|e| matches!(e, Read::Metrics)),
        "{effects:?}"
    );
    update(
        &mut app,
        Msg::NotRead {
            incident: None,
            error: "disk I/O error".into(),
        },
    );
    assert!(
        !app.overlays
            .iter()
            .any(|o| matches!(o, Overlay::Metrics { .. }))
    );
    assert_notice(&app, "open them again");
}

/// `T` shows the incident as it stood at the selected entry: the fold of the entries
/// up to it, moving with the cursor, read-only, until Esc.
#[test]
fn as_of_shows_the_fold_up_to_the_selected_entry_read_only_until_esc() {
    let mut app = demo_app();
    act(&mut app, Action::FocusTimeline);
    let now_state = app.incident().unwrap().clone();
    let total = now_state.timeline.len();
    // Back to an entry from before the commander of now took command.
    let back = now_state
        .timeline
        .iter()
        .position(|e| {
            matches!(
                e.event.body,
                Body::SeveritySet { .. } | Body::StatusChanged { .. }
            )
        })
        .unwrap()
        + 1;
    for _ in 0..(total - back) {
        act(&mut app, Action::Up);
    }
    act(&mut app, Action::AsOf);
    let as_of = app.as_of.clone().expect("in as-of mode");
    assert_eq!((as_of.position, as_of.total), (back, total));
    let events: Vec<Event> = now_state.timeline[..back]
        .iter()
        .map(|e| (*e.event).clone())
        .collect();
    let expected = warroom::domain::IncidentState::fold(now_state.id, events);
    assert!(
        app.pane_state().unwrap() == &expected,
        "the fold of the prefix"
    );
    assert!(app.pane_state().unwrap() != &now_state, "not now");
    assert_eq!(app.pane_now(), now_state.timeline[back - 1].event.at);

    // Moving moves the moment.
    act(&mut app, Action::Down);
    assert_eq!(app.as_of.as_ref().unwrap().position, back + 1);
    act(&mut app, Action::Up);
    assert_eq!(app.as_of.as_ref().unwrap().position, back);

    // Nothing is recorded or done to people from the past: one line says why.
    for action in [Action::OpenEntry, Action::OpenPalette, Action::OpenTriage] {
        let effects = act(&mut app, action);
        assert!(effects.is_empty(), "{action:?}");
        assert!(app.overlays.is_empty() && !app.entry.open, "{action:?}");
        let notice = app.notice.clone().unwrap_or_default();
        assert!(
            notice.contains("read-only") && notice.contains("Esc returns to now"),
            "{notice}"
        );
    }
    act(&mut app, Action::FocusRoster);
    assert!(act(&mut app, Action::Claim).is_empty());
    assert!(app.overlays.is_empty(), "not even asked");

    // Another entry arriving changes nothing of the moment shown.
    let incident = now_state.id;
    let later = Event {
        id: ulid::Ulid::from_parts(now().timestamp_millis() as u64 + 5, 1),
        origin: "peer".into(),
        seq: 1,
        incident,
        author: "bo".into(),
        recorded_by: None,
        at: now() + chrono::TimeDelta::seconds(5),
        logged_at: now() + chrono::TimeDelta::seconds(5),
        body: Body::Note {
            text: "arrived meanwhile".into(),
        },
    };
    update(&mut app, Msg::Events(vec![later]));
    assert!(app.pane_state().unwrap() == &expected);

    // Esc: now again, and writing works.
    act(&mut app, Action::ClearBanners);
    assert!(app.as_of.is_none());
    assert_eq!(app.pane_state().unwrap().timeline.len(), total + 1);
    act(&mut app, Action::OpenEntry);
    assert!(app.entry.open);
}

/// Entered while following the newest entry, the moment stays where it was as entries
/// arrive; and the entry box opening again (a failed write puts its text back) ends
/// "as of", so nothing is typed under a READ-ONLY banner.
#[test]
fn as_of_holds_its_moment_as_entries_arrive_and_leaves_when_the_entry_box_opens() {
    let mut app = demo_app();
    let total = app.incident().unwrap().timeline.len();
    act(&mut app, Action::AsOf);
    assert_eq!(app.as_of.as_ref().unwrap().position, total);
    let incident = app.incident().unwrap().id;
    let later = Event {
        id: ulid::Ulid::from_parts(now().timestamp_millis() as u64 + 7, 1),
        origin: "peer".into(),
        seq: 1,
        incident,
        author: "bo".into(),
        recorded_by: None,
        at: now() + chrono::TimeDelta::seconds(7),
        logged_at: now() + chrono::TimeDelta::seconds(7),
        body: Body::Note {
            text: "arrived meanwhile".into(),
        },
    };
    update(&mut app, Msg::Events(vec![later]));
    let as_of = app.as_of.as_ref().unwrap();
    assert_eq!(
        (as_of.position, as_of.total),
        (total, total + 1),
        "still the same moment"
    );
    app.entry.open = true;
    update(&mut app, Msg::Notice("a write failed".into()));
    assert!(app.as_of.is_none(), "the present has the keys");
}

/// A page to you not yet answered and command offered to you, recorded while you had
/// no console open, are banners once your console has read the log: on open incidents
/// only, not once answered, not for anyone else, and not again after a re-read; an
/// offer's banner is taken down once the offer is accepted or withdrawn.
#[test]
fn a_page_and_an_offer_left_while_you_were_away_wait_for_you_at_start() {
    let log = warroom::demo::events("demo", now());
    let live = log.last().unwrap().incident;
    let ended = log.iter().find(|e| e.incident != live).unwrap().incident;
    let mut n = 7000;
    let mut by = |incident, minutes_ago: i64, author: &str, body: Body| {
        n += 1;
        far_event(
            incident,
            now() - chrono::TimeDelta::minutes(minutes_ago),
            n,
            author,
            body,
        )
    };
    let paged = |person: &str| Body::ResponderPaged {
        person: person.into(),
        via: None,
    };
    // priya offers bob command, and withdraws it.
    let offer = || Body::HandoffOffered {
        from: "priya".into(),
        to: "bob".into(),
    };
    let withdraw = || Body::HandoffCancelled {
        from: "priya".into(),
        to: "bob".into(),
        declined: false,
    };
    let mut away = log.clone();
    away.push(by(live, 12, "priya", paged("bob")));
    away.push(by(ended, 11, "priya", paged("bob")));
    away.push(by(live, 0, "priya", offer()));
    let start = |who: &str, events: Vec<Event>| {
        let mut app = App::new(who, "w.db", None, now());
        update(&mut app, Msg::Events(events));
        let effects = update(&mut app, Msg::Loaded);
        (app, effects)
    };

    let (mut app, effects) = start("bob", away.clone());
    let texts: Vec<&str> = app.banners.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts[0].starts_with("you were paged 12m ago for ")
            && texts[0].contains("Checkout failing")
            && texts[0].ends_with(", not answered yet"),
        "{texts:?}"
    );
    assert!(
        texts[1].starts_with("priya offers you command of ") && texts[1].ends_with("(:accept)"),
        "{texts:?}"
    );
    assert!(app.banners.iter().all(|b| b.about == live));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Bell)),
        "a page rings"
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Title(Some(t)) if t.contains("2 to notice")))
    );

    // Read again (a file replaced): what was seen is not raised again.
    press(&mut app, "\x1b");
    update(&mut app, Msg::Rewound);
    update(&mut app, Msg::Events(away.clone()));
    update(&mut app, Msg::Loaded);
    assert!(app.banners.is_empty(), "{:?}", app.banners);

    // A first read that failed, then one that came whole: raised all the same.
    let mut app = App::new("bob", "w.db", None, now());
    update(&mut app, Msg::ReadFailed);
    update(&mut app, Msg::Events(away.clone()));
    update(&mut app, Msg::Loaded);
    assert_eq!(app.banners.len(), 2, "{:?}", app.banners);

    // Nothing for someone else.
    let (app, effects) = start("carol", away.clone());
    assert!(
        app.banners.is_empty() && effects.is_empty(),
        "{:?}",
        app.banners
    );

    // A page answered is not waiting; the offer still is.
    let mut answered = away.clone();
    answered.push(by(
        live,
        0,
        "bob",
        Body::ResponderAcknowledged {
            person: "bob".into(),
        },
    ));
    let (mut app, _) = start("bob", answered.clone());
    assert_eq!(app.banners.len(), 1, "{:?}", app.banners);
    assert!(app.banners[0].text.contains("offers you command"));

    // Accepted (by `warroom accept` in another shell, say): no longer offered, so the
    // banner is taken down rather than send bob to accept what is not there.
    let accepted = by(
        live,
        0,
        "bob",
        Body::HandoffAccepted {
            from: "priya".into(),
            to: "bob".into(),
        },
    );
    let effects = update(&mut app, Msg::Events(vec![accepted]));
    assert!(app.banners.is_empty(), "{:?}", app.banners);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Title(None))),
        "the title stops counting it: {effects:?}"
    );
    // Withdrawn: the same.
    let (mut app, _) = start("bob", answered);
    let withdrawn = by(live, 0, "priya", withdraw());
    let effects = update(&mut app, Msg::Events(vec![withdrawn]));
    assert!(app.banners.is_empty(), "{:?}", app.banners);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Title(None))),
        "{effects:?}"
    );
    // An offer and its withdrawal read together (a peer's catch-up): nothing to notice.
    let (mut app, _) = start("bob", log.clone());
    assert!(app.banners.is_empty(), "{:?}", app.banners);
    let offered = by(live, 0, "priya", offer());
    let withdrawn = by(live, 0, "priya", withdraw());
    update(&mut app, Msg::Events(vec![offered, withdrawn]));
    assert!(app.banners.is_empty(), "{:?}", app.banners);
}

/// Paging from the roster of an incident that is over asks once, saying it is over:
/// the question names the incident's state one time, not twice.
#[test]
fn a_page_from_the_roster_of_an_ended_incident_says_so_once() {
    let mut app = demo_app();
    let incident = app.shown.unwrap();
    let resolved = far_event(
        incident,
        now() + chrono::TimeDelta::seconds(5),
        6001,
        "priya",
        Body::Resolution {
            code: "rollback".into(),
            summary: "rolled back".into(),
            checklist: Vec::new(),
        },
    );
    update(&mut app, Msg::Events(vec![resolved]));
    assert_eq!(app.incident().unwrap().status, Status::Resolved);
    act(&mut app, Action::FocusRoster);
    act(&mut app, Action::Down);
    assert_eq!(
        warroom::app::roster::selected(&app).as_deref(),
        Some("jonas")
    );
    assert!(appended(&act(&mut app, Action::Page)).is_empty());
    let asked = question(&app);
    assert_eq!(asked.matches("is RESOLVED").count(), 1, "{asked}");
    assert!(asked.contains("Page jonas"), "{asked}");
    // Yes pages them all the same.
    let sent = appended(&yes(&mut app));
    assert!(
        matches!(&sent[0].1[..], [Body::ResponderPaged { person, .. }] if person == "jonas"),
        "{sent:?}"
    );
}

/// An event another replica ("far") recorded as its number `n`, at `at`.
fn far_event(incident: ulid::Ulid, at: Timestamp, n: u64, author: &str, body: Body) -> Event {
    Event {
        id: ulid::Ulid::from_parts(at.timestamp_millis() as u64, u128::from(n)),
        origin: "far".into(),
        seq: n,
        incident,
        author: author.into(),
        recorded_by: None,
        at,
        logged_at: at,
        body,
    }
}
