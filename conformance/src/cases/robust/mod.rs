//! ROB-1, ROB-2: robustness. Generated `Authorization` values — printable ASCII, obs-text,
//! long, near-miss keys — get the envelope, never a 5xx, a reset or a hang (ROB-1). Bytes that
//! are not valid HTTP and oversized header sections may get 400 or 431 from the HTTP layer, a
//! closed connection, or the envelope: never a 2xx or 3xx, never a 5xx, never a hang (ROB-2).
//!
//! - `rob1_any_value.rs`: ROB-1, the generated families and fixed values, and its sweep of
//!   what the KEY and HDR cases saw;
//! - `rob2_invalid_http.rs`: ROB-2, control bytes, bare CR and LF, oversized header sections,
//!   invalid field syntax;
//! - `rob3_rate_limits.rs`: ROB-3, the 429s the run met, reported after every case.

mod rob1_any_value;
mod rob2_invalid_http;
mod rob3_rate_limits;

pub use rob1_any_value::robustness_sweep;
pub use rob3_rate_limits::rate_limits_met;

use super::Case;
use crate::wire::Text;

/// Every case of the ROB family: ROB-1's, then ROB-2's.
pub fn cases() -> Vec<Case> {
    let mut all = rob1_any_value::cases();
    all.extend(rob2_invalid_http::cases());
    all
}

/// `Bearer thub_` and `len` × `A`: a well-formed value whose length alone decides whether the
/// header section stays within 4 KiB (ROB-1) or goes over it (ROB-2).
fn long_bearer(len: usize) -> Text {
    Text::plain(format!("Bearer thub_{}", "A".repeat(len)))
}
