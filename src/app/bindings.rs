//! The keymap in force: the built-in table ([`KEYMAP`]), or that table with a person's
//! rebindings merged over it (`rebind.rs`). Key lookup, the hint bar, the help and
//! every text that names a key read this one, so what the screen says is what is bound.

use super::action::{Action, Mode};
use super::chord::Chord;
use super::keymap::{ALL_MODES, EVERYWHERE, KEYMAP, LISTS};

/// A set of modes, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Modes(pub(super) u32);

impl Modes {
    pub(super) fn of(modes: &[Mode]) -> Modes {
        let mut set = Modes::default();
        for &m in modes {
            set.add(m);
        }
        set
    }

    pub(super) fn bit(mode: Mode) -> u32 {
        1 << (mode as u32)
    }

    pub(super) fn has(self, mode: Mode) -> bool {
        self.0 & Modes::bit(mode) != 0
    }

    pub(super) fn add(&mut self, mode: Mode) {
        self.0 |= Modes::bit(mode);
    }

    pub(super) fn remove(&mut self, mode: Mode) {
        self.0 &= !Modes::bit(mode);
    }

    pub(super) fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The first mode in the set, in the help's order.
    pub(super) fn first(self) -> Option<Mode> {
        ALL_MODES.iter().copied().find(|m| self.has(*m))
    }
}

/// One binding in force.
#[derive(Debug, Clone)]
pub(super) struct Row {
    /// Where it is live.
    pub(super) modes: Modes,
    pub(super) chord: Chord,
    pub(super) action: Action,
    /// What the help says.
    pub(super) help: &'static str,
    /// One of the panes' keys (live in the roster too unless the roster binds the key).
    pub(super) panes: bool,
    /// For a rebinding: its line and the `[keys.MODE]` table it is in.
    pub(super) from: Option<(usize, Mode)>,
}

/// The keymap in force: what each key does in each mode. [`Keymap::builtin`] is the
/// table in the code; [`Keymap::rebound`] merges a config file's `[keys]` over it.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub(super) rows: Vec<Row>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::builtin()
    }
}

impl Keymap {
    /// The built-in table, with no rebinding.
    pub fn builtin() -> Keymap {
        Keymap {
            rows: KEYMAP
                .iter()
                .map(|b| Row {
                    modes: Modes::of(b.modes),
                    chord: b.chord,
                    action: b.action,
                    help: b.help,
                    panes: b.modes.contains(&Mode::Normal),
                    from: None,
                })
                .collect(),
        }
    }

    /// What a chord does in a mode, if anything.
    pub fn lookup(&self, mode: Mode, chord: Chord) -> Option<Action> {
        self.rows
            .iter()
            .find(|r| r.chord == chord && r.modes.has(mode))
            .map(|r| r.action)
    }

    /// Every key that does `action` in `mode`, a rebinding's first.
    pub fn keys_for(&self, mode: Mode, action: Action) -> Vec<Chord> {
        let mut keys: Vec<Chord> = Vec::new();
        for r in self
            .rows
            .iter()
            .filter(|r| r.action == action && r.modes.has(mode))
        {
            if !keys.contains(&r.chord) {
                keys.push(r.chord);
            }
        }
        keys
    }

    /// The key the screen names for `action` in `mode`: a rebinding's, else the first
    /// in the table; `None` when nothing does it there.
    pub fn key_for(&self, mode: Mode, action: Action) -> Option<Chord> {
        self.rows
            .iter()
            .find(|r| r.action == action && r.modes.has(mode))
            .map(|r| r.chord)
    }

    /// The key for `action` in `mode` as a text names it (`Esc`), or, when no key does
    /// it, the action's name saying so (`open_inbox (no key)`).
    pub fn say(&self, mode: Mode, action: Action) -> String {
        match self.key_for(mode, action) {
            Some(chord) => chord.to_string(),
            None => format!("{} (no key)", action.name()),
        }
    }

    /// Every key for `action` in `mode` joined by `between` (`i or Enter`), or as
    /// [`Keymap::say`] when there is none.
    pub fn say_all(&self, mode: Mode, action: Action, between: &str) -> String {
        let keys = self.keys_for(mode, action);
        if keys.is_empty() {
            return self.say(mode, action);
        }
        keys.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(between)
    }

    /// `KEY word` pairs joined by ` · ` for a title (`j/k scroll · Esc closes`), each
    /// action's key as [`Keymap::key_for`] names it; an action no key does is left out.
    pub fn pairs(&self, mode: Mode, pairs: &[(Action, &str)]) -> String {
        pairs
            .iter()
            .filter_map(|(action, word)| {
                self.key_for(mode, *action)
                    .map(|chord| format!("{chord} {word}"))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// The scroll keys of a page as a title names them: `j/k` (down, then up).
    pub fn scroll_keys(&self, mode: Mode) -> Option<String> {
        match (
            self.key_for(mode, Action::Down),
            self.key_for(mode, Action::Up),
        ) {
            (Some(down), Some(up)) => Some(format!("{down}/{up}")),
            (Some(one), None) | (None, Some(one)) => Some(one.to_string()),
            (None, None) => None,
        }
    }

    /// The bindings live in `mode`, in table order: key, action, and what the help says.
    pub fn bindings_in(&self, mode: Mode) -> Vec<(Chord, Action, &'static str)> {
        self.rows
            .iter()
            .filter(|r| r.modes.has(mode))
            .map(|r| (r.chord, r.action, r.help))
            .collect()
    }

    /// The bindings the hint bar shows in a mode, in table order, each named by its
    /// key in force. With the roster focused the bar shows the roster's own keys (the
    /// panes' keys still work; `?` lists them).
    pub fn hints(&self, mode: Mode) -> Vec<(Chord, &'static str)> {
        self.hints_named(mode, |_, hint| Some(hint))
    }

    /// The hint bar's bindings for a mode, as [`Keymap::hints`], with each one's word
    /// given by `name` (from its action and its usual word): another word for what the
    /// key does now, or `None` to leave the key out. The words are the built-in
    /// table's; the key is the one in force, and an action no key does is left out.
    pub fn hints_named(
        &self,
        mode: Mode,
        name: impl Fn(Action, &'static str) -> Option<&'static str>,
    ) -> Vec<(Chord, &'static str)> {
        let mut shown: Vec<Action> = Vec::new();
        KEYMAP
            .iter()
            .filter(|b| b.modes.contains(&mode))
            .filter(|b| {
                mode != Mode::Roster
                    || !b.modes.contains(&Mode::Normal)
                    || b.action == Action::ToggleHelp
            })
            .filter_map(|b| {
                let word = b.hint.and_then(|hint| name(b.action, hint))?;
                if shown.contains(&b.action) {
                    return None;
                }
                shown.push(b.action);
                self.key_for(mode, b.action).map(|chord| (chord, word))
            })
            .collect()
    }

    /// Every binding once, grouped for the help: first the keys that work everywhere
    /// (Ctrl-C, Ctrl-Z, moving in lists), then each mode's own, under its title, each
    /// binding in the first group it is live in. Chords that do the same thing share a
    /// row: `(["j", "Down"], "down")`.
    pub fn help_groups(&self) -> Vec<(&'static str, Vec<HelpRow>)> {
        let all = Modes::of(ALL_MODES);
        let lists = Modes::of(LISTS);
        let everywhere = |r: &Row| r.modes == all || r.modes == lists;
        let mut groups = vec![(EVERYWHERE, rows(self.rows.iter().filter(|r| everywhere(r))))];
        for &mode in ALL_MODES {
            // Listed under an earlier mode (or everywhere) already: not again.
            let first_here = |r: &&Row| !everywhere(r) && r.modes.first() == Some(mode);
            let own = rows(self.rows.iter().filter(first_here));
            if !own.is_empty() {
                groups.push((mode.title(), own));
            }
        }
        groups
    }
}

/// One row of the help: the chords that do one thing, and what it is.
pub type HelpRow = (Vec<Chord>, &'static str);

/// Bindings as help rows, chords that do the same thing (same action and words) in one.
fn rows<'a>(bindings: impl Iterator<Item = &'a Row>) -> Vec<HelpRow> {
    let mut rows: Vec<(Vec<Chord>, &'static str, Action)> = Vec::new();
    for b in bindings {
        match rows
            .iter_mut()
            .find(|(_, help, action)| *action == b.action && *help == b.help)
        {
            Some(row) => row.0.push(b.chord),
            None => rows.push((vec![b.chord], b.help, b.action)),
        }
    }
    rows.into_iter()
        .map(|(chords, help, _)| (chords, help))
        .collect()
}
