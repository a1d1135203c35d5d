//! a run that lasts more than a few seconds (a polite `--rate`) says how it is getting on,
//! on stderr: a live line on a terminal, a plain line every ~10 s otherwise (CI logs), and
//! when 429s have slowed it, to what. Before
//! the first trial it says how many requests it plans — counted by running the cases through a
//! client that sends nothing — and, with `--rate`, about how long that takes.

use std::io::{IsTerminal, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::cases::{Case, Context};

/// How long a run goes before the first progress line.
const QUIET_START: Duration = Duration::from_secs(3);
/// Between plain progress lines when stderr is not a terminal (`TERMINUS_PROGRESS_SECS`).
const PLAIN_EVERY: Duration = Duration::from_secs(10);
/// Between redraws of the live line on a terminal.
const LIVE_EVERY: Duration = Duration::from_millis(250);

/// Counts the requests `cases` would send, through a copy of `context` that sends nothing.
pub(super) async fn plan(context: &Context, cases: Vec<Case>) -> u64 {
    let planner = Arc::new(context.planner());
    for case in cases.into_iter().filter(|c| !c.sweep) {
        let _ = case.start(Arc::clone(&planner)).await;
    }
    planner.client.requests_sent()
}

/// "about N requests planned", with the time `--rate` makes it take.
pub(super) fn announce(cases: usize, planned: u64, rate: f64) {
    let mut line = format!("terminus-conformance: {cases} cases, about {planned} requests planned");
    if rate > 0.0 {
        line.push_str(&format!(
            "; at --rate {rate} that is about {}",
            human(Duration::from_secs_f64(planned as f64 / rate))
        ));
    }
    eprintln!("{line}");
}

/// A duration as `2 min 05 s` or `12 s`.
fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{} s", s.max(1))
    }
}

/// The progress reporter's thread; dropped or [`Progress::finish`]ed, it stops.
pub(super) struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts reporting on `context`'s run of `total` cases (sweeps aside), `planned`
    /// requests.
    pub(super) fn start(context: Arc<Context>, total: usize, planned: u64) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        let live = std::io::stderr().is_terminal();
        let every = if live {
            LIVE_EVERY
        } else {
            std::env::var("TERMINUS_PROGRESS_SECS")
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|s| *s > 0.0)
                .map_or(PLAIN_EVERY, Duration::from_secs_f64)
        };
        let first = if live { QUIET_START } else { every };
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut next = started + first;
            while !stopping.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50).min(every));
                if Instant::now() < next {
                    continue;
                }
                next += every;
                let line = status(&context, total, planned, started.elapsed());
                let mut err = std::io::stderr().lock();
                if live {
                    let _ = write!(err, "\r\x1b[2K{line}");
                } else {
                    let _ = writeln!(err, "{line}");
                }
                let _ = err.flush();
            }
            if live {
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            }
        });
        Progress {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the reporter (clearing the live line).
    pub(super) fn finish(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// One progress line: cases done of total, requests, requests/s, 429s waited, time left.
fn status(context: &Context, total: usize, planned: u64, elapsed: Duration) -> String {
    let done = context.ledger.finished().min(total);
    let sent = context.client.requests_sent();
    let rate = sent as f64 / elapsed.as_secs_f64().max(1e-3);
    let (limited, _, waited) = context.client.rate_limits();
    let left = if rate > 0.0 && planned > sent {
        format!(
            ", about {} left",
            human(Duration::from_secs_f64((planned - sent) as f64 / rate))
        )
    } else {
        String::new()
    };
    // when the runner is holding itself below its bounds, and to what.
    let slowed = context
        .client
        .slowdown()
        .and_then(|s| s.now_text())
        .map_or_else(String::new, |now| format!(", {now}"));
    format!(
        "terminus-conformance: {done}/{total} cases, {sent}/~{planned} requests, {rate:.0} requests/s, {limited} answers 429 waited out ({:.0} s){slowed}{left}",
        waited.as_secs_f64()
    )
}
