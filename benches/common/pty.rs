//! A program in a real pseudo-terminal at 80x24, for the benches that compare warroom
//! with vim: what it wrote, what its screen shows, and how much memory it holds.

// A panic is how a bench reports a failure.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

/// A program in a pseudo-terminal, with everything it wrote.
pub struct Pty {
    out: Arc<Mutex<Vec<u8>>>,
    screen: Arc<Mutex<vt100::Parser>>,
    /// How many reads the screen has taken in, and a signal after each: a wait for
    /// the screen to change wakes when it may have, not at the next poll.
    reads: Arc<(Mutex<u64>, Condvar)>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    started: Instant,
}

impl Pty {
    pub fn start(cmd: CommandBuilder) -> Pty {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let started = Instant::now();
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let out = Arc::new(Mutex::new(Vec::new()));
        let size = |n| std::num::NonZeroU16::new(n).unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(size(24), size(80), 0)));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let reads = Arc::new((Mutex::new(0), Condvar::new()));
        let (o, s, r) = (out.clone(), screen.clone(), reads.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                o.lock().unwrap().extend_from_slice(&buf[..n]);
                s.lock().unwrap().process(&buf[..n]);
                *r.0.lock().unwrap() += 1;
                r.1.notify_all();
            }
        });
        let writer = pty.master.take_writer().unwrap();
        Pty {
            out,
            screen,
            reads,
            writer,
            master: pty.master,
            child,
            started,
        }
    }

    pub fn len(&self) -> usize {
        self.out.lock().unwrap().len()
    }

    pub fn shows(&self, text: &str) -> bool {
        self.screen
            .lock()
            .unwrap()
            .screen()
            .contents()
            .contains(text)
    }

    /// Waits until `text` is on screen; the time since the start.
    pub fn wait(&self, text: &str) -> Duration {
        self.wait_since(text, self.started)
    }

    /// Gives the terminal a new size (the program hears SIGWINCH), as dragging a
    /// window's corner does; the screen kept here follows.
    pub fn resize(&self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let size = |n| std::num::NonZeroU16::new(n).unwrap();
        self.screen.lock().unwrap().set_size(size(rows), size(cols));
    }

    /// How many times `text` is on screen now.
    pub fn count(&self, text: &str) -> usize {
        self.screen
            .lock()
            .unwrap()
            .screen()
            .contents()
            .matches(text)
            .count()
    }

    /// Waits until `text` is on screen more than `before` times, looking each time the
    /// screen takes in what the program wrote (no polling: the wait ends as soon as the
    /// screen shows it, whichever program it is); `false` at `deadline`.
    pub fn wait_count_above(&self, text: &str, before: usize, deadline: Instant) -> bool {
        let (reads, changed) = &*self.reads;
        let mut taken = reads.lock().unwrap();
        loop {
            // The reader counts a read only after the screen has it, and cannot count
            // the next until this thread waits: none is missed between look and wait.
            if self.count(text) > before {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            taken = changed.wait_timeout(taken, deadline - now).unwrap().0;
        }
    }

    /// The process's id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Waits until `text` is on screen, at most a minute; the time since `from`.
    pub fn wait_since(&self, text: &str, from: Instant) -> Duration {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.shows(text) {
            assert!(
                Instant::now() < deadline,
                "never showed {text:?}; the screen:\n{}",
                self.screen.lock().unwrap().screen().contents()
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        from.elapsed()
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The bytes written in answer to `keys`, once the output has been still a while.
    pub fn cost(&mut self, keys: &str) -> usize {
        let before = self.len();
        self.send(keys);
        self.settle();
        self.len() - before
    }

    /// Waits until nothing has been written for 150 ms.
    pub fn settle(&self) {
        let mut last = self.len();
        let mut still = Instant::now();
        while still.elapsed() < Duration::from_millis(150) {
            std::thread::sleep(Duration::from_millis(10));
            if self.len() != last {
                last = self.len();
                still = Instant::now();
            }
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The console on the database `db` at 80x24 as the benches start it: a 256-colour
/// terminal, no config, its own state folder for run `run` under `home`.
pub fn console(bin: &str, db: &Path, home: &Path, run: usize) -> Pty {
    let mut cmd = CommandBuilder::new(bin);
    cmd.env("WARROOM_DB", db);
    cmd.env("WARROOM_USER", "bench");
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", home);
    cmd.env("XDG_STATE_HOME", home.join(format!("state-{run}")));
    cmd.env("XDG_CONFIG_HOME", home.join("no-config"));
    Pty::start(cmd)
}

/// Whether vim, the anchor, is installed.
pub fn vim_installed() -> bool {
    std::process::Command::new("vim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// vim on `file`, at its last line, with no settings of anyone's.
pub fn vim(file: &Path) -> Pty {
    let mut cmd = CommandBuilder::new("vim");
    cmd.args(["-u", "NONE", "-N", "-n", "+"]);
    cmd.arg(file);
    cmd.env("TERM", "xterm-256color");
    Pty::start(cmd)
}
