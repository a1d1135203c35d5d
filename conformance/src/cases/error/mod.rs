//! ERR-1..ERR-6: the failure response. For each cause of failure ([`causes`]: missing, empty,
//! malformed, wrong scheme, wrong prefix, truncated, extended, unrecognized, revoked, another
//! channel, an unknown path or method) the status is 401 (ERR-1), the body matches `contract/schemas/`
//! and the content type is JSON, whatever the request negotiates (ERR-2), nothing tells the causes apart (ERR-3), HEAD answers
//! like GET without a body (ERR-4), `WWW-Authenticate` carries a Bearer challenge (ERR-5, rfc
//! profile), and no piece of the credentials comes back (ERR-6).
//!
//! `causes.rs` is the table of causes every clause file draws from; `errN_*.rs` is clause ERR-N.

mod causes;

#[rustfmt::skip]
clause_files! { err1_status, err2_envelope, err2_negotiation, err3_indistinguishable, err4_head_like_get, err5_challenge, err6_no_echo }

pub use err1_status::refusal_sweep;

/// What the ERR family requires over the request space (the README's axis table names them).
pub fn crossings() -> Vec<crate::space::Crossing> {
    vec![err2_negotiation::NEGOTIATION_CROSSING]
}

use crate::wire::{Reply, Response};

/// The three responses ERR-3 and ERR-4 compare (a baseline twice, to tell noise from signal,
/// then the answer under test), or `None` when one of them did not come.
fn three_responses(replies: &[Reply]) -> Option<[&Response; 3]> {
    match replies {
        [a1, a2, b] => Some([a1.response()?, a2.response()?, b.response()?]),
        _ => None,
    }
}
