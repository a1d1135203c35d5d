//! which requests of the running case never reached the target (no TCP connection, no TLS
//! handshake) or stayed rate limited after the bounded retries. Such a request is evidence of
//! nothing about the clause that sent it; the client notes it here, in a log scoped to the
//! case's task, and the case is then reported as inconclusive instead of judged.

use std::future::Future;
use std::sync::{Arc, Mutex};

use super::Reply;

tokio::task_local! {
    static LOG: Arc<DeliveryLog>;
}

/// What could not be delivered during one case.
#[derive(Debug, Default)]
pub struct DeliveryLog {
    undelivered: Mutex<Vec<String>>,
    rate_limited: Mutex<usize>,
}

impl DeliveryLog {
    /// Notes `reply` when it is evidence of nothing: never delivered, or still 429.
    fn note(&self, reply: &Reply) {
        match reply {
            Reply::Undelivered(why) => self
                .undelivered
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(why.clone()),
            Reply::Response(r) if r.status == 429 => {
                *self.rate_limited.lock().unwrap_or_else(|e| e.into_inner()) += 1
            }
            _ => {}
        }
    }

    /// Why the case is inconclusive, if any of its requests was evidence of nothing.
    pub fn inconclusive(&self) -> Option<String> {
        let undelivered = self.undelivered.lock().unwrap_or_else(|e| e.into_inner());
        let rate_limited = *self.rate_limited.lock().unwrap_or_else(|e| e.into_inner());
        let mut parts = Vec::new();
        if let Some(first) = undelivered.first() {
            parts.push(format!(
                "{} request(s) never reached the target after retries ({first})",
                undelivered.len()
            ));
        }
        if rate_limited > 0 {
            parts.push(format!(
                "{rate_limited} request(s) were still answered 429 after {} waits for Retry-After",
                super::MAX_429_RETRIES
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Runs `future` (a case body) with `log` as the place its undeliverable requests are noted.
pub async fn scope<F: Future>(log: Arc<DeliveryLog>, future: F) -> F::Output {
    LOG.scope(log, future).await
}

/// Notes `reply` in the running case's log, if there is one.
pub(super) fn note(reply: &Reply) {
    let _ = LOG.try_with(|log| log.note(reply));
}
