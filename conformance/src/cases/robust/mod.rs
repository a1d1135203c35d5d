//! ROB-1, ROB-2: robustness. Generated `Authorization` values — printable ASCII, obs-text,
//! long, near-miss keys — get the envelope, never a 5xx, a reset or a hang (ROB-1). Bytes that
//! are not valid HTTP and oversized header sections may get 400 or 431 from the HTTP layer, a
//! closed connection, or the envelope: never a 2xx or 3xx, never a 5xx, never a hang (ROB-2).

use proptest::strategy::Strategy;

use super::{bearer, Case, Check, Context};
use crate::generated::{self, generators};
use crate::judge::Stop;
use crate::spec::Clause;
use crate::wire::{Reply, Request, Text};

const EXPECT_ENVELOPE: &str = "401 (the envelope): a valid-HTTP value within 4 KiB is refused, never with a 5xx, a reset or a hang";
const EXPECT_REFUSAL: &str = "a refusal (401, 400, 431 or another 4xx, or a closed connection): never a 2xx, 3xx or 5xx, never a hang";

/// ROB-1's judge.
fn envelope_only(reply: &Reply) -> Result<(), String> {
    match reply {
        Reply::Response(r) if r.status == 401 => Ok(()),
        Reply::Response(r) if r.status >= 500 => Err("a server error".into()),
        // Accepting a value is KEY-* and HDR-*'s business; ROB-1's is never breaking.
        Reply::Response(r) if (200..300).contains(&r.status) => Ok(()),
        Reply::Response(_) => Err("valid HTTP must get the envelope".into()),
        Reply::Closed(_) => Err("the connection was closed or reset instead of an answer".into()),
        Reply::TimedOut(_) => Err("the target hung".into()),
        Reply::Broken(_) => Err("the answer is not HTTP".into()),
    }
}

/// ROB-1's sweep: 5xx, resets and hangs the KEY and HDR cases saw for a valid-HTTP value, and
/// refusals other than 401 for values with obs-text.
pub fn robustness_sweep() -> Case {
    Case::sweep(
        Clause::Rob1,
        "no_5xx_reset_or_hang_for_any_value",
        "every valid-HTTP Authorization value the KEY and HDR cases sent got the envelope, never a 5xx, a reset or a hang",
    )
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
    }
}

/// A generated ROB-1 family: each value as the `Authorization` value, over a kept-alive
/// connection.
fn generated_rob1<S, F>(what: &str, strategy: F) -> Case
where
    S: Strategy<Value = Text> + 'static,
    F: FnOnce(&Context) -> Result<S, Stop> + Send + 'static,
{
    Case::new(Clause::Rob1, what, |ctx: Check| async move {
        let strategy = strategy(&ctx)?;
        generated::run(ctx.family(EXPECT_ENVELOPE), strategy, |value: Text| {
            let ctx = &ctx;
            async move {
                ctx.judge_one(
                    ctx.probe().exact().authorization(value),
                    EXPECT_ENVELOPE,
                    envelope_only,
                )
                .await
            }
        })
        .await
    })
}

/// A generated ROB-2 family: each value on a connection of its own.
fn generated_rob2<S, F>(what: &str, strategy: F) -> Case
where
    S: Strategy<Value = Text> + 'static,
    F: FnOnce(&Context) -> S + Send + 'static,
{
    Case::new(Clause::Rob2, what, |ctx: Check| async move {
        let strategy = strategy(&ctx);
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
    })
}

fn invalid(ctx: &Context, value: Text) -> Request {
    ctx.probe().alone().authorization(value)
}

fn padded(len: usize) -> Text {
    Text::plain(format!("Bearer thub_{}", "A".repeat(len)))
}

/// Every case of the ROB family.
pub fn cases() -> Vec<Case> {
    vec![
        generated_rob1("printable_ascii_values", |_| {
            Ok(generators::printable_ascii())
        }),
        generated_rob1("obs_text_values", |_| Ok(generators::obs_text())),
        generated_rob1("long_values", |_| Ok(generators::long_value())),
        Case::new(Clause::Rob1, "near_miss_keys", |ctx: Check| async move {
            let key = ctx.valid_key()?.clone();
            generated::run(
                ctx.family(EXPECT_ENVELOPE),
                generators::near_miss(key.clone()),
                |value: Text| {
                    let ctx = &ctx;
                    let same = value.bytes() == key.bytes();
                    async move {
                        if same {
                            return None;
                        }
                        let request = ctx.probe().exact().authorization(bearer(value));
                        ctx.judge_one(request, EXPECT_ENVELOPE, envelope_only).await
                    }
                },
            )
            .await
        }),
        Case::new(
            Clause::Rob1,
            "header_section_just_under_4kib",
            |ctx| async move {
                // Request line, Host and the field name take under 200 bytes of the 4096.
                let probes = vec![
                    ctx.probe().exact().authorization(padded(3800)),
                    ctx.probe()
                        .exact()
                        .authorization(Text::plain(vec![b'x'; 3800])),
                ];
                ctx.expect_each(probes, EXPECT_ENVELOPE, envelope_only)
                    .await
            },
        ),
        Case::new(Clause::Rob1, "obs_text_after_scheme", |ctx| async move {
            let probes = [
                &b"Bearer \xff"[..],
                b"Bearer thub_\x80\x81\xfe\xff",
                b"\xe2\x80\x8bBearer thub_x",
                b"Bearer thub_\xc3\xa9t\xc3\xa9",
            ]
            .iter()
            .map(|v| ctx.probe().exact().authorization(Text::plain(v)))
            .collect();
            ctx.expect_each(probes, EXPECT_ENVELOPE, envelope_only)
                .await
        }),
        generated_rob2("control_bytes_in_key", |ctx| {
            generators::key_with_control_byte(ctx.keys.valid.clone())
        }),
        Case::new(Clause::Rob2, "nul_byte", |ctx| async move {
            let probes = vec![
                invalid(&ctx, Text::plain("Bearer thub_\0")),
                invalid(&ctx, Text::plain("\0")),
                invalid(&ctx, Text::plain("Bearer \0thub_x")),
            ];
            ctx.expect_each(probes, EXPECT_REFUSAL, refused_somehow)
                .await
        }),
        Case::new(Clause::Rob2, "bare_cr_and_lf", |ctx| async move {
            let probes = vec![
                invalid(&ctx, Text::plain("Bearer thub_a\rb")),
                invalid(&ctx, Text::plain("Bearer thub_a\nb")),
                invalid(&ctx, Text::plain("Bearer\rthub_x")),
                invalid(&ctx, Text::plain("Bearer thub_x\r")),
            ];
            ctx.expect_each(probes, EXPECT_REFUSAL, refused_somehow)
                .await
        }),
        Case::new(Clause::Rob2, "other_control_bytes", |ctx| async move {
            let probes = [0x01u8, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f]
                .iter()
                .map(|b| {
                    invalid(
                        &ctx,
                        Text::plain([&b"Bearer thub_"[..], &[*b], b"x"].concat()),
                    )
                })
                .collect();
            ctx.expect_each(probes, EXPECT_REFUSAL, refused_somehow)
                .await
        }),
        Case::new(Clause::Rob2, "oversized_header_section", |ctx| async move {
            let mut probes: Vec<Request> = [5usize, 9, 17, 33, 65]
                .iter()
                .map(|k| invalid(&ctx, padded(k * 1024)))
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
            ctx.expect_each(probes, EXPECT_REFUSAL, refused_somehow)
                .await
        }),
        Case::new(Clause::Rob2, "invalid_field_syntax", |ctx| async move {
            let probes = vec![
                ctx.probe().alone().field("Authorization ", "Bearer thub_x"),
                ctx.probe()
                    .alone()
                    .field("Author\u{0}ization", "Bearer thub_x"),
                ctx.probe().alone().field("Authori zation", "Bearer thub_x"),
            ];
            ctx.expect_each(probes, EXPECT_REFUSAL, refused_somehow)
                .await
        }),
    ]
}
