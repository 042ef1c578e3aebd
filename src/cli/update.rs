//! `warroom update`: a status update from the playbook's template.

use anyhow::{Result, anyhow};
use clap::Args;

use super::ask;
use super::context::{Context, Open, Pick};
use crate::domain::{Audience, Body};
use crate::rules::Request;

/// Arguments of `warroom update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Who it is for: responders, executives or customers.
    #[arg(long, short)]
    pub audience: Audience,
    /// Print the filled template (to paste elsewhere) instead of logging it.
    #[arg(long)]
    pub print: bool,
    /// Log an update to customers without showing it and asking first (for scripts).
    #[arg(long, short)]
    pub yes: bool,
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
}

pub fn run(ctx: &Context, args: UpdateArgs) -> Result<()> {
    // Printing only reads: it works on a read-only file, and on the newest incident
    // when none is open (to write the last update of a resolved one).
    let incident = args.incident.as_deref();
    let (mut store, state) = if args.print {
        ask::incident(ctx, Open::Read, Pick::Read(incident))?
    } else {
        ask::incident(ctx, Open::Write, Pick::Write(incident))?
    };
    let playbook = ctx.playbook()?;
    let template = playbook
        .template_for(args.audience, &state)
        .ok_or_else(|| anyhow!("the playbook has no template for {}", args.audience))?;
    let cadence = playbook.update_cadence(state.severity, args.audience);
    let text = crate::playbook::render(
        template,
        &state,
        store.now(),
        cadence,
        &crate::format::local_hm_zoned,
    );
    if args.print {
        say!("{}", crate::inert::text(&text));
        return Ok(());
    }
    if args.audience == Audience::Customers {
        ask::customers_read(&text, args.yes)?;
    }
    let body = Body::StatusUpdate {
        audience: args.audience,
        text,
    };
    ask::ask_and_print(ctx, &mut store, Some(&state), Request::Log(body))
}
