//! Playing a scenario: the drill incident, injects fired on schedule when their
//! condition holds, and the end (resolved, or time's up). Time comes from a clock the
//! caller provides, so tests play a whole drill in virtual time.

use chrono::TimeDelta;
use ulid::Ulid;

use super::scenario::{Condition, Scenario};
use crate::domain::{Body, IncidentState, Timestamp};
use crate::playbook::Playbook;
use crate::store::{NewEvent, Store, StoreError};

/// An inject's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    /// Its position in the scenario.
    pub index: usize,
    /// When it was due (real time).
    pub due: Timestamp,
    /// Whether it fired (false: its condition did not hold).
    pub fired: bool,
}

/// Where time comes from, and how the player waits.
pub trait DrillClock {
    /// Now.
    fn now(&self) -> Timestamp;
    /// Waits until `until`, or less if something may have changed (a commit).
    fn wait_until(&self, until: Timestamp);
    /// Whether the drill was asked to stop early (the runner interrupted).
    fn interrupted(&self) -> bool {
        false
    }
}

/// A drill being played.
#[derive(Debug, Clone)]
pub struct DrillRun {
    /// The scenario.
    pub scenario: Scenario,
    /// The drill incident.
    pub incident: Ulid,
    /// When it started (real time).
    pub start: Timestamp,
    /// Scenario minutes per real minute.
    pub speed: u32,
    next: usize,
    /// What happened to each inject so far.
    pub log: Vec<Fired>,
    /// The drill incident as of the last look at the store.
    state: IncidentState,
    /// The store position that state has seen up to.
    cursor: i64,
}

/// How many events to read from the store at a time when catching up.
const BATCH: usize = 1000;

/// The fastest a drill may run: a thousand times real time (a 45-minute scenario in
/// under three seconds), the pace an incident's events may carry.
pub const MAX_SPEED: u32 = crate::domain::MAX_PACE;

impl DrillRun {
    /// Opens the drill incident (flagged `drill`) with its starting alert.
    pub fn start(
        store: &mut Store,
        scenario: Scenario,
        speed: u32,
        author: &str,
    ) -> Result<DrillRun, StoreError> {
        if !(1..=MAX_SPEED).contains(&speed) {
            return Err(StoreError::Invalid(format!(
                "a drill's speed is 1 to {MAX_SPEED} (times real time); {speed} is not"
            )));
        }
        let (text, source) = scenario.start.clone();
        // Whatever is stored before the drill's first event belongs to other incidents.
        let cursor = store.last_pos()?;
        let events = store.append(vec![
            NewEvent {
                incident: None,
                author: author.to_string(),
                recorded_by: None,
                at: None,
                body: Body::IncidentOpened {
                    title: scenario.title.clone(),
                    detected_at: None,
                    drill: true,
                    pace: Some(speed),
                },
            },
            NewEvent::now(None, "drill", Body::Alert { text, source }),
        ])?;
        let incident = events[0].incident;
        Ok(DrillRun {
            scenario,
            incident,
            start: events[0].at,
            speed,
            next: 0,
            log: Vec::new(),
            state: IncidentState::empty(incident),
            cursor,
        })
    }

    /// Folds in what was stored since the last look (the drill's own injects and the
    /// team's entries); the log is never re-read.
    fn catch_up(&mut self, store: &Store) -> Result<(), StoreError> {
        loop {
            let rows = store.events_since(self.cursor, BATCH)?;
            let Some((last, _)) = rows.last() else {
                break;
            };
            self.cursor = *last;
            let full = rows.len() == BATCH;
            self.state.apply_all(rows.into_iter().map(|(_, e)| e));
            if !full {
                break;
            }
        }
        Ok(())
    }

    /// The real time of a scenario offset.
    fn real(&self, offset: TimeDelta) -> Timestamp {
        self.start + offset / self.speed_i32()
    }

    /// The scenario time of a real moment (saturating, far past any drill's end).
    pub fn scenario_time(&self, at: Timestamp) -> TimeDelta {
        (at - self.start)
            .checked_mul(self.speed_i32())
            .unwrap_or(TimeDelta::MAX)
    }

    /// The speed as chrono multiplies by it; `start` keeps it within 1..=MAX_SPEED.
    fn speed_i32(&self) -> i32 {
        i32::try_from(self.speed).unwrap_or(1)
    }

    /// When the next inject is due (real time).
    pub fn next_due(&self) -> Option<Timestamp> {
        self.scenario
            .injects
            .get(self.next)
            .map(|i| self.real(i.at))
    }

    /// When time is up (real time).
    pub fn ends_at(&self) -> Timestamp {
        self.real(self.scenario.duration)
    }

    /// Fires every inject due by `now` whose condition holds.
    pub fn advance(
        &mut self,
        store: &mut Store,
        playbook: &Playbook,
        now: Timestamp,
    ) -> Result<Vec<Fired>, StoreError> {
        let mut out = Vec::new();
        while let Some(due) = self.next_due().filter(|due| *due <= now) {
            let inject = self.scenario.injects[self.next].clone();
            let fire = match &inject.when {
                Some(condition) => {
                    self.catch_up(store)?;
                    holds(condition, &self.state, playbook)
                }
                None => true,
            };
            if fire {
                let body = match inject.kind.as_str() {
                    "alert" => Body::Alert {
                        text: inject.text.clone(),
                        source: inject.source.clone(),
                    },
                    _ => Body::Note {
                        text: inject.text.clone(),
                    },
                };
                store.append(vec![NewEvent::now(
                    Some(self.incident),
                    inject.by.clone(),
                    body,
                )])?;
            }
            let fired = Fired {
                index: self.next,
                due,
                fired: fire,
            };
            self.log.push(fired.clone());
            out.push(fired);
            self.next += 1;
        }
        Ok(out)
    }

    /// Whether the drill is over: resolved (or closed), or time's up.
    pub fn finished(&self, state: &IncidentState, now: Timestamp) -> bool {
        !state.is_open() || now >= self.ends_at()
    }

    /// Plays the drill to its end, reporting each inject; returns the final state.
    pub fn play(
        &mut self,
        store: &mut Store,
        playbook: &Playbook,
        clock: &dyn DrillClock,
        report: &mut dyn FnMut(&Scenario, &Fired),
    ) -> Result<IncidentState, StoreError> {
        loop {
            let now = clock.now();
            for fired in self.advance(store, playbook, now)? {
                report(&self.scenario, &fired);
            }
            self.catch_up(store)?;
            if self.finished(&self.state, now) || clock.interrupted() {
                return Ok(self.state.clone());
            }
            let until = self
                .next_due()
                .unwrap_or(self.ends_at())
                .min(self.ends_at());
            clock.wait_until(until);
        }
    }
}

/// Whether an inject's condition holds for the drill incident now.
fn holds(condition: &Condition, s: &IncidentState, playbook: &Playbook) -> bool {
    match condition {
        Condition::NoUpdate => s.last_updates.is_empty(),
        Condition::NoUpdateTo(audience) => s.last_update(*audience).is_none(),
        Condition::NotDeclared => s.declared_at.is_none(),
        Condition::NoCommander => s.command.commander.is_none(),
        Condition::NotResolved => s.status.is_open(),
        Condition::NotPaged(role) => !paged(s, playbook, *role),
    }
}

/// Whether someone holds a role, or one of the playbook's contacts for it was paged.
pub(super) fn paged(s: &IncidentState, playbook: &Playbook, role: crate::domain::Role) -> bool {
    s.roster.with_role(role).next().is_some()
        || playbook
            .contacts_for(role)
            .any(|c| s.roster.get(&c.name).is_some())
}
