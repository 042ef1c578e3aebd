//! Writing to stdout: inert text, and a quiet exit when the reader goes away.

use std::io::{self, Write};

use anyhow::Result;

use crate::domain::ActionItem;
use crate::format::or_dash;
use crate::inert;

/// Writes one line to stdout. A closed pipe (`warroom tail | head`) is not an error:
/// the process just has nobody left to talk to, so it exits quietly.
pub fn println(out: &mut impl Write, line: &str) -> Result<()> {
    match writeln!(out, "{line}") {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}

/// Flushes stdout, treating a closed pipe as above.
pub fn flush(out: &mut impl Write) -> Result<()> {
    match out.flush() {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}

/// One action item as `show` and `review` print it, inert:
/// `[open] title (owner -, due 2024-05-01, high priority)`.
pub fn action_item(item: &ActionItem) -> String {
    format!(
        "[{}] {} (owner {}, due {}, {} priority)",
        if item.closed_at.is_some() {
            "done"
        } else {
            "open"
        },
        inert::line(&item.title),
        or_dash(item.owner.as_deref().map(inert::line)),
        or_dash(item.due),
        item.priority
            .map(|p| p.to_string())
            .unwrap_or_else(|| "no".into())
    )
}
