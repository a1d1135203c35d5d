//! A small Public API written for these tests from SPEC.md, with one switchable [`Fault`] per
//! way a real implementation breaks a clause, and the variations SPEC.md permits. It judges a
//! request ([`Incoming`]) and says how to answer ([`Action`]); `raw_server` and `h2_server`
//! put it on the wire.

use base64::Engine as _;
use serde_json::json;

/// The valid key these servers know.
pub const VALID: &str = "thub_FakeValidKey0123456789abcdefghijklmn";
/// The revoked key these servers know.
pub const REVOKED: &str = "thub_FakeRevokedKey0123456789abcdefghijk";

/// One way of breaking SPEC.md, or one permitted variation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Correct, strict reading.
    None,
    // ---- broken ----
    /// KEY-1: compares the prefix case-insensitively.
    PrefixCaseInsensitive,
    /// KEY-1: accepts the secret without its prefix (prefix optional).
    PrefixOptional,
    /// KEY-2: accepts any prefix of the key of 10+ characters (a `starts_with` mix-up).
    AcceptsTruncatedKey,
    /// KEY-2: trims a trailing `=` or `.` off the token ("normalization").
    NormalizesToken,
    /// KEY-2: compares keys case-insensitively.
    CaseInsensitiveKey,
    /// KEY-4: a revoked key gets 403.
    RevokedGets403,
    /// KEY-4: revocation is not checked.
    RevokedAccepted,
    /// HDR-1: ignores tokens after the key.
    TrailingTokenIgnored,
    /// HDR-1: splits scheme and key on any whitespace (tab accepted).
    TabAccepted,
    /// HDR-1: accepts the key without the scheme.
    SchemeOptional,
    /// HDR-2: looks for the field name `Authorization` case-sensitively.
    FieldNameCaseSensitive,
    /// HDR-2: does not trim OWS around the value.
    WhitespaceNotTrimmed,
    /// HDR-3: accepts `X-API-Key`.
    AcceptsXApiKey,
    /// HDR-3: accepts `?api_key=`.
    AcceptsQueryParam,
    /// HDR-3: accepts `Basic` with the key as user or password.
    AcceptsBasic,
    /// HDR-3: accepts a `session` cookie holding the key.
    AcceptsCookie,
    /// HDR-4: the first of duplicate `Authorization` fields wins.
    FirstDuplicateWins,
    /// HDR-4: the last of duplicate fields wins (a map insert).
    LastDuplicateWins,
    /// HDR-4: a comma-joined list: the first credential wins.
    CommaJoinedFirstWins,
    /// ROUTE-1: unknown paths get 404 before authentication.
    NotFoundBeforeAuth,
    /// ROUTE-1: a wrong method gets 405 before authentication.
    MethodNotAllowedBeforeAuth,
    /// ROUTE-1: CORS preflight (OPTIONS) answered 204 before authentication.
    OptionsOpen,
    /// ROUTE-1: `/healthz` open.
    HealthzOpen,
    /// ROUTE-2: a trailing slash reaches the handler without authentication.
    TrailingSlashBypass,
    /// ERR-2: `code` is `"invalid_key"`.
    ErrorCodeSet,
    /// ERR-2: the envelope is sent as text/html.
    TextHtmlContentType,
    /// ERR-2: `message` is different.
    WrongMessage,
    /// ERR-3: "Missing API key" for a missing header.
    DifferentMessageWhenMissing,
    /// ERR-3: a header tells the cause (`X-Auth-Error: revoked`).
    ReasonHeader,
    /// ERR-3: 400 for a malformed value.
    Status400ForMalformed,
    /// ERR-4: HEAD responses carry the body.
    HeadWithBody,
    /// ERR-5 (rfc): no WWW-Authenticate.
    MissingWwwAuthenticate,
    /// ERR-6: the body echoes the presented credentials.
    EchoesCredentials,
    /// ERR-6: a header echoes the presented key.
    EchoesInHeader,
    /// ROB-1: a 500 when the value holds obs-text.
    ServerErrorOnObsText,
    /// ROB-1: hangs on values over 1000 bytes.
    HangsOnLongValue,
    /// ROB-1: closes the connection on `"` in the value.
    ResetOnQuote,
    /// OK-1: the valid key is refused on POST.
    ValidKeyRefusedOnPost,
    /// KEY-2: the token is trimmed with a Unicode-aware `trim()` (NBSP, NEL… as Latin-1).
    TrimsUnicodeWhitespace,
    /// KEY-2: any `thub_` followed by 30 to 64 alphanumerics is accepted (a format check only).
    FormatOnlyKey,
    /// HDR-3: a `sessionid` cookie holding the key is taken for a browser session.
    SessionIdCookie,
    /// ERR-4: HEAD responses carry the body, written a moment after the head.
    HeadWithLateBody,
    /// ERR-6: a header shows a hint of the key sent (`thub_...` and its last four characters).
    KeyHintHeader,
    /// ROB-1: 400 when the value holds obs-text (ASCII values get the envelope).
    Status400ForObsText,
    /// ROB-1: hangs on a value holding a double quote.
    HangsOnQuote,
    /// Everything fails: 200 for every request, echoing the request (the redaction test).
    EchoEverything,
    // ---- permitted ----
    /// Extra members in the envelope and a request id header.
    ExtraMembers,
    /// `application/json; charset=utf-8`.
    CharsetUtf8,
    /// HDR-5's RFC reading.
    LenientScheme,
    /// Every 40th request: 429 with `Retry-After: 1`.
    Occasional429,

    /// RFC 6750 §3.1: `error="invalid_token"` in the challenge when a token was sent.
    Rfc6750ErrorParam,
    /// Each connection is shut down (HTTP/2 GOAWAY) after 100 requests, as nginx's
    /// `keepalive_requests` does.
    GoawayAfter100Requests,
    /// The HTTP layer answers 400 to extension methods it does not parse (as Node's does), and
    /// nothing else differs.
    ParserRefusesExtensionMethods,
}

/// A parsed request.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub method: String,
    pub target: String,
    /// Names as received (case kept by the raw server).
    pub headers: Vec<(String, Vec<u8>)>,
}

/// A response.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What to do with a request.
pub enum Action {
    Respond(Outgoing),
    Hang,
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    Missing,
    Malformed,
    Unknown,
    Revoked,
}

const ROUTES: [(&str, &str, u16); 5] = [
    ("GET", "/v1/account", 200),
    ("GET", "/v1/projects", 200),
    ("POST", "/v1/projects", 201),
    ("GET", "/v1/projects/*", 200),
    ("DELETE", "/v1/projects/*", 200),
];

fn route_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/')),
        None => pattern == path,
    }
}

fn known_path(path: &str) -> bool {
    ROUTES.iter().any(|(_, p, _)| route_matches(p, path))
}

fn json_response(status: u16, body: serde_json::Value) -> Outgoing {
    Outgoing {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

fn route(method: &str, path: &str) -> Outgoing {
    if let Some((_, _, status)) = ROUTES
        .iter()
        .find(|(m, p, _)| *m == method && route_matches(p, path))
    {
        return json_response(*status, json!({"object": "account", "id": "acct_fake"}));
    }
    if method == "HEAD"
        && ROUTES
            .iter()
            .any(|(m, p, _)| *m == "GET" && route_matches(p, path))
    {
        return json_response(200, json!({"object": "account", "id": "acct_fake"}));
    }
    if known_path(path) {
        let allow: Vec<&str> = ROUTES
            .iter()
            .filter(|(_, p, _)| route_matches(p, path))
            .map(|(m, _, _)| *m)
            .collect();
        let mut out = json_response(
            if method == "OPTIONS" { 204 } else { 405 },
            json!({"error": {"type": "invalid_request_error"}}),
        );
        out.headers.push(("Allow".into(), allow.join(", ")));
        return out;
    }
    json_response(
        404,
        json!({"error": {"type": "not_found_error", "code": null, "message": "Not found"}}),
    )
}

fn trim_ows(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

fn header<'a>(req: &'a Incoming, name: &str) -> Option<&'a [u8]> {
    req.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_slice())
}

fn judge_key(fault: Fault, token: &[u8]) -> Result<(), Cause> {
    let token: String = if fault == Fault::TrimsUnicodeWhitespace {
        // Latin-1, as Python's and Node's HTTP servers decode field values.
        token.iter().map(|&b| b as char).collect()
    } else {
        String::from_utf8_lossy(token).into_owned()
    };
    let token: &str = token.as_str();
    if token.is_empty() || token.contains([' ', '\t', ',']) {
        return Err(Cause::Malformed);
    }
    let token = if fault == Fault::NormalizesToken {
        token.trim_end_matches(['=', '.'])
    } else {
        token
    };
    let latin1: String;
    let token = if fault == Fault::TrimsUnicodeWhitespace {
        latin1 = token.chars().collect();
        latin1.trim()
    } else {
        token
    };
    let accepted = token == VALID
        || (fault == Fault::PrefixCaseInsensitive
            && token.len() > 5
            && token.is_char_boundary(5)
            && token[..5].eq_ignore_ascii_case("thub_")
            && token[5..] == VALID[5..])
        || (fault == Fault::PrefixOptional && token == &VALID[5..])
        || (fault == Fault::AcceptsTruncatedKey && token.len() >= 10 && VALID.starts_with(token))
        || (fault == Fault::CaseInsensitiveKey && token.eq_ignore_ascii_case(VALID))
        || (fault == Fault::RevokedAccepted && token == REVOKED)
        || (fault == Fault::FormatOnlyKey
            && token != REVOKED
            && token.len() >= 35
            && token.len() <= 69
            && token.starts_with("thub_")
            && token[5..].bytes().all(|b| b.is_ascii_alphanumeric()));
    if accepted {
        Ok(())
    } else if token == REVOKED {
        Err(Cause::Revoked)
    } else {
        Err(Cause::Unknown)
    }
}

/// Authenticates; `Ok` or the cause of failure.
fn authenticate(fault: Fault, req: &Incoming) -> Result<(), Cause> {
    let query = req.target.split_once('?').map(|(_, q)| q).unwrap_or("");
    if fault == Fault::AcceptsXApiKey && header(req, "x-api-key") == Some(VALID.as_bytes()) {
        return Ok(());
    }
    if fault == Fault::AcceptsQueryParam
        && query.split('&').any(|p| p == format!("api_key={VALID}"))
    {
        return Ok(());
    }
    if fault == Fault::AcceptsCookie
        && header(req, "cookie").is_some_and(|c| c == format!("session={VALID}").as_bytes())
    {
        return Ok(());
    }
    if fault == Fault::SessionIdCookie
        && header(req, "cookie").is_some_and(|c| {
            String::from_utf8_lossy(c)
                .split(';')
                .any(|p| p.trim() == format!("sessionid={VALID}"))
        })
    {
        return Ok(());
    }
    let fields: Vec<&[u8]> = req
        .headers
        .iter()
        .filter(|(n, _)| {
            if fault == Fault::FieldNameCaseSensitive {
                n == "Authorization"
            } else {
                n.eq_ignore_ascii_case("authorization")
            }
        })
        .map(|(_, v)| v.as_slice())
        .collect();
    let raw = match fields.as_slice() {
        [] => return Err(Cause::Missing),
        [one] => *one,
        [first, ..] if fault == Fault::FirstDuplicateWins => *first,
        [.., last] if fault == Fault::LastDuplicateWins => *last,
        _ => return Err(Cause::Malformed),
    };
    let mut value = if fault == Fault::WhitespaceNotTrimmed {
        raw
    } else {
        trim_ows(raw)
    };
    if fault == Fault::CommaJoinedFirstWins {
        value = value.split(|&b| b == b',').next().unwrap_or_default();
    }
    let text = String::from_utf8_lossy(value).into_owned();
    if fault == Fault::AcceptsBasic {
        if let Some(encoded) = text.strip_prefix("Basic ") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap_or_default();
            if String::from_utf8_lossy(&decoded)
                .split(':')
                .any(|part| part == VALID)
            {
                return Ok(());
            }
        }
    }
    if fault == Fault::SchemeOptional && text == VALID {
        return Ok(());
    }
    let token: &[u8] = match fault {
        Fault::TrailingTokenIgnored | Fault::TabAccepted => {
            let mut parts = text.split_ascii_whitespace();
            let (scheme, token) = (parts.next(), parts.next());
            if scheme != Some("Bearer") || (fault == Fault::TabAccepted && parts.next().is_some()) {
                return Err(Cause::Malformed);
            }
            return judge_key(fault, token.unwrap_or_default().as_bytes());
        }
        Fault::LenientScheme => {
            if value.len() < 7 || !value[..6].eq_ignore_ascii_case(b"Bearer") || value[6] != b' ' {
                return Err(Cause::Malformed);
            }
            trim_ows_spaces(&value[6..])
        }
        _ => match value.strip_prefix(b"Bearer ") {
            Some(token) => token,
            None => return Err(Cause::Malformed),
        },
    };
    judge_key(fault, token)
}

fn trim_ows_spaces(mut v: &[u8]) -> &[u8] {
    while let [b' ', rest @ ..] = v {
        v = rest;
    }
    v
}

fn failure(fault: Fault, cause: Cause, req: &Incoming, counter: u64) -> Outgoing {
    let status = match (fault, cause) {
        (Fault::RevokedGets403, Cause::Revoked) => 403,
        (Fault::Status400ForMalformed, Cause::Malformed) => 400,
        _ => 401,
    };
    let message = match (fault, cause) {
        (Fault::DifferentMessageWhenMissing, Cause::Missing) => "Missing API key",
        (Fault::WrongMessage, _) => "Unauthorized",
        _ => "Invalid API key",
    };
    let code = if fault == Fault::ErrorCodeSet {
        json!("invalid_key")
    } else {
        json!(null)
    };
    let mut body =
        json!({"error": {"type": "authentication_error", "code": code, "message": message}});
    if fault == Fault::ExtraMembers {
        body["request_id"] = json!(format!("req_{counter:08}"));
        body["error"]["doc_url"] = json!("https://docs.example.invalid/errors/authentication");
    }
    if fault == Fault::EchoesCredentials {
        let presented = header(req, "authorization")
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default();
        body["error"]["received"] = json!(presented);
    }
    let content_type = match fault {
        Fault::TextHtmlContentType => "text/html",
        Fault::CharsetUtf8 => "application/json; charset=utf-8",
        _ => "application/json",
    };
    let mut headers = vec![("Content-Type".to_owned(), content_type.to_owned())];
    match fault {
        Fault::MissingWwwAuthenticate => {}
        Fault::Rfc6750ErrorParam if cause != Cause::Missing => headers.push((
            "WWW-Authenticate".into(),
            r#"Bearer realm="fake", error="invalid_token""#.into(),
        )),
        _ => headers.push(("WWW-Authenticate".into(), r#"Bearer realm="fake""#.into())),
    }
    if fault == Fault::ExtraMembers {
        headers.push(("X-Request-Id".into(), format!("req_{counter:08}")));
    }
    if fault == Fault::KeyHintHeader {
        if let Some(v) = header(req, "authorization") {
            if v.starts_with(b"Bearer thub_") && v.len() > 16 && v.is_ascii() {
                let last4 = String::from_utf8_lossy(&v[v.len() - 4..]).into_owned();
                headers.push(("X-Key-Hint".into(), format!("thub_...{last4}")));
            }
        }
    }
    if fault == Fault::ReasonHeader {
        headers.push(("X-Auth-Error".into(), format!("{cause:?}").to_lowercase()));
    }
    if fault == Fault::EchoesInHeader {
        if let Some(v) = header(req, "authorization") {
            headers.push((
                "X-Presented-Credential".into(),
                String::from_utf8_lossy(v).into_owned(),
            ));
        }
    }
    Outgoing {
        status,
        headers,
        body: body.to_string().into_bytes(),
    }
}

/// Answers one request.
pub fn handle(fault: Fault, req: &Incoming, counter: u64) -> Action {
    if fault == Fault::Occasional429 && counter % 40 == 39 {
        let mut out = json_response(429, json!({"error": {"type": "rate_limit_error"}}));
        out.headers.push(("Retry-After".into(), "1".into()));
        return Action::Respond(out);
    }
    if fault == Fault::EchoEverything {
        let dump: Vec<String> = req
            .headers
            .iter()
            .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v)))
            .collect();
        let mut out = json_response(200, json!({"target": req.target, "headers": dump}));
        out.headers.push((
            "X-Echo".into(),
            String::from_utf8_lossy(header(req, "authorization").unwrap_or_default()).into_owned(),
        ));
        return Action::Respond(out);
    }
    if fault == Fault::ParserRefusesExtensionMethods
        && ![
            "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
        ]
        .contains(&req.method.as_str())
    {
        return Action::Respond(Outgoing {
            status: 400,
            headers: vec![("Connection".into(), "close".into())],
            body: vec![],
        });
    }
    let auth_value = header(req, "authorization").unwrap_or_default();
    if fault == Fault::ServerErrorOnObsText && auth_value.iter().any(|&b| b >= 0x80) {
        return Action::Respond(Outgoing {
            status: 500,
            headers: vec![],
            body: b"internal error".to_vec(),
        });
    }
    if fault == Fault::HangsOnLongValue && auth_value.len() > 1000 {
        return Action::Hang;
    }
    if fault == Fault::HangsOnQuote && auth_value.contains(&b'"') {
        return Action::Hang;
    }
    if fault == Fault::Status400ForObsText && auth_value.iter().any(|&b| b >= 0x80) {
        return Action::Respond(Outgoing {
            status: 400,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: b"bad request".to_vec(),
        });
    }
    if fault == Fault::ResetOnQuote && auth_value.contains(&b'"') {
        return Action::Close;
    }
    let path = req.target.split(['?', ';']).next().unwrap_or("/");
    let path = path
        .strip_prefix("https://")
        .map_or(path, |rest| rest.find('/').map_or("/", |i| &rest[i..]));
    match fault {
        Fault::HealthzOpen if path == "/healthz" => {
            return Action::Respond(json_response(200, json!({"status": "ok"})))
        }
        Fault::OptionsOpen if req.method == "OPTIONS" => {
            return Action::Respond(Outgoing {
                status: 204,
                headers: vec![("Access-Control-Allow-Origin".into(), "*".into())],
                body: vec![],
            })
        }
        Fault::NotFoundBeforeAuth if !known_path(path) => {
            return Action::Respond(route(&req.method, path))
        }
        Fault::MethodNotAllowedBeforeAuth
            if known_path(path)
                && !ROUTES
                    .iter()
                    .any(|(m, p, _)| *m == req.method && route_matches(p, path)) =>
        {
            return Action::Respond(route(&req.method, path))
        }
        Fault::TrailingSlashBypass
            if path.len() > 1 && path.ends_with('/') && known_path(path.trim_end_matches('/')) =>
        {
            return Action::Respond(route(&req.method, path.trim_end_matches('/')))
        }
        _ => {}
    }
    match authenticate(fault, req) {
        Err(cause) => Action::Respond(failure(fault, cause, req, counter)),
        Ok(()) if fault == Fault::ValidKeyRefusedOnPost && req.method == "POST" => {
            Action::Respond(failure(fault, Cause::Unknown, req, counter))
        }
        Ok(()) => Action::Respond(route(&req.method, path)),
    }
}
