//! ERR-1..ERR-6: the failure response. For each cause of failure ([`causes`]: missing, empty,
//! malformed, wrong scheme, wrong prefix, truncated, extended, unrecognized, revoked, another
//! channel, an unknown path or method) the status is 401 (ERR-1), the body matches `schemas/`
//! and the content type is JSON (ERR-2), nothing tells the causes apart (ERR-3), HEAD answers
//! like GET without a body (ERR-4), `WWW-Authenticate` carries a Bearer challenge (ERR-5, rfc
//! profile), and no piece of the credentials comes back (ERR-6).
//!
//! `causes.rs` is the table of causes every clause file draws from; `errN_*.rs` is clause ERR-N.

mod causes;
mod err1_status;
mod err2_envelope;
mod err3_indistinguishable;
mod err4_head_like_get;
mod err5_challenge;
mod err6_no_echo;

pub use err1_status::refusal_sweep;

use super::Case;
use crate::wire::{Reply, Response};

/// Every case of the ERR family, clause by clause.
pub fn cases() -> Vec<Case> {
    let mut all = err1_status::cases();
    all.extend(err2_envelope::cases());
    all.extend(err3_indistinguishable::cases());
    all.extend(err4_head_like_get::cases());
    all.extend(err5_challenge::cases());
    all.extend(err6_no_echo::cases());
    all
}

/// The three responses ERR-3 and ERR-4 compare (a baseline twice, to tell noise from signal,
/// then the answer under test), or `None` when one of them did not come.
fn three_responses(replies: &[Reply]) -> Option<[&Response; 3]> {
    match replies {
        [a1, a2, b] => Some([a1.response()?, a2.response()?, b.response()?]),
        _ => None,
    }
}
