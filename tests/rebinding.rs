//! A config file's `[keys]` in the console: read by the real config reader, the keys
//! go through the console's own key mapping into `update`, and the screen is drawn
//! into ratatui's TestBackend; once end to end, the real binary in a pseudo-terminal.
//! The rebound key does the action, and the hint bar, the help and the texts that name
//! keys name the key in force, not the built-in one.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::app::{App, Mode, Msg, Overlay, Zone, update};
use warroom::domain::Timestamp;
use warroom::ui::{self, Theme};

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap()
}

/// The sample incidents in a console whose keys are the built-in ones with `config`'s
/// `[keys]` over them.
fn console_with(config: &str) -> App {
    let (settings, problems) = warroom::config::check(config, Path::new("/"));
    assert!(problems.is_empty(), "{problems:?}");
    let mut app = App::new("alice", "w.db", None, now());
    app.setup.zone = Zone::Utc;
    app.setup.keys = settings.keys;
    update(&mut app, Msg::Events(warroom::demo::events("demo", now())));
    update(&mut app, Msg::Loaded);
    app
}

/// Presses a key as the terminal sends it, through the console's key mapping.
fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    let event = KeyEvent::new(code, modifiers);
    if let Some(msg) = warroom::tui::to_msg(&app.setup.keys, app.mode(), event) {
        update(app, msg);
    }
}

fn plain(app: &mut App, c: char) {
    press(app, KeyCode::Char(c), KeyModifiers::NONE);
}

fn ctrl(app: &mut App, c: char) {
    press(app, KeyCode::Char(c), KeyModifiers::CONTROL);
}

/// The screen's text, one string a row.
fn screen(app: &App, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::render(frame, app, &Theme::dark()))
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

fn help_is_open(app: &App) -> bool {
    matches!(app.overlays.last(), Some(Overlay::Help { .. }))
}

#[test]
fn a_rebound_key_opens_the_help_and_the_hint_bar_and_the_help_name_it() {
    let mut app = console_with("[keys.panes]\n\"ctrl-h\" = \"toggle_help\"\n\"?\" = \"none\"\n");
    // The hint bar names the key in force.
    let rows = screen(&app, 160, 40);
    let bar = rows.last().unwrap();
    assert!(bar.contains("Ctrl-h help"), "{bar}");
    assert!(!bar.contains("? help"), "{bar}");
    // `?` does nothing now; Ctrl-H opens the help, and closes it again.
    plain(&mut app, '?');
    assert!(!help_is_open(&app));
    ctrl(&mut app, 'h');
    assert!(help_is_open(&app));
    let help = screen(&app, 160, 60).join("\n");
    assert!(
        help.contains("Ctrl-h F1"),
        "the help lists the new key with F1:\n{help}"
    );
    // While the roster has focus the panes' keys work too.
    press(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert!(!help_is_open(&app));
    plain(&mut app, '2');
    assert_eq!(app.mode(), Mode::Roster);
    ctrl(&mut app, 'h');
    assert!(help_is_open(&app));
}

#[test]
fn the_built_in_keys_are_named_without_a_config() {
    let mut app = console_with("");
    let bar = screen(&app, 160, 40).pop().unwrap();
    assert!(bar.contains("? help") && !bar.contains("Ctrl-h"), "{bar}");
    plain(&mut app, '?');
    assert!(help_is_open(&app));
}

#[test]
fn the_timeline_and_the_palette_name_the_keys_in_force() {
    let mut app = console_with(
        "[keys.panes]\n\"ctrl-e\" = \"bottom\"\n\"G\" = \"none\"\n\n[keys.palette]\n\"ctrl-k\" = \"complete\"\n\"tab\" = \"none\"\n",
    );
    // Scrolled up, the timeline says which key goes back to the newest entry.
    plain(&mut app, 'k');
    let rows = screen(&app, 120, 40).join("\n");
    assert!(rows.contains("scrolled (Ctrl-e: newest)"), "{rows}");
    assert!(!rows.contains("G: newest"), "{rows}");
    plain(&mut app, 'G');
    assert!(!app.timeline.following(), "G no longer follows");
    ctrl(&mut app, 'e');
    assert!(app.timeline.following(), "Ctrl-E follows");

    // The palette's title and its mistakes name the completing key in force.
    plain(&mut app, ':');
    assert_eq!(app.mode(), Mode::Palette);
    for c in "frobnicate".chars() {
        plain(&mut app, c);
    }
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let rows = screen(&app, 120, 40).join("\n");
    assert!(rows.contains("Ctrl-k completes"), "{rows}");
    assert!(!rows.contains("Tab completes"), "{rows}");
    assert!(
        rows.contains("no command 'frobnicate': Ctrl-k shows the commands"),
        "{rows}"
    );
}

#[test]
fn the_console_started_with_a_config_takes_its_keys() {
    let env = common::Env::new();
    env.declare("Checkout failing in EU");
    let config = env.path("mine.toml");
    std::fs::write(
        &config,
        "[keys.panes]\n\"ctrl-o\" = \"toggle_help\"\n\"?\" = \"none\"\n",
    )
    .unwrap();
    let mut console = common::pty::Console::start_with(
        &env,
        &[],
        &[("WARROOM_CONFIG", config.to_str().unwrap())],
    );
    console.wait_text("Checkout failing in EU");
    console.wait_text("Ctrl-o help");
    // `?` is unbound: nothing opens (given time to draw if it did).
    console.send("?");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!console.screen().contains("Help ·"), "{}", console.screen());
    console.send("\x0f");
    console.wait_text("Help ·");
    console.send("\x1b");
    console.wait_for("help to close", |s| !s.contains("Help ·"));
    console.send("\x03");
    assert!(console.wait_exit().success());
}
