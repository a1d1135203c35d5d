//! KEY-1..KEY-6: what counts as a key. Variants of the valid key — prefix missing or
//! case-changed, truncated, extended, case-flipped, look-alike characters, random unknown and
//! near-miss keys (generated) — must all fail; the revoked key fails like an unknown one; and,
//! where the admin plane is at hand, minting and revoking behave (KEY-3, KEY-4, KEY-5, KEY-6).

use super::{accepted, bearer, rejected, Case, Check, EXPECT_REJECTED};
use crate::generated::{self, generators};
use crate::judge::{differences, CaseResult, Evidence, Finding};
use crate::redact::contains_piece_of;
use crate::spec::Clause;
use crate::target::{Key, PREFIX};
use crate::wire::{show_bytes, Reply, Request, Text};

/// A deterministic KEY case: the probe endpoint with `Authorization: Bearer <variant>` for
/// each variant the function derives from the valid key; each must get 401.
fn variants(clause: Clause, what: &str, derive: fn(&Key) -> Vec<Text>) -> Case {
    Case::refused(clause, what, move |ctx, key| {
        derive(key)
            .into_iter()
            .map(|v| ctx.probe().authorization(bearer(v)))
            .collect()
    })
}

/// Every case of the KEY family.
pub fn cases() -> Vec<Case> {
    vec![
        variants(Clause::Key1, "secret_without_prefix", |k| {
            vec![k.with_prefix("")]
        }),
        variants(Clause::Key1, "prefix_uppercase", |k| {
            vec![k.with_prefix("THUB_")]
        }),
        variants(Clause::Key1, "prefix_case_changed", |k| {
            ["Thub_", "tHub_", "thUb_", "thuB_", "THub_", "tHUB_"]
                .iter()
                .map(|p| k.with_prefix(p))
                .collect()
        }),
        variants(Clause::Key1, "prefix_separator_changed", |k| {
            ["thub-", "thub.", "thub", "thub__", "thub:"]
                .iter()
                .map(|p| k.with_prefix(p))
                .collect()
        }),
        variants(Clause::Key1, "other_prefix", |k| {
            ["sk_", "pk_", "thb_", "tub_", "hub_", "key_"]
                .iter()
                .map(|p| k.with_prefix(p))
                .collect()
        }),
        variants(Clause::Key1, "characters_before_prefix", |k| {
            ["x", "_", "0", "=", "\"", "'", "key="]
                .iter()
                .map(|p| k.preceded(p))
                .collect()
        }),
        variants(Clause::Key2, "prefix_only", |_| vec![Text::plain(PREFIX)]),
        variants(Clause::Key2, "truncated_by_one_char", |k| {
            vec![k.truncated(k.len() - 1)]
        }),
        variants(Clause::Key2, "truncated_at_every_length", |k| {
            (PREFIX.len() + 1..k.len())
                .map(|n| k.truncated(n))
                .collect()
        }),
        variants(Clause::Key2, "extended_by_one_char", |k| {
            ["0", "a", "Z", "_"].iter().map(|s| k.extended(s)).collect()
        }),
        variants(Clause::Key2, "extended", |k| {
            let mut v: Vec<Text> = ["==", "=", "-", ".", "/", "~", "+", "0000", "_old", "\\"]
                .iter()
                .map(|s| k.extended(s))
                .collect();
            v.push(k.derive("twice in a row", |s| format!("{s}{s}").into_bytes()));
            v
        }),
        variants(Clause::Key2, "single_char_case_flips", |k| {
            (0..k.len()).filter_map(|i| flip_case(k, i)).collect()
        }),
        variants(Clause::Key2, "lookalike_ascii_chars", |k| {
            lookalikes(k, ASCII_LOOKALIKES)
        }),
        variants(Clause::Key2, "lookalike_unicode_chars", |k| {
            let mut v = lookalikes(k, UNICODE_LOOKALIKES);
            v.push(k.derive("in fullwidth characters", |s| {
                s.chars().map(fullwidth).collect::<String>().into_bytes()
            }));
            v
        }),
        variants(Clause::Key2, "inner_char_removed", |k| {
            (PREFIX.len()..k.len() - 1)
                .step_by(7)
                .map(|i| {
                    k.derive(format!("with char {i} removed"), |s| {
                        let mut b = s.as_bytes().to_vec();
                        b.remove(i);
                        b
                    })
                })
                .collect()
        }),
        variants(Clause::Key2, "adjacent_chars_swapped", |k| {
            (PREFIX.len()..k.len() - 1)
                .step_by(5)
                .filter(|&i| k.bytes()[i] != k.bytes()[i + 1])
                .map(|i| {
                    k.derive(format!("with chars {i} and {} swapped", i + 1), |s| {
                        let mut b = s.as_bytes().to_vec();
                        b.swap(i, i + 1);
                        b
                    })
                })
                .collect()
        }),
        variants(Clause::Key2, "percent_encoded_char", |k| {
            let i = k.len() - 1;
            vec![k.derive("with its last char percent-encoded", |s| {
                format!("{}%{:02X}", &s[..i], s.as_bytes()[i]).into_bytes()
            })]
        }),
        variants(Clause::Key2, "quoted", |k| {
            vec![
                k.derive("in double quotes", |s| format!("\"{s}\"").into_bytes()),
                k.derive("in single quotes", |s| format!("'{s}'").into_bytes()),
            ]
        }),
        Case::new(
            Clause::Key2,
            "whitespace_like_bytes_around_key",
            whitespace_like_bytes_around_key,
        ),
        Case::new(Clause::Key2, "random_unknown_keys", |ctx| async move {
            generated::run(ctx.rejecting_family(), generators::unknown_key(), |token| {
                let ctx = &ctx;
                async move {
                    ctx.judge_one(
                        ctx.probe().authorization(bearer(token)),
                        EXPECT_REJECTED,
                        rejected,
                    )
                    .await
                }
            })
            .await
        }),
        Case::new(Clause::Key2, "near_miss_keys", |ctx| async move {
            let key = ctx.valid_key()?.clone();
            generated::run(
                ctx.rejecting_family(),
                generators::near_miss(key.clone()),
                |token| {
                    let ctx = &ctx;
                    let same = token.bytes() == key.bytes();
                    async move {
                        if same {
                            return None;
                        }
                        ctx.judge_one(
                            ctx.probe().authorization(bearer(token)),
                            EXPECT_REJECTED,
                            rejected,
                        )
                        .await
                    }
                },
            )
            .await
        }),
        Case::new(
            Clause::Key3,
            "second_key_reaches_every_endpoint",
            |ctx| async move {
                let second = ctx
                    .admin()?
                    .mint("second key")
                    .await
                    .map_err(ctx.admin_failed())?;
                let probes = ctx
                    .endpoints
                    .iter()
                    .map(|e| {
                        Request::new(&e.method, e.path()).authorization(bearer(second.key.text()))
                    })
                    .collect();
                ctx.expect_each(
                    probes,
                    "not 401: a second active key has the same full access",
                    accepted,
                )
                .await
            },
        ),
        Case::new(
            Clause::Key3,
            "second_key_sees_same_account",
            second_key_sees_same_account,
        ),
        Case::new(Clause::Key4, "revoked_key_rejected", |ctx| async move {
            let revoked = ctx.revoked_key()?;
            let probes = ctx
                .endpoints
                .iter()
                .map(|e| Request::new(&e.method, e.path()).authorization(bearer(revoked.text())))
                .collect();
            ctx.expect_each(probes, EXPECT_REJECTED, rejected).await
        }),
        Case::new(
            Clause::Key4,
            "revoked_key_answered_like_unknown",
            |ctx| async move {
                let revoked = ctx.revoked_key()?.clone();
                like_unknown(&ctx, &revoked).await
            },
        ),
        Case::new(
            Clause::Key4,
            "revocation_takes_effect_at_once",
            revocation_takes_effect_at_once,
        ),
        Case::new(
            Clause::Key5,
            "new_key_leaves_existing_working",
            new_key_leaves_existing_working,
        ),
        Case::new(
            Clause::Key5,
            "revoking_one_leaves_others_working",
            revoking_one_leaves_others_working,
        ),
        Case::new(
            Clause::Key6,
            "admin_plane_never_shows_key_again",
            admin_plane_never_shows_key_again,
        ),
        Case::new(
            Clause::Key6,
            "public_api_never_shows_key",
            |ctx| async move {
                let key = ctx.valid_key()?.clone();
                let probes: Vec<Request> = ctx
                    .endpoints
                    .iter()
                    .filter(|e| e.method == "GET")
                    .map(|e| Request::get(e.path()).authorization(bearer(key.text())))
                    .collect();
                ctx.expect_each(
                    probes,
                    "a response that does not show the key (no 10 characters of it)",
                    |reply| no_piece_of(reply, key.bytes()),
                )
                .await
            },
        ),
    ]
}

/// Bytes a `trim()` or `strip()` removes that are not HTTP's OWS: obs-text (NBSP, NEL, as
/// Latin-1 bytes and as UTF-8, Unicode spaces, a BOM), valid HTTP that must get 401…
const TRIMMED_OBS_TEXT: [&[u8]; 8] = [
    b"\xa0",
    b"\x85",
    b"\xc2\xa0",
    b"\xc2\x85",
    b"\xe2\x80\x83",
    b"\xe3\x80\x80",
    b"\xe2\x80\xa8",
    b"\xef\xbb\xbf",
];
/// …and control bytes (VT, FF, FS..US), not valid HTTP: 401, 400 or a closed connection, but
/// never accepted.
const TRIMMED_CONTROLS: [u8; 6] = [0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x1f];

/// KEY-2: the valid key with bytes a trimming function removes, after it and before it. A
/// server that trims more than OWS (Python's `str.strip`, JavaScript's `trim`, Java's `strip`)
/// accepts a key that is not byte-for-byte the issued one.
async fn whitespace_like_bytes_around_key(ctx: Check) -> CaseResult {
    let key = ctx.valid_key()?.clone();
    let around = |bytes: &[u8]| {
        let shown = show_bytes(bytes);
        [
            key.derive(format!("followed by {shown}"), |s| {
                [s.as_bytes(), bytes].concat()
            }),
            key.derive(format!("preceded by {shown}"), |s| {
                [bytes, s.as_bytes()].concat()
            }),
        ]
    };
    let obs_text: Vec<Request> = TRIMMED_OBS_TEXT
        .iter()
        .flat_map(|b| around(b))
        .map(|v| ctx.probe().authorization(bearer(v)))
        .collect();
    let evidence = ctx.expect_each(obs_text, EXPECT_REJECTED, rejected).await?;
    let controls: Vec<Request> = TRIMMED_CONTROLS
        .iter()
        .flat_map(|b| around(&[*b]))
        .map(|v| ctx.probe().alone().authorization(bearer(v)))
        .collect();
    ctx.expect_each(controls,
        "not accepted (401, or 400 or a closed connection for a control byte): the key with a byte trimmed off is not the key",
        |reply| match reply.status() {
            Some(s) if (200..400).contains(&s) => Err("the request was accepted".into()),
            _ => Ok(()),
        },
    )
    .await
    .map(|more| Evidence(evidence.0.into_iter().chain(more.0).collect()))
}

/// Look-alike replacements: (original, replacement, description).
const ASCII_LOOKALIKES: &[(char, &str)] = &[
    ('0', "O"),
    ('O', "0"),
    ('1', "l"),
    ('l', "1"),
    ('I', "l"),
    ('5', "S"),
    ('S', "5"),
    ('8', "B"),
    ('B', "8"),
    ('2', "Z"),
    ('o', "0"),
    ('_', "-"),
];
const UNICODE_LOOKALIKES: &[(char, &str)] = &[
    ('a', "\u{430}"),
    ('e', "\u{435}"),
    ('o', "\u{43e}"),
    ('p', "\u{440}"),
    ('c', "\u{441}"),
    ('x', "\u{445}"),
    ('T', "\u{422}"),
    ('A', "\u{410}"),
    ('_', "\u{ff3f}"),
    ('h', "\u{4bb}"),
];

fn lookalikes(key: &Key, table: &[(char, &str)]) -> Vec<Text> {
    let mut out = Vec::new();
    for &(from, to) in table {
        // The first occurrence after the prefix; the prefix's own `_` for the separator.
        let start = if from == '_' { 0 } else { PREFIX.len() };
        if let Some(i) = key.bytes()[start..]
            .iter()
            .position(|&b| b == from as u8)
            .map(|p| p + start)
        {
            out.push(key.replaced_at(
                i,
                to,
                &format!(
                    "({from:?}) replaced by look-alike U+{:04X}",
                    to.chars().next().map_or(0, |c| c as u32)
                ),
            ));
        }
    }
    out
}

fn fullwidth(c: char) -> char {
    match c {
        '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xff01).unwrap_or(c),
        _ => c,
    }
}

fn flip_case(key: &Key, i: usize) -> Option<Text> {
    let b = key.bytes()[i];
    b.is_ascii_alphabetic().then(|| {
        let flipped = if b.is_ascii_lowercase() {
            b.to_ascii_uppercase()
        } else {
            b.to_ascii_lowercase()
        };
        key.replaced_at(i, &(flipped as char).to_string(), "case-flipped")
    })
}

fn no_piece_of(reply: &Reply, secret: &[u8]) -> Result<(), String> {
    let Some(response) = reply.response() else {
        return Ok(());
    };
    if contains_piece_of(&response.body, secret) {
        return Err("the body holds 10 or more characters of the key".into());
    }
    for (name, value) in &response.headers {
        if contains_piece_of(value, secret) {
            return Err(format!(
                "the header {name} holds 10 or more characters of the key"
            ));
        }
    }
    Ok(())
}

/// Compares the answer to `key` with the answer to an unknown key (KEY-4).
async fn like_unknown(ctx: &Check, key: &Key) -> CaseResult {
    let unknown = Text::credential("thub_conformance_unknown_key_00000000000");
    let request = |token: Text| ctx.probe().authorization(bearer(token));
    let probes = [
        request(unknown.clone()),
        request(unknown),
        request(key.text()),
    ];
    let replies = ctx.client.send_all(&probes).await;
    let (Some(u1), Some(u2), Some(r)) = (
        replies[0].response(),
        replies[1].response(),
        replies[2].response(),
    ) else {
        let failure = ctx
            .fail("no complete response to compare")
            .finding(Finding {
                request: ctx.show(&probes[2], &replies[2]),
                expected: "the same answer as an unrecognized key".into(),
                actual: replies
                    .iter()
                    .map(Reply::describe)
                    .collect::<Vec<_>>()
                    .join(" | "),
                details: vec![],
            });
        return Err(failure.into());
    };
    if (200..300).contains(&u1.status) || (200..300).contains(&u2.status) {
        return Ok(Evidence::line(format!(
            "an unrecognized key was accepted ({}): KEY-2 reports it; nothing to compare the {key:?} with",
            u1.status
        )));
    }
    let echoes: Vec<Vec<u8>> = probes.iter().flat_map(Request::credentials).collect();
    let diffs = differences(u1, u2, r, &[], &echoes);
    if diffs.is_empty() {
        return Ok(Evidence::line(format!(
            "the {key:?} got the same answer as an unrecognized key: {}",
            r.describe()
        )));
    }
    Err(ctx
        .fail(format!(
            "the {key:?} is answered differently from an unrecognized key"
        ))
        .finding(Finding {
            request: ctx.show(&probes[2], &replies[2]),
            expected: format!(
                "exactly the answer an unrecognized key gets: {}",
                u1.describe()
            ),
            actual: r.describe(),
            details: diffs
                .into_iter()
                .map(|d| format!("differs: {d} (unknown key vs revoked key)"))
                .collect(),
        })
        .into())
}

async fn second_key_sees_same_account(ctx: Check) -> CaseResult {
    let valid = ctx.valid_key()?.clone();
    let second = ctx
        .admin()?
        .mint("second key")
        .await
        .map_err(ctx.admin_failed())?;
    let mut evidence = Evidence::default();
    for endpoint in ctx
        .endpoints
        .iter()
        .filter(|e| e.method == "GET" && !e.template.contains('{'))
    {
        let request = |key: &Key| Request::get(endpoint.path()).authorization(bearer(key.text()));
        let probes = [request(&valid), request(&valid), request(&second.key)];
        let replies = ctx.client.send_all(&probes).await;
        let (Some(a1), Some(a2), Some(b)) = (
            replies[0].response(),
            replies[1].response(),
            replies[2].response(),
        ) else {
            return Err(ctx
                .fail(format!("no complete responses from {}", endpoint.display()))
                .into());
        };
        let diffs = differences(a1, a2, b, &[], &[]);
        if !diffs.is_empty() {
            return Err(ctx
                .fail("two active keys of one account see different things")
                .finding(Finding {
                    request: ctx.show(&probes[2], &replies[2]),
                    expected: format!("what the valid key sees: {}", a1.describe()),
                    actual: b.describe(),
                    details: diffs
                        .into_iter()
                        .map(|d| format!("differs: {d} (valid key vs second key)"))
                        .collect(),
                })
                .into());
        }
        evidence = evidence.and(format!(
            "{}: both keys see the same answer ({})",
            endpoint.display(),
            a1.status
        ));
    }
    Ok(evidence)
}

async fn revocation_takes_effect_at_once(ctx: Check) -> CaseResult {
    let admin = ctx.admin()?;
    let minted = admin
        .mint("key revoked during the run")
        .await
        .map_err(ctx.admin_failed())?;
    let request = || ctx.probe().authorization(bearer(minted.key.text()));
    let before = ctx.client.send(&request()).await;
    if let Err(why) = accepted(&before) {
        return Err(ctx
            .fail("a freshly minted key was refused before its revocation")
            .finding(Finding {
                request: ctx.show(&request(), &before),
                expected: "not 401".into(),
                actual: before.describe(),
                details: vec![why],
            })
            .into());
    }
    admin.revoke(&minted.id).await.map_err(ctx.admin_failed())?;
    let after = ctx.client.send(&request()).await;
    if let Err(why) = rejected(&after) {
        return Err(ctx
            .fail("the very next request after revocation was not refused")
            .finding(Finding {
                request: ctx.show(&request(), &after),
                expected: EXPECT_REJECTED.into(),
                actual: after.describe(),
                details: vec![why],
            })
            .into());
    }
    like_unknown(&ctx, &minted.key).await
}

async fn new_key_leaves_existing_working(ctx: Check) -> CaseResult {
    let valid = ctx.valid_key()?.clone();
    let minted = ctx
        .admin()?
        .mint("key minted during the run")
        .await
        .map_err(ctx.admin_failed())?;
    let probes = vec![
        ctx.probe().authorization(bearer(valid.text())),
        ctx.probe().authorization(bearer(minted.key.text())),
    ];
    ctx.expect_each(
        probes,
        "not 401: after a new key is minted, the existing key and the new one both work",
        accepted,
    )
    .await
}

async fn revoking_one_leaves_others_working(ctx: Check) -> CaseResult {
    let valid = ctx.valid_key()?.clone();
    let admin = ctx.admin()?;
    let first = admin
        .mint("rotation key A")
        .await
        .map_err(ctx.admin_failed())?;
    let second = admin
        .mint("rotation key B")
        .await
        .map_err(ctx.admin_failed())?;
    admin.revoke(&first.id).await.map_err(ctx.admin_failed())?;
    let probes = vec![
        ctx.probe().authorization(bearer(valid.text())),
        ctx.probe().authorization(bearer(second.key.text())),
    ];
    ctx.expect_each(
        probes,
        "not 401: revoking one key leaves every other key working",
        accepted,
    )
    .await?;
    ctx.expect_each(
        vec![ctx.probe().authorization(bearer(first.key.text()))],
        EXPECT_REJECTED,
        rejected,
    )
    .await
}

async fn admin_plane_never_shows_key_again(ctx: Check) -> CaseResult {
    let admin = ctx.admin()?;
    let minted = admin
        .mint("key shown once")
        .await
        .map_err(ctx.admin_failed())?;
    let mut failure = ctx.fail("the admin plane shows a key again after its creation");
    for (shown, reply) in admin.listings(&minted.id).await {
        if let Err(why) = no_piece_of(&reply, minted.key.bytes()) {
            failure = failure.finding(Finding {
                request: shown,
                expected: "a listing that shows at most a hint of the key".into(),
                actual: reply.describe(),
                details: vec![why],
            });
        }
    }
    if failure.findings.is_empty() {
        Ok(Evidence::line(
            "GET /v1/keys and GET /v1/keys/{id} show no 10 characters of a freshly minted key",
        ))
    } else {
        Err(failure.into())
    }
}
