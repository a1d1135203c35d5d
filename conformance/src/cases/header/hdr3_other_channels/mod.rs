//! > **HDR-3** No other channel authenticates: not query parameters (`api_key`, `access_token`,
//! > `key`, `token`), not other headers (`X-API-Key`, `Api-Key`, `Proxy-Authorization`, …), not
//! > cookies (browser session login is a different method and never authenticates the Public
//! > API), not the request body, not userinfo in the URL, not another scheme (`Basic`, `Token`,
//! > `Digest`, `ApiKey`, …) even when it carries a valid key.
//!
//! Every case carries the valid key in a channel other than `Authorization: Bearer <key>`, a
//! file per channel; each must get 401 (URL userinfo: 401 or 400).

// The channels, in the manifest's order.
#[rustfmt::skip]
clause_files! { query, headers, cookies, body, userinfo, schemes }

use crate::cases::{Case, Context};
use crate::spec::Clause;
use crate::target::Key;
use crate::wire::Request;

/// A channel that carries the key under a name (a query parameter, a header field, a cookie):
/// the probes it makes for one name.
type NamedChannel = fn(&Context, &str, &Key) -> Vec<Request>;

/// An HDR-3 case sending the valid key under `name` in `channel`.
fn under_name(what: impl AsRef<str>, channel: NamedChannel, name: &'static str) -> Case {
    Case::refused(Clause::Hdr3, what, move |ctx, k| channel(ctx, name, k))
}

/// An HDR-3 case per name of `names`, named `<prefix><name>`, sending the valid key under that
/// name in `channel`.
fn case_per_name(prefix: &str, channel: NamedChannel, names: &'static [&'static str]) -> Vec<Case> {
    names
        .iter()
        .map(|name| under_name(format!("{prefix}{name}"), channel, name))
        .collect()
}

/// An HDR-3 case sending the valid key under each of `names` in `channel`.
fn under_names(what: &'static str, channel: NamedChannel, names: &'static [&'static str]) -> Case {
    Case::refused(Clause::Hdr3, what, move |ctx, k| {
        names
            .iter()
            .flat_map(|name| channel(ctx, name, k))
            .collect()
    })
}
