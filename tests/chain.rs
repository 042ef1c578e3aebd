//! The hash chain: `warroom verify` on real files edited with plain SQL, the upgrade of
//! a file the previous schema wrote, imports, and the heads exports carry.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::Env;
use rusqlite::Connection;
use warroom::domain::{ChainFields, ChainHash};

/// A file with two origins: the sample incidents (their own origin) and two incidents
/// written here, with a few entries each.
fn written() -> (Env, String, String) {
    let env = Env::new();
    env.ok(&["demo"]);
    let a = env.declare("payments down");
    let b = env.declare("search slow");
    for i in 0..4 {
        env.ok(&["log", "--incident", &a, &format!("payments note {i}")]);
        env.ok(&["log", "--incident", &b, &format!("search note {i}")]);
    }
    (env, a, b)
}

fn sql(env: &Env, statements: &str) {
    Connection::open(&env.db)
        .unwrap()
        .execute_batch(statements)
        .unwrap();
}

/// The number of the event whose payload holds `text`.
fn seq_of(env: &Env, text: &str) -> i64 {
    Connection::open(&env.db)
        .unwrap()
        .query_row(
            "SELECT seq FROM events WHERE instr(payload, ?1) > 0",
            [text],
            |r| r.get(0),
        )
        .unwrap()
}

/// The origin of this database's own events.
fn own_origin(env: &Env) -> String {
    Connection::open(&env.db)
        .unwrap()
        .query_row("SELECT value FROM meta WHERE key = 'origin'", [], |r| {
            r.get(0)
        })
        .unwrap()
}

/// `warroom verify ARGS`: whether it passed, stdout, stderr.
fn verify(env: &Env, args: &[&str]) -> (bool, String, String) {
    let out = env.cmd().arg("verify").args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The lines of a verify that say BROKEN.
fn broken(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.starts_with("BROKEN")).collect()
}

/// Each origin's head hash, computed here from the rows apart from warroom's code
/// paths: the chain over every event of the origin in number order.
fn heads_recomputed(env: &Env) -> Vec<String> {
    let conn = Connection::open(&env.db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload \
             FROM events ORDER BY origin, seq",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    let mut heads = Vec::new();
    let mut last: Option<(String, i64, ChainHash)> = None;
    while let Some(r) = rows.next().unwrap() {
        let text = |i| r.get::<_, String>(i).unwrap();
        let (origin, seq): (String, i64) = (text(1), r.get(2).unwrap());
        let prev = match &last {
            Some((o, _, h)) if *o == origin => *h,
            Some((o, s, h)) => {
                heads.push(format!("{o}#{s}={h}"));
                ChainHash::GENESIS
            }
            None => ChainHash::GENESIS,
        };
        let (id, incident, author, kind, payload) = (text(0), text(3), text(4), text(7), text(8));
        let hash = ChainFields {
            id: &id,
            origin: &origin,
            seq,
            incident: &incident,
            author: &author,
            at_ms: r.get(5).unwrap(),
            logged_at_ms: r.get(6).unwrap(),
            kind: &kind,
            payload: &payload,
        }
        .hash(&prev);
        last = Some((origin, seq, hash));
    }
    if let Some((o, s, h)) = last {
        heads.push(format!("{o}#{s}={h}"));
    }
    heads
}

#[test]
fn a_clean_file_verifies_and_prints_each_origins_head() {
    let (env, _, _) = written();
    let (ok, out, err) = verify(&env, &[]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("every chain is whole"), "{out}");
    let printed: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| l.trim().to_string())
        .collect();
    assert_eq!(printed, heads_recomputed(&env), "{out}");
    assert_eq!(printed.len(), 2, "the sample's origin and this file's own");
}

#[test]
fn an_edited_event_is_reported_with_its_origin_number_and_hashes() {
    let (env, a, _) = written();
    let origin = own_origin(&env);
    sql(
        &env,
        "UPDATE events SET payload = replace(payload, 'payments note 2', 'payments note 2 (all fine)') \
         WHERE payload LIKE '%payments note 2%'",
    );
    let (ok, out, err) = verify(&env, &[]);
    assert!(!ok, "{out}");
    let lines = broken(&out);
    assert_eq!(lines.len(), 1, "{out}");
    let seq = seq_of(&env, "(all fine)");
    assert!(
        lines[0].contains(&format!("origin {origin} #{seq} "))
            && lines[0].contains("edited after it was written")
            && lines[0].contains(&format!("incident {}", &a[a.len() - 6..].to_lowercase())),
        "{out}"
    );
    assert!(err.contains("broken in 1 place"), "{err}");
}

#[test]
fn an_edit_whose_hash_was_recomputed_shows_at_the_next_events_link() {
    let (env, _, _) = written();
    let origin = own_origin(&env);
    // Someone who knows the encoding rewrites #5's author and its hash to match.
    let pos: i64 = Connection::open(&env.db)
        .unwrap()
        .query_row(
            "SELECT pos FROM events WHERE origin = ?1 AND seq = 5",
            [&origin],
            |r| r.get(0),
        )
        .unwrap();
    sql(
        &env,
        &format!("UPDATE events SET author = 'mallory' WHERE pos = {pos}"),
    );
    let forged = common::rehash(&env.db, pos);
    let (ok, out, _) = verify(&env, &[]);
    assert!(!ok);
    let lines = broken(&out);
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].contains(&format!("origin {origin} #6 "))
            && lines[0].contains(&format!(
                "the event #5 held here hashes to {}",
                forged.short()
            )),
        "{out}"
    );
}

#[test]
fn removed_reordered_doubled_and_foreign_rows_are_each_reported() {
    let (env, _, _) = written();
    let origin = own_origin(&env);
    sql(
        &env,
        &format!(
            "DELETE FROM events WHERE origin = '{origin}' AND seq IN (3, 4);
             UPDATE events SET at_ms = at_ms - 60000 WHERE origin = '{origin}' AND seq = 8;
             UPDATE events SET seq = 12 WHERE origin = '{origin}' AND seq = 11;
             UPDATE events SET seq = 11 WHERE origin = '{origin}' AND seq = 10;
             INSERT INTO events (id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload)
               SELECT '01ZZZZZZZZZZZZZZZZZZZZZZZZ', origin, 99, incident, author, at_ms, logged_at_ms,
                      'note', '{{\"text\":\"slipped in\"}}'
               FROM events WHERE origin = '{origin}' AND seq = 2;"
        ),
    );
    let (ok, out, _) = verify(&env, &[]);
    assert!(!ok);
    let at = |seq: u32, what: &str| {
        broken(&out).iter().any(|l| {
            (l.contains(&format!("origin {origin} #{seq} "))
                || l.contains(&format!("origin {origin} #{seq}:")))
                && l.contains(what)
        })
    };
    assert!(at(5, "#3 to #4 before it are not in the file"), "{out}");
    // Renumbered far up: edited there, the number it left shows as removed where it
    // was, and no run of numbers that never existed is said to be removed.
    let (env, _, _) = written();
    let origin = own_origin(&env);
    sql(
        &env,
        &format!("UPDATE events SET seq = 100 WHERE origin = '{origin}' AND seq = 5;"),
    );
    let (ok, far, _) = verify(&env, &[]);
    assert!(!ok);
    assert!(
        far.contains(&format!("origin {origin} #100 ")) && far.contains("edited"),
        "{far}"
    );
    assert!(far.contains("#5 before it is not in the file"), "{far}");
    assert!(!far.contains("to #99"), "no phantom removals: {far}");
    assert!(at(8, "edited after it was written"), "a moved time: {out}");
    assert!(at(11, "edited"), "a renumbered event: {out}");
    assert!(at(12, "edited"), "{out}");
    assert!(at(12, "two events hold this number"), "{out}");
    assert!(at(99, "no hash"), "{out}");
}

#[test]
fn verify_of_one_incident_checks_only_its_events_and_prints_its_own_heads() {
    let (env, a, b) = written();
    sql(
        &env,
        "UPDATE events SET payload = replace(payload, 'search note 1', 'search note one') \
         WHERE payload LIKE '%search note 1%'",
    );
    let (ok, out, _) = verify(&env, &["--incident", &a]);
    assert!(ok, "{out}");
    let origin = own_origin(&env);
    let last_of_a: i64 = Connection::open(&env.db)
        .unwrap()
        .query_row(
            "SELECT MAX(seq) FROM events WHERE incident = ?1",
            [&a],
            |r| r.get(0),
        )
        .unwrap();
    assert!(out.contains(&format!("  {origin}#{last_of_a}=")), "{out}");
    let (ok, out, _) = verify(&env, &["--incident", &b]);
    assert!(!ok);
    assert_eq!(broken(&out).len(), 1, "{out}");
}

#[test]
fn an_export_carries_the_heads_and_the_command_that_checks_them_later() {
    let (env, a, _) = written();
    for format in ["markdown", "ics214", "json"] {
        let doc = env.ok(&["export", "--incident", &a, "--format", format]);
        let command = doc
            .lines()
            .find_map(|l| l.split("`warroom verify ").nth(1))
            .or_else(|| {
                doc.lines()
                    .find_map(|l| l.split("\"warroom verify ").nth(1))
            })
            .unwrap_or_else(|| panic!("{format} names no verify command:\n{doc}"));
        let args: Vec<&str> = command
            .trim_end_matches(['`', '"', ',', '.'])
            .split_whitespace()
            .collect();
        assert!(args.contains(&"--expect"), "{command}");
        let (ok, out, _) = verify(&env, &args);
        assert!(ok, "{format}: {out}");
    }
    let doc = env.ok(&["export", "--incident", &a, "--format", "markdown"]);
    let command = doc
        .lines()
        .find_map(|l| l.split("`warroom verify ").nth(1))
        .unwrap();
    let args: Vec<&str> = command.trim_end_matches('`').split_whitespace().collect();
    // Later, the whole chain rewritten from the first event on (so it reads as whole)
    // still differs from what the review printed.
    env.ok(&["log", "--incident", &a, "after the review"]);
    let (ok, _, _) = verify(&env, &args);
    assert!(ok, "later entries do not change the printed heads");
    sql(
        &env,
        "UPDATE events SET payload = replace(payload, 'payments note 0', 'nothing happened') \
         WHERE payload LIKE '%payments note 0%'",
    );
    let (ok, out, _) = verify(&env, &args);
    assert!(!ok);
    assert!(out.contains("edited after it was written"), "{out}");
}

#[test]
fn a_file_of_the_previous_schema_is_chained_once_at_first_open_and_that_is_recorded() {
    let env = Env::new();
    std::fs::copy("tests/fixtures/chain/schema6.db", &env.db).unwrap();
    let rows = |env: &Env| -> Vec<(String, String, i64, String)> {
        let conn = Connection::open(&env.db).unwrap();
        let mut stmt = conn
            .prepare("SELECT id, origin, seq, payload FROM events ORDER BY pos")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let before = rows(&env);
    let shown_before = env.ok(&["incidents"]);
    let (ok, out, err) = verify(&env, &[]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("69 events written before this file had the chain were chained as they stood"),
        "{out}"
    );
    // The imported incident's origin holds six of #4 to #12, without #1 to #3: they
    // wait, unchained, for the events before them (a peer may bring them).
    assert!(out.contains("6 of them not chained yet"), "{out}");
    let seams: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("note    origin") && l.contains(" #"))
        .collect();
    assert_eq!(seams.len(), 5, "five shown: {out}");
    assert!(out.contains(": 1 more like these"), "{out}");
    assert!(
        seams
            .iter()
            .all(|l| l.contains("its origin's events before it are not all here")),
        "{out}"
    );
    assert_eq!(rows(&env), before, "nothing but the chain was written");
    assert_eq!(env.ok(&["incidents"]), shown_before);
    let version: i64 = Connection::open(&env.db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, warroom::store::CURRENT_VERSION);
    // Once: a second look finds the same record and the same heads.
    let (ok, again, _) = verify(&env, &[]);
    assert!(ok);
    assert_eq!(again, out);
    // New entries chain on from the chained history, and edits to it show.
    env.ok(&[
        "log",
        "--incident",
        &env.ok(&["incidents", "--json"])
            .lines()
            .next()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .unwrap(),
        "after the upgrade",
    ]);
    assert!(verify(&env, &[]).0);
    sql(
        &env,
        "UPDATE events SET author = 'someone else' WHERE pos = 3",
    );
    let (ok, out, _) = verify(&env, &[]);
    assert!(!ok);
    assert_eq!(broken(&out).len(), 1, "{out}");
}

#[test]
fn an_import_keeps_the_chain_and_notes_where_an_event_came_without_the_one_before() {
    let (from, a, _) = written();
    let jsonl = from.ok(&["export", "--incident", &a, "--format", "jsonl"]);
    let file = from.path("a.jsonl");
    std::fs::write(&file, &jsonl).unwrap();
    let to = Env::new();
    to.declare("local");
    to.ok(&["import", file.to_str().unwrap()]);
    to.ok(&["import", file.to_str().unwrap()]);
    let (ok, out, _) = verify(&to, &[]);
    assert!(ok, "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("note    origin")
            && l.contains("imported without the event before it")),
        "a's entries alternate with b's on their origin: {out}"
    );
    // An import of the whole file, gap-free, gives the same heads as the file it came from.
    let all = from.ok(&["export", "--all", "--format", "jsonl"]);
    let file = from.path("all.jsonl");
    std::fs::write(&file, &all).unwrap();
    let copy = Env::new();
    copy.ok(&["import", file.to_str().unwrap()]);
    let (ok, out, _) = verify(&copy, &[]);
    assert!(ok, "{out}");
    let theirs = heads_recomputed(&from);
    for head in &theirs {
        assert!(out.contains(head.as_str()), "{head} in {out}");
    }
}

#[test]
fn a_replay_plays_an_incident_into_a_scratch_file_that_folds_and_verifies_the_same() {
    let (env, a, _) = written();
    let scratch = env.path("replay.db");
    let out = env.ok(&[
        "replay",
        "--incident",
        &a,
        "--into",
        scratch.to_str().unwrap(),
        "--speed",
        "1000",
        "--max-gap",
        "1",
    ]);
    assert!(out.starts_with("replaying incident "), "{out}");
    assert!(out.contains("replayed all 7 events"), "{out}");
    let shown = |db: &std::path::Path| {
        common::std_cmd_for(db)
            .args(["show", "--incident", &a])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(shown(&scratch), shown(&env.db), "the same incident");
    let again = env.ok(&[
        "replay",
        "--incident",
        &a,
        "--into",
        scratch.to_str().unwrap(),
        "--speed",
        "1",
    ]);
    assert!(
        again.contains("all 7 events were in"),
        "at once, and said: {again}"
    );
    let verified = common::std_cmd_for(&scratch)
        .arg("verify")
        .output()
        .unwrap();
    assert!(verified.status.success());
    // Never into the database itself, nor into one holding other incidents.
    let err = env.fails(&[
        "replay",
        "--incident",
        &a,
        "--into",
        env.db.to_str().unwrap(),
    ]);
    assert!(err.contains("cannot replay into"), "{err}");
    let other = env.path("other.db");
    common::std_cmd_for(&other)
        .args(["declare", "--title", "unrelated"])
        .output()
        .unwrap();
    let err = env.fails(&[
        "replay",
        "--incident",
        &a,
        "--into",
        other.to_str().unwrap(),
    ]);
    assert!(err.contains("holds other incidents"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A file that holds part of an origin's log (a per-incident import) and then gets
/// the rest from a peer ends with the same chain as the file it all came from: nothing
/// is refused, nothing stays unchained, the heads agree.
#[test]
fn a_partial_import_then_the_rest_from_a_peer_ends_with_the_same_chain_as_the_source() {
    use warroom::store::{OpenOptions, Store};
    let (from, a, _) = written();
    let file = from.path("a.jsonl");
    std::fs::write(
        &file,
        from.ok(&["export", "--incident", &a, "--format", "jsonl"]),
    )
    .unwrap();
    let to = Env::new();
    to.declare("local");
    to.ok(&["import", file.to_str().unwrap()]);
    // The lines carry their origin's links: chained as the origin chained them, each
    // link to an event not held here noted, to be checked when it comes.
    let (ok, out, _) = verify(&to, &[]);
    assert!(ok && out.contains("is checked once that comes"), "{out}");
    assert!(!out.contains("not chained yet"), "{out}");

    let source = Store::open(&from.db, OpenOptions::read()).unwrap();
    let mut copy = Store::open(&to.db, OpenOptions::write()).unwrap();
    let (events, links) = source.missing_for(&copy.heads().unwrap()).unwrap();
    assert!(
        links.iter().all(Option::is_some),
        "the source sends every link"
    );
    let accepted = copy.accept_chained_from_peer(&events, &links).unwrap();
    assert!(accepted.refused.is_empty(), "{:?}", accepted.refused);
    drop(copy);
    let (ok, out, _) = verify(&to, &[]);
    assert!(ok, "{out}");
    assert!(
        out.contains("every chain is whole"),
        "nothing left waiting: {out}"
    );
    for head in heads_recomputed(&from) {
        assert!(out.contains(&head), "{head} in {out}");
    }
}

/// What the trial found, each now caught: a deletion hidden behind a forged seam note
/// (the export's command lists the seams it knew), an incident's own last event
/// removed (`--incident`), a copy kept as evidence left as it was, another database
/// named as such, and an export of a broken file warned about.
#[test]
fn hidden_deletions_other_databases_and_exports_of_broken_files_are_all_said() {
    let (env, a, _) = written();
    let origin = own_origin(&env);
    let doc = env.ok(&["export", "--incident", &a, "--format", "markdown"]);
    let command = doc
        .lines()
        .find_map(|l| l.split("`warroom verify ").nth(1))
        .unwrap()
        .trim_end_matches('`')
        .to_string();
    let args: Vec<&str> = command.split_whitespace().collect();

    // A deletion, and a seam note forged to excuse it.
    let copy = Env::new();
    std::fs::copy(&env.db, &copy.db).unwrap();
    let victim = seq_of(&copy, "payments note 1");
    sql(
        &copy,
        &format!(
            "DELETE FROM events WHERE origin = '{origin}' AND seq = {victim};
             INSERT INTO chain_seams VALUES ('{origin}', {}, 'unlinked', 0, 'arrived via sync');",
            victim + 1
        ),
    );
    let (ok, out, _) = verify(&copy, &[]);
    assert!(ok, "alone, a seam note excuses the absence: {out}");
    assert!(
        out.contains("not everything could be checked"),
        "never 'whole': {out}"
    );
    let (ok, out, _) = verify(&copy, &args);
    assert!(!ok, "{out}");
    assert!(out.contains("which the export did not know of"), "{out}");

    // The incident's own last event removed: --incident sees the gap after it.
    let copy = Env::new();
    std::fs::copy(&env.db, &copy.db).unwrap();
    sql(
        &copy,
        &format!(
            "DELETE FROM events WHERE pos = (SELECT MAX(pos) FROM events WHERE incident = '{a}');"
        ),
    );
    let (ok, out, _) = verify(&copy, &["--incident", &a]);
    assert!(!ok && out.contains("not in the file"), "{out}");

    // A copy kept as evidence: verify changes nothing in it.
    let before = std::fs::read(&copy.db).unwrap();
    verify(&copy, &[]);
    assert_eq!(
        std::fs::read(&copy.db).unwrap(),
        before,
        "not a byte written"
    );

    // The export's command against another database says so.
    let other = Env::new();
    other.declare("elsewhere");
    let (ok, out, err) = verify(&other, &args);
    assert!(!ok);
    assert!(
        out.contains("holds no event of that origin at all"),
        "{out}"
    );
    assert!(err.contains("or it is another database"), "{err}");

    // An export of a broken file says so.
    sql(
        &env,
        "UPDATE events SET payload = replace(payload, 'payments note 0', 'all fine') \
         WHERE payload LIKE '%payments note 0%'",
    );
    let (doc, err) = env.ok_both(&["export", "--incident", &a, "--format", "markdown"]);
    assert!(err.contains("hash chain is broken in 1 place"), "{err}");
    assert!(
        doc.contains("WARNING: the log's hash chain was broken"),
        "{doc}"
    );
}

/// JSON lines carry each event's chain link, and an import checks them: a line edited
/// after the export (its link kept) is refused and nothing is imported, so an export
/// and import cannot launder an edit into a fresh, whole-looking chain.
#[test]
fn an_import_refuses_a_json_line_edited_after_the_export() {
    let (from, a, _) = written();
    let jsonl = from.ok(&["export", "--incident", &a, "--format", "jsonl"]);
    assert!(
        jsonl.lines().all(|l| l.contains("\"link\":\"")),
        "every line carries its link: {jsonl}"
    );
    let edited = jsonl.replace("payments note 1", "payments note 1 (nothing found)");
    assert_ne!(edited, jsonl);
    let file = from.path("edited.jsonl");
    std::fs::write(&file, &edited).unwrap();
    let to = Env::new();
    to.declare("local");
    let before = to.ok(&["incidents"]);
    let err = to.fails(&["import", file.to_str().unwrap()]);
    assert!(
        err.contains("breaks its origin's hash chain")
            && err.contains("does not give the hash it came with")
            && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(to.ok(&["incidents"]), before, "nothing imported");
    // The export as written goes in.
    std::fs::write(&file, &jsonl).unwrap();
    to.ok(&["import", file.to_str().unwrap()]);
}

/// A peer's messages stored together in one write (as a catch-up stores those waiting)
/// end as they would one by one: the same events new, the same ones left out with the
/// same why, and the same rows, chains and seams in the file. Among them a message from
/// an older build (no links) and a link that does not follow.
#[test]
fn messages_stored_together_end_as_they_would_one_by_one() {
    use warroom::store::{OpenOptions, Received, Store};
    let (from, _, _) = written();
    let source = Store::open(&from.db, OpenOptions::read()).unwrap();
    let (first, second) = (Env::new(), Env::new());
    first.declare("local");
    std::fs::copy(&first.db, &second.db).unwrap();
    let copy = Store::open(&first.db, OpenOptions::read()).unwrap();
    let (events, mut links) = source.missing_for(&copy.heads().unwrap()).unwrap();
    drop(copy);
    assert!(events.len() > 20, "{}", events.len());
    // One link that does not follow from its event.
    let forged = events.len() / 2;
    if let Some(link) = links[forged].as_mut() {
        link.hash = ChainHash([7; 32]);
    }
    // Messages of uneven sizes; the third from an older build, without links.
    let mut messages = Vec::new();
    let mut at = 0;
    for (n, size) in [1, 5, 3, 2, 7].into_iter().cycle().enumerate() {
        if at == events.len() {
            break;
        }
        let end = (at + size).min(events.len());
        let these = if n == 2 {
            Vec::new()
        } else {
            links[at..end].to_vec()
        };
        messages.push((events[at..end].to_vec(), these));
        at = end;
    }
    // Two messages out of order: the later arrives without the event before it (a
    // seam), which the earlier then fills.
    let last = messages.len() - 1;
    messages.swap(last - 1, last);
    // A message again (held by then), one number of an origin held under another id
    // (a clash), and an event claiming this database's own origin (a forgery).
    messages.push(messages[1].clone());
    let mut clash = events[4].clone();
    clash.id = ulid::Ulid::from_parts(1_795_000_000_000, 41);
    let mut forgery = events[5].clone();
    forgery.id = ulid::Ulid::from_parts(1_795_000_000_000, 42);
    forgery.seq = 999;
    // Each file's own origin (a copied file takes a fresh one when opened).
    let mut together = Store::open(&first.db, OpenOptions::write()).unwrap();
    let mut apart = Store::open(&second.db, OpenOptions::write()).unwrap();
    let with_forgery = |store: &Store| {
        let mut forgery = forgery.clone();
        forgery.origin = store.origin().to_string();
        let mut all = messages.clone();
        all.push((vec![clash.clone(), forgery], Vec::new()));
        all
    };

    let owns = [together.origin().to_string(), apart.origin().to_string()];
    let gathered = together
        .accept_batches_from_peer(
            with_forgery(&together)
                .into_iter()
                .map(|(events, links)| Received::new(events, links))
                .collect(),
        )
        .unwrap();
    drop(together);
    let (mut added, mut refused) = (Vec::new(), Vec::new());
    for (events, links) in &with_forgery(&apart) {
        let one = apart.accept_chained_from_peer(events, links).unwrap();
        added.extend(one.added);
        refused.extend(one.refused);
    }
    drop(apart);
    assert_eq!(gathered.added, added);
    // The same why, but for each file's own origin.
    let why = |refused: &[(ulid::Ulid, String)], own: &str| -> Vec<(ulid::Ulid, String)> {
        refused
            .iter()
            .map(|(id, why)| (*id, why.replace(own, "OWN")))
            .collect()
    };
    assert_eq!(why(&gathered.refused, &owns[0]), why(&refused, &owns[1]));
    let left_out: Vec<_> = refused.iter().map(|(id, _)| *id).collect();
    for id in [events[forged].id, forgery.id] {
        assert!(left_out.contains(&id), "{id} left out: {refused:?}");
    }
    assert!(!added.contains(&clash.id), "a clash is not stored");
    let rows = |env: &Env| -> Vec<String> {
        let conn = Connection::open(&env.db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT id || ' ' || origin || ' ' || seq || ' ' || COALESCE(hex(hash), '-') \
                 FROM events ORDER BY origin, seq",
            )
            .unwrap();
        let mut all: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut seams = conn
            .prepare("SELECT origin || ' ' || seq || ' ' || kind FROM chain_seams ORDER BY 1")
            .unwrap();
        all.extend(
            seams
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap),
        );
        all
    };
    assert_eq!(rows(&first), rows(&second));
    // What verify says of each, but for the path and when a seam was noted.
    let said = |env: &Env| {
        let (ok, out, _) = verify(env, &[]);
        let out = out.replace(env.db.to_str().unwrap(), "DB");
        (ok, out.replace(|c: char| c.is_ascii_digit(), "#"))
    };
    assert_eq!(said(&first), said(&second));
}

/// The full id of the incident opened with this title.
fn incident_of(env: &Env, title: &str) -> String {
    Connection::open(&env.db)
        .unwrap()
        .query_row(
            "SELECT incident FROM events WHERE kind = 'incident_opened' AND instr(payload, ?1) > 0",
            [title],
            |r| r.get(0),
        )
        .unwrap()
}

/// A catch-up sends each row as it is stored, its payload never read into a body: the
/// very bytes, messages and links the events read back would be sent as. Over a file
/// with the sample incidents (every kind they hold), a scribe's entry, an entry of a
/// kind this build does not know, and a payload that is not JSON (sent as a string).
#[test]
fn a_catch_up_sends_rows_as_the_events_they_read_back_would_be_sent() {
    use warroom::store::{OpenOptions, Store, StoreError, VersionVector};
    use warroom::sync::protocol::{batches, encoded_batches};
    let (env, a, _) = written();
    env.ok(&[
        "log",
        "--incident",
        &a,
        "--for",
        "dana",
        "--new-responder",
        "said: \"roll back\" \u{e9}\u{1F6A8}",
    ]);
    let line = format!(
        r#"{{"id":"01KA0000000000000000000001","origin":"elsewhere","seq":1,"incident":"{}","author":"bot","at":"2026-11-30T10:00:00.000Z","logged_at":"2026-11-30T10:00:00.000Z","kind":"kind_from_a_later_build","payload":{{"zeta":[1,2.5,null],"alpha":{{"b":"x\ny"}}}}}}"#,
        incident_of(&env, "payments down")
    );
    let file = env.path("later.jsonl");
    std::fs::write(&file, line + "\n").unwrap();
    env.ok(&["import", file.to_str().unwrap()]);
    sql(
        &env,
        "UPDATE events SET payload = 'not JSON {' WHERE pos = (SELECT MIN(pos) FROM events WHERE kind = 'note')",
    );
    // Rows written by hand (no link) whose payloads a JSON value would not hold as
    // written: a lone surrogate, an escaped pair, a number past a float, deep nesting.
    let deep = format!("{{\"d\":{}1{}}}", "[".repeat(130), "]".repeat(130));
    let incident = incident_of(&env, "payments down");
    for (n, payload) in [
        r#"{"text":"\ud800"}"#.to_string(),
        r#"{"text":"\ud83d\udea8"}"#.to_string(),
        r#"{"text":"x","n":1e400}"#.to_string(),
        deep,
    ]
    .iter()
    .enumerate()
    {
        Connection::open(&env.db)
            .unwrap()
            .execute(
                "INSERT INTO events (id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload) \
                 VALUES (?1, 'byhand', ?2, ?3, 'sqlite3', 1795000000000, 1795000000000, 'note', ?4)",
                rusqlite::params![format!("01KA00000000000000000000A{n}"), n as i64 + 1, incident, payload],
            )
            .unwrap();
    }

    let store = Store::open(&env.db, OpenOptions::read()).unwrap();
    let none = VersionVector::new();
    let (events, links) = store.missing_for(&none).unwrap();
    let mut encoded = (Vec::new(), Vec::new());
    store
        .missing_encoded_in_pages(&none, 7, &mut |(e, l)| {
            encoded.0.extend(e);
            encoded.1.extend(l);
            Ok::<(), StoreError>(())
        })
        .unwrap();
    assert_eq!(encoded.1, links);
    assert_eq!(encoded.0.len(), events.len());
    let kinds: std::collections::BTreeSet<&str> = events.iter().map(|e| e.body.kind()).collect();
    assert!(kinds.len() > 8, "{kinds:?}");
    assert!(kinds.contains("kind_from_a_later_build"), "{kinds:?}");
    assert!(events.iter().any(|e| e.recorded_by.is_some()));
    for (event, sent) in events.iter().zip(&encoded.0) {
        let json = serde_json::to_vec(event).unwrap();
        assert_eq!(
            sent.json.as_deref().map(String::from_utf8_lossy),
            Some(String::from_utf8_lossy(&json)),
            "{event:?}"
        );
        assert_eq!(
            (sent.id, &sent.origin, sent.seq),
            (event.id, &event.origin, event.seq)
        );
    }
    assert_eq!(
        encoded_batches(&encoded.0, &encoded.1),
        batches(&events, &links)
    );
}

/// A float in a payload (an event of a kind from a later build, say) reads back as the
/// number written, so a peer that writes its payload again gets the same text, and the
/// same hash: the event is stored, not refused as breaking its chain. (serde_json reads
/// about one float in five off by one unit in the last place unless told to be exact.)
#[test]
fn a_float_in_a_payload_survives_a_hop_between_peers() {
    use warroom::store::{OpenOptions, Received, Store};
    use warroom::sync::Message;
    use warroom::sync::protocol::encoded_batches;
    let from = Env::new();
    from.declare("source");
    let line = format!(
        r#"{{"id":"01KA0000000000000000000002","origin":"later","seq":1,"incident":"{}","author":"bot","at":"2026-11-30T10:00:00.000Z","logged_at":"2026-11-30T10:00:00.000Z","kind":"reading_from_a_later_build","payload":{{"ratio":1.9449445434404706,"p99":1.8486618961806582}}}}"#,
        incident_of(&from, "source")
    );
    let file = from.path("later.jsonl");
    std::fs::write(&file, line + "\n").unwrap();
    from.ok(&["import", file.to_str().unwrap()]);
    let stored: String = Connection::open(&from.db)
        .unwrap()
        .query_row(
            "SELECT payload FROM events WHERE origin = 'later'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stored.contains("1.9449445434404706"), "{stored}");
    assert!(stored.contains("1.8486618961806582"), "{stored}");

    let to = Env::new();
    to.declare("other");
    let source = Store::open(&from.db, OpenOptions::read()).unwrap();
    let mut copy = Store::open(&to.db, OpenOptions::write()).unwrap();
    let mut encoded = (Vec::new(), Vec::new());
    source
        .missing_encoded_in_pages(&copy.heads().unwrap(), 100, &mut |(e, l)| {
            encoded.0.extend(e);
            encoded.1.extend(l);
            Ok::<(), warroom::store::StoreError>(())
        })
        .unwrap();
    // As the wire carries them, and as the peer reads them.
    let mut messages = Vec::new();
    for batch in encoded_batches(&encoded.0, &encoded.1) {
        match Message::decode(&batch.bytes).unwrap() {
            Message::Events { events, links, .. } => messages.push(Received::new(events, links)),
            other => panic!("{other:?}"),
        }
    }
    let accepted = copy.accept_batches_from_peer(messages).unwrap();
    assert!(accepted.refused.is_empty(), "{:?}", accepted.refused);
    drop(copy);
    let (ok, out, _) = verify(&to, &[]);
    assert!(ok && out.contains("every chain is whole"), "{out}");
}
