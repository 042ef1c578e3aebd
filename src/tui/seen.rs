//! Test help: what an 80x24 terminal shows after some bytes, cell by cell, as read by
//! the `vt100` parser.

/// One cell: its text, colours and attributes (bold, dim, italic, underline, reverse).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub text: String,
    pub fg: vt100::Color,
    pub bg: vt100::Color,
    pub attributes: [bool; 5],
}

/// Every cell, row by row, as the terminal holds it after `bytes`.
pub fn cells(bytes: &[u8]) -> Vec<Seen> {
    let size = |n| std::num::NonZeroU16::new(n).expect("a size");
    let mut parser = vt100::Parser::new(size(24), size(80), 0);
    parser.process(bytes);
    let screen = parser.screen();
    (0..24)
        .flat_map(|row| (0..80).map(move |col| (row, col)))
        .map(|(row, col)| {
            let cell = screen.cell(row, col).expect("a cell on the screen");
            Seen {
                text: cell.contents().to_string(),
                fg: cell.fgcolor(),
                bg: cell.bgcolor(),
                attributes: [
                    cell.bold(),
                    cell.dim(),
                    cell.italic(),
                    cell.underline(),
                    cell.inverse(),
                ],
            }
        })
        .collect()
}

/// [`cells`] as a person sees them: a space and an untouched cell are the same blank,
/// whatever foreground, boldness or slant either has.
pub fn as_seen(bytes: &[u8]) -> Vec<Seen> {
    cells(bytes)
        .into_iter()
        .map(|mut cell| {
            if cell.text.trim().is_empty() {
                cell.text.clear();
                cell.fg = vt100::Color::Default;
                cell.attributes[0] = false;
                cell.attributes[1] = false;
                cell.attributes[2] = false;
            }
            cell
        })
        .collect()
}
