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
        /// Whether it is `ssh` (whose own refusals are then worded for people).
        ssh: bool,
    },
}

impl PeerAddr {
    /// For an `ssh://` peer: lets the far side create its database when it is missing
    /// (by default a far path that does not exist is refused, not created).
    pub fn create_far_side(mut self) -> PeerAddr {
        if let PeerAddr::Command {
            argv, ssh: true, ..
        } = &mut self
            && argv.last().is_some_and(|a| a == "--stdio")
        {
            argv.push("--create".into());
        }
        self
    }

    /// How people name it.
    pub fn label(&self) -> String {
        match self {
            PeerAddr::Tcp(addr) => addr.clone(),
            PeerAddr::Command { label, .. } => label.clone(),
        }
    }
}

/// Reads `host:port` or `ssh://[user@]host[:port]/path/to/db`. The ssh program is
/// `ssh`, or the command in `WARROOM_SSH` (split as a shell would, e.g.
/// `ssh -F ~/.ssh/warroom_config`).
pub fn parse(text: &str) -> Result<PeerAddr, String> {
    let ssh = match std::env::var("WARROOM_SSH") {
        Ok(command) if !command.trim().is_empty() => shlex::split(&command)
            .filter(|words| !words.is_empty())
            .ok_or_else(|| format!("WARROOM_SSH '{command}' cannot be read as a command"))?,
        _ => vec!["ssh".to_string()],
    };
    parse_with(text, &ssh)
}

/// [`parse`] with the ssh program given.
pub fn parse_with(text: &str, ssh: &[String]) -> Result<PeerAddr, String> {
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
        // A URL's path and user may be percent-escaped (`war%20room.db`).
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8()
                .map(std::borrow::Cow::into_owned)
                .map_err(|_| format!("'{text}': its escapes do not make UTF-8 text"))
        };
        let path = decode(path)?;
        let path = path.as_str();
        let authority = match authority.rsplit_once('@') {
            Some((user, host)) => format!("{}@{host}", decode(user)?),
            None => authority.to_string(),
        };
        let authority = authority.as_str();
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if port.parse::<u16>().is_ok() => (host, Some(port)),
            _ => (authority, None),
        };
        if host.is_empty() || host.ends_with('@') {
            return Err(format!(
                "'{text}' needs a host: ssh://user@host/path/to/warroom.db"
            ));
        }
        // `[::1]` in a URL is `::1` to ssh.
        let host_owned;
        let host = match host.rsplit_once('@') {
            Some((user, h)) if h.starts_with('[') && h.ends_with(']') => {
                host_owned = format!("{user}@{}", &h[1..h.len() - 1]);
                host_owned.as_str()
            }
            None if host.starts_with('[') && host.ends_with(']') => &host[1..host.len() - 1],
            _ => host,
        };
        if host.starts_with('-') {
            return Err(format!(
                "'{text}': a host cannot start with '-' (ssh would read it as an option)"
            ));
        }
        let mut argv = ssh.to_vec();
        argv.extend(["-o".into(), "BatchMode=yes".into()]);
        if let Some(port) = port {
            argv.extend(["-p".into(), port.to_string()]);
        }
        // The far side's shell reads the command: the path is quoted for it. `~/x` (or
        // `~user/x`) stays relative to a remote home, its `~` left unquoted for the shell
        // to expand; anything else is an absolute path.
        let (home, rest) = path.split_once('/').unwrap_or((path, ""));
        let user = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
        let db = match home.strip_prefix('~') {
            Some(name) if name.chars().all(user) && rest.is_empty() => home.to_string(),
            Some(name) if name.chars().all(user) => format!("{home}/{}", shell_quote(rest)?),
            _ => shell_quote(&format!("/{path}"))?,
        };
        argv.extend([
            "--".into(),
            host.to_string(),
            "warroom".into(),
            "--db".into(),
            db,
            "serve".into(),
            "--stdio".into(),
        ]);
        return Ok(PeerAddr::Command {
            argv,
            label: text.to_string(),
            ssh: true,
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

/// `text` as one word for the far side's shell: as it is when that is safe, else quoted
/// so that POSIX shells, bash, zsh and fish all read it back. No shell can be given a
/// NUL (`%00` in the URL).
fn shell_quote(text: &str) -> Result<String, String> {
    shlex::try_quote(text)
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| "the database path cannot hold a NUL character (%00)".to_string())
}

/// A local command that speaks the protocol on its stdio, run by the shell.
pub fn via(command: &str) -> PeerAddr {
    PeerAddr::Command {
        argv: vec!["sh".into(), "-c".into(), command.to_string()],
        label: format!("via '{command}'"),
        ssh: false,
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
                "--",
                "ops@bastion",
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

    fn remote_db(addr: &str) -> String {
        let PeerAddr::Command { argv, .. } = parse(addr).unwrap() else {
            panic!("{addr} is a command")
        };
        let at = argv.iter().position(|a| a == "--db").unwrap();
        argv[at + 1].clone()
    }

    #[test]
    fn ssh_gets_no_option_in_place_of_a_host_and_the_remote_shell_a_quoted_path() {
        for bare in ["ssh://:22/w.db", "ssh://ops@/w.db"] {
            assert!(parse(bare).unwrap_err().contains("needs a host"), "{bare}");
        }
        for host in ["-oProxyCommand=touch pwned", "-p22@x"] {
            let err = parse(&format!("ssh://{host}/w.db")).unwrap_err();
            assert!(err.contains("cannot start with '-'"), "{err}");
        }
        let PeerAddr::Command { argv, .. } = parse("ssh://h/w.db").unwrap() else {
            panic!()
        };
        let dashes = argv.iter().position(|a| a == "--").unwrap();
        assert_eq!(argv[dashes + 1], "h", "the host comes after `--`");
        assert_eq!(remote_db("ssh://h/srv/w.db"), "/srv/w.db");
        assert_eq!(
            remote_db("ssh://h/srv/war room;rm -rf ~/w.db"),
            "'/srv/war room;rm -rf ~/w.db'"
        );
        assert_eq!(remote_db("ssh://h/srv/it's.db"), "\"/srv/it's.db\"");
        assert_eq!(remote_db("ssh://h/~/my logs/w.db"), "~/'my logs/w.db'");
        assert_eq!(remote_db("ssh://h/~/$(id).db"), "~/'$(id).db'");
        assert_eq!(remote_db("ssh://h/~ops/w.db"), "~ops/w.db");
        assert_eq!(remote_db("ssh://h/~$(id)/w.db"), "'/~$(id)/w.db'");
        for path in [
            "/srv/it's.db",
            "/srv/a\\b \"c\" `d` $e !f ^g.db",
            "/srv/café.db",
        ] {
            let quoted = remote_db(&format!("ssh://h{path}"));
            assert_eq!(
                shlex::split(&quoted),
                Some(vec![path.to_string()]),
                "{quoted}"
            );
        }
        assert!(parse("ssh://h/w%00.db").unwrap_err().contains("NUL"));
    }

    #[test]
    fn an_ipv6_host_loses_its_brackets_for_ssh() {
        let PeerAddr::Command { argv, .. } = parse("ssh://ops@[::1]:2222/w.db").unwrap() else {
            panic!()
        };
        assert!(argv.contains(&"ops@::1".to_string()), "{argv:?}");
        let PeerAddr::Command { argv, .. } = parse("ssh://[fe80::1]/w.db").unwrap() else {
            panic!()
        };
        assert!(argv.contains(&"fe80::1".to_string()), "{argv:?}");
    }

    #[test]
    fn percent_escapes_in_the_url_are_decoded() {
        assert_eq!(
            remote_db("ssh://h/srv/space%20test.db"),
            "'/srv/space test.db'"
        );
        assert_eq!(remote_db("ssh://h/srv/caf%C3%A9.db"), "'/srv/café.db'");
        let PeerAddr::Command { argv, .. } = parse("ssh://j%C3%BCrgen@h/w.db").unwrap() else {
            panic!()
        };
        assert!(argv.contains(&"jürgen@h".to_string()), "{argv:?}");
        assert!(parse("ssh://h/x%FF.db").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn the_far_side_creates_its_database_only_when_asked() {
        let PeerAddr::Command { argv, .. } = parse("ssh://h/w.db").unwrap() else {
            panic!()
        };
        assert_eq!(argv.last().unwrap(), "--stdio");
        let PeerAddr::Command { argv, .. } = parse("ssh://h/w.db").unwrap().create_far_side()
        else {
            panic!()
        };
        assert_eq!(argv.last().unwrap(), "--create");
        assert_eq!(via("x").create_far_side(), via("x"), "only for ssh");
    }
}
