//! The `warroom` binary: parse the command line, run it, report errors in one line.

use std::process::ExitCode;

use clap::Parser;
use warroom::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.prints_only() {
        // Like other command-line tools, a command that just prints ends quietly when the
        // reader of its output goes away (`warroom tail | head`) instead of failing on
        // every write after it. The others keep Rust's default (SIGPIPE ignored, so a
        // write to a closed pipe is an error): the console and the peer commands write to
        // pipes to `ssh` or a `--via` command, and a peer that goes away must be an error
        // they recover from (reconnect, restore the terminal), not the end of the process.
        // SAFETY: setting a signal's disposition to its default at startup, before threads.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
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
