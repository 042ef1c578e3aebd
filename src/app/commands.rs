//! Running palette commands: checking them against the incident, then events.

use ulid::Ulid;

use super::modal::open_switcher;
use super::palette::Command;
use super::record::{append, declare_bodies, severity_bodies};
use super::update::{open_triage, quit};
use super::{App, Effect, Overlay, Purpose};
use crate::domain::{Body, IncidentState, ResponderState, Role, Status, resolve_id, short_id};

/// The action item `typed` names, saying where the numbers are when it names none.
fn find_item(app: &App, state: &IncidentState, typed: &str) -> Result<Ulid, String> {
    let hint = app.front.pick(
        "the review (v) numbers them",
        "`warroom review` numbers them",
    );
    super::review::find_item(state, typed, hint)
}

fn refuse(app: &mut App, message: String) -> Vec<Effect> {
    app.notice = Some(message);
    Vec::new()
}

/// Why a role the playbook does not list cannot be assigned or paged.
fn not_in_playbook(app: &App, role: Role) -> String {
    let roles: Vec<&str> = app.playbook.roles.iter().map(|r| r.key()).collect();
    let listed = if roles.is_empty() {
        "lists no roles besides the commander".to_string()
    } else {
        format!("lists only {}", roles.join(", "))
    };
    format!(
        "{role} is not one of this team's roles: the playbook {listed}; add `{}` to its roles to use it",
        role.key()
    )
}

/// Carries out a parsed command.
pub fn run(app: &mut App, command: Command) -> Vec<Effect> {
    match command {
        Command::Switch(None) => {
            open_switcher(app);
            return Vec::new();
        }
        Command::Switch(Some(typed)) => {
            let ids: Vec<Ulid> = app.incident_list().iter().map(|i| i.id).collect();
            match resolve_id(ids, &typed, "incident", "s lists them") {
                Ok(id) => app.show(id),
                Err(e) => app.notice = Some(e),
            }
            return Vec::new();
        }
        Command::Theme(name) => return vec![Effect::SetTheme(name)],
        Command::Demo => return vec![Effect::LoadDemo],
        Command::Help => {
            app.overlays.push(Overlay::help());
            return Vec::new();
        }
        Command::Quit => return quit(app),
        Command::Playbook => {
            app.overlays.push(Overlay::playbook());
            return Vec::new();
        }
        Command::ReviewView => {
            super::update::open_review(app);
            return Vec::new();
        }
        Command::Metrics => {
            super::update::open_metrics(app);
            return Vec::new();
        }
        Command::Triage(title) => {
            open_triage(app, title);
            return Vec::new();
        }
        Command::Update(audience) => {
            let audience = audience.unwrap_or_else(|| super::compose::due_audience(app));
            super::compose::open(app, audience);
            return Vec::new();
        }
        _ => {}
    }
    if app.read_only {
        app.notice = Some("read-only database: nothing can be recorded here".into());
        return Vec::new();
    }
    if let Command::Declare { title, severity } = command {
        let bodies = declare_bodies(&app.playbook, title, None, severity);
        return match append(app, Purpose::Declare, None, bodies) {
            Ok(effect) => vec![effect],
            Err(e) => refuse(app, e),
        };
    }
    let Some(state) = app.incident() else {
        let declare = app
            .front
            .pick(":declare TITLE", "`warroom declare --title TITLE`");
        app.notice = Some(format!("no incident shown: {declare} opens one"));
        return Vec::new();
    };
    let id = Some(state.id);
    let commander = state.command.commander.clone();
    let me = app.me.clone();
    let bodies = match command {
        Command::Severity { severity, reason } => {
            severity_bodies(&app.playbook, state.status, severity, reason, Vec::new())
        }
        Command::Claim => match commander {
            Some(holder) if holder == me => {
                app.notice = Some("you already hold command".into());
                return Vec::new();
            }
            Some(holder) => {
                let handoff = app.front.command(&format!("handoff {me}"));
                app.notice = Some(format!(
                    "{holder} holds command; ask them to hand it off ({handoff})"
                ));
                return Vec::new();
            }
            None => vec![Body::CommandClaimed { commander: me }],
        },
        Command::Handoff(to) => {
            if commander.as_deref() != Some(me.as_str()) {
                let holder = commander.unwrap_or_else(|| "nobody".into());
                app.notice = Some(format!(
                    "only the commander can hand off, and {holder} holds command"
                ));
                return Vec::new();
            }
            vec![Body::CommandHandedOff { from: me, to }]
        }
        Command::Confirm => {
            if commander.as_deref() != Some(me.as_str()) {
                app.notice = Some("only the commander can confirm command".into());
                return Vec::new();
            }
            vec![Body::CommandConfirmed { commander: me }]
        }
        Command::Log(body) => vec![body],
        Command::Role {
            person,
            role,
            assign,
        } => {
            let holds = state
                .roster
                .people
                .get(&person)
                .is_some_and(|p| p.roles.contains(&role));
            match (assign, holds) {
                (true, _) if !app.playbook.roles.contains(&role) => {
                    return refuse(app, not_in_playbook(app, role));
                }
                (true, true) => return refuse(app, format!("{person} is already {role}")),
                (false, false) => return refuse(app, format!("{person} is not {role}")),
                (true, _) => vec![Body::RoleAssigned { person, role }],
                (false, _) => vec![Body::RoleRemoved { person, role }],
            }
        }
        Command::Responder { person, state: to } => {
            let person = person.unwrap_or_else(|| me.clone());
            vec![match to {
                ResponderState::Acknowledged => Body::ResponderAcknowledged { person },
                ResponderState::Engaged => Body::ResponderEngaged { person },
                ResponderState::StoodDown => Body::ResponderStoodDown { person },
                ResponderState::Paged => Body::ResponderPaged { person, via: None },
            }]
        }
        Command::Page { who, via } => match who.parse::<Role>() {
            Ok(role)
                if !app.playbook.roles.contains(&role)
                    && !state.roster.people.contains_key(&who) =>
            {
                return refuse(app, not_in_playbook(app, role));
            }
            Ok(role) if app.playbook.contacts_for(role).next().is_some() => app
                .playbook
                .contacts_for(role)
                .map(|c| Body::ResponderPaged {
                    person: c.name.clone(),
                    via: Some(via.clone().unwrap_or_else(|| c.reach.clone())),
                })
                .collect(),
            Ok(role) if !state.roster.people.contains_key(&who) => {
                return refuse(
                    app,
                    format!("the playbook lists no contacts for {role}; page a person by name"),
                );
            }
            _ => vec![Body::ResponderPaged { person: who, via }],
        },
        Command::Resolve {
            code,
            summary,
            checklist,
        } => {
            if !app.playbook.resolution_codes.contains(&code) {
                return refuse(
                    app,
                    format!(
                        "'{code}' is not a resolution code; the playbook allows: {}",
                        app.playbook.resolution_codes.join(", ")
                    ),
                );
            }
            if !state.status.is_open() {
                return refuse(
                    app,
                    format!(
                        "already {}; {} it first if it came back",
                        state.status,
                        app.front.command("reopen")
                    ),
                );
            }
            match checklist {
                Some(checklist) => vec![Body::Resolution {
                    code,
                    summary,
                    checklist,
                }],
                None if app.playbook.resolve_checklist.is_empty() => {
                    vec![Body::Resolution {
                        code,
                        summary,
                        checklist: Vec::new(),
                    }]
                }
                None => {
                    let items = app.playbook.resolve_checklist.clone();
                    app.overlays
                        .push(Overlay::Checklist(Box::new(super::review::Checklist::new(
                            code, summary, items,
                        ))));
                    return Vec::new();
                }
            }
        }
        Command::Reopen(reason) => {
            if state.status.is_open() {
                return refuse(
                    app,
                    format!("it is {}, not resolved: nothing to reopen", state.status),
                );
            }
            let reason = format!(
                "reopened: {}",
                reason.unwrap_or_else(|| "it came back".into())
            );
            vec![Body::StatusChanged {
                status: Status::Investigating,
                reason: Some(reason),
            }]
        }
        Command::Problem {
            owner,
            root_cause,
            fix,
            ticket,
        } => {
            if state.status.is_open() {
                return refuse(
                    app,
                    "resolve it first: problem management takes over once service is restored"
                        .into(),
                );
            }
            if state.problem.is_some() {
                return refuse(app, "it was already handed to problem management".into());
            }
            vec![Body::ProblemHandoff {
                owner,
                root_cause,
                fix,
                ticket,
            }]
        }
        Command::Finding { section, text } => vec![Body::Review { section, text }],
        Command::ItemAdd { title, fields } => {
            match super::review::item_fields(app.now, None, &fields) {
                Ok(f) => vec![Body::ActionItemOpened {
                    title,
                    owner: f.owner,
                    due: f.due,
                    priority: f.priority,
                }],
                Err(e) => return refuse(app, e),
            }
        }
        Command::ItemUpdate { item, fields } => {
            let found = match find_item(app, state, &item) {
                Ok(found) => found,
                Err(e) => return refuse(app, e),
            };
            match super::review::item_fields(app.now, Some(found), &fields) {
                Ok(f) => vec![Body::ActionItemUpdated {
                    item: found,
                    title: f.title,
                    owner: f.owner,
                    due: f.due,
                    priority: f.priority,
                    note: f.note,
                }],
                Err(e) => return refuse(app, e),
            }
        }
        Command::ItemDone { item, note } => {
            let found = match find_item(app, state, &item) {
                Ok(found) => found,
                Err(e) => return refuse(app, e),
            };
            if state
                .action_items
                .iter()
                .any(|i| i.id == found && i.closed_at.is_some())
            {
                return refuse(app, "that action item is already done".into());
            }
            vec![Body::ActionItemClosed { item: found, note }]
        }
        _ => return Vec::new(),
    };
    let recording = format!("recording on {}…", short_id(state.id));
    match append(app, Purpose::Command, id, bodies) {
        Ok(effect) => {
            app.notice = Some(recording);
            vec![effect]
        }
        Err(e) => refuse(app, e),
    }
}
