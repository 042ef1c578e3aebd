//! One frame of the console at 120x40, scrolled to the middle of the timeline, for
//! logs of 1k and 100k entries. The target: under 1 ms, whatever the log's length.
//!
//! Run: `cargo bench --bench render`

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ulid::Ulid;
use warroom::app::{App, Msg, Zone, update};
use warroom::domain::{Audience, Body, Event};
use warroom::ui::{self, Theme};

fn incident(entries: usize) -> Vec<Event> {
    let start = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let incident = Ulid::from_parts(start.timestamp_millis() as u64, 1);
    (0..entries)
        .map(|i| {
            let at = start + TimeDelta::milliseconds(i as i64 * 1500);
            let body = match i {
                0 => Body::IncidentOpened { title: "Checkout failing for EU customers".into(), detected_at: None, drill: false, pace: None },
                i if i % 7 == 0 => Body::Decision { text: format!("decision {i}: roll back the payment gateway in one more region") },
                i if i % 5 == 0 => Body::StatusUpdate { audience: Audience::Executives, text: format!("update {i}: failures at 2%, next update in 30 minutes") },
                i => Body::Note { text: format!("note {i}: error rate still dropping in eu-west-1 after the rollback of deploy 4512") },
            };
            Event {
                id: if i == 0 { incident } else { Ulid::from_parts(at.timestamp_millis() as u64, i as u128) },
                origin: "bench".into(),
                seq: i as u64 + 1,
                incident,
                author: ["maya", "jonas", "priya", "liam"][i % 4].into(),
                recorded_by: None,
                at,
                logged_at: at,
                body,
            }
        })
        .collect()
}

fn bench_render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render_120x40_middle");
    for entries in [1_000usize, 100_000] {
        let events = incident(entries);
        let now = events.last().map(|e| e.at).unwrap_or_default();
        let mut app = App::new("alice", "warroom.db", None, now);
        app.setup.zone = Zone::Utc;
        update(&mut app, Msg::Events(events));
        update(&mut app, Msg::Loaded);
        let middle = app.incident().map(|s| s.timeline[entries / 2].event.id);
        app.timeline.cursor = middle;
        let theme = Theme::dark();
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
        group.bench_with_input(BenchmarkId::from_parameter(entries), &entries, |b, _| {
            b.iter(|| {
                terminal
                    .draw(|frame| ui::render(frame, &app, &theme))
                    .expect("draw");
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
