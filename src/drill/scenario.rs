//! Scenario files: what happens when, on what condition, and what the team should do.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde::Deserialize;
use toml::Spanned;

use crate::domain::{Audience, Role, Severity};
use crate::playbook::{Problem, Problems};

const BUILTIN: [(&str, &str); 3] = [
    (
        "database-primary-failure",
        include_str!("scenarios/database-primary-failure.toml"),
    ),
    (
        "bad-deploy-one-region",
        include_str!("scenarios/bad-deploy-one-region.toml"),
    ),
    (
        "suspected-data-breach",
        include_str!("scenarios/suspected-data-breach.toml"),
    ),
];

/// The built-in scenarios' names.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

/// A built-in scenario's file as written, by name: a start for a team's own.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// A built-in scenario by name.
pub fn builtin(name: &str) -> Option<Scenario> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(n, text)| Scenario::parse(n, text).ok())
}

/// When an inject fires: only if this holds at its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// No status update to anyone yet.
    NoUpdate,
    /// No status update to this audience yet.
    NoUpdateTo(Audience),
    /// The incident is not declared yet.
    NotDeclared,
    /// Nobody holds command.
    NoCommander,
    /// Not resolved yet.
    NotResolved,
    /// Nobody in this role, and none of its contacts paged.
    NotPaged(Role),
}

impl std::str::FromStr for Condition {
    type Err = String;
    fn from_str(s: &str) -> Result<Condition, String> {
        let (head, arg) = s
            .trim()
            .split_once(':')
            .map(|(h, a)| (h, Some(a)))
            .unwrap_or((s.trim(), None));
        Ok(match (head, arg) {
            ("no_update", None) => Condition::NoUpdate,
            ("no_update", Some(a)) => Condition::NoUpdateTo(a.parse().map_err(|e| format!("{e}"))?),
            ("not_declared", None) => Condition::NotDeclared,
            ("no_commander", None) => Condition::NoCommander,
            ("not_resolved", None) => Condition::NotResolved,
            ("not_paged", Some(r)) => Condition::NotPaged(r.parse().map_err(|e| format!("{e}"))?),
            _ => {
                return Err(format!(
                    "unknown condition '{s}': use no_update, no_update:AUDIENCE, not_declared, no_commander, not_resolved or not_paged:ROLE"
                ));
            }
        })
    }
}

/// One timed inject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inject {
    /// When, from the drill's start (scenario time).
    pub at: TimeDelta,
    /// `alert` or `note`.
    pub kind: String,
    /// What it says.
    pub text: String,
    /// The alert's source.
    pub source: Option<String>,
    /// Who says it.
    pub by: String,
    /// Fires only if this holds.
    pub when: Option<Condition>,
}

/// What the team is expected to do, and by when (scenario time).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expect {
    /// The right severity.
    pub severity: Option<Severity>,
    /// Severity set within.
    pub triage_within: Option<TimeDelta>,
    /// Declared within.
    pub declare_within: Option<TimeDelta>,
    /// Resolved within.
    pub resolve_within: Option<TimeDelta>,
    /// First update to each audience within.
    pub first_update: BTreeMap<Audience, TimeDelta>,
    /// Roles to page.
    pub page: Vec<Role>,
}

/// A whole scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// The drill incident's title.
    pub title: String,
    /// What it is about.
    pub summary: String,
    /// Time's up after this.
    pub duration: TimeDelta,
    /// The starting alert.
    pub start: (String, Option<String>),
    /// The injects, in time order.
    pub injects: Vec<Inject>,
    /// The expectations.
    pub expect: Expect,
}

/// A scenario that could not be read: every problem, with its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.lines().join("; "))]
pub struct ScenarioError {
    /// The file.
    pub source_name: String,
    /// What is wrong, and where.
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    /// Each problem as `FILE:LINE: message`.
    pub fn lines(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| p.located(&self.source_name))
            .collect()
    }
}

/// The longest duration a scenario may give: a year, far beyond any drill, and far
/// inside what times can be added to without overflowing.
const LONGEST: TimeDelta = TimeDelta::days(366);

/// Reads `90s`, `2m`, `1h30m` (at most a year).
pub fn parse_duration(text: &str) -> Result<TimeDelta, String> {
    let not_a_duration = || format!("'{text}' is not a duration like 90s, 2m or 1h30m");
    let t = text.trim().trim_start_matches('+');
    let mut total = TimeDelta::zero();
    let mut number = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| not_a_duration())?;
        number.clear();
        let part = match c {
            's' => TimeDelta::try_seconds(n),
            'm' => TimeDelta::try_minutes(n),
            'h' => TimeDelta::try_hours(n),
            _ => None,
        };
        total = part
            .and_then(|part| total.checked_add(&part))
            .ok_or_else(not_a_duration)?;
    }
    if !number.is_empty() || t.is_empty() {
        return Err(not_a_duration());
    }
    if total > LONGEST {
        return Err(format!(
            "'{text}' is longer than a year; give a drill's times in s, m or h"
        ));
    }
    Ok(total)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: String,
    title: String,
    #[serde(default)]
    summary: String,
    duration: Spanned<String>,
    start: Start,
    #[serde(default)]
    inject: Vec<InjectFile>,
    #[serde(default)]
    expect: ExpectFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Start {
    text: String,
    source: Option<String>,
}

/// An inject's text without its author written again in front (`jonas: ...` by
/// jonas): the timeline names the author already.
fn without_author(text: &str, by: Option<&str>) -> String {
    by.and_then(|by| text.strip_prefix(by))
        .and_then(|rest| rest.strip_prefix(':'))
        .map_or(text, str::trim_start)
        .to_string()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InjectFile {
    at: Spanned<String>,
    kind: Spanned<String>,
    text: String,
    source: Option<String>,
    by: Option<String>,
    when: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExpectFile {
    severity: Option<Spanned<String>>,
    triage_within: Option<Spanned<String>>,
    declare_within: Option<Spanned<String>>,
    resolve_within: Option<Spanned<String>>,
    #[serde(default)]
    first_update: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    page: Vec<Spanned<String>>,
}

impl Scenario {
    /// Reads and checks a scenario; every problem is reported with its line.
    pub fn parse(source_name: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let fail = |problems| ScenarioError {
            source_name: source_name.to_string(),
            problems,
        };
        let mut p = Problems::new(text);
        let file: File = p.toml().map_err(fail)?;
        let duration = p.read(&file.duration, parse_duration);
        let mut injects = Vec::new();
        for inject in &file.inject {
            let offset = p.read(&inject.at, parse_duration);
            let when = inject.when.as_ref().and_then(|w| p.parse::<Condition>(w));
            let kind = inject.kind.get_ref();
            if !matches!(kind.as_str(), "alert" | "note") {
                p.at(
                    &inject.kind,
                    format!("unknown inject kind '{kind}': use alert or note"),
                );
            }
            // Only against a duration that could be read: an unreadable one is its own
            // problem, not one per inject.
            if let (Some(offset), Some(duration)) = (offset, duration)
                && offset > duration
            {
                p.at(
                    &inject.at,
                    format!(
                        "at {} is after the drill ends ({})",
                        inject.at.get_ref(),
                        file.duration.get_ref()
                    ),
                );
            }
            if let Some(offset) = offset {
                injects.push(Inject {
                    at: offset,
                    kind: kind.clone(),
                    text: without_author(&inject.text, inject.by.as_deref()),
                    source: inject.source.clone(),
                    by: inject.by.clone().unwrap_or_else(|| "drill".into()),
                    when,
                });
            }
        }
        let mut expect = Expect::default();
        for (field, spanned) in [
            (&mut expect.triage_within, &file.expect.triage_within),
            (&mut expect.declare_within, &file.expect.declare_within),
            (&mut expect.resolve_within, &file.expect.resolve_within),
        ] {
            if let Some(spanned) = spanned {
                *field = p.read(spanned, parse_duration);
            }
        }
        for (audience, within) in &file.expect.first_update {
            let within = p.read(within, parse_duration);
            if let (Some(audience), Some(within)) = (p.parse::<Audience>(audience), within) {
                expect.first_update.insert(audience, within);
            }
        }
        if let Some(severity) = &file.expect.severity {
            expect.severity = p.parse::<Severity>(severity);
        }
        expect.page = file
            .expect
            .page
            .iter()
            .filter_map(|role| p.parse::<Role>(role))
            .collect();
        if file.title.trim().is_empty() {
            p.anywhere("the title is empty");
        }
        let Some(duration) = duration.filter(|_| p.found.is_empty()) else {
            return Err(fail(p.found));
        };
        injects.sort_by_key(|i| i.at);
        Ok(Scenario {
            name: file.name,
            title: file.title,
            summary: file.summary,
            duration,
            start: (file.start.text, file.start.source),
            injects,
            expect,
        })
    }

    /// A built-in scenario by name, or a scenario file by path.
    pub fn load(name_or_path: &str) -> Result<Scenario, ScenarioError> {
        if let Some(s) = builtin(name_or_path) {
            return Ok(s);
        }
        let text =
            crate::files::read_to_string(std::path::Path::new(name_or_path)).map_err(|e| {
                ScenarioError {
                    source_name: name_or_path.to_string(),
                    problems: vec![Problem {
                        line: None,
                        message: format!(
                            "cannot read it ({e}); built-in scenarios: {}",
                            builtin_names().join(", ")
                        ),
                    }],
                }
            })?;
        Scenario::parse(name_or_path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_scenarios_are_valid() {
        for (name, text) in BUILTIN {
            let s = Scenario::parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            assert!(s.injects.len() >= 4, "{name}");
            assert!(
                s.injects.iter().any(|i| i.when.is_some()),
                "{name} has a conditional inject"
            );
            assert!(s.expect.severity.is_some());
        }
        assert!(
            builtin("suspected-data-breach")
                .unwrap()
                .expect
                .page
                .contains(&Role::Legal)
        );
    }

    #[test]
    fn durations_and_conditions() {
        assert_eq!(parse_duration("1h30m"), Ok(TimeDelta::minutes(90)));
        assert_eq!(parse_duration("+90s"), Ok(TimeDelta::seconds(90)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5").is_err());
        assert!(
            parse_duration("99999999999999h")
                .unwrap_err()
                .contains("not a duration")
        );
        assert!(
            parse_duration("8000h8000h")
                .unwrap_err()
                .contains("longer than a year")
        );
        assert_eq!(parse_duration("8784h"), Ok(TimeDelta::days(366)));
        assert_eq!(
            "no_update:customers".parse(),
            Ok(Condition::NoUpdateTo(Audience::Customers))
        );
        assert_eq!(
            "not_paged:legal".parse(),
            Ok(Condition::NotPaged(Role::Legal))
        );
        assert!(
            "when_pigs_fly"
                .parse::<Condition>()
                .unwrap_err()
                .contains("unknown condition")
        );
    }
}
