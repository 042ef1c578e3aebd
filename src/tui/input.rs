//! Reading the keyboard: the console's own loop reads the terminal when it becomes
//! readable, and turns the bytes into key and paste events.
//!
//! crossterm's own reader is not used, for two faults in it: it reads 1 KiB when the
//! terminal becomes readable and then waits for the next notice (edge-triggered), so
//! the rest of a longer burst (a held key over a slow link, a paste without bracketed
//! paste) waited in the terminal until another key came; and it ignored the end of
//! input and read errors, so a console whose terminal had gone read in a loop at full
//! speed forever. Here everything readable is read at once, until the terminal says it
//! has nothing more, and the end of input or a read error ends the console.
//!
//! The terminal is read on the loop's own thread (tokio's `AsyncFd`), not on a thread
//! of its own: a key reaches the screen without waking a second thread first. For
//! that the terminal is opened again, as a file description of this process's own, and
//! made non-blocking; the one shared with the shell that started the console is left
//! as it was, so nothing is left non-blocking behind it however the console ends.

use std::collections::VecDeque;
use std::io;
use std::os::fd::OwnedFd;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tokio::io::unix::AsyncFd;

/// What the keyboard tells the loop.
#[derive(Debug)]
pub enum Input {
    /// A key press, a paste, a focus change.
    Event(Event),
    /// The terminal is gone (end of input, a read error, a hang-up): the console ends.
    Gone(String),
}

/// How much is read at once; a burst longer than this is read in several goes, at once.
const READ_SIZE: usize = 64 * 1024;

/// The terminal, opened again as this process's own non-blocking file description:
/// standard input's when it is a terminal, else the controlling terminal (as crossterm
/// does, so that raw mode and reading are on the same terminal).
fn terminal() -> io::Result<OwnedFd> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    if rustix::termios::isatty(rustix::stdio::stdin())
        && let Ok(fd) = rustix::fs::open("/proc/self/fd/0", flags, Mode::empty())
        && rustix::termios::isatty(&fd)
    {
        return Ok(fd);
    }
    Ok(rustix::fs::open("/dev/tty", flags, Mode::empty())?)
}

/// The terminal on the loop's reactor, woken when it can be read. tokio's registration
/// of a descriptor is `unsafe` (it cannot know the descriptor stays what it was; its safe
/// constructor is deprecated as unsound for that); an `OwnedFd` moved into it does.
#[allow(unsafe_code)]
fn register(tty: OwnedFd) -> io::Result<AsyncFd<OwnedFd>> {
    // SAFETY: `tty` is an open descriptor owned by the `AsyncFd` from here on: it is
    // closed only when the `AsyncFd` drops it, and `as_raw_fd` always gives the same
    // number.
    unsafe { AsyncFd::register_with_interest(tty, tokio::io::Interest::READABLE) }
        .map_err(io::Error::from)
}

/// The keyboard, read by the loop. Must be made inside the loop's runtime.
pub struct Keyboard {
    tty: AsyncFd<OwnedFd>,
    parser: Parser,
    buf: Vec<u8>,
    /// Events read and not yet taken; a `Gone` is the last.
    ready: VecDeque<Input>,
    gone: bool,
    /// The read that gave [`Keyboard::next`]'s event found less than it could take:
    /// everything the terminal held then, so the rest of its burst is read, not asked
    /// for again.
    short: bool,
}

impl Keyboard {
    /// Opens the terminal for reading.
    pub fn open() -> io::Result<Keyboard> {
        let tty = register(terminal()?)?;
        Ok(Keyboard {
            tty,
            parser: Parser::default(),
            buf: vec![0u8; READ_SIZE],
            ready: VecDeque::new(),
            gone: false,
            short: false,
        })
    }

    /// The next event, waiting for the terminal. Safe to drop while it waits (in
    /// `select!`): what was read is kept for the next call. After a `Gone` it waits
    /// forever.
    pub async fn next(&mut self) -> Input {
        loop {
            self.short = false;
            if let Some(input) = self.ready.pop_front() {
                return input;
            }
            if self.gone {
                std::future::pending::<()>().await;
            }
            let mut guard = match self.tty.readable().await {
                Ok(guard) => guard,
                Err(e) => {
                    self.gone = true;
                    return Input::Gone(format!("cannot wait for the terminal: {e}"));
                }
            };
            let (parser, buf, ready) = (&mut self.parser, &mut self.buf, &mut self.ready);
            if let Ok(result) = guard.try_io(|tty| read_once(tty.get_ref(), buf)) {
                self.short = matches!(result, Ok(n) if n < buf.len());
                if self.short {
                    // All it held is read: not readable again until more comes (tokio
                    // keeps a readiness that arrived after this guard's).
                    guard.clear_ready();
                }
                self.gone |= take(parser, &buf[..], result, ready);
            }
        }
    }

    /// An event already read or readable now, without waiting: the rest of a burst.
    /// `None` when there is none, or when the terminal is gone (then `next` says so).
    /// Right after a read that found all the terminal held, the terminal is not read
    /// again (a key typed alone costs one read, not two); the next call reads.
    pub fn try_next(&mut self) -> Option<Input> {
        if self.ready.is_empty() && !self.gone && !std::mem::take(&mut self.short) {
            let result = read_once(self.tty.get_ref(), &mut self.buf);
            if !matches!(&result, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
                self.gone |= take(&mut self.parser, &self.buf, result, &mut self.ready);
            }
        }
        match self.ready.front() {
            Some(Input::Event(_)) => self.ready.pop_front(),
            _ => None,
        }
    }
}

/// One read of the terminal; an interrupted read is tried again.
fn read_once(tty: &OwnedFd, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match rustix::io::read(tty, &mut *buf) {
            Err(rustix::io::Errno::INTR) => continue,
            other => return other.map_err(io::Error::from),
        }
    }
}

/// Turns what one read gave into events on `ready`; true when the terminal is gone
/// (then a `Gone` saying why is the last of them).
fn take(
    parser: &mut Parser,
    buf: &[u8],
    result: io::Result<usize>,
    ready: &mut VecDeque<Input>,
) -> bool {
    let why = match result {
        Ok(0) => "the terminal closed (end of input)".to_string(),
        Ok(n) => {
            ready.extend(parser.feed(&buf[..n]).into_iter().map(Input::Event));
            return false;
        }
        // EIO: the terminal hung up (its other end closed).
        Err(e) => format!("the terminal cannot be read: {e}"),
    };
    ready.push_back(Input::Gone(why));
    true
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
