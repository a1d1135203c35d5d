//! The model of the request space (STYLE.md, "One model of the request space"): every way a
//! request without a valid key can differ from the documented one, as axes ([`Axis`]) of values
//! ([`Value`]), each value with where it comes from ([`Source`]: the RFC section or the IANA
//! registry, not the bug it may reveal). A clause file says which axes it crosses and what must
//! hold ([`Crossing`]); the requests come from here:
//!
//! - [`singles`]: every value of an axis alone, on the documented request;
//! - [`pairwise()`]: a deterministic covering array over several axes: every pair of value
//!   classes of two axes meets in some request, within a request budget, each class's values
//!   taken in turn (`pairwise.rs`); judged as interactions ([`Probes::expect_interactions`],
//!   `explain.rs`): a combination that fails because one of its values fails alone is that
//!   value's finding, the others are shrunk to a failing pair.
//!
//! Each value says which answers besides the envelope it permits ([`Permits`]: 400 for a form
//! the HTTP layer refuses, 505 for a version, …); [`Probes::expect`] judges every reply by the
//! values its request carries.
//!
//! Every request built here carries the values it varies as tags ([`Request::axes`]) so a
//! failure, and the grouping of failures into findings, can name the axis that varied. The
//! README's axis table is printed from [`Axis::ALL`] (`terminus-conformance axes`).
//!
//! Adding a value is one line in its axis's table and reaches every clause that crosses the
//! axis; adding an axis is one [`Axis`] variant, its table module, and one line in
//! [`Axis::values`].

pub mod authorization;
mod explain;
mod front_end;
pub mod key;
mod method;
pub mod negotiation;
mod pairwise;
mod path;
mod protocol;
mod query;
mod table;
mod target_form;
mod value;

use std::collections::HashMap;

pub use pairwise::{cover, Cover};
pub use table::markdown;
pub use value::{Permits, Source, Value};

use crate::cases::{Check, Context};
use crate::judge::CaseResult;
use crate::spec::Clause;
use crate::wire::{AxisTag, Reply, Request};

/// An axis of the request space. The order is the order values are applied in when a request
/// carries several (a path variant before the target form that embeds it, the protocol last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Axis {
    /// The method token: IANA's HTTP Method Registry, case variants, extension tokens
    /// (RFC 9110 §9).
    Method,
    /// The path: separators, dot segments, `;params`, case, every byte class raw and
    /// percent-encoded, Unicode and overlong encodings (RFC 3986 §2–3, RFC 9112 §3.2).
    Path,
    /// The query (RFC 3986 §3.4).
    Query,
    /// The request-target form: absolute, authority, asterisk (RFC 9112 §3.2).
    TargetForm,
    /// Header fields front ends and frameworks act on: `Host`, forwarding, rewrites, method
    /// overrides, `Connection`, `Expect`, `Range`, conditionals, caching, framing, CORS,
    /// cookies.
    FrontEnd,
    // i16-forms: the `Authorization` value (authorization.rs) and content negotiation
    // (negotiation.rs).
    /// The `Authorization` scheme's spelling (RFC 9110 §11.1, RFC 6750 §2.1).
    AuthScheme,
    /// The whitespace between the scheme and the key (RFC 6750 §2.1's `1*SP`).
    AuthGap,
    /// What follows the key in the `Authorization` value.
    AuthTail,
    /// The OWS before the `Authorization` value (RFC 9110 §5.5).
    AuthOws,
    /// The key presented: the valid key edited, an unknown key, the revoked key.
    Key,
    /// `Accept` (RFC 9110 §12.5.1).
    Accept,
    /// `Accept-Encoding` (RFC 9110 §12.5.3).
    AcceptEncoding,
    /// `Accept-Language` (RFC 9110 §12.5.4).
    AcceptLanguage,
    /// `Accept-Charset` (RFC 9110 §12.5.2).
    AcceptCharset,
    /// The request line's version and `Upgrade` requests (RFC 9112 §2.3, RFC 9110 §7.8).
    Protocol,
}

impl Axis {
    /// Every axis, in application order.
    pub const ALL: &'static [Axis] = &[
        Axis::Method,
        Axis::Path,
        Axis::Query,
        Axis::TargetForm,
        Axis::FrontEnd,
        Axis::AuthScheme,
        Axis::AuthGap,
        Axis::AuthTail,
        Axis::AuthOws,
        Axis::Key,
        Axis::Accept,
        Axis::AcceptEncoding,
        Axis::AcceptLanguage,
        Axis::AcceptCharset,
        Axis::Protocol,
    ];

    /// The axis's name as tags, reports and the README show it.
    pub const fn id(self) -> &'static str {
        match self {
            Axis::Method => "method",
            Axis::Path => "path",
            Axis::Query => "query",
            Axis::TargetForm => "target-form",
            Axis::FrontEnd => "front-end field",
            Axis::AuthScheme => "auth-scheme",
            Axis::AuthGap => "auth-gap",
            Axis::AuthTail => "auth-tail",
            Axis::AuthOws => "auth-ows",
            Axis::Key => "key",
            Axis::Accept => "accept",
            Axis::AcceptEncoding => "accept-encoding",
            Axis::AcceptLanguage => "accept-language",
            Axis::AcceptCharset => "accept-charset",
            Axis::Protocol => "protocol",
        }
    }

    /// What the axis varies, in a few words (the README table's first column says it).
    pub const fn about(self) -> &'static str {
        match self {
            Axis::Method => "the method token",
            Axis::Path => "the path's bytes and structure",
            Axis::Query => "the query",
            Axis::TargetForm => "the request-target form",
            Axis::FrontEnd => "header fields front ends act on",
            Axis::AuthScheme => "the `Authorization` scheme's spelling",
            Axis::AuthGap => "the whitespace between the scheme and the key",
            Axis::AuthTail => "what follows the key in the `Authorization` value",
            Axis::AuthOws => "the whitespace before the `Authorization` value",
            Axis::Key => "the key presented in the `Authorization` value",
            Axis::Accept => "`Accept`",
            Axis::AcceptEncoding => "`Accept-Encoding`",
            Axis::AcceptLanguage => "`Accept-Language`",
            Axis::AcceptCharset => "`Accept-Charset`",
            Axis::Protocol => "the HTTP version and Upgrade",
        }
    }

    /// Every value of the axis, in table order.
    pub fn values(self) -> Vec<Value> {
        match self {
            Axis::Method => method::values(),
            Axis::Path => path::values(),
            Axis::Query => query::values(),
            Axis::TargetForm => target_form::values(),
            Axis::FrontEnd => front_end::values(),
            Axis::AuthScheme | Axis::AuthGap | Axis::AuthTail | Axis::AuthOws | Axis::Key => {
                authorization::values(self)
            }
            Axis::Accept | Axis::AcceptEncoding | Axis::AcceptLanguage | Axis::AcceptCharset => {
                negotiation::values(self)
            }
            Axis::Protocol => protocol::values(),
        }
    }
}

impl std::fmt::Display for Axis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// What a clause requires over some axes: declared by the clause file, shown in the README's
/// axis table ("crossed by").
#[derive(Debug, Clone, Copy)]
pub struct Crossing {
    /// The clause.
    pub clause: Clause,
    /// The axes it varies: each value alone, then pairwise when there are several.
    pub axes: &'static [Axis],
    /// What must hold whatever the values, in one sentence.
    pub holds: &'static str,
}

/// The request the values vary: a documented endpoint (or an unknown path), as the target
/// serves it.
#[derive(Debug, Clone)]
pub struct Site {
    /// Its method.
    pub method: String,
    /// Its path, under the base path, without a query (`/v1/account`).
    pub path: String,
    /// The target's `Host` value (`host:port`).
    pub authority: String,
    /// The target's base path (`""` or `/api`): absolute-form targets embed it.
    pub base_path: String,
}

impl Site {
    /// `method path` on the run's target.
    pub fn of(ctx: &Context, method: &str, path: &str) -> Site {
        Site {
            method: method.to_owned(),
            path: path.to_owned(),
            authority: ctx.authority.clone(),
            base_path: ctx.base_path.clone(),
        }
    }

    /// The documented request itself, before any value is applied: raw HTTP/1.1 byte for
    /// byte (copied onto HTTP/2 where the target speaks it and HTTP/2 can carry it).
    pub fn request(&self) -> Request {
        Request::new(&self.method, self.path.as_str()).exact()
    }

    /// The request carrying `values` (in [`Axis`] order; one that does not apply is left
    /// out), or `None` when none applies.
    pub fn carrying(&self, values: &[&Value]) -> Option<Request> {
        let mut values = values.to_vec();
        values.sort_by_key(|v| v.axis);
        let mut request = self.request();
        let mut applied = false;
        for value in values {
            if let Some(changed) = value.apply(request.clone(), self) {
                request = changed;
                applied = true;
            }
        }
        applied.then_some(request)
    }
}

/// `terminus-conformance axes`: prints the axis table (markdown), as the README's copy has it.
pub fn main() -> std::process::ExitCode {
    print!("{}", markdown(&crate::cases::crossings()));
    std::process::ExitCode::SUCCESS
}

/// Requests built from the space, with what each may get besides the envelope.
#[derive(Debug, Default)]
pub struct Probes {
    /// The requests, each tagged with the values it carries.
    pub requests: Vec<Request>,
    values: HashMap<(&'static str, String), Value>,
}

impl Probes {
    /// Adds `request`, built from `values`.
    fn push(&mut self, request: Request, values: &[&Value]) {
        for v in values {
            self.values
                .entry((v.axis.id(), v.label.clone()))
                .or_insert_with(|| (*v).clone());
        }
        self.requests.push(request);
    }

    /// Appends `other`'s requests.
    pub fn extend(&mut self, other: Probes) {
        self.requests.extend(other.requests);
        self.values.extend(other.values);
    }

    /// What the values `request` carries permit besides the envelope, together.
    pub fn permits(&self, request: &Request) -> (Vec<u16>, bool) {
        let mut statuses = Vec::new();
        let mut closed = false;
        for tag in &request.axes {
            if let Some(v) = self.values.get(&(tag.axis, tag.value.clone())) {
                statuses.extend_from_slice(v.permits.statuses);
                closed |= v.permits.closed;
            }
        }
        (statuses, closed)
    }

    /// Sends every request (on every protocol the target speaks); each must get the envelope
    /// or what a value it carries permits ([`Probes::judge`]). `expected` says so in words.
    pub async fn expect(self, check: &Check, expected: &str) -> CaseResult {
        let Probes { requests, values } = self;
        let probes = Probes {
            requests: Vec::new(),
            values,
        };
        check
            .expect_every(requests, expected, |request, reply| {
                probes.judge(request, reply)
            })
            .await
    }

    /// Judges `reply` to `request`: the envelope (401), or an answer a value it carries
    /// permits; otherwise why not (see [`crate::cases::rejected`]).
    pub fn judge(&self, request: &Request, reply: &Reply) -> Result<(), String> {
        let (statuses, closed) = self.permits(request);
        match reply {
            Reply::Response(r) if statuses.contains(&r.status) => Ok(()),
            Reply::Closed(_) if closed => Ok(()),
            _ => crate::cases::rejected(reply).map_err(|why| {
                let carries = carried(&request.axes);
                if why.is_empty() {
                    format!("the request carries {carries}")
                } else {
                    format!("{why} (the request carries {carries})")
                }
            }),
        }
    }
}

/// The values a request carries, as a failure names them: `path = p/, method = PROPFIND`.
pub fn carried(tags: &[AxisTag]) -> String {
    tags.iter()
        .map(|t| format!("{} = {}", t.axis, t.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every value of `axis` alone on `site`'s request (values that do not apply left out).
pub fn singles(axis: Axis, site: &Site) -> Probes {
    let mut probes = Probes::default();
    for value in axis.values() {
        if let Some(request) = site.carrying(&[&value]) {
            probes.push(request, &[&value]);
        }
    }
    probes
}

/// Every value of `axis` in `class` alone on `site`'s request.
pub fn singles_of_class(axis: Axis, class: &str, site: &Site) -> Probes {
    let mut probes = Probes::default();
    for value in axis.values().into_iter().filter(|v| v.class == class) {
        if let Some(request) = site.carrying(&[&value]) {
            probes.push(request, &[&value]);
        }
    }
    probes
}

/// The classes of `axis`, in table order.
pub fn classes(axis: Axis) -> Vec<&'static str> {
    let mut classes: Vec<&'static str> = Vec::new();
    for v in axis.values() {
        if !classes.contains(&v.class) {
            classes.push(v.class);
        }
    }
    classes
}

/// A class as a case name's tail: `percent-encoded slash` → `percent_encoded_slash`.
pub fn snake(class: &str) -> String {
    class
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Pairwise combinations of `axes` on `site`'s request, at most `budget` requests: every pair
/// of value classes of two of the axes meets in some request while the budget lasts (see
/// [`Cover`] for how much was covered).
pub fn pairwise(axes: &[Axis], site: &Site, budget: usize) -> (Probes, Cover) {
    let tables: Vec<Vec<Value>> = axes.iter().map(|a| a.values()).collect();
    let (rows, cover) = pairwise::cover(&tables, budget);
    let mut probes = Probes::default();
    for row in rows {
        if let Some(request) = site.carrying(&row) {
            probes.push(request, &row);
        }
    }
    (probes, cover)
}
