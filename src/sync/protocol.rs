//! The sync protocol's messages. After the transport is set up, each side sends a
//! `Hello` with its per-origin heads; then the events the other lacks, in batches,
//! then `Caught`; then, when following, new events as they commit, and `Ping` when
//! idle. Messages are JSON, one per frame.

use serde::{Deserialize, Serialize};

use crate::domain::{EncodedEvent, Event, Link, MAX_EVENT_BYTES};
use crate::store::VersionVector;

/// The protocol's name, checked in every hello.
pub const PROTOCOL: &str = "warroom-sync";
/// The protocol version this build speaks.
pub const VERSION: u32 = 1;
/// The largest message accepted, in bytes (a frame claiming more is refused unread).
pub const MAX_MESSAGE: usize = 1024 * 1024;
/// Events are sent in batches of about this many bytes.
pub const BATCH_BYTES: usize = 48 * 1024;

/// Room for an `events` message's envelope around its events, and an event's link.
const ENVELOPE: usize = 256;

// An event the store accepts always fits in a message of its own, even one whose stored
// payload is carried as a JSON string (a payload that is not JSON is kept that way), where
// escaping can grow it six-fold (one byte becomes `\u00XX`).
const _: () = assert!(6 * MAX_EVENT_BYTES + ENVELOPE <= MAX_MESSAGE);

/// For each origin, the id of the event at its head.
pub type Tips = std::collections::BTreeMap<String, ulid::Ulid>;

/// One message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// The first message each way.
    Hello {
        /// Always [`PROTOCOL`].
        protocol: String,
        /// The sender's protocol version.
        version: u32,
        /// The sender's own origin.
        origin: String,
        /// What the sender already holds.
        heads: VersionVector,
        /// For each origin in `heads`, the id of the event at its head: a peer holding a
        /// different event under the same origin and number sees that the two databases'
        /// numbering has split (one was restored from an older copy, or copied).
        /// Optional, for peers on older builds.
        #[serde(default, skip_serializing_if = "Tips::is_empty")]
        tips: Tips,
        /// Whether the sender stays connected for live events.
        follow: bool,
    },
    /// Some events.
    Events {
        /// The events, each origin's in sequence order.
        events: Vec<Event>,
        /// Each event's link in its origin's hash chain (`links[i]` for `events[i]`),
        /// checked by the receiver; empty from a peer of an older build. On the wire a
        /// string of hex digits each (see [`link_text`]), or null.
        #[serde(
            default,
            skip_serializing_if = "Vec::is_empty",
            serialize_with = "full_links",
            deserialize_with = "no_links"
        )]
        links: Vec<Option<Link>>,
        /// On receipt, why each event this build could not read was left out (never
        /// sent: the sender only sends events).
        #[serde(skip)]
        unreadable: Vec<String>,
    },
    /// Everything the sender held at hello time has been sent.
    Caught,
    /// Still here.
    Ping,
    /// The sender is done and closes.
    Bye,
    /// The sender refuses to go on, and says why.
    Error {
        /// What went wrong and what to do.
        message: String,
    },
}

impl Message {
    /// A hello from a replica.
    pub fn hello(origin: &str, heads: VersionVector, tips: Tips, follow: bool) -> Message {
        Message::Hello {
            protocol: PROTOCOL.into(),
            version: VERSION,
            origin: origin.into(),
            heads,
            tips,
            follow,
        }
    }

    /// The message as bytes for a frame.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Some events, as sent, with their links (or none).
    pub fn events(events: Vec<Event>, links: Vec<Option<Link>>) -> Message {
        Message::Events {
            events,
            links,
            unreadable: Vec::new(),
        }
    }

    /// Reads a message from a frame's bytes. The events of an `events` message are
    /// read one by one: one this build cannot read (a time past the year 9999, say) is
    /// left out and named in `unreadable` rather than failing the whole message, which
    /// the peer would send again on every reconnect.
    pub fn decode(bytes: &[u8]) -> Result<Message, String> {
        let malformed = |e: serde_json::Error| format!("malformed message: {e}");
        let envelope: Envelope<'_> = serde_json::from_slice(bytes).map_err(malformed)?;
        let Some(raw) = envelope.events.filter(|_| envelope.kind == "events") else {
            return serde_json::from_slice(bytes).map_err(malformed);
        };
        let sent_links = envelope.links.unwrap_or_default();
        let mut events: Vec<Event> = Vec::with_capacity(raw.len());
        let mut links: Vec<Option<Link>> = Vec::with_capacity(sent_links.len());
        let mut unreadable = Vec::new();
        for (i, raw) in raw.into_iter().enumerate() {
            match serde_json::from_str::<Event>(raw.get()) {
                Ok(event) => {
                    if !sent_links.is_empty() {
                        // A hash alone follows the event before it in the message.
                        let before = match (events.last(), links.last()) {
                            (Some(e), Some(Some(l)))
                                if i > 0
                                    && e.origin == event.origin
                                    && e.seq.checked_add(1) == Some(event.seq) =>
                            {
                                Some(l.hash)
                            }
                            _ => None,
                        };
                        let text = sent_links.get(i).and_then(|t| t.as_deref());
                        links.push(text.and_then(|t| read_link(t, before)));
                    }
                    events.push(event);
                }
                Err(e) => unreadable.push(e.to_string()),
            }
        }
        Ok(Message::Events {
            events,
            links,
            unreadable,
        })
    }
}

/// A message's type, and the events of an `events` message as their raw text.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    events: Option<Vec<&'a serde_json::value::RawValue>>,
    #[serde(borrow, default)]
    links: Option<Vec<Option<std::borrow::Cow<'a, str>>>>,
}

/// A link as the wire carries it: 128 hex digits (`prev` then `hash`), or 64 (`hash`
/// alone) when `prev` is the hash of the event before it in the same message, which
/// its origin numbered just before.
pub fn link_text(link: &Link, prev_implied: bool) -> String {
    if prev_implied {
        link.hash.to_string()
    } else {
        link.text()
    }
}

/// Reads [`link_text`]; `before` is the hash a 64-digit link's `prev` is (when the
/// event before it in the message is its origin's one before). `None` for anything else.
fn read_link(text: &str, before: Option<crate::domain::ChainHash>) -> Option<Link> {
    match text.len() {
        64 => Some(Link {
            prev: before?,
            hash: crate::domain::ChainHash::from_hex(text)?,
        }),
        _ => Link::from_text(text),
    }
}

/// Writes every link whole (128 digits): what [`Message::encode`] gives.
fn full_links<S: serde::Serializer>(links: &[Option<Link>], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(links.iter().map(|l| l.map(|l| link_text(&l, false))))
}

/// Links are read by [`Message::decode`] with their events, never on their own.
fn no_links<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Option<Link>>, D::Error> {
    serde::de::IgnoredAny::deserialize(d)?;
    Ok(Vec::new())
}

/// An `events` message, encoded: each event is serialised once, for its size and for
/// the message alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The message's bytes, as [`Message::encode`] would give them.
    pub bytes: Vec<u8>,
    /// How many events it carries.
    pub count: usize,
}

const EVENTS_OPEN: &[u8] = br#"{"type":"events","events":["#;
const EVENTS_CLOSE: &[u8] = b"]}";

impl Batch {
    fn new() -> Batch {
        Batch {
            bytes: EVENTS_OPEN.to_vec(),
            count: 0,
        }
    }

    fn push(&mut self, event: &[u8]) {
        if self.count > 0 {
            self.bytes.push(b',');
        }
        self.bytes.extend_from_slice(event);
        self.count += 1;
    }

    fn close(mut self, links: &[u8]) -> Batch {
        if links.is_empty() {
            self.bytes.extend_from_slice(EVENTS_CLOSE);
        } else {
            self.bytes.extend_from_slice(LINKS_OPEN);
            self.bytes.extend_from_slice(links);
            self.bytes.extend_from_slice(EVENTS_CLOSE);
        }
        self
    }
}

const LINKS_OPEN: &[u8] = br#"],"links":["#;

/// Encodes events as `events` messages of about [`BATCH_BYTES`] each (one event per
/// message at least), keeping their order, each with its link (`links[i]` for
/// `events[i]`; none sent when `links` is empty).
pub fn batches(events: &[Event], links: &[Option<Link>]) -> Vec<Batch> {
    let encoded: Vec<EncodedEvent> = events.iter().map(EncodedEvent::of).collect();
    encoded_batches(&encoded, links)
}

/// [`batches`] of events encoded already (as a catch-up reads them from the store).
pub fn encoded_batches(events: &[EncodedEvent], links: &[Option<Link>]) -> Vec<Batch> {
    let mut out = Vec::new();
    let mut batch = Batch::new();
    // The links of the batch being filled, as the message's `links` array holds them.
    let mut batch_links: Vec<u8> = Vec::new();
    // The event last put into the batch being filled.
    let mut last_in_batch: Option<usize> = None;
    for (i, event) in events.iter().enumerate() {
        let Some(json) = &event.json else {
            continue;
        };
        if json.len() > MAX_EVENT_BYTES {
            // Only an older build could have stored it; it would stop sync for good.
            tracing::warn!(
                "not sending event {}: it takes {} bytes, over the {MAX_EVENT_BYTES}-byte limit",
                event.id,
                json.len()
            );
            continue;
        }
        if batch.count > 0 && batch.bytes.len() + batch_links.len() + json.len() > BATCH_BYTES {
            out.push(std::mem::replace(&mut batch, Batch::new()).close(&batch_links));
            batch_links.clear();
            last_in_batch = None;
        }
        if !links.is_empty() {
            if batch.count > 0 {
                batch_links.push(b',');
            }
            match links.get(i).copied().flatten() {
                Some(link) => {
                    // Its prev goes without saying when the event before it in this
                    // message is its origin's one before, with that hash.
                    let implied = i > 0
                        && last_in_batch == Some(i - 1)
                        && events[i - 1].origin == event.origin
                        && events[i - 1].seq.checked_add(1) == Some(event.seq)
                        && links.get(i - 1).copied().flatten().map(|l| l.hash) == Some(link.prev);
                    batch_links.push(b'"');
                    batch_links.extend_from_slice(link_text(&link, implied).as_bytes());
                    batch_links.push(b'"');
                }
                None => batch_links.extend_from_slice(b"null"),
            }
        }
        batch.push(json);
        last_in_batch = Some(i);
    }
    if batch.count > 0 {
        out.push(batch.close(&batch_links));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Body;

    fn note(text: String) -> Event {
        let at = chrono::DateTime::from_timestamp_millis(1_795_000_000_000).unwrap();
        Event {
            id: ulid::Ulid::from_parts(1_795_000_000_000, 1),
            origin: "o".into(),
            seq: 1,
            incident: ulid::Ulid::from_parts(1_795_000_000_000, 1),
            author: "a".into(),
            recorded_by: None,
            at,
            logged_at: at,
            body: Body::Note { text },
        }
    }

    #[test]
    fn an_event_at_the_limit_fits_in_a_message_and_one_over_it_is_not_sent() {
        let base = serde_json::to_vec(&note(String::new())).unwrap().len();
        // Control characters: each one is six bytes escaped.
        let at_limit = note("\u{1}".repeat((MAX_EVENT_BYTES - base) / 6));
        let size = serde_json::to_vec(&at_limit).unwrap().len();
        assert!(size <= MAX_EVENT_BYTES && size > MAX_EVENT_BYTES - 6);
        let sent = batches(&[at_limit.clone(), at_limit.clone()], &[]);
        assert_eq!(sent.len(), 2, "one each");
        for batch in sent {
            assert_eq!(batch.count, 1);
            assert!(batch.bytes.len() <= MAX_MESSAGE);
        }
        let over = note("x".repeat(MAX_EVENT_BYTES));
        let sent = batches(&[over, at_limit.clone()], &[]);
        assert_eq!(sent.len(), 1);
        assert_eq!(
            Message::decode(&sent[0].bytes).unwrap(),
            Message::events(vec![at_limit], Vec::new()),
            "the oversized one is left out"
        );
    }

    #[test]
    fn batches_are_the_messages_the_events_would_make_split_by_size() {
        let events: Vec<Event> = (0..500)
            .map(|i| Event {
                seq: i as u64 + 1,
                ..note(format!("note {i} {}", "y".repeat(i % 300)))
            })
            .collect();
        // A chain (each prev the hash before), a link missing here and there.
        let some_links: Vec<Option<Link>> = (0..500u32)
            .map(|i| {
                (i % 7 != 3).then(|| Link {
                    prev: crate::domain::ChainHash([i as u8; 32]),
                    hash: crate::domain::ChainHash([(i + 1) as u8; 32]),
                })
            })
            .collect();
        for links in [Vec::new(), some_links] {
            let sent = batches(&events, &links);
            assert!(sent.len() > 1, "split");
            assert_eq!(sent.iter().map(|b| b.count).sum::<usize>(), events.len());
            let (mut back, mut back_links) = (Vec::new(), Vec::new());
            for batch in &sent {
                assert!(batch.bytes.len() <= BATCH_BYTES + MAX_EVENT_BYTES);
                let Message::Events {
                    events, links: l, ..
                } = Message::decode(&batch.bytes).unwrap()
                else {
                    panic!("an events message")
                };
                let message = Message::events(events.clone(), l.clone());
                if links.is_empty() {
                    assert_eq!(
                        message.encode(),
                        batch.bytes,
                        "byte for byte what encoding the message gives"
                    );
                } else {
                    // Links whose prev the message implies go shorter than encoding
                    // writes them; both read back as the same message.
                    assert_eq!(Message::decode(&message.encode()).unwrap(), message);
                    assert!(message.encode().len() > batch.bytes.len());
                }
                back.extend(events);
                back_links.extend(l);
            }
            assert_eq!(back, events, "all of them, in order");
            assert_eq!(back_links, links, "each with its link");
        }
        assert!(batches(&[], &[]).is_empty());
    }
}
