//! The README runs as written: every line of its `sh` blocks, in order, on a fresh
//! database, as a newcomer would type them after `cargo install --path .`.
//!
//! Each line runs through `sh -e -c` (so a failure before a `;` fails the line too), with
//! the built `warroom` first on `PATH`, a temp home, temp XDG folders (so the default
//! database is a fresh one in there), `USER` set and nothing else from the environment of
//! the test, in one temp working folder, stdin closed: not a terminal. Each must exit 0.
//!
//! Left out, and only these:
//! - the `cargo` lines: they are the set-up this test stands on (`cargo run` and `cargo
//!   install` build and would start a console or install into the user's own home;
//!   `cargo test` would run this test again);
//! - lines whose comment ends in `needs: WHAT`, for WHAT in [`NEEDS`]: a second host,
//!   root, Ctrl-C to end a command that follows for ever (`tail --follow`), or a terminal.
//!   The console is full-screen and takes its keys from a terminal, and with no terminal
//!   on stdin it opens `/dev/tty`: run from a developer's shell, it would take over the
//!   terminal `cargo test` runs in, so a line that starts it is marked, never run here.
//!   Any other `needs:` fails the test, so a line cannot be left out by a new word.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// What a marked line may need, the only reasons a line is not run.
const NEEDS: &[&str] = &["a second host", "root", "Ctrl-C to end", "a terminal"];

/// How long one line may take before the test gives up on it as hung (the slowest, a
/// drill at 1000x, takes a few seconds).
const HUNG: Duration = Duration::from_secs(180);

/// One line of an `sh` block.
struct ShLine {
    /// Its line number in README.md.
    number: usize,
    /// The line as written.
    text: String,
}

/// What the test does with a line.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    Run,
    /// A `cargo` set-up command.
    SetUp,
    /// Marked `needs: WHAT`.
    Needs(String),
}

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// Every line of the README's ```sh blocks, in order, blank and comment-only lines left
/// out.
fn sh_lines(text: &str) -> Vec<Vec<ShLine>> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("sh") =>
            {
                // The fence's own line; the code starts on the next.
                let fence = text[..range.start].matches('\n').count() + 1;
                current = Some((fence + 1, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, code)) = current.as_mut() {
                    code.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((first, code)) = current.take() {
                    let lines = code
                        .lines()
                        .enumerate()
                        .filter(|(_, l)| !l.trim().is_empty() && !l.trim().starts_with('#'))
                        .map(|(i, l)| ShLine {
                            number: first + i,
                            text: l.trim().to_string(),
                        })
                        .collect();
                    blocks.push(lines);
                }
            }
            _ => {}
        }
    }
    blocks
}

/// A line's trailing comment: from the first `#` outside quotes that starts a word.
fn comment(line: &str) -> Option<&str> {
    let (mut single, mut double) = (false, false);
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && previous.is_whitespace() => {
                return Some(line[at + 1..].trim());
            }
            _ => {}
        }
        previous = c;
    }
    None
}

fn plan(line: &str) -> Plan {
    if line.starts_with("cargo ") {
        return Plan::SetUp;
    }
    match comment(line).and_then(|c| c.rsplit_once("needs:")) {
        Some((_, what)) => Plan::Needs(what.trim().to_string()),
        None => Plan::Run,
    }
}

#[test]
fn markers_are_read_from_the_comment_only() {
    assert_eq!(
        plan("warroom tail --follow   # live; needs: Ctrl-C to end"),
        Plan::Needs("Ctrl-C to end".into())
    );
    assert_eq!(plan("cargo test   # the tests"), Plan::SetUp);
    assert_eq!(plan("warroom log \"#needs: root\""), Plan::Run);
    assert_eq!(plan("warroom log 'a # needs: root'   # a note"), Plan::Run);
    assert_eq!(plan("warroom log x#needs: root"), Plan::Run);
}

#[test]
fn start_gives_exactly_the_two_set_up_commands() {
    let text = readme();
    let start = &text[text.find("## Start").expect("a Start section")..];
    let start = &start[..start[1..].find("\n## ").map_or(start.len(), |end| end + 1)];
    let blocks = sh_lines(start);
    let commands: Vec<&str> = blocks
        .iter()
        .flatten()
        .map(|l| l.text.split('#').next().unwrap_or_default().trim())
        .collect();
    assert_eq!(commands, ["cargo run --release", "cargo test"], "{start}");
}

/// The output of a line that ran: (exit code, stdout, stderr).
fn run_line(line: &str, work: &Path, home: &Path) -> (Option<i32>, String, String) {
    let bin_dir = Path::new(common::bin()).parent().unwrap();
    let path = match std::env::var_os("PATH") {
        Some(system) => {
            let mut dirs = vec![bin_dir.to_path_buf()];
            dirs.extend(std::env::split_paths(&system));
            std::env::join_paths(dirs).unwrap()
        }
        None => bin_dir.as_os_str().to_owned(),
    };
    let mut child = Command::new("sh")
        .args(["-e", "-c", line])
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("USER", "sam")
        .env("LOGNAME", "sam")
        .env("TZ", "UTC")
        .env("LANG", "C.UTF-8")
        .current_dir(work)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A group of its own, so that a line that hangs is ended whole.
        .process_group(0)
        .spawn()
        .unwrap();
    let gather = |mut from: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = from.read_to_string(&mut text);
            text
        })
    };
    let stdout = gather(Box::new(child.stdout.take().unwrap()));
    let stderr = gather(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > HUNG {
            if let Some(group) = rustix::process::Pid::from_raw(child.id() as i32) {
                let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            }
            let _ = child.wait();
            panic!("README line did not end within {HUNG:?}: {line}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (
        status.code(),
        stdout.join().unwrap(),
        stderr.join().unwrap(),
    )
}

#[test]
fn every_sh_line_runs_as_written_in_order_on_a_fresh_database() {
    let dir = tempfile::TempDir::new().unwrap();
    let (work, home) = (dir.path().join("work"), dir.path().join("home"));
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    let mut ran = 0;
    for line in sh_lines(&readme()).iter().flatten() {
        match plan(&line.text) {
            Plan::SetUp => continue,
            Plan::Needs(what) => {
                assert!(
                    NEEDS.contains(&what.as_str()),
                    "README.md:{}: `needs: {what}` is not one of {NEEDS:?}; only those lines are left out: {}",
                    line.number,
                    line.text
                );
                continue;
            }
            Plan::Run => {}
        }
        let (code, stdout, stderr) = run_line(&line.text, &work, &home);
        assert!(
            code == Some(0),
            "README.md:{} failed (exit {code:?}):\n  {}\nstderr:\n{stderr}\nstdout:\n{stdout}",
            line.number,
            line.text
        );
        assert!(
            !stderr.contains("panicked"),
            "README.md:{} panicked:\n  {}\n{stderr}",
            line.number,
            line.text
        );
        ran += 1;
    }
    assert!(
        ran >= 40,
        "only {ran} README lines ran: are the sh blocks still there?"
    );
    let db = home.join(".local/share/warroom/warroom.db");
    assert!(
        db.exists(),
        "the tour wrote to the default database in the temp home"
    );
}
