//! The log's chain heads in an export, and the command that checks them later: a
//! printed review can be held against the file it came from.

use serde::Serialize;

use crate::domain::ChainHash;

/// The chain heads of the file an export came from, when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainRecord {
    /// Each origin's last event when exported: `origin`, number `seq`, and its `hash`
    /// (64 hex digits), which pins every event of that origin up to it.
    pub heads: Vec<RecordedHead>,
    /// The command that checks the file still holds them: `warroom verify --expect
    /// ORIGIN#SEQ=HASH ... [--seam ORIGIN#N,...]` (origins that are not plain ids are
    /// left out of it).
    pub verify: String,
    /// When the chain did not verify at export: how many breaks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<usize>,
}

/// At most this many seams of one origin are listed in the command; past it the
/// command says `ORIGIN#*` and that origin's seams are not held to the export.
pub const MAX_LISTED_SEAMS: usize = 50;

/// One origin's head, as an export records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedHead {
    /// The origin (a database's id).
    pub origin: String,
    /// Its last event's number.
    pub seq: u64,
    /// That event's hash.
    pub hash: ChainHash,
    /// The events of its origin at or below it held without the one before them when
    /// exported (their links unchecked), by number; `None` when there were more than
    /// [`MAX_LISTED_SEAMS`].
    pub seams: Option<Vec<u64>>,
}

/// Whether an origin can go into a command line as it is: letters, digits, `-`, `_`,
/// `.` (every origin warroom makes; a peer's may be anything within its bounds).
fn plain(origin: &str) -> bool {
    !origin.is_empty()
        && origin
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl ChainRecord {
    /// The record of these heads (origin, number, hash) and the seams at or below each.
    pub fn of(heads: impl IntoIterator<Item = (String, u64, ChainHash, Vec<u64>)>) -> ChainRecord {
        let heads: Vec<RecordedHead> = heads
            .into_iter()
            .map(|(origin, seq, hash, seams)| RecordedHead {
                origin,
                seq,
                hash,
                seams: (seams.len() <= MAX_LISTED_SEAMS).then_some(seams),
            })
            .collect();
        let mut verify = String::from("warroom verify");
        for h in heads.iter().filter(|h| plain(&h.origin)) {
            verify.push_str(&format!(" --expect {}#{}={}", h.origin, h.seq, h.hash));
            match &h.seams {
                Some(seams) if seams.is_empty() => {}
                Some(seams) => {
                    let list: Vec<String> = seams.iter().map(u64::to_string).collect();
                    verify.push_str(&format!(" --seam {}#{}", h.origin, list.join(",")));
                }
                None => verify.push_str(&format!(" --seam {}#*", h.origin)),
            }
        }
        ChainRecord {
            heads,
            verify,
            broken: None,
        }
    }

    /// The record as a closing Markdown section.
    pub fn markdown(&self) -> String {
        let mut out = String::from("## Record\n\n");
        if let Some(n) = self.broken {
            out.push_str(&format!(
                "**WARNING: the log's hash chain was broken in {n} place{} when this was \
                 exported** (`warroom verify` lists them): what this document shows may \
                 have been changed outside warroom.\n\n",
                if n == 1 { "" } else { "s" }
            ));
        }
        if self.heads.is_empty() {
            out.push_str("This file had no hash chain to record when this was exported.\n");
            return out;
        }
        out.push_str(
            "The log's hash chain when this was exported: each origin's last event and its \
             hash, which pins every event of that origin up to it that was chained. To check \
             that the database still holds what this document was made from, run this \
             against it (with `--db` and its path if it is not your default):\n\n",
        );
        out.push_str(&format!("`{}`\n", self.verify));
        for h in self.heads.iter().filter(|h| !plain(&h.origin)) {
            out.push_str(&format!(
                "\nAn origin whose name cannot go into that command: {}#{} {}\n",
                super::md(&h.origin),
                h.seq,
                h.hash
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_names_each_plain_origin_and_a_strange_one_stays_inert() {
        let h = ChainHash([7; 32]);
        let r = ChainRecord::of([
            ("01JDABC".to_string(), 4, h, Vec::new()),
            ("x`; rm -rf /\n# heading".to_string(), 2, h, vec![2]),
        ]);
        assert_eq!(r.verify, format!("warroom verify --expect 01JDABC#4={h}"));
        let md = r.markdown();
        assert!(
            md.contains(&format!("`warroom verify --expect 01JDABC#4={h}`")),
            "{md}"
        );
        assert!(!md.contains("\n# heading"), "{md}");
        assert!(
            md.contains("x\\`; rm"),
            "a backtick is escaped, never code: {md}"
        );
    }
}
