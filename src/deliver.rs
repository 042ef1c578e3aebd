//! Running the playbook's notification hooks for what is recorded here: each event
//! that triggers a hook becomes a delivery in the store, claimed under a lease by
//! whichever warroom process on the file comes first (so ten consoles page once), run
//! with the event as JSON on standard input under the hook's timeout, retried with
//! backoff, and its outcome recorded as an event every console shows. Events that came
//! from a peer are delivered on the host that wrote them, not again here. Hooks never
//! run for history: deliveries start from the end of the log when first asked.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::TimeDelta;

use crate::domain::{Audience, Body, Event, describe};
use crate::playbook::{Hook, Playbook, Trigger};
use crate::store::{Claim, Finished, NewEvent, Store, StoreError};

/// Beyond twice a hook's timeout, how long its lease lasts before another process may
/// take the delivery over (the holder died mid-run; a live holder stops the hook at its
/// timeout and records the outcome well within the lease).
pub const LEASE_SLACK: TimeDelta = TimeDelta::seconds(5);

/// The longest wait between two attempts.
pub const MAX_BACKOFF: TimeDelta = TimeDelta::minutes(10);

/// The wait before attempt `attempt + 1`: 5 s, doubling, at most [`MAX_BACKOFF`].
pub fn backoff(attempt: u32) -> TimeDelta {
    let secs = 5i64.saturating_mul(1i64 << attempt.saturating_sub(1).min(16));
    TimeDelta::seconds(secs).min(MAX_BACKOFF)
}

/// What an event triggers, by its kind alone (declared is decided with the incident).
fn triggers(store: &Store, event: &Event) -> Vec<Trigger> {
    match &event.body {
        Body::ResponderPaged { .. } => vec![Trigger::Paged],
        // An escalation pages again (and maybe the next contact): a page as well.
        Body::Escalated { .. } => vec![Trigger::Escalated, Trigger::Paged],
        Body::StatusUpdate { audience, .. } => vec![match audience {
            Audience::Responders => Trigger::UpdateResponders,
            Audience::Executives => Trigger::UpdateExecutives,
            Audience::Customers => Trigger::UpdateCustomers,
        }],
        Body::SeveritySet { .. } => vec![Trigger::SeverityChanged],
        Body::Resolution { .. } => vec![Trigger::Resolved],
        Body::AlertReceived {
            resolved: false, ..
        } if event.id == event.incident => vec![Trigger::Alert],
        Body::StatusChanged { .. } => {
            // Declared: the change that took the incident out of triage.
            let declared = store
                .incident(event.incident)
                .ok()
                .flatten()
                .and_then(|s| s.declared_at)
                .is_some_and(|at| at == event.at);
            if declared {
                vec![Trigger::Declared]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// One process's share of the delivering.
pub struct Deliverer {
    store: Store,
    playbook: Playbook,
    hooks: Vec<Hook>,
    /// Where each hook starts (by name): what came before it is history to it.
    hooks_from: std::collections::BTreeMap<String, i64>,
    author: String,
    holder: String,
    after: i64,
    /// When pages were last looked at for escalation (every few seconds is enough).
    escalated_at: Option<Instant>,
}

impl Deliverer {
    /// A deliverer on `store` for `playbook`'s hooks, recording outcomes as `author`.
    ///
    /// # Errors
    /// When the database cannot be written.
    pub fn new(
        mut store: Store,
        playbook: &Playbook,
        author: &str,
    ) -> Result<Deliverer, StoreError> {
        let after = store.hooks_from()?;
        let mut hooks_from = std::collections::BTreeMap::new();
        for hook in &playbook.hooks {
            hooks_from.insert(hook.name.clone(), store.hook_from(&hook.name)?);
        }
        Ok(Deliverer {
            hooks_from,
            store,
            playbook: playbook.clone(),
            hooks: playbook.hooks.clone(),
            author: author.to_string(),
            holder: format!("{}:{}", crate::store::host_name(), std::process::id()),
            after,
            escalated_at: None,
        })
    }

    /// Whether `playbook` gives a deliverer anything to do: hooks to run, or pages to
    /// escalate.
    pub fn has_work(playbook: &Playbook) -> bool {
        !playbook.hooks.is_empty()
            || playbook
                .severities
                .values()
                .any(|p| p.escalate_after.is_some())
    }

    /// Escalates every page unanswered past its severity's `escalate_after_minutes`,
    /// up to its limit: each step an event, written by one process only.
    ///
    /// # Errors
    /// When the database cannot be read or written.
    pub fn escalate(&mut self) -> Result<usize, StoreError> {
        let now = self.store.now();
        let mut steps = 0;
        let open: Vec<_> = self
            .store
            .incident_summaries()?
            .into_iter()
            .filter(crate::domain::IncidentSummary::is_open)
            .collect();
        for summary in open {
            let Some(policy) = summary
                .severity
                .and_then(|sev| self.playbook.severities.get(&sev))
            else {
                continue;
            };
            let (Some(after), limit) = (policy.escalate_after, policy.escalate_limit) else {
                continue;
            };
            let Some(state) = self.store.incident(summary.id)? else {
                continue;
            };
            let waiting: Vec<(
                String,
                u32,
                crate::domain::Timestamp,
                crate::domain::Timestamp,
            )> = state
                .roster
                .people
                .values()
                .filter(|p| p.state == Some(crate::domain::ResponderState::Paged))
                .map(|p| {
                    let (step, last) = p.escalated.unwrap_or((0, p.since));
                    (p.name.clone(), step, last, p.since)
                })
                .collect();
            for (person, step, last, paged_at) in waiting {
                if step >= limit || now - last < after {
                    continue;
                }
                let key = format!(
                    "escalate:{}:{}:{}",
                    crate::domain::name_key(&person),
                    crate::domain::epoch_ms(paged_at),
                    step + 1
                );
                // Only pages this database recorded: a synced host escalates its own.
                let ours = state
                    .timeline
                    .iter()
                    .rev()
                    .find(|e| match &e.event.body {
                        Body::ResponderPaged { person: p, .. } => {
                            crate::domain::same_name(p, &person)
                        }
                        Body::Escalated { next: Some(n), .. } => {
                            crate::domain::same_name(n, &person)
                        }
                        _ => false,
                    })
                    .is_some_and(|e| e.event.origin == self.store.origin());
                if !ours || !self.store.claim_once(summary.id, &key, &self.holder)? {
                    continue;
                }
                let next = self
                    .playbook
                    .next_contact(&person)
                    .map(|c| c.name.clone())
                    .filter(|n| {
                        state.roster.get(n).and_then(|p| p.state)
                            != Some(crate::domain::ResponderState::Paged)
                    });
                self.store.append(vec![NewEvent::now(
                    Some(summary.id),
                    self.author.clone(),
                    Body::Escalated {
                        person,
                        step: step + 1,
                        next,
                    },
                )])?;
                // Done once recorded; a claimer that died before this is taken over.
                self.store.done_once(summary.id, &key)?;
                steps += 1;
            }
        }
        Ok(steps)
    }

    /// Notes deliveries for new events, then runs every delivery due; returns how many
    /// attempts it made.
    ///
    /// # Errors
    /// When the database cannot be read or written (a hook's failure is not an error:
    /// it is recorded and tried again).
    pub fn step(&mut self) -> Result<usize, StoreError> {
        // Escalation reads every open incident: a look every few seconds, and only
        // when the playbook escalates at all.
        let escalates = self
            .playbook
            .severities
            .values()
            .any(|p| p.escalate_after.is_some());
        let due = self
            .escalated_at
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(5));
        let escalated = if escalates && due {
            self.escalated_at = Some(Instant::now());
            self.escalate()?
        } else {
            0
        };
        if self.hooks.is_empty() {
            return Ok(escalated);
        }
        loop {
            let batch = self.store.events_since(self.after, 500)?;
            let Some((last, _)) = batch.last() else { break };
            let last = *last;
            let mut jobs = Vec::new();
            for (pos, event) in &batch {
                // A peer's events are delivered where they were written.
                if event.origin != self.store.origin() {
                    continue;
                }
                let fired = triggers(&self.store, event);
                for hook in &self.hooks {
                    let from = self.hooks_from.get(&hook.name).copied().unwrap_or(0);
                    if *pos > from && hook.on.iter().any(|t| fired.contains(t)) {
                        jobs.push((event.id, hook.name.clone()));
                    }
                }
            }
            self.store.add_deliveries(&jobs)?;
            self.after = last;
            // Later processes (a new hook among them) start here, not at history.
            self.store.hooks_scanned(last)?;
        }
        let mut attempts = 0;
        let lease = self
            .hooks
            .iter()
            .map(|h| h.timeout)
            .max()
            .unwrap_or(TimeDelta::seconds(30))
            * 2
            + LEASE_SLACK;
        let known: Vec<String> = self.hooks.iter().map(|h| h.name.clone()).collect();
        while let Some(claim) = self.store.claim_delivery(&self.holder, lease, &known)? {
            attempts += 1;
            self.attempt(&claim)?;
        }
        Ok(attempts)
    }

    fn attempt(&mut self, claim: &Claim) -> Result<(), StoreError> {
        let event = self.store.event(claim.event)?;
        let hook = self.hooks.iter().find(|h| h.name == claim.hook).cloned();
        let (result, incident) = match (&event, &hook) {
            (Some(event), Some(hook)) => {
                // The incident's title and severity, for a page's summary.
                let state = self.store.incident(event.incident)?;
                let severity = state
                    .as_ref()
                    .and_then(|s| s.severity)
                    .map(|s| s.key().to_string())
                    .unwrap_or_default();
                let title = state.as_ref().map(|s| s.title.clone()).unwrap_or_default();
                let fired: Vec<String> = triggers(&self.store, event)
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                (
                    run(hook, event, Some((&title, &severity)), &fired.join(",")),
                    Some(event.incident),
                )
            }
            (None, _) => (Err("the event is not in this database".into()), None),
            (_, None) => (Err("the playbook has no such hook any more".into()), None),
        };
        let attempts = hook.as_ref().map_or(1, |h| h.attempts);
        let (finished, outcome) = match &result {
            Ok(()) => (Finished::Delivered, "delivered"),
            Err(_) if claim.attempt >= attempts => (Finished::GaveUp, "gave_up"),
            Err(_) => (
                Finished::Retry(self.store.now() + backoff(claim.attempt)),
                "failed",
            ),
        };
        // The outcome first, then the delivery's state: a crash between the two runs
        // the hook again (at least once), never loses that it ran.
        if let Some(incident) = incident {
            self.store.append(vec![NewEvent::now(
                Some(incident),
                self.author.clone(),
                Body::HookRan {
                    hook: claim.hook.clone(),
                    event: claim.event,
                    attempt: claim.attempt,
                    outcome: outcome.into(),
                    detail: result.err(),
                },
            )])?;
        }
        self.store.finish_delivery(claim, &self.holder, finished)?;
        Ok(())
    }
}

/// A hook dies with the process running it (Linux: the parent-death signal), so a
/// process killed mid-delivery leaves no hook running on behind the one that takes the
/// delivery over.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn dies_with_us(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the child between fork and exec, where only
    // async-signal-safe calls are allowed; it makes one `prctl` system call through
    // rustix, which neither allocates nor takes a lock.
    unsafe {
        command.pre_exec(|| {
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
                .map_err(std::io::Error::from)
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn dies_with_us(_: &mut Command) {}

/// Runs `hook` for `event`: the event as JSON on standard input, its main fields in
/// `WARROOM_*` variables (`WARROOM_DEDUP_KEY` is the event's id, for PagerDuty and
/// the like), stopped at the hook's timeout. `Err` says why it failed, in one line.
pub fn run(
    hook: &Hook,
    event: &Event,
    about: Option<(&str, &str)>,
    triggers: &str,
) -> Result<(), String> {
    let Some((program, args)) = hook.command.split_first() else {
        return Err("no command".into());
    };
    let json = serde_json::to_string(event).map_err(|e| e.to_string())?;
    let (text, audience) = match &event.body {
        Body::StatusUpdate { audience, text } => (text.clone(), audience.to_string()),
        body => (describe(body), String::new()),
    };
    let mut command = Command::new(program);
    dies_with_us(&mut command);
    if let Some((title, severity)) = about {
        command
            .env("WARROOM_TITLE", crate::inert::line(title).into_owned())
            .env("WARROOM_SEVERITY", severity);
    }
    command.env("WARROOM_TRIGGERS", triggers);
    let mut child = command
        .args(args)
        .env("WARROOM_HOOK", &hook.name)
        .env("WARROOM_EVENT_ID", event.id.to_string())
        .env("WARROOM_DEDUP_KEY", event.id.to_string())
        .env("WARROOM_EVENT_KIND", event.body.kind())
        .env("WARROOM_INCIDENT", event.incident.to_string())
        .env(
            "WARROOM_AUTHOR",
            crate::inert::line(&event.author).into_owned(),
        )
        .env("WARROOM_TEXT", crate::inert::line(&text).into_owned())
        .env("WARROOM_AUDIENCE", audience)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    // Written and read on threads of their own, so a hook that reads nothing, or
    // writes a lot to stderr, is still stopped at its timeout.
    if let Some(mut stdin) = child.stdin.take() {
        std::thread::spawn(move || {
            // A hook that does not read its input is not a failure.
            let _ = stdin.write_all(json.as_bytes());
        });
    }
    let stderr = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            let mut said = Vec::new();
            let _ = err.by_ref().take(4096).read_to_end(&mut said);
            // Drain the rest, so the hook never blocks on a full pipe.
            let _ = std::io::copy(&mut err, &mut std::io::sink());
            String::from_utf8_lossy(&said).into_owned()
        })
    });
    let deadline = Instant::now() + hook.timeout.to_std().unwrap_or(Duration::from_secs(30));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "it ran past its timeout of {}",
                    crate::format::duration(hook.timeout)
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("cannot wait for it: {e}")),
        }
    };
    if status.success() {
        return Ok(());
    }
    let said = stderr
        .and_then(|reader| reader.join().ok())
        .unwrap_or_default();
    let first = said.lines().next().unwrap_or("").trim();
    let first = crate::format::shorten(&crate::inert::line(first), 200);
    Err(match status.code() {
        Some(code) if first.is_empty() => format!("it exited with {code}"),
        Some(code) => format!("it exited with {code}: {first}"),
        None => "it was stopped by a signal".into(),
    })
}
