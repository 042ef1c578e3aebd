//! A frame's cursor moves said in fewer bytes.
//!
//! ratatui's backend moves the cursor with a full position (`ESC[3;50H`, 8 bytes) at
//! every gap in what it draws, even a gap of two cells on the row it is drawing; a full
//! screen at 80x24 holds about 120 of them, a quarter of its bytes. [`shorten`] follows
//! the row the cursor is on and says each move as the shortest of (ECMA-48):
//! - on the same row, the column alone (CHA, `ESC[50G`), or a carriage return for the
//!   first column;
//! - to the first column of the next row, carriage return and line feed (the console
//!   runs in raw mode, so a line feed moves down and nothing else; the row below exists,
//!   so it never scrolls; a window made smaller while a frame is on its way may scroll
//!   by a row, and the resize that follows clears the screen and draws it all again);
//! - elsewhere, the position without a column of 1 (`ESC[3H`).
//!
//! Text never changes the row the cursor is on because the console turns the
//! terminal's automatic wrap off ([`super::terminal`]) and never draws past the last
//! column. Anything this does not follow (a control character, another sequence that
//! may move the cursor) forgets the row, and the next move is said in full.

use super::sgr::Pen;

/// The frame `bytes` with its cursor positions said as briefly as they can be, and
/// where it leaves the cursor (row and column, 1-based), when known.
/// `fresh`: the frame starts on a screen just cleared (after a repaint or a resize), so
/// the cells it skips are blank; a `CSI 2 J` inside the frame makes the rest of it so.
/// `from`: where the last frame left the cursor, when nothing has moved it since: a
/// move to where it already is is then left out (a key typed at the cursor is sent as
/// the character alone). `pen`: what the terminal draws with as the frame starts.
pub(super) fn shorten(
    bytes: &[u8],
    fresh: bool,
    from: Option<(u32, u32)>,
    pen: &Pen,
) -> (Vec<u8>, Option<(u32, u32)>) {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = Place {
        row: from.map(|f| f.0),
        col: from.map(|f| f.1),
        blank: fresh,
        pen: Some(pen.clone()),
    };
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == 0x1b {
            let Some((len, params, last)) = super::sgr::csi(&bytes[i..]) else {
                // Another escape (OSC, a charset): followed no further.
                at.forget();
                out.push(byte);
                i += 1;
                continue;
            };
            let target = (last == b'H').then(|| position(params)).flatten();
            match (last, target) {
                (b'H', Some((to_row, to_col))) => {
                    out.extend_from_slice(&at.move_to(to_row, to_col));
                    at.row = Some(to_row);
                    at.col = Some(to_col);
                }
                (b'm', _) => at.pen_after(params),
                // The erases move nothing; after erasing the whole screen, whatever the
                // frame skips is blank.
                (b'J', _) => at.blank |= params == b"2",
                (b'K', _) => {}
                // Modes (the cursor shown or hidden, synchronized updates) move nothing.
                (b'h' | b'l', _) if params.starts_with(b"?") => {}
                _ => at.forget(),
            }
            if target.is_none() {
                out.extend_from_slice(&bytes[i..i + len]);
            }
            i += len;
            continue;
        }
        if byte < 0x20 || byte == 0x7f {
            at.forget();
        } else if byte < 0x80 {
            at.col = at.col.map(|c| c + 1);
        } else {
            // Wider text is not measured here: the next move is said as a move.
            at.col = None;
        }
        out.push(byte);
        i += 1;
    }
    let end = at.row.zip(at.col);
    (out, end)
}

/// Where the cursor is, as far as the frame says, and what a space would draw there.
#[derive(Default)]
struct Place {
    /// The row, when known (1-based).
    row: Option<u32>,
    /// The column the next character goes to, when known (1-based).
    col: Option<u32>,
    /// The screen was cleared: the cells the frame skips are blank.
    blank: bool,
    /// What the terminal draws with, when every SGR since the last reset was read.
    pen: Option<Pen>,
}

impl Place {
    /// Something not followed: the next move is said in full.
    fn forget(&mut self) {
        self.row = None;
        self.col = None;
    }

    /// Follows an SGR sequence; one not read leaves the pen unknown until a reset.
    fn pen_after(&mut self, params: &[u8]) {
        let text = std::str::from_utf8(params).unwrap_or("?");
        let resets = text.is_empty() || text == "0" || text.starts_with("0;");
        let known = self.pen.is_some() || resets;
        let mut pen = self.pen.take().unwrap_or_default();
        self.pen = (known && pen.apply(text).is_some()).then_some(pen);
    }

    /// The bytes that move the cursor to `to_row`, `to_col`: none when it is there.
    fn move_to(&self, to_row: u32, to_col: u32) -> Vec<u8> {
        if self.row == Some(to_row) && self.col == Some(to_col) {
            return Vec::new();
        }
        let moved = move_to(self.row, to_row, to_col);
        // A few blank cells ahead on a cleared screen cost less as spaces.
        match self.col {
            Some(col)
                if self.blank
                    && self.pen.as_ref().is_some_and(Pen::draws_blank)
                    && self.row == Some(to_row)
                    && to_col > col
                    && ((to_col - col) as usize) < moved.len() =>
            {
                vec![b' '; (to_col - col) as usize]
            }
            _ => moved,
        }
    }
}

/// The row and column a CUP's parameters name (1-based; missing ones are 1). `None`
/// for parameters that are not one or two numbers.
fn position(params: &[u8]) -> Option<(u32, u32)> {
    let text = std::str::from_utf8(params).ok()?;
    let mut parts = text.split(';');
    let number = |part: Option<&str>| -> Option<u32> {
        match part {
            None | Some("") => Some(1),
            Some(n) => n.parse().ok().filter(|n| *n > 0),
        }
    };
    let row = number(parts.next())?;
    let col = number(parts.next())?;
    parts.next().is_none().then_some((row, col))
}

/// The bytes that move the cursor from `row` (when known) to `to_row`, `to_col`.
fn move_to(row: Option<u32>, to_row: u32, to_col: u32) -> Vec<u8> {
    match row {
        Some(r) if r == to_row && to_col == 1 => b"\r".to_vec(),
        Some(r) if r == to_row => format!("\x1b[{to_col}G").into_bytes(),
        Some(r) if r + 1 == to_row && to_col == 1 => b"\r\n".to_vec(),
        _ if to_col == 1 => format!("\x1b[{to_row}H").into_bytes(),
        _ => format!("\x1b[{to_row};{to_col}H").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::seen::as_seen;

    #[test]
    fn moves_on_a_row_and_to_the_next_are_short_and_others_whole() {
        let frame = b"\x1b[3;1Hab\x1b[3;50Hc\x1b[3;1Hd\x1b[4;1He\x1b[9;7Hf\x1b[31mg\x1b[9;20Hh";
        assert_eq!(
            shorten(frame, false, None, &Pen::default()).0,
            b"\x1b[3Hab\x1b[50Gc\rd\r\ne\x1b[9;7Hf\x1b[31mg\x1b[20Gh".to_vec()
        );
    }

    #[test]
    fn anything_not_followed_forgets_the_row() {
        // A line feed, a cursor save, an unknown sequence: the next move is whole.
        for between in [&b"\n"[..], b"\x1b7", b"\x1b[2A", b"\x1b]0;t\x07"] {
            let frame = [&b"\x1b[3;1Hab"[..], between, b"\x1b[3;9Hc"].concat();
            let out = shorten(&frame, false, None, &Pen::default()).0;
            assert!(
                out.ends_with(b"\x1b[3;9Hc"),
                "{:?}",
                String::from_utf8_lossy(&out)
            );
        }
        // Colours, erases, and private modes move nothing.
        let frame = b"\x1b[3;1Ha\x1b[0;90m\x1b[K\x1b[?25l\x1b[3;9Hc";
        assert!(
            shorten(frame, false, None, &Pen::default())
                .0
                .ends_with(b"\x1b[9Gc")
        );
    }

    #[test]
    fn on_a_cleared_screen_a_short_gap_is_said_in_spaces_and_draws_the_same() {
        // Words of a timeline row with one blank cell between them, and a wider gap.
        let frame = b"\x1b[3;2H\x1b[90mthe\x1b[3;6Hdashboards\x1b[3;40Hend";
        let out = shorten(frame, true, None, &Pen::default()).0;
        assert_eq!(
            out,
            b"\x1b[3;2H\x1b[90mthe dashboards\x1b[40Gend".to_vec(),
            "{:?}",
            String::from_utf8_lossy(&out)
        );
        assert_eq!(as_seen(&out), as_seen(frame));
        // Not known to be blank: the cells skipped may hold anything, so they are
        // left as they are.
        assert!(
            shorten(frame, false, None, &Pen::default())
                .0
                .windows(4)
                .any(|w| w == b"\x1b[6G")
        );
        // A clear inside the frame makes the rest of it fresh.
        let cleared = [&b"\x1b[2J"[..], frame].concat();
        assert!(
            shorten(&cleared, false, None, &Pen::default())
                .0
                .windows(14)
                .any(|w| w == b"the dashboards")
        );
    }

    #[test]
    fn a_space_that_would_not_look_blank_is_never_drawn_into_a_gap() {
        // A background, reverse video, an underline: a space would show.
        for pen in [&b"\x1b[44m"[..], b"\x1b[7m", b"\x1b[4m", b"\x1b[38:5:1m"] {
            let frame = [b"\x1b[3;2H", pen, b"ab\x1b[3;5Hc"].concat();
            let out = shorten(&frame, true, None, &Pen::default()).0;
            assert!(
                out.ends_with(b"\x1b[5Gc"),
                "{:?}",
                String::from_utf8_lossy(&out)
            );
            assert_eq!(
                as_seen(&[b"\x1b[2J", &out[..]].concat()),
                as_seen(&[b"\x1b[2J", &frame[..]].concat())
            );
        }
        // Back to the default pen: spaces again.
        let frame = b"\x1b[3;2H\x1b[44mab\x1b[0mx\x1b[3;7Hc";
        assert!(
            shorten(frame, true, None, &Pen::default())
                .0
                .ends_with(b"x  c")
        );
        // Text it does not measure (wide characters): the column is not known.
        let frame = "\x1b[3;2H界\x1b[3;6Hc".as_bytes();
        assert!(
            shorten(frame, true, None, &Pen::default())
                .0
                .ends_with(b"\x1b[6Gc")
        );
    }

    #[test]
    fn a_move_to_where_the_cursor_is_is_left_out_and_the_end_is_known() {
        // The last frame left the cursor at row 22, column 2: a key there is the
        // character alone, and the cursor placed after it moves nowhere.
        let (out, end) = shorten(
            b"\x1b[22;2Ha\x1b[22;3H",
            false,
            Some((22, 2)),
            &Pen::default(),
        );
        assert_eq!(out, b"a".to_vec());
        assert_eq!(end, Some((22, 3)));
        // Not known: said in full, and the end known from there.
        let (out, end) = shorten(b"\x1b[22;2Ha\x1b[22;3H", false, None, &Pen::default());
        assert_eq!(out, b"\x1b[22;2Ha".to_vec());
        assert_eq!(end, Some((22, 3)));
        // Text it does not measure leaves the end unknown.
        let (_, end) = shorten("\x1b[5;2H界".as_bytes(), false, None, &Pen::default());
        assert_eq!(end, None);
    }

    #[test]
    fn a_move_it_cannot_read_is_left_as_it_was() {
        let frame = b"\x1b[3;1Ha\x1b[3;9;1Hc\x1b[0;0Hd";
        let out = shorten(frame, false, None, &Pen::default()).0;
        assert!(out.windows(8).any(|w| w == b"\x1b[3;9;1H"));
        assert!(
            out.ends_with(b"\x1b[0;0Hd"),
            "{:?}",
            String::from_utf8_lossy(&out)
        );
    }
}
