//! Serving and connecting: TCP with Noise (deadlines, allowlist), or a command's stdio
//! (SSH, `--via`); once, or following with reconnects and backoff.

use std::io::{BufReader, BufWriter, Read};
use std::net::{IpAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::fd::BorrowedFd;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::address::PeerAddr;
use super::child::{self, Timed};
use super::gate::{Gate, Quiet, Unproven};
use super::identity;
use super::replica::{StoreFeed, StoreReplica};
use crate::store::{OpenOptions, Store};
use crate::sync::channel::{
    NoiseReceiver, NoiseSender, PlainReceiver, PlainSender, Receiver, Sender, noise_handshake,
    send_busy,
};
use crate::sync::{KeyPair, LinkError, Progress, SessionOptions, SessionTotals, session};

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
    /// How often an idle link says it is still there: often enough for the shortest
    /// idle deadline a peer may set (2 s), whatever this side's own is.
    fn ping_every(&self) -> Duration {
        (self.idle / 4).clamp(Duration::from_millis(200), Duration::from_secs(1))
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
    on_status: &(dyn Fn(Progress) + Sync),
) -> Result<SessionTotals, LinkError> {
    let feed = Box::new(StoreFeed::open(store.path())?);
    let replica = Box::new(StoreReplica(store));
    let opts = SessionOptions {
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
    let gate = &Gate::default();
    let quiet = &Quiet::default();
    // Lines about a source (turned away, closed before proving its key) are logged at
    // most once an interval: anyone can make them.
    let about = |source: IpAddr, kind: &'static str, line: String| {
        if let Some(line) = quiet.line(source, kind, line, Instant::now()) {
            log(line);
        }
    };
    std::thread::scope(|scope| {
        let mut failing: Option<String> = None;
        for stream in listener.incoming() {
            let stream = match stream {
                Ok(stream) => {
                    failing = None;
                    stream
                }
                Err(e) => {
                    // Out of file descriptors, say: retrying at once would spin.
                    let text = e.to_string();
                    if failing.as_ref() != Some(&text) {
                        log(format!("cannot accept connections ({text}); retrying"));
                        failing = Some(text);
                    }
                    std::thread::sleep(ACCEPT_PAUSE);
                    continue;
                }
            };
            let Ok(peer_addr) = stream.peer_addr() else {
                continue;
            };
            let (who, source) = (peer_addr.to_string(), peer_addr.ip());
            let place = match gate.admit(source) {
                Ok(place) => place,
                Err(why) => {
                    turn_away(&stream, &why);
                    about(source, "busy", format!("{who}: turned away: busy ({why})"));
                    continue;
                }
            };
            let keys = keys.clone();
            let who_too = who.clone();
            let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                let note = |line: String| log(format!("{who}: {line}"));
                match accept(db, allowlist, &stream, place, &keys, &limits, &note) {
                    Ok((peer, summary)) => log(format!(
                        "{who} ({peer}): done, sent {}, received {}",
                        summary.sent, summary.received
                    )),
                    Err(Failure::Unproven(e)) => {
                        about(source, kind(&e), format!("{who}: closed: {e}"));
                    }
                    Err(Failure::Proven(e)) => log(format!("{who}: closed: {e}")),
                }
            });
            if let Err(e) = spawned {
                log(format!("{who_too}: closed: no thread for it ({e})"));
            }
        }
    });
    Ok(())
}

/// After a failed accept (out of file descriptors, say), wait this long before the next.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// Tells a connection the server will not take it now, briefly (a client that does not
/// read is not waited for), before it is closed. What the client already sent is read
/// and dropped first, so that closing ends the connection in order rather than with a
/// reset that could throw away the notice before the client reads it.
fn turn_away(stream: &TcpStream, why: &str) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = send_busy(&mut &*stream, why);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    // At most a handshake's worth: what a client sends first. One that keeps sending is
    // closed anyway; the accept loop never waits on it.
    if stream.set_nonblocking(true).is_ok() {
        let mut sink = [0u8; 512];
        for _ in 0..4 {
            if !matches!((&mut &*stream).read(&mut sink), Ok(n) if n > 0) {
                break;
            }
        }
    }
}

/// The kind of a failure, for logging each kind from a source sparingly.
fn kind(e: &LinkError) -> &'static str {
    match e {
        LinkError::Closed => "closed",
        LinkError::Silent => "silent",
        LinkError::Io(_) => "io",
        LinkError::Protocol(_) => "protocol",
        LinkError::Refused(why) if why.starts_with("handshake failed") => "handshake",
        LinkError::Refused(_) => "refused",
        LinkError::Busy(_) => "busy",
        LinkError::SameDatabase => "same",
        LinkError::Store(_) | LinkError::Local(_) => "local",
    }
}

/// Why a served connection ended early: before its key was proven (anyone can cause
/// that, so it is logged sparingly) or after.
enum Failure {
    Unproven(LinkError),
    Proven(LinkError),
}

fn accept(
    db: &Path,
    allowlist: &Mutex<Store>,
    stream: &TcpStream,
    place: Unproven<'_>,
    keys: &KeyPair,
    limits: &Limits,
    note: &(dyn Fn(String) + Sync),
) -> Result<(String, SessionTotals), Failure> {
    let refusal = |key: &str| {
        format!(
            "peer {key} is not allowed; if it is yours, run `warroom peer allow {key}` on this host"
        )
    };
    let check = |key: &str| match allowlist.lock() {
        Ok(store) => allowlist_check(&store, key, &refusal),
        Err(_) => Err("the allowlist is unavailable".to_string()),
    };
    let (rx, mut tx, peer) =
        secure(stream, keys, limits, false, &check).map_err(Failure::Unproven)?;
    // Proven and allowed: it leaves the handshake places for a peer's own.
    let _place = match place.prove() {
        Ok(place) => place,
        Err(why) => {
            let _ = tx.send(&crate::sync::Message::Error {
                message: format!("busy: {why}; try again later"),
            });
            return Err(Failure::Proven(LinkError::Busy(why)));
        }
    };
    // Only now, with the peer's key proven and allowed, is the database opened for it.
    let store = open_store(db).map_err(Failure::Proven)?;
    let summary = run_session(store, Box::new(rx), Box::new(tx), true, limits, &|s| {
        if let Some(line) = left_out(&s) {
            note(line);
        }
    });
    // The session's reading thread is not waited for: closing the connection ends its
    // read now, rather than at the idle deadline, and with it the thread.
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok((peer, summary.map_err(Failure::Proven)?))
}

/// Serves one peer on stdin and stdout (the far end of `ssh ... serve --stdio`): the
/// transport is already authenticated and private, so frames are plain.
pub fn serve_stdio(
    store: Store,
    limits: Limits,
    note: &(dyn Fn(String) + Sync),
) -> Result<SessionTotals, LinkError> {
    // The ssh channel is read and written within the same deadlines as the other end.
    let (stdin, stdout) = (
        own_copy(rustix::stdio::stdin())?,
        own_copy(rustix::stdio::stdout())?,
    );
    let rx = PlainReceiver(BufReader::new(Timed::new(
        stdin,
        limits.handshake,
        limits.idle,
        false,
    )));
    // Non-blocking, so that a write to a path that stopped reading (a large catch-up, a
    // frozen link) gives up at the deadline instead of waiting for room forever.
    let tx = PlainSender(BufWriter::new(Timed::new(
        stdout,
        limits.idle,
        limits.idle,
        true,
    )));
    run_session(store, Box::new(rx), Box::new(tx), true, &limits, &|s| {
        if let Some(line) = left_out(&s) {
            note(line);
        }
    })
}

/// A descriptor of this process's own (a copy of `fd`), read and written unbuffered.
fn own_copy(fd: BorrowedFd<'_>) -> Result<std::fs::File, LinkError> {
    let copy = rustix::io::dup(fd).map_err(|e| LinkError::Io(e.into()))?;
    Ok(std::fs::File::from(copy))
}

/// The log line a status calls for, if any: events a peer sent that were left out, or
/// numbering that has split between the two databases.
fn left_out(status: &Progress) -> Option<String> {
    match status {
        Progress::LeftOut { count, first } => Some(format!(
            "left out {count} event(s) the peer sent that cannot be stored (first: {first}); the rest is synced"
        )),
        Progress::Split(split) => Some(format!("warning: {split}")),
        Progress::CatchingUp { .. } | Progress::Live => None,
    }
}

type Secured = (
    NoiseReceiver<BufReader<TcpStream>>,
    NoiseSender<BufWriter<TcpStream>>,
    String,
);

/// Reads a TCP stream until an absolute deadline: each read waits only for what is left
/// of it, so a peer that sends a byte now and then cannot stretch the handshake.
struct Until<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl Read for Until<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        (&mut &*self.stream).read(buf)
    }
}

/// Runs the Noise handshake on a TCP stream, all of it within the handshake deadline,
/// refusing a peer whose key `check` refuses; then sets the idle deadline.
fn secure(
    stream: &TcpStream,
    keys: &KeyPair,
    limits: &Limits,
    initiator: bool,
    check: &dyn Fn(&str) -> Result<(), String>,
) -> Result<Secured, LinkError> {
    let mut reader = Until {
        stream,
        deadline: Instant::now() + limits.handshake,
    };
    stream.set_write_timeout(Some(limits.handshake))?;
    let _ = stream.set_nodelay(true);
    let done = noise_handshake(&mut reader, &mut &*stream, keys, initiator, check)?;
    stream.set_read_timeout(Some(limits.idle))?;
    stream.set_write_timeout(Some(limits.idle))?;
    let peer = done.peer().to_string();
    let (rx, tx) = done.split(
        BufReader::new(stream.try_clone()?),
        BufWriter::new(stream.try_clone()?),
    );
    Ok((rx, tx, peer))
}

/// A connected link, the store it syncs, and for command links the process behind it
/// (for TCP, the socket, to close once the session is over).
struct Connected {
    store: Store,
    rx: Box<dyn Receiver>,
    tx: Box<dyn Sender>,
    child: Option<child::Running>,
    socket: Option<TcpStream>,
}

impl Connected {
    /// Runs the session, then closes a TCP link: the session's reading thread is not
    /// waited for, and closing ends its read now rather than at the idle deadline.
    fn run(
        self,
        follow: bool,
        limits: &Limits,
        on_status: &(dyn Fn(Progress) + Sync),
    ) -> (Result<SessionTotals, LinkError>, Option<child::Running>) {
        let result = run_session(self.store, self.rx, self.tx, follow, limits, on_status);
        if let Some(socket) = self.socket {
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
        (result, self.child)
    }
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
                .to_socket_addrs()
                .map_err(|e| {
                    LinkError::Local(format!(
                        "cannot find the host of {target} ({e}): check the host name's spelling and this host's DNS, or give its IP address"
                    ))
                })?
                .next()
                .ok_or_else(|| {
                    LinkError::Local(format!(
                        "{target} resolves to no address: check the host name, or give its IP address"
                    ))
                })?;
            let stream = TcpStream::connect_timeout(&socket, limits.handshake).map_err(|e| {
                let next = match e.kind() {
                    std::io::ErrorKind::ConnectionRefused => {
                        "nothing listens there: check the address, and that `warroom serve --listen` runs on that host"
                    }
                    std::io::ErrorKind::TimedOut => {
                        "no answer: check the address, and that a firewall lets the port through"
                    }
                    std::io::ErrorKind::HostUnreachable | std::io::ErrorKind::NetworkUnreachable => {
                        "no route there from this host: check the address, and this host's network"
                    }
                    _ => "check the address and the network",
                };
                LinkError::Local(format!("cannot connect to {target} ({e}): {next}"))
            })?;
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
                socket: Some(stream),
            })
        }
        PeerAddr::Command { argv, label, ssh } => {
            let mut running = child::spawn(argv, label, *ssh, quiet)?;
            let (Some(stdin), Some(stdout)) =
                (running.child.stdin.take(), running.child.stdout.take())
            else {
                return Err(LinkError::Local(format!("no pipes to {label}")));
            };
            // The same deadlines as over TCP: the first message within the handshake
            // deadline (ssh's own login counts), then silence past the idle deadline.
            let rx = Timed::new(stdout, limits.handshake, limits.idle, false);
            let tx = Timed::new(stdin, limits.idle, limits.idle, true);
            Ok(Connected {
                store,
                rx: Box::new(PlainReceiver(BufReader::new(rx))),
                tx: Box::new(PlainSender(BufWriter::new(tx))),
                child: Some(running),
                socket: None,
            })
        }
    }
}

/// Syncs once with a peer: both sides exchange what the other lacks, then stop. `note`
/// hears of events the peer sent that were left out.
pub fn sync_once(
    db: &Path,
    addr: &PeerAddr,
    limits: Limits,
    note: &(dyn Fn(String) + Sync),
) -> Result<SessionTotals, LinkError> {
    let link = connect(db, addr, &limits, false)?;
    let (result, mut child) = link.run(false, &limits, &|s| {
        if let Some(line) = left_out(&s) {
            note(line);
        }
    });
    match (result, child.as_mut()) {
        (Err(e), Some(running)) => Err(running.explain(e)),
        (result, Some(running)) => {
            // The far side ends once the session has said goodbye; one that does not is
            // not waited for long.
            running.finish(limits.handshake);
            result
        }
        (result, None) => result,
    }
}

/// Keeps a link to a peer up until the process ends: connect, catch up, stream live
/// events; after any failure wait (1 s, doubling to 30 s; back to 1 s after a link
/// that got going) and try again. `note` hears of events the peer sent that were
/// left out. Returns only on a failure that trying again cannot mend (a link that
/// loops back to this same database).
pub fn follow(
    db: PathBuf,
    addr: PeerAddr,
    limits: Limits,
    quiet: bool,
    on_state: &(dyn Fn(LinkState) + Sync),
    note: &(dyn Fn(String) + Sync),
) -> LinkError {
    let mut delay = Duration::from_secs(1);
    loop {
        on_state(LinkState::Connecting);
        let started = Instant::now();
        let result = connect(&db, &addr, &limits, quiet).and_then(|link| {
            let status = |s: Progress| match s {
                Progress::CatchingUp { behind } => on_state(LinkState::CatchingUp { behind }),
                Progress::Live => on_state(LinkState::Live),
                other => {
                    if let Some(line) = left_out(&other) {
                        note(line);
                    }
                }
            };
            let (result, mut child) = link.run(true, &limits, &status);
            match (result, child.as_mut()) {
                (Err(e), Some(running)) => Err(running.explain(e)),
                (result, Some(running)) => {
                    let _ = running.child.kill();
                    let _ = running.child.wait();
                    result
                }
                (result, None) => result,
            }
        });
        let reason = match result {
            Ok(_) => "the peer ended the session".to_string(),
            Err(LinkError::SameDatabase) => {
                on_state(LinkState::Disconnected {
                    since: crate::store::system_clock()(),
                    reason: format!("{} (not trying again)", LinkError::SameDatabase),
                    retry_in: Duration::ZERO,
                });
                return LinkError::SameDatabase;
            }
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
