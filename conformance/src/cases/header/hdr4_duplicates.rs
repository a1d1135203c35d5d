//! > **HDR-4** A request with more than one `Authorization` field, or one field listing several
//! > credentials, is malformed: it fails even when one of them is a valid key (the envelope, or
//! > 400).
//!
//! The valid key beside another credential: in a second `Authorization` field (HTTP/1.1 byte for
//! byte, and HTTP/2), or comma-joined in one field. Each must get 401 or 400.

use super::{auth_exact, refused_or_400, unknown};
use crate::cases::judges::EXPECT_REJECTED_OR_400;
use crate::cases::{bearer, rejected_or_400, Case};
use crate::judge::Stop;
use crate::spec::Clause;
use crate::wire::Text;

/// A well-formed credential of another scheme, for mixed duplicates and lists.
const BASIC: &str = "Basic dXNlcjpwYXNzd29yZA==";

/// The HDR-4 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    vec![
        // Two fields, the valid key first: a server that reads the first field accepts it.
        refused_or_400(Clause::Hdr4, "duplicate_field_valid_first", |ctx, k| {
            vec![auth_exact(ctx, bearer(k.text())).authorization(bearer(unknown()))]
        }),
        // Two fields, the valid key last: a server that reads the last field accepts it.
        refused_or_400(Clause::Hdr4, "duplicate_field_valid_last", |ctx, k| {
            vec![auth_exact(ctx, bearer(unknown())).authorization(bearer(k.text()))]
        }),
        // The valid key twice: still two fields, still malformed.
        refused_or_400(Clause::Hdr4, "duplicate_field_same_valid_key", |ctx, k| {
            vec![auth_exact(ctx, bearer(k.text())).authorization(bearer(k.text()))]
        }),
        // Two fields whose names differ only in case are the same field twice (HDR-2).
        refused_or_400(
            Clause::Hdr4,
            "duplicate_field_names_differ_in_case",
            |ctx, k| {
                vec![ctx
                    .probe()
                    .exact()
                    .field("Authorization", bearer(k.text()))
                    .field("authorization", bearer(k.text()))]
            },
        ),
        // A second, empty field: a server that drops empty fields sees one valid key.
        refused_or_400(Clause::Hdr4, "duplicate_field_valid_and_empty", |ctx, k| {
            vec![
                auth_exact(ctx, bearer(k.text())).field_with_separator("Authorization", "", ""),
                ctx.probe()
                    .exact()
                    .field_with_separator("Authorization", "", "")
                    .authorization(bearer(k.text())),
            ]
        }),
        // A second field of another scheme: a server that picks the `Bearer` one accepts it.
        refused_or_400(
            Clause::Hdr4,
            "duplicate_field_valid_and_other_scheme",
            |ctx, k| {
                vec![
                    auth_exact(ctx, bearer(k.text())).authorization(BASIC),
                    auth_exact(ctx, BASIC.into()).authorization(bearer(k.text())),
                ]
            },
        ),
        duplicate_field_over_h2(),
        // One field listing the valid key first: a server that reads up to the comma accepts it.
        refused_or_400(Clause::Hdr4, "comma_joined_valid_first", |ctx, k| {
            vec![auth_exact(
                ctx,
                bearer(k.text()).then(", ").then(bearer(unknown())),
            )]
        }),
        // One field listing the valid key last: a server that splits on commas accepts it.
        refused_or_400(Clause::Hdr4, "comma_joined_valid_last", |ctx, k| {
            vec![auth_exact(
                ctx,
                bearer(unknown()).then(", ").then(bearer(k.text())),
            )]
        }),
        // The list without the space after the comma, both orders.
        refused_or_400(Clause::Hdr4, "comma_joined_without_space", |ctx, k| {
            vec![
                auth_exact(ctx, bearer(k.text()).then(",").then(bearer(unknown()))),
                auth_exact(ctx, bearer(unknown()).then(",").then(bearer(k.text()))),
            ]
        }),
        // The valid key listed twice: what two identical fields join into (RFC 9110 §5.3).
        refused_or_400(Clause::Hdr4, "comma_joined_same_key", |ctx, k| {
            vec![auth_exact(
                ctx,
                bearer(k.text()).then(", ").then(bearer(k.text())),
            )]
        }),
        // The valid key listed with a credential of another scheme, both orders.
        refused_or_400(Clause::Hdr4, "comma_joined_other_scheme", |ctx, k| {
            vec![
                auth_exact(ctx, bearer(k.text()).then(", ").then(BASIC)),
                auth_exact(ctx, Text::plain(BASIC).then(", ").then(bearer(k.text()))),
            ]
        }),
        // A list with one empty member, before or after the valid key.
        refused_or_400(Clause::Hdr4, "comma_after_key", |ctx, k| {
            vec![
                auth_exact(ctx, bearer(k.text()).then(",")),
                auth_exact(ctx, Text::plain(", ").then(bearer(k.text()))),
            ]
        }),
        // A second key without its scheme after the comma, both orders.
        refused_or_400(Clause::Hdr4, "comma_joined_bare_keys", |ctx, k| {
            vec![
                auth_exact(ctx, bearer(k.text()).then(",").then(unknown())),
                auth_exact(ctx, bearer(unknown()).then(",").then(k.text())),
            ]
        }),
    ]
}

/// Two `Authorization` fields over HTTP/2, the valid key last and first: the server's HTTP/2
/// stack, not its HTTP/1.1 parser, hands them to the application. Ignored when the target does
/// not offer HTTP/2.
fn duplicate_field_over_h2() -> Case {
    Case::new(Clause::Hdr4, "duplicate_field_over_h2", |ctx| async move {
        let key = ctx.valid_key()?;
        if !ctx.client.speaks_h2() {
            return Err(Stop::Ignored("the target does not offer HTTP/2".into()));
        }
        let probes = vec![
            ctx.probe()
                .authorization(bearer(unknown()))
                .authorization(bearer(key.text())),
            ctx.probe()
                .authorization(bearer(key.text()))
                .authorization(bearer(unknown())),
        ];
        ctx.expect_each(probes, EXPECT_REJECTED_OR_400, rejected_or_400)
            .await
    })
}
