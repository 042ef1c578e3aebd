//! Overlays stack over the panes; the top one gets the keys.

use tui_textarea::TextArea;

use super::action::Mode;
use super::entry::{Draft, Pending};
use super::msg::Effect;
use super::view::PageScroll;
use super::wizard::Wizard;

/// One overlay.
pub enum Overlay {
    /// The key help.
    Help {
        /// How far it is scrolled.
        scroll: PageScroll,
    },
    /// The command palette.
    Palette {
        /// The command being typed (boxed: a text area is large, the stack is not).
        input: Box<TextArea<'static>>,
        /// The highlighted suggestion.
        selected: usize,
        /// Why the last command failed.
        error: Option<String>,
    },
    /// The incident list.
    Switcher {
        /// The highlighted incident's position in the list.
        selected: usize,
    },
    /// A yes/no question: `y` says yes, any other key no.
    Ask(Box<Confirmation>),
    /// A draft from an earlier session.
    Recovery(Draft),
    /// The triage wizard.
    Triage(Box<Wizard>),
    /// The resolve checklist.
    Checklist(Box<super::review::Checklist>),
    /// The post-incident review, with the selected action item.
    Review {
        /// The selected action item.
        selected: usize,
    },
    /// The metrics, computed when opened (not per frame).
    Metrics {
        /// How far the table is scrolled.
        scroll: PageScroll,
        /// The numbers; `None` while they are read from the store.
        summary: Option<Box<crate::metrics::MetricsSummary>>,
    },
    /// The alert inbox.
    Inbox {
        /// The selected alert, by id: it stays selected when alerts arrive or go
        /// (`None`: the first listed).
        selected: Option<ulid::Ulid>,
    },
    /// The work of the response: objectives, tasks and hypotheses, moved by keys.
    Work {
        /// The selected line, in [`super::work::items`] order.
        selected: usize,
    },
    /// The incident's briefing (ICS-201 blocks).
    Briefing {
        /// How far it is scrolled.
        scroll: PageScroll,
    },
    /// The playbook on one page.
    Playbook {
        /// How far it is scrolled.
        scroll: PageScroll,
    },
    /// The timeline search being typed (`/`): the cursor moves to matches as it is.
    Search {
        /// The search (boxed, as the palette's).
        input: Box<TextArea<'static>>,
        /// Where the cursor was when the search started, to go back to on Esc
        /// (`None`: following the newest).
        origin: Option<ulid::Ulid>,
        /// How many entries shown match, counted as it is typed.
        found: usize,
    },
    /// One entry in full: its id, author, times, text and corrections.
    Detail {
        /// The entry.
        entry: ulid::Ulid,
        /// How far it is scrolled.
        scroll: PageScroll,
    },
}

/// What a yes/no question is about, and what a yes does.
#[derive(Debug)]
pub enum Confirmation {
    /// Quit while an incident is open?
    Quit,
    /// Write something easy to do by mistake (an entry for a closed incident, command
    /// for someone not on the roster, a roster key that acts on a person).
    Write {
        /// The question, in words.
        ask: String,
        /// The write a yes makes.
        effect: Effect,
        /// The entry box's text the write logs: leaves the box on a yes, stays on a no.
        entry: Option<Pending>,
        /// When the question was put: a `y` sooner than [`READ_FIRST`] after it was
        /// typed on, not read, and does not answer.
        asked_at: crate::domain::Timestamp,
        /// Whether a yes also closes the overlay the question was asked over (the
        /// triage wizard, a recovered draft); a no goes back to it.
        close_below: bool,
        /// What the hint bar says on a yes (else that it is being recorded).
        said: Option<String>,
    },
}

/// How long a question is on screen before `y` answers it: a word typed into the
/// roster by mistake (`hypothesis`: `h` asks, `y` follows 100 ms later) must not hand
/// command off. People read a question in more than this; typed letters come faster.
pub const READ_FIRST: chrono::TimeDelta = chrono::TimeDelta::milliseconds(400);

impl Overlay {
    /// The keys this overlay takes.
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::Help { .. } => Mode::Help,
            Overlay::Palette { .. } => Mode::Palette,
            Overlay::Switcher { .. } => Mode::Switcher,
            Overlay::Ask(_) => Mode::Confirm,
            Overlay::Recovery(_) => Mode::Recovery,
            Overlay::Triage(_) => Mode::Triage,
            Overlay::Playbook { .. } | Overlay::Metrics { .. } => Mode::Playbook,
            Overlay::Briefing { .. } => Mode::Briefing,
            Overlay::Work { .. } => Mode::Work,
            Overlay::Inbox { .. } => Mode::Inbox,
            Overlay::Checklist(_) => Mode::Checklist,
            Overlay::Review { .. } => Mode::Review,
            Overlay::Search { .. } => Mode::Search,
            Overlay::Detail { .. } => Mode::Detail,
        }
    }

    /// The help, from the top.
    pub fn help() -> Overlay {
        Overlay::Help {
            scroll: PageScroll::default(),
        }
    }

    /// The playbook, from the top.
    pub fn playbook() -> Overlay {
        Overlay::Playbook {
            scroll: PageScroll::default(),
        }
    }

    /// A fresh palette.
    pub fn palette() -> Overlay {
        Overlay::Palette {
            input: Box::default(),
            selected: 0,
            error: None,
        }
    }
}
