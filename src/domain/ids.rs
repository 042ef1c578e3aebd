//! Naming an incident or an action item by the end of its id, as people type it.

use ulid::Ulid;

/// The fewest characters of an id that name it.
pub const MIN_ID_CHARS: usize = 4;

/// The one id among `candidates` that `typed` names: the whole id, or an ending of at
/// least `MIN_ID_CHARS` characters that no other candidate shares (any case). `what`
/// names the kind of thing ("incident") and `hint` where its ids are listed, for the
/// error when nothing matches; every error says what to give instead.
pub fn resolve_id(
    candidates: impl IntoIterator<Item = Ulid>,
    typed: &str,
    what: &str,
    hint: &str,
) -> Result<Ulid, String> {
    let typed = typed.trim();
    let up = typed.to_ascii_uppercase();
    let whole = Ulid::from_string(&up).ok();
    if up.chars().count() < MIN_ID_CHARS {
        return Err(format!(
            "'{typed}' is too short to name an {what}: give at least {MIN_ID_CHARS} characters of its id"
        ));
    }
    let mut found = Vec::new();
    for id in candidates {
        if Some(id) == whole {
            return Ok(id);
        }
        if id.to_string().ends_with(&up) {
            found.push(id);
        }
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!("no {what} with id '{typed}': {hint}")),
        several => Err(format!(
            "'{typed}' matches {} {} ({}); give more of the id",
            several.len(),
            plural(what),
            several
                .iter()
                .map(|id| short_id(*id))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The plural of a noun such as this module names: "entries", "incidents".
fn plural(what: &str) -> String {
    match what.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{what}s"),
    }
}

/// The short form of an id people type: its last six characters, lowercase.
pub fn short_id(id: Ulid) -> String {
    let full = id.to_string();
    full[full.len() - 6..].to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_named_by_all_of_it_or_a_unique_ending() {
        let id = |s: &str| Ulid::from_string(s).unwrap();
        let a = id("01KB000000000000000000ABCD");
        let b = id("01KB000000000000000001ABCD");
        let c = id("01KB00000000000000000000XY");
        let ids = [a, b, c];
        let find = |typed: &str| resolve_id(ids, typed, "incident", "ask");
        assert_eq!(find(&a.to_string().to_lowercase()), Ok(a));
        assert_eq!(find(" 00xy "), Ok(c));
        assert_eq!(find("1abcd"), Ok(b));
        let several = find("abcd").unwrap_err();
        assert!(
            several.contains("matches 2 incidents") && several.contains("give more"),
            "{several}"
        );
        assert!(find("abc").unwrap_err().contains("too short"));
        let entries = resolve_id(ids, "abcd", "entry", "ask").unwrap_err();
        assert!(entries.contains("matches 2 entries"), "{entries}");
        let items = resolve_id(ids, "abcd", "action item", "ask").unwrap_err();
        assert!(items.contains("matches 2 action items"), "{items}");
        assert!(
            find("").unwrap_err().contains("too short"),
            "empty names nothing"
        );
        assert_eq!(
            find("zzzz"),
            Err("no incident with id 'zzzz': ask".to_string())
        );
    }
}
