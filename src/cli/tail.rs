//! `warroom tail`: print a timeline, and with `--follow` keep printing.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::context::{Context, Pick, pick_incident};
use super::output;
use crate::domain::{Applied, Entry, IncidentState, rfc3339, short_id};
use crate::format;
use crate::inert;
use crate::store::Follower;

/// Arguments of `warroom tail`.
#[derive(Debug, Args)]
pub struct TailArgs {
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
    /// Print one JSON object a line instead of text.
    #[arg(long)]
    pub json: bool,
    /// Keep printing entries as they are logged, until interrupted.
    #[arg(long, short)]
    pub follow: bool,
    /// Start each line with the entry's short id (for `warroom correct`).
    #[arg(long)]
    pub ids: bool,
    /// Print only the last N entries of the timeline.
    #[arg(long, short = 'n', value_name = "N")]
    pub lines: Option<usize>,
}

/// How long `--follow` waits for a file notification before checking anyway.
const FALLBACK_POLL: Duration = Duration::from_millis(250);

pub fn run(ctx: &Context, args: TailArgs) -> Result<()> {
    let store = ctx.open_read()?;
    // The cursor first: an event committed while the incident is read is then both in
    // the fold and read again when following, and the fold skips it the second time.
    let cursor = store.last_pos()?;
    let mut state = pick_incident(&store, Pick::Read(args.incident.as_deref()))?;
    let stdout = std::io::stdout();
    // A person reading at a terminal is told once which zone the times are in; a
    // script reading the lines gets only the lines (JSON carries RFC 3339 times).
    if !args.json && std::io::IsTerminal::is_terminal(&stdout) {
        tell!("times are {}", crate::zone::in_force().name(store.now()));
    }
    let mut out = stdout.lock();
    let skip = args
        .lines
        .map(|n| state.timeline.len().saturating_sub(n))
        .unwrap_or(0);
    for entry in &state.timeline[skip..] {
        print_entry(&mut out, &state, entry, &args)?;
    }
    output::flush(&mut out)?;
    if !args.follow {
        return Ok(());
    }
    let mut follower = Follower::new(store, cursor)?;
    loop {
        let events = follower.next(1000, FALLBACK_POLL)?;
        if follower.take_rewound() {
            tell!(
                "warroom: the database file was replaced or restored from an older copy; following it as it is now (entries shown above may be gone from it)"
            );
        }
        if events.is_empty() {
            continue;
        }
        for event in events {
            let id = event.id;
            if let Applied::Duplicate | Applied::Foreign = state.apply(event) {
                continue;
            }
            if let Some(entry) = state.entry(id) {
                print_entry(&mut out, &state, entry, &args)?;
            }
        }
        output::flush(&mut out)?;
    }
}

fn print_entry(
    out: &mut impl Write,
    state: &IncidentState,
    entry: &Entry,
    args: &TailArgs,
) -> Result<()> {
    if args.json {
        return output::json_line(out, &json_line(state, entry)?);
    }
    output::println(out, &text_line(state, entry, args.ids))
}

/// One entry as a line of text, made inert.
fn text_line(state: &IncidentState, entry: &Entry, ids: bool) -> String {
    let id = if ids {
        format!("{}  ", short_id(entry.event.id))
    } else {
        String::new()
    };
    format!(
        "{id}{}  {:<11}  {}: {}",
        format::local_datetime(entry.event.at),
        entry.category().marker(),
        inert::line(&entry.event.credit()),
        format::entry_text(state, entry)
    )
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    id: String,
    incident: String,
    kind: &'a str,
    author: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded_by: Option<&'a str>,
    at: String,
    logged_at: String,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_text: Option<String>,
    struck: bool,
    backdated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    refused: Option<&'a str>,
    payload: serde_json::Value,
}

/// One entry as a line of JSON, with terminal-dangerous characters escaped.
fn json_line(state: &IncidentState, entry: &Entry) -> Result<String> {
    let current = state.current_text(entry);
    let e = &entry.event;
    let value = JsonEntry {
        id: e.id.to_string(),
        incident: e.incident.to_string(),
        kind: e.kind(),
        author: &e.author,
        recorded_by: e.recorded_by.as_deref(),
        at: rfc3339(e.at),
        logged_at: rfc3339(e.logged_at),
        original_text: current.amended.then(|| entry.original_text()),
        text: current.text,
        struck: current.struck,
        backdated: e.is_backdated(),
        refused: entry.refused.as_deref(),
        payload: e.body.to_parts().1,
    };
    Ok(serde_json::to_string(&value)?)
}
