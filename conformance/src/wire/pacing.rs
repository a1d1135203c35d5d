//! Politeness towards real deployments: at most `--concurrency` requests in flight and at
//! most `--rate` started per second — and fewer when the deployment rate-limits.
//!
//! [`Pacer::answered`] hears every answer. A 429 halves the requests in flight (floor one) and
//! the rate (at most once a second while they go on); each quiet second wins back one request
//! in flight and a sixteenth of the rate. A cut that only costs throughput — fewer answers get
//! through per second than before it, or none at all: the deployment limits the count of
//! requests, not their pace — is undone and not tried again for [`FUTILE_HOLD`]; its 429s are
//! then only waited out. The waits are spread ([`spread`]), so the requests told to come back
//! in a second do not all come back in the same instant.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex as StdMutex;
use std::time::Duration;

use tokio::sync::{Mutex, Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// How often the throttle decides, from what the last window saw.
const WINDOW: Duration = Duration::from_secs(1);
/// The lowest rate the throttle sets (requests per second).
const MIN_RATE: f64 = 2.0;
/// A window with fewer answers goes on (it would decide on noise)…
const MIN_ANSWERS: u64 = 8;
/// …for this long at most.
const MAX_WINDOW: Duration = Duration::from_secs(8);
/// After a futile cut, how long 429s are only waited out.
const FUTILE_HOLD: Duration = Duration::from_secs(30);
/// A cut is futile when the answers that get through per second fall below this share of
/// what got through before it.
const FUTILE_SHARE: f64 = 0.75;

/// Bounds on the requests the runner sends.
#[derive(Debug)]
pub struct Pacer {
    in_flight: Semaphore,
    next_start: Mutex<Instant>,
    throttle: StdMutex<Throttle>,
}

/// A request's place among those in flight; dropped when it is done.
pub struct Slot<'a> {
    permit: Option<SemaphorePermit<'a>>,
    pacer: &'a Pacer,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut throttle = self.pacer.throttle();
        if throttle.owed > 0 {
            // The throttle lowered the bound while this slot was held: it is not given back.
            throttle.owed -= 1;
            if let Some(permit) = self.permit.take() {
                permit.forget();
            }
        }
    }
}

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
struct Throttle {
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
    /// Answers that got through per second in the window before the last cut.
    passed_before: Option<f64>,
    cuts: u64,
    undone: u64,
    lowest: (usize, f64),
}

impl Pacer {
    /// `concurrency` requests in flight at most; `rate` requests per second at most (0: no
    /// limit).
    pub fn new(concurrency: usize, rate: f64) -> Self {
        let max = concurrency.max(1);
        let now = Instant::now();
        Self {
            in_flight: Semaphore::new(max),
            next_start: Mutex::new(now),
            throttle: StdMutex::new(Throttle {
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
            }),
        }
    }

    fn throttle(&self) -> std::sync::MutexGuard<'_, Throttle> {
        self.throttle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for a slot; the request may start when this returns, and the slot is held until
    /// it drops.
    pub async fn slot(&self) -> Slot<'_> {
        let permit = self
            .in_flight
            .acquire()
            .await
            .expect("the pacer's semaphore is never closed");
        let interval = {
            let mut throttle = self.throttle();
            throttle.window.started += 1;
            throttle.interval()
        };
        if let Some(interval) = interval {
            let start = {
                let mut next = self.next_start.lock().await;
                let start = (*next).max(Instant::now());
                *next = start + interval;
                start
            };
            tokio::time::sleep_until(start).await;
        }
        Slot {
            permit: Some(permit),
            pacer: self,
        }
    }

    /// Hears one answer (`limited`: a 429) and adapts the bounds.
    pub fn answered(&self, limited: bool) {
        self.answered_at(limited, Instant::now());
    }

    fn answered_at(&self, limited: bool, now: Instant) {
        let mut throttle = self.throttle();
        throttle.roll(now, &self.in_flight);
        throttle.window.answered += 1;
        if limited {
            throttle.window.limited += 1;
            if matches!(throttle.phase, Phase::Free | Phase::Recovering) {
                throttle.cut(now, &self.in_flight);
                throttle.phase = Phase::Cutting;
                throttle.passed_before = None;
                throttle.window = Window::new(now);
            }
        }
    }

    /// What the throttle did, if it ever slowed the run.
    pub fn slowdown(&self) -> Option<Slowdown> {
        let throttle = self.throttle();
        (throttle.cuts > 0).then(|| Slowdown {
            cuts: throttle.cuts,
            undone: throttle.undone,
            lowest_in_flight: throttle.lowest.0,
            lowest_rate: throttle.lowest.1,
            now: throttle
                .before
                .map(|_| (throttle.limit, throttle.rate.unwrap_or(f64::INFINITY))),
        })
    }
}

impl Throttle {
    /// Between two starts, at the lower of `--rate` and the throttle's own bound.
    fn interval(&self) -> Option<Duration> {
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
                let at_floor = self.limit == 1 && self.rate.is_some_and(|r| r <= MIN_RATE);
                let futile = passed == 0.0
                    || at_floor
                    || self
                        .passed_before
                        .is_some_and(|before| passed < FUTILE_SHARE * before);
                if futile {
                    self.restore(in_flight);
                    self.undone += 1;
                    self.phase = Phase::Futile(now + FUTILE_HOLD);
                } else {
                    self.passed_before = Some(passed);
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

/// a wait told by `Retry-After`, spread: plus a uniform 0–50% of itself (0–100 ms for a
/// wait of zero), so that the requests told to come back together do not. Half the wait
/// scatters a crowd over hundreds of milliseconds; a wider spread only lengthens the run
/// (measured against a deployment limiting every 7th request: 16 s unspread, 19–20 s at
/// 0–50%, 24–26 s at 0–100%: the cases that send one request after another wait in series).
pub fn spread(wait: Duration) -> Duration {
    let extra = if wait.is_zero() {
        Duration::from_millis(100)
    } else {
        wait / 2
    };
    wait + extra.mul_f64(uniform())
}

/// A uniform number in [0, 1) (splitmix64 over a shared counter, seeded by the clock).
fn uniform() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut z = STATE
        .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
        .wrapping_add(seed);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` requests started and answered at `at`, every `every`th a 429.
    fn answers(pacer: &Pacer, at: Instant, n: u64, every: Option<u64>) {
        pacer.throttle().window.started += n;
        for i in 0..n {
            pacer.answered_at(every.is_some_and(|e| i % e == e - 1), at);
        }
    }

    #[test]
    fn a_429_halves_the_requests_in_flight() {
        let pacer = Pacer::new(16, 0.0);
        let t0 = Instant::now();
        answers(&pacer, t0, 10, None);
        pacer.answered_at(true, t0);
        let slowdown = pacer.slowdown().expect("slowed");
        assert_eq!(slowdown.lowest_in_flight, 8);
        assert_eq!(pacer.in_flight.available_permits(), 8);
        assert!(slowdown.now.is_some());
    }

    #[test]
    fn a_slow_window_waits_for_enough_answers_and_nothing_passing_is_futile() {
        let pacer = Pacer::new(16, 0.0);
        let t0 = Instant::now();
        // Every answer a 429, two a second: the windows go on until eight answers, then
        // decide that slowing down got nothing through.
        answers(&pacer, t0, 1, Some(1));
        for second in 1..=3 {
            answers(&pacer, t0 + WINDOW * second, 2, Some(1));
        }
        assert_eq!(pacer.slowdown().expect("cut").undone, 0);
        answers(&pacer, t0 + WINDOW * 4, 2, Some(1));
        answers(&pacer, t0 + WINDOW * 5, 1, Some(1));
        let slowdown = pacer.slowdown().expect("cut");
        assert_eq!((slowdown.undone, slowdown.now), (1, None), "{slowdown:?}");
    }

    #[test]
    fn the_spread_is_within_the_wait_and_one_and_a_half_of_it() {
        let wait = Duration::from_secs(1);
        let spread: Vec<_> = (0..200).map(|_| spread(wait)).collect();
        assert!(spread.iter().all(|s| *s >= wait && *s < wait * 3 / 2));
        let distinct: std::collections::BTreeSet<_> = spread.iter().collect();
        assert!(distinct.len() > 150, "spread, not one value");
        assert!(super::spread(Duration::ZERO) < Duration::from_millis(100));
    }

    #[test]
    fn cutting_that_only_costs_throughput_is_undone() {
        let pacer = Pacer::new(16, 0.0);
        let t0 = Instant::now();
        // Every 7th answer a 429, at whatever pace: the first cut, a window that decides
        // nothing, one at half the pace (cut again), one at a quarter: half as many answers
        // got through, the same share limited: futile, undone.
        answers(&pacer, t0, 7, Some(7));
        for (second, n) in [(1, 70), (2, 35)] {
            answers(&pacer, t0 + WINDOW * second, n, Some(7));
        }
        answers(&pacer, t0 + WINDOW * 3, 1, None);
        let slowdown = pacer.slowdown().expect("it tried");
        assert_eq!(slowdown.undone, 1, "{slowdown:?}");
        assert_eq!(slowdown.now, None, "back to the user's bounds");
        assert_eq!(pacer.in_flight.available_permits(), 16);
        // And 429s are then only waited out, for a while.
        answers(&pacer, t0 + WINDOW * 4, 70, Some(7));
        assert_eq!(pacer.slowdown().expect("tried").now, None);
    }

    #[test]
    fn a_pace_limit_is_followed_down_then_won_back() {
        let pacer = Pacer::new(16, 0.0);
        let t0 = Instant::now();
        // As many answers get through each second (40) whatever the pace: a limit on the
        // pace; cutting goes on while 429s do.
        answers(&pacer, t0, 80, Some(2));
        for second in 1..=4 {
            answers(&pacer, t0 + WINDOW * second, 80, Some(2));
        }
        let slowed = pacer.slowdown().expect("slowed");
        assert_eq!(slowed.undone, 0, "{slowed:?}");
        assert!(slowed.cuts >= 4, "{slowed:?}");
        assert_eq!(slowed.lowest_in_flight, 1);
        assert!(slowed.now.is_some());
        // Quiet seconds win the bounds back.
        for second in 5..60 {
            answers(&pacer, t0 + WINDOW * second, 40, None);
        }
        let now = pacer.slowdown().expect("it slowed");
        assert_eq!(now.now, None, "recovered: {now:?}");
        assert_eq!(pacer.in_flight.available_permits(), 16);
    }
}
