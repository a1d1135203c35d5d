//! OK-1: the valid key is accepted on every documented endpoint and method (not 401),
//! over HTTP/2 where the target offers it and over HTTP/1.1.

use super::{accepted, bearer, Case, Context};
use crate::judge::Stop;
use crate::spec::Clause;
use crate::target::Endpoint;
use crate::wire::{Request, Text};

fn with_key(ctx: &Context, endpoint: &Endpoint, request: Request) -> Result<Request, Stop> {
    let key = ctx.valid_key()?;
    let request = request.authorization(bearer(key.text()));
    Ok(match endpoint.method.as_str() {
        "POST" | "PUT" | "PATCH" => request.body("application/json", Text::plain("{}")),
        _ => request,
    })
}

/// Every case of OK-1, one per endpoint.
pub fn cases(endpoints: &[Endpoint]) -> Vec<Case> {
    endpoints
        .iter()
        .map(|endpoint| {
            let endpoint = endpoint.clone();
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
        })
        .collect()
}
