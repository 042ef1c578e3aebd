//! Merging a person's rebindings (the config file's `[keys]`) over the built-in keymap
//! table, into the keymap in force.
//!
//! A rebinding adds its key to what the mode already binds; `"none"` takes a key away.
//! A key that did something else keeps doing it, and is then bound twice, a problem,
//! unless the file gives that something else another key too (`"q" = "toggle_help"`
//! with `"?" = "quit"` swaps the two). The panes' keys (`[keys.panes]`) stay live while
//! the roster has focus, unless the roster binds that key itself. Ctrl-C always quits.

use super::action::{Action, Mode};
use super::bindings::{Keymap, Modes, Row};
use super::chord::{Chord, Key};
use super::keymap::{ALL_MODES, KEYMAP};

/// One entry of a config file's `[keys.MODE]` table: in `mode` (`Mode::Normal` is
/// `panes`), `chord` does `action`, or nothing when `action` is `None` (`"none"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebinding {
    /// The `[keys.MODE]` table it is in.
    pub mode: Mode,
    /// The key.
    pub chord: Chord,
    /// What it does now; `None` unbinds the key.
    pub action: Option<Action>,
    /// Its line in the file, for problems.
    pub line: usize,
}

/// A rebinding the keymap cannot take: its line, and what is wrong and what to do.
pub type KeyProblem = (usize, String);

/// The help's words for answers past the sixth, which the built-in table does not bind.
const PICK_HELP: [&str; 9] = [
    "choose answer 1",
    "choose answer 2",
    "choose answer 3",
    "choose answer 4",
    "choose answer 5",
    "choose answer 6",
    "choose answer 7",
    "choose answer 8",
    "choose answer 9",
];

/// The key that always quits: no config can take it or give it another meaning.
pub const FORCE_QUIT: Chord = Chord::ctrl(Key::Char('c'));

/// Whether `action` means something in `mode`: the built-in table binds it there (any
/// `pick_N` in the triage wizard). Only those can be bound in a mode.
pub fn does_something(mode: Mode, action: Action) -> bool {
    KEYMAP.iter().any(|b| {
        b.modes.contains(&mode)
            && (b.action == action
                || matches!((b.action, action), (Action::Pick(_), Action::Pick(_))))
    })
}

/// The actions that mean something in `mode`, by their config names, in table order.
pub fn actions_of(mode: Mode) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for b in KEYMAP.iter().filter(|b| b.modes.contains(&mode)) {
        let name = b.action.name();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The modes a `[keys.MODE]` table reaches: the panes' keys are the roster's too.
fn scope(mode: Mode) -> &'static [Mode] {
    match mode {
        Mode::Normal => &[Mode::Normal, Mode::Roster],
        Mode::Roster => &[Mode::Roster],
        Mode::Triage => &[Mode::Triage],
        Mode::Entry => &[Mode::Entry],
        Mode::Palette => &[Mode::Palette],
        Mode::Switcher => &[Mode::Switcher],
        Mode::Help => &[Mode::Help],
        Mode::Confirm => &[Mode::Confirm],
        Mode::Recovery => &[Mode::Recovery],
        Mode::Playbook => &[Mode::Playbook],
        Mode::Briefing => &[Mode::Briefing],
        Mode::Work => &[Mode::Work],
        Mode::Inbox => &[Mode::Inbox],
        Mode::Checklist => &[Mode::Checklist],
        Mode::Review => &[Mode::Review],
        Mode::Search => &[Mode::Search],
        Mode::Detail => &[Mode::Detail],
    }
}

/// Whether `action` leaves `mode`; every overlay keeps a key for one (the help's own
/// key closes it too).
fn leaves(mode: Mode, action: Action) -> bool {
    matches!(action, Action::Close | Action::Cancel | Action::Quit)
        || (mode == Mode::Help && action == Action::ToggleHelp)
}

/// Modes always left some other way: the panes quit with Ctrl-C or `:quit`, and a
/// question takes any unbound key as no.
fn left_otherwise(mode: Mode) -> bool {
    matches!(mode, Mode::Normal | Mode::Roster | Mode::Confirm)
}

impl Keymap {
    /// The built-in table with `rebindings` merged over it: a key bound to an action
    /// is added to what the mode binds (the built-in keys for that action stay), a key
    /// bound to nothing is taken away. A key that did something else is taken from it
    /// only when the rebindings give that something else a key of its own. Refused,
    /// each with its line: rebinding Ctrl-C, an action that means nothing in the mode,
    /// a key then bound to two actions in one mode, and taking away an overlay's last
    /// way out.
    pub fn rebound(rebindings: &[Rebinding]) -> Result<Keymap, Vec<KeyProblem>> {
        let mut problems: Vec<KeyProblem> = Vec::new();
        let usable: Vec<&Rebinding> = rebindings
            .iter()
            .filter(|r| match usable(r) {
                Ok(()) => true,
                Err(why) => {
                    problems.push((r.line, why));
                    false
                }
            })
            .collect();
        let mut keymap = Keymap::builtin();
        // Which unbinding took away a way out of which mode, to blame if none is left.
        let mut exits_taken: Vec<(Mode, usize)> = Vec::new();
        for r in usable.iter().filter(|r| r.action.is_none()) {
            for &m in scope(r.mode) {
                for row in keymap
                    .rows
                    .iter_mut()
                    .filter(|row| row.chord == r.chord && row.modes.has(m))
                {
                    // The panes' "none" leaves the roster's own keys alone.
                    if r.mode == Mode::Normal && m == Mode::Roster && !row.panes {
                        continue;
                    }
                    row.modes.remove(m);
                    if leaves(m, row.action) {
                        exits_taken.push((m, r.line));
                    }
                }
            }
        }
        for r in &usable {
            if let Some(action) = r.action {
                keymap.add(r, action, &usable);
            }
        }
        keymap.rows.retain(|row| !row.modes.is_empty());
        problems.extend(keymap.twice());
        for &mode in ALL_MODES {
            let left = keymap
                .rows
                .iter()
                .any(|row| row.modes.has(mode) && leaves(mode, row.action));
            if left || left_otherwise(mode) {
                continue;
            }
            // Blamed on the last line that took one away.
            let taken = exits_taken.iter().filter(|(m, _)| *m == mode);
            if let Some(line) = taken.map(|(_, line)| *line).max() {
                problems.push((
                    line,
                    format!(
                        "nothing would leave [keys.{}] but ctrl-c: keep a key for close (or cancel)",
                        mode.config_name()
                    ),
                ));
            }
        }
        if problems.is_empty() {
            Ok(keymap)
        } else {
            problems.sort();
            problems.dedup();
            Err(problems)
        }
    }

    /// Adds the rebinding `r` (to `action`) where it is not bound so already.
    fn add(&mut self, r: &Rebinding, action: Action, all: &[&Rebinding]) {
        let mut modes = Modes::default();
        for &m in scope(r.mode) {
            if r.mode == Mode::Normal && m == Mode::Roster {
                // The roster's own keys win over the panes' while it has focus.
                let roster_binds = self
                    .rows
                    .iter()
                    .any(|row| row.chord == r.chord && row.modes.has(m) && !row.panes)
                    || all.iter().any(|o| {
                        o.mode == Mode::Roster && o.chord == r.chord && o.action.is_some()
                    });
                if roster_binds {
                    continue;
                }
            }
            // What the key did, when the rebindings give it another key: no longer.
            for row in self.rows.iter_mut().filter(|row| {
                row.modes.has(m)
                    && row.chord == r.chord
                    && row.action != action
                    && row.from.is_none()
            }) {
                let moved = all.iter().any(|o| {
                    o.action == Some(row.action) && o.chord != r.chord && scope(o.mode).contains(&m)
                });
                if moved {
                    row.modes.remove(m);
                }
            }
            let already = self
                .rows
                .iter()
                .any(|row| row.modes.has(m) && row.chord == r.chord && row.action == action);
            if !already {
                modes.add(m);
            }
        }
        if modes.is_empty() {
            return;
        }
        let help = KEYMAP
            .iter()
            .find(|b| b.action == action && b.modes.contains(&r.mode))
            .map(|b| b.help)
            .or_else(|| match action {
                Action::Pick(n) => PICK_HELP.get(usize::from(n).wrapping_sub(1)).copied(),
                _ => None,
            })
            .unwrap_or("");
        let row = Row {
            modes,
            chord: r.chord,
            action,
            help,
            panes: r.mode == Mode::Normal,
            from: Some((r.line, r.mode)),
        };
        // Beside the keys that already do it, first: the help lists it with them, and
        // the hints and the notices name it.
        let at = self
            .rows
            .iter()
            .position(|row| row.action == action && row.modes.0 & modes.0 != 0);
        match at {
            Some(at) => self.rows.insert(at, row),
            None => self.rows.push(row),
        }
    }

    /// Keys bound to two actions in one mode, blamed on the rebinding that did it.
    fn twice(&self) -> Vec<KeyProblem> {
        let mut problems = Vec::new();
        for &mode in ALL_MODES {
            let live: Vec<&Row> = self.rows.iter().filter(|r| r.modes.has(mode)).collect();
            for (i, a) in live.iter().enumerate() {
                for b in &live[i + 1..] {
                    if a.chord != b.chord || a.action == b.action {
                        continue;
                    }
                    let (new, old) = if a.from.is_some() { (a, b) } else { (b, a) };
                    let Some((line, table)) = new.from else {
                        continue;
                    };
                    let key = new.chord.config_name();
                    let other = match old.from {
                        Some((line, _)) => format!("line {line}"),
                        None => "built in".into(),
                    };
                    problems.push((
                        line,
                        format!(
                            "\"{key}\" is bound twice in [keys.{}]: to {} here and to {} ({other}); give {} another key in this table too, or choose another key",
                            table.config_name(),
                            new.action.name(),
                            old.action.name(),
                            old.action.name(),
                        ),
                    ));
                }
            }
        }
        problems
    }
}

/// Refuses a rebinding that could never be taken, whatever else the file says.
fn usable(r: &Rebinding) -> Result<(), String> {
    if r.chord == FORCE_QUIT && r.action != Some(Action::ForceQuit) {
        return Err(
            "ctrl-c always quits, so that there is always a way out: it cannot be unbound or rebound; choose another key"
                .into(),
        );
    }
    match r.action {
        Some(action) if !does_something(r.mode, action) => Err(format!(
            "{} does nothing in [keys.{}]; there it can be one of: {}",
            action.name(),
            r.mode.config_name(),
            actions_of(r.mode).join(", ")
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Key::Char;

    fn rebind(mode: Mode, key: &str, action: Option<Action>, line: usize) -> Rebinding {
        Rebinding {
            mode,
            chord: key.parse().unwrap(),
            action,
            line,
        }
    }

    #[test]
    fn a_rebinding_adds_a_key_and_none_takes_one_away() {
        let keys = Keymap::rebound(&[
            rebind(Mode::Normal, "ctrl-h", Some(Action::ToggleHelp), 3),
            rebind(Mode::Normal, "?", None, 4),
        ])
        .unwrap();
        let help = Chord::ctrl(Char('h'));
        for mode in [Mode::Normal, Mode::Roster] {
            assert_eq!(keys.lookup(mode, help), Some(Action::ToggleHelp));
            assert_eq!(keys.lookup(mode, Chord::plain(Char('?'))), None);
        }
        assert_eq!(
            keys.keys_for(Mode::Normal, Action::ToggleHelp),
            [help, Chord::plain(Key::F(1))]
        );
        assert_eq!(keys.key_for(Mode::Normal, Action::ToggleHelp), Some(help));
        assert!(keys.hints(Mode::Normal).contains(&(help, "help")));
        // The help overlay's own `?` (close) is another mode's: untouched.
        assert_eq!(
            keys.lookup(Mode::Help, Chord::plain(Char('?'))),
            Some(Action::Close)
        );
    }

    #[test]
    fn the_roster_keeps_its_own_keys_over_the_panes() {
        let keys = Keymap::rebound(&[
            rebind(Mode::Normal, "a", Some(Action::OpenInbox), 1),
            rebind(Mode::Normal, "x", None, 2),
        ])
        .unwrap();
        assert_eq!(
            keys.lookup(Mode::Normal, Chord::plain(Char('a'))),
            Some(Action::OpenInbox)
        );
        assert_eq!(
            keys.lookup(Mode::Roster, Chord::plain(Char('a'))),
            Some(Action::Acknowledge)
        );
        assert_eq!(
            keys.lookup(Mode::Roster, Chord::plain(Char('x'))),
            Some(Action::StandDown)
        );
    }

    #[test]
    fn a_key_bound_twice_ctrl_c_and_a_stray_action_are_refused_with_their_lines() {
        let problems = Keymap::rebound(&[
            rebind(Mode::Normal, "q", Some(Action::ToggleHelp), 5),
            rebind(Mode::Entry, "ctrl-c", None, 7),
            rebind(Mode::Entry, "ctrl-o", Some(Action::OpenInbox), 8),
            rebind(Mode::Help, "esc", None, 9),
            rebind(Mode::Help, "?", None, 10),
            rebind(Mode::Help, "q", None, 11),
            rebind(Mode::Help, "f1", None, 12),
        ])
        .unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [5, 7, 8, 12], "{problems:#?}");
        assert!(
            problems[0]
                .1
                .contains("\"q\" is bound twice in [keys.panes]")
        );
        assert!(problems[0].1.contains("quit (built in)"));
        assert!(problems[1].1.contains("ctrl-c always quits"));
        assert!(
            problems[2]
                .1
                .contains("open_inbox does nothing in [keys.entry]")
        );
        assert!(problems[3].1.contains("nothing would leave [keys.help]"));
        // A key whose action is given another key is free to take: q and ? swap.
        let keys = Keymap::rebound(&[
            rebind(Mode::Normal, "q", Some(Action::ToggleHelp), 1),
            rebind(Mode::Normal, "?", Some(Action::Quit), 2),
        ])
        .unwrap();
        for mode in [Mode::Normal, Mode::Roster] {
            assert_eq!(
                keys.lookup(mode, Chord::plain(Char('q'))),
                Some(Action::ToggleHelp)
            );
            assert_eq!(
                keys.lookup(mode, Chord::plain(Char('?'))),
                Some(Action::Quit)
            );
        }
        let keys = Keymap::rebound(&[rebind(Mode::Normal, "ctrl-c", Some(Action::ForceQuit), 1)]);
        assert!(keys.is_ok(), "ctrl-c as it is is fine");
    }

    #[test]
    fn binding_a_key_again_to_what_it_does_changes_nothing() {
        let keys =
            Keymap::rebound(&[rebind(Mode::Normal, "?", Some(Action::ToggleHelp), 1)]).unwrap();
        assert_eq!(keys.help_groups(), Keymap::builtin().help_groups());
    }
}
