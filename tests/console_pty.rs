//! The console end to end: the real binary in a pseudo-terminal, read through vt100.

mod common;

use common::pty::{Console, drafts_holding, timeline_has};
use common::{Env, Signal};

#[test]
fn write_an_entry_see_it_open_help_and_quit_cleanly() {
    let env = Env::new();
    env.declare("Checkout failing in EU");
    let mut console = Console::start(&env, &[]);
    console.wait_text("Checkout failing in EU");
    console.wait_text("following");
    assert!(console.alternate_screen());

    console.send("i");
    console.wait_text("Enter commits");
    console.send("roll back deploy 4512");
    console.wait_text("roll back deploy 4512");
    assert!(
        !timeline_has(&console.screen(), "roll back deploy 4512"),
        "not shown before it is committed"
    );
    console.send("\r");
    console.wait_for("the entry in the timeline", |s| {
        timeline_has(s, "alice: roll back deploy 4512")
    });
    assert!(
        env.ok(&["tail"]).contains("alice: roll back deploy 4512"),
        "committed to the database"
    );

    console.send("\x1b");
    console.wait_text("i or Enter to write an entry");
    console.send("?");
    console.wait_text("Help ·");
    console.send("\x1b");
    console.wait_for("help to close", |s| !s.contains("Help ·"));

    // Too small, then recovering when the window grows back. Keys typed meanwhile
    // would act unseen: none is taken (but Ctrl-c, which the screen names).
    console.send("i");
    console.wait_text("Enter commits");
    console.resize(20, 70);
    console.wait_text("terminal too small");
    console.wait_text("Ctrl-c quits");
    console.send("typed blind\r");
    console.send("\x1bq");
    console.resize(24, 80);
    console.wait_for("the panes again", |s| {
        s.contains("Timeline") && !s.contains("too small")
    });
    assert!(!console.screen().contains("Quit?"), "q was not taken");
    assert!(
        !env.ok(&["tail"]).contains("typed blind"),
        "nothing typed while too small was logged"
    );
    assert!(
        console.screen().contains("Enter commits") && !console.screen().contains("typed blind"),
        "the box as it was: {}",
        console.screen()
    );
    console.send("\x1b");
    console.wait_text("i or Enter to write an entry");

    console.send("q");
    console.wait_text("Quit?");
    console.send("y");
    let status = console.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(!console.alternate_screen(), "left the alternate screen");
    assert!(console.cooked(), "the terminal is back in cooked mode");
}

/// Keys typed while the screen said it was too small are not taken even when the
/// console reads them only after the window has grown back (a loaded machine): the
/// console is stopped, sent keys, resized and continued, so that the keys and the
/// window's signal wait together. Several rounds: which of the two the console
/// notices first is not up to the test.
#[test]
fn keys_typed_while_too_small_and_read_after_the_window_grew_are_not_taken() {
    let env = Env::new();
    env.declare("Checkout failing in EU");
    let mut console = Console::start(&env, &[]);
    console.wait_text("following");
    console.send("i");
    console.wait_text("Enter commits");
    for round in 0..6 {
        console.resize(20, 70);
        console.wait_text("terminal too small");
        console.signal(Signal::STOP);
        let keys = format!("typed blind {round}\r");
        console.send(&keys);
        console.wait_unread(keys.len() as u64);
        console.resize(24, 80);
        console.signal(Signal::CONT);
        console.wait_for("the panes again", |s| {
            s.contains("Timeline") && !s.contains("too small")
        });
    }
    // A key typed now is taken: the keys before it were read, and dropped.
    console.send("seen\r");
    console.wait_for("the entry in the timeline", |s| {
        timeline_has(s, "alice: seen")
    });
    assert!(
        !env.ok(&["tail"]).contains("typed blind"),
        "nothing typed while too small was logged"
    );
    assert!(
        !console.screen().contains("typed blind"),
        "{}",
        console.screen()
    );
}

/// Escape then a key typed quickly reach the console in one read, exactly as Alt and
/// that key would: where Alt with it means nothing, the two keys are taken (Escape
/// leaves the box, `?` opens the help); where it edits (Alt-b, a word back), it edits.
#[test]
fn escape_and_a_key_read_together_are_both_taken() {
    let env = Env::new();
    env.declare("Esc then a key");
    let mut console = Console::start(&env, &[]);
    console.wait_text("following");
    console.send("i");
    console.wait_text("Enter commits");
    console.send("one two");
    console.wait_text("one two");
    console.send("\x1bbX");
    console.wait_text("one Xtwo");
    console.send("\x1b?");
    console.wait_text("Help ·");
    console.send("\x1b");
    console.wait_for("help to close", |s| !s.contains("Help ·"));
    assert!(
        console.screen().contains("draft kept: one Xtwo"),
        "the box left, its text kept: {}",
        console.screen()
    );
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn a_draft_survives_a_dropped_session_and_is_offered_back() {
    let env = Env::new();
    env.declare("Queue backlog");
    let mut console = Console::start(&env, &[]);
    console.wait_text("Queue backlog");
    console.send("i");
    console.wait_text("Enter commits");
    console.send("/d half-typed decision to drain the queue");
    console.wait_text("half-typed decision to drain");
    // The SSH connection drops.
    console.signal(Signal::HUP);
    console.wait_exit();
    assert!(console.cooked(), "restored even on hangup");
    assert!(
        !env.ok(&["tail"]).contains("half-typed"),
        "a draft is not an entry"
    );

    let mut again = Console::start(&env, &[]);
    again.wait_text("Recovered draft");
    again.wait_text("half-typed decision to drain the queue");
    again.send("\r");
    again.wait_for("the draft back in the box", |s| {
        s.contains("Entry · decision") && s.contains("half-typed")
    });
    again.send("\r");
    again.wait_for("the decision in the timeline", |s| {
        timeline_has(s, "half-typed decision")
    });
    assert!(
        env.ok(&["tail"])
            .contains("DECISION     alice: half-typed decision to drain the queue")
    );
    again.send("\x03");
    assert!(again.wait_exit().success());

    // Once committed, the draft is gone from disk and nothing is offered on the next
    // start: the entry box opens empty.
    assert!(
        !drafts_holding(&env, "half-typed"),
        "the committed draft is deleted"
    );
    let mut third = Console::start(&env, &[]);
    third.wait_text("Queue backlog");
    third.send("i");
    third.wait_text("Enter commits");
    let screen = third.screen();
    assert!(!screen.contains("Recovered draft"), "{screen}");
    let entry_box: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.contains("Entry ·"))
        .take_while(|l| !l.contains("Enter commits"))
        .collect();
    assert!(!entry_box.is_empty(), "{screen}");
    assert!(
        entry_box.iter().all(|l| !l.contains("half-typed")),
        "the box opens empty: {screen}"
    );
    third.send("\x03");
    third.wait_exit();
}

#[test]
fn a_draft_is_on_disk_moments_after_a_keystroke_so_kill_9_loses_nothing() {
    let env = Env::new();
    env.declare("Kill me");
    let mut console = Console::start(&env, &[]);
    console.wait_text("Kill me");
    console.send("i");
    console.wait_text("Enter commits");
    console.send("/d drain the queue first");
    console.wait_text("drain the queue first");
    // Drafts are written by their own thread as they are typed; kill -9 runs no exit
    // path, so the draft must already be on disk, and soon.
    common::wait_for(
        "the draft on disk",
        std::time::Duration::from_secs(2),
        || drafts_holding(&env, "drain the queue first"),
    );
    console.signal(Signal::KILL);
    console.wait_exit();

    let mut again = Console::start(&env, &[]);
    again.wait_text("Recovered draft");
    again.wait_text("drain the queue first");
    again.send("\x03");
    again.wait_exit();
}

#[test]
fn sigterm_and_sigint_restore_the_terminal() {
    let env = Env::new();
    env.declare("t");
    for signal in [Signal::TERM, Signal::INT] {
        let mut console = Console::start(&env, &[]);
        console.wait_text("following");
        console.signal(signal);
        console.wait_exit();
        assert!(console.cooked(), "signal {}", signal.as_raw());
        assert!(!console.alternate_screen(), "signal {}", signal.as_raw());
    }
}

#[test]
fn frames_are_synchronized_updates_and_no_color_means_no_colour() {
    let env = Env::new();
    env.declare("Colourless");
    let mut console = Console::start_with(&env, &[], &[("NO_COLOR", "1")]);
    console.wait_text("Colourless");
    console.send("\x03");
    console.wait_exit();
    let bytes = console.bytes();
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(
        contains(b"\x1b[?2026h") && contains(b"\x1b[?2026l"),
        "frames are wrapped in synchronized updates"
    );
    for colour in [&b"\x1b[38;"[..], b"\x1b[48;"] {
        assert!(!contains(colour), "NO_COLOR, yet a colour was set");
    }

    let mut coloured = Console::start(&env, &[]);
    coloured.wait_text("Colourless");
    coloured.send("\x03");
    coloured.wait_exit();
    let bytes = coloured.bytes();
    assert!(
        bytes.windows(5).any(|w| w == b"\x1b[38;"),
        "the default theme does use colour"
    );
}

#[test]
fn hostile_text_reaches_the_screen_inert_and_never_the_terminal() {
    let env = Env::new();
    let incident = env.declare("Hostile input");
    let hostile = "clear\u{1b}[2J\u{1b}[31mRED title\u{1b}]0;pwned\u{7} clip\u{1b}]52;c;ZXZpbA==\u{7} c1\u{9b}33mYEL bidi\u{202e}txet";
    env.ok(&["log", hostile]);
    // The CLI refuses such a name, but a peer or an import can carry one.
    let at = warroom::domain::rfc3339(chrono::Utc::now());
    let id = ulid::Ulid::generate();
    let line = format!(
        r#"{{"id":"{id}","origin":"peer","seq":1,"incident":"{incident}","author":"\u001b]0;evil-author\u0007","at":"{at}","logged_at":"{at}","kind":"note","payload":{{"text":"author too"}}}}"#
    );
    env.cmd()
        .args(["import", "-"])
        .write_stdin(line)
        .assert()
        .success();
    let mut console = Console::start(&env, &[]);
    console.wait_text("clear^[[2J^[[31mRED");
    console.wait_text("^[]0;evil-author^G: author too");
    let screen = console.screen();
    assert!(
        screen.contains("<U+009B>33mYEL") && screen.contains("<U+202E>txet"),
        "{screen}"
    );
    console.send("\x03");
    console.wait_exit();

    let bytes = console.bytes();
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    for (what, needle) in [
        ("CSI clear + colour", &b"\x1b[31mRED"[..]),
        ("OSC title", b"\x1b]0;pwned"),
        ("OSC title from an author", b"\x1b]0;evil"),
        ("OSC 52 clipboard", b"\x1b]52"),
        ("C1 CSI", "\u{9b}".as_bytes()),
        ("bidi override", "\u{202e}".as_bytes()),
        ("BEL", b"\x07"),
    ] {
        assert!(
            !contains(needle),
            "the console wrote the hostile {what} to the terminal"
        );
    }
    let parser = console.parser.lock().unwrap();
    assert!(
        parser.callbacks().titles.is_empty(),
        "the window title was changed"
    );
    assert!(
        parser.callbacks().clipboard.is_empty(),
        "the clipboard was written"
    );
}

#[test]
fn an_empty_database_says_what_to_do_and_loads_the_sample() {
    let env = Env::new();
    let mut console = Console::start(&env, &[]);
    console.wait_text("No incident here yet");
    console.send("D");
    console.wait_text("Checkout failing for EU customers");
    console.send("q");
    console.wait_text("Quit?");
    console.send("y");
    assert!(console.wait_exit().success());
    assert!(
        env.ok(&["incidents"])
            .contains("Checkout failing for EU customers")
    );
}

#[test]
fn a_refused_database_is_a_one_line_error_before_any_screen() {
    let env = Env::new();
    std::fs::write(
        &env.db,
        "not a database, just text that is long enough to have a header\n".repeat(3),
    )
    .unwrap();
    let mut console = Console::start(&env, &[]);
    let status = console.wait_exit();
    assert!(!status.success());
    let text = String::from_utf8_lossy(&console.bytes()).to_string();
    assert!(text.contains("is not a warroom database"), "{text}");
    assert!(!console.alternate_screen());
}

#[test]
fn ctrl_z_gives_the_terminal_back_and_takes_it_again() {
    let env = Env::new();
    env.declare("Suspend me");
    let mut console = Console::start(&env, &[]);
    console.wait_text("following");
    let before = console.bytes().len();
    // The child leads its own session here, so the kernel discards the stop itself
    // (an orphaned process group); the restore and re-entry around it still run.
    console.send("\x1a");
    console.wait_bytes("the alternate screen taken back", before, b"\x1b[?1049h");
    let after = console.bytes()[before..].to_vec();
    let find = |needle: &[u8]| after.windows(needle.len()).position(|w| w == needle);
    let left = find(b"\x1b[?1049l").expect("left the alternate screen on Ctrl-Z");
    let back = find(b"\x1b[?1049h").expect("took the alternate screen back");
    assert!(left < back);
    console.wait_for("a full redraw", |s| {
        s.contains("Timeline") && s.contains("Suspend me")
    });
    assert!(console.alternate_screen());
    console.send("\x03");
    console.wait_exit();
    assert!(console.cooked());
}

#[test]
fn a_page_from_another_console_rings_shows_a_banner_and_titles_the_terminal() {
    let env = Env::new();
    env.declare("Checkout failing");
    let mut console = Console::start(&env, &["--as", "bob"]);
    console.wait_text("Checkout failing");
    let before = console.bytes().len();
    env.ok(&["page", "bob", "--as", "alice"]);
    console.wait_text("! alice paged you for");
    console.wait_bytes("the bell", before, b"\x07");
    console.wait_for("the title", |_| {
        console
            .parser
            .lock()
            .unwrap()
            .callbacks()
            .titles
            .iter()
            .any(|t| t == b"warroom \xc2\xb7 1 to notice")
    });
    // Seen: Esc clears it, and the title is the console's again.
    console.send("\x1b");
    console.wait_for("the banner to go", |screen| !screen.contains("paged you"));
    console.wait_for("the title back", |_| {
        console
            .parser
            .lock()
            .unwrap()
            .callbacks()
            .titles
            .last()
            .is_some_and(|t| t == b"warroom")
    });
    // What bob does himself is no news to him.
    let quiet = console.bytes().len();
    env.ok(&["log", "--as", "bob", "on it"]);
    console.wait_text("on it");
    assert!(
        !console.bytes()[quiet..].contains(&0x07),
        "his own entry rang"
    );
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn what_is_written_and_the_briefing_go_to_the_clipboard_over_osc_52() {
    use base64::Engine;
    let env = Env::new();
    env.declare("Checkout failing");
    let mut console = Console::start(&env, &[]);
    console.wait_text("Checkout failing");
    console.send("i");
    console.send("we are rolling back 4512");
    console.wait_text("we are rolling back 4512");
    console.send("\x19"); // Ctrl-Y
    console.wait_text("copied to your clipboard");
    let copied = |console: &Console| -> Vec<String> {
        console
            .parser
            .lock()
            .unwrap()
            .callbacks()
            .clipboard
            .iter()
            .map(|data| {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(data)
                    .expect("base64");
                String::from_utf8(bytes).expect("UTF-8")
            })
            .collect()
    };
    assert_eq!(
        copied(&console),
        vec!["we are rolling back 4512".to_string()]
    );
    // Leave the box, and wait for it: an Esc and a B read together are Alt-B.
    console.send("\x1b");
    console.wait_for("the box to be left", |screen| !screen.contains("TYPING"));
    console.send("B");
    console.wait_text("Briefing: Checkout failing");
    console.send("c");
    console.wait_text("briefing copied");
    let all = copied(&console);
    assert!(
        all.last()
            .is_some_and(|b| b.starts_with("# Briefing: Checkout failing")),
        "{all:?}"
    );
    console.send("\x03");
    console.wait_exit();
}

/// What a dropped SSH session can leave on a terminal: still on the alternate screen,
/// full of an old console's cells.
fn old_screen() -> Vec<u8> {
    let mut junk = b"\x1b[?1049h".to_vec();
    for row in 1..=24 {
        junk.extend(format!("\x1b[{row};1H{}", "STALE#".repeat(13)).as_bytes());
    }
    junk
}

#[test]
fn a_console_started_on_an_old_screen_clears_it_and_ctrl_l_repaints() {
    let env = Env::new();
    env.declare("Checkout failing in EU");
    let mut console = Console::start_on_screen(&env, &[], &old_screen());
    assert!(
        console.screen().contains("STALE#"),
        "the old screen is there first"
    );
    console.wait_text("following");
    console.wait_for("the old cells gone", |s| !s.contains("STALE"));
    // A terminal that keeps the alternate screen's cells when asked for it again (tmux
    // and others do) would show them through every blank cell of the first frame: the
    // screen is cleared after entering it and before the first frame is drawn.
    let bytes = console.bytes();
    let entered = find(&bytes, b"\x1b[?1049h").expect("enters the alternate screen");
    let cleared = find(&bytes[entered..], b"\x1b[2J").expect("clears it") + entered;
    let drawn = find(&bytes, "Timeline".as_bytes()).expect("a frame");
    assert!(cleared < drawn, "cleared before the first frame");

    // Something scribbles over the terminal (a wall message, line noise): Ctrl-L
    // draws the whole screen again, as in vim and less.
    console
        .parser
        .lock()
        .unwrap()
        .process(b"\x1b[12;5HNOISE-NOISE-NOISE\x1b[1;1H");
    assert!(console.screen().contains("NOISE-NOISE"));
    let before = console.bytes().len();
    console.send("\x0c");
    console.wait_for("the noise repainted over", |s| {
        !s.contains("NOISE") && s.contains("following")
    });
    // Automatic wrap is turned off again (a program run meanwhile may have turned it
    // on): the frames' short cursor moves rely on it.
    console.wait_bytes("automatic wrap off again", before, b"\x1b[?7l");
    console.send("?");
    console.wait_text("Help ·");
    console.wait_for("Ctrl-L in the help", |s| {
        s.contains("Ctrl-l") || s.contains("Ctrl-L")
    });
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn colours_are_as_deep_as_the_terminal_says_it_shows() {
    let env = Env::new();
    let id = env.declare("Colour depth");
    env.ok(&["severity", "P3", "--reason", "a yellow badge", "-i", &id]);
    let bytes_with = |vars: &[(&str, &str)]| {
        let mut console = Console::start_with(&env, &["--theme", "light"], vars);
        console.wait_text("Colour depth");
        console.send("\x03");
        console.wait_exit();
        console.bytes()
    };
    let has = |bytes: &[u8], needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    // GNU screen with no COLORTERM: the 16 system colours only; the P3 badge's yellow
    // background is a system yellow, not a 24-bit code screen would show as another
    // colour. (crossterm writes a system colour as palette entry 0-15, `48;5;3`,
    // which such terminals read as the system colour.)
    let screen = bytes_with(&[("TERM", "screen"), ("COLORTERM", "")]);
    for deep in [&b"38;2;"[..], b"48;2;"] {
        assert!(
            !has(&screen, deep),
            "24-bit colour sent to a 16-colour terminal"
        );
    }
    assert!(
        palette_entries(&screen).iter().all(|n| *n < 16),
        "only the 16 system colours: {:?}",
        palette_entries(&screen)
    );
    assert!(
        palette_backgrounds(&screen)
            .iter()
            .any(|n| *n == 3 || *n == 11),
        "the badge's yellow, as a system colour: {:?}",
        palette_backgrounds(&screen)
    );
    // A 256-colour terminal: palette indexes, no 24-bit codes.
    let indexed = bytes_with(&[("TERM", "xterm-256color"), ("COLORTERM", "")]);
    assert!(!has(&indexed, b"48;2;") && !has(&indexed, b"38;2;"));
    assert!(
        palette_backgrounds(&indexed).iter().any(|n| *n >= 16),
        "the palette is used"
    );
    // One that says it has 24-bit colour gets it.
    let deep = bytes_with(&[("TERM", "xterm-256color"), ("COLORTERM", "truecolor")]);
    assert!(has(&deep, b"48;2;"), "24-bit colour where it is promised");
}

/// Every palette entry a byte stream sets, as a foreground or a background, in any of
/// SGR's forms: `38;5;N`/`48;5;N`, `30`-`37`/`40`-`47` (0-7) and `90`-`97`/`100`-`107`
/// (8-15).
fn palette_entries(bytes: &[u8]) -> Vec<u32> {
    sgr_colours(bytes).into_iter().map(|(_, n)| n).collect()
}

/// Every palette entry a byte stream sets as a background.
fn palette_backgrounds(bytes: &[u8]) -> Vec<u32> {
    sgr_colours(bytes)
        .into_iter()
        .filter_map(|(background, n)| background.then_some(n))
        .collect()
}

/// (whether a background, palette entry) for every palette colour the SGR sequences
/// in `bytes` set; 24-bit colours are skipped.
fn sgr_colours(bytes: &[u8]) -> Vec<(bool, u32)> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = Vec::new();
    for (at, _) in text.match_indices("\x1b[") {
        let rest = &text[at + 2..];
        let Some(end) = rest.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            continue;
        };
        if !rest[end..].starts_with('m') {
            continue;
        }
        let params: Vec<u32> = rest[..end]
            .split(';')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let mut i = 0;
        while i < params.len() {
            match params[i] {
                n @ (38 | 48) if params.get(i + 1) == Some(&5) => {
                    if let Some(entry) = params.get(i + 2) {
                        found.push((n == 48, *entry));
                    }
                    i += 2;
                }
                38 | 48 if params.get(i + 1) == Some(&2) => i += 4,
                n @ 30..=37 => found.push((false, n - 30)),
                n @ 40..=47 => found.push((true, n - 40)),
                n @ 90..=97 => found.push((false, n - 90 + 8)),
                n @ 100..=107 => found.push((true, n - 100 + 8)),
                _ => {}
            }
            i += 1;
        }
    }
    found
}

#[test]
fn an_idle_console_sends_nothing_and_a_dragged_window_is_drawn_once_settled() {
    let env = Env::new();
    env.ok(&[
        "declare",
        "--title",
        "Quiet for a while",
        "--severity",
        "P3",
        "--at",
        "2 days ago",
    ]);
    let mut console = Console::start(&env, &[]);
    console.wait_text("Quiet for a while");
    console.wait_text("following");
    // The console ticks every second; a tick that changes nothing on screen must send
    // nothing (over a slow link, an idle console used to send a frame a second). The
    // screen shows minutes at the finest, so two quiet seconds in a row come within
    // a few seconds, whenever the test starts.
    let quiet = |console: &Console| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let mut quiet_in_a_row = 0;
        while std::time::Instant::now() < deadline {
            let before = console.bytes().len();
            std::thread::sleep(std::time::Duration::from_millis(1300));
            if console.bytes().len() == before {
                quiet_in_a_row += 1;
                if quiet_in_a_row == 2 {
                    return true;
                }
            } else {
                quiet_in_a_row = 0;
            }
        }
        false
    };
    assert!(quiet(&console), "an idle console kept sending bytes");

    // A drag: many sizes in a row; one frame for the size it ends at.
    let before = console.bytes().len();
    for cols in (81..=120).chain((100..=119).rev()) {
        console.resize(30, cols);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    console.wait_for("the last size drawn", |s| {
        s.lines().next().is_some_and(|l| l.trim_end().len() > 80)
    });
    assert!(quiet(&console), "it settles");
    let drag = console.bytes().len() - before;
    // One full frame at 100x30 is a few KB; a frame per step was over 80 KB.
    assert!(drag < 20_000, "{drag} bytes for one drag");
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn the_numeric_keypad_in_application_mode_types_and_commits() {
    let env = Env::new();
    env.declare("Keypad");
    let mut console = Console::start(&env, &[]);
    console.wait_text("following");
    console.send("i");
    console.wait_text("Enter commits");
    // "error rate 12.5" with the keypad's digits and point (PuTTY's default mode).
    console.send("error rate \x1bOq\x1bOr\x1bOn\x1bOu");
    console.wait_text("error rate 12.5");
    console.send("\x1bOM");
    console.wait_for("the entry committed by the keypad's Enter", |s| {
        timeline_has(s, "alice: error rate 12.5")
    });
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn backspace_after_a_zwj_emoji_removes_all_of_it_from_the_record() {
    let env = Env::new();
    env.declare("Graphemes");
    let mut console = Console::start(&env, &[]);
    console.wait_text("following");
    console.send("i");
    console.wait_text("Enter commits");
    console.send("lab \u{1F469}\u{200D}\u{1F52C}");
    console.wait_text("lab");
    console.send("\x7f");
    console.send("ok\r");
    console.wait_for("the entry committed", |s| timeline_has(s, "alice: lab ok"));
    let texts = common::texts(&env.db);
    assert!(
        texts.iter().any(|t| t == "lab ok"),
        "no stray joiner or half an emoji: {texts:?}"
    );
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn an_emoji_with_a_presentation_selector_never_shifts_the_cells_after_it() {
    let env = Env::new();
    env.declare("Recycling");
    env.ok(&["log", "\u{267B}\u{FE0F} recycled the pool"]);
    let mut console = Console::start(&env, &[]);
    console.wait_text("recycled the pool");
    let bytes = console.bytes();
    assert!(
        !String::from_utf8_lossy(&bytes).contains('\u{FE0F}'),
        "the selector, on which terminals disagree, is not sent"
    );
    // The pane's right border stands in the same column on that row as on the others.
    let screen = console.screen();
    let rows: Vec<&str> = screen.lines().collect();
    let border = |row: &str| -> Vec<usize> {
        row.chars()
            .enumerate()
            .filter(|(_, c)| *c == '│')
            .map(|(i, _)| i)
            .collect()
    };
    let entry = rows
        .iter()
        .find(|r| r.contains("recycled the pool"))
        .unwrap();
    let other = rows.iter().find(|r| r.contains("OPENED")).unwrap();
    assert_eq!(border(entry), border(other), "{screen}");
    console.send("\x03");
    console.wait_exit();
}

/// A key echoed at the end of the box's text is followed by the frame that shows
/// what else it changed once typing pauses: typed a key at a time, `/d` makes the
/// entry a decision, and the box's title says so without another key.
#[test]
fn what_an_echoed_key_changes_around_the_text_shows_once_typing_pauses() {
    let env = Env::new();
    env.declare("Echo then frame");
    let mut console = Console::start(&env, &[]);
    console.wait_text("following");
    console.send("i");
    console.wait_text("Enter commits");
    console.send("/");
    console.wait_for("the first key", |s| s.contains("│/ "));
    assert!(
        console.screen().contains("Entry · note"),
        "{}",
        console.screen()
    );
    // Echoed: the box holds text and the key goes at its end.
    console.send("d");
    console.wait_text("Entry · decision");
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn a_keystroke_in_the_entry_box_costs_a_few_bytes_and_uses_the_terminals_cursor() {
    let env = Env::new();
    env.declare("Bytes per key");
    let mut console = Console::start(&env, &[]);
    console.wait_text("following");
    console.send("i");
    console.wait_text("Enter commits");
    let mut sizes = Vec::new();
    let mut typed = String::new();
    for c in "rollback now".chars() {
        let before = console.bytes().len();
        typed.push(c);
        console.send(&c.to_string());
        console.wait_text(&typed);
        // The frame is one write; give it a moment to be read whole.
        std::thread::sleep(std::time::Duration::from_millis(30));
        sizes.push(console.bytes().len() - before);
    }
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    // vim in insert mode writes 13 bytes a key (../shared/tools/ptyharness.py); the
    // target is at most twice that: the character, where it goes, where the cursor is.
    assert!(median <= 26, "{median} bytes a keystroke: {sizes:?}");
    let parser = console.parser.lock().unwrap();
    assert!(
        !parser.screen().hide_cursor(),
        "the terminal's own cursor shows where typing goes"
    );
    drop(parser);
    console.send("\x03");
    console.wait_exit();
}
