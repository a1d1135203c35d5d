//! HDR-1..HDR-5: how the key is presented. Only `Authorization: Bearer <key>` authenticates
//! (HDR-1); the field name's case and whitespace around the value do not matter (HDR-2); no
//! other channel or scheme works (HDR-3); duplicates and lists fail (HDR-4); the scheme's case
//! and extra spaces are reported (HDR-5).

use base64::Engine as _;

use super::judges::EXPECT_REJECTED_OR_400;
use super::{accepted, bearer, rejected, rejected_or_400, Case, Check, Context, EXPECT_REJECTED};
use crate::judge::{owner_of, CaseResult, Evidence, Finding, Stop};
use crate::spec::{Clause, Level, Profile};
use crate::target::Key;
use crate::wire::{Request, Text};

/// An unknown but well-formed key, for the other half of duplicates and lists.
fn unknown() -> Text {
    Text::credential("thub_conformance_other_key_0000000000000")
}

/// Cookie names web frameworks and hand-rolled session code use (HDR-3: a browser session never
/// authenticates the Public API, whatever the cookie is called).
const SESSION_COOKIES: [&str; 16] = [
    "sessionid",
    "session_id",
    "sid",
    "connect.sid",
    "JSESSIONID",
    "PHPSESSID",
    "_session",
    "thub_session",
    "terminus_session",
    "auth",
    "auth_token",
    "authToken",
    "jwt",
    "apikey",
    "api-key",
    "Authorization",
];

/// Like [`Case::refused`], where the HTTP layer may answer 400 instead (HDR-4, URL userinfo).
fn refused_or_400(clause: Clause, what: &str, build: fn(&Context, &Key) -> Vec<Request>) -> Case {
    Case::new(clause, what, move |ctx: Check| async move {
        let key = ctx.valid_key()?;
        let probes = build(&ctx, key);
        ctx.expect_each(probes, EXPECT_REJECTED_OR_400, rejected_or_400)
            .await
    })
}

/// HDR-2: the valid key presented with a legal variation; each must succeed (not 401).
fn still_accepted(what: &str, build: fn(&Context, &Key) -> Vec<Request>) -> Case {
    Case::new(Clause::Hdr2, what, move |ctx: Check| async move {
        let key = ctx.valid_key()?;
        let probes = build(&ctx, key);
        ctx.expect_each(
            probes,
            "not 401: field names are case-insensitive and OWS around the value is not part of it",
            accepted,
        )
        .await
    })
}

fn auth(ctx: &Context, value: Text) -> Request {
    ctx.probe().authorization(value)
}

fn auth_exact(ctx: &Context, value: Text) -> Request {
    ctx.probe().exact().authorization(value)
}

fn query(ctx: &Context, name: &str, value: Text) -> Request {
    let e = ctx.probe_endpoint();
    Request::new(
        &e.method,
        Text::plain(format!("{}?{name}=", e.path())).then(value),
    )
}

fn header_pair(ctx: &Context, name: &str, key: &Key) -> Vec<Request> {
    vec![
        ctx.probe().field(name, key.text()),
        ctx.probe().field(name, bearer(key.text())),
    ]
}

fn cookie(ctx: &Context, name: &str, key: &Key) -> Vec<Request> {
    vec![ctx
        .probe()
        .field("Cookie", Text::plain(format!("{name}=")).then(key.text()))]
}

fn body_request(ctx: &Context) -> Request {
    match ctx.endpoints.iter().find(|e| e.method == "POST") {
        Some(e) => Request::new("POST", e.path()),
        None => Request::new("POST", ctx.probe_endpoint().path()),
    }
}

fn basic(user_and_password: Text, how: &str) -> Text {
    let encoded = base64::engine::general_purpose::STANDARD.encode(user_and_password.bytes());
    let shown = format!("Basic base64({})", user_and_password.shown());
    let secret = if user_and_password.credentials().is_empty() {
        Text::plain(encoded)
    } else {
        Text::secret(encoded, how)
    };
    Text::plain("Basic ").then(secret.relabel(shown))
}

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

/// Every case of the HDR family.
pub fn cases() -> Vec<Case> {
    let mut all = vec![
        Case::new(Clause::Hdr1, "missing_header", |ctx| async move {
            ctx.expect_each(
                vec![ctx.probe(), ctx.probe().exact()],
                EXPECT_REJECTED,
                rejected,
            )
            .await
        }),
        Case::new(Clause::Hdr1, "empty_value", |ctx| async move {
            let probes = vec![
                ctx.probe()
                    .exact()
                    .field_with_separator("Authorization", "", ""),
                ctx.probe().authorization(""),
            ];
            ctx.expect_each(probes, EXPECT_REJECTED, rejected).await
        }),
        Case::new(Clause::Hdr1, "scheme_alone", |ctx| async move {
            let probes = vec![
                auth(&ctx, "Bearer".into()),
                auth_exact(&ctx, "Bearer ".into()),
                auth(&ctx, "bearer".into()),
            ];
            ctx.expect_each(probes, EXPECT_REJECTED, rejected).await
        }),
        Case::refused(Clause::Hdr1, "key_without_scheme", |ctx, k| {
            vec![auth(ctx, k.text())]
        }),
        Case::refused(Clause::Hdr1, "no_space_after_scheme", |ctx, k| {
            vec![auth_exact(ctx, Text::plain("Bearer").then(k.text()))]
        }),
        Case::refused(Clause::Hdr1, "tab_after_scheme", |ctx, k| {
            vec![auth_exact(ctx, Text::plain("Bearer\t").then(k.text()))]
        }),
        Case::refused(Clause::Hdr1, "unicode_space_after_scheme", |ctx, k| {
            ["\u{a0}", "\u{3000}", "\u{2002}"]
                .iter()
                .map(|s| auth_exact(ctx, Text::plain(format!("Bearer{s}")).then(k.text())))
                .collect()
        }),
        Case::refused(Clause::Hdr1, "trailing_token", |ctx, k| {
            [" extra", " x=y", " Bearer", "\textra"]
                .iter()
                .map(|t| auth_exact(ctx, bearer(k.text()).then(Text::plain(*t))))
                .collect()
        }),
        Case::refused(Clause::Hdr1, "key_twice_after_scheme", |ctx, k| {
            vec![auth(ctx, bearer(k.text()).then(" ").then(k.text()))]
        }),
        Case::refused(Clause::Hdr1, "scheme_twice", |ctx, k| {
            vec![auth(ctx, Text::plain("Bearer Bearer ").then(k.text()))]
        }),
        Case::refused(Clause::Hdr1, "trailing_semicolon", |ctx, k| {
            vec![auth(ctx, bearer(k.text()).then(";"))]
        }),
        Case::refused(Clause::Hdr1, "scheme_with_separator", |ctx, k| {
            ["Bearer: ", "Bearer=", "Bearer:", "Bearer,"]
                .iter()
                .map(|s| auth_exact(ctx, Text::plain(*s).then(k.text())))
                .collect()
        }),
        Case::refused(Clause::Hdr1, "scheme_misspelled", |ctx, k| {
            ["Bearr ", "Beare ", "Bearer_", "Berear "]
                .iter()
                .map(|s| auth(ctx, Text::plain(*s).then(k.text())))
                .collect()
        }),
        still_accepted("field_name_lowercase", |ctx, k| {
            vec![ctx.probe().exact().field("authorization", bearer(k.text()))]
        }),
        still_accepted("field_name_uppercase", |ctx, k| {
            vec![ctx.probe().exact().field("AUTHORIZATION", bearer(k.text()))]
        }),
        still_accepted("field_name_mixed_case", |ctx, k| {
            vec![ctx.probe().exact().field("aUtHoRiZaTiOn", bearer(k.text()))]
        }),
        still_accepted("spaces_before_value", |ctx, k| {
            vec![ctx
                .probe()
                .exact()
                .field_with_separator("Authorization", "   ", bearer(k.text()))]
        }),
        still_accepted("spaces_after_value", |ctx, k| {
            vec![auth_exact(ctx, bearer(k.text()).then("   "))]
        }),
        still_accepted("tabs_around_value", |ctx, k| {
            vec![ctx.probe().exact().field_with_separator(
                "Authorization",
                "\t",
                bearer(k.text()).then("\t"),
            )]
        }),
        still_accepted("no_space_after_colon", |ctx, k| {
            vec![ctx
                .probe()
                .exact()
                .field_with_separator("Authorization", "", bearer(k.text()))]
        }),
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
        }),
    ];
    for name in ["api_key", "access_token", "key", "token"] {
        all.push(Case::new(
            Clause::Hdr3,
            format!("query_param_{name}"),
            move |ctx| async move {
                let key = ctx.valid_key()?;
                ctx.expect_each(
                    vec![query(&ctx, name, key.text())],
                    EXPECT_REJECTED,
                    rejected,
                )
                .await
            },
        ));
    }
    all.extend([
        Case::refused(Clause::Hdr3, "query_param_others", |ctx, k| {
            let mut v: Vec<Request> = [
                "apikey",
                "api-key",
                "apiKey",
                "auth",
                "bearer",
                "secret",
                "thub_key",
                "authorization",
            ]
            .iter()
            .map(|n| query(ctx, n, k.text()))
            .collect();
            v.push(query(
                ctx,
                "authorization",
                Text::plain("Bearer%20").then(k.text()),
            ));
            v
        }),
        Case::refused(Clause::Hdr3, "header_x_api_key", |ctx, k| {
            header_pair(ctx, "X-API-Key", k)
        }),
        Case::refused(Clause::Hdr3, "header_api_key", |ctx, k| {
            header_pair(ctx, "Api-Key", k)
        }),
        Case::refused(Clause::Hdr3, "header_proxy_authorization", |ctx, k| {
            header_pair(ctx, "Proxy-Authorization", k)
        }),
        Case::refused(Clause::Hdr3, "header_x_auth_token", |ctx, k| {
            header_pair(ctx, "X-Auth-Token", k)
        }),
        Case::refused(Clause::Hdr3, "header_x_access_token", |ctx, k| {
            header_pair(ctx, "X-Access-Token", k)
        }),
        Case::refused(Clause::Hdr3, "header_authentication", |ctx, k| {
            header_pair(ctx, "Authentication", k)
        }),
        Case::refused(Clause::Hdr3, "header_x_authorization", |ctx, k| {
            header_pair(ctx, "X-Authorization", k)
        }),
        Case::refused(
            Clause::Hdr3,
            "header_x_forwarded_authorization",
            |ctx, k| header_pair(ctx, "X-Forwarded-Authorization", k),
        ),
        Case::refused(Clause::Hdr3, "header_token", |ctx, k| {
            header_pair(ctx, "Token", k)
        }),
        Case::refused(Clause::Hdr3, "header_other_names", |ctx, k| {
            [
                "X-Api-Token",
                "X-Token",
                "Api-Token",
                "X-Key",
                "Key",
                "X-Terminus-Key",
                "X-Terminus-Api-Key",
                "X-Thub-Key",
                "X-Original-Authorization",
                "X-Http-Authorization",
                "Bearer",
                "X-Amz-Security-Token",
            ]
            .iter()
            .flat_map(|n| header_pair(ctx, n, k))
            .collect()
        }),
        Case::refused(Clause::Hdr3, "cookie_api_key", |ctx, k| {
            cookie(ctx, "api_key", k)
        }),
        Case::refused(Clause::Hdr3, "cookie_session", |ctx, k| {
            cookie(ctx, "session", k)
        }),
        Case::refused(Clause::Hdr3, "cookie_access_token", |ctx, k| {
            cookie(ctx, "access_token", k)
        }),
        Case::refused(Clause::Hdr3, "cookie_token", |ctx, k| {
            cookie(ctx, "token", k)
        }),
        Case::refused(Clause::Hdr3, "cookie_session_names", |ctx, k| {
            SESSION_COOKIES
                .iter()
                .flat_map(|n| cookie(ctx, n, k))
                .collect()
        }),
        Case::refused(Clause::Hdr3, "cookie_among_others", |ctx, k| {
            // One Cookie field carrying the key under every common name, after another cookie:
            // a server that looks through every cookie for a key accepts it.
            let mut value = Text::plain("theme=dark");
            for name in SESSION_COOKIES.iter().chain(&["api_key", "token", "key"]) {
                value = value.then(format!("; {name}=")).then(k.text());
            }
            vec![
                ctx.probe().field("Cookie", value),
                ctx.probe()
                    .field("Cookie", "theme=dark")
                    .field("Cookie", Text::plain("session=").then(k.text())),
                ctx.probe().field(
                    "Cookie",
                    Text::plain("session=\"").then(k.text()).then("\""),
                ),
            ]
        }),
        Case::refused(Clause::Hdr3, "cookie_authorization", |ctx, k| {
            vec![ctx.probe().field(
                "Cookie",
                Text::plain("Authorization=Bearer%20").then(k.text()),
            )]
        }),
        Case::refused(Clause::Hdr3, "json_body_api_key", |ctx, k| {
            ["api_key", "access_token", "key", "token"]
                .iter()
                .map(|n| {
                    body_request(ctx).body(
                        "application/json",
                        Text::plain(format!("{{\"{n}\":\""))
                            .then(k.text())
                            .then("\"}"),
                    )
                })
                .collect()
        }),
        Case::refused(Clause::Hdr3, "form_body_access_token", |ctx, k| {
            ["access_token", "api_key"]
                .iter()
                .map(|n| {
                    body_request(ctx).body(
                        "application/x-www-form-urlencoded",
                        Text::plain(format!("{n}=")).then(k.text()),
                    )
                })
                .collect()
        }),
        refused_or_400(Clause::Hdr3, "url_userinfo", |ctx, k| {
            vec![
                userinfo(ctx, k.text().then(":")),
                userinfo(ctx, Text::plain("api:").then(k.text())),
                userinfo(ctx, k.text()),
            ]
        }),
        Case::refused(Clause::Hdr3, "scheme_basic_key_as_user", |ctx, k| {
            vec![auth(
                ctx,
                basic(k.text().then(":"), "<base64 of valid key as user>"),
            )]
        }),
        Case::refused(Clause::Hdr3, "scheme_basic_key_as_password", |ctx, k| {
            vec![
                auth(
                    ctx,
                    basic(
                        Text::plain(":").then(k.text()),
                        "<base64 of valid key as password>",
                    ),
                ),
                auth(
                    ctx,
                    basic(
                        Text::plain("api:").then(k.text()),
                        "<base64 of valid key as password>",
                    ),
                ),
            ]
        }),
        Case::refused(Clause::Hdr3, "scheme_basic_raw_key", |ctx, k| {
            vec![auth(ctx, Text::plain("Basic ").then(k.text()))]
        }),
        Case::refused(Clause::Hdr3, "scheme_token", |ctx, k| {
            vec![
                auth(ctx, Text::plain("Token ").then(k.text())),
                auth(ctx, Text::plain("Token token=").then(k.text())),
            ]
        }),
        Case::refused(Clause::Hdr3, "scheme_apikey", |ctx, k| {
            ["ApiKey ", "Api-Key ", "Key ", "X-API-Key "]
                .iter()
                .map(|s| auth(ctx, Text::plain(*s).then(k.text())))
                .collect()
        }),
        Case::refused(Clause::Hdr3, "scheme_digest", |ctx, k| {
            vec![auth(
                ctx,
                Text::plain("Digest username=\"")
                    .then(k.text())
                    .then("\", realm=\"terminus-hub\", nonce=\"x\", uri=\"/\", response=\"0\""),
            )]
        }),
        Case::refused(Clause::Hdr3, "scheme_other", |ctx, k| {
            ["DPoP ", "MAC ", "OAuth ", "JWT "]
                .iter()
                .map(|s| auth(ctx, Text::plain(*s).then(k.text())))
                .collect()
        }),
        refused_or_400(Clause::Hdr4, "duplicate_field_valid_first", |ctx, k| {
            vec![auth_exact(ctx, bearer(k.text())).authorization(bearer(unknown()))]
        }),
        refused_or_400(Clause::Hdr4, "duplicate_field_valid_last", |ctx, k| {
            vec![auth_exact(ctx, bearer(unknown())).authorization(bearer(k.text()))]
        }),
        refused_or_400(Clause::Hdr4, "duplicate_field_same_valid_key", |ctx, k| {
            vec![auth_exact(ctx, bearer(k.text())).authorization(bearer(k.text()))]
        }),
        refused_or_400(
            Clause::Hdr4,
            "duplicate_field_names_differ_in_case",
            |ctx, k| {
                vec![ctx
                    .probe()
                    .exact()
                    .field("Authorization", bearer(k.text()))
                    .field("authorization", bearer(k.text()))]
            },
        ),
        refused_or_400(Clause::Hdr4, "duplicate_field_valid_and_empty", |ctx, k| {
            vec![
                auth_exact(ctx, bearer(k.text())).field_with_separator("Authorization", "", ""),
                ctx.probe()
                    .exact()
                    .field_with_separator("Authorization", "", "")
                    .authorization(bearer(k.text())),
            ]
        }),
        refused_or_400(
            Clause::Hdr4,
            "duplicate_field_valid_and_other_scheme",
            |ctx, k| {
                vec![
                    auth_exact(ctx, bearer(k.text())).authorization("Basic dXNlcjpwYXNzd29yZA=="),
                    auth_exact(ctx, "Basic dXNlcjpwYXNzd29yZA==".into())
                        .authorization(bearer(k.text())),
                ]
            },
        ),
        Case::new(Clause::Hdr4, "duplicate_field_over_h2", |ctx| async move {
            let key = ctx.valid_key()?;
            if !ctx.client.speaks_h2() {
                return Err(Stop::Ignored("the target does not offer HTTP/2".into()));
            }
            let probes = vec![
                ctx.probe()
                    .authorization(bearer(unknown()))
                    .authorization(bearer(key.text())),
                ctx.probe()
                    .authorization(bearer(key.text()))
                    .authorization(bearer(unknown())),
            ];
            ctx.expect_each(probes, EXPECT_REJECTED_OR_400, rejected_or_400)
                .await
        }),
        refused_or_400(Clause::Hdr4, "comma_joined_valid_first", |ctx, k| {
            vec![auth_exact(
                ctx,
                bearer(k.text()).then(", ").then(bearer(unknown())),
            )]
        }),
        refused_or_400(Clause::Hdr4, "comma_joined_valid_last", |ctx, k| {
            vec![auth_exact(
                ctx,
                bearer(unknown()).then(", ").then(bearer(k.text())),
            )]
        }),
        refused_or_400(Clause::Hdr4, "comma_joined_without_space", |ctx, k| {
            vec![
                auth_exact(ctx, bearer(k.text()).then(",").then(bearer(unknown()))),
                auth_exact(ctx, bearer(unknown()).then(",").then(bearer(k.text()))),
            ]
        }),
        refused_or_400(Clause::Hdr4, "comma_joined_same_key", |ctx, k| {
            vec![auth_exact(
                ctx,
                bearer(k.text()).then(", ").then(bearer(k.text())),
            )]
        }),
        refused_or_400(Clause::Hdr4, "comma_joined_other_scheme", |ctx, k| {
            vec![
                auth_exact(ctx, bearer(k.text()).then(", Basic dXNlcjpwYXNzd29yZA==")),
                auth_exact(
                    ctx,
                    Text::plain("Basic dXNlcjpwYXNzd29yZA==, ").then(bearer(k.text())),
                ),
            ]
        }),
        refused_or_400(Clause::Hdr4, "comma_after_key", |ctx, k| {
            vec![
                auth_exact(ctx, bearer(k.text()).then(",")),
                auth_exact(ctx, Text::plain(", ").then(bearer(k.text()))),
            ]
        }),
        refused_or_400(Clause::Hdr4, "comma_joined_bare_keys", |ctx, k| {
            vec![
                auth_exact(ctx, bearer(k.text()).then(",").then(unknown())),
                auth_exact(ctx, bearer(unknown()).then(",").then(k.text())),
            ]
        }),
    ]);
    all.extend([
        scheme_reading("scheme_lowercase", Level::Rfc, "bearer "),
        scheme_reading("scheme_uppercase", Level::Rfc, "BEARER "),
        scheme_reading("scheme_mixed_case", Level::Rfc, "bEaReR "),
        scheme_reading("several_spaces", Level::Informational, "Bearer   "),
        Case::refused(Clause::Hdr5, "lenient_scheme_still_checks_key", |ctx, k| {
            vec![
                auth(ctx, Text::plain("bearer ").then(k.truncated(k.len() - 1))),
                auth(ctx, Text::plain("BEARER   ").then(unknown())),
                auth_exact(ctx, Text::plain("bearer").then(k.text())),
                auth(ctx, Text::plain("bearer  ").then(k.extended("x"))),
            ]
        })
        .level(Level::Must),
    ]);
    all
}

/// HDR-5: a scheme variant with the valid key. Accepted is the RFC reading, 401 the doc
/// reading; both pass in `doc` (reported), only acceptance passes in `rfc` for case variants.
fn scheme_reading(what: &'static str, level: Level, scheme: &'static str) -> Case {
    Case::new(Clause::Hdr5, what, move |ctx: Check| async move {
        read_scheme(&ctx, level, scheme).await
    })
    .level(level)
}

async fn read_scheme(ctx: &Check, level: Level, scheme: &str) -> CaseResult {
    let key = ctx.valid_key()?;
    let request = ctx
        .probe()
        .exact()
        .authorization(Text::plain(scheme).then(key.text()));
    let reply = ctx.client.send(&request).await;
    let shown = format!("`{}<key>`", scheme);
    let finding = |expected: &str, why: &str| Finding {
        request: ctx.show(&request, &reply),
        expected: expected.into(),
        actual: reply.describe(),
        details: vec![why.into()],
    };
    match reply.status() {
        Some(401) if level == Level::Rfc && ctx.profile == Profile::Doc => Ok(Evidence::line(format!(
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
