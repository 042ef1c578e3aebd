//! Reading and listing the names of the domain's enums. Each variant declares its
//! spellings with strum (`to_string` is the name written out, `serialize` the other
//! spellings people type); these read them, so a parser, its error and every list of
//! choices come from the one declaration.

use strum::{EnumMessage, IntoEnumIterator};

/// The variant one of whose spellings is `text`, ignoring ASCII case and outer spaces.
pub(crate) fn parse<E: IntoEnumIterator + EnumMessage>(text: &str) -> Option<E> {
    let text = text.trim();
    E::iter().find(|variant| {
        variant
            .get_serializations()
            .iter()
            .any(|name| name.eq_ignore_ascii_case(text))
    })
}

/// Every variant written by `name`, as people read a list: `a, b or c`.
pub(crate) fn choices<E: IntoEnumIterator>(name: impl Fn(E) -> String) -> String {
    let names: Vec<String> = E::iter().map(name).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Every variant by its own name (`to_string`), as [`choices`] lists them.
pub(crate) fn keys<E: IntoEnumIterator + Into<&'static str>>() -> String {
    choices(|variant: E| variant.into().to_string())
}

/// Reads a variant as typed (`text.parse()`, the spellings strum declares), or says what
/// `text` is not (`what`) and lists every variant as `typed` writes it for a person to type.
pub(crate) fn read<E: std::str::FromStr + IntoEnumIterator>(
    text: &str,
    what: &str,
    typed: impl Fn(E) -> String,
) -> Result<E, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("'{}' is not {what}: use {}", text.trim(), choices(typed)))
}
