//! Running palette commands: checking them against the incident, then events.

use ulid::Ulid;

use super::palette::PaletteRequest;
use super::record::{Answer, ask};
use super::{Action, App, Effect, Mode, Overlay, Purpose};
use crate::domain::{IncidentState, resolve_id, short_id};
use crate::rules::{Request, SituationFields, find_item, find_numbered, item_fields};

/// The action item `typed` names, saying where the numbers are when it names none.
fn item(app: &App, state: &IncidentState, typed: &str) -> Result<Ulid, String> {
    let review = app.key(Mode::Normal, Action::OpenReview);
    find_item(state, typed, &format!("the review ({review}) numbers them"))
}

/// Why the sample is not loaded into a database that holds incidents, and how to load it.
pub(super) const DEMO_REFUSED: &str = "this database holds incidents already, and the sample would mix with them: load it into one of its own (warroom --db demo.db demo), or :demo force loads it here anyway";

/// Refuses the command, saying why (a word that fits nothing, or a rule it breaks);
/// from the palette, the line comes back to be mended or dropped
/// ([`App::take_refusal`]).
fn refuse(app: &mut App, message: String) -> Vec<Effect> {
    app.notice = Some(message.clone());
    app.refusal = Some(message);
    Vec::new()
}

/// Does nothing, saying why: there is nothing in what was typed to mend (you hold
/// command already, say).
fn nothing(app: &mut App, message: String) -> Vec<Effect> {
    app.notice = Some(message);
    Vec::new()
}

impl App {
    /// Why the last command run was refused as typed, if it was; clears it.
    pub(super) fn take_refusal(&mut self) -> Option<String> {
        self.refusal.take()
    }
}

/// Carries out a parsed command.
pub fn run(app: &mut App, command: PaletteRequest) -> Vec<Effect> {
    match command {
        PaletteRequest::Switch(None) => {
            app.open_switcher();
            return Vec::new();
        }
        PaletteRequest::Switch(Some(typed)) => {
            let ids: Vec<Ulid> = app.incident_list().iter().map(|i| i.id).collect();
            let hint = format!("{} lists them", app.key(Mode::Normal, Action::OpenSwitcher));
            return match resolve_id(ids, &typed, "incident", &hint) {
                Ok(id) => {
                    app.show(id);
                    Vec::new()
                }
                Err(e) => refuse(app, e),
            };
        }
        PaletteRequest::Theme(name) => return vec![Effect::SetTheme(name)],
        PaletteRequest::Demo { force } => {
            if force || app.incidents.is_empty() {
                return vec![Effect::LoadDemo];
            }
            app.notice = Some(DEMO_REFUSED.into());
            return Vec::new();
        }
        PaletteRequest::Help => {
            app.overlays.push(Overlay::help());
            return Vec::new();
        }
        PaletteRequest::Quit => return app.quit(),
        PaletteRequest::Playbook => {
            app.overlays.push(Overlay::playbook());
            return Vec::new();
        }
        PaletteRequest::Briefing => {
            app.open_briefing();
            return Vec::new();
        }
        PaletteRequest::Accept => {
            match super::roster::pending(app) {
                Some((from, to)) if crate::domain::same_name(&to, &app.setup.me) => {
                    app.open_briefing();
                    app.notice = Some(format!(
                        "{} offers you command: read the briefing, then {} accepts ({} declines)",
                        crate::inert::line(&from),
                        app.key(Mode::Briefing, Action::AcceptHandoff),
                        app.key(Mode::Briefing, Action::CancelHandoff),
                    ));
                }
                _ => {
                    // The rules say why there is nothing to accept.
                    return super::roster::act(app, super::Action::AcceptHandoff);
                }
            }
            return Vec::new();
        }
        PaletteRequest::Dismiss { alert, reason } => {
            let waiting: Vec<Ulid> = app.inbox.iter().copied().collect();
            let hint = format!(
                "{} lists the inbox with each alert's id",
                app.key(Mode::Normal, Action::OpenInbox)
            );
            return match crate::domain::resolve_id(waiting, &alert, "alert", &hint) {
                Ok(group) => super::inbox::dismiss(app, group, reason),
                Err(why) => refuse(app, why),
            };
        }
        PaletteRequest::CancelHandoff => {
            return super::roster::act(app, super::Action::CancelHandoff);
        }
        PaletteRequest::ReviewView => {
            app.open_review();
            return Vec::new();
        }
        PaletteRequest::Metrics => {
            app.open_metrics();
            return Vec::new();
        }
        PaletteRequest::Filter(words) => {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            match super::find::Filter::read(&words) {
                Ok(filter) => {
                    app.notice = Some(if filter.is_on() {
                        format!(
                            "showing {} (:filter off shows every entry)",
                            filter.describe()
                        )
                    } else {
                        "showing every entry".into()
                    });
                    app.timeline.set_filter(filter);
                }
                Err(why) => return refuse(app, why),
            }
            return Vec::new();
        }
        PaletteRequest::Ids => {
            app.timeline.show_ids = !app.timeline.show_ids;
            return Vec::new();
        }
        PaletteRequest::Triage(title) => {
            app.open_triage(title);
            return Vec::new();
        }
        PaletteRequest::Update(audience) => {
            let audience = audience.unwrap_or_else(|| super::compose::due_audience(app));
            super::compose::open(app, audience);
            return Vec::new();
        }
        _ => {}
    }
    if app.setup.read_only.is_some() {
        app.notice = Some("read-only database: nothing can be recorded here".into());
        return Vec::new();
    }
    if let PaletteRequest::Declare { title, severity } = command {
        let request = Request::Declare {
            title,
            detected_at: None,
            severity,
        };
        return match ask(app, Purpose::Declare, None, request) {
            Ok(Answer::Write(effect)) => vec![effect],
            Ok(Answer::Ask { question, effect }) => app.ask_first(question, effect),
            Ok(Answer::Nothing(notice)) => nothing(app, notice),
            Ok(Answer::Checklist(_)) => Vec::new(),
            Err(e) => refuse(app, e),
        };
    }
    let Some(state) = app.incident() else {
        app.notice = Some("no incident shown: :declare TITLE opens one".into());
        return Vec::new();
    };
    let id = state.id;
    let request = match request_for(app, state, command) {
        Ok(Some(request)) => request,
        Ok(None) => return Vec::new(),
        Err(e) => return refuse(app, e),
    };
    let resolving = match &request {
        Request::Resolve { code, summary, .. } => Some((code.clone(), summary.clone())),
        _ => None,
    };
    match ask(app, Purpose::Palette, Some(id), request) {
        Ok(Answer::Write(effect)) => {
            app.notice = Some(format!("recording on {}…", short_id(id)));
            vec![effect]
        }
        Ok(Answer::Ask { question, effect }) => app.ask_first(question, effect),
        Ok(Answer::Nothing(notice)) => nothing(app, notice),
        Ok(Answer::Checklist(items)) => {
            if let Some((code, summary)) = resolving {
                app.overlays
                    .push(Overlay::Checklist(Box::new(super::review::Checklist::new(
                        code, summary, items,
                    ))));
            }
            Vec::new()
        }
        Err(e) => refuse(app, e),
    }
}

/// Reads `:situation` fields: each known field once, times as `--at` takes them.
fn situation_fields(app: &App, fields: &[(String, String)]) -> Result<SituationFields, String> {
    let mut out = SituationFields::default();
    let list = |v: &str| -> Vec<String> {
        v.split(',')
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty())
            .collect()
    };
    let time = |key: &str, v: &str| {
        crate::when::parse_entry_time(v, app.now).map_err(|e| format!("{key}=: {e}"))
    };
    for (key, value) in fields {
        let value = value.trim();
        match key.as_str() {
            "impact" => out.impact = Some(value.to_string()),
            "services" => out.services = Some(list(value)),
            "regions" => out.regions = Some(list(value)),
            "start" => out.impact_start = Some(time(key, value)?),
            "end" => out.impact_end = Some(time(key, value)?),
            "next" => out.next_steps = Some(value.to_string()),
            other => {
                return Err(format!(
                    "'{other}' is not a field of the situation: use impact=, services=, regions=, start=, end= or next="
                ));
            }
        }
    }
    Ok(out)
}

/// The request a palette command makes about `state`; `None` for one that asks the
/// rules nothing; `Err` for what cannot be read (an item's fields, its number).
fn request_for(
    app: &App,
    state: &IncidentState,
    command: PaletteRequest,
) -> Result<Option<Request>, String> {
    Ok(Some(match command {
        PaletteRequest::Severity { severity, reason } => Request::SetSeverity { severity, reason },
        PaletteRequest::Claim => Request::Claim,
        PaletteRequest::Handoff(to) => Request::Handoff { to },
        PaletteRequest::Confirm => Request::Confirm,
        PaletteRequest::Assume(reason) => Request::Assume { reason },
        PaletteRequest::Log(body) => Request::Log(body),
        PaletteRequest::Role {
            person,
            role,
            assign: true,
        } => Request::Assign { person, role },
        PaletteRequest::Role { person, role, .. } => Request::Unassign { person, role },
        PaletteRequest::Responder { person, state: to } => Request::Responder {
            person: person.unwrap_or_else(|| app.setup.me.clone()),
            state: to,
        },
        PaletteRequest::Page { who, via } => Request::Page { who, via },
        PaletteRequest::Resolve {
            code,
            summary,
            checklist,
        } => Request::Resolve {
            code,
            summary,
            checklist,
        },
        PaletteRequest::Reopen(reason) => Request::Reopen { reason },
        PaletteRequest::Problem {
            owner,
            root_cause,
            fix,
            ticket,
        } => Request::Problem {
            owner,
            root_cause,
            fix,
            ticket,
        },
        PaletteRequest::Finding { section, text } => Request::Finding { section, text },
        PaletteRequest::BriefingGiven(to) => Request::Brief { to },
        PaletteRequest::ObjectiveAdd { text, planned } => Request::ObjectiveAdd {
            text,
            stage: if planned {
                crate::domain::ObjectiveStage::Planned
            } else {
                crate::domain::ObjectiveStage::Current
            },
        },
        PaletteRequest::ObjectiveMove { objective, stage } => {
            let ids: Vec<Ulid> = state.objectives.iter().map(|o| o.id).collect();
            Request::ObjectiveMove {
                objective: find_numbered(
                    &ids,
                    &objective,
                    "objective",
                    "`warroom objective list` numbers them",
                )?,
                stage,
            }
        }
        PaletteRequest::TaskAdd { text, owner } => Request::TaskAdd { text, owner },
        PaletteRequest::TaskMove {
            task,
            state: to,
            owner,
        } => {
            let ids: Vec<Ulid> = state.tasks.iter().map(|t| t.id).collect();
            Request::TaskMove {
                task: find_numbered(
                    &ids,
                    &task,
                    "task",
                    "the incident pane counts them; `warroom task list` numbers them",
                )?,
                state: to,
                owner,
            }
        }
        PaletteRequest::Judge {
            entry,
            verdict,
            reason,
        } => {
            let hypotheses = state
                .timeline
                .iter()
                .filter(|e| matches!(e.event.body, crate::domain::Body::Hypothesis { .. }))
                .map(|e| e.event.id);
            let target = resolve_id(
                hypotheses,
                &entry,
                "hypothesis",
                "`warroom tail --ids` shows entry ids",
            )?;
            Request::Judge {
                target,
                verdict,
                reason,
            }
        }
        PaletteRequest::Correct {
            entry,
            text,
            strike,
            reason,
            at,
        } => {
            let ids = state.timeline.iter().map(|e| e.event.id);
            let target = resolve_id(ids, &entry, "entry", "# shows entry ids in the timeline")?;
            let (at, reason) = match at {
                Some(typed) => {
                    let (at, why) = crate::when::time_then_words(&typed, app.now)?;
                    (Some(at), why.or(reason))
                }
                None => (None, reason),
            };
            Request::Correct {
                target,
                text,
                strike,
                reason,
                at,
            }
        }
        PaletteRequest::Situation(fields) => Request::Situation(situation_fields(app, &fields)?),
        PaletteRequest::ItemAdd { title, fields } => {
            let f = item_fields(app.now, None, &fields).map_err(|e| e.to_string())?;
            Request::ItemAdd {
                title,
                owner: f.owner,
                due: f.due,
                priority: f.priority,
            }
        }
        PaletteRequest::ItemUpdate {
            item: typed,
            fields,
        } => {
            let found = item(app, state, &typed)?;
            let f = item_fields(app.now, Some(found), &fields).map_err(|e| e.to_string())?;
            Request::ItemUpdate {
                item: found,
                title: f.title,
                owner: f.owner,
                due: f.due,
                priority: f.priority,
                note: f.note,
            }
        }
        PaletteRequest::ItemDone { item: typed, note } => Request::ItemDone {
            item: item(app, state, &typed)?,
            note,
        },
        _ => return Ok(None),
    }))
}
