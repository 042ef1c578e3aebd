//! The `warroom` command line: clap definitions and dispatch.

#[macro_use]
mod output;
mod alerts;
mod ask;
mod brief;
mod config;
mod context;
mod correct;
mod declare;
mod demo;
mod drill;
mod given;
mod hypothesis;
mod incidents;
mod log;
mod logging;
mod metrics;
mod peer;
mod playbook;
mod replay;
mod review;
mod roles;
mod situation;
mod tail;
mod transfer;
mod triage;
mod update;
mod verify;
mod work;

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{CommandFactory, Parser, ValueEnum};

use context::Context;

/// A terminal console for running an incident war room.
///
/// Every entry is an event appended to one SQLite file that several terminals (and
/// scripts) can share. Run with no command to open the console.
///
/// Your settings live in a config file, `$XDG_CONFIG_HOME/warroom/config.toml` unless
/// `--config FILE` or `WARROOM_CONFIG` names another (`warroom config` says which, and
/// what is in force); for each setting a flag beats the environment, which beats the
/// config file, which beats the default.
#[derive(Debug, Parser)]
#[command(name = "warroom", version, propagate_version = true)]
pub struct Cli {
    /// The database file [default: db in your config, else warroom/warroom.db in your
    /// data directory].
    #[arg(long, global = true, env = "WARROOM_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Your name in the log [default: name in your config, else your login name].
    #[arg(long = "as", global = true, env = "WARROOM_USER", value_name = "NAME")]
    pub author: Option<String>,

    /// The team's playbook [default: playbook.toml beside the database, else built in].
    #[arg(long, global = true, env = "WARROOM_PLAYBOOK", value_name = "FILE")]
    pub playbook: Option<PathBuf>,

    /// The console's theme: dark, light, high-contrast, mono, or a path to a theme file
    /// [default: theme in your config, else dark].
    #[arg(long, global = true, env = "WARROOM_THEME", value_name = "NAME|PATH")]
    pub theme: Option<String>,

    /// The zone times are shown and read in: local, UTC, or an IANA name such as
    /// Europe/Berlin. A TZ in the environment means your local time [default:
    /// time_zone in your config, else the playbook's, else local].
    #[arg(
        long,
        global = true,
        env = "TZ",
        value_name = "ZONE",
        hide_env_values = true
    )]
    pub time_zone: Option<String>,

    /// Your config file [default: $XDG_CONFIG_HOME/warroom/config.toml, or
    /// ~/.config/warroom/config.toml]; a file named here must exist.
    #[arg(long, global = true, env = "WARROOM_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// No colours (also when NO_COLOR is set): the monochrome theme.
    #[arg(long, global = true)]
    pub no_color: bool,

    /// The console's own options, for `warroom` with no command (as for `warroom tui`).
    #[command(flatten)]
    pub console: TuiArgs,

    /// What to do [default: open the console].
    #[command(subcommand)]
    pub command: Option<Subcommand>,

    /// The global options whose value came from the environment, not a flag (filled
    /// by [`Cli::read_from`]).
    #[arg(skip)]
    pub from_env: Vec<&'static str>,
}

impl Cli {
    /// Whether the command opens the full-screen console (`warroom`, `warroom tui`).
    pub fn is_console(&self) -> bool {
        matches!(self.command, None | Some(Subcommand::Tui(_)))
    }

    /// Whether the command only works on the local file and prints, with no pipe to
    /// another process and no terminal to restore: only these may die of SIGPIPE when
    /// the reader of their output goes away. The console, `serve` and `sync` may talk to
    /// a peer through a pipe (`ssh://`, `--via`, `serve --stdio`), and a peer that goes
    /// away is for them an error to report and recover from.
    pub fn prints_only(&self) -> bool {
        let Some(command) = &self.command else {
            return false;
        };
        match command {
            Subcommand::Tui(_)
            | Subcommand::Serve(_)
            | Subcommand::Sync(_)
            | Subcommand::Intake(_)
            | Subcommand::Deliver(_) => false,
            Subcommand::Declare(_)
            | Subcommand::Log(_)
            | Subcommand::Correct(_)
            | Subcommand::Tail(_)
            | Subcommand::Incidents(_)
            | Subcommand::Show(_)
            | Subcommand::Export(_)
            | Subcommand::Import(_)
            | Subcommand::Demo(_)
            | Subcommand::Triage(_)
            | Subcommand::Update(_)
            | Subcommand::Playbook(_)
            | Subcommand::Roster(_)
            | Subcommand::Drill(_)
            | Subcommand::Statuspage(_)
            | Subcommand::Resolve(_)
            | Subcommand::Reopen(_)
            | Subcommand::Problem(_)
            | Subcommand::Review(_)
            | Subcommand::Finding(_)
            | Subcommand::Situation(_)
            | Subcommand::Severity(_)
            | Subcommand::Status(_)
            | Subcommand::Completions { .. }
            | Subcommand::Man
            | Subcommand::Config(_)
            | Subcommand::Alert(_)
            | Subcommand::Alerts(_)
            | Subcommand::Hypothesis(_)
            | Subcommand::Objective(_)
            | Subcommand::Brief(_)
            | Subcommand::Task(_)
            | Subcommand::Item(_)
            | Subcommand::Metrics(_)
            | Subcommand::Verify(_)
            | Subcommand::Replay(_)
            | Subcommand::Peer(_) => true,
        }
    }
}

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Subcommand {
    /// Open the full-screen console (what `warroom` with no command does).
    Tui(TuiArgs),
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
    /// Walk the triage questions, then declare or route (interactive, or --answers).
    Triage(triage::TriageArgs),
    /// Write a status update from the playbook's template (or --print it).
    Update(update::UpdateArgs),
    /// Print the built-in playbook, check one (--check FILE), or show the one in use.
    Playbook(playbook::PlaybookArgs),
    #[command(flatten)]
    Roster(roles::RosterSubcommand),
    /// Drills: timed simulations from scenario files (list, print, check, run).
    #[command(subcommand)]
    Drill(drill::DrillSubcommand),
    /// Write a static public status page from customer updates only.
    Statuspage(transfer::StatusPageArgs),
    /// Resolve with a code from the playbook, after its checklist.
    Resolve(review::ResolveArgs),
    /// Reopen a resolved incident that came back.
    Reopen(review::ReopenArgs),
    /// Hand a resolved incident to problem management (closes it).
    Problem(review::ProblemArgs),
    /// Print the post-incident review and what it still lacks.
    Review(review::Which),
    /// Add a review finding: cause, factor, well or badly.
    Finding(review::FindingArgs),
    /// Set the situation (impact, services, regions, customer impact times, next steps),
    /// or print it.
    Situation(situation::SituationArgs),
    /// Set the severity (P1-P5), saying why; at the threshold it declares an incident
    /// still in triage.
    Severity(review::SeverityArgs),
    /// Move the status (investigating, identified, monitoring, closed), saying why, as
    /// the palette's :status does; resolving takes `warroom resolve`.
    Status(review::StatusArgs),
    /// Print shell completions: `warroom completions bash > /etc/bash_completion.d/warroom`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `warroom man > warroom.1`.
    Man,
    /// Your settings: each one in force and where it came from; --print-default a
    /// complete config file to start from, --check FILE every problem in one.
    Config(config::ConfigArgs),
    /// Put an alert into the inbox (no incident needed); the same fingerprint again
    /// counts, and --resolved resolves it.
    Alert(alerts::AlertArgs),
    /// The alert inbox; `ack`, `dismiss` or `attach` one alert.
    Alerts(alerts::AlertsArgs),
    /// Take alerts from monitors: one payload on --stdin, or webhooks on --listen
    /// (Prometheus Alertmanager, Grafana, or the generic JSON form).
    Intake(alerts::IntakeArgs),
    /// Run the playbook's notification hooks for what is recorded here (consoles do it
    /// too; however many run, each hook runs once an event).
    Deliver(alerts::DeliverArgs),
    /// Confirm a hypothesis, rule it out (--reason), or open it again.
    Hypothesis(hypothesis::HypothesisArgs),
    /// The briefing (ICS-201): situation, objectives, actions, organization, resources,
    /// next updates; --given records that it was given.
    Brief(brief::BriefArgs),
    /// Objectives of the response: add, move (current, planned, met, dropped), list.
    #[command(subcommand)]
    Objective(work::ObjectiveSubcommand),
    /// Tasks during the incident: add, move (open, in-progress, done, dropped), list.
    #[command(subcommand)]
    Task(work::TaskSubcommand),
    /// Action items: add, update, done.
    #[command(subcommand)]
    Item(review::ItemSubcommand),
    /// MTTA, MTTR, incidents by severity, week and month, open action items (no drills).
    Metrics(metrics::MetricsArgs),
    /// Check the log's hash chain: report every edited, removed or reordered event and
    /// exit non-zero, or print each origin's head hash (an origin's newest events
    /// removed show against the heads an export printed: --expect).
    Verify(verify::VerifyArgs),
    /// Play an incident's events into a scratch database at N times their recorded
    /// pace, to watch it unfold in a console (for a review or a training session).
    Replay(replay::ReplayArgs),
    /// Accept peers over the network (or one over stdio) and keep them in sync.
    Serve(peer::ServeArgs),
    /// Sync with a peer once, or keep following it.
    Sync(peer::SyncArgs),
    /// This database's peer identity and the peers it allows.
    #[command(subcommand)]
    Peer(peer::PeerSubcommand),
}

/// Arguments of `warroom tui`.
#[derive(Debug, Default, clap::Args)]
pub struct TuiArgs {
    /// The incident to show first (its id or the last 4+ characters).
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
    /// Keep a link to a network peer (host:port or ssh://user@host/path/to/db).
    #[arg(long, value_name = "ADDR")]
    pub peer: Option<String>,
}

/// Kinds of entry a person can log from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogKind {
    /// A free note.
    Note,
    /// A decision taken.
    Decision,
    /// Something done.
    Action,
    /// A possible cause to test.
    Hypothesis,
    /// A status update to an audience (see --audience); `status` and `status-update`
    /// are accepted too.
    #[value(alias = "status-update", alias = "status")]
    Update,
    /// An alert that arrived.
    Alert,
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    logging::init(if cli.is_console() {
        logging::Sink::ConsoleFile
    } else {
        logging::Sink::Stderr
    });
    // These read only a file they are given or text built in: they run before the
    // database and the author are resolved, so neither (no home directory, a bad --as)
    // can stop them.
    match &cli.command {
        Some(Subcommand::Playbook(args)) if args.print_default => return playbook::print_default(),
        Some(Subcommand::Playbook(playbook::PlaybookArgs {
            check: Some(path), ..
        })) => return playbook::check(path),
        Some(Subcommand::Drill(drill::DrillSubcommand::List)) => return drill::list(),
        Some(Subcommand::Drill(drill::DrillSubcommand::Check { file })) => {
            return drill::check(file);
        }
        Some(Subcommand::Drill(drill::DrillSubcommand::Print { scenario })) => {
            return drill::print(scenario);
        }
        Some(Subcommand::Config(args)) if args.print_default => return config::print_default(),
        Some(Subcommand::Config(config::ConfigArgs {
            check: Some(path), ..
        })) => return config::check(path),
        Some(Subcommand::Completions { shell }) => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(*shell, &mut Cli::command(), "warroom", &mut out);
            return Ok(());
        }
        Some(Subcommand::Man) => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            return Ok(());
        }
        _ => {}
    }
    if cli.command.is_some() && (cli.console.incident.is_some() || cli.console.peer.is_some()) {
        bail!(
            "--incident and --peer before a command are the console's: give them to `warroom` alone (or `warroom tui`), or after the command"
        );
    }
    // Your settings, read before anything is chosen from them: a problem with the
    // database, your name or your zone refuses the file, so nothing runs with one you
    // did not mean; any other is left out with a warning.
    let settings = crate::config::Config::load(cli.config_named())?;
    let ctx = Context::new(cli.given(), settings)?;
    // A command that shows or reads times does not guess the team's zone; one that
    // needs none (the settings, links between hosts, the shell's helpers) goes on.
    let needs_no_zone = matches!(
        cli.command,
        Some(
            Subcommand::Config(_)
                | Subcommand::Serve(_)
                | Subcommand::Sync(_)
                | Subcommand::Peer(_)
                | Subcommand::Completions { .. }
                | Subcommand::Man
        )
    );
    if let Some(why) = ctx
        .settings
        .zone_unknown
        .as_ref()
        .filter(|_| !needs_no_zone)
    {
        bail!("{why}");
    }
    crate::zone::set(ctx.zone());
    match cli.command {
        None => console(&ctx, cli.console),
        Some(Subcommand::Tui(args)) => console(&ctx, args),
        Some(Subcommand::Config(_)) => config::show(&ctx),
        Some(Subcommand::Declare(args)) => declare::run(&ctx, args),
        Some(Subcommand::Log(args)) => log::run(&ctx, args),
        Some(Subcommand::Correct(args)) => correct::run(&ctx, args),
        Some(Subcommand::Tail(args)) => tail::run(&ctx, args),
        Some(Subcommand::Incidents(args)) => incidents::list(&ctx, args),
        Some(Subcommand::Show(args)) => incidents::show(&ctx, args),
        Some(Subcommand::Export(args)) => transfer::export(&ctx, args),
        Some(Subcommand::Import(args)) => transfer::import(&ctx, args),
        Some(Subcommand::Demo(args)) => demo::run(&ctx, args),
        Some(Subcommand::Triage(args)) => triage::run(&ctx, args),
        Some(Subcommand::Update(args)) => update::run(&ctx, args),
        Some(Subcommand::Playbook(_)) => playbook::show(&ctx),
        Some(Subcommand::Roster(command)) => roles::run(&ctx, command),
        Some(Subcommand::Metrics(args)) => metrics::run(&ctx, args),
        Some(Subcommand::Verify(args)) => verify::run(&ctx, args),
        Some(Subcommand::Replay(args)) => replay::run(&ctx, args),
        Some(Subcommand::Statuspage(args)) => transfer::statuspage(&ctx, args),
        Some(Subcommand::Drill(command)) => drill::run(&ctx, command),
        Some(Subcommand::Resolve(args)) => review::resolve(&ctx, args),
        Some(Subcommand::Reopen(args)) => review::reopen(&ctx, args),
        Some(Subcommand::Problem(args)) => review::problem(&ctx, args),
        Some(Subcommand::Review(args)) => review::review(&ctx, args),
        Some(Subcommand::Finding(args)) => review::finding(&ctx, args),
        Some(Subcommand::Situation(args)) => situation::run(&ctx, args),
        Some(Subcommand::Severity(args)) => review::severity(&ctx, args),
        Some(Subcommand::Status(args)) => review::status(&ctx, args),
        // Answered before the settings are read.
        Some(Subcommand::Completions { .. } | Subcommand::Man) => Ok(()),
        Some(Subcommand::Alert(args)) => alerts::alert(&ctx, args),
        Some(Subcommand::Alerts(args)) => alerts::alerts(&ctx, args),
        Some(Subcommand::Intake(args)) => alerts::intake(&ctx, args),
        Some(Subcommand::Deliver(args)) => alerts::deliver(&ctx, args),
        Some(Subcommand::Hypothesis(args)) => hypothesis::run(&ctx, args),
        Some(Subcommand::Objective(command)) => work::objective(&ctx, command),
        Some(Subcommand::Brief(args)) => brief::run(&ctx, args),
        Some(Subcommand::Task(command)) => work::task(&ctx, command),
        Some(Subcommand::Item(command)) => review::item(&ctx, command),
        Some(Subcommand::Serve(args)) => peer::serve(&ctx, args),
        Some(Subcommand::Sync(args)) => peer::sync(&ctx, args),
        Some(Subcommand::Peer(command)) => peer::run(&ctx, command),
    }
}

fn console(ctx: &Context, args: TuiArgs) -> Result<()> {
    // Colours as deep as the terminal says it shows (COLORTERM, TERM), no deeper.
    let theme = crate::tui::theme::load(&ctx.settings.theme.value)?
        .for_depth(crate::ui::theme::ColorDepth::of_environment());
    let (ring, ring_unread) = ctx.settings.config.ring();
    let playbook = ctx.playbook()?;
    let peer = args
        .peer
        .as_deref()
        .map(crate::peer::parse_addr)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    // The full screen needs a terminal to draw on and to read keys from; without one,
    // say so (after the theme, playbook and peer are checked) before the database is
    // opened or created.
    use std::io::IsTerminal;
    let keys = std::io::stdin().is_terminal() || std::fs::File::open("/dev/tty").is_ok();
    if !std::io::stdout().is_terminal() || !keys {
        anyhow::bail!(
            "the console needs a terminal: run `warroom` in one (over SSH, `ssh -t`), or use a command such as `warroom tail` or `warroom log` (`warroom --help` lists them)"
        );
    }
    crate::tui::run(crate::tui::ConsoleOptions {
        playbook,
        peer,
        db: ctx.db.clone(),
        default_db: ctx.default_db,
        author: ctx.author.clone(),
        theme,
        incident: args.incident,
        keys: ctx.settings.config.keys.clone(),
        ring: ring.value,
        // A settings file not used is said first: it is why the rest looks default.
        ring_unread: ctx.settings.config.warning.clone().or(ring_unread),
    })
}
