//! `warroom situation`: set the incident's current picture, or print it.

use anyhow::{Result, anyhow};
use clap::Args;

use super::ask::{ask_and_print, incident};
use super::context::{Context, Open, Pick};
use crate::domain::{IncidentState, Timestamp};
use crate::rules::{Request, SituationFields};

/// What `warroom situation` takes: the fields to set (none: print the situation).
#[derive(Debug, Args)]
pub struct SituationArgs {
    /// Who is affected, and how.
    #[arg(long)]
    pub impact: Option<String>,
    /// The services affected, comma-separated (an empty value clears them).
    #[arg(long, value_name = "A,B")]
    pub services: Option<String>,
    /// The regions affected, comma-separated (an empty value clears them).
    #[arg(long, value_name = "A,B")]
    pub regions: Option<String>,
    /// When customers were first affected (a time as `log --at` takes it).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub impact_start: Option<String>,
    /// When customers stopped being affected.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub impact_end: Option<String>,
    /// What is being done next.
    #[arg(long = "next", value_name = "TEXT")]
    pub next_steps: Option<String>,
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
}

/// A comma-separated list as given.
fn list(text: Option<String>) -> Option<Vec<String>> {
    text.map(|t| {
        t.split(',')
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty())
            .collect()
    })
}

/// Runs `warroom situation`.
pub fn run(ctx: &Context, args: SituationArgs) -> Result<()> {
    let setting = args.impact.is_some()
        || args.services.is_some()
        || args.regions.is_some()
        || args.impact_start.is_some()
        || args.impact_end.is_some()
        || args.next_steps.is_some();
    if !setting {
        let (_, state) = incident(ctx, Open::Read, Pick::Read(args.incident.as_deref()))?;
        for line in lines(&state) {
            say!("{line}");
        }
        return Ok(());
    }
    let (mut store, state) = incident(ctx, Open::Write, Pick::Write(args.incident.as_deref()))?;
    let now = store.now();
    let time = |flag: &str, text: Option<String>| -> Result<Option<Timestamp>> {
        text.map(|t| crate::when::parse_entry_time(&t, now).map_err(|e| anyhow!("--{flag}: {e}")))
            .transpose()
    };
    let fields = SituationFields {
        impact: args.impact,
        services: list(args.services),
        regions: list(args.regions),
        impact_start: time("impact-start", args.impact_start)?,
        impact_end: time("impact-end", args.impact_end)?,
        next_steps: args.next_steps,
    };
    ask_and_print(ctx, &mut store, Some(&state), Request::Situation(fields))
}

/// The situation in lines of `label   value`, as `show` writes its fields.
pub fn lines(state: &IncidentState) -> Vec<String> {
    let s = &state.situation;
    let when =
        |t: Option<Timestamp>| t.map_or_else(|| "-".to_string(), crate::format::local_datetime);
    let list = |items: &[String]| {
        if items.is_empty() {
            "-".to_string()
        } else {
            items.join(", ")
        }
    };
    let text = |t: &Option<String>| t.clone().unwrap_or_else(|| "-".into());
    let rows = [
        ("impact", text(&s.impact)),
        ("services", list(&s.services)),
        ("regions", list(&s.regions)),
        ("impact from", when(s.impact_start)),
        ("impact to", when(s.impact_end)),
        ("next", text(&s.next_steps)),
    ];
    rows.iter()
        .map(|(label, value)| format!("{label:<12}{}", crate::inert::line(value)))
        .collect()
}
