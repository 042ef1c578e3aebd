//! The post-incident review's rules that both front ends share: reading an action
//! item's fields (due dates, priorities), finding an item by its number, and what a
//! review still lacks.

use chrono::NaiveDate;
use ulid::Ulid;

use crate::domain::{IncidentState, ParsePriorityError, Priority, Timestamp};

/// The fields of an action item command.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ItemFields {
    /// A new title.
    pub title: Option<String>,
    /// The owner.
    pub owner: Option<String>,
    /// The due date.
    pub due: Option<NaiveDate>,
    /// The priority.
    pub priority: Option<Priority>,
    /// A remark.
    pub note: Option<String>,
}

/// How far ahead a due date given as `+Nd` or `+Nw` may be: ten years (3,650 days).
pub const MAX_DUE_DAYS: u64 = 3650;

/// Reads a due date: `YYYY-MM-DD` (from 2000 to 9999), or `+Nd` / `+Nw` from today
/// (N a plain number, at most [`MAX_DUE_DAYS`] days ahead). Errors are one line.
pub fn due_date(now: Timestamp, text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let usage = || format!("due '{text}': use YYYY-MM-DD, +7d or +2w");
    if let Some(rel) = t.strip_prefix('+') {
        let unit_at = rel.char_indices().last().map_or(0, |(i, _)| i);
        let (n, unit) = rel.split_at(unit_at);
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(usage());
        }
        let too_far = || {
            format!(
                "due '{text}' is more than ten years ahead ({MAX_DUE_DAYS} days): give a nearer date"
            )
        };
        let n: u64 = n.parse().map_err(|_| too_far())?;
        let days = match unit {
            "d" => Some(n),
            "w" => n.checked_mul(7),
            _ => return Err(usage()),
        }
        .filter(|d| *d <= MAX_DUE_DAYS)
        .ok_or_else(too_far)?;
        return now
            .date_naive()
            .checked_add_days(chrono::Days::new(days))
            .ok_or_else(too_far);
    }
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| usage())?;
    crate::domain::check_date("due date", date)
        .map_err(|_| format!("due '{text}': give a date from 2000-01-01 to 9999-12-31"))?;
    Ok(date)
}

/// Why an action item's field cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// A field no action item has.
    #[error("unknown field '{field}': use {}", if *.updating { "title, owner, due, priority, note" } else { "owner, due, priority" })]
    Unknown {
        /// The field as typed.
        field: String,
        /// Whether an item is being changed (which allows `title` and `note` too).
        updating: bool,
    },
    /// A priority that is not high, medium or low.
    #[error(transparent)]
    Priority(#[from] ParsePriorityError),
    /// A due date that cannot be read (the message says how to write one).
    #[error("{0}")]
    Due(String),
}

/// Reads `owner=`, `due=`, `priority=` (and for updates `title=`, `note=`) fields.
pub fn item_fields(
    now: Timestamp,
    updating: Option<Ulid>,
    fields: &[(String, String)],
) -> Result<ItemFields, FieldError> {
    let mut f = ItemFields::default();
    for (key, value) in fields {
        let value = value.trim().to_string();
        match key.as_str() {
            "owner" => f.owner = Some(value),
            "due" => f.due = Some(due_date(now, &value).map_err(FieldError::Due)?),
            "priority" => {
                f.priority = Some(value.parse::<Priority>()?);
            }
            "title" if updating.is_some() => f.title = Some(value),
            "note" if updating.is_some() => f.note = Some(value),
            other => {
                return Err(FieldError::Unknown {
                    field: other.to_string(),
                    updating: updating.is_some(),
                });
            }
        }
    }
    Ok(f)
}

/// Finds an action item by its number in the list (from 1) or the end of its id;
/// `hint` says where the numbers are listed.
pub fn find_item(state: &IncidentState, typed: &str, hint: &str) -> Result<Ulid, String> {
    let ids: Vec<Ulid> = state.action_items.iter().map(|i| i.id).collect();
    find_numbered(&ids, typed, "action item", hint)
}

/// Finds one of `ids` (a list people see numbered from 1) by its number or the end of
/// its id; `what` names the kind, `hint` says where the numbers are listed.
pub fn find_numbered(ids: &[Ulid], typed: &str, what: &str, hint: &str) -> Result<Ulid, String> {
    if let Ok(n) = typed.trim().parse::<usize>() {
        return ids
            .get(n.wrapping_sub(1))
            .copied()
            .ok_or_else(|| format!("no {what} {n}: there are {}", ids.len()));
    }
    crate::domain::resolve_id(
        ids.iter().copied(),
        typed,
        what,
        &format!("give its number ({hint})"),
    )
}

/// What the review still lacks, in words (empty when complete): a root cause, a
/// resolution whose checklist was confirmed whole, a final update to customers (when
/// they were told anything, or the severity owes them updates), and an owner and a due
/// date not past for each open action item. `cadence` is the playbook's update cadence
/// at the incident's severity, if it has one.
pub fn missing(
    state: &IncidentState,
    cadence: &dyn Fn(crate::domain::Audience) -> Option<chrono::TimeDelta>,
    today: NaiveDate,
) -> Vec<String> {
    use crate::domain::{Audience, ResponderState, ReviewSection, TaskState};
    let mut out = Vec::new();
    if state.review(ReviewSection::RootCause).is_empty() && state.problem.is_none() {
        out.push("no root cause recorded".to_string());
    }
    match &state.resolution {
        Some(resolution) => {
            for check in resolution.checklist.iter().filter(|c| !c.done) {
                out.push(format!(
                    "the checklist item \"{}\" was not confirmed at resolution",
                    check.item
                ));
            }
            // Every audience that was told, or was owed updates, is owed the last one.
            for audience in <Audience as strum::IntoEnumIterator>::iter() {
                let told = state.last_update(audience);
                let owed =
                    told.is_some() || (cadence(audience).is_some() && state.declared_at.is_some());
                if owed && told.is_none_or(|at| at < resolution.at) {
                    out.push(format!(
                        "no final status update to {audience} since the resolution"
                    ));
                }
            }
            // Nobody stays on an incident that is over without being stood down.
            for p in crate::rules::order(state) {
                if let Some(st) = p.state.filter(|st| *st != ResponderState::StoodDown) {
                    out.push(format!(
                        "{} is still {}: stand them down",
                        p.name,
                        st.label()
                    ));
                }
            }
            if state.situation.impact_start.is_some() && state.situation.impact_end.is_none() {
                out.push(
                    "the customer impact has a start and no end: say when it ended".to_string(),
                );
            }
            for (n, objective) in state.objectives.iter().enumerate() {
                if objective.stage == crate::domain::ObjectiveStage::Current {
                    out.push(format!(
                        "objective {} \"{}\" is still current: met or dropped?",
                        n + 1,
                        objective.text
                    ));
                }
            }
            for (n, task) in state.tasks.iter().enumerate() {
                if matches!(task.state, TaskState::Open | TaskState::InProgress) {
                    out.push(format!(
                        "task {} \"{}\" is still {}",
                        n + 1,
                        task.text,
                        task.state.label()
                    ));
                }
            }
        }
        None if state.status.is_open() => out.push("not resolved yet".to_string()),
        None => {}
    }
    for (n, item) in state.action_items.iter().enumerate() {
        if item.closed_at.is_some() {
            continue;
        }
        if item.owner.is_none() {
            out.push(format!(
                "action item {} \"{}\" has no owner",
                n + 1,
                item.title
            ));
        }
        match item.due {
            None => out.push(format!(
                "action item {} \"{}\" has no due date",
                n + 1,
                item.title
            )),
            Some(due) if due < today => out.push(format!(
                "action item {} \"{}\" is overdue (due {due})",
                n + 1,
                item.title
            )),
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn due_dates_and_fields() {
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 27, 10, 0, 0)
            .unwrap();
        assert_eq!(due_date(now, "+7d").unwrap().to_string(), "2026-12-04");
        assert_eq!(due_date(now, "+2w").unwrap().to_string(), "2026-12-11");
        assert_eq!(
            due_date(now, "2027-01-05").unwrap().to_string(),
            "2027-01-05"
        );
        assert!(due_date(now, "soon").unwrap_err().contains("+7d"));
        assert_eq!(due_date(now, "+3650d").unwrap().to_string(), "2036-11-24");
    }

    #[test]
    fn a_due_date_typed_wrong_is_one_line_never_a_panic() {
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 27, 10, 0, 0)
            .unwrap();
        for (typed, says) in [
            ("+99999999d", "ten years"),
            ("+300000d", "ten years"),
            ("+3651d", "ten years"),
            ("+9999999999999999999999w", "ten years"),
            ("+2635249153387078802w", "ten years"),
            ("+-5d", "use YYYY-MM-DD"),
            ("++5d", "use YYYY-MM-DD"),
            ("+d", "use YYYY-MM-DD"),
            ("+", "use YYYY-MM-DD"),
            ("+5€", "use YYYY-MM-DD"),
            ("+€", "use YYYY-MM-DD"),
            ("+5y", "use YYYY-MM-DD"),
            ("1900-01-01", "2000-01-01"),
            ("0000-01-01", "2000-01-01"),
        ] {
            let err = due_date(now, typed).unwrap_err();
            assert!(err.contains(says), "{typed}: {err}");
            assert!(!err.contains('\n'), "{typed}: one line");
        }
    }

    #[test]
    fn item_fields_are_read() {
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 27, 10, 0, 0)
            .unwrap();
        let f = item_fields(
            now,
            None,
            &[
                ("owner".into(), "jonas".into()),
                ("priority".into(), "h".into()),
            ],
        )
        .unwrap();
        assert_eq!(
            (f.owner.as_deref(), f.priority),
            (Some("jonas"), Some(Priority::High))
        );
        assert_eq!(
            item_fields(now, None, &[("title".into(), "x".into())]),
            Err(FieldError::Unknown {
                field: "title".into(),
                updating: false
            })
        );
        assert!(
            item_fields(now, None, &[("title".into(), "x".into())])
                .unwrap_err()
                .to_string()
                .contains("unknown field 'title'")
        );
    }
}
