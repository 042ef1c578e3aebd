//! Themes: a style for each semantic slot, read from TOML. A theme file sets every
//! slot, or names a built-in theme as its `base` and sets only the slots it changes.
//! Reading a file is the caller's (the console's edge); this only parses text.

use ratatui::style::{Color, Style};
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

            /// The theme with `f` applied to every slot's style.
            fn map_styles(mut self, f: impl Fn(Style) -> Style) -> Theme {
                $(self.$slot = f(self.$slot);)*
                self
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

/// How many colours a terminal shows, as its environment says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    /// 24-bit colour: `COLORTERM` is `truecolor` or `24bit`.
    TrueColor,
    /// The 256-colour palette: a `TERM` that names it (`xterm-256color`,
    /// `screen-256color`, `tmux-256color`).
    Indexed,
    /// The 16 system colours: any other terminal (`linux`, plain `screen`, `vt220`).
    Ansi16,
}

impl ColorDepth {
    /// The depth `COLORTERM` and `TERM` promise; when neither says more, 16 colours.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> ColorDepth {
        let colorterm = colorterm.unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorDepth::TrueColor;
        }
        let term = term.unwrap_or_default().to_ascii_lowercase();
        if term.contains("256color") || term.contains("direct") {
            ColorDepth::Indexed
        } else {
            ColorDepth::Ansi16
        }
    }

    /// The depth of the terminal this process runs in.
    pub fn of_environment() -> ColorDepth {
        ColorDepth::detect(
            std::env::var("COLORTERM").ok().as_deref(),
            std::env::var("TERM").ok().as_deref(),
        )
    }

    /// `color` as this depth can show it: the nearest of the palette it has.
    pub fn fit(self, color: Color) -> Color {
        match (self, color) {
            (ColorDepth::TrueColor, c) => c,
            (ColorDepth::Indexed, Color::Rgb(r, g, b)) => Color::Indexed(nearest_256(r, g, b)),
            (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => nearest_16(r, g, b),
            (ColorDepth::Ansi16, Color::Indexed(i)) if i >= 16 => {
                let (r, g, b) = rgb_of_256(i);
                nearest_16(r, g, b)
            }
            // A system colour by its number is sent by its name (SGR 30-37, 90-97).
            (ColorDepth::Ansi16, Color::Indexed(i)) => SYSTEM[usize::from(i)].0,
            (_, c) => c,
        }
    }
}

/// The six levels of each channel in the 256-colour palette's cube (xterm's values).
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The sRGB of a palette entry from 16 to 255: the 6x6x6 cube, then 24 greys.
fn rgb_of_256(index: u8) -> (u8, u8, u8) {
    if index >= 232 {
        let grey = 8 + 10 * (index - 232);
        return (grey, grey, grey);
    }
    let i = index.saturating_sub(16);
    (
        CUBE[usize::from(i / 36)],
        CUBE[usize::from(i / 6 % 6)],
        CUBE[usize::from(i % 6)],
    )
}

/// The distance between two colours, weighted as the eye weighs red, green and blue.
fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8, w: u32| w * u32::from(x.abs_diff(y)).pow(2);
    d(a.0, b.0, 3) + d(a.1, b.1, 4) + d(a.2, b.2, 2)
}

/// The nearest entry of the 256-colour palette's cube and grey ramp (16 to 255: the
/// 16 system colours are each terminal's own, so never chosen).
fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    (16..=255u8)
        .min_by_key(|i| distance(rgb_of_256(*i), (r, g, b)))
        .unwrap_or(16)
}

/// The 16 system colours as xterm shows them by default, with their names.
const SYSTEM: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// The nearest of the 16 system colours.
fn nearest_16(r: u8, g: u8, b: u8) -> Color {
    SYSTEM
        .iter()
        .min_by_key(|(_, rgb)| distance(*rgb, (r, g, b)))
        .map_or(Color::Reset, |(c, _)| *c)
}

impl Theme {
    /// The theme as a terminal of `depth` can show it: every colour it lacks becomes
    /// the nearest it has (a yellow badge stays yellow on GNU screen).
    pub fn for_depth(self, depth: ColorDepth) -> Theme {
        self.map_styles(|style| Style {
            fg: style.fg.map(|c| depth.fit(c)),
            bg: style.bg.map(|c| depth.fit(c)),
            underline_color: style.underline_color.map(|c| depth.fit(c)),
            ..style
        })
    }

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

    #[test]
    fn colours_fit_the_depth_a_terminal_has() {
        use super::ColorDepth::{self, *};
        assert_eq!(
            ColorDepth::detect(Some("truecolor"), Some("screen")),
            TrueColor
        );
        assert_eq!(ColorDepth::detect(None, Some("screen-256color")), Indexed);
        assert_eq!(ColorDepth::detect(Some(""), Some("screen")), Ansi16);
        assert_eq!(ColorDepth::detect(None, Some("linux")), Ansi16);
        assert_eq!(ColorDepth::detect(None, None), Ansi16);
        // The cube and the grey ramp, exactly where they hold the colour.
        assert_eq!(Indexed.fit(Color::Rgb(95, 135, 175)), Color::Indexed(67));
        assert_eq!(Indexed.fit(Color::Rgb(128, 128, 128)), Color::Indexed(244));
        assert_eq!(Indexed.fit(Color::Rgb(255, 255, 255)), Color::Indexed(231));
        // Sixteen: a light yellow stays yellow, a grey stays grey.
        assert_eq!(Ansi16.fit(Color::Rgb(0xff, 0xd7, 0x5f)), Color::LightYellow);
        assert_eq!(Ansi16.fit(Color::Indexed(242)), Color::DarkGray);
        assert_eq!(Ansi16.fit(Color::Indexed(1)), Color::Red);
        assert_eq!(TrueColor.fit(Color::Rgb(1, 2, 3)), Color::Rgb(1, 2, 3));
    }
}
