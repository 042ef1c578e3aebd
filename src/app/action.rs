//! Actions: what a key asks for, as the keymap table names it.

/// Something the user asked for, independent of which key asked. The config file
/// names each in snake case (`toggle_help`), and `Pick(n)` as `pick_N` (see
/// [`Action::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    /// Quit (asks first while an incident is open).
    Quit,
    /// Quit now, whatever the state.
    ForceQuit,
    /// Stop the process (Ctrl-Z); the terminal is restored and taken back on resume.
    Suspend,
    /// Clear the screen and draw everything again (Ctrl-L, as in vim and less).
    Repaint,
    /// Show or hide the help.
    ToggleHelp,
    /// Focus the next pane.
    FocusNext,
    /// Focus the previous pane.
    FocusPrev,
    /// Focus the incident pane.
    FocusIncident,
    /// Focus the roster pane.
    FocusRoster,
    /// Focus the timeline pane.
    FocusTimeline,
    /// Focus the triage pane.
    FocusTriage,
    /// Move up one line or entry.
    Up,
    /// Move down one line or entry.
    Down,
    /// Go to the first entry.
    Top,
    /// Go to the newest entry and follow new ones.
    Bottom,
    /// Up one page.
    PageUp,
    /// Down one page.
    PageDown,
    /// Up half a page.
    HalfPageUp,
    /// Down half a page.
    HalfPageDown,
    /// Open the entry box.
    OpenEntry,
    /// Open the command palette.
    OpenPalette,
    /// Open the incident switcher.
    OpenSwitcher,
    /// Load the sample incidents (offered on an empty database).
    LoadDemo,
    /// Close the top overlay or leave the entry box.
    Close,
    /// Commit the entry, run the command, pick the incident.
    Submit,
    /// Insert a line break in the entry.
    Newline,
    /// Change the kind of the entry being written.
    CycleKind,
    /// Complete the command being typed.
    Complete,
    /// Answer yes.
    Confirm,
    /// Answer no.
    Cancel,
    /// Throw away the recovered draft.
    Discard,
    /// Walk the triage questions for the shown incident.
    OpenTriage,
    /// Show the playbook on one page.
    OpenPlaybook,
    /// Open the briefing of the incident shown.
    OpenBriefing,
    /// Write a status update from the template for the audience due next.
    ComposeUpdate,
    /// Go back to the previous question.
    Back,
    /// Declare at the triaged severity (or record a re-triage).
    Declare,
    /// Route below the threshold to the service desk.
    Route,
    /// Choose answer number N.
    #[strum(disabled)]
    Pick(u8),
    /// Mark the selected responder acknowledged.
    Acknowledge,
    /// Mark the selected responder engaged.
    Engage,
    /// Stand the selected responder down.
    StandDown,
    /// Page the selected responder again.
    Page,
    /// Take command while nobody holds it.
    Claim,
    /// Hand command to the selected responder (asks first).
    HandOff,
    /// Confirm command, settling a conflict.
    ConfirmCommand,
    /// Accept the handoff offered to you (from the briefing).
    AcceptHandoff,
    /// Open the work list: objectives, tasks, hypotheses.
    OpenWork,
    /// Open the alert inbox.
    OpenInbox,
    /// Clear the banners: they have been seen.
    ClearBanners,
    /// Copy what is being written (the entry box) or read (the briefing) to the
    /// clipboard.
    Copy,
    /// Send the selected inbox alert to the incident shown.
    AttachAlert,
    /// Move the selected line on: a task to in progress then done, a planned
    /// objective to current then met.
    Advance,
    /// Finish the selected line: task done, objective met, hypothesis confirmed.
    Finish,
    /// Drop the selected line: task or objective dropped, hypothesis ruled out (why).
    Drop,
    /// Open a new task.
    NewTask,
    /// Add a new objective.
    NewObjective,
    /// Give the selected task an owner.
    SetOwner,
    /// Cancel the pending handoff: withdraw yours, or decline one offered to you.
    CancelHandoff,
    /// Give the selected responder a role.
    AssignRole,
    /// Take a role from the selected responder.
    RemoveRole,
    /// Open the post-incident review.
    OpenReview,
    /// Open the metrics.
    OpenMetrics,
    /// See the incident as it stood at the selected timeline entry (read-only; moving
    /// through the timeline moves the moment; Esc returns to now).
    AsOf,
    /// Add a review finding.
    AddFinding,
    /// Open an action item.
    AddItem,
    /// Change the selected action item.
    EditItem,
    /// Close the selected action item.
    CloseItem,
    /// Search the timeline (`/`), incrementally.
    Search,
    /// The next match of the search, toward older entries.
    SearchOlder,
    /// The next match of the search, toward newer entries.
    SearchNewer,
    /// Open the selected entry's detail.
    OpenDetail,
    /// Show or hide the ends of entry ids in the timeline.
    ToggleIds,
    /// Show only some kinds of entry, or some people's (opens `:filter`).
    OpenFilter,
    /// Amend the entry shown in detail (a correction with new text).
    Amend,
    /// Strike the entry shown in detail, saying why.
    Strike,
    /// Re-date the entry shown in detail: say when it truly happened.
    Redate,
}

impl Action {
    /// Whether it moves through what a pane shows (a line, a page, an end) and changes
    /// nothing else.
    pub fn moves(self) -> bool {
        matches!(
            self,
            Action::Up
                | Action::Down
                | Action::Top
                | Action::Bottom
                | Action::PageUp
                | Action::PageDown
                | Action::HalfPageUp
                | Action::HalfPageDown
        )
    }

    /// Whether it gives the keys to another pane.
    pub fn focuses(self) -> bool {
        matches!(
            self,
            Action::FocusNext
                | Action::FocusPrev
                | Action::FocusIncident
                | Action::FocusRoster
                | Action::FocusTimeline
                | Action::FocusTriage
        )
    }

    /// The action's name in the config file: `toggle_help`, `pick_1`.
    pub fn name(self) -> String {
        match self {
            Action::Pick(n) => format!("pick_{n}"),
            other => <&'static str>::from(other).to_string(),
        }
    }

    /// The action a config file names ([`Action::name`]'s words), if any; `pick_N` for
    /// N from 1 to 9.
    pub fn from_name(name: &str) -> Option<Action> {
        if let Some(n) = name.strip_prefix("pick_") {
            return n
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=9).contains(n))
                .map(Action::Pick);
        }
        name.parse().ok()
    }
}

/// The four panes, in focus order (also the 1-4 keys); the name is the pane's title.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    strum::EnumIter,
    strum::EnumCount,
    strum::FromRepr,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
pub enum Pane {
    /// Title, severity, status, commander, clocks.
    Incident,
    /// Who is on the incident.
    Roster,
    /// The decision log.
    #[default]
    Timeline,
    /// The severity triage.
    Triage,
}

impl Pane {
    /// The pane's title.
    pub fn title(self) -> &'static str {
        self.into()
    }

    /// The pane's number, from 1 (its key).
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// The pane `step` places further in focus order, wrapping (`step` 1: the next;
    /// `Pane::COUNT - 1`: the previous).
    pub fn cycle(self, step: usize) -> Pane {
        use strum::EnumCount;
        Pane::from_repr((self as usize + step) % Pane::COUNT).unwrap_or_default()
    }
}

/// Which set of keys is live: the top overlay's, the entry box's, or the panes'. In the
/// order the help lists them; the name is the help's heading.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
pub enum Mode {
    /// Moving around the panes.
    #[strum(serialize = "Panes")]
    Normal,
    /// The roster pane has focus: the panes' keys and the roster's.
    #[strum(serialize = "Roster pane (and the panes' keys)")]
    Roster,
    /// Walking the triage questions.
    #[strum(serialize = "Triage wizard")]
    Triage,
    /// Writing an entry.
    #[strum(serialize = "Entry box")]
    Entry,
    /// Typing a command.
    #[strum(serialize = "Command palette")]
    Palette,
    /// Picking an incident.
    #[strum(serialize = "Incident switcher")]
    Switcher,
    /// Reading the help.
    #[strum(serialize = "Help")]
    Help,
    /// Answering a yes/no question.
    #[strum(serialize = "Questions")]
    Confirm,
    /// Deciding what to do with a recovered draft.
    #[strum(serialize = "Recovered draft")]
    Recovery,
    /// Reading the playbook or the metrics.
    #[strum(serialize = "Playbook and metrics")]
    Playbook,
    /// Reading the briefing, and accepting command offered to you.
    #[strum(serialize = "Briefing")]
    Briefing,
    /// Moving objectives, tasks and hypotheses.
    #[strum(serialize = "Work: objectives, tasks, hypotheses")]
    Work,
    /// Acting on the alerts in the inbox.
    #[strum(serialize = "Alert inbox")]
    Inbox,
    /// Answering the resolve checklist.
    #[strum(serialize = "Resolve checklist")]
    Checklist,
    /// Working on the post-incident review.
    #[strum(serialize = "Review")]
    Review,
    /// Typing a search of the timeline.
    #[strum(serialize = "Timeline search")]
    Search,
    /// Reading one entry in full, and correcting it.
    #[strum(serialize = "Entry detail")]
    Detail,
}

impl Mode {
    /// The heading used in the help.
    pub fn title(self) -> &'static str {
        self.into()
    }

    /// The mode's name in the config file's `[keys.NAME]` tables. `panes` are the
    /// panes' keys, live while the roster has focus too (unless the roster binds that
    /// key itself); `roster` the roster pane's own.
    pub fn config_name(self) -> &'static str {
        match self {
            Mode::Normal => "panes",
            Mode::Roster => "roster",
            Mode::Triage => "triage",
            Mode::Entry => "entry",
            Mode::Palette => "palette",
            Mode::Switcher => "switcher",
            Mode::Help => "help",
            Mode::Confirm => "confirm",
            Mode::Recovery => "recovery",
            Mode::Playbook => "playbook",
            Mode::Briefing => "briefing",
            Mode::Work => "work",
            Mode::Inbox => "inbox",
            Mode::Checklist => "checklist",
            Mode::Review => "review",
            Mode::Search => "search",
            Mode::Detail => "detail",
        }
    }

    /// The mode a config file's `[keys.NAME]` names ([`Mode::config_name`]).
    pub fn from_config_name(name: &str) -> Option<Mode> {
        <Mode as strum::VariantArray>::VARIANTS
            .iter()
            .copied()
            .find(|m| m.config_name() == name)
    }

    /// Whether unbound keys are typed as text in this mode.
    pub fn takes_text(self) -> bool {
        matches!(self, Mode::Entry | Mode::Palette | Mode::Search)
    }
}
