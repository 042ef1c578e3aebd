//! The `warroom` binary: parse the command line, run it, report errors in one line.

use std::process::ExitCode;

use clap::error::ErrorKind;
use warroom::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = match Cli::read() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    if cli.prints_only() {
        // Like other command-line tools, a command that just prints ends quietly when the
        // reader of its output goes away (`warroom tail | head`) instead of failing on
        // every write after it. The others keep Rust's default (SIGPIPE ignored, so a
        // write to a closed pipe is an error): the console and the peer commands write to
        // pipes to `ssh` or a `--via` command, and a peer that goes away must be an error
        // they recover from (reconnect, restore the terminal), not the end of the process.
        default_sigpipe();
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the error and its causes, made inert (they may quote user text).
            let message = format!("{e:#}");
            eprintln!("warroom: {}", warroom::inert::line(&message));
            ExitCode::FAILURE
        }
    }
}

/// Puts SIGPIPE back to its default action (ending the process).
///
/// No safe call sets a signal's disposition (rustix and signal-hook only install
/// handlers, std only ignores SIGPIPE), so this one stays `unsafe`.
#[allow(unsafe_code)]
fn default_sigpipe() {
    // SAFETY: setting a signal's disposition to its default at startup, before any
    // thread is started; no handler of ours is replaced.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Prints what clap says about the command line. Help and the version are printed as
/// clap writes them; a mistake is one line, like every other error, naming what to do.
fn usage_error(e: &clap::Error) -> ExitCode {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    }
    // What clap says before its usage and tips, joined into one line (a missing
    // argument is named on the line after the message).
    let rendered = e.render().to_string();
    let said = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| {
            !l.starts_with("Usage:")
                && !l.starts_with("tip:")
                && !l.starts_with("For more information")
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let said = said.strip_prefix("error: ").unwrap_or(&said);
    let said = if said.is_empty() {
        "the command line cannot be read"
    } else {
        said.trim_end_matches('.')
    };
    eprintln!(
        "warroom: {}; add --help to the command for its usage",
        warroom::inert::line(said)
    );
    ExitCode::from(2)
}
