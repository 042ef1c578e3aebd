//! Replays: an incident's events written into a scratch database at N times the pace
//! they were recorded at, so that a review or a training session can watch the incident
//! unfold in a console on that file. The events are copied as they are (ids, origins,
//! numbers, times), so the scratch file folds to the same incident and its chain checks.

use chrono::TimeDelta;

use super::DrillClock;
use crate::domain::{Event, Link, Timestamp};
use crate::store::{Store, StoreError};

/// How fast a replay goes, at most: as fast as a drill may.
pub const MAX_REPLAY_SPEED: u32 = super::MAX_SPEED;

/// What a replay did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    /// Events written into the scratch database, in the order they were recorded.
    pub written: usize,
    /// Of those, how many it held already (a replay run into the same file again).
    pub held: usize,
    /// Whether it was stopped before the end (interrupted).
    pub stopped: bool,
}

/// When, after the replay starts, each event is due: the time between two events as
/// recorded (`logged_at`), divided by `speed`, and shortened to `max_gap` where longer
/// (the night between two shifts need not be sat through). Events are taken in the
/// order they were recorded (then by id), which is how the room saw them arrive.
pub fn schedule(events: &mut [Event], speed: u32, max_gap: TimeDelta) -> Vec<TimeDelta> {
    events.sort_by_key(|e| (e.logged_at, e.id));
    let speed = i32::try_from(speed.clamp(1, MAX_REPLAY_SPEED)).unwrap_or(1);
    let mut due = Vec::with_capacity(events.len());
    let mut offset = TimeDelta::zero();
    let mut last: Option<Timestamp> = None;
    for event in events.iter() {
        if let Some(last) = last {
            let gap = (event.logged_at - last) / speed;
            offset += gap.min(max_gap).max(TimeDelta::zero());
        }
        last = Some(event.logged_at);
        due.push(offset);
    }
    due
}

/// Writes `events` into `into` on the schedule [`schedule`] gives, each with its chain
/// link from the source (`links[i]` for `events[i]`, or none), waiting on `clock`
/// between them; `each` hears of every event as it is written (with its index). Stops
/// early, keeping what was written, when the clock says it was interrupted.
///
/// Errors: the scratch database refuses an event (see [`Store::insert_new_events`]).
pub fn replay(
    mut events: Vec<Event>,
    links: Vec<Option<Link>>,
    into: &mut Store,
    speed: u32,
    max_gap: TimeDelta,
    clock: &dyn DrillClock,
    each: &mut dyn FnMut(&Event, usize),
) -> Result<Replayed, StoreError> {
    let links: std::collections::HashMap<ulid::Ulid, Link> = events
        .iter()
        .zip(links)
        .filter_map(|(e, l)| Some((e.id, l?)))
        .collect();
    let due = schedule(&mut events, speed, max_gap);
    let mut start = clock.now();
    let mut done = Replayed {
        written: 0,
        held: 0,
        stopped: false,
    };
    // Whether the events so far were all held already (a replay run into the same file
    // again): those are not waited for, and the first new one is due at once.
    let mut only_held = true;
    for (i, (event, due)) in events.iter().zip(due).enumerate() {
        if only_held {
            if into.event(event.id)?.is_some() {
                done.written += 1;
                done.held += 1;
                each(event, i);
                continue;
            }
            only_held = false;
            start = clock.now() - due;
        }
        let at = start + due;
        while clock.now() < at {
            if clock.interrupted() {
                done.stopped = true;
                return Ok(done);
            }
            clock.wait_until(at);
        }
        if clock.interrupted() {
            done.stopped = true;
            return Ok(done);
        }
        let link = links.get(&event.id).copied();
        let new = into
            .import_linked(std::slice::from_ref(event), &[link])?
            .added;
        done.written += 1;
        done.held += usize::from(new.is_empty());
        each(event, i);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use super::*;
    use crate::domain::IncidentState;
    use crate::store::OpenOptions;

    /// A clock that jumps to whatever it is asked to wait for, noting each wait.
    struct Stepping {
        now: Cell<Timestamp>,
        waits: RefCell<Vec<TimeDelta>>,
        stop_after: Option<usize>,
    }

    impl DrillClock for Stepping {
        fn now(&self) -> Timestamp {
            self.now.get()
        }

        fn wait_until(&self, until: Timestamp) {
            self.waits.borrow_mut().push(until - self.now.get());
            self.now.set(until);
        }

        fn interrupted(&self) -> bool {
            self.stop_after
                .is_some_and(|n| self.waits.borrow().len() >= n)
        }
    }

    fn source() -> Vec<Event> {
        let now = chrono::DateTime::from_timestamp_millis(1_795_000_000_000).unwrap();
        let mut events = crate::demo::events("demo", now);
        let first = events[0].incident;
        events.retain(|e| e.incident == first);
        events
    }

    #[test]
    fn a_replay_writes_each_event_at_its_recorded_pace_divided_by_the_speed() {
        let events = source();
        let dir = tempfile::TempDir::new().unwrap();
        let mut scratch = Store::open(dir.path().join("replay.db"), OpenOptions::write()).unwrap();
        let start = chrono::DateTime::from_timestamp_millis(1_900_000_000_000).unwrap();
        let clock = Stepping {
            now: Cell::new(start),
            waits: RefCell::new(Vec::new()),
            stop_after: None,
        };
        // The middle of the sample's gaps over ten: the longer ones are cut to it.
        let mut recorded = events.clone();
        recorded.sort_by_key(|e| (e.logged_at, e.id));
        let mut gaps: Vec<TimeDelta> = recorded
            .windows(2)
            .map(|w| (w[1].logged_at - w[0].logged_at) / 10)
            .filter(|g| *g > TimeDelta::zero())
            .collect();
        gaps.sort();
        let max_gap = gaps[gaps.len() / 2];
        assert!(gaps[0] < max_gap, "the sample's gaps differ: {gaps:?}");
        let mut seen = Vec::new();
        // The source's links go with the events, so the scratch file holds its chain.
        let mut source_store =
            Store::open(dir.path().join("source.db"), OpenOptions::write()).unwrap();
        let first = chrono::DateTime::from_timestamp_millis(1_795_000_000_000).unwrap();
        source_store
            .insert_events(&crate::demo::events("demo", first))
            .unwrap();
        let incident = events[0].incident;
        let (events, links) = source_store.events_with_links(Some(incident)).unwrap();
        assert!(links.iter().all(Option::is_some));
        let done = replay(
            events.clone(),
            links,
            &mut scratch,
            10,
            max_gap,
            &clock,
            &mut |e, i| {
                seen.push((i, e.id, clock.now()));
            },
        )
        .unwrap();
        assert_eq!(
            done,
            Replayed {
                written: events.len(),
                held: 0,
                stopped: false
            }
        );

        // Each event went in when due: its recorded gap over ten, at most `max_gap`.
        let mut expected = start;
        for (k, (i, id, at)) in seen.iter().enumerate() {
            assert_eq!((*i, *id), (k, recorded[k].id));
            if k > 0 {
                let gap = (recorded[k].logged_at - recorded[k - 1].logged_at) / 10;
                expected += gap.min(max_gap);
            }
            assert_eq!(*at, expected, "event {k}");
        }
        assert!(
            clock
                .waits
                .borrow()
                .iter()
                .all(|w| *w <= max_gap && *w > TimeDelta::zero()),
            "{:?}",
            clock.waits.borrow()
        );
        assert!(
            clock.waits.borrow().contains(&max_gap),
            "a long gap was shortened to the most a replay waits"
        );
        assert!(
            clock.waits.borrow().iter().any(|w| *w < max_gap),
            "a short gap kept its pace"
        );

        // The scratch file holds the incident as the source folds it, in the order recorded.
        let incident = events[0].incident;
        assert!(
            scratch.incident(incident).unwrap().unwrap()
                == IncidentState::fold(incident, events.clone())
        );
        let stored: Vec<_> = scratch
            .events_since(0, usize::MAX)
            .unwrap()
            .into_iter()
            .map(|(_, e)| e.id)
            .collect();
        assert_eq!(stored, recorded.iter().map(|e| e.id).collect::<Vec<_>>());
        let found = scratch.verify(None, &Default::default()).unwrap();
        assert!(found.is_whole() && found.unchecked == 0, "{found:?}");
        assert_eq!(
            scratch.chain_heads(Some(incident)).unwrap(),
            source_store.chain_heads(Some(incident)).unwrap(),
            "the source's hashes"
        );

        // Again into the same file: nothing new, nothing doubled, nothing waited for.
        let waits = clock.waits.borrow().len();
        let again = replay(
            events.clone(),
            Vec::new(),
            &mut scratch,
            1000,
            max_gap,
            &clock,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(again.held, events.len());
        assert_eq!(
            clock.waits.borrow().len(),
            waits,
            "held events are not waited for"
        );
    }

    #[test]
    fn an_interrupted_replay_keeps_what_it_wrote_and_says_it_stopped() {
        let events = source();
        let dir = tempfile::TempDir::new().unwrap();
        let mut scratch = Store::open(dir.path().join("replay.db"), OpenOptions::write()).unwrap();
        let clock = Stepping {
            now: Cell::new(chrono::DateTime::from_timestamp_millis(1_900_000_000_000).unwrap()),
            waits: RefCell::new(Vec::new()),
            stop_after: Some(3),
        };
        let done = replay(
            events,
            Vec::new(),
            &mut scratch,
            5,
            TimeDelta::seconds(30),
            &clock,
            &mut |_, _| {},
        )
        .unwrap();
        assert!(done.stopped);
        assert_eq!(
            scratch.events_since(0, usize::MAX).unwrap().len(),
            done.written
        );
        assert_eq!(
            done.written, 3,
            "written before each of the three waits: {done:?}"
        );
    }
}
