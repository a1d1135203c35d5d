//! A small Public API written for these tests from SPEC.md, with one switchable [`Fault`] per
//! way a real implementation breaks a clause, and the variations SPEC.md permits. It judges a
//! request ([`Incoming`]) and says how to answer ([`Action`]); `raw_server` and `h2_server`
//! put it on the wire.

mod authenticate;
mod failure;
mod frameworks;
mod negotiate;
mod observables;
mod rate_limit;
mod routes;
mod space;

use authenticate::{authenticate, header};
use failure::failure;
pub use rate_limit::{too_many_requests, Bucket};
use routes::{json_response, known_path, route, route_matches, ROUTES};
use serde_json::json;

/// The valid key these servers know.
pub const VALID: &str = "thub_FakeValidKey0123456789abcdefghijklmn";
/// A second active key of the same account (KEY-3 with `TERMINUS_SECOND_API_KEY`).
pub const SECOND: &str = "thub_FakeSecondKey0123456789abcdefghijkl";
/// The revoked key these servers know.
pub const REVOKED: &str = "thub_FakeRevokedKey0123456789abcdefghijk";
/// The `message` of [`Fault::MarkupInMessage`]: a script, and an image from another origin.
pub const MARKUP: &str =
    "<script>document.title='pwned'</script><img src=http://127.0.0.1:9/pwned.png>";

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
    /// KEY-2: drops spaces and tabs inside the token before comparing.
    RemovesInnerWhitespace,
    /// KEY-2: an ASCII-only parser: the token ends at the first byte ≥ 0x80.
    StopsAtObsText,
    /// KEY-2: percent-decodes the token before comparing.
    PercentDecodesKey,
    /// ERR-3: a revoked key is answered 300 ms later than an unknown one (looked up elsewhere).
    SlowForRevokedKey,
    /// ERR-3: the reason phrase tells the cause (`401 Key Revoked`).
    ReasonPhraseByCause,
    /// ERR-3: for a revoked key, the same envelope written differently (pretty-printed).
    BodyTextByCause,
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
    /// ERR-2: `message` is markup ([`MARKUP`]): what the HTML report must show as text.
    MarkupInMessage,
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

    // ---- front ends that treat a request form as internal or public (ROUTE-1) ----
    /// HTTP/1.0 requests skip authentication (routed to a default back end).
    Http10SkipsAuth,
    /// `Host: localhost` (any port) is trusted as internal.
    LoopbackHostTrusted,
    /// `X-Forwarded-For` or `X-Real-IP` of `127.0.0.1` is trusted as internal.
    TrustsLoopbackForwardedFor,
    /// The authenticator exempts by `X-Original-URL` (a health path), the router routes on the
    /// real path.
    AuthExemptsRewrittenUrl,
    /// `X-HTTP-Method-Override: OPTIONS` is answered as a CORS preflight, without a key.
    MethodOverrideOptionsOpen,

    // ---- broken on one protocol only (a front end that judges HTTP/2 and HTTP/1.1 apart) ----
    /// ROUTE-1, over HTTP/1.1 only: unknown paths get 404 before authentication.
    NotFoundBeforeAuthOverHttp1,
    /// ROUTE-2, over HTTP/2 only: a trailing slash reaches the handler without a key.
    TrailingSlashBypassOverHttp2,
    /// KEY-1, over HTTP/1.1 only: the prefix is compared case-insensitively.
    PrefixCaseInsensitiveOverHttp1,

    // ---- the field: not the target's fault, never a clause failure (R-5) ----
    /// Every request after the pre-flight is answered 429 with `Retry-After: 0`: a deployment
    /// that rate-limits the runner throughout.
    Always429,
    /// After the first two connections, every new connection is closed before the TLS
    /// handshake: requests on kept-alive connections are answered, new connections fail.
    DropsNewConnections,

    // ---- issue 16, every observable of a refusal (ERR-3, ROUTE-1): `observables.rs` ----
    /// ERR-3, as passport-http-bearer answers: no `WWW-Authenticate` for a value that is not two
    /// words, `Bearer realm="Users"` without a Bearer token, and
    /// `Bearer realm="Users", error="invalid_token"` for a token that is not a valid key.
    PassportChallenges,
    /// ERR-3: the challenge for a revoked key names another realm.
    RealmForRevokedKey,
    /// ROUTE-1: a refusal on a documented path carries `Allow` with its methods (as DRF's 401).
    AllowOnKnownPaths,
    /// ROUTE-1: a refusal carries `Content-Location` and `Link` naming the request's path.
    PathInLinkFields,
    /// ROUTE-1: the envelope carries the request's path as an extra member, `"path"`.
    PathInBody,
    /// Permitted (RFC 6750 §3.1): `error="invalid_token"` in the challenge for a Bearer token
    /// only; none without a field, for another scheme or for a value that is not
    /// `Bearer <token>`.
    ErrorAttributeForBearerTokensOnly,
    /// Permitted: times of the moment on every refusal (`Expires`, `X-RateLimit-Reset`) and a
    /// rate-limit counter, each changing every few requests, as a clock's second does.
    TimesOfTheMoment,
    // ---- issue 16, findings: framework shapes that answer before authentication ----
    /// (a) Authentication registered per route: unknown paths get 404 and wrong methods 405
    /// (with `Allow`) without a key, as FastAPI's `Depends(HTTPBearer())` does.
    AuthPerRoute,
    /// (b) The router's trailing-slash redirect: a documented path with a trailing slash gets
    /// 307 to the path without it, before authentication (Starlette's `redirect_slashes`).
    TrailingSlashRedirect,
    /// (c) The framework's automatic OPTIONS: 200 with `Allow` on documented paths, without a key.
    AutomaticOptions,
    /// (d) HEAD refused with 405 (and `Allow`) before authentication on documented paths.
    HeadRefusedBeforeAuth,
    // ---- i16-space: broken along one axis of the request space (fake_api/space.rs) ----
    /// Method axis: WebDAV `PROPFIND` answered 207 Multi-Status without a key.
    PropfindOpen,
    /// Target-form axis: `OPTIONS *` answered 200 with `Allow`, without a key.
    AsteriskOptionsOpen,
    /// Path axis: `\` and `%5C` turned into `/` by the router after the authenticator matched
    /// the raw path: a documented route answers without a key.
    BackslashNormalisedPastAuth,
    /// Query axis: `?_method=OPTIONS` answered 204 as a CORS preflight, without a key.
    QueryMethodOverrideOpen,
    /// Protocol axis: `Upgrade: h2c` requests handled before authentication.
    H2cUpgradeBeforeAuth,
    /// Front-end axis: `Expect: 100-continue` requests skip authentication.
    ExpectContinueSkipsAuth,
    /// Front-end axis: `If-None-Match: *` answered 304 before authentication.
    ConditionalAnswered304BeforeAuth,
    /// Two axes together only: HTTP/1.0 with any forwarding field skips authentication
    /// (either alone does not).
    Http10WithForwardingTrusted,
    /// i16-follow, front-end axis: a body of unknown length (`Transfer-Encoding: chunked`
    /// alone; over HTTP/2 no `content-length`), a streaming upload, is handed to the route
    /// before authentication.
    ChunkedBodySkipsAuth,
    /// i16-follow, front-end axis (`:authority`): authentication mounted on the virtual host
    /// named exactly as configured; a host spelled with a trailing dot falls to a default
    /// virtual host that routes without it.
    TrailingDotHostSkipsAuth,

    // ---- i16-forms: the `Authorization` value and content negotiation (HDR-1, KEY-2, ERR-2) ----
    /// HDR-1: FastAPI's `HTTPBearer`, Flask-HTTPAuth: the value split at its first space, the
    /// scheme compared case-insensitively, then `strip()` of what follows it — so `Bearer
    /// <SP><TAB>key` authenticates (`Bearer<TAB>key` does not: no space to split at).
    StripsAfterScheme,
    /// HDR-1, in combination only: `Bearer` is read strictly, but a case variant of the scheme
    /// (HDR-5's lenient branch) takes any run of spaces and tabs before the key.
    LenientBranchTrimsWhitespace,
    /// KEY-2: HDR-5's lenient reading, and under the scheme spelled `bearer` the key compared
    /// case-insensitively (one code path per spelling).
    CaseInsensitiveKeyUnderLowercaseScheme,
    /// ERR-2: DRF's browsable API: a refusal asked for with `Accept: text/html` is an HTML page.
    HtmlRefusalForBrowsers,
    /// ERR-2: an `Accept` that names neither JSON nor `*/*` (`application/xml`) gets 406.
    NotAcceptableWithoutJson,
    /// ERR-2: the refusal gzip-compressed when `Accept-Encoding` names gzip, without
    /// `Content-Encoding`.
    GzipWithoutContentEncoding,
    /// Permitted (ERR-2): the refusal gzip-compressed with `Content-Encoding: gzip` when
    /// `Accept-Encoding` names gzip.
    GzipWhenAsked,
    // ---- issue 16, item 3: the runner's fairness on the wire (R-5, R-10, R-12) ----
    /// Correct: every response says `Connection: close` and the connection ends after it; over
    /// HTTP/2 that is a GOAWAY after every response (what Go's net/http does with the header),
    /// so the streams opened meanwhile are declined unprocessed (R-5: retried, never judged).
    CloseAfterEachResponse,
    /// Correct enough to pass: over HTTP/2, the first request with a double quote in its
    /// `Authorization` gets no answer: the server shuts the connection down (GOAWAY) and holds
    /// that stream. The runner cannot tell it from a stream its HTTP/2 stack lost in a GOAWAY
    /// race, so it sends it again on a connection of its own, where it is answered.
    GoawayHoldingOneStream,
    /// Correct: every 7th request is answered 429 with `Retry-After: 1`.
    Every7th429,
    /// Correct: at most [`rate_limit::BUCKET_RATE`] requests per second (a token bucket of that size); the
    /// others are answered 429 with `Retry-After: 1`.
    TokenBucket,
    /// Correct: the connection ends after every response, without `Connection: close` (an
    /// idle keep-alive connection closed at once, as RFC 9112 §9.3 lets a server do): the
    /// runner's next request on it is sent again on a new connection.
    ClosesSilentlyAfterEachResponse,
    /// ROB-1, broken: a `"` in the `Authorization` value makes the server drop the whole
    /// connection (TCP closed, no GOAWAY): a reset in answer, not a decline. (`ResetOnQuote`
    /// resets the request alone: the connection over HTTP/1.1, the stream over HTTP/2.)
    ResetConnectionOnQuote,
}

/// A parsed request.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub method: String,
    pub target: String,
    /// Names as received (case kept by the raw server).
    pub headers: Vec<(String, Vec<u8>)>,
    /// True when it came over HTTP/2.
    pub http2: bool,
    /// True for an HTTP/1.0 request line.
    pub http10: bool,
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

/// Answers one request.
pub fn handle(fault: Fault, req: &Incoming, counter: u64) -> Action {
    // A fault of one protocol is that fault there, and none on the other.
    let fault = match (fault, req.http2) {
        (Fault::NotFoundBeforeAuthOverHttp1, false) => Fault::NotFoundBeforeAuth,
        (Fault::TrailingSlashBypassOverHttp2, true) => Fault::TrailingSlashBypass,
        (Fault::PrefixCaseInsensitiveOverHttp1, false) => Fault::PrefixCaseInsensitive,
        (
            Fault::NotFoundBeforeAuthOverHttp1
            | Fault::TrailingSlashBypassOverHttp2
            | Fault::PrefixCaseInsensitiveOverHttp1,
            _,
        ) => Fault::None,
        (fault, _) => fault,
    };
    if fault == Fault::Always429 && counter > 0 {
        let mut out = json_response(429, json!({"error": {"type": "rate_limit_error"}}));
        out.headers.push(("Retry-After".into(), "0".into()));
        return Action::Respond(out);
    }
    if fault == Fault::Occasional429 && counter % 40 == 39 {
        let mut out = json_response(429, json!({"error": {"type": "rate_limit_error"}}));
        out.headers.push(("Retry-After".into(), "1".into()));
        return Action::Respond(out);
    }
    if fault == Fault::Every7th429 && counter % 7 == 6 {
        return Action::Respond(too_many_requests());
    }
    if fault == Fault::ResetConnectionOnQuote
        && header(req, "authorization").is_some_and(|v| v.contains(&b'"'))
    {
        return Action::Close;
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
    let is = |name: &str, values: &[&str]| {
        header(req, name)
            .is_some_and(|v| values.iter().any(|x| v.eq_ignore_ascii_case(x.as_bytes())))
    };
    let loopback_host = header(req, "host").is_some_and(|h| {
        let h = String::from_utf8_lossy(h);
        // (Not 127.0.0.1: these fakes listen there, and the runner's own Host names it.)
        h == "localhost" || h.starts_with("localhost:")
    });
    if let Some(answer) = frameworks::before_authentication(fault, &req.method, path) {
        return Action::Respond(answer);
    }
    if let Some(action) = space::bypass(fault, req, path) {
        return action;
    }
    match fault {
        Fault::Http10SkipsAuth if req.http10 => return Action::Respond(route(&req.method, path)),
        Fault::LoopbackHostTrusted if loopback_host => {
            return Action::Respond(route(&req.method, path))
        }
        Fault::TrustsLoopbackForwardedFor
            if is("x-forwarded-for", &["127.0.0.1"]) || is("x-real-ip", &["127.0.0.1"]) =>
        {
            return Action::Respond(route(&req.method, path))
        }
        Fault::AuthExemptsRewrittenUrl if is("x-original-url", &["/healthz", "/health"]) => {
            return Action::Respond(route(&req.method, path))
        }
        Fault::MethodOverrideOptionsOpen if is("x-http-method-override", &["OPTIONS"]) => {
            return Action::Respond(Outgoing {
                status: 204,
                headers: vec![("Access-Control-Allow-Origin".into(), "*".into())],
                body: vec![],
            })
        }
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
