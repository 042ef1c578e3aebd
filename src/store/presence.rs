//! Presence: which consoles have this database open, kept fresh by a heartbeat.

use std::time::Duration;

use rusqlite::params;

use super::schema::PRESENCE_FROM;
use super::{Store, StoreError};
use crate::domain::{Timestamp, epoch_ms, from_epoch_ms};

/// One console that has the database open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    /// Its session id (one per console run).
    pub session: String,
    /// Who is using it.
    pub user: String,
    /// The host it runs on.
    pub host: String,
    /// Its process id.
    pub pid: u32,
    /// When it started.
    pub since: Timestamp,
}

/// How old a heartbeat may be before its console counts as gone.
pub const PRESENCE_TTL: Duration = Duration::from_secs(30);
/// How often a console says it is still here.
pub const HEARTBEAT: Duration = Duration::from_secs(10);

/// This machine's host name.
pub fn host_name() -> String {
    // What `gethostname` reports: the node name `uname` gives.
    let uname = rustix::system::uname();
    String::from_utf8_lossy(uname.nodename().to_bytes()).into_owned()
}

impl Store {
    /// Records that this console is here (and clears sessions long gone).
    pub fn heartbeat(
        &mut self,
        session: &str,
        user: &str,
        host: &str,
        pid: u32,
    ) -> Result<(), StoreError> {
        let now = epoch_ms(self.now());
        let stale = now - 3600 * 1000;
        self.write(|tx, sql| {
            tx.execute(
                "INSERT INTO presence (session, user, host, pid, started_ms, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (session) DO UPDATE SET seen_ms = excluded.seen_ms",
                params![session, user, host, pid, now],
            )
            .map_err(sql)?;
            tx.execute("DELETE FROM presence WHERE seen_ms < ?1", [stale])
                .map_err(sql)?;
            Ok(())
        })
    }

    /// Records that this console left.
    pub fn leave(&mut self, session: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM presence WHERE session = ?1", [session])
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Consoles seen within [`PRESENCE_TTL`], oldest first.
    pub fn present(&self) -> Result<Vec<Presence>, StoreError> {
        if self.version < PRESENCE_FROM {
            return Ok(Vec::new());
        }
        let since = epoch_ms(self.now()) - PRESENCE_TTL.as_millis() as i64;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT session, user, host, pid, started_ms FROM presence WHERE seen_ms >= ?1 ORDER BY started_ms, session",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([since], |r| {
                Ok(Presence {
                    session: r.get(0)?,
                    user: r.get(1)?,
                    host: r.get(2)?,
                    pid: r.get::<_, i64>(3)? as u32,
                    since: from_epoch_ms(r.get(4)?).unwrap_or_default(),
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }
}
