//! Issue 16, item 3: the rate limits of the correct fakes [`Fault::Every7th429`] and
//! [`Fault::TokenBucket`]: a 429 with `Retry-After: 1`, and a token bucket per server.

use serde_json::json;

use super::routes::json_response;
#[cfg(doc)]
use super::Fault;
use super::Outgoing;

/// [`Fault::TokenBucket`]'s requests per second (and burst).
pub const BUCKET_RATE: f64 = 40.0;

/// [`Fault::TokenBucket`]'s bucket, one per server: `admit` takes a token if there is one.
#[derive(Debug)]
pub struct Bucket {
    state: std::sync::Mutex<(std::time::Instant, f64)>,
}

impl Default for Bucket {
    fn default() -> Self {
        Bucket {
            state: std::sync::Mutex::new((std::time::Instant::now(), BUCKET_RATE)),
        }
    }
}

impl Bucket {
    /// True when a request may pass now.
    pub fn admit(&self) -> bool {
        let mut state = self.state.lock().unwrap();
        let now = std::time::Instant::now();
        let refill = now.duration_since(state.0).as_secs_f64() * BUCKET_RATE;
        *state = (now, (state.1 + refill).min(BUCKET_RATE));
        if state.1 >= 1.0 {
            state.1 -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A 429 with `Retry-After: 1`, as [`Fault::Every7th429`] and [`Fault::TokenBucket`] send it.
pub fn too_many_requests() -> Outgoing {
    let mut out = json_response(429, json!({"error": {"type": "rate_limit_error"}}));
    out.headers.push(("Retry-After".into(), "1".into()));
    out
}
