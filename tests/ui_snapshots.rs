//! The console drawn into ratatui's TestBackend from a fixed sample and a fixed clock.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use warroom::app::{Action, App, Msg, Overlay, Pane, Zone, update};
use warroom::domain::{Body, Event, Timestamp};
use warroom::ui::{self, Theme};

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap()
}

fn app_with(events: Vec<Event>) -> App {
    let mut app = App::new("alice", "/srv/warroom/warroom.db", None, now());
    app.setup.zone = Zone::Utc;
    update(&mut app, Msg::Events(events));
    update(&mut app, Msg::Loaded);
    app
}

fn demo_app() -> App {
    let mut app = app_with(warroom::demo::events("demo", now()));
    app.setup.session = "s1".into();
    let watcher = |session: &str, user: &str, host: &str, minutes: i64| warroom::store::Presence {
        session: session.into(),
        user: user.into(),
        host: host.into(),
        pid: 4242,
        since: now() - chrono::TimeDelta::minutes(minutes),
    };
    update(
        &mut app,
        Msg::Presence(vec![
            watcher("s1", "alice", "bastion", 12),
            watcher("s2", "jonas", "bastion", 40),
        ]),
    );
    app
}

fn draw(app: &App, theme: &Theme, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::render(frame, app, theme))
        .unwrap();
    terminal
}

fn act(app: &mut App, actions: &[Action]) {
    for action in actions {
        update(app, Msg::Action(*action));
    }
}

#[test]
fn console_at_80x24_and_120x40() {
    let app = demo_app();
    insta::assert_snapshot!(
        "console_80x24",
        draw(&app, &Theme::dark(), 80, 24).backend()
    );
    insta::assert_snapshot!(
        "console_120x40",
        draw(&app, &Theme::dark(), 120, 40).backend()
    );
}

#[test]
fn each_pane_alone_at_both_sizes() {
    let app = demo_app();
    for pane in <Pane as strum::IntoEnumIterator>::iter() {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal
                .draw(|frame| {
                    ui::render_pane(frame, Rect::new(0, 0, w, h), &app, &Theme::dark(), pane);
                })
                .unwrap();
            insta::assert_snapshot!(
                format!("pane_{}_{w}x{h}", pane.title().to_lowercase()),
                terminal.backend()
            );
        }
    }
}

#[test]
fn help_overlay() {
    let mut app = demo_app();
    act(&mut app, &[Action::ToggleHelp]);
    insta::assert_snapshot!("help_80x24", draw(&app, &Theme::dark(), 80, 24).backend());
    insta::assert_snapshot!("help_120x40", draw(&app, &Theme::dark(), 120, 40).backend());
    insta::assert_snapshot!("help_200x60", draw(&app, &Theme::dark(), 200, 60).backend());
    // The end at 80x24 (a frame at that size first: it records how far it can scroll):
    // the commands, descriptions wrapped under their column.
    draw(&app, &Theme::dark(), 80, 24);
    act(&mut app, &[Action::Bottom]);
    insta::assert_snapshot!(
        "help_end_80x24",
        draw(&app, &Theme::dark(), 80, 24).backend()
    );
}

#[test]
fn too_small_and_recovering() {
    let app = demo_app();
    insta::assert_snapshot!(
        "too_small_79x24",
        draw(&app, &Theme::dark(), 79, 24).backend()
    );
    insta::assert_snapshot!(
        "too_small_100x23",
        draw(&app, &Theme::dark(), 100, 23).backend()
    );
    let back = draw(&app, &Theme::dark(), 80, 24);
    assert!(
        !format!("{}", back.backend()).contains("too small"),
        "recovers at 80x24"
    );
}

/// The buffer as text, with reverse-video runs wrapped in « » so the snapshot shows
/// how focus and selection look without colour.
fn with_reverse_marked(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut reversed = false;
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            let r = cell.modifier.contains(Modifier::REVERSED);
            if r != reversed {
                out.push(if r { '«' } else { '»' });
                reversed = r;
            }
            out.push_str(cell.symbol());
        }
        if reversed {
            out.push('»');
        }
        out.push('\n');
    }
    out
}

#[test]
fn monochrome_marks_focus_and_selection_without_colour() {
    let mut app = demo_app();
    act(&mut app, &[Action::Up, Action::Up]);
    let terminal = draw(&app, &Theme::mono(), 80, 24);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        use ratatui::style::Color;
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "mono draws a colour"
        );
    }
    let text = with_reverse_marked(buffer);
    assert!(text.contains("▶ 3 Timeline"), "focus is marked by a symbol");
    assert!(text.contains('«'), "selection is in reverse video");
    insta::assert_snapshot!("mono_80x24", text);
}

#[test]
fn an_empty_database_says_what_to_do() {
    let app = app_with(Vec::new());
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains(":declare TITLE") && text.contains("load the sample"),
        "{text}"
    );
    insta::assert_snapshot!("welcome_80x24", terminal.backend());
}

/// At start on a file that keeps its list of open incidents, the first open incident
/// is drawn before the closed ones' heads are read: the header says the log is still
/// being read rather than a count that is not yet known.
#[test]
fn an_open_incident_drawn_before_the_log_is_read_says_so() {
    let mut app = App::new("alice", "/srv/warroom/warroom.db", None, now());
    app.setup.zone = Zone::Utc;
    let open: Vec<Event> = warroom::demo::events("demo", now()).into_iter().collect();
    update(&mut app, Msg::Events(open));
    assert!(app.shown.is_none(), "nothing is shown before the word");
    update(&mut app, Msg::OpenRead);
    assert!(
        app.incident()
            .is_some_and(warroom::domain::IncidentState::is_open)
    );
    for (width, height) in [(80, 24), (120, 40)] {
        let terminal = draw(&app, &Theme::dark(), width, height);
        let text = format!("{}", terminal.backend());
        let header = text.lines().next().unwrap_or_default();
        assert!(header.contains("incident 1, reading the log…"), "{header}");
        insta::assert_snapshot!(format!("open_read_{width}x{height}"), terminal.backend());
    }
    update(&mut app, Msg::Loaded);
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    let text = format!("{}", terminal.backend());
    assert!(
        text.lines()
            .next()
            .unwrap_or_default()
            .contains("incident 1/")
    );
}

#[test]
fn palette_switcher_entry_and_quit_question() {
    let mut app = demo_app();
    act(&mut app, &[Action::OpenPalette]);
    update(&mut app, Msg::Paste("sev".into()));
    insta::assert_snapshot!(
        "palette_80x24",
        draw(&app, &Theme::dark(), 80, 24).backend()
    );
    // Every command: the descriptions start in one column.
    act(&mut app, &[Action::Close, Action::OpenPalette]);
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    let screen = format!("{}", terminal.backend());
    let columns: Vec<usize> = warroom::app::palette::COMMANDS
        .iter()
        .filter_map(|c| {
            let named = format!("│  {} {}", c.name, c.usage);
            let named = named.trim_end();
            let line = screen.lines().find(|l| l.contains(named))?;
            let at = line.find(named)? + named.len();
            let start: String = c.help.chars().take(8).collect();
            Some(line[..at + line[at..].find(&start)?].chars().count())
        })
        .collect();
    assert!(columns.len() >= 15, "{columns:?}:\n{screen}");
    assert!(
        columns.iter().all(|c| *c == columns[0]),
        "descriptions start at {columns:?}:\n{screen}"
    );
    insta::assert_snapshot!("palette_all_80x24", terminal.backend());
    act(&mut app, &[Action::Close, Action::OpenSwitcher]);
    insta::assert_snapshot!(
        "switcher_80x24",
        draw(&app, &Theme::dark(), 80, 24).backend()
    );
    act(&mut app, &[Action::Close, Action::OpenEntry]);
    update(
        &mut app,
        Msg::Paste("/d roll forward to 4513\nonce the canary is green".into()),
    );
    insta::assert_snapshot!("entry_80x24", draw(&app, &Theme::dark(), 80, 24).backend());
    act(&mut app, &[Action::Close, Action::Quit]);
    insta::assert_snapshot!("quit_80x24", draw(&app, &Theme::dark(), 80, 24).backend());
}

fn opened(id: u128, title: &str) -> Vec<Event> {
    let at = now() - chrono::TimeDelta::minutes(5);
    let incident = ulid::Ulid::from_parts(at.timestamp_millis() as u64, id);
    vec![Event {
        id: incident,
        origin: "t".into(),
        seq: id as u64,
        incident,
        author: "maya".into(),
        recorded_by: None,
        at,
        logged_at: at,
        body: Body::IncidentOpened {
            title: title.into(),
            detected_at: None,
            drill: false,
            pace: None,
        },
    }]
}

fn note(incident: &Event, n: u64, text: &str) -> Event {
    let at = incident.at + chrono::TimeDelta::seconds(n as i64);
    Event {
        id: ulid::Ulid::from_parts(at.timestamp_millis() as u64, u128::from(n) + 1000),
        origin: "t".into(),
        seq: n + 100,
        incident: incident.incident,
        author: "bob".into(),
        recorded_by: None,
        at,
        logged_at: at,
        body: Body::Note { text: text.into() },
    }
}

#[test]
fn triage_pane_walks_the_questions_for_an_incident_in_triage() {
    let app = app_with(opened(1, "Login errors reported by support"));
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("In triage")
            && text.contains("? Who is affected?")
            && text.contains("severity not known"),
        "{text}"
    );
    insta::assert_snapshot!("triage_walkthrough_80x24", terminal.backend());
}

#[test]
fn hostile_and_wide_text_is_inert_and_keeps_the_borders() {
    let mut events = opened(1, "Hostile \u{1b}]0;pwned\u{7} title");
    let first = events[0].clone();
    events.push(note(&first, 1, "clear \u{1b}[2J\u{1b}[31mRED osc52 \u{1b}]52;c;ZXZpbA==\u{7} c1 \u{9b}31m bidi \u{202e}txet"));
    events.push(note(
        &first,
        2,
        "障害対応中: チェックアウトが失敗しています 🔥🔥🔥 ok",
    ));
    events.push(note(&first, 3, "emoji 👩‍👩‍👧‍👦 and combining e\u{301} done"));
    let app = app_with(events);
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    let buffer = terminal.backend().buffer();
    let text = format!("{}", terminal.backend());
    assert!(text.contains("^[[2J^[[31mRED"), "{text}");
    assert!(
        text.contains("<U+009B>31m") && text.contains("<U+202E>txet"),
        "{text}"
    );
    for cell in buffer.content() {
        assert!(
            !cell
                .symbol()
                .chars()
                .any(|c| c.is_control() || c == '\u{202e}'),
            "raw {:?}",
            cell.symbol()
        );
    }
    // Every row of the timeline keeps its right border where it belongs.
    // The timeline's title row: its right edge is where its top border meets the
    // triage pane's (a corner, or a junction where the borders are shared).
    let title_row = (0..24)
        .find(|&y| {
            (0..80).any(|x| {
                buffer[(x, y)].symbol() == "T"
                    && buffer[(x + 1, y)].symbol() == "i"
                    && buffer[(x + 2, y)].symbol() == "m"
            })
        })
        .expect("a timeline title row");
    let timeline_right = (1..79)
        .rev()
        .find(|&x| matches!(buffer[(x, title_row)].symbol(), "┐" | "┬" | "┼"))
        .expect("the timeline's top right corner");
    let last = (title_row + 1..24)
        .take_while(|&y| buffer[(0, y)].symbol() == "│")
        .last()
        .expect("rows of the timeline");
    assert!(
        last - title_row >= 9,
        "the timeline keeps its rows:\n{text}"
    );
    for y in title_row + 1..=last {
        assert_eq!(
            buffer[(timeline_right, y)].symbol(),
            "│",
            "row {y}:\n{text}"
        );
        assert_eq!(buffer[(79, y)].symbol(), "│", "row {y}:\n{text}");
    }
    insta::assert_snapshot!("hostile_and_wide_80x24", terminal.backend());
}

#[test]
fn scrolling_keeps_its_place_when_entries_arrive() {
    let mut events = opened(1, "Scroll me");
    let first = events[0].clone();
    for n in 1..200 {
        events.push(note(&first, n, &format!("entry number {n}")));
    }
    let mut app = app_with(events);
    draw(&app, &Theme::dark(), 80, 24);
    act(&mut app, &[Action::PageUp, Action::PageUp]);
    let before = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(
        !before.contains("entry number 199"),
        "scrolled away from the newest"
    );
    let cursor = app.timeline.cursor;
    let more: Vec<Event> = (200..210)
        .map(|n| note(&first, n, &format!("entry number {n}")))
        .collect();
    update(&mut app, Msg::Events(more));
    let after = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert_eq!(app.timeline.cursor, cursor);
    let timeline = |s: &str| {
        s.lines()
            .skip(10)
            .take(9)
            .map(|l| l[..50].to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(timeline(&before), timeline(&after), "the view did not move");
    act(&mut app, &[Action::Bottom]);
    let newest = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(
        newest.contains("entry number 209") && newest.contains("following"),
        "{newest}"
    );
}

#[test]
fn triage_wizard_after_an_answer() {
    let mut app = app_with(opened(1, "Login errors reported by support"));
    act(
        &mut app,
        &[Action::OpenTriage, Action::Pick(2), Action::Down],
    );
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("2/3") && text.contains("P2 HIGH") && text.contains("assumed"),
        "{text}"
    );
    insta::assert_snapshot!("wizard_80x24", terminal.backend());
    act(&mut app, &[Action::Pick(2), Action::Pick(1)]);
    insta::assert_snapshot!(
        "wizard_done_120x40",
        draw(&app, &Theme::dark(), 120, 40).backend()
    );

    // A declared incident: the walk re-triages it, and its keys say so.
    let mut app = demo_app();
    act(&mut app, &[Action::OpenTriage]);
    insta::assert_snapshot!(
        "wizard_retriage_80x24",
        draw(&app, &Theme::dark(), 80, 24).backend()
    );
    act(
        &mut app,
        &[Action::Pick(4), Action::Pick(2), Action::Pick(2)],
    );
    insta::assert_snapshot!(
        "wizard_retriage_done_80x24",
        draw(&app, &Theme::dark(), 80, 24).backend()
    );
}

#[test]
fn playbook_view_and_roster_selection() {
    let mut app = demo_app();
    act(&mut app, &[Action::OpenPlaybook]);
    let terminal = draw(&app, &Theme::dark(), 120, 40);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("impact 1")
            && text.contains("legal-duty")
            && text.contains("commander   priya"),
        "{text}"
    );
    insta::assert_snapshot!("playbook_120x40", terminal.backend());
    act(
        &mut app,
        &[
            Action::Close,
            Action::FocusRoster,
            Action::Down,
            Action::Down,
        ],
    );
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    assert!(
        format!("{}", terminal.backend()).contains("> "),
        "the selected responder is marked"
    );
    insta::assert_snapshot!("roster_selected_80x24", terminal.backend());
}

#[test]
fn resolve_checklist_review_and_metrics_views() {
    let mut app = demo_app();
    act(&mut app, &[Action::OpenPalette]);
    update(
        &mut app,
        Msg::Paste("resolve rollback deploy 4512 rolled back".into()),
    );
    act(&mut app, &[Action::Submit, Action::Confirm]);
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    assert!(format!("{}", terminal.backend()).contains("> ?    monitoring is green"));
    insta::assert_snapshot!("checklist_80x24", terminal.backend());

    let mut app = demo_app();
    act(&mut app, &[Action::OpenReview, Action::Down]);
    let terminal = draw(&app, &Theme::dark(), 120, 40);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("Root cause") && text.contains("no root cause recorded"),
        "{text}"
    );
    insta::assert_snapshot!("review_120x40", terminal.backend());

    let mut app = demo_app();
    act(&mut app, &[Action::OpenMetrics]);
    let terminal = draw(&app, &Theme::dark(), 120, 40);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("MTTA") && text.contains("incidents a week, last"),
        "{text}"
    );
    insta::assert_snapshot!("metrics_120x40", terminal.backend());
}

#[test]
fn a_drill_says_so_on_the_screen() {
    let at = now() - chrono::TimeDelta::minutes(5);
    let id = ulid::Ulid::from_parts(at.timestamp_millis() as u64, 7);
    let app = app_with(vec![Event {
        id,
        origin: "t".into(),
        seq: 1,
        incident: id,
        author: "coach".into(),
        recorded_by: None,
        at,
        logged_at: at,
        body: Body::IncidentOpened {
            title: "Database primary failure".into(),
            detected_at: None,
            drill: true,
            pace: None,
        },
    }]);
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    let header = text.lines().next().unwrap();
    assert!(header.contains("DRILL"), "{header}");
    assert!(text.contains("[DRILL] Database primary failure"), "{text}");
    // The entry box's title keeps the status and DRILL at 80 columns, even with a
    // changed template kind to say: the incident's title gives way first.
    let mut app = app;
    update(&mut app, Msg::Action(Action::OpenEntry));
    app.entry.prefilled = Some(warroom::app::EntryKind::UpdateCustomers);
    update(&mut app, Msg::Paste("written for the room".into()));
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    let title = text
        .lines()
        .find(|l| l.contains("Entry ·"))
        .unwrap_or_default()
        .to_string();
    assert!(
        title.contains("(was: ") && title.contains("triage") && title.contains("DRILL"),
        "{title}"
    );
    // Narrower still to say, with a Tab-chosen kind and text begun elsewhere: the
    // kinds shorten, the incident's title goes; id, status, DRILL and "begun on" stay.
    update(&mut app, Msg::Action(Action::CycleKind));
    update(&mut app, Msg::Action(Action::CycleKind));
    app.entry.written_for = Some(ulid::Ulid::from_parts(1, 1));
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    let title = text
        .lines()
        .find(|l| l.contains("Entry ·"))
        .unwrap_or_default()
        .to_string();
    let id = app.incident().unwrap().short_id();
    for part in [id.as_str(), "triage", "DRILL", "(begun on"] {
        assert!(title.contains(part), "{part} in {title}");
    }
}

#[test]
fn long_reasons_wrap_instead_of_being_cut() {
    let mut app = demo_app();
    // A palette command's reason, at 80 columns: its last words are there.
    update(&mut app, Msg::Action(Action::OpenPalette));
    update(&mut app, Msg::Paste("severity P9".into()));
    update(&mut app, Msg::Action(Action::Submit));
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    let error = match app.overlays.last() {
        Some(warroom::app::Overlay::Palette { error: Some(e), .. }) => e.clone(),
        _ => panic!("the palette stays open with its reason"),
    };
    let last_word = error
        .split_whitespace()
        .last()
        .unwrap()
        .trim_end_matches(['.', ')']);
    assert!(
        text.contains(last_word),
        "{last_word} of {error:?} in\n{text}"
    );
    // A notice that fits the bottom line alone but not beside TYPING wraps.
    update(&mut app, Msg::Action(Action::Close));
    update(&mut app, Msg::Action(Action::OpenEntry));
    let notice = "the entry box holds a draft: commit or clear it, then write the update";
    app.notice = Some(notice.into());
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(text.contains("TYPING into"), "{text}");
    assert!(text.contains("the update"), "wrapped, all of it: {text}");
    // The box's own keys fit its border at 80 columns, Esc included.
    assert!(text.contains("Esc leaves"), "{text}");
}

#[test]
fn a_long_entry_grows_the_box_by_its_wrapped_rows() {
    let mut app = demo_app();
    act(&mut app, &[Action::OpenEntry]);
    let long: Vec<String> = (1..=40).map(|n| format!("word{n}")).collect();
    update(&mut app, Msg::Paste(format!("/d {}", long.join(" "))));
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("/d word1 word2") && text.contains("word40"),
        "one typed line, wrapped over several rows, is all in view:\n{text}"
    );
    insta::assert_snapshot!("entry_long_80x24", terminal.backend());
}

#[test]
fn the_entry_box_keeps_its_scroll_position_between_frames() {
    let mut app = demo_app();
    act(&mut app, &[Action::OpenEntry]);
    let rows: Vec<String> = (1..=10).map(|n| format!("row {n:02}")).collect();
    update(&mut app, Msg::Paste(rows.join("\n")));
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(
        text.contains("row 10") && !text.contains("row 04"),
        "the end is in view:\n{text}"
    );
    for _ in 0..4 {
        update(
            &mut app,
            Msg::Type(tui_textarea::Input {
                key: tui_textarea::Key::Up,
                ..Default::default()
            }),
        );
    }
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(
        text.contains("row 10") && text.contains("row 06") && !text.contains("row 01"),
        "moving the cursor within the view does not scroll it:\n{text}"
    );
}

/// The help's title says which line is at the bottom: "Help · … · 18/213".
fn help_position(app: &App) -> String {
    let text = format!("{}", draw(app, &Theme::dark(), 80, 24).backend());
    let title = text.lines().find(|l| l.contains("Help ·")).unwrap();
    title
        .split(" · ")
        .last()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn pages_stop_scrolling_at_their_end_and_g_goes_there() {
    let mut app = demo_app();
    act(&mut app, &[Action::ToggleHelp]);
    let top = help_position(&app);
    let total = top.split('/').nth(1).unwrap().to_string();
    for _ in 0..40 {
        act(&mut app, &[Action::PageDown]);
    }
    assert_eq!(help_position(&app), format!("{total}/{total}"));
    act(&mut app, &[Action::Up]);
    let n: usize = total.parse().unwrap();
    assert_eq!(
        help_position(&app),
        format!("{}/{total}", n - 1),
        "one line up from the end, however far it was pushed"
    );
    act(&mut app, &[Action::Top]);
    assert_eq!(help_position(&app), top);
    act(&mut app, &[Action::Bottom]);
    assert_eq!(
        help_position(&app),
        format!("{total}/{total}"),
        "G goes to the end"
    );

    // The metrics table scrolls no further than its last row either.
    let mut app = demo_app();
    act(&mut app, &[Action::OpenMetrics]);
    for _ in 0..5 {
        act(&mut app, &[Action::PageDown]);
    }
    let text = format!("{}", draw(&app, &Theme::dark(), 120, 40).backend());
    assert!(
        text.contains("mw9bay") && text.contains("znv5x1"),
        "the table is still there:\n{text}"
    );
}

fn logged(incident: &Event, n: u64, author: &str, body: Body) -> Event {
    Event {
        author: author.into(),
        body,
        ..note(incident, n, "")
    }
}

#[test]
fn the_review_scrolls_to_the_selected_item_and_shows_peer_text_inert() {
    use warroom::domain::{Check, ReviewSection};
    let mut events = opened(1, "Review me");
    let first = events[0].clone();
    for n in 1..=40 {
        events.push(logged(
            &first,
            n,
            "ana",
            Body::Review {
                section: ReviewSection::WentWell,
                text: format!("finding number {n}"),
            },
        ));
    }
    for (n, title) in [(41, "first item"), (42, "second item"), (43, "third item")] {
        events.push(logged(
            &first,
            n,
            "ana",
            Body::ActionItemOpened {
                title: title.into(),
                owner: None,
                due: None,
                priority: None,
            },
        ));
    }
    let mut app = app_with(events);
    act(&mut app, &[Action::OpenReview, Action::Down]);
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("> 2  second item"),
        "the selected item is in view:\n{text}"
    );
    act(&mut app, &[Action::Up]);
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(text.contains("> 1  first item"), "{text}");

    // A peer's resolution, with a checklist item that tries to retitle the window.
    let mut events = opened(2, "Resolved elsewhere");
    let first = events[0].clone();
    events.push(logged(
        &first,
        1,
        "peer",
        Body::Resolution {
            code: "rollback".into(),
            summary: "rolled back".into(),
            checklist: vec![Check {
                item: "told \u{1b}]0;pwned\u{7}customers".into(),
                done: false,
            }],
        },
    ));
    let mut app = app_with(events);
    act(&mut app, &[Action::OpenReview]);
    let terminal = draw(&app, &Theme::dark(), 120, 40);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("not confirmed before resolving: told ^[]0;pwned^Gcustomers"),
        "{text}"
    );
    for cell in terminal.backend().buffer().content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "raw {:?}",
            cell.symbol()
        );
    }
}

#[test]
fn the_header_measures_wide_text_by_its_width() {
    let mut app = demo_app();
    app.setup.db_label = "/srv/障害対応/warroom.db".into();
    // Where the path fits, all of it, measured by display width (wide characters take
    // two columns) and ending at the edge; where it does not, its file name, whole.
    let text = format!("{}", draw(&app, &Theme::dark(), 120, 40).backend());
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("/srv/障害対応/warroom.db \""),
        "the right end of the header is not cut off: {header}"
    );
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("you: alice · times UTC · warroom.db \""),
        "the path gives way to its file name, never mid-word: {header}"
    );
}

#[test]
fn a_commander_conflict_shows_in_both_panes_until_the_commander_confirms() {
    let mut events = opened(1, "Two claims at once");
    let first = events[0].clone();
    let claim = |n, who: &str| {
        logged(
            &first,
            n,
            who,
            Body::CommandClaimed {
                commander: who.into(),
            },
        )
    };
    events.push(claim(1, "priya"));
    events.push(claim(2, "bob"));
    let mut app = app_with(events);
    let pane = |app: &App, pane: Pane| {
        let mut terminal = Terminal::new(TestBackend::new(60, 10)).unwrap();
        terminal
            .draw(|frame| {
                ui::render_pane(frame, Rect::new(0, 0, 60, 10), app, &Theme::dark(), pane);
            })
            .unwrap();
        terminal
    };
    let roster = pane(&app, Pane::Roster);
    insta::assert_snapshot!("roster_with_a_conflict", roster.backend());
    let incident = pane(&app, Pane::Incident);
    insta::assert_snapshot!("incident_with_a_conflict", incident.backend());
    let text = |t: &Terminal<TestBackend>| format!("{}", t.backend());
    assert!(text(&roster).contains("CONFLICT"), "{}", text(&roster));
    assert!(
        text(&incident).contains("CONFLICT: bob claimed command; priya must :confirm"),
        "{}",
        text(&incident)
    );

    update(
        &mut app,
        Msg::Events(vec![logged(
            &first,
            3,
            "priya",
            Body::CommandConfirmed {
                commander: "priya".into(),
            },
        )]),
    );
    for p in [Pane::Roster, Pane::Incident] {
        let shown = text(&pane(&app, p));
        assert!(!shown.contains("CONFLICT"), "confirmed, so gone: {shown}");
        assert!(shown.contains("priya"), "{shown}");
    }
}

#[test]
fn a_hostile_playbook_is_drawn_inert_in_the_wizard_and_the_playbook_view() {
    let hostile = "\u{1b}]0;pwned\u{7}\u{9b}31m\u{200b}\u{202e}";
    let text = warroom::playbook::DEFAULT
        .replacen(
            "name = \"Default playbook\"",
            &format!("name = \"team{}\"", toml_escape(hostile)),
            1,
        )
        .replacen(
            "\"Who is affected?\"",
            &format!("\"Who{} is affected?\"", toml_escape(hostile)),
            1,
        )
        .replacen(
            "\"a few users\"",
            &format!("\"a few{} users\"", toml_escape(hostile)),
            1,
        );
    let playbook = warroom::playbook::Playbook::parse("planted.toml", &text).unwrap();
    let mut app = app_with(opened(1, "Login errors reported by support"));
    app.setup.playbook = std::sync::Arc::new(playbook);
    for actions in [
        &[Action::OpenTriage][..],
        &[Action::Close, Action::OpenPlaybook],
    ] {
        act(&mut app, actions);
        for (width, height) in [(80, 24), (200, 60)] {
            let terminal = draw(&app, &Theme::dark(), width, height);
            let shown = format!("{}", terminal.backend());
            assert!(shown.contains("^[]0;pwned"), "{shown}");
            for cell in terminal.backend().buffer().content() {
                assert!(
                    warroom::inert::is_inert(cell.symbol()),
                    "{:?} reaches the terminal raw",
                    cell.symbol()
                );
            }
        }
    }
}

/// `s` with every character written as a TOML `\uXXXX` escape where it is not plain.
fn toml_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_graphic() {
                c.to_string()
            } else {
                format!("\\u{:04X}", c as u32)
            }
        })
        .collect()
}

#[test]
fn the_situation_is_set_from_the_palette_and_its_impact_shows_at_80x24() {
    let mut app = demo_app();
    update(&mut app, Msg::Action(Action::OpenPalette));
    update(
        &mut app,
        Msg::Paste(
            "situation impact=EU card payments fail services=checkout,payments next=roll back 4512"
                .into(),
        ),
    );
    let effects = update(&mut app, Msg::Action(Action::Submit));
    let events: Vec<Event> = effects
        .iter()
        .filter_map(|e| match e {
            warroom::app::Effect::Append { drafts, .. } => Some(drafts.clone()),
            _ => None,
        })
        .flatten()
        .enumerate()
        .map(|(i, d)| {
            let at = now() + chrono::TimeDelta::seconds(i as i64 + 1);
            Event {
                id: ulid::Ulid::from_parts(at.timestamp_millis() as u64, 99),
                origin: "t".into(),
                seq: 900 + i as u64,
                incident: app.shown.unwrap(),
                author: "alice".into(),
                recorded_by: None,
                at,
                logged_at: at,
                body: d.body,
            }
        })
        .collect();
    assert_eq!(events.len(), 1, "one situation event");
    update(&mut app, Msg::Events(events));
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    let text = format!("{}", terminal.backend());
    assert!(
        text.contains("impact EU card payments fail (checkout, pa…"),
        "{text}"
    );
    insta::assert_snapshot!("incident_situation_80x24", terminal.backend());
    let text = format!("{}", draw(&app, &Theme::dark(), 120, 40).backend());
    assert!(
        text.contains("impact EU card payments fail (checkout, payments)")
            && text.contains("next: roll back 4512"),
        "{text}"
    );
    // A field the situation does not have is refused with the ones it has; the line
    // comes back to the palette to be mended.
    update(&mut app, Msg::Action(Action::OpenPalette));
    update(&mut app, Msg::Paste("situation colour=red".into()));
    update(&mut app, Msg::Action(Action::Submit));
    match app.overlays.last() {
        Some(Overlay::Palette { input, error, .. }) => {
            assert_eq!(input.lines().join(" "), "situation colour=red");
            let why = error.as_deref().unwrap_or_default();
            assert!(why.contains("not a field of the situation"), "{why}");
        }
        _ => panic!("the palette did not come back: {:?}", app.mode()),
    }
}

#[test]
fn the_briefing_opens_with_b_reads_at_80x24_and_scrolls() {
    let mut app = demo_app();
    update(&mut app, Msg::Action(Action::OpenBriefing));
    let first = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(
        first.contains("Briefing · j/k scroll · Esc closes")
            && first.contains("Briefing: Checkout failing for EU customers")
            && first.contains("Situation"),
        "{first}"
    );
    for _ in 0..40 {
        update(&mut app, Msg::Action(Action::Down));
    }
    let later = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(later.contains("Next status updates"), "{later}");
    let wide = format!("{}", draw(&app, &Theme::dark(), 120, 40).backend());
    assert!(
        wide.contains("Resources") && wide.contains("Organization"),
        "{wide}"
    );
    update(&mut app, Msg::Action(Action::Close));
    assert_eq!(app.overlays.len(), 0);
}

#[test]
fn the_pane_keeps_the_objective_and_the_tasks_in_view_at_80x24_and_quotes_are_words() {
    let mut app = demo_app();
    let commit = |app: &mut App, line: &str| {
        update(app, Msg::Action(Action::OpenPalette));
        update(app, Msg::Paste(line.into()));
        let effects = update(app, Msg::Action(Action::Submit));
        let events: Vec<Event> = effects
            .iter()
            .filter_map(|e| match e {
                warroom::app::Effect::Append { drafts, .. } => Some(drafts.clone()),
                _ => None,
            })
            .flatten()
            .map(|d| {
                let at = app.now;
                Event {
                    id: ulid::Ulid::generate(),
                    origin: "t".into(),
                    seq: 1,
                    incident: app.shown.unwrap(),
                    author: "alice".into(),
                    recorded_by: None,
                    at,
                    logged_at: at,
                    body: d.body,
                }
            })
            .collect();
        assert!(!events.is_empty(), "{line}: {:?}", app.notice);
        update(app, Msg::Events(events));
    };
    commit(&mut app, "objective \"stop the card failures\"");
    commit(&mut app, "task roll back 4512 owner=jonas");
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(text.contains("objective: stop the card failures"), "{text}");
    assert!(!text.contains("\"stop"), "quotes are not kept: {text}");
    assert!(text.contains("tasks: 1 open, 0 in progress"), "{text}");
}

/// An event on the incident shown, `secs` before now.
fn on_shown(app: &App, n: u64, secs: i64, author: &str, body: Body) -> Event {
    let at = now() - chrono::TimeDelta::seconds(secs);
    let incident = app.shown.unwrap();
    Event {
        id: ulid::Ulid::from_parts(at.timestamp_millis() as u64, 7000 + u128::from(n)),
        origin: "t".into(),
        seq: 700 + n,
        incident,
        author: author.into(),
        recorded_by: None,
        at,
        logged_at: at,
        body,
    }
}

#[test]
fn a_pending_handoff_shows_in_the_pane_the_briefing_and_the_switcher() {
    let mut app = demo_app();
    let first = app.shown.unwrap();
    // priya offers command to alice, who sits at this console.
    let offer = on_shown(
        &app,
        1,
        90,
        "priya",
        Body::HandoffOffered {
            from: "priya".into(),
            to: "alice".into(),
        },
    );
    update(&mut app, Msg::Events(vec![offer]));
    for (w, h) in [(80, 24), (120, 40)] {
        let text = format!("{}", draw(&app, &Theme::dark(), w, h).backend());
        assert!(
            text.contains("HANDOFF: priya offers you command"),
            "{w}x{h}:\n{text}"
        );
        insta::assert_snapshot!(
            format!("handoff_pending_{w}x{h}"),
            draw(&app, &Theme::dark(), w, h).backend()
        );
    }
    update(&mut app, Msg::Action(Action::OpenBriefing));
    for (w, h) in [(80, 24), (120, 40)] {
        let text = format!("{}", draw(&app, &Theme::dark(), w, h).backend());
        assert!(text.contains("a accepts"), "{w}x{h}:\n{text}");
        insta::assert_snapshot!(
            format!("briefing_handoff_{w}x{h}"),
            draw(&app, &Theme::dark(), w, h).backend()
        );
    }
    update(&mut app, Msg::Action(Action::Close));
    // Another incident grows while this one is shown: the switcher marks it.
    update(&mut app, Msg::Action(Action::OpenSwitcher));
    update(&mut app, Msg::Action(Action::Down));
    update(&mut app, Msg::Action(Action::Submit));
    let second = app.shown.unwrap();
    assert_ne!(first, second);
    update(&mut app, Msg::Action(Action::OpenSwitcher));
    update(&mut app, Msg::Action(Action::Close));
    app.show(first);
    let bob = Event {
        incident: second,
        ..on_shown(
            &app,
            2,
            30,
            "bob",
            Body::CommandClaimed {
                commander: "bob".into(),
            },
        )
    };
    update(&mut app, Msg::Events(vec![bob]));
    let second_state = &app.incidents[&second];
    assert!(app.changed_since_looked(second_state));
    assert!(!app.changed_since_looked(&app.incidents[&first]));
    update(&mut app, Msg::Action(Action::OpenSwitcher));
    for (w, h) in [(80, 24), (120, 40)] {
        let text = format!("{}", draw(&app, &Theme::dark(), w, h).backend());
        assert!(
            text.contains("HANDOFF pending to alice") && text.contains("+"),
            "{w}x{h}:\n{text}"
        );
        insta::assert_snapshot!(
            format!("switcher_flags_{w}x{h}"),
            draw(&app, &Theme::dark(), w, h).backend()
        );
    }
    // Looking at it clears the mark.
    update(&mut app, Msg::Action(Action::Down));
    update(&mut app, Msg::Action(Action::Submit));
    assert!(!app.changed_since_looked(&app.incidents[&second]));
}

#[test]
fn the_work_list_at_80x24() {
    let mut app = demo_app();
    let events = vec![
        on_shown(
            &app,
            11,
            300,
            "priya",
            Body::ObjectiveAdded {
                text: "stop the card failures".into(),
                stage: warroom::domain::ObjectiveStage::Current,
            },
        ),
        on_shown(
            &app,
            12,
            240,
            "priya",
            Body::TaskAdded {
                text: "roll back 4512".into(),
                owner: Some("jonas".into()),
            },
        ),
    ];
    update(&mut app, Msg::Events(events));
    update(&mut app, Msg::Action(Action::OpenWork));
    update(&mut app, Msg::Action(Action::Down));
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(
        text.contains("> 1. [open] roll back 4512 · jonas") && text.contains("Hypotheses"),
        "{text}"
    );
    insta::assert_snapshot!("work_80x24", draw(&app, &Theme::dark(), 80, 24).backend());
}

#[test]
fn every_audience_has_its_next_update_with_time_and_zone_and_an_overdue_one_stands_out() {
    let app = demo_app();
    let wide = format!("{}", draw(&app, &Theme::dark(), 120, 40).backend());
    for line in [
        "responders update OVERDUE 9m (09:51 UTC)",
        "next update to executives 10:46 UTC (in 46m)",
        "next update to customers 10:57 UTC (in 57m)",
    ] {
        assert!(wide.contains(line), "{line}:\n{wide}");
    }
    // At 80x24 the soonest, with its time and zone.
    let terminal = draw(&app, &Theme::dark(), 80, 24);
    let narrow = format!("{}", terminal.backend());
    assert!(
        narrow.contains("responders update OVERDUE 9m (09:51 UTC)"),
        "{narrow}"
    );
    // Drawn in the overdue style, not the text's.
    let buffer = terminal.backend().buffer();
    let row = (0..buffer.area.height)
        .find(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, *y)].symbol())
                .collect::<String>()
                .contains("OVERDUE")
        })
        .expect("a row with OVERDUE");
    let x = (0..buffer.area.width)
        .find(|x| buffer[(*x, row)].symbol() == "O")
        .unwrap();
    assert_eq!(buffer[(x, row)].fg, Theme::dark().overdue.fg.unwrap());
}

#[test]
fn a_commander_quitting_is_told_and_an_offer_on_another_incident_is_shown() {
    let mut app = demo_app();
    // priya commands the incident shown; at her console, quitting says so.
    app.setup.me = "priya".into();
    update(&mut app, Msg::Action(Action::Quit));
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(
        text.contains("You hold command of") && text.contains(":handoff NAME"),
        "{text}"
    );
    update(&mut app, Msg::Action(Action::Cancel));
    // ana offers alice command of the other incident while alice looks at this one.
    app.setup.me = "alice".into();
    let shown = app.shown.unwrap();
    let other = *app.incidents.keys().find(|id| **id != shown).unwrap();
    let reopen = Event {
        incident: other,
        ..on_shown(
            &app,
            21,
            60,
            "ana",
            Body::StatusChanged {
                status: warroom::domain::Status::Investigating,
                reason: Some("it came back".into()),
            },
        )
    };
    let offer = Event {
        incident: other,
        ..on_shown(
            &app,
            22,
            30,
            "ana",
            Body::HandoffOffered {
                from: "ana".into(),
                to: "alice".into(),
            },
        )
    };
    update(&mut app, Msg::Events(vec![reopen, offer]));
    assert!(app.incidents[&other].command.pending.is_some());
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    let id = warroom::domain::short_id(other);
    assert!(
        text.contains(&format!("HANDOFF: ana offers you command of {id}")),
        "{text}"
    );
}

#[test]
fn what_the_review_still_lacks_is_in_view_at_80x24() {
    let mut app = demo_app();
    update(&mut app, Msg::Action(Action::OpenReview));
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(
        text.contains("Still missing") && text.contains("no root cause recorded"),
        "{text}"
    );
}

#[test]
fn the_inbox_is_counted_in_the_header_and_listed_at_80x24() {
    let mut app = demo_app();
    let alert = |n: u64, text: &str, resolved: bool| {
        let at = now() - chrono::TimeDelta::minutes(10 - n as i64);
        let id = ulid::Ulid::from_parts(at.timestamp_millis() as u64, 9000 + u128::from(n));
        Event {
            id,
            origin: "t".into(),
            seq: 900 + n,
            incident: id,
            author: "alertmanager".into(),
            recorded_by: None,
            at,
            logged_at: at,
            body: Body::AlertReceived {
                text: text.into(),
                source: Some("alertmanager".into()),
                fingerprint: format!("f{n}"),
                labels: Default::default(),
                resolved,
                url: None,
            },
        }
    };
    update(
        &mut app,
        Msg::Events(vec![
            alert(1, "DiskFull: disk 95% on db-1", false),
            alert(2, "HighErrorRate: 5xx above 5% in eu-west", false),
            alert(3, "CertExpiry: cert for api expires in 6 days", true),
        ]),
    );
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(text.contains("inbox 3 (A)"), "{text}");
    update(&mut app, Msg::Action(Action::OpenInbox));
    let text = format!("{}", draw(&app, &Theme::dark(), 80, 24).backend());
    assert!(
        text.contains("> ") && text.contains("HighErrorRate") && text.contains("resolved"),
        "{text}"
    );
    insta::assert_snapshot!("inbox_80x24", draw(&app, &Theme::dark(), 80, 24).backend());
}

/// "As of" mode labelled: the moment, its zone, read-only and the way back, at every
/// size, with the panes as they stood (here before the first severity was set).
#[test]
fn as_of_mode_says_when_it_shows_and_that_it_is_read_only() {
    let mut app = demo_app();
    act(&mut app, &[Action::FocusTimeline]);
    let state = app.incident().unwrap();
    let first_severity = state
        .timeline
        .iter()
        .position(|e| matches!(e.event.body, Body::SeveritySet { .. }))
        .unwrap();
    let ups = state.timeline.len() - first_severity;
    for _ in 0..ups {
        act(&mut app, &[Action::Up]);
    }
    act(&mut app, &[Action::AsOf]);
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let terminal = draw(&app, &Theme::dark(), w, h);
        let text = format!("{}", terminal.backend());
        assert!(
            text.contains(" AS OF ") && text.contains("READ-ONLY"),
            "{text}"
        );
        assert!(text.contains("Esc returns to now"), "{w}x{h}: {text}");
        insta::assert_snapshot!(format!("as_of_{w}x{h}"), terminal.backend());
    }
}

/// In "as of", the timeline's entries after the moment are dimmed, those up to it not.
#[test]
fn as_of_dims_what_came_after_the_moment() {
    let mut app = demo_app();
    act(
        &mut app,
        &[Action::FocusTimeline, Action::Up, Action::Up, Action::AsOf],
    );
    let terminal = draw(&app, &Theme::dark(), 120, 40);
    let buffer = terminal.backend().buffer();
    let row_with = |text: &str| {
        (0..buffer.area.height)
            .find(|&y| {
                let line: String = (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol().to_string())
                    .collect();
                line.contains(text)
            })
            .unwrap_or_else(|| panic!("{text} on screen"))
    };
    let state = app.incident().unwrap();
    let position = app.as_of.as_ref().unwrap().position;
    let newest = &state.timeline[state.timeline.len() - 1];
    let at_moment = &state.timeline[position - 1];
    let time = |e: &warroom::domain::Entry| e.event.at.format("%H:%M:%S").to_string();
    let dim = |y: u16| buffer[(1, y)].modifier.contains(Modifier::DIM);
    assert!(dim(row_with(&time(newest))), "after the moment: dimmed");
    assert!(
        !dim(row_with(&time(at_moment))),
        "the moment itself: not dimmed"
    );
}

#[test]
fn a_recovered_draft_says_which_incident_it_was_for_and_where_it_goes() {
    use warroom::app::{Draft, EntryKind};
    let first = opened(1, "Checkout failing");
    let second = opened(2, "Search slow");
    let (first_id, second_id) = (first[0].incident, second[0].incident);
    let mut events = first;
    events.extend(second);
    let offered = |incident: Option<ulid::Ulid>| {
        let mut app = app_with(events.clone());
        app.show(second_id);
        update(
            &mut app,
            Msg::DraftFound(Draft {
                incident,
                kind: EntryKind::Decision,
                text: "roll back deploy 4512".into(),
            }),
        );
        format!("{}", draw(&app, &Theme::dark(), 120, 40).backend())
    };
    let short = |id: ulid::Ulid| {
        let full = id.to_string();
        full[full.len() - 6..].to_ascii_lowercase()
    };
    // For an incident the log holds: named, with its state, though another is shown.
    let screen = offered(Some(first_id));
    assert!(
        screen.contains(&format!(
            "for incident {} \"Checkout failing\" (triage):",
            short(first_id)
        )),
        "{screen}"
    );
    // For one it does not hold: said, and where putting it back sends it.
    let gone = ulid::Ulid::from_parts(1, 99);
    let screen = offered(Some(gone));
    assert!(
        screen.contains(&format!(
            "for incident {}, which this log does not hold;",
            short(gone)
        )) && screen.contains(&format!(
            "put back, it goes to {} \"Search slow\":",
            short(second_id)
        )),
        "{screen}"
    );
    let screen = offered(None);
    assert!(
        screen.contains("for no incident;")
            && screen.contains(&format!(
                "put back, it goes to {} \"Search slow\":",
                short(second_id)
            )),
        "{screen}"
    );
    // The text and every key stay inside the box.
    assert!(screen.contains("roll back deploy 4512") && screen.contains("throw it away"));
    // A draft longer than the question shows says how much more there is.
    let mut app = app_with(events.clone());
    update(
        &mut app,
        Msg::DraftFound(Draft {
            incident: Some(first_id),
            kind: EntryKind::Note,
            text: (1..=8)
                .map(|n| format!("line {n}"))
                .collect::<Vec<_>>()
                .join("\n"),
        }),
    );
    let screen = format!("{}", draw(&app, &Theme::dark(), 120, 40).backend());
    assert!(
        screen.contains("line 5")
            && !screen.contains("line 6")
            && screen.contains("… and 3 lines more"),
        "{screen}"
    );
    // Offered while the log cannot be read: nothing said of it but that.
    let mut app = app_with(events.clone());
    update(&mut app, Msg::ReadFailed);
    update(
        &mut app,
        Msg::DraftFound(Draft {
            incident: Some(first_id),
            kind: EntryKind::Note,
            text: "still typing".into(),
        }),
    );
    let screen = format!("{}", draw(&app, &Theme::dark(), 120, 40).backend());
    assert!(
        screen.contains(&format!(
            "for incident {}; the log is not read yet:",
            short(first_id)
        )) && !screen.contains("does not hold"),
        "{screen}"
    );
}

/// A key as the entry box gets it, with no Ctrl or Alt.
fn key(key: tui_textarea::Key) -> Msg {
    Msg::Type(tui_textarea::Input {
        key,
        ..Default::default()
    })
}

/// The console's painter keeps what lies beneath the entry box between frames and
/// sends a frame in which only the text in the box changed by itself
/// ([`ui::Painter::patch`], or a whole frame when the box changed size): after every
/// kind of typing (a run, a key that edits, one that moves the cursor, text long
/// enough to grow the box, wide and combining characters), at every size and in two
/// themes, what is on screen is what a whole frame draws.
/// (Which batches count as typing alone is the loop's test, in `tui`.)
#[test]
fn a_painter_keeping_the_panes_draws_what_a_whole_frame_does_after_every_kind_of_typing() {
    use tui_textarea::Key;
    let long = "and the error rate is falling back to baseline across every region ".repeat(3);
    for (width, height) in [(80, 24), (120, 40), (200, 60)] {
        for theme in [Theme::dark(), Theme::builtin("light").unwrap()] {
            let mut app = demo_app();
            act(&mut app, &[Action::OpenEntry]);
            let mut painter = ui::Painter::default();
            let mut screen = Terminal::new(TestBackend::new(width, height)).unwrap();
            painter.draw(&mut screen, &app, &theme).unwrap();
            let steps = vec![
                Msg::Typed("rolled back".into()),
                Msg::Typed(" the deploy".into()),
                key(Key::Backspace),
                key(Key::Left),
                key(Key::Left),
                Msg::Typed("X".into()),
                key(Key::Home),
                key(Key::Delete),
                key(Key::End),
                Msg::Typed(long.clone()),
                key(Key::Backspace),
                key(Key::Tab),
                key(Key::Up),
                Msg::Typed("é 障害 ok".into()),
            ];
            for (n, step) in steps.into_iter().enumerate() {
                update(&mut app, step);
                if !painter.patch(&mut screen, &app, &theme).unwrap() {
                    painter.draw(&mut screen, &app, &theme).unwrap();
                }
                // As a terminal shows them (a test terminal keeps only the cells each
                // diff sends, and a diff skips the cell behind a wide character).
                let mut fresh = Terminal::new(TestBackend::new(width, height)).unwrap();
                fresh.draw(|f| ui::render(f, &app, &theme)).unwrap();
                assert_eq!(
                    on_screen(screen.backend().buffer()),
                    on_screen(fresh.backend().buffer()),
                    "step {n} at {width}x{height}"
                );
            }
        }
    }
}

/// The cells a terminal shows for `buffer`: a cell behind a wide character is covered
/// by it (a test terminal keeps whatever was there before, as the diff skips it).
fn on_screen(buffer: &ratatui::buffer::Buffer) -> Vec<ratatui::buffer::Cell> {
    let width = usize::from(buffer.area.width);
    let mut cells = buffer.content().to_vec();
    for i in 0..cells.len() {
        let wide = unicode_width::UnicodeWidthStr::width(cells[i].symbol()) > 1;
        if wide && (i + 1) % width != 0 {
            cells[i + 1] = ratatui::buffer::Cell::default();
        }
    }
    cells
}

/// What the console's painter sends when only the box changed ([`ui::Painter::patch`],
/// which compares the box's rows alone and leaves ratatui's copy of the screen behind,
/// after [`ui::Painter::echo`] for a single character) leaves the screen as a whole frame
/// draws it: after every kind of typing, an echo in the middle of a line, whole frames
/// between patches (ratatui is given the patched rows first, so a box emptied by a
/// commit is cleared on screen too), at every size.
#[test]
fn a_painter_patching_the_box_leaves_the_screen_a_whole_frame_draws() {
    use tui_textarea::Key;
    let long = "and the error rate is falling back to baseline across every region ".repeat(3);
    for (width, height) in [(80, 24), (120, 40), (200, 60)] {
        let theme = Theme::dark();
        let mut app = demo_app();
        act(&mut app, &[Action::OpenEntry]);
        let mut painter = ui::Painter::default();
        let mut screen = Terminal::new(TestBackend::new(width, height)).unwrap();
        painter.draw(&mut screen, &app, &theme).unwrap();
        // (message, whether the loop would call it typing alone)
        let steps = vec![
            (Msg::Typed("r".into()), true),
            (Msg::Typed("olled back".into()), true),
            (Msg::Typed(" ".into()), true),
            (Msg::Typed("t".into()), true),
            (Msg::Typed("he deploy".into()), true),
            (key(Key::Backspace), true),
            (key(Key::Left), true),
            // Echoed where the cursor is; the rest of the line moves on in the frame.
            (Msg::Typed("X".into()), true),
            (key(Key::Home), true),
            (key(Key::Delete), true),
            (key(Key::End), true),
            (Msg::Typed(long.clone()), true),
            (key(Key::Backspace), true),
            (Msg::Typed("é 障害 ok".into()), true),
            // The box emptied, and the panes changed, by a whole frame.
            (key(Key::Enter), false),
            (Msg::Typed("next one".into()), true),
            (key(Key::Backspace), true),
            (Msg::Action(Action::Close), false),
        ];
        let mut patched = 0;
        for (n, (step, typing)) in steps.into_iter().enumerate() {
            // A single character is echoed before its frame, as the loop does.
            let echo = match &step {
                Msg::Typed(text) if ui::echoes(&app) => {
                    match text.chars().collect::<Vec<_>>()[..] {
                        [c] => Some(c),
                        _ => None,
                    }
                }
                _ => None,
            };
            update(&mut app, step);
            if let Some(c) = echo {
                painter.echo(&mut screen, c).unwrap();
            }
            if typing && painter.patch(&mut screen, &app, &theme).unwrap() {
                patched += 1;
            } else {
                painter.draw(&mut screen, &app, &theme).unwrap();
            }
            let mut fresh = Terminal::new(TestBackend::new(width, height)).unwrap();
            fresh.draw(|f| ui::render(f, &app, &theme)).unwrap();
            let (got, want) = (
                on_screen(screen.backend().buffer()),
                on_screen(fresh.backend().buffer()),
            );
            let differ: Vec<String> = (0..got.len())
                .filter(|&i| got[i] != want[i])
                .map(|i| {
                    let w = usize::from(width);
                    format!("({}, {}): {:?} not {:?}", i % w, i / w, got[i], want[i])
                })
                .collect();
            assert!(
                differ.is_empty(),
                "step {n} at {width}x{height}: {differ:#?}"
            );
            let cursor = |t: &Terminal<TestBackend>| {
                let b = t.backend();
                b.cursor_visible().then(|| b.cursor_position())
            };
            assert_eq!(
                cursor(&screen),
                cursor(&fresh),
                "step {n} at {width}x{height}: the cursor"
            );
        }
        assert!(
            patched >= 12,
            "{patched} frames patched at {width}x{height}"
        );
    }
}

/// A flag (a pair of regional indicators) is drawn as its letters: terminals disagree
/// on its width, and one that draws it narrower than the layout leaves a stale cell.
#[test]
fn a_flag_is_drawn_as_its_letters_in_the_columns_the_layout_gave_it() {
    let mut events = opened(1, "Flags");
    let first = events[0].clone();
    events.push(note(&first, 1, "flag 🇩🇪 here and 🇯🇵 there, a lone 🇫 too"));
    let app = app_with(events);
    for (width, height) in [(80, 24), (120, 40), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let buffer = terminal
            .draw(|f| ui::render(f, &app, &Theme::dark()))
            .unwrap()
            .buffer
            .clone();
        assert!(
            buffer.content().iter().all(|c| !c
                .symbol()
                .chars()
                .any(|c| ('\u{1F1E6}'..='\u{1F1FF}').contains(&c))),
            "no regional indicator reaches the terminal"
        );
        // Each letter in a cell of its own: a later frame that draws over the first
        // clears the second as it would any letter (the terminal draws two narrow
        // letters, so a cell holding both would leave the second behind).
        assert!(
            buffer
                .content()
                .iter()
                .all(|c| c.symbol() != "DE" && c.symbol() != "JP"),
            "one letter a cell"
        );
        let row = |y: u16| -> String {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        };
        assert!(
            (0..height).any(|y| row(y).contains("flag DE here")),
            "{width}x{height}: the letters where the flag was"
        );
        let text = format!("{}", terminal.backend());
        assert!(
            text.contains("flag DE here and JP") && text.contains("lone F too"),
            "{width}x{height}:\n{text}"
        );
    }
}

/// The roster's title says what fits whole: with the focus marker at 80 columns, the
/// count of people without who watches, never a count cut short.
#[test]
fn the_roster_title_says_what_fits_whole() {
    let mut app = demo_app();
    let text = format!("{}", draw(&app, &Theme::dark(), 120, 40).backend());
    assert!(text.contains("2 Roster (7 people · 2 watching)"), "{text}");
    act(&mut app, &[Action::FocusRoster]);
    for (width, height) in [(80, 24), (120, 40)] {
        let text = format!("{}", draw(&app, &Theme::dark(), width, height).backend());
        let title = text
            .lines()
            .find(|l| l.contains("2 Roster"))
            .expect("the roster's title");
        assert!(
            title.contains("▶ 2 Roster (7 people · 2 watching) ")
                || title.contains("▶ 2 Roster (7 people) "),
            "{width}x{height}: {title}"
        );
    }
}

/// The terminal's cursor in the entry box is where the next character goes, and never
/// on a character already typed: after a row typed exactly full it stands at the start
/// of the row below (the box has grown by it), as in a shell or vim; one character
/// more goes there, and Backspace brings it back to the end of the full row. At every
/// size, for a first row and a wrapped one, and after wide characters.
#[test]
fn the_cursor_after_a_row_typed_exactly_full_stands_on_the_next_row() {
    let type_in = |app: &mut App, text: &str| update(app, Msg::Typed(text.into()));
    for (width, height) in [(80, 24), (120, 40), (200, 60)] {
        let inner = usize::from(width) - 2;
        for (before, unit) in [("", "a"), ("", "障"), (&*"b".repeat(inner), "a")] {
            let mut app = demo_app();
            act(&mut app, &[Action::OpenEntry]);
            // Enough to fill the row: inner columns of unit, after a row of `before`.
            let fill = unit.repeat(inner / unicode_width::UnicodeWidthStr::width(unit));
            type_in(&mut app, &format!("{before}{fill}"));
            // The cursor's column and its row counted from the box's top border.
            let at = |app: &App| {
                let mut terminal = draw(app, &Theme::dark(), width, height);
                let text = format!("{}", terminal.backend());
                let top = text
                    .lines()
                    .position(|l| l.contains("Entry ·"))
                    .expect("the box");
                let p = terminal.get_cursor_position().unwrap();
                (p.x, p.y - top as u16)
            };
            let rows_before = u16::from(!before.is_empty());
            assert_eq!(
                at(&app),
                (1, 2 + rows_before),
                "{width}x{height}, {unit} after {} columns: the cursor on the row below",
                before.len()
            );
            type_in(&mut app, "z");
            assert_eq!(
                at(&app),
                (2, 2 + rows_before),
                "{width}x{height}: z on the new row"
            );
            update(
                &mut app,
                Msg::Type(tui_textarea::Input {
                    key: tui_textarea::Key::Backspace,
                    ..Default::default()
                }),
            );
            assert_eq!(at(&app), (1, 2 + rows_before), "{width}x{height}: back");
        }
    }
}

/// However a line breaks in the entry box (at a space, inside a word too long for a
/// row, a space falling on the last column), the box is as tall as its text: every
/// character typed is in it, and the cursor, after the text, is on its last row.
#[test]
fn the_entry_box_is_as_tall_as_its_wrapped_text_however_it_breaks() {
    let (width, height) = (80, 24);
    let inner = usize::from(width) - 2;
    let texts = [
        format!("{} b", "a".repeat(inner - 1)),
        format!("{} ", "a".repeat(inner - 1)),
        format!("{} ", "a".repeat(inner)),
        format!("{} bb", "a".repeat(inner - 2)),
        "word ".repeat(inner / 5 + 1),
        "word ".repeat(inner / 5) + "abc",
        format!("{} {}", "a".repeat(40), "b".repeat(inner)),
        format!("{} {} c", "a".repeat(inner / 2), "b".repeat(inner / 2 - 1)),
    ];
    for text in texts {
        let mut app = demo_app();
        act(&mut app, &[Action::OpenEntry]);
        update(&mut app, Msg::Typed(text.clone()));
        let mut terminal = draw(&app, &Theme::dark(), width, height);
        let screen = format!("{}", terminal.backend());
        let rows: Vec<&str> = screen.lines().collect();
        let top = rows
            .iter()
            .position(|l| l.contains("Entry ·"))
            .expect("the box");
        let bottom = top
            + rows[top..]
                .iter()
                .position(|l| l.contains("Enter commits"))
                .expect("its bottom");
        let inside: String = rows[top + 1..bottom]
            .iter()
            .map(|r| {
                r.trim_matches('"')
                    .chars()
                    .skip(1)
                    .take(inner)
                    .collect::<String>()
            })
            .collect();
        for c in ['a', 'b', 'c', 'w'] {
            assert_eq!(
                inside.matches(c).count(),
                text.matches(c).count(),
                "{text:?}: every {c} in the box:\n{screen}"
            );
        }
        let cursor = terminal.get_cursor_position().unwrap();
        assert_eq!(
            usize::from(cursor.y),
            bottom - 1,
            "{text:?}: the cursor on the box's last row:\n{screen}"
        );
    }
}
