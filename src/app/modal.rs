//! Keys for the overlays: palette, switcher, triage wizard, resolve checklist, review
//! and recovered draft. Called from `update`; no I/O here either.

use super::action::{Action, Mode};
use super::msg::Effect;
use super::overlay::Overlay;
use super::request::PaletteRequest;
use super::view::{LIST_PAGE, step};
use super::wizard::{Finish, Outcome};
use super::{App, commands, palette};

pub(super) fn palette_action(app: &mut App, action: Action) -> Vec<Effect> {
    let complete = app.key(Mode::Palette, Action::Complete);
    let reading = app.reading();
    let Some(Overlay::Palette {
        input,
        selected,
        error,
    }) = app.overlays.last_mut()
    else {
        return Vec::new();
    };
    let line = input.lines().join(" ");
    let count = palette::suggestions(&line).len();
    if let Some(to) = step(*selected, count, action, 1) {
        *selected = to;
        return Vec::new();
    }
    match action {
        Action::Close => {
            app.overlays.pop();
        }
        Action::Complete => {
            if let Some(spec) = palette::suggestions(&line).get(*selected) {
                let args: Vec<&str> = line.split_whitespace().skip(1).collect();
                let completed = format!("{} {}", spec.name, args.join(" "));
                **input = tui_textarea::TextArea::new(vec![completed.trim_end().to_string() + " "]);
                input.move_cursor(tui_textarea::CursorMove::End);
                *error = None;
            }
        }
        Action::Submit => match palette::parse(&line) {
            // A command about the incident shown waits, typed, while it is being read.
            Ok(command) if needs_the_incident(&command) && reading.is_some() => {
                let why = reading.unwrap_or_default();
                *error = Some(format!("{why}; Enter again in a moment"));
            }
            Ok(command) => {
                app.overlays.pop();
                let depth = app.overlays.len();
                app.take_refusal();
                let effects = commands::run(app, command);
                // Refused (a code or a name that does not fit, or a rule it breaks): the
                // line comes back with why, so a long summary is mended, not typed again.
                if let Some(why) = app.take_refusal()
                    && app.overlays.len() == depth
                {
                    app.prefill_palette(&line);
                    if let Some(Overlay::Palette { error, .. }) = app.overlays.last_mut() {
                        *error = Some(why);
                    }
                    app.notice = None;
                }
                return effects;
            }
            // A word no command starts with: say which key lists them.
            Err(message) if count == 0 => {
                *error = Some(format!("{message}: {complete} shows the commands"));
            }
            Err(message) => *error = Some(message),
        },
        _ => {}
    }
    Vec::new()
}

/// Whether a palette command acts on, or judges by, the incident shown (a new
/// incident, another view, the inbox, going elsewhere or leaving do not).
fn needs_the_incident(command: &PaletteRequest) -> bool {
    !matches!(
        command,
        PaletteRequest::Declare { .. }
            | PaletteRequest::Triage(Some(_))
            | PaletteRequest::Filter(_)
            | PaletteRequest::Ids
            | PaletteRequest::Metrics
            | PaletteRequest::Playbook
            | PaletteRequest::Dismiss { .. }
            | PaletteRequest::Switch(_)
            | PaletteRequest::Theme(_)
            | PaletteRequest::Demo { .. }
            | PaletteRequest::Help
            | PaletteRequest::Quit
    )
}

/// Walks the triage wizard: choose, go back, declare or route.
pub(super) fn triage(app: &mut App, action: Action) -> Vec<Effect> {
    // The playbook is shared: holding it costs a reference count, not a copy.
    let playbook = app.setup.playbook.clone();
    let model = &playbook.triage;
    // What Enter does after the last answer, and how finishing would end, decided
    // before the wizard is borrowed to change.
    let (enter, ending) = match app.overlays.last() {
        Some(Overlay::Triage(wizard)) => (
            super::wizard::enter_finishes(app, wizard),
            super::wizard::ending(app, wizard),
        ),
        _ => return Vec::new(),
    };
    let asking = |w: &super::wizard::Wizard| w.walk.current < model.questions.len();
    let Some(Overlay::Triage(wizard)) = app.overlays.last_mut() else {
        return Vec::new();
    };
    let choices = model
        .questions
        .get(wizard.walk.current)
        .map(|q| q.choices.len())
        .unwrap_or(0);
    wizard.message = None;
    if let Some(to) = step(wizard.walk.highlighted, choices, action, 1) {
        wizard.walk.highlighted = to;
        return Vec::new();
    }
    let outcome = match action {
        Action::Submit if asking(wizard) => {
            let choice = wizard.walk.highlighted;
            wizard.walk.choose(model, choice);
            None
        }
        // Past the last answer Enter finishes as the hint names it; with no severity
        // yet, the rules' refusal says what is missing.
        Action::Submit => Some(enter.map_or(Outcome::Declare, Finish::outcome)),
        Action::Pick(n) => {
            wizard.walk.choose(model, usize::from(n).saturating_sub(1));
            None
        }
        Action::Back => {
            wizard.walk.back();
            None
        }
        Action::Declare => Some(Outcome::Declare),
        Action::Route => Some(Outcome::Route),
        Action::Close => {
            app.overlays.pop();
            app.notice = Some("triage stopped; nothing was recorded".into());
            None
        }
        _ => None,
    };
    let Some(outcome) = outcome else {
        return Vec::new();
    };
    let Some(Overlay::Triage(wizard)) = app.overlays.last() else {
        return Vec::new();
    };
    match super::wizard::finish(app, wizard, outcome) {
        Ok(mut effects) => {
            let severity = model.assess(&wizard.walk.answers).severity;
            let sev = severity.map(|s| s.to_string()).unwrap_or_default();
            // A severity recorded is a decision: it is asked (y, after reading), so
            // words typed into the panes by mistake never re-triage an incident.
            let question = match (outcome, severity) {
                (Outcome::Declare, Some(_)) if ending == Some(Finish::Retriage) => {
                    format!("Re-triage this incident as {sev}?")
                }
                (Outcome::Declare, Some(sev)) => {
                    let page = super::wizard::page_hint(app, sev)
                        .map(|hint| format!(" Then {hint}."))
                        .unwrap_or_default();
                    format!("Declare at {sev}?{page}")
                }
                _ => format!("Route it to the service desk at {sev} (recorded, not declared)?"),
            };
            let said = match (outcome, severity) {
                (Outcome::Declare, Some(sev)) if ending == Some(Finish::Retriage) => {
                    format!("re-triaged: severity {sev}, with the answers")
                }
                (Outcome::Declare, Some(sev)) => super::wizard::page_hint(app, sev)
                    .unwrap_or_else(|| format!("recorded at {sev}")),
                _ => "routed to the service desk; recorded, not declared".into(),
            };
            match (effects.pop(), effects.is_empty()) {
                (Some(effect), true) => app.ask_over(question, effect, true, Some(said)),
                (Some(effect), false) => {
                    effects.push(effect);
                    effects
                }
                (None, _) => Vec::new(),
            }
        }
        Err(message) => {
            if let Some(Overlay::Triage(wizard)) = app.overlays.last_mut() {
                wizard.message = Some(message);
            }
            Vec::new()
        }
    }
}

pub(super) fn checklist(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(Overlay::Checklist(list)) = app.overlays.last_mut() else {
        return Vec::new();
    };
    match action {
        Action::Confirm => list.answers.push(true),
        Action::Cancel => list.answers.push(false),
        Action::Back => {
            list.answers.pop();
        }
        Action::Close => {
            app.overlays.pop();
            app.notice = Some("not resolved; nothing was recorded".into());
            return Vec::new();
        }
        _ => {}
    }
    if list.current().is_some() {
        return Vec::new();
    }
    let (code, summary, checks) = (list.code.clone(), list.summary.clone(), list.checks());
    app.overlays.pop();
    let open = checks.iter().filter(|c| !c.done).count();
    let effects = super::commands::run(
        app,
        super::palette::PaletteRequest::Resolve {
            code,
            summary,
            checklist: Some(checks),
        },
    );
    if open > 0 && !effects.is_empty() {
        app.notice = Some(format!(
            "resolved with {open} item(s) not confirmed; that is in the record"
        ));
    }
    effects
}

pub(super) fn review(app: &mut App, action: Action) -> Vec<Effect> {
    let items = app.incident().map(|s| s.action_items.len()).unwrap_or(0);
    let Some(Overlay::Review { selected }) = app.overlays.last_mut() else {
        return Vec::new();
    };
    if let Some(to) = step(*selected, items, action, 1) {
        *selected = to;
        return Vec::new();
    }
    let n = *selected + 1;
    match action {
        Action::Close => {
            app.overlays.pop();
        }
        Action::AddFinding => app.prefill_palette("review "),
        Action::AddItem => app.prefill_palette("item "),
        Action::EditItem if items > 0 => app.prefill_palette(&format!("item-update {n} ")),
        Action::CloseItem if items > 0 => {
            let title = app
                .incident()
                .and_then(|s| s.action_items.get(n.saturating_sub(1)))
                .map(|i| crate::format::shorten(&crate::inert::line(&i.title), 40))
                .unwrap_or_default();
            let effects = super::commands::run(
                app,
                super::palette::PaletteRequest::ItemDone {
                    item: n.to_string(),
                    note: None,
                },
            );
            return app.ask_before(format!("Mark action item {n} \"{title}\" done?"), effects);
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn switcher(app: &mut App, action: Action) -> Vec<Effect> {
    let ids: Vec<_> = app.incident_list().iter().map(|i| i.id).collect();
    let Some(Overlay::Switcher { selected }) = app.overlays.last_mut() else {
        return Vec::new();
    };
    if let Some(to) = step(*selected, ids.len(), action, LIST_PAGE) {
        *selected = to;
        return Vec::new();
    }
    match action {
        Action::Submit => {
            let pick = ids.get(*selected).copied();
            app.overlays.pop();
            if let Some(id) = pick {
                app.show(id);
            }
        }
        Action::Close => {
            app.overlays.pop();
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn recovery(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(Overlay::Recovery(draft)) = app.overlays.last() else {
        return Vec::new();
    };
    let draft = draft.clone();
    match action {
        // Leaving the question restores too: nothing is lost unless asked.
        Action::Confirm | Action::Close => {
            app.overlays.pop();
            if let Some(id) = draft.incident.filter(|id| app.incidents.contains_key(id)) {
                app.show(id);
            }
            app.entry.restore(&draft.text, draft.kind);
            // It was begun for its incident: logged elsewhere only after a question.
            if draft.incident.is_some() {
                app.entry.written_for = draft.incident;
            }
            app.entry.open = app.setup.read_only.is_none();
            app.notice = Some(format!(
                "draft restored: {} commits it",
                app.key(Mode::Entry, Action::Submit)
            ));
            vec![app.save_draft()]
        }
        // The text the drafts exist to keep: thrown away only on a yes, after reading.
        Action::Discard => {
            let effect = app.save_draft();
            app.ask_over(
                "Throw the recovered draft away? It cannot be brought back.".into(),
                effect,
                true,
                Some("draft thrown away".into()),
            )
        }
        _ => Vec::new(),
    }
}
