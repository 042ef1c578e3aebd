//! A peer reached through a command's stdin and stdout (`ssh`, or a `--via` command):
//! the same deadlines as a TCP link (the first message within the handshake deadline,
//! then silence past the idle deadline ends the link, whichever way it is frozen), and
//! what `ssh` says when it refuses, put in warroom's words with the next step.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::fd::AsFd;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, poll};

use crate::sync::LinkError;

/// A pipe end read or written within deadlines: the first read within `first`, each
/// later one within `idle`; each write within `idle`. A deadline that passes is
/// `TimedOut`, which a link reports as silence.
pub struct Timed<T> {
    inner: T,
    first: Duration,
    idle: Duration,
    started: bool,
}

impl<T: AsFd> Timed<T> {
    /// Wraps a pipe end. `nonblocking` also makes its writes never block past the
    /// deadline (only for a descriptor this process alone uses).
    pub fn new(inner: T, first: Duration, idle: Duration, nonblocking: bool) -> Timed<T> {
        if nonblocking {
            set_nonblocking(&inner);
        }
        Timed {
            inner,
            first,
            idle,
            started: false,
        }
    }

    /// Waits until the descriptor is ready for `events`, at most `within`.
    fn ready(&self, events: PollFlags, within: Duration) -> io::Result<()> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let mut fds = [PollFd::new(&self.inner, events)];
            match poll(&mut fds, Some(&crate::poll::timeout(left))) {
                Ok(0) => return Err(io::ErrorKind::TimedOut.into()),
                Ok(_) => return Ok(()),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Makes reads and writes of `fd` return at once instead of blocking (a failure leaves
/// them blocking, bounded by the deadlines' polls all the same).
fn set_nonblocking(fd: impl AsFd) {
    use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
    if let Ok(flags) = fcntl_getfl(&fd) {
        let _ = fcntl_setfl(&fd, flags | OFlags::NONBLOCK);
    }
}

impl<T: AsFd + Read> Read for Timed<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let within = if self.started { self.idle } else { self.first };
        loop {
            self.ready(PollFlags::IN, within)?;
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                other => {
                    self.started = true;
                    return other;
                }
            }
        }
    }
}

impl<T: AsFd + Write> Write for Timed<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            self.ready(PollFlags::OUT, self.idle)?;
            match self.inner.write(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                other => return other,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// How many of the command's last stderr lines are kept to explain a failure.
const KEPT_LINES: usize = 20;

/// A running peer command, and what it has said on stderr.
pub struct Running {
    pub child: Child,
    said: Arc<Mutex<VecDeque<String>>>,
    /// The thread reading its stderr, which ends when the command does.
    reading: Option<std::thread::JoinHandle<()>>,
    ssh: bool,
}

/// Starts `argv` with its stdin and stdout piped for the protocol; its stderr is kept
/// (and, unless `quiet`, passed on to ours, inert).
pub fn spawn(argv: &[String], label: &str, ssh: bool, quiet: bool) -> Result<Running, LinkError> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| LinkError::Local("an empty command".into()))?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| LinkError::Local(format!("cannot run `{program}` for {label}: {e}")))?;
    let said: Arc<Mutex<VecDeque<String>>> = Arc::default();
    let mut reading = None;
    if let Some(stderr) = child.stderr.take() {
        let kept = said.clone();
        let spawned = std::thread::Builder::new()
            .name("peer-stderr".into())
            .spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    if !quiet {
                        eprintln_inert(&line);
                    }
                    let mut kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
                    if kept.len() == KEPT_LINES {
                        kept.pop_front();
                    }
                    kept.push_back(line);
                }
            });
        match spawned {
            Ok(thread) => reading = Some(thread),
            Err(e) => tracing::warn!("cannot read {label}'s stderr: {e}"),
        }
    }
    Ok(Running {
        child,
        said,
        reading,
        ssh,
    })
}

/// Passes one line of the command's stderr on to ours, inert.
fn eprintln_inert(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{}", crate::inert::line(line));
}

impl Running {
    /// Ends the command (if it has not ended) and words why the link failed: what the
    /// command said, when it says more than `error` does.
    pub fn explain(&mut self, error: LinkError) -> LinkError {
        let _ = self.child.kill();
        let status = self.child.wait().ok();
        self.read_to_end();
        let said: Vec<String> = self
            .said
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect();
        match explain(&error, status, &said, self.ssh) {
            Some(words) => LinkError::Local(words),
            None => error,
        }
    }
}

impl Running {
    /// Waits up to `grace` for the command to end on its own, then ends it.
    pub fn finish(&mut self, grace: Duration) {
        let until = Instant::now() + grace;
        while Instant::now() < until {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits (a little) for the stderr thread to read what the ended command said: it
    /// ends when the pipe closes, which a command's descendants can hold open.
    fn read_to_end(&mut self) {
        let Some(thread) = self.reading.take() else {
            return;
        };
        let until = Instant::now() + Duration::from_secs(2);
        while !thread.is_finished() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        if thread.is_finished() {
            let _ = thread.join();
        }
    }
}

/// Says in warroom's words why a command link failed, when what it printed tells more
/// than the link error: `ssh`'s own refusals, and the far side's warroom's errors.
pub fn explain(
    error: &LinkError,
    status: Option<ExitStatus>,
    said: &[String],
    ssh: bool,
) -> Option<String> {
    if matches!(error, LinkError::Silent | LinkError::Busy(_)) {
        return None;
    }
    let all = said.join("\n");
    let has = |needle: &str| all.contains(needle);
    if ssh {
        let words = if has("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            Some(
                "ssh refused: the host's key has changed since it was last accepted (a reinstalled host, or someone in between). Check with the host's owner; if the change is expected, remove the old key with `ssh-keygen -R HOST` and connect once with `ssh` to accept the new one",
            )
        } else if has("Host key verification failed")
            || has("No ED25519 host key is known")
            || has("host key is known for")
        {
            Some(
                "ssh refused: this host's key is not yet known here. Connect once with `ssh` to the same user and host to check and accept its key, then try again",
            )
        } else if has("Permission denied") {
            Some(
                "ssh refused: the far side did not accept your key (or asked for a password, which a link cannot type). Add your public key to the far side's ~/.ssh/authorized_keys, or load it with ssh-agent, then try again",
            )
        } else if has("Could not resolve hostname") {
            Some("ssh cannot find the host: check its name in the ssh:// address")
        } else if has("Connection refused") {
            Some(
                "ssh found no server answering on that host and port: check the address, and that sshd runs there",
            )
        } else if has("Connection timed out")
            || has("No route to host")
            || has("Network is unreachable")
        {
            Some(
                "ssh cannot reach the host (no route, or the network drops the connection): check the network path",
            )
        } else if has("warroom: command not found") || has("warroom: not found") {
            Some(
                "the far side has no `warroom` on its PATH: install it there, or put it on the PATH that ssh's commands see",
            )
        } else {
            None
        };
        if let Some(words) = words {
            return Some(words.to_string());
        }
    }
    // The far side's warroom said why it stopped (a missing database, say); a line it
    // logged on the way (`warroom: warning: ...`) is not the reason.
    let logged = ["warning: ", "info: ", "debug: ", "trace: "];
    if let Some(line) = said.iter().rev().find(|l| {
        l.strip_prefix("warroom: ")
            .is_some_and(|rest| !logged.iter().any(|level| rest.starts_with(level)))
    }) {
        return Some(format!(
            "the far side: {}",
            line.trim_start_matches("warroom: ")
        ));
    }
    if ssh && status.is_some_and(|s| s.code() == Some(255)) {
        let last = said.last().map(String::as_str).unwrap_or("no message");
        return Some(format!("ssh failed: {last}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(said: &[&str]) -> String {
        let said: Vec<String> = said.iter().map(ToString::to_string).collect();
        explain(&LinkError::Closed, None, &said, true).unwrap()
    }

    #[test]
    fn ssh_refusals_are_worded_with_the_next_step() {
        assert!(words(&["Host key verification failed."]).contains("Connect once with `ssh`"));
        assert!(
            words(&[
                "@@@@",
                "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @"
            ])
            .contains("ssh-keygen -R")
        );
        assert!(
            words(&["root@127.0.0.1: Permission denied (publickey)."]).contains("authorized_keys")
        );
        assert!(
            words(&["warroom: no warroom database at /x.db: check --db"])
                .starts_with("the far side: no warroom database")
        );
    }

    #[test]
    fn a_warning_the_far_side_logged_is_not_why_it_stopped() {
        assert!(
            words(&[
                "warroom: cannot open /x.db: the disk is full",
                "warroom: warning: no file notifications (too many open files); polling",
            ])
            .starts_with("the far side: cannot open /x.db")
        );
        let said = vec!["warroom: warning: no file notifications; polling".to_string()];
        assert_eq!(explain(&LinkError::Closed, None, &said, false), None);
    }

    #[test]
    fn a_silent_link_stays_silent() {
        assert_eq!(
            explain(&LinkError::Silent, None, &["anything".into()], true),
            None
        );
    }

    #[test]
    fn a_frozen_pipe_is_silence_past_the_deadline() {
        let (read, _write) = std::io::pipe().unwrap();
        let mut timed = Timed::new(
            read,
            Duration::from_millis(50),
            Duration::from_millis(50),
            false,
        );
        let start = Instant::now();
        let err = timed.read(&mut [0u8; 8]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(start.elapsed() >= Duration::from_millis(40));
    }
}
