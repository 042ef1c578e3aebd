//! `warroom triage`: the triage questions from a shell, interactively or by `--answers`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, anyhow, bail};
use clap::Args;

use super::ask::ask;
use super::context::{Context, Pick, pick_incident};
use crate::domain::triage::{TriageModel, Walk};
use crate::rules::{Outcome, Refusal, Request, Target};

/// Arguments of `warroom triage`.
#[derive(Debug, Args)]
pub struct TriageArgs {
    /// Triage a new incident with this title (opened when declared or routed).
    #[arg(long, short, conflicts_with = "incident")]
    pub title: Option<String>,
    /// The incident to (re-)triage; may be left out when one is open.
    #[arg(long, short, value_name = "ID")]
    pub incident: Option<String>,
    /// The answers, for scripts: `scope=2,data=no,trend=stable` (by question key, with
    /// the answer's number or the start of its text), or `2,2,1` in question order.
    #[arg(long, value_name = "ANSWERS")]
    pub answers: Option<String>,
    /// Declare (refused below the threshold).
    #[arg(long, conflicts_with = "route")]
    pub declare: bool,
    /// Route to the service desk (refused at or above the threshold).
    #[arg(long)]
    pub route: bool,
}

/// Reads `--answers` into a choice index per question.
fn parse_answers(model: &TriageModel, spec: &str) -> Result<Vec<Option<usize>>, String> {
    let mut answers = vec![None; model.questions.len()];
    for (i, part) in spec
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        let (q, value) = match part.split_once('=') {
            Some((key, value)) => {
                let q = model
                    .questions
                    .iter()
                    .position(|q| q.key == key.trim())
                    .ok_or_else(|| {
                        let keys: Vec<&str> =
                            model.questions.iter().map(|q| q.key.as_str()).collect();
                        format!(
                            "no question '{}': the questions are {}",
                            key.trim(),
                            keys.join(", ")
                        )
                    })?;
                (q, value.trim())
            }
            None if i < model.questions.len() => (i, part),
            None => {
                return Err(format!(
                    "more answers than questions ({})",
                    model.questions.len()
                ));
            }
        };
        let choices = &model.questions[q].choices;
        let choice = match value.parse::<usize>() {
            Ok(n) if (1..=choices.len()).contains(&n) => n - 1,
            Ok(n) => {
                return Err(format!(
                    "{}: there is no answer {n} (1 to {})",
                    model.questions[q].key,
                    choices.len()
                ));
            }
            Err(_) => {
                let lower = value.to_lowercase();
                let by = |test: &dyn Fn(&str) -> bool| -> Vec<usize> {
                    (0..choices.len())
                        .filter(|&c| test(&choices[c].answer.to_lowercase()))
                        .collect()
                };
                // The start of an answer first, then a word within it ("spreading").
                let mut found = by(&|a| a.starts_with(&lower));
                if found.is_empty() && !lower.is_empty() {
                    found = by(&|a| {
                        a.split(|c: char| !c.is_alphanumeric())
                            .any(|w| w.starts_with(&lower))
                    });
                }

                match found.as_slice() {
                    [one] => *one,
                    [] => {
                        return Err(format!(
                            "{}: no answer starts with '{value}'",
                            model.questions[q].key
                        ));
                    }
                    _ => {
                        return Err(format!(
                            "{}: '{value}' matches several answers; say more",
                            model.questions[q].key
                        ));
                    }
                }
            }
        };
        answers[q] = Some(choice);
    }
    let missing: Vec<&str> = model
        .questions
        .iter()
        .zip(&answers)
        .filter(|(_, a)| a.is_none())
        .map(|(q, _)| q.key.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(format!("no answer for: {}", missing.join(", ")));
    }
    Ok(answers)
}

fn say_assessment(model: &TriageModel, walk: &Walk) {
    let a = model.assess(&walk.answers);
    match a.severity {
        Some(sev) => tell!(
            "  -> {sev} ({}), because {}",
            if model.declares(sev) {
                "declare"
            } else {
                "route"
            },
            a.reason
        ),
        None => tell!("  -> severity not known yet ({})", a.reason),
    }
}

/// Asks the questions on the terminal, then declare or route. A choice the rules refuse
/// is explained and asked again (change an answer, choose the other, or quit), so
/// nothing typed so far is lost. Returns the outcome the rules take, or `None` to stop.
fn interactive(
    model: &TriageModel,
    walk: &mut Walk,
    declared: bool,
    check: impl Fn(&Walk, Outcome) -> Result<(), String>,
) -> Result<Option<Outcome>> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut ask = |prompt: &str| -> Result<Option<String>> {
        tell_part!("{prompt}");
        std::io::stderr().flush()?;
        Ok(lines.next().transpose()?.map(|l| l.trim().to_string()))
    };
    loop {
        if let Some(q) = model.questions.get(walk.current) {
            tell!("{}/{} {}", walk.current + 1, model.questions.len(), q.text);
            for (i, c) in q.choices.iter().enumerate() {
                tell!("  {}. {}", i + 1, c.answer);
            }
            let Some(reply) = ask("answer (number; b back, q quit): ")? else {
                return Ok(None);
            };
            match reply.as_str() {
                "q" => return Ok(None),
                "b" => walk.back(),
                n => match n.parse::<usize>() {
                    Ok(n) if (1..=q.choices.len()).contains(&n) => {
                        walk.choose(model, n - 1);
                        say_assessment(model, walk);
                    }
                    _ => tell!("  give a number from 1 to {}", q.choices.len()),
                },
            }
            continue;
        }
        // Enter after the last answer finishes the way the answers lead, named for it.
        let natural = crate::rules::natural_finish(model, declared, &walk.answers);
        let enter = match natural {
            Some(crate::rules::Finish::Declare) => "Enter declares · ",
            Some(crate::rules::Finish::Retriage) => "Enter re-triages · ",
            Some(crate::rules::Finish::Route) => "Enter routes · ",
            None => "",
        };
        let Some(reply) = ask(&format!("{enter}d declare, r route, b back, q quit: "))? else {
            return Ok(None);
        };
        let outcome = match reply.as_str() {
            "" if natural.is_some() => {
                natural.map_or(Outcome::Declare, crate::rules::Finish::outcome)
            }
            "d" => Outcome::Declare,
            "r" => Outcome::Route,
            "b" => {
                walk.back();
                continue;
            }
            "q" => return Ok(None),
            _ => {
                tell!("  d, r, b or q");
                continue;
            }
        };
        match check(walk, outcome) {
            Ok(()) => return Ok(Some(outcome)),
            Err(why) => tell!("  {why}"),
        }
    }
}

pub fn run(ctx: &Context, args: TriageArgs) -> Result<()> {
    let playbook = ctx.playbook()?;
    let mut store = ctx.open_write()?;
    let (target, state) = match &args.title {
        Some(title) if title.trim().is_empty() => {
            bail!("the title is empty: say in a few words what is wrong")
        }
        Some(title) => (Target::New(title.trim().to_string()), None),
        None => {
            let state = pick_incident(&store, Pick::Write(args.incident.as_deref()))
                .map_err(|e| anyhow!("{e:#} (or give --title to triage a new incident)"))?;
            (Target::Incident, Some(state))
        }
    };
    let model = playbook.triage.clone();
    let mut walk = Walk::new(&model);
    let insisted = match (args.declare, args.route) {
        (true, _) => Some(Outcome::Declare),
        (_, true) => Some(Outcome::Route),
        _ => None,
    };
    // What the rules would say to finishing the walk so: refused, or fine.
    let check = |walk: &Walk, outcome: Outcome| -> Result<(), Refusal> {
        let asked = crate::rules::Asked {
            state: state.as_ref(),
            playbook: &playbook,
            actor: &ctx.author,
            now: store.now(),
            watching: &[],
        };
        crate::rules::finish_triage(&asked, &target, &walk.answers, outcome).map(|_| ())
    };
    let worded = |r: Refusal| r.say(&ctx.author, &super::ask::Shell);
    let outcome = if let Some(spec) = &args.answers {
        walk.answers = parse_answers(&model, spec).map_err(|e| anyhow!("--answers: {e}"))?;
        walk.current = model.questions.len();
        say_assessment(&model, &walk);
        let declares = model
            .assess(&walk.answers)
            .severity
            .is_some_and(|s| model.declares(s));
        let outcome = match insisted {
            Some(outcome) => outcome,
            None if declares => Outcome::Declare,
            None => Outcome::Route,
        };
        check(&walk, outcome).map_err(|r| anyhow!(worded(r)))?;
        outcome
    } else if std::io::stdin().is_terminal() {
        let checked =
            |walk: &Walk, chosen: Outcome| check(walk, insisted.unwrap_or(chosen)).map_err(worded);
        let declared = state.as_ref().is_some_and(|s| s.declared_at.is_some());
        match interactive(&model, &mut walk, declared, checked)? {
            Some(chosen) => insisted.unwrap_or(chosen),
            None => bail!("triage stopped; nothing was recorded"),
        }
    } else {
        bail!(
            "stdin is not a terminal: give the answers with --answers, e.g. --answers scope=2,data=no,trend=stable (`warroom playbook` lists the questions)"
        );
    };
    let request = Request::Triage {
        target,
        answers: walk.answers.clone(),
        outcome,
    };
    let written = ask(ctx, &mut store, state.as_ref(), request)?;
    if let Some(event) = written.first() {
        say!("{}", event.incident);
    }
    let severity = model.assess(&walk.answers).severity;
    if let (Outcome::Declare, Some(sev)) = (outcome, severity) {
        let roles: Vec<&str> = crate::rules::page_roles(&playbook, sev)
            .iter()
            .map(|r| r.key())
            .collect();
        if !roles.is_empty() {
            tell!("{sev}: page {} (`warroom page ROLE`)", roles.join(", "));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::Playbook;

    #[test]
    fn answers_by_key_number_text_or_position() {
        let model = Playbook::builtin().triage;
        assert_eq!(
            parse_answers(&model, "scope=2,data=no,trend=stable"),
            Ok(vec![Some(1), Some(1), Some(1)])
        );
        assert_eq!(
            parse_answers(&model, "2, 2, 1"),
            Ok(vec![Some(1), Some(1), Some(0)])
        );
        assert_eq!(
            parse_answers(&model, "trend=recov,scope=everyone,data=1"),
            Ok(vec![Some(0), Some(0), Some(2)])
        );
        assert_eq!(
            parse_answers(&model, "scope=region,data=no,trend=spreading"),
            Ok(vec![Some(1), Some(1), Some(0)])
        );
        assert!(
            parse_answers(&model, "scope=9,data=no,trend=1")
                .unwrap_err()
                .contains("no answer 9")
        );
        assert!(
            parse_answers(&model, "scope=2")
                .unwrap_err()
                .contains("no answer for: data, trend")
        );
        assert!(
            parse_answers(&model, "scop=2")
                .unwrap_err()
                .contains("no question 'scop'")
        );
        assert!(
            parse_answers(&model, "scope=,data=no,trend=1")
                .unwrap_err()
                .contains("several")
        );
    }
}
