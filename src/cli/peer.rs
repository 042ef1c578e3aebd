//! `warroom serve`, `warroom sync` and `warroom peer`: the network peer.

use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};

use super::context::Context;
use crate::peer::{self, Limits, LinkState};
use crate::store::{OpenOptions, Store, StoreError};

/// Deadlines, shared by `serve` and `sync`.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Seconds a connection may take to finish its handshake (1 to 3600).
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub handshake_timeout: u64,
    /// Seconds of silence after which a connection is closed (2 to 86400; peers say they
    /// are there every second).
    #[arg(long, default_value_t = 60, value_name = "SECS", value_parser = clap::value_parser!(u64).range(2..=86_400))]
    pub idle_timeout: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            handshake: Duration::from_secs(self.handshake_timeout),
            idle: Duration::from_secs(self.idle_timeout),
        }
    }
}

/// Arguments of `warroom serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Accept peers on this address, e.g. 0.0.0.0:7420 (encrypted; allowed keys only).
    #[arg(long, value_name = "ADDR", required_unless_present = "stdio")]
    pub listen: Option<String>,
    /// Serve one peer on stdin/stdout (what `--peer ssh://...` runs on the far side).
    #[arg(long, conflicts_with = "listen")]
    pub stdio: bool,
    /// Create the database when it does not exist (a missing one is refused, so a
    /// mistyped path is not silently made into an empty log).
    #[arg(long)]
    pub create: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Arguments of `warroom sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The peer: host:port, or ssh://user@host/path/to/warroom.db.
    #[arg(long, value_name = "ADDR", required_unless_present = "via")]
    pub peer: Option<String>,
    /// Speak the protocol through this command's stdin/stdout instead.
    #[arg(long, value_name = "COMMAND", conflicts_with = "peer")]
    pub via: Option<String>,
    /// Keep the link up: stream new events both ways, reconnecting after failures.
    #[arg(long, short)]
    pub follow: bool,
    /// For an ssh:// peer: create its database on the far side when it does not exist
    /// (by default a far path that does not exist is refused).
    #[arg(long)]
    pub create: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `warroom peer` subcommands.
#[derive(Debug, Subcommand)]
pub enum PeerSubcommand {
    /// Print this database's public identity (give it to peers to allow).
    Id,
    /// Allow a peer to sync with this database.
    Allow {
        /// The peer's identity (from `warroom peer id` on its host).
        id: String,
        /// A name to know it by.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Stop allowing a peer.
    Deny {
        /// The peer's identity.
        id: String,
    },
    /// List the allowed peers.
    List,
}

/// Prints a line a link logs (on stderr, made inert: it may quote what a peer sent).
/// Printed, not logged: the log goes to stderr too, and would say it twice.
fn say(line: String) {
    tell!("{}", crate::inert::line(&line));
}

pub fn serve(ctx: &Context, args: ServeArgs) -> Result<()> {
    let opts = OpenOptions {
        create: args.create,
        create_dirs: args.create && ctx.default_db,
        ..OpenOptions::write()
    };
    let store = match Store::open(&ctx.db, opts) {
        Err(StoreError::Missing { path }) => bail!(
            "no warroom database at {}: check the path, or add --create to start a new one there",
            path.display()
        ),
        other => other?,
    };
    if args.stdio {
        peer::serve_stdio(store, args.limits.limits(), &say).map_err(|e| anyhow!("{e}"))?;
        return Ok(());
    }
    drop(store);
    let listen = args.listen.unwrap_or_default();
    peer::serve_tcp(&ctx.db, &listen, args.limits.limits(), &|line| {
        tell!("{}", crate::inert::line(&line));
    })
}

pub fn sync(ctx: &Context, args: SyncArgs) -> Result<()> {
    drop(ctx.open_write()?);
    // clap requires one of the two.
    let addr = match &args.via {
        Some(command) if command.trim().is_empty() => {
            bail!(
                "--via needs a command that speaks the protocol, e.g. --via 'ssh host warroom serve --stdio'"
            )
        }
        Some(command) => peer::via(command),
        None => peer::parse_addr(args.peer.as_deref().unwrap_or_default())
            .map_err(anyhow::Error::msg)?,
    };
    let addr = if args.create {
        addr.create_far_side()
    } else {
        addr
    };
    if args.follow {
        let label = addr.label();
        let stopped = peer::follow(
            ctx.db.clone(),
            addr,
            args.limits.limits(),
            false,
            &|state| {
                let line = match state {
                    LinkState::Connecting => format!("{label}: connecting"),
                    LinkState::CatchingUp { behind } => {
                        format!("{label}: catching up ({behind} behind)")
                    }
                    LinkState::Live => format!("{label}: in sync, following"),
                    LinkState::Disconnected { retry_in, .. } if retry_in.is_zero() => return,
                    LinkState::Disconnected {
                        reason, retry_in, ..
                    } => {
                        format!(
                            "{label}: disconnected ({reason}); retrying in {}s",
                            retry_in.as_secs()
                        )
                    }
                };
                tell!("{}", crate::inert::line(&line));
            },
            &say,
        );
        bail!("sync with {label}: {stopped}");
    }
    let summary = peer::sync_once(&ctx.db, &addr, args.limits.limits(), &say)
        .map_err(|e| anyhow!("sync with {}: {e}", addr.label()))?;
    tell!(
        "in sync with {} (origin {}): sent {}, received {} new",
        addr.label(),
        crate::inert::line(&summary.peer_origin),
        summary.sent,
        summary.received
    );
    Ok(())
}

/// A peer identity as typed or pasted: 64 hex digits, any case, stored in lowercase.
fn parse_peer_id(typed: &str) -> Result<String> {
    let mut key = [0u8; 32];
    if hex::decode_to_slice(typed.trim(), &mut key).is_err() {
        bail!(
            "'{}' is not a peer identity: copy the 64 hex characters that `warroom peer id` prints on the peer's host",
            crate::inert::line(typed.trim())
        );
    }
    Ok(crate::sync::key_id(&key))
}

/// `warroom peer ...`: about a database that exists; none of them makes one.
pub fn run(ctx: &Context, command: PeerSubcommand) -> Result<()> {
    match command {
        PeerSubcommand::Id => {
            // Of an existing database only: asking for an identity makes no database.
            drop(ctx.open_read()?);
            say!(
                "{}",
                peer::identity::id(&peer::identity::load_or_create(&ctx.db)?)
            );
        }
        PeerSubcommand::Allow { id, name } => {
            let id = parse_peer_id(&id)?;
            ctx.open_existing()?.allow_peer(&id, &name)?;
            tell!("allowed {id}");
        }
        PeerSubcommand::Deny { id } => {
            let id = parse_peer_id(&id)?;
            if !ctx.open_existing()?.deny_peer(&id)? {
                bail!("{id} was not allowed; `warroom peer list` shows who is");
            }
            tell!("denied {id}");
        }
        PeerSubcommand::List => {
            for peer in ctx.open_read()?.allowed_peers()? {
                say!("{}  {}", peer.key, crate::inert::line(&peer.name));
            }
        }
    }
    Ok(())
}
