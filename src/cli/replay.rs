//! `warroom replay`: an incident's events played into a scratch database at N times
//! their recorded pace, to watch it unfold in a console (`warroom --db FILE`).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Result, bail};
use chrono::TimeDelta;
use clap::Args;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use super::context::{Context, Pick, pick_id};
use crate::domain::Timestamp;
use crate::drill::{DrillClock, MAX_REPLAY_SPEED};
use crate::inert;
use crate::store::{OpenOptions, Store, system_clock};

/// What `warroom replay` takes.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
    /// The scratch database to play it into: a new file (or one holding only this
    /// replay). Watch it with `warroom --db FILE`.
    #[arg(long, value_name = "FILE")]
    pub into: PathBuf,
    /// Times the recorded pace: 10 plays an hour in six minutes (1 to 1000).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_REPLAY_SPEED as i64))]
    pub speed: u32,
    /// The longest wait between two events, in seconds of replay time: longer quiet
    /// spells (a night between shifts) are cut to it.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=86_400))]
    pub max_gap: u32,
}

/// The wall clock, in short naps, and whether SIGINT, SIGTERM or SIGHUP came.
struct Wall(Arc<AtomicBool>);

impl DrillClock for Wall {
    fn now(&self) -> Timestamp {
        system_clock()()
    }

    fn wait_until(&self, until: Timestamp) {
        let left = (until - self.now()).to_std().unwrap_or_default();
        std::thread::sleep(left.min(Duration::from_millis(200)));
    }

    fn interrupted(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Runs `warroom replay`.
pub fn run(ctx: &Context, args: ReplayArgs) -> Result<()> {
    let source = ctx.open_read()?;
    let id = pick_id(&source, Pick::Read(args.incident.as_deref()))?;
    let (events, links) = source.events_with_links(Some(id))?;
    let state = crate::domain::IncidentState::fold(id, events.clone());
    crate::files::refuse_database(&args.into)
        .map_err(|e| anyhow::anyhow!("cannot replay into {}: {e}", args.into.display()))?;
    if args.into.exists() {
        let scratch = Store::open(&args.into, OpenOptions::read())?;
        let held = scratch.incident_ids()?;
        if held.iter().any(|other| *other != id) {
            bail!(
                "{} holds other incidents: a replay goes into a new file (or one holding only this replay); choose another --into",
                args.into.display()
            );
        }
    }
    let mut scratch = Store::open(&args.into, OpenOptions::write())?;
    let span = match (
        events.iter().map(|e| e.logged_at).min(),
        events.iter().map(|e| e.logged_at).max(),
    ) {
        (Some(first), Some(last)) => last - first,
        _ => TimeDelta::zero(),
    };
    let max_gap = TimeDelta::seconds(i64::from(args.max_gap));
    let mut planned = events.clone();
    let total = crate::drill::schedule(&mut planned, args.speed, max_gap)
        .last()
        .copied()
        .unwrap_or_default();
    let drill = if state.drill { " (a DRILL)" } else { "" };
    say!(
        "replaying incident {} \"{}\"{drill}: {} events recorded over {}, at {}x: about {}; watch it with `warroom --db {}`",
        state.short_id(),
        inert::line(&state.title),
        events.len(),
        crate::format::duration(span),
        args.speed,
        crate::format::duration(total),
        args.into.display()
    );
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        signal_hook::flag::register(signal, stop.clone())?;
    }
    let zone = crate::zone::in_force();
    let now = source.now();
    let count = events.len();
    let done = crate::drill::replay(
        events,
        links,
        &mut scratch,
        args.speed,
        max_gap,
        &Wall(stop),
        &mut |event, i| {
            say!(
                "{:>5}/{count}  {}  {}: {}",
                i + 1,
                zone.stamp(event.at, now),
                inert::line(&event.author),
                inert::line(&state.describe(&event.body))
            );
        },
    )?;
    if done.stopped {
        say!(
            "stopped after {} of {count} events; what was played stays in {}",
            done.written,
            args.into.display()
        );
    } else if done.held == count {
        say!(
            "all {count} events were in {} already: nothing new was written",
            args.into.display()
        );
    } else {
        say!("replayed all {count} events into {}", args.into.display());
    }
    Ok(())
}
