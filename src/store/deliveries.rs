//! Notification hooks to run: one row per (event, hook) in `deliveries`, claimed under
//! a lease so that one process runs it at a time however many have the file open, and
//! taken over by another once the lease runs out (its holder died).

use rusqlite::{OptionalExtension, params};
use ulid::Ulid;

use super::{Store, StoreError};
use crate::domain::{Timestamp, epoch_ms};

/// A delivery claimed for a while by one process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The event the hook runs for.
    pub event: Ulid,
    /// The hook's name.
    pub hook: String,
    /// This attempt's number, from 1.
    pub attempt: u32,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// Delivered: never run again.
    Delivered,
    /// Failed: tried again from this time.
    Retry(Timestamp),
    /// Failed for the last time: never run again.
    GaveUp,
}

impl Store {
    /// Where hooks start: events after this position are delivered. Set to the end of
    /// the log the first time any process asks, so hooks never run for history.
    ///
    /// # Errors
    /// When the database cannot be written.
    pub fn hooks_from(&mut self) -> Result<i64, StoreError> {
        self.write(|tx, sql| {
            let end: i64 = tx
                .query_row("SELECT coalesce(max(pos), 0) FROM events", [], |r| r.get(0))
                .map_err(sql)?;
            tx.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('hooks_from_pos', ?1)",
                [end.to_string()],
            )
            .map_err(sql)?;
            let value: String = tx
                .query_row(
                    "SELECT value FROM meta WHERE key = 'hooks_from_pos'",
                    [],
                    |r| r.get(0),
                )
                .map_err(sql)?;
            Ok(value.parse().unwrap_or(end))
        })
    }

    /// Where hook `name` starts: the end of the log the first time any process knew
    /// it, so a hook added later never runs for what came before it.
    ///
    /// # Errors
    /// When the database cannot be written.
    pub fn hook_from(&mut self, name: &str) -> Result<i64, StoreError> {
        let key = format!("hook_from_pos:{name}");
        self.write(|tx, sql| {
            let end: i64 = tx
                .query_row("SELECT coalesce(max(pos), 0) FROM events", [], |r| r.get(0))
                .map_err(sql)?;
            tx.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
                params![key, end.to_string()],
            )
            .map_err(sql)?;
            let value: String = tx
                .query_row("SELECT value FROM meta WHERE key = ?1", [&key], |r| {
                    r.get(0)
                })
                .map_err(sql)?;
            Ok(value.parse().unwrap_or(end))
        })
    }

    /// Adds a delivery for each (event, hook) not yet known; due now.
    ///
    /// # Errors
    /// When the database cannot be written.
    pub fn add_deliveries(&mut self, jobs: &[(Ulid, String)]) -> Result<usize, StoreError> {
        if jobs.is_empty() {
            return Ok(0);
        }
        let now = epoch_ms(self.now());
        self.write(|tx, sql| {
            let mut added = 0;
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO deliveries (event, hook, state, attempts, next_ms, lease_until, holder) \
                     VALUES (?1, ?2, 'pending', 0, ?3, 0, '')",
                )
                .map_err(sql)?;
            for (event, hook) in jobs {
                added += insert
                    .execute(params![event.to_string(), hook, now])
                    .map_err(sql)?;
            }
            Ok(added)
        })
    }

    /// Claims the work named `key` on `about` (an escalation step) for a minute: true
    /// for the one process that claims it first, or that takes it over when its claimer
    /// died before marking it done ([`Store::done_once`]); false otherwise.
    ///
    /// # Errors
    /// When the database cannot be written.
    pub fn claim_once(&mut self, about: Ulid, key: &str, holder: &str) -> Result<bool, StoreError> {
        let now = epoch_ms(self.now());
        let until = now.saturating_add(60_000);
        self.write(|tx, sql| {
            let added = tx
                .execute(
                    "INSERT OR IGNORE INTO deliveries (event, hook, state, attempts, next_ms, lease_until, holder) \
                     VALUES (?1, ?2, 'claimed', 1, ?3, ?4, ?5)",
                    params![about.to_string(), key, now, until, holder],
                )
                .map_err(sql)?;
            if added == 1 {
                return Ok(true);
            }
            let taken = tx
                .execute(
                    "UPDATE deliveries SET lease_until = ?4, holder = ?5, attempts = attempts + 1 \
                     WHERE event = ?1 AND hook = ?2 AND state = 'claimed' AND lease_until <= ?3",
                    params![about.to_string(), key, now, until, holder],
                )
                .map_err(sql)?;
            Ok(taken == 1)
        })
    }

    /// Marks the work `claim_once` gave out as done.
    ///
    /// # Errors
    /// When the database cannot be written.
    pub fn done_once(&mut self, about: Ulid, key: &str) -> Result<(), StoreError> {
        self.write(|tx, sql| {
            tx.execute(
                "UPDATE deliveries SET state = 'done', lease_until = 0 WHERE event = ?1 AND hook = ?2",
                params![about.to_string(), key],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    /// Moves the scanned position on (never back): later processes start there.
    ///
    /// # Errors
    /// When the database cannot be written.
    pub fn hooks_scanned(&mut self, pos: i64) -> Result<(), StoreError> {
        self.write(|tx, sql| {
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'hooks_from_pos' AND CAST(value AS INTEGER) < ?2",
                params![pos.to_string(), pos],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    /// Claims the delivery due soonest, for `lease` from now, for `holder`; `None` when
    /// none is due (or every due one is held by a live process).
    ///
    /// # Errors
    /// When the database cannot be written.
    pub fn claim_delivery(
        &mut self,
        holder: &str,
        lease: chrono::TimeDelta,
        hooks: &[String],
    ) -> Result<Option<Claim>, StoreError> {
        // Only hooks this process can run: one whose playbook lacks a hook (a console
        // started before the playbook changed) leaves its deliveries to the others.
        let hooks = serde_json::to_string(hooks).unwrap_or_else(|_| "[]".into());
        let now = epoch_ms(self.now());
        let until = now.saturating_add(lease.num_milliseconds());
        self.write(|tx, sql| {
            let due: Option<(String, String, i64)> = tx
                .query_row(
                    "SELECT event, hook, attempts FROM deliveries \
                     WHERE state = 'pending' AND next_ms <= ?1 AND lease_until <= ?1 \
                     AND hook IN (SELECT value FROM json_each(?2)) \
                     ORDER BY next_ms, event, hook LIMIT 1",
                    params![now, hooks],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(sql)?;
            let Some((event, hook, attempts)) = due else {
                return Ok(None);
            };
            tx.execute(
                "UPDATE deliveries SET attempts = attempts + 1, lease_until = ?3, holder = ?4 \
                 WHERE event = ?1 AND hook = ?2",
                params![event, hook, until, holder],
            )
            .map_err(sql)?;
            Ok(Ulid::from_string(&event).ok().map(|event| Claim {
                event,
                hook,
                attempt: u32::try_from(attempts + 1).unwrap_or(u32::MAX),
            }))
        })
    }

    /// Records how `claim` ended, if `holder` still holds it (a process whose lease ran
    /// out has lost it to another); returns whether it did.
    ///
    /// # Errors
    /// When the database cannot be written.
    pub fn finish_delivery(
        &mut self,
        claim: &Claim,
        holder: &str,
        finished: Finished,
    ) -> Result<bool, StoreError> {
        let (state, next) = match finished {
            Finished::Delivered => ("delivered", 0),
            Finished::GaveUp => ("gave_up", 0),
            Finished::Retry(at) => ("pending", epoch_ms(at)),
        };
        self.write(|tx, sql| {
            let changed = tx
                .execute(
                    "UPDATE deliveries SET state = ?3, next_ms = ?4, lease_until = 0, holder = '' \
                     WHERE event = ?1 AND hook = ?2 AND holder = ?5 AND attempts = ?6",
                    params![
                        claim.event.to_string(),
                        claim.hook,
                        state,
                        next,
                        holder,
                        i64::from(claim.attempt)
                    ],
                )
                .map_err(sql)?;
            Ok(changed == 1)
        })
    }

    /// Each delivery's state, for tests and `warroom deliver --list`: (event, hook,
    /// state, attempts).
    ///
    /// # Errors
    /// When the database cannot be read.
    pub fn deliveries(&self) -> Result<Vec<(Ulid, String, String, u32)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT event, hook, state, attempts FROM deliveries ORDER BY event, hook")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (event, hook, state, attempts) = row.map_err(|e| self.sql(e))?;
            if let Ok(event) = Ulid::from_string(&event) {
                out.push((event, hook, state, u32::try_from(attempts).unwrap_or(0)));
            }
        }
        Ok(out)
    }
}
