//! `IncidentSummary`: the few facts that list and pick incidents, folded from a handful
//! of kinds instead of whole timelines.

use ulid::Ulid;

use super::severity::Severity;
use super::state::{IncidentState, short_id};
use super::status::Status;
use super::time::Timestamp;

/// The few facts that list and pick incidents, without their timelines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentSummary {
    /// The incident's id.
    pub id: Ulid,
    /// One line saying what is wrong.
    pub title: String,
    /// When it was opened.
    pub opened_at: Option<Timestamp>,
    /// A rehearsal, kept out of real metrics.
    pub drill: bool,
    /// The current severity.
    pub severity: Option<Severity>,
    /// The current status.
    pub status: Status,
    /// The commander.
    pub commander: Option<String>,
    /// Who a pending handoff is offered to, if one is pending.
    pub handoff_to: Option<String>,
    /// Whether a conflicting claim on command waits for the commander to confirm.
    pub in_conflict: bool,
}

impl IncidentSummary {
    /// The event kinds a head is folded from; nothing else changes these fields.
    pub const KINDS: [&'static str; 13] = [
        "incident_opened",
        "severity_set",
        "status_changed",
        "resolution",
        "routed",
        "problem_handoff",
        "command_claimed",
        "command_handed_off",
        "command_confirmed",
        "command_assumed",
        "handoff_offered",
        "handoff_accepted",
        "handoff_cancelled",
    ];

    /// The short form of the id people type.
    pub fn short_id(&self) -> String {
        short_id(self.id)
    }

    /// Whether it is still being worked.
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }
}

impl From<&IncidentState> for IncidentSummary {
    fn from(s: &IncidentState) -> IncidentSummary {
        IncidentSummary {
            id: s.id,
            title: s.title.clone(),
            opened_at: s.opened.as_ref().map(|(at, _)| *at),
            drill: s.drill,
            severity: s.severity,
            status: s.status,
            commander: s.command.commander.clone(),
            handoff_to: s.command.pending.as_ref().map(|p| p.to.clone()),
            in_conflict: s.command.in_conflict(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Body, IncidentState};
    use chrono::TimeDelta;

    /// Every kind whose fold changes a head's fields must be among `IncidentSummary::KINDS`,
    /// or listings show a stale status. This checks each kind's effect directly.
    #[test]
    fn summaries_fold_every_kind_that_changes_them() {
        let t = crate::domain::from_epoch_ms(1_764_000_000_000).unwrap();
        let id = Ulid::from_parts(1, 1);
        let event = |n: u64, body: Body| crate::domain::Event {
            id: Ulid::from_parts(n, 9),
            origin: "o".into(),
            seq: n,
            incident: id,
            author: "a".into(),
            recorded_by: None,
            at: t + TimeDelta::seconds(n as i64),
            logged_at: t + TimeDelta::seconds(n as i64),
            body,
        };
        let base = vec![
            crate::domain::Event {
                id,
                ..event(
                    1,
                    Body::IncidentOpened {
                        title: "t".into(),
                        detected_at: None,
                        drill: false,
                        pace: None,
                    },
                )
            },
            event(
                2,
                Body::StatusChanged {
                    status: Status::Investigating,
                    reason: None,
                },
            ),
            event(
                3,
                Body::Resolution {
                    code: "c".into(),
                    summary: "s".into(),
                    checklist: vec![],
                },
            ),
        ];
        let claim = |who: &str| Body::CommandClaimed {
            commander: who.into(),
        };
        let offer = || Body::HandoffOffered {
            from: "x".into(),
            to: "y".into(),
        };
        let samples: Vec<Vec<Body>> = vec![
            vec![Body::ProblemHandoff {
                owner: "o".into(),
                root_cause: "r".into(),
                fix: None,
                ticket: None,
            }],
            vec![Body::StatusChanged {
                status: Status::Closed,
                reason: None,
            }],
            vec![claim("x")],
            vec![claim("x"), claim("z")],
            vec![
                claim("x"),
                claim("z"),
                Body::CommandConfirmed {
                    commander: "x".into(),
                },
            ],
            vec![Body::SeveritySet {
                severity: Severity::P1,
                reason: None,
                triage: vec![],
            }],
            vec![claim("x"), offer()],
            vec![
                claim("x"),
                offer(),
                Body::HandoffCancelled {
                    from: "x".into(),
                    to: "y".into(),
                    declined: false,
                },
            ],
            vec![
                claim("x"),
                offer(),
                Body::HandoffAccepted {
                    from: "x".into(),
                    to: "y".into(),
                },
            ],
            vec![
                claim("x"),
                Body::CommandAssumed {
                    commander: "y".into(),
                    reason: "x is gone".into(),
                    from: Some("x".into()),
                },
            ],
        ];
        for bodies in samples {
            let kind = bodies
                .last()
                .map(|b| b.kind().to_string())
                .unwrap_or_default();
            let mut all = base.clone();
            for (n, body) in bodies.into_iter().enumerate() {
                all.push(event(4 + n as u64, body));
            }
            let full = IncidentSummary::from(&IncidentState::fold(id, all.clone()));
            let only_kinds = all
                .into_iter()
                .filter(|e| IncidentSummary::KINDS.contains(&e.kind()));
            let head = IncidentSummary::from(&IncidentState::fold(id, only_kinds));
            assert_eq!(
                head, full,
                "{kind} changes a head but is not in IncidentSummary::KINDS"
            );
        }
    }
}
