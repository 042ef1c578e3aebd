//! The single point of authority: at most one commander, changed by claim or handoff.

use ulid::Ulid;

use super::time::Timestamp;

/// How command changed hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandHow {
    /// Taken while nobody held it.
    Claim,
    /// Handed over by the commander.
    Handoff,
    /// Assumed, with a stated reason, from a commander who could not hand over.
    Assumed,
}

/// One change of commander.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandChange {
    /// The event that made the change.
    pub event: Ulid,
    /// When it happened.
    pub at: Timestamp,
    /// The commander before, if any.
    pub from: Option<String>,
    /// The commander after.
    pub to: String,
    /// Claim or handoff.
    pub how: CommandHow,
}

/// A claim or handoff that the rule refused because someone else held command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandConflict {
    /// The refused event.
    pub event: Ulid,
    /// When it happened.
    pub at: Timestamp,
    /// Who it would have made commander.
    pub claimant: String,
    /// Who held command when it came (in the total order).
    pub holder: Option<String>,
    /// When the commander confirmed command, settling it.
    pub settled_at: Option<Timestamp>,
}

/// Who is in command, how it got there, and any unsettled conflict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    /// The one commander, if anybody holds command.
    pub commander: Option<String>,
    /// Every change of commander, oldest first.
    pub history: Vec<CommandChange>,
    /// Every refused claim or handoff, settled or not.
    pub conflicts: Vec<CommandConflict>,
}

impl Command {
    /// Conflicts not yet settled by the commander's confirmation.
    pub fn open_conflicts(&self) -> impl Iterator<Item = &CommandConflict> {
        self.conflicts.iter().filter(|c| c.settled_at.is_none())
    }

    /// Whether a conflict is waiting for the commander to confirm.
    pub fn in_conflict(&self) -> bool {
        self.open_conflicts().next().is_some()
    }

    /// Each commander's time in command, oldest first: the change that gave it and when
    /// it ended (the next change, else `end`; `None` while it lasts).
    pub fn tenures(
        &self,
        end: Option<Timestamp>,
    ) -> impl Iterator<Item = (&CommandChange, Option<Timestamp>)> {
        self.history
            .iter()
            .enumerate()
            .map(move |(i, change)| (change, self.history.get(i + 1).map(|n| n.at).or(end)))
    }

    /// Number of handoffs so far.
    pub fn handoffs(&self) -> usize {
        self.history
            .iter()
            .filter(|c| c.how == CommandHow::Handoff)
            .count()
    }

    /// Applies a claim; returns why it was refused, if it was.
    pub fn claim(&mut self, event: Ulid, at: Timestamp, who: &str) -> Option<String> {
        match &self.commander {
            None => {
                self.change(event, at, who, CommandHow::Claim);
                None
            }
            Some(holder) if holder == who => Some(format!("{who} already holds command")),
            Some(holder) => {
                let reason = format!("{holder} already holds command; conflict recorded");
                self.refuse(event, at, who, Some(holder.clone()));
                Some(reason)
            }
        }
    }

    /// Applies an assumption of command: `who` takes command from whoever holds it
    /// (the reason is in the event); refused only when they hold it already.
    pub fn assume(&mut self, event: Ulid, at: Timestamp, who: &str) -> Option<String> {
        if self.commander.as_deref() == Some(who) {
            return Some(format!("{who} already holds command"));
        }
        self.change(event, at, who, CommandHow::Assumed);
        // Taking command this way settles any earlier dispute over it.
        for conflict in self.conflicts.iter_mut().filter(|c| c.settled_at.is_none()) {
            conflict.settled_at = Some(at);
        }
        None
    }

    /// Applies a handoff; only the current commander can hand over.
    pub fn hand_off(&mut self, event: Ulid, at: Timestamp, from: &str, to: &str) -> Option<String> {
        match &self.commander {
            Some(holder) if holder == from => {
                if from == to {
                    return Some(format!("{from} already holds command"));
                }
                self.change(event, at, to, CommandHow::Handoff);
                // Handing command on is the commander's deliberate word on who holds
                // it: a conflicting claim from before is settled by it.
                for conflict in self.conflicts.iter_mut().filter(|c| c.settled_at.is_none()) {
                    conflict.settled_at = Some(at);
                }
                None
            }
            holder => {
                let holder = holder.clone();
                let reason = match &holder {
                    Some(h) => {
                        format!("{from} does not hold command ({h} does); conflict recorded")
                    }
                    None => {
                        format!("{from} does not hold command (nobody does); conflict recorded")
                    }
                };
                self.refuse(event, at, to, holder);
                Some(reason)
            }
        }
    }

    /// Applies a confirmation: the commander settles every open conflict.
    pub fn confirm(&mut self, at: Timestamp, who: &str) -> Option<String> {
        if self.commander.as_deref() != Some(who) {
            return Some(format!(
                "{who} does not hold command; only the commander can confirm"
            ));
        }
        let mut settled = false;
        for conflict in self.conflicts.iter_mut().filter(|c| c.settled_at.is_none()) {
            conflict.settled_at = Some(at);
            settled = true;
        }
        if settled {
            None
        } else {
            Some("no conflict to settle".into())
        }
    }

    fn change(&mut self, event: Ulid, at: Timestamp, to: &str, how: CommandHow) {
        self.history.push(CommandChange {
            event,
            at,
            from: self.commander.clone(),
            to: to.to_string(),
            how,
        });
        self.commander = Some(to.to_string());
    }

    fn refuse(&mut self, event: Ulid, at: Timestamp, claimant: &str, holder: Option<String>) {
        self.conflicts.push(CommandConflict {
            event,
            at,
            claimant: claimant.to_string(),
            holder,
            settled_at: None,
        });
    }
}
