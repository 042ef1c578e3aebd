//! `warroom export` and `warroom import`.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};

use super::context::{Context, Pick, pick_id, pick_incident};
use super::output;
use crate::export;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A JSON document: a summary of the incident and all its events.
    Json,
    /// One event a line, the format `warroom import` reads.
    Jsonl,
    /// The post-incident document, to read or paste into a wiki.
    Markdown,
    /// An activity log per person in the spirit of ICS 214 (see --role, --from, --to).
    Ics214,
}

/// Arguments of `warroom export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The incident (its id or the last 4+ characters); may be left out when one is open.
    #[arg(long, short, value_name = "ID", conflicts_with = "all")]
    pub incident: Option<String>,
    /// Export every incident (json and jsonl only), e.g. as a backup.
    #[arg(long)]
    pub all: bool,
    /// What to write.
    #[arg(long, short, value_enum)]
    pub format: Format,
    /// For ics214: only commanders (`commander`) or holders of one role.
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// For ics214: the period's start (HH:MM, 'YYYY-MM-DD HH:MM', RFC 3339 or '2h ago').
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub from: Option<String>,
    /// For ics214: the period's end.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub to: Option<String>,
}

/// Arguments of `warroom statuspage`.
#[derive(Debug, Args)]
pub struct StatusPageArgs {
    /// The directory to write `index.html` into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn statuspage(ctx: &Context, args: StatusPageArgs) -> Result<()> {
    let store = ctx.open_read()?;
    let page = export::status_page(&store.incidents()?);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let file = args.out.join("index.html");
    crate::files::write(&file, page).with_context(|| format!("cannot write {}", file.display()))?;
    tell!("wrote {}", file.display());
    Ok(())
}

/// Arguments of `warroom import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A file of events (JSON lines, or a JSON export); `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn export(ctx: &Context, args: ExportArgs) -> Result<()> {
    let store = ctx.open_read()?;
    if args.all && matches!(args.format, Format::Markdown | Format::Ics214) {
        bail!(
            "--all works with --format json or jsonl; export Markdown and activity logs one incident at a time"
        );
    }
    let pick = Pick::Read(args.incident.as_deref());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Jsonl => {
            // The events as stored, each with its chain link, so an import keeps the
            // origin's chain (and refuses a line edited since): nothing to fold.
            let incident = if args.all {
                None
            } else {
                Some(pick_id(&store, pick)?)
            };
            let (events, links) = store.events_with_links(incident)?;
            let mut order: Vec<usize> = (0..events.len()).collect();
            order.sort_by_key(|&i| events[i].order_key());
            for i in order {
                let line = crate::domain::event_line(&events[i], links[i].as_ref())?;
                output::json_line(&mut out, &line)?;
            }
        }
        Format::Json => {
            let incidents = if args.all {
                store.incidents()?
            } else {
                vec![pick_incident(&store, pick)?]
            };
            let mut doc = export::document(&incidents, &ctx.playbook()?, store.now());
            let one = (!args.all)
                .then(|| incidents.first().map(|s| s.id))
                .flatten();
            doc.chain = Some(chain_record(&store, one)?);
            output::json_line(&mut out, &serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Markdown => {
            let incident = pick_incident(&store, pick)?;
            let playbook = ctx.playbook()?;
            output::println(
                &mut out,
                export::markdown(&incident, &playbook, store.now()).trim_end(),
            )?;
            with_record(&mut out, &store, incident.id)?;
        }
        Format::Ics214 => {
            let incident = pick_incident(&store, pick)?;
            let now = store.now();
            let when = |t: &Option<String>| {
                t.as_deref()
                    .map(|t| crate::when::parse_when(t, now))
                    .transpose()
                    .map_err(anyhow::Error::msg)
            };
            let role = args
                .role
                .as_deref()
                .unwrap_or("all")
                .parse::<export::RoleFilter>()
                .map_err(anyhow::Error::msg)?;
            let playbook = ctx.playbook()?;
            let form = export::Form214 {
                prepared_by: &ctx.author,
                teams: &playbook.teams,
            };
            let log =
                export::activity_log(&incident, role, when(&args.from)?, when(&args.to)?, form);
            output::println(&mut out, log.trim_end())?;
            with_record(&mut out, &store, incident.id)?;
        }
    }
    output::flush(&mut out)
}

/// A document's closing record of the chain, after a blank line.
fn with_record(
    out: &mut impl std::io::Write,
    store: &crate::store::Store,
    incident: ulid::Ulid,
) -> Result<()> {
    output::println(out, "")?;
    output::println(
        out,
        chain_record(store, Some(incident))?.markdown().trim_end(),
    )
}

/// The chain heads now (of one incident's events, or of the whole file), with the
/// seams at or below each, for an export to carry. An export of a file whose chain
/// does not verify says so, on stderr and in the record.
fn chain_record(
    store: &crate::store::Store,
    incident: Option<ulid::Ulid>,
) -> Result<export::ChainRecord> {
    let found = store.verify(incident, &Default::default())?;
    let mut heads = Vec::new();
    for h in store.chain_heads(incident)? {
        let seams = store.open_seams(&h.origin, h.seq)?;
        heads.push((h.origin, h.seq, h.hash, seams));
    }
    let mut record = export::ChainRecord::of(heads);
    if !found.breaks.is_empty() {
        let n = found.breaks.len();
        tell!(
            "warning: the log's hash chain is broken in {n} place{} (`warroom verify` lists them): this export shows what the file holds now",
            if n == 1 { "" } else { "s" }
        );
        record.broken = Some(n);
    }
    Ok(record)
}

pub fn import(ctx: &Context, args: ImportArgs) -> Result<()> {
    use std::io::BufRead;
    let from_stdin = args.file.as_os_str() == "-";
    let name = if from_stdin {
        "stdin".to_string()
    } else {
        args.file.display().to_string()
    };
    let mut reader: Box<dyn BufRead + Send> = if from_stdin {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let file = crate::files::open_named(&args.file).map_err(|e| {
            let next = match e.kind() {
                std::io::ErrorKind::NotFound => {
                    "; give the path of a file that `warroom export --format jsonl` (or json) wrote, or `-` to read stdin"
                }
                _ => "",
            };
            anyhow::anyhow!("cannot read {name}: {e}{next}")
        })?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut bytes = Vec::new();
    std::io::Read::take(&mut reader, 1024 * 1024)
        .read_until(b'\n', &mut bytes)
        .with_context(|| format!("cannot read {name}"))?;
    let first = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("cannot read {name}: {}", crate::files::not_utf8(1)))?;
    // One export document is read whole (it is what `export --format json` writes);
    // JSON lines are read as they come, a chunk at a time, in one transaction.
    if export::starts_a_document(&first) {
        let rest = crate::files::read_limited(reader, crate::files::MAX_IMPORT_BYTES)
            .with_context(|| format!("cannot read {name}"))?;
        let events = export::parse_events(&format!("{first}{rest}"))
            .map_err(|e| anyhow::anyhow!("{name}: {e}; nothing was imported"))?;
        let mut store = ctx.open_write()?;
        let accepted = store.import_events(&events)?;
        return said(accepted.into(), events.len());
    }
    let mut chunks = export::event_chunks(first, reader).peekable();
    // The first chunk is read before the database is opened: a file that is not an
    // export at all changes nothing, not even by creating the database.
    if let Some(Err(why)) = chunks.peek() {
        bail!("{name}: {why}; nothing was imported");
    }
    // Counted on the thread that reads them (see `Store::import_stream`).
    let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = read.clone();
    let counted = chunks.inspect(move |chunk| {
        if let Ok((events, _)) = chunk {
            counter.fetch_add(events.len(), std::sync::atomic::Ordering::Relaxed);
        }
    });
    let mut store = ctx.open_write()?;
    match store.import_stream(counted) {
        Ok(accepted) => {
            // The next console starts from the incidents open now, not from every head.
            if let Err(e) = store.refresh_open_hint() {
                tracing::debug!("keeping the list of open incidents: {e}");
            }
            // Every chunk was taken, so the reader has counted them all.
            said(accepted, read.load(std::sync::atomic::Ordering::Relaxed))
        }
        Err(crate::store::StoreError::Invalid(why)) => {
            bail!("{name}: {why}; nothing was imported")
        }
        Err(e) => Err(e.into()),
    }
}

/// Says what an import stored, of `read` events read; an error when some were left
/// out because another event here has their number.
fn said(imported: crate::store::Imported, read: usize) -> Result<()> {
    let (added, split) = (imported.added, imported.refused);
    tell!(
        "imported {added} new events ({} already present)",
        read - added - split
    );
    if let Some((id, why)) = imported.first_refused {
        bail!(
            "{split} event(s) were left out because another event here has their number, first {id}: {why}"
        );
    }
    Ok(())
}
