//! Writing to stdout: inert text, and a quiet exit when the reader goes away.

use std::io::{self, Write};

use anyhow::Result;

use crate::domain::ActionItem;
use crate::format::or_dash;
use crate::inert;

/// Prints a line to stdout, made inert: whatever it quotes (an entry, a name, a
/// playbook's or a scenario's text, a peer's message) reaches the terminal as text.
/// Every command prints through these macros; none calls `println!` itself.
macro_rules! say {
    () => {
        $crate::cli::output::write_out("", true)
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_out(&format!($($arg)*), true)
    };
}

/// Like [`say!`] without the line break.
macro_rules! say_part {
    ($($arg:tt)*) => {
        $crate::cli::output::write_out(&format!($($arg)*), false)
    };
}

/// Prints a line to stderr, made inert (see [`say!`]).
macro_rules! tell {
    () => {
        $crate::cli::output::write_err("", true)
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_err(&format!($($arg)*), true)
    };
}

/// Like [`tell!`] without the line break (a prompt).
macro_rules! tell_part {
    ($($arg:tt)*) => {
        $crate::cli::output::write_err(&format!($($arg)*), false)
    };
}

/// Writes `text` to stdout made inert (keeping its line breaks), then a line break if
/// `newline`. A closed pipe ends the process quietly, as [`println`] does.
pub fn write_out(text: &str, newline: bool) {
    let mut out = io::stdout().lock();
    let result = out
        .write_all(inert::text(text).as_bytes())
        .and_then(|()| {
            if newline {
                out.write_all(b"\n")
            } else {
                Ok(())
            }
        })
        .and_then(|()| out.flush());
    if let Err(e) = result
        && e.kind() == io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// Writes `text` to stderr made inert (keeping its line breaks), then a line break if
/// `newline`.
pub fn write_err(text: &str, newline: bool) {
    let mut err = io::stderr().lock();
    let _ = err
        .write_all(inert::text(text).as_bytes())
        .and_then(|()| {
            if newline {
                err.write_all(b"\n")
            } else {
                Ok(())
            }
        })
        .and_then(|()| err.flush());
}

/// Writes one line to stdout, made inert (keeping its line breaks) like everything
/// printed. A closed pipe (`warroom tail | head`) is not an error: the process just has
/// nobody left to talk to, so it exits quietly.
pub fn println(out: &mut impl Write, line: &str) -> Result<()> {
    match writeln!(out, "{}", inert::text(line)) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}

/// Writes one line of serialised JSON to stdout, made safe by [`inert::json`] (which keeps
/// the JSON's value) and nothing else: the text inside must come out as stored, so that
/// an export read back in is the same events.
pub fn json_line(out: &mut impl Write, json: &str) -> Result<()> {
    match writeln!(out, "{}", inert::json(json)) {
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
