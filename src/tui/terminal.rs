//! The terminal guard: raw mode and the alternate screen on the way in, and always
//! restored on the way out (drop, panic, signal, suspend).

use std::io::{self, Stdout, Write};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal the console draws on.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Puts the terminal into console mode; restores it when dropped.
pub struct TerminalGuard {
    /// The ratatui terminal.
    pub terminal: Term,
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
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(TerminalGuard { terminal })
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
        self.terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(())
    }
}

impl TerminalGuard {
    /// Ctrl-L: clears the terminal and forgets the last frame, so the next one draws
    /// every cell (whatever another program or a dropped link left on the screen).
    pub fn repaint(&mut self) -> io::Result<()> {
        execute!(io::stdout(), terminal::Clear(terminal::ClearType::All))?;
        self.terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}
