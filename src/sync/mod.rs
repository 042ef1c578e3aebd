//! Sync between replicas: the protocol, its framing and encryption, and the session.
//!
//! Events are immutable and keyed by id, so sync is exchanging the events the other
//! side lacks, judged by per-origin heads; applying one twice is harmless, and any
//! topology (pair, hub and spokes, chain) converges because every replica relays what
//! it holds, whoever wrote it.

pub mod channel;
pub mod inbox;
pub mod protocol;
pub mod session;

pub use channel::{KeyPair, LinkError, key_id};
pub use protocol::{Message, Tips};
pub use session::{Encoded, Feed, Progress, Replica, SessionOptions, SessionTotals};

/// A note numbered `n` by the origin "far", in one incident: what the tests of this
/// module send and receive.
#[cfg(test)]
fn far_note(n: u128) -> crate::domain::Event {
    let at = chrono::DateTime::from_timestamp_millis(1_795_000_000_000).unwrap_or_default();
    crate::domain::Event {
        id: ulid::Ulid::from_parts(1_795_000_000_000, n),
        origin: "far".into(),
        seq: n as u64,
        incident: ulid::Ulid::from_parts(1_795_000_000_000, 1),
        author: "a".into(),
        recorded_by: None,
        at,
        logged_at: at,
        body: crate::domain::Body::Note { text: "x".into() },
    }
}
