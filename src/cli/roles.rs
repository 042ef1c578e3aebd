//! Command, roles and the roster from the command line, by the incident rules.

use anyhow::Result;
use clap::{Args, Subcommand};

use super::ask::{Meant, ask_meaning, incident};
use super::context::{Context, Open, Pick};
use crate::domain::Role;
use crate::rules::Request;

/// Roster and command subcommands.
#[derive(Debug, Subcommand)]
pub enum RosterSubcommand {
    /// Take command while nobody holds it.
    Claim(On),
    /// Offer command to NAME (the commander only): you hold it until they accept
    /// (`warroom accept`); `--cancel` withdraws it, or declines one offered to you.
    Handoff(HandoffArgs),
    /// Accept command offered to you by a handoff (read `warroom brief` first): you
    /// hold command from now.
    Accept(On),
    /// Confirm command, settling a conflicting claim (the commander only).
    Confirm(On),
    /// Assume command from a commander who cannot hand it over (gone, unreachable),
    /// saying why; it is recorded and shown to everyone.
    Assume(AssumeArgs),
    /// Give NAME a role.
    Assign(RoleArgs),
    /// Take a role from NAME.
    Unassign(RoleArgs),
    /// Page a responder by name, or a role's escalation contacts from the playbook.
    Page(PageArgs),
    /// Mark a responder acknowledged (you, by default).
    Ack(MaybeNamed),
    /// Mark a responder engaged (you, by default).
    Engage(MaybeNamed),
    /// Stand a responder down.
    Standdown(Named),
}

/// Just the incident.
#[derive(Debug, Args)]
pub struct On {
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
}

/// A person.
#[derive(Debug, Args)]
pub struct Named {
    /// Who.
    pub name: String,
    /// Someone neither on the roster nor watching in a console (a name typed wrong is
    /// refused without it).
    #[arg(long)]
    pub new_responder: bool,
    #[command(flatten)]
    on: On,
}

/// Why command is assumed.
#[derive(Debug, Args)]
pub struct AssumeArgs {
    /// Why the commander cannot hand over (required).
    #[arg(long, required = true)]
    pub reason: String,
    /// Assume command even though the commander has a console open now.
    #[arg(long, short)]
    pub yes: bool,
    #[command(flatten)]
    on: On,
}

/// Whom command goes to.
#[derive(Debug, Args)]
pub struct HandoffArgs {
    /// The incoming commander.
    #[arg(required_unless_present = "cancel")]
    pub name: Option<String>,
    /// Offer command to someone neither on the roster nor watching in a console (a
    /// name typed wrong is refused without it).
    #[arg(long)]
    pub new_responder: bool,
    /// Cancel the pending handoff: withdraw yours, or decline one offered to you.
    #[arg(long, conflicts_with_all = ["name", "new_responder"])]
    pub cancel: bool,
    #[command(flatten)]
    on: On,
}

/// A person, or yourself.
#[derive(Debug, Args)]
pub struct MaybeNamed {
    /// Who [default: you].
    pub name: Option<String>,
    /// Someone neither on the roster nor watching in a console (a name typed wrong is
    /// refused without it).
    #[arg(long)]
    pub new_responder: bool,
    #[command(flatten)]
    on: On,
}

/// A person and a role.
#[derive(Debug, Args)]
pub struct RoleArgs {
    /// Who.
    pub name: String,
    /// deputy, scribe, tech_lead, communications, legal, sme or observer.
    pub role: Role,
    #[command(flatten)]
    on: On,
}

/// Whom to page.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// A responder's name, or a role whose contacts the playbook lists.
    pub who: String,
    /// How they were reached.
    #[arg(long)]
    pub via: Option<String>,
    /// Page them even though the incident is resolved or closed.
    #[arg(long, short)]
    pub yes: bool,
    #[command(flatten)]
    on: On,
}

/// Runs one roster command.
pub fn run(ctx: &Context, command: RosterSubcommand) -> Result<()> {
    use crate::domain::ResponderState as S;
    use RosterSubcommand::*;
    let me = || ctx.author.clone();
    let mut meant = Meant {
        anyway: match &command {
            Ack(n) | Engage(n) => n.new_responder,
            Standdown(n) => n.new_responder,
            Page(p) => p.yes,
            _ => false,
        },
    };
    let (request, on) = match command {
        Claim(on) => (Request::Claim, on),
        Confirm(on) => (Request::Confirm, on),
        Assume(a) => {
            meant.anyway = a.yes;
            (Request::Assume { reason: a.reason }, a.on)
        }
        Handoff(h) => {
            meant.anyway = h.new_responder;
            match h.name {
                Some(to) if !h.cancel => (Request::Handoff { to }, h.on),
                _ => (Request::CancelHandoff, h.on),
            }
        }
        Accept(on) => (Request::AcceptHandoff, on),
        Assign(r) => (
            Request::Assign {
                person: r.name,
                role: r.role,
            },
            r.on,
        ),
        Unassign(r) => (
            Request::Unassign {
                person: r.name,
                role: r.role,
            },
            r.on,
        ),
        Page(p) => (
            Request::Page {
                who: p.who,
                via: p.via,
            },
            p.on,
        ),
        Ack(n) => (
            Request::Responder {
                person: n.name.unwrap_or_else(me),
                state: S::Acknowledged,
            },
            n.on,
        ),
        Engage(n) => (
            Request::Responder {
                person: n.name.unwrap_or_else(me),
                state: S::Engaged,
            },
            n.on,
        ),
        Standdown(n) => (
            Request::Responder {
                person: n.name,
                state: S::StoodDown,
            },
            n.on,
        ),
    };
    // Accepting without naming the incident: the one open incident whose command is
    // offered to you, when there is exactly one.
    let mut named = on.incident;
    if named.is_none() && matches!(request, Request::AcceptHandoff) {
        let offered: Vec<String> = ctx
            .open_read()
            .ok()
            .and_then(|store| store.incident_summaries().ok())
            .unwrap_or_default()
            .into_iter()
            .filter(crate::domain::IncidentSummary::is_open)
            .filter(|i| {
                i.handoff_to
                    .as_deref()
                    .is_some_and(|to| crate::domain::same_name(to, &ctx.author))
            })
            .map(|i| i.id.to_string())
            .collect();
        if let [one] = offered.as_slice() {
            named = Some(one.clone());
        }
    }
    let (mut store, state) = incident(ctx, Open::Write, Pick::Write(named.as_deref()))?;
    for event in ask_meaning(ctx, &mut store, Some(&state), request, meant)? {
        say!("{}", event.id);
    }
    Ok(())
}
