//! A console whose terminal goes away ends, in every state it can be in, with its
//! draft kept and its presence row gone; and a burst of input longer than any one read
//! is read whole at once.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::pty::{Console, drafts_holding, timeline_has};
use common::{Env, Signal, bin, wait_for};

const LONG: Duration = Duration::from_secs(30);

/// How soon a console whose terminal went (or that got a signal) must be gone: far
/// above its own bound (2 s), far below a write's 10 s wait for a lock.
const ENDS_WITHIN: Duration = Duration::from_secs(8);

/// Whether process `pid` has ended (gone, or a zombie nobody has reaped yet).
fn ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// The process ids in the presence table: the consoles that say they are here.
fn present(env: &Env) -> Vec<i32> {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let mut stmt = conn.prepare("SELECT pid FROM presence").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Holds the database's write lock until dropped, so a console's write waits.
struct WriteLock(rusqlite::Connection);

impl WriteLock {
    fn take(env: &Env) -> WriteLock {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        WriteLock(conn)
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = self.0.execute_batch("ROLLBACK");
    }
}

/// The states a console can be in when its terminal goes, each with an unsent draft.
#[derive(Debug, Clone, Copy)]
enum State {
    EntryBox,
    Palette,
    Help,
    Triage,
    PendingWrite,
    MidEscapeSequence,
}

const STATES: [State; 6] = [
    State::EntryBox,
    State::Palette,
    State::Help,
    State::Triage,
    State::PendingWrite,
    State::MidEscapeSequence,
];

/// Types a draft, then puts the console in `state`; returns the draft's text and, for a
/// pending write, the lock that keeps it pending.
fn enter(console: &mut Console, env: &Env, state: State) -> (String, Option<WriteLock>) {
    let text = format!("unsent in {state:?}");
    console.send("i");
    console.wait_text("Enter commits");
    console.send(&text);
    console.wait_text(&text);
    let mut lock = None;
    match state {
        State::EntryBox => {}
        // Escape on its own, the box seen left, then the palette.
        State::Palette => {
            leave_box(console);
            console.send(":seve");
            console.wait_text(":seve");
        }
        State::Help => {
            leave_box(console);
            console.send("?");
            console.wait_text("Help ·");
        }
        State::Triage => {
            leave_box(console);
            console.send("t");
            console.wait_text("Who is affected?");
        }
        State::PendingWrite => {
            lock = Some(WriteLock::take(env));
            console.send("\r");
            console.wait_text("sending:");
        }
        State::MidEscapeSequence => console.send("\x1b[1;"),
    }
    wait_for("the draft on disk", LONG, || drafts_holding(env, &text));
    (text, lock)
}

fn leave_box(console: &mut Console) {
    console.send("\x1b");
    console.wait_text("draft kept");
}

fn env_with_incident() -> Env {
    let env = Env::new();
    env.declare("the terminal will go");
    env
}

#[test]
fn closing_the_terminal_ends_the_console_in_every_state() {
    for state in STATES {
        let env = env_with_incident();
        let mut console = Console::start(&env, &[]);
        console.wait_text("following");
        let pid = console.pid();
        wait_for("its presence row", LONG, || present(&env).contains(&pid));
        let (text, lock) = enter(&mut console, &env, state);
        console.hang_up();
        // The way out is bounded (500 ms for the store threads, a watchdog at 2 s): well
        // under the 10 s a write waits for a lock, which the pending write would show.
        wait_for(
            &format!("the console to end ({state:?})"),
            ENDS_WITHIN,
            || console.exited(),
        );
        drop(lock);
        assert!(drafts_holding(&env, &text), "{state:?}: the draft is kept");
        assert!(
            !env.ok(&["tail"]).contains(&text),
            "{state:?}: a draft is not an entry"
        );
        if !matches!(state, State::PendingWrite) {
            assert!(
                !present(&env).contains(&pid),
                "{state:?}: its presence row is gone"
            );
        }
    }
}

#[test]
fn the_end_of_input_alone_ends_the_console_in_every_state() {
    // Run in a session of its own (`setsid`), the console has no controlling terminal:
    // closing the terminal sends it no SIGHUP, and only the end of input tells.
    for state in STATES {
        let env = env_with_incident();
        let mut console = Console::start_command(&env, "setsid", &["--wait", bin()]);
        console.wait_text("following");
        let mut pids = Vec::new();
        wait_for("its presence row", LONG, || {
            pids = present(&env);
            !pids.is_empty()
        });
        let pid = pids[0];
        let (text, lock) = enter(&mut console, &env, state);
        console.hang_up();
        wait_for(
            &format!("the console to end ({state:?})"),
            ENDS_WITHIN,
            || ended(pid),
        );
        drop(lock);
        assert!(drafts_holding(&env, &text), "{state:?}: the draft is kept");
        if !matches!(state, State::PendingWrite) {
            assert!(
                !present(&env).contains(&pid),
                "{state:?}: its presence row is gone"
            );
        }
    }
}

#[test]
fn sigterm_and_sighup_end_the_console_in_every_state() {
    for signal in [Signal::TERM, Signal::HUP] {
        for state in STATES {
            let env = env_with_incident();
            let mut console = Console::start(&env, &[]);
            console.wait_text("following");
            let (text, lock) = enter(&mut console, &env, state);
            console.signal(signal);
            wait_for(
                &format!("the console to end ({state:?})"),
                ENDS_WITHIN,
                || console.exited(),
            );
            drop(lock);
            assert!(
                drafts_holding(&env, &text),
                "{} {state:?}: the draft is kept",
                signal.as_raw()
            );
        }
    }
}

#[test]
fn a_burst_longer_than_one_read_is_read_whole_at_once() {
    let env = env_with_incident();
    let mut console = Console::start(&env, &[]);
    console.wait_text("following");
    console.send("i");
    console.wait_text("Enter commits");
    // A paste without bracketed paste, or a fast typist over a slow link: thousands of
    // bytes in one go, ending with Enter, and no key after it.
    let text = format!("burst {} end of burst", "y".repeat(5000));
    console.send(&format!("{text}\r"));
    console.wait_for("the whole burst committed", |s| {
        timeline_has(s, "end of burst")
    });
    let tail = env.ok(&["tail"]);
    assert!(tail.contains(&text), "every byte of it");

    // Entries typed ahead, each ended by Enter before the one before is committed, are
    // each logged, in order: none is refused while another is being sent.
    console.send("i");
    console.wait_text("Enter commits");
    console.send("ahead one\rahead two\rahead three\r");
    console.wait_for("the three entries", |s| timeline_has(s, "ahead three"));
    let tail = env.ok(&["tail"]);
    let order: Vec<usize> = ["ahead one", "ahead two", "ahead three"]
        .iter()
        .map(|t| tail.find(t).expect("each is logged"))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "in order: {tail}");

    // A hundred kilobytes in one go is read and inserted whole, not a key at a time at
    // the cost of the whole line each (which took minutes).
    console.send("i");
    console.wait_text("Enter commits");
    let long = format!("{}the end of a long burst", "z".repeat(100_000));
    console.send(&format!("{long}\r"));
    console.wait_for("the long burst committed", |s| {
        timeline_has(s, "the end of a long burst")
    });
    assert!(env.ok(&["tail"]).contains(&long));
    console.send("\x03");
    assert!(console.wait_exit().success());
}
