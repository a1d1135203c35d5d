//! > **ROUTE-2** Variants of a documented path — trailing slash, doubled slashes, case changes,
//! > percent-encoded characters, dot segments, `;params`, an added query string — never reach a
//! > handler without a valid key.
//!
//! Each row of [`VARIANTS`] rewrites every documented endpoint's path one way and sends the
//! variants without a key, byte for byte, with the endpoint's method; one more case sends the
//! probe endpoint's path in absolute form. Each must get 401, or 400 from an HTTP layer that
//! refuses the variant (that reaches no handler either). Another refusal (404, 405) is
//! ROUTE-1's: its sweep reports it.

use crate::cases::{rejected_or_400, Case};
use crate::spec::Clause;
use crate::target::Endpoint;
use crate::wire::Reply;
use crate::wire::Request;

/// A variant of a documented path: (case name, how to derive the variants of a path).
type Variant = (&'static str, fn(&str) -> Vec<String>);

/// One case per row, in this order. A router or a proxy that normalises paths differently from
/// the authentication layer would let one of these reach a handler without a key.
const VARIANTS: [Variant; 11] = [
    // `/v1/account/`.
    ("trailing_slash", |p| vec![format!("{p}/")]),
    // `//v1/account` (the first slash doubled, then a slash prepended: the same twice) and
    // `//v1//account`.
    ("doubled_slash", |p| {
        vec![
            p.replacen('/', "//", 1),
            p.replace('/', "//"),
            format!("/{p}"),
        ]
    }),
    // `/V1/ACCOUNT`, `/v1/Account`.
    ("case_changed", |p| {
        vec![p.to_ascii_uppercase(), capitalize_last(p)]
    }),
    // `/%761/account`, `/v1/accoun%74`: the same path once decoded.
    ("percent_encoded_char", |p| {
        vec![
            percent_encode_first_letter(p),
            percent_encode_last_letter(p),
        ]
    }),
    // `/v1/./account`, `/v1/x/../account`, `/./v1/account`.
    ("dot_segment", |p| {
        vec![
            insert_segment(p, "."),
            insert_segment(p, "x/.."),
            format!("/.{p}"),
        ]
    }),
    // `/v1/%2e/account`, `/v1/x/%2e%2e/account`: dot segments a decoder may resolve late.
    ("encoded_dot_segment", |p| {
        vec![insert_segment(p, "%2e"), insert_segment(p, "x/%2e%2e")]
    }),
    // `/v1/account;`, `…;jsessionid=0`, `/v1;x=1/account`: path parameters some servers strip.
    ("semicolon_params", |p| {
        vec![
            format!("{p};"),
            format!("{p};jsessionid=0"),
            insert_param(p),
        ]
    }),
    // An empty query, any query, and one that asks to be public.
    ("query_string", |p| {
        vec![
            format!("{p}?"),
            format!("{p}?x=1"),
            format!("{p}?public=true"),
        ]
    }),
    // `/v1/account.`, `.json`, `%20`: suffixes some routers drop.
    ("trailing_dot_or_suffix", |p| {
        vec![format!("{p}."), format!("{p}.json"), format!("{p}%20")]
    }),
    // `/v1%2Faccount`, `/v1%2faccount`: one segment to the router, two once decoded.
    ("percent_encoded_slash", |p| {
        vec![
            format!("/{}", p[1..].replace('/', "%2F")),
            format!("/{}", p[1..].replace('/', "%2f")),
        ]
    }),
    // `/v1/account/?x=1`, `/v1/account//`.
    ("trailing_slash_and_query", |p| {
        vec![format!("{p}/?x=1"), format!("{p}//")]
    }),
];

/// Every case of ROUTE-2, for these endpoints, in the manifest's order: the [`VARIANTS`], then
/// the absolute-form target.
pub fn cases(endpoints: &[Endpoint]) -> Vec<Case> {
    let mut all: Vec<Case> = VARIANTS
        .into_iter()
        .map(|(name, derive)| variants_of_every_endpoint(name, derive, endpoints.to_vec()))
        .collect();
    all.push(absolute_form_target());
    all
}

/// One row of [`VARIANTS`]: each endpoint's variants (those that differ from its path) with its
/// method, sent `exact` so that nothing normalises them on the way.
fn variants_of_every_endpoint(
    name: &'static str,
    derive: fn(&str) -> Vec<String>,
    endpoints: Vec<Endpoint>,
) -> Case {
    // A path variant refused by the HTTP layer reaches no handler either.
    Case::each(
        Clause::Route2,
        name,
        "401 (the envelope), 400, or a refused stream (an HTTP/2 :path the server finds malformed): no path variant reaches a handler without a valid key",
        refused_before_any_handler,
        move |_| {
            let mut probes = Vec::new();
            for e in &endpoints {
                for variant in derive(&e.path()) {
                    if variant != e.path() {
                        probes.push(Request::new(&e.method, variant).exact());
                    }
                }
            }
            Ok(probes)
        },
    )
}

/// ROUTE-2's judge: 401, 400, or a stream or connection the server closed without an answer
/// (an HTTP/2 server resets a stream whose `:path` it finds malformed, such as `//v1/account`):
/// none of them reaches a handler.
fn refused_before_any_handler(reply: &Reply) -> Result<(), String> {
    match reply {
        Reply::Closed(_) => Ok(()),
        _ => rejected_or_400(reply),
    }
}

/// The probe endpoint as an absolute-form target (`GET https://host/v1/account`), which a
/// proxy-aware server routes by its path part: it must be refused like the origin form.
fn absolute_form_target() -> Case {
    Case::each(
        Clause::Route2,
        "absolute_form_target",
        "401 (the envelope), or 400",
        rejected_or_400,
        |ctx| {
            let e = ctx.probe_endpoint();
            let mut request = Request::new(
                &e.method,
                format!("https://{}{}", ctx.authority, ctx.full_path(&e.path())),
            )
            .exact();
            request.absolute = true;
            Ok(vec![request])
        },
    )
}

/// The last segment's first letter upper-cased (`/v1/Account`), or the whole path.
fn capitalize_last(p: &str) -> String {
    match p.rfind('/') {
        Some(i) if i + 1 < p.len() => format!(
            "{}{}{}",
            &p[..=i],
            p[i + 1..i + 2].to_ascii_uppercase(),
            &p[i + 2..]
        ),
        _ => p.to_ascii_uppercase(),
    }
}

/// The first letter as `%XX`, upper-case hex.
fn percent_encode_first_letter(p: &str) -> String {
    match p.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, c)) => format!("{}%{:02X}{}", &p[..i], c as u32, &p[i + 1..]),
        None => p.to_owned(),
    }
}

/// The last letter as `%xx`, lower-case hex.
fn percent_encode_last_letter(p: &str) -> String {
    match p
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_alphabetic())
    {
        Some((i, c)) => format!("{}%{:02x}{}", &p[..i], c as u32, &p[i + 1..]),
        None => p.to_owned(),
    }
}

/// `segment` inserted before the last segment (`/v1/./account`).
fn insert_segment(p: &str, segment: &str) -> String {
    match p.rfind('/') {
        Some(i) => format!("{}/{segment}{}", &p[..i], &p[i..]),
        None => p.to_owned(),
    }
}

/// `;x=1` after the first segment (`/v1;x=1/account`), or at the end of a one-segment path.
fn insert_param(p: &str) -> String {
    match p[1..].find('/') {
        Some(i) => format!("{};x=1{}", &p[..=i], &p[i + 1..]),
        None => format!("{p};x=1"),
    }
}
