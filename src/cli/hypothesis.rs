//! `warroom hypothesis`: confirm a hypothesis, rule it out (saying why), or open it again.

use anyhow::Result;
use clap::Args;

use super::ask::{ask_and_print, incident};
use super::context::{Context, Open, Pick, resolve_id};
use crate::domain::{Body, Verdict};
use crate::rules::Request;

/// What `warroom hypothesis` takes.
#[derive(Debug, Args)]
pub struct HypothesisArgs {
    /// The hypothesis: its entry id or the last 4+ characters (`warroom tail --ids`).
    #[arg(value_name = "ENTRY")]
    pub entry: String,
    /// confirmed, ruled-out or open.
    #[arg(value_parser = Verdict::read)]
    pub verdict: Verdict,
    /// Why (required to rule one out).
    #[arg(long)]
    pub reason: Option<String>,
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
}

/// Runs `warroom hypothesis`.
pub fn run(ctx: &Context, args: HypothesisArgs) -> Result<()> {
    let (mut store, state) = incident(ctx, Open::Write, Pick::Write(args.incident.as_deref()))?;
    let hypotheses: Vec<ulid::Ulid> = state
        .timeline
        .iter()
        .filter(|e| matches!(e.event.body, Body::Hypothesis { .. }))
        .map(|e| e.event.id)
        .collect();
    let target = resolve_id(
        &hypotheses,
        &args.entry,
        "hypothesis",
        "`warroom tail --ids` shows entry ids; hypotheses are logged with --kind hypothesis",
    )?;
    let request = Request::Judge {
        target,
        verdict: args.verdict,
        reason: args.reason,
    };
    ask_and_print(ctx, &mut store, Some(&state), request)
}
