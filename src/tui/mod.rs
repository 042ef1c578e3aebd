//! The console's edge: the terminal, the store threads, signals, and the loop that
//! feeds `update` and draws. Everything here is I/O; the decisions live in `app`.

mod draft;
mod input;
mod keys;
mod moves;
#[cfg(test)]
mod seen;
mod sgr;
mod storage;
mod terminal;
pub mod theme;
mod watchdog;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

pub use draft::{DraftFile, DraftWriter};
pub use keys::{chord, to_msg};

use crate::app::{App, Effect, Mode, Msg, update};
use crate::store::{Access, OpenOptions, Store};
use crate::ui::{self, Theme};
use input::Input;
use storage::{Storage, WriteRequest};

/// How the console was asked to start.
#[derive(Debug, Clone)]
pub struct ConsoleOptions {
    /// The database file.
    pub db: PathBuf,
    /// Whether the database path is the default one (its directory may be created).
    pub default_db: bool,
    /// Who is writing.
    pub author: String,
    /// The theme's name or path.
    pub theme: Theme,
    /// The incident to show first, by id.
    pub incident: Option<String>,
    /// The team's playbook.
    pub playbook: crate::playbook::Playbook,
    /// A network peer to keep in sync with.
    pub peer: Option<crate::peer::PeerAddr>,
    /// The keymap in force (the built-in table with your config's `[keys]`).
    pub keys: std::sync::Arc<crate::app::Keymap>,
    /// Which notices ring the bell (`WARROOM_RING`, else your config's `ring`).
    pub ring: crate::app::notify::Ring,
    /// Why `WARROOM_RING` was passed over, to say when the console opens.
    pub ring_unread: Option<String>,
}

/// How often countdowns move on.
const TICK: Duration = Duration::from_secs(1);
/// How long a window's size must stay put before the console draws for it.
const RESIZE_SETTLE: Duration = Duration::from_millis(120);
/// How long the frame after keys echoed at the end of a line of the box waits for the
/// next key: well under what a person notices of the box's title or hint bar, and
/// long enough for the echo to be on its way first.
const ECHO_SETTLE: Duration = Duration::from_millis(1);

/// Runs the console until the user quits or a signal ends it.
pub fn run(opts: ConsoleOptions) -> Result<()> {
    // Open (and create) the database before touching the terminal, so a refusal is a
    // plain one-line error on a normal screen.
    let open = OpenOptions {
        access: Access::Prefer,
        create: true,
        create_dirs: opts.default_db,
    };
    let read_only = Store::open(&opts.db, open)?.read_only();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the console's runtime")?;
    runtime.block_on(console(opts, read_only))
}

async fn console(opts: ConsoleOptions, read_only: Option<crate::store::ReadOnly>) -> Result<()> {
    let (news_tx, mut news) = mpsc::unbounded_channel::<Msg>();
    let now = crate::store::system_clock()();
    let label = opts.db.display().to_string();
    // A full disk is not read-only: entries wait in the box until there is room.
    let full = read_only == Some(crate::store::ReadOnly::DiskFull);
    let read_only = read_only.filter(|_| !full);
    let mut app = App::new(&opts.author, &label, read_only, now);
    app.setup.zone = crate::zone::in_force();
    // A person reading another clock than the team's is told so once.
    if let Some(team) = opts
        .playbook
        .time_zone
        .filter(|team| *team != app.setup.zone)
    {
        app.notice = Some(format!(
            "times are in your zone ({}), not the team's ({team}): `warroom config` says where yours is set",
            app.setup.zone.name(now)
        ));
    }
    if full {
        app.notice = Some(
            "the disk is full: entries stay in the box (and the draft) until there is room".into(),
        );
    }
    let me_session = ulid::Ulid::generate().to_string();
    tracing::info!(
        "console started on {label} as {} (session {me_session}){}",
        opts.author,
        read_only
            .map(|why| format!(", read-only: {}", why.reason()))
            .unwrap_or_default()
    );
    let me = storage::Identity {
        session: me_session.clone(),
        user: opts.author.clone(),
    };
    app.setup.session = me.session.clone();
    app.setup.playbook = std::sync::Arc::new(opts.playbook.clone());
    // The playbook's hooks run from any console (one process per delivery, whichever
    // comes first), on a thread of their own with a connection of their own.
    if crate::deliver::Deliverer::has_work(&opts.playbook) && read_only.is_none() {
        start_deliverer(&opts);
    }
    app.setup.ring = opts.ring.clone();
    app.setup.keys = opts.keys.clone();
    if let Some(why) = &opts.ring_unread {
        app.notice = Some(why.clone());
    }
    let storage =
        Storage::start(&opts.db, me, news_tx.clone()).context("cannot start the store threads")?;
    let drafts = DraftFile::for_session(&opts.db, &opts.author, &me_session);
    if let Some(addr) = opts.peer.clone() {
        start_link(&opts.db, addr, news_tx.clone());
    }
    let mut theme = opts.theme.clone();
    // This console's lock first, then a draft left by one of this person's consoles on
    // this database that has ended; two consoles never take the same one.
    let held = drafts.as_ref().and_then(|d| match d.hold() {
        Ok(lock) => Some(lock),
        Err(e) => {
            tracing::warn!("cannot lock the draft file: {e}");
            None
        }
    });
    let mut recovered = drafts.as_ref().and_then(DraftFile::adopt_orphan);
    let failed = news_tx.clone();
    let draft_file = drafts.clone();
    let drafts = drafts
        .map(|file| {
            DraftWriter::start(file, move |e| {
                let _ = failed.send(Msg::DraftNotSaved(e));
            })
        })
        .transpose()
        .context("cannot start the draft writer")?;
    let mut start_with = opts.incident.clone();

    let mut guard = terminal::TerminalGuard::new().context("cannot set up the terminal")?;
    let mut keyboard = input::Keyboard::open().context("cannot read the terminal")?;
    // A signal that ends the console also arms the watchdog, from a thread of its own:
    // even a loop stuck writing to a terminal that no longer reads ends in time.
    watchdog::on_signals(EXIT_DEADLINE);
    // The draft staged before a frame that then blocks is written before the end.
    if let Some(writer) = drafts.as_ref() {
        watchdog::before_ending(writer.flusher(Duration::from_millis(400)));
    }
    let mut ticks = tokio::time::interval(TICK);
    let mut hangup = signal(SignalKind::hangup())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut resized = signal(SignalKind::window_change())?;
    // Every pass draws a frame (but while one is owed after an echo, or the window's size
    // is settling, below): each one follows something that may change the screen
    // (ratatui then writes only the cells that changed).
    // Whether the entry box changed since its draft was last handed to the draft writer.
    let mut draft_due = false;
    // What lies beneath the entry box, kept between frames; and whether only the text
    // in the box changed since the last frame (then that is all drawn anew).
    let mut painter = ui::Painter::default();
    let mut typed_only = false;
    // The frame owed after keys echoed at the end of a line of the box, which showed all
    // they changed but for what the box says around its text: drawn once the keys
    // pause for ECHO_SETTLE, at once when anything else comes. The echo's way to the
    // screen (a terminal emulator, sshd) is not kept from a processor meanwhile.
    let mut frame_due: Option<tokio::time::Instant> = None;
    // A window being dragged sends a resize after another: no frame is drawn until no
    // resize came for RESIZE_SETTLE, and keys read meanwhile are taken against the
    // screen as last drawn, the one they were typed at (a screen too small takes none).
    let mut settling: Option<tokio::time::Instant> = None;
    let result: Result<()> = 'console: loop {
        // What the screen needs from the store, asked once and always sent.
        for read in app.reads_due() {
            storage.read(read);
        }
        let now = tokio::time::Instant::now();
        let owed = frame_due.filter(|due| now < *due);
        settling = settling.filter(|due| now < *due);
        let draws = owed.is_none() && settling.is_none();
        // A frame owed after an echo waits with the draft its echo staged; while the
        // size settles (a drag may last seconds) no frame is drawn, but the draft does
        // not wait for one.
        if draws || settling.is_some() {
            // The draft as the box holds it is handed over before the frame and written
            // once the frame is out: the key's character is on screen without waiting
            // for the draft writer to wake, the draft is on its way to disk
            // microseconds later (before any other input is read), and a frame that
            // blocks on a stalled terminal leaves it to the exit watchdog, not lost.
            // After keys echoed, which are long on screen by now, it is woken first.
            let wake_first = !draws || frame_due.take().is_some();
            let draft_writer = drafts.as_ref().filter(|_| std::mem::take(&mut draft_due));
            if let Some(writer) = draft_writer {
                writer.stage(app.entry.draft(app.shown));
                if wake_first {
                    writer.wake();
                }
            }
            if draws
                && let Err(e) = draw(
                    &mut guard,
                    &mut painter,
                    (&app, &theme),
                    std::mem::take(&mut typed_only),
                )
            {
                break Err(e);
            }
            if let Some(writer) = draft_writer.filter(|_| !wake_first) {
                writer.wake();
            }
        }
        // Looked at in this order, the keyboard first: a key is taken without the signals
        // and the clock being asked first (keys come a burst at a time, all read at once,
        // so nothing waits behind them long); a resize before the frame owed and the
        // clock, so that neither draws a new size before the settling starts; the clock
        // before news, which a busy room can keep ready every time. A signal that ends
        // the console also arms the watchdog from its own thread, however long it waits
        // here.
        let first = tokio::select! {
            biased;
            got = keyboard.next() => match got {
                Input::Event(event) => Incoming::Term(event),
                Input::Gone(why) => {
                    tracing::info!("{why}; the console ends");
                    break Ok(());
                }
            },
            _ = resized.recv() => Incoming::Resized,
            () = tokio::time::sleep_until(owed.max(settling).unwrap_or(now)),
                if owed.is_some() || settling.is_some() => continue,
            _ = ticks.tick() => Incoming::News(Msg::Tick(crate::store::system_clock()())),
            _ = hangup.recv() => break Ok(()),
            _ = terminate.recv() => break Ok(()),
            _ = interrupt.recv() => break Ok(()),
            Some(msg) = news.recv() => Incoming::News(msg),
        };
        // Coalesce a burst (many commits, a fast typist over a slow link, a paste) into
        // one frame; keys are read in the mode they meet, one after another.
        let mut batch = vec![first];
        batch.extend(
            std::iter::from_fn(|| keyboard.try_next()).filter_map(|i| match i {
                Input::Event(event) => Some(Incoming::Term(event)),
                Input::Gone(_) => None,
            }),
        );
        batch.extend(std::iter::from_fn(|| news.try_recv().ok()).map(Incoming::News));
        // Keys typed before the window changed size were typed at the size they saw (a
        // screen too small takes none): the signal may be noticed before them, so those
        // readable with it are taken against the screen as drawn, and so are those read
        // until the size has settled (`settling`).
        let resizing = matches!(batch.first(), Some(Incoming::Resized));
        // A key alone that types a character into a box holding text: echoed at once,
        // once the draft with it is staged (a terminal that then stalls cannot lose it),
        // before the box takes it and before the frame: the box lays its text out again
        // as it takes a key, which can wait until the key is on screen. (Taken, it makes
        // the draft staged here, which a test holds.)
        let echo = match batch.as_slice() {
            [Incoming::Term(TermEvent::Key(key))]
                if !painter.too_small() && settling.is_none() && ui::echoes(&app) =>
            {
                match to_msg(&app.setup.keys, app.mode(), *key) {
                    Some(Msg::Type(input)) => plain_char(&input),
                    _ => None,
                }
            }
            _ => None,
        };
        // Whether the key was echoed at the end of its line (the frame after it may wait).
        let mut echoed_at_end = false;
        if let Some(typed) = echo {
            if let Some(writer) = drafts.as_ref() {
                writer.stage(app.entry.draft_typing(typed, app.shown));
            }
            let at_end = {
                let area = &app.entry.textarea;
                let (row, col) = (area.cursor().0, area.cursor().1);
                area.lines()
                    .get(row)
                    .is_some_and(|l| l.chars().count() == col)
            };
            match painter.echo(&mut guard.terminal, typed) {
                Ok(true) => {
                    if let Err(e) = guard.frame.send(&mut std::io::stdout()) {
                        break Err(e.into());
                    }
                    echoed_at_end = at_end;
                }
                Ok(false) => {}
                Err(e) => break Err(e.into()),
            }
        }
        // Whether this batch changes nothing but the text in the entry box: it holds an
        // edit, and nothing else.
        let (mut typing, mut edited) = (!resizing && settling.is_none(), false);
        let mut quit = false;
        if batch.iter().any(|i| matches!(i, Incoming::Term(_))) {
            // Keys are read at the time they came: a question is answered only once it
            // has been on screen long enough to be read. (The clocks on the panes move
            // on at the next tick's frame, within a second; an overdue update noticed
            // now is a new banner, and then everything is drawn.)
            let banners = app.banners.len();
            let noticed = update(&mut app, Msg::Tick(crate::store::system_clock()()));
            typing &= app.banners.len() == banners && noticed.is_empty();
            let ctx = (&storage, drafts.as_ref());
            match carry_all(
                noticed,
                ctx,
                (&mut guard, &mut app, &mut theme),
                &mut draft_due,
            ) {
                Ok(done) => quit |= done,
                Err(e) => break 'console Err(e),
            }
        }
        // Plain characters typed in a row are inserted as one run: inserting them one by
        // one costs the length of the line each time.
        let mut run = String::new();
        let mut batch = std::collections::VecDeque::from(batch);
        while let Some(incoming) = batch.pop_front() {
            let msg = match incoming {
                // Escape and a key read as one, taken as the two they were where Alt with
                // that key means nothing (the key in the mode Escape leaves).
                Incoming::Term(TermEvent::Key(key))
                    if let Some(after) = keys::escape_then(&app.setup.keys, app.mode(), key) =>
                {
                    let escape = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
                    batch.push_front(Incoming::Term(TermEvent::Key(after)));
                    batch.push_front(Incoming::Term(TermEvent::Key(escape)));
                    continue;
                }
                // An incident asked for at start is shown once the log is read, not the
                // first open one for a moment before it.
                Incoming::News(Msg::OpenRead) if start_with.is_some() => continue,
                Incoming::News(msg) => msg,
                // A screen too small to show the console takes no key but the one that
                // quits at once (it says so), and those that suspend or repaint:
                // anything else would act unseen.
                Incoming::Term(TermEvent::Key(key)) if painter.too_small() => {
                    use crate::app::Action::{ForceQuit, Repaint, Suspend};
                    match to_msg(&app.setup.keys, app.mode(), key) {
                        Some(msg @ Msg::Action(ForceQuit | Suspend | Repaint)) => msg,
                        _ => continue,
                    }
                }
                Incoming::Term(TermEvent::Paste(_)) if painter.too_small() => continue,
                Incoming::Term(TermEvent::Key(key)) => {
                    match to_msg(&app.setup.keys, app.mode(), key) {
                        Some(Msg::Type(input)) if plain_char(&input).is_some() => {
                            run.extend(plain_char(&input));
                            let more = matches!(batch.front(), Some(Incoming::Term(TermEvent::Key(next)))
                            if matches!(to_msg(&app.setup.keys, app.mode(), *next), Some(Msg::Type(i)) if plain_char(&i).is_some()));
                            if more {
                                continue;
                            }
                            Msg::Typed(std::mem::take(&mut run))
                        }
                        Some(msg) => msg,
                        None => continue,
                    }
                }
                Incoming::Term(TermEvent::Paste(text)) => Msg::Paste(text),
                Incoming::Term(_) | Incoming::Resized => continue,
            };
            let loaded_now = matches!(msg, Msg::Loaded);
            // A draft left behind is offered once the loading screen ends, even on a log
            // that cannot be read yet (then typing would save over it unseen).
            let waited = loaded_now || matches!(msg, Msg::ReadFailed);
            // The incident asked for at start, once the first read is done.
            let asked = if loaded_now {
                start_with.take().map(Msg::Show)
            } else {
                None
            };
            for msg in std::iter::once(msg).chain(asked) {
                let before = Editing::of(&app);
                let edit = matches!(msg, Msg::Typed(_) | Msg::Type(_));
                let effects = update(&mut app, msg);
                let edit = edits_only(edit, before, Editing::of(&app), &effects);
                typing &= edit;
                edited |= edit;
                let ctx = (&storage, drafts.as_ref());
                match carry_all(
                    effects,
                    ctx,
                    (&mut guard, &mut app, &mut theme),
                    &mut draft_due,
                ) {
                    Ok(done) => quit |= done,
                    Err(e) => break 'console Err(e),
                }
            }
            if waited && let Some(draft) = recovered.take() {
                update(&mut app, Msg::DraftFound(draft));
            }
        }
        // A frame still owed sends this batch's changes too.
        typed_only = (typed_only || owed.is_none()) && typing && edited;
        frame_due = match echoed_at_end && typed_only {
            true => Some(owed.unwrap_or_else(|| tokio::time::Instant::now() + ECHO_SETTLE)),
            false => None,
        };
        if quit {
            break Ok(());
        }
        if resizing {
            // The terminal may move its cursor as it changes size.
            guard.frame.forget_cursor();
            settling = Some(tokio::time::Instant::now() + RESIZE_SETTLE);
        }
    };
    // However the loop ended (a key, a signal, the terminal gone, an error), the way
    // out is bounded: if any step hangs, the watchdog ends the process.
    watchdog::arm(EXIT_DEADLINE);
    drop(keyboard);
    // A change to the box that no frame followed (the key that quit came with it).
    if draft_due && let Some(writer) = drafts.as_ref() {
        writer.save(app.entry.draft(app.shown));
    }
    // The writer finishes what it has (and removes this console's presence row); what
    // it committed meanwhile leaves the draft, so it is not offered back as unsent.
    storage.stop(STOP_WAIT);
    while let Ok(msg) = news.try_recv() {
        if matches!(msg, Msg::Committed { .. } | Msg::Failed { .. }) {
            for effect in update(&mut app, msg) {
                if let (Effect::SaveDraft(draft), Some(writer)) = (effect, drafts.as_ref()) {
                    writer.save(draft);
                }
            }
        }
    }
    // The last draft is on disk before the terminal is given back.
    drop(drafts);
    if let (Some(file), Some(lock)) = (draft_file.as_ref(), held) {
        file.release(lock);
    }
    drop(guard);
    result
}

/// The character a key types, when it is a plain one (no Ctrl or Alt).
fn plain_char(input: &tui_textarea::Input) -> Option<char> {
    match input.key {
        tui_textarea::Key::Char(c) if !input.ctrl && !input.alt => Some(c),
        _ => None,
    }
}

/// What the loop takes in: the terminal's events and everyone else's news.
enum Incoming {
    Term(TermEvent),
    News(Msg),
    /// The window changed size (a window being dragged sends a resize after another:
    /// the frame is drawn once the size has settled, not for every step of the drag).
    Resized,
}

/// How long the way out may take before the watchdog ends the process.
const EXIT_DEADLINE: Duration = Duration::from_secs(2);
/// How long the way out waits for the store threads (a write in flight, the presence
/// row's removal); past it they are left to end with the process.
const STOP_WAIT: Duration = Duration::from_millis(500);

/// Keeps the peer link up on its own thread for as long as the console runs; its
/// events reach the screen through the store like everyone else's.
fn start_link(db: &std::path::Path, addr: crate::peer::PeerAddr, news: mpsc::UnboundedSender<Msg>) {
    let db = db.to_path_buf();
    let label = addr.label();
    let spawned = std::thread::Builder::new()
        .name("peer-link".into())
        .spawn(move || {
            crate::peer::follow(
                db,
                addr,
                crate::peer::Limits::default(),
                true,
                &|state| {
                    tracing::info!("peer {label}: {state:?}");
                    let _ = news.send(Msg::Link(label.clone(), state));
                },
                &|line| {
                    tracing::warn!("peer {label}: {line}");
                    let _ = news.send(Msg::Notice(format!("peer {label}: {line}")));
                },
            )
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the peer link: {e}");
    }
}

/// Draws a frame and sends it, as one synchronized update; a frame that changes
/// nothing on screen sends nothing.
/// What a message's handling is judged by for [`edits_only`]: whether the entry box has
/// the keys with no overlay over it, and how many banners are up.
#[derive(Clone, Copy)]
struct Editing {
    in_box: bool,
    banners: usize,
}

impl Editing {
    fn of(app: &App) -> Editing {
        Editing {
            in_box: app.mode() == Mode::Entry && app.overlays.is_empty(),
            banners: app.banners.len(),
        }
    }
}

/// Whether handling a message changed nothing but the text in the entry box (so the
/// next frame may keep what lies beneath it, [`ui::Painter`]): `edit`, a key or a run of
/// characters typed, met and left in the entry box, with no effect but the draft's and
/// no new banner.
fn edits_only(edit: bool, before: Editing, after: Editing, effects: &[Effect]) -> bool {
    edit && before.in_box
        && after.in_box
        && after.banners == before.banners
        && effects.iter().all(|e| matches!(e, Effect::DraftChanged))
}

fn draw(
    guard: &mut terminal::TerminalGuard,
    painter: &mut ui::Painter,
    (app, theme): (&App, &Theme),
    typed_only: bool,
) -> Result<()> {
    let terminal::TerminalGuard { terminal, frame } = guard;
    let sent = paint(
        (terminal, frame),
        painter,
        (app, theme),
        typed_only,
        &mut std::io::stdout(),
    )?;
    tracing::trace!(bytes = sent, "frame");
    Ok(())
}

/// Draws a frame of `app` with `painter` and sends it to `out`; returns how many bytes
/// went. A screen cleared since the last frame (a repaint, back from a suspend) is
/// drawn whole: the painter's copy of the screen is forgotten first.
fn paint(
    (terminal, frame): (&mut terminal::Term, &mut terminal::FrameOut),
    painter: &mut ui::Painter,
    (app, theme): (&App, &Theme),
    typed_only: bool,
    out: &mut impl std::io::Write,
) -> Result<usize> {
    if frame.was_cleared() {
        painter.forget();
    }
    // A key typed into the box: the box and the hint bar compared and sent alone.
    if !(typed_only && painter.patch(terminal, app, theme)?) {
        crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
        painter.draw(terminal, app, theme)?;
        crossterm::queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    }
    Ok(frame.send(out)?)
}

/// Carries out one effect; returns whether to quit.
/// Carries out `effects` in order; returns whether to quit. A changed draft is staged
/// at once (an effect after it that writes to the terminal, the bell or the title, may
/// block on a stalled one too) and `draft_due` set for the writer to be woken after the
/// next frame.
fn carry_all(
    effects: Vec<Effect>,
    (storage, drafts): (&Storage, Option<&DraftWriter>),
    (guard, app, theme): (&mut terminal::TerminalGuard, &mut App, &mut Theme),
    draft_due: &mut bool,
) -> Result<bool> {
    let mut quit = false;
    for effect in effects {
        if matches!(effect, Effect::DraftChanged) {
            if let Some(writer) = drafts {
                writer.stage(app.entry.draft(app.shown));
            }
            *draft_due = true;
            continue;
        }
        quit |= carry_out(effect, storage, drafts, guard, app, theme)?;
    }
    Ok(quit)
}

fn carry_out(
    effect: Effect,
    storage: &Storage,
    drafts: Option<&DraftWriter>,
    guard: &mut terminal::TerminalGuard,
    app: &mut App,
    theme: &mut Theme,
) -> Result<bool> {
    match effect {
        Effect::Quit => return Ok(true),
        Effect::Append { purpose, drafts } => {
            storage.write(WriteRequest::Append { purpose, drafts });
        }
        Effect::LoadDemo => {
            storage.write(WriteRequest::Demo);
        }
        Effect::SaveDraft(draft) => {
            if let Some(writer) = drafts {
                writer.save(draft);
            }
        }
        Effect::DraftChanged => {
            if let Some(writer) = drafts {
                writer.save(app.entry.draft(app.shown));
            }
        }
        Effect::SetTheme(name) => {
            let result = crate::tui::theme::load(&name).map(|t| {
                let t = t.for_depth(crate::ui::theme::ColorDepth::of_environment());
                *theme = t;
                theme.name.clone()
            });
            update(app, Msg::ThemeChanged(result.map_err(|e| e.to_string())));
        }
        Effect::Suspend => guard.suspend()?,
        Effect::Repaint => guard.repaint()?,
        Effect::Copy(text) => {
            // OSC 52: the terminal puts it on the clipboard where the person sits, over
            // SSH too. Base64 keeps the text inert on the way.
            use base64::Engine;
            use std::io::Write;
            let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
            let mut out = std::io::stdout();
            let _ = write!(out, "\x1b]52;c;{encoded}\x07");
            let _ = out.flush();
        }
        Effect::Bell => {
            use std::io::Write;
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\x07");
            let _ = out.flush();
        }
        Effect::Title(title) => {
            let title = title.unwrap_or_else(|| "warroom".into());
            let _ = crossterm::execute!(
                std::io::stdout(),
                crossterm::terminal::SetTitle(crate::inert::line(&title))
            );
        }
    }
    Ok(false)
}

/// Delivers the playbook's hooks until the process ends; a failure to open the store
/// or to write is logged and tried again later, never shown over the console.
fn start_deliverer(opts: &ConsoleOptions) {
    let db = opts.db.clone();
    let playbook = opts.playbook.clone();
    let author = opts.author.clone();
    let spawned = std::thread::Builder::new()
        .name("deliver".into())
        .spawn(move || {
            loop {
                let opened = Store::open(&db, crate::store::OpenOptions::write())
                    .and_then(|store| crate::deliver::Deliverer::new(store, &playbook, &author));
                match opened {
                    Ok(mut deliverer) => loop {
                        if let Err(e) = deliverer.step() {
                            tracing::warn!("hooks: {e}");
                            break;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(500));
                    },
                    Err(e) => tracing::warn!("hooks: cannot open the database: {e}"),
                }
                std::thread::sleep(std::time::Duration::from_secs(5));
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("hooks: cannot start their thread: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Action;
    use tui_textarea::{Input, Key};

    /// Handles `msg` and says whether the loop would count it as an edit alone.
    fn judged(app: &mut App, msg: Msg) -> bool {
        let before = Editing::of(app);
        let edit = matches!(msg, Msg::Typed(_) | Msg::Type(_));
        let effects = update(app, msg);
        edits_only(edit, before, Editing::of(app), &effects)
    }

    fn key(key: Key) -> Msg {
        Msg::Type(Input {
            key,
            ..Default::default()
        })
    }

    #[test]
    fn only_editing_keys_in_the_entry_box_leave_what_lies_beneath_it_alone() {
        let now = chrono::Utc::now();
        let mut app = App::new("alice", "w.db", None, now);
        update(&mut app, Msg::Events(crate::demo::events("demo", now)));
        update(&mut app, Msg::Loaded);
        // Typed outside the box, a letter is a command: not an edit.
        assert!(!judged(&mut app, Msg::Action(Action::OpenEntry)));
        assert!(judged(&mut app, Msg::Typed("rolled back".into())));
        assert!(judged(&mut app, key(Key::Backspace)));
        assert!(judged(&mut app, key(Key::Left)));
        // Choosing a kind, news, a tick: not edits.
        assert!(!judged(&mut app, Msg::Action(Action::CycleKind)));
        assert!(!judged(&mut app, Msg::Tick(now)));
        // Submitting writes: not an edit.
        assert!(judged(&mut app, Msg::Typed(" the deploy".into())));
        assert!(!judged(&mut app, Msg::Action(Action::Submit)));
        // Leaving the box: not an edit, and keys typed then are commands.
        assert!(judged(&mut app, Msg::Typed("more".into())));
        assert!(!judged(&mut app, Msg::Action(Action::Close)));
        assert!(!judged(&mut app, Msg::Typed("j".into())));
    }
}

#[cfg(test)]
mod painting {
    use super::*;
    use crate::tui::seen::{as_seen, at_80x24, cells, cleared_80x24, demo_app, whole_frame};
    use crate::tui::terminal::Term;

    /// What a terminal shows after keys typed into the box, each echoed (when it may be)
    /// and then patched as the loop does, is what a whole frame draws: typing at the
    /// end and in the middle of a line, before and after wide characters, across a
    /// wrap, deleting, and a whole frame between. Read by a terminal emulator (vt100),
    /// which draws over half of a wide character as terminals do, as a person sees it
    /// (a space written and a cell never written are the same blank).
    #[test]
    fn keys_echoed_and_patched_leave_the_screen_a_whole_frame_draws() {
        use tui_textarea::{Input, Key};
        let key = |key: Key| {
            Msg::Type(Input {
                key,
                ..Default::default()
            })
        };
        let mut app = demo_app(true);
        let theme = Theme::builtin("dark").expect("a theme");
        let (out, mut terminal) = cleared_80x24();
        let mut painter = ui::Painter::default();
        let mut screen: Vec<u8> = Vec::new();
        paint(
            (&mut terminal, &mut out.clone()),
            &mut painter,
            (&app, &theme),
            false,
            &mut screen,
        )
        .expect("a frame");
        let mut steps: Vec<(Msg, bool)> = "rolled back the deploy in every region of the EU"
            .chars()
            .map(|c| (Msg::Typed(c.to_string()), true))
            .collect();
        steps.extend([
            (Msg::Typed(" and 障害 was".into()), true),
            (
                Msg::Typed(" \u{1F3F3}\u{FE0F}\u{200D}\u{1F308}\u{1F44D}\u{1F3FD}".into()),
                true,
            ),
            (Msg::Typed("!".into()), true),
            (key(Key::Left), true),
            (key(Key::Left), true),
            (key(Key::Left), true),
            (key(Key::Left), true),
            (Msg::Typed("Z".into()), true),
            (key(Key::Left), true),
            (key(Key::Left), true),
            (Msg::Typed("Y".into()), true),
            (key(Key::End), true),
            (Msg::Typed(" then".into()), true),
        ]);
        steps.extend(
            " it went on and on past the end of the row"
                .chars()
                .map(|c| (Msg::Typed(c.to_string()), true)),
        );
        steps.extend([
            (key(Key::Backspace), true),
            (key(Key::Home), true),
            (Msg::Typed("W".into()), true),
            (Msg::Action(crate::app::Action::FocusNext), false),
            (key(Key::End), true),
            (Msg::Typed("x".into()), true),
        ]);
        let mut echoed = 0;
        for (n, (step, typing)) in steps.into_iter().enumerate() {
            let echo = match &step {
                Msg::Typed(text) if ui::echoes(&app) && text.chars().count() == 1 => {
                    text.chars().next()
                }
                _ => None,
            };
            // As the loop does: the key echoed before the box takes it.
            if let Some(c) = echo
                && painter.echo(&mut terminal, c).expect("an echo")
            {
                out.clone().send(&mut screen).expect("sent");
                echoed += 1;
            }
            update(&mut app, step);
            paint(
                (&mut terminal, &mut out.clone()),
                &mut painter,
                (&app, &theme),
                typing,
                &mut screen,
            )
            .expect("a frame");
            let whole = whole_frame(&app, &theme);
            let (got, want) = (as_seen(&screen), as_seen(&whole));
            let differ: Vec<String> = (0..got.len())
                .filter(|&i| got[i] != want[i])
                .map(|i| {
                    format!(
                        "({}, {}): {:?} not {:?}",
                        i % 80,
                        i / 80,
                        got[i].text,
                        want[i].text
                    )
                })
                .collect();
            assert!(differ.is_empty(), "step {n}: {differ:?}");
        }
        assert!(echoed > 60, "{echoed} keys echoed");
    }

    /// Emoji made of several code points (joined by U+200D, with a presentation
    /// selector, a skin tone, a keycap, a flag) are drawn in the columns the layout gave
    /// them on a terminal that reads each code point alone (vt100 here; xterm and
    /// others too): every cell a terminal shows holds what the frame put there, so the
    /// text after such an emoji is neither shifted, eaten, nor left stale. In the box,
    /// in the timeline, and after a key typed after one.
    #[test]
    fn joined_emoji_take_the_columns_the_layout_gave_them() {
        use ratatui::backend::TestBackend;
        let clusters = [
            "\u{267B}\u{FE0F}",
            "\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}",
            "\u{2764}\u{FE0F}\u{200D}\u{1F525}",
            "\u{1F3F4}\u{200D}\u{2620}\u{FE0F}",
            "\u{1F43B}\u{200D}\u{2744}\u{FE0F}",
            "\u{1F469}\u{200D}\u{1F52C}",
            "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
            "\u{1F44D}\u{1F3FD}",
            "\u{1F9D1}\u{1F3FF}\u{200D}\u{1F692}",
            "1\u{FE0F}\u{20E3}",
            "\u{1F1E9}\u{1F1EA}",
            "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
        ];
        let theme = Theme::builtin("dark").expect("a theme");
        for cluster in clusters {
            let now = chrono::Utc::now();
            let events = crate::demo::events("demo", now);
            let mut app = App::new("alice", "w.db", None, now);
            update(&mut app, Msg::Events(events.clone()));
            update(&mut app, Msg::Loaded);
            update(&mut app, Msg::Action(crate::app::Action::OpenEntry));
            let text = format!("zq{cluster}x {cluster}{cluster}wj");
            // Logged by someone else: a note at the end of the timeline.
            let mut note = events
                .iter()
                .rfind(|e| Some(e.incident) == app.shown)
                .expect("an entry of the incident shown")
                .clone();
            note.id = ulid::Ulid::generate();
            note.seq += 1000;
            note.body = crate::domain::Body::Note { text: text.clone() };
            update(&mut app, Msg::Events(vec![note]));
            update(&mut app, Msg::Typed(text));
            let mut backend = ratatui::Terminal::new(TestBackend::new(80, 24)).expect("a terminal");
            let drawn = backend
                .draw(|f| ui::render(f, &app, &theme))
                .expect("a frame")
                .buffer
                .clone();
            let seen = cells(&whole_frame(&app, &theme));
            let differ: Vec<String> = drawn
                .content
                .iter()
                .zip(&seen)
                .enumerate()
                .filter(|(_, (cell, seen))| cell.symbol().trim() != seen.text.trim())
                .map(|(i, (cell, seen))| {
                    format!(
                        "({}, {}): {:?} not {:?}",
                        i % 80,
                        i / 80,
                        seen.text,
                        cell.symbol()
                    )
                })
                .collect();
            assert!(differ.is_empty(), "{cluster}: {differ:?}");
            let rows: Vec<String> = drawn
                .content
                .chunks(80)
                .map(|row| row.iter().map(ratatui::buffer::Cell::symbol).collect())
                .collect();
            let whole = |row: &&String| row.contains("zq") && row.contains("wj");
            assert_eq!(
                rows.iter().filter(whole).count(),
                2,
                "{cluster}: in the box and the timeline: {rows:#?}"
            );
            // The terminal's cursor stands right after the text typed.
            let cursor = backend.get_cursor_position().expect("the cursor");
            let row = &drawn.content[usize::from(cursor.y) * 80..][..80];
            let j = usize::from(cursor.x) - 1;
            assert_eq!(
                (row[j - 1].symbol(), row[j].symbol()),
                ("w", "j"),
                "{cluster}: the cursor after the text"
            );
        }
    }

    /// After keys typed into the box were sent as patches, a repaint (Ctrl-L: the screen
    /// cleared, a fresh terminal) draws the whole screen again, the box's text too: the
    /// painter's copy of the screen from before the clear is not handed to ratatui.
    #[test]
    fn a_repaint_after_patched_keys_draws_everything_again() {
        let mut app = demo_app(true);
        let theme = Theme::builtin("dark").expect("a theme");
        let (out, mut terminal) = cleared_80x24();
        let mut painter = ui::Painter::default();
        let mut screen: Vec<u8> = Vec::new();
        let mut frame = |terminal: &mut Term, app: &App, typed: bool, screen: &mut Vec<u8>| {
            paint(
                (terminal, &mut out.clone()),
                &mut painter,
                (app, &theme),
                typed,
                screen,
            )
            .expect("a frame")
        };
        frame(&mut terminal, &app, false, &mut screen);
        for typed in ["rolled", " back"] {
            update(&mut app, Msg::Typed(typed.into()));
            frame(&mut terminal, &app, true, &mut screen);
        }
        // Ctrl-L as the guard does it: the screen cleared, a fresh terminal.
        screen.extend_from_slice(b"\x1b[0m\x1b[2J");
        out.cleared();
        let mut terminal = at_80x24(&out);
        frame(&mut terminal, &app, false, &mut screen);
        let whole = whole_frame(&app, &theme);
        let shown = String::from_utf8_lossy(&screen).into_owned();
        assert!(cells(&screen) == cells(&whole), "{shown:?}");
    }
}
