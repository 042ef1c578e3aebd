//! The network peer: this database's identity, the peers it allows, and links over
//! TCP (Noise), SSH or any command's stdio. The protocol itself is in `sync`.

pub mod address;
pub mod child;
pub mod gate;
pub mod identity;
pub mod link;
pub mod replica;

pub use address::{PeerAddr, parse as parse_addr, via};
pub use link::{Limits, LinkState, follow, serve_stdio, serve_tcp, sync_once};
