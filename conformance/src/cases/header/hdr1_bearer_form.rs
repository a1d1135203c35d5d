//! > **HDR-1** A request authenticates only with the `Authorization` request header whose value
//! > is `Bearer <key>`: the scheme `Bearer`, one space, the key, nothing after it.
//!
//! > "One space" is one SP (0x20): a horizontal tab, or any mix of tab and space, between the
//! > scheme and the key or after the key is not the form, and a request carrying it does not
//! > authenticate (HDR-5 permits only several SP).
//!
//! Each case sends the valid key (or no key) in a value that is not exactly `Bearer <key>`: no
//! field, an empty one, the scheme alone, the key twice, the scheme twice, another separator, a
//! misspelled scheme. Then the form axes of the request space (`space/authorization.rs`): every
//! value of the scheme's spelling, of the gap between scheme and key and of what follows the key
//! alone ([`over_the_form_axes`]), then each two pairwise with the third as in the form; every combination that is not the
//! form (nor HDR-5's variance, nor HDR-2's OWS at the end of the field) must get 401, over every
//! protocol, and a finding names the form.
//!
//! Whitespace alone after the key ends the field value, where HTTP makes it OWS (RFC 9110 §5.5,
//! HDR-2: it neither helps nor hurts); after the key, HDR-1's tab is one with more after it.

use super::{auth, auth_exact, prefixed_key};
use crate::cases::accepted_forms::Presentation;
use crate::cases::interactions::{expect_interactions, Combination};
use crate::cases::{bearer, rejected, Case, Check, EXPECT_REJECTED};
use crate::judge::CaseResult;
use crate::space::authorization::{presented_as, Form, Reading};
use crate::space::{cover, Axis, Crossing};
use crate::spec::Clause;
use crate::wire::{Reply, Request};

/// The HDR-1 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    let mut cases = vec![
        // No `Authorization` field at all, over either protocol and byte for byte.
        Case::each(
            Clause::Hdr1,
            "missing_header",
            EXPECT_REJECTED,
            rejected,
            |ctx| Ok(vec![ctx.probe(), ctx.probe().exact()]),
        ),
        // The field present but empty, with and without the space after the colon.
        Case::each(
            Clause::Hdr1,
            "empty_value",
            EXPECT_REJECTED,
            rejected,
            |ctx| {
                Ok(vec![
                    ctx.probe()
                        .exact()
                        .field_with_separator("Authorization", "", ""),
                    ctx.probe().authorization(""),
                ])
            },
        ),
        // The scheme without a key: a server must not treat an empty token as a match.
        Case::each(
            Clause::Hdr1,
            "scheme_alone",
            EXPECT_REJECTED,
            rejected,
            |ctx| {
                Ok(vec![
                    auth(ctx, "Bearer".into()),
                    auth_exact(ctx, "Bearer ".into()),
                    auth(ctx, "bearer".into()),
                ])
            },
        ),
        // `Bearer <key> <key>`: a server that finds the key anywhere in the value accepts it.
        Case::refused(Clause::Hdr1, "key_twice_after_scheme", |ctx, k| {
            vec![auth(ctx, bearer(k.text()).then(" ").then(k.text()))]
        }),
        // `Bearer Bearer <key>`: a server that strips every `Bearer ` accepts it.
        prefixed_key(Clause::Hdr1, "scheme_twice", auth, &["Bearer Bearer "]),
        // A separator other than the space (`Bearer:` is a value of the scheme axis).
        prefixed_key(
            Clause::Hdr1,
            "scheme_with_separator",
            auth_exact,
            &["Bearer=", "Bearer,"],
        ),
        // Near-misses of `Bearer`: a server that skips the first word whatever it is accepts them.
        prefixed_key(
            Clause::Hdr1,
            "scheme_misspelled",
            auth,
            &["Bearr ", "Beare ", "Bearer_", "Berear "],
        ),
    ];
    cases.extend(over_the_form_axes());
    cases
}


/// HDR-1 over the form axes.
pub const FORM_CROSSING: Crossing = Crossing {
    clause: Clause::Hdr1,
    axes: &[Axis::AuthScheme, Axis::AuthGap, Axis::AuthTail],
    holds: "with the valid key, only `Bearer<SP><key>` (and HDR-5's case variants and several SP) authenticates; every other spelling, gap and tail gets the envelope",
};

/// Rows of the pairwise combination of two of the three axes at most.
const PAIRWISE_BUDGET: usize = 40;

/// What a value that is not the form must get.
const EXPECT_NOT_THE_FORM: &str =
    "401 (the envelope): only `Bearer`, one SP, the key, nothing after it authenticates";

/// `HDR-1::scheme_spelling`, `HDR-1::gap_after_scheme`, `HDR-1::after_the_key` (each value of
/// one axis alone, the others as in the form), then `HDR-1::scheme_gap_tail_pairs`.
fn over_the_form_axes() -> Vec<Case> {
    let single = |what: &'static str, axis: Axis| {
        Case::new(Clause::Hdr1, what, move |ctx: Check| async move {
            let rows = axis.values().into_iter().map(|v| vec![v.label]).collect();
            not_the_form(&ctx, &[axis], rows, false).await
        })
    };
    vec![
        single("scheme_spelling", Axis::AuthScheme),
        single("gap_after_scheme", Axis::AuthGap),
        single("after_the_key", Axis::AuthTail),
        Case::new(Clause::Hdr1, "scheme_gap_tail_pairs", |ctx: Check| async move {
            let axes = FORM_CROSSING.axes;
            // Each two axes with the third as in the form: nearly every piece that is not the
            // form makes any value refused, so a third such piece would mask the pair.
            let (mut rows, mut pairs, mut covered) = (Vec::new(), 0, 0);
            for (a, b) in [(0, 1), (0, 2), (1, 2)] {
                let tables = vec![axes[a].values(), axes[b].values()];
                let (two, cover) = cover(&tables, PAIRWISE_BUDGET);
                pairs += cover.pairs;
                covered += cover.covered;
                for row in two {
                    rows.push(
                        axes.iter()
                            .map(|axis| {
                                row.iter()
                                    .find(|v| v.axis == *axis)
                                    .map_or_else(|| axis.values()[0].label.clone(), |v| v.label.clone())
                            })
                            .collect(),
                    );
                }
            }
            let count = rows.len();
            not_the_form(&ctx, axes, rows, true).await.map(|e| {
                e.and(format!(
                    "{covered} of {pairs} pairs of classes of two axes covered in {count} rows, the third axis as in the form"
                ))
            })
        }),
    ]
}

/// The valid key in each row's form (labels of `axes`, in order), keeping the rows that are not
/// the form; each must get 401 over every protocol. Pairwise rows (`pairs`) are judged as
/// interactions: one that fails because one of its pieces fails alone is that piece's finding.
async fn not_the_form(ctx: &Check, axes: &[Axis], rows: Vec<Vec<String>>, pairs: bool) -> CaseResult {
    use crate::space::authorization::piece_labelled;
    let key = ctx.valid_key()?;
    let method = ctx.probe().method;
    let path = ctx.probe_endpoint().path();
    let request = |pieces: &[(Axis, &str)]| {
        let mut form = Form::CANONICAL;
        for &(axis, label) in pieces {
            let piece = piece_labelled(axis, label).expect("a label of the axis");
            match axis {
                Axis::AuthScheme => form.scheme = piece,
                Axis::AuthGap => form.gap = piece,
                _ => form.tail = piece,
            }
        }
        // The form, HDR-5's variance or HDR-2's OWS are their clauses' to judge.
        (form.reading() == Reading::NotTheForm).then(|| {
            Presentation {
                form,
                ..Presentation::CANONICAL
            }
            .request(&method, &path, key.text())
        })
    };
    let mut combinations = Vec::new();
    for row in &rows {
        let pieces: Vec<(Axis, &str)> = axes.iter().copied().zip(row.iter().map(String::as_str)).collect();
        if let Some(combined) = request(&pieces) {
            combinations.push(Combination {
                request: combined,
                singles: pieces.iter().filter_map(|p| request(&[*p])).collect(),
            });
        }
    }
    let judge = |request: &Request, reply: &Reply| {
        rejected(reply).map_err(|why| {
            let form = presented_as(request);
            if why.is_empty() {
                format!("not the form: {form}")
            } else {
                format!("{why}; not the form: {form}")
            }
        })
    };
    if pairs {
        return expect_interactions(ctx, combinations, EXPECT_NOT_THE_FORM, judge).await;
    }
    let probes = combinations.into_iter().map(|c| c.request).collect();
    ctx.expect_every(probes, EXPECT_NOT_THE_FORM, judge).await
}
