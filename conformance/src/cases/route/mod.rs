//! ROUTE-1, ROUTE-2: coverage. Without a key, every documented path under every method (HEAD,
//! OPTIONS, TRACE and undocumented ones included), unknown paths, `/`, operational paths and
//! variants of each documented path get 401 — never a 404 or 405 that tells what exists.
//!
//! Each file says which axes of the request space (`space/`) it crosses and what must hold
//! ([`Crossing`]); the requests come from the space:
//!
//! - `route1_no_open_routes.rs`: ROUTE-1, the method axis on every documented path and `/`,
//!   the CORS preflights, unknown and operational paths, and the sweep of the path variants
//!   answered 404 or 405;
//! - `route1_front_ends.rs`: ROUTE-1, the front-end, protocol and target-form axes a class at
//!   a time, the method overrides, then every axis pairwise;
//! - `route2_path_variants.rs`: ROUTE-2, the path and query axes a class at a time on every
//!   endpoint, and the absolute-form target.

mod route1_front_ends;
mod route1_no_open_routes;
mod route2_path_variants;

pub use route1_no_open_routes::variant_sweep;

use super::{Case, Check, Context};
use crate::space::{Crossing, Probes};
use crate::spec::Clause;
use crate::target::Endpoint;

/// Every case of the ROUTE family, for these endpoints: ROUTE-1's, then ROUTE-2's.
pub fn cases(endpoints: &[Endpoint]) -> Vec<Case> {
    let mut all = route1_no_open_routes::cases(endpoints);
    all.extend(route1_front_ends::cases());
    all.extend(route2_path_variants::cases(endpoints));
    all
}

/// What the ROUTE family requires over the request space, axis by axis (the README's axis
/// table names them).
pub fn crossings() -> Vec<Crossing> {
    vec![
        route1_no_open_routes::METHOD_CROSSING,
        route1_front_ends::CROSSING,
        route2_path_variants::CROSSING,
    ]
}

/// A case of `clause` that sends the requests `build` makes from the request space; each must
/// get the envelope or what the values it carries permit (`expected` says so in words).
fn axis_case(
    clause: Clause,
    what: String,
    expected: &'static str,
    build: impl FnOnce(&Context) -> Probes + Send + 'static,
) -> Case {
    Case::new(clause, what, move |ctx: Check| async move {
        build(&ctx).expect(&ctx, expected).await
    })
}
