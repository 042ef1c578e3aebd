//! Reading a playbook file and checking it, reporting every problem with its line.

use std::collections::{BTreeMap, HashSet};

use chrono::TimeDelta;
use serde::Deserialize;
use strum::IntoEnumIterator;
use toml::Spanned;

use super::problems::Problems;
use super::template::unknown_placeholders;
use super::{Contact, Playbook, PlaybookError, Policy};
use crate::domain::triage::{Choice, Question, TriageModel};
use crate::domain::{Audience, Role, Severity};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<String>,
    roles: Option<Vec<Spanned<String>>>,
    declare: Declare,
    triage: Triage,
    severity: BTreeMap<Spanned<String>, SeverityFile>,
    #[serde(default)]
    contacts: Vec<ContactFile>,
    templates: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    final_templates: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    status_templates: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
    #[serde(default)]
    title_to_customers: bool,
    time_zone: Option<Spanned<String>>,
    #[serde(default)]
    command: CommandFile,
    #[serde(default)]
    teams: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    hooks: Vec<HookFile>,
    resolution_codes: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    resolve_checklist: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Declare {
    threshold: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Triage {
    default_urgency: Spanned<u8>,
    matrix: Spanned<Vec<Vec<Spanned<String>>>>,
    questions: Vec<QuestionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    key: Spanned<String>,
    text: String,
    choices: Spanned<Vec<ChoiceFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoiceFile {
    answer: Spanned<String>,
    impact: Option<u8>,
    urgency: Option<u8>,
    force: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeverityFile {
    cadence_minutes: Spanned<i64>,
    escalate_after_minutes: Option<Spanned<i64>>,
    escalate_limit: Option<Spanned<i64>>,
    #[serde(default)]
    cadence: BTreeMap<Spanned<String>, Spanned<i64>>,
    #[serde(default)]
    page: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HookFile {
    name: Option<String>,
    on: Vec<Spanned<String>>,
    command: Spanned<Vec<String>>,
    timeout_seconds: Option<Spanned<i64>>,
    attempts: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CommandFile {
    commander_limit_minutes: Option<Spanned<i64>>,
    #[serde(default)]
    role_limits_minutes: BTreeMap<Spanned<String>, Spanned<i64>>,
    #[serde(default)]
    rotation: Vec<Spanned<String>>,
    span_of_control: Option<Spanned<i64>>,
    unreachable_minutes: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactFile {
    name: Spanned<String>,
    role: Spanned<String>,
    reach: String,
}

/// The longest update cadence: a year (0 means none), far inside what times can be
/// added to without overflowing.
const LONGEST_CADENCE_MINUTES: i64 = 366 * 24 * 60;

/// A playbook with nothing in it, for the impossible case that the default is broken.
pub fn empty() -> Playbook {
    Playbook {
        name: "empty".into(),
        source: "built-in".into(),
        triage: TriageModel {
            questions: Vec::new(),
            matrix: Vec::new(),
            default_urgency: 1,
            threshold: Severity::P3,
        },
        severities: BTreeMap::new(),
        roles: Role::iter().collect(),
        contacts: Vec::new(),
        templates: BTreeMap::new(),
        final_templates: BTreeMap::new(),
        status_templates: BTreeMap::new(),
        title_to_customers: false,
        time_zone: None,
        command: super::CommandPolicy::default(),
        teams: BTreeMap::new(),
        hooks: Vec::new(),
        resolution_codes: Vec::new(),
        resolve_checklist: Vec::new(),
    }
}

pub fn parse(source_name: &str, text: &str) -> Result<Playbook, PlaybookError> {
    let fail = |problems| PlaybookError {
        source_name: source_name.to_string(),
        problems,
    };
    let mut p = Problems::new(text);
    let file: File = p.toml().map_err(fail)?;

    let threshold = p
        .parse::<Severity>(&file.declare.threshold)
        .unwrap_or(Severity::P3);
    let triage = triage(&mut p, &file.triage, threshold);

    // Left out, every role is in use; listed, only those may be assigned or paged.
    let roles = match &file.roles {
        None => Role::iter().collect(),
        Some(listed) => listed
            .iter()
            .filter_map(|r| p.parse::<Role>(r))
            .collect::<Vec<_>>(),
    };
    let unlisted = format!(
        "which `roles` does not list ({}): add it there or name a listed role",
        roles.iter().map(|r| r.key()).collect::<Vec<_>>().join(", ")
    );

    let mut severities = BTreeMap::new();
    for (key, policy) in &file.severity {
        let Some(severity) = p.parse::<Severity>(key) else {
            continue;
        };
        let cadence = minutes(&mut p, &policy.cadence_minutes, "cadence_minutes");
        let mut audiences = BTreeMap::new();
        for (audience, every) in &policy.cadence {
            let Some(audience) = p.parse::<Audience>(audience) else {
                continue;
            };
            let name = format!("cadence.{audience}");
            audiences.insert(audience, minutes(&mut p, every, &name));
        }
        let mut page = Vec::new();
        for spanned in &policy.page {
            let Some(role) = p.parse::<Role>(spanned) else {
                continue;
            };
            if !roles.contains(&role) {
                p.at(
                    spanned,
                    format!("{} pages {}, {unlisted}", severity.key(), role.key()),
                );
            }
            page.push(role);
        }
        let escalate_after = policy
            .escalate_after_minutes
            .as_ref()
            .and_then(|m| minutes(&mut p, m, "escalate_after_minutes"));
        let escalate_limit = match &policy.escalate_limit {
            None => 3,
            Some(n) if (1..=10).contains(n.get_ref()) => *n.get_ref() as u32,
            Some(n) => {
                p.at(n, "escalate_limit is 1 to 10");
                3
            }
        };
        severities.insert(
            severity,
            Policy {
                cadence,
                audiences,
                page,
                escalate_after,
                escalate_limit,
            },
        );
    }
    for severity in Severity::iter() {
        if !severities.contains_key(&severity) {
            p.anywhere(format!(
                "severity {key} has no policy: add a [severity.{key}] table",
                key = severity.key()
            ));
        }
    }

    let mut contacts = Vec::new();
    for c in &file.contacts {
        if c.name.get_ref().trim().is_empty() {
            p.at(&c.name, "a contact needs a name");
        }
        if let Some(role) = p.parse::<Role>(&c.role) {
            if !roles.contains(&role) {
                p.at(
                    &c.role,
                    format!(
                        "contact {} is for {}, {unlisted}",
                        c.name.get_ref(),
                        role.key()
                    ),
                );
            }
            contacts.push(Contact {
                name: c.name.get_ref().clone(),
                role,
                reach: c.reach.clone(),
            });
        }
    }

    let templates = read_templates(&mut p, &file.templates, "");
    let mut final_templates = read_templates(&mut p, &file.final_templates, "final ");
    // An audience a team's playbook leaves out gets the built-in last update, filled in
    // once here rather than looked up on every update (the built-in lists all three).
    if Audience::iter().any(|a| !final_templates.contains_key(&a)) {
        for (audience, text) in super::Playbook::builtin().final_templates {
            final_templates.entry(audience).or_insert(text);
        }
    }
    let mut status_templates = BTreeMap::new();
    for (audience, table) in &file.status_templates {
        let Some(audience) = p.parse::<Audience>(audience) else {
            continue;
        };
        let mut by_status = BTreeMap::new();
        for (status, text) in table {
            let Some(status) = p.parse::<crate::domain::Status>(status) else {
                continue;
            };
            let which = format!("{status} ");
            let one = BTreeMap::from([(Spanned::new(0..0, audience.to_string()), text.clone())]);
            if let Some(text) = read_templates(&mut p, &one, &which).remove(&audience) {
                by_status.insert(status, text);
            }
            customers_title(&mut p, audience, text, file.title_to_customers);
        }
        status_templates.insert(audience, by_status);
    }
    for (table, _) in [(&file.templates, ""), (&file.final_templates, "final ")] {
        for (audience, text) in table {
            if let Ok(audience) = audience.get_ref().parse::<Audience>() {
                customers_title(&mut p, audience, text, file.title_to_customers);
            }
        }
    }
    let command = command_policy(&mut p, &file.command);
    let hooks = hooks(&mut p, &file.hooks);
    let time_zone =
        file.time_zone
            .as_ref()
            .and_then(|z| match crate::zone::Zone::parse(z.get_ref()) {
                Ok(zone) => Some(zone),
                Err(e) => {
                    p.at(z, e);
                    None
                }
            });
    let mut teams = BTreeMap::new();
    for (team, members) in &file.teams {
        for member in members {
            let key = crate::domain::name_key(member.get_ref());
            if key.is_empty() {
                p.at(member, format!("a name in team {team} is empty"));
            } else if let Some(other) = teams.insert(key, team.clone()) {
                p.at(
                    member,
                    format!(
                        "{} is in two teams, {other} and {team}",
                        member.get_ref().trim()
                    ),
                );
            }
        }
    }
    for audience in Audience::iter() {
        if !templates.contains_key(&audience) {
            p.anywhere(format!(
                "no template for {audience}: add `{audience} = \"...\"` under [templates]"
            ));
        }
    }

    let mut seen = HashSet::new();
    let mut resolution_codes = Vec::new();
    for code in file.resolution_codes.get_ref() {
        if !seen.insert(code.get_ref().clone()) {
            p.at(
                code,
                format!("resolution code '{}' is listed twice", code.get_ref()),
            );
        }
        resolution_codes.push(code.get_ref().clone());
    }
    if resolution_codes.is_empty() {
        p.at(
            &file.resolution_codes,
            "resolution_codes is empty: list the codes a resolution may use",
        );
    }

    if !p.found.is_empty() {
        return Err(fail(p.found));
    }
    Ok(Playbook {
        name: file.name.unwrap_or_else(|| "playbook".into()),
        source: source_name.to_string(),
        triage,
        severities,
        roles,
        contacts,
        templates,
        final_templates,
        status_templates,
        title_to_customers: file.title_to_customers,
        time_zone,
        command,
        teams,
        hooks,
        resolution_codes,
        resolve_checklist: file.resolve_checklist,
    })
}

/// A customers' template that shows the internal title, which the playbook has not
/// allowed, is a problem: customers would read words written for responders.
fn customers_title(
    p: &mut Problems<'_>,
    audience: Audience,
    text: &Spanned<String>,
    allowed: bool,
) {
    if audience == Audience::Customers
        && !allowed
        && super::template::placeholders(text.get_ref())
            .iter()
            .any(|n| n == "title")
    {
        p.at(
            text,
            "a customers template uses {title}, the internal title: say what customers see instead, or set title_to_customers = true",
        );
    }
}

/// Reads `[[hooks]]`: triggers known, a command given, a timeout of 1 s to 10 min
/// (30 s by default), 1 to 20 attempts (5 by default), names unique.
fn hooks(p: &mut Problems<'_>, files: &[HookFile]) -> Vec<super::Hook> {
    let mut out: Vec<super::Hook> = Vec::new();
    for file in files {
        use strum::VariantNames;
        let mut on = Vec::new();
        for trigger in &file.on {
            match trigger.get_ref().parse::<super::Trigger>() {
                Ok(t) => on.push(t),
                Err(_) => p.at(
                    trigger,
                    format!(
                        "'{}' is not a trigger: use {}",
                        trigger.get_ref(),
                        super::Trigger::VARIANTS.join(", ")
                    ),
                ),
            }
        }
        if file.on.is_empty() {
            p.at(&file.command, "a hook needs `on`: the events that run it");
        }
        let timeout = match &file.timeout_seconds {
            None => TimeDelta::seconds(30),
            Some(s) if (1..=600).contains(s.get_ref()) => TimeDelta::seconds(*s.get_ref()),
            Some(s) => {
                p.at(s, "timeout_seconds is 1 to 600");
                TimeDelta::seconds(30)
            }
        };
        let attempts = match &file.attempts {
            None => 5,
            Some(a) if (1..=20).contains(a.get_ref()) => *a.get_ref() as u32,
            Some(a) => {
                p.at(a, "attempts is 1 to 20");
                5
            }
        };
        let Some(program) = file.command.get_ref().first() else {
            p.at(&file.command, "a hook needs a command to run");
            continue;
        };
        let name = file.name.clone().unwrap_or_else(|| {
            std::path::Path::new(program)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| program.clone())
        });
        if out.iter().any(|h| h.name == name) {
            p.at(
                &file.command,
                format!("two hooks are named {name}: give one a `name`"),
            );
        }
        out.push(super::Hook {
            name,
            on,
            command: file.command.get_ref().clone(),
            timeout,
            attempts,
        });
    }
    out
}

/// Reads `[command]`: limits in minutes (0: none), the rotation, the span of control.
fn command_policy(p: &mut Problems<'_>, file: &CommandFile) -> super::CommandPolicy {
    let mut policy = super::CommandPolicy {
        commander_limit: file
            .commander_limit_minutes
            .as_ref()
            .and_then(|m| minutes(p, m, "commander_limit_minutes")),
        ..Default::default()
    };
    for (role, limit) in &file.role_limits_minutes {
        let Some(role) = p.parse::<Role>(role) else {
            continue;
        };
        if let Some(limit) = minutes(p, limit, "role_limits_minutes") {
            policy.role_limits.insert(role, limit);
        }
    }
    let mut seen = HashSet::new();
    for name in &file.rotation {
        let trimmed = name.get_ref().trim();
        if trimmed.is_empty() {
            p.at(name, "a name in the rotation is empty");
        } else if !seen.insert(crate::domain::name_key(trimmed)) {
            p.at(name, format!("{trimmed} is in the rotation twice"));
        } else {
            policy.rotation.push(trimmed.to_string());
        }
    }
    if let Some(quiet) = &file.unreachable_minutes
        && let Some(after) = minutes(p, quiet, "unreachable_minutes")
    {
        policy.unreachable_after = after;
    }
    if let Some(span) = &file.span_of_control {
        match usize::try_from(*span.get_ref()) {
            Ok(n @ 1..=100) => policy.span_of_control = n,
            _ => p.at(span, "span_of_control is how many people one lead directs: 1 to 100 (ICS advises 3 to 7)"),
        }
    }
    policy
}

/// Reads a cadence in minutes: `None` for 0 (no cadence); a problem when negative or
/// longer than a year.
fn minutes(p: &mut Problems<'_>, spanned: &Spanned<i64>, name: &str) -> Option<TimeDelta> {
    let minutes = *spanned.get_ref();
    if minutes < 0 {
        p.at(
            spanned,
            format!("{name} cannot be negative; 0 means no cadence"),
        );
    }
    if minutes > LONGEST_CADENCE_MINUTES {
        p.at(
            spanned,
            format!(
                "{name} {minutes} is too long: at most {LONGEST_CADENCE_MINUTES} (a year); 0 means no cadence"
            ),
        );
    }
    (1..=LONGEST_CADENCE_MINUTES)
        .contains(&minutes)
        .then(|| TimeDelta::minutes(minutes))
}

/// Reads a table of templates by audience, each checked for unknown placeholders;
/// `which` names the table in problems (`""` or `"final "`).
fn read_templates(
    p: &mut Problems<'_>,
    table: &BTreeMap<Spanned<String>, Spanned<String>>,
    which: &str,
) -> BTreeMap<Audience, String> {
    let mut templates = BTreeMap::new();
    for (key, template) in table {
        let audience = match key.get_ref().parse::<Audience>() {
            Ok(audience) => audience,
            Err(e) => {
                p.at(key, e.to_string());
                continue;
            }
        };
        for name in unknown_placeholders(template.get_ref()) {
            p.at(
                template,
                format!(
                    "{which}template for {audience} uses an unknown placeholder {{{name}}}; known: {}",
                    super::PLACEHOLDERS.join(" ")
                ),
            );
        }
        templates.insert(audience, template.get_ref().clone());
    }
    templates
}

fn triage(p: &mut Problems<'_>, t: &Triage, threshold: Severity) -> TriageModel {
    let mut matrix = Vec::new();
    for row in t.matrix.get_ref() {
        matrix.push(
            row.iter()
                .map(|cell| p.parse::<Severity>(cell).unwrap_or(Severity::P5))
                .collect::<Vec<_>>(),
        );
    }
    let rows = matrix.len();
    let cols = matrix.first().map(Vec::len).unwrap_or(0);
    if rows == 0 || cols == 0 {
        p.at(
            &t.matrix,
            "the matrix is empty: one row per impact level, one column per urgency level",
        );
    }
    if matrix.iter().any(|r| r.len() != cols) {
        p.at(
            &t.matrix,
            format!("every matrix row needs {cols} columns (one per urgency level)"),
        );
    }
    let default_urgency = *t.default_urgency.get_ref();
    if default_urgency == 0 || default_urgency as usize > cols {
        p.at(
            &t.default_urgency,
            format!("default_urgency must be between 1 and {cols}"),
        );
    }

    let mut keys = HashSet::new();
    let mut questions = Vec::new();
    for q in &t.questions {
        if !keys.insert(q.key.get_ref().clone()) {
            p.at(
                &q.key,
                format!("question key '{}' is used twice", q.key.get_ref()),
            );
        }
        if q.choices.get_ref().len() < 2 {
            p.at(
                &q.choices,
                format!("question '{}' needs at least two choices", q.key.get_ref()),
            );
        }
        let mut choices = Vec::new();
        for c in q.choices.get_ref() {
            if c.impact.is_some_and(|i| i == 0 || i as usize > rows) {
                p.at(
                    &c.answer,
                    format!("impact must be between 1 and {rows} (the matrix has {rows} rows)"),
                );
            }
            if c.urgency.is_some_and(|u| u == 0 || u as usize > cols) {
                p.at(
                    &c.answer,
                    format!("urgency must be between 1 and {cols} (the matrix has {cols} columns)"),
                );
            }
            let force = c.force.as_ref().and_then(|f| p.parse::<Severity>(f));
            choices.push(Choice {
                answer: c.answer.get_ref().clone(),
                impact: c.impact,
                urgency: c.urgency,
                force,
            });
        }
        questions.push(Question {
            key: q.key.get_ref().clone(),
            text: q.text.clone(),
            choices,
        });
    }
    if !questions
        .iter()
        .any(|q| q.choices.iter().any(|c| c.impact.is_some()))
    {
        p.anywhere("no question sets impact: give some choices an `impact` level");
    }
    let model = TriageModel {
        questions,
        matrix,
        default_urgency,
        threshold,
    };
    if p.found.is_empty() {
        let reachable = model.reachable();
        for severity in Severity::iter() {
            if !reachable.contains(&severity) {
                p.at(
                    &t.matrix,
                    format!(
                        "{} is never reached: no combination of answers leads to it",
                        severity.key()
                    ),
                );
            }
        }
    }
    model
}
