//! `warroom drill`: list, check and run timed simulations.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::rules::Request;
use anyhow::{Result, anyhow, bail};
use clap::Subcommand;

use super::context::Context;
use crate::domain::Body;
use crate::domain::Timestamp;
use crate::drill::{DrillClock, DrillRun, Scenario, builtin, builtin_names, score};
use crate::store::{Follower, NewEvent, OpenOptions, Store, system_clock};

/// `warroom drill` subcommands.
#[derive(Debug, Subcommand)]
pub enum DrillSubcommand {
    /// The built-in scenarios.
    List,
    /// Print a built-in scenario's file, to start your own from.
    Print {
        /// The built-in scenario's name (`warroom drill list`).
        scenario: String,
    },
    /// Check a scenario file; every problem with its line.
    Check {
        /// The scenario file.
        file: PathBuf,
    },
    /// Run a drill: a DRILL incident fed timed injects, scored at the end.
    Run {
        /// A built-in scenario's name, or a scenario file.
        scenario: String,
        /// Compress time: 10 plays a 45-minute scenario in 4.5 minutes (1 to 1000).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=crate::drill::MAX_SPEED as i64))]
        speed: u32,
    },
}

/// The wall clock, waking early when the database changes so a resolution ends the
/// drill at once.
/// The wall clock, waking on commits, and whether SIGINT, SIGTERM or SIGHUP came.
struct WallClock(RefCell<Follower>, Arc<AtomicBool>);

impl DrillClock for WallClock {
    fn interrupted(&self) -> bool {
        self.1.load(Ordering::Relaxed)
    }

    fn now(&self) -> Timestamp {
        system_clock()()
    }

    fn wait_until(&self, until: Timestamp) {
        let left = (until - self.now()).to_std().unwrap_or_default();
        if left.is_zero() || self.interrupted() {
            return;
        }
        // New events end the wait; the drill reads what it needs itself.
        let _ = self
            .0
            .borrow_mut()
            .next(1_000, left.min(Duration::from_secs(1)));
    }
}

/// `warroom drill list`: needs no database.
pub fn list() -> Result<()> {
    for name in builtin_names() {
        if let Some(s) = builtin(name) {
            say!(
                "{name:<26} {} ({}, expect {})",
                s.title,
                crate::format::duration(s.duration),
                crate::format::or_dash(s.expect.severity)
            );
            say!("{:<26} {}", "", s.summary);
        }
    }
    Ok(())
}

/// `warroom drill print NAME`: needs no database.
pub fn print(name: &str) -> Result<()> {
    let Some(text) = crate::drill::builtin_text(name) else {
        bail!(
            "no built-in scenario '{}': the built-in ones are {}",
            crate::inert::line(name),
            builtin_names().join(", ")
        );
    };
    say_part!("{text}");
    Ok(())
}

/// `warroom drill check FILE`: needs no database.
pub fn check(file: &Path) -> Result<()> {
    let text = crate::files::read_to_string(file)
        .map_err(|e| anyhow!("cannot read {}: {e}", file.display()))?;
    match Scenario::parse(&file.display().to_string(), &text) {
        Ok(s) => {
            say!(
                "{}: ok ({}, {} injects over {})",
                file.display(),
                s.title,
                s.injects.len(),
                crate::format::duration(s.duration)
            );
            Ok(())
        }
        Err(e) => {
            for line in e.lines() {
                say!("{line}");
            }
            bail!("{} has {} problem(s)", file.display(), e.problems.len())
        }
    }
}

pub fn run(ctx: &Context, command: DrillSubcommand) -> Result<()> {
    match command {
        DrillSubcommand::List => list(),
        DrillSubcommand::Check { file } => check(&file),
        DrillSubcommand::Print { scenario } => print(&scenario),
        DrillSubcommand::Run { scenario, speed } => {
            let scenario = Scenario::load(&scenario)?;
            let playbook = ctx.playbook()?;
            let mut store = ctx.open_write()?;
            // Stopped early (Ctrl-C, a closed terminal, kill), the drill is closed and
            // says so rather than staying open with nobody playing it; heard from before
            // the drill incident exists.
            let stop = Arc::new(AtomicBool::new(false));
            for signal in [SIGINT, SIGTERM, SIGHUP] {
                signal_hook::flag::register(signal, stop.clone())?;
            }
            let mut drill = DrillRun::start(&mut store, scenario, speed, &ctx.author)?;
            say!("{}", drill.incident);
            tell!(
                "DRILL started: {} (speed {}x; time's up at {})",
                drill.scenario.title,
                drill.speed,
                crate::format::local_time(drill.ends_at())
            );
            let watch = Store::open(&ctx.db, OpenOptions::read())?;
            let clock = WallClock(RefCell::new(Follower::from_end(watch)?), stop);
            let state = drill.play(&mut store, &playbook, &clock, &mut |scenario, fired| {
                let inject = &scenario.injects[fired.index];
                let what = if fired.fired {
                    "inject"
                } else {
                    "skipped (condition did not hold)"
                };
                tell!(
                    "+{} {what}: {}",
                    crate::format::duration(inject.at),
                    crate::inert::line(&inject.text)
                );
            })?;
            let card = score(&drill, &state, &playbook, clock.now());
            say_part!("{card}");
            store.append(vec![NewEvent {
                incident: Some(drill.incident),
                author: "drill".into(),
                recorded_by: None,
                at: None,
                body: Body::Note {
                    text: card.to_string().trim_end().to_string(),
                },
            }])?;
            // The drill is over: its incident is closed, so no console keeps counting
            // down to updates nobody owes.
            let state = store
                .incident(drill.incident)?
                .ok_or_else(|| anyhow!("the drill incident is gone"))?;
            let interrupted = clock.interrupted();
            super::ask::ask(
                ctx,
                &mut store,
                Some(&state),
                Request::EndDrill { interrupted },
            )?;
            if interrupted {
                tell!("DRILL stopped early: {} is closed", state.short_id());
            } else {
                tell!("DRILL ended: {} is closed", state.short_id());
            }
            Ok(())
        }
    }
}
