//! Text read from playbook and scenario files reaches the terminal inert, whatever
//! command prints it: whoever can write the folder beside a shared database can plant a
//! `playbook.toml` that everyone loads.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::Env;

/// An escape sequence that would retitle the window, one that would write the
/// clipboard, a C1 control and a zero-width space, as TOML escapes.
const HOSTILE: &str = r"\u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007\u009b31m\u200b";

/// Whether bytes hold anything a terminal would act on (or hide).
fn live(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    bytes.iter().any(|b| *b == 0x1b || *b == 0x07)
        || text
            .chars()
            .any(|c| ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{200b}')
}

fn assert_inert(what: &str, out: &std::process::Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !live(bytes),
            "{what}: {stream} carries live text: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
    let all = [&out.stdout[..], &out.stderr[..]].concat();
    assert!(
        String::from_utf8_lossy(&all).contains("^[]0;pwned"),
        "{what}: the hostile text is shown, inert: {:?}",
        String::from_utf8_lossy(&all)
    );
}

/// The built-in playbook with hostile text in its name, a question, an answer, a
/// contact and a resolution code.
fn hostile_playbook(env: &Env) -> std::path::PathBuf {
    let default = env.ok(&["playbook", "--print-default"]);
    let text = default
        .replacen(
            "name = \"Default playbook\"",
            &format!("name = \"team{HOSTILE}\""),
            1,
        )
        .replacen(
            "\"Who is affected?\"",
            &format!("\"Who{HOSTILE} is affected?\""),
            1,
        )
        .replacen("\"a few users\"", &format!("\"a few{HOSTILE} users\""), 1)
        .replacen("\"rollback\"", &format!("\"rollback{HOSTILE}\""), 1);
    let text = match text.find("[[contacts]]") {
        Some(at) => {
            let (head, tail) = text.split_at(at);
            let tail = tail.replacen("name = \"", &format!("name = \"on call{HOSTILE} "), 1);
            format!("{head}{tail}")
        }
        None => text,
    };
    let path = env.path("playbook.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_playbook_beside_the_database_is_printed_inert_by_every_command() {
    let env = Env::new();
    env.declare("planted playbook");
    let playbook = hostile_playbook(&env);
    let path = playbook.to_str().unwrap();
    let runs: [&[&str]; 3] = [
        &["playbook"],
        &["playbook", "--check", path],
        &[
            "triage",
            "--title",
            "t",
            "--answers",
            "scope=4,data=no,trend=stable",
        ],
    ];
    for args in runs {
        let out = env.cmd().args(args).output().unwrap();
        assert_inert(&format!("{args:?}"), &out);
    }
    // Interactive triage, in a terminal.
    let mut asked = common::pty::Console::start(&env, &["triage", "--title", "asked"]);
    asked.wait_text("is affected?");
    asked.send("q\r");
    asked.wait_exit();
    let bytes = asked.bytes();
    assert!(
        !live(&bytes),
        "interactive triage: {:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(String::from_utf8_lossy(&bytes).contains("^[]0;pwned"));

    // A problem that quotes the file's text.
    let bad = env.path("bad.toml");
    let text = std::fs::read_to_string(&playbook).unwrap().replacen(
        "threshold = \"P3\"",
        &format!("threshold = \"P9{HOSTILE}\""),
        1,
    );
    std::fs::write(&bad, text).unwrap();
    let out = env
        .cmd()
        .args(["playbook", "--check", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_inert("a problem quoting the file", &out);
}

#[test]
fn a_scenario_file_is_printed_inert_by_check_and_run() {
    let env = Env::new();
    let scenario = env.path("scenario.toml");
    std::fs::write(
        &scenario,
        format!(
            r#"name = "planted"
title = "drill{HOSTILE}"
summary = "a summary{HOSTILE}"
duration = "2m"

[start]
text = "the first alert{HOSTILE}"
source = "mon{HOSTILE}"

[[inject]]
at = "1s"
kind = "note"
text = "an inject{HOSTILE}"
"#
        ),
    )
    .unwrap();
    let path = scenario.to_str().unwrap();
    let out = env.cmd().args(["drill", "check", path]).assert().success();
    assert_inert("drill check", out.get_output());
    let out = env
        .cmd()
        .args(["drill", "run", path, "--speed", "1000"])
        .assert()
        .success();
    assert_inert("drill run (start line and scorecard)", out.get_output());
}
