//! The hash chain that makes the log tamper-evident.
//!
//! Every event is chained to the event its origin numbered just before it: its
//! [`ChainHash`] is SHA-256 (FIPS 180-4) over a domain tag, the previous event's hash
//! and the event's fields in a canonical encoding ([`ChainFields`]), never SQLite's row.
//! Editing, removing or reordering an event changes a hash the next event of its origin
//! holds, so `warroom verify` finds it; the hash at the head of each origin (printed by
//! `verify` and carried by exports) pins everything before it.

use sha2::{Digest, Sha256};

/// Written first into every event's hash, so no other SHA-256 input of this or any
/// other program can be taken for an event's. The version names this encoding.
const TAG: &[u8] = b"warroom event chain v1\0";

/// A SHA-256 hash in the chain: 32 bytes, shown as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ChainHash(pub [u8; 32]);

impl ChainHash {
    /// What the first event of an origin (number 1) is chained to: 32 zero bytes.
    pub const GENESIS: ChainHash = ChainHash([0; 32]);

    /// The hash from its 32 stored bytes; `None` for any other length.
    pub fn from_bytes(bytes: &[u8]) -> Option<ChainHash> {
        Some(ChainHash(bytes.try_into().ok()?))
    }

    /// The hash from 64 hex digits (either case); `None` for anything else.
    pub fn from_hex(text: &str) -> Option<ChainHash> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).ok()?;
        Some(ChainHash(out))
    }

    /// The first 12 hex digits, enough to compare by eye on a printed review.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..6])
    }
}

impl ChainHash {
    /// The 64 hex digits, written into a buffer on the stack (a hash is written for
    /// every event a peer link sends).
    fn hex_digits<'a>(&self, out: &'a mut [u8; 64]) -> &'a str {
        // 32 bytes always fit 64 digits, and hex digits are ASCII.
        let _ = hex::encode_to_slice(self.0, out);
        std::str::from_utf8(out).unwrap_or_default()
    }
}

impl std::fmt::Display for ChainHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.hex_digits(&mut [0; 64]))
    }
}

impl std::fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChainHash({self})")
    }
}

impl serde::Serialize for ChainHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.hex_digits(&mut [0; 64]))
    }
}

impl<'de> serde::Deserialize<'de> for ChainHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        ChainHash::from_hex(&text)
            .ok_or_else(|| serde::de::Error::custom("a chain hash is 64 hex digits"))
    }
}

/// An event's place in its origin's chain: the hash it is chained to and its own.
/// Sent beside events between peers as `{"prev": hex, "hash": hex}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// The hash of the event its origin numbered just before it
    /// ([`ChainHash::GENESIS`] for number 1).
    pub prev: ChainHash,
    /// Its own hash: [`ChainFields::hash`] over `prev` and its fields.
    pub hash: ChainHash,
}

impl Link {
    /// The link as 128 hex digits: `prev`, then `hash`.
    pub fn text(&self) -> String {
        format!("{}{}", self.prev, self.hash)
    }

    /// Reads [`Link::text`]; `None` for anything but 128 hex digits.
    pub fn from_text(text: &str) -> Option<Link> {
        if text.len() != 128 || !text.is_ascii() {
            return None;
        }
        Some(Link {
            prev: ChainHash::from_hex(&text[..64])?,
            hash: ChainHash::from_hex(&text[64..])?,
        })
    }
}

/// The fields of an event that its hash covers, as they are stored: ids as their
/// 26-character ULID text, times in milliseconds since the Unix epoch (UTC), the kind's
/// name and the payload's JSON text (with `recorded_by` in it, when a scribe wrote it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainFields<'a> {
    /// The event's id.
    pub id: &'a str,
    /// The database that wrote it.
    pub origin: &'a str,
    /// Its number in that origin's sequence.
    pub seq: i64,
    /// Its incident's id.
    pub incident: &'a str,
    /// Who it is credited to.
    pub author: &'a str,
    /// When it happened.
    pub at_ms: i64,
    /// When it was written.
    pub logged_at_ms: i64,
    /// The kind's name.
    pub kind: &'a str,
    /// The payload, as JSON text.
    pub payload: &'a str,
}

impl ChainFields<'_> {
    /// The event's hash when chained to `prev`: SHA-256 over the tag, `prev`'s 32
    /// bytes, then each field in the order declared, text as its length (8 bytes,
    /// big-endian) and UTF-8 bytes, numbers as 8 bytes big-endian two's complement.
    /// The lengths keep one field's end from passing for the next one's start.
    pub fn hash(&self, prev: &ChainHash) -> ChainHash {
        let mut h = Sha256::new();
        h.update(TAG);
        h.update(prev.0);
        let text = |h: &mut Sha256, s: &str| {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        };
        text(&mut h, self.id);
        text(&mut h, self.origin);
        h.update(self.seq.to_be_bytes());
        text(&mut h, self.incident);
        text(&mut h, self.author);
        h.update(self.at_ms.to_be_bytes());
        h.update(self.logged_at_ms.to_be_bytes());
        text(&mut h, self.kind);
        text(&mut h, self.payload);
        ChainHash(h.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(payload: &'a str) -> ChainFields<'a> {
        ChainFields {
            id: "01JD0000000000000000000001",
            origin: "o",
            seq: 1,
            incident: "01JD0000000000000000000001",
            author: "ana",
            at_ms: 1_795_000_000_000,
            logged_at_ms: 1_795_000_000_000,
            kind: "note",
            payload,
        }
    }

    #[test]
    fn every_field_and_the_link_change_the_hash() {
        let base = fields(r#"{"text":"db failover"}"#);
        let h = base.hash(&ChainHash::GENESIS);
        assert_eq!(
            h,
            base.hash(&ChainHash::GENESIS),
            "the same input, the same hash"
        );
        let changed = [
            ChainFields {
                id: "01JD0000000000000000000002",
                ..base
            },
            ChainFields {
                origin: "p",
                ..base
            },
            ChainFields { seq: 2, ..base },
            ChainFields {
                incident: "01JD0000000000000000000002",
                ..base
            },
            ChainFields {
                author: "bo",
                ..base
            },
            ChainFields {
                at_ms: base.at_ms + 1,
                ..base
            },
            ChainFields {
                logged_at_ms: base.logged_at_ms + 1,
                ..base
            },
            ChainFields {
                kind: "decision",
                ..base
            },
            fields(r#"{"text":"db failover!"}"#),
        ];
        for other in changed {
            assert_ne!(other.hash(&ChainHash::GENESIS), h, "{other:?}");
        }
        assert_ne!(base.hash(&h), h, "the link is covered");
        // A byte moved from one field to the next is another input.
        let a = ChainFields {
            author: "an",
            kind: "anote",
            ..base
        };
        let b = ChainFields {
            author: "ana",
            kind: "note",
            ..base
        };
        assert_ne!(a.hash(&ChainHash::GENESIS), b.hash(&ChainHash::GENESIS));
    }

    #[test]
    fn the_encoding_is_fixed() {
        // Pinned: a change to the encoding must be a new tag, never a silent change,
        // or every stored chain would read as broken.
        assert_eq!(
            fields(r#"{"text":"db failover"}"#)
                .hash(&ChainHash::GENESIS)
                .to_string(),
            PINNED
        );
    }

    /// Computed apart from this code (Python's hashlib over the same bytes).
    const PINNED: &str = "da6e5106196f4a4664ffdf790ee1285430ce7549b9a9f6757de01d5025f129ac";

    #[test]
    fn hex_round_trips_and_bad_hex_is_refused() {
        let h = fields("{}").hash(&ChainHash::GENESIS);
        assert_eq!(ChainHash::from_hex(&h.to_string()), Some(h));
        assert_eq!(ChainHash::from_hex(&h.to_string().to_uppercase()), Some(h));
        assert_eq!(ChainHash::from_hex("abc"), None);
        assert_eq!(ChainHash::from_hex(&"g".repeat(64)), None);
        assert_eq!(ChainHash::from_bytes(&[0; 31]), None);
        assert_eq!(h.short().len(), 12);
    }
}
