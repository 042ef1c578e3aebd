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
pub use protocol::{Linked, Message, Tips};
pub use session::{Feed, Progress, Replica, SessionOptions, SessionTotals};
