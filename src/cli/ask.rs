//! Asking the incident rules ([`crate::rules`]) from the command line: the incident a
//! command is about, folded from the store; the events the rules decide, written; and a
//! refusal worded for a shell, naming `warroom` commands and flags.

use anyhow::{Result, bail};
use ulid::Ulid;

use super::context::{Context, Open, Pick, pick_incident};
use crate::domain::{Event, IncidentState};
use crate::rules::{Asked, Caution, Decision, Request, Wording, decide};
use crate::store::{NewEvent, Store};

/// How a shell names the next step: `warroom` commands and flags.
pub struct Shell;

impl Wording for Shell {
    fn command(&self, line: &str) -> String {
        format!("`warroom {line}`")
    }

    fn declare(&self) -> String {
        "`warroom declare --title TITLE`".into()
    }

    fn route_or_change(&self) -> (String, String) {
        ("--route".into(), "in --answers".into())
    }

    fn declare_from_triage(&self) -> String {
        "--declare".into()
    }
}

/// The database (opened as `open` says, once, to write to as well) and the incident a
/// command is about, folded.
pub fn incident(ctx: &Context, open: Open, pick: Pick<'_>) -> Result<(Store, IncidentState)> {
    let store = ctx.open(open)?;
    let state = pick_incident(&store, pick)?;
    Ok((store, state))
}

/// What the person at the shell said they mean, for requests the rules ask about.
#[derive(Debug, Clone, Copy, Default)]
pub struct Meant {
    /// `--new-responder` (a name the room does not know) or `--yes` (command assumed
    /// from a commander at a console, a page for an incident that is over): the
    /// caution the rules raise is meant.
    pub anyway: bool,
}

/// Decides `request` about `state` (`None`: one it opens) for the command's author and
/// writes what the rules decide, saying each event on stderr; returns the events
/// written (none when there was nothing to write, which is said too). A refusal is the
/// error, in a shell's words. An entry for an ended incident is written with a warning
/// on stderr; command for a stranger, or assumed from a commander at a console, and a
/// page for an incident that is resolved or closed, are refused unless `meant` says so.
pub fn ask(
    ctx: &Context,
    store: &mut Store,
    state: Option<&IncidentState>,
    request: Request,
) -> Result<Vec<Event>> {
    ask_meaning(ctx, store, state, request, Meant::default())
}

/// [`ask`], with what the person said they mean.
pub fn ask_meaning(
    ctx: &Context,
    store: &mut Store,
    state: Option<&IncidentState>,
    request: Request,
    meant: Meant,
) -> Result<Vec<Event>> {
    let playbook = ctx.playbook()?;
    let watching: Vec<String> = store
        .present()
        .map(|present| present.into_iter().map(|p| p.user).collect())
        .unwrap_or_default();
    let asked = Asked {
        state,
        playbook: &playbook,
        actor: &ctx.author,
        now: store.now(),
        watching: &watching,
    };
    let bodies = match decide(request, &asked) {
        Ok(Decision::Record(bodies)) => bodies,
        Ok(Decision::Caution { caution, events }) => {
            match &caution {
                Caution::Ended { .. } => {
                    tell!(
                        "warroom: warning: {}",
                        caution_words(state.map(|s| (s.short_id(), s.title.as_str())), &caution)
                    );
                }
                Caution::Stranger { .. }
                | Caution::CommanderPresent { .. }
                | Caution::PageEnded { .. }
                    if meant.anyway => {}
                Caution::PageEnded { .. } => bail!(
                    "{}",
                    caution_words(state.map(|s| (s.short_id(), s.title.as_str())), &caution)
                ),
                Caution::CommanderPresent { .. } => bail!(
                    "{}",
                    caution_words(state.map(|s| (s.short_id(), s.title.as_str())), &caution)
                ),
                Caution::Stranger { .. } => bail!(
                    "{}",
                    caution_words(state.map(|s| (s.short_id(), s.title.as_str())), &caution)
                ),
            }
            events
        }
        Ok(Decision::Nothing(notice)) => {
            tell!("{}", notice.say());
            return Ok(Vec::new());
        }
        Ok(Decision::AskChecklist(items)) => bail!(
            "resolving asks the playbook's checklist first: answer it with --checks ({})",
            items.join("; ")
        ),
        Err(refusal) => bail!("{}", refusal.say(&ctx.author, &Shell)),
    };
    let incident: Option<Ulid> = state.map(|s| s.id);
    // Between this read and the write another writer may come first; what the events
    // came to is said from the store as it is after the write (`outcome`).
    tracing::debug!(
        events = bodies.len(),
        "decided on the incident as read; writing"
    );
    let drafts = bodies
        .into_iter()
        .map(|body| NewEvent::now(incident, ctx.author.clone(), body))
        .collect();
    let written = store.append(drafts)?;
    outcome(store, &written)?;
    Ok(written)
}

/// A caution in a shell's words, about the incident with this short id and title.
pub fn caution_words(incident: Option<(String, &str)>, caution: &Caution) -> String {
    match caution {
        Caution::Ended { status } => {
            let what = incident
                .map(|(id, title)| format!("incident {id} \"{}\"", crate::inert::line(title)))
                .unwrap_or_else(|| "the incident".into());
            format!("{what} is {status}; the entry is logged to it all the same")
        }
        Caution::PageEnded { status, who } => {
            let what = incident
                .map(|(id, title)| format!("incident {id} \"{}\"", crate::inert::line(title)))
                .unwrap_or_else(|| "the incident".into());
            format!(
                "{what} is {status}: check the incident (--incident ID), or page {} to it anyway with --yes",
                crate::inert::line(who)
            )
        }
        Caution::CommanderPresent { commander } => format!(
            "{} has a console open now: ask them to hand command off (`warroom handoff NAME`), or assume it anyway with --yes",
            crate::inert::line(commander)
        ),
        Caution::Stranger { name, doing } => format!(
            "{} is not on the roster and has no console open: check the name (`warroom page NAME` puts someone on it), or {} anyway with --new-responder",
            crate::inert::line(name),
            doing.tell()
        ),
    }
}

/// Says what the events written came to, folded with everything the store holds now
/// (a concurrent writer's claim may have come first): each event in words on stderr,
/// and an error when a rule left one without effect, as a claim that lost.
fn outcome(store: &Store, written: &[Event]) -> Result<()> {
    let Some(first) = written.first() else {
        return Ok(());
    };
    let state = store.incident(first.incident)?;
    let mut refused = None;
    for event in written {
        let entry = state
            .as_ref()
            .and_then(|s| s.entry(event.id).map(|e| (s, e)));
        let line = match entry {
            Some((state, entry)) => {
                let current = state.current_text(entry);
                let said = match current.no_effect {
                    Some(why) => format!("{} [no effect: {why}]", current.text),
                    None => current.text,
                };
                if entry.refused.is_some() {
                    // Said once, as the error the command ends with.
                    refused.get_or_insert(said);
                    continue;
                }
                said
            }
            None => crate::domain::describe(&event.body),
        };
        tell!("{}", crate::inert::line(&line));
    }
    match refused {
        Some(said) => bail!("{said}"),
        None => Ok(()),
    }
}
/// [`ask`], then the ids of the events written on stdout, one a line.
pub fn ask_and_print(
    ctx: &Context,
    store: &mut Store,
    state: Option<&IncidentState>,
    request: Request,
) -> Result<()> {
    for event in ask(ctx, store, state, request)? {
        say!("{}", event.id);
    }
    Ok(())
}

/// Asks before an update customers will read is logged: the text is shown on stderr and
/// a `y` on the terminal sends it. `yes` (the `--yes` flag) skips the question, for
/// scripts; without it and without a terminal to ask on, nothing is logged.
///
/// # Errors
/// When the answer is not yes, or there is no terminal to ask on and no `--yes`.
pub fn customers_read(text: &str, yes: bool) -> Result<()> {
    use std::io::{BufRead, IsTerminal, Write};
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "an update to customers is shown and asked about before it is logged: read it with --print, then add --yes to log it from a script"
        );
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "Customers will read:\n");
    for line in crate::inert::text(text).lines() {
        let _ = writeln!(err, "  {line}");
    }
    let _ = write!(err, "\nLog this update to customers? [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if answer.trim().eq_ignore_ascii_case("y") || answer.trim().eq_ignore_ascii_case("yes") {
        Ok(())
    } else {
        bail!("not logged: the update to customers was not confirmed")
    }
}
