//! The playbook: a one-page TOML file in which a team writes how it runs incidents
//! (triage matrix, declare threshold, update cadence, who to page, contacts, message
//! templates, resolution codes). A complete default is built in.

mod parse;
mod problems;
mod template;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::TimeDelta;

use crate::domain::triage::TriageModel;
use crate::domain::{Audience, Role, Severity};

pub use problems::Problem;
pub(crate) use problems::Problems;
pub use template::{PLACEHOLDERS, render};

/// The built-in playbook's text (`warroom playbook --print-default`).
pub const DEFAULT: &str = include_str!("default.toml");

/// What a severity means for updates and paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// How often status updates are due; `None` for no cadence.
    pub cadence: Option<TimeDelta>,
    /// Audiences whose cadence differs (the severity's `cadence` table): how often
    /// each is due, `None` for none.
    pub audiences: BTreeMap<Audience, Option<TimeDelta>>,
    /// The roles to page at this severity.
    pub page: Vec<Role>,
    /// How long a page may stay unacknowledged before it escalates (`None`: never).
    pub escalate_after: Option<TimeDelta>,
    /// How many times a page escalates at most.
    pub escalate_limit: u32,
}

/// How long one person should hold a role, who leads next, and how many people one
/// lead can direct (`[command]` in the playbook).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandPolicy {
    /// Past this time in command the console suggests a rotation; `None`: never.
    pub commander_limit: Option<TimeDelta>,
    /// The same for other roles, where the playbook sets one.
    pub role_limits: BTreeMap<Role, TimeDelta>,
    /// The war-room lead rotation: who takes command next, in order.
    pub rotation: Vec<String>,
    /// The most people one lead should direct: ICS's span of control, 3 to 7 (7 by
    /// default, the ICS upper bound).
    pub span_of_control: usize,
    /// A commander with no console open and nothing logged for this long may be
    /// unreachable: the console says command can be assumed (10 minutes by default).
    pub unreachable_after: TimeDelta,
}

impl Default for CommandPolicy {
    fn default() -> Self {
        CommandPolicy {
            commander_limit: None,
            role_limits: BTreeMap::new(),
            rotation: Vec::new(),
            span_of_control: 7,
            unreachable_after: TimeDelta::minutes(10),
        }
    }
}

/// What makes a notification hook run.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    strum::EnumString,
    strum::Display,
    strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum Trigger {
    /// Someone was paged.
    Paged,
    /// A page went unanswered and was escalated.
    Escalated,
    /// A status update to responders was logged.
    UpdateResponders,
    /// A status update to executives was logged.
    UpdateExecutives,
    /// A status update to customers was logged.
    UpdateCustomers,
    /// An incident was declared (left triage for an active status).
    Declared,
    /// The severity changed.
    SeverityChanged,
    /// An incident was resolved.
    Resolved,
    /// An alert came into the inbox, firing.
    Alert,
}

/// A notification hook (`[[hooks]]`): on which events to run which command, with the
/// event as JSON on standard input and its main fields in `WARROOM_*` variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// Its name, unique in the playbook (`name`, else the command's file name).
    pub name: String,
    /// What makes it run.
    pub on: Vec<Trigger>,
    /// The program and its arguments (no shell).
    pub command: Vec<String>,
    /// How long one run may take before it is stopped and counted as failed.
    pub timeout: TimeDelta,
    /// How many times to try before giving up (at least 1).
    pub attempts: u32,
}

/// Someone to reach for a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Name (a person or a rota).
    pub name: String,
    /// The role they fill.
    pub role: Role,
    /// How to reach them.
    pub reach: String,
}

/// A team's playbook, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbook {
    /// Its name.
    pub name: String,
    /// Where it came from (a path, or "built-in").
    pub source: String,
    /// The triage questions, matrix and threshold.
    pub triage: TriageModel,
    /// Cadence and paging per severity.
    pub severities: BTreeMap<Severity, Policy>,
    /// The roles the team uses besides commander (every role when the file leaves
    /// `roles` out): only these may be assigned or paged.
    pub roles: Vec<Role>,
    /// Escalation contacts.
    pub contacts: Vec<Contact>,
    /// Status update templates per audience.
    pub templates: BTreeMap<Audience, String>,
    /// The last update's templates per audience, once the incident is resolved or
    /// closed (no promise of a next update); an audience a playbook leaves out has the
    /// built-in one, filled in when the playbook is read.
    pub final_templates: BTreeMap<Audience, String>,
    /// Templates for one status, per audience (`[status_templates.AUDIENCE]`): used
    /// instead of the ongoing or final one while the incident is in that status.
    pub status_templates: BTreeMap<Audience, BTreeMap<crate::domain::Status, String>>,
    /// Whether customers' templates may use `{title}` (the internal title): refused
    /// when the playbook is read unless `title_to_customers = true`.
    pub title_to_customers: bool,
    /// The team's time zone (`time_zone = "UTC"` or an IANA name), which every time is
    /// shown and read in unless a person's own setting or `TZ` says otherwise; `None`:
    /// each machine's local zone.
    pub time_zone: Option<crate::zone::Zone>,
    /// Time in role, the lead rotation and span of control (`[command]`).
    pub command: CommandPolicy,
    /// Each person's home team, by [`crate::domain::name_key`] (`[teams]`: a team's
    /// name and who is in it), for the ICS 214 activity log.
    pub teams: BTreeMap<String, String>,
    /// Notification hooks (`[[hooks]]`).
    pub hooks: Vec<Hook>,
    /// The codes a resolution may use.
    pub resolution_codes: Vec<String>,
    /// What to confirm before resolving.
    pub resolve_checklist: Vec<String>,
}

/// A playbook that could not be used: every problem found, with locations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.summary())]
pub struct PlaybookError {
    /// The file.
    pub source_name: String,
    /// What is wrong.
    pub problems: Vec<Problem>,
}

impl PlaybookError {
    /// Each problem as `FILE:LINE: message`.
    pub fn lines(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| p.located(&self.source_name))
            .collect()
    }

    fn summary(&self) -> String {
        let lines = self.lines();
        let first = lines
            .first()
            .cloned()
            .unwrap_or_else(|| format!("{}: unusable playbook", self.source_name));
        match lines.len() {
            0 | 1 => format!("playbook {first}"),
            n => format!(
                "playbook {first} (and {} more; `warroom playbook --check {}` lists them)",
                n - 1,
                self.source_name
            ),
        }
    }
}

impl Playbook {
    /// The built-in default playbook.
    pub fn builtin() -> Playbook {
        // The default is checked by the tests; an empty fallback keeps this total.
        Playbook::parse("built-in", DEFAULT).unwrap_or_else(|_| parse::empty())
    }

    /// Reads and checks a playbook's text.
    pub fn parse(source_name: &str, text: &str) -> Result<Playbook, PlaybookError> {
        parse::parse(source_name, text)
    }

    /// Reads and checks a playbook file.
    pub fn load(path: &Path) -> Result<Playbook, PlaybookError> {
        Playbook::read(path, "")
    }

    /// Reads and checks a playbook file; `hint` follows a failure to read it, saying
    /// why this file was read.
    fn read(path: &Path, hint: &str) -> Result<Playbook, PlaybookError> {
        let name = path.display().to_string();
        let text = crate::files::read_to_string(path).map_err(|e| PlaybookError {
            source_name: name.clone(),
            problems: vec![Problem {
                line: None,
                message: format!("cannot read it ({e}){hint}"),
            }],
        })?;
        Playbook::parse(&name, &text)
    }

    /// The playbook to use: the one named (flag or environment), else `playbook.toml`
    /// beside the database, else the built-in default.
    pub fn discover(named: Option<&Path>, db: &Path) -> Result<Playbook, PlaybookError> {
        if let Some(path) = named {
            return Playbook::read(path, "; check --playbook or WARROOM_PLAYBOOK");
        }
        let beside: PathBuf = db.with_file_name("playbook.toml");
        if beside.is_file() {
            return Playbook::read(
                &beside,
                "; it is used because it is beside the database: fix it, or move it away to use the built-in playbook",
            );
        }
        Ok(Playbook::builtin())
    }

    /// How often updates are due at a severity (its `cadence_minutes`, the one each
    /// audience has unless the severity's `cadence` table says otherwise).
    pub fn cadence(&self, severity: Severity) -> Option<TimeDelta> {
        self.severities.get(&severity).and_then(|p| p.cadence)
    }

    /// The cadence at a severity in words, with the audiences that differ:
    /// `every 15m (executives 30m, customers 30m)`, or `no cadence`.
    pub fn cadence_words(&self, severity: Severity) -> String {
        let base = self.cadence(severity);
        let mut out = match base {
            Some(every) => format!("every {}", crate::format::duration(every)),
            None => "no cadence".to_string(),
        };
        let differ: Vec<String> = self
            .severities
            .get(&severity)
            .into_iter()
            .flat_map(|p| &p.audiences)
            .filter(|(_, every)| **every != base)
            .map(|(audience, every)| match every {
                Some(every) => format!("{audience} {}", crate::format::duration(*every)),
                None => format!("{audience} none"),
            })
            .collect();
        if !differ.is_empty() {
            out.push_str(&format!(" ({})", differ.join(", ")));
        }
        out
    }

    /// How often updates to `audience` are due at a severity: the severity's `cadence`
    /// table for that audience, else its `cadence_minutes`; `None` for no cadence.
    pub fn cadence_for(&self, severity: Severity, audience: Audience) -> Option<TimeDelta> {
        let policy = self.severities.get(&severity)?;
        match policy.audiences.get(&audience) {
            Some(every) => *every,
            None => policy.cadence,
        }
    }

    /// The template for an update to `audience` about `state`: the one for its status
    /// when the playbook has one, else the final one once it is resolved or closed,
    /// else the ongoing one.
    pub fn template_for(
        &self,
        audience: Audience,
        state: &crate::domain::IncidentState,
    ) -> Option<&str> {
        if let Some(text) = self
            .status_templates
            .get(&audience)
            .and_then(|by_status| by_status.get(&state.status))
        {
            return Some(text);
        }
        let table = if state.status.is_open() {
            &self.templates
        } else {
            &self.final_templates
        };
        table.get(&audience).map(String::as_str)
    }

    /// What a team's templates would say that they should not, one line each, for
    /// `playbook --check` to warn about: internal words before customers (the title,
    /// triage answers, hypotheses, names) and a next update promised once it is over.
    pub fn template_warnings(&self) -> Vec<String> {
        const INTERNAL: [&str; 6] = [
            "title",
            "hypothesis",
            "fix",
            "current",
            "commander",
            "incident",
        ];
        let mut out = Vec::new();
        let by_status = self.status_templates.get(&Audience::Customers);
        let customers = [
            ("", self.templates.get(&Audience::Customers)),
            ("final ", self.final_templates.get(&Audience::Customers)),
        ]
        .into_iter()
        .chain(
            by_status
                .into_iter()
                .flatten()
                .map(|(status, text)| (status.as_str(), Some(text))),
        );
        for (which, text) in customers {
            let which = if which.is_empty() || which.ends_with(' ') {
                which.to_string()
            } else {
                format!("{which} ")
            };
            if let Some(text) = text {
                for name in template::placeholders(text) {
                    // {title} is refused when the playbook is read, unless allowed.
                    if INTERNAL.contains(&name.as_str()) && name != "title" {
                        out.push(format!(
                            "the {which}customers template uses {{{name}}}: customers would read internal words (say where things stand with {{progress}})"
                        ));
                    }
                }
            }
        }
        for (audience, text) in &self.final_templates {
            if template::placeholders(text)
                .iter()
                .any(|n| n == "next_update")
            {
                out.push(format!(
                    "the final {audience} template uses {{next_update}}: it would promise an update once the incident is over"
                ));
            }
        }
        out
    }

    /// How long until the next status update to `audience` at `severity`: its
    /// cadence; for a severity without one (or none known yet), the longest cadence the
    /// playbook sets, else an hour, so an update always names a time.
    pub fn update_cadence(&self, severity: Option<Severity>, audience: Audience) -> TimeDelta {
        severity
            .and_then(|s| self.cadence_for(s, audience))
            .or_else(|| {
                self.severities
                    .keys()
                    .filter_map(|s| self.cadence_for(*s, audience))
                    .max()
            })
            .unwrap_or(TimeDelta::hours(1))
    }

    /// The roles to page at a severity.
    pub fn page(&self, severity: Severity) -> &[Role] {
        self.severities
            .get(&severity)
            .map(|p| p.page.as_slice())
            .unwrap_or(&[])
    }

    /// The contact listed after `name` for the same role, if `name` is a contact.
    pub fn next_contact(&self, name: &str) -> Option<&Contact> {
        let at = self
            .contacts
            .iter()
            .position(|c| crate::domain::same_name(&c.name, name))?;
        let role = self.contacts[at].role;
        self.contacts[at + 1..]
            .iter()
            .chain(&self.contacts[..at])
            .find(|c| c.role == role && !crate::domain::same_name(&c.name, name))
    }

    /// The contacts for a role.
    pub fn contacts_for(&self, role: Role) -> impl Iterator<Item = &Contact> {
        self.contacts.iter().filter(move |c| c.role == role)
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn a_playbook_without_final_templates_has_the_built_in_ones_from_the_start() {
        let start = DEFAULT.find("[final_templates]").unwrap_or(DEFAULT.len());
        let end = DEFAULT[start..]
            .find("\n\n")
            .map_or(DEFAULT.len(), |n| start + n);
        let without = format!("{}{}", &DEFAULT[..start], &DEFAULT[end..]);
        assert!(!without.contains("[final_templates]"));
        let p = Playbook::parse("team", &without).unwrap_or_else(|e| panic!("{:?}", e.lines()));
        assert_eq!(p.final_templates, Playbook::builtin().final_templates);
        assert_eq!(p.final_templates.len(), 3);
    }

    #[test]
    fn the_default_playbook_is_valid_and_complete() {
        let p = Playbook::parse("default", DEFAULT).unwrap_or_else(|e| panic!("{:?}", e.lines()));
        assert_eq!(p.triage.threshold, Severity::P3);
        assert_eq!(p.triage.reachable(), Severity::iter().collect::<Vec<_>>());
        assert_eq!(p.cadence(Severity::P1), Some(TimeDelta::minutes(15)));
        assert_eq!(p.cadence(Severity::P4), None);
        assert_eq!(p.templates.len(), 3);
        assert!(p.resolution_codes.contains(&"rollback".to_string()));
        assert_eq!(p.contacts_for(Role::Legal).count(), 1);
        assert_eq!(
            Playbook::builtin(),
            Playbook {
                source: "built-in".into(),
                ..p
            }
        );
    }
}
