//! `warroom config`: the settings in force and where each came from, a complete default
//! config file (`--print-default`), or every problem in one (`--check FILE`).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;

use super::context::Context;
use crate::config::{Origin, check as check_text, default_text, zone_words};

/// Arguments of `warroom config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print a complete default config file (every setting and every mode's keys,
    /// commented out), to start your own from.
    #[arg(long, conflicts_with = "check")]
    pub print_default: bool,
    /// Check a config file and list every problem with its line.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
}

/// `warroom config --print-default`: needs no database and no settings.
pub fn print_default() -> Result<()> {
    say_part!("{}", default_text());
    Ok(())
}

/// `warroom config --check FILE`: every problem as `FILE:LINE: problem`, or `FILE: ok`.
pub fn check(path: &Path) -> Result<()> {
    let text = crate::files::read_to_string(path).map_err(|e| {
        anyhow::anyhow!(
            "cannot read {} ({e}); give the path of a config file",
            path.display()
        )
    })?;
    let (_, problems) = check_text(&text, path.parent().unwrap_or(Path::new(".")));
    let name = path.display().to_string();
    if problems.is_empty() {
        say!("{name}: ok");
        return Ok(());
    }
    for problem in &problems {
        say!("{}", problem.located(&name));
    }
    bail!("{name} has {} problem(s)", problems.len())
}

/// `warroom config`: each setting in force, as a config file would write it, with
/// where it came from; first, which config file was read.
pub fn show(ctx: &Context) -> Result<()> {
    let settings = &ctx.settings;
    let config = &settings.config;
    let file = match &config.file {
        Some(file) if config.read && config.warning.is_some() => format!(
            "{}{}: read, but the settings with PROBLEMS are left out (`warroom config --check` lists them)",
            file.value.display(),
            named(&file.origin)
        ),
        Some(file) if config.read => {
            format!("{}{}: read", file.value.display(), named(&file.origin))
        }
        Some(file) => format!(
            "{}{}: not there, so every setting comes from flags, the environment or defaults",
            file.value.display(),
            named(&file.origin)
        ),
        None => "none (no home folder to look in; --config FILE names one)".into(),
    };
    say!("# config file: {file}");
    let (ring, unread) = config.ring();
    if let Some(why) = unread {
        tell!("warroom: warning: {why}; it is not used");
    }
    let keys = match &config.rebindings {
        Some(n) => (
            format!(
                "{} rebinding{} over the built-in keymap",
                n.value,
                if n.value == 1 { "" } else { "s" }
            ),
            config.origin(n.line),
        ),
        None => ("the built-in keymap".into(), Origin::Default),
    };
    let rows = [
        ("name", quoted(&settings.name.value), &settings.name.origin),
        (
            "db",
            quoted(&settings.db.value.display().to_string()),
            &settings.db.origin,
        ),
        (
            "theme",
            quoted(&settings.theme.value),
            &settings.theme.origin,
        ),
        (
            "time_zone",
            quoted(&zone_words(settings.time_zone.value)),
            &settings.time_zone.origin,
        ),
        ("ring", quoted(&ring.value.words()), &ring.origin),
    ];
    let lines: Vec<(String, &Origin)> = rows
        .into_iter()
        .map(|(name, value, origin)| (format!("{name} = {value}"), origin))
        .collect();
    let width = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (line, origin) in lines {
        say!("{line:<width$}  # {origin}");
    }
    say!("# keys: {} ({})", keys.0, keys.1);
    Ok(())
}

/// Who named the config file, in words: nothing for the default place.
fn named(origin: &Origin) -> String {
    match origin {
        Origin::Default => String::new(),
        other => format!(" (named by {other})"),
    }
}

/// A value in double quotes, as TOML writes a string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
