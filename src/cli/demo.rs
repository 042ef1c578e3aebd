//! `warroom demo`: load the sample incidents.

use anyhow::Result;
use clap::Args;

use super::context::Context;

/// Arguments of `warroom demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {}

pub fn run(ctx: &Context, _args: DemoArgs) -> Result<()> {
    let mut store = ctx.open_write()?;
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
