//! Word-wrapping styled text by display width, so wide characters (CJK, emoji) never
//! push past a border.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A run of text in one style.
pub type Segment = (String, Style);

/// Splits segments into words, spaces and line breaks, keeping each piece's style.
fn tokens(segments: &[Segment]) -> Vec<(String, Style)> {
    let mut out = Vec::new();
    for (text, style) in segments {
        let mut current = String::new();
        let mut in_space = false;
        for c in text.chars() {
            if c == '\n' {
                if !current.is_empty() {
                    out.push((std::mem::take(&mut current), *style));
                }
                out.push(("\n".into(), *style));
                in_space = false;
                continue;
            }
            let space = c == ' ';
            if space != in_space && !current.is_empty() {
                out.push((std::mem::take(&mut current), *style));
            }
            in_space = space;
            current.push(c);
        }
        if !current.is_empty() {
            out.push((current, *style));
        }
    }
    out
}

/// Wraps styled text to `width` columns; lines after the first start with `indent`
/// spaces. Words longer than a line are broken by character.
pub fn wrap(segments: &[Segment], width: usize, indent: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let indent = indent.min(width.saturating_sub(1));
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0usize;
    let new_line =
        |lines: &mut Vec<Line<'static>>, spans: &mut Vec<Span<'static>>, used: &mut usize| {
            // Spaces at a break are dropped, not left at the end of the line.
            while spans.len() > 1 && spans.last().is_some_and(|s| s.content.trim().is_empty()) {
                spans.pop();
            }
            lines.push(Line::from(std::mem::take(spans)));
            spans.push(Span::raw(" ".repeat(indent)));
            *used = indent;
        };
    for (token, style) in tokens(segments) {
        if token == "\n" {
            new_line(&mut lines, &mut spans, &mut used);
            continue;
        }
        let w = token.width();
        let is_space = token.starts_with(' ');
        if used + w <= width {
            spans.push(Span::styled(token, style));
            used += w;
            continue;
        }
        if is_space {
            // A break swallows the spaces at it.
            new_line(&mut lines, &mut spans, &mut used);
            continue;
        }
        if w <= width - indent && used > indent {
            new_line(&mut lines, &mut spans, &mut used);
            spans.push(Span::styled(token, style));
            used += w;
            continue;
        }
        // Too long for any line: break it by character.
        let mut piece = String::new();
        for c in token.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width {
                if !piece.is_empty() {
                    spans.push(Span::styled(std::mem::take(&mut piece), style));
                }
                new_line(&mut lines, &mut spans, &mut used);
            }
            piece.push(c);
            used += cw;
        }
        if !piece.is_empty() {
            spans.push(Span::styled(piece, style));
        }
    }
    lines.push(Line::from(spans));
    lines
}

/// Cuts text to at most `width` columns, ending with `…` when cut (never inside a
/// character made of several code points, such as an accent or an emoji sequence).
pub fn truncate(text: &str, width: usize) -> String {
    crate::format::shorten(text, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str, width: usize, indent: usize) -> Vec<String> {
        wrap(&[(text.to_string(), Style::default())], width, indent)
            .into_iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect()
    }

    #[test]
    fn wraps_words_with_a_hanging_indent() {
        assert_eq!(
            plain("roll back deploy 4512 now", 12, 2),
            ["roll back", "  deploy", "  4512 now"]
        );
        assert_eq!(plain("one\ntwo", 20, 1), ["one", " two"]);
    }

    #[test]
    fn wide_characters_never_exceed_the_width() {
        for line in plain(
            "障害対応中です。チェックアウトが失敗しています 🔥🔥🔥🔥",
            10,
            0,
        ) {
            assert!(line.width() <= 10, "{line:?} is {} wide", line.width());
        }
        for line in plain("averyveryverylongwordwithoutspaces", 8, 2) {
            assert!(line.width() <= 8, "{line:?}");
        }
    }

    #[test]
    fn truncates_by_width() {
        assert_eq!(truncate("checkout", 20), "checkout");
        assert_eq!(truncate("checkout failing", 9), "checkout…");
        assert!(truncate("障害対応中です", 6).width() <= 6);
        assert_eq!(truncate("障害対応中です", 6), "障害…");
        assert_eq!(truncate("cafe\u{301} au lait", 5), "cafe\u{301}…");
        assert_eq!(truncate("anything", 0), "…");
    }
}
