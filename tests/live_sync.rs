//! Several processes on one database file: what one commits, the others show at once.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::Env;
use common::pty::{Console, timeline_has};
use serde_json::Value;

#[test]
fn two_consoles_and_the_cli_see_each_others_entries_and_drafts_survive() {
    let env = Env::new();
    env.declare("Checkout failing in EU");
    let mut a = Console::start(&env, &[]);
    let mut b = Console::start_with(&env, &[], &[("WARROOM_USER", "bob")]);
    a.wait_text("following");
    b.wait_text("following");
    // Each sees the other watching the file.
    a.wait_text("2 watching");
    b.wait_text("2 watching");

    // Bob starts a draft; Alice's entry arrives meanwhile.
    b.send("i");
    b.wait_text("Enter commits");
    b.send("checking the NAT gateway");
    b.wait_text("checking the NAT gateway");
    a.send("i");
    a.wait_text("Enter commits");
    a.send("/d roll back deploy 4512\r");
    a.wait_for("alice's own entry", |s| {
        timeline_has(s, "alice: roll back deploy 4512")
    });
    b.wait_for("alice's entry in bob's console", |s| {
        timeline_has(s, "alice: roll back deploy 4512")
    });
    let screen = b.screen();
    assert!(
        screen.contains("Entry · note") && screen.contains("checking the NAT gateway"),
        "bob's draft is intact:\n{screen}"
    );

    // Bob commits; Alice sees it.
    b.send("\r");
    a.wait_for("bob's entry in alice's console", |s| {
        timeline_has(s, "bob: checking the NAT gateway")
    });

    // An entry from the command line reaches both running consoles.
    env.ok(&[
        "log",
        "--as",
        "carol",
        "--kind",
        "status",
        "--audience",
        "executives",
        "EU checkout down, ETA 15 min",
    ]);
    a.wait_for("the CLI entry in alice's console", |s| {
        timeline_has(s, "carol: EU checkout down")
    });
    b.wait_for("the CLI entry in bob's console", |s| {
        timeline_has(s, "carol: EU checkout down")
    });

    a.send("\x03");
    a.wait_exit();
    b.wait_for("alice leaving", |s| s.contains("1 watching"));
    b.send("\x03");
    b.wait_exit();
}

#[test]
fn a_read_only_database_opens_in_a_labelled_read_only_mode() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.declare("Frozen incident");
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let mut console = Console::start(&env, &[]);
    console.wait_text("Frozen incident");
    console.wait_text("READ-ONLY");
    console.send("i");
    console.wait_text("read-only database: entries cannot be written here");
    console.send("\x03");
    assert!(console.wait_exit().success());
}

#[test]
fn tail_follow_prints_every_entry_of_four_concurrent_writers_once_in_fold_order() {
    let env = Env::new();
    let incident = env.declare("four writers");
    let mut follow = env.follow(&["tail", "--follow", "--json"]);
    follow.wait_lines("the existing timeline", 3, Duration::from_secs(20));

    let per_writer = 250;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let lines = (0..per_writer).map(move |i| format!("w{w} #{i}"));
            env.line_writer(&format!("writer{w}"), &["--incident", &incident], lines)
        })
        .collect();
    for writer in writers {
        assert!(writer.wait_with_output().unwrap().status.success());
    }
    let total = 3 + 4 * per_writer;
    follow.wait_lines(
        "every entry from tail --follow",
        total,
        Duration::from_secs(60),
    );
    // One more entry, written last: once it is out, any entry printed twice is too.
    env.ok(&["log", "--incident", &incident, "the last word"]);
    follow.wait_lines("the last entry", total + 1, Duration::from_secs(60));
    let mut lines = std::mem::take(&mut follow.lines);
    drop(follow);
    let last = lines.pop().unwrap();
    assert!(last.contains("the last word"), "{last}");

    let entries: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), total, "each entry exactly once");
    let ids: HashSet<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), total, "no entry twice");
    // The order printed live is the fold's order (time it happened, then id)...
    let keys: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["at"].as_str().unwrap().to_string(),
                e["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "printed in the fold's total order");
    // ...and the same as the timeline read afterwards.
    let after: Vec<String> = env
        .ok(&["tail", "--json"])
        .lines()
        .filter(|l| !l.contains("the last word"))
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let live: Vec<String> = keys.into_iter().map(|(_, id)| id).collect();
    assert_eq!(live, after);
    // Each writer's entries keep their own order.
    for w in 0..4 {
        let mine: Vec<usize> = entries
            .iter()
            .filter_map(|e| {
                e["text"]
                    .as_str()
                    .unwrap()
                    .strip_prefix(&format!("w{w} #"))
                    .map(|n| n.parse().unwrap())
            })
            .collect();
        assert_eq!(mine, (0..per_writer).collect::<Vec<_>>());
    }
}
