//! The real binary in a real pseudo-terminal, with a vt100 screen to read.

use std::io::{Read, Write};
use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::{Env, bin};

/// What the terminal was asked to do besides drawing (title, clipboard).
#[derive(Default)]
pub struct Requests {
    pub titles: Vec<Vec<u8>>,
    pub clipboard: Vec<Vec<u8>>,
}

impl vt100::Callbacks for Requests {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
}

/// A console running in a pseudo-terminal.
pub struct Console {
    pub parser: Arc<Mutex<vt100::Parser<Requests>>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    /// Set when the reader has seen the end of the program's output.
    drained: Arc<AtomicBool>,
    /// Asks the reader to stop and close its descriptor (for [`Console::hang_up`]).
    stop_reading: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
    writer: Option<Box<dyn Write + Send>>,
    child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
}

pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Whether the timeline pane's rows (under its title, above its bottom border) show
/// `text`.
pub fn timeline_has(screen: &str, text: &str) -> bool {
    screen
        .lines()
        .skip_while(|l| !l.contains("Timeline"))
        .skip(1)
        // The pane ends at its bottom border, shared with the entry box below it.
        .take_while(|l| !l.starts_with('└') && !l.starts_with('├'))
        .any(|l| l.contains(text))
}

/// Whether a draft file of this env's consoles holds `text`.
pub fn drafts_holding(env: &Env, text: &str) -> bool {
    draft_files(env)
        .iter()
        .any(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains(text)))
}

/// The draft files of this env's consoles.
pub fn draft_files(env: &Env) -> Vec<std::path::PathBuf> {
    let drafts = env.path("state").join("warroom").join("drafts");
    std::fs::read_dir(drafts)
        .into_iter()
        .flatten()
        .flatten()
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect()
}

impl Console {
    /// Starts the console on the env's database (80x24) and waits until it shows
    /// `text` and follows the log.
    pub fn following(env: &Env, text: &str) -> Console {
        let console = Console::start(env, &[]);
        console.wait_text(text);
        console.wait_text("following");
        console
    }

    /// Starts `warroom ARGS` on the env's database in an 80x24 terminal.
    pub fn start(env: &Env, args: &[&str]) -> Console {
        Console::start_sized(env, args, 24, 80)
    }

    /// Starts `warroom ARGS` with extra environment variables.
    pub fn start_with(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> Console {
        Console::spawn(env, args, 24, 80, vars)
    }

    pub fn start_sized(env: &Env, args: &[&str], rows: u16, cols: u16) -> Console {
        Console::spawn(env, args, rows, cols, &[])
    }

    /// Starts `warroom ARGS` at a size, with extra environment variables.
    pub fn spawn_sized_with(
        env: &Env,
        args: &[&str],
        rows: u16,
        cols: u16,
        vars: &[(&str, &str)],
    ) -> Console {
        Console::spawn(env, args, rows, cols, vars)
    }

    /// Starts `program ARGS` (which runs warroom in turn, like `setpriv ... warroom`) in
    /// an 80x24 terminal with the env's settings.
    pub fn start_command(env: &Env, program: &str, args: &[&str]) -> Console {
        Console::spawn_program(env, program, args, 24, 80, &[], &[])
    }

    fn spawn(env: &Env, args: &[&str], rows: u16, cols: u16, vars: &[(&str, &str)]) -> Console {
        Console::spawn_program(env, bin(), args, rows, cols, vars, &[])
    }

    /// Starts the console in an 80x24 terminal whose screen already shows `before`
    /// (what an earlier program, or a session that dropped, left on it).
    pub fn start_on_screen(env: &Env, args: &[&str], before: &[u8]) -> Console {
        Console::spawn_program(env, bin(), args, 24, 80, &[], before)
    }

    /// `program` in a `rows` x `cols` terminal with `vars` set, on a screen that
    /// already shows `before`.
    fn spawn_program(
        env: &Env,
        program: &str,
        args: &[&str],
        rows: u16,
        cols: u16,
        vars: &[(&str, &str)],
        before: &[u8],
    ) -> Console {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("WARROOM_DB", &env.db);
        cmd.env("WARROOM_USER", "alice");
        cmd.env("TZ", "UTC");
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", env.path("home"));
        cmd.env("XDG_STATE_HOME", env.path("state"));
        cmd.env("XDG_DATA_HOME", env.path("data"));
        cmd.env("XDG_CONFIG_HOME", super::config_home(&env.db));
        cmd.env_remove("WARROOM_CONFIG");
        cmd.env_remove("WARROOM_RING");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("WARROOM_THEME");
        cmd.cwd(env.dir.path());
        for (key, value) in vars {
            cmd.env(key, value);
        }
        let size = |n: u16| std::num::NonZeroU16::new(n).expect("non-zero size");
        let parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            size(rows),
            size(cols),
            0,
            Requests::default(),
        )));
        parser.lock().unwrap().process(before);
        let child = pty.slave.spawn_command(cmd).expect("spawn warroom");
        drop(pty.slave);
        let raw = Arc::new(Mutex::new(Vec::new()));
        // The reader polls a descriptor of its own, so that it can be told to stop and
        // close it: the terminal hangs up only once every master descriptor is closed.
        let mut reader = std::fs::File::from(
            rustix::io::dup(master_fd(pty.master.as_ref())).expect("dup the master"),
        );
        let drained = Arc::new(AtomicBool::new(false));
        let stop_reading = Arc::new(AtomicBool::new(false));
        let (p, r, d, stop) = (
            parser.clone(),
            raw.clone(),
            drained.clone(),
            stop_reading.clone(),
        );
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                use rustix::event::{PollFd, PollFlags, Timespec, poll};
                let mut fds = [PollFd::new(&reader, PollFlags::IN)];
                let wait = Timespec {
                    tv_sec: 0,
                    tv_nsec: 20_000_000,
                };
                if !poll(&mut fds, Some(&wait)).is_ok_and(|n| n > 0) {
                    continue;
                }
                match reader.read(&mut buf) {
                    // The end (EIO on Linux once the terminal's last user has gone).
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                        p.lock().unwrap().process(&buf[..n]);
                    }
                }
            }
            d.store(true, Ordering::Release);
        });
        let writer = pty.master.take_writer().expect("pty writer");
        Console {
            parser,
            raw,
            drained,
            stop_reading,
            reader: Some(reader),
            writer: Some(writer),
            child,
            master: Some(pty.master),
        }
    }

    /// Closes the terminal's master side, as a terminal emulator, tmux or sshd does
    /// when its window, session or connection goes: the program's terminal hangs up.
    pub fn hang_up(&mut self) {
        self.stop_reading.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader ends");
        }
        self.writer = None;
        self.master = None;
    }

    /// Whether the program has exited (without waiting).
    pub fn exited(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_some()
    }

    /// Types bytes as a user would.
    pub fn send(&mut self, keys: &str) {
        let writer = self.writer.as_mut().expect("the terminal is open");
        writer.write_all(keys.as_bytes()).expect("write to pty");
        writer.flush().expect("flush pty");
    }

    /// The screen's text now.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen satisfies `check`; panics with the screen after TIMEOUT.
    pub fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {what}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the bytes written after offset `from` contain `needle`.
    pub fn wait_bytes(&self, what: &str, from: usize, needle: &[u8]) {
        let start = Instant::now();
        while !self.raw.lock().unwrap()[from..]
            .windows(needle.len())
            .any(|w| w == needle)
        {
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out waiting for {what}; the screen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the screen shows `text`.
    pub fn wait_text(&self, text: &str) {
        self.wait_for(&format!("{text:?}"), |s| s.contains(text));
    }

    /// Resizes the terminal (the program gets SIGWINCH).
    pub fn resize(&mut self, rows: u16, cols: u16) {
        let size = |n: u16| std::num::NonZeroU16::new(n).expect("non-zero size");
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(size(rows), size(cols));
        self.master
            .as_ref()
            .expect("the terminal is open")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
    }

    /// Waits until the program's terminal holds at least `n` bytes it has not read
    /// (keys sent to a stopped program are in its input queue, not in flight); panics
    /// after TIMEOUT.
    pub fn wait_unread(&self, n: u64) {
        use rustix::fs::{Mode, OFlags};
        let name = self
            .master
            .as_ref()
            .and_then(|master| master.tty_name())
            .expect("the terminal's name");
        let flags = OFlags::RDONLY | OFlags::NOCTTY | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let tty = rustix::fs::open(&name, flags, Mode::empty()).expect("open the terminal");
        super::wait_for("the keys in the terminal's input queue", TIMEOUT, || {
            rustix::io::ioctl_fionread(&tty).is_ok_and(|unread| unread >= n)
        });
    }

    pub fn pid(&self) -> i32 {
        self.child.process_id().expect("pid") as i32
    }

    /// Sends a signal to the program.
    pub fn signal(&self, signal: super::Signal) {
        super::send_signal(self.pid(), signal);
    }

    /// Waits for the program to exit and for everything it wrote to be read; panics
    /// after TIMEOUT.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                while !self.drained.load(Ordering::Acquire) {
                    if start.elapsed() > TIMEOUT {
                        panic!("the console exited but its output never ended");
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                return status;
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("the console did not exit; the screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the terminal is back in cooked mode (canonical input, echo on).
    pub fn cooked(&self) -> bool {
        use rustix::termios::LocalModes;
        let master = self.master.as_ref().expect("the terminal is open");
        let t = rustix::termios::tcgetattr(master_fd(master.as_ref())).expect("tcgetattr");
        t.local_modes.contains(LocalModes::ICANON) && t.local_modes.contains(LocalModes::ECHO)
    }

    /// Whether the screen is the alternate one.
    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Every byte the program wrote.
    pub fn bytes(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The terminal's master descriptor, borrowed for as long as `master` lives.
#[allow(unsafe_code)] // portable-pty hands out only the raw number
fn master_fd(master: &dyn MasterPty) -> BorrowedFd<'_> {
    let fd = master.as_raw_fd().expect("master fd");
    // SAFETY: `master` owns the descriptor and keeps it open while it is borrowed.
    unsafe { BorrowedFd::borrow_raw(fd) }
}
