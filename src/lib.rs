//! warroom: a terminal console for running an incident war room.
//!
//! Layers, one direction: `cli`/`ui` -> `store` -> `domain`. The domain is pure.

pub mod app;
pub mod cli;
pub mod config;
pub mod deliver;
pub mod demo;
pub mod domain;
pub mod drill;
pub mod export;
pub mod files;
pub mod format;
pub mod inert;
pub mod intake;
pub mod metrics;
pub mod paths;
pub mod peer;
pub mod playbook;
mod poll;
pub mod rules;
pub mod store;
pub mod sync;
pub mod tui;
pub mod ui;
pub mod when;
pub mod zone;
