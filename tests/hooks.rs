//! Notification hooks, delivered by real processes on one file: a script that writes
//! what it is given to a file, five `warroom deliver` processes at once (each event
//! delivered once), one killed in the middle of a slow delivery (another takes it
//! over), a failing hook retried then given up, and a peer's events left to the host
//! that wrote them.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::Duration;

use common::{Env, std_cmd_for, wait_for};

/// A playbook with one hook running `script` on `on`, with a timeout and attempts.
fn playbook_with(env: &Env, script: &str, on: &str, timeout: u32, attempts: u32) -> String {
    let default = env.ok(&["playbook", "--print-default"]);
    let hook = env.path("hook.sh");
    std::fs::write(&hook, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let text = format!(
        "{default}\n[[hooks]]\nname = \"file\"\non = [{on}]\ncommand = [\"{}\"]\ntimeout_seconds = {timeout}\nattempts = {attempts}\n",
        hook.display()
    );
    let path = env.path("playbook.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// `warroom deliver` running until dropped.
struct Deliverer(Child);

impl Deliverer {
    fn start(env: &Env, playbook: &str) -> Deliverer {
        Deliverer(
            std_cmd_for(&env.db)
                .args(["--playbook", playbook, "deliver"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start warroom deliver"),
        )
    }
}

impl Drop for Deliverer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The lines the hook wrote: `KEY KIND` each.
fn delivered(env: &Env) -> Vec<String> {
    std::fs::read_to_string(env.path("keys.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn script(env: &Env, extra: &str) -> String {
    format!(
        "#!/bin/sh\n{extra}\ncat > /dev/null\necho \"$WARROOM_DEDUP_KEY $WARROOM_EVENT_KIND\" >> {}\n",
        env.path("keys.txt").display()
    )
}

#[test]
fn five_processes_on_one_file_deliver_each_event_once() {
    let env = Env::new();
    env.declare("Checkout failing");
    let playbook = playbook_with(
        &env,
        &script(&env, ""),
        "\"paged\", \"update_customers\", \"severity_changed\"",
        5,
        3,
    );
    // Start one so deliveries begin here, then four more.
    let mut running = vec![Deliverer::start(&env, &playbook)];
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..4 {
        running.push(Deliverer::start(&env, &playbook));
    }
    std::thread::sleep(Duration::from_millis(500));
    let pages = ["bob", "carol", "dan", "erin", "fay", "gus"];
    for who in pages {
        env.ok(&["page", who]);
    }
    env.ok(&["severity", "P1", "--reason", "spreading"]);
    env.ok(&["update", "--audience", "customers", "--yes"]);
    wait_for("eight deliveries", Duration::from_secs(60), || {
        delivered(&env).len() >= 8
    });
    // Give any duplicate the time to show.
    std::thread::sleep(Duration::from_secs(2));
    let lines = delivered(&env);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for line in &lines {
        *counts.entry(line.as_str()).or_default() += 1;
    }
    assert_eq!(lines.len(), 8, "each event once: {lines:?}");
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.ends_with("responder_paged"))
            .count(),
        6
    );
    // Every console sees each outcome.
    let tail = env.ok(&["tail"]);
    assert_eq!(
        tail.matches("notification file: delivered (attempt 1)")
            .count(),
        8,
        "{tail}"
    );
}

#[test]
fn a_delivery_whose_process_dies_is_taken_over() {
    let env = Env::new();
    env.declare("Checkout failing");
    // The hook takes its time; the process running it is killed halfway.
    let playbook = playbook_with(&env, &script(&env, "sleep 2"), "\"paged\"", 3, 3);
    let mut first = Deliverer::start(&env, &playbook);
    std::thread::sleep(Duration::from_millis(500));
    env.ok(&["page", "bob"]);
    wait_for("the first to take it", Duration::from_secs(30), || {
        let store = warroom::store::Store::open(&env.db, warroom::store::OpenOptions::read())
            .expect("open");
        store
            .deliveries()
            .unwrap()
            .iter()
            .any(|(_, _, _, attempts)| *attempts >= 1)
    });
    let _ = first.0.kill();
    let _ = first.0.wait();
    drop(first);
    let _second = Deliverer::start(&env, &playbook);
    // Its lease (twice the timeout, and 5 s) runs out; the second delivers it. The
    // hook the killed process had started died with it: one delivery, not two.
    wait_for("the takeover", Duration::from_secs(60), || {
        env.ok(&["tail"])
            .contains("notification file: delivered (attempt 2)")
    });
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(delivered(&env).len(), 1, "{:?}", delivered(&env));
}

#[test]
fn a_failing_hook_is_retried_then_given_up_and_says_why() {
    let env = Env::new();
    env.declare("Checkout failing");
    let failing = "#!/bin/sh\ncat > /dev/null\necho 'the pager service said 503' >&2\nexit 3\n";
    let playbook = playbook_with(&env, failing, "\"paged\"", 3, 2);
    let _deliverer = Deliverer::start(&env, &playbook);
    std::thread::sleep(Duration::from_millis(500));
    env.ok(&["page", "bob"]);
    // Attempt 1 fails; attempt 2 comes 5 s later, fails, and is the last.
    wait_for("the hook to give up", Duration::from_secs(60), || {
        env.ok(&["tail"]).contains("gave up")
    });
    let tail = env.ok(&["tail"]);
    assert!(
        tail.contains(
            "notification file: failed (attempt 1): it exited with 3: the pager service said 503"
        ),
        "{tail}"
    );
    assert!(
        tail.contains("notification file: gave up (attempt 2)"),
        "{tail}"
    );
}

#[test]
fn events_from_a_peer_are_delivered_where_they_were_written() {
    let here = Env::new();
    let there = Env::new();
    here.declare("Checkout failing");
    let playbook = playbook_with(&here, &script(&here, ""), "\"paged\"", 3, 3);
    let _deliverer = Deliverer::start(&here, &playbook);
    std::thread::sleep(Duration::from_millis(500));
    // A page written on the other host arrives by import (as a sync would bring it).
    let events = here.path("events.jsonl");
    std::fs::write(&events, here.ok(&["export", "--format", "jsonl"])).unwrap();
    there.ok(&["import", events.to_str().unwrap()]);
    there.ok(&["page", "bob"]);
    std::fs::write(&events, there.ok(&["export", "--format", "jsonl"])).unwrap();
    here.ok(&["import", events.to_str().unwrap()]);
    // A page written here is delivered; the imported one never is.
    here.ok(&["page", "carol"]);
    wait_for("carol's page", Duration::from_secs(30), || {
        delivered(&here).len() == 1
    });
    std::thread::sleep(Duration::from_secs(2));
    let lines = delivered(&here);
    assert_eq!(lines.len(), 1, "only the page written here: {lines:?}");
}

#[test]
fn hooks_are_checked_with_the_playbook() {
    let env = Env::new();
    let default = env.ok(&["playbook", "--print-default"]);
    let bad =
        format!("{default}\n[[hooks]]\non = [\"pagde\"]\ncommand = []\ntimeout_seconds = 0\n");
    let path = env.path("bad.toml");
    std::fs::write(&path, bad).unwrap();
    let (out, _) = env.fails_both(&["playbook", "--check", path.to_str().unwrap()]);
    for needle in ["pagde", "needs a command", "timeout_seconds is 1 to 600"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    let err = env.fails(&["deliver", "--once"]);
    assert!(
        err.contains("names no hooks and escalates no page"),
        "{err}"
    );
}

#[test]
fn an_unanswered_page_escalates_on_an_injected_clock_once_per_step_up_to_its_limit() {
    use warroom::store::{OpenOptions, Store};
    let env = Env::new();
    let incident = env.declare("Checkout failing");
    env.ok(&["page", "platform-oncall", "-i", &incident]);
    let mut playbook = warroom::playbook::Playbook::builtin();
    let p2 = playbook
        .severities
        .get_mut(&warroom::domain::Severity::P2)
        .expect("P2");
    p2.escalate_after = Some(chrono::TimeDelta::minutes(5));
    p2.escalate_limit = 2;
    playbook.contacts.push(warroom::playbook::Contact {
        name: "platform-backup".into(),
        role: warroom::domain::Role::TechLead,
        reach: "pager: platform-backup".into(),
    });
    let start = chrono::Utc::now();
    let clock_at = |minutes: i64| -> warroom::store::Clock {
        let at = start + chrono::TimeDelta::minutes(minutes);
        std::sync::Arc::new(move || at)
    };
    let deliverer = |minutes: i64| {
        let store = Store::open(&env.db, OpenOptions::write())
            .expect("open")
            .with_clock(clock_at(minutes));
        warroom::deliver::Deliverer::new(store, &playbook, "warroom").expect("deliverer")
    };
    let escalations = || {
        env.ok(&["tail", "-i", &incident])
            .lines()
            .filter(|l| l.contains("did not answer the page"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // Four minutes: nothing yet.
    assert_eq!(deliverer(4).escalate().unwrap(), 0);
    // Six minutes, two processes at once: one escalation, paging the next contact.
    let (mut a, mut b) = (deliverer(6), deliverer(6));
    assert_eq!(a.escalate().unwrap() + b.escalate().unwrap(), 1);
    let said = escalations();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains(
            "platform-oncall did not answer the page: escalated (1), paging platform-backup"
        ),
        "{said:?}"
    );
    // Twelve minutes: the second step (both unanswered pages escalate once more,
    // platform-backup's for the first time); eighteen: the first page is at its limit.
    deliverer(12).escalate().unwrap();
    deliverer(18).escalate().unwrap();
    deliverer(24).escalate().unwrap();
    let said = escalations();
    let oncall = said
        .iter()
        .filter(|l| l.contains("platform-oncall did not"))
        .count();
    assert_eq!(oncall, 2, "up to the limit of 2: {said:?}");
    // The roster shows it, and an answer stops it.
    let show = env.ok(&["show", &incident]);
    assert!(show.contains("platform-backup"), "{show}");
    env.ok(&["ack", "platform-oncall", "-i", &incident]);
    let before = escalations().len();
    deliverer(60).escalate().unwrap();
    let after: Vec<String> = escalations().into_iter().skip(before).collect();
    assert!(
        after.iter().all(|l| !l.contains("platform-oncall did not")),
        "an answered page does not escalate: {after:?}"
    );
}

#[test]
fn open_consoles_deliver_too_and_once() {
    let env = Env::new();
    env.declare("Checkout failing");
    let playbook = playbook_with(&env, &script(&env, ""), "\"paged\"", 5, 3);
    let mut consoles: Vec<common::pty::Console> = ["alice", "bob", "carol"]
        .iter()
        .map(|who| common::pty::Console::start(&env, &["--playbook", &playbook, "--as", who]))
        .collect();
    for console in &consoles {
        console.wait_text("Checkout failing");
    }
    std::thread::sleep(Duration::from_secs(1));
    env.ok(&["page", "dan", "--playbook", &playbook]);
    wait_for("the delivery", Duration::from_secs(60), || {
        delivered(&env).len() == 1
    });
    // Every console shows the outcome (wrapped in the timeline as it may be).
    for console in &consoles {
        console.wait_for("the outcome", |screen| {
            common::pty::timeline_has(screen, "delivered (attempt 1)")
        });
    }
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        delivered(&env).len(),
        1,
        "three consoles, one page: {:?}",
        delivered(&env)
    );
    for console in &mut consoles {
        console.send("\x03");
        console.wait_exit();
    }
}

/// One HTTP request read by a loopback sink: its body.
fn sink_one(listener: std::net::TcpListener) -> std::thread::JoinHandle<String> {
    use std::io::{BufRead, Read, Write};
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut stream = stream;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .unwrap();
        String::from_utf8(body).unwrap()
    })
}

#[test]
fn the_example_slack_hook_posts_valid_json_whatever_the_text() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no curl on this machine");
        return;
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let body = sink_one(listener);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/hooks/slack.sh");
    let status = std::process::Command::new(&script)
        .env("SLACK_WEBHOOK_URL", &url)
        .env("WARROOM_TITLE", "Checkout \"EU\" failing")
        .env("WARROOM_TEXT", "line one\nline two \\ with a backslash")
        .env("WARROOM_EVENT_KIND", "status_update")
        .env("WARROOM_DEDUP_KEY", "01K0TEST")
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let posted: serde_json::Value = serde_json::from_str(&body.join().unwrap()).unwrap();
    let text = posted["text"].as_str().unwrap();
    assert!(
        text.contains("Checkout \"EU\" failing")
            && text.contains("line one line two \\ with a backslash")
            && text.contains("01K0TEST"),
        "{text}"
    );
}

#[test]
fn a_hook_added_later_runs_for_what_comes_after_not_for_history() {
    let env = Env::new();
    env.declare("Checkout failing");
    let first = playbook_with(&env, &script(&env, ""), "\"paged\"", 5, 3);
    {
        let _deliverer = Deliverer::start(&env, &first);
        std::thread::sleep(Duration::from_millis(500));
        env.ok(&["page", "bob"]);
        wait_for("bob's page", Duration::from_secs(30), || {
            delivered(&env).len() == 1
        });
    }
    // Many events later, a second hook appears; it starts from where the first got to.
    for n in 0..5 {
        env.ok(&["page", &format!("old{n}")]);
    }
    let default = env.ok(&["playbook", "--print-default"]);
    let second_script = env.path("second.sh");
    std::fs::write(
        &second_script,
        format!(
            "#!/bin/sh\ncat > /dev/null\necho \"$WARROOM_DEDUP_KEY\" >> {}\n",
            env.path("second.txt").display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&second_script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let second = env.path("second.toml");
    std::fs::write(
        &second,
        format!(
            "{default}\n[[hooks]]\nname = \"second\"\non = [\"paged\"]\ncommand = [\"{}\"]\n",
            second_script.display()
        ),
    )
    .unwrap();
    let _deliverer = Deliverer::start(&env, second.to_str().unwrap());
    std::thread::sleep(Duration::from_secs(1));
    env.ok(&["page", "new"]);
    let read = || std::fs::read_to_string(env.path("second.txt")).unwrap_or_default();
    wait_for("the new page", Duration::from_secs(30), || {
        read().lines().count() >= 1
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        read().lines().count(),
        1,
        "only what came after: {}",
        read()
    );
}
