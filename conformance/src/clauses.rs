//! The clauses of SPEC.md part 1, by ID: the requirement each failure message quotes.

/// A clause of SPEC.md part 1, e.g. `HDR-3`.
pub type Clause = &'static str;

/// The requirement a clause states, shortened to one sentence for failure messages.
pub fn requirement(clause: Clause) -> &'static str {
    match clause {
        "KEY-1" => "a key begins with `thub_` (exactly, lowercase); a value that does not is never a valid key",
        "KEY-2" => "a key authenticates only if byte-for-byte equal to an issued, unrevoked key: no prefix, truncation, extension, case change or other normalization is accepted",
        "KEY-3" => "every active key carries the same full account access: any active key calls every endpoint and sees the same account",
        "KEY-4" => "revocation is immediate: the next request with a revoked key fails exactly like an unrecognized key",
        "KEY-5" => "creating a key leaves existing keys working; revoking one key leaves every other key working",
        "KEY-6" => "a key is shown once, at creation: nothing shows it again",
        "HDR-1" => "a request authenticates only with `Authorization: Bearer <key>`: the scheme `Bearer`, one space, the key, nothing after it",
        "HDR-2" => "the field name is case-insensitive and whitespace around the whole value (OWS) neither helps nor hurts",
        "HDR-3" => "no other channel authenticates: not query parameters, other headers, cookies, the body, URL userinfo or another scheme",
        "HDR-4" => "more than one `Authorization` field, or one field listing several credentials, fails even when one is a valid key (the envelope, or 400)",
        "HDR-5" => "the scheme's case and the spaces after it: a deployment may accept `bearer`/`BEARER` and several spaces or reject them with the envelope; the rfc profile requires case-insensitive schemes",
        "ROUTE-1" => "there are no unauthenticated routes: every request without a valid key gets the envelope, on every path and method, before routing (no 404 or 405)",
        "ROUTE-2" => "variants of a documented path (trailing slash, doubled slashes, case, percent-encoding, dot segments, ;params, a query) never reach a handler without a valid key",
        "ERR-1" => "an authentication failure is HTTP status 401",
        "ERR-2" => "the failure body is {\"error\":{\"type\":\"authentication_error\",\"code\":null,\"message\":\"Invalid API key\"}} (extra members allowed) with Content-Type application/json",
        "ERR-3" => "failures are indistinguishable: status, error.type, error.code and error.message are the same for every cause, with no finer-grained signal",
        "ERR-4" => "a HEAD request gets the same status and headers as GET, without a body",
        "ERR-5" => "a 401 carries `WWW-Authenticate` with a `Bearer` challenge (RFC 9110 §11.6.1; required in the rfc profile)",
        "ERR-6" => "a failure response never echoes the credentials it was sent, whole or in part, in the body or a header",
        "ROB-1" => "no valid-HTTP value of `Authorization` yields a 5xx, a reset or a hang: within a 4 KiB header section it gets the envelope",
        "ROB-2" => "bytes that are not valid HTTP may get 400, an oversized header section 431 or 400: never a 2xx, never a 5xx",
        "ROB-3" => "a deployment may rate-limit with 429 and Retry-After; the runner waits and retries",
        "OK-1" => "a valid key is accepted on every documented endpoint and method: the response is not 401",
        _ => "see SPEC.md",
    }
}
