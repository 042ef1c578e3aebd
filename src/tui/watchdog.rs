//! The last resort on the way out: once the console is leaving, the process ends within
//! a deadline whatever hangs (a terminal that stopped reading, a lock held elsewhere).
//! Drafts are written by their own thread as they are typed, so ending here loses
//! nothing that was typed.

use std::sync::{Once, OnceLock};
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

static ARMED: Once = Once::new();

/// What must reach the disk before the process is ended ([`before_ending`]).
static LAST_WORDS: OnceLock<Box<dyn Fn() + Send + Sync>> = OnceLock::new();

/// Gives the watchdog work to finish before it ends the process (the console's newest
/// draft, handed over before a frame that may block). The work bounds its own wait
/// (the draft writer's flusher waits at most the time it is given). Only the first call
/// counts.
pub fn before_ending(work: impl Fn() + Send + Sync + 'static) {
    let _ = LAST_WORDS.set(Box::new(work));
}

/// Ends the process `deadline` from now unless it has ended by then (once; later calls
/// do nothing).
pub fn arm(deadline: Duration) {
    ARMED.call_once(|| {
        let spawned = std::thread::Builder::new()
            .name("exit-watchdog".into())
            .spawn(move || {
                std::thread::sleep(deadline);
                tracing::warn!("the console did not end within {deadline:?}; ending it now");
                if let Some(work) = LAST_WORDS.get() {
                    work();
                }
                end_now();
            });
        if let Err(e) = spawned {
            tracing::error!("no exit watchdog: {e}");
        }
    });
}

/// Arms the watchdog when SIGHUP, SIGTERM or SIGINT arrives, from a thread of its own,
/// so that it runs even while the console's loop is stuck. The loop hears the same
/// signals and leaves normally, well within the deadline, when it can.
pub fn on_signals(deadline: Duration) {
    let mut signals = match signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT]) {
        Ok(signals) => signals,
        Err(e) => {
            tracing::error!("no signal watchdog: {e}");
            return;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("signal-watchdog".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                arm(deadline);
            }
        });
    if let Err(e) = spawned {
        tracing::error!("no signal watchdog: {e}");
    }
}

/// Ends the process at once with status 1, running nothing on the way out.
///
/// Not `std::process::exit`: it flushes stdout and runs exit handlers, and either can
/// block on what the watchdog exists to get past (a terminal that no longer reads, a
/// thread stuck on the way out). No safe call does only `_exit`.
#[allow(unsafe_code)]
fn end_now() -> ! {
    // SAFETY: `_exit` takes no pointers and never returns; nothing here needs
    // unwinding (the draft is on disk already, or was given its last half second).
    unsafe { libc::_exit(1) }
}
