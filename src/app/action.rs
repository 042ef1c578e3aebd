//! Actions: what a key asks for, as the keymap table names it.

/// Something the user asked for, independent of which key asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Quit (asks first while an incident is open).
    Quit,
    /// Quit now, whatever the state.
    ForceQuit,
    /// Stop the process (Ctrl-Z); the terminal is restored and taken back on resume.
    Suspend,
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
    /// Write a status update from the template for the audience due next.
    ComposeUpdate,
    /// Go back to the previous question.
    Back,
    /// Declare at the triaged severity (or record a re-triage).
    Declare,
    /// Route below the threshold to the service desk.
    Route,
    /// Choose answer number N.
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
    /// Give the selected responder a role.
    AssignRole,
    /// Take a role from the selected responder.
    RemoveRole,
    /// Open the post-incident review.
    OpenReview,
    /// Open the metrics.
    OpenMetrics,
    /// Add a review finding.
    AddFinding,
    /// Open an action item.
    AddItem,
    /// Change the selected action item.
    EditItem,
    /// Close the selected action item.
    CloseItem,
}

/// The four panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
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
    /// Every pane in focus order (also the 1-4 keys).
    pub const ALL: [Pane; 4] = [Pane::Incident, Pane::Roster, Pane::Timeline, Pane::Triage];

    /// The pane's title.
    pub fn title(self) -> &'static str {
        match self {
            Pane::Incident => "Incident",
            Pane::Roster => "Roster",
            Pane::Timeline => "Timeline",
            Pane::Triage => "Triage",
        }
    }

    /// The next pane (`step` 1) or the previous one (`step` 3).
    pub fn cycle(self, step: usize) -> Pane {
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Pane::ALL[(i + step) % Pane::ALL.len()]
    }
}

/// Which set of keys is live: the top overlay's, the entry box's, or the panes'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Moving around the panes.
    Normal,
    /// Writing an entry.
    Entry,
    /// Typing a command.
    Palette,
    /// Picking an incident.
    Switcher,
    /// Reading the help.
    Help,
    /// Answering a yes/no question.
    Confirm,
    /// Deciding what to do with a recovered draft.
    Recovery,
    /// The roster pane has focus: the panes' keys and the roster's.
    Roster,
    /// Walking the triage questions.
    Triage,
    /// Reading the playbook or the metrics.
    Playbook,
    /// Answering the resolve checklist.
    Checklist,
    /// Working on the post-incident review.
    Review,
}

impl Mode {
    /// Every mode, in the order the help lists them.
    pub const ALL: [Mode; 12] = [
        Mode::Normal,
        Mode::Roster,
        Mode::Triage,
        Mode::Entry,
        Mode::Palette,
        Mode::Switcher,
        Mode::Help,
        Mode::Confirm,
        Mode::Recovery,
        Mode::Playbook,
        Mode::Checklist,
        Mode::Review,
    ];

    /// The heading used in the help.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Normal => "Panes",
            Mode::Entry => "Entry box",
            Mode::Palette => "Command palette",
            Mode::Switcher => "Incident switcher",
            Mode::Help => "Help",
            Mode::Confirm => "Questions",
            Mode::Recovery => "Recovered draft",
            Mode::Roster => "Roster pane (with the panes' keys)",
            Mode::Triage => "Triage wizard",
            Mode::Playbook => "Playbook and metrics",
            Mode::Checklist => "Resolve checklist",
            Mode::Review => "Review",
        }
    }

    /// Whether unbound keys are typed as text in this mode.
    pub fn takes_text(self) -> bool {
        matches!(self, Mode::Entry | Mode::Palette)
    }
}
