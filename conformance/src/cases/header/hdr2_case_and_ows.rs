//! > **HDR-2** Field names are case-insensitive in HTTP: `authorization:` works like
//! > `Authorization:`. Whitespace before or after the whole field value is not part of it (HTTP
//! > OWS), so it neither helps nor hurts.
//!
//! The valid key in `Bearer <key>`, byte for byte under another spelling of the field name or
//! with whitespace around the value: each must be accepted (not 401). Then an unknown key with
//! the same whitespace: it must still get 401.

use super::unknown;
use crate::cases::{accepted, bearer, rejected, Case, EXPECT_REJECTED};
use crate::judge::Evidence;
use crate::spec::Clause;

/// What a legal variation of the valid key's field must get.
const EXPECT_ACCEPTED: &str =
    "not 401: field names are case-insensitive and OWS around the value is not part of it";

/// Legal spellings of `Authorization: Bearer <key>`: (case, field name, bytes between the colon
/// and `Bearer`, bytes after the key).
const STILL_ACCEPTED: [(&str, &str, &str, &str); 7] = [
    // Field names are case-insensitive (RFC 9110 §5.1), whatever a framework's lookup does.
    ("field_name_lowercase", "authorization", " ", ""),
    ("field_name_uppercase", "AUTHORIZATION", " ", ""),
    ("field_name_mixed_case", "aUtHoRiZaTiOn", " ", ""),
    // OWS before and after the value (RFC 9110 §5.5): a parser must trim it, not keep it.
    ("spaces_before_value", "Authorization", "   ", ""),
    ("spaces_after_value", "Authorization", " ", "   "),
    ("tabs_around_value", "Authorization", "\t", "\t"),
    // OWS is optional: no space after the colon is still the same field.
    ("no_space_after_colon", "Authorization", "", ""),
];

/// The HDR-2 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = STILL_ACCEPTED
        .iter()
        .map(|&(what, name, before, after)| {
            Case::each(Clause::Hdr2, what, EXPECT_ACCEPTED, accepted, move |ctx| {
                let key = ctx.valid_key()?;
                Ok(vec![ctx.probe().exact().field_with_separator(
                    name,
                    before,
                    bearer(key.text()).then(after),
                )])
            })
        })
        .collect();
    cases.push(whitespace_does_not_help());
    cases.push(ows_in_every_accepted_form());
    cases
}

/// HDR-2 in every form the deployment accepts the valid key in: for each HDR-5 variant it
/// accepted (`bearer`, several SP), the field name in lowercase, OWS before the value and OWS
/// after it must be accepted too (the canonical form's are the cases above).
fn ows_in_every_accepted_form() -> Case {
    use crate::cases::accepted_forms::{accepted_forms, Presentation};
    use crate::space::authorization::{presented_as, Reading, BEFORE, TAILS};
    Case::new(Clause::Hdr2, "ows_in_every_accepted_form", |ctx| async move {
        let key = ctx.valid_key()?;
        let forms = accepted_forms(&ctx).await?;
        let path = ctx.probe_endpoint().path();
        let method = ctx.probe().method;
        let mut probes = Vec::new();
        for p in forms.accepted.iter().filter(|p| p.reading() == Reading::Variance) {
            let mut ows_after = p.form;
            ows_after.tail = &TAILS[3];
            for variant in [
                Presentation { field: "authorization", ..*p },
                Presentation { before: &BEFORE[2], ..*p },
                Presentation { form: ows_after, ..*p },
            ] {
                probes.push(variant.request(&method, &path, key.text()));
            }
        }
        ctx.expect_every(probes, EXPECT_ACCEPTED, |request, reply| {
            accepted(reply).map_err(|why| format!("{why}; presented as: {}", presented_as(request)))
        })
        .await
        .map(|e| e.and(forms.summary()))
    })
}

/// An unknown key padded with spaces: OWS must not help either, so it must still get 401
/// (unless the unknown key is accepted bare too, which KEY-2 reports).
fn whitespace_does_not_help() -> Case {
    Case::new(Clause::Hdr2, "whitespace_does_not_help", |ctx| async move {
        let padded = ctx.probe().exact().field_with_separator(
            "Authorization",
            "  ",
            bearer(unknown()).then("  "),
        );
        // An unknown key accepted without the whitespace too is KEY-2's business.
        let bare = ctx
            .client
            .send(&ctx.probe().exact().authorization(bearer(unknown())))
            .await;
        if bare.status().is_some_and(|s| (200..300).contains(&s)) {
            return Ok(Evidence::line(format!(
                "an unknown key is accepted without whitespace too ({}): KEY-2 reports it",
                bare.describe()
            )));
        }
        ctx.expect_each(vec![padded], EXPECT_REJECTED, rejected)
            .await
    })
}
