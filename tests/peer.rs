//! Network peers: real processes, real loopback sockets, temp databases.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::Duration;

use common::peers::{Follower, Host, LONG, Server};
use common::wait_for;

fn converged(a: &Host, b: &Host) -> bool {
    a.ids() == b.ids()
}

#[test]
fn two_peers_writing_while_connected_converge_to_the_same_events_and_state() {
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    a.note("before the link, on a");
    let server = Server::start(&a, "127.0.0.1:0", &[]);
    let _link = Follower::start(&b, &server.addr());
    wait_for("the first exchange", LONG, || converged(&a, &b));
    for i in 0..10 {
        a.note(&format!("a {i}"));
        b.note(&format!("b {i}"));
    }
    wait_for("both sides to converge", LONG, || {
        converged(&a, &b) && a.has_text("b 9") && b.has_text("a 9")
    });
    assert_eq!(a.events(), b.events(), "identical events, same ids");
    assert_eq!(a.states(), b.states(), "identical folded state");
    assert_eq!(a.events().len(), 2 * 3 + 1 + 20);
}

#[test]
fn a_partition_heals_without_loss_or_duplicates() {
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    let server = Server::start(&a, "127.0.0.1:0", &[]);
    let addr = server.addr();
    let _link = Follower::start(&b, &addr);
    wait_for("the first exchange", LONG, || converged(&a, &b));
    // Kill the server in the middle of a stream of writes on both sides.
    let writer = {
        let db = b.env.db.clone();
        let incident = b.states()[0].id.to_string();
        std::thread::spawn(move || {
            for i in 0..30 {
                let status = common::std_cmd_for(&db)
                    .env("WARROOM_USER", "bob")
                    .stdout(Stdio::null())
                    .args(["log", "--incident", &incident, &format!("stream {i}")])
                    .status()
                    .unwrap();
                assert!(status.success());
                std::thread::sleep(Duration::from_millis(15));
            }
        })
    };
    wait_for("the stream to be flowing", LONG, || a.has_text("stream 3"));
    drop(server); // SIGKILL
    for i in 0..5 {
        a.note(&format!("a while apart {i}"));
    }
    writer.join().unwrap();
    let _again = Server::start(&a, &addr, &[]);
    wait_for("the link to heal", LONG, || {
        converged(&a, &b) && a.has_text("stream 29") && b.has_text("a while apart 4")
    });
    let events = a.events();
    assert_eq!(events.len(), 2 * 3 + 30 + 5, "nothing lost");
    // Each origin's sequence arrived whole: 1, 2, ... with no gap.
    let mut by_origin: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for e in &events {
        by_origin.entry(&e.origin).or_default().push(e.seq);
    }
    for (origin, mut seqs) in by_origin {
        seqs.sort_unstable();
        let whole: Vec<u64> = (1..=seqs.len() as u64).collect();
        assert_eq!(seqs, whole, "origin {origin} has a gap");
    }
    assert_eq!(a.states(), b.states());
}

#[test]
fn in_a_chain_an_entry_written_on_a_reaches_c() {
    let (a, b, c) = (Host::new(), Host::new(), Host::new());
    b.allow(&a);
    b.allow(&c);
    a.allow(&b);
    c.allow(&b);
    let server = Server::start(&b, "127.0.0.1:0", &[]);
    let _ab = Follower::start(&a, &server.addr());
    let _cb = Follower::start(&c, &server.addr());
    a.note("written on a, relayed by b");
    c.note("written on c, relayed by b");
    wait_for("a's entry on c", LONG, || {
        c.has_text("written on a, relayed by b")
    });
    wait_for("c's entry on a", LONG, || {
        a.has_text("written on c, relayed by b")
    });
    wait_for("all three to converge", LONG, || {
        converged(&a, &b) && converged(&b, &c)
    });
}

#[test]
fn stdio_mode_via_a_command_converges_the_same_way() {
    let (a, b) = (Host::new(), Host::new());
    a.note("only on a");
    b.note("only on b");
    let via = format!(
        "'{}' --db '{}' serve --stdio",
        common::bin(),
        a.env.db.display()
    );
    let (_, said) = b.env.ok_both(&["sync", "--via", &via]);
    assert!(said.contains("sent 4, received 4 new"), "{said}");
    assert!(converged(&a, &b));
    assert_eq!(a.states(), b.states());
    // Again: nothing more to send.
    let out = b.env.cmd().args(["sync", "--via", &via]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("sent 0, received 0 new"));
}

#[test]
fn outsiders_and_broken_clients_are_closed_and_the_good_peer_keeps_syncing() {
    let (a, good, outsider) = (Host::new(), Host::new(), Host::new());
    a.allow(&good);
    good.allow(&a);
    outsider.allow(&a); // the outsider trusts a, but a does not know the outsider
    let server = Server::start(&a, "127.0.0.1:0", &["--handshake-timeout", "1"]);
    let _link = Follower::start(&good, &server.addr());
    wait_for("the good peer's first exchange", LONG, || {
        converged(&a, &good)
    });

    // An outsider with a valid key that is not allowed: refused, learns nothing.
    let outsider_had = outsider.ids();
    let err = outsider.env.fails(&["sync", "--peer", &server.addr()]);
    assert!(err.contains("sync with"), "{err}");
    assert_eq!(
        outsider.ids(),
        outsider_had,
        "the outsider received no event"
    );
    wait_for("the refusal in the log", LONG, || {
        server.logged("is not allowed")
    });

    // Garbage, an oversized length prefix, and silence.
    let mut garbage = TcpStream::connect(server.addr()).unwrap();
    garbage
        .write_all(b"\x00\x00\x00\x10GET / HTTP/1.1\r\n\r\n")
        .unwrap();
    let mut oversized = TcpStream::connect(server.addr()).unwrap();
    oversized.write_all(&u32::MAX.to_be_bytes()).unwrap();
    let mut silent = TcpStream::connect(server.addr()).unwrap();
    for (name, stream) in [
        ("garbage", &mut garbage),
        ("oversized", &mut oversized),
        ("silent", &mut silent),
    ] {
        // The server closes each one: the read ends (end of stream or reset), rather
        // than running into this side's own timeout.
        closed_after(stream, name);
    }
    wait_for("the reasons in the log", LONG, || {
        server.logged("handshake failed")
            && server.logged("over the 256-byte limit")
            && server.logged("silent past the deadline")
    });

    // The good peer is still in sync.
    a.note("after the attacks");
    wait_for("the good peer to get the new entry", LONG, || {
        good.has_text("after the attacks")
    });
}

#[test]
fn a_peer_speaking_another_protocol_version_gets_a_clear_message() {
    use warroom::sync::channel::{read_frame, write_frame};
    let a = Host::new();
    let mut child = a
        .env
        .std_cmd()
        .args(["serve", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let hello = br#"{"type":"hello","protocol":"warroom-sync","version":99,"origin":"future","heads":{},"follow":false}"#;
    write_frame(&mut stdin, hello).unwrap();
    // The server's own hello comes first, then its refusal.
    let mut frames = Vec::new();
    while let Ok(frame) = read_frame(&mut stdout, 1 << 20) {
        frames.push(String::from_utf8(frame).unwrap());
    }
    assert!(
        frames[0].contains(r#""type":"hello""#) && frames[0].contains(r#""version":1"#),
        "{frames:?}"
    );
    let refusal = frames
        .iter()
        .find(|f| f.contains(r#""type":"error""#))
        .expect("an error message");
    assert!(
        refusal.contains("version 99") && refusal.contains("upgrade the older side"),
        "{refusal}"
    );
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("version 99"),
        "the server says why too"
    );
    // Nothing was written.
    assert_eq!(a.events().len(), 3);
}

#[test]
fn identities_are_printed_allowed_listed_and_denied() {
    let (a, b) = (Host::new(), Host::new());
    assert_eq!(a.id.len(), 64);
    assert_ne!(a.id, b.id);
    assert_eq!(
        a.env.ok(&["peer", "id"]).trim(),
        a.id,
        "the key is made once"
    );
    a.env.ok(&["peer", "allow", &b.id, "--name", "bastion-2"]);
    assert!(
        a.env
            .ok(&["peer", "list"])
            .contains(&format!("{}  bastion-2", b.id))
    );
    a.env.ok(&["peer", "deny", &b.id]);
    assert!(a.env.ok(&["peer", "list"]).trim().is_empty());
    assert!(
        a.env
            .fails(&["peer", "allow", "not-a-key"])
            .contains("64 hex characters")
    );
}

#[test]
fn the_console_keeps_a_peer_link_and_shows_how_it_stands() {
    use common::pty::Console;
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    let shown = b.states()[0].id.to_string();
    let server = Server::start(&a, "127.0.0.1:0", &[]);
    let addr = server.addr();
    let mut console = Console::start_sized(
        &b.env,
        &["tui", "--peer", &addr, "--incident", &shown],
        30,
        120,
    );
    console.wait_text(&format!("peer {addr}: in sync"));
    wait_for("b's incident on a", LONG, || a.ids().len() == 6);
    a.env
        .ok(&["log", "--incident", &shown, "news from the other host"]);
    console.wait_text("news from the other host");
    drop(server);
    console.wait_text(&format!("peer {addr}: DISCONNECTED since"));
    let _again = Server::start(&a, &addr, &[]);
    console.wait_text(&format!("peer {addr}: in sync"));
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn peer_and_incident_work_before_any_command_as_for_tui() {
    use common::pty::Console;
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    let first = b.states()[0].id.to_string();
    // A newer incident, which the console would show first if not told otherwise.
    b.env.declare("the newer incident");
    let server = Server::start(&a, "127.0.0.1:0", &[]);
    let addr = server.addr();
    let mut console = Console::start_sized(
        &b.env,
        &["--peer", &addr, "--incident", &first[first.len() - 6..]],
        30,
        120,
    );
    console.wait_text(&format!("peer {addr}: in sync"));
    console.wait_for("the incident asked for", |s| {
        s.contains("shared incident") && !s.contains("the newer incident")
    });
    wait_for("b's incidents on a", LONG, || a.states().len() == 3);
    console.send("\x03");
    assert!(console.wait_exit().success());
}

#[test]
fn a_local_database_problem_is_reported_as_such_not_as_a_protocol_error() {
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    let server = Server::start(&a, "127.0.0.1:0", &[]);
    // The server's file becomes read-only after it started: a peer gets through the
    // handshake, and then this side cannot store anything.
    let mode = std::fs::metadata(&a.env.db).unwrap().permissions();
    std::fs::set_permissions(
        &a.env.db,
        std::os::unix::fs::PermissionsExt::from_mode(0o444),
    )
    .unwrap();
    let err = b.env.fails(&["sync", "--peer", &server.addr()]);
    assert!(err.contains("sync with"), "{err}");
    wait_for("the reason in the server's log", LONG, || {
        server.logged("is read-only")
    });
    let log = server.log.lock().unwrap().join("\n");
    assert!(!log.contains("protocol error"), "{log}");
    std::fs::set_permissions(&a.env.db, mode).unwrap();
}

/// Connects to `server` and reads until it closes; how long that took.
fn closed_after(stream: &mut TcpStream, name: &str) -> Duration {
    let start = std::time::Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut rest = Vec::new();
    if let Err(e) = stream.read_to_end(&mut rest) {
        assert!(
            !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "{name}: the server never closed the connection"
        );
    }
    start.elapsed()
}

#[test]
fn a_handshake_dribbled_a_byte_at_a_time_is_cut_off_at_the_deadline() {
    let a = Host::new();
    let server = Server::start(&a, "127.0.0.1:0", &["--handshake-timeout", "2"]);

    // A first message's length, then its 32 bytes, one every 400 ms: each read gets a
    // byte well within the deadline, the whole would take 14 s.
    let mut slow = TcpStream::connect(server.addr()).unwrap();
    let mut writer = slow.try_clone().unwrap();
    let dribble = std::thread::spawn(move || {
        let mut message = 32u32.to_be_bytes().to_vec();
        message.extend([7u8; 32]);
        for byte in message {
            if writer.write_all(&[byte]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(400));
        }
    });
    let took = closed_after(&mut slow, "slow");
    assert!(
        took < Duration::from_secs(8),
        "closed after {took:?}, not at the 2 s deadline"
    );
    dribble.join().unwrap();

    // A length longer than any handshake message: refused before anything is read.
    let mut long = TcpStream::connect(server.addr()).unwrap();
    long.write_all(&1000u32.to_be_bytes()).unwrap();
    let took = closed_after(&mut long, "long");
    assert!(took < Duration::from_millis(1500), "closed after {took:?}");
    wait_for("the reasons in the log", LONG, || {
        server.logged("silent past the deadline") && server.logged("over the 256-byte limit")
    });
}

#[test]
fn deny_reads_an_identity_the_way_allow_does() {
    let (a, b) = (Host::new(), Host::new());
    a.env.ok(&["peer", "allow", &b.id.to_ascii_uppercase()]);
    assert!(a.env.ok(&["peer", "list"]).contains(&b.id));
    // Pasted from elsewhere: upper case, with spaces around it.
    let pasted = format!("  {}\n", b.id.to_ascii_uppercase());
    a.env.ok(&["peer", "deny", &pasted]);
    assert!(a.env.ok(&["peer", "list"]).trim().is_empty());
    assert!(
        a.env
            .fails(&["peer", "deny", "not-a-key"])
            .contains("64 hex characters")
    );
}

/// A TCP connection to `addr` from the loopback address `from` (127.0.0.2, say: every
/// 127.x address is this host, so one machine can play several sources).
fn connect_from(from: &str, addr: &str) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let local: std::net::SocketAddr = format!("{from}:0").parse().unwrap();
    socket.bind(&local.into()).unwrap();
    let remote: std::net::SocketAddr = addr.parse().unwrap();
    socket.connect(&remote.into()).unwrap();
    socket.into()
}

/// What the server sent a connection before closing it, if anything, within 5 s.
fn first_bytes(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    got
}

#[test]
fn a_flood_of_idle_connections_neither_locks_out_peers_nor_floods_the_log() {
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    a.note("on a before the flood");
    let server = Server::start(&a, "127.0.0.1:0", &[]);
    let addr = server.addr();

    // A hundred connections from one address that never say a word.
    let mut flood: Vec<TcpStream> = (0..100).map(|_| connect_from("127.0.0.2", &addr)).collect();
    // Beyond the first few, each is told the server is busy, and closed.
    let told: Vec<Vec<u8>> = flood[10..20].iter_mut().map(first_bytes).collect();
    for bytes in &told {
        assert!(
            bytes.windows(4).any(|w| w == b"busy"),
            "a turned-away connection is told it is busy: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }

    // Meanwhile a real peer from another address syncs as if nothing happened.
    let (out, err) = b.env.ok_both(&["sync", "--peer", &addr]);
    assert!(err.contains("in sync with"), "{out}{err}");
    assert!(b.has_text("on a before the flood"));

    drop(flood);
    let turned_away = server
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("turned away"))
        .count();
    assert!(
        (1..=2).contains(&turned_away),
        "96 refusals make one or two log lines, not 96: {turned_away}"
    );
}

#[test]
fn a_client_the_server_is_too_busy_for_says_so() {
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    let server = Server::start(&a, "127.0.0.1:0", &["--handshake-timeout", "30"]);
    let addr = server.addr();
    // Every handshake place for 127.0.0.1 taken by connections that never speak.
    let held: Vec<TcpStream> = (0..4).map(|_| connect_from("127.0.0.1", &addr)).collect();
    std::thread::sleep(Duration::from_millis(300));
    let err = b.env.fails(&["sync", "--peer", &addr]);
    assert!(err.contains("busy"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    drop(held);
    wait_for("the places to come back", LONG, || {
        b.env
            .cmd()
            .args(["sync", "--peer", &addr])
            .output()
            .unwrap()
            .status
            .success()
    });
}

#[test]
fn peer_commands_never_make_a_database() {
    let env = common::Env::new();
    let someone = "ab".repeat(32);
    for args in [
        &["peer", "id"][..],
        &["peer", "allow", &someone],
        &["peer", "deny", &someone],
        &["peer", "list"],
    ] {
        let err = env.fails(args);
        assert!(err.contains("no warroom database"), "{args:?}: {err}");
        assert!(!env.db.exists(), "{args:?} made no database");
    }
}

/// Runs `warroom sync --peer ADDR` once on `host`; its stderr.
fn sync_once(host: &Host, addr: &str) -> String {
    let out = host
        .env
        .std_cmd()
        .args(["sync", "--peer", addr])
        .stdout(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn sql(host: &Host, statements: &str) {
    rusqlite::Connection::open(&host.env.db)
        .unwrap()
        .execute_batch(statements)
        .unwrap();
}

#[test]
fn an_event_edited_after_it_was_chained_is_refused_with_a_logged_reason_and_the_rest_arrive() {
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    a.note("first on a");
    a.note("the database is at fault");
    a.note("after it");
    // Changed in a's file behind warroom's back, before b has seen it.
    sql(
        &a,
        "UPDATE events SET payload = replace(payload, 'the database is at fault', 'the network is at fault') \
         WHERE payload LIKE '%the database is at fault%'",
    );
    let server = Server::start(&a, "127.0.0.1:0", &[]);
    let said = sync_once(&b, &server.addr());
    assert!(
        said.contains("breaks its origin's hash chain")
            && said.contains("its content does not give the hash it came with"),
        "{said}"
    );
    assert!(
        !b.has_text("the network is at fault"),
        "the edited event is not stored"
    );
    assert!(
        b.has_text("first on a") && b.has_text("after it"),
        "the rest arrive"
    );
    let verified = b.env.ok(&["verify"]);
    assert!(
        verified.contains("received from a peer without the event before it"),
        "{verified}"
    );
}

#[test]
fn an_event_chained_to_another_history_than_the_one_held_is_refused() {
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    a.note("x");
    a.note("y");
    let server = Server::start(&a, "127.0.0.1:0", &[]);
    sync_once(&b, &server.addr());
    assert!(b.has_text("y"));
    // On a, "y" is rewritten by someone who knows the encoding, with a hash to match
    // its new content; what a writes next is chained to the rewritten one.
    let (pos, origin, seq): (i64, String, i64) = rusqlite::Connection::open(&a.env.db)
        .unwrap()
        .query_row(
            "SELECT pos, origin, seq FROM events WHERE payload LIKE '%\"y\"%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    sql(
        &a,
        &format!("UPDATE events SET payload = '{{\"text\":\"y, rewritten\"}}' WHERE pos = {pos}"),
    );
    common::rehash(&a.env.db, pos);
    a.note("z");
    let said = sync_once(&b, &server.addr());
    assert!(
        said.contains(&format!("(origin {origin} #{})", seq + 1))
            && said.contains("it is chained to a different event"),
        "{said}"
    );
    assert!(!b.has_text("z"), "refused");
    assert!(b.env.ok(&["verify"]).contains("every chain is whole"));
}
