//! Exports an incident for people (Markdown, an activity log, a public status page) and
//! machines (JSON, JSON lines).

mod brief;
mod clock;
mod escape;
mod ics214;
mod json;
mod markdown;
mod record;
mod statuspage;

pub use brief::{briefing, briefing_plain};
pub use clock::LocalTimes;
pub use ics214::{Form214, RoleFilter, activity_log};
pub use json::{
    EXPORT_FORMAT, ExportDocument, IMPORT_CHUNK, document, event_chunks, parse_events,
    starts_a_document,
};
pub use markdown::{markdown, md};
pub use record::{ChainRecord, RecordedHead};
pub use statuspage::status_page;
