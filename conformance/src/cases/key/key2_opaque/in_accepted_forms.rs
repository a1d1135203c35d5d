//! KEY-2 in every form the deployment accepts the valid key in (issue 16): the key variants of
//! the `Authorization` axis ([`KEYS`]: unknown, truncated, extended, case-changed, quoted,
//! percent-encoded, base64) presented in the canonical form and in each HDR-5 or HDR-2 variant
//! the deployment accepted, with the safe methods, over every protocol. Each must get 401: a
//! lenient reading of the presentation must not loosen the comparison of the key.

use crate::cases::accepted_forms::{accepted_forms, crossed};
use crate::cases::{rejected, Case, Check, EXPECT_REJECTED};
use crate::judge::CaseResult;
use crate::space::key::{KeyClause, KEYS};
use crate::spec::Clause;
use crate::wire::Text;

/// `KEY-2::edits_in_every_accepted_form`.
pub(super) fn case() -> Case {
    Case::new(Clause::Key2, "edits_in_every_accepted_form", edits_in_every_accepted_form)
}

async fn edits_in_every_accepted_form(ctx: Check) -> CaseResult {
    let key = ctx.valid_key()?;
    let forms = accepted_forms(&ctx).await?;
    let variants: Vec<(&str, Text)> = KEYS
        .iter()
        .filter(|v| v.clause == KeyClause::Key2)
        .filter_map(|v| Some((v.label, (v.derive)(key)?)))
        .collect();
    let probes = crossed(&ctx, &forms.accepted, &variants, &forms.methods);
    let mut result = ctx
        .expect_every(probes, EXPECT_REJECTED, |request, reply| {
            rejected(reply).map_err(|why| in_form(why, request))
        })
        .await;
    if let Ok(evidence) = &mut result {
        evidence.0.push(forms.summary());
    }
    result
}

/// `why`, naming the presentation the request carried (its `auth-*` tags).
pub(crate) fn in_form(why: String, request: &crate::wire::Request) -> String {
    let form = crate::space::authorization::presented_as(request);
    if why.is_empty() {
        format!("presented as: {form}")
    } else {
        format!("{why}; presented as: {form}")
    }
}
