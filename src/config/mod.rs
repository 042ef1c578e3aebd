//! Your settings: the config file, read and checked (every problem with its line), and
//! where each setting in force came from.
//!
//! The file is `$XDG_CONFIG_HOME/warroom/config.toml` (`~/.config/warroom/config.toml`),
//! or the one `--config FILE` or `WARROOM_CONFIG` names. It may set `name`, `db`,
//! `theme`, `time_zone`, `ring` and a `[keys.MODE]` table per mode (see
//! [`default_text`] for the whole format). For every setting a flag beats the
//! environment, which beats the file, which beats the default; the command line
//! ([`crate::cli`]) does the choosing with the values this module reads.

mod default;
mod file;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use default::default_text;
pub use file::check;

use crate::app::Keymap;
use crate::app::notify::Ring;
use crate::playbook::Problem;
use crate::zone::Zone;

/// Where a setting's value came from, as `warroom config` says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A flag on the command line (`--db`).
    Flag(&'static str),
    /// An environment variable (`WARROOM_DB`).
    Env(&'static str),
    /// A line of a config file.
    File {
        /// The file.
        path: PathBuf,
        /// The line the setting is on.
        line: usize,
    },
    /// The team's playbook (its source, as the playbook says it).
    Playbook(String),
    /// Nothing said otherwise.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Env(var) => write!(f, "env {var}"),
            Origin::File { path, line } => write!(f, "config {}:{line}", path.display()),
            Origin::Playbook(source) => write!(f, "playbook {source}"),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// A value in force and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub origin: Origin,
}

impl<T> Chosen<T> {
    /// `value`, from `origin`.
    pub fn new(value: T, origin: Origin) -> Chosen<T> {
        Chosen { value, origin }
    }
}

/// One setting as a config file gives it: the value read and checked, and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Its line in the file.
    pub line: usize,
}

/// The settings a config file gives; each is `None` when the file leaves it out (or
/// there is no file).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file looked for and who named it; `None` when there is no home folder to
    /// look in and none was named.
    pub file: Option<Chosen<PathBuf>>,
    /// Whether the file was there and read (a missing default file is no settings).
    pub read: bool,
    /// Who you are in the log.
    pub name: Option<Setting<String>>,
    /// The database (`~/` expanded, relative to the file's folder).
    pub db: Option<Setting<PathBuf>>,
    /// The console's theme: a built-in name or a theme file.
    pub theme: Option<Setting<String>>,
    /// The zone times are shown and read in.
    pub time_zone: Option<Setting<Zone>>,
    /// Which notices ring the bell.
    pub ring: Option<Setting<Ring>>,
    /// The keymap in force: the built-in table with `[keys]` merged over it.
    pub keys: Arc<Keymap>,
    /// How many `[keys]` entries the file has, and the line of the first.
    pub rebindings: Option<Setting<usize>>,
    /// Why the file is not used, when it has problems: said once (on stderr, or in
    /// the console's hint bar), and the command goes on with the defaults.
    pub warning: Option<String>,
}

/// Why the settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file a flag or the environment names cannot be read.
    #[error(
        "cannot read the config file {} named by {origin} ({why}); give a file that exists, or {} to use {}",
        path.display(),
        leave_out(origin),
        default_words()
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Who named it.
        origin: Origin,
        /// What reading it said.
        why: String,
    },
    /// The default file is there but cannot be read.
    #[error(
        "cannot read your config file {} ({why}); make it readable, or name another with --config FILE",
        path.display()
    )]
    DefaultUnreadable {
        /// The file.
        path: PathBuf,
        /// What reading it said.
        why: String,
    },
    /// The file has problems: the first is said, with how to see them all.
    #[error(
        "{}{}; `warroom config --check {}` lists every problem",
        problems.first().map(|p| p.located(&path.display().to_string())).unwrap_or_default(),
        match problems.len() { 0 | 1 => String::new(), n => format!(" (and {} more)", n - 1) },
        path.display()
    )]
    Problems {
        /// The file.
        path: PathBuf,
        /// Every problem, in line order.
        problems: Vec<Problem>,
    },
}

/// How to stop naming a file: leave the flag out, or unset the variable.
fn leave_out(origin: &Origin) -> String {
    match origin {
        Origin::Flag(flag) => format!("leave {flag} out"),
        Origin::Env(var) => format!("unset {var}"),
        other => format!("leave {other} out"),
    }
}

/// The default config file in words, for messages.
fn default_words() -> String {
    match crate::paths::config_file() {
        Some(path) => path.display().to_string(),
        None => "no config file".into(),
    }
}

impl Config {
    /// Reads the settings: from `named` (a file a flag or the environment names, which
    /// must exist), else from the default file, which may be missing (no settings).
    ///
    /// # Errors
    /// A named file that cannot be read, a default one that exists but cannot be read,
    /// or a file with problems (the first said; `warroom config --check` lists all).
    pub fn load(named: Option<Chosen<PathBuf>>) -> Result<Config, ConfigError> {
        let file = named
            .clone()
            .or_else(|| crate::paths::config_file().map(|path| Chosen::new(path, Origin::Default)));
        let Some(found) = file else {
            return Ok(Config::default());
        };
        let text = match crate::files::read_to_string(&found.value) {
            Ok(text) => text,
            Err(e) if named.is_none() && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config {
                    file: Some(found),
                    ..Config::default()
                });
            }
            // A default place in a folder this user may not even look in (run as another
            // user with someone else's HOME): no file of theirs to be read; go on
            // without. A file that is there but unreadable is refused below.
            Err(e)
                if named.is_none()
                    && e.kind() == std::io::ErrorKind::PermissionDenied
                    && std::fs::metadata(&found.value).is_err() =>
            {
                tracing::warn!(
                    "cannot look for a config file at {} ({e}); going on without one",
                    found.value.display()
                );
                return Ok(Config {
                    file: Some(found),
                    ..Config::default()
                });
            }
            Err(e) => {
                return Err(match named {
                    Some(named) => ConfigError::Unreadable {
                        path: found.value.clone(),
                        origin: named.origin,
                        why: e.to_string(),
                    },
                    None => ConfigError::DefaultUnreadable {
                        path: found.value.clone(),
                        why: e.to_string(),
                    },
                });
            }
        };
        let (config, problems) = check(&text, folder(&found.value));
        // A problem with where entries go, who writes them or which zone times are in
        // stops every command (a guess would put them in the wrong place, under the
        // wrong name, hours off). Any other (a theme's name, a key) stops nothing: a
        // typo there must not keep anyone from the log mid-incident; what parsed is
        // used and the rest is left out, said once.
        if !problems.is_empty() {
            let decisive = problems.iter().any(|p| {
                p.line
                    .and_then(|n| text.lines().nth(n.saturating_sub(1)))
                    .map(str::trim_start)
                    .is_some_and(|l| ["db", "name", "time_zone"].iter().any(|k| l.starts_with(k)))
            });
            let why = ConfigError::Problems {
                path: found.value.clone(),
                problems,
            };
            if decisive {
                return Err(why);
            }
            let warning = format!("the settings with problems are left out: {why}");
            tracing::warn!("{warning}");
            return Ok(Config {
                file: Some(found),
                read: true,
                warning: Some(warning),
                ..config
            });
        }
        Ok(Config {
            file: Some(found),
            read: true,
            ..config
        })
    }

    /// Where a setting of this file came from: its file and line.
    pub fn origin(&self, line: usize) -> Origin {
        Origin::File {
            path: self
                .file
                .as_ref()
                .map(|f| f.value.clone())
                .unwrap_or_default(),
            line,
        }
    }

    /// Which notices ring the bell: `WARROOM_RING`, else the file's `ring`, else the
    /// default. A `WARROOM_RING` that cannot be read is passed over, and why is
    /// returned beside what is used instead.
    pub fn ring(&self) -> (Chosen<Ring>, Option<String>) {
        let from_file = || match &self.ring {
            Some(ring) => Chosen::new(ring.value.clone(), self.origin(ring.line)),
            None => Chosen::new(Ring::default(), Origin::Default),
        };
        match std::env::var("WARROOM_RING") {
            Ok(text) => match Ring::read(&text) {
                Ok(ring) => (Chosen::new(ring, Origin::Env("WARROOM_RING")), None),
                Err(why) => (from_file(), Some(format!("WARROOM_RING: {why}"))),
            },
            Err(_) => (from_file(), None),
        }
    }
}

/// The folder a file is in, which relative paths in it are read from.
fn folder(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

/// A zone as a config file writes it: `local`, `UTC`, or its IANA name.
pub fn zone_words(zone: Zone) -> String {
    match zone {
        Zone::Local => "local".into(),
        Zone::Utc => "UTC".into(),
        Zone::Named(tz) => tz.name().into(),
    }
}

/// Your login name, the name you write as when nothing names you: `USER`, else
/// `LOGNAME`, else the account's name in the password database, else `uid-N` (a
/// container's arbitrary user); never a made-up name.
pub fn login_name() -> String {
    let env = |var| {
        std::env::var(var)
            .ok()
            .filter(|s: &String| !s.trim().is_empty())
    };
    env("USER")
        .or_else(|| env("LOGNAME"))
        .unwrap_or_else(account_name)
}

/// The name of the account this process runs as, from the password database; `uid-N`
/// when it has no entry.
pub fn account_name() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) if !user.name.trim().is_empty() => user.name,
        _ => format!("uid-{uid}"),
    }
}
