//! Editing by what a person sees as one character: an extended grapheme cluster (a
//! ZWJ emoji sequence such as 👩‍🔬, a letter with combining marks, a flag). The text
//! area moves and deletes by `char`; these keys go by cluster instead, so Backspace
//! never leaves a stray joiner in the record and the cursor never stops inside one.

use tui_textarea::{CursorMove, Input, Key, TextArea};
use unicode_segmentation::UnicodeSegmentation;

/// Applies `input` to `area` when it is a key that moves or deletes by character
/// (Backspace, Delete, Left, Right, without modifiers), a whole cluster at a time.
/// `None` when the key is not one of them (the text area takes it as usual);
/// otherwise whether the text changed.
pub fn edit(area: &mut TextArea<'_>, input: &Input) -> Option<bool> {
    if input.ctrl || input.alt {
        return None;
    }
    let (row, col) = {
        let c = area.cursor();
        (c.0, c.1)
    };
    let line = area.lines().get(row)?.clone();
    let before: String = line.chars().take(col).collect();
    let after: String = line.chars().skip(col).collect();
    let last = || {
        before
            .graphemes(true)
            .next_back()
            .map(|g| g.chars().count())
    };
    let next = || after.graphemes(true).next().map(|g| g.chars().count());
    match input.key {
        Key::Backspace => match last() {
            Some(n) => {
                for _ in 0..n {
                    area.move_cursor(CursorMove::Back);
                }
                Some(area.delete_str(n))
            }
            // At the start of a line: joins it to the line above, as the area does.
            None => Some(area.delete_char()),
        },
        Key::Delete => match next() {
            Some(n) => Some(area.delete_str(n)),
            None => Some(area.delete_next_char()),
        },
        Key::Left => {
            for _ in 0..last().unwrap_or(1) {
                area.move_cursor(CursorMove::Back);
            }
            Some(false)
        }
        Key::Right => {
            for _ in 0..next().unwrap_or(1) {
                area.move_cursor(CursorMove::Forward);
            }
            Some(false)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(key: Key) -> Input {
        Input {
            key,
            ..Input::default()
        }
    }

    #[test]
    fn backspace_removes_a_whole_zwj_sequence_and_the_cursor_steps_over_it() {
        let mut area = TextArea::from(["lab 👩‍🔬 ok"]);
        area.move_cursor(CursorMove::End);
        for _ in 0..3 {
            edit(&mut area, &key(Key::Backspace));
        }
        assert_eq!(area.lines(), ["lab 👩‍🔬"]);
        assert_eq!(edit(&mut area, &key(Key::Backspace)), Some(true));
        assert_eq!(area.lines(), ["lab "], "no stray joiner is left");
        // Left and Right step over a cluster whole.
        let mut area = TextArea::from(["a👩‍🔬b"]);
        area.move_cursor(CursorMove::Head);
        edit(&mut area, &key(Key::Right));
        edit(&mut area, &key(Key::Right));
        assert_eq!(
            area.cursor(),
            (0, 4),
            "after a (1) and the three-char cluster"
        );
        edit(&mut area, &key(Key::Left));
        assert_eq!(area.cursor(), (0, 1));
        assert_eq!(edit(&mut area, &key(Key::Delete)), Some(true));
        assert_eq!(area.lines(), ["ab"]);
        // A letter with a combining accent goes whole too; a line start joins lines.
        let mut area = TextArea::from(["cafe\u{301}", "x"]);
        area.move_cursor(CursorMove::Jump(0, 5));
        edit(&mut area, &key(Key::Backspace));
        assert_eq!(area.lines(), ["caf", "x"]);
        area.move_cursor(CursorMove::Jump(1, 0));
        edit(&mut area, &key(Key::Backspace));
        assert_eq!(area.lines(), ["cafx"]);
        assert_eq!(edit(&mut area, &key(Key::Char('z'))), None);
    }
}
