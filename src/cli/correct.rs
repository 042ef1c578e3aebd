//! `warroom correct`: amend or strike an entry with a new event.

use anyhow::{Result, bail};
use clap::Args;

use super::context::{Context, resolve_id};
use crate::domain::{Body, IncidentState};
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
    let mut store = ctx.open_write()?;
    let events = store.all_events()?;
    let ids: Vec<_> = events.iter().map(|e| e.id).collect();
    let target = resolve_id(
        &ids,
        &args.entry,
        "entry",
        "`warroom tail --ids` shows entry ids",
    )?;
    let Some(event) = events.into_iter().find(|e| e.id == target) else {
        bail!("entry {target} vanished while correcting it; try again");
    };
    if event.body.text().is_none() {
        bail!(
            "entry {} is a {} entry, not typed text; corrections apply to typed entries. Record a new event instead (for example a new severity or status)",
            crate::domain::short_id(target),
            event.kind()
        );
    }
    if args.text.as_deref().is_some_and(|t| t.trim().is_empty()) {
        bail!("the corrected text is empty: use --strike to strike the entry instead");
    }
    let incident = event.incident;
    let written = store.append(vec![NewEvent {
        incident: Some(incident),
        author: ctx.author.clone(),
        at: None,
        body: Body::Correction {
            target,
            text: args.text,
            strike: args.strike,
            reason: args.reason,
        },
    }])?;
    println!("{}", written[0].id);
    let state: Option<IncidentState> = store.incident(incident)?;
    if let Some(reason) = state.and_then(|s| s.entry(written[0].id).and_then(|e| e.refused.clone()))
    {
        eprintln!("note: {}", crate::inert::line(&reason));
    }
    Ok(())
}
