//! > **ROB-2** Bytes that are not valid HTTP (NUL, other control characters than HTAB, bare CR
//! > or LF) MAY be refused by the HTTP layer with 400; a header section over 4 KiB MAY be
//! > refused with 431 (or 400) — servers' limits differ (4, 8, 16, 64 KiB), so the runner
//! > accepts either answer there. Never a 2xx, never a 5xx.
//!
//! Each request goes raw, on a connection of its own (a server may close it): invalid bytes in
//! the `Authorization` value (generated and fixed), oversized header sections, invalid field
//! names. Each must be refused somehow ([`refused_somehow`]): 401, 400, 431 or another 4xx, or a
//! closed connection; never a 2xx, 3xx or 5xx, never a hang.

use super::long_bearer;
use crate::cases::{Case, Check, Context};
use crate::generated::{self, generators};
use crate::spec::Clause;
use crate::wire::{Reply, Request, Text};

const EXPECT_REFUSAL: &str = "a refusal (401, 400, 431 or another 4xx, or a closed connection): never a 2xx, 3xx or 5xx, never a hang";

/// Fixed `Authorization` values that are not valid HTTP: (case name, the values). One case per
/// row, in this order.
const INVALID_AUTHORIZATION_VALUES: [(&str, &[&str]); 3] = [
    // NUL at the end, alone, and between the scheme and the key: C parsers end strings there.
    ("nul_byte", &["Bearer thub_\0", "\0", "Bearer \0thub_x"]),
    // A bare CR or LF inside the key, in place of the space, and at the end: parsers that split
    // lines on either see another field or a truncated one.
    (
        "bare_cr_and_lf",
        &[
            "Bearer thub_a\rb",
            "Bearer thub_a\nb",
            "Bearer\rthub_x",
            "Bearer thub_x\r",
        ],
    ),
    // Other C0 controls (SOH, BEL, BS, VT, FF, ESC, US) and DEL inside the key.
    (
        "other_control_bytes",
        &[
            "Bearer thub_\x01x",
            "Bearer thub_\x07x",
            "Bearer thub_\x08x",
            "Bearer thub_\x0bx",
            "Bearer thub_\x0cx",
            "Bearer thub_\x1bx",
            "Bearer thub_\x1fx",
            "Bearer thub_\x7fx",
        ],
    ),
];

/// Every case of ROB-2, in the manifest's order.
pub fn cases() -> Vec<Case> {
    let mut all = vec![control_bytes_in_key()];
    all.extend(
        INVALID_AUTHORIZATION_VALUES
            .into_iter()
            .map(|(name, values)| {
                Case::each(
                    Clause::Rob2,
                    name,
                    EXPECT_REFUSAL,
                    refused_somehow,
                    move |ctx| {
                        Ok(values
                            .iter()
                            .map(|v| authorization_alone(ctx, Text::plain(v)))
                            .collect())
                    },
                )
            }),
    );
    all.push(oversized_header_section());
    all.push(invalid_field_syntax());
    all
}

/// A generated family: `Bearer ` and the valid key (or an unknown one) with a control byte
/// inside, each value on a connection of its own.
fn control_bytes_in_key() -> Case {
    Case::new(
        Clause::Rob2,
        "control_bytes_in_key",
        |ctx: Check| async move {
            let strategy = generators::key_with_control_byte(ctx.keys.valid.clone());
            generated::run(ctx.family(EXPECT_REFUSAL), strategy, |value: Text| {
                let ctx = &ctx;
                async move {
                    let bytes = value.bytes().to_vec();
                    ctx.judge_one(
                        ctx.probe().alone().authorization(value),
                        EXPECT_REFUSAL,
                        |reply| refused_somehow_unless_split(&bytes, reply),
                    )
                    .await
                }
            })
            .await
        },
    )
}

/// Header sections over 4 KiB: long `Authorization` values (5 to 65 KiB, past each common
/// limit), one 20 KiB field, and 200 fields of 100 bytes.
fn oversized_header_section() -> Case {
    Case::each(
        Clause::Rob2,
        "oversized_header_section",
        EXPECT_REFUSAL,
        refused_somehow,
        |ctx| {
            let mut probes: Vec<Request> = [5usize, 9, 17, 33, 65]
                .iter()
                .map(|k| authorization_alone(ctx, long_bearer(k * 1024)))
                .collect();
            probes.push(
                ctx.probe()
                    .alone()
                    .field("X-Padding", Text::plain("p".repeat(20 * 1024))),
            );
            let mut many = ctx.probe().alone();
            for i in 0..200 {
                many = many.field(&format!("X-Padding-{i}"), Text::plain("p".repeat(100)));
            }
            probes.push(many);
            Ok(probes)
        },
    )
}

/// Field names HTTP forbids: a space before the colon (RFC 9112 §5.1 says reject it), a NUL
/// inside, a space inside. A lenient parser might still read them as `Authorization`.
fn invalid_field_syntax() -> Case {
    Case::each(
        Clause::Rob2,
        "invalid_field_syntax",
        EXPECT_REFUSAL,
        refused_somehow,
        |ctx| {
            Ok(vec![
                ctx.probe().alone().field("Authorization ", "Bearer thub_x"),
                ctx.probe()
                    .alone()
                    .field("Author\u{0}ization", "Bearer thub_x"),
                ctx.probe().alone().field("Authori zation", "Bearer thub_x"),
            ])
        },
    )
}

/// The probe with `value` as its `Authorization` value, raw, on a connection of its own.
fn authorization_alone(ctx: &Context, value: Text) -> Request {
    ctx.probe().alone().authorization(value)
}

/// ROB-2's judge.
fn refused_somehow(reply: &Reply) -> Result<(), String> {
    match reply {
        Reply::Response(r) if (400..500).contains(&r.status) => Ok(()),
        Reply::Response(r) if r.status >= 500 => Err("a server error".into()),
        Reply::Response(r) if (200..300).contains(&r.status) => {
            Err("invalid HTTP was accepted".into())
        }
        Reply::Response(_) => Err("invalid HTTP reached a handler".into()),
        Reply::Closed(_) => Ok(()),
        Reply::TimedOut(_) => Err("the target hung".into()),
        Reply::Broken(_) => Err("the answer is not HTTP".into()),
        // Never judged: a request that did not reach the target makes its case inconclusive.
        Reply::Undelivered(_) => Ok(()),
    }
}

/// ROB-2's family judge, for `value` sent as the `Authorization` value. A 2xx for a value with a
/// bare CR or LF is left to KEY-2: a parser that ends the field line there sees a truncated
/// key, and KEY-2's truncation cases judge that.
fn refused_somehow_unless_split(value: &[u8], reply: &Reply) -> Result<(), String> {
    match reply {
        Reply::Response(r)
            if (200..300).contains(&r.status)
                && value.iter().any(|&b| b == b'\r' || b == b'\n') =>
        {
            Ok(())
        }
        _ => refused_somehow(reply),
    }
}
