//! `warroom correct`: amend or strike an entry with a new event.

use anyhow::{Result, bail};
use clap::Args;

use super::context::{Context, resolve_id};
use crate::domain::Body;
use crate::store::NewEvent;

/// Arguments of `warroom correct`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("change").required(true).multiple(true).args(["text", "strike"]))]
pub struct CorrectArgs {
    /// The entry to correct: its id or its last 4+ characters (`warroom tail --ids`).
    #[arg(value_name = "ENTRY")]
    pub entry: String,
    /// The corrected text.
    #[arg(long)]
    pub text: Option<String>,
    /// Strike the entry: it stays visible, marked as struck.
    #[arg(long)]
    pub strike: bool,
    /// Why.
    #[arg(long)]
    pub reason: Option<String>,
}

pub fn run(ctx: &Context, args: CorrectArgs) -> Result<()> {
    if args.text.as_deref().is_some_and(|t| t.trim().is_empty()) {
        bail!("the corrected text is empty: use --strike to strike the entry instead");
    }
    let mut store = ctx.open_write()?;
    // Only the entries whose id ends as typed are read (a prefix of too few characters
    // reads nothing, and resolve_id says it is too short).
    let typed = args.entry.trim();
    let candidates = if typed.len() >= 4 {
        store.events_ending_with(typed)?
    } else {
        Vec::new()
    };
    let ids: Vec<_> = candidates.iter().map(|e| e.id).collect();
    let target = resolve_id(
        &ids,
        &args.entry,
        "entry",
        "`warroom tail --ids` shows entry ids",
    )?;
    let Some(event) = candidates.into_iter().find(|e| e.id == target) else {
        bail!("entry {target} vanished while correcting it; try again");
    };
    if event.body.text().is_none() {
        bail!(
            "entry {} is a {} entry, not typed text; corrections apply to typed entries. Record a new event instead (for example a new severity or status)",
            crate::domain::short_id(target),
            event.kind()
        );
    }
    let written = store.append(vec![NewEvent {
        incident: Some(event.incident),
        author: ctx.author.clone(),
        recorded_by: None,
        at: None,
        body: Body::Correction {
            target,
            text: args.text,
            strike: args.strike,
            reason: args.reason,
        },
    }])?;
    say!("{}", written[0].id);
    Ok(())
}
