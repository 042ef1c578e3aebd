//! `warroom declare`: open an incident.

use anyhow::Result;
use clap::Args;

use super::context::Context;
use crate::domain::{Body, Severity, Status, short_id};
use crate::store::NewEvent;
use crate::when::parse_entry_time;

/// Arguments of `warroom declare`.
#[derive(Debug, Args)]
pub struct DeclareArgs {
    /// One line saying what is wrong.
    #[arg(long, short)]
    pub title: String,
    /// Severity from the matrix, P1 (critical) to P5 (info). P3 or worse declares the
    /// incident at once; without it, the incident opens in triage.
    #[arg(long, short)]
    pub severity: Option<Severity>,
    /// Who takes command.
    #[arg(long, short, value_name = "NAME")]
    pub commander: Option<String>,
    /// When the problem was first noticed (HH:MM today, 'YYYY-MM-DD HH:MM', RFC 3339, or a
    /// time ago such as '20m ago').
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub detected_at: Option<String>,
    /// When it was opened and declared, if earlier than now (an incident written up
    /// after the fact): the same forms as --detected-at. Its entries are marked as
    /// back-dated.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub at: Option<String>,
}

pub fn run(ctx: &Context, args: DeclareArgs) -> Result<()> {
    let title = args.title.trim().to_string();
    if title.is_empty() {
        anyhow::bail!(
            "the title is empty: say in a few words what is wrong, e.g. --title \"checkout failing in EU\""
        );
    }
    let now = crate::store::system_clock()();
    let detected_at = args
        .detected_at
        .as_deref()
        .map(|t| parse_entry_time(t, now))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let at = args
        .at
        .as_deref()
        .map(|t| parse_entry_time(t, now))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    if let (Some(at), Some(detected)) = (at, detected_at)
        && detected > at
    {
        anyhow::bail!(
            "it would be detected after it was declared: --detected-at comes before --at"
        );
    }
    let playbook = ctx.playbook()?;
    let mut store = ctx.open_write()?;
    let bodies = crate::rules::declare_bodies(&playbook, title, detected_at, args.severity);
    let declared = bodies
        .iter()
        .any(|b| matches!(b, Body::StatusChanged { .. }));
    let mut drafts: Vec<NewEvent> = bodies.into_iter().map(|b| draft(ctx, b)).collect();
    // Written up after the fact: the opening and what came with it happened then.
    for draft in &mut drafts {
        draft.at = at;
    }
    if let Some(commander) = args
        .commander
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
    {
        let mut claim = draft(ctx, Body::CommandClaimed { commander });
        claim.at = at;
        drafts.push(claim);
    }
    let events = store.append(drafts)?;
    let incident = events[0].incident;
    say!("{incident}");
    let severity = args
        .severity
        .map(|s| s.to_string())
        .unwrap_or_else(|| "no severity yet".into());
    let status = if declared {
        Status::Investigating
    } else {
        Status::Triage
    };
    tell!(
        "opened {} ({severity}, {status}); log to it with `warroom log TEXT`",
        short_id(incident)
    );
    if let Some(severity) = args.severity.filter(|_| !declared) {
        tell!(
            "note: {severity} is below the threshold to declare ({:?}); it stays in triage. Raise the severity to declare it, or route it to the service desk (`warroom triage`)",
            playbook.triage.threshold
        );
    }
    Ok(())
}

fn draft(ctx: &Context, body: Body) -> NewEvent {
    NewEvent::now(None, ctx.author.clone(), body)
}
