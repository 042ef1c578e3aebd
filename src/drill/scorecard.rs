//! The scorecard: how the team did against the scenario's expectations, in scenario
//! time (so a drill played at `--speed 10` scores as if it ran at full length).

use std::fmt;

use chrono::TimeDelta;
use strum::IntoEnumIterator;

use super::run::{DrillRun, paged};
use crate::domain::{Audience, IncidentState, Timestamp};
use crate::format::duration;
use crate::metrics::adherence;
use crate::playbook::Playbook;

/// One line of the scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// What was measured.
    pub what: String,
    /// What happened (scenario time), or `-`.
    pub actual: String,
    /// What was expected, if anything.
    pub expected: Option<String>,
    /// Whether the expectation was met (`None`: nothing was expected).
    pub met: Option<bool>,
}

/// How a drill went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    /// The scenario's name.
    pub scenario: String,
    /// Resolved (true) or time's up (false).
    pub resolved: bool,
    /// Neither: the runner was stopped before time was up.
    pub stopped_early: bool,
    /// The measured lines.
    pub lines: Vec<Line>,
    /// Injects: (scenario time, text, fired).
    pub injects: Vec<(TimeDelta, String, bool)>,
}

impl Scorecard {
    /// Expectations met, and how many there were.
    pub fn score(&self) -> (usize, usize) {
        let judged: Vec<bool> = self.lines.iter().filter_map(|l| l.met).collect();
        (judged.iter().filter(|m| **m).count(), judged.len())
    }

    /// The line about `what`.
    pub fn line(&self, what: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.what == what)
    }
}

/// A line timed against an expectation; `played` is how much scenario time was played:
/// an expectation whose time had not come when a drill was stopped is not judged.
fn timed(
    what: &str,
    actual: Option<TimeDelta>,
    within: Option<TimeDelta>,
    played: TimeDelta,
) -> Line {
    let judged = within.filter(|w| actual.is_some() || *w <= played);
    Line {
        what: what.into(),
        actual: match (actual, within) {
            (None, Some(w)) if w > played => "not reached".into(),
            _ => crate::format::maybe_duration(actual),
        },
        expected: within.map(|w| format!("within {}", duration(w))),
        met: judged.map(|w| actual.is_some_and(|a| a <= w)),
    }
}

/// Scores a finished drill.
pub fn score(run: &DrillRun, s: &IncidentState, playbook: &Playbook, now: Timestamp) -> Scorecard {
    let expect = &run.scenario.expect;
    let t = |at: Option<Timestamp>| at.map(|at| run.scenario_time(at));
    let played = run.scenario_time(now);
    let mut lines = vec![
        timed(
            "time to triage",
            t(s.severity_history.first().map(|c| c.at)),
            expect.triage_within,
            played,
        ),
        timed(
            "time to declare",
            t(s.declared_at),
            expect.declare_within,
            played,
        ),
    ];
    for audience in Audience::iter() {
        let first = s.updates_to(audience).next().map(|e| e.event.at);
        lines.push(timed(
            &format!("first update to {audience}"),
            t(first),
            expect.first_update.get(&audience).copied(),
            played,
        ));
    }
    let speed = i32::try_from(run.speed).unwrap_or(1).max(1);
    for audience in Audience::iter() {
        // Counted to the resolution, or to now while it is open.
        let a = adherence(
            s,
            audience,
            &|sev, a| playbook.cadence_for(sev, a).map(|c| c / speed),
            now,
        );
        lines.push(Line {
            what: format!("updates to {audience} on time"),
            actual: if a.due == 0 {
                "none due".into()
            } else {
                format!("{} of {}", a.on_time, a.due)
            },
            expected: None,
            met: None,
        });
    }
    // Stopped before time was up, what was not done yet is not judged as missed.
    let early = s.resolved_at.is_none() && now < run.ends_at();
    let chosen = s.severity;
    lines.push(Line {
        what: "severity chosen".into(),
        actual: chosen
            .map(|v| v.to_string())
            .unwrap_or_else(|| if early { "not yet" } else { "never set" }.into()),
        expected: expect.severity.map(|v| v.to_string()),
        met: expect
            .severity
            .filter(|_| chosen.is_some() || !early)
            .map(|want| chosen == Some(want)),
    });
    for role in &expect.page {
        let was_paged = paged(s, playbook, *role);
        lines.push(Line {
            what: format!("{} paged", role.label()),
            actual: match (was_paged, early) {
                (true, _) => "yes",
                (false, true) => "not yet",
                (false, false) => "no",
            }
            .into(),
            expected: Some("yes".into()),
            met: (was_paged || !early).then_some(was_paged),
        });
    }
    lines.push(timed(
        "time to resolve",
        t(s.resolved_at),
        expect.resolve_within,
        played,
    ));
    let injects = run
        .log
        .iter()
        .map(|f| {
            (
                run.scenario.injects[f.index].at,
                run.scenario.injects[f.index].text.clone(),
                f.fired,
            )
        })
        .collect();
    Scorecard {
        scenario: run.scenario.name.clone(),
        resolved: s.resolved_at.is_some(),
        stopped_early: s.resolved_at.is_none() && now < run.ends_at(),
        lines,
        injects,
    }
}

impl fmt::Display for Scorecard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (met, of) = self.score();
        let end = match (self.resolved, self.stopped_early) {
            (true, _) => "resolved",
            (false, true) => "stopped early",
            (false, false) => "time's up",
        };
        writeln!(
            f,
            "DRILL SCORECARD: {} ({end}): {met} of {of} expectations met",
            self.scenario
        )?;
        for l in &self.lines {
            let verdict = match l.met {
                Some(true) => "ok",
                Some(false) => "MISSED",
                None => "",
            };
            let expected = l
                .expected
                .as_deref()
                .map(|e| format!(" (expected {e})"))
                .unwrap_or_default();
            writeln!(f, "  {:<30} {:<14}{expected} {verdict}", l.what, l.actual)?;
        }
        writeln!(f, "  injects:")?;
        for (at, text, fired) in &self.injects {
            let mark = if *fired {
                "fired"
            } else {
                "skipped (its condition did not hold)"
            };
            writeln!(f, "    +{} {mark}: {text}", duration(*at))?;
        }
        Ok(())
    }
}
