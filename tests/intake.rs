//! The alert inbox and its intake: `warroom alert`, `warroom alerts`, `warroom intake
//! --stdin`, and `warroom intake --listen` on a loopback port, posted to by a real HTTP
//! client (ureq) with the payload shapes Alertmanager and Grafana document.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use common::{Env, std_cmd_for, wait_for};
use serde_json::Value;

/// A running `warroom intake --listen` on a free loopback port; killed when dropped.
struct Intake {
    child: Child,
    url: String,
}

impl Intake {
    fn start(env: &Env, extra: &[&str]) -> Intake {
        let mut child = std_cmd_for(&env.db)
            .args(["intake", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the intake");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut url = None;
        wait_for("the intake to listen", Duration::from_secs(20), || {
            while let Ok(line) = rx.try_recv() {
                if let Some(rest) = line.strip_prefix("taking alerts on ") {
                    url = rest.split_whitespace().next().map(str::to_string);
                }
            }
            url.is_some()
        });
        Intake {
            child,
            url: url.expect("a url"),
        }
    }

    fn post(&self, token: Option<&str>, body: &str) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        let mut request = agent
            .post(&self.url)
            .header("Content-Type", "application/json");
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = request.send(body).expect("an answer");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        (status, text)
    }
}

impl Drop for Intake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn inbox(env: &Env) -> Vec<Value> {
    env.ok(&["alerts", "--all", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// An Alertmanager webhook (version 4) as its documentation shows it.
const ALERTMANAGER: &str = r#"{
  "version": "4",
  "groupKey": "{}:{alertname=\"HighErrorRate\"}",
  "truncatedAlerts": 0,
  "status": "firing",
  "receiver": "warroom",
  "groupLabels": {"alertname": "HighErrorRate"},
  "commonLabels": {"alertname": "HighErrorRate", "service": "checkout"},
  "commonAnnotations": {"summary": "5xx above 5% in eu-west"},
  "externalURL": "http://alertmanager:9093",
  "alerts": [
    {
      "status": "firing",
      "labels": {"alertname": "HighErrorRate", "service": "checkout", "region": "eu-west"},
      "annotations": {"summary": "5xx above 5% in eu-west"},
      "startsAt": "2026-11-30T10:00:00Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus:9090/graph?g0.expr=rate",
      "fingerprint": "c6b1f3a0e2d4b5a6"
    }
  ]
}"#;

/// A Grafana Alerting webhook, as its documentation shows it.
const GRAFANA: &str = r#"{
  "receiver": "warroom",
  "status": "firing",
  "orgId": 1,
  "alerts": [
    {
      "status": "firing",
      "labels": {"alertname": "DiskFull", "instance": "db-1"},
      "annotations": {"summary": "disk 95% on db-1"},
      "startsAt": "2026-11-30T10:05:00Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://grafana:3000/alerting/grafana/abc/view",
      "fingerprint": "9f1e2d3c4b5a6978",
      "silenceURL": "http://grafana:3000/alerting/silence/new",
      "dashboardURL": "",
      "panelURL": "",
      "values": {"B": 95.2},
      "valueString": "[ var='B' value=95.2 ]"
    }
  ],
  "groupLabels": {"alertname": "DiskFull"},
  "commonLabels": {"alertname": "DiskFull"},
  "commonAnnotations": {},
  "externalURL": "http://grafana:3000/",
  "version": "1",
  "groupKey": "{}:{alertname=\"DiskFull\"}",
  "truncatedAlerts": 0,
  "title": "[FIRING:1] DiskFull",
  "state": "alerting",
  "message": "disk 95% on db-1"
}"#;

#[test]
fn webhooks_are_taken_with_the_token_and_refused_without_it() {
    let env = Env::new();
    let intake = Intake::start(&env, &[]);
    let token = std::fs::read_to_string(env.path("warroom.db.intake-token"))
        .expect("a token made beside the database")
        .trim()
        .to_string();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.path("warroom.db.intake-token"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "only its owner may read the token");

    // No token, a wrong one: 401, nothing stored.
    assert_eq!(intake.post(None, ALERTMANAGER).0, 401);
    assert_eq!(intake.post(Some("nope"), ALERTMANAGER).0, 401);
    assert!(inbox(&env).is_empty());

    // Alertmanager, then the same alert again, then resolved.
    let (status, body) = intake.post(Some(&token), ALERTMANAGER);
    assert_eq!((status, body.as_str()), (202, r#"{"recorded":1}"#));
    intake.post(Some(&token), ALERTMANAGER);
    let alerts = inbox(&env);
    assert_eq!(alerts.len(), 1, "one fingerprint, one alert: {alerts:?}");
    assert_eq!(alerts[0]["fingerprint"], "c6b1f3a0e2d4b5a6");
    assert_eq!(alerts[0]["count"], 2);
    assert_eq!(alerts[0]["firing"], true);
    assert_eq!(alerts[0]["source"], "alertmanager");
    assert_eq!(alerts[0]["text"], "HighErrorRate: 5xx above 5% in eu-west");
    let resolved = ALERTMANAGER.replace("\"firing\"", "\"resolved\"");
    intake.post(Some(&token), &resolved);
    let alerts = inbox(&env);
    assert_eq!(
        (alerts[0]["count"].as_u64(), alerts[0]["firing"].as_bool()),
        (Some(3), Some(false))
    );

    // Grafana's shape, and the generic form (one object, or a list).
    assert_eq!(intake.post(Some(&token), GRAFANA).0, 202);
    let generic = r#"[{"text": "queue depth 10k", "source": "cron", "labels": {"queue": "mail"}},
                      {"text": "queue depth 20k", "source": "cron", "fingerprint": "q1"}]"#;
    assert_eq!(intake.post(Some(&token), generic).0, 202);
    let alerts = inbox(&env);
    let sources: Vec<&str> = alerts.iter().filter_map(|a| a["source"].as_str()).collect();
    assert!(sources.contains(&"grafana"), "{sources:?}");
    assert_eq!(sources.iter().filter(|s| **s == "cron").count(), 2);

    // Malformed, unknown or over the bounds: 400 with the reason, nothing stored.
    let before = inbox(&env).len();
    for (body, reason) in [
        ("not json", "not JSON"),
        ("{}", "`text` is missing"),
        (
            r#"{"text": "x", "colour": "red"}"#,
            "not a field of the generic form",
        ),
        (r#"{"version": "3", "alerts": []}"#, "only version 4"),
        (
            r#"{"alerts": [{"status": "firing", "labels": {}}]}"#,
            "no alertname",
        ),
    ] {
        let (status, said) = intake.post(Some(&token), body);
        assert_eq!(status, 400, "{body}: {said}");
        assert!(said.contains(reason), "{body}: {said}");
    }
    assert_eq!(
        inbox(&env).len(),
        before,
        "nothing stored by a refused request"
    );
    // Too much text is cut, not refused: Alertmanager does not send a refused
    // notification again.
    let long = format!(r#"{{"text": "{}", "source": "long"}}"#, "x".repeat(5000));
    let (status, said) = intake.post(Some(&token), &long);
    assert_eq!(status, 202, "{said}");
    let stored = inbox(&env)
        .into_iter()
        .find(|a| a["source"] == "long")
        .unwrap();
    let text = stored["text"].as_str().unwrap();
    assert!(text.len() <= 4096 && text.ends_with('…'), "{}", text.len());
    // The same text about two hosts is two alerts.
    for host in ["db-1", "db-2"] {
        let body =
            format!(r#"{{"text": "disk full", "source": "node", "labels": {{"host": "{host}"}}}}"#);
        assert_eq!(intake.post(Some(&token), &body).0, 202);
    }
    let disks = inbox(&env)
        .into_iter()
        .filter(|a| a["text"] == "disk full")
        .count();
    assert_eq!(disks, 2);
    // The scheme's name in any case.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let status = agent
        .post(&intake.url)
        .header("Authorization", &format!("bearer {token}"))
        .header("Content-Type", "application/json")
        .send(r#"{"text": "lowercase bearer"}"#)
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(status, 202);
    // JSON only: what a web page can post across sites without asking (text/plain)
    // is refused, token or not.
    let status = agent
        .post(&intake.url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "text/plain")
        .send(r#"{"text": "from a web page"}"#)
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(status, 415);
    assert!(!inbox(&env).iter().any(|a| a["text"] == "from a web page"));

    // A body over 1 MiB: 413.
    let huge = format!(r#"{{"text": "{}"}}"#, "x".repeat(1024 * 1024 + 10));
    assert_eq!(intake.post(Some(&token), &huge).0, 413);
}

#[test]
fn a_silent_client_is_cut_off_and_others_are_served_meanwhile() {
    let env = Env::new();
    let intake = Intake::start(&env, &["--no-auth"]);
    let addr = intake
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/alerts")
        .to_string();
    // A client that connects and sends nothing, and one that stops halfway through
    // its headers.
    let mut silent = TcpStream::connect(&addr).unwrap();
    let mut halfway = TcpStream::connect(&addr).unwrap();
    halfway
        .write_all(b"POST /alerts HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // Others are served while they hang.
    assert_eq!(intake.post(None, r#"{"text": "served"}"#).0, 202);
    // Both are closed by the server within its deadlines (30 s at most).
    for stream in [&mut silent, &mut halfway] {
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut buf = Vec::new();
        let read = stream.read_to_end(&mut buf);
        assert!(read.is_ok(), "closed by the server: {read:?}");
    }
}

#[test]
fn without_a_token_only_loopback_and_a_token_file_must_be_private() {
    let env = Env::new();
    let err = env.fails(&["intake", "--listen", "0.0.0.0:0", "--no-auth"]);
    assert!(err.contains("loopback only"), "{err}");
    let file = env.path("token");
    std::fs::write(&file, "s3cret\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = env.fails(&[
        "intake",
        "--listen",
        "127.0.0.1:0",
        "--token-file",
        file.to_str().unwrap(),
    ]);
    assert!(err.contains("chmod 600"), "{err}");
    let err = env.fails(&["intake"]);
    assert!(err.contains("--stdin") && err.contains("--listen"), "{err}");
}

#[test]
fn alerts_come_in_without_an_incident_and_go_to_one() {
    let env = Env::new();
    // No incident: an alert, and alerts logged line by line, go to the inbox.
    let id = env.ok(&[
        "alert",
        "disk 95% on db-1",
        "--source",
        "node",
        "--label",
        "host=db-1",
    ]);
    let id = id.trim().to_string();
    let mut child = std_cmd_for(&env.db)
        .args(["log", "--kind", "alert", "--lines"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"p99 at 3 s\np99 at 3 s\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("the inbox"));
    let listed = env.ok(&["alerts"]);
    assert!(
        listed.contains("disk 95% on db-1") && listed.contains("p99 at 3 s"),
        "{listed}"
    );
    let p99 = inbox(&env)
        .into_iter()
        .find(|a| a["text"] == "p99 at 3 s")
        .unwrap();
    assert_eq!(p99["count"], 2, "the same line twice is one alert, counted");

    // One payload on stdin.
    let mut child = std_cmd_for(&env.db)
        .args(["intake", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ALERTMANAGER.as_bytes())
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());

    // Acknowledge, dismiss with a reason, send one to an incident.
    env.ok(&["alerts", "ack", &id]);
    let err = env.fails(&["alerts", "ack", &id]);
    assert!(err.contains("nothing would change"), "{err}");
    let p99_id = p99["id"].as_str().unwrap().to_string();
    env.ok(&["alerts", "dismiss", &p99_id, "--reason", "a load test"]);
    let incident = env.declare("Checkout failing");
    let hme = inbox(&env)
        .into_iter()
        .find(|a| a["source"] == "alertmanager")
        .unwrap();
    env.ok(&[
        "alerts",
        "attach",
        hme["id"].as_str().unwrap(),
        "-i",
        &incident,
    ]);
    assert!(
        env.ok(&["tail", "-i", &incident])
            .contains("HighErrorRate: 5xx above 5% in eu-west"),
        "the incident's timeline has the alert"
    );
    let waiting = env.ok(&["alerts"]);
    assert!(
        waiting.contains("disk 95%")
            && !waiting.contains("p99")
            && !waiting.contains("HighErrorRate"),
        "{waiting}"
    );
    let all = inbox(&env);
    let gone = all.iter().find(|a| a["source"] == "alertmanager").unwrap();
    assert_eq!(gone["incident"], incident_full(&env, &incident));
    let dismissed = all.iter().find(|a| a["text"] == "p99 at 3 s").unwrap();
    assert_eq!(dismissed["dismissed"], "a load test");
}

/// The full id of an incident named by its short id.
fn incident_full(env: &Env, short: &str) -> String {
    env.ok(&["incidents", "--json"])
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| {
            v["id"]
                .as_str()
                .is_some_and(|id| id.to_lowercase().ends_with(&short.to_lowercase()))
        })
        .and_then(|v| v["id"].as_str().map(str::to_string))
        .expect("the incident")
}
