//! `warroom import` of JSON lines reads them as they come, a chunk at a time, in one
//! transaction: more events than one chunk holds go in whole, a bad line anywhere
//! leaves nothing, and importing the same file again adds nothing.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{TimeZone, Utc};
use common::Env;
use warroom::domain::{Body, Event};

/// `n` events of one incident from another host, as JSON lines.
fn lines(n: usize) -> Vec<String> {
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    let incident = ulid::Ulid::from_parts(start.timestamp_millis() as u64, 1);
    (0..n)
        .map(|i| {
            let at = start + chrono::TimeDelta::seconds(i as i64);
            let body = if i == 0 {
                Body::IncidentOpened {
                    title: "Imported".into(),
                    detected_at: None,
                    drill: false,
                    pace: None,
                }
            } else {
                Body::Note {
                    text: format!("note {i}"),
                }
            };
            let event = Event {
                id: if i == 0 {
                    incident
                } else {
                    ulid::Ulid::from_parts(at.timestamp_millis() as u64, i as u128 + 7)
                },
                origin: "elsewhere".into(),
                seq: i as u64 + 1,
                incident,
                author: "maya".into(),
                recorded_by: None,
                at,
                logged_at: at,
                body,
            };
            serde_json::to_string(&event).unwrap()
        })
        .collect()
}

fn count(env: &Env) -> usize {
    let store = warroom::store::Store::open(&env.db, warroom::store::OpenOptions::read()).unwrap();
    store.all_events().unwrap().len()
}

#[test]
fn json_lines_of_many_chunks_go_in_whole_or_not_at_all() {
    let env = Env::new();
    env.declare("Here first");
    let before = count(&env);
    let n = warroom::export::IMPORT_CHUNK * 2 + 500;
    let mut good = lines(n);
    // A bad line past the first two chunks: the chunks before it are undone too.
    let mut bad = good.clone();
    bad[warroom::export::IMPORT_CHUNK * 2 + 100] = "{not an event".into();
    let path = env.path("bad.jsonl");
    std::fs::write(&path, bad.join("\n")).unwrap();
    let err = env.fails(&["import", path.to_str().unwrap()]);
    assert!(
        err.contains(&format!("line {}", warroom::export::IMPORT_CHUNK * 2 + 101))
            && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(count(&env), before, "nothing of it was stored");

    good.push(String::new());
    let path = env.path("good.jsonl");
    std::fs::write(&path, good.join("\n")).unwrap();
    let (_, said) = env.ok_both(&["import", path.to_str().unwrap()]);
    assert!(
        said.contains(&format!("imported {n} new events (0 already present)")),
        "{said}"
    );
    assert_eq!(count(&env), before + n);
    // Again: nothing new, every one already present.
    let (_, said) = env.ok_both(&["import", path.to_str().unwrap()]);
    assert!(
        said.contains(&format!("imported 0 new events ({n} already present)")),
        "{said}"
    );
    assert_eq!(count(&env), before + n);
    // From stdin too.
    let env2 = Env::new();
    env2.cmd()
        .args(["import", "-"])
        .write_stdin(good.join("\n"))
        .assert()
        .success();
    assert_eq!(count(&env2), n);
}

/// An import keeps the file's list of open incidents, so the next console draws the
/// open ones before it has read every closed incident's head.
#[test]
fn an_import_keeps_the_list_of_open_incidents_for_the_next_console() {
    let env = Env::new();
    env.declare("Here first");
    let path = env.path("good.jsonl");
    std::fs::write(&path, lines(50).join("\n")).unwrap();
    env.ok(&["import", path.to_str().unwrap()]);
    let store = warroom::store::Store::open(&env.db, warroom::store::OpenOptions::read()).unwrap();
    let hint = store.open_hint().unwrap().expect("a list is kept");
    let mut open: Vec<ulid::Ulid> = store
        .incidents()
        .unwrap()
        .iter()
        .filter(|s| s.worked_in())
        .map(|s| s.id)
        .collect();
    open.sort();
    assert_eq!(open.len(), 2, "the one declared here and the imported one");
    assert_eq!(hint.incidents, open);
    assert_eq!(hint.pos, store.last_pos().unwrap(), "made after the import");
}

/// The event of `line` (a JSON line of [`lines`]) under another id and text, with
/// the same origin and number.
fn twin(line: &str, id: u128) -> (Event, String) {
    let mut event: Event = serde_json::from_str(line).unwrap();
    event.id = ulid::Ulid::from_parts(event.id.timestamp_ms(), id);
    event.body = Body::Note {
        text: format!("twin of #{}", event.seq),
    };
    let line = serde_json::to_string(&event).unwrap();
    (event, line)
}

/// Two events of one origin with one number: the first read is stored and the other
/// left out, named, whether the two are in one chunk (in either order, however far
/// apart) or in two; everything else goes in.
#[test]
fn of_two_events_with_one_number_the_first_read_is_stored_and_the_other_named() {
    let env = Env::new();
    env.declare("Here first");
    let before = count(&env);
    let n = warroom::export::IMPORT_CHUNK + 100;
    let originals = lines(n);
    let mut stream = originals.clone();
    // #5's twin after it in the same chunk; #20's before it; #7's in the next chunk.
    let (late, late_line) = twin(&originals[4], 1_000_001);
    let (early, early_line) = twin(&originals[19], 1_000_002);
    let (next, next_line) = twin(&originals[6], 1_000_003);
    stream.insert(50, late_line);
    stream.insert(2, early_line);
    stream.push(next_line);
    assert!(
        stream.len() > warroom::export::IMPORT_CHUNK + 3,
        "the last twin is read in the second chunk"
    );
    let path = env.path("twins.jsonl");
    std::fs::write(&path, stream.join("\n")).unwrap();
    let err = env.fails(&["import", path.to_str().unwrap()]);
    assert!(
        err.contains("imported 10100 new events (0 already present)")
            && err.contains("3 event(s) were left out because another event here has their number"),
        "{err}"
    );
    assert_eq!(count(&env), before + n, "one event for each number");
    let store = warroom::store::Store::open(&env.db, warroom::store::OpenOptions::read()).unwrap();
    let held: std::collections::HashSet<ulid::Ulid> =
        store.all_events().unwrap().iter().map(|e| e.id).collect();
    let original = |i: usize| serde_json::from_str::<Event>(&originals[i]).unwrap().id;
    assert!(
        held.contains(&original(4)) && !held.contains(&late.id),
        "#5: the first read"
    );
    assert!(
        held.contains(&early.id) && !held.contains(&original(19)),
        "#20: the first read"
    );
    assert!(
        held.contains(&original(6)) && !held.contains(&next.id),
        "#7: the one held"
    );
}

/// An import that cannot store what it read stops at once, even while its input is
/// still open (`tail -f ... | warroom import -`): the thread reading the next chunk is
/// not waited for.
#[test]
fn an_import_that_fails_ends_while_its_input_is_still_open() {
    use std::io::Write;
    let env = Env::new();
    env.declare("Here first");
    let before = count(&env);
    let mut stream = lines(warroom::export::IMPORT_CHUNK + 1);
    // In the first chunk, an event from before 2000: it cannot be stored.
    let mut old: Event = serde_json::from_str(&stream[5]).unwrap();
    old.at = Utc.with_ymd_and_hms(1990, 1, 1, 0, 0, 0).unwrap();
    stream[5] = serde_json::to_string(&old).unwrap();
    let mut child = env
        .std_cmd()
        .args(["import", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input
        .write_all((stream.join("\n") + "\n").as_bytes())
        .unwrap();
    input.flush().unwrap();
    // The input stays open until the import has ended.
    let mut ended = None;
    common::wait_for(
        "the import to end",
        std::time::Duration::from_secs(60),
        || {
            ended = child.try_wait().unwrap();
            ended.is_some()
        },
    );
    drop(input);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!ended.unwrap().success(), "{err}");
    assert!(
        err.contains(&old.id.to_string()) && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(count(&env), before, "nothing of it was stored");
}

/// A reader of the input that stops without saying the input ended (it panicked)
/// fails the import: the chunks it handed over before are not stored as if they were
/// all there was.
#[test]
fn an_import_whose_reader_dies_stores_nothing() {
    let env = Env::new();
    env.declare("Here first");
    let before = count(&env);
    let events: Vec<Event> = lines(20)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let links = vec![None; events.len()];
    let mut given = 0;
    let chunks = std::iter::from_fn(move || {
        given += 1;
        match given {
            1 => Some(Ok((events.clone(), links.clone()))),
            _ => panic!("the reader dies (as the test means it to)"),
        }
    });
    let mut store =
        warroom::store::Store::open(&env.db, warroom::store::OpenOptions::write()).unwrap();
    let err = store.import_stream(chunks).unwrap_err();
    assert!(
        err.to_string().contains("stopped reading its input"),
        "{err}"
    );
    drop(store);
    assert_eq!(count(&env), before, "nothing of it was stored");
}
