//! What every command needs: which database, who is writing, which incident, and the
//! settings in force, each chosen as flag, then environment, then config file, then
//! default.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use ulid::Ulid;

use super::given::Given;
use crate::config::{Chosen, Config, Origin};
use crate::domain::{IncidentState, IncidentSummary};
use crate::store::{OpenOptions, Store};
use crate::zone::Zone;

/// The database path and author chosen by flags, environment, your config or defaults.
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
    /// Every setting in force and where it came from, and the config file's own.
    pub settings: InForce,
}

/// The settings in force, each with where it came from.
#[derive(Debug, Clone)]
pub struct InForce {
    /// The config file's settings (and which file was read, if any).
    pub config: Config,
    /// Who writes.
    pub name: Chosen<String>,
    /// The database.
    pub db: Chosen<PathBuf>,
    /// The console's theme: a built-in name or a theme file.
    pub theme: Chosen<String>,
    /// The zone times are shown and read in.
    pub time_zone: Chosen<Zone>,
    /// Why the team's zone is not known (its playbook cannot be read, and no zone of
    /// your own is given): a command that shows or reads times stops with it.
    pub zone_unknown: Option<String>,
}

impl Context {
    /// Chooses every setting from what the command line gives, then the config
    /// file, then the default: the database, who writes, the theme, and the zone (for
    /// which the team's playbook comes after your config).
    ///
    /// # Errors
    /// No home folder for the default database, a blank or unprintable name, or a
    /// `--time-zone` that is not a zone; each one line saying what to do.
    pub fn new(given: Given, config: Config) -> Result<Context> {
        let db = match given.db.filter(|d| !d.value.as_os_str().is_empty()) {
            Some(db) => db,
            None => match &config.db {
                Some(db) => Chosen::new(db.value.clone(), config.origin(db.line)),
                None => Chosen::new(default_db_path()?, Origin::Default),
            },
        };
        let name = resolve_author(given.author, &config)?;
        let theme = match (given.no_color, given.theme) {
            (Some(origin), _) => Chosen::new("mono".to_string(), origin),
            (None, Some(theme)) => theme,
            (None, None) => match &config.theme {
                Some(theme) => Chosen::new(theme.value.clone(), config.origin(theme.line)),
                None => Chosen::new("dark".to_string(), Origin::Default),
            },
        };
        let mut ctx = Context {
            default_db: db.origin == Origin::Default,
            db: db.value.clone(),
            author: name.value.clone(),
            playbook: given.playbook.filter(|p| !p.as_os_str().is_empty()),
            settings: InForce {
                config,
                name,
                db,
                theme,
                time_zone: Chosen::new(Zone::Local, Origin::Default),
                zone_unknown: None,
            },
        };
        ctx.settings.time_zone = ctx.resolve_zone(given.time_zone)?;
        Ok(ctx)
    }

    /// The zone every time is shown and read in: `--time-zone`, else a person's own
    /// `TZ` (their local time), else their config's `time_zone`, else the team's
    /// playbook `time_zone`, else the machine's local zone. A playbook that cannot be
    /// read is an error here when no zone of your own is given: its zone is unknown.
    fn resolve_zone(&mut self, given: Option<Chosen<String>>) -> Result<Chosen<Zone>> {
        match given {
            Some(zone) if zone.origin == Origin::Flag("--time-zone") => {
                let parsed = Zone::parse(&zone.value)
                    .map_err(|why| anyhow::anyhow!("--time-zone: {why}"))?;
                return Ok(Chosen::new(parsed, zone.origin));
            }
            Some(zone) if !zone.value.is_empty() => {
                // A zone's name in TZ is kept as that name, so it can be said; any
                // other TZ (a POSIX rule such as CET-1CEST) is the local clock's.
                let named = zone.value.trim_start_matches(':');
                return Ok(match Zone::parse(named) {
                    Ok(parsed) if parsed != Zone::Local => Chosen::new(parsed, zone.origin),
                    _ => {
                        if named.contains('/') && !named.starts_with('/') {
                            tracing::warn!(
                                "TZ={} names no time zone known here; times follow the machine's clock as it reads TZ (often UTC): give an IANA name such as Europe/Berlin",
                                crate::inert::line(&zone.value)
                            );
                        }
                        Chosen::new(Zone::Local, zone.origin)
                    }
                });
            }
            _ => {}
        }
        let config = &self.settings.config;
        if let Some(zone) = &config.time_zone {
            return Ok(Chosen::new(zone.value, config.origin(zone.line)));
        }
        // The team's zone: a playbook that cannot be read leaves it unknown, and a time
        // typed or shown in a guessed zone would be hours off, so nothing goes on.
        match self.playbook() {
            Ok(p) => Ok(p
                .time_zone
                .map(|z| Chosen::new(z, Origin::Playbook(p.source)))
                .unwrap_or(Chosen::new(Zone::Local, Origin::Default))),
            Err(e) => {
                self.settings.zone_unknown = Some(format!(
                    "{e}; until it is fixed its time zone is not known: give yours with --time-zone (or TZ) to go on"
                ));
                Ok(Chosen::new(Zone::Local, Origin::Default))
            }
        }
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

    /// The zone in force (see [`InForce::time_zone`]).
    pub fn zone(&self) -> Zone {
        self.settings.time_zone.value
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
        .context("cannot find your home directory to keep the database in; give a path with --db, WARROOM_DB or db in your config")
}

/// Who writes: `--as` (or `WARROOM_USER`), else the config's `name`, else your login
/// name (`USER`, `LOGNAME`, the account's name, else `uid-N`); never a made-up name. A
/// blank `--as` is refused rather than passed over.
fn resolve_author(given: Option<Chosen<String>>, config: &Config) -> Result<Chosen<String>> {
    if given.as_ref().is_some_and(|n| n.value.trim().is_empty()) {
        bail!(
            "the name given with --as (or WARROOM_USER) is empty; give a name, or leave it out to write as your login name"
        );
    }
    let name = given
        .or_else(|| {
            config
                .name
                .as_ref()
                .map(|n| Chosen::new(n.value.clone(), config.origin(n.line)))
        })
        .unwrap_or_else(|| Chosen::new(crate::config::login_name(), Origin::Default));
    let name = Chosen::new(name.value.trim().to_string(), name.origin);
    if name.value.chars().any(char::is_control) {
        bail!(
            "the name '{}' ({}) contains control characters; give a plain name with --as",
            crate::inert::line(&name.value),
            name.origin
        );
    }
    Ok(name)
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
