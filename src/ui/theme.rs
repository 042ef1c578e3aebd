//! Themes: a style for each semantic slot, read from TOML. A theme file sets every
//! slot, or names a built-in theme as its `base` and sets only the slots it changes.
//! Reading a file is the caller's (the console's edge); this only parses text.

use ratatui::style::Style;
use serde::Deserialize;
use toml::Spanned;

use super::style::parse_style;
use crate::domain::{Category, Severity};

/// The built-in themes, by name.
pub const BUILTIN: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// Declares the slots once: the theme's fields, the file's `[styles]` table (which
/// refuses any other key) and how a file's entries fall back to its base.
macro_rules! slots {
    ($($(#[doc = $doc:literal])* $slot:ident,)*) => {
        /// A theme: one style per slot, which renderers read as fields.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Theme {
            /// The theme's name.
            pub name: String,
            $($(#[doc = $doc])* pub $slot: Style,)*
        }

        /// Every slot's name, as a theme file writes it.
        pub const SLOTS: &[&str] = &[$(stringify!($slot)),*];

        /// A theme file's `[styles]`: the text of each slot it sets, and where.
        #[derive(Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct StyleTexts {
            $($slot: Option<Spanned<String>>,)*
        }

        impl Theme {
            /// Every slot's name and style, in the order of [`SLOTS`].
            pub fn styles(&self) -> impl Iterator<Item = (&'static str, Style)> {
                SLOTS.iter().copied().zip([$(self.$slot),*])
            }

            /// Every slot in one style: what a built-in theme that failed to parse (a
            /// test forbids it) falls back to.
            fn uniform(name: &str, style: Style) -> Theme {
                Theme {
                    name: name.into(),
                    $($slot: style,)*
                }
            }
        }

        impl StyleTexts {
            /// The theme with these styles, each slot left out taken from `base`. A
            /// style that cannot be read is reported (with its line) before a missing one.
            fn resolve(
                self,
                name: String,
                base: Option<&Theme>,
                read: impl Fn(&Spanned<String>) -> Result<Style, ThemeError>,
                missing: impl Fn(&str) -> ThemeError,
            ) -> Result<Theme, ThemeError> {
                $(let $slot = self.$slot.as_ref().map(&read).transpose()?;)*
                Ok(Theme {
                    name,
                    $($slot: match ($slot, base) {
                        (Some(style), _) => style,
                        (None, Some(base)) => base.$slot,
                        (None, None) => return Err(missing(stringify!($slot))),
                    },)*
                })
            }
        }
    };
}

slots! {
    /// Body text.
    text,
    /// Secondary text: times, hints, counts.
    muted,
    /// A pane's border.
    border,
    /// The focused pane's border and title.
    border_focus,
    /// Titles and headings.
    title,
    /// The header bar.
    header,
    /// The selected line.
    selection,
    /// A key in the hint bar and help.
    hint_key,
    /// The words beside a key.
    hint_text,
    /// A notice in the hint bar.
    notice,
    /// An error.
    error,
    /// Severity P1.
    p1,
    /// Severity P2.
    p2,
    /// Severity P3.
    p3,
    /// Severity P4.
    p4,
    /// Severity P5.
    p5,
    /// Something past due.
    overdue,
    /// A command conflict.
    conflict,
    /// A struck entry.
    struck,
    /// The read-only label.
    read_only,
    /// Timeline: an alert.
    alert,
    /// Timeline: a note.
    note,
    /// Timeline: a hypothesis.
    hypothesis,
    /// Timeline: a decision.
    decision,
    /// Timeline: an action.
    action,
    /// Timeline: a status update.
    update,
    /// Timeline: a severity change.
    severity,
    /// Timeline: the opening and status changes.
    status,
    /// Timeline: command taken or handed off.
    command,
    /// Timeline: roster changes.
    roster,
    /// Timeline: action items and review findings.
    item,
    /// Timeline: the resolution.
    resolved,
    /// Timeline: a correction.
    correction,
    /// Timeline: a kind this build does not know.
    unknown,
}

/// A theme file: its name, the built-in it starts from (if any), its styles.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    base: Option<Spanned<String>>,
    #[serde(default)]
    styles: StyleTexts,
}

/// A theme that could not be read: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("theme {source_name}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
pub struct ThemeError {
    /// The file or built-in name.
    pub source_name: String,
    /// The line, when known.
    pub line: Option<usize>,
    /// What is wrong and what to do.
    pub message: String,
}

impl Theme {
    /// The style a severity is written in.
    pub fn severity(&self, severity: Severity) -> Style {
        match severity {
            Severity::P1 => self.p1,
            Severity::P2 => self.p2,
            Severity::P3 => self.p3,
            Severity::P4 => self.p4,
            Severity::P5 => self.p5,
        }
    }

    /// The style of a timeline entry's marker.
    pub fn category(&self, category: Category) -> Style {
        match category {
            Category::Opened | Category::Status => self.status,
            Category::Alert => self.alert,
            Category::Note => self.note,
            Category::Hypothesis => self.hypothesis,
            Category::Decision => self.decision,
            Category::Action => self.action,
            Category::StatusUpdate(_) => self.update,
            Category::Severity => self.severity,
            Category::Command => self.command,
            Category::Roster => self.roster,
            Category::ActionItem | Category::Review => self.item,
            Category::Resolution => self.resolved,
            Category::Routed
            | Category::Problem
            | Category::Situation
            | Category::Objective
            | Category::Task => self.status,
            Category::Correction => self.correction,
            Category::Unknown => self.unknown,
        }
    }

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Option<Theme> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(n, text)| Theme::parse(n, text).ok())
    }

    /// The names of the built-in themes, as a list people read.
    pub fn builtin_names() -> String {
        BUILTIN.map(|(n, _)| n).join(", ")
    }

    /// The default dark theme.
    pub fn dark() -> Theme {
        Theme::builtin("dark").unwrap_or_else(|| Theme::uniform("dark", Style::default()))
    }

    /// The monochrome theme (NO_COLOR, `--no-color`).
    pub fn mono() -> Theme {
        Theme::builtin("mono").unwrap_or_else(|| Theme::uniform("mono", Style::default()))
    }

    /// Reads a theme file's text; errors name the line.
    pub fn parse(source_name: &str, text: &str) -> Result<Theme, ThemeError> {
        let error = |line: Option<usize>, message: String| ThemeError {
            source_name: source_name.to_string(),
            line,
            message,
        };
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let at = |span: std::ops::Range<usize>| Some(line_of(span.start));
        let file: ThemeFile =
            toml::from_str(text).map_err(|e| error(e.span().and_then(at), describe(&e, text)))?;
        let base = match &file.base {
            None => None,
            Some(base) => Some(
                BUILTIN
                    .iter()
                    .find(|(n, _)| n == base.get_ref())
                    .map(|(n, text)| Theme::parse(n, text))
                    .transpose()?
                    .ok_or_else(|| {
                        error(
                            at(base.span()),
                            format!(
                                "unknown base theme '{}': use a built-in theme ({})",
                                base.get_ref(),
                                Theme::builtin_names()
                            ),
                        )
                    })?,
            ),
        };
        file.styles.resolve(
            file.name,
            base.as_ref(),
            |text| parse_style(text.get_ref()).map_err(|m| error(at(text.span()), m)),
            |missing| {
                error(
                    None,
                    format!(
                        "style '{missing}' is missing; every theme sets all of: {}, or names a \
                         built-in theme to start from (base = \"dark\") and sets only some",
                        SLOTS.join(", ")
                    ),
                )
            },
        )
    }
}

/// toml's words for what is wrong, except for a key `[styles]` does not have: that is
/// named as a style, with the list of styles. (serde reports it as an unknown field and
/// toml points at the key; the key is looked up in the table, not in the words.)
fn describe(e: &toml::de::Error, text: &str) -> String {
    let key = e.span().and_then(|s| text.get(s)).unwrap_or_default();
    let in_styles = || {
        toml::from_str::<toml::Table>(text).is_ok_and(|file| {
            file.get("styles")
                .and_then(toml::Value::as_table)
                .is_some_and(|styles| styles.contains_key(key))
        })
    };
    if !key.is_empty() && !SLOTS.contains(&key) && in_styles() {
        return format!(
            "unknown style '{key}'; the styles are: {}",
            SLOTS.join(", ")
        );
    }
    e.message().trim().to_string()
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Color, Modifier};

    use super::*;

    #[test]
    fn every_builtin_theme_parses_and_sets_every_slot() {
        for (name, text) in BUILTIN {
            let theme = Theme::parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(theme.name, name);
        }
    }

    #[test]
    fn the_monochrome_theme_uses_no_colour() {
        let mono = Theme::mono();
        for (slot, style) in mono.styles() {
            assert!(
                matches!(style.fg, None | Some(Color::Reset))
                    && matches!(style.bg, None | Some(Color::Reset)),
                "{slot} has a colour in mono"
            );
        }
        assert!(mono.selection.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn a_theme_may_set_some_styles_over_a_builtin_base() {
        let text = "name = \"mine\"\nbase = \"dark\"\n\n[styles]\ndecision = \"208 bold\"\n";
        let mine = Theme::parse("mine.toml", text).unwrap();
        let dark = Theme::dark();
        assert_eq!(mine.name, "mine");
        assert_eq!(mine.decision, Style::new().fg(Color::Indexed(208)).bold());
        assert_eq!(
            Theme {
                name: "dark".into(),
                decision: dark.decision,
                ..mine
            },
            dark,
            "every other style is the base's"
        );

        let err = Theme::parse("t.toml", "name = \"x\"\nbase = \"dusk\"\n").unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.message.contains("unknown base theme 'dusk'"), "{err}");
        assert!(err.message.contains("high-contrast"), "{err}");

        let err = Theme::parse("t.toml", "name = \"x\"\n[styles]\ntext = \"red\"\n").unwrap_err();
        assert!(err.message.contains("style 'muted' is missing"), "{err}");

        let err = Theme::parse("t.toml", "name = \"x\"\ncolour = 1\n").unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
        assert!(!err.message.contains("unknown style"), "{err}");
    }

    #[test]
    fn a_bad_theme_file_names_the_line() {
        let bad = BUILTIN[0].1.replace(
            "decision = \"bright_green bold\"",
            "decision = \"bright_grean bold\"",
        );
        let err = Theme::parse("mine.toml", &bad).unwrap_err();
        let want = BUILTIN[0]
            .1
            .lines()
            .position(|l| l.starts_with("decision"))
            .unwrap()
            + 1;
        assert_eq!(err.line, Some(want), "{err}");
        assert!(err.to_string().contains("mine.toml line"), "{err}");
        assert!(err.to_string().contains("bright_grean"), "{err}");

        let typo = BUILTIN[0].1.replace("muted =", "mutted =");
        let err = Theme::parse("t", &typo).unwrap_err();
        assert!(err.message.contains("unknown style 'mutted'"), "{err}");
        let want = typo.lines().position(|l| l.starts_with("mutted")).unwrap() + 1;
        assert_eq!(err.line, Some(want), "{err}");

        let syntax = "name = \"x\"\n[styles\n";
        let err = Theme::parse("t", syntax).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
    }
}
