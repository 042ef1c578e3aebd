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
use super::protocol::{Message, PROTOCOL, Tips, VERSION, batches};
use crate::domain::{Event, Link};
use crate::store::{Accepted, VersionVector};

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
    fn apply(&mut self, messages: Vec<Linked>) -> Result<Accepted, LinkError>;
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
        each: &mut dyn FnMut(Linked) -> Result<(), LinkError>,
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

/// Events, and each one's link in its origin's hash chain (or none).
pub type Linked = (Vec<Event>, Vec<Option<Link>>);

/// How many received messages wait, read, for the store at most: with [`GATHER`], how
/// much a catch-up holds in memory beyond the message being stored (at most
/// [`super::protocol::BATCH_BYTES`] of events each, from this build).
const QUEUED: usize = 32;

/// At most this many events messages already read are stored in one transaction. A
/// catch-up then commits (and syncs the file) once for up to this many messages, not
/// once each; a live event, alone in the queue, is stored as soon as it is read.
pub const GATHER: usize = 32;

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
        /// How many, in the messages stored together (see [`GATHER`]).
        count: usize,
        /// Why the first was left out.
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
    messages: Vec<Linked>,
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

/// Messages read from the peer and waiting to be handled, in the order they came.
struct Queue {
    queued: mpsc::Receiver<Result<Message, LinkError>>,
    /// A message taken while gathering that is not events: the next to handle.
    held: Option<Result<Message, LinkError>>,
}

impl Queue {
    /// The next message, waiting for it; an error when the reading side stopped
    /// without saying why (it always says, unless it panicked).
    fn next(&mut self) -> Result<Message, LinkError> {
        match self.held.take() {
            Some(message) => message,
            None => self.queued.recv().unwrap_or_else(|_| {
                Err(LinkError::Protocol(
                    "the reading side stopped unexpectedly".into(),
                ))
            }),
        }
    }

    /// The events of one message (`first`, with why any of its events were
    /// unreadable) and of the events messages read already and waiting right behind
    /// it, at most [`GATHER`] messages in all, for one transaction: one commit, not one
    /// each. A message of another kind ends the gathering and is the next one handled.
    fn gather(&mut self, first: Linked, mut unreadable: Vec<String>) -> (Vec<Linked>, Vec<String>) {
        let mut messages = vec![first];
        while messages.len() < GATHER && self.held.is_none() {
            match self.queued.try_recv() {
                Ok(Ok(Message::Events {
                    events,
                    links,
                    unreadable: more,
                })) => {
                    messages.push((events, links));
                    unreadable.extend(more);
                }
                Ok(other) => self.held = Some(other),
                Err(_) => break,
            }
        }
        (messages, unreadable)
    }
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
        // Messages are read (decrypted, parsed) on a thread of their own while those
        // before them are stored; it stops after the last message a session can end on.
        let (read, queued) = mpsc::sync_channel::<Result<Message, LinkError>>(QUEUED);
        scope.spawn(move || {
            loop {
                let message = rx.recv();
                let goes_on = matches!(
                    message,
                    Ok(Message::Events { .. } | Message::Caught | Message::Ping)
                );
                // A send fails once the storing half has stopped.
                if read.send(message).is_err() || !goes_on {
                    return;
                }
            }
        });
        let receiving = scope.spawn(move || -> Result<usize, LinkError> {
            let mut received = 0usize;
            let mut remaining = behind;
            let mut queue = Queue { queued, held: None };
            loop {
                let message = queue.next()?;
                if sending_failed.load(Ordering::SeqCst) {
                    return Ok(received);
                }
                match message {
                    Message::Events {
                        events,
                        links,
                        unreadable,
                    } => {
                        let (messages, unreadable) = queue.gather((events, links), unreadable);
                        let new =
                            receive(replica.as_mut(), &ids, messages, &unreadable, on_status)?;
                        received += new;
                        remaining = remaining.saturating_sub(new as u64);
                        if remaining > 0 {
                            on_status(Progress::CatchingUp { behind: remaining });
                        }
                    }
                    Message::Caught => {
                        on_status(Progress::Live);
                        let _ = caught_tx.send(());
                    }
                    Message::Ping => {}
                    Message::Bye => return Ok(received),
                    Message::Error { message } => {
                        return Err(LinkError::Refused(format!("the peer stopped: {message}")));
                    }
                    Message::Hello { .. } => {
                        return Err(LinkError::Protocol("a second hello".into()));
                    }
                }
            }
        });

        let mut sent = 0usize;
        let sending = (|| -> Result<(), LinkError> {
            feed.missing(&theirs, &mut |(missing, links)| {
                for batch in batches(&missing, &links) {
                    sent += batch.count;
                    tx.send_encoded(&batch.bytes)?;
                }
                Ok(())
            })?;
            tx.send(&Message::Caught)?;
            if !follow {
                // Wait for their catch-up, then say goodbye.
                let _ = caught_rx.recv();
                tx.send(&Message::Bye)?;
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
        fn apply(&mut self, messages: Vec<Linked>) -> Result<Accepted, LinkError> {
            Ok(Accepted {
                added: messages.iter().flat_map(|(e, _)| e).map(|e| e.id).collect(),
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
        fn apply(&mut self, messages: Vec<Linked>) -> Result<Accepted, LinkError> {
            Ok(Accepted {
                added: messages
                    .iter()
                    .flat_map(|(e, _)| e)
                    .map(|e| e.id)
                    .filter(|id| self.held.insert(*id))
                    .collect(),
                refused: Vec::new(),
            })
        }
    }

    /// A note numbered `n` by the origin "far".
    fn event(n: u128) -> Event {
        let at = chrono::DateTime::from_timestamp_millis(1_795_000_000_000).unwrap();
        Event {
            id: Ulid::from_parts(1_795_000_000_000, n),
            origin: "far".into(),
            seq: n as u64,
            incident: Ulid::from_parts(1_795_000_000_000, 1),
            author: "a".into(),
            recorded_by: None,
            at,
            logged_at: at,
            body: crate::domain::Body::Note { text: "x".into() },
        }
    }

    /// The numbers of the events in gathered messages, in order.
    fn numbers(messages: &[Linked]) -> Vec<u64> {
        messages
            .iter()
            .flat_map(|(e, _)| e)
            .map(|e| e.seq)
            .collect()
    }

    #[test]
    fn waiting_events_messages_are_stored_together_and_what_follows_keeps_its_place() {
        let (read, queued) = mpsc::sync_channel(GATHER * 2);
        let total = GATHER as u128 + 8;
        for n in 1..=total {
            let mut message = Message::events(vec![event(n)], Vec::new());
            if let Message::Events { unreadable, .. } = &mut message
                && n == 2
            {
                unreadable.push("a time past 9999".into());
            }
            read.send(Ok(message)).unwrap();
        }
        read.send(Ok(Message::Caught)).unwrap();
        read.send(Ok(Message::events(vec![event(500)], Vec::new())))
            .unwrap();
        let mut queue = Queue { queued, held: None };
        let take = |queue: &mut Queue| match queue.next().unwrap() {
            Message::Events {
                events,
                links,
                unreadable,
            } => queue.gather((events, links), unreadable),
            other => panic!("expected events, got {other:?}"),
        };
        // At most GATHER messages in one write, in the order they came.
        let (messages, unreadable) = take(&mut queue);
        assert_eq!(numbers(&messages), (1..=GATHER as u64).collect::<Vec<_>>());
        assert_eq!(unreadable, ["a time past 9999"]);
        // The rest, up to the message of another kind, which is handled next.
        let (messages, unreadable) = take(&mut queue);
        assert_eq!(
            numbers(&messages),
            (GATHER as u64 + 1..=total as u64).collect::<Vec<_>>()
        );
        assert!(unreadable.is_empty());
        assert_eq!(queue.next().unwrap(), Message::Caught);
        // Alone in the queue (a live event): stored by itself, at once.
        let (messages, _) = take(&mut queue);
        assert_eq!(numbers(&messages), [500]);
        drop(read);
        assert!(matches!(queue.next(), Err(LinkError::Protocol(_))));
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
                vec![(vec![event(1), event(2)], Vec::new())],
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
            _: &mut dyn FnMut(Linked) -> Result<(), LinkError>,
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
