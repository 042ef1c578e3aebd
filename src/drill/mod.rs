//! Drills: timed war-room simulations from scenario files. A drill is a real incident
//! flagged `drill`, fed timed injects, scored at the end, and kept out of the metrics.

mod replay;
mod run;
mod scenario;
mod scorecard;

pub use replay::{MAX_REPLAY_SPEED, Replayed, replay, schedule};
pub use run::{DrillClock, DrillRun, Fired, MAX_SPEED};
pub use scenario::{
    Condition, Expect, Inject, Scenario, ScenarioError, builtin, builtin_names, builtin_text,
    parse_duration,
};
pub use scorecard::{Scorecard, score};
