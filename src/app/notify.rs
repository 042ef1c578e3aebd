//! What a person at a console must notice, from what others record: a new incident at
//! or above the declare threshold, command offered or given to them, a role given to
//! them, them being paged, a new firing alert, and an update overdue on an incident
//! they command. Each is a banner that stays until cleared (Esc), but for an offer of
//! command, taken down once no longer offered; those the person rings for also ring
//! the terminal bell; the terminal's title says how many wait. A
//! page not yet answered and an offer of command waiting are raised when the console
//! has read the log, so what came while no console was open is seen.

use std::collections::BTreeSet;

use ulid::Ulid;

use super::{Action, App, Effect, Mode};
use crate::domain::{Body, Event, Status, same_name};

/// A kind of thing to notice, as `WARROOM_RING` and the config's `ring` name it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    strum::VariantNames,
)]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
pub enum Attention {
    /// An incident at P1 (always rings).
    P1,
    /// An incident declared at or above the threshold.
    Declared,
    /// Command offered or given to you.
    Command,
    /// A role given to you.
    Role,
    /// You were paged.
    Page,
    /// A new firing alert in the inbox.
    Alert,
    /// An update overdue on an incident you command.
    Overdue,
}

/// Which notices ring the bell: `WARROOM_RING`, else the config's `ring` (a comma list
/// of notices, `all` or `none`); P1 rings whatever it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ring(pub BTreeSet<Attention>);

impl Default for Ring {
    /// A P1, command coming to you and a page ring; the rest show without a sound.
    fn default() -> Ring {
        Ring(
            [Attention::P1, Attention::Command, Attention::Page]
                .into_iter()
                .collect(),
        )
    }
}

impl Ring {
    /// Reads `WARROOM_RING`'s value (or the config's `ring`); the error names the
    /// word that is not a notice and the choices.
    pub fn read(text: &str) -> Result<Ring, String> {
        use strum::{IntoEnumIterator, VariantNames};
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(Ring(Attention::iter().collect()));
        }
        let mut set: BTreeSet<Attention> = [Attention::P1].into_iter().collect();
        if text.eq_ignore_ascii_case("none") || text.is_empty() {
            return Ok(Ring(set));
        }
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let notice = word.parse::<Attention>().map_err(|_| {
                format!(
                    "'{}' is not a notice; use {}, all or none",
                    crate::inert::line(word),
                    Attention::VARIANTS.join(", ")
                )
            })?;
            set.insert(notice);
        }
        Ok(Ring(set))
    }

    /// The notices that ring as `WARROOM_RING` would say them: `all`, `none` (a P1
    /// only), or a comma list (`p1,command,page`).
    pub fn words(&self) -> String {
        use strum::IntoEnumIterator;
        if Attention::iter().all(|a| self.0.contains(&a)) {
            return "all".into();
        }
        if self.0.iter().all(|a| *a == Attention::P1) {
            return "none".into();
        }
        self.0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn rings(&self, notice: Attention) -> bool {
        notice == Attention::P1 || self.0.contains(&notice)
    }
}

/// One thing to notice, shown until cleared (an offer of command: or until no longer
/// offered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    /// What it is.
    pub notice: Attention,
    /// In words (made inert when drawn).
    pub text: String,
    /// The incident (or inbox alert) it is about.
    pub about: Ulid,
    /// Command offered to this person: taken down once no longer offered (accepted,
    /// withdrawn, or overtaken by a change of command elsewhere).
    pub offer: bool,
}

/// What `events` (from others, live) give the person at `app` to notice, as banners
/// added to `app.banners`, after taking down offers of command no longer pending (see
/// `retire_offers`); the effects ring the bell and set the title (the title alone when
/// banners were only taken down).
pub(super) fn on_events(app: &mut App, events: &[Event]) -> Vec<Effect> {
    if !app.live() {
        return Vec::new();
    }
    let retired = retire_offers(app);
    let me = app.setup.me.clone();
    let threshold = app.setup.playbook.triage.threshold;
    let mut new = Vec::new();
    // One's own entries are no news, but an alert is, whoever's process recorded it
    // (the intake usually runs under the same name).
    for event in events
        .iter()
        .filter(|e| !same_name(&e.author, &me) || matches!(e.body, Body::AlertReceived { .. }))
    {
        let name = || {
            app.incidents
                .get(&event.incident)
                .map(|s| {
                    format!(
                        "{} \"{}\"",
                        s.short_id(),
                        crate::format::shorten(&s.title, 40)
                    )
                })
                .unwrap_or_else(|| crate::domain::short_id(event.incident))
        };
        let banner = |notice, text: String| Banner {
            notice,
            text,
            about: event.incident,
            offer: false,
        };
        match &event.body {
            Body::SeveritySet { severity, .. } if *severity <= threshold => {
                let declared_now = app
                    .incidents
                    .get(&event.incident)
                    .is_some_and(|s| s.status.is_open() && s.status != Status::Triage);
                if declared_now || *severity == crate::domain::Severity::P1 {
                    let notice = if *severity == crate::domain::Severity::P1 {
                        Attention::P1
                    } else {
                        Attention::Declared
                    };
                    new.push(banner(notice, format!("{severity} incident {}", name())));
                }
            }
            // Only while still offered: the same batch may hold its acceptance or its
            // withdrawal (a peer's catch-up), or a rule may have refused the offer.
            Body::HandoffOffered { from, to }
                if same_name(to, &me) && offered(app, event.incident, &me) =>
            {
                new.push(Banner {
                    offer: true,
                    ..banner(
                        Attention::Command,
                        format!("{from} offers you command of {} (:accept)", name()),
                    )
                });
            }
            Body::CommandHandedOff { to, .. } if same_name(to, &me) => new.push(banner(
                Attention::Command,
                format!("you hold command of {} now", name()),
            )),
            Body::RoleAssigned { person, role } if same_name(person, &me) => new.push(banner(
                Attention::Role,
                format!("you are {role} on {}", name()),
            )),
            Body::ResponderPaged { person, .. } if same_name(person, &me) => new.push(banner(
                Attention::Page,
                format!("{} paged you for {}", event.author, name()),
            )),
            Body::AlertReceived {
                text,
                resolved: false,
                ..
            } if event.id == event.incident => new.push(banner(
                Attention::Alert,
                format!(
                    "new alert: {} ({})",
                    crate::format::shorten(text, 50),
                    app.key(Mode::Normal, Action::OpenInbox)
                ),
            )),
            _ => {}
        }
    }
    match raise(app, new) {
        effects if effects.is_empty() && retired => {
            vec![Effect::Title((!app.banners.is_empty()).then(|| title(app)))]
        }
        effects => effects,
    }
}

/// What waits for the person at `app` when the console has read the log (whenever it
/// was recorded, by whoever; what came while no console of theirs was open among it):
/// on each open incident (in the order they were opened), a page to them not yet
/// answered and command offered to them, as the banners those would have raised live.
/// A drill says it is one.
pub(super) fn on_start(app: &mut App) -> Vec<Effect> {
    let me = app.setup.me.clone();
    let mut open: Vec<&crate::domain::IncidentState> = app
        .incidents
        .values()
        .map(|state| &**state)
        .filter(|state| state.status.is_open())
        .collect();
    open.sort_by_key(|state| state.id);
    let mut new = Vec::new();
    for state in open {
        let name = format!(
            "{} \"{}\"{}",
            state.short_id(),
            crate::format::shorten(&state.title, 40),
            if state.drill { " (drill)" } else { "" }
        );
        if let Some(me_there) = state.roster.get(&me)
            && me_there.state == Some(crate::domain::ResponderState::Paged)
        {
            new.push(Banner {
                notice: Attention::Page,
                text: format!(
                    "you were paged {} ago for {name}, not answered yet",
                    crate::format::duration(app.now - me_there.since)
                ),
                about: state.id,
                offer: false,
            });
        }
        if let Some(offer) = &state.command.pending
            && same_name(&offer.to, &me)
        {
            new.push(Banner {
                notice: Attention::Command,
                text: format!("{} offers you command of {name} (:accept)", offer.from),
                about: state.id,
                offer: true,
            });
        }
    }
    raise(app, new)
}

/// Updates now overdue on incidents this person commands, each noticed once.
pub(super) fn on_tick(app: &mut App) -> Vec<Effect> {
    if !app.live() {
        return Vec::new();
    }
    let me = app.setup.me.clone();
    let mut new = Vec::new();
    let commanding: Vec<Ulid> = app
        .open_command
        .iter()
        .filter(|(_, c)| c.commander.as_deref().is_some_and(|c| same_name(c, &me)))
        .map(|(id, _)| *id)
        .collect();
    for id in commanding {
        // One reopened elsewhere and still being read has no updates to count yet.
        if app.partial.contains(&id) {
            continue;
        }
        let Some(state) = app.incidents.get(&id) else {
            continue;
        };
        for (audience, due) in state.updates_due(|s, a| app.setup.playbook.cadence_for(s, a)) {
            if due <= app.now && app.overdue_noticed.insert((id, audience, due)) {
                new.push(Banner {
                    notice: Attention::Overdue,
                    text: format!(
                        "the update to {audience} on {} is overdue ({})",
                        state.short_id(),
                        app.key(Mode::Normal, Action::ComposeUpdate)
                    ),
                    about: id,
                    offer: false,
                });
            }
        }
    }
    raise(app, new)
}

/// Takes down each banner offering command to this person that is no longer offered
/// (accepted here or by the CLI, withdrawn, or overtaken by a change of command a peer
/// brought): left up, it would send them to accept what is not there. Whether any was.
fn retire_offers(app: &mut App) -> bool {
    let before = app.banners.len();
    let kept: Vec<Banner> = std::mem::take(&mut app.banners)
        .into_iter()
        .filter(|b| !b.offer || offered(app, b.about, &app.setup.me))
        .collect();
    app.banners = kept;
    app.banners.len() != before
}

/// Whether command of `incident` is offered to `me` now, as the state stands folded.
fn offered(app: &App, incident: Ulid, me: &str) -> bool {
    app.incidents
        .get(&incident)
        .and_then(|s| s.command.pending.as_ref())
        .is_some_and(|o| same_name(&o.to, me))
}

/// Adds banners; rings once if any rings; sets the title.
fn raise(app: &mut App, new: Vec<Banner>) -> Vec<Effect> {
    if new.is_empty() {
        return Vec::new();
    }
    let ring = new.iter().any(|b| app.setup.ring.rings(b.notice));
    app.banners.extend(new);
    let mut effects = vec![Effect::Title(Some(title(app)))];
    if ring {
        effects.push(Effect::Bell);
    }
    effects
}

/// The terminal's title while banners wait.
fn title(app: &App) -> String {
    match app.banners.len() {
        0 => "warroom".into(),
        n => format!("warroom · {n} to notice"),
    }
}

/// Clears every banner (they have been seen); the title goes back to the console's.
pub(super) fn clear(app: &mut App) -> Vec<Effect> {
    if app.banners.is_empty() {
        return Vec::new();
    }
    app.banners.clear();
    vec![Effect::Title(None)]
}
