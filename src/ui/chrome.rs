//! The header, the hint bar, and the welcome screen of an empty database.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use unicode_width::UnicodeWidthStr;

use super::Theme;
use super::wrap::truncate;
use crate::app::{Action, App, Mode};
use crate::domain::IncidentState;
use crate::inert;

/// The top line: which incident, who you are, which database.
pub fn header(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let style = theme.header;
    let (shown, count) = app.shown_position();
    let position = shown
        .map(|i| {
            if app.live() {
                format!("incident {}/{count}", i + 1)
            } else {
                // Only the open incidents are in yet: how many there are in all is not
                // known.
                format!("incident {}, reading the log…", i + 1)
            }
        })
        .unwrap_or_else(|| {
            if app.live() {
                "no incident".into()
            } else {
                "reading the log…".into()
            }
        });
    let keys = &app.setup.keys;
    let switch = match keys.key_for(Mode::Normal, Action::OpenSwitcher) {
        Some(key) if count > 1 && app.live() => format!(" · {key} switches"),
        _ => String::new(),
    };
    // Alerts no incident has yet: how many, and the key that shows them.
    let inbox = match (
        app.inbox.len(),
        keys.key_for(Mode::Normal, Action::OpenInbox),
    ) {
        (0, _) => String::new(),
        (n, Some(key)) => format!(" · inbox {n} ({key})"),
        (n, None) => format!(" · inbox {n}"),
    };
    let drill = if app.incident().is_some_and(|s| s.drill) {
        "· DRILL "
    } else {
        ""
    };
    // The zone every time on screen is in, said once; the database's path gives way
    // first (to its file name, then to nothing), never your name or the zone. Where
    // even that is too long, the switch key's words go, then the zone is said shorter
    // (its name without the offset, then the offset alone).
    let width = usize::from(area.width);
    let me = inert::line(&app.setup.me).into_owned();
    let zones = app.setup.zone.names(app.now);
    let who_in = |zone: &str| format!(" you: {me} · times {zone}");
    let left_with = |switch: &str| format!(" warroom · {position}{switch}{inbox} {drill}");
    let (switch, who) = [switch.as_str(), ""]
        .into_iter()
        .flat_map(|s| zones.iter().map(move |z| (s, z)))
        .find(|(s, z)| left_with(s).width() + who_in(z).width() < width)
        .map_or_else(
            || {
                (
                    String::new(),
                    who_in(zones.last().map_or("", String::as_str)),
                )
            },
            |(s, z)| (s.to_string(), who_in(z)),
        );
    let file = std::path::Path::new(&app.setup.db_label)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let link = app.outside.link.as_ref().map(|(label, state)| {
        use crate::peer::LinkState::*;
        let text = match state {
            Connecting => format!(" peer {label}: connecting "),
            CatchingUp { behind } => format!(" peer {label}: catching up, {behind} behind "),
            Live => format!(" peer {label}: in sync "),
            Disconnected {
                since,
                retry_in,
                reason,
            } => format!(
                " peer {label}: DISCONNECTED since {}: {reason}{} ",
                app.setup.zone.format(*since, "%H:%M:%S"),
                if retry_in.is_zero() {
                    String::new()
                } else {
                    format!(" (retry in {}s)", retry_in.as_secs())
                }
            ),
        };
        let style = match state {
            Live => theme.header,
            Disconnected { .. } => theme.error,
            _ => theme.notice,
        };
        // Where the whole of it does not fit, the state in one word (the reason was
        // said in the hint bar when the link broke), then the label cut at its end.
        let word = match state {
            Connecting => "connecting",
            CatchingUp { .. } => "catching up",
            Live => "in sync",
            Disconnected { .. } => "DISCONNECTED",
        };
        // A broken link keeps when it broke (then when it tries again) before it gives
        // way to the one word: the reason is the longest part, and the hint bar said it.
        let when: Vec<String> = match state {
            Disconnected {
                since, retry_in, ..
            } => {
                let since = format!(
                    " peer {label}: DISCONNECTED since {}",
                    app.setup.zone.format(*since, "%H:%M:%S")
                );
                let retry = (!retry_in.is_zero())
                    .then(|| format!("{since} (retry in {}s) ", retry_in.as_secs()));
                retry.into_iter().chain([format!("{since} ")]).collect()
            }
            _ => Vec::new(),
        };
        (
            inert::line(&text).into_owned(),
            when.iter()
                .map(|w| inert::line(w).into_owned())
                .collect::<Vec<_>>(),
            inert::line(label).into_owned(),
            word,
            style,
        )
    });
    let left = left_with(&switch);
    let read_only = if app.setup.read_only.is_some() {
        "· READ-ONLY "
    } else {
        ""
    };
    // Your name and the zone, then the database: its path, its file name, or nothing.
    let rights: Vec<String> = [app.setup.db_label.clone(), file, String::new()]
        .into_iter()
        .map(|db| match db.is_empty() {
            true => format!("{who} {read_only}"),
            false => format!("{who} · {} {read_only}", inert::line(&db)),
        })
        .collect();
    let fits = |right: &String, link: usize| left.width() + right.width() + link <= width;
    // The database gives way first: to the link's words, each as whole as it can be
    // (all of it; all of it cut at its end while that keeps when it broke and some of
    // why; when it broke; its one word), then the link's label is cut.
    let (right, link) = match link {
        None => (
            rights
                .iter()
                .find(|r| fits(r, 0))
                .unwrap_or(&rights[2])
                .clone(),
            None,
        ),
        Some((text, when, label, word, link_style)) => {
            let short = |label: &str| format!(" peer {label}: {word} ");
            let tiers: Vec<String> = std::iter::once(text)
                .chain(when)
                .chain([short(&label)])
                .collect();
            let fit = |tier: &String| {
                rights
                    .iter()
                    .find(|r| fits(r, tier.width()))
                    .map(|r| (r.clone(), tier.clone()))
            };
            let bare = &rights[2];
            let room = width.saturating_sub(left.width() + bare.width());
            let keeps = tiers
                .get(1..tiers.len() - 1)
                .and_then(|when| when.last())
                .map_or(usize::MAX, |when| when.width() + REASON_SHOWN);
            let cut = || {
                (room >= keeps)
                    .then(|| (bare.clone(), format!("{} ", truncate(&tiers[0], room - 1))))
            };
            let chosen = fit(&tiers[0])
                .or_else(cut)
                .or_else(|| tiers[1..].iter().find_map(fit));
            let (right, fitted) = chosen.unwrap_or_else(|| {
                // The state is kept whole; the label is cut at its end.
                let right = rights[2].clone();
                let space = width.saturating_sub(left.width() + right.width());
                let budget = space.saturating_sub(short("").width());
                let fitted = if budget >= 4 {
                    short(&truncate(&label, budget))
                } else {
                    format!(" peer {word} ")
                };
                (right, fitted)
            });
            (right, Some((fitted, link_style)))
        }
    };
    let space = width.saturating_sub(left.width() + right.width());
    let link_width = link.as_ref().map_or(0, |(t, _)| t.width());
    let room = space.saturating_sub(link_width);
    let mut spans = vec![Span::styled(left, style)];
    if let Some((text, link_style)) = link {
        spans.push(Span::styled(text, link_style));
    }
    spans.push(Span::styled(" ".repeat(room), style));
    if app.setup.read_only.is_some() {
        let plain = right.trim_end_matches("· READ-ONLY ").to_string();
        spans.push(Span::styled(plain, style));
        spans.push(Span::styled("· READ-ONLY ", theme.read_only));
    } else {
        spans.push(Span::styled(right, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// How much of why a peer link broke the header shows, at least, before it gives the
/// reason up for when the link broke alone.
const REASON_SHOWN: usize = 24;

/// The most rows a long notice takes at the bottom; the rest of it is cut.
const NOTICE_ROWS: usize = 3;

/// The notice as shown: wrapped to `width`, at most [`NOTICE_ROWS`] rows.
fn notice_rows(notice: &str, width: u16) -> Vec<Line<'static>> {
    let text = format!(" {} ", inert::line(notice));
    super::wrap::wrap(
        &[(text, ratatui::style::Style::default())],
        usize::from(width).max(1),
        1,
    )
    .into_iter()
    .take(NOTICE_ROWS)
    .collect()
}

/// What the bottom bar has to say: the notice, else an error from the entry box too
/// long for the box's border (where it would be cut).
fn message(app: &App, width: u16) -> Option<String> {
    use unicode_width::UnicodeWidthStr;
    app.notice.clone().or_else(|| {
        app.entry
            .error
            .clone()
            .filter(|e| e.width() + 4 > usize::from(width))
    })
}

/// What others did that this person must notice: the newest banner, how many more,
/// and the key that clears them; nothing when none waits.
pub fn banner(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    // A past moment on screen is said before anything else: nothing there is now.
    if let Some(as_of) = &app.as_of {
        let keys = &app.setup.keys;
        let back = keys
            .key_for(Mode::Normal, Action::ClearBanners)
            .map(|k| format!(" · {k} returns to now"))
            .unwrap_or_default();
        let moves = match (
            keys.key_for(Mode::Normal, Action::Down),
            keys.key_for(Mode::Normal, Action::Up),
        ) {
            (Some(down), Some(up)) => format!(" · {down}/{up} move the moment"),
            _ => String::new(),
        };
        // What matters most first: a narrow screen cuts the end.
        let text = format!(
            " AS OF {} · READ-ONLY{back} · entry {} of {}{moves} · incident, roster and triage as they stood then ",
            super::as_of_time(app, as_of.at),
            as_of.position,
            as_of.total
        );
        frame.render_widget(
            Paragraph::new(Line::styled(
                truncate(&text, usize::from(area.width)),
                theme.conflict,
            )),
            area,
        );
        return;
    }
    let Some(newest) = app.banners.last() else {
        return;
    };
    let more = match app.banners.len() {
        1 => String::new(),
        n => format!(" (+{} more)", n - 1),
    };
    let clears = match app.setup.keys.key_for(Mode::Normal, Action::ClearBanners) {
        Some(key) => format!(" · {key} clears "),
        None => " ".into(),
    };
    let text = format!(" ! {}{more}{clears}", inert::line(&newest.text));
    frame.render_widget(
        Paragraph::new(Line::styled(
            truncate(&text, usize::from(area.width)),
            theme.conflict,
        )),
        area,
    );
}

/// `TYPING into <id>`, while the entry box has the keys.
fn typing(app: &App) -> Option<String> {
    (app.mode() == crate::app::Mode::Entry).then(|| {
        let into = app
            .incident()
            .map(|s| format!(" into {}", s.short_id()))
            .unwrap_or_default();
        format!(" TYPING{into} ")
    })
}

/// The rows the bottom bar takes: one, or more when its message does not fit in one
/// beside `TYPING` (a refusal's next step must not be cut at the screen's edge).
pub fn hints_height(app: &App, width: u16) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let prefix = typing(app).map_or(0, |t| t.width() + 1);
    match message(app, width) {
        Some(text) if prefix + text.width() + 2 > usize::from(width) => {
            notice_rows(&format!("{}{text}", typing(app).unwrap_or_default()), width).len() as u16
        }
        _ => 1,
    }
}

/// The bottom line: that you are typing and where, a notice, then the keys that matter
/// in this mode. A notice too long for the line takes the rows it needs instead.
pub fn hints(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    if area.height > 1
        && let Some(text) = message(app, area.width)
    {
        let text = format!("{}{text}", typing(app).unwrap_or_default());
        let lines: Vec<Line<'static>> = notice_rows(&text, area.width)
            .into_iter()
            .map(|line| line.style(theme.notice))
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let mut spans = Vec::new();
    if app.mode() == crate::app::Mode::Entry {
        // Keys go into the text while the box is open: say so, and where it posts.
        let into = app
            .incident()
            .map(|s| format!(" into {}", s.short_id()))
            .unwrap_or_default();
        spans.push(Span::styled(format!(" TYPING{into} "), theme.notice));
        spans.push(Span::raw(" "));
    }
    if let Some(notice) = &app.notice {
        spans.push(Span::styled(
            format!(" {} ", inert::line(notice)),
            theme.notice,
        ));
        spans.push(Span::raw(" "));
    }
    for (chord, word) in app.key_hints() {
        spans.push(Span::styled(chord.to_string(), theme.hint_key));
        spans.push(Span::styled(format!(" {word}  "), theme.hint_text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Where the welcome screen's descriptions start, past what to type.
const WELCOME_COLUMN: usize = 17;

/// Draws the line that stands for an incident whose whole log is being read (a closed
/// one, chosen in the switcher): its id and title, from its head.
pub fn loading(frame: &mut Frame<'_>, area: Rect, head: &IncidentState, theme: &Theme) {
    let text = format!(
        "reading {} \"{}\" ({}) from the log…",
        head.short_id(),
        crate::format::shorten(&inert::line(&head.title), 50),
        head.status
    );
    let width = (text.width() as u16 + 2).min(area.width);
    let rect = area.centered(Constraint::Length(width), Constraint::Length(1));
    frame.render_widget(Paragraph::new(Line::styled(text, theme.muted)), rect);
}

/// What to do first, on a database with no incident yet.
pub fn welcome(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let width = area.width.min(70);
    let rect = area.centered(Constraint::Length(width), Constraint::Length(12));
    let db = truncate(&inert::line(&app.setup.db_label), width as usize - 4);
    // What to type or press, and what it does, the descriptions in one column.
    let row = |what: String, does: &str| {
        let pad = " ".repeat(WELCOME_COLUMN.saturating_sub(what.width()).max(1));
        Line::from(vec![
            Span::styled(what, theme.hint_key),
            Span::raw(format!("{pad}{does}")),
        ])
    };
    let mut lines = vec![
        Line::styled("No incident here yet.", theme.title),
        Line::raw(""),
        row(
            ":declare TITLE".into(),
            "open an incident (or :declare P2 TITLE)",
        ),
        row(
            ":severity P1-P5".into(),
            "then set its severity from the matrix",
        ),
    ];
    let keys = &app.setup.keys;
    if let Some(key) = keys.key_for(Mode::Normal, Action::LoadDemo) {
        lines.push(row(
            key.to_string(),
            "load the sample incidents to look around",
        ));
    }
    if let Some(key) = keys.key_for(Mode::Normal, Action::ToggleHelp) {
        lines.push(row(key.to_string(), "every key"));
    }
    if !app.live() {
        lines = vec![Line::styled("reading the log…", theme.muted)];
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Line::styled(format!(" {db} "), theme.title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
