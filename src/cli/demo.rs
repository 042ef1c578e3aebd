//! `warroom demo`: load the sample incidents.

use anyhow::{Result, bail};
use clap::Args;

use super::context::Context;

/// Arguments of `warroom demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Load the sample even into a database that already holds incidents (they mix
    /// with yours in lists and metrics).
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Context, args: DemoArgs) -> Result<()> {
    let mut store = ctx.open_write()?;
    let held = store.incident_ids()?.len();
    if held > 0 && !args.force {
        bail!(
            "{} already holds {held} incident{}, and the sample would mix with {}: load it into a database of its own (`warroom --db demo.db demo`), or add --force to load it here anyway",
            store.path().display(),
            if held == 1 { "" } else { "s" },
            if held == 1 { "it" } else { "them" }
        );
    }
    let loaded = crate::demo::load(&mut store)?;
    if let Some(live) = loaded.events.last().map(|e| e.incident) {
        say!("{live}");
    }
    tell!(
        "loaded {} sample incident{} ({} entries) into {}; try `warroom tail` or `warroom show`",
        loaded.incidents,
        if loaded.incidents == 1 { "" } else { "s" },
        loaded.events.len(),
        store.path().display()
    );
    Ok(())
}
