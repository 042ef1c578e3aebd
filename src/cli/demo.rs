//! `warroom demo`: load the sample incidents.

use anyhow::Result;
use clap::Args;

use super::context::Context;

/// Arguments of `warroom demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {}

pub fn run(ctx: &Context, _args: DemoArgs) -> Result<()> {
    let mut store = ctx.open_write()?;
    // A replica of its own, so the sample never shares sequence numbers with real entries.
    let origin = format!("demo-{}", ulid::Ulid::generate());
    let events = crate::demo::events(&origin, store.now());
    store.insert_events(&events)?;
    if let Some(live) = events.last().map(|e| e.incident) {
        println!("{live}");
    }
    eprintln!(
        "loaded 2 sample incidents ({} entries) into {}; try `warroom tail` or `warroom show`",
        events.len(),
        store.path().display()
    );
    Ok(())
}
