//! The single point of authority: at most one commander, changed by claim or handoff.

use ulid::Ulid;

use super::roster::same_name;
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

/// A handoff the commander offered that the incoming commander has not yet accepted:
/// until they do, the commander who offered it holds command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingHandoff {
    /// The offer's event.
    pub event: Ulid,
    /// When it was offered.
    pub at: Timestamp,
    /// The commander offering it.
    pub from: String,
    /// The incoming commander, who accepts it.
    pub to: String,
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
    /// The handoff offered and not yet accepted or cancelled, if any.
    pub pending: Option<PendingHandoff>,
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

    /// Since when the commander holds command, if anyone does.
    pub fn since(&self) -> Option<Timestamp> {
        self.commander.as_ref()?;
        self.history.last().map(|c| c.at)
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

    /// Applies an assumption of command: `who` takes command from `from` (the reason is
    /// in the event), or from whoever holds it when `from` is not known. Refused when
    /// they hold it already, and, as a conflict for the commander to settle, when
    /// command is no longer `from`'s (someone else assumed or took it first).
    pub fn assume(
        &mut self,
        event: Ulid,
        at: Timestamp,
        who: &str,
        from: Option<&str>,
    ) -> Option<String> {
        if self.commander.as_deref() == Some(who) {
            return Some(format!("{who} already holds command"));
        }
        if let Some(from) = from
            && self.commander.as_deref() != Some(from)
        {
            let holder = self.commander.clone();
            let reason = format!(
                "{} holds command, not {from}; conflict recorded",
                holder.as_deref().unwrap_or("nobody")
            );
            self.refuse(event, at, who, holder);
            return Some(reason);
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

    /// Applies the commander's offer to hand command to `to`; it waits for `to` to
    /// accept. A newer offer replaces an older one. Refused when `from` does not hold
    /// command (command moved on before the offer was folded) or offers it to themself.
    pub fn offer(&mut self, event: Ulid, at: Timestamp, from: &str, to: &str) -> Option<String> {
        match self.commander.as_deref() {
            Some(holder) if holder == from && from == to => {
                Some(format!("{from} already holds command"))
            }
            Some(holder) if holder == from => {
                self.pending = Some(PendingHandoff {
                    event,
                    at,
                    from: from.to_string(),
                    to: to.to_string(),
                });
                None
            }
            holder => Some(format!(
                "{from} does not hold command ({} does)",
                holder.unwrap_or("nobody")
            )),
        }
    }

    /// Applies the incoming commander's acceptance of the handoff `from` offered to
    /// `to`: command changes hands now. Refused when no such offer is pending (it was
    /// cancelled, replaced, or command moved another way first).
    pub fn accept(&mut self, event: Ulid, at: Timestamp, from: &str, to: &str) -> Option<String> {
        // Names compare as one person whatever their case: the roster's spelling may
        // have changed between the offer and the answer.
        let matches = self
            .pending
            .as_ref()
            .is_some_and(|p| same_name(&p.from, from) && same_name(&p.to, to))
            && self
                .commander
                .as_deref()
                .is_some_and(|c| same_name(c, from));
        if !matches {
            return Some(format!("no handoff from {from} to {to} is pending"));
        }
        self.change(event, at, to, CommandHow::Handoff);
        for conflict in self.conflicts.iter_mut().filter(|c| c.settled_at.is_none()) {
            conflict.settled_at = Some(at);
        }
        None
    }

    /// Applies the cancellation of the handoff `from` offered to `to` (withdrawn by the
    /// commander, or declined by the incoming one). Refused when that offer is not
    /// pending.
    pub fn cancel(&mut self, from: &str, to: &str) -> Option<String> {
        match &self.pending {
            Some(p) if same_name(&p.from, from) && same_name(&p.to, to) => {
                self.pending = None;
                None
            }
            _ => Some(format!("no handoff from {from} to {to} is pending")),
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
        // Whatever was offered before was the old commander's to give.
        self.pending = None;
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
