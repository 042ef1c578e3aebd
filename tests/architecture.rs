//! Guards the layering: the domain is pure, and lower layers never reach up.

use std::path::Path;

fn sources(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                out.push((path.display().to_string(), text));
            }
        }
    }
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out
}

fn forbid(dir: &str, words: &[&str]) {
    for (path, text) in sources(dir) {
        for word in words {
            assert!(
                !text.contains(word),
                "{path} names `{word}`, which src/{dir} must not use"
            );
        }
    }
}

#[test]
fn the_domain_knows_nothing_of_terminals_files_or_sockets() {
    forbid(
        "domain",
        &[
            "ratatui",
            "crossterm",
            "rusqlite",
            "tokio",
            "std::fs",
            "std::net",
            "std::io",
            "std::process",
            "crate::store",
            "crate::cli",
        ],
    );
}

#[test]
fn the_store_depends_on_the_domain_only() {
    forbid(
        "store",
        &[
            "ratatui",
            "crossterm",
            "crate::cli",
            "crate::ui",
            "crate::export",
        ],
    );
}

#[test]
fn the_app_and_ui_do_no_io() {
    forbid(
        "app",
        &[
            "crossterm",
            "rusqlite",
            "tokio",
            "std::fs",
            "std::net",
            "std::process",
            "crate::tui",
            "crate::ui",
        ],
    );
    forbid(
        "ui",
        &[
            "crossterm",
            "rusqlite",
            "tokio",
            "std::net",
            "std::process",
            "crate::tui",
            "crate::store",
        ],
    );
}

#[test]
fn everything_printed_goes_through_the_inert_layer() {
    // Commands print with `say!`/`tell!` or `output::println`, which make the text inert
    // (it may quote a playbook, a scenario, an entry or a peer); only those and the
    // binary's one error line write to the terminal themselves.
    for dir in [
        "cli", "domain", "store", "sync", "peer", "drill", "playbook", "export", "app", "ui",
        "tui", "demo",
    ] {
        for (path, text) in sources(dir) {
            if path.ends_with("cli/output.rs") {
                continue;
            }
            for word in ["println!(", "print!(", "eprintln!(", "eprint!("] {
                let found = text
                    .lines()
                    .any(|l| l.contains(word) && !l.trim_start().starts_with("//"));
                assert!(
                    !found,
                    "{path} prints with `{word}`; use say!/tell! or output::println"
                );
            }
        }
    }
}
