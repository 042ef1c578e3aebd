//! Opening overlays and starting things on the console: what several keys and palette
//! commands share, as methods on [`App`], so that the modules handling keys need not
//! reach into each other.

use super::{App, Confirmation, Effect, Overlay, TriageTarget, Wizard};

impl App {
    /// Asks before quitting while an incident is open.
    pub(super) fn quit(&mut self) -> Vec<Effect> {
        // Before the log is read (or while it is read again), whether an incident is open is
        // not known: asked too.
        if self.has_open_incident() || !self.live() {
            self.overlays
                .push(Overlay::Ask(Box::new(Confirmation::Quit)));
            Vec::new()
        } else {
            vec![Effect::Quit]
        }
    }

    /// Once what was being read is here, a word about waiting for it (in the hint bar or
    /// under the entry box) has said its piece.
    pub(super) fn read_done(&mut self) {
        let stale = |text: &Option<String>| {
            text.as_deref()
                .is_some_and(|t| t.contains("still being read"))
        };
        if stale(&self.notice) {
            self.notice = None;
        }
        if stale(&self.entry.error) {
            self.entry.error = None;
        }
    }

    /// Asks `question` (y/n) before carrying out `effect`.
    pub(super) fn ask_first(&mut self, question: String, effect: Effect) -> Vec<Effect> {
        self.ask_over(question, effect, false, None)
    }

    /// Asks `question` (y/n) over the overlay on top before carrying out `effect`; a
    /// yes closes that overlay too when `close_below` and says `said`, a no goes back.
    pub(super) fn ask_over(
        &mut self,
        question: String,
        effect: Effect,
        close_below: bool,
        said: Option<String>,
    ) -> Vec<Effect> {
        self.overlays
            .push(Overlay::Ask(Box::new(Confirmation::Write {
                ask: question,
                effect,
                entry: None,
                asked_at: self.now,
                close_below,
                said,
            })));
        Vec::new()
    }

    /// Asks `question` before the one write among `effects` (a palette command's);
    /// anything else (a refusal said, nothing to write) goes on as it is.
    pub(super) fn ask_before(&mut self, question: String, mut effects: Vec<Effect>) -> Vec<Effect> {
        match effects.as_slice() {
            [Effect::Append { .. }] => match effects.pop() {
                Some(effect) => self.ask_first(question, effect),
                None => Vec::new(),
            },
            _ => effects,
        }
    }

    /// Opens the briefing of the incident shown.
    pub(super) fn open_briefing(&mut self) {
        if self.incident().is_some() {
            self.overlays.push(Overlay::Briefing {
                scroll: Default::default(),
            });
        } else {
            self.notice = Some("no incident shown to brief on".into());
        }
    }

    /// Opens the post-incident review of the incident shown.
    pub(super) fn open_review(&mut self) {
        if self.incident().is_some() {
            self.overlays.push(Overlay::Review { selected: 0 });
        } else {
            self.notice = Some("no incident shown to review".into());
        }
    }

    /// Opens the metrics, computed once now rather than on every frame: from the
    /// incidents held when every one is held whole, else read from the store (the
    /// overlay says so until they come, see [`App::metrics_wanted`]).
    pub(super) fn open_metrics(&mut self) {
        let summary = self
            .partial
            .is_empty()
            .then(|| Box::new(self.metrics_of(self.incidents.values().map(Box::as_ref))));
        self.metrics_asked = false;
        self.overlays.push(Overlay::Metrics {
            scroll: Default::default(),
            summary,
        });
    }

    /// Whether the metrics overlay waits for numbers nobody has asked the store for
    /// yet; true once per opening.
    pub(super) fn metrics_wanted(&mut self) -> bool {
        let waiting = self
            .overlays
            .iter()
            .any(|o| matches!(o, Overlay::Metrics { summary: None, .. }));
        let ask = waiting && !self.metrics_asked;
        self.metrics_asked |= ask;
        ask
    }

    /// Fills the metrics overlay that waits with numbers over `states` (folded by the
    /// store from the deciding kinds).
    pub(super) fn metrics_read(&mut self, states: &[crate::domain::IncidentState]) {
        let summary = Box::new(self.metrics_of(states));
        self.metrics_asked = false;
        for overlay in &mut self.overlays {
            if let Overlay::Metrics {
                summary: waiting @ None,
                ..
            } = overlay
            {
                *waiting = Some(summary.clone());
            }
        }
    }

    /// Opens the switcher on the incident shown.
    pub(super) fn open_switcher(&mut self) {
        let list = self.incident_list();
        if list.is_empty() {
            self.notice = Some("no incidents yet: :declare TITLE opens one".into());
            return;
        }
        let selected = list
            .iter()
            .position(|i| Some(i.id) == self.shown)
            .unwrap_or(0);
        self.overlays.push(Overlay::Switcher { selected });
    }

    /// Opens the triage wizard: for a new incident when a title is given, else for the
    /// shown incident (a re-triage when it is already declared).
    pub(super) fn open_triage(&mut self, title: Option<String>) {
        let target = match (title, self.shown) {
            (Some(title), _) => TriageTarget::New(title),
            (None, Some(id)) => TriageTarget::Incident(id),
            (None, None) => {
                self.notice = Some("no incident to triage: :triage TITLE triages a new one".into());
                return;
            }
        };
        if self.setup.read_only.is_some() {
            self.notice = Some("read-only database: nothing can be recorded here".into());
            return;
        }
        let wizard = Wizard::new(self, target);
        self.overlays.push(Overlay::Triage(Box::new(wizard)));
    }

    /// Opens the palette with a command started, for actions that need a word more.
    pub(super) fn prefill_palette(&mut self, text: &str) {
        let mut overlay = Overlay::palette();
        if let Overlay::Palette { input, .. } = &mut overlay {
            input.insert_str(text);
        }
        self.overlays.push(overlay);
    }

    /// Saving the draft as the entry box holds it now.
    pub(super) fn save_draft(&self) -> Effect {
        Effect::SaveDraft(self.entry.draft(self.shown))
    }
}
