//! KEY-1..KEY-6: what counts as a key, a file per clause. A value without the exact `thub_`
//! prefix fails ([`key1_prefix`]); any other value than an issued key, byte for byte, fails —
//! truncated, extended, case-flipped, look-alike, trimmed, random and near-miss keys
//! ([`key2_opaque`]); and, where the admin plane is at hand, a second key has full access
//! ([`key3_full_access`]), revocation is immediate and looks like an unknown key
//! ([`key4_revocation`]), minting and revoking leave other keys working ([`key5_rotation`]),
//! and a key is never shown again ([`key6_shown_once`]).
//!
//! Here: the family's [`cases`] in manifest order, and what several clauses build on.

/// The cases (KEY-3..KEY-6) whose bodies are the `async fn`s of the same names, in the order
/// given: `cases_named_after!(Clause::Key5, new_key_leaves_existing_working)` is one
/// `Case::new(Clause::Key5, "new_key_leaves_existing_working", new_key_leaves_existing_working)`.
/// A case's name and the function that runs it cannot drift apart.
macro_rules! cases_named_after {
    ($clause:expr, $($body:ident),+ $(,)?) => {
        vec![$(crate::cases::Case::new($clause, stringify!($body), $body)),+]
    };
}

#[rustfmt::skip]
clause_files! { key1_prefix, key2_opaque, key3_full_access, key4_revocation, key5_rotation, key6_shown_once }

use super::{bearer, Case, Check, Context};
use crate::space::{Axis, Crossing};

/// What the KEY family requires over the request space (the README's axis table names them).
pub fn crossings() -> Vec<Crossing> {
    vec![
        Crossing {
            clause: Clause::Key2,
            axes: &[Axis::Key, Axis::AuthScheme, Axis::AuthGap, Axis::AuthOws],
            holds: "no variant of the key authenticates in any form the deployment accepts the valid key in, with any safe method, over any protocol",
        },
        Crossing {
            clause: Clause::Key4,
            axes: &[Axis::AuthScheme, Axis::AuthGap, Axis::AuthOws],
            holds: "the revoked key is refused in every form the deployment accepts the valid key in",
        },
    ]
}
use crate::judge::Stop;
use crate::spec::Clause;
use crate::target::Key;
use crate::wire::{is_safe_method, Reply, Request, Response, Text};

/// A deterministic KEY case (KEY-1, KEY-2): the probe endpoint with
/// `Authorization: Bearer <variant>` for each variant `derive` makes of the valid key; each
/// must get 401.
fn variants(
    clause: Clause,
    what: &str,
    derive: impl FnOnce(&Key) -> Vec<Text> + Send + 'static,
) -> Case {
    Case::refused(clause, what, move |ctx, key| {
        derive(key)
            .into_iter()
            .map(|v| ctx.probe().authorization(bearer(v)))
            .collect()
    })
}

/// Every documented endpoint, with `key` as its bearer key (KEY-3's second key, KEY-4's
/// revoked key).
fn every_endpoint_with(ctx: &Context, key: &Key) -> Vec<Request> {
    // a read-only run sends keys with safe methods only (a revoked key wrongly accepted, or
    // a second valid key, must not create or delete anything).
    let probes: Vec<Request> = ctx
        .endpoints
        .iter()
        .filter(|e| ctx.options.allow_writes || is_safe_method(&e.method))
        .map(|e| Request::new(&e.method, e.path()).authorization(bearer(key.text())))
        .collect();
    if probes.is_empty() {
        return vec![ctx.probe().authorization(bearer(key.text()))];
    }
    probes
}

/// The responses to a side-by-side comparison: a reference request twice (so that what varies
/// on its own, a date or a request id, is not counted as a difference), then the candidate.
/// `None` unless all three came back complete.
fn reference_twice_and_candidate(replies: &[Reply]) -> Option<(&Response, &Response, &Response)> {
    Some((
        replies[0].response()?,
        replies[1].response()?,
        replies[2].response()?,
    ))
}

/// A key minted on the admin plane for one case (KEY-3..KEY-6), with its id there. Without an
/// admin plane the case is ignored; a minting that fails fails the case.
async fn mint(ctx: &Check, label: &str) -> Result<(String, Key), Stop> {
    let minted = ctx.admin()?.mint(label).await.map_err(ctx.admin_failed())?;
    Ok((minted.id, minted.key))
}

/// Revokes the key with this id on the admin plane (KEY-4, KEY-5); a revocation that fails
/// fails the case.
async fn revoke(ctx: &Check, id: &str) -> Result<(), Stop> {
    ctx.admin()?.revoke(id).await.map_err(ctx.admin_failed())
}
