//! Links over ssh (a real OpenSSH server on loopback) and through `--via`: they work,
//! a frozen path is noticed at the deadline, ssh's refusals are worded with the next
//! step, a far path that does not exist is refused unless asked, and a URL's escapes
//! are decoded.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Child, Stdio};
use std::time::Duration;

use common::peers::{Host, LONG};
use common::sshd::Sshd;
use common::{Env, Signal, send_signal, wait_for};

/// `warroom sync ARGS` on `env` with ssh pointed at `sshd` (its config, its temp home);
/// returns (ok, stderr).
fn sync(env: &Env, sshd: &Sshd, args: &[&str]) -> (bool, String) {
    let out = env
        .cmd()
        .envs(sshd.client_env())
        .arg("sync")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_link_over_a_real_ssh_server_syncs() {
    let Some(sshd) = Sshd::start() else { return };
    let (near, far) = (Host::new(), Host::new());
    far.note("written on the far side");
    let url = sshd.url(far.env.db.to_str().unwrap());
    let (ok, err) = sync(&near.env, &sshd, &["--peer", &url]);
    assert!(ok, "{err}");
    assert!(near.has_text("written on the far side"));
}

#[test]
fn ssh_refusals_are_said_in_warrooms_words_with_the_next_step() {
    let Some(sshd) = Sshd::start() else { return };
    let (near, far) = (Host::new(), Host::new());
    let url = sshd.url(far.env.db.to_str().unwrap());

    // A host never seen, under batch mode.
    sshd.know_host("");
    let (ok, err) = sync(&near.env, &sshd, &["--peer", &url]);
    assert!(!ok);
    assert!(err.contains("Connect once with `ssh`"), "{err}");

    // A host whose key changed.
    let other = sshd.client_key("other_key");
    sshd.know_host(&other);
    let (ok, err) = sync(&near.env, &sshd, &["--peer", &url]);
    assert!(!ok);
    assert!(err.contains("ssh-keygen -R"), "{err}");

    // A key the far side does not accept.
    sshd.know_host(&std::fs::read_to_string(sshd.path("host_key.pub")).unwrap());
    sshd.client_config("other_key");
    let (ok, err) = sync(&near.env, &sshd, &["--peer", &url]);
    assert!(!ok);
    assert!(err.contains("authorized_keys"), "{err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("warroom: "),
        "ends with warroom's line: {err}"
    );
}

#[test]
fn a_far_path_that_does_not_exist_is_refused_unless_asked_for() {
    let Some(sshd) = Sshd::start() else { return };
    let near = Host::new();
    let far_dir = tempfile::TempDir::new().unwrap();
    let missing = far_dir.path().join("typo.db");
    let url = sshd.url(missing.to_str().unwrap());
    let (ok, err) = sync(&near.env, &sshd, &["--peer", &url]);
    assert!(!ok);
    assert!(err.contains("no warroom database"), "{err}");
    assert!(err.contains("--create"), "{err}");
    assert!(!missing.exists(), "nothing was created");

    let (ok, err) = sync(&near.env, &sshd, &["--peer", &url, "--create"]);
    assert!(ok, "{err}");
    assert!(missing.exists(), "created when asked");
}

#[test]
fn percent_escapes_in_an_ssh_url_are_decoded() {
    let Some(sshd) = Sshd::start() else { return };
    let near = Host::new();
    let far_dir = tempfile::TempDir::new().unwrap();
    let spaced = far_dir.path().join("space test.db");
    common::std_cmd_for(&spaced)
        .args(["declare", "--title", "far with a space"])
        .output()
        .unwrap();
    let escaped = format!("{}/space%20test.db", far_dir.path().display());
    let (ok, err) = sync(&near.env, &sshd, &["--peer", &sshd.url(&escaped)]);
    assert!(ok, "{err}");
    assert!(!far_dir.path().join("space%20test.db").exists());
    assert!(near.states().iter().any(|s| s.title == "far with a space"));
}

/// A `sync --follow` whose stderr lines are gathered; killed when dropped.
struct Following {
    child: Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Following {
    fn start(env: &Env, args: &[&str], ssh: Option<&Sshd>) -> Following {
        let mut cmd = env.std_cmd();
        if let Some(sshd) = ssh {
            cmd.envs(sshd.client_env());
        }
        let mut child = cmd
            .args(["sync", "--follow", "--idle-timeout", "2"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let lines: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
        let sink = lines.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                sink.lock().unwrap().push(line);
            }
        });
        Following { child, lines }
    }

    fn said(&self, text: &str) -> bool {
        self.lines.lock().unwrap().iter().any(|l| l.contains(text))
    }
}

impl Drop for Following {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The pids of processes whose command line contains `needle`.
fn pids_of(needle: &str) -> Vec<i32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
        .collect()
}

/// Stops (SIGSTOP) the far side's `serve --stdio` for `db` (not `client`, whose own
/// command line may name it), freezing the path; returns the pids to resume.
fn freeze(db: &std::path::Path, client: u32) -> Vec<i32> {
    let needle = format!("{}", db.display());
    let mut pids = Vec::new();
    wait_for("the far side's serve", LONG, || {
        pids = pids_of(&needle)
            .into_iter()
            .filter(|pid| *pid != client as i32)
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| String::from_utf8_lossy(&c).contains("--stdio"))
            })
            .collect();
        !pids.is_empty()
    });
    for pid in &pids {
        send_signal(*pid, Signal::STOP);
    }
    pids
}

fn thaw(pids: &[i32]) {
    for pid in pids {
        send_signal(*pid, Signal::CONT);
    }
}

/// `near` following `far` through `--via` (deadlines of 2 s on both sides), in sync.
fn follow_via(near: &Host, far: &Host) -> Following {
    let via = format!(
        "exec {} --db '{}' serve --stdio --idle-timeout 2",
        common::bin(),
        far.env.db.display()
    );
    let follow = Following::start(&near.env, &["--via", &via], None);
    wait_for("the link to be in sync", LONG, || follow.said("in sync"));
    follow
}

#[test]
fn a_frozen_via_link_is_silent_past_the_deadline_not_in_sync() {
    let (near, far) = (Host::new(), Host::new());
    let follow = follow_via(&near, &far);
    let frozen = freeze(&far.env.db, follow.child.id());
    wait_for("the silence to be noticed", Duration::from_secs(20), || {
        follow.said("silent past the deadline")
    });
    thaw(&frozen);
    wait_for("the link to come back", LONG, || {
        follow
            .lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains("in sync"))
            .count()
            >= 2
    });
}

#[test]
fn a_frozen_ssh_link_is_silent_past_the_deadline_not_in_sync() {
    let Some(sshd) = Sshd::start() else { return };
    let (near, far) = (Host::new(), Host::new());
    let url = sshd.url(far.env.db.to_str().unwrap());
    let follow = Following::start(&near.env, &["--peer", &url], Some(&sshd));
    wait_for("the link to be in sync", LONG, || follow.said("in sync"));
    let frozen = freeze(&far.env.db, follow.child.id());
    wait_for("the silence to be noticed", Duration::from_secs(20), || {
        follow.said("silent past the deadline")
    });
    thaw(&frozen);
}

#[test]
fn the_console_header_says_why_ssh_refused() {
    let Some(sshd) = Sshd::start() else { return };
    let (near, far) = (Host::new(), Host::new());
    sshd.know_host("");
    let url = sshd.url(far.env.db.to_str().unwrap());
    let client = sshd.client_env();
    let vars: Vec<(&str, &str)> = client.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut console =
        common::pty::Console::spawn_sized_with(&near.env, &["tui", "--peer", &url], 40, 240, &vars);
    console.wait_for("the refusal in the header", |s| {
        s.lines().next().is_some_and(|header| {
            header.contains("DISCONNECTED") && header.contains("Connect once with `ssh`")
        })
    });
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn the_far_side_of_a_frozen_link_ends_at_its_deadline_too() {
    let (near, far) = (Host::new(), Host::new());
    let follow = follow_via(&near, &far);
    let needle = far.env.db.display().to_string();
    let serving: Vec<i32> = pids_of(&needle)
        .into_iter()
        .filter(|pid| *pid != follow.child.id() as i32)
        .collect();
    assert!(!serving.is_empty(), "the far side runs");
    // The near side stops: it neither reads nor writes.
    send_signal(follow.child.id() as i32, Signal::STOP);
    wait_for("the far side to give up", Duration::from_secs(20), || {
        serving.iter().all(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |s| {
                s.rsplit(')')
                    .next()
                    .is_some_and(|r| r.trim_start().starts_with('Z'))
            })
        })
    });
    send_signal(follow.child.id() as i32, Signal::CONT);
}
