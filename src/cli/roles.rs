//! Command, roles and the roster from the command line: the console's commands and
//! rules, run without a terminal.

use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};

use super::context::{Context, Open, Pick, pick_id};
use crate::app::{App, Effect};
use crate::domain::Role;
use crate::store::Store;

/// Roster and command subcommands.
#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// Take command while nobody holds it.
    Claim(On),
    /// Hand command to NAME (the commander only).
    Handoff(Named),
    /// Confirm command, settling a conflicting claim (the commander only).
    Confirm(On),
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
    #[command(flatten)]
    on: On,
}

/// A person, or yourself.
#[derive(Debug, Args)]
pub struct MaybeNamed {
    /// Who [default: you].
    pub name: Option<String>,
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
    #[command(flatten)]
    on: On,
}

/// Runs one roster command.
pub fn run(ctx: &Context, command: RosterCommand) -> Result<()> {
    use crate::app::palette::Command as C;
    use crate::domain::ResponderState as S;
    use RosterCommand::*;
    let (command, on) = match command {
        Claim(on) => (C::Claim, on),
        Confirm(on) => (C::Confirm, on),
        Handoff(n) => (C::Handoff(n.name), n.on),
        Assign(r) => (
            C::Role {
                person: r.name,
                role: r.role,
                assign: true,
            },
            r.on,
        ),
        Unassign(r) => (
            C::Role {
                person: r.name,
                role: r.role,
                assign: false,
            },
            r.on,
        ),
        Page(p) => (
            C::Page {
                who: p.who,
                via: p.via,
            },
            p.on,
        ),
        Ack(n) => (
            C::Responder {
                person: n.name,
                state: S::Acknowledged,
            },
            n.on,
        ),
        Engage(n) => (
            C::Responder {
                person: n.name,
                state: S::Engaged,
            },
            n.on,
        ),
        Standdown(n) => (
            C::Responder {
                person: Some(n.name),
                state: S::StoodDown,
            },
            n.on,
        ),
    };
    let (mut app, mut store) = headless(ctx, Open::Write, Pick::Write(on.incident.as_deref()))?;
    let effects = app.run(command).map_err(|e| anyhow!(e))?;
    write(&mut store, effects)
}

/// An app holding the chosen incident, for running commands, and the database it was
/// read from (opened once, as `open` says, to write the command's events to as well).
pub fn headless(ctx: &Context, open: Open, pick: Pick<'_>) -> Result<(App, Store)> {
    let playbook = ctx.playbook()?;
    let store = ctx.open(open)?;
    let id = pick_id(&store, pick)?;
    let events = store.incident_events(id)?;
    let app = App::headless(&ctx.author, playbook, events, Some(id), store.now());
    Ok((app, store))
}

/// Writes the events a command produced, saying each on stderr; returns them.
pub fn commit(store: &mut Store, effects: Vec<Effect>) -> Result<Vec<crate::domain::Event>> {
    let mut written = Vec::new();
    for effect in effects {
        if let Effect::Append { drafts, .. } = effect {
            for event in store.append(drafts)? {
                tell!(
                    "{}",
                    crate::inert::line(&crate::domain::describe(&event.body))
                );
                written.push(event);
            }
        }
    }
    Ok(written)
}

/// Writes the events a command produced and prints their ids.
pub fn write(store: &mut Store, effects: Vec<Effect>) -> Result<()> {
    for event in commit(store, effects)? {
        say!("{}", event.id);
    }
    Ok(())
}
