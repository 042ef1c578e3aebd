//! `warroom playbook`: print the default, check a file, or show the one in use.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;
use strum::IntoEnumIterator;

use super::context::Context;
use crate::playbook::{DEFAULT, Playbook};

/// Arguments of `warroom playbook`.
#[derive(Debug, Args)]
pub struct PlaybookArgs {
    /// Print the built-in playbook, to start your own from.
    #[arg(long, conflicts_with = "check")]
    pub print_default: bool,
    /// Check a playbook file and list every problem with its line.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
}

/// `warroom playbook --print-default`: needs no database.
pub fn print_default() -> Result<()> {
    say_part!("{DEFAULT}");
    Ok(())
}

/// `warroom playbook --check FILE`: needs no database.
pub fn check(path: &Path) -> Result<()> {
    match Playbook::load(path) {
        Ok(p) => {
            say!(
                "{}: ok ({}; {} questions, threshold {})",
                path.display(),
                p.name,
                p.triage.questions.len(),
                p.triage.threshold
            );
            for leak in p.template_warnings() {
                tell!("warroom: warning: {}: {leak}", path.display());
            }
            Ok(())
        }
        Err(e) => {
            for line in e.lines() {
                say!("{line}");
            }
            bail!("{} has {} problem(s)", path.display(), e.problems.len())
        }
    }
}

/// `warroom playbook` without a flag: the playbook in use (which depends on where the
/// database is).
pub fn show(ctx: &Context) -> Result<()> {
    let playbook = ctx.playbook()?;
    say!("{} ({})", playbook.name, playbook.source);
    say!("declare at {} or worse", playbook.triage.threshold);
    let roles: Vec<&str> = std::iter::once("commander")
        .chain(playbook.roles.iter().map(|r| r.key()))
        .collect();
    say!("roles: {}", roles.join(", "));
    for (i, row) in playbook.triage.matrix.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|s| s.key().to_string()).collect();
        say!("impact {}: {}", i + 1, cells.join(" "));
    }
    for sev in crate::domain::Severity::iter() {
        let cadence = playbook.cadence_words(sev);
        let page: Vec<&str> = playbook.page(sev).iter().map(|r| r.key()).collect();
        say!(
            "{sev}: updates {cadence}; page {}",
            if page.is_empty() {
                "-".into()
            } else {
                page.join(", ")
            }
        );
    }
    for c in &playbook.contacts {
        say!("contact {} ({}): {}", c.name, c.role.key(), c.reach);
    }
    say!("resolution codes: {}", playbook.resolution_codes.join(", "));
    Ok(())
}
