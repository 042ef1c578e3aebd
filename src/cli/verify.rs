//! `warroom verify`: walks the hash chain of every origin and says where it breaks.

use anyhow::{Result, bail};
use clap::Args;

use super::context::{Context, Pick, pick_id};
use crate::domain::ChainHash;
use crate::inert;
use crate::store::{
    Access, BreakKind, ChainBreak, Expectation, OpenOptions, SeamKind, Store, Verification,
};

/// What `warroom verify` takes.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Check only this incident's events (its id or the last 4+ characters), each
    /// against its origin's event before it; the heads printed are the incident's.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
    /// A head an export printed, ORIGIN#SEQ=HASH: the event must still hold that hash.
    /// May be given more than once.
    #[arg(long, value_name = "ORIGIN#SEQ=HASH", value_parser = parse_expected)]
    pub expect: Vec<(String, u64, ChainHash)>,
    /// The seams an export listed beside its heads, ORIGIN#N,N,... (or ORIGIN#* when
    /// it had too many to list): any other at or below a head is reported.
    #[arg(long, value_name = "ORIGIN#SEQS", value_parser = parse_seams)]
    pub seam: Vec<(String, Option<Vec<u64>>)>,
}

/// Reads `ORIGIN#N,N,...` or `ORIGIN#*`.
fn parse_seams(text: &str) -> Result<(String, Option<Vec<u64>>), String> {
    let shape = "give ORIGIN#N,N,... or ORIGIN#*, as an export prints it";
    let (origin, list) = text
        .trim()
        .rsplit_once('#')
        .ok_or_else(|| shape.to_string())?;
    if origin.is_empty() {
        return Err(shape.to_string());
    }
    if list == "*" {
        return Ok((origin.to_string(), None));
    }
    let seqs = list
        .split(',')
        .map(|n| n.trim().parse::<u64>().ok().filter(|n| *n >= 1))
        .collect::<Option<Vec<u64>>>()
        .ok_or_else(|| format!("{list:?} is not a list of event numbers: {shape}"))?;
    Ok((origin.to_string(), Some(seqs)))
}

/// Reads `ORIGIN#SEQ=HASH`.
fn parse_expected(text: &str) -> Result<(String, u64, ChainHash), String> {
    let shape = "give ORIGIN#SEQ=HASH, as an export prints it (e.g. 01JD...#42=3f2a...)";
    let (head, hash) = text
        .trim()
        .split_once('=')
        .ok_or_else(|| shape.to_string())?;
    let (origin, seq) = head.rsplit_once('#').ok_or_else(|| shape.to_string())?;
    let seq: u64 = seq
        .parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("{seq:?} is not an event number (1 or more): {shape}"))?;
    let hash = ChainHash::from_hex(hash.trim())
        .ok_or_else(|| format!("the hash is 64 hex digits: {shape}"))?;
    if origin.is_empty() {
        return Err(shape.to_string());
    }
    Ok((origin.to_string(), seq, hash))
}

/// Runs `warroom verify`.
pub fn run(ctx: &Context, args: VerifyArgs) -> Result<()> {
    // Read-only, so checking a copy kept as evidence changes nothing in it; a file of
    // an older build is opened for writing once, to be chained (and that is said).
    let mut store = ctx.open_read()?;
    if store.schema_version() < crate::store::CURRENT_VERSION {
        let writable = Store::open(
            &ctx.db,
            OpenOptions {
                access: Access::Prefer,
                create: false,
                create_dirs: false,
            },
        )?;
        if !writable.is_read_only() {
            tell!(
                "{} was written by an older warroom: upgraded to this one's schema, its events chained",
                store.path().display()
            );
            store = writable;
        }
    }
    let incident = match &args.incident {
        Some(id) => Some(pick_id(&store, Pick::Read(Some(id)))?),
        None => None,
    };
    let mut expected = Expectation {
        heads: args.expect.clone(),
        ..Expectation::default()
    };
    for (origin, seqs) in &args.seam {
        match seqs {
            Some(seqs) => expected
                .seams
                .extend(seqs.iter().map(|n| (origin.clone(), *n))),
            None => expected.any_seams.push(origin.clone()),
        }
    }
    let found = store.verify(incident, &expected)?;
    if found.unchained_schema {
        bail!(
            "{} was written by an older warroom and has no hash chain yet, and it is open read-only here: run `warroom verify` once with write access to the file to chain it",
            store.path().display()
        );
    }
    print(&store, &found, incident.is_some());
    if found.is_whole() && !args.expect.is_empty() {
        say!(
            "the {} head{} given (--expect) {} held as the export printed {}",
            args.expect.len(),
            if args.expect.len() == 1 { "" } else { "s" },
            if args.expect.len() == 1 { "is" } else { "are" },
            if args.expect.len() == 1 { "it" } else { "them" }
        );
    }
    let exported_only = found
        .breaks
        .iter()
        .all(|b| matches!(b.what, BreakKind::NotAsExported { .. } | BreakKind::NewSeam));
    if !found.is_whole() && exported_only {
        bail!(
            "this database does not hold what the export was made from (listed above): it was changed since, or it is another database (give --db with the path of the one the export came from)"
        );
    }
    if !found.is_whole() {
        let n = found.breaks.len();
        bail!(
            "the chain is broken in {n} place{} (listed above): the file was changed outside warroom after those events were written. Keep this copy as evidence and compare it with a backup, a peer or an export",
            if n == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

fn print(store: &Store, found: &Verification, one_incident: bool) {
    let now = store.now();
    let zone = crate::zone::in_force();
    let when = |t| format!("{} {}", zone.stamp(t, now), zone.offset_label(t));
    // The first ones in full, then how many more: rows wiped wholesale would
    // otherwise print thousands of lines alike.
    const LISTED: usize = 50;
    for b in found.breaks.iter().take(LISTED) {
        say!("BROKEN  {}", inert::line(&describe(b)));
    }
    if found.breaks.len() > LISTED {
        say!(
            "BROKEN  ... and {} more breaks like these",
            found.breaks.len() - LISTED
        );
    }
    if found.is_whole() && found.seams.is_empty() {
        say!(
            "checked {} event{}: every chain is whole",
            found.checked,
            if found.checked == 1 { "" } else { "s" }
        );
    } else if found.is_whole() {
        let waiting = match found.unchecked {
            0 => String::new(),
            n => format!("; {n} of them not chained yet"),
        };
        say!(
            "checked {} events: no break found, but not everything could be checked (notes below){waiting}",
            found.checked
        );
    } else {
        say!("checked {} events", found.checked);
    }
    let heads = if one_incident {
        "this incident's last event of each origin (its hash pins every event of that origin up to it):"
    } else {
        "heads (each origin's last event; its hash pins every event of that origin up to it):"
    };
    say!("{heads}");
    for h in &found.heads {
        say!("  {}#{}={}", inert::line(&h.origin), h.seq, h.hash);
    }
    // A few an origin, then how many more: a partial import can leave thousands.
    const SHOWN: usize = 5;
    let mut by_origin: std::collections::BTreeMap<&str, usize> = Default::default();
    for seam in &found.seams {
        let n = by_origin.entry(&seam.origin).or_default();
        *n += 1;
        if *n > SHOWN {
            continue;
        }
        let noted = seam
            .noted
            .map(|t| format!(" at {}", when(t)))
            .unwrap_or_default();
        let before = seam.seq.saturating_sub(1);
        let unchecked = match seam.kind {
            SeamKind::Awaiting => format!("; not chained until #{before} comes"),
            SeamKind::Twice => String::new(),
            SeamKind::Unlinked => format!("; its link to #{before} is checked once that comes"),
        };
        // The why is the file's own words, quoted: a note can be written by anyone.
        say!(
            "note    origin {} #{}: noted \"{}\"{noted}{unchecked}",
            inert::line(&seam.origin),
            seam.seq,
            inert::line(&seam.why)
        );
    }
    for (origin, n) in by_origin.into_iter().filter(|(_, n)| *n > SHOWN) {
        say!(
            "note    origin {}: {} more like these",
            inert::line(origin),
            n - SHOWN
        );
    }
    if let Some((at, count)) = found.migrated {
        say!(
            "note    {count} event{} written before this file had the chain were chained as they stood when it was upgraded, {}: the chain shows they have not changed since then, not before",
            if count == 1 { "" } else { "s" },
            when(at)
        );
    }
}

/// One break in words.
fn describe(b: &ChainBreak) -> String {
    let place = match &b.event {
        Some((id, incident)) => format!(
            "origin {} #{} (event {id}, incident {})",
            b.origin,
            b.seq,
            incident_short(incident)
        ),
        None => format!("origin {} #{}", b.origin, b.seq),
    };
    let what = match &b.what {
        BreakKind::Edited { stored, computed } => format!(
            "edited after it was written: it holds hash {}, its fields now give {}",
            stored.short(),
            computed.short()
        ),
        BreakKind::Relinked { chained_to, held } => format!(
            "chained to {} but the event #{} held here hashes to {}: that event was replaced, or this one was renumbered or moved",
            chained_to.short(),
            b.seq.saturating_sub(1),
            held.short()
        ),
        BreakKind::Removed { from, to } if from == to => {
            format!(
                "#{from} before it is not in the file, and nothing says it arrived without it: removed"
            )
        }
        BreakKind::Removed { from, to } => format!(
            "#{from} to #{to} before it are not in the file, and nothing says it arrived without them: removed"
        ),
        BreakKind::Twice => "two events hold this number".to_string(),
        BreakKind::Unchained => {
            "it has no hash: it was put into the file by something other than warroom (or by an older warroom still running after the upgrade)".to_string()
        }
        BreakKind::NotAsExported {
            expected,
            held: Some(held),
            ..
        } => format!(
            "the export said {expected}, the file holds {held}: changed since the export"
        ),
        BreakKind::NotAsExported {
            newest: None, ..
        } => "this database holds no event of that origin at all: is it the database the export came from? (give --db with its path)".to_string(),
        BreakKind::NotAsExported {
            newest: Some(newest),
            ..
        } => format!(
            "the file holds no such event (its newest of that origin is #{newest}): removed since the export, or this is another database"
        ),
        BreakKind::NewSeam => format!(
            "noted as held without #{}, which the export did not know of: #{} may have been removed since and the note added to hide it (or this is a copy holding only part of the log)",
            b.seq.saturating_sub(1),
            b.seq.saturating_sub(1)
        ),
    };
    format!("{place}: {what}")
}

fn incident_short(id: &str) -> String {
    ulid::Ulid::from_string(id)
        .map(crate::domain::short_id)
        .unwrap_or_else(|_| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expected_head_is_read_as_exports_print_it() {
        let hash = "3f".repeat(32);
        let (origin, seq, h) = parse_expected(&format!("01JDABC#42={hash}")).unwrap();
        assert_eq!(
            (origin.as_str(), seq, h.to_string()),
            ("01JDABC", 42, hash.clone())
        );
        for bad in [
            "01JDABC#42".to_string(),
            format!("01JDABC={hash}"),
            format!("01JDABC#0={hash}"),
            format!("01JDABC#x={hash}"),
            "01JDABC#1=abc".to_string(),
            format!("#1={hash}"),
        ] {
            assert!(parse_expected(&bad).is_err(), "{bad}");
        }
    }
}
