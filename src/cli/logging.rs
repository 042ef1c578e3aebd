//! Where log lines go, set up once for every command: the console writes them to its
//! own file (its screen is the terminal, and a line there would tear the frame); every
//! other command writes warnings and errors to stderr, one inert line each, because
//! what is logged may quote a peer, an entry or a file name.
//!
//! `WARROOM_LOG` (an `EnvFilter` directive such as `debug` or `warroom::peer=debug`)
//! chooses what is logged, for the file and stderr alike; by default the file takes
//! `info` and above, stderr `warn` and above.

use std::fmt;
use std::path::Path;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Where a command's log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    /// The console's file, `$XDG_STATE_HOME/warroom/warroom.log`.
    ConsoleFile,
    /// Standard error, one inert `warroom: warning: ...` line each.
    Stderr,
}

/// The variable that chooses what is logged.
const FILTER_VAR: &str = "WARROOM_LOG";

/// Sets up logging for this process (once; a second call changes nothing).
pub fn init(sink: Sink) {
    let default = match sink {
        Sink::ConsoleFile => "info",
        Sink::Stderr => "warn",
    };
    let filter = std::env::var(FILTER_VAR)
        .ok()
        .and_then(|spec| EnvFilter::try_new(spec).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // A failed write is not reported on stderr: for the console that is its screen.
        .log_internal_errors(false);
    let _ = match sink {
        Sink::ConsoleFile => {
            let Some(file) = open_log_file() else {
                return;
            };
            builder
                .event_format(Lines { stamped: true })
                .with_writer(std::sync::Mutex::new(QuietLog(file)))
                .try_init()
        }
        Sink::Stderr => builder
            .event_format(Lines { stamped: false })
            .with_writer(std::io::stderr)
            .try_init(),
    };
}

/// The console's log file, opened for appending: created readable only by its owner,
/// in a folder only the owner may enter (it may quote entries and peers).
fn open_log_file() -> Option<std::fs::File> {
    let path = crate::paths::log_file()?;
    let dir = path.parent()?;
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .ok()?;
    }
    open_private(&path)
}

/// Opens `path` for appending, creating it with mode 0600; a file left by an older
/// build that others could read is made private too.
fn open_private(path: &Path) -> Option<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .ok()?;
    if let Ok(meta) = file.metadata()
        && meta.permissions().mode() & 0o077 != 0
    {
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
    }
    Some(file)
}

/// The log file, whose failures (a full disk) go unsaid: the log's own library would
/// print them on stderr, which is the console's screen.
struct QuietLog(std::fs::File);

impl std::io::Write for QuietLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(self.0.write(buf).unwrap_or(buf.len()))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

/// One line per event, its text made inert: with the time, level and module for the
/// file (`stamped`), as `warroom: warning: TEXT` for stderr.
struct Lines {
    stamped: bool,
}

impl<S, N> FormatEvent<S, N> for Lines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'w> FormatFields<'w> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut text = String::new();
        ctx.format_fields(Writer::new(&mut text), event)?;
        let text = crate::inert::line(&text);
        let meta = event.metadata();
        if self.stamped {
            let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ");
            writeln!(
                writer,
                "{now} {:>5} {}: {text}",
                meta.level(),
                meta.target()
            )
        } else {
            writeln!(writer, "warroom: {}: {text}", level_word(*meta.level()))
        }
    }
}

/// How a level reads on stderr, like the rest of warroom's messages.
fn level_word(level: Level) -> &'static str {
    match level {
        Level::ERROR => "error",
        Level::WARN => "warning",
        Level::INFO => "info",
        Level::DEBUG => "debug",
        Level::TRACE => "trace",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_log_file_is_private_even_when_an_older_build_left_it_open() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("warroom.log");
        open_private(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        open_private(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn a_full_disk_is_never_an_error_of_the_log() {
        let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
            return;
        };
        let mut log = QuietLog(full);
        assert_eq!(log.write(b"line\n").unwrap(), 5);
        log.flush().unwrap();
    }
}
