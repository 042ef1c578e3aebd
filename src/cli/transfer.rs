//! `warroom export` and `warroom import`.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};

use super::context::{Context, Pick, pick_incident};
use super::output;
use crate::export;
use crate::inert;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A JSON document: a summary of the incident and all its events.
    Json,
    /// One event a line, the format `warroom import` reads.
    Jsonl,
    /// A document to read or paste into a wiki.
    Markdown,
}

/// Arguments of `warroom export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID", conflicts_with = "all")]
    pub incident: Option<String>,
    /// Export every incident (json and jsonl only), e.g. as a backup.
    #[arg(long)]
    pub all: bool,
    /// What to write.
    #[arg(long, short, value_enum)]
    pub format: Format,
}

/// Arguments of `warroom import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A file of events (JSON lines, or a JSON export); `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn export(ctx: &Context, args: ExportArgs) -> Result<()> {
    let store = ctx.open_read()?;
    let incidents = if args.all {
        if args.format == Format::Markdown {
            bail!(
                "--all works with --format json or jsonl; export Markdown one incident at a time"
            );
        }
        store.incidents()?
    } else {
        vec![pick_incident(&store, Pick::Read(args.incident.as_deref()))?]
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Markdown => output::println(&mut out, export::markdown(&incidents[0]).trim_end())?,
        Format::Json => {
            let doc = export::document(&incidents);
            output::println(&mut out, &inert::json(&serde_json::to_string_pretty(&doc)?))?;
        }
        Format::Jsonl => {
            for event in export::document(&incidents).events {
                output::println(&mut out, &inert::json(&serde_json::to_string(&event)?))?;
            }
        }
    }
    output::flush(&mut out)
}

pub fn import(ctx: &Context, args: ImportArgs) -> Result<()> {
    let text = if args.file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read stdin")?;
        text
    } else {
        std::fs::read_to_string(&args.file)
            .with_context(|| format!("cannot read {}", args.file.display()))?
    };
    let events = export::parse_events(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}; nothing was imported", args.file.display()))?;
    let mut store = ctx.open_write()?;
    let added = store.insert_events(&events)?;
    eprintln!(
        "imported {added} new events ({} already present)",
        events.len() - added
    );
    Ok(())
}
