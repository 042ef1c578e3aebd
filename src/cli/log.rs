//! `warroom log`: append an entry.

use std::io::{BufRead, Read};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use clap::Args;

use super::LogKind;
use super::context::{Context, Pick, pick_id};
use super::output;
use crate::domain::{Audience, Body};
use crate::store::{NewEvent, StoreError};
use crate::when::parse_entry_time;

/// Arguments of `warroom log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
    /// What kind of entry this is.
    #[arg(long, short, value_enum, default_value_t = LogKind::Note)]
    pub kind: LogKind,
    /// Who a status update is for: responders, executives or customers.
    #[arg(long, short, value_name = "AUDIENCE")]
    pub audience: Option<Audience>,
    /// When it happened, if earlier than now: HH:MM (today) or 'YYYY-MM-DD HH:MM' in the zone in force,
    /// RFC 3339, or a time ago ('10m ago', -2h). The entry is ordered by this time and
    /// marked as back-dated.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Record it for NAME (a scribe writing what someone said): credited to NAME, and
    /// shown as recorded by you.
    #[arg(long = "for", value_name = "NAME")]
    pub for_whom: Option<String>,
    /// Record it for someone neither on the roster nor watching in a console (a name
    /// typed wrong is refused without it).
    #[arg(long, requires = "for_whom")]
    pub new_responder: bool,
    /// Log an update to customers without showing it and asking first (for scripts;
    /// needed with --lines).
    #[arg(long, short)]
    pub yes: bool,
    /// Read stdin line by line and log each line as its own entry as it arrives,
    /// printing each entry's id once it is committed.
    #[arg(long)]
    pub lines: bool,
    /// The text; `-` reads it from stdin.
    #[arg(value_name = "TEXT", required_unless_present = "lines")]
    pub text: Vec<String>,
}

pub fn run(ctx: &Context, args: LogArgs) -> Result<()> {
    if args.lines && !(args.text.is_empty() || args.text == ["-"]) {
        bail!("--lines reads entries from stdin: leave out the text (or give `-`)");
    }
    if args.audience.is_some() && args.kind != LogKind::Update {
        bail!("--audience applies to status updates only: add --kind update");
    }
    let now = crate::store::system_clock()();
    let at = args
        .at
        .as_deref()
        .map(|t| parse_entry_time(t, now))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let single = if args.lines {
        None
    } else {
        Some(read_text(&args.text)?)
    };

    let to_customers = args.kind == LogKind::Update && args.audience == Some(Audience::Customers);
    if to_customers {
        match &single {
            Some(text) => super::ask::customers_read(text, args.yes)?,
            None if !args.yes => bail!(
                "updates to customers read from stdin are not asked about one by one: add --yes to log them"
            ),
            None => {}
        }
    }
    let mut store = ctx.open_write()?;
    // An alert with no incident named, and none (or several) open, goes to the inbox:
    // an alert does not wait for an incident, and is not guessed into one.
    let incident = match pick_id(&store, Pick::Write(args.incident.as_deref())) {
        Ok(id) => id,
        Err(_) if args.kind == LogKind::Alert && args.incident.is_none() => {
            return to_inbox(ctx, &mut store, single);
        }
        Err(e) => return Err(e),
    };
    warn_if_ended(
        &store,
        incident,
        &entry_body(args.kind, args.audience, String::new()),
    )?;
    // A scribe records for someone else: credited to them, recorded by the scribe. A
    // name the room does not know is likely a typo.
    let (author, recorded_by) = credit(&ctx.author, args.for_whom.as_deref())?;
    if recorded_by.is_some() && !args.new_responder {
        let state =
            super::context::pick_incident(&store, Pick::Write(Some(&incident.to_string())))?;
        let watching = store.present().unwrap_or_default();
        let known = state.roster.get(&author).is_some()
            || watching
                .iter()
                .any(|p| crate::domain::same_name(&p.user, &author));
        if !known {
            bail!(
                "{} is not on the roster and has no console open: check the name (`warroom page NAME` puts someone on it), or record it as theirs anyway with --new-responder",
                crate::inert::line(&author)
            );
        }
    }
    let make = |text: String| NewEvent {
        incident: Some(incident),
        author: author.clone(),
        recorded_by: recorded_by.clone(),
        at,
        body: entry_body(args.kind, args.audience, text),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // A status update goes to one audience: say which when none was named.
    let audience_said = || {
        if args.kind == LogKind::Update && args.audience.is_none() {
            tell!(
                "logged as a status update to {} (the audience when --audience names none; the others are executives and customers)",
                Audience::Responders
            );
        }
    };
    if let Some(text) = single {
        let event = append_waiting(&mut store, make(text), Some(SINGLE_WAIT))?;
        output::println(&mut out, &event.id.to_string())?;
        audience_said();
        return Ok(());
    }
    audience_said();
    let mut lines = Lines::new(std::io::stdin().lock());
    let (mut number, mut refused) = (0usize, 0usize);
    while let Some(line) = lines.next_line().context("cannot read stdin")? {
        number += 1;
        let text = match line {
            Line::Text(text) if text.trim().is_empty() => continue,
            Line::Text(text) => text,
            Line::TooLong => {
                refused += 1;
                tell!(
                    "warroom: line {number} is longer than the {} KiB one entry may hold; it was not logged",
                    MAX_LINE / 1024
                );
                continue;
            }
            Line::NotUtf8 => {
                refused += 1;
                tell!("warroom: line {number} is not UTF-8 text; it was not logged");
                continue;
            }
        };
        match append_waiting(&mut store, make(text), None) {
            Ok(event) => {
                output::println(&mut out, &event.id.to_string())?;
                output::flush(&mut out)?;
            }
            Err(e) => {
                refused += 1;
                let message = format!("{e:#}");
                tell!(
                    "warroom: line {number} was not logged: {}",
                    crate::inert::line(&message)
                );
            }
        }
    }
    if refused > 0 {
        bail!("{refused} of {number} lines were not logged (each is named above)");
    }
    Ok(())
}

/// How long a single `warroom log` waits for other writers before giving up.
const SINGLE_WAIT: Duration = Duration::from_secs(60);

/// Appends one entry, waiting for other writers as long as it takes (`None`) or up to
/// `patience`: the store's own wait for the lock is bounded, and a busy database is
/// no reason to drop what someone logged.
fn append_waiting(
    store: &mut crate::store::Store,
    mut entry: NewEvent,
    patience: Option<Duration>,
) -> Result<crate::domain::Event> {
    let start = Instant::now();
    let arrived = store.now();
    let mut pause = Duration::from_millis(10);
    loop {
        match store.append(vec![entry.clone()]) {
            Ok(mut events) => return Ok(events.remove(0)),
            Err(StoreError::Busy { .. }) if patience.is_none_or(|p| start.elapsed() < p) => {
                // What waited for the lock happened when it arrived, not when it got in.
                entry.at.get_or_insert(arrived);
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(1));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The longest line `--lines` reads as one entry: an entry may take 128 KiB as stored,
/// and text that long with its envelope would be over.
const MAX_LINE: usize = 120 * 1024;

/// One line of input.
enum Line {
    Text(String),
    /// Longer than [`MAX_LINE`]: skipped, to the next line break, without keeping it.
    TooLong,
    NotUtf8,
}

/// Reads lines, each at most [`MAX_LINE`] bytes held in memory.
struct Lines<R> {
    input: R,
}

impl<R: BufRead> Lines<R> {
    fn new(input: R) -> Lines<R> {
        Lines { input }
    }

    /// The next line without its line break, or `None` at the end.
    fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut bytes = Vec::new();
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (taken, ended) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let body = &chunk[..if ended { taken - 1 } else { taken }];
            if !too_long && bytes.len() + body.len() > MAX_LINE {
                too_long = true;
                bytes = Vec::new();
            }
            if !too_long {
                bytes.extend_from_slice(body);
            }
            self.input.consume(taken);
            if ended {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        if too_long {
            return Ok(Some(Line::TooLong));
        }
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        Ok(Some(match String::from_utf8(bytes) {
            Ok(text) => Line::Text(text),
            Err(_) => Line::NotUtf8,
        }))
    }
}

fn read_text(words: &[String]) -> Result<String> {
    let text = if words.len() == 1 && words[0] == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read the entry from stdin")?;
        let text = crate::files::utf8(bytes)
            .map_err(|e| anyhow::anyhow!("cannot log the entry on stdin: {e}"))?;
        text.trim_end_matches(['\n', '\r']).to_string()
    } else {
        words.join(" ")
    };
    if text.trim().is_empty() {
        bail!("nothing to log: give the text as arguments, or `-` to read it from stdin");
    }
    Ok(text)
}

/// Says on stderr when the incident written to is resolved or closed (the rules'
/// caution); the entry is still written, so scripts keep working.
fn warn_if_ended(store: &crate::store::Store, incident: ulid::Ulid, body: &Body) -> Result<()> {
    let summaries = store.incident_summaries()?;
    let Some(summary) = summaries.iter().find(|s| s.id == incident) else {
        return Ok(());
    };
    if let Some(caution) = crate::rules::entry_caution(summary.status, body) {
        let about = Some((summary.short_id(), summary.title.as_str()));
        tell!(
            "warroom: warning: {}",
            super::ask::caution_words(about, &caution)
        );
    }
    Ok(())
}

/// Alerts logged with no incident to go to: into the inbox, one notification each
/// (the text given, or each line of stdin), printing each alert's id.
fn to_inbox(ctx: &Context, store: &mut crate::store::Store, single: Option<String>) -> Result<()> {
    let note = |text: String| crate::intake::Notification {
        fingerprint: crate::intake::fingerprint_of(None, &text, &Default::default()),
        text,
        source: None,
        labels: Default::default(),
        resolved: false,
        url: None,
    };
    let mut out = std::io::stdout().lock();
    let mut record = |text: String| -> Result<()> {
        let checked = crate::intake::payload::checked(note(text))
            .map_err(|e| anyhow::anyhow!("not recorded: {e}"))?;
        for event in crate::intake::record(store, &ctx.author, &[checked])? {
            output::println(&mut out, &crate::domain::short_id(event.incident))?;
        }
        output::flush(&mut out)
    };
    tell!(
        "no one incident to log it to (none is open, or several: name one with --incident); the alert goes to the inbox (`warroom alerts`)"
    );
    match single {
        Some(text) => record(text),
        None => {
            let mut lines = Lines::new(std::io::stdin().lock());
            let (mut number, mut refused) = (0usize, 0usize);
            while let Some(line) = lines.next_line().context("cannot read stdin")? {
                number += 1;
                let result = match line {
                    Line::Text(text) if text.trim().is_empty() => continue,
                    Line::Text(text) => record(text),
                    Line::TooLong | Line::NotUtf8 => {
                        Err(anyhow::anyhow!("it is too long or not UTF-8 text"))
                    }
                };
                if let Err(e) = result {
                    refused += 1;
                    let message = format!("{e:#}");
                    tell!(
                        "warroom: line {number} was not recorded: {}",
                        crate::inert::line(&message)
                    );
                }
            }
            if refused > 0 {
                bail!("{refused} of {number} lines were not recorded (each is named above)");
            }
            Ok(())
        }
    }
}

/// Who an entry is credited to and who recorded it, for `me` writing `for_whom`: the
/// name as given (one clear line when it is blank), and `me` as the recorder unless it
/// is the same person.
pub fn credit(me: &str, for_whom: Option<&str>) -> Result<(String, Option<String>)> {
    match for_whom.map(str::trim) {
        None => Ok((me.to_string(), None)),
        Some("") => bail!("--for needs a name: who said it"),
        Some(name) if crate::domain::same_name(name, me) => Ok((me.to_string(), None)),
        Some(name) => Ok((name.to_string(), Some(me.to_string()))),
    }
}

/// The event an entry logged as `kind` (to `audience`, for a status update) makes.
fn entry_body(kind: LogKind, audience: Option<Audience>, text: String) -> Body {
    match kind {
        LogKind::Note => Body::Note { text },
        LogKind::Decision => Body::Decision { text },
        LogKind::Action => Body::Action { text },
        LogKind::Hypothesis => Body::Hypothesis { text },
        LogKind::Alert => Body::Alert { text, source: None },
        LogKind::Update => Body::StatusUpdate {
            audience: audience.unwrap_or(Audience::Responders),
            text,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_whole_bad_ones_named_and_long_ones_skipped_to_their_end() {
        let mut input = b"one\r\n".to_vec();
        input.extend_from_slice(b"bad \xff\n");
        input.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        input.extend_from_slice(b"\nlast");
        let mut lines = Lines::new(std::io::BufReader::with_capacity(7, &input[..]));
        let mut got = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            got.push(match line {
                Line::Text(t) => t,
                Line::TooLong => "<too long>".into(),
                Line::NotUtf8 => "<not utf-8>".into(),
            });
        }
        assert_eq!(got, ["one", "<not utf-8>", "<too long>", "last"]);
    }
}
