//! Every number a person types is range-checked: a mistake is one line saying what to
//! do, changes nothing, and never panics or wraps.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::Env;
use common::pty::Console;

/// Fails, in one line, with no backtrace; returns the line.
fn one_line_refusal(env: &Env, args: &[&str]) -> String {
    let out = env.cmd().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} was refused");
    assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    err
}

#[test]
fn due_dates_speeds_and_timeouts_out_of_range_are_refused_in_one_line() {
    let env = Env::new();
    env.declare("numbers");
    for (args, says) in [
        (&["item", "add", "x", "--due", "+300000d"][..], "ten years"),
        (&["item", "add", "x", "--due", "+99999999d"], "ten years"),
        (&["item", "add", "x", "--due", "+-5d"], "use YYYY-MM-DD"),
        (&["item", "add", "x", "--due", "+5€"], "use YYYY-MM-DD"),
        (&["item", "add", "x", "--due", "0000-01-01"], "2000-01-01"),
        (
            &["drill", "run", "bad-deploy-one-region", "--speed", "0"],
            "1..=1000",
        ),
        (
            &[
                "drill",
                "run",
                "bad-deploy-one-region",
                "--speed",
                "4294967295",
            ],
            "1..=1000",
        ),
        (
            &[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--handshake-timeout",
                "0",
            ],
            "1..=3600",
        ),
        (
            &[
                "sync",
                "--peer",
                "127.0.0.1:1",
                "--idle-timeout",
                "18446744073709551615",
            ],
            "2..=86400",
        ),
        (&["tail", "-n", "-5"], "unexpected argument"),
    ] {
        let err = one_line_refusal(&env, args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(
        !env.ok(&["incidents"]).contains("DRILL"),
        "no drill was started"
    );
    let review = env.ok(&["review"]);
    let items = review
        .lines()
        .skip_while(|l| !l.starts_with("Action items:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .count();
    assert_eq!(items, 0, "no action item was opened: {review}");
}

#[test]
fn the_console_answers_a_wild_due_date_with_a_notice_and_keeps_running() {
    let env = Env::new();
    env.declare("numbers in the console");
    let mut console = Console::start_sized(&env, &[], 40, 160);
    console.wait_text("following");
    console.send(":item x due=+99999999d\r");
    console.wait_text("ten years");
    console.send(":item y due=+-5d\r");
    console.wait_text("use YYYY-MM-DD");
    console.send(":item z due=+7d\r");
    console.wait_text("action item");
    console.send("\x03");
    assert!(console.wait_exit().success(), "it never panicked");
}
