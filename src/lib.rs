//! warroom: a terminal console for running an incident war room.
//!
//! Layers, one direction: `cli`/`ui` -> `store` -> `domain`. The domain is pure.

pub mod domain;
pub mod inert;
pub mod store;
