//! `warroom metrics`: MTTA, MTTR, frequency and open action items, drills left out.

use anyhow::{Result, anyhow};
use chrono::{NaiveDate, NaiveTime};
use clap::Args;

use super::context::Context;
use super::when::{local_to_utc, parse_when};
use crate::domain::Timestamp;
use crate::metrics::summarize;

/// Arguments of `warroom metrics`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Only incidents that started on or after this local date (YYYY-MM-DD) or time
    /// ('YYYY-MM-DD HH:MM', or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Print JSON for machines.
    #[arg(long)]
    pub json: bool,
}

/// A day means its local midnight, as every other time people type is local.
fn parse_since(text: &str, now: Timestamp) -> Result<Timestamp> {
    let parsed = match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(day) => local_to_utc(day.and_time(NaiveTime::MIN), text),
        Err(_) => parse_when(text, now),
    };
    parsed.map_err(|e| {
        anyhow!("--since '{text}': {e}; give a date as YYYY-MM-DD (from local midnight)")
    })
}

pub fn run(ctx: &Context, args: MetricsArgs) -> Result<()> {
    let since = args
        .since
        .as_deref()
        .map(|t| parse_since(t, crate::store::system_clock()()))
        .transpose()?;
    let playbook = ctx.playbook()?;
    let store = ctx.open_read()?;
    let states = store.incidents()?;
    let summary = summarize(&states, since, &|s| playbook.cadence(s), store.now());
    if args.json {
        super::output::json_line(
            &mut std::io::stdout().lock(),
            &serde_json::to_string_pretty(&summary)?,
        )?;
        return Ok(());
    }
    let window = args
        .since
        .as_deref()
        .map(|s| format!(" since {s}"))
        .unwrap_or_default();
    say!(
        "{} incidents{window} ({} drills and {} routed alerts left out)",
        summary.incidents,
        summary.drills_excluded,
        summary.routed_excluded
    );
    say!(
        "MTTA {}   MTTR {}",
        crate::format::seconds(summary.mtta_s),
        crate::format::seconds(summary.mttr_s)
    );
    let list = |m: &std::collections::BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    say!("by severity: {}", list(&summary.by_severity));
    say!("by week:     {}", list(&summary.by_week));
    say!("by month:    {}", list(&summary.by_month));
    say!(
        "open:        {} incidents, {} action items",
        summary.open_incidents,
        summary.open_action_items
    );
    if !summary.per_incident.is_empty() {
        let (header, rows) = crate::metrics::table(&summary);
        say!();
        say!("{header}");
        for row in rows {
            say!("{row}");
        }
    }
    Ok(())
}
