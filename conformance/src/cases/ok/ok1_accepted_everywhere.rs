//! > **OK-1** A valid key is accepted on every documented endpoint and method: the response is not
//! > 401. Its status is whatever the endpoint returns.
//!
//! One case per documented endpoint sends its method and path with the valid key (and `{}` as a
//! JSON body where the method takes one), over HTTP/2 where the target offers it and over raw
//! HTTP/1.1; any complete answer but 401 passes. Without a valid key the cases are ignored.

use crate::cases::{accepted, bearer, Case, Context};
use crate::judge::Stop;
use crate::spec::Clause;
use crate::target::Endpoint;
use crate::wire::{Request, Text};

/// `OK-1::<method>_<path>`, one per endpoint, in the endpoints' order.
pub fn cases(endpoints: &[Endpoint]) -> Vec<Case> {
    endpoints.iter().cloned().map(accepted_on).collect()
}

/// The endpoint's own request with the valid key, over either protocol, and again as raw
/// HTTP/1.1 when the first may travel over HTTP/2: the key must work on both wires.
fn accepted_on(endpoint: Endpoint) -> Case {
    Case::new(Clause::Ok1, endpoint.slug(), move |ctx| async move {
        let mut probes = vec![with_key(
            &ctx,
            &endpoint,
            Request::new(&endpoint.method, endpoint.path()),
        )?];
        if ctx.client.speaks_h2() {
            probes.push(with_key(
                &ctx,
                &endpoint,
                Request::new(&endpoint.method, endpoint.path()).exact(),
            )?);
        }
        ctx.expect_each(
            probes,
            "not 401: a valid key is accepted on every documented endpoint",
            accepted,
        )
        .await
    })
}

/// `request` with `Authorization: Bearer <valid key>`, and an empty JSON object as body for a
/// method that carries one (so the endpoint has something to accept).
fn with_key(ctx: &Context, endpoint: &Endpoint, request: Request) -> Result<Request, Stop> {
    let key = ctx.valid_key()?;
    let request = request.authorization(bearer(key.text()));
    Ok(match endpoint.method.as_str() {
        "POST" | "PUT" | "PATCH" => request.body("application/json", Text::plain("{}")),
        _ => request,
    })
}
