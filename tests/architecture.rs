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

#[test]
fn the_command_line_does_not_borrow_the_console() {
    forbid("cli", &["crate::app", "warroom::app"]);
}

#[test]
fn the_rules_know_nothing_of_terminals_files_sockets_or_front_ends() {
    forbid(
        "rules",
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
            "crate::app",
            "crate::ui",
            "crate::tui",
            "crate::peer",
            "crate::sync",
        ],
    );
}

/// The sibling modules a file of a folder names (`super::x` or `crate::folder::x`).
fn siblings_named(text: &str, folder: &str, names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter(|name| {
            [
                format!("super::{name}::"),
                format!("super::{name}}}"),
                format!("super::{name};"),
                format!("super::{{{name}"),
                format!("crate::{folder}::{name}::"),
            ]
            .iter()
            .any(|pattern| text.contains(pattern.as_str()))
                || text.contains("super::{") && grouped(text, name)
        })
        .cloned()
        .collect()
}

/// Whether a `use super::{...}` group names `name` as a module of its own.
fn grouped(text: &str, name: &str) -> bool {
    text.match_indices("super::{").any(|(at, _)| {
        let group = &text[at + "super::{".len()..];
        let group = &group[..group.find('}').unwrap_or(group.len())];
        group
            .split(',')
            .map(str::trim)
            .any(|item| item == name || item.starts_with(&format!("{name}::")))
    })
}

#[test]
fn no_folder_imports_itself_in_a_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut circles = Vec::new();
    for folder in std::fs::read_dir(&root).expect("src").flatten() {
        let path = folder.path();
        if !path.is_dir() {
            continue;
        }
        let folder_name = folder.file_name().to_string_lossy().into_owned();
        // The folder's files besides mod.rs (which declares them all) and what each names.
        let files: Vec<(String, String)> = std::fs::read_dir(&path)
            .expect("folder")
            .flatten()
            .map(|f| f.path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .filter(|p| p.file_stem().is_some_and(|s| s != "mod"))
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&p).expect("source");
                // Only the code, not its tests (a test may reach anywhere).
                let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                (name, code)
            })
            .collect();
        let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        let edges: std::collections::BTreeMap<String, Vec<String>> = files
            .iter()
            .map(|(name, text)| {
                let mut to = siblings_named(text, &folder_name, &names);
                to.retain(|t| t != name);
                (name.clone(), to)
            })
            .collect();
        // Depth-first search for a cycle.
        fn visit(
            node: &str,
            edges: &std::collections::BTreeMap<String, Vec<String>>,
            path: &mut Vec<String>,
            done: &mut std::collections::BTreeSet<String>,
        ) -> Option<Vec<String>> {
            if let Some(at) = path.iter().position(|p| p == node) {
                let mut cycle = path[at..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            if done.contains(node) {
                return None;
            }
            path.push(node.to_string());
            for next in edges.get(node).into_iter().flatten() {
                if let Some(cycle) = visit(next, edges, path, done) {
                    return Some(cycle);
                }
            }
            path.pop();
            done.insert(node.to_string());
            None
        }
        let mut done = std::collections::BTreeSet::new();
        for name in edges.keys() {
            if let Some(cycle) = visit(name, &edges, &mut Vec::new(), &mut done) {
                circles.push(format!("src/{folder_name}: {}", cycle.join(" -> ")));
                break;
            }
        }
    }
    assert!(
        circles.is_empty(),
        "modules of one folder import each other in a circle:\n{}",
        circles.join("\n")
    );
}

#[test]
fn every_public_type_has_a_name_of_its_own() {
    // One meaning per name: two public types called alike (three `Command`s once) make
    // every reader ask which one a file means.
    let mut seen: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let mut twice = Vec::new();
    for (path, text) in sources("") {
        for line in text.lines() {
            let Some(rest) = ["pub ", "pub(crate) ", "pub(super) "]
                .iter()
                .find_map(|p| line.strip_prefix(p))
            else {
                continue;
            };
            let Some(rest) = ["struct ", "enum ", "trait ", "type "]
                .iter()
                .find_map(|k| rest.strip_prefix(k))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Some(first) = seen.insert(name.clone(), path.clone()) {
                twice.push(format!("{name}: {first} and {path}"));
            }
        }
    }
    assert!(seen.len() > 50, "the scan found too few types: {seen:?}");
    assert!(
        twice.is_empty(),
        "public types named alike:\n{}",
        twice.join("\n")
    );
}

#[test]
fn unsafe_code_is_denied_but_where_no_safe_call_exists_each_with_its_reason() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("Cargo.toml");
    assert!(
        manifest.contains("unsafe_code = \"deny\""),
        "Cargo.toml must deny unsafe code"
    );
    // Each allowed place, and why no safe call does it.
    let allowed = [
        "src/main.rs",         // setting SIGPIPE back to its default action
        "src/tui/watchdog.rs", // `_exit`, which runs nothing on the way out
        "src/deliver.rs",      // `pre_exec`: a hook dies with the process running it
        "src/tui/input.rs",    // tokio's `AsyncFd::register`: the terminal on the loop's reactor
    ];
    let mut found = Vec::new();
    for (path, text) in sources("") {
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if !(code.contains("unsafe {")
                || code.contains("unsafe fn")
                || code.contains("unsafe impl"))
            {
                continue;
            }
            let place = format!("{path}:{}", n + 1);
            assert!(
                allowed.iter().any(|a| path.ends_with(a)),
                "{place}: unsafe code outside the allowed places"
            );
            let before = &lines[n.saturating_sub(4)..n];
            assert!(
                before.iter().any(|l| l.contains("// SAFETY:")),
                "{place}: unsafe code without a `// SAFETY:` comment just above it"
            );
            let function = lines[..n]
                .iter()
                .rposition(|l| l.starts_with("fn ") || l.starts_with("pub fn "))
                .expect("unsafe code inside a function");
            assert!(
                lines[function.saturating_sub(1)].contains("#[allow(unsafe_code)]"),
                "{place}: the function holding unsafe code must allow it itself"
            );
            found.push(place);
        }
    }
    assert_eq!(found.len(), allowed.len(), "unsafe places: {found:?}");
}
