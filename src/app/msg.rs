//! Messages into `update`, and the effects it asks the edge to carry out.

use tui_textarea::Input;

use super::action::Action;
use super::entry::Draft;
use crate::domain::{Event, Timestamp};
use crate::store::NewEvent;

/// Incidents held by their heads, each boxed: folded off the console's thread, they
/// then move into the console's map as pointers rather than as states of over a
/// kilobyte each (a file of years holds thousands).
#[allow(clippy::vec_box, reason = "the boxes are the point: moved, not copied")]
pub type Heads = Vec<Box<crate::domain::IncidentState>>;

/// Something that happened: a key's action, typed text, or news from the store.
pub enum Msg {
    /// A bound key's action.
    Action(Action),
    /// A key typed into the entry box or palette.
    Type(Input),
    /// Text pasted into the terminal.
    Paste(String),
    /// A run of plain characters typed in one burst (a fast typist over a slow link, a
    /// paste the terminal did not bracket): inserted at once, as typing them one by
    /// one would, without paying for the text already there at every character.
    Typed(String),
    /// Events read from the store: at start, those of the incidents read whole (see
    /// [`crate::domain::IncidentState::worked_in`]); then every event as it is committed.
    Events(Vec<Event>),
    /// At start, the heads of the incidents not read whole (closed ones), as
    /// [`crate::store::Store::incident_heads`] folds them.
    Heads(Heads),
    /// The whole log of one incident, asked for with [`Read::Whole`] (empty when
    /// the log no longer has it).
    Whole {
        /// The incident.
        id: ulid::Ulid,
        /// Its events.
        events: Vec<Event>,
    },
    /// Every incident folded from the kinds that decide the metrics, asked for with
    /// [`Read::Metrics`].
    MetricsRead(Vec<crate::domain::IncidentState>),
    /// A read asked for could not be made: an incident's whole log (`Some`), or the
    /// metrics (`None`); why, in words.
    NotRead {
        /// The incident asked for, if it was one.
        incident: Option<ulid::Ulid>,
        /// Why.
        error: String,
    },
    /// Something to tell the user in the hint bar (a peer link's warning, say).
    Notice(String),
    /// The file was replaced or restored from an older copy: what the console holds is
    /// forgotten, and the events that follow are the whole log as it is now.
    Rewound,
    /// What the first read handed on early (`Preview`, `Events`, `OpenRead`) is
    /// forgotten: that read broke off, and the next one sends everything again as it
    /// then is (an incident closed meanwhile then comes by its head, not as the stale
    /// whole it was).
    ReadAgain,
    /// The log could not be read (why follows in `Failed`), and is tried again: the
    /// console stops waiting on its loading screen, but holds nothing it can judge by
    /// until a `Loaded`.
    ReadFailed,
    /// At start, a long open incident in brief ([`crate::store::Store::incident_preview`]):
    /// every pane but the timeline as the full fold, and the newest entries. Its whole
    /// log follows in `Whole` before `Loaded`.
    Preview {
        /// The incident.
        id: ulid::Ulid,
        /// Its events of the kinds that change more than the timeline, and its newest.
        events: Vec<Event>,
    },
    /// At start, before the heads: the open incidents (and waiting alerts) the log's
    /// kept list names have come whole in `Events`, so the first of them can be shown
    /// while the closed incidents' heads are still being read. `Loaded` follows.
    OpenRead,
    /// The first read of the store is done.
    Loaded,
    /// Show the incident named by this id or ending of one (asked for at start); a
    /// name that fits none, or several, is said in the hint bar.
    Show(String),
    /// A write committed.
    Committed {
        /// What the write was for.
        purpose: Purpose,
        /// The events as stored.
        events: Vec<Event>,
    },
    /// A write failed; nothing was written.
    Failed {
        /// What the write was for.
        purpose: Purpose,
        /// Why, in words.
        error: String,
    },
    /// How the network peer link stands (the address, and its state).
    Link(String, crate::peer::LinkState),
    /// Who has the database open now.
    Presence(Vec<crate::store::Presence>),
    /// The clock moved on (countdowns).
    Tick(Timestamp),
    /// A draft was found from an earlier session.
    DraftFound(Draft),
    /// The draft could not be saved (why, in words).
    DraftNotSaved(String),
    /// A theme was chosen and loaded, or failed to load.
    ThemeChanged(Result<String, String>),
}

/// A read the console needs from the store ([`super::App::reads_due`]); the edge's
/// reader thread makes it beside following the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// One incident's whole log (answered by [`Msg::Whole`]).
    Whole(ulid::Ulid),
    /// Every incident folded from the kinds that decide the metrics (answered by
    /// [`Msg::MetricsRead`]).
    Metrics,
}

/// Why a write was made, so its outcome lands in the right place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The entry box's text.
    Entry,
    /// A request typed in the palette.
    Palette,
    /// Opening an incident; switch to it once committed.
    Declare,
    /// Opening an incident from an inbox alert (this group): switch to it and send
    /// the alert to it once committed.
    DeclareFromAlert(ulid::Ulid),
    /// The sample incidents.
    Demo,
}

/// Work `update` hands to the edge, which does the I/O.
#[derive(Debug)]
pub enum Effect {
    /// Append events in one transaction.
    Append {
        /// What the write is for.
        purpose: Purpose,
        /// The events.
        drafts: Vec<NewEvent>,
    },
    /// Load the sample incidents.
    LoadDemo,
    /// Ring the terminal bell.
    Bell,
    /// Put this text on the local clipboard (OSC 52, which works over SSH).
    Copy(String),
    /// Set the terminal's title (`None`: the console's own).
    Title(Option<String>),
    /// Save the draft (or remove it when `None`).
    SaveDraft(Option<Draft>),
    /// The entry box's text changed as typed: save the draft, read from the app once
    /// for a whole burst of keys (`EntryBox::draft`), not built per keystroke, which
    /// would copy the whole text each time and make a long paste slow as its square.
    DraftChanged,
    /// Load and use a theme by name or path.
    SetTheme(String),
    /// Stop the process until resumed.
    Suspend,
    /// Clear the terminal and draw the whole screen again.
    Repaint,
    /// Leave.
    Quit,
}
