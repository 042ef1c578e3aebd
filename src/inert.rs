//! Text from the log is data: make it inert before it reaches a terminal.
//!
//! Anyone can type anything into an entry, and a peer can send anything. Control
//! characters, escape sequences (CSI, OSC, C1 codes) and bidi overrides would let that
//! text move the cursor, retitle the window, write the clipboard or reorder what others
//! read; invisible characters (zero-width spaces, soft hyphens, tag characters) would
//! let it hide words inside a name or an entry. Everything here maps such characters
//! to a visible, harmless spelling.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character reorders text around it (bidi embedding, override, isolate, mark).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a character is drawn as nothing at all: Unicode's default-ignorable code
/// points (DerivedCoreProperties.txt, `Default_Ignorable_Code_Point`).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
        | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Invisible characters that some writing needs: joiners inside emoji and in scripts
/// that join letters (Arabic, Persian, the Indic scripts), and the selectors that pick
/// an emoji's, an ideograph's or a Mongolian letter's form. Such a character is kept
/// only where that writing needs it (see [`must_mark`]); anywhere else it can only hide
/// something, and is marked.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

fn is_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{180B}'..='\u{180D}' | '\u{180F}')
}

/// Whether `c` can be the base of a selector of its kind: an emoji or symbol for
/// U+FE00-FE0F, an ideograph for U+E0100-E01EF, a Mongolian letter for U+180B-180F.
fn takes_selector(c: char, selector: char) -> bool {
    let emoji = is_emoji(c);
    match selector {
        '\u{FE00}'..='\u{FE0F}' => emoji || is_ideograph(c),
        '\u{E0100}'..='\u{E01EF}' => is_ideograph(c),
        _ => ('\u{1820}'..='\u{18AF}').contains(&c),
    }
}

/// Whether `c` is an emoji or a symbol that can be drawn as one: the blocks of
/// pictographs, dingbats, arrows and miscellaneous symbols (a superset of Unicode's
/// `Extended_Pictographic` in the Basic Multilingual Plane, all of it above it).
pub fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2190}'..='\u{21FF}' | '\u{2300}'..='\u{23FF}' | '\u{24C2}' | '\u{25A0}'..='\u{27BF}'
        | '\u{2900}'..='\u{297F}' | '\u{2B00}'..='\u{2BFF}' | '\u{3030}' | '\u{303D}'
        | '\u{3297}' | '\u{3299}' | '\u{1F000}'..='\u{1FAFF}')
}

fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// Whether `c` belongs to writing that joins: emoji (and an emoji's selector), Arabic
/// and the scripts that borrow its letters, and the Indic scripts.
fn joins(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' | '\u{0900}'..='\u{0DFF}'
        | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}' | '\u{FE0F}' | '\u{1F000}'..='\u{1FAFF}'
        | '\u{E0020}'..='\u{E007F}')
}

/// Whether a character must not reach a terminal as it is, regardless of what is
/// around it.
fn is_dangerous(c: char) -> bool {
    c.is_control()
        || is_bidi_control(c)
        || matches!(c, '\u{2028}' | '\u{2029}')
        || (is_invisible(c) && !is_joiner(c) && !is_selector(c))
}

/// Whether the character at `i` of `chars` is one of the tags of a subdivision flag
/// (🏴 U+1F3F4, then two to six tag letters or digits naming the region as in ISO
/// 3166-2, then the cancel tag U+E007F: England, Scotland, Wales), the one place tag
/// characters are writing and not hidden text.
fn in_flag_tags(chars: &[char], i: usize) -> bool {
    const LONGEST: usize = 6;
    let letter = |c: char| matches!(c, '\u{E0030}'..='\u{E0039}' | '\u{E0061}'..='\u{E007A}');
    if !(letter(chars[i]) || chars[i] == '\u{E007F}') {
        return false;
    }
    // The run of tag letters around `i`: back to the character before it, on to the
    // one after it (the cancel tag itself when `i` is that). Looked for no further than
    // the longest run could reach, so a long run of tags costs no more than a short one.
    let back = i.saturating_sub(LONGEST + 1);
    let Some(before) = (back..i).rev().find(|&j| !letter(chars[j])) else {
        return false;
    };
    let ahead = chars.len().min(i + LONGEST + 1);
    let Some(after) = (i..ahead).find(|&j| !letter(chars[j])) else {
        return false;
    };
    chars[before] == '\u{1F3F4}'
        && chars[after] == '\u{E007F}'
        && (2..=LONGEST).contains(&(after - before - 1))
}

/// Whether the character at `i` of `chars` must be marked, given its neighbours.
fn must_mark(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    if in_flag_tags(chars, i) {
        return false;
    }
    if is_dangerous(c) {
        return true;
    }
    let before = i.checked_sub(1).map(|j| chars[j]);
    let after = chars.get(i + 1).copied();
    if is_joiner(c) {
        // Between two characters of joining writing; never two joiners in a row.
        return !(before.is_some_and(joins) && after.is_some_and(|a| joins(a) && a != '\u{FE0F}'));
    }
    if is_selector(c) {
        // Once, right after a base that takes it; or in a keycap (a digit, # or *, the
        // emoji selector, then U+20E3: 1️⃣).
        let keycap = c == '\u{FE0F}'
            && before.is_some_and(|b| b.is_ascii_digit() || b == '#' || b == '*')
            && after == Some('\u{20E3}');
        return !(keycap || before.is_some_and(|b| takes_selector(b, c)));
    }
    false
}

/// Whether any character of `s` must be marked (a quick look before copying).
fn needs_marking(s: &str) -> bool {
    s.chars()
        .any(|c| is_dangerous(c) || is_joiner(c) || is_selector(c))
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
    if is_inert(s) {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in chars.iter().enumerate() {
        if must_mark(&chars, i) {
            escape_into(&mut out, *c, keep_newlines);
        } else {
            out.push(*c);
        }
    }
    Cow::Owned(out)
}

/// Whether `s` reaches a terminal as it is: nothing in it would be marked.
pub fn is_inert(s: &str) -> bool {
    if !needs_marking(s) {
        return true;
    }
    let chars: Vec<char> = s.chars().collect();
    (0..chars.len()).all(|i| !must_mark(&chars, i))
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
    fn invisible_characters_are_shown_where_they_could_hide_text() {
        for hidden in [
            "\u{200B}",
            "\u{FEFF}",
            "\u{00AD}",
            "\u{2060}",
            "\u{E0041}",
            "\u{E007F}",
            "\u{206A}",
            "\u{206F}",
            "\u{3164}",
            "\u{034F}",
            "\u{180E}",
        ] {
            let name = format!("al{hidden}ice");
            let shown = line(&name);
            assert_ne!(
                shown,
                name,
                "{:04X} is marked",
                hidden.chars().next().unwrap() as u32
            );
            assert!(
                shown.starts_with("al<U+") && shown.ends_with(">ice"),
                "{shown}"
            );
        }
        // Joiners and selectors beside ASCII, or where no writing needs them, can only
        // hide something.
        assert_eq!(line("al\u{200D}ice"), "al<U+200D>ice");
        assert_eq!(line("ok\u{FE0F}"), "ok<U+FE0F>");
        assert_eq!(
            line("1\u{FE0F}\u{20E3} #\u{FE0F}\u{20E3}"),
            "1\u{FE0F}\u{20E3} #\u{FE0F}\u{20E3}"
        );
        assert_eq!(line("1\u{FE0F}x"), "1<U+FE0F>x");
        // A subdivision flag's tags are writing; tags anywhere else hide text.
        let wales = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}";
        assert_eq!(line(&format!("{wales} ok")), format!("{wales} ok"));
        assert_eq!(
            line("a\u{E0067}\u{E0062}\u{E007F}"),
            "a<U+E0067><U+E0062><U+E007F>"
        );
        assert_eq!(
            line("\u{1F3F4}\u{E0067}\u{E0062}"),
            "\u{1F3F4}<U+E0067><U+E0062>"
        );
        assert_eq!(
            line("\u{1F3F4}\u{E0067}\u{E0062}\u{E0048}\u{E007F}"),
            "\u{1F3F4}<U+E0067><U+E0062><U+E0048><U+E007F>"
        );
        assert_eq!(line("\u{1F3F4}\u{E007F}"), "\u{1F3F4}<U+E007F>");
        assert_eq!(line("Zoë\u{FE0E}"), "Zoë<U+FE0E>");
        assert_eq!(line("Zoë\u{200D}é"), "Zoë<U+200D>é");
        assert_eq!(
            line("❤\u{FE0F}\u{FE0F}"),
            "❤\u{FE0F}<U+FE0F>",
            "a selector once, not a run of them"
        );
    }

    #[test]
    fn the_invisible_characters_writing_needs_are_kept() {
        for needed in [
            "👩\u{200D}💻 on call",
            "❤\u{FE0F} thanks",
            "می\u{200C}خواهم",
            "क्\u{200D}ष",
        ] {
            assert_eq!(line(needed), needed, "kept as typed");
        }
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
