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
    assert!(after.contains("2 new, scrolled (G: newest)"), "{after}");
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

/// A long incident: 40 notes by maya and jonas, two of them decisions about the
/// rollback, one hypothesis.
fn long_log() -> Log {
    let start = now() - minutes(60);
    let mut log = Log::opened(start, "Checkout failing");
    for n in 0..40 {
        let at = start + minutes(1) + TimeDelta::seconds(n * 30);
        let who = if n % 2 == 0 { "maya" } else { "jonas" };
        match n {
            5 => log.body(
                at,
                who,
                Body::Decision {
                    text: "Roll back deploy 4512".into(),
                },
            ),
            20 => log.body(
                at,
                who,
                Body::Hypothesis {
                    text: "the TLS change broke the card processor".into(),
                },
            ),
            30 => log.body(
                at,
                who,
                Body::Decision {
                    text: "finish the ROLLBACK in EU first".into(),
                },
            ),
            _ => log.note(at, who, &format!("checked dashboard {n}")),
        };
    }
    log
}

fn type_text(app: &mut App, text: &str) {
    update(app, Msg::Typed(text.into()));
}

fn cursor_text(app: &App) -> String {
    let state = app.incident().unwrap();
    let at = app.timeline.cursor_index(state).unwrap();
    state.current_text(&state.timeline[at]).text
}

#[test]
fn slash_searches_as_you_type_and_n_moves_between_matches() {
    let mut app = app_with(long_log().events);
    act(&mut app, Action::Search);
    type_text(&mut app, "roll");
    assert_eq!(
        cursor_text(&app),
        "finish the ROLLBACK in EU first",
        "newest match first"
    );
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("/roll") && text.contains("2 entries match"),
        "{text}"
    );
    act(&mut app, Action::Up);
    assert_eq!(cursor_text(&app), "Roll back deploy 4512");
    act(&mut app, Action::Submit);
    assert!(app.overlays.is_empty());
    assert_eq!(
        app.notice.as_deref(),
        Some("2 entries match 'roll': n older, N newer")
    );
    // n wraps from the oldest match to the newest, and says so.
    act(&mut app, Action::SearchOlder);
    assert_eq!(cursor_text(&app), "finish the ROLLBACK in EU first");
    assert!(app.notice.as_deref().unwrap().contains("from the newest"));
    act(&mut app, Action::SearchNewer);
    assert_eq!(cursor_text(&app), "Roll back deploy 4512");
    // Nothing found: said, and the cursor stays.
    act(&mut app, Action::Search);
    type_text(&mut app, "zebra");
    let text = screen(&app, 120, 40);
    assert!(text.contains("no entry matches"), "{text}");
    act(&mut app, Action::Close);
    assert_eq!(cursor_text(&app), "Roll back deploy 4512", "Esc goes back");
    assert_eq!(app.timeline.search, None);
}

#[test]
fn a_match_is_highlighted_in_the_timeline() {
    let mut app = app_with(long_log().events);
    act(&mut app, Action::Search);
    type_text(&mut app, "rollback");
    act(&mut app, Action::Submit);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|frame| ui::render(frame, &app, &Theme::mono()))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let reversed: String = (0..40u16)
        .flat_map(|y| (0..120u16).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let cell = &buffer[(x, y)];
            cell.modifier.contains(ratatui::style::Modifier::REVERSED)
                && !cell.modifier.contains(ratatui::style::Modifier::BOLD)
        })
        .map(|(x, y)| buffer[(x, y)].symbol().to_string())
        .collect();
    assert!(
        reversed.contains("ROLLBACK"),
        "the match stands out: {reversed:?}"
    );
}

#[test]
fn a_filter_shows_only_some_kinds_or_people_and_the_title_says_so() {
    let mut app = app_with(long_log().events);
    act(&mut app, Action::OpenFilter);
    type_text(&mut app, "decisions hyp");
    act(&mut app, Action::Submit);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("FILTER: decisions, hypotheses · following · 3 of 41 entries"),
        "the title says a filter is on, and how many it shows:\n{text}"
    );
    assert!(text.contains("Roll back deploy 4512") && text.contains("the TLS change"));
    assert!(!text.contains("checked dashboard"), "{text}");
    // Moving goes from shown entry to shown entry.
    act(&mut app, Action::FocusTimeline);
    act(&mut app, Action::Up);
    assert_eq!(cursor_text(&app), "the TLS change broke the card processor");
    act(&mut app, Action::Up);
    assert_eq!(cursor_text(&app), "Roll back deploy 4512");
    // By person: jonas wrote the odd ones.
    act(&mut app, Action::OpenPalette);
    type_text(&mut app, "filter @jonas");
    act(&mut app, Action::Submit);
    let text = screen(&app, 120, 40);
    assert!(text.contains("FILTER: by jonas"), "{text}");
    assert!(text.contains("checked dashboard 39") && !text.contains("checked dashboard 38"));
    // A word that is no kind says so, and changes nothing.
    act(&mut app, Action::OpenPalette);
    type_text(&mut app, "filter blorp");
    act(&mut app, Action::Submit);
    let text = screen(&app, 120, 40);
    assert!(text.contains("no kind of entry called 'blorp'"), "{text}");
    act(&mut app, Action::Close);
    assert!(screen(&app, 120, 40).contains("FILTER: by jonas"));
    act(&mut app, Action::OpenPalette);
    type_text(&mut app, "filter off");
    act(&mut app, Action::Submit);
    let text = screen(&app, 120, 40);
    assert!(
        !text.contains("FILTER") && text.contains("maya: checked dashboard"),
        "{text}"
    );
}

#[test]
fn ids_show_on_demand() {
    let log = long_log();
    let last = log.events.last().unwrap().id;
    let short = warroom::domain::short_id(last);
    let mut app = app_with(log.events);
    assert!(!screen(&app, 120, 40).contains(&short));
    act(&mut app, Action::ToggleIds);
    assert!(screen(&app, 120, 40).contains(&short));
}

fn palette_line(app: &App) -> String {
    match app.overlays.last() {
        Some(warroom::app::Overlay::Palette { input, .. }) => input.lines().join(" "),
        _ => panic!("the palette is not open"),
    }
}

fn corrections_written(effects: &[warroom::app::Effect]) -> Vec<Body> {
    effects
        .iter()
        .flat_map(|e| match e {
            warroom::app::Effect::Append { drafts, .. } => {
                drafts.iter().map(|d| d.body.clone()).collect()
            }
            _ => Vec::new(),
        })
        .filter(|b| matches!(b, Body::Correction { .. }))
        .collect()
}

#[test]
fn o_opens_an_entry_in_full_and_it_is_corrected_from_there() {
    let mut log = long_log();
    let note = log.note(now() - minutes(2), "maya", "first line\nsecond line");
    let id = note.id;
    let short = warroom::domain::short_id(id);
    log.body(
        now() - minutes(1),
        "jonas",
        Body::Correction {
            target: id,
            text: None,
            strike: false,
            reason: Some("it was earlier".into()),
            at: Some(now() - minutes(30)),
        },
    );
    let mut app = app_with(log.events);
    // In the timeline it keeps its place and time, and says when it truly happened,
    // with the date (it was the day before); the correction says it in the zone shown.
    let timeline = screen(&app, 120, 40);
    assert!(
        timeline.contains("(re-dated: happened 11-26 23:50)"),
        "{timeline}"
    );
    assert!(
        timeline.contains("it happened at 11-26 23:50"),
        "{timeline}"
    );
    act(&mut app, Action::FocusTimeline);
    act(&mut app, Action::Up);
    act(&mut app, Action::OpenDetail);
    let text = screen(&app, 120, 40);
    let rows: Vec<&str> = text.lines().collect();
    assert!(text.contains(&id.to_string()), "the whole id:\n{text}");
    assert!(text.contains("author      maya"), "{text}");
    assert!(
        text.contains("happened    2026-11-26 23:50:00 UTC"),
        "{text}"
    );
    assert!(
        text.contains("first said  2026-11-27 00:18:00 UTC"),
        "{text}"
    );
    let first = rows.iter().position(|r| r.contains("first line")).unwrap();
    assert!(
        rows[first + 1].contains("second line"),
        "line breaks are kept:\n{text}"
    );
    assert!(text.contains("re-dated to 2026-11-26 23:50:00 UTC; because it was earlier"));
    // a: amend, with the text filled in.
    act(&mut app, Action::Amend);
    assert_eq!(
        palette_line(&app),
        format!("amend {short} first line second line")
    );
    act(&mut app, Action::Close);
    // x: strike, asking why; the rules write the correction.
    act(&mut app, Action::Strike);
    assert_eq!(palette_line(&app), format!("strike {short} "));
    type_text(&mut app, "logged twice");
    let effects = update(&mut app, Msg::Action(Action::Submit));
    let written = corrections_written(&effects);
    assert!(
        matches!(&written[..], [Body::Correction { target, strike: true, reason: Some(r), .. }] if *target == id && r == "logged twice"),
        "{written:?}"
    );
    // d: re-date, saying the time it has now; a time typed with why.
    app.overlays.clear();
    act(&mut app, Action::OpenDetail);
    act(&mut app, Action::Redate);
    assert_eq!(palette_line(&app), format!("redate {short} "));
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .starts_with("it says it happened 2026-11-26 23:50 UTC: type when it truly did"),
        "{:?}",
        app.notice
    );
    act(&mut app, Action::Close);
    act(&mut app, Action::Close);
    act(&mut app, Action::OpenPalette);
    type_text(
        &mut app,
        &format!("redate {short} 2026-11-26 23:45 pager time"),
    );
    let effects = update(&mut app, Msg::Action(Action::Submit));
    let written = corrections_written(&effects);
    let want = Utc.with_ymd_and_hms(2026, 11, 26, 23, 45, 0).unwrap();
    assert!(
        matches!(&written[..], [Body::Correction { at: Some(t), reason: Some(r), .. }] if *t == want && r == "pager time"),
        "{written:?}"
    );
    // A time that is no time says so in one line and writes nothing.
    act(&mut app, Action::OpenPalette);
    type_text(&mut app, &format!("redate {short} someday"));
    let effects = update(&mut app, Msg::Action(Action::Submit));
    assert!(corrections_written(&effects).is_empty());
    let text = screen(&app, 120, 40);
    assert!(text.contains("cannot read the time 'someday'"), "{text}");
    assert!(
        matches!(
            app.overlays.last(),
            Some(warroom::app::Overlay::Palette { error: Some(_), .. })
        ),
        "the palette stays open with the reason in it, to be fixed"
    );
}

#[test]
fn an_entry_that_is_not_typed_text_is_not_corrected_from_its_detail() {
    let mut app = app_with(long_log().events);
    act(&mut app, Action::Top);
    act(&mut app, Action::OpenDetail);
    assert!(screen(&app, 120, 40).contains("OPENED"));
    act(&mut app, Action::Amend);
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .contains("is not typed text and is not corrected"),
        "{:?}",
        app.notice
    );
    assert!(matches!(
        app.overlays.last(),
        Some(warroom::app::Overlay::Detail { .. })
    ));
}

#[test]
fn markdown_keeps_an_entrys_line_breaks_and_re_dating() {
    // Exports write in the zone in force in the process.
    warroom::zone::set(Zone::Utc);
    let mut log = long_log();
    let note = log.note(
        now() - minutes(2),
        "maya",
        "steps taken:\n- drained EU\n\n# restarted the pool",
    );
    log.body(
        now() - minutes(1),
        "maya",
        Body::Correction {
            target: note.id,
            text: None,
            strike: false,
            reason: None,
            at: Some(now() - minutes(30)),
        },
    );
    let state = app_with(log.events).incident().unwrap().clone();
    let md = warroom::export::markdown(&state, &warroom::playbook::Playbook::builtin(), now());
    assert!(
        md.contains("steps taken:\\\n  \\- drained EU\\\n  \\# restarted the pool"),
        "each line kept, escaped where it would be markup:\n{md}"
    );
    assert!(!md.contains('⏎'), "{md}");
    assert!(
        md.contains("- 2026-11-27 00:18:00 `NOTE` maya: steps taken:"),
        "listed in its place in the log, as the console and tail show it:\n{md}"
    );
    assert!(
        md.contains("(re-dated: happened 2026-11-26 23:50:00)"),
        "{md}"
    );
}

#[test]
fn scrolled_up_the_hint_bar_names_the_timelines_tools() {
    let mut app = app_with(long_log().events);
    let bar = |app: &App| screen(app, 120, 40).lines().last().unwrap().to_string();
    assert!(!bar(&app).contains("search"), "following: the usual keys");
    act(&mut app, Action::FocusTimeline);
    act(&mut app, Action::Up);
    let tools = bar(&app);
    for hint in ["o open entry", "/ search", "f filter", "# ids", "G newest"] {
        assert!(tools.contains(hint), "{hint}: {tools}");
    }
}

#[test]
fn what_you_write_while_scrolled_up_brings_the_view_back_to_it() {
    let mut app = app_with(long_log().events);
    let incident = app.shown.unwrap();
    act(&mut app, Action::FocusTimeline);
    act(&mut app, Action::Up);
    assert!(!app.timeline.following());
    act(&mut app, Action::OpenEntry);
    type_text(&mut app, "rolled back in EU");
    let effects = update(&mut app, Msg::Action(Action::Submit));
    let events: Vec<Event> = effects
        .iter()
        .flat_map(|e| match e {
            warroom::app::Effect::Append { drafts, .. } => drafts.clone(),
            _ => Vec::new(),
        })
        .map(|d| Event {
            id: Ulid::from_parts(now().timestamp_millis() as u64, 999),
            origin: "me".into(),
            seq: 999,
            incident,
            author: "alice".into(),
            recorded_by: None,
            at: now(),
            logged_at: now(),
            body: d.body,
        })
        .collect();
    assert_eq!(events.len(), 1);
    update(
        &mut app,
        Msg::Committed {
            purpose: warroom::app::Purpose::Entry,
            events,
        },
    );
    assert!(
        app.timeline.following(),
        "the view follows to the entry written"
    );
    assert!(screen(&app, 120, 40).contains("alice: rolled back in EU"));
}

#[test]
fn the_terminals_cursor_stands_after_an_emoji_where_the_screen_draws_it() {
    use ratatui::backend::Backend;
    let mut app = app_with(long_log().events);
    act(&mut app, Action::OpenEntry);
    type_text(&mut app, "lab \u{1F469}\u{200D}\u{1F52C}");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|frame| ui::render(frame, &app, &Theme::dark()))
        .unwrap();
    let cursor = terminal.backend_mut().get_cursor_position().unwrap();
    // The box's text starts one column in from its border; "lab " is four columns and
    // the scientist two.
    let row: String = (0..120u16)
        .map(|x| {
            terminal.backend().buffer()[(x, cursor.y)]
                .symbol()
                .to_string()
        })
        .collect();
    let text_start = row.split("lab").next().unwrap().chars().count();
    assert_eq!(usize::from(cursor.x), text_start + 6, "{row:?}");
}

/// Scrolled up, the selected entry is marked by `>` in the pane's left border on its
/// first line (not on the day's separator above it, not on a wrapped line), and on no
/// other row, however far up the selection goes and whatever the pane's size.
#[test]
fn the_selected_entry_is_marked_in_the_border_on_its_first_line() {
    let mut log = across_midnight();
    let start = Utc.with_ymd_and_hms(2026, 11, 27, 0, 12, 0).unwrap();
    for n in 0..30 {
        let text = if n % 7 == 3 {
            format!(
                "note {n}: a long one that wraps onto a second line and a third at eighty columns, since it goes on about the dashboards"
            )
        } else {
            format!("note {n}")
        };
        log.note(start + TimeDelta::seconds(n * 20), "maya", &text);
    }
    let mut app = app_with(log.events);
    let (width, height) = (80u16, 24u16);
    let mut seen_separator_above = false;
    for _ in 0..40 {
        act(&mut app, Action::Up);
        let text = screen(&app, width, height);
        let state = app.incident().unwrap();
        let at = app.timeline.cursor_index(state).unwrap();
        let entry = &state.timeline[at];
        let time = entry.event.at.format("%H:%M:%S").to_string();
        let words: String = state
            .current_text(entry)
            .text
            .split(' ')
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        let rows: Vec<&str> = text.lines().collect();
        let marked: Vec<usize> = (0..rows.len())
            .filter(|&y| rows[y].starts_with(ui::SELECTION_MARK))
            .collect();
        assert_eq!(marked.len(), 1, "one marked row:\n{text}");
        let row = rows[marked[0]];
        assert!(
            row.contains(&time) && row.contains(&words),
            "the mark is on {time} {words:?}:\n{text}"
        );
        seen_separator_above |= rows[marked[0] - 1].contains("── ");
    }
    assert!(
        seen_separator_above,
        "an entry below a day's separator was marked"
    );
}
