//! A real OpenSSH server on a loopback port, for this test alone: its own host key,
//! config and authorized keys, and a client config that `WARROOM_SSH` points ssh at.
//! `.ci/run` installs openssh-server when it is missing.

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

impl Sshd {
    /// Starts sshd with the client's key allowed and its host key known to the client.
    pub fn start() -> Sshd {
        let sshd = Path::new("/usr/sbin/sshd");
        assert!(
            sshd.exists(),
            "these tests need an OpenSSH server: install openssh-server (.ci/run does)"
        );
        // Privilege separation needs its directory (made at boot where sshd is a service).
        let _ = std::fs::create_dir_all("/run/sshd");
        let dir = TempDir::new().unwrap();
        let path = |name: &str| dir.path().join(name);
        keygen(&path("host_key"));
        keygen(&path("client_key"));
        keygen(&path("other_key"));
        std::fs::copy(path("client_key.pub"), path("authorized_keys")).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Commands run with the tests' warroom first on the PATH.
        let force = path("force.sh");
        let bin_dir = Path::new(bin()).parent().unwrap();
        std::fs::write(
            &force,
            format!(
                "#!/bin/sh\nPATH='{}':\"$PATH\"; export PATH\nexec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n",
                bin_dir.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
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
        sshd.client_config("client_key");
        sshd
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
        std::fs::write(self.path("known_hosts"), line).unwrap();
    }

    /// Points the client at identity `key` (a file in the server's folder).
    pub fn client_config(&self, key: &str) {
        std::fs::write(
            self.path("ssh_config"),
            format!(
                "Host *\n  Port {}\n  IdentityFile {}\n  IdentitiesOnly yes\n  UserKnownHostsFile {}\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  LogLevel ERROR\n",
                self.port,
                self.path(key).display(),
                self.path("known_hosts").display()
            ),
        )
        .unwrap();
    }

    /// The `WARROOM_SSH` value that makes ssh use this server's client config.
    pub fn ssh_command(&self) -> String {
        format!("ssh -F {}", self.path("ssh_config").display())
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
