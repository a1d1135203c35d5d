//! > **OK-1** A valid key is accepted on every documented endpoint and method: the response is not
//! > 401. Its status is whatever the endpoint returns.
//!
//! One case per documented endpoint sends its method and path with the valid key (and `{}` as a
//! JSON body where the method takes one), over HTTP/2 where the target offers it and over raw
//! HTTP/1.1; any complete answer but 401 passes. Without a valid key the cases are ignored.
//!
//! Against a `--target`, an endpoint whose method is not safe (POST, PUT, PATCH, DELETE) is
//! checked only with `--allow-writes` (R-1: it may create or delete data). A valid key the
//! target refused before the trials is reported once, by the first endpoint's case, with the
//! two readings (the deployment refuses valid keys, or the secret is wrong); the others are
//! ignored with that reason.

use crate::cases::{accepted, bearer, Case, Check, Context};
use crate::judge::{Finding, Stop};
use crate::spec::Clause;
use crate::target::Endpoint;
use crate::target::KeyRefusal;
use crate::wire::{is_safe_method, Request, Text};

/// `OK-1::<method>_<path>`, one per endpoint, in the endpoints' order.
pub fn cases(endpoints: &[Endpoint]) -> Vec<Case> {
    let mut cases: Vec<Case> = endpoints.iter().cloned().map(accepted_on).collect();
    cases.push(valid_key_in_every_accepted_form());
    cases
}

/// `OK-1::valid_key_in_every_accepted_form`: the valid key in the canonical form and in every
/// HDR-2 variant of it the deployment accepted on `GET`, with `GET` and `HEAD` on the probe
/// endpoint, over every protocol: a form accepted once is accepted everywhere. (HDR-5's
/// variants are left out: a deployment may refuse them.)
fn valid_key_in_every_accepted_form() -> Case {
    use crate::cases::accepted_forms::accepted_forms;
    use crate::space::authorization::{presented_as, Reading};
    Case::new(
        Clause::Ok1,
        "valid_key_in_every_accepted_form",
        |ctx| async move {
            let key = ctx.valid_key()?;
            let forms = accepted_forms(&ctx).await?;
            let path = ctx.probe_endpoint().path();
            let probes: Vec<Request> = forms
                .accepted
                .iter()
                .filter(|p| p.reading() != Reading::Variance)
                .flat_map(|p| ["GET", "HEAD"].map(|m| p.request(m, &path, key.text())))
                .collect();
            ctx.expect_every(
            probes,
            "not 401: a valid key is accepted in every form the deployment accepts, with GET and HEAD, over every protocol",
            |request, reply| {
                accepted(reply).map_err(|why| format!("{why}; presented as: {}", presented_as(request)))
            },
        )
        .await
        .map(|e| e.and(forms.summary()))
        },
    )
}

/// The endpoint's own request with the valid key, over either protocol, and again as raw
/// HTTP/1.1 when the first may travel over HTTP/2: the key must work on both wires.
fn accepted_on(endpoint: Endpoint) -> Case {
    Case::new(Clause::Ok1, endpoint.slug(), move |ctx| async move {
        if let Some(refusal) = &ctx.keys.valid_refused {
            if ctx.name() == ctx.valid_key_reporter() {
                return Err(valid_key_refused(&ctx, refusal));
            }
        }
        if !ctx.options.allow_writes && !is_safe_method(&endpoint.method) {
            ctx.valid_key()?;
            return Err(Stop::Ignored(format!(
                "read-only run (R-1): {} with the valid key could change data on the deployment; --allow-writes checks it",
                endpoint.display()
            )));
        }
        // Over HTTP/2 and raw HTTP/1.1 when the target speaks both (expect_each sends each
        // probe on every wire).
        let probes = vec![with_key(
            &ctx,
            &endpoint,
            Request::new(&endpoint.method, endpoint.path()),
        )?];
        ctx.expect_each(
            probes,
            "not 401: a valid key is accepted on every documented endpoint",
            accepted,
        )
        .await
    })
}

/// one clear failure for a valid key the target refused, naming both readings.
fn valid_key_refused(ctx: &Check, refusal: &KeyRefusal) -> Stop {
    let mut failure = ctx.fail(
        "the target refused TERMINUS_API_KEY: either the deployment refuses valid keys, or the secret is not a valid, active key of this deployment",
    );
    failure.findings.push(Finding {
        request: refusal.request.clone(),
        expected: "not 401: a valid key is accepted".into(),
        actual: refusal.answer.clone(),
        details: vec![
            "check the CI secret first: the right environment's key, not revoked, copied whole (the runner trims surrounding whitespace)".into(),
            "every other case that needs the valid key is ignored, not failed, for this reason".into(),
        ],
        exchange: None,
    });
    failure.observed = true;
    failure.into()
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
