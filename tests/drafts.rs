//! Drafts belong to one person on one database in one console: never offered to someone
//! else, never overwritten by a second console of the same person, and offered back
//! once the console that wrote them is gone.

mod common;

use std::time::Duration;

use common::pty::{Console, draft_files, drafts_holding};
use common::{Env, Signal, wait_for};

/// A console for `who` with the entry box open and `text` typed, its draft on disk.
fn typing(env: &Env, who: &str, text: &str) -> Console {
    let mut console = Console::start_with(env, &[], &[("WARROOM_USER", who)]);
    console.wait_text("drafts for everyone");
    console.wait_text("following");
    console.send("i");
    console.wait_text("Enter commits");
    console.send(text);
    console.wait_text(text);
    wait_for("the draft on disk", Duration::from_secs(10), || {
        drafts_holding(env, text)
    });
    console
}

/// Starts a console for `who` and tells whether it offers a recovered draft holding
/// `text` (waiting for the screen to settle either way).
fn offered(env: &Env, who: &str, text: &str) -> bool {
    let mut console = Console::start_with(env, &[], &[("WARROOM_USER", who)]);
    // Loaded: the timeline follows, or a recovered draft is offered over it (both come
    // in the same frame). A frame reaches the screen top to bottom, so the hint bar,
    // the last row, saying which it is means the whole frame is there.
    console.wait_for("the log loaded", |s| {
        s.contains("Enter restore") || (s.contains("following") && s.contains("i write"))
    });
    let screen = console.screen();
    let offered = screen.contains("Recovered draft") && screen.contains(text);
    if screen.contains("Recovered draft") {
        // Leaving the question restores the draft into this console's own file.
        console.send("\x1b");
        console.wait_text("draft restored");
    }
    console.send("\x03");
    console.wait_exit();
    offered
}

#[test]
fn two_names_in_one_script_never_share_a_draft() {
    let env = Env::new();
    env.declare("drafts for everyone");
    let mut yamada = typing(&env, "山田", "yamada's unsent words");
    yamada.signal(Signal::KILL);
    yamada.wait_exit();

    assert!(
        !offered(&env, "田中", "yamada's unsent words"),
        "another person is never offered it"
    );
    assert!(
        !offered(&env, "山", "yamada's unsent words"),
        "nor a name that is a part of it"
    );
    assert!(
        offered(&env, "山田", "yamada's unsent words"),
        "its writer is"
    );
}

#[test]
fn two_consoles_of_one_person_keep_a_draft_each() {
    let env = Env::new();
    env.declare("drafts for everyone");
    let mut first = typing(&env, "maya", "first terminal's words");
    let mut second = typing(&env, "maya", "second terminal's words");
    assert!(
        drafts_holding(&env, "first terminal's words"),
        "not overwritten"
    );
    assert!(drafts_holding(&env, "second terminal's words"));
    assert_eq!(draft_files(&env).len(), 2, "one draft a console");

    // While both run, a third console of the same person takes neither.
    assert!(!offered(&env, "maya", "terminal's words"));
    assert!(drafts_holding(&env, "first terminal's words"));
    assert!(drafts_holding(&env, "second terminal's words"));

    // The first one's terminal goes away: its draft is offered to the next console,
    // and the second one's, still running, is not.
    first.signal(Signal::HUP);
    first.wait_exit();
    assert!(offered(&env, "maya", "first terminal's words"));
    assert!(!offered(&env, "maya", "second terminal's words"));
    second.send("\x03");
    second.wait_exit();
    let locks: Vec<_> = std::fs::read_dir(env.path("state").join("warroom").join("drafts"))
        .unwrap()
        .flatten()
        .filter(|f| f.path().extension().is_some_and(|e| e == "lock"))
        .collect();
    assert!(
        locks.is_empty(),
        "consoles that ended took their locks along: {locks:?}"
    );
}

#[test]
fn a_key_whose_frame_meets_a_stalled_terminal_is_in_the_draft_when_the_console_is_ended() {
    use rustix::fs::{Mode, OFlags};
    let env = Env::new();
    env.declare("drafts for everyone");
    let mut console = typing(&env, "maya", "the link stalled after ");
    // The terminal stops taking output, as over a link that stalls (flow control on the
    // console's own terminal): the next frame's write waits, for ever.
    let tty = std::fs::read_link(format!("/proc/{}/fd/1", console.pid())).unwrap();
    let fd = rustix::fs::open(
        &tty,
        OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .unwrap();
    rustix::termios::tcflow(&fd, rustix::termios::Action::OOff).unwrap();
    console.send("z");
    // The key is read, and the frame showing it waits in a write to the terminal (the
    // console's main thread is in `write` on its standard output).
    let pid = console.pid();
    wait_for("the frame's write to wait", Duration::from_secs(20), || {
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/syscall")).is_ok_and(|s| {
            let mut fields = s.split_whitespace();
            fields.next() == Some(libc::SYS_write.to_string().as_str())
                && fields.next() == Some("0x1")
        })
    });
    // Ended while its frame is stuck: the exit watchdog ends it in time, and the key
    // it had read is in the draft all the same.
    console.signal(Signal::TERM);
    drop(fd);
    console.wait_exit();
    assert!(
        drafts_holding(&env, "the link stalled after z"),
        "{:?}",
        draft_files(&env)
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap_or_default())
            .collect::<Vec<_>>()
    );
}
