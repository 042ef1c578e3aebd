//! Where warroom keeps its own files unless told otherwise: the XDG base directories on
//! Linux (`$XDG_CONFIG_HOME/warroom`, `$XDG_DATA_HOME/warroom`, `$XDG_STATE_HOME/warroom`),
//! each platform's own folders elsewhere. Found once per process.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use directories::ProjectDirs;

/// `None` when there is no home directory to find them from.
static DIRS: LazyLock<Option<ProjectDirs>> =
    LazyLock::new(|| ProjectDirs::from_path(PathBuf::from("warroom")));

/// The folder for settings: `$XDG_CONFIG_HOME/warroom` (`~/.config/warroom` when
/// `XDG_CONFIG_HOME` is unset).
fn config_dir() -> Option<&'static Path> {
    DIRS.as_ref().map(ProjectDirs::config_dir)
}

/// The folder for data: `$XDG_DATA_HOME/warroom`.
fn data_dir() -> Option<&'static Path> {
    DIRS.as_ref().map(ProjectDirs::data_dir)
}

/// The folder for state: `$XDG_STATE_HOME/warroom`, or the data folder on a platform
/// without one.
fn state_dir() -> Option<&'static Path> {
    DIRS.as_ref().map(|d| d.state_dir().unwrap_or(d.data_dir()))
}

/// Your settings: `$XDG_CONFIG_HOME/warroom/config.toml`
/// (`~/.config/warroom/config.toml` when `XDG_CONFIG_HOME` is unset).
pub fn config_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("config.toml"))
}

/// The default database: `$XDG_DATA_HOME/warroom/warroom.db`.
pub fn default_db() -> Option<PathBuf> {
    data_dir().map(|d| d.join("warroom.db"))
}

/// The consoles' drafts: `$XDG_STATE_HOME/warroom/drafts`.
pub fn drafts_dir() -> Option<PathBuf> {
    state_dir().map(|d| d.join("drafts"))
}

/// The console's log file: `$XDG_STATE_HOME/warroom/warroom.log`.
pub fn log_file() -> Option<PathBuf> {
    state_dir().map(|d| d.join("warroom.log"))
}
