//! Peers for tests: a host (an env with an incident and a peer identity), a running
//! `warroom serve`, and a `warroom sync --follow`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Env, wait_for};
use warroom::domain::{Event, IncidentState};
use warroom::store::{OpenOptions, Store};

pub const LONG: Duration = Duration::from_secs(60);

pub struct Host {
    pub env: Env,
    pub id: String,
}

impl Host {
    pub fn new() -> Host {
        let env = Env::new();
        env.ok(&["declare", "--title", "shared incident", "--severity", "P2"]);
        let id = env.ok(&["peer", "id"]).trim().to_string();
        Host { env, id }
    }

    pub fn allow(&self, other: &Host) {
        self.env.ok(&["peer", "allow", &other.id]);
    }

    pub fn events(&self) -> Vec<Event> {
        let store = Store::open(&self.env.db, OpenOptions::read()).unwrap();
        let mut events = store.all_events().unwrap();
        events.sort_by_key(|e| e.id);
        events
    }

    pub fn ids(&self) -> BTreeSet<String> {
        self.events().iter().map(|e| e.id.to_string()).collect()
    }

    pub fn has_text(&self, text: &str) -> bool {
        self.events().iter().any(|e| e.body.text() == Some(text))
    }

    pub fn states(&self) -> Vec<IncidentState> {
        Store::open(&self.env.db, OpenOptions::read())
            .unwrap()
            .incidents()
            .unwrap()
    }

    /// Logs a note on this host's first incident, by id.
    pub fn note(&self, text: &str) {
        let incident = self.states()[0].id.to_string();
        self.env.ok(&["log", "--incident", &incident, text]);
    }
}

/// A running `warroom serve` with the lines it logs.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(host: &Host, listen: &str, extra: &[&str]) -> Server {
        let mut child = host
            .env
            .std_cmd()
            .args(["serve", "--listen", listen])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let mut port = 0;
        wait_for("the server to listen", LONG, || {
            let log = log.lock().unwrap();
            port = log
                .iter()
                .find_map(|l| {
                    l.split(" on 127.0.0.1:")
                        .nth(1)
                        .and_then(|r| r.split(' ').next()?.parse().ok())
                })
                .unwrap_or(0);
            port != 0
        });
        Server { child, port, log }
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn logged(&self, text: &str) -> bool {
        self.log.lock().unwrap().iter().any(|l| l.contains(text))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `warroom sync --follow`, killed when dropped.
pub struct Follower(pub Child);

impl Follower {
    pub fn start(host: &Host, peer: &str) -> Follower {
        Follower(
            host.env
                .std_cmd()
                .args(["sync", "--follow", "--peer", peer])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
