//! > **ROB-1** No value of the `Authorization` header that is valid HTTP — any printable ASCII,
//! > obs-text bytes 0x80–0xFF, empty, long — yields a 5xx, a reset, or a hang: while the whole
//! > header section stays within 4 KiB it gets the envelope.
//!
//! Generated families (printable ASCII, obs-text, long values, near misses of the valid key) and
//! a few fixed values go as the `Authorization` value over kept-alive connections; each must get
//! 401 ([`envelope_only`]; a 2xx is KEY-* and HDR-*'s business). The sweep reports the 5xx,
//! resets and hangs the KEY and HDR cases met, and their obs-text values refused otherwise than
//! with 401.

use proptest::strategy::Strategy;

use super::long_bearer;
use crate::cases::{bearer, Case, Check, Context};
use crate::generated::{self, generators};
use crate::judge::Stop;
use crate::spec::Clause;
use crate::wire::{Reply, Text};

const EXPECT_ENVELOPE: &str = "401 (the envelope): a valid-HTTP value within 4 KiB is refused, never with a 5xx, a reset or a hang";

/// Fixed `Authorization` values: (case name, the values), each sent over a kept-alive
/// connection.
type FixedValues = (&'static str, fn() -> Vec<Text>);

/// Values the generated families may not happen upon. One case per row, after the families.
const FIXED_VALUES: [FixedValues; 2] = [
    // Two values of about 3800 bytes (`Bearer thub_` and 3800 × `A`; 3800 × `x` alone): the
    // header section ends just under 4 KiB, where ROB-1 still asks for the envelope. The
    // request line, Host and the field name take under 200 bytes of the 4096.
    ("header_section_just_under_4kib", || {
        vec![long_bearer(3800), Text::plain(vec![b'x'; 3800])]
    }),
    // Obs-text after, inside and before the scheme: a lone 0xFF, Latin-1 bytes, a UTF-8
    // zero-width space, UTF-8 accents.
    ("obs_text_after_scheme", || {
        [
            &b"Bearer \xff"[..],
            b"Bearer thub_\x80\x81\xfe\xff",
            b"\xe2\x80\x8bBearer thub_x",
            b"Bearer thub_\xc3\xa9t\xc3\xa9",
        ]
        .iter()
        .map(Text::plain)
        .collect()
    }),
];

/// Every case of ROB-1, in the manifest's order.
pub fn cases() -> Vec<Case> {
    let mut all = vec![
        // Any printable ASCII value, empty included.
        generated_rob1("printable_ascii_values", |_| {
            Ok(generators::printable_ascii())
        }),
        // Values with bytes 0x80–0xFF, which HTTP allows (obs-text) and parsers often mishandle.
        generated_rob1("obs_text_values", |_| Ok(generators::obs_text())),
        // Long values, still within the 4 KiB header section.
        generated_rob1("long_values", |_| Ok(generators::long_value())),
        near_miss_keys(),
    ];
    all.extend(FIXED_VALUES.into_iter().map(|(name, values)| {
        Case::each(
            Clause::Rob1,
            name,
            EXPECT_ENVELOPE,
            envelope_only,
            move |ctx| {
                Ok(values()
                    .into_iter()
                    .map(|v| ctx.probe().exact().authorization(v))
                    .collect())
            },
        )
    }));
    all
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

/// `Bearer ` and the valid key with one to four edits: values a key comparison must tell from
/// the key without breaking. An input whose edits cancel out (the valid key itself) is skipped.
fn near_miss_keys() -> Case {
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
    })
}

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
        // Never judged: a request that did not reach the target makes its case inconclusive.
        Reply::Undelivered(_) => Ok(()),
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
