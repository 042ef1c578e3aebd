//! Severity triage: questions whose answers set impact and urgency (or force a
//! severity), and an impact x urgency matrix that turns them into a severity.
//!
//! The playbook supplies the model; `assess` is pure, so the wizard can show the
//! resulting severity and its reason after every answer.

use super::event::TriageAnswer;
use super::severity::Severity;

/// What choosing an answer says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Choice {
    /// The answer as shown.
    pub answer: String,
    /// The impact level it means (1 is the widest), if it speaks to impact.
    pub impact: Option<u8>,
    /// The urgency level it means (1 is the most urgent), if it speaks to urgency.
    pub urgency: Option<u8>,
    /// A severity this answer forces whatever the matrix says (a breach is always P1).
    pub force: Option<Severity>,
}

/// One triage question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// A short key, e.g. `scope`.
    pub key: String,
    /// The question as asked.
    pub text: String,
    /// The answers to choose from, worst first.
    pub choices: Vec<Choice>,
}

/// A whole triage: questions, the matrix, and the threshold to declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageModel {
    /// The questions, in the order they are asked.
    pub questions: Vec<Question>,
    /// `matrix[impact - 1][urgency - 1]` is the severity.
    pub matrix: Vec<Vec<Severity>>,
    /// The urgency assumed until a question sets it.
    pub default_urgency: u8,
    /// Declare an incident at this severity or worse.
    pub threshold: Severity,
}

/// The severity some answers lead to, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The severity, once impact is known (or an answer forces one).
    pub severity: Option<Severity>,
    /// The reasoning, in words.
    pub reason: String,
}

impl TriageModel {
    /// Whether a severity meets the threshold to declare an incident.
    pub fn declares(&self, severity: Severity) -> bool {
        severity <= self.threshold
    }

    /// Applies the matrix to the answers given so far (a choice index per question).
    pub fn assess(&self, answers: &[Option<usize>]) -> Assessment {
        let chosen: Vec<(&Question, &Choice)> = self
            .questions
            .iter()
            .zip(answers)
            .filter_map(|(q, a)| a.and_then(|i| q.choices.get(i)).map(|c| (q, c)))
            .collect();
        if let Some((q, c)) = chosen
            .iter()
            .filter(|(_, c)| c.force.is_some())
            .min_by_key(|(_, c)| c.force)
        {
            let forced = c.force.unwrap_or(Severity::P1);
            return Assessment {
                severity: Some(forced),
                reason: format!("{}: {} (always {forced})", q.key, c.answer),
            };
        }
        // The worst answer on each axis counts.
        let axis = |pick: fn(&Choice) -> Option<u8>| {
            chosen
                .iter()
                .filter_map(|(q, c)| pick(c).map(|level| (level, *q, *c)))
                .min_by_key(|(level, _, _)| *level)
        };
        let Some((impact, iq, ic)) = axis(|c| c.impact) else {
            return Assessment {
                severity: None,
                reason: "impact not known yet".into(),
            };
        };
        let urgency = axis(|c| c.urgency);
        let u = urgency
            .map(|(level, _, _)| level)
            .unwrap_or(self.default_urgency);
        let severity = self.cell(impact, u);
        let urgency_words = match urgency {
            Some((level, q, c)) => format!("urgency {level} ({}: {})", q.key, c.answer),
            None => format!("urgency {u} assumed until answered"),
        };
        Assessment {
            severity,
            reason: format!(
                "impact {impact} ({}: {}) x {urgency_words}",
                iq.key, ic.answer
            ),
        }
    }

    /// The matrix cell for an impact and an urgency (levels from 1), clamped to the matrix.
    pub fn cell(&self, impact: u8, urgency: u8) -> Option<Severity> {
        let row = self
            .matrix
            .get((impact.max(1) as usize - 1).min(self.matrix.len().saturating_sub(1)))?;
        row.get((urgency.max(1) as usize - 1).min(row.len().saturating_sub(1)))
            .copied()
    }

    /// Every severity some complete set of answers leads to.
    pub fn reachable(&self) -> Vec<Severity> {
        let mut found = std::collections::BTreeSet::new();
        let mut answers = vec![Some(0); self.questions.len()];
        loop {
            if let Some(s) = self.assess(&answers).severity {
                found.insert(s);
            }
            // Next combination (odometer over every question's choices).
            let mut i = 0;
            loop {
                let Some(q) = self.questions.get(i) else {
                    return found.into_iter().collect();
                };
                let next = answers[i].map_or(0, |a| a + 1);
                if next < q.choices.len() {
                    answers[i] = Some(next);
                    break;
                }
                answers[i] = Some(0);
                i += 1;
            }
        }
    }

    /// Turns chosen indices into the answers recorded with a severity.
    pub fn answers_for(&self, answers: &[Option<usize>]) -> Vec<TriageAnswer> {
        self.questions
            .iter()
            .zip(answers)
            .filter_map(|(q, a)| {
                a.and_then(|i| q.choices.get(i)).map(|c| TriageAnswer {
                    question: q.text.clone(),
                    answer: c.answer.clone(),
                })
            })
            .collect()
    }

    /// The short key of a question, given its text (for compact display).
    pub fn key_of(&self, question_text: &str) -> Option<&str> {
        self.questions
            .iter()
            .find(|q| q.text == question_text)
            .map(|q| q.key.as_str())
    }
}

/// A walk through the questions: where it is and what was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// The answer chosen for each question, if any.
    pub answers: Vec<Option<usize>>,
    /// The question being asked.
    pub current: usize,
    /// The highlighted choice of the current question.
    pub highlighted: usize,
}

impl Walk {
    /// A fresh walk over `model`'s questions.
    pub fn new(model: &TriageModel) -> Walk {
        Walk {
            answers: vec![None; model.questions.len()],
            current: 0,
            highlighted: 0,
        }
    }

    /// Chooses an answer for the current question and moves to the next one.
    pub fn choose(&mut self, model: &TriageModel, choice: usize) {
        let Some(q) = model.questions.get(self.current) else {
            return;
        };
        if choice < q.choices.len() {
            self.answers[self.current] = Some(choice);
            self.current = (self.current + 1).min(model.questions.len());
            self.highlight_answer();
        }
    }

    /// Goes back to the previous question to change its answer.
    pub fn back(&mut self) {
        self.current = self.current.saturating_sub(1);
        self.highlight_answer();
    }

    /// Highlights the current question's answer, or its first choice if unanswered.
    fn highlight_answer(&mut self) {
        self.highlighted = self
            .answers
            .get(self.current)
            .copied()
            .flatten()
            .unwrap_or(0);
    }

    /// Whether every question has an answer.
    pub fn complete(&self) -> bool {
        self.answers.iter().all(Option::is_some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> TriageModel {
        let choice = |answer: &str,
                      impact: Option<u8>,
                      urgency: Option<u8>,
                      force: Option<Severity>| Choice {
            answer: answer.into(),
            impact,
            urgency,
            force,
        };
        TriageModel {
            questions: vec![
                Question {
                    key: "scope".into(),
                    text: "Who?".into(),
                    choices: vec![
                        choice("all", Some(1), None, None),
                        choice("few", Some(2), None, None),
                    ],
                },
                Question {
                    key: "data".into(),
                    text: "Data?".into(),
                    choices: vec![
                        choice("yes", None, None, Some(Severity::P1)),
                        choice("no", None, None, None),
                    ],
                },
                Question {
                    key: "trend".into(),
                    text: "Worse?".into(),
                    choices: vec![
                        choice("yes", None, Some(1), None),
                        choice("no", None, Some(2), None),
                    ],
                },
            ],
            matrix: vec![
                vec![Severity::P1, Severity::P2],
                vec![Severity::P3, Severity::P4],
            ],
            default_urgency: 2,
            threshold: Severity::P3,
        }
    }

    #[test]
    fn assesses_after_every_answer() {
        let m = model();
        assert_eq!(m.assess(&[None, None, None]).severity, None);
        let a = m.assess(&[Some(1), None, None]);
        assert_eq!(a.severity, Some(Severity::P4), "urgency 2 assumed");
        assert!(a.reason.contains("assumed"), "{}", a.reason);
        assert_eq!(
            m.assess(&[Some(1), Some(1), Some(0)]).severity,
            Some(Severity::P3)
        );
        let forced = m.assess(&[Some(1), Some(0), Some(1)]);
        assert_eq!(forced.severity, Some(Severity::P1));
        assert!(forced.reason.contains("always P1"));
        assert_eq!(
            m.reachable(),
            vec![Severity::P1, Severity::P2, Severity::P3, Severity::P4]
        );
    }

    #[test]
    fn a_walk_goes_forward_back_and_changes_answers() {
        let m = model();
        let mut w = Walk::new(&m);
        w.choose(&m, 1);
        w.choose(&m, 1);
        assert_eq!(w.current, 2);
        w.back();
        assert_eq!((w.current, w.highlighted), (1, 1));
        w.choose(&m, 0);
        w.choose(&m, 0);
        assert!(w.complete());
        assert_eq!(m.assess(&w.answers).severity, Some(Severity::P1));
        assert_eq!(m.answers_for(&w.answers).len(), 3);
    }
}
