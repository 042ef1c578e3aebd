//! An event's row as stored: its kind and payload text, its size bound, and its link
//! in the hash chain over those fields.

use crate::domain::{ChainFields, ChainHash, Event, Link, MAX_EVENT_BYTES, epoch_ms};

/// Counts the bytes written to it.
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An event's kind and payload as stored.
pub(super) struct StoredRow {
    /// The kind's name.
    pub(super) kind: String,
    /// The payload's JSON text, with `recorded_by` in it when a scribe wrote it.
    pub(super) payload: String,
}

impl StoredRow {
    /// The event's link when chained to `prev`: its hash over the fields as stored.
    pub(super) fn link(&self, event: &Event, prev: ChainHash) -> Link {
        // Ids as their 26 characters, written on the stack (one a hash).
        let (mut id, mut incident) = ([0u8; ulid::ULID_LEN], [0u8; ulid::ULID_LEN]);
        let fields = ChainFields {
            id: event.id.array_to_str(&mut id),
            origin: &event.origin,
            seq: event.seq as i64,
            incident: event.incident.array_to_str(&mut incident),
            author: &event.author,
            at_ms: epoch_ms(event.at),
            logged_at_ms: epoch_ms(event.logged_at),
            kind: &self.kind,
            payload: &self.payload,
        };
        Link {
            prev,
            hash: fields.hash(&prev),
        }
    }

    /// The row for `event`, or `Err` with the event's size in its wire form when that
    /// is over [`MAX_EVENT_BYTES`].
    pub(super) fn of(event: &Event) -> Result<StoredRow, usize> {
        let (kind, payload) = event.body.to_parts();
        let payload =
            crate::domain::with_recorded_by(payload, event.recorded_by.as_deref()).to_string();
        let row = StoredRow { kind, payload };
        // The wire form holds the payload text as is, the string fields escaped (at
        // most six bytes a byte), and ids, numbers, times and keys in far less than
        // 512 bytes: below this bound it cannot be over, and only above it is the event
        // measured exactly.
        let bound = row.payload.len()
            + 6 * (event.origin.len() + event.author.len() + row.kind.len())
            + 512;
        if bound > MAX_EVENT_BYTES {
            let mut count = ByteCount(0);
            // Serialising an event cannot fail: every field is a string, a number or JSON.
            let _ = serde_json::to_writer(&mut count, event);
            if count.0 > MAX_EVENT_BYTES {
                return Err(count.0);
            }
        }
        Ok(row)
    }
}
