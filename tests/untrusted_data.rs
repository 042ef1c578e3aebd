//! Data from an import or a peer is untrusted: every field is bounded, nothing is stored
//! that cannot be written back out, and nothing from outside can make this database
//! skip, reuse or wrap its own sequence numbers.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::peers::{Follower, Host, LONG, Server};
use common::{Env, wait_for};
use serde_json::{Value, json};
use warroom::domain::Event;
use warroom::store::{OpenOptions, Store};

fn events(env: &Env) -> Vec<Event> {
    Store::open(&env.db, OpenOptions::read())
        .unwrap()
        .all_events()
        .unwrap()
}

/// The events of the env's incidents as exported, one JSON object each.
fn exported(env: &Env) -> Vec<Value> {
    env.ok(&["export", "--format", "jsonl", "--all"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A note as an import line, with the given origin, sequence number and time.
fn note_line(incident: &str, origin: &str, seq: Value, at: &str, text: &str) -> String {
    json!({
        "id": ulid::Ulid::generate().to_string(),
        "origin": origin,
        "seq": seq,
        "incident": incident,
        "author": "mallory",
        "at": at,
        "logged_at": "2026-11-27T10:00:00Z",
        "kind": "note",
        "payload": {"text": text},
    })
    .to_string()
}

fn import(env: &Env, lines: &[String]) -> std::process::Output {
    let file = env.path("import.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    env.cmd()
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap()
}

fn refused_whole(env: &Env, lines: &[String], why: &str) {
    let before = events(env);
    let out = import(env, lines);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "refused: {why}");
    assert!(err.contains(why), "{why}: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(events(env), before, "nothing imported");
}

#[test]
fn times_that_cannot_be_written_back_are_refused_at_every_way_in() {
    let env = Env::new();
    let incident = env.declare("bounded times");
    for at in [
        "0000-01-01T00:00:00+01:00",
        "1900-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
    ] {
        let err = env.fails(&["log", "--at", at, "typo in the year"]);
        assert!(err.contains("before 2000-01-01"), "{at}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        let err = env.fails(&["declare", "--title", "old", "--detected-at", at]);
        assert!(err.contains("before 2000-01-01"), "{at}: {err}");
    }
    assert!(!env.ok(&["tail"]).contains("typo"));

    // An import carrying such a time is refused whole, with the reason.
    let good = note_line(&incident, "far", json!(1), "2026-11-27T10:00:00Z", "fine");
    for at in ["0000-01-01T00:00:00+01:00", "1969-12-31T23:59:59Z"] {
        let bad = note_line(&incident, "far", json!(2), at, "from the year dot");
        refused_whole(&env, &[good.clone(), bad], "outside the times");
    }
    let mut opened: Value = serde_json::from_str(&note_line(
        &incident,
        "far",
        json!(1),
        "2026-11-27T10:00:00Z",
        "",
    ))
    .unwrap();
    opened["kind"] = json!("incident_opened");
    opened["payload"] = json!({"title": "old", "detected_at": "0000-06-01T00:00:00Z"});
    refused_whole(&env, &[opened.to_string()], "detection time");
    let mut item: Value = opened.clone();
    item["kind"] = json!("action_item_opened");
    item["payload"] = json!({"title": "t", "due": "+10000-01-01"});
    refused_whole(&env, &[item.to_string()], "due date");

    // What is stored always exports, and the export always imports.
    let out = import(&env, &[good]);
    assert!(out.status.success());
    let back = Env::new();
    let text = env.ok(&["export", "--format", "jsonl", "--all"]);
    let file = back.path("all.jsonl");
    std::fs::write(&file, &text).unwrap();
    back.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(
        back.ok(&["export", "--format", "jsonl", "--all"]),
        text,
        "the export reads back as it was"
    );
}

#[test]
fn a_forged_sequence_number_never_wraps_or_takes_this_databases_numbers() {
    let env = Env::new();
    let incident = env.declare("forged numbers");
    let own = exported(&env)[0]["origin"].as_str().unwrap().to_string();
    let at = "2026-11-27T10:00:00Z";

    // This database's own origin, from outside: refused whatever the number.
    for seq in [json!(9_223_372_036_854_775_807_i64), json!(1000), json!(2)] {
        let forged = note_line(&incident, &own, seq, at, "forged");
        refused_whole(&env, &[forged], "this database");
    }
    // Numbers outside what is stored: refused for any origin.
    for seq in [json!(0), json!(9_223_372_036_854_775_808_u64)] {
        let forged = note_line(&incident, "far", seq, at, "forged");
        refused_whole(&env, &[forged], "sequence number");
    }
    // The largest stored number is fine for another origin, and changes nothing here.
    let far = note_line(&incident, "far", json!(i64::MAX), at, "far away");
    assert!(import(&env, &[far]).status.success());

    env.ok(&["log", "written here after the forgeries"]);
    let mine: Vec<i64> = exported(&env)
        .iter()
        .filter(|e| e["origin"] == own.as_str())
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = (1..=mine.len() as i64).collect();
    assert_eq!(mine, expected, "this database's numbers run on unbroken");
}

/// Writes a row straight into a database, past every check, as a damaged or forged
/// peer database would hold it.
fn plant(db: &std::path::Path, origin: &str, seq: i64, at_ms: i64, incident: &str, text: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "INSERT INTO events (id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload)
         VALUES (?1, ?2, ?3, ?4, 'mallory', ?5, ?5, 'note', ?6)",
        rusqlite::params![
            ulid::Ulid::generate().to_string(),
            origin,
            seq,
            incident,
            at_ms,
            json!({"text": text}).to_string()
        ],
    )
    .unwrap();
}

#[test]
fn a_peer_sending_forged_or_unwritable_events_does_not_stop_sync() {
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    let incident = a.states()[0].id.to_string();
    let a_origin = a.events()[0].origin.clone();
    // b holds three events a must not store: a's own origin at the largest number,
    // a time in the year 0000, and one past the year 9999 (which cannot even be sent as
    // RFC 3339), then one good one.
    plant(
        &b.env.db,
        &a_origin,
        i64::MAX,
        1_764_237_600_000,
        &incident,
        "forged",
    );
    plant(
        &b.env.db,
        "far",
        1,
        -62_198_755_200_000,
        &incident,
        "year dot",
    );
    plant(
        &b.env.db,
        "far",
        2,
        253_402_300_800_000,
        &incident,
        "year 10000",
    );
    plant(&b.env.db, "far", 3, 1_764_237_600_000, &incident, "good");

    let server = Server::start(&a, "127.0.0.1:0", &[]);
    let _link = Follower::start(&b, &server.addr());
    wait_for("the good event", LONG, || a.has_text("good"));
    for bad in ["forged", "year dot", "year 10000"] {
        assert!(!a.has_text(bad), "{bad} was left out");
    }
    // Sync goes on both ways, and a's own numbers run on unbroken.
    a.env
        .ok(&["log", "--incident", &incident, "a after the forgery"]);
    b.env
        .ok(&["log", "--incident", &incident, "b after the forgery"]);
    wait_for("both new entries on both sides", LONG, || {
        a.has_text("b after the forgery") && b.has_text("a after the forgery")
    });
    let mut mine: Vec<u64> = a
        .events()
        .iter()
        .filter(|e| e.origin == a_origin)
        .map(|e| e.seq)
        .collect();
    mine.sort();
    assert_eq!(mine, (1..=mine.len() as u64).collect::<Vec<_>>());
    assert!(
        server.logged("left out"),
        "the refusals are logged: {:?}",
        server.log.lock().unwrap()
    );
}

#[test]
fn an_export_carries_text_exactly_as_stored_whatever_is_invisible_in_it() {
    let env = Env::new();
    env.declare("invisible characters");
    let typed = [
        "ok\u{FE0F}",
        "\u{200D}starts with a joiner",
        "zero\u{200B}width",
        "emoji 👩\u{200D}💻 and ❤\u{FE0F}",
        "bidi \u{202E}txet",
    ];
    for text in typed {
        env.ok(&["log", "--", text]);
    }
    let exported = env.ok(&["export", "--format", "jsonl", "--all"]);
    assert!(
        !exported.contains('\u{200B}') && !exported.contains('\u{202E}'),
        "what a terminal would hide or reorder is escaped as JSON does"
    );
    let back = Env::new();
    let file = back.path("all.jsonl");
    std::fs::write(&file, &exported).unwrap();
    back.ok(&["import", file.to_str().unwrap()]);
    let texts = |env: &Env| -> Vec<String> {
        let mut t: Vec<String> = events(env)
            .iter()
            .filter_map(|e| e.body.text().map(str::to_string))
            .collect();
        t.sort();
        t
    };
    assert_eq!(
        texts(&back),
        texts(&env),
        "the same text, character for character"
    );
    for text in typed {
        assert!(texts(&back).iter().any(|t| t == text), "{text:?}");
    }
}
