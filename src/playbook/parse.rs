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
    #[serde(default)]
    page: Vec<Spanned<String>>,
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
        let minutes = *policy.cadence_minutes.get_ref();
        if minutes < 0 {
            p.at(
                &policy.cadence_minutes,
                "cadence_minutes cannot be negative; 0 means no cadence",
            );
        }
        if minutes > LONGEST_CADENCE_MINUTES {
            p.at(
                &policy.cadence_minutes,
                format!(
                    "cadence_minutes {minutes} is too long: at most {LONGEST_CADENCE_MINUTES} (a year); 0 means no cadence"
                ),
            );
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
        let cadence = (1..=LONGEST_CADENCE_MINUTES)
            .contains(&minutes)
            .then(|| TimeDelta::minutes(minutes));
        severities.insert(severity, Policy { cadence, page });
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
        resolution_codes,
        resolve_checklist: file.resolve_checklist,
    })
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
