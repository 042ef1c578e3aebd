//! The incident rules, called directly: every kind of request, what it records when no
//! rule stands in the way, and each refusal it can meet, by variant. The front ends only
//! word these; the words are tested where each front end is (`cli.rs`, `app_update.rs`).

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use ulid::Ulid;

use warroom::domain::{
    Body, Check, Event, IncidentState, Priority, ResponderState, ReviewSection, Role, Severity,
    Status, Timestamp,
};
use warroom::playbook::{Contact, Playbook};
use warroom::rules::{
    Asked, Caution, Decision, Doing, Notice, Outcome, Refusal, Request, SituationFields, Target,
    decide,
};

/// A clock the tests set: 09:00 UTC on a fixed day, plus `s` seconds.
fn at(s: i64) -> Timestamp {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + chrono::TimeDelta::seconds(s)
}

/// An incident folded from `(author, body)` pairs, one second apart, opened by the first.
fn incident(entries: Vec<(&str, Body)>) -> IncidentState {
    let id = Ulid::from_parts(1, 1);
    let events = entries
        .into_iter()
        .enumerate()
        .map(|(n, (author, body))| Event {
            id: if n == 0 {
                id
            } else {
                Ulid::from_parts(1 + n as u64, 1)
            },
            origin: "replica-a".into(),
            seq: n as u64 + 1,
            incident: id,
            author: author.into(),
            recorded_by: None,
            at: at(n as i64),
            logged_at: at(n as i64),
            body,
        });
    IncidentState::fold(id, events)
}

fn opened() -> (&'static str, Body) {
    (
        "ann",
        Body::IncidentOpened {
            title: "checkout failing".into(),
            detected_at: None,
            drill: false,
            pace: None,
        },
    )
}

fn declared() -> Vec<(&'static str, Body)> {
    vec![
        opened(),
        (
            "ann",
            Body::SeveritySet {
                severity: Severity::P2,
                reason: None,
                triage: Vec::new(),
            },
        ),
        (
            "ann",
            Body::StatusChanged {
                status: Status::Investigating,
                reason: None,
            },
        ),
    ]
}

fn commanded_by(who: &'static str) -> Vec<(&'static str, Body)> {
    let mut entries = declared();
    entries.push((
        who,
        Body::CommandClaimed {
            commander: who.into(),
        },
    ));
    entries
}

fn resolved() -> Vec<(&'static str, Body)> {
    let mut entries = commanded_by("ann");
    entries.push((
        "ann",
        Body::Resolution {
            code: "rollback".into(),
            summary: "rolled back".into(),
            checklist: Vec::new(),
        },
    ));
    entries
}

fn handed_to_problem_management() -> Vec<(&'static str, Body)> {
    let mut entries = resolved();
    entries.push((
        "ann",
        Body::ProblemHandoff {
            owner: "dana".into(),
            root_cause: "a bad deploy".into(),
            fix: None,
            ticket: None,
        },
    ));
    entries
}

/// The built-in playbook with a contact for the tech lead.
fn playbook() -> Playbook {
    let mut playbook = Playbook::builtin();
    playbook.contacts = vec![Contact {
        name: "db-oncall".into(),
        role: Role::TechLead,
        reach: "pager".into(),
    }];
    playbook
}

/// Decides `request` as `actor` on `state` with `playbook`.
fn ask(
    request: Request,
    state: Option<&IncidentState>,
    playbook: &Playbook,
    actor: &str,
) -> Result<Decision, Refusal> {
    ask_watched(request, state, playbook, actor, &[])
}

/// [`ask`], with these people watching in a console.
fn ask_watched(
    request: Request,
    state: Option<&IncidentState>,
    playbook: &Playbook,
    actor: &str,
    watching: &[String],
) -> Result<Decision, Refusal> {
    decide(
        request,
        &Asked {
            state,
            playbook,
            actor,
            now: at(100),
            watching,
        },
    )
}

/// The caution a request meets and the events it would record once meant, failing the
/// test when it is not asked about.
fn cautioned(result: Result<Decision, Refusal>) -> (Caution, Vec<Body>) {
    match result {
        Ok(Decision::Caution { caution, events }) => (caution, events),
        other => panic!("expected a caution, got {other:?}"),
    }
}

/// The events a request records, failing the test when it records nothing.
fn recorded(result: Result<Decision, Refusal>) -> Vec<Body> {
    match result {
        Ok(Decision::Record(bodies)) => bodies,
        other => panic!("expected events, got {other:?}"),
    }
}

/// The refusal a request meets, failing the test when it is not refused. Every refusal
/// seen is noted in `seen` by name, so that the last test can check none goes untested.
fn refused(result: Result<Decision, Refusal>, seen: &mut BTreeSet<&'static str>) -> Refusal {
    match result {
        Err(refusal) => {
            seen.insert(name(&refusal));
            refusal
        }
        Ok(other) => panic!("expected a refusal, got {other:?}"),
    }
}

/// Each refusal's name. The match has no catch-all, so a new refusal does not compile
/// here until it is named, and then [`every_refusal_is_met_by_some_request`] asks for
/// a request that meets it.
fn name(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::NoIncident => "NoIncident",
        Refusal::CommandHeldBy { .. } => "CommandHeldBy",
        Refusal::HandoffNotCommander { .. } => "HandoffNotCommander",
        Refusal::ConfirmNotCommander => "ConfirmNotCommander",
        Refusal::RoleNotInPlaybook { .. } => "RoleNotInPlaybook",
        Refusal::AlreadyInRole { .. } => "AlreadyInRole",
        Refusal::NotInRole { .. } => "NotInRole",
        Refusal::NoContacts { .. } => "NoContacts",
        Refusal::UnknownResolutionCode { .. } => "UnknownResolutionCode",
        Refusal::AlreadyEnded { .. } => "AlreadyEnded",
        Refusal::NothingToReopen { .. } => "NothingToReopen",
        Refusal::ProblemBeforeResolve => "ProblemBeforeResolve",
        Refusal::ProblemAlreadyHandedOff => "ProblemAlreadyHandedOff",
        Refusal::ItemAlreadyDone => "ItemAlreadyDone",
        Refusal::StatusUnchanged { .. } => "StatusUnchanged",
        Refusal::ResolveNeedsCode => "ResolveNeedsCode",
        Refusal::CloseBeforeResolve { .. } => "CloseBeforeResolve",
        Refusal::ProblemOwnsIt => "ProblemOwnsIt",
        Refusal::SeverityUnknown => "SeverityUnknown",
        Refusal::BelowThreshold { .. } => "BelowThreshold",
        Refusal::MeetsThreshold { .. } => "MeetsThreshold",
        Refusal::DeclaredNotRouted => "DeclaredNotRouted",
        Refusal::CommanderStandsDown { .. } => "CommanderStandsDown",
        Refusal::NoName => "NoName",
        Refusal::NotADrill => "NotADrill",
        Refusal::AlreadyRouted => "AlreadyRouted",
        Refusal::NothingToSet => "NothingToSet",
        Refusal::NotAHypothesis => "NotAHypothesis",
        Refusal::NoText => "NoText",
        Refusal::NotFound { .. } => "NotFound",
        Refusal::NoChange => "NoChange",
        Refusal::NobodyToAssumeFrom => "NobodyToAssumeFrom",
        Refusal::StruckEntry => "StruckEntry",
        Refusal::ReasonNeeded => "ReasonNeeded",
        Refusal::ImpactEndsBeforeStart => "ImpactEndsBeforeStart",
        Refusal::NoHandoffPending => "NoHandoffPending",
        Refusal::HandoffNotYours { .. } => "HandoffNotYours",
        Refusal::NotAnAlert => "NotAnAlert",
        Refusal::NotTyped { .. } => "NotTyped",
        Refusal::NothingToCorrect => "NothingToCorrect",
        Refusal::InTheFuture => "InTheFuture",
    }
}

/// Every request about an incident, asked with no incident: each is refused the same way.
fn every_request_on_an_incident() -> Vec<Request> {
    let item = Ulid::from_parts(9, 9);
    vec![
        Request::Log(Body::Note {
            text: "hello".into(),
        }),
        Request::SetSeverity {
            severity: Severity::P1,
            reason: None,
        },
        Request::Claim,
        Request::Handoff { to: "bob".into() },
        Request::Confirm,
        Request::Assign {
            person: "bob".into(),
            role: Role::Scribe,
        },
        Request::Unassign {
            person: "bob".into(),
            role: Role::Scribe,
        },
        Request::Page {
            who: "bob".into(),
            via: None,
        },
        Request::Responder {
            person: "bob".into(),
            state: ResponderState::Engaged,
        },
        Request::Resolve {
            code: "rollback".into(),
            summary: "x".into(),
            checklist: None,
        },
        Request::Reopen { reason: None },
        Request::Problem {
            owner: "dana".into(),
            root_cause: "x".into(),
            fix: None,
            ticket: None,
        },
        Request::Finding {
            section: ReviewSection::WentWell,
            text: "x".into(),
        },
        Request::ItemAdd {
            title: "x".into(),
            owner: None,
            due: None,
            priority: None,
        },
        Request::ItemUpdate {
            item,
            title: None,
            owner: None,
            due: None,
            priority: None,
            note: None,
        },
        Request::ItemDone { item, note: None },
        Request::Triage {
            target: Target::Incident,
            answers: vec![Some(0), Some(1), Some(0)],
            outcome: Outcome::Declare,
        },
    ]
}

#[test]
fn a_request_about_an_incident_without_one_is_refused_and_records_nothing() {
    let playbook = playbook();
    let mut seen = BTreeSet::new();
    for request in every_request_on_an_incident() {
        let what = format!("{request:?}");
        let refusal = refused(ask(request, None, &playbook, "ann"), &mut seen);
        assert_eq!(refusal, Refusal::NoIncident, "{what}");
    }
}

#[test]
fn declare_opens_and_declares_at_the_threshold_and_stays_in_triage_below_it() {
    let playbook = playbook();
    let declare = |severity| Request::Declare {
        title: "checkout failing".into(),
        detected_at: Some(at(-60)),
        severity,
    };
    let p2 = recorded(ask(declare(Some(Severity::P2)), None, &playbook, "ann"));
    assert!(
        matches!(&p2[0], Body::IncidentOpened { title, detected_at: Some(_), drill: false, .. } if title == "checkout failing")
    );
    assert!(matches!(
        p2[1],
        Body::SeveritySet {
            severity: Severity::P2,
            ..
        }
    ));
    assert!(matches!(
        p2[2],
        Body::StatusChanged {
            status: Status::Investigating,
            ..
        }
    ));
    assert_eq!(p2.len(), 3);
    let p4 = recorded(ask(declare(Some(Severity::P4)), None, &playbook, "ann"));
    assert_eq!(
        p4.len(),
        2,
        "below the threshold it stays in triage: {p4:?}"
    );
    let unknown = recorded(ask(declare(None), None, &playbook, "ann"));
    assert_eq!(unknown.len(), 1);
}

#[test]
fn log_records_an_entry_as_is_and_keeps_the_lifecycle_rules_for_status_changes() {
    let playbook = playbook();
    let mut seen = BTreeSet::new();
    let open = incident(declared());
    let note = Body::Note {
        text: "db failover started".into(),
    };
    assert_eq!(
        recorded(ask(
            Request::Log(note.clone()),
            Some(&open),
            &playbook,
            "ann"
        )),
        vec![note]
    );
    let status = |status| {
        Request::Log(Body::StatusChanged {
            status,
            reason: None,
        })
    };
    assert_eq!(
        recorded(ask(
            status(Status::Identified),
            Some(&open),
            &playbook,
            "ann"
        ))
        .len(),
        1
    );
    assert_eq!(
        refused(
            ask(status(Status::Investigating), Some(&open), &playbook, "ann"),
            &mut seen
        ),
        Refusal::StatusUnchanged {
            status: Status::Investigating
        }
    );
    assert_eq!(
        refused(
            ask(status(Status::Resolved), Some(&open), &playbook, "ann"),
            &mut seen
        ),
        Refusal::ResolveNeedsCode
    );
    assert_eq!(
        refused(
            ask(status(Status::Closed), Some(&open), &playbook, "ann"),
            &mut seen
        ),
        Refusal::CloseBeforeResolve {
            from: Status::Investigating
        }
    );
    let done = incident(resolved());
    assert_eq!(
        recorded(ask(status(Status::Closed), Some(&done), &playbook, "ann")).len(),
        1
    );
    let problem = incident(handed_to_problem_management());
    assert_eq!(
        refused(
            ask(status(Status::Monitoring), Some(&problem), &playbook, "ann"),
            &mut seen
        ),
        Refusal::ProblemOwnsIt
    );
}

#[test]
fn set_severity_declares_an_incident_in_triage_when_it_meets_the_threshold() {
    let playbook = playbook();
    let in_triage = incident(vec![opened()]);
    let set = |severity| Request::SetSeverity {
        severity,
        reason: Some("checked".into()),
    };
    let p1 = recorded(ask(set(Severity::P1), Some(&in_triage), &playbook, "ann"));
    assert!(matches!(
        p1.as_slice(),
        [
            Body::SeveritySet {
                severity: Severity::P1,
                ..
            },
            Body::StatusChanged {
                status: Status::Investigating,
                ..
            }
        ]
    ));
    let p5 = recorded(ask(set(Severity::P5), Some(&in_triage), &playbook, "ann"));
    assert_eq!(p5.len(), 1, "below the threshold: {p5:?}");
    // On a declared incident a new severity is only the change.
    let open = incident(declared());
    let p1 = recorded(ask(set(Severity::P1), Some(&open), &playbook, "ann"));
    assert_eq!(p1.len(), 1, "{p1:?}");
}

#[test]
fn claim_takes_free_command_says_so_when_held_and_refuses_when_someone_else_holds_it() {
    let playbook = playbook();
    let mut seen = BTreeSet::new();
    let free = incident(declared());
    assert_eq!(
        recorded(ask(Request::Claim, Some(&free), &playbook, "bob")),
        vec![Body::CommandClaimed {
            commander: "bob".into()
        }]
    );
    let held = incident(commanded_by("ann"));
    assert_eq!(
        ask(Request::Claim, Some(&held), &playbook, "ann"),
        Ok(Decision::Nothing(Notice::AlreadyCommander))
    );
    assert_eq!(
        refused(
            ask(Request::Claim, Some(&held), &playbook, "bob"),
            &mut seen
        ),
        Refusal::CommandHeldBy {
            holder: "ann".into()
        }
    );
}

#[test]
fn only_the_commander_hands_off_or_confirms_command() {
    let playbook = playbook();
    let mut seen = BTreeSet::new();
    let held = incident(commanded_by("ann"));
    let handoff = || Request::Handoff { to: "bob".into() };
    // Bob watches in a console (a stranger is asked about: see below).
    let bob = vec!["bob".to_string()];
    assert_eq!(
        recorded(ask_watched(handoff(), Some(&held), &playbook, "ann", &bob)),
        vec![Body::HandoffOffered {
            from: "ann".into(),
            to: "bob".into()
        }]
    );
    assert_eq!(
        refused(ask(handoff(), Some(&held), &playbook, "bob"), &mut seen),
        Refusal::HandoffNotCommander {
            holder: Some("ann".into())
        }
    );
    let free = incident(declared());
    assert_eq!(
        refused(ask(handoff(), Some(&free), &playbook, "bob"), &mut seen),
        Refusal::HandoffNotCommander { holder: None }
    );
    // With a conflicting claim to settle, the commander's confirmation records it;
    // with none, there is nothing to write.
    let mut entries = commanded_by("ann");
    entries.push((
        "bob",
        Body::CommandClaimed {
            commander: "bob".into(),
        },
    ));
    let contested = incident(entries);
    assert_eq!(
        recorded(ask(Request::Confirm, Some(&contested), &playbook, "ann")),
        vec![Body::CommandConfirmed {
            commander: "ann".into()
        }]
    );
    assert_eq!(
        ask(Request::Confirm, Some(&held), &playbook, "ann"),
        Ok(Decision::Nothing(Notice::NoConflict))
    );
    assert_eq!(
        refused(
            ask(Request::Confirm, Some(&held), &playbook, "bob"),
            &mut seen
        ),
        Refusal::ConfirmNotCommander
    );
}

#[test]
fn roles_come_from_the_playbook_and_are_given_and_taken_once() {
    let mut playbook = playbook();
    let mut seen = BTreeSet::new();
    let open = incident(declared());
    let assign = |role| Request::Assign {
        person: "bob".into(),
        role,
    };
    let unassign = |role| Request::Unassign {
        person: "bob".into(),
        role,
    };
    // Bob watches in a console (a role for a stranger is asked about: see below).
    let bob = vec!["bob".to_string()];
    let given = recorded(ask_watched(
        assign(Role::Scribe),
        Some(&open),
        &playbook,
        "ann",
        &bob,
    ));
    assert_eq!(
        given,
        vec![Body::RoleAssigned {
            person: "bob".into(),
            role: Role::Scribe
        }]
    );
    assert_eq!(
        refused(
            ask(unassign(Role::Scribe), Some(&open), &playbook, "ann"),
            &mut seen
        ),
        Refusal::NotInRole {
            person: "bob".into(),
            role: Role::Scribe
        }
    );
    let mut entries = declared();
    entries.extend(given.into_iter().map(|b| ("ann", b)));
    let scribe = incident(entries);
    assert_eq!(
        refused(
            ask(assign(Role::Scribe), Some(&scribe), &playbook, "ann"),
            &mut seen
        ),
        Refusal::AlreadyInRole {
            person: "bob".into(),
            role: Role::Scribe
        }
    );
    assert_eq!(
        recorded(ask(unassign(Role::Scribe), Some(&scribe), &playbook, "ann")),
        vec![Body::RoleRemoved {
            person: "bob".into(),
            role: Role::Scribe
        }]
    );
    playbook.roles = vec![Role::Deputy];
    assert_eq!(
        refused(
            ask(assign(Role::Legal), Some(&open), &playbook, "ann"),
            &mut seen
        ),
        Refusal::RoleNotInPlaybook {
            role: Role::Legal,
            listed: vec![Role::Deputy]
        }
    );
}

#[test]
fn paging_reaches_a_person_by_name_or_a_roles_contacts() {
    let mut playbook = playbook();
    let mut seen = BTreeSet::new();
    let open = incident(declared());
    let page = |who: &str| Request::Page {
        who: who.into(),
        via: None,
    };
    assert_eq!(
        recorded(ask(page("bob"), Some(&open), &playbook, "ann")),
        vec![Body::ResponderPaged {
            person: "bob".into(),
            via: None
        }]
    );
    assert_eq!(
        recorded(ask(page("tech_lead"), Some(&open), &playbook, "ann")),
        vec![Body::ResponderPaged {
            person: "db-oncall".into(),
            via: Some("pager".into())
        }]
    );
    assert_eq!(
        refused(ask(page("legal"), Some(&open), &playbook, "ann"), &mut seen),
        Refusal::NoContacts { role: Role::Legal }
    );
    playbook.roles = vec![Role::TechLead];
    assert_eq!(
        refused(ask(page("legal"), Some(&open), &playbook, "ann"), &mut seen),
        Refusal::RoleNotInPlaybook {
            role: Role::Legal,
            listed: vec![Role::TechLead]
        }
    );
}

#[test]
fn a_responders_state_is_recorded_as_its_own_event() {
    let playbook = playbook();
    let open = incident(declared());
    for (state, expected) in [
        (
            ResponderState::Paged,
            Body::ResponderPaged {
                person: "bob".into(),
                via: None,
            },
        ),
        (
            ResponderState::Acknowledged,
            Body::ResponderAcknowledged {
                person: "bob".into(),
            },
        ),
        (
            ResponderState::Engaged,
            Body::ResponderEngaged {
                person: "bob".into(),
            },
        ),
        (
            ResponderState::StoodDown,
            Body::ResponderStoodDown {
                person: "bob".into(),
            },
        ),
    ] {
        let request = Request::Responder {
            person: "bob".into(),
            state,
        };
        // Bob watches in a console; someone the room does not know is asked about.
        let bob = vec!["bob".to_string()];
        assert_eq!(
            recorded(ask_watched(
                request.clone(),
                Some(&open),
                &playbook,
                "ann",
                &bob
            )),
            vec![expected.clone()]
        );
        let (caution, events) = cautioned(ask(request, Some(&open), &playbook, "ann"));
        assert_eq!(
            caution,
            Caution::Stranger {
                name: "bob".into(),
                doing: Doing::State(state)
            }
        );
        assert_eq!(events, vec![expected]);
    }
    // Anyone may say where they stand themselves.
    let me = Request::Responder {
        person: "ann".into(),
        state: ResponderState::Acknowledged,
    };
    recorded(ask(me, Some(&open), &playbook, "ann"));
}

#[test]
fn resolving_asks_the_checklist_first_needs_a_playbook_code_and_an_open_incident() {
    let mut playbook = playbook();
    let mut seen = BTreeSet::new();
    let open = incident(commanded_by("ann"));
    let resolve = |code: &str, checklist| Request::Resolve {
        code: code.into(),
        summary: "rolled back".into(),
        checklist,
    };
    assert_eq!(
        ask(resolve("rollback", None), Some(&open), &playbook, "ann"),
        Ok(Decision::AskChecklist(playbook.resolve_checklist.clone()))
    );
    let answered = vec![Check {
        item: "monitoring is green".into(),
        done: true,
    }];
    assert_eq!(
        recorded(ask(
            resolve("rollback", Some(answered.clone())),
            Some(&open),
            &playbook,
            "ann"
        )),
        vec![Body::Resolution {
            code: "rollback".into(),
            summary: "rolled back".into(),
            checklist: answered
        }]
    );
    let refusal = refused(
        ask(resolve("magic", None), Some(&open), &playbook, "ann"),
        &mut seen,
    );
    assert!(
        matches!(&refusal, Refusal::UnknownResolutionCode { code, allowed } if code == "magic" && allowed.contains(&"rollback".to_string())),
        "{refusal:?}"
    );
    let done = incident(resolved());
    assert_eq!(
        refused(
            ask(resolve("rollback", None), Some(&done), &playbook, "ann"),
            &mut seen
        ),
        Refusal::AlreadyEnded {
            status: Status::Resolved
        }
    );
    // With no checklist in the playbook it resolves at once.
    playbook.resolve_checklist.clear();
    assert_eq!(
        recorded(ask(
            resolve("rollback", None),
            Some(&open),
            &playbook,
            "ann"
        ))
        .len(),
        1
    );
}

#[test]
fn reopening_takes_a_resolved_incident_back_to_investigating_unless_problem_management_owns_it() {
    let playbook = playbook();
    let mut seen = BTreeSet::new();
    let reopen = || Request::Reopen {
        reason: Some("errors are back".into()),
    };
    let done = incident(resolved());
    assert_eq!(
        recorded(ask(reopen(), Some(&done), &playbook, "ann")),
        vec![Body::StatusChanged {
            status: Status::Investigating,
            reason: Some("reopened: errors are back".into())
        }]
    );
    let open = incident(declared());
    assert_eq!(
        refused(ask(reopen(), Some(&open), &playbook, "ann"), &mut seen),
        Refusal::NothingToReopen {
            status: Status::Investigating
        }
    );
    let problem = incident(handed_to_problem_management());
    assert_eq!(
        refused(ask(reopen(), Some(&problem), &playbook, "ann"), &mut seen),
        Refusal::ProblemOwnsIt
    );
}

#[test]
fn problem_management_takes_a_resolved_incident_once() {
    let playbook = playbook();
    let mut seen = BTreeSet::new();
    let problem = || Request::Problem {
        owner: "dana".into(),
        root_cause: "a bad deploy".into(),
        fix: Some("canary deploys".into()),
        ticket: Some("PRB-12".into()),
    };
    let open = incident(declared());
    assert_eq!(
        refused(ask(problem(), Some(&open), &playbook, "ann"), &mut seen),
        Refusal::ProblemBeforeResolve
    );
    let done = incident(resolved());
    assert!(matches!(
        recorded(ask(problem(), Some(&done), &playbook, "ann")).as_slice(),
        [Body::ProblemHandoff { owner, .. }] if owner == "dana"
    ));
    let handed = incident(handed_to_problem_management());
    assert_eq!(
        refused(ask(problem(), Some(&handed), &playbook, "ann"), &mut seen),
        Refusal::ProblemAlreadyHandedOff
    );
}

#[test]
fn review_findings_and_action_items_are_recorded_and_an_item_is_closed_once() {
    let playbook = playbook();
    let mut seen = BTreeSet::new();
    let done = incident(resolved());
    let finding = Request::Finding {
        section: ReviewSection::WentWell,
        text: "paging was fast".into(),
    };
    assert_eq!(
        recorded(ask(finding, Some(&done), &playbook, "ann")),
        vec![Body::Review {
            section: ReviewSection::WentWell,
            text: "paging was fast".into()
        }]
    );
    let due = NaiveDate::from_ymd_opt(2026, 3, 9);
    let add = Request::ItemAdd {
        title: "add a canary".into(),
        owner: Some("bob".into()),
        due,
        priority: Some(Priority::High),
    };
    let opened_item = recorded(ask(add, Some(&done), &playbook, "ann"));
    assert_eq!(
        opened_item,
        vec![Body::ActionItemOpened {
            title: "add a canary".into(),
            owner: Some("bob".into()),
            due,
            priority: Some(Priority::High)
        }]
    );
    let mut entries = resolved();
    let item = Ulid::from_parts(1 + entries.len() as u64, 1);
    entries.extend(opened_item.into_iter().map(|b| ("ann", b)));
    let with_item = incident(entries.clone());
    assert_eq!(with_item.action_items.len(), 1);
    assert_eq!(with_item.action_items[0].id, item);
    let update = Request::ItemUpdate {
        item,
        title: None,
        owner: Some("cy".into()),
        due: None,
        priority: None,
        note: Some("bob is away".into()),
    };
    assert!(matches!(
        recorded(ask(update, Some(&with_item), &playbook, "ann")).as_slice(),
        [Body::ActionItemUpdated { item: i, owner: Some(o), .. }] if *i == item && o == "cy"
    ));
    let close = || Request::ItemDone {
        item,
        note: Some("shipped".into()),
    };
    let closed = recorded(ask(close(), Some(&with_item), &playbook, "ann"));
    assert_eq!(
        closed,
        vec![Body::ActionItemClosed {
            item,
            note: Some("shipped".into())
        }]
    );
    entries.extend(closed.into_iter().map(|b| ("ann", b)));
    let closed_item = incident(entries);
    assert_eq!(
        refused(
            ask(close(), Some(&closed_item), &playbook, "ann"),
            &mut seen
        ),
        Refusal::ItemAlreadyDone
    );
}

/// Answers to the built-in playbook's questions (scope, data at risk, trend).
const P1: [Option<usize>; 3] = [Some(0), Some(1), Some(0)];
const P4: [Option<usize>; 3] = [Some(3), Some(1), Some(1)];

#[test]
fn triage_declares_at_the_threshold_routes_below_it_and_refuses_the_other_way_round() {
    let playbook = playbook();
    let mut seen = BTreeSet::new();
    let triage = |target: Target, answers: [Option<usize>; 3], outcome| Request::Triage {
        target,
        answers: answers.to_vec(),
        outcome,
    };
    let new = || Target::New("checkout failing".into());
    let declared_p1 = recorded(ask(
        triage(new(), P1, Outcome::Declare),
        None,
        &playbook,
        "ann",
    ));
    assert!(matches!(
        declared_p1.as_slice(),
        [
            Body::IncidentOpened { .. },
            Body::SeveritySet { severity: Severity::P1, triage, .. },
            Body::StatusChanged { status: Status::Investigating, .. }
        ] if triage.len() == 3
    ));
    let routed = recorded(ask(
        triage(new(), P4, Outcome::Route),
        None,
        &playbook,
        "ann",
    ));
    assert!(matches!(
        routed.as_slice(),
        [
            Body::IncidentOpened { .. },
            Body::SeveritySet {
                severity: Severity::P4,
                ..
            },
            Body::Routed { .. }
        ]
    ));
    assert_eq!(
        refused(
            ask(triage(new(), P1, Outcome::Route), None, &playbook, "ann"),
            &mut seen
        ),
        Refusal::MeetsThreshold {
            severity: Severity::P1,
            threshold: Severity::P3
        }
    );
    assert_eq!(
        refused(
            ask(triage(new(), P4, Outcome::Declare), None, &playbook, "ann"),
            &mut seen
        ),
        Refusal::BelowThreshold {
            severity: Severity::P4,
            threshold: Severity::P3
        }
    );
    assert_eq!(
        refused(
            ask(
                triage(new(), [None, Some(1), None], Outcome::Declare),
                None,
                &playbook,
                "ann"
            ),
            &mut seen
        ),
        Refusal::SeverityUnknown
    );
    // A re-triage of a declared incident records the change, and is never routed.
    let open = incident(declared());
    let retriage = recorded(ask(
        triage(Target::Incident, P4, Outcome::Declare),
        Some(&open),
        &playbook,
        "ann",
    ));
    assert!(
        matches!(retriage.as_slice(), [Body::SeveritySet { severity: Severity::P4, reason: Some(r), .. }] if r.starts_with("re-triage"))
    );
    assert_eq!(
        refused(
            ask(
                triage(Target::Incident, P4, Outcome::Route),
                Some(&open),
                &playbook,
                "ann"
            ),
            &mut seen
        ),
        Refusal::DeclaredNotRouted
    );
    // Triage of an incident still in triage declares it.
    let fresh = incident(vec![opened()]);
    let declared_now = recorded(ask(
        triage(Target::Incident, P1, Outcome::Declare),
        Some(&fresh),
        &playbook,
        "ann",
    ));
    assert_eq!(declared_now.len(), 2, "{declared_now:?}");
}

#[test]
fn going_on_past_the_last_answer_finishes_the_one_way_the_rules_take() {
    use warroom::rules::{Finish, natural_finish};
    let playbook = playbook();
    let model = &playbook.triage;
    assert_eq!(natural_finish(model, false, &P1), Some(Finish::Declare));
    assert_eq!(natural_finish(model, false, &P4), Some(Finish::Route));
    assert_eq!(natural_finish(model, true, &P1), Some(Finish::Retriage));
    assert_eq!(natural_finish(model, true, &P4), Some(Finish::Retriage));
    assert_eq!(natural_finish(model, false, &[None, Some(1), None]), None);
    // Whatever the answers, the natural end is one the rules record, for a new incident,
    // one in triage and one declared.
    let fresh = incident(vec![opened()]);
    let open = incident(declared());
    for scope in 0..model.questions[0].choices.len() {
        for data in 0..model.questions[1].choices.len() {
            for trend in 0..model.questions[2].choices.len() {
                let answers = vec![Some(scope), Some(data), Some(trend)];
                for (target, state) in [
                    (Target::New("t".into()), None),
                    (Target::Incident, Some(&fresh)),
                    (Target::Incident, Some(&open)),
                ] {
                    let declared = state.is_some_and(|s| s.declared_at.is_some());
                    let finish = natural_finish(model, declared, &answers).unwrap();
                    let request = Request::Triage {
                        target,
                        answers: answers.clone(),
                        outcome: finish.outcome(),
                    };
                    assert!(
                        matches!(
                            ask(request, state, &playbook, "ann"),
                            Ok(Decision::Record(_))
                        ),
                        "{answers:?}, declared {declared}: {finish:?} is refused"
                    );
                }
            }
        }
    }
}

/// Runs every case above that meets a refusal, and checks together they meet them all.
#[test]
fn every_refusal_is_met_by_some_request() {
    let playbook = playbook();
    let mut seen = BTreeSet::new();
    // The cases, once more, gathering what they meet. Each is the smallest request that
    // meets its refusal; the tests above show the same with what is recorded instead.
    let open = incident(declared());
    let held = incident(commanded_by("ann"));
    let done = incident(resolved());
    let problem = incident(handed_to_problem_management());
    let routed = incident(vec![
        opened(),
        (
            "ann",
            Body::Routed {
                to: "service desk".into(),
                reason: None,
            },
        ),
    ]);
    let mut only_deputy = playbook.clone();
    only_deputy.roles = vec![Role::Deputy];
    let status = |status| {
        Request::Log(Body::StatusChanged {
            status,
            reason: None,
        })
    };
    let triage = |target, answers: [Option<usize>; 3], outcome| Request::Triage {
        target,
        answers: answers.to_vec(),
        outcome,
    };
    let new = || Target::New("t".into());
    let mut entries = resolved();
    let item = Ulid::from_parts(1 + entries.len() as u64, 1);
    entries.push((
        "ann",
        Body::ActionItemOpened {
            title: "x".into(),
            owner: None,
            due: None,
            priority: None,
        },
    ));
    entries.push(("ann", Body::ActionItemClosed { item, note: None }));
    let closed_item = incident(entries);
    let mut entries = declared();
    entries.push((
        "ann",
        Body::RoleAssigned {
            person: "ann".into(),
            role: Role::Deputy,
        },
    ));
    let deputy = incident(entries);
    let mut entries = declared();
    entries.push((
        "bob",
        Body::Hypothesis {
            text: "the deploy".into(),
        },
    ));
    let guessed = incident(entries.clone());
    let guess = guessed.timeline[3].event.id;
    entries.push((
        "bob",
        Body::Correction {
            target: guess,
            text: None,
            strike: true,
            reason: Some("logged by mistake".into()),
            at: None,
        },
    ));
    let struck = incident(entries);
    let mut entries = declared();
    entries.push((
        "ann",
        Body::TaskAdded {
            text: "roll back".into(),
            owner: None,
        },
    ));
    let tasked = incident(entries);
    let chore = tasked.tasks[0].id;
    let mut entries = commanded_by("ann");
    entries.push((
        "ann",
        Body::HandoffOffered {
            from: "ann".into(),
            to: "bob".into(),
        },
    ));
    let offered = incident(entries);
    let cases: Vec<(Request, Option<&IncidentState>, &Playbook, &str)> = vec![
        (
            Request::Judge {
                target: guess,
                verdict: warroom::domain::Verdict::Confirmed,
                reason: None,
            },
            Some(&struck),
            &playbook,
            "ann",
        ),
        (
            Request::Assume {
                reason: "gone".into(),
            },
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::TaskMove {
                task: chore,
                state: Some(warroom::domain::TaskState::Open),
                owner: None,
            },
            Some(&tasked),
            &playbook,
            "ann",
        ),
        (
            Request::TaskAdd {
                text: "  ".into(),
                owner: None,
            },
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::TaskMove {
                task: Ulid::from_parts(7, 7),
                state: Some(warroom::domain::TaskState::Done),
                owner: None,
            },
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::Judge {
                target: guess,
                verdict: warroom::domain::Verdict::RuledOut,
                reason: None,
            },
            Some(&guessed),
            &playbook,
            "ann",
        ),
        (Request::Claim, None, &playbook, "ann"),
        (Request::Claim, Some(&held), &playbook, "bob"),
        (
            Request::Handoff { to: "x".into() },
            Some(&held),
            &playbook,
            "bob",
        ),
        (Request::Confirm, Some(&held), &playbook, "bob"),
        (Request::AcceptHandoff, Some(&held), &playbook, "bob"),
        (Request::AlertAck, Some(&held), &playbook, "bob"),
        (Request::CancelHandoff, Some(&offered), &playbook, "cat"),
        (
            Request::Assign {
                person: "bob".into(),
                role: Role::Legal,
            },
            Some(&open),
            &only_deputy,
            "ann",
        ),
        (
            Request::Assign {
                person: "ann".into(),
                role: Role::Deputy,
            },
            Some(&deputy),
            &playbook,
            "ann",
        ),
        (
            Request::Unassign {
                person: "bob".into(),
                role: Role::Deputy,
            },
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::Page {
                who: "legal".into(),
                via: None,
            },
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::Resolve {
                code: "magic".into(),
                summary: "x".into(),
                checklist: None,
            },
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::Resolve {
                code: "rollback".into(),
                summary: "x".into(),
                checklist: None,
            },
            Some(&done),
            &playbook,
            "ann",
        ),
        (
            Request::Reopen { reason: None },
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::Problem {
                owner: "d".into(),
                root_cause: "x".into(),
                fix: None,
                ticket: None,
            },
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::Problem {
                owner: "d".into(),
                root_cause: "x".into(),
                fix: None,
                ticket: None,
            },
            Some(&problem),
            &playbook,
            "ann",
        ),
        (
            Request::ItemDone { item, note: None },
            Some(&closed_item),
            &playbook,
            "ann",
        ),
        (status(Status::Investigating), Some(&open), &playbook, "ann"),
        (status(Status::Resolved), Some(&open), &playbook, "ann"),
        (status(Status::Closed), Some(&open), &playbook, "ann"),
        (
            Request::Reopen { reason: None },
            Some(&problem),
            &playbook,
            "ann",
        ),
        (
            triage(new(), [None, None, None], Outcome::Declare),
            None,
            &playbook,
            "ann",
        ),
        (triage(new(), P4, Outcome::Declare), None, &playbook, "ann"),
        (triage(new(), P1, Outcome::Route), None, &playbook, "ann"),
        (
            triage(Target::Incident, P4, Outcome::Route),
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::Responder {
                person: "ann".into(),
                state: ResponderState::StoodDown,
            },
            Some(&held),
            &playbook,
            "bob",
        ),
        (
            Request::Handoff { to: " ".into() },
            Some(&held),
            &playbook,
            "ann",
        ),
        (
            Request::EndDrill { interrupted: false },
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            triage(Target::Incident, P4, Outcome::Route),
            Some(&routed),
            &playbook,
            "ann",
        ),
        (
            Request::Situation(SituationFields::default()),
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::Judge {
                target: Ulid::from_parts(1, 1),
                verdict: warroom::domain::Verdict::Confirmed,
                reason: None,
            },
            Some(&open),
            &playbook,
            "ann",
        ),
        (
            Request::Situation(SituationFields {
                impact_start: Some(at(50)),
                impact_end: Some(at(10)),
                ..SituationFields::default()
            }),
            Some(&open),
            &playbook,
            "ann",
        ),
    ];
    for (request, state, playbook, actor) in cases {
        refused(ask(request, state, playbook, actor), &mut seen);
    }
    correction_refusals(&playbook, &mut seen);
    let all: BTreeSet<&str> = [
        "NotTyped",
        "NothingToCorrect",
        "InTheFuture",
        "NoIncident",
        "CommandHeldBy",
        "HandoffNotCommander",
        "ConfirmNotCommander",
        "RoleNotInPlaybook",
        "AlreadyInRole",
        "NotInRole",
        "NoContacts",
        "UnknownResolutionCode",
        "AlreadyEnded",
        "NothingToReopen",
        "ProblemBeforeResolve",
        "ProblemAlreadyHandedOff",
        "ItemAlreadyDone",
        "StatusUnchanged",
        "ResolveNeedsCode",
        "CloseBeforeResolve",
        "ProblemOwnsIt",
        "SeverityUnknown",
        "BelowThreshold",
        "MeetsThreshold",
        "DeclaredNotRouted",
        "CommanderStandsDown",
        "NoName",
        "NotADrill",
        "AlreadyRouted",
        "NothingToSet",
        "ImpactEndsBeforeStart",
        "NoHandoffPending",
        "HandoffNotYours",
        "NotAnAlert",
        "NotAHypothesis",
        "ReasonNeeded",
        "NoText",
        "NotFound",
        "NoChange",
        "NobodyToAssumeFrom",
        "StruckEntry",
    ]
    .into_iter()
    .collect();
    let missing: Vec<&&str> = all.difference(&seen).collect();
    assert!(missing.is_empty(), "refusals no request met: {missing:?}");
}

#[test]
fn deciding_twice_gives_the_same_answer_and_never_changes_the_incident() {
    let playbook = playbook();
    let held = incident(commanded_by("ann"));
    let before = format!("{:?}", held.command);
    for request in every_request_on_an_incident() {
        let first = ask(request.clone(), Some(&held), &playbook, "bob");
        let second = ask(request, Some(&held), &playbook, "bob");
        assert_eq!(first, second);
    }
    assert_eq!(before, format!("{:?}", held.command));
}

#[test]
fn an_entry_for_an_ended_incident_is_asked_about_and_the_reviews_work_is_not() {
    let playbook = playbook();
    let done = incident(resolved());
    let note = Body::Note { text: "sg".into() };
    let (caution, events) = cautioned(ask(
        Request::Log(note.clone()),
        Some(&done),
        &playbook,
        "ann",
    ));
    assert_eq!(
        caution,
        Caution::Ended {
            status: Status::Resolved
        }
    );
    assert_eq!(events, vec![note.clone()], "what a yes writes");
    // The final update to customers after the resolution is expected; once closed, not.
    let update = Body::StatusUpdate {
        audience: warroom::domain::Audience::Customers,
        text: "all clear".into(),
    };
    recorded(ask(
        Request::Log(update.clone()),
        Some(&done),
        &playbook,
        "ann",
    ));
    let mut entries = resolved();
    entries.push((
        "ann",
        Body::StatusChanged {
            status: Status::Closed,
            reason: None,
        },
    ));
    let closed = incident(entries);
    cautioned(ask(Request::Log(update), Some(&closed), &playbook, "ann"));
    // An open incident takes the same entry without a question.
    let open = incident(declared());
    assert_eq!(
        recorded(ask(Request::Log(note), Some(&open), &playbook, "ann")).len(),
        1
    );
    // A finding, an action item or a status change after the end are the review's work.
    let finding = Request::Finding {
        section: ReviewSection::RootCause,
        text: "a bad deploy".into(),
    };
    recorded(ask(finding, Some(&done), &playbook, "ann"));
    let close = Request::Log(Body::StatusChanged {
        status: Status::Closed,
        reason: None,
    });
    recorded(ask(close, Some(&done), &playbook, "ann"));
}

#[test]
fn command_for_someone_neither_on_the_roster_nor_watching_is_asked_about() {
    let playbook = playbook();
    let mut entries = commanded_by("ann");
    entries.push((
        "ann",
        Body::ResponderPaged {
            person: "bob".into(),
            via: None,
        },
    ));
    let held = incident(entries);
    let handoff = |to: &str| Request::Handoff { to: to.into() };
    let (caution, events) = cautioned(ask(handoff("carol smith"), Some(&held), &playbook, "ann"));
    assert_eq!(
        caution,
        Caution::Stranger {
            name: "carol smith".into(),
            doing: Doing::Command
        }
    );
    assert_eq!(
        events,
        vec![Body::HandoffOffered {
            from: "ann".into(),
            to: "carol smith".into()
        }]
    );
    // On the roster (in any case), or watching in a console: no question.
    recorded(ask(handoff("bob"), Some(&held), &playbook, "ann"));
    recorded(ask(handoff("BOB"), Some(&held), &playbook, "ann"));
    let watching = vec!["Carol Smith".to_string()];
    recorded(ask_watched(
        handoff("carol smith"),
        Some(&held),
        &playbook,
        "ann",
        &watching,
    ));
}

#[test]
fn names_are_one_person_whatever_their_case_and_never_empty() {
    let playbook = playbook();
    let held = incident(commanded_by("ann"));
    // Ann is the commander, however she writes her name.
    assert_eq!(
        ask(Request::Claim, Some(&held), &playbook, "ANN"),
        Ok(Decision::Nothing(Notice::AlreadyCommander))
    );
    assert_eq!(
        ask(
            Request::Handoff { to: "ann".into() },
            Some(&held),
            &playbook,
            "Ann"
        ),
        Ok(Decision::Nothing(Notice::AlreadyCommander)),
        "handing command to oneself is nothing to do"
    );
    assert_eq!(
        ask(Request::Confirm, Some(&held), &playbook, "aNN"),
        Ok(Decision::Nothing(Notice::NoConflict)),
        "aNN is the commander: nothing to settle, not a refusal"
    );
    // The roster keeps the name as first written, and one entry for both spellings.
    let mut entries = commanded_by("ann");
    entries.push((
        "ann",
        Body::ResponderPaged {
            person: "Alice".into(),
            via: None,
        },
    ));
    entries.push((
        "alice",
        Body::ResponderAcknowledged {
            person: "alice".into(),
        },
    ));
    entries.push((
        "ann",
        Body::CommandHandedOff {
            from: "ANN".into(),
            to: "ALICE".into(),
        },
    ));
    let state = incident(entries);
    let names: Vec<&str> = state
        .roster
        .people
        .values()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, vec!["Alice", "ann"]);
    assert_eq!(state.command.commander.as_deref(), Some("Alice"));
    assert_eq!(
        state.roster.get("ALICE").and_then(|p| p.state),
        Some(ResponderState::Acknowledged)
    );
    // An empty or blank name names nobody, whichever request carries it.
    let mut seen = BTreeSet::new();
    let blank = [
        Request::Handoff { to: "".into() },
        Request::Page {
            who: "  ".into(),
            via: None,
        },
        Request::Assign {
            person: "".into(),
            role: Role::Scribe,
        },
        Request::Log(Body::ResponderEngaged { person: "".into() }),
    ];
    for request in blank {
        assert_eq!(
            refused(ask(request, Some(&held), &playbook, "ann"), &mut seen),
            Refusal::NoName
        );
    }
}

#[test]
fn the_commander_is_not_stood_down_while_holding_command() {
    let playbook = playbook();
    let held = incident(commanded_by("ann"));
    let mut seen = BTreeSet::new();
    let stand_down = |person: &str| Request::Responder {
        person: person.into(),
        state: ResponderState::StoodDown,
    };
    for request in [
        stand_down("ann"),
        stand_down("Ann"),
        Request::Log(Body::ResponderStoodDown {
            person: "ann".into(),
        }),
    ] {
        assert_eq!(
            refused(ask(request, Some(&held), &playbook, "bob"), &mut seen),
            Refusal::CommanderStandsDown {
                commander: "ann".into()
            }
        );
    }
    // Anyone else stands down; and once command is handed on, so does ann.
    let bob = vec!["bob".to_string()];
    recorded(ask_watched(
        stand_down("bob"),
        Some(&held),
        &playbook,
        "ann",
        &bob,
    ));
    let mut entries = commanded_by("ann");
    entries.push((
        "ann",
        Body::CommandHandedOff {
            from: "ann".into(),
            to: "bob".into(),
        },
    ));
    let handed = incident(entries);
    recorded(ask(stand_down("ann"), Some(&handed), &playbook, "bob"));
}

#[test]
fn a_drill_whose_time_is_up_is_closed_and_a_real_incident_is_not() {
    let playbook = playbook();
    let mut entries = declared();
    entries[0].1 = Body::IncidentOpened {
        title: "drill".into(),
        detected_at: None,
        drill: true,
        pace: Some(10),
    };
    let drill = incident(entries);
    assert_eq!(
        recorded(ask(
            Request::EndDrill { interrupted: false },
            Some(&drill),
            &playbook,
            "coach"
        )),
        vec![Body::StatusChanged {
            status: Status::Closed,
            reason: Some("drill ended: time is up".into())
        }]
    );
    let mut seen = BTreeSet::new();
    let real = incident(declared());
    assert_eq!(
        refused(
            ask(
                Request::EndDrill { interrupted: true },
                Some(&real),
                &playbook,
                "ann"
            ),
            &mut seen
        ),
        Refusal::NotADrill
    );
    // A real incident still closes only after resolving.
    let close = Request::Log(Body::StatusChanged {
        status: Status::Closed,
        reason: None,
    });
    assert!(matches!(
        refused(ask(close, Some(&real), &playbook, "ann"), &mut seen),
        Refusal::CloseBeforeResolve { .. }
    ));
}

#[test]
fn a_routed_alert_that_comes_back_at_the_threshold_is_declared() {
    let playbook = playbook();
    let routed = incident(vec![
        opened(),
        (
            "ann",
            Body::SeveritySet {
                severity: Severity::P5,
                reason: None,
                triage: Vec::new(),
            },
        ),
        (
            "ann",
            Body::Routed {
                to: "service desk".into(),
                reason: None,
            },
        ),
    ]);
    assert!(!routed.status.is_open(), "routing closes it");
    let declared = |bodies: &[Body]| {
        bodies.iter().any(|b| {
            matches!(
                b,
                Body::StatusChanged {
                    status: Status::Investigating,
                    ..
                }
            )
        })
    };
    // By a severity set outright, and by triage: both declare, neither only records it.
    let by_severity = recorded(ask(
        Request::SetSeverity {
            severity: Severity::P1,
            reason: None,
        },
        Some(&routed),
        &playbook,
        "ann",
    ));
    assert!(declared(&by_severity), "{by_severity:?}");
    let by_triage = recorded(ask(
        Request::Triage {
            target: Target::Incident,
            answers: P1.to_vec(),
            outcome: Outcome::Declare,
        },
        Some(&routed),
        &playbook,
        "ann",
    ));
    assert!(declared(&by_triage), "{by_triage:?}");
    // Folded, it is declared and open (a routed alert that came back).
    let mut entries: Vec<(&str, Body)> = vec![
        opened(),
        (
            "ann",
            Body::Routed {
                to: "service desk".into(),
                reason: None,
            },
        ),
    ];
    entries.extend(by_severity.into_iter().map(|b| ("ann", b)));
    let state = incident(entries);
    assert_eq!(state.status, Status::Investigating);
    assert!(state.declared_at.is_some());
}

#[test]
fn handing_command_on_settles_a_conflicting_claim() {
    let mut entries = commanded_by("maya");
    entries.push((
        "bob",
        Body::CommandClaimed {
            commander: "bob".into(),
        },
    ));
    assert!(incident(entries.clone()).command.in_conflict());
    entries.push((
        "maya",
        Body::CommandHandedOff {
            from: "MAYA".into(),
            to: "bob".into(),
        },
    ));
    let state = incident(entries);
    assert_eq!(state.command.commander.as_deref(), Some("bob"));
    assert!(!state.command.in_conflict(), "no stale conflict shown");
}

#[test]
fn roles_and_confirmations_for_the_room_and_triage_of_what_has_ended() {
    let playbook = playbook();
    let held = incident(commanded_by("ann"));
    let mut seen = BTreeSet::new();
    // Confirming command with no conflict writes nothing.
    assert_eq!(
        ask(Request::Confirm, Some(&held), &playbook, "ann"),
        Ok(Decision::Nothing(Notice::NoConflict))
    );
    // Triage of a closed incident is refused until it is reopened; a routed alert is
    // not routed twice.
    let problem = incident(handed_to_problem_management());
    let retriage = |outcome, answers: [Option<usize>; 3]| Request::Triage {
        target: Target::Incident,
        answers: answers.to_vec(),
        outcome,
    };
    assert!(matches!(
        refused(
            ask(
                retriage(Outcome::Declare, P1),
                Some(&problem),
                &playbook,
                "ann"
            ),
            &mut seen
        ),
        Refusal::AlreadyEnded { .. }
    ));
    // Names are one person whatever spaces surround them.
    let mut entries = commanded_by("ann");
    entries.push((
        "ann",
        Body::ResponderPaged {
            person: "bob".into(),
            via: None,
        },
    ));
    entries.push((
        "ann",
        Body::ResponderAcknowledged {
            person: " bob ".into(),
        },
    ));
    let state = incident(entries);
    let bobs: Vec<&str> = state
        .roster
        .people
        .values()
        .map(|p| p.name.as_str())
        .filter(|n| n.contains("bob"))
        .collect();
    assert_eq!(bobs, ["bob"]);
}

#[test]
fn the_situation_is_set_field_by_field_and_its_history_kept() {
    let playbook = playbook();
    let open = incident(declared());
    let first = recorded(ask(
        Request::Situation(SituationFields {
            impact: Some("EU card payments fail".into()),
            services: Some(vec![" checkout ".into(), "".into(), "payments".into()]),
            impact_start: Some(at(1)),
            ..SituationFields::default()
        }),
        Some(&open),
        &playbook,
        "ann",
    ));
    assert_eq!(
        first,
        vec![Body::SituationSet {
            impact: Some("EU card payments fail".into()),
            services: Some(vec!["checkout".into(), "payments".into()]),
            regions: None,
            impact_start: Some(at(1)),
            impact_end: None,
            next_steps: None,
        }]
    );
    // A later change sets only what it names; the rest stays, and both are kept.
    let mut entries = declared();
    entries.extend(first.into_iter().map(|b| ("ann", b)));
    entries.push((
        "bob",
        Body::SituationSet {
            impact: None,
            services: None,
            regions: Some(vec!["eu-west-1".into()]),
            impact_start: None,
            impact_end: None,
            next_steps: Some("roll back 4512".into()),
        },
    ));
    let state = incident(entries);
    let s = &state.situation;
    assert_eq!(s.impact.as_deref(), Some("EU card payments fail"));
    assert_eq!(s.services, ["checkout", "payments"]);
    assert_eq!(s.regions, ["eu-west-1"]);
    assert_eq!(s.next_steps.as_deref(), Some("roll back 4512"));
    assert_eq!(s.impact_start, Some(at(1)));
    assert_eq!(s.history.len(), 2);
    assert_eq!(s.changed.as_ref().map(|c| c.1.as_str()), Some("bob"));
    // An end before the start already set is refused.
    let mut seen = BTreeSet::new();
    assert_eq!(
        refused(
            ask(
                Request::Situation(SituationFields {
                    impact_end: Some(at(0)),
                    ..SituationFields::default()
                }),
                Some(&state),
                &playbook,
                "ann"
            ),
            &mut seen
        ),
        Refusal::ImpactEndsBeforeStart
    );
}

#[test]
fn a_hypothesis_is_confirmed_or_ruled_out_with_a_reason_and_shown_so() {
    use warroom::domain::Verdict;
    let playbook = playbook();
    let mut entries = declared();
    entries.push((
        "bob",
        Body::Hypothesis {
            text: "the TLS change in 4512".into(),
        },
    ));
    entries.push((
        "bob",
        Body::Note {
            text: "a note".into(),
        },
    ));
    let state = incident(entries.clone());
    let hypothesis = state.timeline[3].event.id;
    let note = state.timeline[4].event.id;
    let judge = |target, verdict, reason: Option<&str>| Request::Judge {
        target,
        verdict,
        reason: reason.map(str::to_string),
    };
    let mut seen = BTreeSet::new();
    assert_eq!(
        refused(
            ask(
                judge(note, Verdict::Confirmed, None),
                Some(&state),
                &playbook,
                "ann"
            ),
            &mut seen
        ),
        Refusal::NotAHypothesis
    );
    assert_eq!(
        refused(
            ask(
                judge(hypothesis, Verdict::RuledOut, Some(" ")),
                Some(&state),
                &playbook,
                "ann"
            ),
            &mut seen
        ),
        Refusal::ReasonNeeded
    );
    let ruled = recorded(ask(
        judge(hypothesis, Verdict::RuledOut, Some("4511 had it too")),
        Some(&state),
        &playbook,
        "ann",
    ));
    entries.extend(ruled.into_iter().map(|b| ("ann", b)));
    let state = incident(entries.clone());
    let current = state.current_text(&state.timeline[3]);
    assert_eq!(
        current.verdict.as_deref(),
        Some("ruled out: 4511 had it too")
    );
    assert!(!current.struck, "ruled out is not struck");
    // Open again, it shows no verdict; the judgement line names the hypothesis.
    entries.push((
        "ann",
        Body::HypothesisJudged {
            target: hypothesis,
            verdict: Verdict::Open,
            reason: None,
        },
    ));
    let state = incident(entries);
    assert_eq!(state.current_text(&state.timeline[3]).verdict, None);
    let last = state.timeline.last().unwrap();
    assert!(
        state
            .current_text(last)
            .text
            .contains("\"the TLS change in 4512\""),
        "{}",
        state.current_text(last).text
    );
}

#[test]
fn objectives_and_tasks_are_added_moved_and_kept() {
    use warroom::domain::{ObjectiveStage, TaskState};
    let playbook = playbook();
    let mut entries = declared();
    entries.push((
        "ann",
        Body::ObjectiveAdded {
            text: "stop the card failures".into(),
            stage: ObjectiveStage::Current,
        },
    ));
    entries.push((
        "ann",
        Body::TaskAdded {
            text: "roll back 4512".into(),
            owner: Some("Jonas".into()),
        },
    ));
    let state = incident(entries.clone());
    let objective = state.objectives[0].id;
    let task = state.tasks[0].id;
    assert_eq!(state.tasks[0].state, TaskState::Open);
    let mut seen = BTreeSet::new();
    // Moving to where it is already changes nothing, and says so.
    assert_eq!(
        refused(
            ask(
                Request::ObjectiveMove {
                    objective,
                    stage: ObjectiveStage::Current
                },
                Some(&state),
                &playbook,
                "ann"
            ),
            &mut seen
        ),
        Refusal::NoChange
    );
    assert_eq!(
        refused(
            ask(
                Request::TaskMove {
                    task,
                    state: Some(TaskState::Open),
                    owner: Some("jonas".into())
                },
                Some(&state),
                &playbook,
                "ann"
            ),
            &mut seen
        ),
        Refusal::NoChange,
        "the same owner in another case is no change"
    );
    let moved = recorded(ask(
        Request::TaskMove {
            task,
            state: Some(TaskState::InProgress),
            owner: None,
        },
        Some(&state),
        &playbook,
        "ann",
    ));
    let met = recorded(ask(
        Request::ObjectiveMove {
            objective,
            stage: ObjectiveStage::Met,
        },
        Some(&state),
        &playbook,
        "ann",
    ));
    entries.extend(moved.into_iter().chain(met).map(|b| ("ann", b)));
    let state = incident(entries);
    assert_eq!(state.tasks[0].state, TaskState::InProgress);
    assert_eq!(state.tasks[0].owner.as_deref(), Some("Jonas"));
    assert_eq!(state.objectives[0].stage, ObjectiveStage::Met);
    let last = state.timeline.last().unwrap();
    assert!(
        state
            .current_text(last)
            .text
            .contains("\"stop the card failures\""),
        "{}",
        state.current_text(last).text
    );
}

#[test]
fn command_is_assumed_with_a_reason_and_two_at_once_end_the_same_in_any_order() {
    let playbook = playbook();
    let held = incident(commanded_by("ann"));
    let mut seen = BTreeSet::new();
    assert_eq!(
        refused(
            ask(
                Request::Assume { reason: " ".into() },
                Some(&held),
                &playbook,
                "bob"
            ),
            &mut seen
        ),
        Refusal::ReasonNeeded
    );
    assert_eq!(
        ask(
            Request::Assume { reason: "x".into() },
            Some(&held),
            &playbook,
            "ann"
        ),
        Ok(Decision::Nothing(Notice::AlreadyCommander))
    );
    let assumed = recorded(ask(
        Request::Assume {
            reason: "ann's laptop died".into(),
        },
        Some(&held),
        &playbook,
        "bob",
    ));
    assert_eq!(
        assumed,
        vec![Body::CommandAssumed {
            commander: "bob".into(),
            reason: "ann's laptop died".into(),
            from: Some("ann".into()),
        }]
    );
    // Two replicas assume at once, each from ann: whatever order the events arrive in,
    // the first in the total order holds command and the other is a conflict for the
    // commander to settle (never two commanders, never a silent loss).
    let base = commanded_by("ann");
    let n = base.len();
    let mut events: Vec<Event> = {
        let mut entries = base.clone();
        entries.push((
            "bob",
            Body::CommandAssumed {
                commander: "bob".into(),
                reason: "ann unreachable".into(),
                from: Some("ann".into()),
            },
        ));
        entries.push((
            "cat",
            Body::CommandAssumed {
                commander: "cat".into(),
                reason: "ann asleep".into(),
                from: Some("ann".into()),
            },
        ));
        incident(entries)
            .timeline
            .iter()
            .map(|e| (*e.event).clone())
            .collect()
    };
    let id = events[0].incident;
    let forward = IncidentState::fold(id, events.clone());
    events.swap(n, n + 1);
    events.reverse();
    let backward = IncidentState::fold(id, events);
    assert_eq!(forward, backward);
    assert_eq!(forward.command.commander.as_deref(), Some("bob"));
    assert_eq!(forward.command.history.len(), 2, "ann, then bob");
    let conflicts: Vec<&str> = forward
        .command
        .open_conflicts()
        .map(|c| c.claimant.as_str())
        .collect();
    assert_eq!(conflicts, vec!["cat"], "cat's assumption lost and is shown");
}

/// Folds `entries` and then the events each decision records, one after the other.
fn then(
    mut entries: Vec<(&'static str, Body)>,
    steps: &[(&'static str, Request)],
) -> IncidentState {
    let playbook = playbook();
    for (who, request) in steps {
        let state = incident(entries.clone());
        let watching = vec!["bob".to_string(), "cat".to_string()];
        for body in recorded(ask_watched(
            request.clone(),
            Some(&state),
            &playbook,
            who,
            &watching,
        )) {
            entries.push((who, body));
        }
    }
    incident(entries)
}

#[test]
fn a_handoff_waits_for_the_incoming_commander_to_accept() {
    let playbook = playbook();
    let mut seen = BTreeSet::new();
    let offer = ("ann", Request::Handoff { to: "bob".into() });
    // Offered: ann still holds command, and the offer is pending to bob.
    let offered = then(commanded_by("ann"), std::slice::from_ref(&offer));
    assert_eq!(offered.command.commander.as_deref(), Some("ann"));
    let pending = offered.command.pending.as_ref().expect("pending");
    assert_eq!((pending.from.as_str(), pending.to.as_str()), ("ann", "bob"));
    // Offering it again is nothing to do.
    assert_eq!(
        ask(offer.1.clone(), Some(&offered), &playbook, "ann"),
        Ok(Decision::Nothing(Notice::HandoffPending {
            to: "bob".into()
        }))
    );
    // Only bob accepts; cat can neither accept nor cancel it.
    assert_eq!(
        refused(
            ask(Request::AcceptHandoff, Some(&offered), &playbook, "cat"),
            &mut seen
        ),
        Refusal::HandoffNotYours {
            from: "ann".into(),
            to: "bob".into()
        }
    );
    assert_eq!(
        refused(
            ask(Request::AcceptHandoff, Some(&offered), &playbook, "ann"),
            &mut seen
        ),
        Refusal::HandoffNotYours {
            from: "ann".into(),
            to: "bob".into()
        },
        "the commander does not accept their own offer"
    );
    // Accepted (bob types his name in capitals): bob holds command, nothing pending.
    let accepted = then(
        commanded_by("ann"),
        &[offer.clone(), ("BOB", Request::AcceptHandoff)],
    );
    assert_eq!(accepted.command.commander.as_deref(), Some("bob"));
    assert!(accepted.command.pending.is_none());
    assert_eq!(accepted.command.handoffs(), 1);
    // Withdrawn by ann, or declined by bob, and the log says which.
    for (who, declined) in [("ann", false), ("bob", true)] {
        assert_eq!(
            recorded(ask(Request::CancelHandoff, Some(&offered), &playbook, who)),
            vec![Body::HandoffCancelled {
                from: "ann".into(),
                to: "bob".into(),
                declined
            }]
        );
    }
    // A new offer withdraws the pending one first, and so does assuming command.
    let watching = vec!["cat".to_string()];
    assert_eq!(
        recorded(ask_watched(
            Request::Handoff { to: "cat".into() },
            Some(&offered),
            &playbook,
            "ann",
            &watching
        )),
        vec![
            Body::HandoffCancelled {
                from: "ann".into(),
                to: "bob".into(),
                declined: false
            },
            Body::HandoffOffered {
                from: "ann".into(),
                to: "cat".into()
            }
        ]
    );
    let assumed = recorded(ask(
        Request::Assume {
            reason: "ann's laptop died".into(),
        },
        Some(&offered),
        &playbook,
        "cat",
    ));
    assert!(
        matches!(
            assumed.as_slice(),
            [Body::HandoffCancelled { .. }, Body::CommandAssumed { .. }]
        ),
        "{assumed:?}"
    );
    // Either way ann keeps command, and nothing is pending.
    for who in ["ann", "bob"] {
        let cancelled = then(
            commanded_by("ann"),
            &[offer.clone(), (who, Request::CancelHandoff)],
        );
        assert_eq!(cancelled.command.commander.as_deref(), Some("ann"), "{who}");
        assert!(cancelled.command.pending.is_none(), "{who}");
        assert_eq!(
            refused(
                ask(Request::AcceptHandoff, Some(&cancelled), &playbook, "bob"),
                &mut seen
            ),
            Refusal::NoHandoffPending
        );
    }
    // A newer offer replaces the older one: bob's acceptance of the old one, arriving
    // late, is refused by the fold and changes nothing.
    let mut entries = commanded_by("ann");
    for body in [
        Body::HandoffOffered {
            from: "ann".into(),
            to: "bob".into(),
        },
        Body::HandoffOffered {
            from: "ann".into(),
            to: "cat".into(),
        },
    ] {
        entries.push(("ann", body));
    }
    entries.push((
        "bob",
        Body::HandoffAccepted {
            from: "ann".into(),
            to: "bob".into(),
        },
    ));
    let state = incident(entries);
    assert_eq!(state.command.commander.as_deref(), Some("ann"));
    assert_eq!(
        state.command.pending.as_ref().map(|p| p.to.as_str()),
        Some("cat")
    );
    let late = state.timeline.last().expect("entry");
    assert!(
        late.refused
            .as_deref()
            .is_some_and(|r| r.contains("no handoff from ann to bob")),
        "{:?}",
        late.refused
    );
    // Command assumed while a handoff is pending voids the offer.
    let assumed = then(
        commanded_by("ann"),
        &[
            offer,
            (
                "cat",
                Request::Assume {
                    reason: "ann's laptop died".into(),
                },
            ),
        ],
    );
    assert_eq!(assumed.command.commander.as_deref(), Some("cat"));
    assert!(assumed.command.pending.is_none());
}

#[test]
fn assuming_command_from_a_commander_at_a_console_is_asked_about() {
    let playbook = playbook();
    let held = incident(commanded_by("ann"));
    let assume = || Request::Assume {
        reason: "no answer on the bridge".into(),
    };
    let watching = vec!["ANN".to_string()];
    let (caution, events) = cautioned(ask_watched(
        assume(),
        Some(&held),
        &playbook,
        "bob",
        &watching,
    ));
    assert_eq!(
        caution,
        Caution::CommanderPresent {
            commander: "ann".into()
        }
    );
    assert!(matches!(
        events.as_slice(),
        [Body::CommandAssumed { commander, .. }] if commander == "bob"
    ));
    // Gone from every console: recorded without a question.
    recorded(ask_watched(
        assume(),
        Some(&held),
        &playbook,
        "bob",
        &["bob".to_string()],
    ));
}

#[test]
fn an_inbox_alert_is_acknowledged_dismissed_with_a_reason_or_sent_to_an_incident() {
    let playbook = playbook();
    let alert = || {
        (
            "alertmanager",
            Body::AlertReceived {
                text: "HighErrorRate: 5xx above 5%".into(),
                source: Some("alertmanager".into()),
                fingerprint: "abc".into(),
                labels: Default::default(),
                resolved: false,
                url: None,
            },
        )
    };
    let group = incident(vec![alert(), alert()]);
    let a = group.alert.as_ref().expect("an alert group");
    assert_eq!((a.count, a.firing, a.waiting()), (2, true, true));
    assert_eq!(
        recorded(ask(Request::AlertAck, Some(&group), &playbook, "ann")),
        vec![Body::AlertAcknowledged {}]
    );
    let mut seen = BTreeSet::new();
    assert_eq!(
        refused(
            ask(
                Request::AlertDismiss { reason: " ".into() },
                Some(&group),
                &playbook,
                "ann"
            ),
            &mut seen
        ),
        Refusal::ReasonNeeded
    );
    let target = Ulid::from_parts(99, 9);
    let mut entries = vec![alert()];
    entries.push(("ann", Body::AlertAttached { incident: target }));
    let gone = incident(entries);
    assert!(!gone.alert.as_ref().unwrap().waiting());
    for request in [
        Request::AlertAttach { incident: target },
        Request::AlertDismiss {
            reason: "noise".into(),
        },
        Request::AlertAck,
    ] {
        assert_eq!(
            refused(ask(request, Some(&gone), &playbook, "ann"), &mut seen),
            Refusal::NoChange
        );
    }
    // A resolved notification resolves it; an alert in an incident is not an inbox one.
    let mut entries = vec![alert()];
    entries.push((
        "alertmanager",
        Body::AlertReceived {
            text: "HighErrorRate: 5xx above 5%".into(),
            source: Some("alertmanager".into()),
            fingerprint: "abc".into(),
            labels: Default::default(),
            resolved: true,
            url: None,
        },
    ));
    assert!(!incident(entries.clone()).alert.unwrap().firing);
    // The same notifications in any arrival order fold to the same alert.
    let events: Vec<Event> = incident(entries)
        .timeline
        .iter()
        .map(|e| (*e.event).clone())
        .collect();
    let id = events[0].incident;
    let forward = IncidentState::fold(id, events.clone());
    let backward = IncidentState::fold(id, events.into_iter().rev());
    assert_eq!(forward, backward);
    assert_eq!(forward.alert.as_ref().map(|a| a.count), Some(2));
}

/// A correction by `bob` of `target`.
fn correction(target: Ulid, text: Option<&str>, strike: bool, when: Option<Timestamp>) -> Request {
    Request::Correct {
        target,
        text: text.map(str::to_string),
        strike,
        reason: Some("typed in haste".into()),
        at: when,
    }
}

/// A declared incident with a note by bob at the end; its id.
fn with_a_note() -> (Vec<(&'static str, Body)>, Ulid) {
    let mut entries = declared();
    let note = Ulid::from_parts(1 + entries.len() as u64, 1);
    entries.push((
        "bob",
        Body::Note {
            text: "deploy at 10:05".into(),
        },
    ));
    (entries, note)
}

/// Every way a correction is refused, each met.
fn correction_refusals(playbook: &Playbook, seen: &mut BTreeSet<&'static str>) {
    let (entries, note) = with_a_note();
    let state = incident(entries);
    let severity = state.timeline[1].event.id;
    let mut ask_bob = |request| refused(ask(request, Some(&state), playbook, "bob"), seen);
    assert!(matches!(
        ask_bob(correction(severity, Some("P1"), false, None)),
        Refusal::NotTyped { kind } if kind == "severity_set"
    ));
    assert_eq!(
        ask_bob(correction(note, None, false, None)),
        Refusal::NothingToCorrect
    );
    assert_eq!(
        ask_bob(correction(note, Some("  "), false, None)),
        Refusal::NothingToCorrect
    );
    assert_eq!(
        ask_bob(correction(note, None, false, Some(at(100 + 600)))),
        Refusal::InTheFuture
    );
    assert_eq!(
        ask_bob(correction(Ulid::from_parts(77, 7), None, true, None)),
        Refusal::NotFound { what: "entry" }
    );
    assert_eq!(
        ask_bob(correction(note, Some("deploy at 10:05"), false, None)),
        Refusal::NoChange
    );
}

#[test]
fn a_correction_amends_strikes_or_re_dates_and_the_fold_shows_it() {
    let playbook = playbook();
    let (mut entries, note) = with_a_note();
    let state = incident(entries.clone());
    let bodies = recorded(ask(
        correction(note, None, false, Some(at(2))),
        Some(&state),
        &playbook,
        "bob",
    ));
    assert!(
        matches!(&bodies[..], [Body::Correction { target, text: None, strike: false, at: Some(t), .. }] if *target == note && *t == at(2)),
        "{bodies:?}"
    );
    entries.push(("bob", bodies[0].clone()));
    let redated = incident(entries.clone());
    let entry = redated.entry(note).unwrap();
    let current = redated.current_text(entry);
    assert_eq!(
        current.at,
        Some(at(2)),
        "the entry now happened at 09:00:02"
    );
    assert_eq!(current.text, "deploy at 10:05", "and keeps its text");
    // Re-dating it again to the same time changes nothing; amending and striking do.
    assert_eq!(
        refused(
            ask(
                correction(note, None, false, Some(at(2))),
                Some(&redated),
                &playbook,
                "bob"
            ),
            &mut BTreeSet::new()
        ),
        Refusal::NoChange
    );
    let bodies = recorded(ask(
        correction(note, Some("deploy at 10:50"), true, None),
        Some(&redated),
        &playbook,
        "bob",
    ));
    entries.push(("bob", bodies[0].clone()));
    let fixed = incident(entries);
    let current = fixed.current_text(fixed.entry(note).unwrap());
    assert!(current.amended && current.struck && current.text == "deploy at 10:50");
    assert_eq!(current.at, Some(at(2)), "an amendment keeps the re-dating");
}
