//! Turning terminal key events into messages for `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{Chord, Key, Keymap, Mode, Msg};

/// The chord a key event is, in the keymap's terms.
pub fn chord(event: &KeyEvent) -> Chord {
    let key = match event.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Left => Key::Left,
        KeyCode::F(n) => Key::F(n),
        _ => Key::Other,
    };
    Chord {
        key,
        ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        alt: event.modifiers.contains(KeyModifiers::ALT),
    }
}

/// The message a key press means in a mode, by the keymap in force: a bound action,
/// typed text, or nothing. Key releases and repeats-as-release are ignored: only
/// presses count.
pub fn to_msg(keys: &Keymap, mode: Mode, event: KeyEvent) -> Option<Msg> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    if let Some(action) = keys.lookup(mode, chord(&event)) {
        return Some(Msg::Action(action));
    }
    if mode == Mode::Confirm {
        // A question takes `y` for yes; any other key is a no, never text typed on.
        return Some(Msg::Action(crate::app::Action::Cancel));
    }
    mode.takes_text().then(|| Msg::Type(event.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Action;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn presses_map_through_the_keymap() {
        let keys = Keymap::builtin();
        let msg = to_msg(
            &keys,
            Mode::Normal,
            press(KeyCode::Char('?'), KeyModifiers::SHIFT),
        );
        assert!(matches!(msg, Some(Msg::Action(Action::ToggleHelp))));
        let msg = to_msg(&keys, Mode::Entry, press(KeyCode::Enter, KeyModifiers::ALT));
        assert!(matches!(msg, Some(Msg::Action(Action::Newline))));
        let msg = to_msg(
            &keys,
            Mode::Entry,
            press(KeyCode::Char('q'), KeyModifiers::NONE),
        );
        assert!(matches!(msg, Some(Msg::Type(_))));
        assert!(
            to_msg(
                &keys,
                Mode::Normal,
                press(KeyCode::Char('x'), KeyModifiers::NONE)
            )
            .is_none()
        );
        let mut release = press(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert!(
            to_msg(&keys, Mode::Normal, release).is_none(),
            "only presses"
        );
    }
}
