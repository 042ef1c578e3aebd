//! Reading the keyboard: a thread of its own reads the terminal, turns the bytes into
//! key and paste events, and sends them to the loop.
//!
//! crossterm's own reader is not used, for two faults in it: it reads 1 KiB when the
//! terminal becomes readable and then waits for the next notice (edge-triggered), so
//! the rest of a longer burst (a held key over a slow link, a paste without bracketed
//! paste) waited in the terminal until another key came; and it ignored the end of
//! input and read errors, so a console whose terminal had gone read in a loop at full
//! speed forever. Here the terminal is polled level-triggered (what is left is read at
//! once) and the end of input or a read error ends the console.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc::UnboundedSender;

/// What the keyboard reader tells the loop.
#[derive(Debug)]
pub enum Input {
    /// A key press, a paste, a focus change.
    Event(Event),
    /// The terminal is gone (end of input, a read error, a hang-up): the console ends.
    Gone(String),
}

/// How much is read at once; a burst longer than this is read in several goes, at once.
const READ_SIZE: usize = 64 * 1024;
/// How long the reader sleeps in `poll` before looking whether it should stop.
const POLL: Duration = Duration::from_millis(200);

/// The running reader; dropping it stops the thread (within [`POLL`]).
pub struct Reader {
    stop: Arc<AtomicBool>,
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The terminal to read: standard input when it is one, else `/dev/tty` (as crossterm
/// does, so that raw mode and reading are on the same terminal).
fn terminal() -> io::Result<Terminal> {
    if rustix::termios::isatty(rustix::stdio::stdin()) {
        return Ok(Terminal::Stdin);
    }
    use rustix::fs::{Mode, OFlags};
    let tty = rustix::fs::open("/dev/tty", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    Ok(Terminal::Opened(tty))
}

enum Terminal {
    Stdin,
    Opened(OwnedFd),
}

impl AsFd for Terminal {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Terminal::Stdin => rustix::stdio::stdin(),
            Terminal::Opened(fd) => fd.as_fd(),
        }
    }
}

/// Starts reading the terminal; events go to `out` until the terminal is gone or the
/// returned reader is dropped.
pub fn start(out: UnboundedSender<Input>) -> io::Result<Reader> {
    let tty = terminal()?;
    let stop = Arc::new(AtomicBool::new(false));
    let theirs = stop.clone();
    std::thread::Builder::new()
        .name("keyboard".into())
        .spawn(move || {
            let gone = read_loop(&tty, &theirs, &out);
            if let Some(reason) = gone {
                let _ = out.send(Input::Gone(reason));
            }
        })?;
    Ok(Reader { stop })
}

/// Reads until stopped (`None`) or the terminal is gone (`Some(why)`).
fn read_loop(tty: &Terminal, stop: &AtomicBool, out: &UnboundedSender<Input>) -> Option<String> {
    use rustix::event::{PollFd, PollFlags, poll};
    use rustix::io::Errno;
    let mut parser = Parser::default();
    let mut buf = vec![0u8; READ_SIZE];
    let timeout = crate::poll::timeout(POLL);
    loop {
        if stop.load(Ordering::SeqCst) {
            return None;
        }
        let mut fds = [PollFd::new(tty, PollFlags::IN)];
        match poll(&mut fds, Some(&timeout)) {
            Err(Errno::INTR) | Ok(0) => continue,
            Err(e) => {
                let e = io::Error::from(e);
                return Some(format!("cannot wait for the terminal: {e}"));
            }
            Ok(_) => {}
        }
        let revents = fds[0].revents();
        if revents.contains(PollFlags::NVAL) {
            return Some("the terminal is closed".into());
        }
        if !revents.intersects(PollFlags::IN | PollFlags::HUP | PollFlags::ERR) {
            continue;
        }
        let n = match rustix::io::read(tty, &mut buf).map_err(io::Error::from) {
            Ok(n) => n,
            Err(e) => match e.kind() {
                io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => continue,
                // EIO: the terminal hung up (its other end closed).
                _ => return Some(format!("the terminal cannot be read: {e}")),
            },
        };
        if n == 0 {
            return Some("the terminal closed (end of input)".into());
        }
        for event in parser.feed(&buf[..n]) {
            if out.send(Input::Event(event)).is_err() {
                return None;
            }
        }
    }
}

/// Turns terminal bytes into events, a sequence at a time, keeping an unfinished one
/// for the next read.
#[derive(Default)]
struct Parser {
    pending: Vec<u8>,
}

/// The longest unfinished sequence kept; past it (no terminal sends one so long, but a
/// paste without its end marker could), the bytes are dropped.
const MAX_PENDING: usize = 1024 * 1024;

impl Parser {
    /// The events in `bytes` (with what was left unfinished before). An escape at the
    /// very end of a read is the Escape key: a terminal sends a sequence in one write.
    fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        for (i, byte) in bytes.iter().enumerate() {
            let more = i + 1 < bytes.len();
            // Escape then Ctrl-C typed quickly arrive together; read them as the two
            // keys they are, so that Ctrl-C still quits.
            if *byte == 0x03 && self.pending == [0x1b] {
                self.pending.clear();
                events.push(key(KeyCode::Esc, KeyModifiers::NONE));
            }
            self.pending.push(*byte);
            if (self.pending == [0x1b] || self.pending == [0x1b, b'O']) && more {
                continue;
            }
            // The numeric keypad in application mode (PuTTY's default, some xterm
            // setups) sends SS3 sequences: its keys type what is printed on them.
            if let [0x1b, b'O', last] = self.pending[..]
                && let Some(code) = keypad(last)
            {
                self.pending.clear();
                events.push(key(code, KeyModifiers::NONE));
                continue;
            }
            match terminput::Event::parse_from(&self.pending) {
                Ok(Some(event)) => {
                    self.pending.clear();
                    if let Ok(event) = terminput_crossterm::to_crossterm(event) {
                        events.push(event);
                    }
                }
                Ok(None) if self.pending.len() > MAX_PENDING => self.pending.clear(),
                Ok(None) => {}
                Err(_) => self.pending.clear(),
            }
        }
        events
    }
}

/// The key of the application keypad's SS3 sequence ending in `last` (`ESC O q` is
/// the keypad's 1, `ESC O M` its Enter), if it is one.
fn keypad(last: u8) -> Option<KeyCode> {
    Some(match last {
        b'p'..=b'y' => KeyCode::Char(char::from(b'0' + (last - b'p'))),
        b'M' => KeyCode::Enter,
        b'j' => KeyCode::Char('*'),
        b'k' => KeyCode::Char('+'),
        // VT100's keypad comma; PuTTY's keypad + sends it.
        b'l' => KeyCode::Char('+'),
        b'm' => KeyCode::Char('-'),
        b'n' => KeyCode::Char('.'),
        b'o' => KeyCode::Char('/'),
        b'X' => KeyCode::Char('='),
        _ => return None,
    })
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(parser: &mut Parser, bytes: &[u8]) -> Vec<(KeyCode, KeyModifiers)> {
        parser
            .feed(bytes)
            .into_iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some((k.code, k.modifiers)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_burst_far_over_a_kilobyte_is_every_key_in_it() {
        let mut parser = Parser::default();
        let burst = "x".repeat(5000) + "\r";
        let got = keys(&mut parser, burst.as_bytes());
        assert_eq!(got.len(), 5001);
        assert_eq!(got[5000].0, KeyCode::Enter);
    }

    #[test]
    fn sequences_split_across_reads_are_joined_and_a_lone_escape_is_escape() {
        let mut parser = Parser::default();
        assert!(keys(&mut parser, b"\x1b[").is_empty(), "unfinished: kept");
        assert_eq!(keys(&mut parser, b"A"), [(KeyCode::Up, KeyModifiers::NONE)]);
        assert_eq!(
            keys(&mut parser, b"\x1b"),
            [(KeyCode::Esc, KeyModifiers::NONE)]
        );
        assert_eq!(
            keys(&mut parser, b"\x1b\r"),
            [(KeyCode::Enter, KeyModifiers::ALT)],
            "Alt-Enter stays one key"
        );
        assert_eq!(
            keys(&mut parser, b"\x1b\x03"),
            [
                (KeyCode::Esc, KeyModifiers::NONE),
                (KeyCode::Char('c'), KeyModifiers::CONTROL)
            ],
            "Escape then Ctrl-C, not Alt-Ctrl-C"
        );
        assert_eq!(
            keys(&mut parser, "é€".as_bytes()),
            [
                (KeyCode::Char('é'), KeyModifiers::NONE),
                (KeyCode::Char('€'), KeyModifiers::NONE)
            ]
        );
    }

    #[test]
    fn a_bracketed_paste_is_one_event_even_split_across_reads() {
        let mut parser = Parser::default();
        assert!(parser.feed(b"\x1b[200~line one\rline").is_empty());
        let events = parser.feed(b" two\x1b[201~");
        assert_eq!(events.len(), 1);
        let Event::Paste(text) = &events[0] else {
            panic!("{events:?}")
        };
        assert!(
            text.contains("line one") && text.contains("line two"),
            "{text:?}"
        );
    }

    #[test]
    fn the_application_keypad_types_its_digits_and_enter_commits() {
        let mut parser = Parser::default();
        let none = KeyModifiers::NONE;
        assert_eq!(
            keys(&mut parser, b"\x1bOq\x1bOr\x1bOn\x1bOy\x1bOM"),
            [
                (KeyCode::Char('1'), none),
                (KeyCode::Char('2'), none),
                (KeyCode::Char('.'), none),
                (KeyCode::Char('9'), none),
                (KeyCode::Enter, none),
            ]
        );
        // F1 (ESC O P) and the arrows in application cursor mode are still theirs.
        assert_eq!(keys(&mut parser, b"\x1bOP"), [(KeyCode::F(1), none)]);
        assert_eq!(keys(&mut parser, b"\x1bOA"), [(KeyCode::Up, none)]);
        // Split across reads, it is still the keypad's key.
        assert!(keys(&mut parser, b"\x1bO").is_empty());
        assert_eq!(keys(&mut parser, b"p"), [(KeyCode::Char('0'), none)]);
    }
}
