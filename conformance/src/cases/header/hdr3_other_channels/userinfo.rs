//! HDR-3, URL userinfo: the valid key as `https://<key>:@host/…` in an absolute-form request
//! target. User agents turn userinfo into `Authorization: Basic`; a server must not read a key
//! from it. The HTTP layer may refuse such a target with 400, which passes too.

use crate::cases::header::refused_or_400;
use crate::cases::{Case, Context};
use crate::spec::Clause;
use crate::wire::{Request, Text};

/// The key as user (with and without the empty password) and as password: each must get 401 or
/// 400.
pub(super) fn cases() -> Vec<Case> {
    vec![url_userinfo()]
}

/// The one userinfo case.
fn url_userinfo() -> Case {
    refused_or_400(Clause::Hdr3, "url_userinfo", |ctx, k| {
        vec![
            userinfo(ctx, k.text().then(":")),
            userinfo(ctx, Text::plain("api:").then(k.text())),
            userinfo(ctx, k.text()),
        ]
    })
}

/// The probe endpoint as an absolute `https://info@host/path` target, sent byte for byte.
fn userinfo(ctx: &Context, info: Text) -> Request {
    let e = ctx.probe_endpoint();
    let mut request = Request::new(
        &e.method,
        Text::plain("https://").then(info).then(Text::plain(format!(
            "@{}{}",
            ctx.authority,
            ctx.full_path(&e.path())
        ))),
    );
    request.absolute = true;
    request.exact()
}
