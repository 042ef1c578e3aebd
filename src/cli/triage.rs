//! `warroom triage`: the triage questions from a shell, interactively or by `--answers`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, anyhow, bail};
use clap::Args;

use super::context::{Context, Pick, pick_id};
use super::roles::commit;
use crate::app::{App, Effect, Outcome, TriageTarget, Wizard, finish_triage, page_hint};
use crate::domain::triage::TriageModel;

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

fn say_assessment(model: &TriageModel, wizard: &Wizard) {
    let a = model.assess(&wizard.walk.answers);
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
/// nothing typed so far is lost. Returns the outcome and its effects, or `None` to stop.
fn interactive(
    model: &TriageModel,
    wizard: &mut Wizard,
    finish: impl Fn(&Wizard, Outcome) -> Result<Vec<Effect>, String>,
) -> Result<Option<(Outcome, Vec<Effect>)>> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut ask = |prompt: &str| -> Result<Option<String>> {
        tell_part!("{prompt}");
        std::io::stderr().flush()?;
        Ok(lines.next().transpose()?.map(|l| l.trim().to_string()))
    };
    loop {
        let walk = &wizard.walk;
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
                "b" => wizard.walk.back(),
                n => match n.parse::<usize>() {
                    Ok(n) if (1..=q.choices.len()).contains(&n) => {
                        wizard.walk.choose(model, n - 1);
                        say_assessment(model, wizard);
                    }
                    _ => tell!("  give a number from 1 to {}", q.choices.len()),
                },
            }
            continue;
        }
        let Some(reply) = ask("d declare, r route, b back, q quit: ")? else {
            return Ok(None);
        };
        let outcome = match reply.as_str() {
            "d" => Outcome::Declare,
            "r" => Outcome::Route,
            "b" => {
                wizard.walk.back();
                continue;
            }
            "q" => return Ok(None),
            _ => {
                tell!("  d, r, b or q");
                continue;
            }
        };
        match finish(wizard, outcome) {
            Ok(effects) => return Ok(Some((outcome, effects))),
            Err(why) => tell!("  {why}"),
        }
    }
}

pub fn run(ctx: &Context, args: TriageArgs) -> Result<()> {
    let playbook = ctx.playbook()?;
    let mut store = ctx.open_write()?;
    let (target, events) = match &args.title {
        Some(title) if title.trim().is_empty() => {
            bail!("the title is empty: say in a few words what is wrong")
        }
        Some(title) => (TriageTarget::New(title.trim().to_string()), Vec::new()),
        None => {
            let id = pick_id(&store, Pick::Write(args.incident.as_deref()))
                .map_err(|e| anyhow!("{e:#} (or give --title to triage a new incident)"))?;
            (TriageTarget::Incident(id), store.incident_events(id)?)
        }
    };
    let shown = match &target {
        TriageTarget::Incident(id) => Some(*id),
        TriageTarget::New(_) => None,
    };
    let app = App::headless(&ctx.author, playbook, events, shown, store.now());
    let model = app.playbook.triage.clone();
    let mut wizard = Wizard::new(&app, target);
    let insisted = match (args.declare, args.route) {
        (true, _) => Some(Outcome::Declare),
        (_, true) => Some(Outcome::Route),
        _ => None,
    };
    let (outcome, effects) = if let Some(spec) = &args.answers {
        wizard.walk.answers = parse_answers(&model, spec).map_err(|e| anyhow!("--answers: {e}"))?;
        wizard.walk.current = model.questions.len();
        say_assessment(&model, &wizard);
        let declares = model
            .assess(&wizard.walk.answers)
            .severity
            .is_some_and(|s| model.declares(s));
        let outcome = match insisted {
            Some(outcome) => outcome,
            None if declares => Outcome::Declare,
            None => Outcome::Route,
        };
        let effects = finish_triage(&app, &wizard, outcome).map_err(|e| anyhow!(e))?;
        (outcome, effects)
    } else if std::io::stdin().is_terminal() {
        let finish = |wizard: &Wizard, chosen: Outcome| {
            finish_triage(&app, wizard, insisted.unwrap_or(chosen))
        };
        match interactive(&model, &mut wizard, finish)? {
            Some((chosen, effects)) => (insisted.unwrap_or(chosen), effects),
            None => bail!("triage stopped; nothing was recorded"),
        }
    } else {
        bail!(
            "stdin is not a terminal: give the answers with --answers, e.g. --answers scope=2,data=no,trend=stable (`warroom playbook` lists the questions)"
        );
    };
    let written = commit(&mut store, effects)?;
    if let Some(event) = written.first() {
        say!("{}", event.incident);
    }
    let severity = model.assess(&wizard.walk.answers).severity;
    if let (Outcome::Declare, Some(sev)) = (outcome, severity)
        && let Some(hint) = page_hint(&app, sev)
    {
        tell!("{hint}");
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
