//! Keys as the keymap names them: on screen (`Ctrl-c`, `Shift-Tab`) and in the config
//! file (`ctrl-c`, `shift-tab`), read back from the config's words.

use std::fmt;
use std::str::FromStr;

/// A key without modifiers, in terms the table can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// A printable character.
    Char(char),
    /// Enter or Return.
    Enter,
    /// Escape.
    Esc,
    /// Tab.
    Tab,
    /// Shift-Tab.
    BackTab,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Home.
    Home,
    /// End.
    End,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Arrow left.
    Left,
    /// A function key.
    F(u8),
    /// Any key the table never binds.
    Other,
}

/// A key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    /// The key.
    pub key: Key,
    /// Control held.
    pub ctrl: bool,
    /// Alt (Meta) held.
    pub alt: bool,
}

impl Chord {
    /// A key with no modifier.
    pub const fn plain(key: Key) -> Chord {
        Chord {
            key,
            ctrl: false,
            alt: false,
        }
    }

    /// A key with Control.
    pub const fn ctrl(key: Key) -> Chord {
        Chord {
            key,
            ctrl: true,
            alt: false,
        }
    }

    /// A key with Alt.
    pub const fn alt(key: Key) -> Chord {
        Chord {
            key,
            ctrl: false,
            alt: true,
        }
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.key {
            Key::Char(' ') => f.write_str("Space"),
            Key::Char(c) => write!(f, "{c}"),
            Key::Enter => f.write_str("Enter"),
            Key::Esc => f.write_str("Esc"),
            Key::Tab => f.write_str("Tab"),
            Key::BackTab => f.write_str("Shift-Tab"),
            Key::Up => f.write_str("Up"),
            Key::Down => f.write_str("Down"),
            Key::Home => f.write_str("Home"),
            Key::End => f.write_str("End"),
            Key::PageUp => f.write_str("PgUp"),
            Key::PageDown => f.write_str("PgDn"),
            Key::Left => f.write_str("Left"),
            Key::F(n) => write!(f, "F{n}"),
            Key::Other => f.write_str("?"),
        }
    }
}

/// The config file's words for keys without a character, lower case.
const NAMED: &[(&str, Key)] = &[
    ("enter", Key::Enter),
    ("esc", Key::Esc),
    ("tab", Key::Tab),
    ("shift-tab", Key::BackTab),
    ("backtab", Key::BackTab),
    ("up", Key::Up),
    ("down", Key::Down),
    ("home", Key::Home),
    ("end", Key::End),
    ("pageup", Key::PageUp),
    ("pagedown", Key::PageDown),
    ("left", Key::Left),
    ("space", Key::Char(' ')),
];

/// The highest function key a config may name.
const LAST_F: u8 = 12;

impl Chord {
    /// The chord as the config file writes it: `a`, `G`, `ctrl-h`, `alt-enter`,
    /// `shift-tab`, `space`, `f1`; [`Chord::from_str`] reads it back.
    pub fn config_name(&self) -> String {
        let mut name = String::new();
        if self.ctrl {
            name.push_str("ctrl-");
        }
        if self.alt {
            name.push_str("alt-");
        }
        match self.key {
            Key::Char(' ') => name.push_str("space"),
            Key::Char(c) => name.push(c),
            Key::F(n) => name.push_str(&format!("f{n}")),
            Key::Other => name.push_str("other"),
            key => name.push_str(
                NAMED
                    .iter()
                    .find(|(_, k)| *k == key)
                    .map_or("other", |(word, _)| word),
            ),
        }
        name
    }
}

impl FromStr for Chord {
    type Err = String;

    /// Reads a key as the config file names it: one character as typed (`a`, `G`,
    /// `?`), or a name (`enter`, `esc`, `tab`, `shift-tab`, `up`, `down`, `home`, `end`,
    /// `pageup`, `pagedown`, `left`, `space`, `f1` to `f12`), after `ctrl-` and/or
    /// `alt-`. Names are read in any case; a character as written. The error says why
    /// and how to write it.
    fn from_str(text: &str) -> Result<Chord, String> {
        let unreadable = |why: &str| {
            format!(
                "'{}' is not a key name{why}: write a character (a, G, ?), a name (enter, esc, tab, shift-tab, up, down, home, end, pageup, pagedown, left, space, f1-f12), after ctrl- or alt- if held",
                text.escape_debug()
            )
        };
        let mut chord = Chord::plain(Key::Other);
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1 && lower.starts_with("ctrl-") && !chord.ctrl {
                chord.ctrl = true;
                rest = &rest["ctrl-".len()..];
            } else if rest.chars().count() > 1 && lower.starts_with("alt-") && !chord.alt {
                chord.alt = true;
                rest = &rest["alt-".len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        chord.key = match (chars.next(), chars.next()) {
            (None, _) => return Err(unreadable(" (a modifier needs a key after it)")),
            (Some(c), None) if c.is_control() => return Err(unreadable("")),
            (Some(c), None) if chord.ctrl && c.is_ascii_uppercase() => {
                return Err(format!(
                    "'{text}' is a key a terminal never sends: with Ctrl it sends the lower case letter; write ctrl-{}",
                    c.to_ascii_lowercase()
                ));
            }
            (Some(c), None) => Key::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some((_, key)) = NAMED.iter().find(|(word, _)| *word == lower) {
                    *key
                } else if let Some(n) = lower
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=LAST_F).contains(n))
                {
                    Key::F(n)
                } else if let Some(letter) = lower.strip_prefix("shift-")
                    && letter.chars().count() == 1
                {
                    return Err(format!(
                        "'{text}' is not a key name: write the character Shift types ({})",
                        letter.to_uppercase()
                    ));
                } else {
                    return Err(unreadable(""));
                }
            }
        };
        Ok(chord)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_names_read_back_to_the_same_chord() {
        let chords = [
            Chord::plain(Key::Char('a')),
            Chord::plain(Key::Char('G')),
            Chord::plain(Key::Char('?')),
            Chord::plain(Key::Char(' ')),
            Chord::plain(Key::Char('-')),
            Chord::ctrl(Key::Char('h')),
            Chord::ctrl(Key::Char('-')),
            Chord::alt(Key::Enter),
            Chord::plain(Key::BackTab),
            Chord::plain(Key::PageDown),
            Chord::plain(Key::F(12)),
            Chord {
                key: Key::Char('x'),
                ctrl: true,
                alt: true,
            },
        ];
        for chord in chords {
            let name = chord.config_name();
            assert_eq!(name.parse::<Chord>(), Ok(chord), "{name}");
        }
        assert_eq!(
            "Ctrl-H".parse::<Chord>(),
            Err("'Ctrl-H' is a key a terminal never sends: with Ctrl it sends the lower case letter; write ctrl-h".to_string())
        );
        assert_eq!("ENTER".parse(), Ok(Chord::plain(Key::Enter)));
        assert_eq!("backtab".parse(), Ok(Chord::plain(Key::BackTab)));
        for bad in [
            "",
            "ctrl-",
            "enterr",
            "f13",
            "f0",
            "shift-a",
            "\u{7}",
            "ctrl-alt-",
        ] {
            assert!(bad.parse::<Chord>().is_err(), "{bad:?}");
        }
        assert!("shift-a".parse::<Chord>().unwrap_err().contains("(A)"));
    }
}
