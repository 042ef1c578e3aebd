//! Writing to stdout: inert text, and a quiet exit when the reader goes away.

use std::io::{self, Write};

use anyhow::Result;

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
