//! Text from the log is data: make it inert before it reaches a terminal.
//!
//! Anyone can type anything into an entry, and a peer can send anything. Control
//! characters, escape sequences (CSI, OSC, C1 codes) and bidi overrides would let that
//! text move the cursor, retitle the window, write the clipboard or reorder what others
//! read. Everything here maps such characters to a visible, harmless spelling.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character reorders text around it (bidi embedding, override, isolate, mark).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a character must not reach a terminal as it is.
fn is_dangerous(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

fn escape_into(out: &mut String, c: char, keep_newlines: bool) {
    match c {
        '\n' if keep_newlines => out.push('\n'),
        '\n' => out.push_str(" ⏎ "),
        '\t' => out.push(' '),
        '\u{7f}' => out.push_str("^?"),
        c if (c as u32) < 0x20 => {
            out.push('^');
            out.push(char::from(b'@' + c as u8));
        }
        c => {
            let _ = write!(out, "<U+{:04X}>", c as u32);
        }
    }
}

fn make_inert(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_dangerous(c) {
            escape_into(&mut out, c, keep_newlines);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text made safe for one line: newlines shown as ` ⏎ `, controls as `^[`, `<U+009B>`, ...
pub fn line(s: &str) -> Cow<'_, str> {
    make_inert(s, false)
}

/// Text made safe but keeping its line breaks (for wrapped panes and documents).
pub fn text(s: &str) -> Cow<'_, str> {
    make_inert(s, true)
}

/// Makes serialised JSON safe to print: escapes DEL, C1 controls, bidi controls and
/// line separators as `\uXXXX`. JSON writers escape C0 already; the rest are legal in
/// JSON strings but not harmless on a terminal. The result is the same JSON value.
pub fn json(serialized: &str) -> Cow<'_, str> {
    // Raw whitespace can only be JSON's own layout: writers escape it inside strings.
    let escape = |c: char| is_dangerous(c) && !matches!(c, '\n' | '\r' | '\t');
    if !serialized.chars().any(escape) {
        return Cow::Borrowed(serialized);
    }
    let mut out = String::with_capacity(serialized.len() + 8);
    for c in serialized.chars() {
        if escape(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str =
        "a\u{1b}[2Jb\u{1b}]0;pwned\u{7}c\u{1b}]52;c;ZXZpbA==\u{1b}\\d\u{9b}31me\u{202e}f";

    #[test]
    fn escapes_every_control_and_bidi_character() {
        let safe = line(HOSTILE);
        assert!(!safe.chars().any(is_dangerous), "{safe}");
        assert_eq!(
            safe,
            "a^[[2Jb^[]0;pwned^Gc^[]52;c;ZXZpbA==^[\\d<U+009B>31me<U+202E>f"
        );
    }

    #[test]
    fn plain_text_passes_untouched_and_unallocated() {
        assert!(matches!(line("rollback 4512 — 完了 ✅"), Cow::Borrowed(_)));
        assert_eq!(line("one\ntwo"), "one ⏎ two");
        assert_eq!(text("one\ntwo\r"), "one\ntwo^M");
        assert_eq!(line("tab\there"), "tab here");
    }

    #[test]
    fn json_escaping_keeps_the_value() {
        let value = serde_json::json!({ "text": HOSTILE });
        let raw = serde_json::to_string(&value).unwrap();
        let safe = json(&raw);
        assert!(!safe.chars().any(is_dangerous), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let safe = json(&pretty);
        assert!(safe.contains("\n  \"text\""), "layout kept: {safe}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
    }
}
