//! The default config file, written out whole and commented: every setting with its
//! default, and the whole built-in keymap as `[keys.MODE]` tables, so a person starts
//! from what is in force and uncomments what they change.

use std::fmt::Write as _;

use crate::app::notify::Ring;
use crate::app::{Keymap, Mode};

/// How the file begins: what it is, where it goes, how settings are chosen.
const HEAD: &str = r#"# warroom: your settings.
#
# warroom reads them from $XDG_CONFIG_HOME/warroom/config.toml (without XDG_CONFIG_HOME:
# ~/.config/warroom/config.toml), or from the file --config FILE or WARROOM_CONFIG names.
# Every setting below is commented out and shows its default. For each setting a flag
# beats the environment, which beats this file, which beats the default.
# `warroom config` says what is in force and where each value came from;
# `warroom config --check FILE` lists every problem in a file, each with its line.
"#;

/// How the `[keys]` tables work, before them.
const KEYS: &str = r#"
# Keys: one table per mode, [keys.MODE], with "KEY" = "ACTION" lines.
# - A line adds KEY to what does ACTION in that mode; the keys ACTION had stay.
#   "KEY" = "none" takes a key away. A KEY that already does something else is a
#   problem, unless this file gives that something else another key too
#   ("q" = "toggle_help" with "?" = "quit" swaps the two).
# - KEY: a character as typed (a, G, ?), or enter, esc, tab, shift-tab, up, down, home,
#   end, pageup, pagedown, left, space, f1 to f12; after ctrl- and/or alt- when held
#   (ctrl-h, alt-enter). Quote it.
# - ACTION: one of those its mode lists below (pick_N chooses answer N in the triage
#   wizard), or none.
# - MODE: panes (these keys also work while the roster pane has focus, unless the
#   roster binds the key itself), roster (the roster pane's own keys), triage (the
#   wizard), entry (the entry box), palette, switcher, help, confirm (a yes/no
#   question), recovery (a recovered draft), playbook (the playbook and the metrics),
#   briefing, work, inbox, checklist (before resolving), review, search (the
#   timeline's search line), detail (an entry in full).
# - ctrl-c always quits: it cannot be taken away or given to anything else.
# Each mode's built-in keys follow.
"#;

/// A string as TOML writes it, in double quotes.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The complete default config file, commented out: every setting with its default
/// (the name, the database and the ring as they are here, now) and every mode's
/// built-in keys. `warroom config --check` accepts it as it is and uncommented.
pub fn default_text() -> String {
    let mut out = String::from(HEAD);
    let db =
        crate::paths::default_db().map_or_else(|| "warroom.db".into(), |p| p.display().to_string());
    let settings = [
        (
            "Who you are in the log (--as, WARROOM_USER); the default is your login name.",
            "name",
            super::login_name(),
        ),
        (
            "The database (--db, WARROOM_DB): ~/ is your home folder, and a relative path\n# is read from this file's folder.",
            "db",
            db,
        ),
        (
            "The console's theme (--theme, WARROOM_THEME; --no-color or NO_COLOR: mono):\n# dark, light, high-contrast, mono, or the path to a theme file.",
            "theme",
            "dark".into(),
        ),
        (
            "The zone times are shown and read in (--time-zone, TZ): \"local\", \"UTC\", or an\n# IANA name such as \"Europe/Berlin\". A TZ in the environment means your local time.\n# Without any of these: the team's playbook time_zone, else local.",
            "time_zone",
            "local".into(),
        ),
        (
            "Which notices also ring the bell (WARROOM_RING): a comma list of p1, declared,\n# command, role, page, alert and overdue; or \"all\", or \"none\" (a P1 always rings).",
            "ring",
            Ring::default().words(),
        ),
    ];
    for (about, name, value) in settings {
        let _ = write!(out, "\n# {about}\n# {name} = {}\n", quoted(&value));
    }
    out.push_str(KEYS);
    let keys = Keymap::builtin();
    let panes = keys.bindings_in(Mode::Normal);
    for &mode in <Mode as strum::VariantArray>::VARIANTS {
        let mut rows: Vec<(String, &str)> = keys
            .bindings_in(mode)
            .into_iter()
            // The roster's table holds its own keys; the panes' work there already.
            .filter(|b| mode != Mode::Roster || !panes.contains(b))
            .map(|(chord, action, help)| {
                (
                    format!(
                        "{} = {}",
                        quoted(&chord.config_name()),
                        quoted(&action.name())
                    ),
                    help,
                )
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let width = rows.iter().map(|(line, _)| line.len()).max().unwrap_or(0);
        let _ = write!(out, "\n# [keys.{}]\n", mode.config_name());
        for (line, help) in rows.drain(..) {
            let _ = writeln!(out, "# {line:<width$}  # {help}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_toml_readable() {
        assert_eq!(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
        let (config, problems) = super::super::check(
            &format!("name = {}\n", quoted("o\"neil\\x")),
            std::path::Path::new("/"),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.name.map(|n| n.value), Some("o\"neil\\x".into()));
    }
}
