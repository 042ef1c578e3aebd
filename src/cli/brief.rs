//! `warroom brief`: the briefing (ICS-201 blocks) as Markdown, and logging that it was
//! given.

use anyhow::Result;
use clap::Args;

use super::ask::{ask_and_print, incident};
use super::context::{Context, Open, Pick};
use crate::rules::Request;

/// What `warroom brief` takes.
#[derive(Debug, Args)]
pub struct BriefArgs {
    /// Also record that the briefing was given (to --to, or to the room).
    #[arg(long)]
    pub given: bool,
    /// Whom it was given to.
    #[arg(long, requires = "given", value_name = "NAME")]
    pub to: Option<String>,
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
    /// The briefing as it would have been given at a moment: HH:MM, 'YYYY-MM-DD HH:MM',
    /// RFC 3339 or '2h ago' (from the events written by then: what the room knew).
    #[arg(
        long,
        value_name = "TIME",
        allow_hyphen_values = true,
        conflicts_with = "given"
    )]
    pub as_of: Option<String>,
}

/// The incident as it was recorded by `when` (read as the other commands read a time):
/// what the room knew then, and that moment; says first, in one line, which moment
/// (to the second, with its date and zone) and how many entries written later about
/// earlier times are left out. Errors: a time that cannot be read, in the future, or
/// before 2000; one before the incident's first entry was written.
pub(super) fn as_of(
    state: &crate::domain::IncidentState,
    when: &str,
    now: crate::domain::Timestamp,
) -> Result<(crate::domain::IncidentState, crate::domain::Timestamp)> {
    let at = crate::when::parse_when(when, now).map_err(anyhow::Error::msg)?;
    if !crate::domain::time_in_bounds(at) {
        anyhow::bail!(
            "{when:?} is before 2000, when no incident here was recorded: give a later time"
        );
    }
    let then = state.known_at(at);
    let zone = crate::zone::in_force();
    let moment = format!(
        "{} {}",
        zone.format(at, "%Y-%m-%d %H:%M:%S"),
        zone.offset_label(at)
    );
    if then.timeline.is_empty() {
        anyhow::bail!(
            "incident {} had no entries yet at {moment}: give a later time",
            state.short_id()
        );
    }
    // Happened by then, but written after: what the room did not know yet.
    let later = match state.hindsight(at) {
        0 => String::new(),
        1 => "; 1 entry written later about an earlier time is left out".into(),
        n => format!("; {n} entries written later about earlier times are left out"),
    };
    say!(
        "AS OF {moment}: incident {} as it was recorded by then ({} of its {} entries){later}",
        state.short_id(),
        then.timeline.len(),
        state.timeline.len()
    );
    Ok((then, at))
}

/// Runs `warroom brief`.
pub fn run(ctx: &Context, args: BriefArgs) -> Result<()> {
    let playbook = ctx.playbook()?;
    if args.given {
        let (mut store, state) = incident(ctx, Open::Write, Pick::Write(args.incident.as_deref()))?;
        say_part!(
            "{}",
            crate::export::briefing(&state, &playbook, store.now())
        );
        return ask_and_print(
            ctx,
            &mut store,
            Some(&state),
            Request::Brief { to: args.to },
        );
    }
    let (store, state) = incident(ctx, Open::Read, Pick::Read(args.incident.as_deref()))?;
    if let Some(when) = &args.as_of {
        let (state, at) = as_of(&state, when, store.now())?;
        say_part!("{}", crate::export::briefing(&state, &playbook, at));
        return Ok(());
    }
    say_part!(
        "{}",
        crate::export::briefing(&state, &playbook, store.now())
    );
    Ok(())
}
