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

/// A terminal of 80x24 whose frames go to `out`, as the console's guard makes one.
pub fn at_80x24(out: &super::terminal::FrameOut) -> super::terminal::Term {
    ratatui::Terminal::with_options(
        ratatui::backend::CrosstermBackend::new(out.clone()),
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 80, 24)),
        },
    )
    .expect("a terminal")
}

/// The sample incidents loaded, as of now, by alice; with the entry box open when
/// `writing`.
pub fn demo_app(writing: bool) -> crate::app::App {
    use crate::app::{Action, App, Msg, update};
    let now = chrono::Utc::now();
    let mut app = App::new("alice", "w.db", None, now);
    update(&mut app, Msg::Events(crate::demo::events("demo", now)));
    update(&mut app, Msg::Loaded);
    if writing {
        update(&mut app, Msg::Action(Action::OpenEntry));
    }
    app
}

/// The bytes of `app` drawn whole on a cleared 80x24 screen, as the frame writer sends
/// them.
pub fn whole_frame(app: &crate::app::App, theme: &crate::ui::Theme) -> Vec<u8> {
    let (out, mut terminal) = cleared_80x24();
    terminal
        .draw(|f| crate::ui::render(f, app, theme))
        .expect("a frame");
    let mut bytes = Vec::new();
    out.clone().send(&mut bytes).expect("sent");
    bytes
}

/// A frame writer on a screen just cleared, and an 80x24 terminal that writes to it.
pub fn cleared_80x24() -> (super::terminal::FrameOut, super::terminal::Term) {
    let out = super::terminal::FrameOut::default();
    out.cleared();
    let terminal = at_80x24(&out);
    (out, terminal)
}
