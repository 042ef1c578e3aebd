//! `warroom alert` (one notification into the inbox), `warroom alerts` (the inbox,
//! and acting on an alert in it) and `warroom intake --stdin` (a monitor's payload).

use std::collections::BTreeMap;

use anyhow::{Context as _, Result, anyhow, bail};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::ask::Shell;
use super::context::{Context, Pick, pick_incident};
use crate::domain::{IncidentState, Timestamp, resolve_id, rfc3339, short_id};
use crate::inert;
use crate::intake::{Notification, fingerprint_of, payload};
use crate::rules::{Asked, Decision, Request, decide};
use crate::store::{NewEvent, Store};

/// Arguments of `warroom alert`.
#[derive(Debug, Args)]
pub struct AlertArgs {
    /// What the alert says.
    #[arg(required = true)]
    pub text: Vec<String>,
    /// Where it came from (a monitor, a script).
    #[arg(long)]
    pub source: Option<String>,
    /// What makes two notifications one alert [default: made from the source and text].
    #[arg(long)]
    pub fingerprint: Option<String>,
    /// A label, `key=value` (repeat for more).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// It resolved (else it is firing).
    #[arg(long)]
    pub resolved: bool,
    /// A link back to the monitor.
    #[arg(long)]
    pub url: Option<String>,
}

/// Arguments of `warroom alerts`.
#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// What to do with an alert; without one, list the inbox.
    #[command(subcommand)]
    pub action: Option<AlertAction>,
    /// One JSON object a line.
    #[arg(long)]
    pub json: bool,
    /// Alerts acted on as well (dismissed, or gone to an incident).
    #[arg(long)]
    pub all: bool,
}

/// What to do with an alert in the inbox (named by the end of its id).
#[derive(Debug, Subcommand)]
pub enum AlertAction {
    /// Say you have seen it and are on it.
    Ack {
        /// The alert (the end of its id, as `warroom alerts` shows it).
        alert: String,
    },
    /// It needs nothing: say why.
    Dismiss {
        /// The alert.
        alert: String,
        /// Why (required: it stays in the record).
        #[arg(long, required = true)]
        reason: String,
    },
    /// Send it to an open incident (logged there as an alert).
    Attach {
        /// The alert.
        alert: String,
        /// The incident; may be left out when one is open.
        #[arg(long, short, value_name = "ID")]
        incident: Option<String>,
    },
}

/// Arguments of `warroom intake`.
#[derive(Debug, Args)]
pub struct IntakeArgs {
    /// Read one payload (Alertmanager, Grafana or the generic form) from standard input.
    #[arg(long, conflicts_with = "listen")]
    pub stdin: bool,
    /// Serve webhooks on this address [default when given without one: 127.0.0.1:9464,
    /// loopback].
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:9464")]
    pub listen: Option<String>,
    /// The bearer token clients send, in a file only you can read [default: one made
    /// beside the database on first use, and printed once].
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<std::path::PathBuf>,
    /// No token (loopback only).
    #[arg(long)]
    pub no_auth: bool,
}

/// Arguments of `warroom deliver`.
#[derive(Debug, Args)]
pub struct DeliverArgs {
    /// Deliver what is due now, then stop (else keep delivering until stopped).
    #[arg(long)]
    pub once: bool,
}

/// `warroom deliver`: runs the hooks due, once or until stopped.
pub fn deliver(ctx: &Context, args: DeliverArgs) -> Result<()> {
    let playbook = ctx.playbook()?;
    if !crate::deliver::Deliverer::has_work(&playbook) {
        bail!(
            "the playbook names no hooks and escalates no page: add [[hooks]], or escalate_after_minutes to a severity (see `warroom playbook --print-default`)"
        );
    }
    let mut deliverer = crate::deliver::Deliverer::new(ctx.open_write()?, &playbook, &ctx.author)?;
    if !args.once {
        tell!(
            "delivering {} hook(s) for what is recorded in {} from now on, until stopped; each outcome is logged",
            playbook.hooks.len(),
            ctx.db.display()
        );
    }
    loop {
        let ran = deliverer.step()?;
        if args.once {
            tell!("{ran} hook run(s) or escalation(s); outcomes are in the log (`warroom tail`)");
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}

/// `warroom alert`: one notification into the inbox.
pub fn alert(ctx: &Context, args: AlertArgs) -> Result<()> {
    let text = args.text.join(" ").trim().to_string();
    if text.is_empty() {
        bail!("say what the alert is: the text is empty");
    }
    let mut labels = BTreeMap::new();
    for label in &args.labels {
        let Some((k, v)) = label.split_once('=') else {
            bail!("--label {label:?} is not KEY=VALUE");
        };
        labels.insert(k.trim().to_string(), v.to_string());
    }
    let fingerprint = args
        .fingerprint
        .filter(|f| !f.trim().is_empty())
        .unwrap_or_else(|| fingerprint_of(args.source.as_deref(), &text, &labels));
    let note = payload::checked(Notification {
        text,
        source: args.source,
        fingerprint,
        labels,
        resolved: args.resolved,
        url: args.url,
    })
    .map_err(|e| anyhow!("not recorded: {e}"))?;
    let mut store = ctx.open_write()?;
    let written = crate::intake::record(&mut store, &ctx.author, &[note])?;
    for event in &written {
        say!("{}", short_id(event.incident));
    }
    Ok(())
}

/// `warroom intake --stdin`: one payload from standard input.
pub fn intake(ctx: &Context, args: IntakeArgs) -> Result<()> {
    if let Some(addr) = args.listen {
        return listen(ctx, &addr, args.token_file.as_deref(), args.no_auth);
    }
    if !args.stdin {
        bail!("say where alerts come from: --stdin (one payload) or --listen ADDR (webhooks)");
    }
    let body = crate::files::read_limited(
        std::io::stdin().lock(),
        crate::intake::http::MAX_BODY as u64,
    )
    .context("cannot read stdin")?;
    let (form, notes) =
        payload::read(body.as_bytes()).map_err(|e| anyhow!("nothing recorded: {e}"))?;
    let mut store = ctx.open_write()?;
    let written = crate::intake::record(&mut store, &ctx.author, &notes)?;
    tell!(
        "recorded {} alert notification(s) from {form:?} into the inbox",
        written.len()
    );
    Ok(())
}

/// Serves webhooks on `addr`: a token from `token_file`, or one kept beside the
/// database (made on first use and printed once), unless `no_auth` on loopback.
fn listen(
    ctx: &Context,
    addr: &str,
    token_file: Option<&std::path::Path>,
    no_auth: bool,
) -> Result<()> {
    let at: std::net::SocketAddr = addr.parse().map_err(|_| {
        anyhow!("--listen {addr:?} is not an address: give IP:PORT, e.g. 127.0.0.1:9464")
    })?;
    if no_auth && !at.ip().is_loopback() {
        bail!("--no-auth listens on loopback only (127.0.0.1 or ::1): give a token for {addr}");
    }
    let token = if no_auth {
        None
    } else {
        Some(match token_file {
            Some(path) => read_token(path)?,
            None => beside_database(ctx)?,
        })
    };
    let store = ctx.open_write()?;
    let listener =
        std::net::TcpListener::bind(at).with_context(|| format!("cannot listen on {addr}"))?;
    tell!(
        "taking alerts on http://{}/alerts{}",
        listener.local_addr()?,
        if token.is_some() {
            " (Authorization: Bearer TOKEN)"
        } else {
            " (no token: loopback only)"
        }
    );
    crate::intake::http::serve(store, &ctx.author, listener, token)
}

/// A token from a file only its owner may read; one line, not empty.
fn read_token(path: &std::path::Path) -> Result<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read the token file {}", path.display()))?;
    if meta.permissions().mode() & 0o077 != 0 {
        bail!(
            "the token file {} may be read by others: `chmod 600 {}` first",
            path.display(),
            path.display()
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the token file {}", path.display()))?;
    let token = text.trim().to_string();
    if token.is_empty() || token.contains(char::is_whitespace) {
        bail!(
            "the token file {} holds no token (one word)",
            path.display()
        );
    }
    Ok(token)
}

/// The token kept beside the database (`DB.intake-token`, owner-only): read, or made
/// on first use and printed once on stderr.
fn beside_database(ctx: &Context) -> Result<String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut name = ctx.db.clone().into_os_string();
    name.push(".intake-token");
    let path = std::path::PathBuf::from(name);
    if path.exists() {
        return read_token(&path);
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("cannot make a token: {e}"))?;
    let token = hex::encode(bytes);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("cannot write the token file {}", path.display()))?;
    writeln!(file, "{token}")?;
    tell!(
        "made a token for the intake in {} (only you can read it); clients send `Authorization: Bearer {token}`",
        path.display()
    );
    Ok(token)
}

#[derive(Serialize)]
struct AlertLine<'a> {
    id: String,
    fingerprint: &'a str,
    source: Option<&'a str>,
    text: &'a str,
    state: String,
    firing: bool,
    count: usize,
    first_seen: String,
    last_seen: String,
    incident: Option<String>,
    dismissed: Option<&'a str>,
    labels: &'a BTreeMap<String, String>,
    url: Option<&'a str>,
}

/// `warroom alerts`: the inbox, or an action on one alert.
pub fn alerts(ctx: &Context, args: AlertsArgs) -> Result<()> {
    match args.action {
        None => list(ctx, args.json, args.all),
        Some(action) => act(ctx, action),
    }
}

fn list(ctx: &Context, json: bool, all: bool) -> Result<()> {
    let store = ctx.open_read()?;
    let groups: Vec<IncidentState> = store
        .alert_groups()?
        .into_iter()
        .filter(|g| {
            all || g
                .alert
                .as_ref()
                .is_some_and(crate::domain::AlertGroup::waiting)
        })
        .collect();
    if json {
        let mut out = std::io::stdout().lock();
        for g in &groups {
            let Some(a) = &g.alert else { continue };
            let line = AlertLine {
                id: g.id.to_string(),
                fingerprint: &a.fingerprint,
                source: a.source.as_deref(),
                text: &a.text,
                state: a.state(),
                firing: a.firing,
                count: a.count,
                first_seen: rfc3339(a.first_seen),
                last_seen: rfc3339(a.last_seen),
                incident: a.incident.map(|i| i.to_string()),
                dismissed: a.dismissed.as_ref().map(|(_, _, why)| why.as_str()),
                labels: &a.labels,
                url: a.url.as_deref(),
            };
            super::output::json_line(&mut out, &serde_json::to_string(&line)?)?;
        }
        return Ok(());
    }
    if groups.is_empty() {
        tell!(
            "the inbox is empty{}",
            if all {
                ""
            } else {
                " (--all lists alerts acted on too)"
            }
        );
        return Ok(());
    }
    let when = |t: Timestamp| crate::format::local_datetime_zoned(t);
    let rows = groups.iter().filter_map(|g| {
        let a = g.alert.as_ref()?;
        Some([
            short_id(g.id),
            a.state(),
            a.count.to_string(),
            when(a.first_seen),
            when(a.last_seen),
            inert::line(a.source.as_deref().unwrap_or("-")).into_owned(),
            inert::line(&a.text).into_owned(),
        ])
    });
    for line in crate::format::table(
        &[
            "ID",
            "STATE",
            "COUNT",
            "FIRST SEEN",
            "LAST SEEN",
            "SOURCE",
            "ALERT",
        ],
        rows,
        &[],
    ) {
        say!("{line}");
    }
    Ok(())
}

/// The alert group named by the end of its id.
fn group(store: &Store, typed: &str) -> Result<IncidentState> {
    let groups = store.alert_groups()?;
    let id = resolve_id(
        groups.iter().map(|g| g.id),
        typed,
        "alert",
        "`warroom alerts --all` lists them",
    )
    .map_err(|e| anyhow!(e))?;
    groups
        .into_iter()
        .find(|g| g.id == id)
        .ok_or_else(|| anyhow!("no such alert"))
}

fn act(ctx: &Context, action: AlertAction) -> Result<()> {
    let mut store = ctx.open_write()?;
    let playbook = ctx.playbook()?;
    let (typed, request, target) = match action {
        AlertAction::Ack { alert } => (alert, Request::AlertAck, None),
        AlertAction::Dismiss { alert, reason } => (alert, Request::AlertDismiss { reason }, None),
        AlertAction::Attach { alert, incident } => {
            let state = pick_incident(&store, Pick::Write(incident.as_deref()))?;
            if !state.is_open() {
                bail!(
                    "incident {} is {}: attach alerts to an open incident",
                    state.short_id(),
                    state.status
                );
            }
            (
                alert,
                Request::AlertAttach { incident: state.id },
                Some(state.id),
            )
        }
    };
    let group = group(&store, &typed)?;
    let asked = Asked {
        state: Some(&group),
        playbook: &playbook,
        actor: &ctx.author,
        now: store.now(),
        watching: &[],
    };
    let bodies = match decide(request, &asked) {
        Ok(Decision::Record(bodies)) => bodies,
        Ok(_) => bail!("nothing to record"),
        Err(refusal) => bail!("{}", refusal.say(&ctx.author, &Shell)),
    };
    let mut drafts: Vec<NewEvent> = bodies
        .into_iter()
        .map(|body| NewEvent::now(Some(group.id), ctx.author.clone(), body))
        .collect();
    // Attached: the incident's timeline has the alert too, in the same write.
    if let (Some(incident), Some(alert)) = (target, &group.alert) {
        drafts.push(NewEvent::now(
            Some(incident),
            ctx.author.clone(),
            alert.as_entry(),
        ));
    }
    for event in store.append(drafts)? {
        say!("{}", event.id);
    }
    Ok(())
}
