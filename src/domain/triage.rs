//! The default severity triage: questions, and how answers lead to a severity.
//!
//! A team's playbook can replace these; this is the matrix from the domain page, so the
//! tool is useful before anyone writes one.

use super::event::TriageAnswer;
use super::severity::Severity;

/// One triage question and its choices, worst first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// A short key, e.g. `scope`.
    pub key: &'static str,
    /// The question as asked.
    pub text: &'static str,
    /// The answers to choose from.
    pub choices: &'static [&'static str],
}

/// The default questions, in the order they are asked.
pub const DEFAULT_QUESTIONS: [Question; 3] = [
    Question {
        key: "scope",
        text: "Who is affected?",
        choices: &[
            "everyone, or a core service is down",
            "one region or a major feature",
            "some users, and a workaround exists",
            "a few users",
            "nobody outside the company",
        ],
    },
    Question {
        key: "data",
        text: "Is data at risk, or a security breach suspected?",
        choices: &["yes", "no"],
    },
    Question {
        key: "trend",
        text: "Is it getting worse?",
        choices: &["yes, spreading", "stable", "recovering"],
    },
];

/// The severity some answers lead to, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The severity, once the scope is known.
    pub severity: Option<Severity>,
    /// The reasoning, in words.
    pub reason: String,
}

/// Applies the default matrix to answers given so far (by choice index, per question).
pub fn assess(answers: &[Option<usize>]) -> Assessment {
    let get = |i: usize| answers.get(i).copied().flatten();
    let Some(scope) = get(0) else {
        return Assessment {
            severity: None,
            reason: "scope not known yet".into(),
        };
    };
    let base = Severity::ALL[scope.min(4)];
    if get(1) == Some(0) {
        return Assessment {
            severity: Some(Severity::P1),
            reason: "data at risk or breach suspected: always P1".into(),
        };
    }
    if get(2) == Some(0) && base > Severity::P1 {
        let raised = Severity::ALL[base.level() as usize - 2];
        return Assessment {
            severity: Some(raised),
            reason: format!("{} raised one level because it is spreading", base),
        };
    }
    Assessment {
        severity: Some(base),
        reason: format!("scope: {}", DEFAULT_QUESTIONS[0].choices[scope.min(4)]),
    }
}

/// Turns chosen indices into the answers recorded with a severity.
pub fn answers_for(answers: &[Option<usize>]) -> Vec<TriageAnswer> {
    DEFAULT_QUESTIONS
        .iter()
        .zip(answers)
        .filter_map(|(q, a)| {
            a.and_then(|i| q.choices.get(i)).map(|choice| TriageAnswer {
                question: q.text.to_string(),
                answer: choice.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_matrix() {
        let p = |a: &[Option<usize>]| assess(a).severity;
        assert_eq!(p(&[]), None);
        assert_eq!(p(&[Some(0), Some(1), Some(1)]), Some(Severity::P1));
        assert_eq!(p(&[Some(1), Some(1), Some(1)]), Some(Severity::P2));
        assert_eq!(p(&[Some(2), Some(1), Some(1)]), Some(Severity::P3));
        assert_eq!(p(&[Some(3), Some(1), Some(2)]), Some(Severity::P4));
        assert_eq!(p(&[Some(4), None, None]), Some(Severity::P5));
        assert_eq!(
            p(&[Some(4), Some(0), None]),
            Some(Severity::P1),
            "data always P1"
        );
        assert_eq!(
            p(&[Some(2), Some(1), Some(0)]),
            Some(Severity::P2),
            "spreading raises"
        );
        assert_eq!(
            p(&[Some(0), Some(1), Some(0)]),
            Some(Severity::P1),
            "no higher than P1"
        );
        let recorded = answers_for(&[Some(1), None, Some(0)]);
        assert_eq!(recorded.len(), 2);
        assert_eq!(recorded[0].answer, "one region or a major feature");
    }
}
