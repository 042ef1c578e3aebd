//! Folding events into an `IncidentState`, all at once or one at a time.
//!
//! The fold is defined on the total order (`at`, then `id`), so every replica that holds
//! the same events computes the same state whatever order they arrived in. Applying an
//! event that sorts before the last one folded re-folds from scratch; that is rare
//! (back-dated entries, a peer catching up) and keeps the fold itself simple.

use std::sync::Arc;

use super::event::{Body, Event, TaskState};
use super::people::ResponderState;
use super::roster::RoleChange;
use super::state::{
    ActionItem, IncidentState, Objective, ProblemRecord, ResolutionRecord, SeverityChange,
    StatusChange, Task,
};
use super::status::Status;
use super::timeline::Entry;

/// What applying one event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// It was new and sorted last: folded in place.
    Appended,
    /// It was new but sorted earlier: the state was folded again.
    Refolded,
    /// It was already folded in (same id): nothing changed.
    Duplicate,
    /// It belongs to another incident: nothing changed.
    Foreign,
}

impl IncidentState {
    /// Folds a set of events (any order, duplicates allowed) into a fresh state.
    pub fn fold<I>(id: ulid::Ulid, events: I) -> IncidentState
    where
        I: IntoIterator<Item = Event>,
    {
        let mut state = IncidentState::empty(id);
        state.apply_all(events);
        state
    }

    /// Applies one event, keeping the result the same as a full fold.
    pub fn apply(&mut self, event: Event) -> Applied {
        if event.incident != self.id {
            return Applied::Foreign;
        }
        if self.index.contains_key(&event.id) {
            return Applied::Duplicate;
        }
        let sorts_last = self
            .timeline
            .last()
            .is_none_or(|last| last.event.order_key() < event.order_key());
        if sorts_last {
            self.step(Arc::new(event));
            Applied::Appended
        } else {
            let mut events = self.take_events();
            events.push(Arc::new(event));
            self.refold(events);
            Applied::Refolded
        }
    }

    /// Applies many events, folding again at most once.
    pub fn apply_all<I>(&mut self, events: I) -> usize
    where
        I: IntoIterator<Item = Event>,
    {
        let mut fresh: Vec<Arc<Event>> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for event in events {
            if event.incident == self.id
                && !self.index.contains_key(&event.id)
                && seen.insert(event.id)
            {
                fresh.push(Arc::new(event));
            }
        }
        let added = fresh.len();
        fresh.sort_by_key(|e| e.order_key());
        let in_order = match (self.timeline.last(), fresh.first()) {
            (Some(last), Some(first)) => last.event.order_key() < first.order_key(),
            _ => true,
        };
        if in_order {
            for event in fresh {
                self.step(event);
            }
        } else {
            let mut events = self.take_events();
            events.extend(fresh);
            self.refold(events);
        }
        added
    }

    /// The incident as it stood at its `len`th timeline entry: the fold of the first
    /// `len` entries in the total order (all of them when `len` is past the end). The
    /// events are shared, not copied.
    pub fn prefix(&self, len: usize) -> IncidentState {
        let mut state = IncidentState::empty(self.id);
        for entry in self.timeline.iter().take(len) {
            state.step(entry.event.clone());
        }
        state
    }

    /// The incident as the record stands up to `t`: the fold of its events that
    /// happened at or before `t` (the prefix of the total order they make), entries
    /// written later about earlier times included. How many of those there are is
    /// [`IncidentState::hindsight`].
    pub fn as_of(&self, t: super::time::Timestamp) -> IncidentState {
        let len = self.timeline.partition_point(|e| e.event.at <= t);
        self.prefix(len)
    }

    /// The incident as it was recorded by `t`: the fold of its events written
    /// (`logged_at`) at or before `t`, which is what the room knew then; entries
    /// written later about earlier times are left out.
    pub fn known_at(&self, t: super::time::Timestamp) -> IncidentState {
        let mut state = IncidentState::empty(self.id);
        for entry in self.timeline.iter().filter(|e| e.event.logged_at <= t) {
            state.step(entry.event.clone());
        }
        state
    }

    /// How many of its events happened by `t` but were written after it (back-dated):
    /// what [`IncidentState::as_of`] holds and [`IncidentState::known_at`] leaves out.
    pub fn hindsight(&self, t: super::time::Timestamp) -> usize {
        self.timeline
            .iter()
            .filter(|e| e.event.at <= t && e.event.logged_at > t)
            .count()
    }

    fn take_events(&mut self) -> Vec<Arc<Event>> {
        std::mem::take(&mut self.timeline)
            .into_iter()
            .map(|entry| entry.event)
            .collect()
    }

    fn refold(&mut self, mut events: Vec<Arc<Event>>) {
        events.sort_by_key(|e| e.order_key());
        *self = IncidentState::empty(self.id);
        for event in events {
            self.step(event);
        }
    }

    /// Folds one event that sorts after everything folded so far.
    fn step(&mut self, event: Arc<Event>) {
        let position = self.timeline.len();
        self.index.insert(event.id, position);
        self.timeline.push(Entry::new(event.clone()));
        let refused = self.effect(&event, position);
        self.timeline[position].refused = refused;
        if let Some(waiting) = self.pending_corrections.remove(&event.id) {
            for correction in waiting {
                self.attach_correction(position, correction);
            }
        }
    }

    /// Changes the state for one event; returns why a rule refused it, if one did.
    fn effect(&mut self, event: &Event, position: usize) -> Option<String> {
        let at = event.at;
        let by = event.author.as_str();
        match &event.body {
            Body::IncidentOpened {
                title,
                detected_at,
                drill,
                pace,
            } => {
                if self.opened.is_some() {
                    return Some("incident was already opened".into());
                }
                self.title = title.clone();
                self.opened = Some((at, by.to_string()));
                self.detected_at = *detected_at;
                self.drill = *drill;
                self.pace = pace.filter(|p| *drill && *p > 1).unwrap_or(1);
            }
            Body::Alert { .. } => {
                self.first_alert_at.get_or_insert(at);
            }
            Body::AlertReceived {
                text,
                source,
                fingerprint,
                labels,
                resolved,
                url,
            } => match &mut self.alert {
                Some(group) => {
                    if &group.fingerprint != fingerprint {
                        return Some(format!(
                            "alert {fingerprint} does not belong to the group of {}",
                            group.fingerprint
                        ));
                    }
                    group.count += 1;
                    group.last_seen = at;
                    group.text = text.clone();
                    group.labels = labels.clone();
                    group.firing = !resolved;
                    if url.is_some() {
                        group.url = url.clone();
                    }
                }
                None if self.opened.is_some() => {
                    return Some("an inbox alert in an incident: log it as an alert".into());
                }
                None => {
                    self.alert = Some(super::state::AlertGroup {
                        fingerprint: fingerprint.clone(),
                        source: source.clone(),
                        text: text.clone(),
                        labels: labels.clone(),
                        url: url.clone(),
                        count: 1,
                        first_seen: at,
                        last_seen: at,
                        firing: !resolved,
                        acknowledged: None,
                        dismissed: None,
                        incident: None,
                    });
                }
            },
            Body::AlertAcknowledged {} => match &mut self.alert {
                Some(group) => {
                    group.acknowledged.get_or_insert((at, by.to_string()));
                }
                None => return Some("not an inbox alert".into()),
            },
            Body::AlertDismissed { reason } => match &mut self.alert {
                Some(group) => group.dismissed = Some((at, by.to_string(), reason.clone())),
                None => return Some("not an inbox alert".into()),
            },
            Body::AlertAttached { incident } => match &mut self.alert {
                Some(group) => group.incident = Some(*incident),
                None => return Some("not an inbox alert".into()),
            },
            Body::SeveritySet {
                severity,
                reason,
                triage,
            } => {
                self.severity_history.push(SeverityChange {
                    event: event.id,
                    at,
                    by: by.to_string(),
                    from: self.severity,
                    to: *severity,
                    reason: reason.clone(),
                    triage: triage.clone(),
                });
                self.severity = Some(*severity);
            }
            Body::StatusChanged { status, .. } => return self.set_status(event, *status),
            Body::CommandClaimed { commander } => {
                // Names are one person whatever their case: the roster's spelling.
                let commander = self.roster.spelling(commander).to_string();
                let refused = self.command.claim(event.id, at, &commander);
                if refused.is_none() {
                    self.roster.join(&commander, at);
                    self.acknowledged(at);
                }
                return refused;
            }
            Body::CommandHandedOff { from, to } => {
                let from = self.roster.spelling(from).to_string();
                let to = self.roster.spelling(to).to_string();
                let refused = self.command.hand_off(event.id, at, &from, &to);
                if refused.is_none() {
                    self.roster.join(&to, at);
                    self.acknowledged(at);
                }
                return refused;
            }
            Body::Escalated { person, step, next } => {
                let person = self.roster.spelling(person).to_string();
                let paged = self.roster.get(&person).and_then(|p| p.state)
                    == Some(super::people::ResponderState::Paged);
                if !paged {
                    return Some(format!("{person} is not waiting on a page"));
                }
                self.roster.join(&person, at).escalated = Some((*step, at));
                if let Some(next) = next {
                    let next = self.roster.spelling(next).to_string();
                    self.roster
                        .set_state(&next, super::people::ResponderState::Paged, at);
                }
            }
            Body::HandoffOffered { from, to } => {
                let from = self.roster.spelling(from).to_string();
                let to = self.roster.spelling(to).to_string();
                return self.command.offer(event.id, at, &from, &to);
            }
            Body::HandoffAccepted { from, to } => {
                let from = self.roster.spelling(from).to_string();
                let to = self.roster.spelling(to).to_string();
                let refused = self.command.accept(event.id, at, &from, &to);
                if refused.is_none() {
                    self.roster.join(&to, at);
                    self.acknowledged(at);
                }
                return refused;
            }
            Body::HandoffCancelled { from, to, .. } => {
                let from = self.roster.spelling(from).to_string();
                let to = self.roster.spelling(to).to_string();
                return self.command.cancel(&from, &to);
            }
            Body::CommandAssumed {
                commander, from, ..
            } => {
                let commander = self.roster.spelling(commander).to_string();
                let from = from.as_deref().map(|f| self.roster.spelling(f).to_string());
                let refused = self
                    .command
                    .assume(event.id, at, &commander, from.as_deref());
                if refused.is_none() {
                    self.roster.join(&commander, at);
                    self.acknowledged(at);
                }
                return refused;
            }
            Body::CommandConfirmed { commander } => {
                let commander = self.roster.spelling(commander).to_string();
                return self.command.confirm(at, &commander);
            }
            Body::RoleAssigned { person, role } | Body::RoleRemoved { person, role } => {
                return self.roster.set_role(RoleChange {
                    event: event.id,
                    at,
                    by: by.to_string(),
                    person: self.roster.spelling(person).to_string(),
                    role: *role,
                    assigned: matches!(event.body, Body::RoleAssigned { .. }),
                });
            }
            Body::ResponderPaged { person, .. } => {
                self.roster.set_state(person, ResponderState::Paged, at);
            }
            Body::ResponderAcknowledged { person } => {
                self.roster
                    .set_state(person, ResponderState::Acknowledged, at);
                self.acknowledged(at);
            }
            Body::ResponderEngaged { person } => {
                self.roster.set_state(person, ResponderState::Engaged, at);
                self.acknowledged(at);
            }
            Body::ResponderStoodDown { person } => {
                self.roster.set_state(person, ResponderState::StoodDown, at);
            }
            Body::ActionItemOpened {
                title,
                owner,
                due,
                priority,
            } => self.action_items.push(ActionItem {
                id: event.id,
                title: title.clone(),
                owner: owner.clone(),
                due: *due,
                priority: *priority,
                opened_at: at,
                opened_by: by.to_string(),
                updates: 0,
                closed_at: None,
            }),
            Body::ActionItemUpdated {
                item,
                title,
                owner,
                due,
                priority,
                ..
            } => {
                let Some(found) = self.action_items.iter_mut().find(|i| i.id == *item) else {
                    return Some("no such action item".into());
                };
                if let Some(title) = title {
                    found.title = title.clone();
                }
                if owner.is_some() {
                    found.owner = owner.clone();
                }
                if due.is_some() {
                    found.due = *due;
                }
                if priority.is_some() {
                    found.priority = *priority;
                }
                found.updates += 1;
            }
            Body::ActionItemClosed { item, .. } => {
                let Some(found) = self.action_items.iter_mut().find(|i| i.id == *item) else {
                    return Some("no such action item".into());
                };
                if found.closed_at.is_some() {
                    return Some("action item already closed".into());
                }
                found.closed_at = Some(at);
            }
            Body::Resolution {
                code,
                summary,
                checklist,
            } => {
                self.resolution = Some(ResolutionRecord {
                    at,
                    by: by.to_string(),
                    code: code.clone(),
                    summary: summary.clone(),
                    checklist: checklist.clone(),
                });
                if self.status.is_open() {
                    self.set_status(event, Status::Resolved);
                }
            }
            Body::ProblemHandoff {
                owner,
                root_cause,
                fix,
                ticket,
            } => {
                self.problem = Some(ProblemRecord {
                    at,
                    by: by.to_string(),
                    owner: owner.clone(),
                    root_cause: root_cause.clone(),
                    fix: fix.clone(),
                    ticket: ticket.clone(),
                });
                if self.status != Status::Closed {
                    self.set_status(event, Status::Closed);
                }
            }
            Body::Review { section, .. } => self.review.entry(*section).or_default().push(position),
            Body::ObjectiveAdded { text, stage } => self.objectives.push(Objective {
                id: event.id,
                text: text.clone(),
                stage: *stage,
                added_at: at,
                moved_at: at,
            }),
            Body::ObjectiveMoved { objective, stage } => {
                let Some(found) = self.objectives.iter_mut().find(|o| o.id == *objective) else {
                    return Some("no such objective".into());
                };
                found.stage = *stage;
                found.moved_at = at;
            }
            Body::TaskAdded { text, owner } => self.tasks.push(Task {
                id: event.id,
                text: text.clone(),
                owner: owner
                    .as_deref()
                    .map(|o| self.roster.spelling(o).to_string()),
                state: TaskState::Open,
                opened_at: at,
                since: at,
            }),
            Body::TaskMoved { task, state, owner } => {
                let owner = owner
                    .as_deref()
                    .map(|o| self.roster.spelling(o).to_string());
                let Some(found) = self.tasks.iter_mut().find(|t| t.id == *task) else {
                    return Some("no such task".into());
                };
                if let Some(state) = state
                    && *state != found.state
                {
                    found.state = *state;
                    found.since = at;
                }
                if owner.is_some() {
                    found.owner = owner;
                }
            }
            Body::HypothesisJudged {
                target,
                verdict,
                reason,
            } => {
                self.verdicts.insert(*target, (*verdict, reason.clone()));
            }
            Body::SituationSet {
                impact,
                services,
                regions,
                impact_start,
                impact_end,
                next_steps,
            } => {
                let s = &mut self.situation;
                if let Some(impact) = impact {
                    s.impact = Some(impact.clone());
                }
                if let Some(services) = services {
                    s.services = services.clone();
                }
                if let Some(regions) = regions {
                    s.regions = regions.clone();
                }
                if impact_start.is_some() {
                    s.impact_start = *impact_start;
                }
                if impact_end.is_some() {
                    s.impact_end = *impact_end;
                }
                if let Some(next) = next_steps {
                    s.next_steps = Some(next.clone());
                }
                s.changed = Some((at, by.to_string()));
                s.history.push((at, by.to_string(), position));
            }
            Body::Routed { to, .. } => {
                if self.declared_at.is_some() {
                    return Some("a declared incident is resolved, not routed".into());
                }
                // Recorded only when the routing closed it; a refused one changes nothing.
                let refused = self.set_status(event, Status::Closed);
                if refused.is_none() {
                    self.routed_to = Some(to.clone());
                }
                return refused;
            }
            Body::Correction { target, .. } => match self.position(*target) {
                Some(target) => return self.attach_correction(target, position),
                None => self
                    .pending_corrections
                    .entry(*target)
                    .or_default()
                    .push(position),
            },
            Body::StatusUpdate { audience, .. } => {
                self.last_updates.insert(*audience, at);
            }
            Body::Note { .. }
            | Body::HookRan { .. }
            | Body::Hypothesis { .. }
            | Body::Decision { .. }
            | Body::Action { .. }
            | Body::BriefingGiven { .. }
            | Body::Unknown { .. } => {}
        }
        None
    }

    fn set_status(&mut self, event: &Event, to: Status) -> Option<String> {
        let from = self.status;
        if from == to {
            return Some(format!("status was already {to}"));
        }
        let at = event.at;
        if !from.is_open() && to.is_open() {
            self.reopened += 1;
        }
        self.status_history.push(StatusChange {
            event: event.id,
            at,
            by: event.author.clone(),
            from,
            to,
        });
        self.status = to;
        if self.declared_at.is_none() && to.is_declared_active() {
            self.declared_at = Some(at);
            // Routed means routed and not declared since: a routed alert that comes back
            // and is declared is an incident like any other.
            self.routed_to = None;
        }
        match to {
            Status::Resolved => {
                self.resolved_at = Some(at);
                self.closed_at = None;
            }
            Status::Closed => {
                self.closed_at = Some(at);
                // A drill whose time ran out was closed, not resolved.
                if self.resolved_at.is_none() && !self.drill {
                    self.resolved_at = Some(at);
                }
            }
            _ => {
                self.resolved_at = None;
                self.closed_at = None;
            }
        }
        None
    }

    fn acknowledged(&mut self, at: crate::domain::Timestamp) {
        self.first_ack_at.get_or_insert(at);
    }

    /// Attaches the correction at `correction` to the entry at `target`.
    fn attach_correction(&mut self, target: usize, correction: usize) -> Option<String> {
        if !self.timeline[target].is_correctable() {
            let refusal = "only typed entries can be corrected; record a new event instead";
            self.timeline[correction].refused = Some(refusal.into());
            return Some(refusal.into());
        }
        let key = self.timeline[correction].event.order_key();
        let timeline = &self.timeline;
        let list = &self.timeline[target].corrections;
        let at = list.partition_point(|&i| timeline[i].event.order_key() < key);
        self.timeline[target].corrections.insert(at, correction);
        None
    }
}
