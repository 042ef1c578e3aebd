//! The live picture around command: what the room is warned about (a commander long
//! in role and who is next, a lead with too many people, one person commanding two
//! incidents, a commander who may be unreachable), status updates by audience and by
//! status, and the playbook sections that set them.

use chrono::{TimeDelta, TimeZone, Utc};
use strum::IntoEnumIterator;
use ulid::Ulid;

use warroom::domain::{
    Audience, Body, Event, IncidentState, ResponderState, Role, Severity, Status, Timestamp,
};
use warroom::playbook::{Playbook, render};
use warroom::rules::{Room, Warning, Wording, next_in_rotation, warnings};

/// 09:00 UTC on a fixed day, plus `m` minutes.
fn at(m: i64) -> Timestamp {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + TimeDelta::minutes(m)
}

/// An incident folded from `(minute, author, body)`.
fn incident(entries: Vec<(i64, &str, Body)>) -> IncidentState {
    let id = Ulid::from_parts(1, 1);
    let events = entries
        .into_iter()
        .enumerate()
        .map(|(n, (m, author, body))| Event {
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
            at: at(m),
            logged_at: at(m),
            body,
        });
    IncidentState::fold(id, events)
}

/// Declared P2 at 09:00, ann commanding from 09:01.
fn commanded() -> Vec<(i64, &'static str, Body)> {
    vec![
        (0, "ann", Body::opening("Checkout failing")),
        (
            0,
            "ann",
            Body::SeveritySet {
                severity: Severity::P2,
                reason: None,
                triage: Vec::new(),
            },
        ),
        (
            0,
            "ann",
            Body::StatusChanged {
                status: Status::Investigating,
                reason: None,
            },
        ),
        (
            1,
            "ann",
            Body::CommandClaimed {
                commander: "ann".into(),
            },
        ),
    ]
}

struct Plain;

impl Wording for Plain {
    fn command(&self, line: &str) -> String {
        format!(":{line}")
    }
    fn declare(&self) -> String {
        ":declare".into()
    }
    fn route_or_change(&self) -> (String, String) {
        ("r".into(), "b".into())
    }
    fn declare_from_triage(&self) -> String {
        "d".into()
    }
}

fn room<'a>(
    state: &'a IncidentState,
    playbook: &'a Playbook,
    now: Timestamp,
    watching: Option<&'a [String]>,
    commanders: &'a [(Ulid, &'a str)],
) -> Room<'a> {
    Room {
        state,
        playbook,
        now,
        watching,
        commanders,
    }
}

#[test]
fn time_in_command_leaves_out_the_days_an_incident_lay_resolved() {
    let mut playbook = Playbook::builtin();
    playbook.command.commander_limit = Some(TimeDelta::hours(4));
    // ann claims at 1, resolves at 61; it is reopened two days later.
    let mut entries = commanded();
    entries.push((
        61,
        "ann",
        Body::StatusChanged {
            status: Status::Resolved,
            reason: None,
        },
    ));
    let back = 2 * 24 * 60;
    entries.push((
        back,
        "ann",
        Body::StatusChanged {
            status: Status::Investigating,
            reason: Some("back".into()),
        },
    ));
    let state = incident(entries);
    assert_eq!(
        state.open_elapsed(at(1), at(back + 30)),
        TimeDelta::minutes(90),
        "an hour before, half an hour since"
    );
    let watching = vec!["ann".to_string()];
    let ask = |now| warnings(room(&state, &playbook, now, Some(&watching), &[]));
    assert!(
        ask(at(back + 30)).is_empty(),
        "90 minutes in command is fine"
    );
    // Four hours of it: one before, three after the reopening.
    assert!(matches!(
        ask(at(back + 180)).as_slice(),
        [Warning::Rotate { held, .. }] if *held == TimeDelta::hours(4)
    ));
}

#[test]
fn a_commander_past_the_limit_is_told_who_is_next_in_the_rotation() {
    let mut playbook = Playbook::builtin();
    playbook.command.commander_limit = Some(TimeDelta::hours(4));
    playbook.command.rotation = vec!["Bob".into(), "ANN".into(), "cat".into()];
    let state = incident(commanded());
    let watching = vec!["ann".to_string()];
    let ask = |now| warnings(room(&state, &playbook, now, Some(&watching), &[]));
    assert!(ask(at(1 + 239)).is_empty(), "3h59m in command is fine");
    let said = ask(at(1 + 240));
    assert_eq!(
        said,
        vec![Warning::Rotate {
            commander: "ann".into(),
            held: TimeDelta::hours(4),
            limit: TimeDelta::hours(4),
            next: Some("cat".into()),
        }]
    );
    assert!(
        said[0].say(&Plain).contains(":handoff cat"),
        "{}",
        said[0].say(&Plain)
    );
    // The one after the commander, wrapping; the first when they are not listed.
    let rotation = playbook.command.rotation.clone();
    assert_eq!(next_in_rotation(&rotation, "cat").as_deref(), Some("Bob"));
    assert_eq!(next_in_rotation(&rotation, "dan").as_deref(), Some("Bob"));
    assert_eq!(next_in_rotation(&[], "dan"), None);
    // Once handed over, the clock starts again for the new commander.
    let mut entries = commanded();
    entries.push((
        200,
        "ann",
        Body::HandoffOffered {
            from: "ann".into(),
            to: "cat".into(),
        },
    ));
    entries.push((
        202,
        "cat",
        Body::HandoffAccepted {
            from: "ann".into(),
            to: "cat".into(),
        },
    ));
    let handed = incident(entries);
    let watching = vec!["cat".to_string()];
    assert!(warnings(room(&handed, &playbook, at(241), Some(&watching), &[])).is_empty());
    // A resolved incident warns about nothing.
    let mut entries = commanded();
    entries.push((
        10,
        "ann",
        Body::Resolution {
            code: "rollback".into(),
            summary: "rolled back".into(),
            checklist: Vec::new(),
        },
    ));
    let done = incident(entries);
    assert!(warnings(room(&done, &playbook, at(600), None, &[])).is_empty());
}

#[test]
fn roles_with_a_limit_and_a_lead_with_too_many_people_are_warned_about() {
    let playbook = Playbook::builtin();
    assert_eq!(playbook.command.span_of_control, 7);
    assert_eq!(
        playbook.command.role_limits.get(&Role::Scribe),
        Some(&TimeDelta::hours(4))
    );
    let mut entries = commanded();
    let engage = |m, who: &str| {
        (
            m,
            "ann",
            Body::ResponderEngaged {
                person: who.to_string(),
            },
        )
    };
    let assign = |m, who: &str, role| {
        (
            m,
            "ann",
            Body::RoleAssigned {
                person: who.to_string(),
                role,
            },
        )
    };
    entries.push(engage(2, "sam"));
    entries.push(assign(2, "sam", Role::Scribe));
    // Eight responders with no role and no tech lead: all report to ann.
    let names = ["p1", "p2", "p3", "p4", "p5", "p6", "p7"];
    for n in names {
        entries.push(engage(3, n));
    }
    let state = incident(entries.clone());
    let watching = vec!["ann".to_string()];
    let said = warnings(room(&state, &playbook, at(30), Some(&watching), &[]));
    assert_eq!(
        said,
        vec![Warning::Span {
            lead: "ann".into(),
            count: 8,
            limit: 7
        }]
    );
    // A tech lead takes the responders without a role: nobody has too many.
    entries.push(engage(4, "tl"));
    entries.push(assign(4, "tl", Role::TechLead));
    let state = incident(entries.clone());
    assert!(warnings(room(&state, &playbook, at(30), Some(&watching), &[])).is_empty());
    // Someone stood down reports to nobody; eight under the one tech lead is too many.
    entries.push(engage(5, "p8"));
    entries.push((
        6,
        "ann",
        Body::ResponderStoodDown {
            person: "p1".into(),
        },
    ));
    entries.push(engage(7, "p9"));
    let state = incident(entries);
    let said = warnings(room(&state, &playbook, at(30), Some(&watching), &[]));
    assert_eq!(
        said,
        vec![Warning::Span {
            lead: "tl".into(),
            count: 8,
            limit: 7
        }]
    );
    // Four hours as scribe.
    let said = warnings(room(&state, &playbook, at(2 + 240), Some(&watching), &[]));
    assert!(
        said.contains(&Warning::LongInRole {
            person: "sam".into(),
            role: Role::Scribe,
            held: TimeDelta::hours(4),
        }),
        "{said:?}"
    );
    assert_eq!(
        state.roster.role_since("SAM", Role::Scribe),
        Some(at(2)),
        "time in role runs from when it was given"
    );
    assert_eq!(state.roster.role_since("sam", Role::Deputy), None);
    assert_eq!(
        state.roster.get("p1").and_then(|p| p.state),
        Some(ResponderState::StoodDown)
    );
}

#[test]
fn one_commander_of_two_open_incidents_and_an_absent_commander_are_warned_about() {
    let playbook = Playbook::builtin();
    let state = incident(commanded());
    let other = Ulid::from_parts(99, 1);
    let commanders = [(state.id, "ann"), (other, "ANN")];
    let watching = vec!["ann".to_string()];
    let said = warnings(room(&state, &playbook, at(5), Some(&watching), &commanders));
    assert_eq!(
        said,
        vec![Warning::CommandsTwo {
            commander: "ann".into(),
            others: vec![warroom::domain::short_id(other)],
        }]
    );
    // Nobody knows who watches (the shell without presence): no guess.
    assert!(warnings(room(&state, &playbook, at(60), None, &[])).is_empty());
    // Ann's console is gone and she has logged nothing for ten minutes.
    let nobody: Vec<String> = vec!["bob".into()];
    assert!(warnings(room(&state, &playbook, at(10), Some(&nobody), &[])).is_empty());
    let said = warnings(room(&state, &playbook, at(11), Some(&nobody), &[]));
    assert_eq!(
        said,
        vec![Warning::Unreachable {
            commander: "ann".into(),
            quiet: TimeDelta::minutes(10),
        }]
    );
    assert!(said[0].say(&Plain).contains(":assume REASON"));
    // An entry of hers counts as being there.
    let mut entries = commanded();
    entries.push((
        9,
        "Ann",
        Body::Note {
            text: "on the phone bridge".into(),
        },
    ));
    let spoke = incident(entries);
    assert!(warnings(room(&spoke, &playbook, at(18), Some(&nobody), &[])).is_empty());
}

#[test]
fn each_audience_has_its_own_cadence_and_countdown() {
    let playbook = Playbook::builtin();
    let cadence = |s, a| playbook.cadence_for(s, a);
    assert_eq!(
        cadence(Severity::P1, Audience::Responders),
        Some(TimeDelta::minutes(15))
    );
    assert_eq!(
        cadence(Severity::P1, Audience::Executives),
        Some(TimeDelta::minutes(30))
    );
    assert_eq!(
        cadence(Severity::P3, Audience::Customers),
        Some(TimeDelta::minutes(120))
    );
    assert_eq!(cadence(Severity::P4, Audience::Customers), None);
    assert!(
        playbook
            .cadence_words(Severity::P1)
            .contains("executives 30m"),
        "{}",
        playbook.cadence_words(Severity::P1)
    );
    let mut entries = commanded();
    entries.push((
        20,
        "ann",
        Body::StatusUpdate {
            audience: Audience::Executives,
            text: "x".into(),
        },
    ));
    let state = incident(entries);
    let due = state.updates_due(cadence);
    assert_eq!(
        due,
        vec![
            (Audience::Responders, at(30)),
            (Audience::Executives, at(80)),
            (Audience::Customers, at(60)),
        ]
    );
    // A playbook with a cadence for one audience only owes that one.
    let custom = warroom::playbook::DEFAULT.replace(
        "cadence_minutes = 30\ncadence = { executives = 60, customers = 60 }",
        "cadence_minutes = 0\ncadence = { customers = 45 }",
    );
    assert_ne!(custom, warroom::playbook::DEFAULT);
    let custom = Playbook::parse("custom", &custom).expect("parses");
    let due = state.updates_due(|s, a| custom.cadence_for(s, a));
    assert_eq!(due, vec![(Audience::Customers, at(45))]);
}

#[test]
fn a_reopened_incident_owes_its_updates_with_the_clock_stopped_while_it_was_resolved() {
    let playbook = Playbook::builtin();
    let cadence = |s, a| playbook.cadence_for(s, a);
    let every = |a| cadence(Severity::P2, a).unwrap().num_minutes();
    // Declared at 0 (P2), responders updated at 10, resolved at 20.
    let mut entries = commanded();
    entries.push((
        10,
        "ann",
        Body::StatusUpdate {
            audience: Audience::Responders,
            text: "x".into(),
        },
    ));
    let resolved = |entries: &mut Vec<(i64, &'static str, Body)>, at: i64| {
        entries.push((
            at,
            "ann",
            Body::StatusChanged {
                status: Status::Resolved,
                reason: None,
            },
        ));
    };
    let active = |entries: &mut Vec<(i64, &'static str, Body)>, at: i64, status| {
        entries.push((
            at,
            "ann",
            Body::StatusChanged {
                status,
                reason: Some("back".into()),
            },
        ));
    };
    let mut long = entries.clone();
    resolved(&mut long, 20);
    // Resolved for two days: nothing is owed meanwhile.
    assert!(incident(long.clone()).updates_due(cadence).is_empty());
    let back = 2 * 24 * 60;
    active(&mut long, back, Status::Investigating);
    let state = incident(long.clone());
    assert_eq!(
        state.owed_spans(at(back + 60)),
        vec![(at(0), at(20)), (at(back), at(back + 60))],
        "owed from the declaration to the resolution, and again from the reopening"
    );
    // What was left when it was resolved is owed from the reopening: responders had
    // 20 minutes of their cadence left, the others what was left since the
    // declaration. None is overdue at once.
    assert_eq!(
        state.updates_due(cadence),
        vec![
            (
                Audience::Responders,
                at(back + every(Audience::Responders) - 10)
            ),
            (
                Audience::Executives,
                at(back + every(Audience::Executives) - 20)
            ),
            (
                Audience::Customers,
                at(back + every(Audience::Customers) - 20)
            ),
        ]
    );
    // Back into triage first: nothing owed until it is active again.
    let mut via_triage = entries.clone();
    resolved(&mut via_triage, 20);
    active(&mut via_triage, back, Status::Triage);
    assert!(incident(via_triage.clone()).updates_due(cadence).is_empty());
    active(&mut via_triage, back + 180, Status::Investigating);
    assert_eq!(
        incident(via_triage).updates_due(cadence)[0],
        (
            Audience::Responders,
            at(back + 180 + every(Audience::Responders) - 10)
        )
    );
    // Overdue when resolved for a moment, overdue still once reopened: the responders
    // update was due at 40; resolved at 45, reopened at 46.
    let mut blink = entries;
    resolved(&mut blink, 45);
    active(&mut blink, 46, Status::Investigating);
    assert_eq!(
        incident(blink).updates_due(cadence)[0],
        (Audience::Responders, at(10 + every(Audience::Responders)))
    );
}

#[test]
fn every_built_in_template_renders_for_every_status_and_customers_never_read_the_title() {
    let playbook = Playbook::builtin();
    let mut entries = commanded();
    entries.push((
        5,
        "ann",
        Body::SituationSet {
            impact: Some("EU card payments fail".into()),
            services: Some(vec!["checkout".into()]),
            regions: None,
            impact_start: Some(at(-5)),
            impact_end: None,
            next_steps: Some("roll back deploy 4512".into()),
        },
    ));
    entries.push((
        6,
        "bob",
        Body::Decision {
            text: "a decision the templates do not quote".into(),
        },
    ));
    let statuses = [
        Status::Investigating,
        Status::Identified,
        Status::Monitoring,
        Status::Resolved,
        Status::Closed,
    ];
    for status in statuses {
        let mut entries = entries.clone();
        match status {
            Status::Resolved | Status::Closed => {
                entries.push((
                    10,
                    "ann",
                    Body::Resolution {
                        code: "rollback".into(),
                        summary: "rolled back".into(),
                        checklist: Vec::new(),
                    },
                ));
                if status == Status::Closed {
                    entries.push((
                        11,
                        "ann",
                        Body::StatusChanged {
                            status,
                            reason: None,
                        },
                    ));
                }
            }
            Status::Investigating => {}
            _ => entries.push((
                10,
                "ann",
                Body::StatusChanged {
                    status,
                    reason: None,
                },
            )),
        }
        let state = incident(entries);
        assert_eq!(state.status, status);
        for audience in Audience::iter() {
            let template = playbook
                .template_for(audience, &state)
                .unwrap_or_else(|| panic!("no {audience} template at {status}"));
            let text = render(template, &state, at(12), TimeDelta::minutes(30), &|t| {
                t.format("%H:%M UTC").to_string()
            });
            assert!(!text.contains('{'), "{audience} at {status}: {text}");
            assert!(
                !text.contains("a decision the templates do not quote"),
                "{audience} at {status}: {text}"
            );
            if audience == Audience::Customers {
                assert!(!text.contains("Checkout failing"), "{status}: {text}");
                assert!(!text.contains("deploy 4512"), "{status}: {text}");
            }
            if status.is_open() {
                assert!(
                    text.contains("09:42 UTC"),
                    "a next update: {audience} at {status}: {text}"
                );
            } else {
                assert!(
                    !text.contains("next update"),
                    "no promise once over: {audience} at {status}: {text}"
                );
            }
        }
        // The status's own template, where the playbook has one.
        if status == Status::Identified {
            let customers = playbook.template_for(Audience::Customers, &state).unwrap();
            assert!(
                customers.starts_with("We have found the cause"),
                "{customers}"
            );
        }
    }
}

#[test]
fn the_command_section_and_status_templates_are_checked_with_their_lines() {
    let with = |extra: &str| format!("{extra}\n{}", warroom::playbook::DEFAULT);
    let problems = |text: &str| -> Vec<String> {
        match Playbook::parse("t", text) {
            Ok(_) => Vec::new(),
            Err(e) => e.lines(),
        }
    };
    let text = warroom::playbook::DEFAULT
        .replace("rotation = []", "rotation = [\"ann\", \" \", \"ANN\"]")
        .replace("span_of_control = 7", "span_of_control = 0")
        .replace(
            "monitoring = \"A fix is in place",
            "monitoring = \"{title}: a fix is in place",
        )
        .replace(
            "[status_templates.executives]",
            "[status_templates.executives]\nsolved = \"x\"",
        );
    let found = problems(&text).join("\n");
    for needle in [
        "a name in the rotation is empty",
        "ANN is in the rotation twice",
        "span_of_control",
        "title_to_customers = true",
        "unknown status 'solved'",
    ] {
        assert!(found.contains(needle), "{needle}: {found}");
    }
    let allowed = with("title_to_customers = true").replace(
        "monitoring = \"A fix is in place",
        "monitoring = \"{title}: a fix is in place",
    );
    assert!(problems(&allowed).is_empty(), "{:?}", problems(&allowed));
    let rota = warroom::playbook::DEFAULT.replace("rotation = []", "rotation = [\"ann\", \"bob\"]");
    let parsed = Playbook::parse("t", &rota).expect("parses");
    assert_eq!(parsed.command.rotation, vec!["ann", "bob"]);
    assert_eq!(parsed.command.commander_limit, Some(TimeDelta::hours(4)));
    assert_eq!(parsed.command.unreachable_after, TimeDelta::minutes(10));
}
