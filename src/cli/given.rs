//! What the command line gives for the settings, and where each value came from: a
//! flag, or the environment variable clap read it from (`ArgMatches::value_source`).

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use super::Cli;
use crate::config::{Chosen, Origin};

/// What the command line gives for the settings: each global option's value and
/// whether a flag or the environment gave it (`None`: neither).
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// `--db` or `WARROOM_DB`.
    pub db: Option<Chosen<PathBuf>>,
    /// `--as` or `WARROOM_USER`.
    pub author: Option<Chosen<String>>,
    /// `--playbook` or `WARROOM_PLAYBOOK`.
    pub playbook: Option<PathBuf>,
    /// `--theme` or `WARROOM_THEME`.
    pub theme: Option<Chosen<String>>,
    /// `--no-color`, or `NO_COLOR` set and not empty.
    pub no_color: Option<Origin>,
    /// `--time-zone`, or `TZ` (the value only counts from the flag: a `TZ` in the
    /// environment means the local zone, which it sets).
    pub time_zone: Option<Chosen<String>>,
}

/// The global options a value may come to from the environment, by their ids.
const FROM_ENV: &[&str] = &["db", "author", "playbook", "theme", "time_zone", "config"];

impl Cli {
    /// Reads the process's command line, as [`Cli::read_from`].
    ///
    /// # Errors
    /// What clap says about a command line it cannot read (or help and the version).
    pub fn read() -> Result<Cli, clap::Error> {
        Cli::read_from(std::env::args_os())
    }

    /// Reads a command line, noting which global options came from the environment,
    /// so each setting can say where it came from.
    ///
    /// # Errors
    /// What clap says about a command line it cannot read (or help and the version).
    pub fn read_from<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut command = Cli::command();
        let matches = command.try_get_matches_from_mut(args)?;
        let mut cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?;
        cli.from_env = FROM_ENV
            .iter()
            .copied()
            .filter(|id| matches.value_source(id) == Some(ValueSource::EnvVariable))
            .collect();
        Ok(cli)
    }

    /// Where a global option's value came from: its flag, or its environment variable.
    fn origin(&self, id: &str, flag: &'static str, env: &'static str) -> Origin {
        if self.from_env.contains(&id) {
            Origin::Env(env)
        } else {
            Origin::Flag(flag)
        }
    }

    /// What the command line gives for the settings, each with where it came from.
    pub(super) fn given(&self) -> Given {
        let no_color = if self.no_color {
            Some(Origin::Flag("--no-color"))
        } else if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            Some(Origin::Env("NO_COLOR"))
        } else {
            None
        };
        Given {
            db: self
                .db
                .clone()
                .map(|v| Chosen::new(v, self.origin("db", "--db", "WARROOM_DB"))),
            author: self
                .author
                .clone()
                .map(|v| Chosen::new(v, self.origin("author", "--as", "WARROOM_USER"))),
            playbook: self.playbook.clone(),
            theme: self
                .theme
                .clone()
                .map(|v| Chosen::new(v, self.origin("theme", "--theme", "WARROOM_THEME"))),
            no_color,
            time_zone: self
                .time_zone
                .clone()
                .map(|v| Chosen::new(v, self.origin("time_zone", "--time-zone", "TZ"))),
        }
    }

    /// The config file a flag or the environment names, if any.
    pub(super) fn config_named(&self) -> Option<Chosen<PathBuf>> {
        self.config
            .clone()
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| {
                let origin = self.origin("config", "--config", "WARROOM_CONFIG");
                Chosen::new(p, origin)
            })
    }
}
