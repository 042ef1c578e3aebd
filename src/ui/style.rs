//! A theme's style text, `FG [on BG] [MODIFIERS]`, as a ratatui `Style`.

use ratatui::style::{Color, Modifier, Style};

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

/// A colour as ratatui reads one (names, `bright_` or `light_` ones, 0-255, `#rrggbb`),
/// except three words kept as terminals and theme files have always meant them:
/// `default` is the terminal's own colour, `white` is ANSI white (ratatui's gray), and
/// `gray` is bright black (ratatui's dark gray). ratatui's `white` is `bright_white`.
fn parse_color(word: &str) -> Result<Color, String> {
    match word.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
        "default" => Ok(Color::Reset),
        "white" => Ok(Color::Gray),
        "gray" | "grey" => Ok(Color::DarkGray),
        _ => word.parse().map_err(|_| {
            format!(
                "unknown colour '{word}': use a name (red, bright_blue, ...), 0-255, #rrggbb, or default"
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn colours_are_ratatuis_with_256_indices_and_the_old_words_kept() {
        let fg = |text: &str| parse_style(text).unwrap().fg;
        assert_eq!(fg("208"), Some(Color::Indexed(208)));
        assert_eq!(fg("bright_white"), Some(Color::White));
        assert_eq!(fg("bright_black"), Some(Color::DarkGray));
        assert_eq!(fg("grey"), Some(Color::DarkGray));
        assert_eq!(fg("default"), Some(Color::Reset));
        assert_eq!(fg("light_blue"), Some(Color::LightBlue));
        assert!(parse_style("256").unwrap_err().contains("0-255"));
    }
}
