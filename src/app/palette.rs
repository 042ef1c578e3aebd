//! The command palette: a small command language typed after `:`.

use crate::domain::{Audience, Body, ResponderState, Role, Severity, Status};

/// One palette command, as the suggestions and the help show it.
#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    /// What is typed.
    pub name: &'static str,
    /// Its arguments.
    pub usage: &'static str,
    /// What it does.
    pub help: &'static str,
}

/// Every palette command.
#[rustfmt::skip]
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec { name: "declare", usage: "[P1-P5] TITLE", help: "open an incident (in triage unless a severity is given)" },
    CommandSpec { name: "triage", usage: "[TITLE]", help: "walk the triage questions (a new incident when a title is given)" },
    CommandSpec { name: "severity", usage: "P1-P5 [REASON]", help: "set the severity; at the threshold it declares an incident in triage" },
    CommandSpec { name: "status", usage: "STATUS [REASON]", help: "move to investigating, identified, monitoring, resolved or closed" },
    CommandSpec { name: "update", usage: "[AUDIENCE]", help: "write a status update from the template (responders, executives, customers)" },
    CommandSpec { name: "claim", usage: "", help: "take command while nobody holds it" },
    CommandSpec { name: "handoff", usage: "NAME", help: "offer command to NAME (commander only); you hold it until they accept" },
    CommandSpec { name: "dismiss", usage: "ALERT REASON", help: "dismiss an inbox alert (the end of its id, as the inbox shows it), saying why" },
    CommandSpec { name: "accept", usage: "", help: "read the briefing and accept command offered to you there" },
    CommandSpec { name: "cancel-handoff", usage: "", help: "withdraw your pending handoff, or decline one offered to you" },
    CommandSpec { name: "assume", usage: "REASON", help: "assume command from a commander who cannot hand over, saying why" },
    CommandSpec { name: "confirm", usage: "", help: "confirm command, settling a conflicting claim (commander only)" },
    CommandSpec { name: "assign", usage: "NAME ROLE", help: "give NAME a role (deputy, scribe, tech_lead, communications, legal, sme, observer)" },
    CommandSpec { name: "unassign", usage: "NAME ROLE", help: "take a role from NAME" },
    CommandSpec { name: "page", usage: "NAME|ROLE [VIA]", help: "page a responder, or a role's escalation contacts" },
    CommandSpec { name: "ack", usage: "[NAME]", help: "mark acknowledged (you, by default)" },
    CommandSpec { name: "engage", usage: "[NAME]", help: "mark engaged (you, by default)" },
    CommandSpec { name: "standdown", usage: "NAME", help: "stand a responder down" },
    CommandSpec { name: "resolve", usage: "CODE SUMMARY", help: "resolve with a code from the playbook, after its checklist" },
    CommandSpec { name: "reopen", usage: "[REASON]", help: "it came back: reopen a resolved incident" },
    CommandSpec { name: "problem", usage: "OWNER ROOT CAUSE", help: "hand a resolved incident to problem management (closes it)" },
    CommandSpec { name: "review", usage: "[SECTION TEXT]", help: "the review; with text, add a finding (cause, factor, well, badly)" },
    CommandSpec { name: "brief", usage: "[given [NAME]]", help: "the briefing; 'given' records it was given (to NAME)" },
    CommandSpec { name: "objective", usage: "[planned] TEXT", help: "add an objective of the response (current unless planned)" },
    CommandSpec { name: "objective-move", usage: "N STAGE", help: "move objective N: current, planned, met or dropped" },
    CommandSpec { name: "task", usage: "TEXT [owner=NAME]", help: "open a task during the incident (not an action item)" },
    CommandSpec { name: "task-move", usage: "N [STATE] [owner=]", help: "move task N: open, in-progress, done, dropped; owner=NAME" },
    CommandSpec { name: "hypothesis", usage: "ID VERDICT [WHY]", help: "judge a hypothesis (its entry id's ending): confirmed, ruled-out WHY, or open" },
    CommandSpec { name: "amend", usage: "ID TEXT", help: "correct an entry's text (its id's end, as :ids shows them; an entry opened in full fills it in)" },
    CommandSpec { name: "strike", usage: "ID REASON", help: "strike an entry logged by mistake, saying why (it stays, marked)" },
    CommandSpec { name: "redate", usage: "ID TIME [REASON]", help: "say when an entry truly happened (times as --at: HH:MM, 'YYYY-MM-DD HH:MM', 10m ago)" },
    CommandSpec { name: "filter", usage: "[KIND|@NAME ...]", help: "show only some kinds (decisions, hypotheses, updates, notes, ...) or people's entries; off shows all" },
    CommandSpec { name: "ids", usage: "", help: "show or hide entry ids in the timeline" },
    CommandSpec { name: "situation", usage: "FIELD=VALUE...", help: "set the situation: impact=, services=a,b, regions=, start=, end= (times as --at), next=" },
    CommandSpec { name: "item", usage: "TITLE [FIELD=VALUE...]", help: "open an action item; fields owner=, due= (YYYY-MM-DD or +7d), priority=" },
    CommandSpec { name: "item-update", usage: "N FIELD=VALUE...", help: "change action item N: title=, owner=, due=, priority=, note=" },
    CommandSpec { name: "item-done", usage: "N [NOTE]", help: "close action item N" },
    CommandSpec { name: "metrics", usage: "", help: "MTTA, MTTR and incidents over time" },
    CommandSpec { name: "switch", usage: "[ID]", help: "show another incident" },
    CommandSpec { name: "playbook", usage: "", help: "the playbook on one page" },
    CommandSpec { name: "theme", usage: "NAME|PATH", help: "use another theme (dark, light, high-contrast, mono)" },
    CommandSpec { name: "demo", usage: "[force]", help: "load the sample incidents into an empty database (force: into this one anyway)" },
    CommandSpec { name: "help", usage: "", help: "show the help" },
    CommandSpec { name: "quit", usage: "", help: "quit" },
];

/// Commands whose name starts with what is typed before the first space.
pub fn suggestions(input: &str) -> Vec<&'static CommandSpec> {
    let word = input.split_whitespace().next().unwrap_or("");
    COMMANDS
        .iter()
        .filter(|c| c.name.starts_with(&word.to_ascii_lowercase()))
        .collect()
}

pub use super::request::PaletteRequest;

fn rest(words: &[&str]) -> Option<String> {
    let text = words.join(" ");
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A value written in quotes, as one would in a shell, is the words inside them.
fn unquote(v: String) -> String {
    let t = v.trim();
    match t
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| t.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
    {
        Some(inner) => inner.to_string(),
        None => v,
    }
}

/// Splits `words key=value more words key=value` into the leading words and the
/// fields (a value runs until the next `key=`).
fn fields(args: &[&str]) -> (Option<String>, Vec<(String, String)>) {
    let mut lead = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    for word in args {
        match word.split_once('=') {
            Some((key, value))
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic()) =>
            {
                fields.push((key.to_ascii_lowercase(), value.to_string()));
            }
            _ => match fields.last_mut() {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(word);
                }
                None => lead.push(*word),
            },
        }
    }
    let fields = fields.into_iter().map(|(k, v)| (k, unquote(v))).collect();
    (rest(&lead).map(unquote), fields)
}

/// Parses a command line; the error says what was expected.
pub fn parse(line: &str) -> Result<PaletteRequest, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some((&name, args)) = words.split_first() else {
        return Err(
            "type a command: declare, severity, claim, handoff, page, resolve, switch, theme"
                .into(),
        );
    };
    let matches = suggestions(name);
    let spec = match matches.as_slice() {
        [one] => one,
        _ => match COMMANDS
            .iter()
            .find(|c| c.name == name.to_ascii_lowercase())
        {
            Some(exact) => exact,
            None if matches.is_empty() => {
                // The palette adds which key lists the commands (it knows the keymap).
                return Err(format!("no command '{name}'"));
            }
            None => {
                let names: Vec<&str> = matches.iter().map(|c| c.name).collect();
                return Err(format!("'{name}' could be {}", names.join(" or ")));
            }
        },
    };
    let usage = || format!("usage: {} {}", spec.name, spec.usage);
    match spec.name {
        "declare" => {
            let (severity, title_words) = match args.first().map(|w| w.parse::<Severity>()) {
                Some(Ok(severity)) if args.len() > 1 => (Some(severity), &args[1..]),
                _ => (None, args),
            };
            let title = rest(title_words).ok_or_else(usage)?;
            Ok(PaletteRequest::Declare { title, severity })
        }
        "severity" => {
            let severity = args
                .first()
                .ok_or_else(usage)?
                .parse::<Severity>()
                .map_err(|e| e.to_string())?;
            Ok(PaletteRequest::Severity {
                severity,
                reason: rest(&args[1..]),
            })
        }
        "status" => {
            let status = args
                .first()
                .ok_or_else(usage)?
                .parse::<Status>()
                .map_err(|e| e.to_string())?;
            Ok(PaletteRequest::Log(Body::StatusChanged {
                status,
                reason: rest(&args[1..]),
            }))
        }
        "triage" => Ok(PaletteRequest::Triage(rest(args))),
        "update" => match args.first() {
            Some(word) => Ok(PaletteRequest::Update(Some(
                word.parse::<Audience>().map_err(|e| e.to_string())?,
            ))),
            None => Ok(PaletteRequest::Update(None)),
        },
        "assign" | "unassign" => {
            let [person, role] = args else {
                return Err(usage());
            };
            let role = role.parse::<Role>().map_err(|e| e.to_string())?;
            Ok(PaletteRequest::Role {
                person: person.to_string(),
                role,
                assign: spec.name == "assign",
            })
        }
        "ack" | "engage" | "standdown" => {
            let state = match spec.name {
                "ack" => ResponderState::Acknowledged,
                "engage" => ResponderState::Engaged,
                _ => ResponderState::StoodDown,
            };
            let person = rest(args);
            if person.is_none() && state == ResponderState::StoodDown {
                return Err(usage());
            }
            Ok(PaletteRequest::Responder { person, state })
        }
        "playbook" => Ok(PaletteRequest::Playbook),
        "brief" => match args {
            [] => Ok(PaletteRequest::Briefing),
            [given, to @ ..] if given.eq_ignore_ascii_case("given") => {
                Ok(PaletteRequest::BriefingGiven(rest(to)))
            }
            _ => Err(usage()),
        },
        "claim" => Ok(PaletteRequest::Claim),
        "handoff" => Ok(PaletteRequest::Handoff(rest(args).ok_or_else(usage)?)),
        "confirm" => Ok(PaletteRequest::Confirm),
        "accept" => Ok(PaletteRequest::Accept),
        "dismiss" => match args {
            [alert, why @ ..] if !why.is_empty() => Ok(PaletteRequest::Dismiss {
                alert: alert.to_string(),
                reason: why.join(" "),
            }),
            _ => Err(usage()),
        },
        "cancel-handoff" => Ok(PaletteRequest::CancelHandoff),
        "assume" => Ok(PaletteRequest::Assume(rest(args).ok_or_else(usage)?)),
        "page" => {
            let who = args.first().ok_or_else(usage)?.to_string();
            Ok(PaletteRequest::Page {
                who,
                via: rest(&args[1..]),
            })
        }
        "resolve" => {
            let code = args.first().ok_or_else(usage)?.to_string();
            let summary = rest(&args[1..]).ok_or_else(usage)?;
            Ok(PaletteRequest::Resolve {
                code,
                summary,
                checklist: None,
            })
        }
        "reopen" => Ok(PaletteRequest::Reopen(rest(args))),
        "problem" => {
            let owner = args.first().ok_or_else(usage)?.to_string();
            let root_cause = rest(&args[1..]).ok_or_else(usage)?;
            Ok(PaletteRequest::Problem {
                owner,
                root_cause,
                fix: None,
                ticket: None,
            })
        }
        "review" => match args.split_first() {
            None => Ok(PaletteRequest::ReviewView),
            Some((section, text)) => {
                let section = section.parse()?;
                Ok(PaletteRequest::Finding {
                    section,
                    text: rest(text).ok_or_else(usage)?,
                })
            }
        },
        "objective" => {
            let (planned, words) = match args.split_first() {
                Some((first, rest)) if first.eq_ignore_ascii_case("planned") => (true, rest),
                _ => (false, args),
            };
            Ok(PaletteRequest::ObjectiveAdd {
                text: rest(words).map(unquote).ok_or_else(usage)?,
                planned,
            })
        }
        "objective-move" => {
            let [n, stage] = args else {
                return Err(usage());
            };
            let stage = crate::domain::ObjectiveStage::read(stage)?;
            Ok(PaletteRequest::ObjectiveMove {
                objective: n.to_string(),
                stage,
            })
        }
        "task" => {
            let (text, fields) = fields(args);
            let mut owner = None;
            for (key, value) in fields {
                match key.as_str() {
                    "owner" => owner = Some(value.trim().to_string()),
                    other => return Err(format!("'{other}' is not a field of a task: use owner=")),
                }
            }
            Ok(PaletteRequest::TaskAdd {
                text: text.ok_or_else(usage)?,
                owner,
            })
        }
        "task-move" => {
            let (n, more) = args.split_first().ok_or_else(usage)?;
            let (state, fields) = fields(more);
            let state = state
                .map(|s| crate::domain::TaskState::read(&s))
                .transpose()?;
            let mut owner = None;
            for (key, value) in fields {
                match key.as_str() {
                    "owner" => owner = Some(value.trim().to_string()),
                    other => return Err(format!("'{other}' is not a field of a task: use owner=")),
                }
            }
            Ok(PaletteRequest::TaskMove {
                task: n.to_string(),
                state,
                owner,
            })
        }
        "hypothesis" => {
            let [entry, verdict, reason @ ..] = args else {
                return Err(usage());
            };
            let verdict = crate::domain::Verdict::read(verdict)?;
            Ok(PaletteRequest::Judge {
                entry: entry.to_string(),
                verdict,
                reason: rest(reason),
            })
        }
        "amend" => match args {
            [entry, text @ ..] if !text.is_empty() => Ok(PaletteRequest::Correct {
                entry: entry.to_string(),
                text: rest(text),
                strike: false,
                reason: None,
                at: None,
            }),
            _ => Err(usage()),
        },
        "strike" => match args {
            [entry, why @ ..] if !why.is_empty() => Ok(PaletteRequest::Correct {
                entry: entry.to_string(),
                text: None,
                strike: true,
                reason: rest(why),
                at: None,
            }),
            _ => Err(format!("{}: say why it is struck", usage())),
        },
        "redate" => match args {
            [entry, when @ ..] if !when.is_empty() => {
                // A time that reads as none is said here, with the line still open.
                crate::when::time_then_words(&when.join(" "), crate::store::system_clock()())?;
                Ok(PaletteRequest::Correct {
                    entry: entry.to_string(),
                    text: None,
                    strike: false,
                    reason: None,
                    at: Some(when.join(" ")),
                })
            }
            _ => Err(format!("{}: say when it happened", usage())),
        },
        "filter" => {
            super::find::Filter::read(args)?;
            Ok(PaletteRequest::Filter(
                args.iter().map(|w| (*w).to_string()).collect(),
            ))
        }
        "ids" => Ok(PaletteRequest::Ids),
        "situation" => {
            let (extra, fields) = fields(args);
            if extra.is_some() || fields.is_empty() {
                return Err(usage());
            }
            Ok(PaletteRequest::Situation(fields))
        }
        "item" => {
            let (title, fields) = fields(args);
            Ok(PaletteRequest::ItemAdd {
                title: title.ok_or_else(usage)?,
                fields,
            })
        }
        "item-update" => {
            let (item, rest_args) = args.split_first().ok_or_else(usage)?;
            let (extra, fields) = fields(rest_args);
            if extra.is_some() || fields.is_empty() {
                return Err(usage());
            }
            Ok(PaletteRequest::ItemUpdate {
                item: item.to_string(),
                fields,
            })
        }
        "item-done" => {
            let (item, note) = args.split_first().ok_or_else(usage)?;
            Ok(PaletteRequest::ItemDone {
                item: item.to_string(),
                note: rest(note),
            })
        }
        "metrics" => Ok(PaletteRequest::Metrics),
        "switch" => Ok(PaletteRequest::Switch(rest(args))),
        "theme" => Ok(PaletteRequest::Theme(rest(args).ok_or_else(usage)?)),
        "demo" => match args {
            [] => Ok(PaletteRequest::Demo { force: false }),
            [word] if word.eq_ignore_ascii_case("force") => {
                Ok(PaletteRequest::Demo { force: true })
            }
            _ => Err(usage()),
        },
        "help" => Ok(PaletteRequest::Help),
        _ => Ok(PaletteRequest::Quit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_and_explains_mistakes() {
        assert_eq!(
            parse("declare P2 Checkout down"),
            Ok(PaletteRequest::Declare {
                title: "Checkout down".into(),
                severity: Some(Severity::P2)
            })
        );
        assert_eq!(
            parse("declare P2"),
            Ok(PaletteRequest::Declare {
                title: "P2".into(),
                severity: None
            }),
            "a lone word is a title"
        );
        assert_eq!(
            parse("sev p1 data leak"),
            Ok(PaletteRequest::Severity {
                severity: Severity::P1,
                reason: Some("data leak".into())
            })
        );
        assert_eq!(
            parse("handoff priya"),
            Ok(PaletteRequest::Handoff("priya".into()))
        );
        assert_eq!(
            parse("page chen phone"),
            Ok(PaletteRequest::Page {
                who: "chen".into(),
                via: Some("phone".into())
            })
        );
        assert_eq!(
            parse("assign dave deputy"),
            Ok(PaletteRequest::Role {
                person: "dave".into(),
                role: Role::Deputy,
                assign: true
            })
        );
        assert!(
            parse("assign dave janitor")
                .unwrap_err()
                .contains("unknown role")
        );
        assert_eq!(
            parse("ack"),
            Ok(PaletteRequest::Responder {
                person: None,
                state: ResponderState::Acknowledged
            })
        );
        assert!(parse("standdown").unwrap_err().contains("usage"));
        assert_eq!(
            parse("update execs"),
            Ok(PaletteRequest::Update(Some(Audience::Executives)))
        );
        assert_eq!(
            parse("triage Login errors"),
            Ok(PaletteRequest::Triage(Some("Login errors".into())))
        );
        assert_eq!(
            parse("item alert on TLS errors owner=jonas due=+7d priority=high"),
            Ok(PaletteRequest::ItemAdd {
                title: "alert on TLS errors".into(),
                fields: vec![
                    ("owner".into(), "jonas".into()),
                    ("due".into(), "+7d".into()),
                    ("priority".into(), "high".into())
                ],
            })
        );
        assert_eq!(
            parse("item-update 2 title=a new title owner=ana"),
            Ok(PaletteRequest::ItemUpdate {
                item: "2".into(),
                fields: vec![
                    ("title".into(), "a new title".into()),
                    ("owner".into(), "ana".into())
                ]
            })
        );
        assert!(parse("item-update 2").unwrap_err().contains("usage"));
        assert!(parse("review cause").unwrap_err().contains("usage"));
        assert!(
            parse("review blame someone")
                .unwrap_err()
                .contains("unknown review section")
        );
        assert_eq!(parse("review"), Ok(PaletteRequest::ReviewView));
        assert!(
            parse("resolve rollback")
                .unwrap_err()
                .contains("usage: resolve CODE SUMMARY")
        );
        assert!(parse("severity P9").unwrap_err().contains("P9"));
        assert!(parse("frobnicate").unwrap_err().contains("no command"));
        assert!(parse("s").unwrap_err().contains("could be"));
        assert_eq!(
            parse("status resolved fixed"),
            Ok(PaletteRequest::Log(Body::StatusChanged {
                status: Status::Resolved,
                reason: Some("fixed".into())
            }))
        );
        assert_eq!(suggestions("").len(), COMMANDS.len());
        assert_eq!(suggestions("the")[0].name, "theme");
    }
}
