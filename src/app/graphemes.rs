//! Editing by what a person sees as one character: an extended grapheme cluster (a
//! ZWJ emoji sequence such as 👩‍🔬, a letter with combining marks, a flag). The text
//! area moves and deletes by `char`; these keys go by cluster instead, so Backspace
//! never leaves a stray joiner in the record and the cursor never stops inside one.

use tui_textarea::{CursorMove, Input, Key, TextArea};
use unicode_segmentation::UnicodeSegmentation;

/// Where the clusters of `line` start and end, in chars: `0`, each boundary, its length.
fn boundaries(line: &str) -> Vec<usize> {
    let mut at = vec![0];
    let mut chars = 0;
    for g in line.graphemes(true) {
        chars += g.chars().count();
        at.push(chars);
    }
    at
}

/// Puts the cursor at `col` (chars) on `row`, in the text's own coordinates.
fn jump(area: &mut TextArea<'_>, row: usize, col: usize) {
    let clamp = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    area.move_cursor(CursorMove::Jump(clamp(row), clamp(col)));
}

/// Applies `input` to `area` when it is a key that moves or deletes by character
/// (Backspace, Delete, Left, Right, without modifiers and with no selection), a whole
/// cluster at a time. `None` when it is not one of them (the text area takes it as
/// usual); otherwise whether the text changed.
pub fn edit(area: &mut TextArea<'_>, input: &Input) -> Option<bool> {
    if input.ctrl || input.alt || input.shift || area.is_selecting() {
        return None;
    }
    let (row, col) = (area.cursor().0, area.cursor().1);
    let line = area.lines().get(row)?.clone();
    let bounds = boundaries(&line);
    // The boundary before the cursor and the one after it (the cursor itself when it
    // is on one).
    let before = bounds.iter().rev().find(|b| **b < col).copied();
    let after = bounds.iter().find(|b| **b > col).copied();
    let start = bounds
        .iter()
        .rev()
        .find(|b| **b <= col)
        .copied()
        .unwrap_or(0);
    match input.key {
        // At the start of a line, the area joins it to the line above.
        Key::Backspace => before.map(|from| {
            let to = bounds.iter().find(|b| **b >= col).copied().unwrap_or(col);
            jump(area, row, from);
            area.delete_str(to - from)
        }),
        // At its end, the area joins the line below.
        Key::Delete => after.map(|to| {
            jump(area, row, start);
            area.delete_str(to - start)
        }),
        Key::Left => before.map(|to| {
            jump(area, row, to);
            false
        }),
        Key::Right => after.map(|to| {
            jump(area, row, to);
            false
        }),
        _ => None,
    }
}

/// Moves the cursor back to the start of the cluster it stands inside, if any (after
/// a move the text area made itself, Up or Down onto a line of emoji).
pub fn snap(area: &mut TextArea<'_>) {
    if area.is_selecting() {
        return;
    }
    let (row, col) = (area.cursor().0, area.cursor().1);
    let Some(line) = area.lines().get(row) else {
        return;
    };
    let bounds = boundaries(line);
    if !bounds.contains(&col)
        && let Some(start) = bounds.iter().rev().find(|b| **b < col).copied()
    {
        jump(area, row, start);
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
        assert_eq!(
            edit(&mut area, &key(Key::Backspace)),
            None,
            "the area joins lines"
        );
        area.input(key(Key::Backspace));
        assert_eq!(area.lines(), ["cafx"]);
        assert_eq!(edit(&mut area, &key(Key::Char('z'))), None);
        // At the end of a line whose last cluster ends in a zero-width part (❤️), Left
        // then Right comes back to the end, and Backspace takes all of it.
        let mut area = TextArea::from(["ok \u{2764}\u{FE0F}"]);
        area.move_cursor(CursorMove::End);
        edit(&mut area, &key(Key::Left));
        edit(&mut area, &key(Key::Right));
        assert_eq!(area.cursor(), (0, 5));
        edit(&mut area, &key(Key::Backspace));
        assert_eq!(area.lines(), ["ok "]);
        // Inside a cluster (after Up or Down), the cursor goes back to its start.
        let mut area = TextArea::from(["ab", "\u{1F469}\u{200D}\u{1F52C}x"]);
        area.move_cursor(CursorMove::Jump(1, 2));
        snap(&mut area);
        assert_eq!(area.cursor(), (1, 0));
        // With a selection, the area's own keys (delete the selection).
        let mut area = TextArea::from(["abc"]);
        area.start_selection();
        area.move_cursor(CursorMove::Forward);
        assert_eq!(edit(&mut area, &key(Key::Backspace)), None);
    }
}
