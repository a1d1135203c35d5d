//! the adaptive part of the [`Pacer`](super::Pacer): the bounds in force and what the
//! last windows of answers saw. A 429 halves the requests in flight (floor one) and the rate
//! (at most once a window while they go on); each quiet window wins back one request in flight
//! and a sixteenth of the rate. A cut that only costs throughput — fewer answers get through
//! per second than before it while the same share of them is still limited, or none get
//! through at all: the deployment limits the count of requests, not their pace — is undone and
//! not tried again for [`FUTILE_HOLD`]. Throughput alone would not tell: fewer requests start in
//! a window when the run has less to send (cases waiting out their `Retry-After`), while a limit
//! on the pace always answers a slower pace with a smaller share of 429s.

use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::Instant;

/// How often the throttle decides, from what the last window saw.
pub(super) const WINDOW: Duration = Duration::from_secs(1);
/// The lowest rate the throttle sets (requests per second).
const MIN_RATE: f64 = 2.0;
/// A window with fewer answers goes on (it would decide on noise)…
const MIN_ANSWERS: u64 = 8;
/// …for this long at most.
const MAX_WINDOW: Duration = Duration::from_secs(8);
/// After a futile cut, how long 429s are only waited out.
const FUTILE_HOLD: Duration = Duration::from_secs(30);
/// A cut is futile when the answers that get through per second fall below this share of
/// what got through before it, and the share of answers limited does not fall below this share
/// of what it was.
const FUTILE_SHARE: f64 = 0.75;

/// What the throttle did, for the progress line and ROB-3.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slowdown {
    /// Times it lowered the bounds after 429s.
    pub cuts: u64,
    /// Times it undid them because slowing down only cost throughput.
    pub undone: u64,
    /// The fewest requests in flight it allowed.
    pub lowest_in_flight: usize,
    /// The lowest rate it set (requests per second).
    pub lowest_rate: f64,
    /// Now: requests in flight and rate, when it is holding the run below its bounds.
    pub now: Option<(usize, f64)>,
}

impl Slowdown {
    /// For the progress line: where the bounds are now, if below the user's.
    pub fn now_text(&self) -> Option<String> {
        self.now.map(|(in_flight, rate)| {
            format!(
                "slowed by 429s to {in_flight} in flight, {}",
                show_rate(rate)
            )
        })
    }
}

impl std::fmt::Display for Slowdown {
    /// For ROB-3's evidence.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the runner slowed itself after 429s ({} cuts, down to {} in flight and {})",
            self.cuts,
            self.lowest_in_flight,
            show_rate(self.lowest_rate)
        )?;
        if self.undone > 0 {
            write!(
                f,
                "; {} of its slowdowns undone: fewer answers got through per second at the slower pace, the same share limited (a limit on the count of requests, not on their pace: its 429s were only waited out)",
                self.undone
            )?;
        }
        match self.now_text() {
            Some(now) => write!(f, "; at the end {now}"),
            None => write!(f, "; back to full speed at the end"),
        }
    }
}

/// `12.5 requests/s`, or `no rate bound`.
fn show_rate(rate: f64) -> String {
    if rate.is_finite() {
        format!("{rate:.1} requests/s")
    } else {
        "no rate bound".into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// At the user's bounds.
    Free,
    /// Cut after a 429; the next window says whether to cut again, recover or undo.
    Cutting,
    /// No 429 lately: winning the bounds back.
    Recovering,
    /// Cutting did not help: 429s are only waited out until then.
    Futile(Instant),
}

#[derive(Debug, Clone, Copy)]
struct Window {
    since: Instant,
    started: u64,
    answered: u64,
    limited: u64,
}

impl Window {
    fn new(since: Instant) -> Self {
        Window {
            since,
            started: 0,
            answered: 0,
            limited: 0,
        }
    }
}

/// The adaptive part: the bounds in force and what the last windows saw.
#[derive(Debug)]
pub(super) struct Throttle {
    /// `--concurrency`.
    max: usize,
    /// Requests in flight allowed now.
    limit: usize,
    /// Permits to withdraw as held slots come back.
    owed: usize,
    /// `--rate` (None: no limit).
    user_rate: Option<f64>,
    /// The throttle's own rate bound.
    rate: Option<f64>,
    phase: Phase,
    window: Window,
    /// Requests started per second in the last full window.
    last_start_rate: Option<f64>,
    /// Limit and rate before this episode's first cut (restored when cutting is futile), and
    /// the rate that cut started from.
    before: Option<(usize, Option<f64>, f64)>,
    /// Answers that got through per second, and the share of answers limited, in the window
    /// before the last cut.
    passed_before: Option<(f64, f64)>,
    cuts: u64,
    undone: u64,
    lowest: (usize, f64),
}

impl Throttle {
    /// At the user's bounds: `max` requests in flight, `rate` per second (0: no limit).
    pub(super) fn new(max: usize, rate: f64, now: Instant) -> Self {
        Throttle {
            max,
            limit: max,
            owed: 0,
            user_rate: (rate > 0.0).then_some(rate),
            rate: None,
            phase: Phase::Free,
            window: Window::new(now),
            last_start_rate: None,
            before: None,
            passed_before: None,
            cuts: 0,
            undone: 0,
            lowest: (max, f64::INFINITY),
        }
    }

    /// One request started.
    pub(super) fn started(&mut self) {
        self.window.started += 1;
    }

    /// True (once per withdrawn permit) when a slot coming back must not be given back.
    pub(super) fn take_owed(&mut self) -> bool {
        let owed = self.owed > 0;
        self.owed = self.owed.saturating_sub(1);
        owed
    }

    /// One answer (`limited`: a 429): a 429 at the user's bounds or while recovering cuts at
    /// once; the windows decide the rest.
    pub(super) fn answered(&mut self, limited: bool, now: Instant, in_flight: &Semaphore) {
        self.roll(now, in_flight);
        self.window.answered += 1;
        if limited {
            self.window.limited += 1;
            if matches!(self.phase, Phase::Free | Phase::Recovering) {
                self.cut(now, in_flight);
                self.phase = Phase::Cutting;
                self.passed_before = None;
                self.window = Window::new(now);
            }
        }
    }

    /// What it did, if it ever slowed the run.
    pub(super) fn slowdown(&self) -> Option<Slowdown> {
        (self.cuts > 0).then(|| Slowdown {
            cuts: self.cuts,
            undone: self.undone,
            lowest_in_flight: self.lowest.0,
            lowest_rate: self.lowest.1,
            now: self
                .before
                .map(|_| (self.limit, self.rate.unwrap_or(f64::INFINITY))),
        })
    }

    /// Between two starts, at the lower of `--rate` and the throttle's own bound.
    pub(super) fn interval(&self) -> Option<Duration> {
        let rate = match (self.user_rate, self.rate) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        Some(Duration::from_secs_f64(1.0 / rate))
    }

    /// Closes the window if it is over, and decides from it.
    fn roll(&mut self, now: Instant, in_flight: &Semaphore) {
        let elapsed = now.duration_since(self.window.since);
        let few = self.phase == Phase::Cutting && self.window.answered < MIN_ANSWERS;
        if elapsed < WINDOW || (few && elapsed < MAX_WINDOW) {
            return;
        }
        let window = std::mem::replace(&mut self.window, Window::new(now));
        let seconds = elapsed.as_secs_f64();
        if window.started > 0 {
            self.last_start_rate = Some(window.started as f64 / seconds);
        }
        match self.phase {
            Phase::Futile(until) if now >= until => self.phase = Phase::Free,
            Phase::Cutting if window.limited == 0 && window.answered > 0 => {
                self.phase = Phase::Recovering
            }
            Phase::Cutting => {
                let passed = (window.answered - window.limited) as f64 / seconds;
                let share = window.limited as f64 / window.answered.max(1) as f64;
                let at_floor = self.limit == 1 && self.rate.is_some_and(|r| r <= MIN_RATE);
                let futile = passed == 0.0
                    || at_floor
                    || self.passed_before.is_some_and(|(before, share_before)| {
                        passed < FUTILE_SHARE * before && share >= FUTILE_SHARE * share_before
                    });
                if futile {
                    self.restore(in_flight);
                    self.undone += 1;
                    self.phase = Phase::Futile(now + FUTILE_HOLD);
                } else {
                    self.passed_before = Some((passed, share));
                    self.cut(now, in_flight);
                }
            }
            Phase::Recovering if window.limited == 0 && window.answered > 0 => {
                self.recover(in_flight)
            }
            _ => {}
        }
    }

    /// Halves the requests in flight (floor one) and the rate (floor [`MIN_RATE`]).
    fn cut(&mut self, now: Instant, in_flight: &Semaphore) {
        let elapsed = now.duration_since(self.window.since);
        let measured = match self.last_start_rate {
            Some(rate) if elapsed < WINDOW / 4 => rate,
            _ => self.window.started as f64 / elapsed.max(WINDOW / 4).as_secs_f64(),
        };
        let basis = [self.rate, self.user_rate, Some(measured)]
            .into_iter()
            .flatten()
            .fold(f64::INFINITY, f64::min);
        if self.before.is_none() {
            self.before = Some((self.limit, self.rate, basis));
        }
        let limit = (self.limit / 2).max(1);
        self.withdraw(self.limit - limit, in_flight);
        self.limit = limit;
        let rate = (basis / 2.0).max(MIN_RATE);
        self.rate = Some(rate);
        self.cuts += 1;
        self.lowest = (self.lowest.0.min(limit), self.lowest.1.min(rate));
    }

    /// One quiet window: one more request in flight, a sixteenth more rate; at the bounds of
    /// before the episode, free again.
    fn recover(&mut self, in_flight: &Semaphore) {
        let Some((limit, rate, basis)) = self.before else {
            self.phase = Phase::Free;
            return;
        };
        if self.limit < limit {
            self.give_back(1, in_flight);
            self.limit += 1;
        }
        let step = (basis / 16.0).max(1.0);
        let recovered = self.rate.map_or(f64::INFINITY, |r| r + step);
        self.rate = Some(recovered);
        if self.limit >= limit && recovered >= basis {
            self.rate = rate;
            self.before = None;
            self.phase = Phase::Free;
        }
    }

    /// Back to the bounds of before the episode.
    fn restore(&mut self, in_flight: &Semaphore) {
        if let Some((limit, rate, _)) = self.before.take() {
            self.give_back(limit.saturating_sub(self.limit), in_flight);
            self.limit = limit.max(self.limit).min(self.max);
            self.rate = rate;
        }
    }

    fn withdraw(&mut self, n: usize, in_flight: &Semaphore) {
        let forgotten = in_flight.forget_permits(n);
        self.owed += n - forgotten;
    }

    fn give_back(&mut self, n: usize, in_flight: &Semaphore) {
        let paid = n.min(self.owed);
        self.owed -= paid;
        in_flight.add_permits(n - paid);
    }
}
