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

/// The characters the text boxes (the entry box, the palette, search) take with Alt
/// held, as readline does: word moves and deletes (b, f, d, h), paragraph moves
/// (p, n, [, ]), the start and end of the text (<, >), paste (v). A test holds this
/// list equal to what the text area does.
const TEXT_ALT: &[char] = &['b', 'f', 'd', 'h', 'p', 'n', '[', ']', '<', '>', 'v'];

/// Escape then a character typed quickly, read together, look exactly like Alt and the
/// character (a terminal sends Alt-x as ESC x). Where Alt-x means something in `mode`
/// (a binding, or one of the text boxes' [`TEXT_ALT`] keys) it stays that; anywhere
/// else it is the two keys: the character returned, to be taken after Escape. Escape
/// then `j`, leaving the box and scrolling, is not lost as an Alt-j that does nothing.
pub fn escape_then(keys: &Keymap, mode: Mode, event: KeyEvent) -> Option<KeyEvent> {
    let alone = event.modifiers - KeyModifiers::SHIFT == KeyModifiers::ALT;
    let KeyCode::Char(c) = event.code else {
        return None;
    };
    // Every key comes here: the keymap is looked in only for one read with Escape.
    if !alone || event.kind != KeyEventKind::Press {
        return None;
    }
    let means =
        (mode.takes_text() && TEXT_ALT.contains(&c)) || keys.lookup(mode, chord(&event)).is_some();
    (!means).then(|| KeyEvent::new(event.code, event.modifiers - KeyModifiers::ALT))
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

    #[test]
    fn escape_then_a_key_is_two_keys_where_alt_with_it_means_nothing() {
        let keys = Keymap::builtin();
        let alt = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT);
        let plain = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        for mode in [Mode::Normal, Mode::Entry, Mode::Palette, Mode::Search] {
            assert_eq!(
                escape_then(&keys, mode, alt('j')),
                Some(plain('j')),
                "{mode:?}"
            );
            assert_eq!(
                escape_then(&keys, mode, alt('q')),
                Some(plain('q')),
                "{mode:?}"
            );
        }
        let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::ALT | KeyModifiers::SHIFT);
        assert_eq!(
            escape_then(&keys, Mode::Normal, shifted),
            Some(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT))
        );
        // Where Alt and the key is editing, it stays that.
        assert_eq!(escape_then(&keys, Mode::Entry, alt('b')), None);
        assert_eq!(escape_then(&keys, Mode::Normal, alt('b')), Some(plain('b')));
        // Not a character, or Ctrl too: as read.
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT);
        assert_eq!(escape_then(&keys, Mode::Entry, enter), None);
        let ctrl = KeyEvent::new(
            KeyCode::Char('x'),
            KeyModifiers::ALT | KeyModifiers::CONTROL,
        );
        assert_eq!(escape_then(&keys, Mode::Normal, ctrl), None);
        assert_eq!(escape_then(&keys, Mode::Normal, plain('x')), None);
    }

    /// [`TEXT_ALT`] is what the text area does with Alt: each of its characters changes
    /// the text, the cursor or the selection of a text area, and no other printable
    /// character does.
    #[test]
    fn the_text_boxes_alt_keys_are_the_text_areas() {
        use tui_textarea::{CursorMove, Input, Key, TextArea};
        for c in ' '..='~' {
            let mut area = TextArea::from(["one two three", "", "four five six", "", "seven"]);
            area.set_yank_text("yanked");
            area.move_cursor(CursorMove::Jump(2, 6));
            let before = (area.lines().to_vec(), area.cursor().0, area.cursor().1);
            area.input(Input {
                key: Key::Char(c),
                alt: true,
                ..Default::default()
            });
            let after = (area.lines().to_vec(), area.cursor().0, area.cursor().1);
            assert_eq!(before != after, TEXT_ALT.contains(&c), "Alt-{c}");
        }
    }

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
