//! A frame's colours and attributes said in as few bytes as show the same thing.
//!
//! ratatui's backend sets the foreground and background together at every change
//! (`ESC[38;5;8;49m`, 13 bytes, even when the background is already the default) and
//! each attribute in a sequence of its own; over a 56 kbit SSH link a full screen is
//! then more escape sequences than text. [`tighten`] follows what each sequence asks
//! for and sends, just before the next character or erase, one sequence with only
//! what changed from what the terminal has (ECMA-48 SGR). Palette colours 8 to 15 are
//! sent as the bright forms (`90`-`97`, `100`-`107`), which select the same entries in
//! every terminal with 256 colours and the same colours in those with 16; 0 to 7 are
//! left as they came (`38;5;1` is not `31` under bold, which xterm brightens).
//!
//! ratatui starts each frame from the default pen and ends it with resets; the frame
//! writer drops those resets and carries the pen the terminal has from one frame to
//! the next, so a frame that draws two cells in a colour costs no reset after them.
//! A sequence this does not understand (an underline colour, a sub-parameter) leaves
//! the frame as it was, between resets.

/// Attributes that SGR turns on with their number (1 bold to 9 crossed out) and off
/// with 20 more (22 turns off both bold and dim).
const ATTRIBUTES: [u8; 8] = [1, 2, 3, 4, 5, 7, 8, 9];

/// What the terminal draws with: colours as the parameters that set them (`None`:
/// the default) and attributes by their SGR number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Pen {
    fg: Option<String>,
    bg: Option<String>,
    /// Bit `n` set: attribute `n` (of [`ATTRIBUTES`]) is on.
    on: u16,
}

impl Pen {
    fn has(&self, attribute: u8) -> bool {
        self.on & (1 << attribute) != 0
    }

    /// Whether a space drawn with this pen looks like a blank cell: the default
    /// background, and nothing that marks an empty cell (underline, blink, reverse,
    /// crossing out).
    pub(super) fn draws_blank(&self) -> bool {
        self.bg.is_none() && ![4, 5, 7, 9].iter().any(|a| self.has(*a))
    }

    /// Applies one SGR sequence's parameters; `None` for one not understood.
    pub(super) fn apply(&mut self, params: &str) -> Option<()> {
        let list: Vec<&str> = params.split(';').collect();
        let mut i = 0;
        while i < list.len() {
            let n: u16 = if list[i].is_empty() {
                0
            } else {
                list[i].parse().ok()?
            };
            match n {
                0 => *self = Pen::default(),
                1..=9 if ATTRIBUTES.contains(&(n as u8)) => self.on |= 1 << n,
                22 => self.on &= !((1 << 1) | (1 << 2)),
                23..=29 if ATTRIBUTES.contains(&((n - 20) as u8)) => self.on &= !(1 << (n - 20)),
                30..=37 | 90..=97 => self.fg = Some(n.to_string()),
                39 => self.fg = None,
                40..=47 | 100..=107 => self.bg = Some(n.to_string()),
                49 => self.bg = None,
                38 | 48 => {
                    let colour = match list.get(i + 1).copied() {
                        Some("5") => {
                            let index: u8 = list.get(i + 2)?.parse().ok()?;
                            i += 2;
                            match index {
                                8..=15 if n == 38 => (90 + index - 8).to_string(),
                                8..=15 => (100 + u16::from(index) - 8).to_string(),
                                _ => format!("{n};5;{index}"),
                            }
                        }
                        Some("2") => {
                            let rgb: Vec<u8> = list
                                .get(i + 2..i + 5)?
                                .iter()
                                .map(|c| c.parse().ok())
                                .collect::<Option<_>>()?;
                            i += 4;
                            format!("{n};2;{};{};{}", rgb[0], rgb[1], rgb[2])
                        }
                        _ => return None,
                    };
                    if n == 38 {
                        self.fg = Some(colour);
                    } else {
                        self.bg = Some(colour);
                    }
                }
                _ => return None,
            }
            i += 1;
        }
        Some(())
    }

    /// The parameters that take a terminal from `self` to `to` (empty: nothing):
    /// `0` to the default, else what changes, or `0` and all of `to` when that is
    /// shorter.
    fn change_to(&self, to: &Pen) -> String {
        if self == to {
            return String::new();
        }
        if *to == Pen::default() {
            return "0".into();
        }
        let changes = self.steps(to).join(";");
        let fresh = Pen::default().steps(to).join(";");
        if fresh.len() + 2 < changes.len() {
            format!("0;{fresh}")
        } else {
            changes
        }
    }

    /// Each parameter that changes `self` into `to`, attributes off, on, then colours.
    fn steps(&self, to: &Pen) -> Vec<String> {
        let mut params: Vec<String> = Vec::new();
        let mut now = self.on;
        // 22 takes bold and dim off together; what stays on is set again below.
        let bold_dim = (1 << 1) | (1 << 2);
        if now & bold_dim & !to.on != 0 {
            params.push("22".into());
            now &= !bold_dim;
        }
        for a in ATTRIBUTES.iter().filter(|a| **a > 2) {
            if now & (1 << a) != 0 && !to.has(*a) {
                params.push((20 + a).to_string());
            }
        }
        for a in ATTRIBUTES {
            if to.has(a) && now & (1 << a) == 0 {
                params.push(a.to_string());
            }
        }
        if self.fg != to.fg {
            params.push(to.fg.clone().unwrap_or_else(|| "39".into()));
        }
        if self.bg != to.bg {
            params.push(to.bg.clone().unwrap_or_else(|| "49".into()));
        }
        params
    }
}

/// The frame `bytes` with its SGR sequences merged and cut to what changes, drawing
/// the same cells, and the pen the terminal has after it. `from`: the pen the terminal
/// has before it (the last frame's, which ends with no reset); the frame itself, as
/// ratatui writes it, starts from the default. A frame that holds a sequence this does
/// not read goes as it came, between resets.
pub(super) fn tighten(bytes: &[u8], from: &Pen) -> (Vec<u8>, Pen) {
    let whole = || {
        let reset: &[u8] = if *from == Pen::default() {
            b""
        } else {
            b"\x1b[0m"
        };
        ([reset, bytes, b"\x1b[0m"].concat(), Pen::default())
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut sent = from.clone();
    let mut wanted = Pen::default();
    let mut i = 0;
    while i < bytes.len() {
        if let Some((len, params, last)) = csi(&bytes[i..]) {
            if last == b'm' {
                let Some(params) = std::str::from_utf8(params).ok() else {
                    return whole();
                };
                if wanted.apply(params).is_none() {
                    return whole();
                }
                i += len;
                continue;
            }
            // A move draws nothing: the pen can wait until something is drawn.
            if last != b'H' {
                flush(&mut out, &mut sent, &wanted);
            }
            out.extend_from_slice(&bytes[i..i + len]);
            i += len;
            continue;
        }
        flush(&mut out, &mut sent, &wanted);
        out.push(bytes[i]);
        i += 1;
    }
    // What the frame asks for after its last character draws nothing: the terminal
    // keeps the pen it drew with, for the next frame to start from.
    (out, sent)
}

/// Sends what it takes to draw with `wanted`.
fn flush(out: &mut Vec<u8>, sent: &mut Pen, wanted: &Pen) {
    let params = sent.change_to(wanted);
    if !params.is_empty() {
        out.extend_from_slice(b"\x1b[");
        out.extend_from_slice(params.as_bytes());
        out.push(b'm');
        *sent = wanted.clone();
    }
}

/// A control sequence at the start of `bytes`: its length, parameter bytes and final
/// byte (`ESC [`, parameters `0-9 ; ? < = >`, intermediates, a final byte).
pub(super) fn csi(bytes: &[u8]) -> Option<(usize, &[u8], u8)> {
    if !bytes.starts_with(b"\x1b[") {
        return None;
    }
    let body = &bytes[2..];
    let params = body
        .iter()
        .position(|b| !(0x30..=0x3f).contains(b))
        .unwrap_or(body.len());
    let inter = body[params..]
        .iter()
        .position(|b| !(0x20..=0x2f).contains(b))
        .unwrap_or(body.len() - params);
    let last = *body.get(params + inter)?;
    (0x40..=0x7e)
        .contains(&last)
        .then_some((2 + params + inter + 1, &body[..params], last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::seen::cells;

    #[test]
    fn sequences_that_change_nothing_go_and_the_rest_merge() {
        let frame = b"\x1b[1;1H\x1b[38;5;8;49m\x1b[1mtitle\x1b[22m\x1b[38;5;8;49m \x1b[38;5;8;49m|\x1b[2;5H\x1b[39;49mplain\x1b[0m";
        let tight = tighten(frame, &Pen::default()).0;
        assert_eq!(
            String::from_utf8_lossy(&tight),
            "\x1b[1;1H\x1b[1;90mtitle\x1b[22m |\x1b[2;5H\x1b[0mplain"
        );
        assert_eq!(cells(&tight), cells(frame));
    }

    #[test]
    fn low_colours_stay_indexed_and_bold_and_dim_are_taken_off_together() {
        let frame =
            b"\x1b[1m\x1b[2m\x1b[38;5;1mA\x1b[22m\x1b[1mB\x1b[7;48;2;1;2;3mC\x1b[27mD\x1b[0mE";
        let tight = tighten(frame, &Pen::default()).0;
        let text = String::from_utf8_lossy(&tight);
        assert!(text.contains("38;5;1"), "{text}");
        assert!(text.contains("\x1b[22;1mB"), "dim off, bold kept: {text}");
        assert_eq!(cells(&tight), cells(frame));
    }

    #[test]
    fn a_sequence_not_understood_leaves_the_frame_as_it_was() {
        for frame in [
            &b"\x1b[38;5;8mA\x1b[58;5;3mB"[..],
            b"\x1b[4:3mA",
            b"\x1b[38;5mA",
            b"\x1b[53mA",
        ] {
            assert_eq!(
                tighten(frame, &Pen::default()).0,
                [frame, b"\x1b[0m"].concat()
            );
        }
    }

    #[test]
    fn an_erase_is_drawn_with_the_colour_asked_before_it() {
        let frame = b"\x1b[48;5;4m\x1b[2J\x1b[49mx";
        let tight = tighten(frame, &Pen::default()).0;
        assert_eq!(cells(&tight), cells(frame));
        assert!(String::from_utf8_lossy(&tight).starts_with("\x1b[48;5;4m\x1b[2J"));
    }
}
