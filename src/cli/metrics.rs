//! `warroom metrics`: MTTA, MTTR, frequency and open action items, drills left out.

use anyhow::{Result, anyhow};
use chrono::{NaiveDate, NaiveTime};
use clap::Args;

use super::context::Context;
use crate::domain::Timestamp;
use crate::metrics::summarize;
use crate::when::{local_to_utc, read_time, refuse_future};

/// Arguments of `warroom metrics`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Only incidents that started on or after this local date (YYYY-MM-DD) or time
    /// ('YYYY-MM-DD HH:MM', RFC 3339, or a time ago such as '30d ago').
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Print JSON for machines.
    #[arg(long)]
    pub json: bool,
}

/// A day means its local midnight, as every other time people type is local. Every
/// error is one line, naming the forms once.
fn parse_since(text: &str, now: Timestamp) -> Result<Timestamp> {
    let parsed = match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(day) => local_to_utc(day.and_time(NaiveTime::MIN), text).map(Some),
        Err(_) => read_time(text, now),
    };
    match parsed {
        Ok(Some(since)) => refuse_future(since, text, now).map_err(|e| anyhow!("--since: {e}")),
        Ok(None) => Err(anyhow!(
            "--since '{text}' is not a date or a time: give YYYY-MM-DD (from local midnight), 'YYYY-MM-DD HH:MM', RFC 3339, or a time ago such as '30d ago'"
        )),
        Err(e) => Err(anyhow!("--since: {e}")),
    }
}

pub fn run(ctx: &Context, args: MetricsArgs) -> Result<()> {
    let since = args
        .since
        .as_deref()
        .map(|t| parse_since(t, crate::store::system_clock()()))
        .transpose()?;
    let playbook = ctx.playbook()?;
    let store = ctx.open_read()?;
    // Folded from the kinds that decide the figures only: the same answer as the
    // whole log's, without reading every note of years of history.
    let states = store.incidents_of_kinds(&crate::metrics::deciding_kinds())?;
    let summary = summarize(
        &states,
        since,
        &|s, a| playbook.cadence_for(s, a),
        store.now(),
    );
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
        "{} incident{}{window} ({} drills and {} routed alerts left out)",
        summary.incidents,
        if summary.incidents == 1 { "" } else { "s" },
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn since_reads_a_day_a_time_or_a_time_ago_and_names_the_forms_once() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        assert!(parse_since("2026-10-01", now).is_ok());
        assert!(parse_since("2026-10-01 08:00", now).is_ok());
        assert_eq!(
            parse_since("30d ago", now).unwrap(),
            now - chrono::TimeDelta::days(30)
        );
        let err = parse_since("last tuesday", now).unwrap_err().to_string();
        assert_eq!(err.matches("YYYY-MM-DD").count(), 2, "{err}");
        assert_eq!(err.matches("RFC 3339").count(), 1, "{err}");
        assert!(err.starts_with("--since 'last tuesday'"), "{err}");
        let err = parse_since("2099-01-01", now).unwrap_err().to_string();
        assert!(err.contains("in the future"), "{err}");
    }
}
