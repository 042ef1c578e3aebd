//! The one built-in keymap table. Merged with a person's rebindings into the keymap in
//! force ([`crate::app::Keymap`]), it decides what keys do, and it draws the hint
//! bar and the help, so those can never drift from behaviour.

use super::action::{Action, Mode};
use super::chord::{Chord, Key};

/// One row of the table: in these modes, this chord does this.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// Where the binding is live.
    pub modes: &'static [Mode],
    /// The key.
    pub chord: Chord,
    /// What it does.
    pub action: Action,
    /// What the help says.
    pub help: &'static str,
    /// The hint bar's short word, for the few bindings it shows.
    pub hint: Option<&'static str>,
}

use Key::*;
use Mode::*;

pub(super) const ALL_MODES: &[Mode] = <Mode as strum::VariantArray>::VARIANTS;
const PANES: &[Mode] = &[Normal, Roster];
pub(super) const LISTS: &[Mode] = &[
    Normal, Roster, Switcher, Help, Playbook, Briefing, Work, Inbox, Detail,
];

const fn b(modes: &'static [Mode], chord: Chord, action: Action, help: &'static str) -> Binding {
    Binding {
        modes,
        chord,
        action,
        help,
        hint: None,
    }
}

const fn h(
    modes: &'static [Mode],
    chord: Chord,
    action: Action,
    help: &'static str,
    hint: &'static str,
) -> Binding {
    Binding {
        modes,
        chord,
        action,
        help,
        hint: Some(hint),
    }
}

/// Every key binding. Earlier rows win when a mode has two rows for one chord, which
/// the keymap test forbids.
#[rustfmt::skip]
pub const KEYMAP: &[Binding] = &[
    b(ALL_MODES, Chord::ctrl(Char('c')), Action::ForceQuit, "quit now"),
    b(ALL_MODES, Chord::ctrl(Char('z')), Action::Suspend, "suspend (resume with fg)"),
    b(ALL_MODES, Chord::ctrl(Char('l')), Action::Repaint, "clear the screen and draw it again"),
    // Panes.
    h(PANES, Chord::plain(Char('i')), Action::OpenEntry, "write an entry", "write"),
    b(PANES, Chord::plain(Enter), Action::OpenEntry, "write an entry"),
    h(PANES, Chord::plain(Char(':')), Action::OpenPalette, "command palette", "command"),
    h(PANES, Chord::plain(Char('t')), Action::OpenTriage, "walk the triage questions (declare or route)", "triage"),
    h(PANES, Chord::plain(Char('u')), Action::ComposeUpdate, "write the status update due next, from its template", "update"),
    h(PANES, Chord::plain(Char('s')), Action::OpenSwitcher, "switch incident", "switch"),
    b(PANES, Chord::plain(Char('P')), Action::OpenPlaybook, "the playbook on one page"),
    b(PANES, Chord::plain(Esc), Action::ClearBanners, "clear the banners (what others did that you must notice)"),
    b(PANES, Chord::plain(Char('A')), Action::OpenInbox, "the alert inbox: alerts no incident has yet"),
    b(PANES, Chord::plain(Char('w')), Action::OpenWork, "the work: objectives, tasks and hypotheses, moved by keys"),
    b(PANES, Chord::plain(Char('B')), Action::OpenBriefing, "the briefing (ICS-201): situation, objectives, actions, organization, resources, next updates"),
    h(PANES, Chord::plain(Char('v')), Action::OpenReview, "the post-incident review: findings and action items", "review"),
    b(PANES, Chord::plain(Char('M')), Action::OpenMetrics, "metrics: MTTA, MTTR, incidents over time"),
    b(PANES, Chord::plain(Char('T')), Action::AsOf, "as of: the incident as it stood at the selected entry (read-only; j/k move the moment, Esc returns to now)"),
    b(PANES, Chord::plain(Tab), Action::FocusNext, "next pane"),
    b(PANES, Chord::plain(BackTab), Action::FocusPrev, "previous pane"),
    b(PANES, Chord::plain(Char('1')), Action::FocusIncident, "incident pane"),
    b(PANES, Chord::plain(Char('2')), Action::FocusRoster, "roster pane (then the roster's own keys act on the selected responder)"),
    b(PANES, Chord::plain(Char('3')), Action::FocusTimeline, "timeline pane"),
    b(PANES, Chord::plain(Char('4')), Action::FocusTriage, "triage pane"),
    b(LISTS, Chord::plain(Char('k')), Action::Up, "up"),
    b(LISTS, Chord::plain(Up), Action::Up, "up"),
    b(LISTS, Chord::plain(Char('j')), Action::Down, "down"),
    b(LISTS, Chord::plain(Down), Action::Down, "down"),
    b(LISTS, Chord::plain(Char('g')), Action::Top, "first"),
    b(LISTS, Chord::plain(Home), Action::Top, "first"),
    b(LISTS, Chord::plain(Char('G')), Action::Bottom, "newest, and follow"),
    b(LISTS, Chord::plain(End), Action::Bottom, "newest, and follow"),
    b(LISTS, Chord::plain(PageUp), Action::PageUp, "page up"),
    b(LISTS, Chord::plain(PageDown), Action::PageDown, "page down"),
    b(LISTS, Chord::ctrl(Char('u')), Action::HalfPageUp, "half page up"),
    b(LISTS, Chord::ctrl(Char('d')), Action::HalfPageDown, "half page down"),
    b(PANES, Chord::plain(Char('D')), Action::LoadDemo, "load the sample incidents (empty database)"),
    // The timeline as a working tool.
    b(PANES, Chord::plain(Char('/')), Action::Search, "search the timeline (moves to matches as you type)"),
    b(PANES, Chord::plain(Char('n')), Action::SearchOlder, "next match of the search, older"),
    b(PANES, Chord::plain(Char('N')), Action::SearchNewer, "next match of the search, newer"),
    b(PANES, Chord::plain(Char('o')), Action::OpenDetail, "the selected entry in full: ids, times, corrections; amend, strike, re-date"),
    b(PANES, Chord::plain(Char('f')), Action::OpenFilter, "show only some kinds of entry or some people's (:filter)"),
    b(PANES, Chord::plain(Char('#')), Action::ToggleIds, "show or hide entry ids in the timeline"),
    h(PANES, Chord::plain(Char('?')), Action::ToggleHelp, "help", "help"),
    b(&[Normal, Roster, Help], Chord::plain(F(1)), Action::ToggleHelp, "help"),
    h(PANES, Chord::plain(Char('q')), Action::Quit, "quit (asks while an incident is open)", "quit"),
    // Roster pane, on the selected responder.
    h(&[Roster], Chord::plain(Char('a')), Action::Acknowledge, "mark acknowledged (asks first)", "ack"),
    h(&[Roster], Chord::plain(Char('e')), Action::Engage, "mark engaged (asks first)", "engaged"),
    h(&[Roster], Chord::plain(Char('x')), Action::StandDown, "stand down (asks first)", "stand down"),
    h(&[Roster], Chord::plain(Char('p')), Action::Page, "page them (asks first)", "page"),
    h(&[Roster], Chord::plain(Char('c')), Action::Claim, "claim command while nobody holds it (asks first)", "claim"),
    h(&[Roster], Chord::plain(Char('h')), Action::HandOff, "hand command to them (asks first)", "hand off"),
    h(&[Roster], Chord::plain(Char('C')), Action::ConfirmCommand, "confirm command, settling a conflict (asks first)", "confirm"),
    h(&[Roster], Chord::plain(Char('r')), Action::AssignRole, "give them a role", "role"),
    b(&[Roster], Chord::plain(Char('R')), Action::RemoveRole, "take a role from them (asks first, or the palette names it)"),
    // Entry box.
    h(&[Entry], Chord::plain(Enter), Action::Submit, "commit the entry", "commit"),
    h(&[Entry], Chord::alt(Enter), Action::Newline, "new line", "new line"),
    b(&[Entry], Chord::ctrl(Char('j')), Action::Newline, "new line"),
    h(&[Entry], Chord::plain(Tab), Action::CycleKind, "change the kind (or type /d /a /h /s /x /c /! first)", "kind"),
    h(&[Entry], Chord::plain(Esc), Action::Close, "leave the box; the draft is kept", "leave"),
    b(&[Entry], Chord::ctrl(Char('y')), Action::Copy, "copy the text in the box (an update being written) to your clipboard"),
    // Palette.
    h(&[Palette], Chord::plain(Enter), Action::Submit, "run the command", "run"),
    h(&[Palette], Chord::plain(Tab), Action::Complete, "complete the command", "complete"),
    b(&[Palette], Chord::plain(Up), Action::Up, "previous suggestion"),
    b(&[Palette], Chord::plain(Down), Action::Down, "next suggestion"),
    h(&[Palette], Chord::plain(Esc), Action::Close, "close", "close"),
    // Switcher.
    h(&[Switcher], Chord::plain(Enter), Action::Submit, "show this incident", "show"),
    h(&[Switcher], Chord::plain(Esc), Action::Close, "close", "close"),
    b(&[Switcher], Chord::plain(Char('q')), Action::Close, "close"),
    // Triage wizard.
    b(&[Triage], Chord::plain(Up), Action::Up, "previous answer"),
    b(&[Triage], Chord::plain(Char('k')), Action::Up, "previous answer"),
    b(&[Triage], Chord::plain(Down), Action::Down, "next answer"),
    b(&[Triage], Chord::plain(Char('j')), Action::Down, "next answer"),
    h(&[Triage], Chord::plain(Enter), Action::Submit, "choose this answer; after the last, finish: declare, re-triage or route", "choose"),
    b(&[Triage], Chord::plain(Char('1')), Action::Pick(1), "choose answer 1"),
    b(&[Triage], Chord::plain(Char('2')), Action::Pick(2), "choose answer 2"),
    b(&[Triage], Chord::plain(Char('3')), Action::Pick(3), "choose answer 3"),
    b(&[Triage], Chord::plain(Char('4')), Action::Pick(4), "choose answer 4"),
    b(&[Triage], Chord::plain(Char('5')), Action::Pick(5), "choose answer 5"),
    b(&[Triage], Chord::plain(Char('6')), Action::Pick(6), "choose answer 6"),
    h(&[Triage], Chord::plain(Char('b')), Action::Back, "back to the previous question", "back"),
    b(&[Triage], Chord::plain(Left), Action::Back, "back to the previous question"),
    h(&[Triage], Chord::plain(Char('d')), Action::Declare, "declare at this severity (of a declared incident: re-triage, setting its severity)", "declare"),
    h(&[Triage], Chord::plain(Char('r')), Action::Route, "route below the threshold to the service desk", "route"),
    h(&[Triage], Chord::plain(Esc), Action::Close, "stop; nothing is recorded", "cancel"),
    // Resolve checklist.
    h(&[Checklist], Chord::plain(Char('y')), Action::Confirm, "yes, confirmed", "yes"),
    h(&[Checklist], Chord::plain(Char('n')), Action::Cancel, "no, not confirmed (recorded as such)", "no"),
    h(&[Checklist], Chord::plain(Char('b')), Action::Back, "back to the previous item", "back"),
    h(&[Checklist], Chord::plain(Esc), Action::Close, "do not resolve", "cancel"),
    // Review.
    b(&[Review], Chord::plain(Up), Action::Up, "previous action item"),
    b(&[Review], Chord::plain(Char('k')), Action::Up, "previous action item"),
    b(&[Review], Chord::plain(Down), Action::Down, "next action item"),
    b(&[Review], Chord::plain(Char('j')), Action::Down, "next action item"),
    h(&[Review], Chord::plain(Char('f')), Action::AddFinding, "add a finding (cause, factor, well, badly)", "finding"),
    h(&[Review], Chord::plain(Char('a')), Action::AddItem, "add an action item", "add item"),
    h(&[Review], Chord::plain(Char('e')), Action::EditItem, "change the selected item (owner, due, priority, title)", "edit"),
    h(&[Review], Chord::plain(Char('x')), Action::CloseItem, "mark the selected item done", "done"),
    h(&[Review], Chord::plain(Esc), Action::Close, "close the review", "close"),
    b(&[Review], Chord::plain(Char('q')), Action::Close, "close the review"),
    // Playbook view.
    h(&[Playbook], Chord::plain(Esc), Action::Close, "close the playbook", "close"),
    b(&[Playbook], Chord::plain(Char('q')), Action::Close, "close the playbook"),
    // Work.
    h(&[Work], Chord::plain(Char(' ')), Action::Advance, "move it on: task open, in progress, done; objective planned, current, met", "move on"),
    h(&[Work], Chord::plain(Char('d')), Action::Finish, "done: task done, objective met, hypothesis confirmed", "done"),
    h(&[Work], Chord::plain(Char('x')), Action::Drop, "drop: task or objective dropped, hypothesis ruled out (say why)", "drop"),
    h(&[Work], Chord::plain(Char('n')), Action::NewTask, "new task", "task"),
    h(&[Work], Chord::plain(Char('N')), Action::NewObjective, "new objective", "objective"),
    b(&[Work], Chord::plain(Char('o')), Action::SetOwner, "give the task an owner"),
    h(&[Work], Chord::plain(Esc), Action::Close, "close", "close"),
    b(&[Work], Chord::plain(Char('q')), Action::Close, "close"),
    // Alert inbox.
    h(&[Inbox], Chord::plain(Char('t')), Action::OpenTriage, "triage it: a new incident, which takes the alert", "triage"),
    h(&[Inbox], Chord::plain(Char('o')), Action::AttachAlert, "send it to the incident shown (asks first)", "to incident"),
    h(&[Inbox], Chord::plain(Char('a')), Action::Acknowledge, "acknowledge: you have seen it and are on it", "ack"),
    h(&[Inbox], Chord::plain(Char('x')), Action::Drop, "dismiss it, saying why", "dismiss"),
    h(&[Inbox], Chord::plain(Esc), Action::Close, "close", "close"),
    b(&[Inbox], Chord::plain(Char('q')), Action::Close, "close"),
    // Briefing.
    h(&[Briefing], Chord::plain(Char('c')), Action::Copy, "copy the briefing (Markdown) to your clipboard", "copy"),
    h(&[Briefing], Chord::plain(Char('a')), Action::AcceptHandoff, "accept command offered to you (asks first)", "accept"),
    h(&[Briefing], Chord::plain(Char('x')), Action::CancelHandoff, "cancel the pending handoff: decline it, or withdraw yours (asks first)", "cancel handoff"),
    h(&[Briefing], Chord::plain(Esc), Action::Close, "close the briefing", "close"),
    b(&[Briefing], Chord::plain(Char('q')), Action::Close, "close the briefing"),
    // Help.
    h(&[Help], Chord::plain(Esc), Action::Close, "close the help", "close"),
    b(&[Help], Chord::plain(Char('?')), Action::Close, "close the help"),
    b(&[Help], Chord::plain(Char('q')), Action::Close, "close the help"),
    // Questions.
    h(&[Confirm], Chord::plain(Char('y')), Action::Confirm, "yes", "yes"),
    h(&[Confirm], Chord::plain(Char('n')), Action::Cancel, "no (so is any other key)", "no, as any other key"),
    b(&[Confirm], Chord::plain(Esc), Action::Cancel, "no (so is any other key)"),
    // Timeline search.
    h(&[Search], Chord::plain(Enter), Action::Submit, "keep the search, then move between its matches with the next-match keys", "keep"),
    h(&[Search], Chord::plain(Up), Action::Up, "previous match, older", "older"),
    h(&[Search], Chord::plain(Down), Action::Down, "next match, newer", "newer"),
    h(&[Search], Chord::plain(Esc), Action::Close, "stop searching; back where you were", "cancel"),
    // Entry detail.
    h(&[Detail], Chord::plain(Char('a')), Action::Amend, "amend it: a correction with new text (the original stays)", "amend"),
    h(&[Detail], Chord::plain(Char('x')), Action::Strike, "strike it, saying why (it stays, marked)", "strike"),
    h(&[Detail], Chord::plain(Char('d')), Action::Redate, "re-date it: when it truly happened", "re-date"),
    h(&[Detail], Chord::plain(Char('c')), Action::Copy, "copy its id to your clipboard", "copy id"),
    h(&[Detail], Chord::plain(Esc), Action::Close, "close", "close"),
    b(&[Detail], Chord::plain(Char('q')), Action::Close, "close"),
    // Recovered draft.
    h(&[Recovery], Chord::plain(Enter), Action::Confirm, "put the draft back in the entry box", "restore"),
    h(&[Recovery], Chord::plain(Char('x')), Action::Discard, "throw the draft away", "discard"),
    b(&[Recovery], Chord::plain(Esc), Action::Close, "put the draft back (as restore does)"),
];

/// The help's heading for keys that work wherever they mean something: the ones live in
/// every mode, and the moving keys of every pane, list and page.
pub const EVERYWHERE: &str = "Everywhere (the moving keys in every pane, list and page)";

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;
    use crate::app::bindings::Keymap;
    use std::collections::HashMap;

    fn lookup(mode: Mode, chord: Chord) -> Option<Action> {
        Keymap::builtin().lookup(mode, chord)
    }

    fn hints(mode: Mode) -> Vec<(Chord, &'static str)> {
        Keymap::builtin().hints(mode)
    }

    fn help_groups() -> Vec<(&'static str, Vec<crate::app::HelpRow>)> {
        Keymap::builtin().help_groups()
    }

    #[test]
    fn no_two_actions_share_a_chord_in_one_mode() {
        for mode in Mode::iter() {
            let mut seen: HashMap<Chord, Action> = HashMap::new();
            for b in KEYMAP.iter().filter(|b| b.modes.contains(&mode)) {
                if let Some(other) = seen.insert(b.chord, b.action) {
                    panic!(
                        "{mode:?}: {} is bound to both {other:?} and {:?}",
                        b.chord, b.action
                    );
                }
            }
        }
    }

    #[test]
    fn every_binding_is_described_and_every_mode_can_be_left() {
        for b in KEYMAP {
            assert!(
                !b.help.trim().is_empty(),
                "{:?} has no description",
                b.action
            );
            assert!(!b.modes.is_empty());
        }
        for mode in Mode::iter() {
            let leaves = KEYMAP.iter().any(|b| {
                b.modes.contains(&mode)
                    && matches!(
                        b.action,
                        Action::Close | Action::Cancel | Action::Quit | Action::ForceQuit
                    )
            });
            assert!(leaves, "{mode:?} has no way out");
            if mode != Mode::Normal {
                assert!(!hints(mode).is_empty(), "{mode:?} shows no hints");
            }
        }
    }

    #[test]
    fn the_conventions_users_bring_hold() {
        let n = |c| lookup(Mode::Normal, c);
        assert_eq!(n(Chord::plain(Char('?'))), Some(Action::ToggleHelp));
        assert_eq!(n(Chord::plain(F(1))), Some(Action::ToggleHelp));
        assert_eq!(n(Chord::plain(Char(':'))), Some(Action::OpenPalette));
        assert_eq!(n(Chord::plain(Char('q'))), Some(Action::Quit));
        assert_eq!(n(Chord::plain(Tab)), Some(Action::FocusNext));
        assert_eq!(n(Chord::ctrl(Char('d'))), Some(Action::HalfPageDown));
        for mode in Mode::iter() {
            assert_eq!(
                lookup(mode, Chord::ctrl(Char('c'))),
                Some(Action::ForceQuit),
                "{mode:?}"
            );
        }
        assert_eq!(
            lookup(Mode::Entry, Chord::plain(Char('q'))),
            None,
            "q is typed in the box"
        );
        assert_eq!(lookup(Mode::Entry, Chord::plain(Esc)), Some(Action::Close));
    }

    #[test]
    fn help_groups_chords_that_do_the_same() {
        let groups = help_groups();
        let (title, everywhere) = &groups[0];
        assert_eq!(*title, EVERYWHERE);
        let down = everywhere.iter().find(|(_, help)| *help == "down").unwrap();
        let names: Vec<String> = down.0.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["j", "Down"]);
    }

    #[test]
    fn the_help_lists_every_binding_once() {
        let mut listed: Vec<(String, &str)> = help_groups()
            .into_iter()
            .flat_map(|(_, rows)| rows)
            .flat_map(|(chords, help)| chords.into_iter().map(move |c| (c.to_string(), help)))
            .collect();
        let mut bound: Vec<(String, &str)> = KEYMAP
            .iter()
            .map(|b| (b.chord.to_string(), b.help))
            .collect();
        listed.sort();
        bound.sort();
        assert_eq!(listed, bound, "every binding once, none twice");
        let (_, everywhere) = &help_groups()[0];
        let first: Vec<String> = everywhere[..2]
            .iter()
            .map(|(c, _)| c[0].to_string())
            .collect();
        assert_eq!(first, ["Ctrl-c", "Ctrl-z"]);
        for (title, rows) in &help_groups()[1..] {
            for (chords, help) in rows {
                assert!(
                    !chords
                        .iter()
                        .any(|c| c.ctrl && matches!(c.key, Char('c' | 'z'))),
                    "{title} repeats {help}"
                );
            }
        }
    }
}
