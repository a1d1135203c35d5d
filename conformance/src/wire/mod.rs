//! How requests reach the target: [`Request`] and [`Text`] describe what to send, [`Client`]
//! sends it — raw HTTP/1.1 ([`http1`]) for exact bytes, HTTP/2 ([`http2`]) where the target
//! offers it, HTTP/2 alone to a deployment that speaks nothing else — paced
//! ([`pacing`], slower after 429s: R-12) and retried on 429 after a spread wait (ROB-3), and
//! [`Reply`] is what came back.

pub mod connect;
pub(crate) mod delivery;
mod h2_body;
pub mod http1;
pub mod http2;
pub mod pacing;
mod reply;
mod request;
mod text;
pub mod tls;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use http1::{parse_head_leniently, parse_response};
pub use reply::{Offered, Protocol, Reply, Response};
pub use request::{is_safe_method, AxisTag, Request, Wire};
pub use text::{show_bytes, Text};

use connect::Dialer;
use http1::Http1;
use http2::Http2;
use pacing::Pacer;

/// Retries of one request answered 429 before the 429 is what the case sees (ROB-3). Many:
/// the waits are spread and the run slows itself, so a request still limited after
/// them all is limited whatever the runner does.
pub const MAX_429_RETRIES: u32 = 12;
/// At most this long waited for one request's 429s, over all its retries.
const MAX_WAIT_PER_REQUEST: Duration = Duration::from_secs(60);
/// 429s in a row after which the target counts as limiting everything: each request is then
/// tried once, so a run against a target that refuses the runner throughout ends promptly.
const LIMITED_THROUGHOUT: u64 = 128;
/// Waits before sending again a request that never reached the target.
const UNDELIVERED_BACKOFF: [Duration; 2] = [Duration::from_millis(250), Duration::from_secs(1)];
/// Undelivered requests in a row after which the target counts as down: each request is then
/// tried once, without backoff, so a run against a target that went away ends promptly.
const TARGET_DOWN: u64 = 32;
/// Longest `Retry-After` the runner waits.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// Sends requests to one target.
pub struct Client {
    http1: Http1,
    http2: Option<Http2>,
    /// What the deployment speaks.
    offered: Offered,
    pacer: Pacer,
    timeout: Duration,
    sent: AtomicU64,
    rate_limited: AtomicU64,
    /// 429s with a `Retry-After` the runner could read.
    with_retry_after: AtomicU64,
    /// Milliseconds the runner waited for 429s.
    waited_ms: AtomicU64,
    /// Requests in a row that could not be delivered: past [`TARGET_DOWN`], no more backoff.
    undelivered_in_a_row: AtomicU64,
    /// Answers 429 in a row: past [`LIMITED_THROUGHOUT`], no more retries.
    limited_in_a_row: AtomicU64,
    /// the valid key, when a read-only run must never send it with an unsafe method.
    read_only: std::sync::RwLock<Vec<Vec<u8>>>,
    /// a planner sends nothing; it counts what a run would send.
    dry: bool,
}

/// How the [`Client`] behaves.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Per-request bound: a slower answer is a hang.
    pub timeout: Duration,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Requests per second at most (0: unlimited).
    pub rate: f64,
}

impl Client {
    /// A client for the target `dialer` reaches. `host` is the `Host` value, `origin` the
    /// `https://host:port` prefix, `offered` the protocols the target speaks.
    pub fn new(
        dialer: Dialer,
        host: String,
        origin: String,
        base_path: String,
        offered: Offered,
        options: &ClientOptions,
    ) -> Self {
        Self {
            http1: Http1::new(dialer.clone(), host, base_path.clone()),
            http2: offered
                .http2()
                .then(|| Http2::new(dialer, origin, base_path)),
            offered,
            pacer: Pacer::new(options.concurrency, options.rate),
            timeout: options.timeout,
            sent: AtomicU64::new(0),
            rate_limited: AtomicU64::new(0),
            with_retry_after: AtomicU64::new(0),
            waited_ms: AtomicU64::new(0),
            undelivered_in_a_row: AtomicU64::new(0),
            limited_in_a_row: AtomicU64::new(0),
            read_only: std::sync::RwLock::default(),
            dry: false,
        }
    }

    /// a client that sends nothing and answers every request with the 401 envelope at
    /// once, counting: run the cases through it to learn how many requests a run plans.
    pub fn planner(&self) -> Client {
        let (host, base_path) = self.http1.host_and_base();
        let mut planner = Client::new(
            self.http1.dialer().clone(),
            host.to_owned(),
            String::new(),
            base_path.to_owned(),
            self.offered,
            &ClientOptions {
                timeout: self.timeout,
                concurrency: usize::MAX >> 4,
                rate: 0.0,
            },
        );
        planner.dry = true;
        planner
    }

    /// from now on, never send `valid_key` (any key that authenticates) with a method other
    /// than GET, HEAD or OPTIONS.
    pub fn read_only(&self, valid_key: &[u8]) {
        self.read_only
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(valid_key.to_vec());
    }

    /// True when [`Wire::Any`] requests travel over HTTP/2.
    pub fn speaks_h2(&self) -> bool {
        self.http2.is_some()
    }

    /// The protocols the deployment speaks.
    pub fn offered(&self) -> Offered {
        self.offered
    }

    /// why `request` cannot be sent to a deployment that speaks only HTTP/2, if that is
    /// the case: it needs HTTP/1.1 bytes.
    fn needs_http1(&self, request: &Request) -> Option<String> {
        if self.offered != Offered::Http2Only {
            return None;
        }
        let h2 = self.http2.as_ref()?;
        h2.cannot_carry(request)
    }

    /// Requests sent so far (retries included).
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Responses with status 429 seen so far.
    pub fn rate_limited(&self) -> u64 {
        self.rate_limited.load(Ordering::Relaxed)
    }

    /// how the runner slowed itself after 429s, if it did.
    pub fn slowdown(&self) -> Option<pacing::Slowdown> {
        self.pacer.slowdown()
    }

    /// the 429s met, how many carried a readable `Retry-After` (delta-seconds), and how
    /// long the runner waited for them in all.
    pub fn rate_limits(&self) -> (u64, u64, Duration) {
        (
            self.rate_limited.load(Ordering::Relaxed),
            self.with_retry_after.load(Ordering::Relaxed),
            Duration::from_millis(self.waited_ms.load(Ordering::Relaxed)),
        )
    }

    /// Sends one request; a 429 is waited out (its `Retry-After`, bounded and spread) and
    /// retried before it is returned (ROB-3, R-12); every answer tells the pacer whether the
    /// deployment is limiting the runner.
    ///
    /// A request that never reached the target (no connection, no handshake) is sent again
    /// after a short backoff, a bounded number of times; what still cannot be delivered, or is
    /// still answered 429, is noted for the running case as evidence of nothing.
    pub async fn send(&self, request: &Request) -> Reply {
        let withheld = !request.is_safe()
            && self
                .read_only
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .any(|secret| request.carries(secret));
        if withheld {
            // The cases avoid this; the interlock makes sure.
            let reply = Reply::Undelivered(format!(
                "withheld by the runner: {} with the valid key in a read-only run (R-1; --allow-writes permits it)",
                request.method
            ));
            delivery::note(&reply);
            return reply;
        }
        if let Some(why) = self.needs_http1(request) {
            // Not sent: the case is judged on its other requests, or ignored.
            delivery::note_needs_http1();
            return Reply::Undelivered(format!("{}: {why}", delivery::NEEDS_HTTP1));
        }
        if self.dry {
            self.sent.fetch_add(1, Ordering::Relaxed);
            return Reply::Response(Response::planned_refusal());
        }
        let mut rate_limited = 0;
        let mut waited = Duration::ZERO;
        let mut undelivered = 0;
        loop {
            let reply = {
                let _slot = self.pacer.slot().await;
                self.sent.fetch_add(1, Ordering::Relaxed);
                let sent = std::time::Instant::now();
                let mut reply = self.dispatch(request).await;
                if let Reply::Response(response) = &mut reply {
                    if response.elapsed.is_zero() {
                        // Not timed by the protocol client (which times from delivery).
                        response.elapsed = sent.elapsed();
                    }
                    self.pacer.answered(response.status == 429);
                    if response.status == 429 {
                        self.limited_in_a_row.fetch_add(1, Ordering::Relaxed);
                    } else {
                        self.limited_in_a_row.store(0, Ordering::Relaxed);
                    }
                }
                reply
            };
            match &reply {
                Reply::Response(response)
                    if response.status == 429
                        && rate_limited < MAX_429_RETRIES
                        && waited < MAX_WAIT_PER_REQUEST
                        && self.limited_in_a_row.load(Ordering::Relaxed) < LIMITED_THROUGHOUT =>
                {
                    self.rate_limited.fetch_add(1, Ordering::Relaxed);
                    if response
                        .header_text("retry-after")
                        .is_some_and(|v| v.trim().parse::<u64>().is_ok())
                    {
                        self.with_retry_after.fetch_add(1, Ordering::Relaxed);
                    }
                    rate_limited += 1;
                    let wait = pacing::spread(retry_after(response));
                    waited += wait;
                    self.waited_ms
                        .fetch_add(wait.as_millis() as u64, Ordering::Relaxed);
                    tokio::time::sleep(wait).await;
                }
                Reply::Undelivered(_)
                    if undelivered < UNDELIVERED_BACKOFF.len()
                        && self.undelivered_in_a_row.load(Ordering::Relaxed) < TARGET_DOWN =>
                {
                    self.undelivered_in_a_row.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(UNDELIVERED_BACKOFF[undelivered]).await;
                    undelivered += 1;
                }
                _ => {
                    if reply.is_undelivered() {
                        self.undelivered_in_a_row.fetch_add(1, Ordering::Relaxed);
                    } else {
                        self.undelivered_in_a_row.store(0, Ordering::Relaxed);
                    }
                    delivery::note(&reply);
                    return reply;
                }
            }
        }
    }

    /// Sends every request at once (bounded by the pacer); replies in the same order.
    pub async fn send_all(&self, requests: &[Request]) -> Vec<Reply> {
        let sends = requests.iter().map(|r| self.send(r));
        join_all(sends).await
    }

    /// Over HTTP/2 when asked for [`Wire::Any`] and offered, else raw HTTP/1.1; every request
    /// over HTTP/2 when the deployment speaks nothing else.
    pub async fn dispatch(&self, request: &Request) -> Reply {
        if let (Offered::Http2Only, Some(h2)) = (self.offered, &self.http2) {
            return match h2.send(request, self.timeout).await {
                Ok(reply) => reply,
                Err(why) => Reply::Broken(format!("not expressible over HTTP/2: {}", why.0)),
            };
        }
        match (request.wire, &self.http2) {
            (Wire::Any, Some(h2)) => {
                if let Ok(reply) = h2.send(request, self.timeout).await {
                    return reply;
                }
            }
            (Wire::Http2, Some(h2)) => {
                return match h2.send(request, self.timeout).await {
                    Ok(reply) => reply,
                    Err(why) => Reply::Broken(format!("not expressible over HTTP/2: {}", why.0)),
                };
            }
            _ => {}
        }
        self.send_http1(request).await
    }

    /// Every protocol the target speaks, for each probe: a target that offers HTTP/2 gets each
    /// probe over HTTP/2 and over raw HTTP/1.1 (the HTTP/2 copy of a raw probe only when HTTP/2
    /// can carry it — no bytes HTTP/2 forbids — and it needs no connection of its own). A front
    /// end may judge the two differently.
    pub fn on_every_wire(&self, probes: Vec<Request>) -> Vec<Request> {
        let (Offered::Both, Some(h2)) = (self.offered, &self.http2) else {
            return probes;
        };
        let mut all = Vec::with_capacity(probes.len() * 2);
        for probe in probes {
            // A probe that needs a connection of its own (bytes that poison a connection, a
            // header section over the limits) is not put on the shared HTTP/2 connection: what
            // it does to that connection would fall on the other cases' streams.
            let other = probe.other_wire();
            let carried =
                other.wire != Wire::Http2 || (!probe.fresh_connection && h2.can_carry(&other));
            all.push(probe);
            if carried {
                all.push(other);
            }
        }
        all
    }

    /// Raw HTTP/1.1, whatever the request's [`Wire`].
    pub async fn send_http1(&self, request: &Request) -> Reply {
        // The raw client times the exchange itself, from delivery on.
        self.http1.send(request).await
    }
}

/// `Retry-After` as a wait: delta-seconds, else one second; never more than
/// [`MAX_RETRY_AFTER`].
pub fn retry_after(response: &Response) -> Duration {
    let seconds = response
        .header_text("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1);
    Duration::from_secs(seconds).min(MAX_RETRY_AFTER)
}

/// Runs futures concurrently on the current task, results in order (no extra crate needed for
/// this one use).
pub async fn join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    use std::pin::Pin;
    use std::task::Poll;
    let mut pending: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (i, future) in pending.iter_mut().enumerate() {
            if results[i].is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => results[i] = Some(value),
                    Poll::Pending => done = false,
                }
            }
        }
        if done {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    results
        .into_iter()
        .map(|r| r.expect("every future completed"))
        .collect()
}
