//! Every pane and overlay at 80x24, 120x40 and 200x60 with long names and long titles:
//! nothing a person acts on is cut (the conflict's instruction, names of 16 characters,
//! roles, the watchers, the reason a command failed, review columns).
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

use chrono::{TimeDelta, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ulid::Ulid;
use warroom::app::{Action, App, Msg, Pane, Zone, update};
use warroom::domain::{Body, Event, Role, Severity, Status, Timestamp};
use warroom::ui::{self, Theme};

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

/// Names of 16 characters, the longest a roster must show whole.
const COMMANDER: &str = "maximilian.weber";
const CLAIMANT: &str = "anastasia.petrov";
const TECH: &str = "oluwaseun.adeyem";
const COMMS: &str = "bartholomew.king";
const TITLE: &str = "Checkout and payment authorisation failing for every customer in the EU and UK regions since the 14:00 deploy";

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 27, 15, 0, 0).unwrap()
}

fn events() -> Vec<Event> {
    let start = now() - TimeDelta::minutes(60);
    let incident = Ulid::from_parts(start.timestamp_millis() as u64, 1);
    let mut out: Vec<Event> = Vec::new();
    let mut push = |minute: i64, author: &str, body: Body| {
        let at = start + TimeDelta::minutes(minute);
        let n = out.len() as u64;
        let id = if n == 0 {
            incident
        } else {
            Ulid::from_parts(at.timestamp_millis() as u64, u128::from(n) + 10)
        };
        out.push(Event {
            id,
            origin: "t".into(),
            seq: n + 1,
            incident,
            author: author.into(),
            recorded_by: None,
            at,
            logged_at: at,
            body,
        });
    };
    push(
        0,
        COMMANDER,
        Body::IncidentOpened {
            title: TITLE.into(),
            detected_at: None,
            drill: false,
            pace: None,
        },
    );
    push(
        1,
        COMMANDER,
        Body::SeveritySet {
            severity: Severity::P1,
            reason: Some("every EU and UK customer fails to pay at checkout".into()),
            triage: Vec::new(),
        },
    );
    push(
        1,
        COMMANDER,
        Body::StatusChanged {
            status: Status::Investigating,
            reason: None,
        },
    );
    push(
        2,
        COMMANDER,
        Body::CommandClaimed {
            commander: COMMANDER.into(),
        },
    );
    for (minute, person, role) in [
        (3, TECH, Role::TechLead),
        (4, COMMS, Role::Communications),
        (5, CLAIMANT, Role::Deputy),
    ] {
        push(
            minute,
            COMMANDER,
            Body::RoleAssigned {
                person: person.into(),
                role,
            },
        );
        push(
            minute,
            person,
            Body::ResponderEngaged {
                person: person.into(),
            },
        );
    }
    push(
        10,
        TECH,
        Body::Hypothesis {
            text: "the 14:00 deploy of payment-gateway changed the TLS settings towards the card processor".into(),
        },
    );
    push(
        20,
        CLAIMANT,
        Body::CommandClaimed {
            commander: CLAIMANT.into(),
        },
    );
    push(
        30,
        COMMANDER,
        Body::Decision {
            text: "roll back payment-gateway to the release before 14:00 in every EU and UK region, one region at a time".into(),
        },
    );
    push(
        40,
        COMMANDER,
        Body::ActionItemOpened {
            title: "alert on TLS handshake failures between payment-gateway and the card processor before customers notice".into(),
            owner: Some(TECH.into()),
            due: None,
            priority: None,
        },
    );
    out
}

fn app() -> App {
    let mut app = App::new(COMMANDER, "/srv/warroom/incidents/warroom.db", None, now());
    app.setup.zone = Zone::Utc;
    update(&mut app, Msg::Events(events()));
    update(&mut app, Msg::Loaded);
    let watcher = |n: u32, user: &str| warroom::store::Presence {
        session: format!("s{n}"),
        user: user.into(),
        host: "bastion-eu-west-1".into(),
        pid: 4000 + n,
        since: now() - TimeDelta::minutes(i64::from(n)),
    };
    app.setup.session = "s1".into();
    update(
        &mut app,
        Msg::Presence(vec![
            watcher(1, COMMANDER),
            watcher(2, CLAIMANT),
            watcher(3, TECH),
            watcher(4, COMMS),
            watcher(5, "observer.one"),
            watcher(6, "observer.two"),
        ]),
    );
    app
}

fn text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|frame| ui::render(frame, app, &Theme::dark()))
        .unwrap();
    terminal
}

#[test]
fn every_pane_with_long_names_at_three_sizes() {
    let app = app();
    for (w, h) in SIZES {
        let terminal = draw(&app, w, h);
        insta::assert_snapshot!(format!("long_console_{w}x{h}"), terminal.backend());
        for pane in <Pane as strum::IntoEnumIterator>::iter() {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal
                .draw(|frame| {
                    ui::render_pane(frame, Rect::new(0, 0, w, h), &app, &Theme::dark(), pane);
                })
                .unwrap();
            insta::assert_snapshot!(
                format!("long_pane_{}_{w}x{h}", pane.title().to_lowercase()),
                terminal.backend()
            );
        }
    }
}

#[test]
fn every_overlay_with_long_names_at_three_sizes() {
    let overlays: &[(&str, &[Action])] = &[
        ("switcher", &[Action::OpenSwitcher]),
        ("briefing", &[Action::OpenBriefing]),
        ("work", &[Action::OpenWork]),
        ("review", &[Action::OpenReview]),
        ("metrics", &[Action::OpenMetrics]),
        ("playbook", &[Action::OpenPlaybook]),
        ("inbox", &[Action::OpenInbox]),
        (
            "detail",
            &[Action::FocusTimeline, Action::Up, Action::OpenDetail],
        ),
        ("search", &[Action::Search]),
        ("triage", &[Action::OpenTriage]),
        ("help", &[Action::ToggleHelp]),
    ];
    for (name, actions) in overlays {
        let mut app = app();
        for action in *actions {
            update(&mut app, Msg::Action(*action));
        }
        if *name == "search" {
            update(&mut app, Msg::Typed("roll back".into()));
        }
        for (w, h) in SIZES {
            let terminal = draw(&app, w, h);
            insta::assert_snapshot!(format!("long_{name}_{w}x{h}"), terminal.backend());
        }
    }
}

#[test]
fn at_80x24_nothing_a_person_acts_on_is_cut() {
    let app = app();
    let screen = text(&draw(&app, 80, 24));
    // The conflict says what to do.
    assert!(
        screen.contains("confirm") || screen.contains(":confirm"),
        "the conflict keeps its instruction:\n{screen}"
    );
    // The header keeps who you are.
    assert!(
        screen.lines().next().unwrap().contains(COMMANDER),
        "{screen}"
    );
    // The roster shows every 16-character name whole, and roles as words.
    let mut roster = Terminal::new(TestBackend::new(80, 24)).unwrap();
    roster
        .draw(|frame| {
            ui::render_pane(
                frame,
                Rect::new(0, 0, 40, 12),
                &app,
                &Theme::dark(),
                Pane::Roster,
            );
        })
        .unwrap();
    let roster = text(&roster);
    for name in [COMMANDER, CLAIMANT, TECH, COMMS] {
        assert!(roster.contains(name), "{name} is whole in:\n{roster}");
    }
    assert!(
        !roster.contains("tec ") && !roster.contains("com "),
        "roles are readable:\n{roster}"
    );
}

#[test]
fn the_header_keeps_your_name_and_zone_beside_a_broken_peer_link() {
    let mut app = app();
    update(
        &mut app,
        Msg::Link(
            "peer-eu-west-1.incidents.example.net:7000".into(),
            warroom::peer::LinkState::Disconnected {
                since: now() - TimeDelta::minutes(3),
                retry_in: std::time::Duration::from_secs(30),
                reason: "connection refused by the far end after the handshake".into(),
            },
        ),
    );
    for (w, h) in SIZES {
        let screen = text(&draw(&app, w, h));
        let header = screen.lines().next().unwrap();
        assert!(
            header.contains(&format!("you: {COMMANDER}")) && header.contains("times UTC"),
            "{w}x{h}: {header}"
        );
        assert!(
            header.contains("peer") && header.contains("DISCONNECTED"),
            "{header}"
        );
    }
}

#[test]
fn the_watchers_are_reached_by_moving_down_the_roster() {
    let mut app = app();
    update(&mut app, Msg::Action(Action::FocusRoster));
    for _ in 0..20 {
        update(&mut app, Msg::Action(Action::Down));
    }
    assert_eq!(
        warroom::app::roster::selected(&app).as_deref(),
        Some("observer.two"),
        "the last row is the last watcher not on the roster"
    );
    let screen = text(&draw(&app, 80, 24));
    assert!(
        screen
            .lines()
            .any(|l| l.contains("> ") && l.contains("observer.two")),
        "and it is in view, selected:\n{screen}"
    );
    // Each person once: a responder with a console open is not listed again.
    let names = warroom::app::roster::names(&app, app.incident().unwrap());
    let mut once = names.clone();
    once.sort();
    once.dedup();
    assert_eq!(once.len(), names.len(), "{names:?}");
    assert_eq!(names.len(), 6, "{names:?}");
}

#[test]
fn review_columns_follow_the_width_and_owners_are_whole() {
    let mut app = app();
    update(&mut app, Msg::Action(Action::OpenReview));
    let narrow = text(&draw(&app, 80, 24));
    assert!(
        narrow.contains(TECH),
        "a 16-character owner is whole:\n{narrow}"
    );
    let wide = text(&draw(&app, 200, 60));
    assert!(
        wide.contains("alert on TLS handshake failures between payment-gateway and"),
        "the title has the room the box gives it, not 40 characters:\n{wide}"
    );
    assert!(wide.contains(TECH), "{wide}");
}

#[test]
fn the_header_says_a_named_zone_beside_a_long_name_shorter_where_it_must() {
    let mut app = app();
    app.setup.zone = Zone::Named(chrono_tz::America::New_York);
    let header = |w, h| text(&draw(&app, w, h)).lines().next().unwrap().to_string();
    let narrow = header(80, 24);
    assert!(
        narrow.contains(&format!("you: {COMMANDER}")) && narrow.contains("times America/New_York"),
        "{narrow}"
    );
    let wide = header(200, 60);
    assert!(wide.contains("times America/New_York UTC-05:00"), "{wide}");
}

#[test]
fn the_roster_offers_confirm_in_a_conflict_and_claim_only_while_nobody_commands() {
    let mut app = app();
    update(&mut app, Msg::Action(Action::FocusRoster));
    let screen = text(&draw(&app, 80, 24));
    let bar = screen.lines().last().unwrap();
    assert!(bar.contains("C confirm"), "{bar}");
    assert!(!bar.contains("c claim"), "command is held: {bar}");
}
