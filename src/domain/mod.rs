//! The domain: events, the fold into incident state, and the rules of a war room.
//!
//! Pure: it knows serde, chrono and strum (names of enums), and nothing of terminals,
//! files or sockets.

mod bounds;
mod chain;
mod command;
mod event;
mod fold;
mod ids;
mod names;
mod people;
mod review;
mod roster;
mod severity;
mod state;
mod status;
mod summary;
mod time;
mod timeline;
pub mod triage;

pub use bounds::{
    EARLIEST_MS, LATEST_MS, MAX_KIND_BYTES, MAX_NAME_BYTES, MAX_PACE, MAX_SEQ, OutOfBounds,
    check_date, check_time, earliest, time_in_bounds,
};
pub use chain::{ChainFields, ChainHash, Link};
pub use command::{Command, CommandChange, CommandConflict, CommandHow};
pub use event::{
    Body, Check, EncodedEvent, Event, MAX_EVENT_BYTES, ObjectiveStage, RECORDED_BY, ReviewSection,
    TaskState, TriageAnswer, Verdict, body_and_recorder, event_and_link, event_line,
    with_recorded_by,
};
pub use fold::Applied;
pub use ids::{MIN_ID_CHARS, resolve_id};
pub use people::{
    Audience, ParseAudienceError, ParsePriorityError, ParseRoleError, Priority, ResponderState,
    Role,
};
pub use roster::{Responder, RoleChange, Roster, name_key, same_name};
pub use severity::{ParseSeverityError, Severity};
pub use state::{
    ActionItem, AlertGroup, CurrentText, IncidentState, Objective, ProblemRecord, ResolutionRecord,
    SeverityChange, Situation, StatusChange, Task, short_id,
};
pub use status::{ParseStatusError, Status};
pub use summary::IncidentSummary;
pub use time::{Timestamp, epoch_ms, from_epoch_ms, rfc3339, to_millis};
pub use timeline::{Category, Entry, describe, utc_minute};
