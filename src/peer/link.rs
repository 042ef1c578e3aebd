//! Serving and connecting: TCP with Noise (deadlines, allowlist), or a command's stdio
//! (SSH, `--via`); once, or following with reconnects and backoff.

use std::io::{BufReader, BufWriter};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::address::PeerAddr;
use super::identity;
use super::replica::{StoreFeed, StoreReplica};
use crate::store::{OpenOptions, Store};
use crate::sync::channel::{
    NoiseReceiver, NoiseSender, PlainReceiver, PlainSender, Receiver, Sender, noise_handshake,
};
use crate::sync::{KeyPair, LinkError, Options, Status, Summary, session};

/// Deadlines for a link.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A connection must finish its handshake within this.
    pub handshake: Duration,
    /// A connection silent for this long is closed.
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            handshake: Duration::from_secs(10),
            idle: Duration::from_secs(60),
        }
    }
}

impl Limits {
    fn ping_every(&self) -> Duration {
        (self.idle / 4).max(Duration::from_millis(200))
    }
}

/// Where a followed link stands, for the console and for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// Trying to connect.
    Connecting,
    /// Connected; receiving what we lack.
    CatchingUp {
        /// Events still to come.
        behind: u64,
    },
    /// In sync; new events flow both ways.
    Live,
    /// Not connected since `since`; retrying in `retry_in`.
    Disconnected {
        /// When the link went down.
        since: crate::domain::Timestamp,
        /// Why.
        reason: String,
        /// When the next attempt is.
        retry_in: Duration,
    },
}

fn open_store(db: &Path) -> Result<Store, LinkError> {
    Ok(Store::open(db, OpenOptions::write())?)
}

/// Whether `key` is on the allowlist in `store`; a refused key is worded by `refusal`.
fn allowlist_check(
    store: &Store,
    key: &str,
    refusal: &dyn Fn(&str) -> String,
) -> Result<(), String> {
    let allowed = store.allowed_peers().map_err(|e| e.to_string())?;
    if allowed.iter().any(|p| p.key == key) {
        Ok(())
    } else {
        Err(refusal(key))
    }
}

/// Runs a session between `store` (where received events go) and the peer; what to
/// send is read from the same file through a connection of its own.
fn run_session(
    store: Store,
    rx: Box<dyn Receiver>,
    tx: Box<dyn Sender>,
    follow: bool,
    limits: &Limits,
    on_status: &(dyn Fn(Status) + Sync),
) -> Result<Summary, LinkError> {
    let feed = Box::new(StoreFeed::open(store.path())?);
    let replica = Box::new(StoreReplica(store));
    let opts = Options {
        follow,
        ping_every: limits.ping_every(),
    };
    session::run(rx, tx, replica, feed, &opts, on_status)
}

/// Accepts peers on `listen` until the process ends; each connection runs on its own
/// thread, and whatever goes wrong with one (garbage, an unknown key, silence) closes
/// only that one. `log` hears a line per connection event.
pub fn serve_tcp(
    db: &Path,
    listen: &str,
    limits: Limits,
    log: &(dyn Fn(String) + Sync),
) -> anyhow::Result<()> {
    let keys = identity::load_or_create(db)?;
    let listener =
        TcpListener::bind(listen).map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    log(format!(
        "serving {} on {} as {}",
        db.display(),
        listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| listen.into()),
        identity::id(&keys)
    ));
    // One connection reads the allowlist for every handshake: nothing is opened for a
    // peer before it has proved its key.
    let allowlist = Mutex::new(Store::open(db, OpenOptions::read())?);
    let allowlist = &allowlist;
    std::thread::scope(|scope| {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let keys = keys.clone();
            scope.spawn(move || {
                let who = stream
                    .peer_addr()
                    .map(|a| a.to_string())
                    .unwrap_or_else(|_| "?".into());
                match accept(db, allowlist, stream, &keys, &limits) {
                    Ok((peer, summary)) => log(format!(
                        "{who} ({peer}): done, sent {}, received {}",
                        summary.sent, summary.received
                    )),
                    Err(e) => log(format!("{who}: closed: {e}")),
                }
            });
        }
    });
    Ok(())
}

fn accept(
    db: &Path,
    allowlist: &Mutex<Store>,
    stream: TcpStream,
    keys: &KeyPair,
    limits: &Limits,
) -> Result<(String, Summary), LinkError> {
    let refusal = |key: &str| {
        format!(
            "peer {key} is not allowed; if it is yours, run `warroom peer allow {key}` on this host"
        )
    };
    let check = |key: &str| match allowlist.lock() {
        Ok(store) => allowlist_check(&store, key, &refusal),
        Err(_) => Err("the allowlist is unavailable".to_string()),
    };
    let (rx, tx, peer) = secure(&stream, keys, limits, false, &check)?;
    let store = open_store(db)?;
    let summary = run_session(store, Box::new(rx), Box::new(tx), true, limits, &|_| {})?;
    Ok((peer, summary))
}

/// Serves one peer on stdin and stdout (the far end of `ssh ... serve --stdio`): the
/// transport is already authenticated and private, so frames are plain.
pub fn serve_stdio(db: &Path, limits: Limits) -> Result<Summary, LinkError> {
    let store = open_store(db)?;
    let rx = PlainReceiver(BufReader::new(std::io::stdin()));
    let tx = PlainSender(BufWriter::new(std::io::stdout()));
    run_session(store, Box::new(rx), Box::new(tx), true, &limits, &|_| {})
}

type Secured = (
    NoiseReceiver<BufReader<TcpStream>>,
    NoiseSender<BufWriter<TcpStream>>,
    String,
);

/// Runs the Noise handshake on a TCP stream within the handshake deadline, refusing a
/// peer whose key `check` refuses, then sets the idle deadline.
fn secure(
    stream: &TcpStream,
    keys: &KeyPair,
    limits: &Limits,
    initiator: bool,
    check: &dyn Fn(&str) -> Result<(), String>,
) -> Result<Secured, LinkError> {
    stream.set_read_timeout(Some(limits.handshake))?;
    stream.set_write_timeout(Some(limits.handshake))?;
    let _ = stream.set_nodelay(true);
    let reader = BufReader::new(stream.try_clone()?);
    let writer = BufWriter::new(stream.try_clone()?);
    let secured = noise_handshake(reader, writer, keys, initiator, check)?;
    stream.set_read_timeout(Some(limits.idle))?;
    stream.set_write_timeout(Some(limits.idle))?;
    Ok(secured)
}

/// A connected link, the store it syncs, and for command links the process behind it.
struct Connected {
    store: Store,
    rx: Box<dyn Receiver>,
    tx: Box<dyn Sender>,
    child: Option<Child>,
}

fn connect(
    db: &Path,
    addr: &PeerAddr,
    limits: &Limits,
    quiet: bool,
) -> Result<Connected, LinkError> {
    let store = open_store(db)?;
    match addr {
        PeerAddr::Tcp(target) => {
            let keys = identity::load_or_create(db).map_err(|e| LinkError::Local(e.to_string()))?;
            let socket = target
                .to_socket_addrs()?
                .next()
                .ok_or_else(|| LinkError::Local(format!("{target} resolves to no address")))?;
            let stream = TcpStream::connect_timeout(&socket, limits.handshake)?;
            let refusal = |key: &str| {
                format!(
                    "{target} identifies as {key}, which is not allowed here; if that is your peer, run `warroom peer allow {key}`"
                )
            };
            let check = |key: &str| allowlist_check(&store, key, &refusal);
            let (rx, tx, _) = secure(&stream, &keys, limits, true, &check)?;
            Ok(Connected {
                store,
                rx: Box::new(rx),
                tx: Box::new(tx),
                child: None,
            })
        }
        PeerAddr::Command { argv, label } => {
            let (program, args) = argv
                .split_first()
                .ok_or_else(|| LinkError::Local("an empty command".into()))?;
            let mut child = Command::new(program)
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(if quiet {
                    Stdio::null()
                } else {
                    Stdio::inherit()
                })
                .spawn()
                .map_err(|e| LinkError::Local(format!("cannot run {label}: {e}")))?;
            let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                return Err(LinkError::Local(format!("no pipes to {label}")));
            };
            Ok(Connected {
                store,
                rx: Box::new(PlainReceiver(BufReader::new(stdout))),
                tx: Box::new(PlainSender(BufWriter::new(stdin))),
                child: Some(child),
            })
        }
    }
}

/// Syncs once with a peer: both sides exchange what the other lacks, then stop.
pub fn sync_once(db: &Path, addr: &PeerAddr, limits: Limits) -> Result<Summary, LinkError> {
    let mut link = connect(db, addr, &limits, false)?;
    let result = run_session(link.store, link.rx, link.tx, false, &limits, &|_| {});
    if let Some(child) = link.child.as_mut() {
        let _ = child.wait();
    }
    result
}

/// Keeps a link to a peer up until the process ends: connect, catch up, stream live
/// events; after any failure wait (1 s, doubling to 30 s; back to 1 s after a link
/// that got going) and try again.
pub fn follow(
    db: PathBuf,
    addr: PeerAddr,
    limits: Limits,
    quiet: bool,
    on_state: &(dyn Fn(LinkState) + Sync),
) -> ! {
    let mut delay = Duration::from_secs(1);
    loop {
        on_state(LinkState::Connecting);
        let started = Instant::now();
        let result = connect(&db, &addr, &limits, quiet).and_then(|mut link| {
            let status = |s: Status| match s {
                Status::CatchingUp { behind } => on_state(LinkState::CatchingUp { behind }),
                Status::Live => on_state(LinkState::Live),
            };
            let result = run_session(link.store, link.rx, link.tx, true, &limits, &status);
            if let Some(child) = link.child.as_mut() {
                let _ = child.kill();
                let _ = child.wait();
            }
            result
        });
        let reason = match result {
            Ok(_) => "the peer ended the session".to_string(),
            Err(e) => e.to_string(),
        };
        if started.elapsed() > Duration::from_secs(10) {
            delay = Duration::from_secs(1);
        }
        on_state(LinkState::Disconnected {
            since: crate::store::system_clock()(),
            reason,
            retry_in: delay,
        });
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_secs(30));
    }
}
