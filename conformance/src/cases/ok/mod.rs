//! OK-1: the valid key is accepted on every documented endpoint and method (not 401), over
//! HTTP/2 where the target offers it and over HTTP/1.1 — the one clause that a conforming
//! deployment passes by saying yes.

mod ok1_accepted_everywhere;

use super::Case;
use crate::target::Endpoint;

/// Every case of the OK family: OK-1's, one per endpoint.
pub fn cases(endpoints: &[Endpoint]) -> Vec<Case> {
    ok1_accepted_everywhere::cases(endpoints)
}

/// What OK-1 requires over the request space (the README's axis table names it).
pub fn crossings() -> Vec<crate::space::Crossing> {
    use crate::space::Axis;
    vec![crate::space::Crossing {
        clause: crate::spec::Clause::Ok1,
        axes: &[Axis::AuthOws, Axis::AuthTail],
        holds: "the valid key is accepted in the canonical form and every HDR-2 variant of it the deployment accepts, with GET and HEAD, over every protocol",
    }]
}
