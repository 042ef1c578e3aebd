//! The `warroom` binary: parse the command line, run it, report errors in one line.

use std::process::ExitCode;

use clap::Parser;
use warroom::cli::{Cli, run};

fn main() -> ExitCode {
    // Like other command-line tools, end quietly when the reader of our output goes
    // away (`warroom tail | head`) instead of failing on every write after it.
    // SAFETY: setting a signal's disposition to its default at startup, before threads.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
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
