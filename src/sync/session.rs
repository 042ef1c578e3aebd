//! One sync session over a channel: hello, catch-up both ways, then (when both follow)
//! live events until either side stops. Applying is idempotent, so a session that
//! breaks anywhere can simply be run again.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ulid::Ulid;

use super::channel::{LinkError, Receiver, Sender};
use super::inbox::{Inbox, Next};
use super::protocol::{Message, PROTOCOL, Tips, VERSION, batches, encoded_batches};
use crate::domain::{EncodedEvent, Event, Link};
use crate::store::{Accepted, Page, Received, VersionVector};

/// Where received events go.
pub trait Replica: Send {
    /// This replica's origin.
    fn origin(&self) -> String;
    /// What it holds, per origin.
    fn heads(&mut self) -> Result<VersionVector, LinkError>;
    /// Stores the events of one or more messages, in order and all or none, ignoring
    /// those already held; returns the ids of those that were new, and those it left
    /// out as unfit to store (or breaking their origin's hash chain: in each message,
    /// `links[i]` is `events[i]`'s, empty from an older peer), with why.
    fn apply(&mut self, messages: Vec<Received>) -> Result<Accepted, LinkError>;
    /// For each origin in `heads`, the id of the event at its head (none by default).
    fn tips(&mut self, _heads: &VersionVector) -> Result<Tips, LinkError> {
        Ok(Tips::new())
    }
    /// The id of the event an origin numbers `seq`, if held (none by default).
    fn id_at(&mut self, _origin: &str, _seq: u64) -> Result<Option<Ulid>, LinkError> {
        Ok(None)
    }
    /// Takes a fresh origin: this replica's own numbering has split from a peer's.
    fn renumber(&mut self) -> Result<(), LinkError> {
        Ok(())
    }
}

/// Where sent events come from. A feed follows new commits from when it was made,
/// which must be before the replica's heads are read, so that nothing committed in
/// between is missed (sending it twice is harmless).
pub trait Feed: Send {
    /// Every event a peer with these heads lacks, and each one's link in its origin's
    /// hash chain (`links[i]` for `events[i]`; empty when the feed has none), handed to
    /// `each` a page at a time as it is read, so that sending starts before the last
    /// page is read. Stops at `each`'s first error.
    fn missing(
        &mut self,
        theirs: &VersionVector,
        each: &mut dyn FnMut(Encoded) -> Result<(), LinkError>,
    ) -> Result<(), LinkError>;
    /// Events committed since the last call (or since the feed was made), waiting up
    /// to `wait` for some.
    fn next(&mut self, wait: Duration) -> Result<Vec<Event>, LinkError>;
    /// Each event's link in its origin's hash chain, to send beside it (none by
    /// default: the receiver then chains them itself). For [`Feed::next`]'s events.
    fn links(&mut self, _events: &[Event]) -> Result<Vec<Option<Link>>, LinkError> {
        Ok(Vec::new())
    }
}

/// Events encoded for the wire, and each one's link in its origin's hash chain (or
/// none): a page of a catch-up, as the store reads it.
pub type Encoded = Page<EncodedEvent>;

/// Where a link stands, for people watching it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Exchanging what each side lacks; `behind` events still to come.
    CatchingUp {
        /// Events the peer has that we are still receiving.
        behind: u64,
    },
    /// Caught up; new events flow as they commit.
    Live,
    /// An origin's numbering differs here and on the peer (see [`Split`]).
    Split(Split),
    /// Some events the peer sent were left out: this build cannot read them, or they
    /// cannot be stored (a forged origin, a time out of bounds). Sync goes on.
    LeftOut {
        /// How many, in the messages stored together (see [`super::inbox::Next`]).
        count: usize,
        /// Why one of them was left out (an unreadable one first).
        first: String,
    },
}

/// How a session behaves.
pub struct SessionOptions {
    /// Stay connected for live events (when the peer does too).
    pub follow: bool,
    /// Send a ping after this long with nothing to send.
    pub ping_every: Duration,
}

/// What a session did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionTotals {
    /// The peer's origin.
    pub peer_origin: String,
    /// Events sent.
    pub sent: usize,
    /// Events received that were new here.
    pub received: usize,
}

fn outstanding(ours: &VersionVector, theirs: &VersionVector) -> u64 {
    // The peer's numbers are its word only: added without overflowing, whatever it says.
    theirs
        .iter()
        .map(|(origin, head)| head.saturating_sub(ours.get(origin).copied().unwrap_or(0)))
        .fold(0u64, u64::saturating_add)
}

/// What a peer's hello says: its origin, heads, tips and whether it follows.
type Hello = (String, VersionVector, Tips, bool);

/// Checks the peer's hello; the error is also what to tell the peer.
fn check_hello(message: Message) -> Result<Hello, String> {
    match message {
        Message::Hello {
            protocol,
            version,
            origin,
            heads,
            tips,
            follow,
        } => {
            if protocol != PROTOCOL {
                return Err(format!("the peer speaks '{protocol}', not {PROTOCOL}"));
            }
            if version != VERSION {
                return Err(format!(
                    "the peer speaks {PROTOCOL} version {version} and this warroom speaks version {VERSION}: upgrade the older side"
                ));
            }
            Ok((origin, heads, tips, follow))
        }
        Message::Error { message } => Err(format!("the peer refused: {message}")),
        other => Err(format!("expected a hello, got {other:?}")),
    }
}

/// Applies received events and notes which were new, so the sending half does not echo
/// them back. The note is taken under the lock around the write: the sending half sees
/// the commit only after its ids are noted. Ids of events already held are not noted:
/// they will not come back as new commits, so they would stay in the set for good.
fn receive(
    replica: &mut dyn Replica,
    ids: &Mutex<HashSet<Ulid>>,
    messages: Vec<Received>,
    unreadable: &[String],
    on_status: &(dyn Fn(Progress) + Sync),
) -> Result<usize, LinkError> {
    let mut noted = ids
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let accepted = replica.apply(messages)?;
    let count = accepted.added.len();
    noted.extend(accepted.added);
    drop(noted);
    let left_out = unreadable.len() + accepted.refused.len();
    if left_out > 0 {
        let first = unreadable
            .first()
            .map(|why| format!("unreadable: {why}"))
            .or_else(|| {
                let (id, why) = accepted.refused.first()?;
                Some(format!("{id}: {why}"))
            })
            .unwrap_or_default();
        on_status(Progress::LeftOut {
            count: left_out,
            first,
        });
    }
    Ok(count)
}

/// Where two databases number one origin's events differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The origin.
    pub origin: String,
    /// A number the two hold different events under (or this side lacks, for its own
    /// origin: the peer holds more of its events than it does).
    pub at: u64,
}

impl std::fmt::Display for Split {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "origin {} numbers events differently here and on the peer (from #{} at the latest): one of the two databases was restored from an older copy or copied while in use; events under the same numbers stay apart, so compare the two logs and log again what is missing",
            self.origin, self.at
        )
    }
}

/// The origins whose numbering has split between this replica and the peer: the peer's
/// head event under a number this side holds is another event; or, for this side's own
/// origin, the peer holds numbers it has never given out (it was rolled back).
fn splits(
    replica: &mut dyn Replica,
    ours: &VersionVector,
    theirs: &VersionVector,
    their_tips: &Tips,
) -> Result<Vec<Split>, LinkError> {
    let own = replica.origin();
    let mut found = Vec::new();
    for (origin, &their_head) in theirs {
        let our_head = ours.get(origin).copied().unwrap_or(0);
        if origin == &own && their_head > our_head {
            found.push(Split {
                origin: origin.clone(),
                at: our_head + 1,
            });
            continue;
        }
        let Some(their_tip) = their_tips.get(origin) else {
            continue;
        };
        if their_head == 0 || their_head > our_head {
            continue;
        }
        if replica
            .id_at(origin, their_head)?
            .is_some_and(|ours| ours != *their_tip)
        {
            found.push(Split {
                origin: origin.clone(),
                at: their_head,
            });
        }
    }
    Ok(found)
}

/// Runs a session to its end. `on_status` hears how the link stands.
pub fn run(
    mut rx: Box<dyn Receiver>,
    mut tx: Box<dyn Sender>,
    mut replica: Box<dyn Replica>,
    mut feed: Box<dyn Feed>,
    opts: &SessionOptions,
    on_status: &(dyn Fn(Progress) + Sync),
) -> Result<SessionTotals, LinkError> {
    let mut ours = replica.heads()?;
    let tips = replica.tips(&ours)?;
    tx.send(&Message::hello(
        &replica.origin(),
        ours.clone(),
        tips,
        opts.follow,
    ))?;
    let (peer_origin, theirs, their_tips, they_follow) = match check_hello(rx.recv()?) {
        Ok((origin, ..)) if origin == replica.origin() => {
            let _ = tx.send(&Message::Error {
                message: LinkError::SameDatabase.to_string(),
            });
            return Err(LinkError::SameDatabase);
        }
        Ok(hello) => hello,
        Err(message) => {
            let _ = tx.send(&Message::Error {
                message: message.clone(),
            });
            return Err(LinkError::Protocol(message));
        }
    };
    // Numbering that has split between the two databases is said, never passed over as
    // "in sync"; when it is this database's own (it was restored from an older copy, or
    // it is one), it takes a fresh origin so that no number it gives out again means
    // two things.
    for split in splits(replica.as_mut(), &ours, &theirs, &their_tips)? {
        if split.origin == replica.origin() {
            replica.renumber()?;
            ours = replica.heads()?;
        }
        on_status(Progress::Split(split));
    }
    let follow = opts.follow && they_follow;
    let behind = outstanding(&ours, &theirs);
    on_status(Progress::CatchingUp { behind });

    let received_ids: Arc<Mutex<HashSet<Ulid>>> = Arc::default();
    let (caught_tx, caught_rx) = mpsc::channel::<()>();
    // Set when sending failed: the receiving half stops at the next message (the peer
    // pings while idle, and closes once it reads our error).
    let sending_failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let ids = received_ids.clone();
        let sending_failed = &sending_failed;
        let mut inbox = Inbox::read_from(rx)?;
        let receiving = scope.spawn(move || -> Result<usize, LinkError> {
            let mut received = 0usize;
            let mut remaining = behind;
            loop {
                let next = inbox.take()?;
                if sending_failed.load(Ordering::SeqCst) {
                    return Ok(received);
                }
                match next {
                    Next::Events {
                        messages,
                        unreadable,
                    } => {
                        let new =
                            receive(replica.as_mut(), &ids, messages, &unreadable, on_status)?;
                        received += new;
                        remaining = remaining.saturating_sub(new as u64);
                        if remaining > 0 {
                            on_status(Progress::CatchingUp { behind: remaining });
                        }
                    }
                    Next::Other(Message::Caught) => {
                        on_status(Progress::Live);
                        let _ = caught_tx.send(());
                    }
                    // Events always come as `Next::Events`.
                    Next::Other(Message::Ping | Message::Events { .. }) => {}
                    Next::Other(Message::Bye) => return Ok(received),
                    Next::Other(Message::Error { message }) => {
                        return Err(LinkError::Refused(format!("the peer stopped: {message}")));
                    }
                    Next::Other(Message::Hello { .. }) => {
                        return Err(LinkError::Protocol("a second hello".into()));
                    }
                }
            }
        });

        let mut sent = 0usize;
        // Set when the catch-up stopped because the receiving half had: why is said
        // below, from that half's result.
        let mut cut_short = false;
        let sending = (|| -> Result<(), LinkError> {
            feed.missing(&theirs, &mut |(missing, links)| {
                if receiving.is_finished() {
                    // It could not store, or the peer left: the rest would go nowhere.
                    cut_short = true;
                    return Err(LinkError::Closed);
                }
                for batch in encoded_batches(&missing, &links) {
                    sent += batch.count;
                    tx.send_encoded(&batch.bytes)?;
                }
                Ok(())
            })?;
            tx.send(&Message::Caught)?;
            if !follow {
                // Wait for their catch-up, then say goodbye. A receiving half that
                // stopped before it says why (below).
                if caught_rx.recv().is_ok() {
                    tx.send(&Message::Bye)?;
                }
                return Ok(());
            }
            loop {
                if receiving.is_finished() {
                    return Ok(());
                }
                let fresh = feed.next(opts.ping_every)?;
                let fresh: Vec<Event> = match received_ids.lock() {
                    // Do not echo back what this peer just sent.
                    Ok(mut ids) => fresh.into_iter().filter(|e| !ids.remove(&e.id)).collect(),
                    Err(_) => fresh,
                };
                if fresh.is_empty() {
                    tx.send(&Message::Ping)?;
                    continue;
                }
                let links = feed.links(&fresh)?;
                for batch in batches(&fresh, &links) {
                    sent += batch.count;
                    tx.send_encoded(&batch.bytes)?;
                }
            }
        })();
        let sending = if cut_short { Ok(()) } else { sending };
        if let Err(e) = &sending {
            // Without this the peer would keep the link alive with pings while nothing
            // reaches it, and the receiving half would wait for it forever.
            sending_failed.store(true, Ordering::SeqCst);
            let _ = tx.send(&Message::Error {
                message: e.to_string(),
            });
        }
        let received = match receiving.join() {
            Ok(result) => result,
            Err(_) => Err(LinkError::Protocol(
                "the receiving side stopped unexpectedly".into(),
            )),
        };
        if sending.is_ok()
            && let Err(e @ (LinkError::Store(_) | LinkError::Local(_) | LinkError::Protocol(_))) =
                &received
        {
            // This side cannot go on (its database failed, say, or the peer sent what
            // cannot be read): the peer hears why and closes, rather than send on into
            // a link nobody reads until its idle deadline.
            let _ = tx.send(&Message::Error {
                message: e.to_string(),
            });
        }
        let received = match (sending, received) {
            (Ok(()), received) => received?,
            // The peer's own word on why it stopped beats the broken pipe it left.
            (Err(LinkError::Io(_) | LinkError::Closed), Err(why)) => return Err(why),
            (Err(e), _) => return Err(e),
        };
        Ok(SessionTotals {
            peer_origin,
            sent,
            received,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::channel::{PlainReceiver, PlainSender};
    use crate::sync::far_note as event;
    use std::os::unix::net::UnixStream;
    use std::time::Instant;

    /// Holds nothing and accepts everything.
    struct Empty(&'static str);

    impl Replica for Empty {
        fn origin(&self) -> String {
            self.0.into()
        }
        fn heads(&mut self) -> Result<VersionVector, LinkError> {
            Ok(VersionVector::new())
        }
        fn apply(&mut self, messages: Vec<Received>) -> Result<Accepted, LinkError> {
            Ok(Accepted {
                added: messages
                    .iter()
                    .flat_map(Received::events)
                    .map(|e| e.id)
                    .collect(),
                refused: Vec::new(),
            })
        }
    }

    /// Holds `held` already; stores the rest.
    struct Holding {
        held: HashSet<Ulid>,
    }

    impl Replica for Holding {
        fn origin(&self) -> String {
            "holding".into()
        }
        fn heads(&mut self) -> Result<VersionVector, LinkError> {
            Ok(VersionVector::new())
        }
        fn apply(&mut self, messages: Vec<Received>) -> Result<Accepted, LinkError> {
            Ok(Accepted {
                added: messages
                    .iter()
                    .flat_map(Received::events)
                    .map(|e| e.id)
                    .filter(|id| self.held.insert(*id))
                    .collect(),
                refused: Vec::new(),
            })
        }
    }

    #[test]
    fn only_events_new_here_are_kept_out_of_the_echo() {
        let mut replica = Holding {
            held: [event(1).id].into_iter().collect(),
        };
        let ids = Mutex::new(HashSet::new());
        assert_eq!(
            receive(
                &mut replica,
                &ids,
                vec![Received::new(vec![event(1), event(2)], Vec::new())],
                &[],
                &|_| {}
            )
            .unwrap(),
            1
        );
        assert_eq!(
            *ids.lock().unwrap(),
            [event(2).id].into_iter().collect(),
            "the event held already is not noted: it never comes back to clear it"
        );
    }

    /// Nothing to send; `next` waits, or fails when `broken`.
    struct Quiet {
        broken: bool,
    }

    impl Feed for Quiet {
        fn missing(
            &mut self,
            _: &VersionVector,
            _: &mut dyn FnMut(Encoded) -> Result<(), LinkError>,
        ) -> Result<(), LinkError> {
            Ok(())
        }
        fn next(&mut self, wait: Duration) -> Result<Vec<Event>, LinkError> {
            if self.broken {
                return Err(LinkError::Local("the disk is on fire".into()));
            }
            std::thread::sleep(wait);
            Ok(Vec::new())
        }
    }

    /// Cannot store anything.
    struct Failing;

    impl Replica for Failing {
        fn origin(&self) -> String {
            "failing".into()
        }
        fn heads(&mut self) -> Result<VersionVector, LinkError> {
            Ok(VersionVector::new())
        }
        fn apply(&mut self, _: Vec<Received>) -> Result<Accepted, LinkError> {
            Err(LinkError::Local("the disk is full".into()))
        }
    }

    #[test]
    fn a_side_that_cannot_store_ends_at_once_and_says_why_while_the_peer_stays_silent() {
        for follow in [true, false] {
            let (a, b) = UnixStream::pair().unwrap();
            let (done_tx, done) = mpsc::channel();
            std::thread::spawn(move || {
                let opts = SessionOptions {
                    follow: true,
                    ping_every: Duration::from_millis(20),
                };
                let result = run(
                    Box::new(PlainReceiver(a.try_clone().unwrap())),
                    Box::new(PlainSender(a)),
                    Box::new(Failing),
                    Box::new(Quiet { broken: false }),
                    &opts,
                    &|_| {},
                );
                let _ = done_tx.send(result);
            });
            // The peer: a hello and one event, then silence, the link left open.
            let mut to = PlainSender(b.try_clone().unwrap());
            let mut from = PlainReceiver(b);
            let hello = Message::hello("peer", VersionVector::new(), Tips::new(), follow);
            to.send(&hello).unwrap();
            to.send(&Message::events(vec![event(1)], Vec::new()))
                .unwrap();
            let err = done
                .recv_timeout(Duration::from_secs(60))
                .expect("the session ends although the peer says nothing more")
                .unwrap_err();
            assert!(err.to_string().contains("the disk is full"), "{err}");
            // What the peer was told last: why. (Its closing ends the reading thread
            // there, which holds the link open till then.)
            to.0.shutdown(std::net::Shutdown::Write).unwrap();
            let mut last = None;
            while let Ok(message) = from.recv() {
                last = Some(message);
            }
            assert_eq!(
                last,
                Some(Message::Error {
                    message: err.to_string()
                }),
                "follow: {follow}"
            );
        }
    }

    /// A catch-up that never ends: one event a page, for as long as pages are taken.
    struct Endless;

    impl Feed for Endless {
        fn missing(
            &mut self,
            _: &VersionVector,
            each: &mut dyn FnMut(Encoded) -> Result<(), LinkError>,
        ) -> Result<(), LinkError> {
            for n in 1.. {
                let page = vec![EncodedEvent::of(&event(n))];
                each((page, Vec::new()))?;
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(())
        }
        fn next(&mut self, wait: Duration) -> Result<Vec<Event>, LinkError> {
            std::thread::sleep(wait);
            Ok(Vec::new())
        }
    }

    #[test]
    fn a_side_that_cannot_store_stops_its_own_catch_up_and_says_why() {
        let (a, b) = UnixStream::pair().unwrap();
        let (done_tx, done) = mpsc::channel();
        std::thread::spawn(move || {
            let opts = SessionOptions {
                follow: false,
                ping_every: Duration::from_millis(20),
            };
            let result = run(
                Box::new(PlainReceiver(a.try_clone().unwrap())),
                Box::new(PlainSender(a)),
                Box::new(Failing),
                Box::new(Endless),
                &opts,
                &|_| {},
            );
            let _ = done_tx.send(result);
        });
        let mut to = PlainSender(b.try_clone().unwrap());
        let mut from = PlainReceiver(b);
        // The peer reads all it is sent, and keeps the last.
        let (last_tx, last) = mpsc::channel();
        std::thread::spawn(move || {
            let mut seen = None;
            while let Ok(message) = from.recv() {
                seen = Some(message);
            }
            let _ = last_tx.send(seen);
        });
        let hello = Message::hello("peer", VersionVector::new(), Tips::new(), false);
        to.send(&hello).unwrap();
        to.send(&Message::events(vec![event(1)], Vec::new()))
            .unwrap();
        // Without stopping, the catch-up would go on for ever.
        let err = done
            .recv_timeout(Duration::from_secs(60))
            .expect("the catch-up stops once nothing can be stored")
            .unwrap_err();
        assert!(err.to_string().contains("the disk is full"), "{err}");
        to.0.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(
            last.recv_timeout(Duration::from_secs(60)).unwrap(),
            Some(Message::Error {
                message: err.to_string()
            })
        );
    }

    fn side(
        stream: UnixStream,
        name: &'static str,
        broken: bool,
    ) -> mpsc::Receiver<Result<SessionTotals, LinkError>> {
        let (done_tx, done) = mpsc::channel();
        std::thread::spawn(move || {
            let rx = PlainReceiver(stream.try_clone().unwrap());
            let tx = PlainSender(stream);
            let opts = SessionOptions {
                follow: true,
                ping_every: Duration::from_millis(20),
            };
            let result = run(
                Box::new(rx),
                Box::new(tx),
                Box::new(Empty(name)),
                Box::new(Quiet { broken }),
                &opts,
                &|_| {},
            );
            let _ = done_tx.send(result);
        });
        done
    }

    #[test]
    fn a_side_that_cannot_send_ends_the_session_on_both_sides() {
        let (a, b) = UnixStream::pair().unwrap();
        let start = Instant::now();
        let broken = side(a, "broken", true);
        let healthy = side(b, "healthy", false);
        let limit = Duration::from_secs(10);
        let err = broken
            .recv_timeout(limit)
            .expect("the broken side ends although the peer keeps pinging")
            .unwrap_err();
        assert!(err.to_string().contains("the disk is on fire"), "{err}");
        let err = healthy
            .recv_timeout(limit)
            .expect("the healthy side ends too")
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("the peer stopped: the disk is on fire"),
            "{err}"
        );
        assert!(start.elapsed() < limit);
    }
}
