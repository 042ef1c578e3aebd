//! The terminal guard: raw mode and the alternate screen on the way in, and always
//! restored on the way out (drop, panic, signal, suspend).

use std::io::{self, Write};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal the console draws on: ratatui writes a frame into a [`FrameOut`],
/// which the loop sends whole, or not at all when the frame changes nothing.
pub type Term = Terminal<CrosstermBackend<FrameOut>>;

/// A frame's bytes, held until the frame is complete. `flush` holds them too: the
/// loop decides with [`FrameOut::send`] what goes to the terminal.
/// Clones share the bytes: ratatui's backend holds one, the guard another.
#[derive(Debug, Default, Clone)]
pub struct FrameOut {
    bytes: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    /// Whether the terminal's cursor is shown now, as the frames sent left it (hidden
    /// on the way in).
    cursor_shown: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The screen was cleared since the last frame sent ([`FrameOut::cleared`]).
    fresh: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Where the last frame left the terminal's cursor (row, column), when known and
    /// nothing outside the frames has moved it since.
    at: std::sync::Arc<std::sync::Mutex<Option<(u32, u32)>>>,
    /// What the last frame left the terminal drawing with (frames end with no reset).
    pen: std::sync::Arc<std::sync::Mutex<super::sgr::Pen>>,
}

impl Write for FrameOut {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.held().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
const SYNC_END: &[u8] = b"\x1b[?2026l";
const HIDE: &[u8] = b"\x1b[?25l";
const SHOW: &[u8] = b"\x1b[?25h";
/// What ratatui ends every frame with: every colour and attribute back to default.
const RESETS: &[u8] = b"\x1b[39m\x1b[49m\x1b[59m\x1b[0m";
/// A frame below this size is sent without synchronized-update markers: a terminal
/// draws a few cells at once anyway, and the markers would double a keystroke's cost.
const SYNC_FROM: usize = 256;

impl FrameOut {
    /// Sends the frame to the terminal, as few bytes as show the same: nothing for a
    /// frame that changes nothing (an idle tick), no synchronized-update markers around
    /// a small one, no closing resets (the pen is carried to the next frame), colours
    /// said once and only when they change
    /// ([`super::sgr::tighten`]), moves said briefly ([`super::moves::shorten`]), and
    /// the cursor shown or hidden only when that
    /// changes. Returns how many bytes went.
    pub fn send(&mut self, out: &mut impl Write) -> io::Result<usize> {
        let mut body = std::mem::take(&mut *self.held());
        remove_all(&mut body, SYNC_BEGIN);
        remove_all(&mut body, SYNC_END);
        // The cursor: only a change of whether it shows is sent.
        let shown = self.cursor_shown.load(std::sync::atomic::Ordering::Relaxed);
        let last_hide = find_last(&body, HIDE);
        let last_show = find_last(&body, SHOW);
        let ends_shown = match (last_hide, last_show) {
            (Some(h), Some(s)) => s > h,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (None, None) => shown,
        };
        remove_all(&mut body, HIDE);
        remove_all(&mut body, SHOW);
        // ratatui closes each frame with resets: the pen is carried to the next frame
        // instead (given back to the default whenever anything else writes).
        remove_all(&mut body, RESETS);
        if ends_shown != shown {
            body.extend_from_slice(if ends_shown { SHOW } else { HIDE });
            self.cursor_shown
                .store(ends_shown, std::sync::atomic::Ordering::Relaxed);
        }
        // Colours, attributes and moves in as few bytes as draw the same cells.
        let fresh = self.fresh.swap(false, std::sync::atomic::Ordering::Relaxed);
        let mut at = self
            .at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A frame that clears the screen follows a resize, which may have moved the
        // cursor: its moves start from nothing known.
        let from = if find_last(&body, b"\x1b[2J").is_some() {
            None
        } else {
            *at
        };
        let mut pen = self.pen();
        let (tight, after) = super::sgr::tighten(&body, &pen);
        let (body, end) = super::moves::shorten(&tight, fresh, from, &pen);
        *pen = after;
        drop(pen);
        *at = end;
        drop(at);
        if body.is_empty() {
            return Ok(0);
        }
        let framed = if body.len() >= SYNC_FROM {
            [SYNC_BEGIN, &body, SYNC_END].concat()
        } else {
            body
        };
        out.write_all(&framed)?;
        out.flush()?;
        Ok(framed.len())
    }

    /// Notes that the screen was cleared, the cursor hidden and the pen reset outside
    /// a frame (on the way in, back from a suspend, a repaint): the next frame draws on
    /// blank cells, from the default pen.
    pub fn cleared(&self) {
        *self.pen() = super::sgr::Pen::default();
        self.cursor_shown
            .store(false, std::sync::atomic::Ordering::Relaxed);
        self.fresh.store(true, std::sync::atomic::Ordering::Relaxed);
        self.forget_cursor();
    }

    /// Whether the screen was cleared outside the frames since the last frame was sent
    /// ([`FrameOut::cleared`]): the next frame draws on blank cells.
    pub fn was_cleared(&self) -> bool {
        self.fresh.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Notes that the cursor may have moved outside the frames: the next frame's first
    /// move is said in full.
    pub fn forget_cursor(&self) {
        *self
            .at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// The pen the terminal has (a poisoned lock still knows it).
    fn pen(&self) -> std::sync::MutexGuard<'_, super::sgr::Pen> {
        self.pen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The bytes held (a poisoned lock still holds bytes worth sending).
    fn held(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.bytes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Removes every `needle` from `bytes`; whether there was one.
fn remove_all(bytes: &mut Vec<u8>, needle: &[u8]) -> bool {
    let mut found = false;
    while let Some(at) = find_last(bytes, needle) {
        bytes.drain(at..at + needle.len());
        found = true;
    }
    found
}

fn find_last(bytes: &[u8], needle: &[u8]) -> Option<usize> {
    bytes.windows(needle.len()).rposition(|w| w == needle)
}

/// Puts the terminal into console mode; restores it when dropped.
pub struct TerminalGuard {
    /// The ratatui terminal.
    pub terminal: Term,
    /// The frame being written, shared with the terminal's backend.
    pub frame: FrameOut,
}

fn enter() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    // The terminal keeps its title on its title stack (XTWINOPS 22), given back on
    // the way out (23); a terminal without the stack ignores both.
    // The default pen: the screen is cleared with it, and frames start from it.
    io::stdout().write_all(b"\x1b[0m\x1b[22;0t")?;
    // The alternate screen is cleared on the way in: one left on by a dropped SSH
    // session may still hold an old console's cells, which would show through.
    // Automatic wrap off: text never moves the cursor to another row, so a frame can
    // say a move on the same row by its column alone (`super::moves`).
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        terminal::Clear(terminal::ClearType::All),
        terminal::DisableLineWrap,
        EnableBracketedPaste,
        cursor::Hide
    )
}

/// Leaves console mode. Safe to call twice, and when the terminal is gone (SIGHUP):
/// errors are ignored because there is nobody left to tell.
pub fn restore() {
    let mut out = io::stdout();
    // The last frame left its pen on (frames end with no reset): the shell gets the
    // default back.
    let _ = out.write_all(b"\x1b[0m");
    let _ = execute!(
        out,
        DisableBracketedPaste,
        terminal::EnableLineWrap,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.write_all(b"\x1b[23;0t");
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen, and chains a panic hook that restores
    /// the terminal before the panic message is printed.
    pub fn new() -> io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        enter()?;
        let frame = FrameOut::default();
        frame.cleared();
        let terminal = Terminal::new(CrosstermBackend::new(frame.clone()))?;
        Ok(TerminalGuard { terminal, frame })
    }

    /// Ctrl-Z: gives the terminal back, stops the process, and takes the terminal again
    /// when the shell resumes it.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore();
        // SIGTSTP's default action stops the process until the shell resumes it.
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
        enter()?;
        self.frame.cleared();
        // Not `Terminal::clear`: it asks the terminal where the cursor is, and the
        // event stream, which owns stdin, would swallow the answer. A fresh terminal
        // with an empty previous frame redraws everything on a cleared screen instead.
        execute!(io::stdout(), terminal::Clear(terminal::ClearType::All))?;
        self.terminal = Terminal::new(CrosstermBackend::new(self.frame.clone()))?;
        Ok(())
    }
}

impl TerminalGuard {
    /// Ctrl-L: clears the terminal and forgets the last frame, so the next one draws
    /// every cell (whatever another program or a dropped link left on the screen).
    pub fn repaint(&mut self) -> io::Result<()> {
        // Colours and the cursor back to what the frames assume: another program may
        // have left them otherwise.
        io::stdout().write_all(b"\x1b[0m")?;
        // Automatic wrap off again too: the frames' short cursor moves rely on it.
        execute!(
            io::stdout(),
            terminal::DisableLineWrap,
            terminal::Clear(terminal::ClearType::All),
            cursor::Hide
        )?;
        self.frame.cleared();
        self.terminal = Terminal::new(CrosstermBackend::new(self.frame.clone()))?;
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{App, Msg, update};
    use crate::tui::seen::{at_80x24, cells, cleared_80x24, demo_app, whole_frame};

    /// The console's own frames (the sample incidents, every theme, a first frame and
    /// one after a key) draw the same cells with their colours said once, in fewer bytes.
    #[test]
    fn a_frame_with_its_colours_tightened_draws_the_same_cells_in_fewer_bytes() {
        let mut app = demo_app(false);
        use crate::ui::theme::ColorDepth;
        let depths = [
            ColorDepth::TrueColor,
            ColorDepth::Indexed,
            ColorDepth::Ansi16,
        ];
        for (name, depth) in ["dark", "light", "high-contrast", "mono"]
            .into_iter()
            .flat_map(|n| depths.map(|d| (n, d)))
        {
            let theme = crate::ui::Theme::builtin(name).unwrap().for_depth(depth);
            let out = FrameOut::default();
            let mut terminal = at_80x24(&out);
            let mut loose = Vec::new();
            let mut tight = Vec::new();
            // Frames after each other, each starting from the pen the one before left.
            use crate::app::Action::{Down, FocusNext, FocusPrev, Up};
            for step in [
                None,
                Some(FocusNext),
                Some(Up),
                Some(Up),
                Some(Down),
                Some(FocusPrev),
            ] {
                if let Some(action) = step {
                    update(&mut app, Msg::Action(action));
                }
                terminal
                    .draw(|f| crate::ui::render(f, &app, &theme))
                    .unwrap();
                let frame = out.held().clone();
                // As sent before this pass: the same frame, colours as ratatui said them.
                let mut plain = frame.clone();
                remove_all(&mut plain, RESETS);
                plain.extend_from_slice(b"\x1b[0m");
                loose.extend_from_slice(&plain);
                out.clone().send(&mut tight).unwrap();
            }
            assert_eq!(cells(&tight), cells(&loose), "{name} {depth:?}");
            // Coloured themes save a tenth to a quarter; mono has few colours to save.
            let most = if name == "mono" { 100 } else { 95 };
            assert!(
                tight.len() * 100 < loose.len() * most,
                "{name} {depth:?}: {} bytes from {}",
                tight.len(),
                loose.len()
            );
        }
    }

    /// Moving the timeline's selection by one entry rewrites two cells (the mark leaves
    /// one entry for the next), in a few dozen bytes: what a 56 kbit link carries for a
    /// j/k once scrolled.
    #[test]
    fn moving_the_selection_rewrites_two_cells() {
        let mut app = demo_app(false);
        let theme = crate::ui::Theme::builtin("dark").unwrap();
        let (out, mut terminal) = cleared_80x24();
        let mut sent = Vec::new();
        let mut frame = |app: &App, terminal: &mut Terminal<CrosstermBackend<FrameOut>>| {
            terminal
                .draw(|f| crate::ui::render(f, app, &theme))
                .unwrap();
            let mut bytes = Vec::new();
            out.clone().send(&mut bytes).unwrap();
            sent.extend_from_slice(&bytes);
            (bytes.len(), cells(&sent))
        };
        frame(&app, &mut terminal);
        update(&mut app, Msg::Action(crate::app::Action::Up));
        let (_, mut before) = frame(&app, &mut terminal);
        for action in [crate::app::Action::Up, crate::app::Action::Down] {
            update(&mut app, Msg::Action(action));
            let (bytes, after) = frame(&app, &mut terminal);
            let changed: Vec<usize> = (0..after.len())
                .filter(|&i| after[i] != before[i])
                .collect();
            let marks = changed
                .iter()
                .filter(|&&i| after[i].text == crate::ui::SELECTION_MARK)
                .count();
            assert_eq!(changed.len(), 2, "{action:?}: cells {changed:?}");
            assert_eq!(marks, 1, "{action:?}: one cell takes the mark");
            assert!(bytes <= 40, "{action:?}: {bytes} bytes");
            before = after;
        }
    }

    /// With the console's painter, a character typed at the end of the text is echoed
    /// as the character alone before the frame is drawn, and the frame after it then
    /// sends nothing: the echo foresaw it all.
    #[test]
    fn an_echoed_key_is_its_character_alone_and_the_frame_after_it_sends_nothing() {
        let mut app = demo_app(true);
        let theme = crate::ui::Theme::builtin("dark").unwrap();
        let (out, mut terminal) = cleared_80x24();
        let mut painter = crate::ui::Painter::default();
        let send = || {
            let mut bytes = Vec::new();
            out.clone().send(&mut bytes).unwrap();
            bytes
        };
        painter.draw(&mut terminal, &app, &theme).unwrap();
        send();
        update(&mut app, Msg::Typed("r".into()));
        assert!(painter.patch(&mut terminal, &app, &theme).unwrap());
        send();
        for key in ['o', 'l', 'l', ' ', 'b'] {
            assert!(crate::ui::echoes(&app));
            update(&mut app, Msg::Typed(key.into()));
            assert!(painter.echo(&mut terminal, key).unwrap(), "{key:?}");
            assert_eq!(send(), key.to_string().as_bytes());
            assert!(painter.patch(&mut terminal, &app, &theme).unwrap());
            assert_eq!(
                String::from_utf8_lossy(&send()),
                "",
                "after {key:?}: the echo foresaw the frame"
            );
        }
        // Not echoed: a wide character, and a key outside the box.
        assert!(!painter.echo(&mut terminal, '障').unwrap());
        update(&mut app, Msg::Action(crate::app::Action::Close));
        assert!(!crate::ui::echoes(&app));
    }

    /// A key typed into the entry box, where the terminal's cursor already is, is sent
    /// as the character alone; a frame that changes nothing sends nothing, though it
    /// places the cursor again; after the screen is cleared, moves are said in full.
    #[test]
    fn a_key_at_the_cursor_is_sent_as_its_character_alone() {
        let mut app = demo_app(true);
        let theme = crate::ui::Theme::builtin("dark").unwrap();
        let (out, mut terminal) = cleared_80x24();
        let sent = std::cell::RefCell::new(Vec::new());
        let frame = |app: &App, terminal: &mut Terminal<CrosstermBackend<FrameOut>>| {
            terminal
                .draw(|f| crate::ui::render(f, app, &theme))
                .unwrap();
            let mut bytes = Vec::new();
            out.clone().send(&mut bytes).unwrap();
            sent.borrow_mut().extend_from_slice(&bytes);
            bytes
        };
        frame(&app, &mut terminal);
        update(&mut app, Msg::Typed("r".into()));
        frame(&app, &mut terminal);
        for key in ["o", "l", "l"] {
            update(&mut app, Msg::Typed(key.into()));
            assert_eq!(frame(&app, &mut terminal), key.as_bytes());
        }
        assert!(frame(&app, &mut terminal).is_empty(), "nothing changed");
        // What reached the terminal draws the same screen as the last frame in full.
        let full = whole_frame(&app, &theme);
        assert_eq!(cells(&sent.borrow()), cells(&full));
        // Once the cursor may have moved elsewhere, the next move is said in full.
        out.forget_cursor();
        update(&mut app, Msg::Typed("s".into()));
        let bytes = frame(&app, &mut terminal);
        assert!(
            bytes.starts_with(b"\x1b[22;"),
            "{:?}",
            String::from_utf8_lossy(&bytes)
        );
    }
}
