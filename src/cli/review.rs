//! Resolution and review from the command line: `resolve`, `reopen`, `problem`,
//! `review`, `finding` and `item`, by the incident rules.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use strum::IntoEnumIterator;

use super::ask::{Shell, ask_and_print, incident};
use super::context::{Context, Open, Pick};
use crate::domain::{Check, IncidentState, ReviewSection};
use crate::rules::{Request, find_item, item_fields};

/// Which incident (falls back to the newest when none is open).
#[derive(Debug, Args)]
pub struct Which {
    /// The incident (its id or the last 4+ characters).
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
}

/// Arguments of `warroom severity`.
#[derive(Debug, Args)]
pub struct SeverityArgs {
    /// The new severity: P1 (critical) to P5 (info).
    pub severity: crate::domain::Severity,
    /// Why it changed.
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub which: Which,
}

/// `warroom severity`: sets the severity by the rules (declaring at the threshold).
pub fn severity(ctx: &Context, args: SeverityArgs) -> Result<()> {
    let request = Request::SetSeverity {
        severity: args.severity,
        reason: args.reason,
    };
    run_request(ctx, &args.which, request)
}

/// Arguments of `warroom status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The new status: investigating, identified or monitoring (resolve with
    /// `warroom resolve`; close a resolved one with `closed`).
    pub status: crate::domain::Status,
    /// Why it changed.
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub which: Which,
}

/// `warroom status`: moves the incident's status by the lifecycle's rules.
pub fn status(ctx: &Context, args: StatusArgs) -> Result<()> {
    let request = Request::Log(crate::domain::Body::StatusChanged {
        status: args.status,
        reason: args.reason,
    });
    run_request(ctx, &args.which, request)
}

/// Arguments of `warroom resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// A resolution code from the playbook.
    pub code: String,
    /// What fixed it.
    #[arg(required = true)]
    pub summary: Vec<String>,
    /// The checklist's answers in order, e.g. `yes,yes,no` (asked on a terminal otherwise).
    #[arg(long, value_name = "ANSWERS")]
    pub checks: Option<String>,
    #[command(flatten)]
    pub which: Which,
}

/// Arguments of `warroom reopen`.
#[derive(Debug, Args)]
pub struct ReopenArgs {
    /// Why it is back.
    pub reason: Vec<String>,
    #[command(flatten)]
    pub which: Which,
}

/// Arguments of `warroom problem`.
#[derive(Debug, Args)]
pub struct ProblemArgs {
    /// Who owns the problem from now on.
    #[arg(long)]
    pub owner: String,
    /// The root cause.
    #[arg(long)]
    pub root_cause: String,
    /// The permanent fix and when it is scheduled.
    #[arg(long)]
    pub fix: Option<String>,
    /// The problem ticket.
    #[arg(long)]
    pub ticket: Option<String>,
    #[command(flatten)]
    pub which: Which,
}

/// Arguments of `warroom finding`.
#[derive(Debug, Args)]
pub struct FindingArgs {
    /// cause, factor, well or badly.
    pub section: ReviewSection,
    /// The finding.
    #[arg(required = true)]
    pub text: Vec<String>,
    #[command(flatten)]
    pub which: Which,
}

/// `warroom item` subcommands.
#[derive(Debug, Subcommand)]
pub enum ItemSubcommand {
    /// Open an action item.
    Add {
        /// What needs doing.
        #[arg(required = true)]
        title: Vec<String>,
        /// Who owns it.
        #[arg(long)]
        owner: Option<String>,
        /// When it is due: YYYY-MM-DD, +7d or +2w.
        #[arg(long)]
        due: Option<String>,
        /// high, medium or low.
        #[arg(long)]
        priority: Option<String>,
        #[command(flatten)]
        which: Which,
    },
    /// Change an action item (its number in `warroom review`).
    Update {
        /// The item's number.
        item: String,
        /// A new title.
        #[arg(long)]
        title: Option<String>,
        /// A new owner.
        #[arg(long)]
        owner: Option<String>,
        /// A new due date.
        #[arg(long)]
        due: Option<String>,
        /// A new priority.
        #[arg(long)]
        priority: Option<String>,
        /// A remark.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        which: Which,
    },
    /// Mark an action item done.
    Done {
        /// The item's number.
        item: String,
        /// A remark.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        which: Which,
    },
}

fn run_request(ctx: &Context, which: &Which, request: Request) -> Result<()> {
    let (mut store, state) = incident(ctx, Open::Write, pick(which))?;
    ask_and_print(ctx, &mut store, Some(&state), request)
}

/// A request about an action item named by `typed` (its number or id ending), built
/// once it is found; refusals and unreadable fields say so in one line.
fn about_item(
    ctx: &Context,
    which: &Which,
    typed: &str,
    request: impl FnOnce(&IncidentState, ulid::Ulid) -> Result<Request>,
) -> Result<()> {
    let (mut store, state) = incident(ctx, Open::Write, pick(which))?;
    let item = find_item(&state, typed, "`warroom review` numbers them").map_err(|e| anyhow!(e))?;
    let request = request(&state, item)?;
    ask_and_print(ctx, &mut store, Some(&state), request)
}

/// The incident named, else the open one, else the newest (these commands are mostly
/// about incidents already resolved).
fn pick(which: &Which) -> Pick<'_> {
    Pick::Read(which.incident.as_deref())
}

/// Reads `yes,no,...` into the checklist's answers.
fn parse_checks(items: &[String], text: &str) -> Result<Vec<Check>> {
    let answers: Vec<&str> = text.split(',').map(str::trim).collect();
    if answers.len() != items.len() {
        bail!(
            "--checks needs {} answers (yes or no), one per item: {}",
            items.len(),
            items.join("; ")
        );
    }
    items
        .iter()
        .zip(answers)
        .map(|(item, a)| match a.to_ascii_lowercase().as_str() {
            "y" | "yes" => Ok(Check {
                item: item.clone(),
                done: true,
            }),
            "n" | "no" => Ok(Check {
                item: item.clone(),
                done: false,
            }),
            other => Err(anyhow!("--checks: '{other}' is not yes or no")),
        })
        .collect()
}

fn ask_checks(items: &[String]) -> Result<Vec<Check>> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut checks = Vec::new();
    for item in items {
        loop {
            tell_part!("{item}? (y/n) ");
            std::io::stderr().flush()?;
            let Some(line) = lines.next().transpose()? else {
                bail!("not resolved: the checklist was not answered")
            };
            match line.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => checks.push(Check {
                    item: item.clone(),
                    done: true,
                }),
                "n" | "no" => checks.push(Check {
                    item: item.clone(),
                    done: false,
                }),
                _ => continue,
            }
            break;
        }
    }
    Ok(checks)
}

pub fn resolve(ctx: &Context, args: ResolveArgs) -> Result<()> {
    let (mut store, state) = incident(ctx, Open::Write, pick(&args.which))?;
    let playbook = ctx.playbook()?;
    let code = args.code;
    let summary = args.summary.join(" ");
    // Ask the rules first whether they would take this resolution at all (a known code,
    // an open incident), so a typo is reported before the checklist is asked, not after.
    let asked = crate::rules::Asked {
        state: Some(&state),
        playbook: &playbook,
        actor: &ctx.author,
        now: store.now(),
        watching: &[],
    };
    let probe = Request::Resolve {
        code: code.clone(),
        summary: summary.clone(),
        checklist: Some(Vec::new()),
    };
    if let Err(refusal) = crate::rules::decide(probe, &asked) {
        bail!("not resolved: {}", refusal.say(&ctx.author, &Shell));
    }
    let items = playbook.resolve_checklist.clone();
    let checklist = match &args.checks {
        Some(text) => parse_checks(&items, text)?,
        None if items.is_empty() => Vec::new(),
        None if std::io::stdin().is_terminal() => ask_checks(&items)?,
        None => bail!(
            "stdin is not a terminal: answer the checklist with --checks, e.g. --checks {} ({})",
            vec!["yes"; items.len()].join(","),
            items.join("; ")
        ),
    };
    let request = Request::Resolve {
        code,
        summary,
        checklist: Some(checklist),
    };
    ask_and_print(ctx, &mut store, Some(&state), request)
}

pub fn reopen(ctx: &Context, args: ReopenArgs) -> Result<()> {
    let reason = (!args.reason.is_empty()).then(|| args.reason.join(" "));
    run_request(ctx, &args.which, Request::Reopen { reason })
}

pub fn problem(ctx: &Context, args: ProblemArgs) -> Result<()> {
    let request = Request::Problem {
        owner: args.owner,
        root_cause: args.root_cause,
        fix: args.fix,
        ticket: args.ticket,
    };
    run_request(ctx, &args.which, request)
}

pub fn finding(ctx: &Context, args: FindingArgs) -> Result<()> {
    run_request(
        ctx,
        &args.which,
        Request::Finding {
            section: args.section,
            text: args.text.join(" "),
        },
    )
}

pub fn item(ctx: &Context, command: ItemSubcommand) -> Result<()> {
    let field = |k: &str, v: Option<String>| v.map(|v| (k.to_string(), v));
    match command {
        ItemSubcommand::Add {
            title,
            owner,
            due,
            priority,
            which,
        } => {
            let fields = [
                field("owner", owner),
                field("due", due),
                field("priority", priority),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
            let now = crate::store::system_clock()();
            let f = item_fields(now, None, &fields).map_err(|e| anyhow!(e))?;
            run_request(
                ctx,
                &which,
                Request::ItemAdd {
                    title: title.join(" "),
                    owner: f.owner,
                    due: f.due,
                    priority: f.priority,
                },
            )
        }
        ItemSubcommand::Update {
            item,
            title,
            owner,
            due,
            priority,
            note,
            which,
        } => {
            let fields: Vec<_> = [
                field("title", title),
                field("owner", owner),
                field("due", due),
                field("priority", priority),
                field("note", note),
            ]
            .into_iter()
            .flatten()
            .collect();
            if fields.is_empty() {
                bail!("nothing to change: give --title, --owner, --due, --priority or --note");
            }
            about_item(ctx, &which, &item, |_, found| {
                let now = crate::store::system_clock()();
                let f = item_fields(now, Some(found), &fields).map_err(|e| anyhow!(e))?;
                Ok(Request::ItemUpdate {
                    item: found,
                    title: f.title,
                    owner: f.owner,
                    due: f.due,
                    priority: f.priority,
                    note: f.note,
                })
            })
        }
        ItemSubcommand::Done { item, note, which } => about_item(ctx, &which, &item, |_, found| {
            Ok(Request::ItemDone { item: found, note })
        }),
    }
}

/// `warroom review`: the review, and what it still lacks.
pub fn review(ctx: &Context, which: Which) -> Result<()> {
    let (store, state) = incident(ctx, Open::Read, pick(&which))?;
    let state = &state;
    let today = store.now().date_naive();
    say!(
        "{}Review of {} ({})",
        if state.drill {
            "DRILL (not a real incident): "
        } else {
            ""
        },
        crate::inert::line(&state.title),
        state.short_id()
    );
    say!("Severity: {}", state.severity_with_peak());
    say!(
        "Customer impact: {}",
        state
            .situation
            .impact_window(crate::format::local_hm_zoned)
            .unwrap_or_else(|| "not stated (`warroom situation --impact-start`)".into())
    );
    for section in ReviewSection::iter() {
        let findings = state.review(section);
        say!("{}:", section.title());
        if findings.is_empty() {
            say!("  -");
        }
        for (_, text) in findings {
            say!("  - {}", crate::inert::line(&text));
        }
    }
    say!("Action items:");
    for (i, item) in state.action_items.iter().enumerate() {
        say!("  {}. {}", i + 1, super::output::action_item(item));
    }
    let playbook = ctx.playbook().ok();
    let cadence = |a| {
        let sev = state.severity?;
        playbook.as_ref()?.cadence_for(sev, a)
    };
    let gaps = crate::rules::missing(state, &cadence, today);
    if gaps.is_empty() {
        say!("Nothing missing.");
    } else {
        say!("Still missing:");
        for gap in gaps {
            say!("  - {}", crate::inert::line(&gap));
        }
    }
    Ok(())
}
