//! Time you can trust: one zone in force, named where times are read, set by the team's
//! playbook and overridden by a person's own `TZ`; times from another day carry their
//! date.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{TimeZone, Utc};
use common::Env;
use warroom::zone::Zone;

/// Runs `warroom ARGS` with no `TZ` (so the team's zone, or the config's, is in force);
/// its standard output, once it succeeded.
fn without_tz(env: &Env, args: &[&str]) -> String {
    let out = env.cmd().env_remove("TZ").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn zones_read_as_people_write_them() {
    assert_eq!(Zone::parse("local").unwrap(), Zone::Local);
    assert_eq!(Zone::parse(" utc ").unwrap(), Zone::Utc);
    assert_eq!(Zone::parse("GMT").unwrap(), Zone::Utc);
    assert_eq!(
        Zone::parse("Europe/Berlin").unwrap(),
        Zone::Named(chrono_tz::Europe::Berlin)
    );
    let bad = Zone::parse("Mars/Olympus_Mons\u{1b}[2J").unwrap_err();
    assert!(bad.contains("unknown time zone"), "{bad}");
    assert!(bad.contains("Europe/Berlin"), "says what to give: {bad}");
    assert!(!bad.contains('\u{1b}') && !bad.contains('\n'), "{bad:?}");
    for z in [
        Zone::Local,
        Zone::Utc,
        Zone::Named(chrono_tz::Asia::Kolkata),
    ] {
        assert_eq!(Zone::parse(&z.to_string()).unwrap(), z, "{z} reads back");
    }
}

#[test]
fn a_named_zone_says_its_name_and_offset_and_keeps_summer_time() {
    let berlin = Zone::Named(chrono_tz::Europe::Berlin);
    let winter = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    let summer = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
    assert_eq!(berlin.name(winter), "Europe/Berlin UTC+01:00");
    assert_eq!(berlin.name(summer), "Europe/Berlin UTC+02:00");
    assert_eq!(berlin.hm_zoned(summer), "14:00 UTC+02:00");
    assert_eq!(Zone::Utc.name(summer), "UTC");
    let kolkata = Zone::Named(chrono_tz::Asia::Kolkata);
    assert_eq!(kolkata.format(winter, "%H:%M"), "17:30");
}

#[test]
fn a_time_from_another_day_carries_its_date() {
    let z = Zone::Utc;
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 0, 10, 0).unwrap();
    let today = Utc.with_ymd_and_hms(2026, 11, 30, 0, 5, 0).unwrap();
    let yesterday = Utc.with_ymd_and_hms(2026, 11, 29, 23, 45, 0).unwrap();
    let last_year = Utc.with_ymd_and_hms(2025, 11, 29, 23, 45, 0).unwrap();
    assert_eq!(z.stamp(today, now), "00:05");
    assert_eq!(
        z.stamp(yesterday, now),
        "11-29 23:45",
        "15 minutes ago, but yesterday"
    );
    assert_eq!(z.stamp(last_year, now), "2025-11-29 23:45");
    // The day is the zone's: 23:45 UTC is already the next day in Kolkata.
    let kolkata = Zone::Named(chrono_tz::Asia::Kolkata);
    assert_eq!(kolkata.stamp(yesterday, now), "05:15");
}

/// A playbook beside the database whose team reads `zone`.
fn team_zone(env: &Env, zone: &str) {
    let text = warroom::playbook::DEFAULT
        .replace("# time_zone = \"UTC\"", &format!("time_zone = \"{zone}\""));
    assert!(text.contains(&format!("time_zone = \"{zone}\"")));
    std::fs::write(env.path("playbook.toml"), text).unwrap();
}

#[test]
fn the_teams_zone_is_shown_and_read_unless_a_persons_tz_says_otherwise() {
    let env = Env::new();
    team_zone(&env, "America/New_York");
    let id = env.declare("Checkout failing");
    // Without TZ the team's zone is in force: shown, and read from what people type.
    let team = |args: &[&str]| without_tz(&env, args);
    team(&[
        "log",
        "--at",
        "2026-11-02 09:00",
        "first page at nine, New York time",
    ]);
    let json = team(&["tail", "--json", "-i", &id]);
    let entry = json
        .lines()
        .find(|l| l.contains("first page at nine"))
        .unwrap();
    assert!(
        entry.contains("2026-11-02T14:00:00"),
        "09:00 in New York (EST) is 14:00 UTC: {entry}"
    );
    let tail = team(&["tail", "-i", &id]);
    assert!(
        tail.lines()
            .any(|l| l.starts_with("2026-11-02 09:00:00") && l.contains("first page")),
        "{tail}"
    );
    let show = team(&["show", &id]);
    assert!(
        show.lines()
            .any(|l| l.starts_with("times") && l.contains("America/New_York UTC-05:00")),
        "{show}"
    );
    // A person's TZ is their own local time, over the team's.
    let mine = env.ok(&["show", &id]);
    assert!(
        mine.lines()
            .any(|l| l.starts_with("times") && l.trim_end().ends_with("UTC")),
        "{mine}"
    );
    let tail = env.ok(&["tail", "-i", &id]);
    assert!(
        tail.lines()
            .any(|l| l.starts_with("2026-11-02 14:00:00") && l.contains("first page")),
        "{tail}"
    );
}

#[test]
fn exports_state_the_zone_they_are_written_in() {
    let env = Env::new();
    team_zone(&env, "Asia/Kolkata");
    let id = env.declare("Checkout failing");
    let md = without_tz(&env, &["export", "-i", &id, "--format", "markdown"]);
    assert!(md.contains("Times are Asia/Kolkata (UTC+05:30)."), "{md}");
}

#[test]
fn an_unknown_team_zone_is_a_playbook_problem_with_its_line() {
    let env = Env::new();
    team_zone(&env, "Europe/Atlantis");
    let path = env.path("playbook.toml");
    let line = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("time_zone"))
        .unwrap()
        + 1;
    let (out, err) = env.fails_both(&["playbook", "--check", path.to_str().unwrap()]);
    let err = out + &err;
    assert!(
        err.contains(&format!("playbook.toml:{line}:")) && err.contains("unknown time zone"),
        "{err}"
    );
}

#[test]
fn a_team_zone_that_cannot_be_read_stops_a_command_rather_than_guess_the_zone() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    team_zone(&env, "America/NewYork");
    let out = env
        .cmd()
        .env_remove("TZ")
        .args(["log", "--at", "09:00", "typed meaning New York time"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("unknown time zone 'America/NewYork'") && err.contains("--time-zone"),
        "says what is wrong and how to go on: {err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        !env.ok(&["tail", "-i", &id]).contains("typed meaning"),
        "nothing was written in a guessed zone"
    );
    // A zone of one's own goes on; so does a command that shows no time. (A time
    // already past whatever the hour the test runs at: the tests' zone is UTC.)
    let past = (chrono::Utc::now() - chrono::TimeDelta::minutes(2))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    env.ok(&["log", "--at", &past, "typed in my own zone"]);
    without_tz(&env, &["config"]);
}

#[test]
fn a_zone_named_in_tz_is_said_by_its_name() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    let show = |tz: &str| {
        let out = env
            .cmd()
            .env("TZ", tz)
            .args(["show", &id])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let berlin = show("Europe/Berlin");
    assert!(
        berlin
            .lines()
            .any(|l| l.starts_with("times") && l.contains("Europe/Berlin UTC+0")),
        "{berlin}"
    );
}

#[test]
fn metrics_count_weeks_and_months_on_the_teams_calendar() {
    let env = Env::new();
    team_zone(&env, "America/New_York");
    // 21:00 on 31 October in New York is already 1 November in UTC.
    without_tz(
        &env,
        &[
            "declare",
            "--title",
            "Halloween night",
            "--severity",
            "P2",
            "--at",
            "2026-10-31 21:00",
        ],
    );
    let metrics = |tz: Option<&str>| {
        let mut cmd = env.cmd();
        match tz {
            Some(tz) => cmd.env("TZ", tz),
            None => cmd.env_remove("TZ"),
        };
        String::from_utf8(cmd.args(["metrics"]).output().unwrap().stdout).unwrap()
    };
    let team = metrics(None);
    assert!(
        team.lines()
            .any(|l| l.starts_with("by month:") && l.contains("2026-10 1")),
        "{team}"
    );
    let utc = metrics(Some("UTC"));
    assert!(
        utc.lines()
            .any(|l| l.starts_with("by month:") && l.contains("2026-11 1")),
        "{utc}"
    );
}
