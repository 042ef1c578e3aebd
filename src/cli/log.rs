//! `warroom log`: append an entry.

use std::io::{BufRead, Read};

use anyhow::{Context as _, Result, bail};
use clap::Args;

use super::EntryKind;
use super::context::{Context, Pick, pick_id};
use super::output;
use super::when::parse_entry_time;
use crate::domain::Audience;
use crate::store::NewEvent;

/// Arguments of `warroom log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
    /// What kind of entry this is.
    #[arg(long, short, value_enum, default_value_t = EntryKind::Note)]
    pub kind: EntryKind,
    /// Who a status update is for: responders, executives or customers.
    #[arg(long, short, value_name = "AUDIENCE")]
    pub audience: Option<Audience>,
    /// When it happened, if earlier than now: HH:MM (today, local), 'YYYY-MM-DD HH:MM'
    /// or RFC 3339. The entry is ordered by this time and marked as back-dated.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
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
    if args.audience.is_some() && args.kind != EntryKind::Status {
        bail!("--audience applies to status updates only: add --kind status");
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

    let mut store = ctx.open_write()?;
    let incident = pick_id(&store, Pick::Write(args.incident.as_deref()))?;
    let kind = entry_kind(args.kind, args.audience);
    let make = |text: String| NewEvent {
        incident: Some(incident),
        author: ctx.author.clone(),
        at,
        body: kind.body(text),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Some(text) = single {
        let event = store.append(vec![make(text)])?;
        output::println(&mut out, &event[0].id.to_string())?;
        return Ok(());
    }
    for line in std::io::stdin().lock().lines() {
        let line = line.context("cannot read stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let event = store.append(vec![make(line)])?;
        output::println(&mut out, &event[0].id.to_string())?;
        output::flush(&mut out)?;
    }
    Ok(())
}

fn read_text(words: &[String]) -> Result<String> {
    let text = if words.len() == 1 && words[0] == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the entry from stdin")?;
        text.trim_end_matches(['\n', '\r']).to_string()
    } else {
        words.join(" ")
    };
    if text.trim().is_empty() {
        bail!("nothing to log: give the text as arguments, or `-` to read it from stdin");
    }
    Ok(text)
}

/// The console's kind for an entry logged as `kind` (to `audience`, for a status
/// update), whose `body` makes the event: one mapping for both front ends.
fn entry_kind(kind: EntryKind, audience: Option<Audience>) -> crate::app::EntryKind {
    use crate::app::EntryKind as K;
    match kind {
        EntryKind::Note => K::Note,
        EntryKind::Decision => K::Decision,
        EntryKind::Action => K::Action,
        EntryKind::Hypothesis => K::Hypothesis,
        EntryKind::Alert => K::Alert,
        EntryKind::Status => K::update_to(audience.unwrap_or(Audience::Responders)),
    }
}
