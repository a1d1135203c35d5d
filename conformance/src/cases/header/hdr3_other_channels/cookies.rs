//! HDR-3, cookies: the valid key as a cookie's value. A browser session is a different method and
//! never authenticates the Public API, whatever the cookie is called or wherever it sits in the
//! `Cookie` field.

use super::{case_per_name, under_names};
use crate::cases::{Case, Context};
use crate::spec::Clause;
use crate::target::Key;
use crate::wire::{Request, Text};

/// Cookie names that read like a key's, a case each (`cookie_<name>`): the query parameter
/// names as cookies, and the plainest session cookie.
const NAMED_COOKIES: [&str; 4] = ["api_key", "session", "access_token", "token"];

/// The HDR-3 cookie cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    let mut cases = case_per_name("cookie_", cookie, &NAMED_COOKIES);
    cases.extend([
        // Every session cookie name, one request each.
        under_names("cookie_session_names", cookie, &SESSION_COOKIES),
        cookie_among_others(),
        // `Authorization=Bearer%20<key>`: the header's value, URL-encoded into a cookie.
        Case::refused(Clause::Hdr3, "cookie_authorization", |ctx, k| {
            vec![ctx.probe().field(
                "Cookie",
                Text::plain("Authorization=Bearer%20").then(k.text()),
            )]
        }),
    ]);
    cases
}

/// The key behind other cookies: one `Cookie` field carrying it under every common name after
/// another cookie (a server that looks through every cookie for a key accepts it), a second
/// `Cookie` field, and a quoted cookie value.
fn cookie_among_others() -> Case {
    Case::refused(Clause::Hdr3, "cookie_among_others", |ctx, k| {
        let mut value = Text::plain("theme=dark");
        for name in SESSION_COOKIES.iter().chain(&["api_key", "token", "key"]) {
            value = value.then(format!("; {name}=")).then(k.text());
        }
        vec![
            ctx.probe().field("Cookie", value),
            ctx.probe()
                .field("Cookie", "theme=dark")
                .field("Cookie", Text::plain("session=").then(k.text())),
            ctx.probe().field(
                "Cookie",
                Text::plain("session=\"").then(k.text()).then("\""),
            ),
        ]
    })
}

/// Cookie names web frameworks and hand-rolled session code use (HDR-3: a browser session never
/// authenticates the Public API, whatever the cookie is called).
const SESSION_COOKIES: [&str; 16] = [
    "sessionid",
    "session_id",
    "sid",
    "connect.sid",
    "JSESSIONID",
    "PHPSESSID",
    "_session",
    "thub_session",
    "terminus_session",
    "auth",
    "auth_token",
    "authToken",
    "jwt",
    "apikey",
    "api-key",
    "Authorization",
];

/// `Cookie: name=<key>`, without an `Authorization` field.
fn cookie(ctx: &Context, name: &str, key: &Key) -> Vec<Request> {
    vec![ctx
        .probe()
        .field("Cookie", Text::plain(format!("{name}=")).then(key.text()))]
}
