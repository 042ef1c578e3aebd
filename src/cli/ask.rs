//! Asking the incident rules ([`crate::rules`]) from the command line: the incident a
//! command is about, folded from the store; the events the rules decide, written; and a
//! refusal worded for a shell, naming `warroom` commands and flags.

use anyhow::{Result, bail};
use ulid::Ulid;

use super::context::{Context, Open, Pick, pick_incident};
use crate::domain::{Event, IncidentState};
use crate::rules::{Asked, Decision, Request, Wording, decide};
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

    fn route_or_change(&self) -> (&'static str, &'static str) {
        ("--route", "in --answers")
    }

    fn declare_from_triage(&self) -> &'static str {
        "--declare"
    }
}

/// The database (opened as `open` says, once, to write to as well) and the incident a
/// command is about, folded.
pub fn incident(ctx: &Context, open: Open, pick: Pick<'_>) -> Result<(Store, IncidentState)> {
    let store = ctx.open(open)?;
    let state = pick_incident(&store, pick)?;
    Ok((store, state))
}

/// Decides `request` about `state` (`None`: one it opens) for the command's author and
/// writes what the rules decide, saying each event on stderr; returns the events
/// written (none when there was nothing to write, which is said too). A refusal is the
/// error, in a shell's words.
pub fn ask(
    ctx: &Context,
    store: &mut Store,
    state: Option<&IncidentState>,
    request: Request,
) -> Result<Vec<Event>> {
    let playbook = ctx.playbook()?;
    let asked = Asked {
        state,
        playbook: &playbook,
        actor: &ctx.author,
        now: store.now(),
    };
    match decide(request, &asked) {
        Ok(Decision::Record(bodies)) => {
            let incident: Option<Ulid> = state.map(|s| s.id);
            let drafts = bodies
                .into_iter()
                .map(|body| NewEvent::now(incident, ctx.author.clone(), body))
                .collect();
            let written = store.append(drafts)?;
            for event in &written {
                tell!(
                    "{}",
                    crate::inert::line(&crate::domain::describe(&event.body))
                );
            }
            Ok(written)
        }
        Ok(Decision::Nothing(notice)) => {
            tell!("{}", notice.say());
            Ok(Vec::new())
        }
        Ok(Decision::AskChecklist(items)) => bail!(
            "resolving asks the playbook's checklist first: answer it with --checks ({})",
            items.join("; ")
        ),
        Err(refusal) => bail!("{}", refusal.say(&ctx.author, &Shell)),
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
