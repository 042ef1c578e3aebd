//! The work list: the objectives, tasks and hypotheses of the incident shown, moved by
//! keys (`w`). Every move goes through the palette's requests, so the rules and the
//! words are the palette's.

use ulid::Ulid;

use super::palette::PaletteRequest;
use super::{Action, App, Effect, Mode, Overlay, step};
use crate::domain::{Body, IncidentState, ObjectiveStage, TaskState, Verdict};

/// One line of the work list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// An objective, by its place in [`IncidentState::objectives`].
    Objective(usize),
    /// A task, by its place in [`IncidentState::tasks`].
    Task(usize),
    /// A hypothesis (not struck), by its entry's id.
    Hypothesis(Ulid),
}

/// The lines of the work list, in order: objectives, tasks, then hypotheses.
pub fn items(s: &IncidentState) -> Vec<Item> {
    let hypotheses = s
        .timeline
        .iter()
        .filter(|e| matches!(e.event.body, Body::Hypothesis { .. }))
        .filter(|e| !s.current_text(e).struck)
        .map(|e| Item::Hypothesis(e.event.id));
    (0..s.objectives.len())
        .map(Item::Objective)
        .chain((0..s.tasks.len()).map(Item::Task))
        .chain(hypotheses)
        .collect()
}

/// A hypothesis's verdict as it stands.
pub fn verdict(s: &IncidentState, id: Ulid) -> Verdict {
    s.verdicts.get(&id).map_or(Verdict::Open, |(v, _)| *v)
}

/// What a key does on the work list.
pub(super) fn keys(app: &mut App, action: Action) -> Vec<Effect> {
    let list = app.incident().map(items).unwrap_or_default();
    let Some(Overlay::Work { selected }) = app.overlays.last_mut() else {
        return Vec::new();
    };
    if let Some(to) = step(*selected, list.len(), action, super::view::LIST_PAGE) {
        *selected = to;
        return Vec::new();
    }
    let item = list.get(*selected).copied();
    match action {
        Action::Close => {
            app.overlays.pop();
            Vec::new()
        }
        Action::NewTask => {
            app.prefill_palette("task ");
            Vec::new()
        }
        Action::NewObjective => {
            app.prefill_palette("objective ");
            Vec::new()
        }
        Action::Advance | Action::Finish | Action::Drop | Action::SetOwner => match item {
            Some(item) => on_item(app, item, action),
            None => {
                app.notice = Some(format!(
                    "nothing here yet: {} opens a task, {} adds an objective",
                    app.key(Mode::Work, Action::NewTask),
                    app.key(Mode::Work, Action::NewObjective)
                ));
                Vec::new()
            }
        },
        _ => Vec::new(),
    }
}

fn on_item(app: &mut App, item: Item, action: Action) -> Vec<Effect> {
    let Some(s) = app.incident() else {
        return Vec::new();
    };
    let request = match item {
        Item::Objective(i) => {
            let Some(now) = s.objectives.get(i).map(|o| o.stage) else {
                return Vec::new();
            };
            let stage = match (action, now) {
                (Action::Advance, ObjectiveStage::Planned) => ObjectiveStage::Current,
                (Action::Advance, ObjectiveStage::Current) => ObjectiveStage::Met,
                (Action::Advance, _) => {
                    app.notice = Some(format!("the objective is {now}: nothing to move on"));
                    return Vec::new();
                }
                (Action::Finish, _) => ObjectiveStage::Met,
                (Action::Drop, _) => ObjectiveStage::Dropped,
                _ => {
                    app.notice = Some(format!(
                        "an objective has no owner: {} gives a task one",
                        app.key(Mode::Work, Action::SetOwner)
                    ));
                    return Vec::new();
                }
            };
            PaletteRequest::ObjectiveMove {
                objective: (i + 1).to_string(),
                stage,
            }
        }
        Item::Task(i) => {
            let Some(now) = s.tasks.get(i).map(|t| t.state) else {
                return Vec::new();
            };
            let state = match (action, now) {
                (Action::SetOwner, _) => {
                    app.prefill_palette(&format!("task-move {} owner=", i + 1));
                    return Vec::new();
                }
                (Action::Advance, TaskState::Open) => TaskState::InProgress,
                (Action::Advance, TaskState::InProgress) => TaskState::Done,
                (Action::Advance, _) => {
                    app.notice = Some(format!("the task is {}: nothing to move on", now.label()));
                    return Vec::new();
                }
                (Action::Finish, _) => TaskState::Done,
                _ => TaskState::Dropped,
            };
            PaletteRequest::TaskMove {
                task: (i + 1).to_string(),
                state: Some(state),
                owner: None,
            }
        }
        Item::Hypothesis(id) => {
            let entry = crate::domain::short_id(id);
            match action {
                Action::Finish => PaletteRequest::Judge {
                    entry,
                    verdict: Verdict::Confirmed,
                    reason: None,
                },
                Action::Drop => {
                    // Ruling out keeps its reason: the palette asks for it.
                    app.prefill_palette(&format!("hypothesis {entry} ruled-out "));
                    return Vec::new();
                }
                _ => {
                    app.notice = Some(format!(
                        "a hypothesis is confirmed ({}) or ruled out with a reason ({})",
                        app.key(Mode::Work, Action::Finish),
                        app.key(Mode::Work, Action::Drop)
                    ));
                    return Vec::new();
                }
            }
        }
    };
    super::commands::run(app, request)
}
