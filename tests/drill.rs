//! Drills: scenarios played in virtual time against a real database, and the command.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use chrono::{TimeDelta, TimeZone, Utc};
use common::Env;
use warroom::domain::{Audience, Body, Severity, Status, Timestamp};
use warroom::drill::{DrillClock, DrillRun, Scenario, score};
use warroom::playbook::Playbook;
use warroom::store::{NewEvent, OpenOptions, Store};

type Action = Box<dyn FnOnce(&mut Store)>;

/// Virtual time: waiting jumps to the moment, running the team's scripted actions on
/// the way, each at its own time.
struct VirtualClock {
    now: Arc<Mutex<Timestamp>>,
    team: RefCell<Store>,
    script: RefCell<Vec<(Timestamp, Action)>>,
}

impl DrillClock for VirtualClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap()
    }

    fn wait_until(&self, until: Timestamp) {
        // The next scripted action comes first if it is due by then; the player looks
        // at the state after it and waits again.
        let next = self
            .script
            .borrow()
            .first()
            .map(|(at, _)| *at)
            .filter(|at| *at <= until);
        if let Some(at) = next {
            let (_, action) = self.script.borrow_mut().remove(0);
            *self.now.lock().unwrap() = at;
            action(&mut self.team.borrow_mut());
            return;
        }
        *self.now.lock().unwrap() = until;
    }
}

fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 27, 14, 0, 0).unwrap()
}

struct Setup {
    _dir: tempfile::TempDir,
    drill_store: Store,
    clock: VirtualClock,
}

fn setup(script: Vec<(i64, Action)>) -> Setup {
    let dir = tempfile::TempDir::new().unwrap();
    let db = dir.path().join("drill.db");
    let now = Arc::new(Mutex::new(t0()));
    let shared = now.clone();
    let clock_fn: warroom::store::Clock = Arc::new(move || *shared.lock().unwrap());
    let drill_store = Store::open(&db, OpenOptions::write())
        .unwrap()
        .with_clock(clock_fn.clone());
    let team = Store::open(&db, OpenOptions::write())
        .unwrap()
        .with_clock(clock_fn);
    let script = script
        .into_iter()
        .map(|(minutes, action)| (t0() + TimeDelta::minutes(minutes), action))
        .collect();
    Setup {
        _dir: dir,
        drill_store,
        clock: VirtualClock {
            now,
            team: RefCell::new(team),
            script: RefCell::new(script),
        },
    }
}

/// A team action: events on the (single) drill incident.
fn act(bodies: Vec<Body>) -> Action {
    Box::new(move |store: &mut Store| {
        let incident = store.incidents().unwrap()[0].id;
        let drafts = bodies
            .into_iter()
            .map(|body| NewEvent::now(Some(incident), "team", body))
            .collect();
        store.append(drafts).unwrap();
    })
}

fn update(audience: Audience, text: &str) -> Body {
    Body::StatusUpdate {
        audience,
        text: text.into(),
    }
}

#[test]
fn a_scripted_run_fires_injects_on_time_skips_those_whose_condition_fails_and_scores() {
    let scenario = warroom::drill::builtin("database-primary-failure").unwrap();
    let playbook = Playbook::builtin();
    let mut s = setup(vec![
        (
            3,
            act(vec![
                Body::CommandClaimed {
                    commander: "team".into(),
                },
                Body::SeveritySet {
                    severity: Severity::P1,
                    reason: None,
                    triage: vec![],
                },
                Body::StatusChanged {
                    status: Status::Investigating,
                    reason: None,
                },
            ]),
        ),
        (
            6,
            act(vec![update(
                Audience::Responders,
                "primary down, promoting replica",
            )]),
        ),
        (
            10,
            act(vec![update(
                Audience::Executives,
                "checkout down, ETA 20 min",
            )]),
        ),
        (
            11,
            act(vec![update(
                Audience::Customers,
                "payments fail, we are on it",
            )]),
        ),
        (
            20,
            act(vec![update(Audience::Responders, "replica promoted")]),
        ),
        (
            30,
            act(vec![Body::Resolution {
                code: "fix_forward".into(),
                summary: "replica promoted".into(),
                checklist: vec![],
            }]),
        ),
    ]);
    let mut drill = DrillRun::start(&mut s.drill_store, scenario, 1, "coach").unwrap();
    let mut reported = Vec::new();
    let state = drill
        .play(&mut s.drill_store, &playbook, &s.clock, &mut |_, fired| {
            reported.push((fired.due, fired.fired));
        })
        .unwrap();

    // Injects in order, each stamped exactly when due.
    let minutes: Vec<i64> = reported
        .iter()
        .map(|(due, _)| (*due - t0()).num_minutes())
        .collect();
    assert_eq!(minutes, [2, 4, 7, 12, 15, 25]);
    let fired: Vec<bool> = reported.iter().map(|(_, f)| *f).collect();
    assert_eq!(
        fired,
        [true, true, true, false, true, false],
        "customers and executives were told before +12m and +25m"
    );
    let injected: Vec<(i64, String)> = state
        .timeline
        .iter()
        .filter(|e| !["team", "coach"].contains(&e.event.author.as_str()))
        .map(|e| ((e.event.at - t0()).num_minutes(), e.event.author.clone()))
        .collect();
    assert_eq!(injected[0], (0, "drill".into()), "the starting alert");
    assert_eq!(
        injected.iter().map(|(m, _)| *m).collect::<Vec<_>>(),
        [0, 2, 4, 7, 15]
    );
    assert!(state.drill);
    assert_eq!(
        state.status,
        Status::Resolved,
        "the drill ends when resolved"
    );

    let card = score(&drill, &state, &playbook, s.clock.now());
    let line = |what: &str| card.line(what).unwrap().clone();
    assert_eq!(line("time to triage").actual, "3m");
    assert_eq!(line("time to triage").met, Some(true));
    assert_eq!(line("time to declare").met, Some(true));
    assert_eq!(line("first update to responders").actual, "6m");
    assert_eq!(line("first update to executives").actual, "10m");
    assert_eq!(line("first update to customers").met, Some(true));
    assert_eq!(line("severity chosen").met, Some(true));
    assert_eq!(line("time to resolve").actual, "30m");
    assert_eq!(line("updates to responders on time").actual, "2 of 2");
    assert_eq!(card.score(), (7, 7));
    assert!(card.resolved);
    let text = card.to_string();
    assert!(
        text.contains("7 of 7 expectations met")
            && text.contains("skipped (its condition did not hold)"),
        "{text}"
    );
}

#[test]
fn conditional_injects_fire_when_their_condition_holds_and_time_runs_out() {
    let scenario = warroom::drill::builtin("suspected-data-breach").unwrap();
    let playbook = Playbook::builtin();
    // The team triages but never pages legal, never tells anyone, never resolves.
    let mut s = setup(vec![(
        4,
        act(vec![Body::SeveritySet {
            severity: Severity::P2,
            reason: None,
            triage: vec![],
        }]),
    )]);
    let mut drill = DrillRun::start(&mut s.drill_store, scenario, 1, "coach").unwrap();
    let state = drill
        .play(&mut s.drill_store, &playbook, &s.clock, &mut |_, _| {})
        .unwrap();
    assert!(drill.log.iter().all(|f| f.fired), "every condition held");
    assert!(
        state
            .timeline
            .iter()
            .any(|e| e.event.author == "legal-duty"),
        "legal complains"
    );
    assert_eq!(s.clock.now(), t0() + TimeDelta::minutes(60), "time's up");
    let card = score(&drill, &state, &playbook, s.clock.now());
    assert!(!card.resolved);
    assert_eq!(card.line("legal paged").unwrap().met, Some(false));
    assert_eq!(card.line("severity chosen").unwrap().actual, "P2 HIGH");
    assert_eq!(card.line("severity chosen").unwrap().met, Some(false));
    assert!(card.to_string().contains("time's up"));
}

#[test]
fn speed_compresses_time_and_scores_in_scenario_time() {
    let scenario = warroom::drill::builtin("bad-deploy-one-region").unwrap();
    let playbook = Playbook::builtin();
    // At 10x, a real minute is ten scenario minutes.
    let mut s = setup(vec![(
        1,
        act(vec![
            Body::SeveritySet {
                severity: Severity::P2,
                reason: None,
                triage: vec![],
            },
            Body::StatusChanged {
                status: Status::Investigating,
                reason: None,
            },
        ]),
    )]);
    let mut drill = DrillRun::start(&mut s.drill_store, scenario, 10, "coach").unwrap();
    let mut dues = Vec::new();
    let state = drill
        .play(&mut s.drill_store, &playbook, &s.clock, &mut |_, f| {
            dues.push(f.due);
        })
        .unwrap();
    assert_eq!(
        dues[1] - t0(),
        TimeDelta::seconds(30),
        "the +5m inject comes 30 s in"
    );
    assert_eq!(dues[2] - t0(), TimeDelta::seconds(48), "+8m comes 48 s in");
    assert!(
        drill.log[2].fired,
        "at 48 s the incident is not yet declared (the team declares 1 min in), so it fires"
    );
    let card = score(&drill, &state, &playbook, s.clock.now());
    assert_eq!(card.line("time to declare").unwrap().actual, "10m");
    assert_eq!(
        card.line("time to declare").unwrap().met,
        Some(false),
        "expected within 8m"
    );
    // The incident's own clocks run at the drill's pace, as the scorecard does: it was
    // declared a real minute in, which its clock reads as ten, and the first update is
    // owed P2's 30 scenario minutes later (3 real minutes).
    assert_eq!(state.pace, 10);
    let declared = state.declared_at.unwrap();
    assert_eq!(
        warroom::format::duration(state.clock(declared) - t0()),
        card.line("time to declare").unwrap().actual
    );
    let (_, due) = state
        .next_update_due(|sev, a| playbook.cadence_for(sev, a))
        .unwrap();
    assert_eq!(due - declared, TimeDelta::minutes(3), "real time");
    assert_eq!(
        state.paced(due - declared),
        playbook.cadence(Severity::P2).unwrap(),
        "the countdown the console shows, in scenario time"
    );
}

#[test]
fn an_injects_author_is_not_written_again_in_its_text() {
    for name in warroom::drill::builtin_names() {
        let scenario = warroom::drill::builtin(name).unwrap();
        for inject in &scenario.injects {
            let first = inject.text.split_whitespace().next().unwrap_or("");
            let named = first
                .strip_suffix(':')
                .is_some_and(|word| inject.by.starts_with(word));
            assert!(!named, "{name}: {} writes {:?}", inject.by, inject.text);
        }
    }
    let scenario = Scenario::parse(
        "t",
        "name = \"t\"\ntitle = \"T\"\nduration = \"5m\"\n[start]\ntext = \"x\"\n[[inject]]\nat = \"1m\"\nkind = \"note\"\nby = \"deploy-bot\"\ntext = \"deploy-bot: rolled out 4512\"\n",
    )
    .unwrap();
    assert_eq!(scenario.injects[0].text, "rolled out 4512");
}

#[test]
fn scenario_files_are_checked_with_lines() {
    let bad = "name = \"x\"\ntitle = \"t\"\nduration = \"10m\"\n[start]\ntext = \"a\"\n[[inject]]\nat = \"12m\"\nkind = \"alert\"\ntext = \"late\"\n[[inject]]\nat = \"soon\"\nkind = \"email\"\ntext = \"x\"\nwhen = \"if_bored\"\n[expect]\nseverity = \"P0\"\n";
    let err = Scenario::parse("x.toml", bad).unwrap_err();
    let lines = err.lines();
    for want in [
        "x.toml:7: at 12m is after the drill ends",
        "x.toml:11: 'soon' is not a duration",
        "x.toml:12: unknown inject kind 'email'",
        "x.toml:14: unknown condition 'if_bored'",
        "x.toml:16: unknown severity 'P0'",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(want)),
            "missing {want:?} in {lines:#?}"
        );
    }
}

#[test]
fn overflowing_durations_are_problems_with_lines_not_a_crash() {
    let env = Env::new();
    let scenario = env.path("huge.toml");
    std::fs::write(
        &scenario,
        "name = \"huge\"\ntitle = \"Huge\"\nduration = \"99999999999999h\"\n[start]\ntext = \"a\"\n[[inject]]\nat = \"9223372036854775807s\"\nkind = \"note\"\ntext = \"x\"\n[[inject]]\nat = \"9000h\"\nkind = \"note\"\ntext = \"y\"\n[[inject]]\nat = \"1m\"\nkind = \"note\"\ntext = \"fine\"\n[expect]\nresolve_within = \"1h99999999999999999m\"\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["drill", "check", scenario.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let file = scenario.display();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{file}:3: '99999999999999h' is not a duration like 90s, 2m or 1h30m"),
            format!("{file}:7: '9223372036854775807s' is not a duration like 90s, 2m or 1h30m"),
            format!("{file}:11: '9000h' is longer than a year; give a drill's times in s, m or h"),
            format!("{file}:19: '1h99999999999999999m' is not a duration like 90s, 2m or 1h30m"),
        ],
        "each bad duration once, and no 'after the drill ends' for an unreadable duration"
    );
    assert!(stderr.contains("4 problem(s)"), "{stderr}");
    assert!(
        env.fails(&["drill", "run", scenario.to_str().unwrap()])
            .contains("not a duration"),
        "running it refuses the same way"
    );
    assert!(!env.db.exists(), "nothing was written");
}

#[test]
fn the_drill_command_runs_scores_logs_and_stays_out_of_metrics() {
    let env = Env::new();
    let list = env.ok(&["drill", "list"]);
    for name in [
        "database-primary-failure",
        "bad-deploy-one-region",
        "suspected-data-breach",
    ] {
        assert!(list.contains(name), "{list}");
    }
    let scenario = env.path("quick.toml");
    std::fs::write(
        &scenario,
        "name = \"quick\"\ntitle = \"Quick drill\"\nduration = \"2m\"\n[start]\ntext = \"it broke\"\n[[inject]]\nat = \"30s\"\nkind = \"alert\"\ntext = \"it is worse\"\n[[inject]]\nat = \"1m\"\nkind = \"note\"\ntext = \"nobody told customers\"\nwhen = \"no_update:customers\"\n[expect]\nseverity = \"P2\"\ndeclare_within = \"1m\"\n",
    )
    .unwrap();
    assert!(
        env.ok(&["drill", "check", scenario.to_str().unwrap()])
            .contains("ok (Quick drill, 2 injects")
    );
    let (stdout, stderr) =
        env.ok_both(&["drill", "run", scenario.to_str().unwrap(), "--speed", "120"]);
    assert!(
        stdout.contains("DRILL SCORECARD: quick (time's up): 0 of 2 expectations met"),
        "{stdout}"
    );
    let worse = stderr.find("inject: it is worse").expect("first inject");
    let nobody = stderr
        .find("inject: nobody told customers")
        .expect("second inject");
    assert!(worse < nobody, "in order: {stderr}");

    assert!(env.ok(&["incidents"]).contains("[DRILL] Quick drill"));
    assert!(
        env.ok(&["tail"]).contains("DRILL SCORECARD"),
        "the scorecard is logged"
    );
    assert!(
        env.ok(&["export", "--format", "markdown"])
            .contains("(DRILL: not a real incident)")
    );
    // Everything the drill can send out of the tool says it is a drill.
    let id = stdout.lines().next().unwrap().trim().to_string();
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["export", "--format", "json", "-i", &id])).unwrap();
    assert_eq!(json["exercise"], "DRILL");
    assert!(
        env.ok(&["export", "--format", "ics214", "-i", &id])
            .starts_with("# Activity log: Quick drill (DRILL")
    );
    assert!(env.ok(&["review", "-i", &id]).starts_with("DRILL"));
    for audience in ["responders", "executives", "customers"] {
        let text = env.ok(&["update", "--audience", audience, "--print", "-i", &id]);
        assert!(text.starts_with("[DRILL, not a real incident]"), "{text}");
    }
    // Time is up: the drill incident is closed, saying why.
    assert!(stderr.contains("DRILL ended"), "{stderr}");
    let show = env.ok(&["show", &id]);
    assert!(show.contains("closed"), "{show}");
    assert!(
        env.ok(&["tail", "-i", &id])
            .contains("drill ended: time is up")
    );
    env.ok(&[
        "log",
        "--kind",
        "status",
        "--audience",
        "customers",
        "--yes",
        "--incident",
        &id,
        "drill message",
    ]);
    let metrics: serde_json::Value = serde_json::from_str(&env.ok(&["metrics", "--json"])).unwrap();
    assert_eq!(metrics["incidents"], 0);
    assert_eq!(metrics["drills_excluded"], 1);
    let site = env.path("site");
    env.ok(&["statuspage", "--out", site.to_str().unwrap()]);
    assert!(
        !std::fs::read_to_string(site.join("index.html"))
            .unwrap()
            .contains("drill message")
    );
    assert!(
        env.fails(&["drill", "run", "no-such-scenario"])
            .contains("built-in scenarios")
    );
}

#[test]
fn a_built_in_scenario_is_printed_to_start_ones_own_from() {
    let env = Env::new();
    for name in [
        "database-primary-failure",
        "bad-deploy-one-region",
        "suspected-data-breach",
    ] {
        let text = env.ok(&["drill", "print", name]);
        let file = env.path(&format!("{name}.toml"));
        std::fs::write(&file, &text).unwrap();
        let checked = env.ok(&["drill", "check", file.to_str().unwrap()]);
        assert!(checked.contains(": ok ("), "{name}: {checked}");
    }
    let err = env.fails(&["drill", "print", "fire-drill"]);
    assert!(
        err.contains("no built-in scenario 'fire-drill'") && err.contains("bad-deploy-one-region"),
        "{err}"
    );
}

#[test]
fn a_drill_stopped_early_is_closed_and_says_so() {
    let env = Env::new();
    let child = env
        .std_cmd()
        .args(["drill", "run", "bad-deploy-one-region", "--speed", "1"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the drill incident exists, then stop the runner as Ctrl-C would.
    common::wait_for(
        "the drill to start",
        std::time::Duration::from_secs(60),
        || {
            Store::open(&env.db, OpenOptions::read())
                .ok()
                .and_then(|s| s.incidents().ok())
                .is_some_and(|i| !i.is_empty())
        },
    );
    common::send_signal(child.id() as i32, common::Signal::INT);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("(stopped early)"), "{stdout}");
    assert!(
        stdout.contains("not reached") && !stdout.contains("MISSED"),
        "what had not come due is not judged: {stdout}"
    );
    assert!(stderr.contains("DRILL stopped early"), "{stderr}");
    let tail = env.ok(&["tail"]);
    assert!(tail.contains("drill stopped"), "{tail}");
    let state = Store::open(&env.db, OpenOptions::read())
        .unwrap()
        .incidents()
        .unwrap();
    assert_eq!(state[0].status, Status::Closed);
    assert!(state[0].resolved_at.is_none(), "closed, not resolved");
}

#[test]
fn a_drills_clock_runs_at_its_pace_until_it_ends_and_in_real_time_after() {
    use warroom::domain::{Event, IncidentState};
    let id = ulid::Ulid::from_parts(t0().timestamp_millis() as u64, 1);
    let event = |n: u64, at: Timestamp, body: Body| Event {
        id: if n == 1 {
            id
        } else {
            ulid::Ulid::from_parts(at.timestamp_millis() as u64, u128::from(n))
        },
        origin: "o".into(),
        seq: n,
        incident: id,
        author: "coach".into(),
        recorded_by: None,
        at,
        logged_at: at,
        body,
    };
    let end = t0() + TimeDelta::minutes(4);
    let state = IncidentState::fold(
        id,
        vec![
            event(
                1,
                t0(),
                Body::IncidentOpened {
                    title: "drill".into(),
                    detected_at: None,
                    drill: true,
                    pace: Some(10),
                },
            ),
            event(
                2,
                end,
                Body::StatusChanged {
                    status: Status::Closed,
                    reason: Some("drill ended: time is up".into()),
                },
            ),
        ],
    );
    assert_eq!(
        state.elapsed(t0(), t0() + TimeDelta::minutes(1)),
        TimeDelta::minutes(10)
    );
    assert_eq!(
        state.elapsed(t0(), end),
        TimeDelta::minutes(40),
        "the scenario's 40 minutes"
    );
    assert_eq!(
        state.elapsed(end, end + TimeDelta::minutes(3)),
        TimeDelta::minutes(3),
        "after the end, real time: the closed drill's clocks stop racing"
    );
    assert!(
        state.resolved_at.is_none(),
        "time ran out: closed, not resolved"
    );
    assert_eq!(state.time_to_resolve(), None);
    // Resolved by the team (its runner gone), the clock stops racing all the same.
    let resolved = IncidentState::fold(
        id,
        vec![
            event(
                1,
                t0(),
                Body::IncidentOpened {
                    title: "drill".into(),
                    detected_at: None,
                    drill: true,
                    pace: Some(10),
                },
            ),
            event(
                2,
                end,
                Body::Resolution {
                    code: "rollback".into(),
                    summary: "rolled back".into(),
                    checklist: Vec::new(),
                },
            ),
        ],
    );
    assert_eq!(resolved.time_to_resolve(), Some(TimeDelta::minutes(40)));
    assert_eq!(
        resolved.elapsed(end, end + TimeDelta::minutes(3)),
        TimeDelta::minutes(3)
    );
}
