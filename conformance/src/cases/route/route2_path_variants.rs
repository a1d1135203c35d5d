//! > **ROUTE-2** Variants of a documented path — trailing slash, doubled slashes, case changes,
//! > percent-encoded characters, dot segments, `;params`, an added query string — never reach a
//! > handler without a valid key.
//!
//! Crosses the path and query axes (`space/path.rs`, `space/query.rs`) with every documented
//! endpoint: one case per class of values (`ROUTE-2::dot_segment`, `ROUTE-2::raw_byte`, …),
//! each value sent without a key, byte for byte, with the endpoint's method; and the absolute
//! form of the probe endpoint's target. Each must get 401, or 400 / a refused stream from an
//! HTTP layer that refuses the variant (that reaches no handler either). Another refusal (404,
//! 405) is ROUTE-1's: its sweep reports it.

use super::axis_case;
use crate::cases::Case;
use crate::space::{self, Axis, Crossing, Probes, Site};
use crate::spec::Clause;
use crate::target::Endpoint;

/// What ROUTE-2 requires of the path and query axes.
pub const CROSSING: Crossing = Crossing {
    clause: Clause::Route2,
    axes: &[Axis::Path, Axis::Query, Axis::TargetForm],
    holds: "no variant of a documented path reaches a handler without a valid key: 401, or 400 / a refused stream from the HTTP layer",
};

/// What each variant must get.
const EXPECTED: &str = "401 (the envelope), 400, or a refused stream (an HTTP/2 :path the server finds malformed): no path variant reaches a handler without a valid key";

/// Query classes that are ROUTE-2's (the `_method` one is ROUTE-1's method overrides).
const QUERY_CLASSES: [&str; 2] = ["query string", "query bytes"];

/// Every case of ROUTE-2, for these endpoints, in the manifest's order: a case per class of
/// the path axis, then of the query axis, then the absolute-form target.
pub fn cases(endpoints: &[Endpoint]) -> Vec<Case> {
    let mut all: Vec<Case> = space::classes(Axis::Path)
        .into_iter()
        .map(|class| on_every_endpoint(Axis::Path, class, endpoints.to_vec()))
        .collect();
    all.extend(
        QUERY_CLASSES
            .into_iter()
            .map(|class| on_every_endpoint(Axis::Query, class, endpoints.to_vec())),
    );
    all.push(axis_case(
        Clause::Route2,
        "absolute_form_target".into(),
        "401 (the envelope), or 400",
        |ctx| {
            let e = ctx.probe_endpoint();
            space::singles_of_class(
                Axis::TargetForm,
                "absolute-form",
                &Site::of(ctx, &e.method, &e.path()),
            )
        },
    ));
    all
}

/// The values of one class of `axis` on every endpoint, with its method.
fn on_every_endpoint(axis: Axis, class: &'static str, endpoints: Vec<Endpoint>) -> Case {
    axis_case(Clause::Route2, space::snake(class), EXPECTED, move |ctx| {
        let mut probes = Probes::default();
        for e in &endpoints {
            let site = Site::of(ctx, &e.method, &e.path());
            probes.extend(space::singles_of_class(axis, class, &site));
        }
        probes
    })
}
