//! `warroom correct`: amend, strike or re-date an entry with a new event, as the rules
//! decide.

use anyhow::{Result, bail};
use clap::Args;

use super::context::{Context, Pick, pick_incident, resolve_id};
use crate::rules::Request;

/// Arguments of `warroom correct`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("change").required(true).multiple(true).args(["text", "strike", "at"]))]
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
    /// When the entry truly happened (re-date it): HH:MM, 'YYYY-MM-DD HH:MM' or RFC 3339,
    /// in the zone in force, or a time ago such as '10m ago'.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Why.
    #[arg(long)]
    pub reason: Option<String>,
}

pub fn run(ctx: &Context, args: CorrectArgs) -> Result<()> {
    if args.text.as_deref().is_some_and(|t| t.trim().is_empty()) {
        bail!("the corrected text is empty: use --strike to strike the entry instead");
    }
    let mut store = ctx.open_write()?;
    let at = args
        .at
        .as_deref()
        .map(|t| crate::when::parse_when(t, store.now()))
        .transpose()
        .map_err(anyhow::Error::msg)?;
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
    let incident = event.incident.to_string();
    let state = pick_incident(&store, Pick::Read(Some(&incident)))?;
    super::ask::ask_and_print(
        ctx,
        &mut store,
        Some(&state),
        Request::Correct {
            target,
            text: args.text,
            strike: args.strike,
            reason: args.reason,
            at,
        },
    )
}
