//! Your settings, run as the real binary: the config file, `warroom config` naming
//! where each setting came from (flag beats environment beats config beats default),
//! `--print-default` and `--check`, and problems reported with their lines.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// A home of its own: temp HOME and XDG folders, the person `sam`, and none of the
/// test runner's warroom settings (nor TZ, NO_COLOR).
struct Home {
    dir: TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: TempDir::new().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The default config file's place.
    fn config_file(&self) -> PathBuf {
        self.path("config/warroom/config.toml")
    }

    /// Writes the default config file.
    fn write_config(&self, text: &str) -> PathBuf {
        self.write("config/warroom/config.toml", text)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(common::bin());
        cmd.timeout(std::time::Duration::from_secs(60))
            .current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("USER", "sam")
            .env("LOGNAME", "sam");
        for var in [
            "WARROOM_DB",
            "WARROOM_USER",
            "WARROOM_THEME",
            "WARROOM_PLAYBOOK",
            "WARROOM_CONFIG",
            "WARROOM_RING",
            "TZ",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// `warroom ARGS` with `vars` set; stdout, failing the test if it fails.
    fn ok(&self, args: &[&str], vars: &[(&str, &str)]) -> String {
        let out = self
            .cmd()
            .args(args)
            .envs(vars.iter().copied())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "warroom {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `warroom ARGS` with `vars` set, expected to fail; (stdout, stderr).
    fn fails(&self, args: &[&str], vars: &[(&str, &str)]) -> (String, String) {
        let out = self
            .cmd()
            .args(args)
            .envs(vars.iter().copied())
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "warroom {args:?} should have failed: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// What `warroom config` says of one setting: (its value, where it came from).
    fn setting(&self, name: &str, args: &[&str], vars: &[(&str, &str)]) -> (String, String) {
        let mut all = vec!["config"];
        all.extend_from_slice(args);
        let out = self.ok(&all, vars);
        setting_in(&out, name)
    }
}

/// A setting's line of `warroom config`'s output: `name = "value"  # origin`.
fn setting_in(out: &str, name: &str) -> (String, String) {
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("{name} = ")))
        .unwrap_or_else(|| panic!("no {name} in:\n{out}"));
    let (value, origin) = line.split_once("  # ").unwrap();
    let value = value[name.len() + 3..].trim();
    (
        value.trim_matches('"').to_string(),
        origin.trim().to_string(),
    )
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn each_setting_comes_from_the_flag_then_the_environment_then_the_config_then_the_default() {
    let home = Home::new();
    // Nothing said: defaults, and the config file's place is named though missing.
    let out = home.ok(&["config"], &[]);
    assert!(
        out.contains(&format!(
            "# config file: {}: not there",
            display(&home.config_file())
        )),
        "{out}"
    );
    let default_db = display(&home.path("data/warroom/warroom.db"));
    assert_eq!(
        home.setting("name", &[], &[]),
        ("sam".into(), "default".into())
    );
    assert_eq!(home.setting("db", &[], &[]), (default_db, "default".into()));
    assert_eq!(
        home.setting("theme", &[], &[]),
        ("dark".into(), "default".into())
    );
    assert_eq!(
        home.setting("time_zone", &[], &[]),
        ("local".into(), "default".into())
    );
    assert_eq!(
        home.setting("ring", &[], &[]),
        ("p1,command,page".into(), "default".into())
    );

    let config = home.write_config(
        "# mine\nname = \"nora\"\ndb = \"~/incidents.db\"\ntheme = \"light\"\ntime_zone = \"Europe/Berlin\"\nring = \"all\"\n",
    );
    let at = |line: usize| format!("config {}:{line}", display(&config));
    let out = home.ok(&["config"], &[]);
    assert!(
        out.contains(&format!("# config file: {}: read", display(&config))),
        "{out}"
    );
    assert_eq!(home.setting("name", &[], &[]), ("nora".into(), at(2)));
    assert_eq!(
        home.setting("db", &[], &[]),
        (display(&home.path("incidents.db")), at(3))
    );
    assert_eq!(home.setting("theme", &[], &[]), ("light".into(), at(4)));
    assert_eq!(
        home.setting("time_zone", &[], &[]),
        ("Europe/Berlin".into(), at(5))
    );
    assert_eq!(home.setting("ring", &[], &[]), ("all".into(), at(6)));

    // The environment beats the config.
    let env = [
        ("WARROOM_USER", "erik"),
        ("WARROOM_DB", "/srv/env.db"),
        ("WARROOM_THEME", "mono"),
        ("TZ", "Asia/Tokyo"),
        ("WARROOM_RING", "page"),
    ];
    assert_eq!(
        home.setting("name", &[], &env),
        ("erik".into(), "env WARROOM_USER".into())
    );
    assert_eq!(
        home.setting("db", &[], &env),
        ("/srv/env.db".into(), "env WARROOM_DB".into())
    );
    assert_eq!(
        home.setting("theme", &[], &env),
        ("mono".into(), "env WARROOM_THEME".into())
    );
    // A person's TZ is their own zone, said by its name.
    assert_eq!(
        home.setting("time_zone", &[], &env),
        ("Asia/Tokyo".into(), "env TZ".into())
    );
    assert_eq!(
        home.setting("ring", &[], &env),
        ("p1,page".into(), "env WARROOM_RING".into())
    );

    // Flags beat both, given before the command or after it.
    let flags = [
        "--as",
        "maya",
        "--db",
        "/srv/flag.db",
        "--theme",
        "high-contrast",
        "--time-zone",
        "UTC",
    ];
    assert_eq!(
        home.setting("name", &flags, &env),
        ("maya".into(), "flag --as".into())
    );
    assert_eq!(
        home.setting("db", &flags, &env),
        ("/srv/flag.db".into(), "flag --db".into())
    );
    assert_eq!(
        home.setting("theme", &flags, &env),
        ("high-contrast".into(), "flag --theme".into())
    );
    assert_eq!(
        home.setting("time_zone", &flags, &env),
        ("UTC".into(), "flag --time-zone".into())
    );
    let mut before = flags.to_vec();
    before.push("config");
    let out = home.ok(&before, &env);
    assert_eq!(
        setting_in(&out, "db"),
        ("/srv/flag.db".into(), "flag --db".into())
    );
    // --no-color (or NO_COLOR) is the monochrome theme whatever else is said.
    assert_eq!(
        home.setting("theme", &["--no-color"], &env),
        ("mono".into(), "flag --no-color".into())
    );
    assert_eq!(
        home.setting("theme", &[], &[("NO_COLOR", "1")]),
        ("mono".into(), "env NO_COLOR".into())
    );
}

#[test]
fn the_zone_comes_from_your_config_before_the_teams_playbook() {
    let home = Home::new();
    let playbook = home.write(
        "team.toml",
        &warroom::playbook::DEFAULT.replacen(
            "# time_zone = \"UTC\"",
            "time_zone = \"Asia/Tokyo\"",
            1,
        ),
    );
    let args = ["--playbook", playbook.to_str().unwrap()];
    let (zone, origin) = home.setting("time_zone", &args, &[]);
    assert_eq!(zone, "Asia/Tokyo");
    assert!(origin.starts_with("playbook "), "{origin}");
    let config = home.write_config("time_zone = \"America/New_York\"\n");
    assert_eq!(
        home.setting("time_zone", &args, &[]),
        (
            "America/New_York".into(),
            format!("config {}:1", display(&config))
        )
    );
    assert_eq!(
        home.setting("time_zone", &args, &[("TZ", "Europe/Paris")]),
        ("Europe/Paris".into(), "env TZ".into())
    );
    let (_, err) = home.fails(&["config", "--time-zone", "Mars/Olympus"], &[]);
    assert!(
        err.contains("--time-zone: unknown time zone 'Mars/Olympus'"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn the_settings_reach_the_commands() {
    let home = Home::new();
    home.write_config("name = \"nora\"\ndb = \"team.db\"\n");
    let id = home.ok(
        &["declare", "--title", "Checkout down", "--severity", "P2"],
        &[],
    );
    assert_eq!(id.trim().len(), 26);
    // The database is the config's, beside it; the name is nora's.
    assert!(home.path("config/warroom/team.db").exists());
    assert!(!home.path("data/warroom/warroom.db").exists());
    let tail = home.ok(&["log", "rolled back"], &[]);
    assert!(!tail.is_empty());
    let tail = home.ok(&["tail"], &[]);
    assert!(tail.contains("nora: rolled back"), "{tail}");
    // The flag still wins for one command.
    home.ok(&["log", "--as", "maya", "from maya"], &[]);
    let tail = home.ok(&["tail"], &[]);
    assert!(tail.contains("maya: from maya"), "{tail}");
}

#[test]
fn a_config_file_named_by_flag_or_environment_must_exist() {
    let home = Home::new();
    let missing = display(&home.path("nope.toml"));
    let (_, err) = home.fails(&["--config", &missing, "config"], &[]);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "cannot read the config file {missing} named by flag --config"
        )) && err.contains("leave --config out"),
        "{err}"
    );
    let (_, err) = home.fails(&["tail"], &[("WARROOM_CONFIG", &missing)]);
    assert!(
        err.contains("named by env WARROOM_CONFIG") && err.contains("unset WARROOM_CONFIG"),
        "{err}"
    );
    // One that exists is read instead of the default one, and says who named it.
    home.write_config("name = \"from-default\"\n");
    let mine = home.write("mine.toml", "name = \"from-mine\"\n");
    let (name, origin) = home.setting("name", &[], &[("WARROOM_CONFIG", mine.to_str().unwrap())]);
    assert_eq!(name, "from-mine");
    assert_eq!(origin, format!("config {}:1", display(&mine)));
    let out = home.ok(&["config", "--config", mine.to_str().unwrap()], &[]);
    assert!(
        out.contains(&format!(
            "# config file: {} (named by flag --config): read",
            display(&mine)
        )),
        "{out}"
    );
    assert_eq!(setting_in(&out, "name").0, "from-mine");
    // The flag beats the environment for the file too.
    let other = home.write("other.toml", "name = \"from-other\"\n");
    let out = home.ok(
        &["config", "--config", other.to_str().unwrap()],
        &[("WARROOM_CONFIG", mine.to_str().unwrap())],
    );
    assert_eq!(setting_in(&out, "name").0, "from-other");
}

/// A commented-out setting, table or binding of the default file, uncommented; `None`
/// for the file's words.
fn uncomment(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("# ")?;
    let setting = rest.split_once(" = \"").is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    });
    let binding = rest.starts_with('"') && rest.contains("\" = \"");
    let table = rest.starts_with("[keys.") && rest.ends_with(']');
    (setting || binding || table).then_some(rest)
}

#[test]
fn print_default_is_complete_and_check_accepts_it_as_it_is_and_uncommented() {
    let home = Home::new();
    let text = home.ok(&["config", "--print-default"], &[]);
    for setting in ["name", "db", "theme", "time_zone", "ring"] {
        assert!(
            text.contains(&format!("\n# {setting} = ")),
            "{setting} missing"
        );
    }
    // The whole built-in keymap, every mode.
    for mode in [
        "panes",
        "roster",
        "triage",
        "entry",
        "palette",
        "switcher",
        "help",
        "confirm",
        "recovery",
        "playbook",
        "briefing",
        "work",
        "inbox",
        "checklist",
        "review",
        "search",
        "detail",
    ] {
        assert!(
            text.contains(&format!("\n# [keys.{mode}]\n")),
            "{mode} missing"
        );
    }
    for binding in [
        "# \"?\" = \"toggle_help\"",
        "# \"ctrl-c\" = \"force_quit\"",
        "# \"alt-enter\" = \"newline\"",
        "# \"1\" = \"pick_1\"",
        "# \"space\" = \"advance\"",
        "# \"shift-tab\" = \"focus_prev\"",
    ] {
        assert!(text.contains(binding), "{binding} missing");
    }
    let file = home.write("default.toml", &text);
    let out = home.ok(&["config", "--check", file.to_str().unwrap()], &[]);
    assert_eq!(out.trim(), format!("{}: ok", display(&file)));

    // Every setting and binding uncommented says what is in force already: still ok.
    let uncommented: String = text
        .lines()
        .map(|l| uncomment(l).unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(uncommented.contains("\n[keys.review]\n"), "{uncommented}");
    assert!(
        uncommented.contains("\ntheme = \"dark\"\n"),
        "{uncommented}"
    );
    let file = home.write("uncommented.toml", &uncommented);
    let out = home.ok(&["config", "--check", file.to_str().unwrap()], &[]);
    assert_eq!(out.trim(), format!("{}: ok", display(&file)));
    // And it works as a config: the same keys, the built-in settings.
    let out = home.ok(&["config", "--config", file.to_str().unwrap()], &[]);
    assert_eq!(setting_in(&out, "theme").0, "dark");
}

#[test]
fn check_reports_every_problem_with_its_line() {
    let home = Home::new();
    let text = [
        "# my settings",                // 1
        "nmae = \"sam\"",               // 2 unknown setting
        "theme = \"solarized\"",        // 3 unknown theme
        "time_zone = \"Mars/Olympus\"", // 4 unknown zone
        "ring = \"pgae\"",              // 5 unknown notice
        "db = 42",                      // 6 wrong type
        "",                             // 7
        "[keys.panes]",                 // 8
        "\"ctrl-h\" = \"toggle_hlep\"", // 9 unknown action
        "\"hyper-x\" = \"quit\"",       // 10 unreadable key
        "\"ctrl-o\" = 3",               // 11 wrong type
        "",                             // 12
        "[keys.sidebar]",               // 13 unknown mode
        "\"x\" = \"quit\"",             // 14
    ]
    .join("\n");
    let file = home.write("bad.toml", &text);
    let name = display(&file);
    let (out, err) = home.fails(&["config", "--check", &name], &[]);
    let lines: Vec<&str> = out.lines().collect();
    let expect = [
        (2, "unknown setting 'nmae'"),
        (3, "unknown theme 'solarized'"),
        (4, "unknown time zone 'Mars/Olympus'"),
        (5, "'pgae' is not a notice"),
        (6, "db must be a string"),
        (9, "unknown action 'toggle_hlep' in [keys.panes]"),
        (10, "'hyper-x' is not a key name"),
        (11, "an action must be a string"),
        (13, "unknown mode 'sidebar' in [keys]"),
    ];
    assert_eq!(lines.len(), expect.len(), "{out}");
    for (line, (at, what)) in lines.iter().zip(expect) {
        let prefix = format!("{name}:{at}: ");
        assert!(
            line.starts_with(&prefix) && line.contains(what),
            "expected {prefix}...{what}, got {line}"
        );
    }
    assert!(err.contains("has 9 problem(s)"), "{err}");

    // Bad TOML is a problem on its line too.
    let file = home.write("broken.toml", "name = \"sam\"\n\ntheme = \"dark\n");
    let (out, _) = home.fails(&["config", "--check", file.to_str().unwrap()], &[]);
    assert!(out.starts_with(&format!("{}:3: ", display(&file))), "{out}");

    // A file with a problem in the database, your name or your zone stops every
    // command, in one line naming the first and the way to see them all.
    home.write_config(&text);
    let (_, err) = home.fails(&["tail"], &[]);
    assert_eq!(err.lines().count(), 1, "{err}");
    let config = display(&home.config_file());
    assert!(
        err.contains(&format!("{config}:2: unknown setting 'nmae'"))
            && err.contains("(and 8 more)")
            && err.contains(&format!("`warroom config --check {config}`")),
        "{err}"
    );
    // Any other problem (a theme's name, a key) stops nothing: one warning, the rest
    // of the file is used.
    home.write_config("name = \"sam.from.config\"\ntheme = \"solarized\"\n[keys.panes]\n\"ctrl-h\" = \"toggle_hlep\"\n");
    let out = home.cmd().args(["config"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains("PROBLEMS are left out"), "{said}");
    assert!(
        said.lines()
            .any(|l| l.starts_with("name = \"sam.from.config\"")),
        "what parsed is used: {said}"
    );
    assert!(
        said.lines()
            .any(|l| l.starts_with("theme = \"dark\"") && l.ends_with("# default")),
        "the theme with a problem is left out: {said}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("left out") && err.contains("solarized"),
        "{err}"
    );
    // What needs no settings still runs: the default, a check, the manual.
    home.ok(&["config", "--print-default"], &[]);
    home.ok(&["man"], &[]);
}

#[test]
fn a_key_bound_twice_in_one_mode_is_a_problem_unless_what_it_did_moves() {
    let home = Home::new();
    let file = home.write(
        "keys.toml",
        "[keys.panes]\n\"ctrl-h\" = \"toggle_help\"\n\"q\" = \"open_inbox\"\n\n[keys.help]\n\"j\" = \"close\"\n",
    );
    let name = display(&file);
    let (out, _) = home.fails(&["config", "--check", &name], &[]);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            format!(
                "{name}:3: \"q\" is bound twice in [keys.panes]: to open_inbox here and to quit (built in); give quit another key in this table too, or choose another key"
            ),
            format!(
                "{name}:6: \"j\" is bound twice in [keys.help]: to close here and to down (built in); give down another key in this table too, or choose another key"
            ),
        ]
    );
    // Giving what q did another key frees q; the same in the help.
    let file = home.write(
        "keys.toml",
        "[keys.panes]\n\"ctrl-h\" = \"toggle_help\"\n\"q\" = \"open_inbox\"\n\"ctrl-q\" = \"quit\"\n\n[keys.help]\n\"j\" = \"close\"\n\"J\" = \"down\"\n",
    );
    let out = home.ok(&["config", "--check", file.to_str().unwrap()], &[]);
    assert_eq!(out.trim(), format!("{}: ok", display(&file)));
    // A config with rebindings says so.
    home.write_config("\n[keys.panes]\n\"ctrl-h\" = \"toggle_help\"\n");
    let out = home.ok(&["config"], &[]);
    assert!(
        out.contains(&format!(
            "# keys: 1 rebinding over the built-in keymap (config {}:3)",
            display(&home.config_file())
        )),
        "{out}"
    );
}

#[test]
fn an_unknown_action_or_mode_and_unbinding_ctrl_c_are_refused() {
    let home = Home::new();
    let file = home.write(
        "keys.toml",
        "[keys.entry]\n\"ctrl-c\" = \"none\"\n\"ctrl-o\" = \"open_inbox\"\n\"ctrl-s\" = \"sumbit\"\n\n[keys.panes]\n\"ctrl-c\" = \"toggle_help\"\n\"x\" = \"none\"\n",
    );
    let name = display(&file);
    let (out, _) = home.fails(&["config", "--check", &name], &[]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with(&format!("{name}:2: ctrl-c always quits")));
    assert!(lines[1].starts_with(&format!(
        "{name}:3: open_inbox does nothing in [keys.entry]"
    )));
    assert!(lines[2].starts_with(&format!(
        "{name}:4: unknown action 'sumbit' in [keys.entry]"
    )));
    assert!(
        lines[2].contains("submit"),
        "the mode's actions are named: {}",
        lines[2]
    );
    assert!(lines[3].starts_with(&format!("{name}:7: ctrl-c always quits")));
    // Taking away an overlay's last way out is refused too.
    let file = home.write(
        "out.toml",
        "[keys.help]\n\"esc\" = \"none\"\n\"q\" = \"none\"\n\"?\" = \"none\"\n\"f1\" = \"none\"\n",
    );
    let (out, _) = home.fails(&["config", "--check", file.to_str().unwrap()], &[]);
    assert!(
        out.trim().ends_with(
            ":5: nothing would leave [keys.help] but ctrl-c: keep a key for close (or cancel)"
        ),
        "{out}"
    );
}

#[test]
fn config_and_its_flags_are_in_the_help_and_the_manual() {
    let home = Home::new();
    let help = home.ok(&["--help"], &[]);
    for word in [
        "--config <FILE>",
        "--time-zone <ZONE>",
        "WARROOM_CONFIG",
        "config ",
    ] {
        assert!(help.contains(word), "{word} missing from --help");
    }
    let help = home.ok(&["config", "--help"], &[]);
    assert!(
        help.contains("--print-default") && help.contains("--check <FILE>"),
        "{help}"
    );
    let man = home.ok(&["man"], &[]);
    for word in [
        "\\-\\-time\\-zone",
        "\\-\\-config",
        "WARROOM_CONFIG",
        "warroom\\-config(1)",
    ] {
        assert!(man.contains(word), "{word} missing from the manual");
    }
}

#[test]
fn someone_elses_home_is_no_config_and_no_error() {
    // Run as another user with this home (`sudo -u` keeps HOME): the default place is
    // in a folder they may not look in, so there is no file of theirs to read.
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: switching users needs root (CI runs as root)");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let home = Home::new();
    home.write_config("name = \"root-only\"\n");
    let private = home.path("config");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(home.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["config", "--db", "/nowhere/w.db"])
        .env("HOME", home.dir.path())
        .env("XDG_CONFIG_HOME", &private)
        .env("USER", "nobody")
        .env_remove("WARROOM_CONFIG")
        .env_remove("WARROOM_USER")
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        setting_in(&stdout, "name"),
        ("nobody".into(), "default".into())
    );
    assert!(stderr.contains("going on without one"), "{stderr}");
    // A file one may look at but not read is refused, in one line.
    let file = home.write("locked.toml", "name = \"x\"\n");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["config", "--db", "/nowhere/w.db"])
        .env("HOME", home.dir.path())
        .env("WARROOM_CONFIG", &file)
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("cannot read the config file") && stderr.lines().count() == 1,
        "{stderr}"
    );
}
