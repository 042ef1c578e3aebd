//! The timeline as a working tool: days told apart, new entries counted while scrolled
//! up, search, filters, and an entry's detail with its corrections.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

use chrono::{TimeDelta, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ulid::Ulid;
use warroom::app::{Action, App, Msg, Zone, update};
use warroom::domain::{Body, Event, Timestamp};
use warroom::ui::{self, Theme};

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 27, 0, 20, 0).unwrap()
}

/// An incident opened at `opened` by maya, and what its events are built from.
struct Log {
    incident: Ulid,
    events: Vec<Event>,
}

impl Log {
    fn opened(at: Timestamp, title: &str) -> Log {
        let incident = Ulid::from_parts(at.timestamp_millis() as u64, 1);
        let mut log = Log {
            incident,
            events: Vec::new(),
        };
        log.push_with_id(
            incident,
            at,
            "maya",
            Body::IncidentOpened {
                title: title.into(),
                detected_at: None,
                drill: false,
                pace: None,
            },
        );
        log
    }

    fn push_with_id(&mut self, id: Ulid, at: Timestamp, author: &str, body: Body) -> Event {
        let event = Event {
            id,
            origin: "t".into(),
            seq: self.events.len() as u64 + 1,
            incident: self.incident,
            author: author.into(),
            recorded_by: None,
            at,
            logged_at: at,
            body,
        };
        self.events.push(event.clone());
        event
    }

    /// A note by `author` at `at`; returns the event.
    fn note(&mut self, at: Timestamp, author: &str, text: &str) -> Event {
        let n = self.events.len() as u128 + 100;
        let id = Ulid::from_parts(at.timestamp_millis() as u64, n);
        self.push_with_id(id, at, author, Body::Note { text: text.into() })
    }

    fn body(&mut self, at: Timestamp, author: &str, body: Body) -> Event {
        let n = self.events.len() as u128 + 100;
        let id = Ulid::from_parts(at.timestamp_millis() as u64, n);
        self.push_with_id(id, at, author, body)
    }
}

fn app_with(events: Vec<Event>) -> App {
    let mut app = App::new("alice", "w.db", None, now());
    app.setup.zone = Zone::Utc;
    update(&mut app, Msg::Events(events));
    update(&mut app, Msg::Loaded);
    app
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|frame| ui::render(frame, app, &Theme::dark()))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn act(app: &mut App, action: Action) {
    update(app, Msg::Action(action));
}

fn minutes(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

/// An incident opened at 23:40 the day before `now` with notes on both sides of midnight.
fn across_midnight() -> Log {
    let start = Utc.with_ymd_and_hms(2026, 11, 26, 23, 40, 0).unwrap();
    let mut log = Log::opened(start, "Checkout failing overnight");
    log.note(start + minutes(5), "maya", "before midnight");
    log.note(start + minutes(30), "jonas", "after midnight");
    log
}

#[test]
fn an_incident_across_midnight_shows_each_day_and_one_time_width() {
    let app = app_with(across_midnight().events);
    let text = screen(&app, 120, 40);
    let rows: Vec<&str> = text.lines().collect();
    let day = |label: &str| rows.iter().position(|r| r.contains(label));
    let thursday = day("── Thu 2026-11-26").expect("the first day is named");
    let friday = day("── Fri 2026-11-27").expect("the second day is named");
    let before = day("before midnight").unwrap();
    let after = day("after midnight").unwrap();
    assert!(
        thursday < before && before < friday && friday < after,
        "{text}"
    );
    // The kind column starts at the same place on both days.
    let kind_col = |row: &str| row.find("NOTE").unwrap();
    assert_eq!(kind_col(rows[before]), kind_col(rows[after]), "{text}");
    assert!(rows[before].contains("23:45:00") && rows[after].contains("00:10:00"));
}

#[test]
fn an_incident_all_of_today_has_no_separator() {
    let start = now() - minutes(10);
    let mut log = Log::opened(start, "Short one");
    log.note(start + minutes(1), "maya", "today only");
    let text = screen(&app_with(log.events), 120, 40);
    assert!(!text.contains("── "), "{text}");
}

#[test]
fn while_scrolled_up_new_and_back_dated_entries_are_counted_not_scrolled_in() {
    let mut log = across_midnight();
    for n in 0..30 {
        log.note(
            now() - minutes(9) + TimeDelta::seconds(n),
            "maya",
            &format!("line {n}"),
        );
    }
    let mut app = app_with(log.events.clone());
    act(&mut app, Action::FocusTimeline);
    for _ in 0..5 {
        act(&mut app, Action::Up);
    }
    let before = screen(&app, 120, 40);
    assert!(before.contains("scrolled (G: newest)"), "{before}");
    let cursor = app.timeline.cursor;
    // One at the end, one back-dated into the middle.
    let fresh = log.note(now(), "jonas", "arrived while reading");
    let back = log.note(now() - minutes(15), "jonas", "remembered later");
    update(&mut app, Msg::Events(vec![fresh, back]));
    let after = screen(&app, 120, 40);
    assert!(after.contains("scrolled, 2 new (G: newest)"), "{after}");
    assert_eq!(app.timeline.cursor, cursor, "the cursor stays on its entry");
    assert!(!after.contains("arrived while reading"), "{after}");
    act(&mut app, Action::Bottom);
    let following = screen(&app, 120, 40);
    assert!(following.contains("following") && following.contains("arrived while reading"));
    assert!(!following.contains(" new "), "{following}");
}

#[test]
fn the_triage_pane_dates_a_severity_set_on_another_day() {
    let mut log = across_midnight();
    let at = Utc.with_ymd_and_hms(2026, 11, 26, 23, 45, 0).unwrap();
    log.body(
        at,
        "maya",
        Body::SeveritySet {
            severity: warroom::domain::Severity::P2,
            reason: Some("checkout down".into()),
            triage: Vec::new(),
        },
    );
    log.body(
        at,
        "maya",
        Body::StatusChanged {
            status: warroom::domain::Status::Investigating,
            reason: None,
        },
    );
    let text = screen(&app_with(log.events), 120, 40);
    assert!(text.contains("by maya at 11-26 23:45"), "{text}");
}
