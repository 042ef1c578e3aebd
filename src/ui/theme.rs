//! Themes: named styles for semantic slots, read from TOML.

use std::collections::HashMap;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

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

/// Every slot a theme sets; a theme file must set each one.
pub const SLOTS: [&str; 34] = [
    "text",
    "muted",
    "border",
    "border_focus",
    "title",
    "header",
    "selection",
    "hint_key",
    "hint_text",
    "notice",
    "error",
    "p1",
    "p2",
    "p3",
    "p4",
    "p5",
    "overdue",
    "conflict",
    "struck",
    "read_only",
    "alert",
    "note",
    "hypothesis",
    "decision",
    "action",
    "update",
    "severity",
    "status",
    "command",
    "roster",
    "item",
    "resolved",
    "correction",
    "unknown",
];

/// A theme: one style per slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// The theme's name.
    pub name: String,
    styles: HashMap<&'static str, Style>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    styles: HashMap<String, toml::Spanned<String>>,
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
    /// The style of a slot (the default style for a slot no theme knows).
    pub fn style(&self, slot: &str) -> Style {
        self.styles.get(slot).copied().unwrap_or_default()
    }

    /// The style a severity is written in.
    pub fn severity(&self, severity: Severity) -> Style {
        self.style(match severity {
            Severity::P1 => "p1",
            Severity::P2 => "p2",
            Severity::P3 => "p3",
            Severity::P4 => "p4",
            Severity::P5 => "p5",
        })
    }

    /// The style of a timeline entry's marker.
    pub fn category(&self, category: Category) -> Style {
        self.style(match category {
            Category::Opened | Category::Status => "status",
            Category::Alert => "alert",
            Category::Note => "note",
            Category::Hypothesis => "hypothesis",
            Category::Decision => "decision",
            Category::Action => "action",
            Category::StatusUpdate(_) => "update",
            Category::Severity => "severity",
            Category::Command => "command",
            Category::Roster => "roster",
            Category::ActionItem => "item",
            Category::Resolution => "resolved",
            Category::Correction => "correction",
            Category::Review => "item",
            Category::Unknown => "unknown",
        })
    }

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Option<Theme> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(n, text)| Theme::parse(n, text).ok())
    }

    /// The default dark theme.
    pub fn dark() -> Theme {
        Theme::builtin("dark").unwrap_or_else(|| Theme {
            name: "dark".into(),
            styles: HashMap::new(),
        })
    }

    /// The monochrome theme (NO_COLOR, `--no-color`).
    pub fn mono() -> Theme {
        Theme::builtin("mono").unwrap_or_else(|| Theme {
            name: "mono".into(),
            styles: HashMap::new(),
        })
    }

    /// A built-in theme by name, or a theme file by path.
    pub fn load(name_or_path: &str) -> Result<Theme, ThemeError> {
        if let Some((name, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Theme::parse(name, text);
        }
        let path = Path::new(name_or_path);
        let text = crate::files::read_to_string(path).map_err(|e| ThemeError {
            source_name: name_or_path.to_string(),
            line: None,
            message: format!(
                "cannot read it ({e}); use a built-in theme ({}) or a path to a .toml file",
                BUILTIN.map(|(n, _)| n).join(", ")
            ),
        })?;
        Theme::parse(&path.display().to_string(), &text)
    }

    /// Reads a theme file's text; errors name the line.
    pub fn parse(source_name: &str, text: &str) -> Result<Theme, ThemeError> {
        let error = |line: Option<usize>, message: String| ThemeError {
            source_name: source_name.to_string(),
            line,
            message,
        };
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let file: ThemeFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(s.start));
            error(line, e.message().trim().to_string())
        })?;
        let mut styles = HashMap::new();
        for (key, value) in &file.styles {
            let Some(slot) = SLOTS.iter().find(|s| **s == key.as_str()) else {
                return Err(error(
                    Some(line_of(value.span().start)),
                    format!(
                        "unknown style '{key}'; the styles are: {}",
                        SLOTS.join(", ")
                    ),
                ));
            };
            let style = parse_style(value.get_ref())
                .map_err(|m| error(Some(line_of(value.span().start)), m))?;
            styles.insert(*slot, style);
        }
        if let Some(missing) = SLOTS.iter().find(|s| !styles.contains_key(*s)) {
            return Err(error(
                None,
                format!(
                    "style '{missing}' is missing; every theme sets all of: {}",
                    SLOTS.join(", ")
                ),
            ));
        }
        Ok(Theme {
            name: file.name,
            styles,
        })
    }
}

/// Reads `FG [on BG] [MODIFIERS]`.
pub fn parse_style(text: &str) -> Result<Style, String> {
    let mut style = Style::default();
    let mut words = text.split_whitespace().peekable();
    let mut fg_set = false;
    while let Some(word) = words.next() {
        if word == "on" {
            let bg = words
                .next()
                .ok_or("'on' needs a background colour after it")?;
            style = style.bg(parse_color(bg)?);
            continue;
        }
        if let Some(modifier) = parse_modifier(word) {
            style = style.add_modifier(modifier);
            continue;
        }
        if fg_set {
            return Err(format!(
                "'{word}' is not a modifier (bold, dim, italic, underline, reverse, crossed)"
            ));
        }
        style = style.fg(parse_color(word)?);
        fg_set = true;
    }
    Ok(style)
}

fn parse_modifier(word: &str) -> Option<Modifier> {
    Some(match word {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underline" => Modifier::UNDERLINED,
        "reverse" => Modifier::REVERSED,
        "crossed" => Modifier::CROSSED_OUT,
        _ => return None,
    })
}

fn parse_color(word: &str) -> Result<Color, String> {
    if let Some(hex) = word.strip_prefix('#') {
        let valid = hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit());
        if !valid {
            return Err(format!("colour '{word}' is not #rrggbb"));
        }
        let n = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
        return Ok(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
    }
    Ok(match word {
        "default" | "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "white" => Color::Gray,
        "bright_black" | "gray" | "grey" => Color::DarkGray,
        "bright_red" => Color::LightRed,
        "bright_green" => Color::LightGreen,
        "bright_yellow" => Color::LightYellow,
        "bright_blue" => Color::LightBlue,
        "bright_magenta" => Color::LightMagenta,
        "bright_cyan" => Color::LightCyan,
        "bright_white" => Color::White,
        _ => {
            return Err(format!(
                "unknown colour '{word}': use a name (red, bright_blue, ...), #rrggbb, or default"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
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
        for slot in SLOTS {
            let style = mono.style(slot);
            assert!(
                matches!(style.fg, None | Some(Color::Reset))
                    && matches!(style.bg, None | Some(Color::Reset)),
                "{slot} has a colour in mono"
            );
        }
        assert!(
            mono.style("selection")
                .add_modifier
                .contains(Modifier::REVERSED)
        );
    }

    #[test]
    fn styles_read_colours_backgrounds_and_modifiers() {
        let s = parse_style("white on #102030 bold underline").unwrap();
        assert_eq!(s.fg, Some(Color::Gray));
        assert_eq!(s.bg, Some(Color::Rgb(0x10, 0x20, 0x30)));
        assert!(
            s.add_modifier
                .contains(Modifier::BOLD | Modifier::UNDERLINED)
        );
        assert!(
            parse_style("blu")
                .unwrap_err()
                .contains("unknown colour 'blu'")
        );
        assert!(
            parse_style("red green")
                .unwrap_err()
                .contains("not a modifier")
        );
        assert!(parse_style("red on").unwrap_err().contains("background"));
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

        let syntax = "name = \"x\"\n[styles\n";
        let err = Theme::parse("t", syntax).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");

        let err = Theme::load("/no/such/theme.toml").unwrap_err();
        assert!(err.message.contains("built-in theme"), "{err}");
    }
}
