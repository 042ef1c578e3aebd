//! Where a peer is: a TCP address (encrypted with Noise), an `ssh://` URL (the far
//! side's warroom over SSH), or a command that speaks the protocol on its stdio.

/// A peer address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerAddr {
    /// `host:port`, encrypted and authenticated with Noise.
    Tcp(String),
    /// A command whose stdin and stdout carry the protocol (SSH, or a local `--via`).
    Command {
        /// The program and its arguments.
        argv: Vec<String>,
        /// How people name it.
        label: String,
    },
}

impl PeerAddr {
    /// How people name it.
    pub fn label(&self) -> String {
        match self {
            PeerAddr::Tcp(addr) => addr.clone(),
            PeerAddr::Command { label, .. } => label.clone(),
        }
    }
}

/// Reads `host:port` or `ssh://[user@]host[:port]/path/to/db`.
pub fn parse(text: &str) -> Result<PeerAddr, String> {
    if let Some(rest) = text.strip_prefix("ssh://") {
        let Some((authority, path)) = rest.split_once('/') else {
            return Err(format!(
                "'{text}' names no database: use ssh://user@host/path/to/warroom.db"
            ));
        };
        if authority.is_empty() || path.is_empty() {
            return Err(format!(
                "'{text}' needs a host and a database path: ssh://user@host/path/to/warroom.db"
            ));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if port.parse::<u16>().is_ok() => (host, Some(port)),
            _ => (authority, None),
        };
        let mut argv = vec!["ssh".to_string(), "-o".into(), "BatchMode=yes".into()];
        if let Some(port) = port {
            argv.extend(["-p".into(), port.to_string()]);
        }
        // `~/x` stays relative to the remote home; anything else is an absolute path.
        let db = match path.strip_prefix('~') {
            Some(home) => format!("~{home}"),
            None => format!("/{path}"),
        };
        argv.extend([
            host.to_string(),
            "--".into(),
            "warroom".into(),
            "--db".into(),
            db,
            "serve".into(),
            "--stdio".into(),
        ]);
        return Ok(PeerAddr::Command {
            argv,
            label: text.to_string(),
        });
    }
    if text.contains("://") {
        return Err(format!(
            "'{text}': use host:port, or ssh://user@host/path/to/warroom.db"
        ));
    }
    match text.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
            Ok(PeerAddr::Tcp(text.to_string()))
        }
        _ => Err(format!(
            "'{text}' is not host:port (for example 10.0.0.5:7420) or ssh://user@host/path/to/warroom.db"
        )),
    }
}

/// A local command that speaks the protocol on its stdio, run by the shell.
pub fn via(command: &str) -> PeerAddr {
    PeerAddr::Command {
        argv: vec!["sh".into(), "-c".into(), command.to_string()],
        label: format!("via '{command}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tcp_and_ssh_addresses() {
        assert_eq!(
            parse("10.0.0.5:7420"),
            Ok(PeerAddr::Tcp("10.0.0.5:7420".into()))
        );
        assert_eq!(parse("[::1]:7420"), Ok(PeerAddr::Tcp("[::1]:7420".into())));
        let PeerAddr::Command { argv, .. } =
            parse("ssh://ops@bastion:2222/srv/warroom/warroom.db").unwrap()
        else {
            panic!("ssh is a command")
        };
        assert_eq!(
            argv,
            [
                "ssh",
                "-o",
                "BatchMode=yes",
                "-p",
                "2222",
                "ops@bastion",
                "--",
                "warroom",
                "--db",
                "/srv/warroom/warroom.db",
                "serve",
                "--stdio"
            ]
        );
        let PeerAddr::Command { argv, .. } = parse("ssh://bastion/~/w.db").unwrap() else {
            panic!()
        };
        assert_eq!(
            &argv[argv.len() - 4..],
            ["--db", "~/w.db", "serve", "--stdio"]
        );
        assert!(parse("bastion").unwrap_err().contains("host:port"));
        assert!(
            parse("ssh://bastion")
                .unwrap_err()
                .contains("names no database")
        );
        assert!(parse("http://x:1").unwrap_err().contains("use host:port"));
    }
}
