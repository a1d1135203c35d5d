//! The causes of failure the ERR clauses check, as one table: each row names a cause once, says
//! what it sends (no credential, a Bearer token that is not a valid key, a credential in another
//! form, or an undocumented route) and whether ERR-4 compares HEAD with GET for it, and builds its
//! request. ERR-1, ERR-2, ERR-3 and ERR-5 take
//! every row, ERR-4 and ERR-6 the rows marked for them; adding a cause is one row.

use std::fmt;
use std::future::Future;

use base64::Engine as _;

use crate::cases::{bearer, Case, Check, Context};
use crate::judge::{CaseResult, Stop};
use crate::spec::Clause;
use crate::target::Key;
use crate::wire::{Request, Text};

/// What a cause's request sends, which decides what ERR-1..3 and ERR-6 make of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sends {
    /// No credential at all: nothing to echo.
    NoCredential,
    /// `Authorization: Bearer <token>`, the token not a valid key: ERR-6 checks no piece of it
    /// comes back, and ERR-3 wants the very challenge an unrecognized key gets.
    BearerToken,
    /// A credential in another form (another scheme, another field, the query, no space after
    /// `Bearer`): ERR-6 checks no piece of it comes back. For RFC 6750 §3.1 such a request
    /// "lacks any authentication information" of the Bearer scheme, so its challenge may leave
    /// out the `error` attributes a presented token gets (ERR-3).
    OtherForm,
    /// A path or a method that is not documented, and no credential: a status other than 401
    /// there (404, 405 before authentication) is ROUTE-1's to report, not ERR-1..3's.
    UndocumentedRoute,
}

/// Whether ERR-4 compares HEAD with GET for a cause, and over which wires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    /// ERR-4 does not check it.
    Unchecked,
    /// Raw HTTP/1.1, and HTTP/2 too when the target offers it.
    Http1AndH2,
    /// Raw HTTP/1.1 only: the cause is a value made byte for byte. ERR-4 checks these after
    /// the others.
    Http1Only,
}

/// Builds a cause's request from the run's context and the valid key (or a stand-in).
type Build = fn(&Context, &Key) -> Result<Request, Stop>;

/// One cause of failure: its name in the case names, what it sends, whether ERR-4 checks it,
/// and its request.
#[derive(Clone, Copy)]
pub struct Cause {
    /// The cause's part of the case names (`envelope_for_<name>`).
    pub name: &'static str,
    /// What its request sends.
    pub sends: Sends,
    /// Whether ERR-4 checks it.
    pub head: Head,
    build: Build,
}

impl Cause {
    const fn new(name: &'static str, sends: Sends, head: Head, build: Build) -> Cause {
        Cause {
            name,
            sends,
            head,
            build,
        }
    }

    /// A cause whose request sends no credential.
    const fn no_credential(name: &'static str, head: Head, build: Build) -> Cause {
        Cause::new(name, Sends::NoCredential, head, build)
    }

    /// A cause whose request sends a Bearer token that is not a valid key.
    const fn bearer_token(name: &'static str, head: Head, build: Build) -> Cause {
        Cause::new(name, Sends::BearerToken, head, build)
    }

    /// A cause whose request sends a credential in another form than `Bearer <token>`.
    const fn other_form(name: &'static str, head: Head, build: Build) -> Cause {
        Cause::new(name, Sends::OtherForm, head, build)
    }

    /// A cause that is an undocumented path or method, without a credential.
    const fn route(name: &'static str, head: Head, build: Build) -> Cause {
        Cause::new(name, Sends::UndocumentedRoute, head, build)
    }

    /// True when the request presents a credential, in the Bearer form or another (ERR-3's
    /// time to answer; ERR-6's echoes).
    pub fn presents_credential(&self) -> bool {
        matches!(self.sends, Sends::BearerToken | Sends::OtherForm)
    }

    /// True when the request presents a token in the Bearer form: its refusal's challenge must
    /// be the one an unrecognized key gets, RFC 6750's `error` attributes included (ERR-3).
    pub fn presents_bearer_token(&self) -> bool {
        self.sends == Sends::BearerToken
    }

    /// True for a path or a method rather than a credential ([`Sends::UndocumentedRoute`]).
    pub fn by_route(&self) -> bool {
        self.sends == Sends::UndocumentedRoute
    }

    /// When this cause is a route refused with another status than 401 (before
    /// authentication): why ERR-2 and ERR-3 cannot judge it (R-11: not judged, never passed;
    /// ROUTE-1 reports the status).
    pub fn left_to_route_1(&self, status: u16) -> Option<String> {
        (self.by_route() && status != 401).then(|| {
            format!(
                "{self}: answered {status} before authentication, so no refusal of a credential to judge (ROUTE-1 reports it)"
            )
        })
    }

    /// The request that produces this cause; `Err` when the run lacks what it needs (a
    /// revoked key).
    pub fn request(&self, ctx: &Context) -> Result<Request, Stop> {
        (self.build)(ctx, &base_key(ctx))
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// A key the target has never issued: the baseline ERR-3 compares every other cause with.
pub const UNRECOGNIZED_KEY: Cause =
    Cause::bearer_token("unrecognized_key", Head::Http1AndH2, |ctx, _| {
        authorized(ctx, bearer(Text::credential(UNRECOGNIZED_TOKEN)))
    });

/// The token [`UNRECOGNIZED_KEY`] sends: well-formed, never issued.
const UNRECOGNIZED_TOKEN: &str = "thub_conformance_unrecognized_key_000000";

/// Every cause, in the order of the case names.
pub const CAUSES: [Cause; 13] = [
    // No `Authorization` field at all.
    Cause::no_credential("missing_header", Head::Http1AndH2, |ctx, _| Ok(ctx.probe())),
    // `Authorization:` with nothing after the colon, not even a space.
    Cause::no_credential("empty_value", Head::Unchecked, |ctx, _| {
        let probe = ctx.probe().exact();
        Ok(probe.field_with_separator("Authorization", "", ""))
    }),
    // `Bearer` glued to the key, without the space, byte for byte.
    Cause::other_form("malformed_value", Head::Http1Only, |ctx, key| {
        let value = Text::plain("Bearer").then(key.text());
        Ok(ctx.probe().exact().authorization(value))
    }),
    // The key as a Basic user name.
    Cause::other_form("wrong_scheme", Head::Unchecked, basic_credentials),
    // The key without its `thub_` prefix.
    Cause::bearer_token("wrong_prefix", Head::Unchecked, |ctx, key| {
        authorized(ctx, bearer(key.with_prefix("")))
    }),
    // The key less its last character.
    Cause::bearer_token("truncated_key", Head::Unchecked, |ctx, key| {
        authorized(ctx, bearer(key.truncated(key.len() - 1)))
    }),
    // The key and one character more.
    Cause::bearer_token("extended_key", Head::Unchecked, |ctx, key| {
        authorized(ctx, bearer(key.extended("0")))
    }),
    // A well-formed key never issued (ERR-3's baseline).
    UNRECOGNIZED_KEY,
    // The revoked key (the case is ignored without one).
    Cause::bearer_token("revoked_key", Head::Http1AndH2, |ctx, _| {
        authorized(ctx, bearer(ctx.revoked_key()?.text()))
    }),
    // The key in `X-API-Key`, not `Authorization`.
    Cause::other_form("key_in_other_header", Head::Unchecked, |ctx, key| {
        Ok(ctx.probe().field("X-API-Key", key.text()))
    }),
    // The key as `?api_key=` on the probe endpoint.
    Cause::other_form("key_in_query", Head::Unchecked, key_in_query_string),
    // A path the API does not document.
    Cause::route("unknown_path", Head::Http1AndH2, |_, _| {
        Ok(Request::get("/v1/conformance-unknown-path"))
    }),
    // PATCH on the probe endpoint's path.
    Cause::route("undocumented_method", Head::Unchecked, |ctx, _| {
        Ok(Request::new("PATCH", ctx.probe_endpoint().path()))
    }),
];

/// The valid key, or a stand-in for it when the run has none: failure causes still get
/// checked.
pub fn base_key(ctx: &Context) -> Key {
    ctx.keys
        .valid
        .clone()
        .unwrap_or_else(|| Key::new("thub_conformance_stand_in_key_0000000000", "stand-in key"))
}

/// The probe with `Authorization: <value>`.
fn authorized(ctx: &Context, value: Text) -> Result<Request, Stop> {
    Ok(ctx.probe().authorization(value))
}

/// `Authorization: Basic <base64 of "key:">`.
fn basic_credentials(ctx: &Context, key: &Key) -> Result<Request, Stop> {
    let encoded = base64::engine::general_purpose::STANDARD.encode([key.bytes(), b":"].concat());
    authorized(
        ctx,
        Text::plain("Basic ").then(Text::secret(
            encoded,
            format!("<base64 of {key:?} as user>"),
        )),
    )
}

/// The probe endpoint with `?api_key=<key>`.
fn key_in_query_string(ctx: &Context, key: &Key) -> Result<Request, Stop> {
    let e = ctx.probe_endpoint();
    Ok(Request::new(
        &e.method,
        Text::plain(format!("{}?api_key=", e.path())).then(key.text()),
    ))
}

/// One case of `clause` per cause of `causes`, in their order, named `name(cause)`, whose body
/// is `body(ctx, cause)`.
pub fn case_per_cause<Fut>(
    clause: Clause,
    causes: impl IntoIterator<Item = Cause>,
    name: impl Fn(Cause) -> String,
    body: fn(Check, Cause) -> Fut,
) -> Vec<Case>
where
    Fut: Future<Output = CaseResult> + 'static,
{
    causes
        .into_iter()
        .map(|cause| Case::new(clause, name(cause), move |ctx| body(ctx, cause)))
        .collect()
}
