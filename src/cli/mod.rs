//! The `warroom` command line: clap definitions and dispatch.

mod context;
mod correct;
mod declare;
mod demo;
mod incidents;
mod log;
mod output;
mod tail;
mod transfer;
mod when;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

pub use context::{Context, default_db_path};

/// A terminal console for running an incident war room.
///
/// Every entry is an event appended to one SQLite file that several terminals (and
/// scripts) can share. Run with no command to open the console.
#[derive(Debug, Parser)]
#[command(name = "warroom", version, propagate_version = true)]
pub struct Cli {
    /// The database file [default: warroom/warroom.db in your data directory].
    #[arg(long, global = true, env = "WARROOM_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Your name in the log [default: your login name].
    #[arg(long = "as", global = true, env = "WARROOM_USER", value_name = "NAME")]
    pub author: Option<String>,

    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a new incident and print its id.
    Declare(declare::DeclareArgs),
    /// Append an entry to an incident's timeline and print its id.
    Log(log::LogArgs),
    /// Amend or strike an earlier entry (the original stays in the record).
    Correct(correct::CorrectArgs),
    /// Print an incident's timeline, one entry a line.
    Tail(tail::TailArgs),
    /// List incidents.
    Incidents(incidents::IncidentsArgs),
    /// Print one incident's state.
    Show(incidents::ShowArgs),
    /// Write an incident out as JSON, JSON lines (events) or Markdown.
    Export(transfer::ExportArgs),
    /// Add events from a file (JSON lines or a JSON export); importing twice changes nothing.
    Import(transfer::ImportArgs),
    /// Fill the database with a realistic sample incident to explore.
    Demo(demo::DemoArgs),
}

/// Kinds of entry a person can log from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EntryKind {
    /// A free note.
    Note,
    /// A decision taken.
    Decision,
    /// Something done.
    Action,
    /// A possible cause to test.
    Hypothesis,
    /// A status update to an audience (see --audience).
    #[value(alias = "update", alias = "status-update")]
    Status,
    /// An alert that arrived.
    Alert,
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context::new(cli.db, cli.author)?;
    match cli.command {
        Some(Command::Declare(args)) => declare::run(&ctx, args),
        Some(Command::Log(args)) => log::run(&ctx, args),
        Some(Command::Correct(args)) => correct::run(&ctx, args),
        Some(Command::Tail(args)) => tail::run(&ctx, args),
        Some(Command::Incidents(args)) => incidents::list(&ctx, args),
        Some(Command::Show(args)) => incidents::show(&ctx, args),
        Some(Command::Export(args)) => transfer::export(&ctx, args),
        Some(Command::Import(args)) => transfer::import(&ctx, args),
        Some(Command::Demo(args)) => demo::run(&ctx, args),
        None => {
            use clap::CommandFactory;
            Cli::command().print_help()?;
            Ok(())
        }
    }
}
