//! What every command needs: which database, who is writing, which incident.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use ulid::Ulid;

use crate::domain::{IncidentState, IncidentSummary};
use crate::store::{OpenOptions, Store};

/// The database path and author chosen by flags, environment or defaults.
#[derive(Debug, Clone)]
pub struct Context {
    /// The database file.
    pub db: PathBuf,
    /// Whether the path is the default one (whose directory may be created).
    pub default_db: bool,
    /// Who is writing.
    pub author: String,
    /// The playbook named by `--playbook` or `WARROOM_PLAYBOOK`, if any.
    pub playbook: Option<PathBuf>,
}

impl Context {
    /// Resolves `--db`/`WARROOM_DB` and `--as`/`WARROOM_USER` (already merged by clap).
    pub fn new(
        db: Option<PathBuf>,
        author: Option<String>,
        playbook: Option<PathBuf>,
    ) -> Result<Context> {
        let (db, default_db) = match db.filter(|p| !p.as_os_str().is_empty()) {
            Some(db) => (db, false),
            None => (default_db_path()?, true),
        };
        Ok(Context {
            db,
            default_db,
            author: resolve_author(author)?,
            playbook: playbook.filter(|p| !p.as_os_str().is_empty()),
        })
    }

    /// Opens the database for writing, creating it (and, for the default path, its
    /// directory) on first use.
    pub fn open_write(&self) -> Result<Store> {
        let opts = OpenOptions {
            create_dirs: self.default_db,
            ..OpenOptions::write()
        };
        Ok(Store::open(&self.db, opts)?)
    }

    /// The playbook: `--playbook`/`WARROOM_PLAYBOOK`, else `playbook.toml` beside the
    /// database, else the built-in default.
    pub fn playbook(&self) -> Result<crate::playbook::Playbook> {
        Ok(crate::playbook::Playbook::discover(
            self.playbook.as_deref(),
            &self.db,
        )?)
    }

    /// The zone every time is shown and read in: a person's own `TZ` (their local
    /// time) first, then the team's playbook `time_zone`, then the machine's local
    /// zone. A playbook that cannot be read sets none here; the commands that need it
    /// say why.
    pub fn zone(&self) -> crate::zone::Zone {
        if std::env::var_os("TZ").is_some_and(|v| !v.is_empty()) {
            return crate::zone::Zone::Local;
        }
        self.playbook()
            .ok()
            .and_then(|p| p.time_zone)
            .unwrap_or_default()
    }

    /// Opens an existing database for writing; a missing one is an error, not created.
    pub fn open_existing(&self) -> Result<Store> {
        let opts = OpenOptions {
            create: false,
            ..OpenOptions::write()
        };
        Ok(Store::open(&self.db, opts)?)
    }

    /// Opens an existing database for reading.
    pub fn open_read(&self) -> Result<Store> {
        Ok(Store::open(&self.db, OpenOptions::read())?)
    }

    /// Opens the database as a command needs it.
    pub fn open(&self, how: Open) -> Result<Store> {
        match how {
            Open::Read => self.open_read(),
            Open::Write => self.open_write(),
        }
    }
}

/// How a command uses the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// Only reads: an existing file, never created, and read-only files are fine.
    Read,
    /// Writes: created on first use, refused when read-only.
    Write,
}

/// `warroom/warroom.db` in the user's data directory (XDG on Linux).
fn default_db_path() -> Result<PathBuf> {
    crate::paths::default_db()
        .context("cannot find your home directory to keep the database in; give a path with --db or WARROOM_DB")
}

/// Who writes: `--as` (or `WARROOM_USER`), else `USER`, else `LOGNAME`, else the
/// account's name in the password database, else `uid-N`; never a made-up name. A
/// blank `--as` is refused rather than passed over.
fn resolve_author(flag: Option<String>) -> Result<String> {
    if flag.as_deref().is_some_and(|s| s.trim().is_empty()) {
        bail!(
            "the name given with --as (or WARROOM_USER) is empty; give a name, or leave it out to write as your login name"
        );
    }
    let name = flag
        .or_else(|| std::env::var("USER").ok().filter(|s| !s.trim().is_empty()))
        .or_else(|| {
            std::env::var("LOGNAME")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(account_name);
    let name = name.trim().to_string();
    if name.chars().any(char::is_control) {
        bail!(
            "the name '{}' contains control characters; give a plain name with --as",
            crate::inert::line(&name)
        );
    }
    Ok(name)
}

/// The name of the account this process runs as, from the password database; `uid-N`
/// when it has no entry (a container's arbitrary user).
pub fn account_name() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) if !user.name.trim().is_empty() => user.name,
        _ => format!("uid-{uid}"),
    }
}

/// Which incident a command means: the one named, or the only open one.
pub enum Pick<'a> {
    /// A command that writes: needs the named incident or exactly one open.
    Write(Option<&'a str>),
    /// A command that reads: falls back to the newest incident when none is open.
    Read(Option<&'a str>),
}

/// Finds the incident a command is about, folded.
pub fn pick_incident(store: &Store, pick: Pick<'_>) -> Result<IncidentState> {
    let id = pick_id(store, pick)?;
    store
        .incident(id)?
        .with_context(|| format!("incident {id} has no events"))
}

/// Finds the id of the incident a command is about, without folding its timeline.
pub fn pick_id(store: &Store, pick: Pick<'_>) -> Result<Ulid> {
    let (named, reading) = match pick {
        Pick::Write(n) => (n, false),
        Pick::Read(n) => (n, true),
    };
    if let Some(named) = named {
        return resolve_id(
            &store.incident_ids()?,
            named,
            "incident",
            "`warroom incidents` lists them",
        );
    }
    let summaries = store.incident_summaries()?;
    let open: Vec<&IncidentSummary> = summaries.iter().filter(|i| i.is_open()).collect();
    let chosen = match open.as_slice() {
        [one] => one.id,
        [] => {
            let newest = summaries.iter().max_by_key(|i| i.opened_at);
            match newest {
                Some(newest) if reading => newest.id,
                Some(_) => bail!(
                    "no open incident: declare one with `warroom declare --title \"...\"`, or name one with --incident ({})",
                    list(&summaries.iter().collect::<Vec<_>>(), "warroom incidents")
                ),
                None => bail!(
                    "no incident yet in {}: declare one with `warroom declare --title \"...\"` (or try `warroom demo`)",
                    store.path().display()
                ),
            }
        }
        several => bail!(
            "{} incidents are open; say which with --incident: {}",
            several.len(),
            list(several, "warroom incidents --open")
        ),
    };
    Ok(chosen)
}

/// How many incidents an error names; `warroom incidents` lists the rest.
const LISTED: usize = 5;

/// The newest few incidents for an error message, and how many more there are.
fn list(incidents: &[&IncidentSummary], all: &str) -> String {
    let mut newest = incidents.to_vec();
    newest.sort_by_key(|i| std::cmp::Reverse((i.opened_at, i.id)));
    let shown = newest
        .iter()
        .take(LISTED)
        .map(|i| {
            let drill = if i.drill { " [DRILL]" } else { "" };
            format!(
                "{} \"{}\"{drill}",
                i.short_id(),
                crate::inert::line(&i.title)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    match newest.len().saturating_sub(LISTED) {
        0 => shown,
        more => format!("{shown}, and {more} more: `{all}` lists them"),
    }
}

/// Resolves a typed id: the full id, or a unique ending of at least 4 characters.
pub fn resolve_id(ids: &[Ulid], typed: &str, what: &str, hint: &str) -> Result<Ulid> {
    crate::domain::resolve_id(ids.iter().copied(), typed, what, hint).map_err(anyhow::Error::msg)
}
