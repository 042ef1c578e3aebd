//! The application: state, keys to actions, and `update`. No I/O here: `update`
//! returns effects for the edge to carry out, so all of it runs in plain tests.

mod action;
mod asof;
mod bindings;
mod chord;
mod commands;
mod compose;
mod detail;
mod entry;
pub mod find;
mod graphemes;
pub mod inbox;
mod keymap;
mod modal;
mod msg;
pub mod notify;
mod open;
mod overlay;
pub mod palette;
mod rebind;
mod record;
mod request;
pub mod review;
pub mod roster;
mod search;
mod update;
mod view;
mod wizard;
pub mod work;

use std::collections::{BTreeMap, HashMap, HashSet};

use ulid::Ulid;

use crate::domain::{Event, IncidentState, Timestamp};

pub use action::{Action, Mode, Pane};
pub use asof::AsOf;
pub use bindings::{HelpRow, Keymap};
pub use chord::{Chord, Key};
pub use compose::{due_audience, filled as filled_template};
pub use entry::{Draft, EntryBox, EntryKind, Pending, split_credit, split_prefix};
pub use keymap::{Binding, EVERYWHERE, KEYMAP};
pub use msg::{Effect, Heads, Msg, Purpose, Read};
pub use overlay::{Confirmation, Overlay};
pub use rebind::{FORCE_QUIT, KeyProblem, Rebinding, actions_of, does_something};
pub use record::Console;
pub use update::update;
pub use view::{PageScroll, TimelineView, step};
pub use wizard::{
    Finish, Outcome, TriageTarget, Wizard, enter_finishes, finish as finish_triage, finish_word,
    page_hint, retriage,
};

/// Where an incident sorts in the switcher: open first, then newest, then by id.
pub(crate) fn list_order(i: &IncidentState) -> (bool, std::cmp::Reverse<Option<Timestamp>>, Ulid) {
    (
        !i.is_open(),
        std::cmp::Reverse(i.opened.as_ref().map(|o| o.0)),
        i.id,
    )
}

/// Command on one open incident, as [`App::open_command`] keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenCommand {
    /// Who holds command.
    pub commander: Option<String>,
    /// A pending handoff: who offers command, and to whom.
    pub offer: Option<(String, String)>,
}

pub use crate::zone::Zone;

/// How long after a failed read of an incident's log it is asked for again.
pub const RETRY_READ: chrono::TimeDelta = chrono::TimeDelta::seconds(2);

/// Everything the console shows and remembers.
pub struct App {
    /// Every incident: folded whole, or, for those in `partial`, from the events that
    /// decide its head ([`crate::store::Store::incident_heads`]) and those that arrived
    /// since.
    pub incidents: HashMap<Ulid, Box<IncidentState>>,
    /// Incidents held by their heads only: closed ones nobody here has looked at. Their
    /// titles, severities, statuses and command are right (the switcher lists them);
    /// their timelines are not whole, so nothing but the head is read from them.
    pub partial: HashSet<Ulid>,
    /// Incidents whose whole log has been asked of the store and has not come yet.
    pub asked: HashSet<Ulid>,
    /// Long incidents held in brief at start ([`Msg::Preview`]): every field but the
    /// timeline is the full fold's, the timeline holds the newest entries and not all
    /// the older ones. The whole log replaces it before the first read ends.
    pub previewed: HashSet<Ulid>,
    /// Head-only incidents that became open since (reopened elsewhere), to be read whole.
    reopened: Vec<Ulid>,
    /// Whether the metrics overlay's numbers have been asked of the store.
    metrics_asked: bool,
    /// Incidents whose whole log could not be read, and when to ask again.
    retry_at: HashMap<Ulid, Timestamp>,
    /// The incident on screen.
    pub shown: Option<Ulid>,
    /// The focused pane.
    pub focus: Pane,
    /// Overlays, bottom first; the last one has the keys.
    pub overlays: Vec<Overlay>,
    /// The entry box.
    pub entry: EntryBox,
    /// The timeline's scroll position.
    pub timeline: TimelineView,
    /// The selected responder, by name: the roster re-sorts as people acknowledge and
    /// engage (here or on a peer), so a position would drift to someone else. `None`
    /// (or a name no longer listed) selects the first.
    pub roster_selected: Option<String>,
    /// How many entries each incident had when this console last looked at it: the
    /// one shown is looked at as it grows; one read before the log was loaded counts
    /// as looked at; one opened since starts at none. The switcher marks the others
    /// that grew since.
    pub looked: HashMap<Ulid, usize>,
    /// Who commands each open incident and who command is offered to, kept as events
    /// arrive, so a frame looks at the open incidents only, not at all of history.
    pub open_command: BTreeMap<Ulid, OpenCommand>,
    /// The inbox alerts still waiting (neither dismissed nor gone to an incident),
    /// kept as events arrive.
    pub inbox: std::collections::BTreeSet<Ulid>,
    /// What others recorded that this person must notice, until cleared (Esc).
    pub banners: Vec<notify::Banner>,
    /// Overdue updates already noticed: (incident, audience, when it was due).
    pub overdue_noticed: std::collections::BTreeSet<(Ulid, crate::domain::Audience, Timestamp)>,
    /// The time the clocks and countdowns use.
    pub now: Timestamp,
    /// A one-line message for the user, shown until the next key.
    pub notice: Option<String>,
    /// Why the palette command just run was refused (a code or a name that does not
    /// fit, or a rule it breaks): the palette opens again with the line and this.
    refusal: Option<String>,
    /// Who sits at this console and what it runs with.
    pub setup: Setup,
    /// What the edge reports from outside: the log read, other consoles, the peer link.
    pub outside: Outside,
    /// The moment the panes show in "as of" mode (`None`: now).
    pub as_of: Option<AsOf>,
}

/// Who sits at a console and what it runs with: set when it starts.
pub struct Setup {
    /// Who is using this console.
    pub me: String,
    /// This console's presence session.
    pub session: String,
    /// The database, as the header names it.
    pub db_label: String,
    /// Why the database cannot be written here, when it cannot.
    pub read_only: Option<crate::store::ReadOnly>,
    /// How times are shown.
    pub zone: Zone,
    /// The team's playbook.
    pub playbook: std::sync::Arc<crate::playbook::Playbook>,
    /// Which notices ring the bell (`WARROOM_RING`, or the config's `ring`).
    pub ring: notify::Ring,
    /// The keymap in force: the built-in table with the config's `[keys]` over it. Keys
    /// are looked up in it, and everything on screen that names a key names it from it.
    pub keys: std::sync::Arc<Keymap>,
}

/// What the edge reports from outside the console, as it changes.
#[derive(Default)]
pub struct Outside {
    /// Whether the first read of the store has finished.
    pub loaded: bool,
    /// What is held is not the log as last read whole: a read broke off, could not be
    /// made, or the file was replaced, and the log is being read again; until the next
    /// `Loaded` what arrives is history, not news, and nothing is judged.
    pub rereading: bool,
    /// Whether the open incidents have come whole at start (before the closed ones'
    /// heads): the first of them may be shown, nothing yet judged.
    pub open_read: bool,
    /// Whether what waited for this person at start (a page unanswered, command
    /// offered) has been raised: once, at the first `Loaded`, even after a first read
    /// that failed.
    pub greeted: bool,
    /// The consoles that have the database open (this one included).
    pub present: Vec<crate::store::Presence>,
    /// The network peer link, when the console keeps one: its label and state.
    pub link: Option<(String, crate::peer::LinkState)>,
}

impl App {
    /// A console for `me` on a database called `db_label`, read-only when `read_only`
    /// says why, at `now`, with the built-in playbook.
    pub fn new(
        me: &str,
        db_label: &str,
        read_only: Option<crate::store::ReadOnly>,
        now: Timestamp,
    ) -> App {
        App {
            incidents: HashMap::new(),
            partial: HashSet::new(),
            asked: HashSet::new(),
            previewed: HashSet::new(),
            reopened: Vec::new(),
            metrics_asked: false,
            retry_at: HashMap::new(),
            shown: None,
            focus: Pane::Timeline,
            overlays: Vec::new(),
            entry: EntryBox::default(),
            timeline: TimelineView::default(),
            roster_selected: None,
            looked: HashMap::new(),
            open_command: BTreeMap::new(),
            inbox: std::collections::BTreeSet::new(),
            banners: Vec::new(),
            overdue_noticed: std::collections::BTreeSet::new(),
            now,
            notice: None,
            refusal: None,
            setup: Setup {
                me: me.to_string(),
                session: String::new(),
                db_label: db_label.to_string(),
                read_only,
                zone: Zone::Local,
                playbook: std::sync::Arc::new(crate::playbook::Playbook::builtin()),
                ring: notify::Ring::default(),
                keys: std::sync::Arc::new(Keymap::builtin()),
            },
            outside: Outside::default(),
            as_of: None,
        }
    }

    /// The metrics across `states` (whole incidents, or folded from
    /// [`crate::metrics::deciding_kinds`]), now.
    pub fn metrics_of<'a>(
        &self,
        states: impl IntoIterator<Item = &'a IncidentState>,
    ) -> crate::metrics::MetricsSummary {
        crate::metrics::summarize(
            states,
            None,
            &|s, a| self.setup.playbook.cadence_for(s, a),
            self.now,
        )
    }

    /// The hint bar's keys now, each named for what it does: the mode's, with the
    /// triage wizard's finish key named declare, re-triage or route.
    pub fn key_hints(&self) -> Vec<(Chord, &'static str)> {
        match self.overlays.last() {
            // The past on screen: only what "as of" lets a key do.
            None if self.as_of.is_some() && matches!(self.mode(), Mode::Normal | Mode::Roster) => {
                let keys = &self.setup.keys;
                [
                    (Action::Up, "earlier"),
                    (Action::Down, "later"),
                    (Action::Search, "search"),
                    (Action::OpenSwitcher, "switch"),
                    (Action::ClearBanners, "back to now"),
                    (Action::ToggleHelp, "help"),
                ]
                .into_iter()
                .filter_map(|(action, word)| Some((keys.key_for(Mode::Normal, action)?, word)))
                .collect()
            }
            Some(Overlay::Triage(wizard)) => wizard::hints(self, wizard),
            // The briefing names accept and cancel only to those a handoff concerns.
            Some(Overlay::Briefing { .. }) => {
                let pending = roster::pending(self);
                let me = |name: &str| crate::domain::same_name(name, &self.setup.me);
                self.setup
                    .keys
                    .hints(self.mode())
                    .into_iter()
                    .filter(|(_, word)| match *word {
                        "accept" => pending.as_ref().is_some_and(|(_, to)| me(to)),
                        "cancel handoff" => pending
                            .as_ref()
                            .is_some_and(|(from, to)| me(from) || me(to)),
                        _ => true,
                    })
                    .collect()
            }
            // The roster offers claim only while nobody holds command, and confirm
            // while a claim conflicts.
            None if self.mode() == Mode::Roster => {
                let state = self.incident();
                let held = state.is_some_and(|s| s.command.commander.is_some());
                let conflict = state.is_some_and(|s| s.command.in_conflict());
                self.setup
                    .keys
                    .hints(Mode::Roster)
                    .into_iter()
                    .filter(|(_, word)| match *word {
                        "claim" => !held,
                        "confirm" => conflict,
                        _ => true,
                    })
                    .collect()
            }
            // Scrolled up in the timeline: its tools.
            None if self.mode() == Mode::Normal
                && self.focus == Pane::Timeline
                && !self.timeline.following() =>
            {
                let keys = &self.setup.keys;
                let mut tools = vec![
                    (Action::OpenDetail, "open entry"),
                    (Action::Search, "search"),
                ];
                if self.timeline.search.is_some() {
                    tools.push((Action::SearchOlder, "next match"));
                }
                tools.extend([
                    (Action::OpenFilter, "filter"),
                    (Action::ToggleIds, "ids"),
                    (Action::Bottom, "newest"),
                    (Action::OpenEntry, "write"),
                    (Action::ToggleHelp, "help"),
                ]);
                tools
                    .into_iter()
                    .filter_map(|(action, word)| Some((keys.key_for(Mode::Normal, action)?, word)))
                    .collect()
            }
            _ => self.setup.keys.hints(self.mode()),
        }
    }

    /// The key for `action` in `mode` as a text names it, from the keymap in force
    /// (see [`Keymap::say`]).
    pub fn key(&self, mode: Mode, action: Action) -> String {
        self.setup.keys.say(mode, action)
    }

    /// The keys that are live now.
    pub fn mode(&self) -> Mode {
        match self.overlays.last() {
            Some(overlay) => overlay.mode(),
            None if self.entry.open => Mode::Entry,
            None if self.focus == Pane::Roster => Mode::Roster,
            None => Mode::Normal,
        }
    }

    /// The incident on screen, folded whole (`None` while it is still being read).
    pub fn incident(&self) -> Option<&IncidentState> {
        self.shown.and_then(|id| self.whole(id))
    }

    /// An incident folded whole: `None` when it is unknown or held by its head only.
    pub fn whole(&self, id: Ulid) -> Option<&IncidentState> {
        if self.partial.contains(&id) {
            return None;
        }
        self.incidents.get(&id).map(Box::as_ref)
    }

    /// The head of the incident chosen for the screen while its whole log is being read.
    pub fn loading(&self) -> Option<&IncidentState> {
        self.shown
            .filter(|id| self.partial.contains(id))
            .and_then(|id| self.incidents.get(&id).map(Box::as_ref))
    }

    /// Whether what the console holds is the log as read, followed live: events that
    /// arrive now are news (banners, the bell, marks of what is new), not history.
    pub fn live(&self) -> bool {
        self.outside.loaded && !self.outside.rereading
    }

    /// What is still being read, in words, while the console cannot yet judge what it
    /// holds: the log at start (the incidents are not all known), or the incident chosen
    /// for the screen (held by its head). `None` once both are read.
    pub fn reading(&self) -> Option<String> {
        if !self.live() {
            return Some("the log is still being read".into());
        }
        self.loading().map(|head| {
            format!(
                "{} is still being read from the log",
                crate::domain::short_id(head.id)
            )
        })
    }

    /// The reads the screen now needs from the store and does not hold: an incident
    /// chosen (or come back to life) while held by its head, the metrics while they are
    /// being read. Each is counted as asked for here, so the edge calls this once per
    /// pass and sends every one.
    pub fn reads_due(&mut self) -> Vec<Read> {
        let mut due: Vec<Read> = self.reads_wanted().into_iter().map(Read::Whole).collect();
        if self.metrics_wanted() {
            due.push(Read::Metrics);
        }
        due
    }

    /// Incidents to ask the store for whole, each once: the one chosen for the screen
    /// and any that came back to life while held by its head.
    fn reads_wanted(&mut self) -> Vec<Ulid> {
        let now = self.now;
        let mut want = Vec::new();
        let mut later = Vec::new();
        for id in std::mem::take(&mut self.reopened)
            .into_iter()
            .chain(self.shown)
        {
            if !self.partial.contains(&id) || want.contains(&id) || later.contains(&id) {
                continue;
            }
            // One that could not be read is asked again after a pause, not at every key.
            if self.retry_at.get(&id).is_some_and(|at| *at > now) {
                later.push(id);
            } else if self.asked.insert(id) {
                want.push(id);
            }
        }
        // Kept for a later look, wherever the screen has gone meanwhile.
        self.reopened.extend(later);
        want
    }

    /// A read asked for could not be made: said in the hint bar; an incident is asked
    /// for again after [`RETRY_READ`], the metrics when they are opened again.
    pub fn not_read(&mut self, incident: Option<Ulid>, error: &str) {
        match incident {
            Some(id) => {
                self.asked.remove(&id);
                if self.partial.contains(&id) {
                    self.retry_at.insert(id, self.now + RETRY_READ);
                    // Only the one on screen is worth a word (and a reopened one).
                    self.notice = Some(format!(
                        "cannot read {} from the log now ({error}); trying again",
                        crate::domain::short_id(id)
                    ));
                    self.reopened.push(id);
                }
            }
            None => {
                self.metrics_asked = false;
                self.overlays
                    .retain(|o| !matches!(o, Overlay::Metrics { summary: None, .. }));
                self.notice = Some(format!(
                    "cannot read the metrics from the log now ({error}); open them again to try"
                ));
            }
        }
    }

    /// Takes the heads of incidents not read whole (the store's
    /// [`crate::store::Store::incident_heads`]); one already held whole is kept.
    pub fn absorb_heads(&mut self, heads: Heads) {
        // Room for all at once: growing a map of large states moves every one of them.
        self.incidents.reserve(heads.len());
        self.looked.reserve(heads.len());
        self.partial.reserve(heads.len());
        for head in heads {
            let id = head.id;
            if self.incidents.contains_key(&id) && !self.partial.contains(&id) {
                continue;
            }
            // Read with the log at start: looked at.
            self.looked.insert(id, head.timeline.len());
            self.incidents.insert(id, head);
            self.partial.insert(id);
            self.index(id);
        }
    }

    /// Takes an incident's whole log, read from the store when it was asked for: it is
    /// held whole from now on. What was new in it and not looked at stays new.
    pub fn absorb_whole(&mut self, id: Ulid, events: Vec<Event>) {
        self.asked.remove(&id);
        self.retry_at.remove(&id);
        // Held by its head, or in brief: replaced by the whole log.
        let by_head = self.partial.remove(&id);
        let in_brief = self.previewed.remove(&id);
        if !by_head && !in_brief {
            // Already whole: these are events it has (applying one twice is harmless).
            self.absorb_events(events);
            return;
        }
        let unseen = match self.incidents.get(&id) {
            Some(head) => head
                .timeline
                .len()
                .saturating_sub(self.looked.get(&id).copied().unwrap_or(0)),
            None => 0,
        };
        if events.is_empty() {
            // Gone from the log (it was replaced under the console).
            self.incidents.remove(&id);
        } else {
            let state = IncidentState::fold(id, events);
            let len = state.timeline.len();
            let looked = if self.shown == Some(id) {
                len
            } else {
                len.saturating_sub(unseen)
            };
            self.looked.insert(id, looked);
            self.incidents.insert(id, Box::new(state));
            self.index(id);
        }
        if self
            .shown
            .is_some_and(|id| !self.incidents.contains_key(&id))
        {
            self.shown = None;
        }
        self.show_first();
    }

    /// Incidents for the switcher: open ones first, newest first within each group.
    pub fn incident_list(&self) -> Vec<&IncidentState> {
        let mut list: Vec<&IncidentState> = self
            .incidents
            .values()
            .map(Box::as_ref)
            .filter(|i| i.opened.is_some())
            .collect();
        list.sort_by_key(|i| list_order(i));
        list
    }

    /// The shown incident's place in `incident_list` (if it is listed) and the list's
    /// length, counted without building or sorting the list (the header needs this on
    /// every frame).
    pub fn shown_position(&self) -> (Option<usize>, usize) {
        // The head will do while the incident shown is being read.
        let shown = self
            .shown
            .and_then(|id| self.incidents.get(&id))
            .filter(|i| i.opened.is_some())
            .map(|i| list_order(i));
        let mut before = 0;
        let mut count = 0;
        for key in self
            .incidents
            .values()
            .filter(|i| i.opened.is_some())
            .map(|i| list_order(i))
        {
            count += 1;
            if shown.is_some_and(|shown| key < shown) {
                before += 1;
            }
        }
        (shown.map(|_| before), count)
    }

    /// Holds a long incident in brief until its whole log comes ([`Msg::Preview`]).
    pub fn preview(&mut self, id: Ulid, events: Vec<Event>) {
        self.previewed.insert(id);
        self.absorb_events(events);
    }

    /// Whether the incident shown is held in brief: its older entries are still being
    /// read, so its timeline is not moved through.
    pub fn previewing(&self) -> bool {
        self.shown.is_some_and(|id| self.previewed.contains(&id))
    }

    /// Folds events from the store (or a commit) into their incidents.
    pub fn absorb(&mut self, events: Vec<Event>) {
        // Who holds command on screen, and what is offered, before these events.
        let command_now = |app: &App| {
            app.incident()
                .map(|s| (s.command.commander.clone(), s.command.pending.clone()))
        };
        let before = command_now(self);
        self.absorb_events(events);
        // A word about command from before ("done: ... pending until bob accepts") is
        // not left on screen once command has moved on.
        if command_now(self) != before
            && self
                .notice
                .as_deref()
                .is_some_and(|n| n.starts_with("done: "))
        {
            self.notice = None;
        }
    }

    fn absorb_events(&mut self, events: Vec<Event>) {
        let mut by_incident: HashMap<Ulid, Vec<Event>> = HashMap::new();
        for event in events {
            by_incident.entry(event.incident).or_default().push(event);
        }
        for (id, batch) in by_incident {
            let state = self
                .incidents
                .entry(id)
                .or_insert_with(|| Box::new(IncidentState::empty(id)));
            state.apply_all(batch);
            let len = state.timeline.len();
            if self.partial.contains(&id) && state.worked_in() {
                self.reopened.push(id);
            }
            self.index(id);
            // Read with the log at start (history), or on screen: looked at.
            let history = !self.live();
            let looked = self.looked.entry(id).or_insert(0);
            if history || self.shown == Some(id) {
                *looked = len;
            }
        }
        // After the log was replaced, the incident shown may be gone from it.
        if self
            .shown
            .is_some_and(|id| !self.incidents.contains_key(&id))
        {
            self.shown = None;
        }
        self.show_first();
    }

    /// Keeps the inbox and the open incidents' command up to date with incident `id`.
    fn index(&mut self, id: Ulid) {
        let Some(state) = self.incidents.get(&id) else {
            return;
        };
        match &state.alert {
            Some(alert) if alert.waiting() => {
                self.inbox.insert(id);
            }
            _ => {
                self.inbox.remove(&id);
            }
        }
        if state.is_open() && state.opened.is_some() {
            self.open_command.insert(
                id,
                OpenCommand {
                    commander: state.command.commander.clone(),
                    offer: state
                        .command
                        .pending
                        .as_ref()
                        .map(|p| (p.from.clone(), p.to.clone())),
                },
            );
        } else {
            self.open_command.remove(&id);
        }
    }

    /// Forgets every incident read so far (the log under the console was replaced); the
    /// incident shown stays chosen if the new log has it.
    pub fn forget_log(&mut self) {
        self.incidents.clear();
        self.partial.clear();
        self.previewed.clear();
        self.asked.clear();
        self.reopened.clear();
        self.retry_at.clear();
        self.open_command.clear();
        self.inbox.clear();
        self.timeline = TimelineView::default();
    }

    /// Once the log is read, or its open incidents are (they come first in the list,
    /// and none is held by its head alone), shows the first incident of the list if
    /// none is shown.
    pub(crate) fn show_first(&mut self) {
        if self.shown.is_none() && (self.outside.loaded || self.outside.open_read) {
            self.shown = self
                .incident_list()
                .first()
                .filter(|i| self.outside.loaded || i.is_open())
                .map(|i| i.id);
        }
    }

    /// Shows another incident, from its newest entry.
    pub fn show(&mut self, id: Ulid) {
        if self.shown != Some(id) {
            // Leaving an incident: everything in it was looked at.
            for was in [self.shown, Some(id)].into_iter().flatten() {
                if let Some(state) = self.incidents.get(&was) {
                    self.looked.insert(was, state.timeline.len());
                }
            }
            self.shown = Some(id);
            // A reason about the last incident's entry says nothing about this one.
            self.entry.error = None;
            self.timeline = TimelineView::default();
            self.roster_selected = None;
        }
    }

    /// Whether an incident has entries this console has not looked at (it is not the
    /// one shown, and it grew since it was last shown or since the log was read).
    pub fn changed_since_looked(&self, state: &IncidentState) -> bool {
        self.shown != Some(state.id)
            && state.timeline.len() > self.looked.get(&state.id).copied().unwrap_or(0)
    }

    /// Whether any incident is still open, so quitting should ask first.
    pub fn has_open_incident(&self) -> bool {
        self.incidents
            .values()
            .any(|i| i.opened.is_some() && i.is_open())
    }
}
