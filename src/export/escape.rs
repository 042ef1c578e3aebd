//! Text from the log, written into Markdown so that it reads as typed: escaped exactly
//! where CommonMark (and the GitHub extensions wikis use: tables, strikethrough) would
//! read it as markup, and left alone everywhere else, so `->` stays `->`.
//!
//! What is escaped, with a backslash: link and image brackets; code backticks;
//! emphasis and strikethrough markers that could open or close a span; `<` where it
//! would start HTML or an autolink; `&` where it would start an entity; table pipes;
//! a backslash that would escape what follows; and, at the start of the text, what
//! would make a heading, a list, a quote, a rule or a fenced block.

use crate::inert;

/// Text made inert, on one line, and escaped for Markdown.
pub fn md(text: &str) -> String {
    let text = inert::line(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        if needs_escape(c, before, after, &chars[i..]) {
            out.push('\\');
        }
        out.push(c);
    }
    escape_line_start(&out)
}

/// Text that may hold line breaks, for a list item: each line made inert and escaped
/// as [`md`] does, the lines joined by CommonMark hard breaks (a backslash at the end
/// of a line) and indented by `indent` to stay in the item. Blank lines are dropped:
/// they would end the item.
pub fn md_lines(text: &str, indent: &str) -> String {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .map(md)
        .collect::<Vec<_>>()
        .join(&format!("\\\n{indent}"))
}

/// Whether `c`, between `before` and `after` (and with `rest` from it on), would be
/// read as Markdown.
fn needs_escape(c: char, before: Option<char>, after: Option<char>, rest: &[char]) -> bool {
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    match c {
        '[' | ']' | '`' | '|' => true,
        // A run of `*` or `~` opens or closes a span unless it stands between spaces.
        '*' | '~' => !(space(before) && space(after)),
        // `_` inside a word (snake_case) never does.
        '_' => !(space(before) && space(after) || word(before) && word(after)),
        '<' => after.is_some_and(|a| a.is_ascii_alphabetic() || matches!(a, '/' | '!' | '?')),
        '&' => is_entity(&rest[1..]),
        '\\' => after.is_none_or(|a| a.is_ascii_punctuation()),
        _ => false,
    }
}

/// Whether text after `&` reads as an entity (`amp;`, `#123;`, `#x1F;`).
fn is_entity(rest: &[char]) -> bool {
    let name: Vec<char> = rest
        .iter()
        .copied()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
        .collect();
    !name.is_empty() && rest.get(name.len()) == Some(&';')
}

/// Escapes what would make a block of the text if it started a line: `#` headings,
/// `-` `+` `*` and `1.` lists, `>` quotes, `=` and `-` underlines and rules, fences.
fn escape_line_start(text: &str) -> String {
    let trimmed = text.trim_start_matches(' ');
    let lead = &text[..text.len() - trimmed.len()];
    let mut chars = trimmed.chars();
    let Some(first) = chars.next() else {
        return text.to_string();
    };
    let second = chars.next();
    let block = match first {
        '#' | '>' | '=' => true,
        '-' | '+' | '*' => second.is_none_or(|s| s == ' ' || s == first),
        c if c.is_ascii_digit() => {
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            let mut after = trimmed.chars().skip(digits);
            matches!(after.next(), Some('.' | ')')) && after.next().is_none_or(|c| c == ' ')
        }
        _ => false,
    };
    if !block {
        return text.to_string();
    }
    if first.is_ascii_digit() {
        let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
        return format!("{lead}{}\\{}", &trimmed[..digits], &trimmed[digits..]);
    }
    format!("{lead}\\{trimmed}")
}

/// Text for the end of an ATX heading (`# ...`): also escapes a closing run of `#`
/// that CommonMark would drop.
pub fn md_heading(text: &str) -> String {
    let escaped = md(text);
    let body = escaped.trim_end_matches('#');
    if body.len() < escaped.len() && (body.is_empty() || body.ends_with(' ')) {
        return format!("{body}\\{}", &escaped[body.len()..]);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_reads_as_typed() {
        for typed in [
            "roll back deploy 4512 -> EU first",
            "snake_case_name and 2 * 3 = 6",
            "50% of 5xx > 1k/s; p99 < 2 s",
            "C:\\Users\\ops is fine",
            "AT&T outage, a - b",
        ] {
            assert_eq!(md(typed), typed);
        }
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            md("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(md("![](http://e/x.png)"), "!\\[\\](http://e/x.png)");
        assert_eq!(
            md("*bold* _it_ ~~gone~~ `code`"),
            "\\*bold\\* \\_it\\_ \\~\\~gone\\~\\~ \\`code\\`"
        );
        assert_eq!(md("<b>hi</b> <https://x>"), "\\<b>hi\\</b> \\<https://x>");
        assert_eq!(md("&amp; a|b"), "\\&amp; a\\|b");
        assert_eq!(md("# not a heading"), "\\# not a heading");
        assert_eq!(md("- not a list"), "\\- not a list");
        assert_eq!(md("* not a list"), "\\* not a list");
        assert_eq!(md("+ not a list"), "\\+ not a list");
        assert_eq!(md("1. not a list"), "1\\. not a list");
        assert_eq!(md("> not a quote"), "\\> not a quote");
        assert_eq!(md("ends with \\"), "ends with \\\\");
        assert_eq!(md_heading("issue #"), "issue \\#");
        assert_eq!(md_heading("C#"), "C#");
    }
}
