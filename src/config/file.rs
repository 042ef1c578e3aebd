//! Reading a config file and checking it: every problem, each with its line, found in
//! one pass (the TOML is read with its spans and walked, not stopped at the first).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Config, Setting};
use crate::app::notify::Ring;
use crate::app::{Action, Chord, Keymap, Mode, Rebinding, actions_of};
use crate::playbook::Problem;
use crate::zone::Zone;

/// The settings a file may give, as problems name them.
const SETTINGS: &str = "name, db, theme, time_zone, ring and [keys]";

/// Byte offsets to lines, for one text.
struct Lines<'a>(&'a str);

impl Lines<'_> {
    /// The line (from 1) a byte offset is on.
    fn at(&self, offset: usize) -> usize {
        let text = self.0;
        text.get(..offset.min(text.len()))
            .map_or(1, |before| before.matches('\n').count() + 1)
    }
}

/// What is wrong with a file so far.
struct Found<'a> {
    lines: Lines<'a>,
    problems: Vec<Problem>,
}

impl Found<'_> {
    fn at<T>(&mut self, spanned: &Spanned<T>, message: impl Into<String>) {
        let line = self.lines.at(spanned.span().start);
        self.problems.push(Problem {
            line: Some(line),
            message: message.into(),
        });
    }

    fn line<T>(&self, spanned: &Spanned<T>) -> usize {
        self.lines.at(spanned.span().start)
    }

    /// The text of a setting that must be a string, or a problem on its line.
    fn string<'v>(&mut self, name: &str, value: &'v Spanned<DeValue<'_>>) -> Option<&'v str> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            other => {
                self.at(
                    value,
                    format!(
                        "{name} must be a string (in quotes), not {}",
                        type_words(other)
                    ),
                );
                None
            }
        }
    }

    /// The value read from a string setting with `read`, or its error as a problem.
    fn read<T>(
        &mut self,
        name: &str,
        value: &Spanned<DeValue<'_>>,
        read: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Setting<T>> {
        let text = self.string(name, value)?;
        match read(text) {
            Ok(value_read) => Some(Setting {
                value: value_read,
                line: self.line(value),
            }),
            Err(why) => {
                self.at(value, format!("{name}: {why}"));
                None
            }
        }
    }
}

/// A TOML value's kind, as a problem names it.
fn type_words(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a number",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// Checks a config file's `text` (in the folder `dir`, which relative paths in it are
/// read from): the settings it gives, and every problem with its line, in line order.
/// Problems: bad TOML, an unknown setting, a wrong type, an empty name or path, an
/// unknown theme, time zone, notice, mode or action, an unreadable key name, and every
/// rebinding the keymap refuses (see [`Keymap::rebound`]).
pub fn check(text: &str, dir: &Path) -> (Config, Vec<Problem>) {
    let (doc, errors) = DeTable::parse_recoverable(text);
    let mut found = Found {
        lines: Lines(text),
        problems: Vec::new(),
    };
    for e in errors {
        found.problems.push(Problem {
            line: e.span().map(|s| found.lines.at(s.start)),
            message: e.message().trim().to_string(),
        });
    }
    let mut config = Config::default();
    for (key, value) in doc.get_ref() {
        match key.get_ref().as_ref() {
            "name" => config.name = found.read("name", value, read_name),
            "db" => config.db = found.read("db", value, |t| read_path(t, dir)),
            "theme" => config.theme = found.read("theme", value, |t| read_theme(t, dir)),
            "time_zone" => config.time_zone = found.read("time_zone", value, Zone::parse),
            "ring" => config.ring = found.read("ring", value, Ring::read),
            "keys" => {
                let rebindings = keys(&mut found, value);
                if let Some(first) = rebindings.iter().map(|r| r.line).min() {
                    config.rebindings = Some(Setting {
                        value: rebindings.len(),
                        line: first,
                    });
                }
                match Keymap::rebound(&rebindings) {
                    Ok(keymap) => config.keys = Arc::new(keymap),
                    Err(refused) => {
                        for (line, message) in refused {
                            found.problems.push(Problem {
                                line: Some(line),
                                message,
                            });
                        }
                    }
                }
            }
            other => found.at(
                key,
                format!(
                    "unknown setting '{}': the settings are {SETTINGS}",
                    crate::inert::line(other)
                ),
            ),
        }
    }
    let mut problems = found.problems;
    problems.sort_by_key(|p| p.line);
    (config, problems)
}

/// A name: not blank, no control characters.
fn read_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err(
            "it is empty; give your name, or leave name out to write as your login name".into(),
        );
    }
    if name.chars().any(char::is_control) {
        return Err("it contains control characters; give a plain name".into());
    }
    Ok(name.to_string())
}

/// A path: `~/` is the home folder, a relative path is from the file's folder.
fn read_path(text: &str, dir: &Path) -> Result<PathBuf, String> {
    if text.trim().is_empty() {
        return Err("it is empty; give a path, or leave it out for the default".into());
    }
    if let Some(rest) = text.strip_prefix("~/") {
        let home = directories::BaseDirs::new()
            .map(|b| b.home_dir().to_path_buf())
            .ok_or("there is no home folder to read ~/ from; give the whole path")?;
        return Ok(home.join(rest));
    }
    Ok(dir.join(text))
}

/// A theme: a built-in name, or a theme file (a path, read and checked here).
fn read_theme(text: &str, dir: &Path) -> Result<String, String> {
    if crate::ui::theme::BUILTIN
        .iter()
        .any(|(name, _)| *name == text)
    {
        return Ok(text.to_string());
    }
    let builtin = crate::ui::Theme::builtin_names();
    if !(text.contains('/') || text.ends_with(".toml")) {
        return Err(format!(
            "unknown theme '{}': use one of {builtin}, or a path to a theme file",
            crate::inert::line(text)
        ));
    }
    let path = read_path(text, dir)?;
    let path = path.display().to_string();
    crate::tui::theme::load(&path).map_err(|e| e.to_string())?;
    Ok(path)
}

/// The `[keys]` table's entries as rebindings, each problem with its line.
fn keys(found: &mut Found<'_>, value: &Spanned<DeValue<'_>>) -> Vec<Rebinding> {
    let DeValue::Table(modes) = value.get_ref() else {
        found.at(
            value,
            format!(
                "keys must be a table of modes ([keys.panes] and so on), not {}",
                type_words(value.get_ref())
            ),
        );
        return Vec::new();
    };
    let mut rebindings = Vec::new();
    for (mode_key, entries) in modes {
        let Some(mode) = Mode::from_config_name(mode_key.get_ref()) else {
            found.at(
                mode_key,
                format!(
                    "unknown mode '{}' in [keys]: the modes are {}",
                    crate::inert::line(mode_key.get_ref()),
                    mode_names()
                ),
            );
            continue;
        };
        let table = format!("[keys.{}]", mode.config_name());
        let DeValue::Table(entries) = entries.get_ref() else {
            found.at(
                entries,
                format!(
                    "{table} must be a table of \"KEY\" = \"ACTION\", not {}",
                    type_words(entries.get_ref())
                ),
            );
            continue;
        };
        for (key, action) in entries {
            let chord = match key.get_ref().parse::<Chord>() {
                Ok(chord) => Some(chord),
                Err(why) => {
                    found.at(key, format!("{table}: {why}"));
                    None
                }
            };
            let action = match action.get_ref() {
                DeValue::String(name) if name.as_ref() == "none" => Some(None),
                DeValue::String(name) => match Action::from_name(name) {
                    Some(action) => Some(Some(action)),
                    None => {
                        found.at(
                            action,
                            format!(
                                "unknown action '{}' in {table}: there it can be one of {}, or none",
                                crate::inert::line(name),
                                actions_of(mode).join(", ")
                            ),
                        );
                        None
                    }
                },
                other => {
                    found.at(
                        action,
                        format!(
                            "{table}: an action must be a string (in quotes), not {}",
                            type_words(other)
                        ),
                    );
                    None
                }
            };
            if let (Some(chord), Some(action)) = (chord, action) {
                rebindings.push(Rebinding {
                    mode,
                    chord,
                    action,
                    line: found.line(key),
                });
            }
        }
    }
    rebindings
}

/// The modes' names for `[keys.MODE]`, in the help's order.
fn mode_names() -> String {
    <Mode as strum::VariantArray>::VARIANTS
        .iter()
        .map(|m| m.config_name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<(Option<usize>, String)> {
        check(text, Path::new("/nowhere"))
            .1
            .into_iter()
            .map(|p| (p.line, p.message))
            .collect()
    }

    #[test]
    fn a_good_file_gives_its_settings_with_their_lines() {
        let text = "name = \"sam\"\n\ndb = \"w.db\"\ntheme = \"light\"\ntime_zone = \"UTC\"\nring = \"all\"\n\n[keys.panes]\n\"ctrl-h\" = \"toggle_help\"\n";
        let (config, problems) = check(text, Path::new("/srv"));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            config.name,
            Some(Setting {
                value: "sam".into(),
                line: 1
            })
        );
        assert_eq!(
            config.db.map(|d| (d.value, d.line)),
            Some(("/srv/w.db".into(), 3))
        );
        assert_eq!(config.theme.map(|t| t.line), Some(4));
        assert_eq!(config.time_zone.map(|z| z.value), Some(Zone::Utc));
        assert_eq!(config.ring.map(|r| r.line), Some(6));
        assert_eq!(config.rebindings, Some(Setting { value: 1, line: 9 }));
        assert_eq!(
            config
                .keys
                .lookup(Mode::Normal, Chord::ctrl(crate::app::Key::Char('h'))),
            Some(Action::ToggleHelp)
        );
    }

    #[test]
    fn every_problem_is_found_with_its_line() {
        let text = "nmae = \"sam\"\ntheme = 3\ntime_zone = \"Mars/Olympus\"\nring = \"pgae\"\ntheme2 = \"x\"\n\n[keys.panes]\n\"ctrl-h\" = \"toggle_hlp\"\n\"hyper-x\" = \"quit\"\n\"q\" = \"toggle_help\"\n\n[keys.nowhere]\n\"a\" = \"quit\"\n";
        let found = problems(text);
        let lines: Vec<Option<usize>> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5, 8, 9, 10, 12].map(Some), "{found:#?}");
        assert!(found[0].1.contains("unknown setting 'nmae'"));
        assert!(found[1].1.contains("theme must be a string"));
        assert!(found[2].1.contains("unknown time zone 'Mars/Olympus'"));
        assert!(found[3].1.contains("'pgae' is not a notice"));
        assert!(found[5].1.contains("unknown action 'toggle_hlp'"));
        assert!(found[6].1.contains("'hyper-x' is not a key name"));
        assert!(found[7].1.contains("\"q\" is bound twice in [keys.panes]"));
        assert!(found[8].1.contains("unknown mode 'nowhere'"));
    }

    #[test]
    fn bad_toml_is_a_problem_on_its_line() {
        let found = problems("name = \"sam\"\n\ntheme = \"dark\n");
        assert_eq!(found[0].0, Some(3), "{found:?}");
        let found = problems("[keys.panes]\n\"q\" = \"quit\"\n\"q\" = \"quit\"\n");
        assert_eq!(found.first().map(|f| f.0), Some(Some(3)), "{found:?}");
    }

    #[test]
    fn a_theme_is_a_builtin_name_or_a_file_that_reads() {
        assert!(
            problems("theme = \"solarized\"\n")[0]
                .1
                .contains("unknown theme 'solarized'")
        );
        assert!(
            problems("theme = \"mine.toml\"\n")[0]
                .1
                .contains("cannot read it")
        );
        assert!(problems("theme = \"high-contrast\"\n").is_empty());
    }
}
