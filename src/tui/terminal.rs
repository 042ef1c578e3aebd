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
/// loop decides with [`FrameOut::send`] whether they go to the terminal.
/// Clones share the bytes: ratatui's backend holds one, the guard another.
#[derive(Debug, Default, Clone)]
pub struct FrameOut {
    bytes: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
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

/// Bytes that change nothing on screen by themselves: a synchronized update's start
/// and end, the colour resets ratatui ends every frame with, and hiding a cursor
/// already hidden.
const NOTHING: [&[u8]; 7] = [
    b"\x1b[?2026h",
    b"\x1b[?2026l",
    b"\x1b[39m",
    b"\x1b[49m",
    b"\x1b[59m",
    b"\x1b[0m",
    b"\x1b[?25l",
];

impl FrameOut {
    /// Sends the frame to the terminal and returns how many bytes went, unless all it
    /// holds is bytes that change nothing (an idle tick's frame): then nothing is sent
    /// (over a slow link, an idle console sends nothing) and 0 is returned.
    pub fn send(&mut self, out: &mut impl Write) -> io::Result<usize> {
        let mut bytes = self.held();
        let mut rest: &[u8] = &bytes;
        'strip: while !rest.is_empty() {
            for seq in NOTHING {
                if let Some(after) = rest.strip_prefix(seq) {
                    rest = after;
                    continue 'strip;
                }
            }
            break;
        }
        let sent = if rest.is_empty() {
            0
        } else {
            out.write_all(&bytes)?;
            out.flush()?;
            bytes.len()
        };
        bytes.clear();
        Ok(sent)
    }

    /// The bytes held (a poisoned lock still holds bytes worth sending).
    fn held(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.bytes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
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
    io::stdout().write_all(b"\x1b[22;0t")?;
    // The alternate screen is cleared on the way in: one left on by a dropped SSH
    // session may still hold an old console's cells, which would show through.
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        terminal::Clear(terminal::ClearType::All),
        EnableBracketedPaste,
        cursor::Hide
    )
}

/// Leaves console mode. Safe to call twice, and when the terminal is gone (SIGHUP):
/// errors are ignored because there is nobody left to tell.
pub fn restore() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
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
        execute!(io::stdout(), terminal::Clear(terminal::ClearType::All))?;
        self.terminal = Terminal::new(CrosstermBackend::new(self.frame.clone()))?;
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}
