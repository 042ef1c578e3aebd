//! `warroom metrics`: MTTA, MTTR, frequency and open action items, drills left out.

use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;

use super::context::Context;
use crate::metrics::summarize;

/// Arguments of `warroom metrics`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Only incidents that started on or after this date (YYYY-MM-DD, or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Print JSON for machines.
    #[arg(long)]
    pub json: bool,
}

fn parse_since(text: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => Ok(day
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_default()),
        Err(_) => bail!("--since '{text}': give a date as YYYY-MM-DD, or an RFC 3339 time"),
    }
}

pub fn run(ctx: &Context, args: MetricsArgs) -> Result<()> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let playbook = ctx.playbook()?;
    let store = ctx.open_read()?;
    let states = store.incidents()?;
    let summary = summarize(&states, since, &|s| playbook.cadence(s), store.now());
    if args.json {
        println!(
            "{}",
            crate::inert::json(&serde_json::to_string_pretty(&summary)?)
        );
        return Ok(());
    }
    let window = args
        .since
        .as_deref()
        .map(|s| format!(" since {s}"))
        .unwrap_or_default();
    println!(
        "{} incidents{window} ({} drills and {} routed alerts left out)",
        summary.incidents, summary.drills_excluded, summary.routed_excluded
    );
    println!(
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
    println!("by severity: {}", list(&summary.by_severity));
    println!("by week:     {}", list(&summary.by_week));
    println!("by month:    {}", list(&summary.by_month));
    println!(
        "open:        {} incidents, {} action items",
        summary.open_incidents, summary.open_action_items
    );
    if !summary.per_incident.is_empty() {
        let (header, rows) = crate::metrics::table(&summary);
        println!();
        println!("{header}");
        for row in rows {
            println!("{row}");
        }
    }
    Ok(())
}
