//! `warroom objective` and `warroom task`: what the response is trying to achieve, and
//! the work under way (action items for afterwards are `warroom item`).

use anyhow::{Result, anyhow};
use clap::Subcommand;

use super::ask::{ask_and_print, incident};
use super::context::{Context, Open, Pick};
use crate::domain::{IncidentState, ObjectiveStage, TaskState};
use crate::rules::{Request, find_numbered};

/// `warroom objective` subcommands.
#[derive(Debug, Subcommand)]
pub enum ObjectiveSubcommand {
    /// Add an objective (current, or --planned for later).
    Add {
        /// The objective.
        #[arg(required = true)]
        text: Vec<String>,
        /// For later, not now.
        #[arg(long)]
        planned: bool,
        /// The incident (its id or the last 4+ characters); may be left out when one is open.
        #[arg(long, short, value_name = "ID")]
        incident: Option<String>,
    },
    /// Move objective N: current, planned, met or dropped.
    Move {
        /// Its number in `warroom objective list`, or the end of its id.
        objective: String,
        /// current, planned, met or dropped.
        #[arg(value_parser = ObjectiveStage::read)]
        stage: ObjectiveStage,
        /// The incident (its id or the last 4+ characters); may be left out when one is open.
        #[arg(long, short, value_name = "ID")]
        incident: Option<String>,
    },
    /// List the objectives, numbered.
    List {
        /// The incident (its id or the last 4+ characters); may be left out when one is open.
        #[arg(long, short, value_name = "ID")]
        incident: Option<String>,
    },
}

/// `warroom task` subcommands.
#[derive(Debug, Subcommand)]
pub enum TaskSubcommand {
    /// Open a task.
    Add {
        /// What is to be done.
        #[arg(required = true)]
        text: Vec<String>,
        /// Who does it.
        #[arg(long)]
        owner: Option<String>,
        /// Give it to someone neither on the roster nor watching in a console (a name
        /// typed wrong is refused without it).
        #[arg(long, requires = "owner")]
        new_responder: bool,
        /// The incident (its id or the last 4+ characters); may be left out when one is open.
        #[arg(long, short, value_name = "ID")]
        incident: Option<String>,
    },
    /// Move task N: open, in-progress, done or dropped, and/or --owner.
    Move {
        /// Its number in `warroom task list`, or the end of its id.
        task: String,
        /// open, in-progress, done or dropped.
        #[arg(value_parser = TaskState::read)]
        state: Option<TaskState>,
        /// Who has it now.
        #[arg(long)]
        owner: Option<String>,
        /// Give it to someone neither on the roster nor watching in a console (a name
        /// typed wrong is refused without it).
        #[arg(long, requires = "owner")]
        new_responder: bool,
        /// The incident (its id or the last 4+ characters); may be left out when one is open.
        #[arg(long, short, value_name = "ID")]
        incident: Option<String>,
    },
    /// List the tasks, numbered.
    List {
        /// The incident (its id or the last 4+ characters); may be left out when one is open.
        #[arg(long, short, value_name = "ID")]
        incident: Option<String>,
    },
}

/// The objectives, numbered, a line each.
pub fn objective_lines(s: &IncidentState) -> Vec<String> {
    s.objectives
        .iter()
        .enumerate()
        .map(|(n, o)| format!("{}. [{}] {}", n + 1, o.stage, crate::inert::line(&o.text)))
        .collect()
}

/// The tasks, numbered, a line each.
pub fn task_lines(s: &IncidentState) -> Vec<String> {
    s.tasks
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let owner = t
                .owner
                .as_deref()
                .map(|o| format!(" (owner {})", crate::inert::line(o)))
                .unwrap_or_default();
            format!(
                "{}. [{}] {}{owner}",
                n + 1,
                t.state.label(),
                crate::inert::line(&t.text)
            )
        })
        .collect()
}

fn list(
    ctx: &Context,
    incident_id: Option<&str>,
    lines: fn(&IncidentState) -> Vec<String>,
) -> Result<()> {
    let (_, state) = incident(ctx, Open::Read, Pick::Read(incident_id))?;
    let lines = lines(&state);
    if lines.is_empty() {
        say!("none yet");
    }
    for line in lines {
        say!("{line}");
    }
    Ok(())
}

/// Runs `warroom objective`.
pub fn objective(ctx: &Context, command: ObjectiveSubcommand) -> Result<()> {
    let (id, request) = match command {
        ObjectiveSubcommand::List { incident } => {
            return list(ctx, incident.as_deref(), objective_lines);
        }
        ObjectiveSubcommand::Add {
            text,
            planned,
            incident,
        } => (
            incident,
            Box::new(move |_: &IncidentState| {
                Ok(Request::ObjectiveAdd {
                    text: text.join(" "),
                    stage: if planned {
                        ObjectiveStage::Planned
                    } else {
                        ObjectiveStage::Current
                    },
                })
            }) as Box<dyn FnOnce(&IncidentState) -> Result<Request>>,
        ),
        ObjectiveSubcommand::Move {
            objective,
            stage,
            incident,
        } => (
            incident,
            Box::new(move |s: &IncidentState| {
                let ids: Vec<ulid::Ulid> = s.objectives.iter().map(|o| o.id).collect();
                let objective =
                    find_numbered(&ids, &objective, "objective", "`warroom objective list`")
                        .map_err(|e| anyhow!(e))?;
                Ok(Request::ObjectiveMove { objective, stage })
            }) as Box<dyn FnOnce(&IncidentState) -> Result<Request>>,
        ),
    };
    let (mut store, state) = incident(ctx, Open::Write, Pick::Write(id.as_deref()))?;
    let request = request(&state)?;
    ask_and_print(ctx, &mut store, Some(&state), request)
}

/// Runs `warroom task`.
pub fn task(ctx: &Context, command: TaskSubcommand) -> Result<()> {
    let (id, request) = match command {
        TaskSubcommand::List { incident } => return list(ctx, incident.as_deref(), task_lines),
        TaskSubcommand::Add {
            text,
            owner,
            new_responder,
            incident,
        } => (
            (incident, new_responder),
            Box::new(move |_: &IncidentState| {
                Ok(Request::TaskAdd {
                    text: text.join(" "),
                    owner,
                })
            }) as Box<dyn FnOnce(&IncidentState) -> Result<Request>>,
        ),
        TaskSubcommand::Move {
            task,
            state,
            owner,
            new_responder,
            incident,
        } => (
            (incident, new_responder),
            Box::new(move |s: &IncidentState| {
                let ids: Vec<ulid::Ulid> = s.tasks.iter().map(|t| t.id).collect();
                let task = find_numbered(&ids, &task, "task", "`warroom task list`")
                    .map_err(|e| anyhow!(e))?;
                Ok(Request::TaskMove { task, state, owner })
            }) as Box<dyn FnOnce(&IncidentState) -> Result<Request>>,
        ),
    };
    let (id, new_responder) = id;
    let (mut store, state) = incident(ctx, Open::Write, Pick::Write(id.as_deref()))?;
    let request = request(&state)?;
    let meant = super::ask::Meant {
        anyway: new_responder,
    };
    for event in super::ask::ask_meaning(ctx, &mut store, Some(&state), request, meant)? {
        say!("{}", event.id);
    }
    Ok(())
}
