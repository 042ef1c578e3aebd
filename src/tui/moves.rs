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

/// The frame `bytes` with its cursor positions said as briefly as they can be.
pub fn shorten(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    // The row the cursor is on, when known.
    let mut row: Option<u32> = None;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == 0x1b {
            let Some((len, params, last)) = super::sgr::csi(&bytes[i..]) else {
                // Another escape (OSC, a charset): followed no further.
                row = None;
                out.push(byte);
                i += 1;
                continue;
            };
            match (last, position(params)) {
                (b'H', Some((to_row, to_col))) => {
                    out.extend_from_slice(&move_to(row, to_row, to_col));
                    row = Some(to_row);
                }
                // Colours, and modes (the cursor shown or hidden, synchronized
                // updates), move nothing; neither do the erases.
                (b'm' | b'J' | b'K', _) => {}
                (b'h' | b'l', _) if params.starts_with(b"?") => {}
                _ => row = None,
            }
            if last != b'H' || position(params).is_none() {
                out.extend_from_slice(&bytes[i..i + len]);
            }
            i += len;
            continue;
        }
        if byte < 0x20 || byte == 0x7f {
            row = None;
        }
        out.push(byte);
        i += 1;
    }
    out
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

    #[test]
    fn moves_on_a_row_and_to_the_next_are_short_and_others_whole() {
        let frame = b"\x1b[3;1Hab\x1b[3;50Hc\x1b[3;1Hd\x1b[4;1He\x1b[9;7Hf\x1b[31mg\x1b[9;20Hh";
        assert_eq!(
            shorten(frame),
            b"\x1b[3Hab\x1b[50Gc\rd\r\ne\x1b[9;7Hf\x1b[31mg\x1b[20Gh".to_vec()
        );
    }

    #[test]
    fn anything_not_followed_forgets_the_row() {
        // A line feed, a cursor save, an unknown sequence: the next move is whole.
        for between in [&b"\n"[..], b"\x1b7", b"\x1b[2A", b"\x1b]0;t\x07"] {
            let frame = [&b"\x1b[3;1Hab"[..], between, b"\x1b[3;9Hc"].concat();
            let out = shorten(&frame);
            assert!(
                out.ends_with(b"\x1b[3;9Hc"),
                "{:?}",
                String::from_utf8_lossy(&out)
            );
        }
        // Colours, erases, and private modes move nothing.
        let frame = b"\x1b[3;1Ha\x1b[0;90m\x1b[K\x1b[?25l\x1b[3;9Hc";
        assert!(shorten(frame).ends_with(b"\x1b[9Gc"));
    }

    #[test]
    fn a_move_it_cannot_read_is_left_as_it_was() {
        let frame = b"\x1b[3;1Ha\x1b[3;9;1Hc\x1b[0;0Hd";
        let out = shorten(frame);
        assert!(out.windows(8).any(|w| w == b"\x1b[3;9;1H"));
        assert!(
            out.ends_with(b"\x1b[0;0Hd"),
            "{:?}",
            String::from_utf8_lossy(&out)
        );
    }
}
