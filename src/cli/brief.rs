//! `warroom brief`: the briefing (ICS-201 blocks) as Markdown, and logging that it was
//! given.

use anyhow::Result;
use clap::Args;

use super::ask::{ask_and_print, incident};
use super::context::{Context, Open, Pick};
use crate::rules::Request;

/// What `warroom brief` takes.
#[derive(Debug, Args)]
pub struct BriefArgs {
    /// Also record that the briefing was given (to --to, or to the room).
    #[arg(long)]
    pub given: bool,
    /// Whom it was given to.
    #[arg(long, requires = "given", value_name = "NAME")]
    pub to: Option<String>,
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
}

/// Runs `warroom brief`.
pub fn run(ctx: &Context, args: BriefArgs) -> Result<()> {
    let playbook = ctx.playbook()?;
    if args.given {
        let (mut store, state) = incident(ctx, Open::Write, Pick::Write(args.incident.as_deref()))?;
        say_part!(
            "{}",
            crate::export::briefing(&state, &playbook, store.now())
        );
        return ask_and_print(
            ctx,
            &mut store,
            Some(&state),
            Request::Brief { to: args.to },
        );
    }
    let (store, state) = incident(ctx, Open::Read, Pick::Read(args.incident.as_deref()))?;
    say_part!(
        "{}",
        crate::export::briefing(&state, &playbook, store.now())
    );
    Ok(())
}
