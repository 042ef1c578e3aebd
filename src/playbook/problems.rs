//! Problems in a TOML file people write (a playbook, a drill scenario), each with the
//! line it is on, collected rather than stopping at the first.

use std::fmt::Display;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use toml::Spanned;

/// One thing wrong with a file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line, when known.
    pub line: Option<usize>,
    /// What is wrong and what to do.
    pub message: String,
}

impl Problem {
    /// The problem as `FILE:LINE: message` (or `FILE: message` without a line).
    pub fn located(&self, source_name: &str) -> String {
        match self.line {
            Some(line) => format!("{source_name}:{line}: {}", self.message),
            None => format!("{source_name}: {}", self.message),
        }
    }
}

/// Collects problems with the line each span starts on.
pub(crate) struct Problems<'a> {
    text: &'a str,
    /// What was found so far, in the order found.
    pub(crate) found: Vec<Problem>,
}

impl<'a> Problems<'a> {
    /// A collector for problems in `text`.
    pub(crate) fn new(text: &'a str) -> Problems<'a> {
        Problems {
            text,
            found: Vec::new(),
        }
    }

    /// Reads the whole file into `T`; a syntax or shape error is the one problem.
    pub(crate) fn toml<T: DeserializeOwned>(&self) -> Result<T, Vec<Problem>> {
        toml::from_str(self.text).map_err(|e| {
            vec![Problem {
                line: e.span().map(|s| self.line(s.start)),
                message: e.message().trim().to_string(),
            }]
        })
    }

    /// The line (from 1) a byte offset is on.
    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    /// A problem on the line where `spanned` starts.
    pub(crate) fn at<T>(&mut self, spanned: &Spanned<T>, message: impl Into<String>) {
        let line = self.line(spanned.span().start);
        self.found.push(Problem {
            line: Some(line),
            message: message.into(),
        });
    }

    /// A problem with no one line (something missing).
    pub(crate) fn anywhere(&mut self, message: impl Into<String>) {
        self.found.push(Problem {
            line: None,
            message: message.into(),
        });
    }

    /// Reads a value with `read`; when it fails, its error is a problem on that line.
    pub(crate) fn read<T, E: Display>(
        &mut self,
        spanned: &Spanned<String>,
        read: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match read(spanned.get_ref()) {
            Ok(value) => Some(value),
            Err(e) => {
                self.at(spanned, e.to_string());
                None
            }
        }
    }

    /// Parses a value (a severity, a role, an audience...); when it fails, its error is a
    /// problem on that line.
    pub(crate) fn parse<T>(&mut self, spanned: &Spanned<String>) -> Option<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.read(spanned, str::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Severity;

    #[test]
    fn problems_carry_the_line_their_value_is_on() {
        #[derive(serde::Deserialize)]
        struct File {
            a: Spanned<String>,
            b: Spanned<String>,
        }
        let text = "a = \"P2\"\n\nb = \"P9\"\n";
        let mut p = Problems::new(text);
        let file: File = p.toml().unwrap();
        assert_eq!(p.parse::<Severity>(&file.a), Some(Severity::P2));
        assert_eq!(p.parse::<Severity>(&file.b), None);
        p.anywhere("c is missing");
        let lines: Vec<String> = p.found.iter().map(|p| p.located("f.toml")).collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with("f.toml:3: unknown severity 'P9'"),
            "{lines:?}"
        );
        assert_eq!(lines[1], "f.toml: c is missing");
        let err = Problems::new("a = \n").toml::<File>().err().unwrap();
        assert_eq!(err[0].line, Some(1));
    }
}
