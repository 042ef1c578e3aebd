//! The entry box: what is being written, as which kind, and what is being sent.

use serde::{Deserialize, Serialize};
use tui_textarea::TextArea;
use ulid::Ulid;

use crate::domain::{Audience, Body};

/// The kinds of entry the box writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A free note.
    #[default]
    Note,
    /// A decision.
    Decision,
    /// Something done.
    Action,
    /// A possible cause.
    Hypothesis,
    /// An update to the responders.
    UpdateResponders,
    /// An update to executives.
    UpdateExecutives,
    /// An update to customers.
    UpdateCustomers,
    /// An alert someone passed on.
    Alert,
}

impl EntryKind {
    /// Every kind, in the order Tab cycles them, with the prefix that picks it.
    pub const PREFIXES: [(EntryKind, &'static str); 8] = [
        (EntryKind::Note, "/n"),
        (EntryKind::Decision, "/d"),
        (EntryKind::Action, "/a"),
        (EntryKind::Hypothesis, "/h"),
        (EntryKind::UpdateResponders, "/s"),
        (EntryKind::UpdateExecutives, "/x"),
        (EntryKind::UpdateCustomers, "/c"),
        (EntryKind::Alert, "/!"),
    ];

    /// The status update to `audience`.
    pub fn update_to(audience: Audience) -> EntryKind {
        match audience {
            Audience::Responders => EntryKind::UpdateResponders,
            Audience::Executives => EntryKind::UpdateExecutives,
            Audience::Customers => EntryKind::UpdateCustomers,
        }
    }

    /// The prefix that picks this kind when typed first, like `/d`.
    pub fn prefix(self) -> &'static str {
        Self::PREFIXES
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("/n", |(_, p)| *p)
    }

    /// A short form for a narrow title: `update→cust`.
    pub fn short(self) -> &'static str {
        match self {
            EntryKind::UpdateResponders => "update→team",
            EntryKind::UpdateExecutives => "update→exec",
            EntryKind::UpdateCustomers => "update→cust",
            other => other.label(),
        }
    }

    /// The word shown in the box's title.
    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Note => "note",
            EntryKind::Decision => "decision",
            EntryKind::Action => "action",
            EntryKind::Hypothesis => "hypothesis",
            EntryKind::UpdateResponders => "status update to responders",
            EntryKind::UpdateExecutives => "status update to executives",
            EntryKind::UpdateCustomers => "status update to customers",
            EntryKind::Alert => "alert",
        }
    }

    /// The kind after this one.
    pub fn next(self) -> EntryKind {
        let i = Self::PREFIXES
            .iter()
            .position(|(k, _)| *k == self)
            .unwrap_or(0);
        Self::PREFIXES[(i + 1) % Self::PREFIXES.len()].0
    }

    /// The event body for some text of this kind.
    pub fn body(self, text: String) -> Body {
        match self {
            EntryKind::Note => Body::Note { text },
            EntryKind::Decision => Body::Decision { text },
            EntryKind::Action => Body::Action { text },
            EntryKind::Hypothesis => Body::Hypothesis { text },
            EntryKind::UpdateResponders => Body::StatusUpdate {
                audience: Audience::Responders,
                text,
            },
            EntryKind::UpdateExecutives => Body::StatusUpdate {
                audience: Audience::Executives,
                text,
            },
            EntryKind::UpdateCustomers => Body::StatusUpdate {
                audience: Audience::Customers,
                text,
            },
            EntryKind::Alert => Body::Alert { text, source: None },
        }
    }
}

/// Reads a kind prefix such as `/d ` at the start of the text; returns the kind and the
/// rest of the text.
pub fn split_prefix(text: &str) -> Option<(EntryKind, &str)> {
    let (word, rest) = match text.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest),
        None => (text, ""),
    };
    EntryKind::PREFIXES
        .iter()
        .find(|(_, prefix)| *prefix == word)
        .map(|(kind, _)| (*kind, rest.trim_start()))
}

/// Splits a credit off an entry's text: `@alice: we roll back` is alice's words,
/// recorded by whoever types them (a scribe). The name runs from `@` to the first `:`
/// and holds no space; anything else (`@alice please look`) is text.
pub fn split_credit(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix('@')?;
    let (name, words) = rest.split_once(':')?;
    let plain = !name.is_empty() && !name.chars().any(char::is_whitespace);
    plain.then(|| (name, words.trim_start()))
}

/// An entry sent to the store and not yet confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Which kind.
    pub kind: EntryKind,
    /// The text as typed, prefix included.
    pub text: String,
}

/// A draft saved as it is typed, offered back after a crash or a dropped session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The incident it was written for.
    pub incident: Option<Ulid>,
    /// Its kind.
    pub kind: EntryKind,
    /// Its text (what was being sent, then what was being typed).
    pub text: String,
}

/// The entry box's state.
pub struct EntryBox {
    /// Whether the box has the keyboard.
    pub open: bool,
    /// The kind chosen with Tab (a typed prefix overrides it).
    pub kind: EntryKind,
    /// The text being written.
    pub textarea: TextArea<'static>,
    /// What was sent and is waiting for the store, oldest first: entries typed ahead
    /// (a fast typist, a slow link, lines pasted) queue rather than being refused, and
    /// the store commits them in this order.
    pub pending: std::collections::VecDeque<Pending>,
    /// Why the last send failed, shown until the next one.
    pub error: Option<String>,
    /// The kind of the status update the box was filled with from its template, while
    /// that text is in the box: committing it as another kind asks first.
    pub prefilled: Option<EntryKind>,
    /// The incident shown when the text in the box was begun: committing it to another
    /// (after switching) asks first.
    pub written_for: Option<Ulid>,
}

impl Default for EntryBox {
    fn default() -> Self {
        EntryBox {
            open: false,
            kind: EntryKind::Note,
            textarea: new_textarea(""),
            pending: std::collections::VecDeque::new(),
            error: None,
            prefilled: None,
            written_for: None,
        }
    }
}

/// `first`, then `then` on the lines after it unless `then` is blank.
fn joined(first: &str, then: &str) -> String {
    if then.trim().is_empty() {
        first.to_string()
    } else {
        format!("{first}\n{then}")
    }
}

fn new_textarea(text: &str) -> TextArea<'static> {
    let lines = if text.is_empty() {
        vec![String::new()]
    } else {
        text.split('\n').map(String::from).collect()
    };
    let mut textarea = TextArea::new(lines);
    textarea.set_wrap_mode(tui_textarea::WrapMode::WordOrGlyph);
    // Styles are set once, here: the box's block carries the theme's text style, so the
    // text area adds none of its own and no underline on the cursor's line.
    textarea.set_style(ratatui::style::Style::default());
    textarea.set_cursor_line_style(ratatui::style::Style::default());
    // The terminal's own cursor shows where typing goes (the renderer places it): a
    // drawn one would cost two changed cells on every keystroke.
    textarea.set_cursor_style(ratatui::style::Style::default());
    textarea.move_cursor(tui_textarea::CursorMove::Bottom);
    textarea.move_cursor(tui_textarea::CursorMove::End);
    textarea
}

impl EntryBox {
    /// The text in the box.
    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }

    /// Notes which incident the text was begun for: the one `shown` when the box went
    /// from empty to holding text; forgotten when the box is empty again.
    pub fn note_target(&mut self, shown: Option<Ulid>) {
        if self.textarea.is_empty() {
            self.written_for = None;
            self.prefilled = None;
            if self
                .error
                .as_deref()
                .is_some_and(|e| e.starts_with("not logged"))
            {
                self.error = None;
            }
        } else if self.written_for.is_none() {
            self.written_for = shown;
        }
    }

    /// After an entry leaves the box: a status update's or an alert's kind lasts for
    /// that one entry (the next words typed are a note unless said otherwise), so text
    /// meant for the room never goes to customers because a kind was left chosen.
    pub fn after_commit(&mut self) {
        if matches!(
            self.kind,
            EntryKind::UpdateResponders
                | EntryKind::UpdateExecutives
                | EntryKind::UpdateCustomers
                | EntryKind::Alert
        ) {
            self.kind = EntryKind::Note;
        }
        self.prefilled = None;
        self.written_for = None;
    }

    /// Replaces the text in the box.
    pub fn set_text(&mut self, text: &str) {
        self.textarea = new_textarea(text);
    }

    /// Puts `text`, written as `kind`, back in the box ahead of anything typed since
    /// (a send that failed, a recovered draft); a typed prefix still picks the kind.
    pub fn restore(&mut self, text: &str, kind: EntryKind) {
        let text = joined(text, &self.text());
        self.set_text(&text);
        if split_prefix(&text).is_none() {
            self.kind = kind;
        }
    }

    /// The kind the entry will be logged as: a typed prefix, or the chosen kind.
    pub fn effective_kind(&self) -> EntryKind {
        let first = self
            .textarea
            .lines()
            .first()
            .map(String::as_str)
            .unwrap_or("");
        self.kind_of(first)
    }

    /// The kind text whose first line is `first` is logged as: its prefix's, else the
    /// box's.
    fn kind_of(&self, first: &str) -> EntryKind {
        split_prefix(first).map(|(k, _)| k).unwrap_or(self.kind)
    }

    /// What a crash must not lose: the pending texts, then the text being typed.
    pub fn draft(&self, incident: Option<Ulid>) -> Option<Draft> {
        self.draft_of(self.text(), incident)
    }

    /// The draft as it will be once `typed` is typed at the cursor (with no selection),
    /// without typing it: for the console to stage a key before the text box takes it
    /// (the box's own insert lays out its text again, which can wait until the key is
    /// on screen). A test holds it equal to [`EntryBox::draft`] after the insert.
    pub fn draft_typing(&self, typed: char, incident: Option<Ulid>) -> Option<Draft> {
        let (row, col) = (self.textarea.cursor().0, self.textarea.cursor().1);
        let mut text = String::new();
        for (n, line) in self.textarea.lines().iter().enumerate() {
            if n > 0 {
                text.push('\n');
            }
            if n == row {
                let at = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
                text.push_str(&line[..at]);
                text.push(typed);
                text.push_str(&line[at..]);
            } else {
                text.push_str(line);
            }
        }
        self.draft_of(text, incident)
    }

    fn draft_of(&self, typed: String, incident: Option<Ulid>) -> Option<Draft> {
        let first_line = typed.split('\n').next().unwrap_or("");
        let own_kind = self.kind_of(first_line);
        let text = self
            .pending
            .iter()
            .rev()
            .fold(typed, |after, p| joined(&p.text, &after));
        if text.trim().is_empty() {
            return None;
        }
        let kind = self.pending.front().map(|p| p.kind).unwrap_or(own_kind);
        Some(Draft {
            incident,
            kind,
            text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The draft staged for a key before the box takes it is the draft after it: at
    /// the start, middle and end of a line, on a later line, after wide characters and
    /// joined emoji, a key that makes a prefix, and with texts still sending.
    #[test]
    fn the_draft_with_a_key_typed_is_the_draft_after_typing_it() {
        use tui_textarea::CursorMove;
        let cases: [(&str, (u16, u16), char); 7] = [
            ("", (0, 0), 'x'),
            ("roll back", (0, 4), 'X'),
            ("roll back", (0, 9), '!'),
            (
                "one\ntwo 障害 \u{1F469}\u{200D}\u{1F52C} three",
                (1, 12),
                'y',
            ),
            ("one\ntwo", (0, 0), ' '),
            ("d roll back", (0, 0), '/'),
            ("second", (0, 6), '.'),
        ];
        for (n, (text, (row, col), typed)) in cases.into_iter().enumerate() {
            let mut entry = EntryBox::default();
            entry.textarea.insert_str(text);
            if n == 6 {
                entry.pending.push_back(Pending {
                    kind: EntryKind::Decision,
                    text: "first".into(),
                });
            }
            entry.textarea.move_cursor(CursorMove::Jump(row, col));
            let incident = Some(Ulid::from_parts(1, 1));
            let staged = entry.draft_typing(typed, incident);
            entry.textarea.insert_char(typed);
            assert_eq!(staged, entry.draft(incident), "case {n}: {text:?}");
        }
    }

    #[test]
    fn prefixes_pick_the_kind_and_are_stripped() {
        assert_eq!(
            split_prefix("/d roll back"),
            Some((EntryKind::Decision, "roll back"))
        );
        assert_eq!(
            split_prefix("/x  EU down"),
            Some((EntryKind::UpdateExecutives, "EU down"))
        );
        assert_eq!(split_prefix("/!"), Some((EntryKind::Alert, "")));
        assert_eq!(split_prefix("/dx not a prefix"), None);
        assert_eq!(split_prefix("plain"), None);
        let mut kind = EntryKind::Note;
        for _ in 0..EntryKind::PREFIXES.len() {
            kind = kind.next();
        }
        assert_eq!(kind, EntryKind::Note, "Tab cycles through every kind");
    }

    #[test]
    fn the_draft_holds_what_is_pending_and_what_is_typed() {
        let mut entry = EntryBox::default();
        assert_eq!(entry.draft(None), None);
        entry.set_text("/h maybe DNS");
        assert_eq!(entry.draft(None).unwrap().kind, EntryKind::Hypothesis);
        entry.pending.push_back(Pending {
            kind: EntryKind::Hypothesis,
            text: "/h maybe DNS".into(),
        });
        entry.set_text("second thought");
        let draft = entry.draft(None).unwrap();
        assert_eq!(draft.text, "/h maybe DNS\nsecond thought");
    }
}
