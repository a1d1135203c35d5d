//! which requests of the running case never reached the target (no TCP connection, no TLS
//! handshake) or stayed rate limited after the bounded retries. Such a request is evidence of
//! nothing about the clause that sent it; the client notes it here, in a log scoped to the
//! case's task, and the case is then reported as inconclusive instead of judged.
//!
//! a request only raw HTTP/1.1 can carry, for a deployment that speaks only HTTP/2, is
//! not sent; a case none of whose requests could be sent is ignored with [`NEEDS_HTTP1`].

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::Reply;

tokio::task_local! {
    static LOG: Arc<DeliveryLog>;
}

/// Why a case is ignored when the deployment speaks only HTTP/2 and each of its requests needs
/// HTTP/1.1.
pub const NEEDS_HTTP1: &str =
    "the deployment speaks only HTTP/2 (ALPN h2); this case needs HTTP/1.1 bytes";

/// What could not be delivered during one case.
#[derive(Debug, Default)]
pub struct DeliveryLog {
    undelivered: Mutex<Vec<String>>,
    rate_limited: Mutex<usize>,
    /// Requests that got an answer of some kind (a response, a reset, silence).
    answered: AtomicUsize,
    /// Requests not sent: only HTTP/1.1 carries them, and the deployment speaks only HTTP/2.
    needs_http1: AtomicUsize,
}

impl DeliveryLog {
    /// Notes `reply` when it is evidence of nothing: never delivered, or still 429.
    fn note(&self, reply: &Reply) {
        if !reply.is_undelivered() {
            self.answered.fetch_add(1, Ordering::Relaxed);
        }
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
                "{rate_limited} request(s) were still answered 429 after their waits for Retry-After (at most {}, spread, at a pace the runner lowered)",
                super::MAX_429_RETRIES
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// how many of the case's requests were not sent because each needs HTTP/1.1 and
    /// the deployment speaks only HTTP/2, and whether it sent nothing else at all (nor failed
    /// to deliver anything).
    pub fn needed_http1(&self) -> (usize, bool) {
        let not_sent = self.needs_http1.load(Ordering::Relaxed);
        let answered = self.answered.load(Ordering::Relaxed);
        let undelivered = self
            .undelivered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len();
        (not_sent, answered + undelivered == 0)
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

/// Notes a request not sent because only HTTP/1.1 carries it.
pub(super) fn note_needs_http1() {
    let _ = LOG.try_with(|log| log.needs_http1.fetch_add(1, Ordering::Relaxed));
}
