//! Politeness towards real deployments: at most `--concurrency` requests in flight and at
//! most `--rate` started per second.

use std::time::Duration;

use tokio::sync::{Mutex, Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// Bounds on the requests the runner sends.
#[derive(Debug)]
pub struct Pacer {
    in_flight: Semaphore,
    interval: Option<Duration>,
    next_start: Mutex<Instant>,
}

impl Pacer {
    /// `concurrency` requests in flight at most; `rate` requests per second at most (0: no
    /// limit).
    pub fn new(concurrency: usize, rate: f64) -> Self {
        Self {
            in_flight: Semaphore::new(concurrency.max(1)),
            interval: (rate > 0.0).then(|| Duration::from_secs_f64(1.0 / rate)),
            next_start: Mutex::new(Instant::now()),
        }
    }

    /// Waits for a slot; the request may start when this returns, and the slot is held until
    /// the permit drops.
    pub async fn slot(&self) -> SemaphorePermit<'_> {
        let permit = self
            .in_flight
            .acquire()
            .await
            .expect("the pacer's semaphore is never closed");
        if let Some(interval) = self.interval {
            let start = {
                let mut next = self.next_start.lock().await;
                let start = (*next).max(Instant::now());
                *next = start + interval;
                start
            };
            tokio::time::sleep_until(start).await;
        }
        permit
    }
}
