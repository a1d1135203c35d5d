//! HDR-1..HDR-5: how the key is presented, a file per clause. Only `Authorization: Bearer <key>`
//! authenticates ([`hdr1_bearer_form`]); the field name's case and whitespace around the value
//! do not matter ([`hdr2_case_and_ows`]); no other channel or scheme works
//! ([`hdr3_other_channels`]); duplicates and lists fail ([`hdr4_duplicates`]); the scheme's case
//! and extra spaces are reported ([`hdr5_scheme_variance`]).
//!
//! Here: the family's [`cases`] in manifest order, and the probes several clauses build on.

#[rustfmt::skip]
clause_files! { hdr1_bearer_form, hdr2_case_and_ows, hdr3_other_channels, hdr4_duplicates, hdr5_scheme_variance }

/// What the HDR family requires over the request space (the README's axis table names them).
pub fn crossings() -> Vec<crate::space::Crossing> {
    use crate::space::{Axis, Crossing};
    vec![
        hdr1_bearer_form::FORM_CROSSING,
        Crossing {
            clause: crate::spec::Clause::Hdr2,
            axes: &[Axis::AuthScheme, Axis::AuthGap, Axis::AuthOws, Axis::AuthTail],
            holds: "in every HDR-5 form the deployment accepts the valid key in, another spelling of the field name and OWS around the value are accepted too",
        },
    ]
}

use super::judges::EXPECT_REJECTED_OR_400;
use super::{rejected_or_400, Case, Check, Context};
use crate::spec::Clause;
use crate::target::Key;
use crate::wire::{Request, Text};

/// An unknown but well-formed key, for the other half of duplicates and lists (HDR-4) and for
/// checks that a variant still needs a known key (HDR-2, HDR-5).
fn unknown() -> Text {
    Text::credential("thub_conformance_other_key_0000000000000")
}

/// How a value reaches the probe's `Authorization` field: [`auth`] or [`auth_exact`].
type Authorize = fn(&Context, Text) -> Request;

/// `Authorization: value` on the probe endpoint, over either protocol (HTTP/2 may normalise it).
fn auth(ctx: &Context, value: Text) -> Request {
    ctx.probe().authorization(value)
}

/// `Authorization: value` on the probe endpoint, sent as raw HTTP/1.1 byte for byte: for values
/// whose exact whitespace and separators are the point.
fn auth_exact(ctx: &Context, value: Text) -> Request {
    ctx.probe().exact().authorization(value)
}

/// A [`Case::refused`] whose probes are each of `prefixes` followed by the valid key, put in the
/// `Authorization` field by `authorize`: a wrong scheme, or a wrong gap after `Bearer`.
fn prefixed_key(
    clause: Clause,
    what: &str,
    authorize: Authorize,
    prefixes: &'static [&'static str],
) -> Case {
    Case::refused(clause, what, move |ctx, k| {
        prefixes
            .iter()
            .map(|prefix| authorize(ctx, Text::plain(prefix).then(k.text())))
            .collect()
    })
}

/// Like [`Case::refused`], where the HTTP layer may answer 400 instead (HDR-4, URL userinfo).
fn refused_or_400(clause: Clause, what: &str, build: fn(&Context, &Key) -> Vec<Request>) -> Case {
    Case::each(
        clause,
        what,
        EXPECT_REJECTED_OR_400,
        rejected_or_400,
        move |ctx: &Check| {
            let key = ctx.valid_key()?;
            Ok(build(ctx, key))
        },
    )
}
