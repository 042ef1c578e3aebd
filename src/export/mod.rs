//! Exports an incident for people (Markdown) and machines (JSON, JSON lines).

mod json;
mod markdown;

pub use json::{EXPORT_FORMAT, ExportDocument, document, parse_events};
pub use markdown::markdown;
