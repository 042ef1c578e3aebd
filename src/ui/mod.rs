//! Rendering: a pure function of the app's state, drawn into whatever area it gets.
//!
//! ```text
//! +- header: incident (n/m) · you · database · READ-ONLY ---------------------+
//! | Incident                          | Roster                                |  TOP_ROW
//! | title, severity, status, IC,      | IC first, roles, state, time          |
//! | clocks, next update               |                                       |
//! +-----------------------------------+---------------------------------------+
//! | Timeline (newest at the bottom)              | Triage                      |  fills
//! |                                              |                             |
//! +----------------------------------------------+-----------------------------+
//! | Entry box (grows while writing)                                            |  ENTRY
//! +- hint bar -----------------------------------------------------------------+
//! ```
//! Overlays (help, palette, switcher, questions) are drawn last, over the panes.

mod chrome;
mod detail;
mod entry;
mod incident;
mod metrics;
mod overlays;
mod playbook;
mod review;
mod roster;
mod style;
pub mod theme;
mod timeline;
mod triage;
mod wizard;
pub mod wrap;

pub use timeline::SELECTION_MARK;

use crate::inert;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect, Spacing};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::{Frame, Terminal};

use crate::app::{Action, App, Mode, Pane};
pub use theme::Theme;

/// The smallest terminal the console draws in.
pub const MIN_WIDTH: u16 = 80;
/// The smallest terminal the console draws in.
pub const MIN_HEIGHT: u16 = 24;
const HEADER: Constraint = Constraint::Length(1);
const TOP_ROW_SHORT: u16 = 8;
const TOP_ROW_TALL: u16 = 11;
const TALL_FROM: u16 = 36;
const INCIDENT_SHARE: Constraint = Constraint::Percentage(56);
const ROSTER_SHARE: Constraint = Constraint::Percentage(44);
const TIMELINE_SHARE: Constraint = Constraint::Percentage(66);
const TRIAGE_SHARE: Constraint = Constraint::Percentage(34);

/// Draws the whole console.
pub fn render(frame: &mut Frame<'_>, app: &App, theme: &Theme) {
    let Some(areas) = Areas::of(frame.area(), app) else {
        too_small(frame, frame.area(), app, theme);
        return;
    };
    beneath(frame, &areas, app, theme);
    above(frame, &areas, app, theme);
}

/// Where the parts of the console go on a screen of this size.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Areas {
    whole: Rect,
    header: Rect,
    banner: Rect,
    body: Rect,
    entry: Rect,
    hints: Rect,
}

impl Areas {
    /// The parts' places; `None` on a terminal too small for the console.
    fn of(area: Rect, app: &App) -> Option<Areas> {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return None;
        }
        let entry_height = entry::height(app, area.width);
        let hints_height = chrome::hints_height(app, area.width);
        let banner_height = u16::from(!app.banners.is_empty() || app.as_of.is_some());
        let [header, banner, body, entry, hints] = Layout::vertical([
            HEADER,
            Constraint::Length(banner_height),
            Constraint::Fill(1),
            Constraint::Length(entry_height),
            Constraint::Length(hints_height),
        ])
        .areas(area);
        Some(Areas {
            whole: area,
            header,
            banner,
            body,
            entry,
            hints,
        })
    }
}

/// What lies beneath the entry box, the hint bar and the overlays: the header, the
/// banner and the panes.
fn beneath(frame: &mut Frame<'_>, areas: &Areas, app: &App, theme: &Theme) {
    chrome::header(frame, areas.header, app, theme);
    chrome::banner(frame, areas.banner, app, theme);
    let body = areas.body;
    if let Some(head) = app.loading() {
        chrome::loading(frame, body, head, theme);
    } else if app.incident().is_none() {
        chrome::welcome(frame, body, app, theme);
    } else {
        // Panes and the entry box share the row between them (one border, not two).
        let reach = u16::from(areas.entry.height > 0);
        let body = Rect {
            height: body.height + reach,
            ..body
        };
        panes(frame, body, app, theme);
    }
}

/// Whether a character typed now may be echoed ([`Painter::echo`]): the entry box has
/// the keys, no overlay is open, and the box already holds text (an empty box shows a
/// hint where the text goes, which the first character replaces) with nothing selected
/// (a key typed over a selection replaces it).
pub fn echoes(app: &App) -> bool {
    app.mode() == Mode::Entry
        && app.overlays.is_empty()
        && app.entry.open
        && !app.entry.textarea.is_empty()
        && !app.entry.textarea.is_selecting()
}

/// The entry box, the hint bar and the overlays, drawn over what lies beneath, then
/// the seal. Returns where the entry box put the terminal's cursor (an overlay may put
/// it elsewhere after).
fn above(frame: &mut Frame<'_>, areas: &Areas, app: &App, theme: &Theme) -> Option<Position> {
    let cursor = entry::render(frame, areas.entry, app, theme);
    if let Some(at) = cursor {
        frame.set_cursor_position(at);
    }
    chrome::hints(frame, areas.hints, app, theme);
    overlays::render(frame, areas.whole, app, theme);
    let cells = 0..frame.buffer_mut().content.len();
    seal(frame.buffer_mut(), cells);
    cursor
}

/// Draws the console as [`render`] does ([`Painter::draw`]), keeping what lies beneath
/// the entry box (the header, the banner and the panes) and the screen as last sent,
/// so that a frame in which only the text in the box changed is sent by
/// [`Painter::patch`]: the box and the hint bar drawn over the cells kept beneath
/// them and compared with the screen in their rows alone, not every pane drawn again
/// nor the whole screen compared. Tests hold what its frames leave on screen equal to
/// [`render`]'s after every kind of typing.
#[derive(Default)]
pub struct Painter {
    /// The cells beneath the entry box as last drawn, and where the parts were.
    kept: Option<(Areas, Buffer)>,
    /// The screen as the last frame left it (what was sent, sealed).
    shown: Option<Buffer>,
    /// Where the last frame put the terminal's cursor in the entry box.
    cursor: Option<Position>,
    /// Frames were sent by [`Painter::patch`] since ratatui last drew one: ratatui's
    /// copy of the screen misses their rows.
    patched: bool,
    /// The last frame said the terminal is too small, and nothing else.
    too_small: bool,
}

impl Painter {
    /// Draws `app` whole into `frame`, keeping what lies beneath the entry box and
    /// where the box put the cursor.
    fn render(&mut self, frame: &mut Frame<'_>, app: &App, theme: &Theme) {
        let Some(areas) = Areas::of(frame.area(), app) else {
            self.kept = None;
            self.cursor = None;
            self.too_small = true;
            too_small(frame, frame.area(), app, theme);
            return;
        };
        self.too_small = false;
        beneath(frame, &areas, app, theme);
        // Kept in the cells of the last copy: no allocation a frame.
        let drawn = frame.buffer_mut();
        match &mut self.kept {
            Some((kept, cells)) if cells.area == drawn.area => {
                *kept = areas;
                cells.content.clone_from(&drawn.content);
            }
            _ => self.kept = Some((areas, drawn.clone())),
        }
        self.cursor = above(frame, &areas, app, theme);
    }

    /// Sends a frame in which nothing but the text in the entry box changed since the
    /// last one: the box and the hint bar drawn
    /// over the cells beneath them, compared with the screen row by row in those rows
    /// alone, and the changed cells and the cursor handed to `terminal`'s backend.
    /// Returns `Ok(false)`, having sent nothing, when it cannot (no frame drawn yet,
    /// another size, a different layout, an overlay open): the caller then draws the
    /// whole frame, as [`Painter::draw`] does. Errors are the backend's.
    pub fn patch<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        app: &App,
        theme: &Theme,
    ) -> Result<bool, B::Error> {
        // The size as the last frame found it (not asked again: ratatui asks by opening
        // the terminal's device each time). A window resized since is drawn whole when
        // its signal comes, just after.
        let area = terminal.get_frame().area();
        let (Some((kept, beneath)), Some(shown)) = (&self.kept, &mut self.shown) else {
            return Ok(false);
        };
        if shown.area != area || beneath.area != area || !app.overlays.is_empty() {
            return Ok(false);
        }
        let Some(areas) = Areas::of(area, app).filter(|areas| areas == kept) else {
            return Ok(false);
        };
        // The rows from the top of the box to the bottom of the hint bar.
        let rows = Rect {
            y: areas.entry.y,
            height: areas.hints.bottom().saturating_sub(areas.entry.y),
            ..area
        };
        let width = usize::from(area.width);
        let cells = usize::from(rows.y) * width..usize::from(rows.bottom()) * width;
        // ratatui's buffer for the next frame: blank since its last frame, and left
        // blank again below.
        let mut frame = terminal.get_frame();
        frame.buffer_mut().content[cells.clone()].clone_from_slice(&beneath.content[cells.clone()]);
        let cursor = entry::render(&mut frame, areas.entry, app, theme);
        chrome::hints(&mut frame, areas.hints, app, theme);
        seal(frame.buffer_mut(), cells.clone());
        let now = Buffer {
            area: rows,
            content: frame.buffer_mut().content[cells.clone()].to_vec(),
        };
        for cell in &mut frame.buffer_mut().content[cells.clone()] {
            cell.reset();
        }
        let before = Buffer {
            area: rows,
            content: shown.content[cells.clone()].to_vec(),
        };
        terminal.backend_mut().draw(before.diff(&now).into_iter())?;
        match cursor {
            Some(at) => {
                terminal.show_cursor()?;
                terminal.set_cursor_position(at)?;
            }
            None => terminal.hide_cursor()?,
        }
        Backend::flush(terminal.backend_mut())?;
        shown.content[cells].clone_from_slice(&now.content);
        self.patched = true;
        self.cursor = cursor;
        Ok(true)
    }

    /// Echoes the character `typed` where the last frame left the terminal's cursor in
    /// the entry box, before the frame that shows the key is drawn (the loop calls it
    /// for a key alone that [`echoes`] said of, once the draft with the key is staged
    /// and before the key is handled): the character, in the style of the cell it goes
    /// to, and the cursor one column on. The frame that follows ([`Painter::patch`] or
    /// [`Painter::draw`]) compares with the screen as echoed and sends what the echo did
    /// not foresee (text after the cursor moving on, a word wrapped to the next row, a
    /// title that changed), so the screen ends as a whole frame draws it either way. Only a
    /// printable ASCII character, over a narrow character or a blank, with room after
    /// the cursor on its row; `Ok(false)`, having sent nothing, otherwise. Errors are
    /// the backend's.
    pub fn echo<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        typed: char,
    ) -> Result<bool, B::Error> {
        let (Some((areas, _)), Some(shown), Some(at)) = (&self.kept, &mut self.shown, self.cursor)
        else {
            return Ok(false);
        };
        // The box's last column of text is the one before its right border. Not at the
        // first (after a row typed full): the key may take a word down with it.
        let room = at.x + 1 < areas.entry.right().saturating_sub(1) && at.x > areas.entry.x + 1;
        // The cell it goes to and the one after hold one narrow character each (not half
        // of a wide one, which the terminal would break in two).
        let narrow = |x: u16| {
            shown
                .cell(Position::new(x, at.y))
                .is_some_and(|c| c.symbol().len() == 1)
        };
        if !(typed.is_ascii_graphic() || typed == ' ')
            || !room
            || shown.area != terminal.get_frame().area()
            || !narrow(at.x)
            || !narrow(at.x + 1)
        {
            return Ok(false);
        }
        let mut buf = [0u8; 4];
        let Some(cell) = shown.cell_mut(at) else {
            return Ok(false);
        };
        cell.set_symbol(typed.encode_utf8(&mut buf));
        let cell = cell.clone();
        terminal
            .backend_mut()
            .draw(std::iter::once((at.x, at.y, &cell)))?;
        let next = Position::new(at.x + 1, at.y);
        terminal.set_cursor_position(next)?;
        Backend::flush(terminal.backend_mut())?;
        self.cursor = Some(next);
        self.patched = true;
        Ok(true)
    }

    /// Draws the whole frame with `terminal`, after handing ratatui the screen as
    /// [`Painter::patch`] and [`Painter::echo`] left it, and keeps what was sent.
    /// Errors are the backend's.
    pub fn draw<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        app: &App,
        theme: &Theme,
    ) -> Result<(), B::Error> {
        if std::mem::take(&mut self.patched)
            && let Some(shown) = &self.shown
        {
            // ratatui compares a frame with the buffer it drew last: the rows patched
            // since are put in it, so that it sends what changed from the screen.
            let next = terminal.current_buffer_mut();
            if next.area == shown.area {
                next.content.clone_from_slice(&shown.content);
                terminal.swap_buffers();
            }
        }
        let done = terminal.draw(|frame| self.render(frame, app, theme))?;
        match &mut self.shown {
            Some(shown) if shown.area == done.buffer.area => {
                shown.content.clone_from(&done.buffer.content);
            }
            _ => self.shown = Some(done.buffer.clone()),
        }
        Ok(())
    }

    /// Forgets the screen as the last frame left it and what lay beneath the box: the
    /// screen was cleared outside the frames (a repaint, back from a suspend), so the
    /// next frame is drawn whole and ratatui's copy is not given rows it no longer has.
    pub fn forget(&mut self) {
        self.kept = None;
        self.shown = None;
        self.cursor = None;
        self.patched = false;
    }

    /// Whether the last frame showed only that the terminal is too small: keys typed
    /// then would act unseen, so the console takes none but the one that quits.
    pub fn too_small(&self) -> bool {
        self.too_small
    }
}

/// Whether `c` is one of the regional indicator letters (U+1F1E6 to U+1F1FF) that make
/// flags in pairs.
fn regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// An emoji of several code points as the one every terminal draws in the columns the
/// layout gave it, or `None` when `symbol` is not such an emoji. Terminals disagree on
/// the width of a sequence: a presentation selector (U+FE0F, as in ♻️: tmux draws one
/// column where the layout counted two), a skin tone (U+1F3FB-1F3FF, as in 👍🏽: two
/// columns more where it is not joined), a sequence joined by U+200D (👩‍🔬, 🏳️‍🌈: each
/// part drawn apart where it is not joined) and a subdivision flag's tags. The cell
/// after is then drawn over, or keeps what was there before. The first emoji alone is
/// sent (👩 for 👩‍🔬, 👍 for 👍🏽), and a column the layout left for the rest is drawn as
/// a space; the text stored is untouched.
fn first_of_emoji(symbol: &str) -> Option<String> {
    let mut chars = symbol.chars();
    let first = chars.next()?;
    // Every cell of every frame comes here: one that holds none of them costs no copy.
    let shortened = |c: char| matches!(c, '\u{FE0F}' | '\u{200D}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}');
    if !chars.clone().any(shortened) {
        return None;
    }
    let mut kept = String::from(first);
    let mut changed = false;
    let emoji = inert::is_emoji(first);
    for c in chars {
        match c {
            '\u{FE0F}' => changed = true,
            '\u{1F3FB}'..='\u{1F3FF}' if emoji => changed = true,
            // A subdivision flag's tags; anywhere else they hide text, and the seal
            // marks them.
            '\u{E0020}'..='\u{E007F}' if first == '\u{1F3F4}' => changed = true,
            '\u{200D}' if emoji => {
                changed = true;
                break;
            }
            _ => kept.push(c),
        }
    }
    changed.then_some(kept)
}

/// The last guard before the terminal: a cell whose text a terminal would act on or
/// hide (a control, a bidi override, an invisible character that slipped past a pane's
/// own [`inert::line`]) is drawn as U+FFFD instead.
fn seal(buffer: &mut Buffer, cells: std::ops::Range<usize>) {
    let width = usize::from(buffer.area.width).max(1);
    for i in cells {
        let cell = &mut buffer.content[i];
        if let Some(first) = first_of_emoji(cell.symbol()) {
            cell.set_symbol(&first);
        }
        // A flag is a pair of regional indicators: terminals disagree on its width too
        // (one column each, or two for the pair, or two each), and the letter after it
        // is drawn over or left behind. Its letters are sent instead (🇩🇪 as DE), one a
        // cell in the two columns the layout gave it, so that each is drawn over, and
        // cleared, as any letter is.
        if cell.symbol().chars().any(regional_indicator) {
            let letters: Vec<char> = cell
                .symbol()
                .chars()
                .map(|c| match regional_indicator(c) {
                    true => {
                        char::from_u32(u32::from('A') + (u32::from(c) - 0x1F1E6)).unwrap_or('?')
                    }
                    false => c,
                })
                .collect();
            let style = cell.style();
            cell.set_char(letters[0]);
            if let Some(&second) = letters.get(1)
                && (i + 1) % width != 0
                && let Some(next) = buffer.content.get_mut(i + 1)
            {
                next.reset();
                next.set_char(second).set_style(style);
            }
        }
        let cell = &mut buffer.content[i];
        let symbol = cell.symbol();
        if !symbol.is_ascii() && !inert::is_inert(symbol) || symbol.chars().any(char::is_control) {
            cell.set_symbol("\u{FFFD}");
        }
    }
}

fn panes(frame: &mut Frame<'_>, body: Rect, app: &App, theme: &Theme) {
    let top = if body.height + 3 >= TALL_FROM {
        TOP_ROW_TALL
    } else {
        TOP_ROW_SHORT
    };
    // Neighbouring panes share a border (merged where they meet): two rows and a column
    // more for what they show, and a third fewer box-drawing bytes a full screen.
    let shared = Spacing::Overlap(1);
    let [top_row, bottom_row] = Layout::vertical([Constraint::Length(top), Constraint::Fill(1)])
        .spacing(shared.clone())
        .areas(body);
    let [incident_area, roster_area] = Layout::horizontal([INCIDENT_SHARE, ROSTER_SHARE])
        .spacing(shared.clone())
        .areas(top_row);
    let [timeline_area, triage_area] = Layout::horizontal([TIMELINE_SHARE, TRIAGE_SHARE])
        .spacing(shared)
        .areas(bottom_row);
    // The overlap takes its column and row from the whole: the last pane of each row,
    // and the lower row, reach the edge again.
    let to_right = |r: Rect, of: Rect| Rect {
        width: of.right() - r.x,
        ..r
    };
    let (roster_area, triage_area) = (
        to_right(roster_area, top_row),
        to_right(triage_area, bottom_row),
    );
    let bottom = body.bottom();
    let (timeline_area, triage_area) = (
        Rect {
            height: bottom - timeline_area.y,
            ..timeline_area
        },
        Rect {
            height: bottom - triage_area.y,
            ..triage_area
        },
    );
    incident::render(frame, incident_area, app, theme);
    roster::render(frame, roster_area, app, theme);
    timeline::render(frame, timeline_area, app, theme);
    triage::render(frame, triage_area, app, theme);
}

/// What a pane's title adds in "as of" mode: ` · AS OF 14:02 UTC`.
pub fn as_of_title(app: &App) -> String {
    match &app.as_of {
        Some(as_of) => format!(" · AS OF {}", as_of_time(app, as_of.at)),
        None => String::new(),
    }
}

/// A moment as "as of" mode says it: the time (with the date when not today) and
/// the zone it is in.
fn as_of_time(app: &App, at: crate::domain::Timestamp) -> String {
    let zone = app.setup.zone;
    // To the second: two entries a minute apart can differ in what they show.
    let day = |t| zone.format(t, "%Y-%m-%d");
    let fmt = if day(at) == day(app.now) {
        "%H:%M:%S"
    } else {
        "%Y-%m-%d %H:%M:%S"
    };
    format!("{} {}", zone.format(at, fmt), zone.offset_label(at))
}

/// Draws one pane into an area (for tests and benchmarks of a single pane).
pub fn render_pane(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme, pane: Pane) {
    match pane {
        Pane::Incident => incident::render(frame, area, app, theme),
        Pane::Roster => roster::render(frame, area, app, theme),
        Pane::Timeline => timeline::render(frame, area, app, theme),
        Pane::Triage => triage::render(frame, area, app, theme),
    }
}

/// A pane's frame: bordered, titled, and marked when focused (a symbol as well as a
/// style, so focus shows without colour).
pub fn pane_block<'a>(app: &App, pane: Pane, theme: &Theme, extra: &str) -> Block<'a> {
    let focused = app.focus == pane && app.overlays.is_empty();
    let number = pane.number();
    let marker = if focused { "▶ " } else { "" };
    let title = format!(" {marker}{number} {}{extra} ", pane.title());
    // Focus is marked on the title (the marker and the focus colour), not on the whole
    // border: moving the focus then redraws two titles, not two frames of box drawing
    // (over a slow link, a tenth of the bytes).
    let title_style = if focused {
        theme.border_focus
    } else {
        theme.title
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .merge_borders(ratatui::symbols::merge::MergeStrategy::Exact)
        .title(Line::styled(title, title_style))
        .style(theme.text)
}

fn too_small(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let keys = &app.setup.keys;
    // The key that quits at once: a question would not fit on this screen.
    let quit = keys
        .key_for(app.mode(), Action::ForceQuit)
        .map(|key| format!("; {key} quits"))
        .unwrap_or_default();
    let text = vec![
        Line::styled("terminal too small", theme.error),
        Line::raw(format!(
            "need {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}",
            area.width, area.height
        )),
        Line::raw(format!("make the window bigger{quit}")),
    ];
    let rect = area.centered_vertically(Constraint::Length(text.len() as u16));
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .alignment(ratatui::layout::Alignment::Center)
            .style(Style::default()),
        rect,
    );
}

/// An overlay's title: its parts joined by ` · `, empty ones left out.
pub fn title(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A page's keys for its title, from the keymap in force: `j/k scroll · Esc closes`;
/// what no key does is left out.
pub fn page_keys(app: &App, mode: Mode) -> String {
    let keys = &app.setup.keys;
    let scroll = keys.scroll_keys(mode).map(|k| format!("{k} scroll"));
    let close = keys
        .key_for(mode, Action::Close)
        .map(|k| format!("{k} closes"));
    title(&[
        scroll.as_deref().unwrap_or_default(),
        close.as_deref().unwrap_or_default(),
    ])
}

/// The frame of an overlay: a bordered block titled ` {title} ` in the focus colour.
pub fn boxed<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focus)
        .title(Line::styled(format!(" {title} "), theme.border_focus))
        .style(theme.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seal sends an emoji of several code points as its first one, and still marks
    /// what hides text: a tag character after a letter.
    #[test]
    fn the_seal_shortens_emoji_and_marks_hidden_characters() {
        let cases = [
            ("\u{1F469}\u{200D}\u{1F52C}", "\u{1F469}"),
            ("\u{1F44D}\u{1F3FD}", "\u{1F44D}"),
            ("\u{267B}\u{FE0F}", "\u{267B}"),
            (
                "\u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}",
                "\u{1F3F4}",
            ),
            ("a\u{E0041}", "\u{FFFD}"),
            ("a", "a"),
        ];
        for (symbol, sent) in cases {
            let mut buffer = Buffer::empty(Rect::new(0, 0, 4, 1));
            buffer.content[0].set_symbol(symbol);
            seal(&mut buffer, 0..1);
            assert_eq!(buffer.content[0].symbol(), sent, "{symbol:?}");
        }
    }
}
