//! Politeness towards real deployments: at most `--concurrency` requests in flight and at
//! most `--rate` started per second — and fewer when the deployment rate-limits.
//!
//! [`Pacer::answered`] hears every answer. A 429 halves the requests in flight (floor one) and
//! the rate (at most once a second while they go on); each quiet second wins back one request
//! in flight and a sixteenth of the rate. A cut that only costs throughput — fewer answers get
//! through per second than before it, or none at all: the deployment limits the count of
//! requests, not their pace — is undone and not tried again for a while; its 429s are then
//! only waited out (`throttle.rs`). The waits are spread ([`spread`]), so the requests told to
//! come back in a second do not all come back in the same instant.

mod throttle;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex as StdMutex;
use std::time::Duration;

use tokio::sync::{Mutex, Semaphore, SemaphorePermit};
use tokio::time::Instant;

pub use throttle::Slowdown;
use throttle::Throttle;

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
        // The throttle lowered the bound while this slot was held: it is not given back.
        if self.pacer.throttle().take_owed() {
            if let Some(permit) = self.permit.take() {
                permit.forget();
            }
        }
    }
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
            throttle: StdMutex::new(Throttle::new(max, rate, now)),
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
            throttle.started();
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
        self.throttle().answered(limited, now, &self.in_flight);
    }

    /// What the throttle did, if it ever slowed the run.
    pub fn slowdown(&self) -> Option<Slowdown> {
        self.throttle().slowdown()
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
    use super::throttle::WINDOW;
    use super::*;

    /// `n` requests started and answered at `at`, every `every`th a 429.
    fn answers(pacer: &Pacer, at: Instant, n: u64, every: Option<u64>) {
        for _ in 0..n {
            pacer.throttle().started();
        }
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
    fn a_pace_limit_is_followed_down_even_when_the_run_has_less_to_send() {
        let pacer = Pacer::new(16, 0.0);
        let t0 = Instant::now();
        // A token bucket of 40 a second: at 80 a second half are limited; after the cut the
        // run has less to send (its cases wait out Retry-After): 24 answers, 4 limited. Fewer
        // got through, but a smaller share was limited: a limit on the pace, cut again.
        answers(&pacer, t0, 80, Some(2));
        answers(&pacer, t0 + WINDOW, 80, Some(2));
        answers(&pacer, t0 + WINDOW * 2, 24, Some(6));
        let slowed = pacer.slowdown().expect("slowed");
        assert_eq!(slowed.undone, 0, "{slowed:?}");
        assert!(slowed.cuts >= 3, "{slowed:?}");
        assert!(slowed.now.is_some());
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
