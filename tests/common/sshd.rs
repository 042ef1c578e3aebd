//! A real OpenSSH server on a loopback port, for this test alone: its own host key,
//! config and authorized keys, and a client that keeps to a temp home: its key, known
//! hosts and config live in that home's `.ssh`, and `WARROOM_SSH` points ssh at that
//! config. ssh finds `~` from the password database, not `$HOME`, so the config names
//! every file by its full path and `-F` keeps the user's own `~/.ssh/config` (and the
//! system's) out; nothing in the user's real `~/.ssh` is read or written. Without an
//! OpenSSH server the tests say they are skipped; `.ci/run` installs openssh-server.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use super::{bin, wait_for};

/// A running sshd, killed when dropped.
pub struct Sshd {
    pub dir: TempDir,
    pub port: u16,
    child: Child,
}

fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .expect("run ssh-keygen");
    assert!(status.success(), "ssh-keygen");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read a key")
}

/// The user tests log in as: this one.
pub fn user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The programs these tests run; `None` (and a line saying the test is skipped) when
/// one is not installed.
fn programs() -> Option<&'static Path> {
    let sshd = Path::new("/usr/sbin/sshd");
    let missing: Vec<&str> = [
        ("sshd", sshd.exists()),
        ("ssh", found("ssh")),
        ("ssh-keygen", found("ssh-keygen")),
    ]
    .into_iter()
    .filter(|(_, there)| !there)
    .map(|(name, _)| name)
    .collect();
    if missing.is_empty() {
        return Some(sshd);
    }
    eprintln!(
        "skipped: this test runs a real OpenSSH server and client, and {} {} not installed; install openssh-server and openssh-client (.ci/run does)",
        missing.join(", "),
        if missing.len() == 1 { "is" } else { "are" }
    );
    None
}

/// Whether `program` is on the PATH.
fn found(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

impl Sshd {
    /// Starts sshd with the client's key allowed and its host key known to the client;
    /// `None` when OpenSSH is not installed (the test is then skipped, and says so).
    pub fn start() -> Option<Sshd> {
        let sshd = programs()?;
        // Privilege separation needs its directory (made at boot where sshd is a service).
        let _ = std::fs::create_dir_all("/run/sshd");
        let dir = TempDir::new().unwrap();
        let path = |name: &str| dir.path().join(name);
        use std::os::unix::fs::PermissionsExt;
        // The client's home, and the far side's, both temp.
        for home in ["home/.ssh", "far-home"] {
            std::fs::create_dir_all(path(home)).unwrap();
        }
        std::fs::set_permissions(path("home/.ssh"), std::fs::Permissions::from_mode(0o700))
            .unwrap();
        keygen(&path("host_key"));
        keygen(&path("home/.ssh/id_ed25519"));
        keygen(&path("home/.ssh/other_key"));
        std::fs::copy(path("home/.ssh/id_ed25519.pub"), path("authorized_keys")).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Commands run in the far side's temp home with the tests' warroom first on the
        // PATH.
        let force = path("force.sh");
        let bin_dir = Path::new(bin()).parent().unwrap();
        std::fs::write(
            &force,
            format!(
                "#!/bin/sh\nPATH='{}':\"$PATH\"; HOME='{}'; export PATH HOME\ncd \"$HOME\" || exit 1\nexec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n",
                bin_dir.display(),
                path("far-home").display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&force, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(
            path("sshd_config"),
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\nAuthorizedKeysFile {}\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nForceCommand {}\nLogLevel ERROR\n",
                path("host_key").display(),
                path("sshd.pid").display(),
                path("authorized_keys").display(),
                force.display()
            ),
        )
        .unwrap();
        let child = Command::new(sshd)
            .arg("-D")
            .arg("-e")
            .arg("-f")
            .arg(path("sshd_config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sshd");
        wait_for("sshd to listen", Duration::from_secs(30), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        let sshd = Sshd { dir, port, child };
        sshd.know_host(&read(&sshd.path("host_key.pub")));
        sshd.client_config("id_ed25519");
        Some(sshd)
    }

    /// The client's temp home.
    pub fn home(&self) -> PathBuf {
        self.path("home")
    }

    /// A file in the client's `~/.ssh`.
    fn dot_ssh(&self, name: &str) -> PathBuf {
        self.home().join(".ssh").join(name)
    }

    /// A public key of the client's (`id_ed25519`, the one allowed, or `other_key`).
    pub fn client_key(&self, name: &str) -> String {
        read(&self.dot_ssh(&format!("{name}.pub")))
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Makes the client believe the host's key is `public_key` (the one it has, or
    /// another one to play a changed host; empty for a host never seen).
    pub fn know_host(&self, public_key: &str) {
        let line = match public_key.split_whitespace().take(2).collect::<Vec<_>>()[..] {
            [kind, key] => format!("[127.0.0.1]:{} {kind} {key}\n", self.port),
            _ => String::new(),
        };
        std::fs::write(self.dot_ssh("known_hosts"), line).unwrap();
    }

    /// Points the client at identity `key` (a key in its temp `~/.ssh`).
    pub fn client_config(&self, key: &str) {
        std::fs::write(
            self.dot_ssh("config"),
            format!(
                "Host *\n  Port {}\n  IdentityFile {}\n  IdentitiesOnly yes\n  UserKnownHostsFile {}\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  UpdateHostKeys no\n  ControlMaster no\n  ControlPath none\n  LogLevel ERROR\n",
                self.port,
                self.dot_ssh(key).display(),
                self.dot_ssh("known_hosts").display()
            ),
        )
        .unwrap();
    }

    /// What a process that runs ssh for a link gets in its environment: `WARROOM_SSH`,
    /// making ssh use this server's client config, and the temp `HOME`.
    pub fn client_env(&self) -> [(&'static str, String); 2] {
        [
            (
                "WARROOM_SSH",
                format!("ssh -F {}", self.dot_ssh("config").display()),
            ),
            ("HOME", self.home().display().to_string()),
        ]
    }

    /// An `ssh://` address of a database path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("ssh://{}@127.0.0.1{path}", user())
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
