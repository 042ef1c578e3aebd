//! The console's theme as the user names it: a built-in by name, or a theme file read
//! here, at the edge; `ui` only ever parses text.

use std::path::Path;

use crate::ui::Theme;
use crate::ui::theme::{BUILTIN, ThemeError};

/// A built-in theme by name, or the theme file at a path.
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
            Theme::builtin_names()
        ),
    })?;
    Theme::parse(&path.display().to_string(), &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_a_builtin_and_anything_else_a_file() {
        assert_eq!(load("mono"), Ok(Theme::mono()));
        let err = load("/no/such/theme.toml").unwrap_err();
        assert!(err.message.contains("built-in theme"), "{err}");

        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("mine.toml");
        std::fs::write(
            &path,
            "name = \"mine\"\nbase = \"light\"\n[styles]\nnote = \"bold\"\n",
        )
        .unwrap();
        let mine = load(path.to_str().unwrap()).unwrap();
        assert_eq!(mine.name, "mine");
        assert_eq!(mine.alert, Theme::builtin("light").unwrap().alert);
        std::fs::write(&path, "name = \"mine\"\n\n[styles]\nnote = \"bold blu\"\n").unwrap();
        let err = load(path.to_str().unwrap()).unwrap_err().to_string();
        assert!(err.contains("mine.toml line 4"), "{err}");
    }
}
