//! The console over real SSH through a 56 kbit link with a 300 ms round trip, beside vim
//! over the same link: what each sends on the wire (SSH's encrypted bytes, server to
//! client) for the first screen, a full redraw (Ctrl-L), the first k (the console leaves
//! following the newest entry; vim moves up a line), one scroll (k again), Tab between
//! panes (vim: a window switch, Ctrl-W w), dragging the window's size (ten sizes 50 ms
//! apart) and an idle spell, and how long the screen takes to settle after a drag.
//!
//! The link is a proxy on loopback between the ssh client and a real sshd: each
//! direction holds every chunk 150 ms and lets 7,000 bytes a second through. The client
//! runs in a pseudo-terminal at 80x24 with `-tt`, so the far side has a terminal as an
//! SSH session does. Figures are medians of the runs.
//!
//! Run: `cargo bench --bench slow_link` (option `--runs N`, default 3). Needs an OpenSSH
//! server and client (`.ci/run` installs them); without them, it says so and stops.
// A panic is how a bench reports a failure.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::CommandBuilder;

mod common;
#[path = "../tests/common/mod.rs"]
#[allow(unused)]
mod helpers;
use common::pty::Pty;
use helpers::sshd::Sshd;

/// One way's delay: half the round trip.
const DELAY: Duration = Duration::from_millis(150);
/// The link's rate, bytes a second (56 kbit/s).
const RATE: f64 = 7_000.0;
/// Quiet this long on the wire means the screen has settled (well over a round trip
/// and the console's wait for a window's size to settle).
const QUIET: Duration = Duration::from_millis(1_200);
/// The link passes bytes on in slices this big (about 37 ms of the link each).
const SLICE: usize = 256;

/// Copies `from` to `to` as the slow link would, counting what passes in `count`.
fn shape(mut from: TcpStream, mut to: TcpStream, count: Arc<AtomicUsize>) {
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                break;
            }
        }
    });
    std::thread::spawn(move || {
        // When the link is free again: bytes queue behind those sent before.
        let mut free = Instant::now();
        for (came, bytes) in rx {
            // In slices, so bytes trickle through as on a real link rather than
            // arriving in one lump once a whole read has been paid for.
            for piece in bytes.chunks(SLICE) {
                let start = (came + DELAY).max(free);
                let done = start + Duration::from_secs_f64(piece.len() as f64 / RATE);
                if let Some(wait) = done.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                free = done;
                if to.write_all(piece).is_err() {
                    return;
                }
                count.fetch_add(piece.len(), Ordering::SeqCst);
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Write);
    });
}

/// A slow link to `port`: its own port, and the bytes it has carried from the server.
fn link(port: u16) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let own = listener.local_addr().unwrap().port();
    let down = Arc::new(AtomicUsize::new(0));
    let counted = down.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { break };
            let server = TcpStream::connect(("127.0.0.1", port)).unwrap();
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            shape(
                client.try_clone().unwrap(),
                server.try_clone().unwrap(),
                Arc::new(AtomicUsize::new(0)),
            );
            shape(server, client, counted.clone());
        }
    });
    (own, down)
}

/// Waits until the link has been quiet for [`QUIET`]; the bytes it carried since
/// `before`, and when the last of them arrived.
fn settle(down: &AtomicUsize, before: usize) -> (usize, Instant) {
    let mut last = down.load(Ordering::SeqCst);
    let mut at = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(120);
    while at.elapsed() < QUIET {
        assert!(Instant::now() < deadline, "the link never went quiet");
        std::thread::sleep(Duration::from_millis(10));
        let now = down.load(Ordering::SeqCst);
        if now != last {
            last = now;
            at = Instant::now();
        }
    }
    (last - before, at)
}

/// One of a program's figures.
type Pick = fn(&Figures) -> f64;

struct Figures {
    first: f64,
    redraw: f64,
    /// The first k: the console leaves following the newest entry and selects it.
    first_k: f64,
    /// The k after it: the selection moves up one entry.
    scroll: f64,
    tab: f64,
    drag: f64,
    drag_settle_s: f64,
    idle_per_s: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The figures of one program reached with `ssh ... COMMAND`, over `runs` runs.
fn measure(sshd: &Sshd, command: &str, ready: &str, keys: [&str; 4], runs: usize) -> Figures {
    let mut all: Vec<Figures> = Vec::new();
    for _ in 0..runs {
        let (port, down) = link(sshd.port);
        let mut cmd = CommandBuilder::new("ssh");
        cmd.args([
            "-F",
            sshd.home().join(".ssh/config").to_str().unwrap(),
            "-tt",
            "-p",
        ]);
        cmd.arg(port.to_string());
        // The host's key is known under the server's own port, not the link's.
        cmd.arg("-o");
        cmd.arg(format!("HostKeyAlias=[127.0.0.1]:{}", sshd.port));
        cmd.arg(format!("{}@127.0.0.1", helpers::sshd::user()));
        cmd.arg(command);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", sshd.home());
        let mut p = Pty::start(cmd);
        p.wait(ready);
        let (first, _) = settle(&down, 0);
        let cost = |p: &mut Pty, keys: &str| {
            let before = down.load(Ordering::SeqCst);
            p.send(keys);
            settle(&down, before).0 as f64
        };
        let redraw = cost(&mut p, keys[0]);
        let first_k = cost(&mut p, keys[1]);
        let scroll = cost(&mut p, keys[2]);
        let tab = cost(&mut p, keys[3]);
        let before = down.load(Ordering::SeqCst);
        let mut last_size = Instant::now();
        for step in 1..=10u16 {
            p.resize(24 + step, 80 + 2 * step);
            last_size = Instant::now();
            std::thread::sleep(Duration::from_millis(50));
        }
        let (drag, quiet_from) = settle(&down, before);
        let before = down.load(Ordering::SeqCst);
        std::thread::sleep(Duration::from_secs(10));
        let idle = (down.load(Ordering::SeqCst) - before) as f64 / 10.0;
        all.push(Figures {
            first: first as f64,
            redraw,
            first_k,
            scroll,
            tab,
            drag: drag as f64,
            drag_settle_s: quiet_from
                .saturating_duration_since(last_size)
                .as_secs_f64(),
            idle_per_s: idle,
        });
    }
    let pick = |f: Pick| median(all.iter().map(f).collect());
    Figures {
        first: pick(|f| f.first),
        redraw: pick(|f| f.redraw),
        first_k: pick(|f| f.first_k),
        scroll: pick(|f| f.scroll),
        tab: pick(|f| f.tab),
        drag: pick(|f| f.drag),
        drag_settle_s: pick(|f| f.drag_settle_s),
        idle_per_s: pick(|f| f.idle_per_s),
    }
}

fn main() {
    let runs = common::arg("--runs", 3);
    let Some(sshd) = Sshd::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("link.db");
    seed(&db);
    let file = dir.path().join("notes.txt");
    let text: String = (0..2000)
        .map(|i| format!("line {i:04}: checked the dashboards, error rate steady\n"))
        .collect();
    std::fs::write(&file, text).unwrap();

    let warroom = format!(
        "env WARROOM_DB='{}' WARROOM_USER=bench TERM=xterm-256color XDG_CONFIG_HOME='{}' XDG_STATE_HOME='{}' warroom",
        db.display(),
        dir.path().join("no-config").display(),
        dir.path().join("state").display()
    );
    let w = measure(&sshd, &warroom, "following", ["\x0c", "k", "k", "\t"], runs);
    let vim_there = common::pty::vim_installed();
    let v = vim_there.then(|| {
        let vim = format!(
            "TERM=xterm-256color vim -u NONE -N -n -c 'split' '{}'",
            file.display()
        );
        measure(&sshd, &vim, "line 0000", ["\x0c", "k", "k", "\x17w"], runs)
    });
    println!(
        "over SSH through 56 kbit/s and a 300 ms round trip, 80x24, bytes on the wire from the server, median of {runs} runs"
    );
    let row = |what: &str, ours: f64, theirs: Option<f64>, unit: &str| match theirs {
        Some(t) => println!(
            "{what:<26} {ours:>9.0} {unit:<7} vim {t:>8.0} {unit:<7} ratio {:.2}",
            ours / t.max(1.0)
        ),
        None => println!("{what:<26} {ours:>9.0} {unit}"),
    };
    let rows: [(&str, Pick); 6] = [
        ("first screen", |f| f.first),
        ("full redraw (Ctrl-L)", |f| f.redraw),
        ("first k (leaves following)", |f| f.first_k),
        ("one scroll (k again)", |f| f.scroll),
        ("Tab (vim: Ctrl-W w)", |f| f.tab),
        ("a window drag (10 sizes)", |f| f.drag),
    ];
    for (what, figure) in rows {
        row(what, figure(&w), v.as_ref().map(figure), "bytes");
    }
    println!(
        "{:<26} {:>9.2} s       vim {:>8} s",
        "settled after the drag",
        w.drag_settle_s,
        v.as_ref()
            .map_or("-".into(), |v| format!("{:.2}", v.drag_settle_s))
    );
    row(
        "idle",
        w.idle_per_s,
        v.as_ref().map(|v| v.idle_per_s),
        "bytes/s",
    );
    if !vim_there {
        println!("vim is not installed: no anchor in this run");
    }
}

/// One open incident with a few hundred entries, a commander and a roster: a room at
/// work.
fn seed(db: &Path) {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(helpers::bin())
            .args(args)
            .env("WARROOM_DB", db)
            .env("WARROOM_USER", "maya")
            .env("XDG_CONFIG_HOME", db.with_extension("cfg"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "declare",
        "--severity",
        "P2",
        "--commander",
        "maya",
        "--title",
        "Checkout errors in eu-west-1",
    ]);
    let mut store = warroom::store::Store::open(db, warroom::store::OpenOptions::write()).unwrap();
    let incident = store.incident_ids().unwrap()[0];
    let notes = (0..300)
        .map(|i| {
            warroom::store::NewEvent::now(
                Some(incident),
                "jonas",
                warroom::domain::Body::Note {
                    text: format!(
                        "note {i}: error rate on the primary steady, watching the rollback"
                    ),
                },
            )
        })
        .collect();
    store.append(notes).unwrap();
}
