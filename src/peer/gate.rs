//! Who `serve` lets in, and how much it says about who it turned away.
//!
//! A connection that has not proved its key yet costs a thread and a handshake
//! deadline; anyone who can reach the port can open one. So those are bounded apart
//! from the peers already proven: at most [`UNPROVEN_PER_SOURCE`] from one address and
//! [`UNPROVEN`] in all, while proven peers have [`PROVEN`] places of their own that
//! unproven connections can never take. A connection turned away is told the server is
//! busy, and the log says so once per source and interval, not once per connection.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Connections still in their handshake, from any one address.
pub const UNPROVEN_PER_SOURCE: usize = 4;
/// Connections still in their handshake, in all.
pub const UNPROVEN: usize = 32;
/// Peers whose key is proven and allowed, syncing at once.
pub const PROVEN: usize = 64;
/// How often, at most, one kind of line about one source is logged.
pub const LOG_EVERY: Duration = Duration::from_secs(10);
/// How many sources the log remembers; past it the oldest are forgotten.
const REMEMBERED: usize = 1024;

#[derive(Default)]
struct Counts {
    unproven: HashMap<IpAddr, usize>,
    unproven_total: usize,
    proven: usize,
}

/// The server's places for connections.
#[derive(Default)]
pub struct Gate {
    counts: Mutex<Counts>,
}

/// A place held by a connection in its handshake; given back when dropped.
pub struct Unproven<'a> {
    gate: &'a Gate,
    source: IpAddr,
}

/// A place held by a proven peer; given back when dropped.
pub struct Proven<'a> {
    gate: &'a Gate,
}

/// The source a connection counts against: its IPv4 address (an IPv4 address mapped
/// into IPv6 is that address), or its IPv6 /64 network, which one host commonly holds
/// whole.
pub fn source_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut bits = v6.segments();
                bits[4..].fill(0);
                IpAddr::from(bits)
            }
        },
    }
}

impl Gate {
    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a new connection from `source`, or why there is none.
    pub fn admit(&self, source: IpAddr) -> Result<Unproven<'_>, String> {
        let source = source_of(source);
        let mut counts = self.counts();
        let from_source = counts.unproven.get(&source).copied().unwrap_or(0);
        if from_source >= UNPROVEN_PER_SOURCE {
            return Err(format!(
                "{UNPROVEN_PER_SOURCE} connections from {source} are already in their handshake"
            ));
        }
        if counts.unproven_total >= UNPROVEN {
            return Err(format!(
                "{UNPROVEN} connections are already in their handshake"
            ));
        }
        *counts.unproven.entry(source).or_default() += 1;
        counts.unproven_total += 1;
        Ok(Unproven { gate: self, source })
    }
}

impl<'a> Unproven<'a> {
    /// Moves a connection whose key is proven and allowed to a proven peer's place,
    /// or says why there is none.
    pub fn prove(self) -> Result<Proven<'a>, String> {
        let gate = self.gate;
        let mut counts = gate.counts();
        if counts.proven >= PROVEN {
            return Err(format!("already syncing with {PROVEN} peers"));
        }
        counts.proven += 1;
        Ok(Proven { gate })
        // `self` is dropped here, giving its unproven place back.
    }
}

impl Drop for Unproven<'_> {
    fn drop(&mut self) {
        let mut counts = self.gate.counts();
        counts.unproven_total = counts.unproven_total.saturating_sub(1);
        if let Some(n) = counts.unproven.get_mut(&self.source) {
            *n -= 1;
            if *n == 0 {
                counts.unproven.remove(&self.source);
            }
        }
    }
}

impl Drop for Proven<'_> {
    fn drop(&mut self) {
        let mut counts = self.gate.counts();
        counts.proven = counts.proven.saturating_sub(1);
    }
}

/// Log lines about sources, at most one per source and kind every [`LOG_EVERY`]; the
/// next one says how many were held back.
#[derive(Default)]
pub struct Quiet {
    last: Mutex<HashMap<LineKey, LastLogged>>,
}

/// A source and the kind of line about it.
type LineKey = (IpAddr, &'static str);
/// When a line was last logged, and how many were held back since.
type LastLogged = (Instant, u64);

impl Quiet {
    /// The line to log about `source` (of kind `kind`), or `None` when one was logged
    /// lately; `now` is when it happens.
    pub fn line(
        &self,
        source: IpAddr,
        kind: &'static str,
        line: String,
        now: Instant,
    ) -> Option<String> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (source_of(source), kind);
        match last.get_mut(&key) {
            Some((at, held)) if now.duration_since(*at) < LOG_EVERY => {
                *held += 1;
                None
            }
            Some((at, held)) => {
                let line = match *held {
                    0 => line,
                    n => format!("{line} (and {n} more like it since the last line)"),
                };
                *at = now;
                *held = 0;
                Some(line)
            }
            None => {
                if last.len() >= REMEMBERED
                    && let Some(oldest) =
                        last.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| *k)
                {
                    last.remove(&oldest);
                }
                last.insert(key, (now, 0));
                Some(line)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_source_cannot_take_every_place_and_proven_peers_have_their_own() {
        let gate = Gate::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let held: Vec<_> = (0..UNPROVEN_PER_SOURCE)
            .map(|_| gate.admit(a).unwrap())
            .collect();
        assert!(gate.admit(a).is_err(), "a fifth from one source is busy");
        let other = gate.admit(b).expect("another source still gets in");
        let proven = other.prove().expect("a proven peer gets a place");
        assert!(gate.admit(b).is_ok(), "its handshake place was given back");
        drop(held);
        assert!(
            gate.admit(a).is_ok(),
            "places come back when connections go"
        );
        drop(proven);
        assert_eq!(gate.counts().proven, 0);
    }

    #[test]
    fn one_ipv6_host_counts_as_one_source_whatever_address_of_its_network_it_uses() {
        let gate = Gate::default();
        let held: Vec<_> = (0..UNPROVEN_PER_SOURCE)
            .map(|i| {
                gate.admit(format!("2001:db8:1:2::{i:x}").parse().unwrap())
                    .unwrap()
            })
            .collect();
        assert!(gate.admit("2001:db8:1:2:ffff::1".parse().unwrap()).is_err());
        assert!(gate.admit("2001:db8:1:3::1".parse().unwrap()).is_ok());
        assert_eq!(
            source_of("::ffff:10.0.0.1".parse().unwrap()),
            "10.0.0.1".parse::<IpAddr>().unwrap()
        );
        drop(held);
    }

    #[test]
    fn the_total_of_handshakes_is_bounded_too() {
        let gate = Gate::default();
        let held: Vec<_> = (0..UNPROVEN)
            .map(|i| gate.admit(IpAddr::from([10, 0, 1, i as u8])).unwrap())
            .collect();
        assert!(gate.admit("10.0.2.1".parse().unwrap()).is_err());
        drop(held);
    }

    #[test]
    fn a_source_is_logged_once_an_interval_with_a_count_of_the_rest() {
        let quiet = Quiet::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let start = Instant::now();
        assert!(quiet.line(a, "busy", "busy".into(), start).is_some());
        for i in 1..=500 {
            assert!(
                quiet
                    .line(a, "busy", "busy".into(), start + Duration::from_millis(i))
                    .is_none()
            );
        }
        assert!(
            quiet.line(a, "closed", "closed".into(), start).is_some(),
            "another kind of line is logged on its own"
        );
        let later = quiet
            .line(a, "busy", "busy".into(), start + LOG_EVERY)
            .unwrap();
        assert!(later.contains("500 more"), "{later}");
    }
}
