//! > **HDR-5** *Permitted variance.* RFC 9110 §11.1 makes the scheme name case-insensitive and
//! > RFC 6750 §2.1 allows `1*SP` between scheme and token. The vendor page says `Bearer thub_`. A
//! > deployment MAY accept `bearer`/`BEARER` and several spaces, or MAY reject them with the
//! > envelope. In the default profile the runner reports which (informational) and fails
//! > neither; in the `rfc` profile rejecting a case-variant of the scheme fails. The mock is
//! > doc-strict by default and RFC-lenient with a flag.
//!
//! Each variant of the scheme is sent with the valid key and its reading reported: accepted (the
//! RFC reading) or 401 (the doc reading). Then a `must` case: a lenient reading of the scheme
//! still checks the key.

use super::{auth, auth_exact, unknown};
use crate::cases::{accepted, Case, Check};
use crate::judge::{owner_of, CaseResult, Evidence};
use crate::spec::{Clause, Level, Profile};
use crate::wire::Text;

/// Scheme variants sent with the valid key: (case, level, what precedes the key). The case
/// variants are `rfc` (the `rfc` profile fails a 401), the spaces informational.
const READINGS: [(&str, Level, &str); 4] = [
    // RFC 9110 §11.1: the scheme name is case-insensitive.
    ("scheme_lowercase", Level::Rfc, "bearer "),
    ("scheme_uppercase", Level::Rfc, "BEARER "),
    ("scheme_mixed_case", Level::Rfc, "bEaReR "),
    // RFC 6750 §2.1's `1*SP`.
    ("several_spaces", Level::Informational, "Bearer   "),
];

/// The HDR-5 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = READINGS
        .iter()
        .map(|&(what, level, scheme)| {
            Case::new(Clause::Hdr5, what, move |ctx: Check| async move {
                read_scheme(&ctx, level, scheme).await
            })
            .level(level)
        })
        .collect();
    cases.push(lenient_scheme_still_checks_key());
    cases
}

/// Wrong keys under the lenient spellings (a truncated key, an unknown one, the key glued to
/// `bearer`, an extended key): accepting the scheme's variants must not loosen the key check, so
/// each must get 401 in every profile.
fn lenient_scheme_still_checks_key() -> Case {
    Case::refused(Clause::Hdr5, "lenient_scheme_still_checks_key", |ctx, k| {
        vec![
            auth(ctx, Text::plain("bearer ").then(k.truncated(k.len() - 1))),
            auth(ctx, Text::plain("BEARER   ").then(unknown())),
            auth_exact(ctx, Text::plain("bearer").then(k.text())),
            auth(ctx, Text::plain("bearer  ").then(k.extended("x"))),
        ]
    })
    .level(Level::Must)
}

/// HDR-5: a scheme variant with the valid key. Accepted is the RFC reading, 401 the doc
/// reading; both pass in `doc` (reported), only acceptance passes in `rfc` for case variants.
async fn read_scheme(ctx: &Check, level: Level, scheme: &str) -> CaseResult {
    let key = ctx.valid_key()?;
    let request = ctx
        .probe()
        .exact()
        .authorization(Text::plain(scheme).then(key.text()));
    let reply = ctx.client.send(&request).await;
    let shown = format!("`{}<key>`", scheme);
    let finding =
        |expected: &str, why: &str| ctx.finding(&request, &reply, expected, vec![why.into()]);
    match reply.status() {
        Some(401) if level == Level::Rfc && ctx.options.profile == Profile::Doc => Ok(Evidence::line(format!(
            "reading: {shown} is rejected with 401 (doc reading; --profile rfc fails this)"
        ))),
        Some(401) if level == Level::Rfc => Err(ctx.fail(format!("{shown} is rejected: the doc reading; the rfc profile requires a case-insensitive scheme (RFC 9110 §11.1)"))
            .finding(finding("not 401: RFC 9110 §11.1 makes the scheme name case-insensitive", "rejected"))
            .into()),
        Some(401) => Ok(Evidence::line(format!("reading: {shown} is rejected with 401 (doc reading)"))),
        Some(status) if status < 500 && accepted(&reply).is_ok() && status != 400 && status != 403 => {
            Ok(Evidence::line(format!("reading: {shown} is accepted ({status}, RFC reading)")))
        }
        _ => {
            let finding = finding("accepted (RFC reading) or 401 with the envelope (doc reading)", "no reading permits this answer");
            if let Some(owner) = owner_of(Clause::Hdr5, &request, &reply) {
                ctx.hand_over(owner, finding);
                return Ok(Evidence::line(format!("reading: {shown} is refused, but not with 401 ({}): {owner} reports it", reply.describe())));
            }
            let mut failure = ctx.fail(format!("{shown} is neither accepted nor rejected with the envelope"))
                .finding(finding);
            failure.always = true;
            Err(failure.into())
        }
    }
}
