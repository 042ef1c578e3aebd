//! `warroom update`: a status update from the playbook's template.

use anyhow::{Result, anyhow};
use clap::Args;

use super::context::{Context, Open, Pick};
use super::roles::{headless, write};
use crate::app::{Effect, EntryKind, Purpose, filled_template};
use crate::domain::Audience;
use crate::store::NewEvent;

/// Arguments of `warroom update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Who it is for: responders, executives or customers.
    #[arg(long, short)]
    pub audience: Audience,
    /// Print the filled template (to paste elsewhere) instead of logging it.
    #[arg(long)]
    pub print: bool,
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
}

pub fn run(ctx: &Context, args: UpdateArgs) -> Result<()> {
    // Printing only reads: it works on a read-only file, and on the newest incident
    // when none is open (to write the last update of a resolved one).
    let incident = args.incident.as_deref();
    let (app, mut store) = if args.print {
        headless(ctx, Open::Read, Pick::Read(incident))?
    } else {
        headless(ctx, Open::Write, Pick::Write(incident))?
    };
    let text = filled_template(&app, args.audience)
        .ok_or_else(|| anyhow!("the playbook has no template for {}", args.audience))?;
    if args.print {
        say!("{}", crate::inert::text(&text));
        return Ok(());
    }
    let draft = NewEvent::now(
        app.shown,
        ctx.author.clone(),
        EntryKind::update_to(args.audience).body(text),
    );
    write(
        &mut store,
        vec![Effect::Append {
            purpose: Purpose::Entry,
            drafts: vec![draft],
        }],
    )
}
