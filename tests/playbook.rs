//! The playbook: the default severity matrix as a table, and every kind of problem a
//! playbook file can have, reported with its line.

mod common;

use common::Env;
use warroom::domain::Severity::{self, *};
use warroom::playbook::{DEFAULT, Playbook};

#[test]
fn the_default_matrix_gives_these_severities_for_every_set_of_answers() {
    let model = Playbook::builtin().triage;
    // (scope 1-5, data yes/no, trend spreading/stable/recovering) -> severity
    #[rustfmt::skip]
    let table: [(usize, usize, [Severity; 3]); 10] = [
        (1, 2, [P1, P1, P2]), (2, 2, [P1, P2, P2]), (3, 2, [P2, P3, P3]), (4, 2, [P3, P4, P4]), (5, 2, [P4, P5, P5]),
        (1, 1, [P1, P1, P1]), (2, 1, [P1, P1, P1]), (3, 1, [P1, P1, P1]), (4, 1, [P1, P1, P1]), (5, 1, [P1, P1, P1]),
    ];
    for (scope, data, by_trend) in table {
        for (trend, want) in by_trend.into_iter().enumerate() {
            let answers = [Some(scope - 1), Some(data - 1), Some(trend)];
            let got = model.assess(&answers);
            assert_eq!(
                got.severity,
                Some(want),
                "scope {scope}, data {data}, trend {}: {}",
                trend + 1,
                got.reason
            );
        }
    }
    assert!(model.declares(P3) && !model.declares(P4));
}

/// The default playbook with one text replaced (which must occur).
fn broken(from: &str, to: &str) -> String {
    assert!(
        DEFAULT.contains(from),
        "the default playbook has no {from:?}"
    );
    DEFAULT.replacen(from, to, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1
}

/// Parses and returns the problems as `LINE: message` strings.
fn problems(text: &str) -> Vec<(Option<usize>, String)> {
    let err = Playbook::parse("team.toml", text).expect_err("the playbook should be refused");
    err.problems
        .into_iter()
        .map(|p| (p.line, p.message))
        .collect()
}

#[test]
fn each_problem_is_reported_with_its_line() {
    let cases: Vec<(String, &str, &str)> = vec![
        (
            broken("{title} ({severity}", "{titel} ({severity}"),
            "executives = \"",
            "unknown placeholder {titel}",
        ),
        (
            broken("key = \"trend\"", "key = \"scope\""),
            "key = \"scope\"\ntext = \"Is it",
            "question key 'scope' is used twice",
        ),
        (
            broken("[\"P4\", \"P5\", \"P5\"]", "[\"P4\", \"P4\", \"P4\"]"),
            "matrix = [",
            "P5 is never reached",
        ),
        (
            broken(
                "cadence_minutes = 15\n",
                "cadence_minutes = 15\ncadence_minutes = 20\n",
            ),
            "cadence_minutes = 20",
            "duplicate key",
        ),
        (
            broken(
                "page = [\"tech_lead\"]",
                "page = [\"tech_lead\", \"janitor\"]",
            ),
            "page = [\"tech_lead\", \"janitor\"]",
            "unknown role 'janitor'",
        ),
        (
            broken("impact = 5 }", "impact = 6 }"),
            "impact = 6 }",
            "impact must be between 1 and 5",
        ),
        (
            broken("\"duplicate\"]", "\"duplicate\", \"rollback\"]"),
            "resolution_codes = [",
            "'rollback' is listed twice",
        ),
        (
            broken("threshold = \"P3\"", "threshold = \"P9\""),
            "threshold = \"P9\"",
            "unknown severity 'P9'",
        ),
        (
            broken(
                "default_urgency = 2",
                "default_urgency = 2\ncolour = \"red\"",
            ),
            "colour = ",
            "unknown field",
        ),
        (
            broken("[\"P1\", \"P1\", \"P2\"],", "[\"P1\", \"P1\"],"),
            "matrix = [",
            "needs 2 columns",
        ),
    ];
    for (text, line_text, message) in cases {
        let want_line = match line_text.split_once('\n') {
            // The line holding `first` that is followed by one holding `second` (which
            // tells a duplicated key from its first use).
            Some((first, second)) => {
                let lines: Vec<&str> = text.lines().collect();
                lines
                    .windows(2)
                    .position(|w| w[0].contains(first) && w[1].contains(second))
                    .expect("the two lines follow each other")
                    + 1
            }
            None => line_of(&text, line_text),
        };
        let found = problems(&text);
        assert!(
            found
                .iter()
                .any(|(line, m)| m.contains(message) && *line == Some(want_line)),
            "expected {message:?} at line {want_line}, got {found:?}"
        );
    }
    // A missing section names what to add, without a line.
    let missing = broken("[severity.P4]\ncadence_minutes = 0\npage = []\n", "");
    assert!(
        problems(&missing)
            .iter()
            .any(|(line, m)| line.is_none() && m.contains("add a [severity.P4] table"))
    );
}

#[test]
fn check_lists_every_problem_and_fails_and_a_good_file_passes() {
    let env = Env::new();
    let good = env.path("good.toml");
    std::fs::write(&good, env.ok(&["playbook", "--print-default"])).unwrap();
    let out = env.ok(&["playbook", "--check", good.to_str().unwrap()]);
    assert!(
        out.starts_with(&format!("{}: ok (", good.display())),
        "{out}"
    );

    let bad = env.path("bad.toml");
    let text = broken("{title} ({severity}", "{titel} ({severity}")
        .replace("threshold = \"P3\"", "threshold = \"P0\"");
    std::fs::write(&bad, &text).unwrap();
    let (stdout, stderr) = env.fails_both(&["playbook", "--check", bad.to_str().unwrap()]);
    let file = bad.display().to_string();
    assert!(
        stdout.contains(&format!(
            "{file}:{}: unknown severity 'P0'",
            line_of(&text, "threshold")
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{file}:{}: template for executives",
            line_of(&text, "executives = \"")
        )),
        "{stdout}"
    );
    assert!(stderr.contains("2 problem(s)"), "{stderr}");
}

#[test]
fn a_bad_playbook_in_use_stops_a_command_before_it_writes() {
    let env = Env::new();
    let bad = env.path("bad.toml");
    std::fs::write(&bad, broken("threshold = \"P3\"", "threshold = \"soon\"")).unwrap();
    let err = env.fails(&[
        "--playbook",
        bad.to_str().unwrap(),
        "declare",
        "--title",
        "x",
        "--severity",
        "P2",
    ]);
    assert!(
        err.contains("bad.toml:") && err.contains("unknown severity 'soon'"),
        "{err}"
    );
    assert!(!env.db.exists(), "nothing was written");
}

#[test]
fn a_playbook_beside_the_database_is_found() {
    let env = Env::new();
    let stricter = broken("threshold = \"P3\"", "threshold = \"P2\"");
    std::fs::write(env.db.with_file_name("playbook.toml"), stricter).unwrap();
    let out = env.ok(&["playbook"]);
    assert!(
        out.contains("declare at P2 HIGH or worse") && out.contains("playbook.toml"),
        "{out}"
    );
    // P3 no longer declares: it stays in triage.
    env.ok(&["declare", "--title", "x", "--severity", "P3"]);
    assert!(env.ok(&["incidents"]).contains("triage"));
}

#[test]
fn an_overlong_cadence_is_a_problem_with_its_line_not_a_crash() {
    let env = Env::new();
    let bad = env.path("bad.toml");
    let text = broken(
        "cadence_minutes = 15\n",
        "cadence_minutes = 999999999999999\n",
    );
    std::fs::write(&bad, &text).unwrap();
    let out = env
        .cmd()
        .args(["playbook", "--check", bad.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!(
            "{}:{}: cadence_minutes 999999999999999 is too long: at most 527040 (a year)",
            bad.display(),
            line_of(&text, "999999999999999")
        )),
        "{stdout}"
    );
    assert!(stderr.contains("1 problem(s)"), "{stderr}");
    // In use, it stops a command before anything is written.
    let err = env.fails(&[
        "--playbook",
        bad.to_str().unwrap(),
        "declare",
        "--title",
        "x",
        "--severity",
        "P2",
    ]);
    assert!(
        err.contains("is too long") && !err.contains("panicked"),
        "{err}"
    );
    assert!(!env.db.exists(), "nothing was written");
}
