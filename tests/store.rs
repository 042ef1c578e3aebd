//! The store against real SQLite files in a temp dir.

use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use rusqlite::Connection;
use tempfile::TempDir;
use warroom::domain::{Body, Severity};
use warroom::store::{Access, NewEvent, OpenOptions, Store, StoreError, VersionVector};

fn fixed_clock() -> warroom::store::Clock {
    let t = Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap();
    Arc::new(move || t)
}

fn open_new(dir: &TempDir) -> Store {
    Store::open(dir.path().join("w.db"), OpenOptions::write()).expect("open")
}

fn declare(store: &mut Store, title: &str) -> ulid::Ulid {
    let events = store
        .append(vec![NewEvent {
            incident: None,
            author: "alice".into(),
            recorded_by: None,
            at: None,
            body: Body::IncidentOpened {
                title: title.into(),
                detected_at: None,
                drill: false,
                pace: None,
            },
        }])
        .expect("append");
    events[0].incident
}

fn note(incident: ulid::Ulid, text: &str) -> NewEvent {
    NewEvent::now(Some(incident), "bob", Body::Note { text: text.into() })
}

#[test]
fn appends_and_reads_back_by_cursor_and_incident() {
    let dir = TempDir::new().unwrap();
    let mut store = open_new(&dir);
    let incident = declare(&mut store, "Checkout down");
    let written = store
        .append(vec![note(incident, "one"), note(incident, "two")])
        .unwrap();
    assert_eq!(written[0].seq + 1, written[1].seq);
    assert!(written[0].id < written[1].id);
    assert_eq!(written[0].origin, store.origin());

    let all = store.events_since(0, 100).unwrap();
    assert_eq!(all.len(), 3);
    let (pos, _) = all[0];
    let newer = store.events_since(pos, 100).unwrap();
    assert_eq!(newer.len(), 2);
    assert_eq!(store.last_pos().unwrap(), all[2].0);

    let state = store.incident(incident).unwrap().expect("incident");
    assert_eq!(state.title, "Checkout down");
    assert_eq!(state.timeline.len(), 3);
}

#[test]
fn ids_keep_commit_order_within_one_millisecond() {
    let dir = TempDir::new().unwrap();
    let mut store = open_new(&dir).with_clock(fixed_clock());
    let incident = declare(&mut store, "t");
    let mut last = None;
    for i in 0..50 {
        let e = store.append(vec![note(incident, &i.to_string())]).unwrap();
        assert!(
            Some(e[0].id) > last,
            "id {i} did not sort after the one before"
        );
        last = Some(e[0].id);
    }
    let state = store.incident(incident).unwrap().unwrap();
    let texts: Vec<String> = state.timeline[1..]
        .iter()
        .map(|e| e.event.body.text().unwrap().to_string())
        .collect();
    assert_eq!(texts, (0..50).map(|i| i.to_string()).collect::<Vec<_>>());
}

#[test]
fn inserting_the_same_events_twice_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let mut a = open_new(&dir);
    let incident = declare(&mut a, "t");
    a.append(vec![note(incident, "x")]).unwrap();
    let events = a.all_events().unwrap();

    let mut b = Store::open(dir.path().join("b.db"), OpenOptions::write()).unwrap();
    assert_eq!(b.insert_events(&events).unwrap(), 2);
    assert_eq!(b.insert_events(&events).unwrap(), 0);
    assert_eq!(b.all_events().unwrap(), events);
    assert_ne!(a.origin(), b.origin());
}

#[test]
fn the_origin_is_stable_across_opens() {
    let dir = TempDir::new().unwrap();
    let first = open_new(&dir).origin().to_string();
    let again = open_new(&dir).origin().to_string();
    assert_eq!(first, again);
    assert!(!first.is_empty());
}

#[test]
fn the_file_uses_wal_and_is_marked_as_ours() {
    let dir = TempDir::new().unwrap();
    drop(open_new(&dir));
    let conn = Connection::open(dir.path().join("w.db")).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let app: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    assert_eq!(app, warroom::store::APPLICATION_ID);
}

#[test]
fn writers_fsync_every_commit_and_wait_for_locks() {
    let dir = TempDir::new().unwrap();
    let settings = open_new(&dir).settings().unwrap();
    assert_eq!(settings.journal_mode, "wal");
    assert_eq!(settings.synchronous, 2, "synchronous=FULL");
    assert!(settings.busy_timeout_ms >= 5000, "{settings:?}");
    assert_eq!(settings.schema_version, warroom::store::CURRENT_VERSION);
}

#[test]
fn refuses_a_database_from_a_newer_version_unchanged() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("w.db");
    drop(open_new(&dir));
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path, OpenOptions::write()).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer warroom"), "{err}");
    assert!(err.to_string().contains("Upgrade warroom"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn refuses_a_file_that_is_not_a_database_unchanged() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("notes.txt");
    let text = b"these are my notes, not a database\n".repeat(40);
    std::fs::write(&path, &text).unwrap();
    let err = Store::open(&path, OpenOptions::write()).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert!(err.to_string().contains("left unchanged"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), text);
    assert!(!dir.path().join("notes.txt-wal").exists());
}

#[test]
fn refuses_another_programs_sqlite_database_unchanged() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("other.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path, OpenOptions::write()).unwrap_err();
    assert!(matches!(err, StoreError::Foreign { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn refuses_a_corrupt_database_unchanged() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("w.db");
    {
        let mut store = open_new(&dir);
        declare(&mut store, "t");
    }
    // Checkpoint into the main file, then overwrite the schema page after the header.
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .unwrap();
    drop(conn);
    let mut bytes = std::fs::read(&path).unwrap();
    for b in &mut bytes[100..4096] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path, OpenOptions::write()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Corrupt { .. } | StoreError::NotADatabase { .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("unchanged") || err.to_string().contains("did not modify"));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_read_only_file_can_be_read_but_not_written() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("w.db");
    let incident = {
        let mut store = open_new(&dir);
        declare(&mut store, "Frozen")
    };
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();

    let err = Store::open(&path, OpenOptions::write()).unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    assert!(err.to_string().contains("read-only"), "{err}");

    let store = Store::open(&path, OpenOptions::read()).unwrap();
    assert!(store.is_read_only());
    assert_eq!(store.incident(incident).unwrap().unwrap().title, "Frozen");

    let prefer = OpenOptions {
        access: Access::Prefer,
        ..OpenOptions::write()
    };
    let mut store = Store::open(&path, prefer).unwrap();
    assert!(store.is_read_only());
    assert!(matches!(
        store.append(vec![note(incident, "x")]),
        Err(StoreError::ReadOnly { .. })
    ));
}

#[test]
fn a_missing_directory_is_refused_unless_asked_to_create_it() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("no/such/dir/w.db");
    let err = Store::open(&path, OpenOptions::write()).unwrap_err();
    assert!(matches!(err, StoreError::NoDirectory { .. }), "{err}");
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(!dir.path().join("no").exists());

    let create = OpenOptions {
        create_dirs: true,
        ..OpenOptions::write()
    };
    Store::open(&path, create).expect("created with its directories");
    assert!(path.exists());
}

#[test]
fn reading_a_missing_file_does_not_create_it() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("w.db");
    let err = Store::open(&path, OpenOptions::read()).unwrap_err();
    assert!(matches!(err, StoreError::Missing { .. }), "{err}");
    assert!(!path.exists());
}

#[test]
fn many_threads_creating_one_file_at_once_all_succeed() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("w.db");
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path, OpenOptions::write())?;
                let events = store.append(vec![NewEvent {
                    incident: None,
                    author: format!("writer{i}"),
                    recorded_by: None,
                    at: None,
                    body: Body::IncidentOpened {
                        title: format!("t{i}"),
                        detected_at: None,
                        drill: false,
                        pace: None,
                    },
                }])?;
                store.append(vec![NewEvent {
                    incident: Some(events[0].incident),
                    author: format!("writer{i}"),
                    recorded_by: None,
                    at: None,
                    body: Body::SeveritySet {
                        severity: Severity::P3,
                        reason: None,
                        triage: vec![],
                    },
                }])?;
                Ok::<_, StoreError>(store.origin().to_string())
            })
        })
        .collect();
    let origins: Vec<String> = handles
        .into_iter()
        .map(|h| h.join().unwrap().expect("every opener succeeds"))
        .collect();
    assert!(
        origins.windows(2).all(|w| w[0] == w[1]),
        "one origin per database"
    );
    let store = Store::open(&path, OpenOptions::read()).unwrap();
    assert_eq!(store.all_events().unwrap().len(), 16);
    store.integrity_check().unwrap();
}

#[test]
fn a_write_that_waits_too_long_for_the_lock_fails_cleanly_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let mut store = open_new(&dir);
    let incident = declare(&mut store, "t");
    store
        .set_busy_timeout(std::time::Duration::from_millis(200))
        .unwrap();
    let blocker = Connection::open(dir.path().join("w.db")).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = store.append(vec![note(incident, "blocked")]).unwrap_err();
    assert!(matches!(err, StoreError::Busy { waited_ms: 200 }), "{err}");
    assert!(err.to_string().contains("nothing was written"), "{err}");
    blocker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(store.all_events().unwrap().len(), 1);
    // Once the lock is free, the same entry goes through.
    store.append(vec![note(incident, "blocked")]).unwrap();
}

#[test]
fn an_older_schema_is_migrated_keeping_every_event() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("old.db");
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    // Version 1 as it shipped: the event log and meta, no presence table.
    conn.execute_batch(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
         CREATE TABLE events (pos INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, origin TEXT NOT NULL,
           seq INTEGER NOT NULL, incident TEXT NOT NULL, author TEXT NOT NULL, at_ms INTEGER NOT NULL,
           logged_at_ms INTEGER NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL) STRICT;
         CREATE INDEX events_by_incident ON events (incident, at_ms, id);
         CREATE INDEX events_by_origin ON events (origin, seq);
         CREATE INDEX events_by_kind ON events (kind, incident);
         INSERT INTO meta VALUES ('origin', 'old-origin');
         INSERT INTO events (id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload)
           VALUES ('01KB1VX0KVAAAAAAAAAAAAAAAA', 'old-origin', 1, '01KB1VX0KVAAAAAAAAAAAAAAAA', 'ana',
                   1764237600000, 1764237600000, 'incident_opened', '{\"title\":\"From v1\"}');",
    )
    .unwrap();
    conn.pragma_update(None, "application_id", warroom::store::APPLICATION_ID)
        .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    drop(conn);

    // Read-only access leaves it alone; write access migrates it.
    let reader = Store::open(&path, OpenOptions::read()).unwrap();
    assert_eq!(reader.settings().unwrap().schema_version, 1);
    assert!(reader.present().unwrap().is_empty());
    // Heads are read the long way from a file without their index.
    let heads = reader.incident_heads().unwrap();
    assert_eq!(heads.len(), 1);
    drop(reader);
    let mut store = Store::open(&path, OpenOptions::write()).unwrap();
    assert_eq!(
        store.settings().unwrap().schema_version,
        warroom::store::CURRENT_VERSION
    );
    assert_eq!(
        store.incident_heads().unwrap(),
        heads,
        "and the same from the index"
    );
    assert_eq!(store.origin(), "old-origin");
    let incidents = store.incidents().unwrap();
    assert_eq!(incidents[0].title, "From v1");
    store.heartbeat("s", "ana", "host", 1).unwrap();
    assert_eq!(store.present().unwrap().len(), 1);
}

#[test]
fn presence_lists_consoles_until_they_leave_or_go_quiet() {
    let dir = TempDir::new().unwrap();
    let start = Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap();
    let clock = Arc::new(std::sync::Mutex::new(start));
    let c = clock.clone();
    let mut store = open_new(&dir).with_clock(Arc::new(move || *c.lock().unwrap()));
    store.heartbeat("a", "alice", "bastion", 10).unwrap();
    store.heartbeat("b", "bob", "bastion", 11).unwrap();
    assert_eq!(
        store
            .present()
            .unwrap()
            .iter()
            .map(|p| p.user.as_str())
            .collect::<Vec<_>>(),
        ["alice", "bob"]
    );
    store.leave("a").unwrap();
    assert_eq!(store.present().unwrap().len(), 1);
    *clock.lock().unwrap() = start + chrono::TimeDelta::seconds(45);
    assert!(
        store.present().unwrap().is_empty(),
        "a console silent for longer than the TTL is gone"
    );
    store.heartbeat("b", "bob", "bastion", 11).unwrap();
    assert_eq!(
        store.present().unwrap()[0].since,
        start,
        "a heartbeat keeps the start time"
    );
}

#[test]
fn a_copied_database_file_writes_as_a_new_origin_and_a_renamed_one_does_not() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("w.db");
    let (first, incident) = {
        let mut store = open_new(&dir);
        let incident = declare(&mut store, "t");
        (store.origin().to_string(), incident)
    };
    assert_eq!(
        Store::open(&path, OpenOptions::write()).unwrap().origin(),
        first
    );
    let moved = dir.path().join("moved.db");
    std::fs::rename(&path, &moved).unwrap();
    assert_eq!(
        Store::open(&moved, OpenOptions::write()).unwrap().origin(),
        first,
        "a rename keeps the origin"
    );
    let copy = dir.path().join("copy.db");
    std::fs::copy(&moved, &copy).unwrap();
    let mut copied = Store::open(&copy, OpenOptions::write()).unwrap();
    assert_ne!(copied.origin(), first, "a copy gets its own origin");
    let e = copied
        .append(vec![note(incident, "from the copy")])
        .unwrap();
    assert_eq!(e[0].seq, 1, "its own sequence starts at 1");
}

/// A note from another replica, as a peer or an import would bring it.
fn foreign_note(
    incident: ulid::Ulid,
    origin: &str,
    seq: u64,
    text: &str,
) -> warroom::domain::Event {
    let at = Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap()
        + chrono::TimeDelta::seconds(seq as i64);
    warroom::domain::Event {
        id: ulid::Ulid::generate(),
        origin: origin.into(),
        seq,
        incident,
        author: "peer".into(),
        recorded_by: None,
        at,
        logged_at: at,
        body: Body::Note { text: text.into() },
    }
}

#[test]
fn a_sequence_number_held_twice_does_not_hide_a_gap_in_the_heads() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("w.db");
    let mut store = open_new(&dir);
    let incident = declare(&mut store, "t");
    let events: Vec<_> = [1, 2, 4]
        .into_iter()
        .map(|seq| foreign_note(incident, "far", seq, &format!("far {seq}")))
        .collect();
    assert_eq!(store.insert_events(&events).unwrap(), 3);
    assert_eq!(store.heads().unwrap()["far"], 2, "3 is missing");
    // An older build could store a second event numbered 2 (nothing made the pair
    // unique): four rows, the highest number 4, and still 3 is missing.
    let twin = foreign_note(incident, "far", 2, "a second 2");
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO events (id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload)
         VALUES (?1, 'far', 2, ?2, 'peer', 1795000000000, 1795000000000, 'note', '{\"text\":\"a second 2\"}')",
        [twin.id.to_string(), incident.to_string()],
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path, OpenOptions::write()).unwrap();
    assert_eq!(store.all_events().unwrap().len(), 1 + 3 + 1);
    assert_eq!(
        store.heads().unwrap()["far"],
        2,
        "the head stops before the gap, so a peer sends 3 again"
    );
    let (missing, links) = store
        .missing_for(&[("far".to_string(), 2)].into_iter().collect())
        .unwrap();
    assert!(
        missing.iter().any(|e| e.origin == "far" && e.seq == 4),
        "what follows the gap is offered again"
    );
    assert_eq!(links.len(), missing.len(), "each with its link");
    assert_eq!(
        links,
        store.links_of(&missing).unwrap(),
        "read in the same pass, the links are the ones held"
    );
}

#[test]
fn an_incidents_events_read_in_pages_are_the_ones_read_at_once() {
    let dir = TempDir::new().unwrap();
    let mut store = open_new(&dir);
    let incident = declare(&mut store, "t");
    let notes: Vec<_> = (1..=9)
        .map(|seq| foreign_note(incident, "far", seq, &format!("far {seq}")))
        .collect();
    store.insert_events(&notes).unwrap();
    let whole = store.incident_events(incident).unwrap();
    assert_eq!(whole.len(), 10);
    for page in [1, 2, 3, 4, 100] {
        let mut pages = Vec::new();
        store
            .incident_events_in_pages(incident, page, &mut |events| {
                pages.push(events);
                true
            })
            .unwrap();
        assert!(pages.iter().all(|p| !p.is_empty() && p.len() <= page));
        assert_eq!(pages.concat(), whole, "pages of {page}");
    }
    // A reader that stops is given no more.
    let mut taken = 0;
    store
        .incident_events_in_pages(incident, 3, &mut |_| {
            taken += 1;
            false
        })
        .unwrap();
    assert_eq!(taken, 1);
}

#[test]
fn missing_events_read_a_page_at_a_time_are_the_ones_read_at_once() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("w.db");
    let mut store = open_new(&dir);
    let incident = declare(&mut store, "t");
    let events: Vec<_> = (1..=7)
        .map(|seq| foreign_note(incident, "far", seq, &format!("far {seq}")))
        .collect();
    assert_eq!(store.insert_events(&events).unwrap(), 7);
    // A second event numbered 3, as an older build could store: a page boundary
    // between the two must hand on both.
    let twin = foreign_note(incident, "far", 3, "a second 3");
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO events (id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload)
         VALUES (?1, 'far', 3, ?2, 'peer', 1795000000000, 1795000000000, 'note', '{\"text\":\"a second 3\"}')",
        [twin.id.to_string(), incident.to_string()],
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path, OpenOptions::write()).unwrap();
    for theirs in [
        VersionVector::new(),
        [("far".to_string(), 2)].into_iter().collect(),
    ] {
        let whole = store.missing_for(&theirs).unwrap();
        for page in [1, 2, 3, 100] {
            let mut pages = Vec::new();
            let mut paged = (Vec::new(), Vec::new());
            store
                .missing_in_pages(&theirs, page, &mut |(events, links)| {
                    pages.push(events.len());
                    paged.0.extend(events);
                    paged.1.extend(links);
                    Ok::<(), StoreError>(())
                })
                .unwrap();
            assert_eq!(paged, whole, "pages of {page} after {theirs:?}");
            assert!(pages.iter().all(|&n| n > 0 && n <= page), "{pages:?}");
        }
    }
    assert_eq!(
        store.missing_for(&VersionVector::new()).unwrap().0.len(),
        1 + 7 + 1,
        "both events numbered 3"
    );
}

#[test]
fn an_event_claiming_a_sequence_number_held_by_another_is_skipped() {
    let dir = TempDir::new().unwrap();
    let mut store = open_new(&dir);
    let incident = declare(&mut store, "t");
    let first = vec![
        foreign_note(incident, "far", 1, "one"),
        foreign_note(incident, "far", 2, "two"),
    ];
    assert_eq!(store.insert_events(&first).unwrap(), 2);
    let before = store.all_events().unwrap();
    let impostor = foreign_note(incident, "far", 2, "not two");
    let next = foreign_note(incident, "far", 3, "three");
    assert_eq!(
        store
            .insert_events(&[impostor.clone(), next.clone()])
            .unwrap(),
        1,
        "only the event with a number of its own is new"
    );
    let after = store.all_events().unwrap();
    assert!(
        !after.iter().any(|e| e.id == impostor.id),
        "the impostor is not stored"
    );
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(store.heads().unwrap()["far"], 3);
    // The same event again (same id) is simply already held.
    assert_eq!(store.insert_events(&first).unwrap(), 0);

    // Within one batch, above every number stored: the first to claim a number keeps
    // it, a second event claiming it is skipped, and the same event twice is one.
    let four = foreign_note(incident, "far", 4, "four");
    let rival = foreign_note(incident, "far", 4, "also four");
    let five = foreign_note(incident, "far", 5, "five");
    assert_eq!(
        store
            .insert_events(&[four.clone(), rival.clone(), four.clone(), five])
            .unwrap(),
        2
    );
    let after = store.all_events().unwrap();
    assert!(after.iter().any(|e| e.id == four.id));
    assert!(
        !after.iter().any(|e| e.id == rival.id),
        "the rival is not stored"
    );
    assert_eq!(store.heads().unwrap()["far"], 5);
}

#[test]
fn an_event_too_large_to_sync_is_refused_and_nothing_of_its_batch_is_written() {
    let dir = TempDir::new().unwrap();
    let mut store = open_new(&dir);
    let incident = declare(&mut store, "t");
    let before = store.all_events().unwrap();
    let big = "x".repeat(warroom::domain::MAX_EVENT_BYTES);
    let err = store
        .append(vec![note(incident, "fine"), note(incident, &big)])
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert!(err.to_string().contains("nothing was written"), "{err}");
    let err = store
        .insert_events(&[
            foreign_note(incident, "far", 1, "fine"),
            foreign_note(incident, "far", 2, &big),
        ])
        .unwrap_err();
    assert!(err.to_string().contains("KiB one entry may hold"), "{err}");
    assert_eq!(store.all_events().unwrap(), before);
    assert!(!store.heads().unwrap().contains_key("far"));
}

#[test]
fn an_entry_for_an_incident_the_file_does_not_hold_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut store = open_new(&dir);
    declare(&mut store, "held");
    let before = store.all_events().unwrap();
    let elsewhere = ulid::Ulid::generate();
    let err = store
        .append(vec![note(elsewhere, "filed nowhere")])
        .unwrap_err();
    assert!(err.to_string().contains("not in this database"), "{err}");
    assert_eq!(store.all_events().unwrap(), before, "nothing was written");
}

/// A file whose index of heads was made by schema 5 (an `IN` list, slow on every
/// insert) gets the index again at the next write access, and heads read the same.
#[test]
fn the_first_index_of_heads_is_made_again() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("w.db");
    let mut store = Store::open(&path, OpenOptions::write()).unwrap();
    store
        .append(vec![warroom::store::NewEvent::now(
            None,
            "ana",
            warroom::domain::Body::opening("kept"),
        )])
        .unwrap();
    let heads = store.incident_heads().unwrap();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP INDEX events_heads;
         CREATE INDEX events_heads ON events (pos, id, origin, seq, incident, author, at_ms,
             logged_at_ms, kind, payload) WHERE kind IN ('incident_opened', 'status_changed');
         DROP INDEX events_unchained;
         ALTER TABLE events DROP COLUMN prev;
         ALTER TABLE events DROP COLUMN hash;
         DROP TABLE chain_seams;
         PRAGMA user_version = 5;",
    )
    .unwrap();
    drop(conn);
    // A connection opened before the file went back (a restore in place) still reads
    // the heads, the long way.
    assert_eq!(store.incident_heads().unwrap(), heads);
    drop(store);
    let store = Store::open(&path, OpenOptions::write()).unwrap();
    assert_eq!(store.incident_heads().unwrap(), heads);
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'events_heads'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        sql.contains("OR kind = 'status_changed'") && !sql.contains(" IN ("),
        "{sql}"
    );
}
