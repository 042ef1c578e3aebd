//! What a session has read from its peer and not yet handled. A thread of its own reads
//! (decrypts, parses) messages while those before them are stored, so the two overlap;
//! what waits is bounded by its size on the wire, since the peer's word is untrusted.
//! Events messages waiting one behind another are handed over together, for one
//! transaction, each made ready to store on the reading thread too ([`Received`]).

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use super::channel::{LinkError, Receiver};
use super::protocol::Message;
use crate::store::Received;

/// Messages read and waiting take at most this many bytes as sent (2 MiB). One message
/// always gets in when none waits, so none is too large to pass (a message is at most
/// [`super::protocol::MAX_MESSAGE`]).
pub const WAITING_BYTES: usize = 2 * 1024 * 1024;

/// Events messages waiting one behind another are handed over together up to this many
/// bytes as sent (2 MiB; the first one whatever its size): about 40 of this build's
/// messages (see [`super::protocol::BATCH_BYTES`]), a few thousand events, stored in one
/// transaction. With [`WAITING_BYTES`] and the message being read, a session holds at
/// most about 5 MiB of a peer's messages as sent; in memory, once read, their events
/// and rows take about twice that.
pub const GATHER_BYTES: usize = 2 * 1024 * 1024;

/// What to handle next.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// The events of one or more `events` messages, in the order they came (each with
    /// its links, as sent, made ready to store), for one write; and why each event that
    /// could not be read was left out.
    Events {
        /// Each message's events and links.
        messages: Vec<Received>,
        /// Why each unreadable event was left out.
        unreadable: Vec<String>,
    },
    /// A message of any other kind (never `events`).
    Other(Message),
}

/// A message read and waiting: an `events` message made ready to store (with why each
/// event it held that could not be read was left out), or one of another kind.
enum Waiting {
    Events(Received, Vec<String>),
    Other(Message),
}

impl Waiting {
    /// `message`, made ready to store if it carries events.
    fn of(message: Message) -> Waiting {
        match message {
            Message::Events {
                events,
                links,
                unreadable,
            } => Waiting::Events(Received::new(events, links), unreadable),
            other => Waiting::Other(other),
        }
    }
}

struct State {
    /// Each message read (or why reading failed), with its size as sent.
    waiting: VecDeque<(Result<Waiting, LinkError>, usize)>,
    /// The sizes of the messages in `waiting`, added up.
    bytes: usize,
    /// The reading thread has stopped.
    reader_gone: bool,
    /// The inbox was dropped: the reading thread stops at its next message.
    handler_gone: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts a message in, waiting for room; false once the inbox is dropped.
    fn put(&self, message: Result<Waiting, LinkError>, size: usize) -> bool {
        let mut state = self.lock();
        while !state.handler_gone && state.bytes > 0 && state.bytes + size > WAITING_BYTES {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.handler_gone {
            return false;
        }
        state.waiting.push_back((message, size));
        state.bytes += size;
        self.changed.notify_all();
        true
    }
}

/// Says the reading thread has stopped when it does, however it does (a panic too).
struct ReaderGone(Arc<Shared>);

impl Drop for ReaderGone {
    fn drop(&mut self) {
        self.0.lock().reader_gone = true;
        self.0.changed.notify_all();
    }
}

/// The handling side's end; dropping it stops the reading thread at its next message.
pub struct Inbox {
    shared: Arc<Shared>,
}

impl Inbox {
    /// Starts a thread reading messages from `rx` into a new inbox. The thread stops
    /// after the last message a session can end on (`bye`, `error`, a second `hello`, a
    /// failed read), or at its next message once the inbox is dropped; it is not waited
    /// for, so a peer that goes silent holds up nothing but that thread, until the
    /// link's idle deadline ends its read. A thread that cannot be started is
    /// [`LinkError::Io`].
    pub fn read_from(mut rx: Box<dyn Receiver>) -> Result<Inbox, LinkError> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                waiting: VecDeque::new(),
                bytes: 0,
                reader_gone: false,
                handler_gone: false,
            }),
            changed: Condvar::new(),
        });
        let gone = ReaderGone(shared.clone());
        std::thread::Builder::new()
            .name("sync-reader".into())
            .spawn(move || {
                let shared = gone.0.clone();
                loop {
                    let (message, size) = match rx.recv_bytes() {
                        Ok(bytes) => (
                            Message::decode(&bytes).map_err(LinkError::Protocol),
                            bytes.len(),
                        ),
                        Err(e) => (Err(e), 0),
                    };
                    let goes_on = matches!(
                        message,
                        Ok(Message::Events { .. } | Message::Caught | Message::Ping)
                    );
                    if !shared.put(message.map(Waiting::of), size) || !goes_on {
                        return;
                    }
                }
            })?;
        Ok(Inbox { shared })
    }

    /// The next thing to handle, waiting for it: a message, or the events of the
    /// `events` messages waiting one behind another (up to [`GATHER_BYTES`]; pings
    /// among them are passed over, they carry nothing). A failed read is its error; a
    /// reading thread that stopped without a last message (it panicked) is
    /// [`LinkError::Protocol`].
    pub fn take(&mut self) -> Result<Next, LinkError> {
        let mut state = self.shared.lock();
        while state.waiting.is_empty() && !state.reader_gone {
            state = self
                .shared
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let Some((first, size)) = state.waiting.pop_front() else {
            return Err(LinkError::Protocol(
                "the reading side stopped unexpectedly".into(),
            ));
        };
        state.bytes -= size;
        let next = match first {
            Ok(Waiting::Events(message, unreadable)) => {
                let (mut messages, mut unreadable, mut gathered) =
                    (vec![message], unreadable, size);
                loop {
                    let size = match state.waiting.front() {
                        Some((Ok(Waiting::Other(Message::Ping)), size)) => *size,
                        Some((Ok(Waiting::Events(..)), size))
                            if gathered + size <= GATHER_BYTES =>
                        {
                            *size
                        }
                        _ => break,
                    };
                    if let Some((Ok(Waiting::Events(message, more)), _)) = state.waiting.pop_front()
                    {
                        messages.push(message);
                        unreadable.extend(more);
                        gathered += size;
                    }
                    state.bytes -= size;
                }
                Ok(Next::Events {
                    messages,
                    unreadable,
                })
            }
            Ok(Waiting::Other(other)) => Ok(Next::Other(other)),
            Err(e) => Err(e),
        };
        self.shared.changed.notify_all();
        next
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.handler_gone = true;
        // Nobody will handle what waits: it is not kept until the reader stops.
        state.waiting.clear();
        state.bytes = 0;
        drop(state);
        self.shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::far_note as event;
    use std::sync::mpsc;

    /// Hands over the messages a test sends it, as a peer would.
    struct Scripted(mpsc::Receiver<Vec<u8>>);

    impl Receiver for Scripted {
        fn recv_bytes(&mut self) -> Result<Vec<u8>, LinkError> {
            self.0.recv().map_err(|_| LinkError::Closed)
        }
    }

    /// The numbers of the events handed over, in order.
    fn numbers(next: &Next) -> Vec<u64> {
        match next {
            Next::Events { messages, .. } => messages
                .iter()
                .flat_map(Received::events)
                .map(|e| e.seq)
                .collect(),
            Next::Other(other) => panic!("expected events, got {other:?}"),
        }
    }

    /// Waits (generously) until the reading thread has put `count` messages in.
    fn wait_for(inbox: &Inbox, count: usize) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while inbox.shared.lock().waiting.len() < count {
            assert!(std::time::Instant::now() < deadline, "never read");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn events_waiting_behind_one_are_handed_over_together_and_what_follows_keeps_its_place() {
        let (peer, read) = mpsc::channel();
        let mut inbox = Inbox::read_from(Box::new(Scripted(read))).unwrap();
        let events = |n: u128| Message::events(vec![event(n)], Vec::new()).encode();
        for n in 1..=3 {
            peer.send(events(n)).unwrap();
        }
        peer.send(Message::Ping.encode()).unwrap();
        peer.send(events(4)).unwrap();
        peer.send(Message::Caught.encode()).unwrap();
        peer.send(events(5)).unwrap();
        wait_for(&inbox, 7);
        // Everything up to the next message of another kind, pings passed over.
        let first = inbox.take().unwrap();
        assert_eq!(numbers(&first), [1, 2, 3, 4]);
        assert_eq!(inbox.take().unwrap(), Next::Other(Message::Caught));
        // Alone (a live event): handed over by itself, at once.
        assert_eq!(numbers(&inbox.take().unwrap()), [5]);
        // An event this build cannot read is named, the rest handed over.
        let bad = String::from_utf8(events(6))
            .unwrap()
            .replace("\"at\":\"", "\"at\":\"not a time ");
        peer.send(bad.into_bytes()).unwrap();
        peer.send(events(7)).unwrap();
        wait_for(&inbox, 2);
        match inbox.take().unwrap() {
            Next::Events {
                messages,
                unreadable,
            } => {
                assert_eq!(messages.len(), 2);
                assert_eq!(messages[1].events()[0].seq, 7);
                assert_eq!(unreadable.len(), 1, "{unreadable:?}");
            }
            other => panic!("{other:?}"),
        }
        // The peer closes: its error is handed over, and the thread stops.
        drop(peer);
        assert!(matches!(inbox.take(), Err(LinkError::Closed)));
        assert!(matches!(inbox.take(), Err(LinkError::Protocol(_))));
    }

    #[test]
    fn what_waits_is_bounded_by_its_size() {
        let (peer, read) = mpsc::channel();
        let mut inbox = Inbox::read_from(Box::new(Scripted(read))).unwrap();
        // Messages of about 600 KB each: three fit in what may wait, a fourth does not.
        let big = |n: u128| {
            let mut e = event(n);
            e.body = crate::domain::Body::Note {
                text: "y".repeat(100_000),
            };
            Message::events(vec![e; 6], Vec::new()).encode()
        };
        let size = big(1).len();
        assert!(
            size * 3 <= WAITING_BYTES && size * 4 > WAITING_BYTES,
            "{size}"
        );
        for n in 1..=8 {
            peer.send(big(n)).unwrap();
        }
        wait_for(&inbox, 3);
        // The reader holds the fourth until there is room.
        std::thread::sleep(std::time::Duration::from_millis(50));
        {
            let state = inbox.shared.lock();
            assert_eq!(state.waiting.len(), 3);
            assert!(state.bytes <= WAITING_BYTES);
        }
        // A write takes what waits, up to its own bound.
        let Next::Events { messages, .. } = inbox.take().unwrap() else {
            panic!("expected events")
        };
        assert_eq!(messages.len(), 3);
        wait_for(&inbox, 3);
        let Next::Events { messages, .. } = inbox.take().unwrap() else {
            panic!("expected events")
        };
        assert_eq!(messages.len(), 3);
    }

    #[test]
    fn a_reader_that_dies_is_an_error_not_a_wait() {
        struct Panics;
        impl Receiver for Panics {
            fn recv_bytes(&mut self) -> Result<Vec<u8>, LinkError> {
                panic!("a bug in reading")
            }
        }
        let mut inbox = Inbox::read_from(Box::new(Panics)).unwrap();
        assert!(matches!(inbox.take(), Err(LinkError::Protocol(_))));
    }
}
