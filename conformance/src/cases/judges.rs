//! The answers cases accept, shared by every family: refused with 401 ([`rejected`]), or with
//! 400 where the HTTP layer may refuse first ([`rejected_or_400`]), accepted ([`accepted`]).

use crate::wire::{Reply, Text};

/// What KEY, HDR and ROUTE cases expect of a request without a valid key.
pub const EXPECT_REJECTED: &str = "401 (the envelope): this must not authenticate";

/// What HDR-4 and other malformed requests expect.
pub const EXPECT_REJECTED_OR_400: &str = "401 (the envelope) or 400: this must not authenticate";

/// The answer to a request that must not authenticate: 401. The reason says what to change:
/// a redirect or a 404/405/501 is the router answering before authentication (ROUTE-1), not a
/// handler reached.
pub fn rejected(reply: &Reply) -> Result<(), String> {
    match reply.status() {
        Some(401) => Ok(()),
        Some(s) if (200..300).contains(&s) => Err("the request was accepted".into()),
        Some(s) if (300..400).contains(&s) => Err(format!(
            "redirected before authentication with {s} (the router answers before the authentication layer: it reveals the route exists)"
        )),
        Some(s @ (404 | 405 | 501)) => Err(format!(
            "refused with {s} before authentication (the router answers before the authentication layer: it tells which paths and methods exist)"
        )),
        Some(_) | None => Err(String::new()),
    }
}

/// HDR-4 and malformed requests: 401, or 400 from the HTTP layer.
pub fn rejected_or_400(reply: &Reply) -> Result<(), String> {
    match reply.status() {
        Some(400) => Ok(()),
        _ => rejected(reply),
    }
}

/// A request with a valid key: any complete response but 401.
pub fn accepted(reply: &Reply) -> Result<(), String> {
    match reply.status() {
        Some(401) => Err("the valid key was refused".into()),
        Some(_) => Ok(()),
        None => Err(String::new()),
    }
}

/// `Bearer ` followed by `token`.
pub fn bearer(token: Text) -> Text {
    Text::plain("Bearer ").then(token)
}
