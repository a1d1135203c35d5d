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
//! alone ([`over_the_form_axes`]), then the three pairwise; every combination that is not the
//! form (nor HDR-5's variance, nor HDR-2's OWS at the end of the field) must get 401, over every
//! protocol, and a finding names the form.
//!
//! Whitespace alone after the key ends the field value, where HTTP makes it OWS (RFC 9110 §5.5,
//! HDR-2: it neither helps nor hurts); after the key, HDR-1's tab is one with more after it.

use super::{auth, auth_exact, prefixed_key};
use crate::cases::accepted_forms::Presentation;
use crate::cases::{bearer, rejected, Case, Check, EXPECT_REJECTED};
use crate::judge::CaseResult;
use crate::space::authorization::{presented_as, Form, Reading};
use crate::space::{cover, Axis, Crossing};
use crate::spec::Clause;

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

/// Rows of the pairwise combination of the three axes at most.
const PAIRWISE_BUDGET: usize = 60;

/// What a value that is not the form must get.
const EXPECT_NOT_THE_FORM: &str =
    "401 (the envelope): only `Bearer`, one SP, the key, nothing after it authenticates";

/// `HDR-1::scheme_spelling`, `HDR-1::gap_after_scheme`, `HDR-1::after_the_key` (each value of
/// one axis alone, the others as in the form), then `HDR-1::scheme_gap_tail_pairs`.
fn over_the_form_axes() -> Vec<Case> {
    let single = |what: &'static str, axis: Axis| {
        Case::new(Clause::Hdr1, what, move |ctx: Check| async move {
            let rows = axis.values().into_iter().map(|v| vec![v.label]).collect();
            not_the_form(&ctx, &[axis], rows).await
        })
    };
    vec![
        single("scheme_spelling", Axis::AuthScheme),
        single("gap_after_scheme", Axis::AuthGap),
        single("after_the_key", Axis::AuthTail),
        Case::new(Clause::Hdr1, "scheme_gap_tail_pairs", |ctx: Check| async move {
            let axes = FORM_CROSSING.axes;
            let tables: Vec<_> = axes.iter().map(|a| a.values()).collect();
            let (rows, covered) = cover(&tables, PAIRWISE_BUDGET);
            let rows: Vec<Vec<String>> = rows
                .into_iter()
                .map(|row| {
                    // A row leaves an axis out where it would cover nothing new: the form's
                    // piece there.
                    axes.iter()
                        .map(|a| {
                            row.iter()
                                .find(|v| v.axis == *a)
                                .map_or_else(|| a.values()[0].label.clone(), |v| v.label.clone())
                        })
                        .collect()
                })
                .collect();
            not_the_form(&ctx, axes, rows).await.map(|e| {
                e.and(format!(
                    "{} of {} pairs of classes of two axes covered in {} rows",
                    covered.covered, covered.pairs, covered.rows
                ))
            })
        }),
    ]
}

/// The valid key in each row's form (labels of `axes`, in order), keeping the rows that are not
/// the form; each must get 401 over every protocol.
async fn not_the_form(ctx: &Check, axes: &[Axis], rows: Vec<Vec<String>>) -> CaseResult {
    use crate::space::authorization::piece_labelled;
    let key = ctx.valid_key()?;
    let probe = ctx.probe();
    let path = ctx.probe_endpoint().path();
    let mut probes = Vec::new();
    for row in rows {
        let mut form = Form::CANONICAL;
        for (axis, label) in axes.iter().zip(&row) {
            let piece = piece_labelled(*axis, label).expect("a label of the axis");
            match axis {
                Axis::AuthScheme => form.scheme = piece,
                Axis::AuthGap => form.gap = piece,
                _ => form.tail = piece,
            }
        }
        if form.reading() != Reading::NotTheForm {
            // The form, HDR-5's variance or HDR-2's OWS: their clauses judge them.
            continue;
        }
        let presentation = Presentation {
            form,
            ..Presentation::CANONICAL
        };
        probes.push(presentation.request(&probe.method, &path, key.text()));
    }
    ctx.expect_every(probes, EXPECT_NOT_THE_FORM, |request, reply| {
        rejected(reply).map_err(|why| {
            let form = presented_as(request);
            if why.is_empty() {
                format!("not the form: {form}")
            } else {
                format!("{why}; not the form: {form}")
            }
        })
    })
    .await
}
