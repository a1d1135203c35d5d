//! Every numbered clause of SPEC.md as a type: part 1 (the contract a deployment keeps), part 3's
//! R-1..R-9 (what the runner itself promises in the field) and part 4's CLI-1..CLI-8 (the client
//! contract). Each clause is declared once, in the table below, with its ID, its level and the
//! one-sentence requirement every failure message quotes; a misspelt clause does not compile.

use std::fmt;
use std::str::FromStr;

use super::Level;

/// Declares [`Clause`] and its exhaustive `id()`, `level()` and `requirement()` from one table.
macro_rules! clauses {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $level:ident, $requirement:literal; )+) => {
        /// A numbered clause of SPEC.md, e.g. [`Clause::Hdr4`] for `HDR-4`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Clause {
            $( $(#[$doc])* $variant, )+
        }

        impl Clause {
            /// Every clause, in SPEC.md's order.
            pub const ALL: &'static [Clause] = &[$(Clause::$variant),+];

            /// The clause's ID as SPEC.md writes it, e.g. `"HDR-4"`.
            pub const fn id(self) -> &'static str {
                match self {
                    $(Clause::$variant => $id,)+
                }
            }

            /// How binding the clause is; a case may be less binding than its clause (HDR-5's
            /// scheme-case readings are `rfc`, its key check `must`).
            pub const fn level(self) -> Level {
                match self {
                    $(Clause::$variant => Level::$level,)+
                }
            }

            /// What the clause requires, in one sentence, as failure messages and the manifest
            /// quote it.
            pub const fn requirement(self) -> &'static str {
                match self {
                    $(Clause::$variant => $requirement,)+
                }
            }
        }
    };
}

clauses! {
    /// A key begins with `thub_`.
    Key1 = "KEY-1", Must, "a key begins with `thub_` (exactly, lowercase); a value that does not is never a valid key";
    /// A key is opaque: byte-for-byte or nothing.
    Key2 = "KEY-2", Must, "a key authenticates only if byte-for-byte equal to an issued, unrevoked key: no prefix, truncation, extension, case change or other normalization is accepted";
    /// Every active key has the same full access.
    Key3 = "KEY-3", Must, "every active key carries the same full account access: any active key calls every endpoint and sees the same account";
    /// Revocation is immediate.
    Key4 = "KEY-4", Must, "revocation is immediate: the next request with a revoked key fails exactly like an unrecognized key";
    /// Rotation leaves other keys working.
    Key5 = "KEY-5", Must, "creating a key leaves existing keys working; revoking one key leaves every other key working";
    /// A key is shown once.
    Key6 = "KEY-6", Must, "a key is shown once, at creation: nothing shows it again";
    /// Only `Authorization: Bearer <key>` authenticates.
    Hdr1 = "HDR-1", Must, "a request authenticates only with `Authorization: Bearer <key>`: the scheme `Bearer`, one space, the key, nothing after it";
    /// Field-name case and OWS do not matter.
    Hdr2 = "HDR-2", Must, "the field name is case-insensitive and whitespace around the whole value (OWS) neither helps nor hurts";
    /// No other channel authenticates.
    Hdr3 = "HDR-3", Must, "no other channel authenticates: not query parameters, other headers, cookies, the body, URL userinfo or another scheme";
    /// Duplicate fields and lists of credentials fail.
    Hdr4 = "HDR-4", Must, "more than one `Authorization` field, or one field listing several credentials, fails even when one is a valid key (the envelope, or 400)";
    /// Permitted variance: the scheme's case and the spaces after it.
    Hdr5 = "HDR-5", Informational, "the scheme's case and the spaces after it: a deployment may accept `bearer`/`BEARER` and several spaces or reject them with the envelope; the rfc profile requires case-insensitive schemes";
    /// No unauthenticated routes.
    Route1 = "ROUTE-1", Must, "there are no unauthenticated routes: every request without a valid key gets the envelope, on every path and method, before routing (no 404 or 405)";
    /// Path variants never reach a handler without a key.
    Route2 = "ROUTE-2", Must, "variants of a documented path (trailing slash, doubled slashes, case, percent-encoding, dot segments, ;params, a query) never reach a handler without a valid key";
    /// Failure is 401.
    Err1 = "ERR-1", Must, "an authentication failure is HTTP status 401";
    /// The envelope.
    Err2 = "ERR-2", Must, "the failure body is {\"error\":{\"type\":\"authentication_error\",\"code\":null,\"message\":\"Invalid API key\"}} (extra members allowed) with Content-Type application/json";
    /// Failures are indistinguishable.
    Err3 = "ERR-3", Must, "failures are indistinguishable: status, error.type, error.code and error.message are the same for every cause, with no finer-grained signal";
    /// HEAD answers like GET, without a body.
    Err4 = "ERR-4", Must, "a HEAD request gets the same status and headers as GET, without a body";
    /// RFC profile: a Bearer challenge.
    Err5 = "ERR-5", Rfc, "a 401 carries `WWW-Authenticate` with a `Bearer` challenge (RFC 9110 §11.6.1; required in the rfc profile)";
    /// No echo of the credentials.
    Err6 = "ERR-6", Must, "a failure response never echoes the credentials it was sent, whole or in part, in the body or a header";
    /// No 5xx, reset or hang for any valid-HTTP value.
    Rob1 = "ROB-1", Must, "no valid-HTTP value of `Authorization` yields a 5xx, a reset or a hang: within a 4 KiB header section it gets the envelope";
    /// Invalid HTTP may get 400 or 431, never 2xx or 5xx.
    Rob2 = "ROB-2", Must, "bytes that are not valid HTTP may get 400, an oversized header section 431 or 400: never a 2xx, never a 5xx";
    /// Rate limiting is permitted.
    Rob3 = "ROB-3", Informational, "a deployment may rate-limit with 429 and Retry-After; the runner waits and retries";
    /// A valid key is accepted everywhere.
    Ok1 = "OK-1", Must, "a valid key is accepted on every documented endpoint and method: the response is not 401";
    /// The runner: read-only by default.
    R1 = "R-1", Must, "with --target, the valid key is sent only with safe methods (GET, HEAD, OPTIONS) unless --allow-writes is given";
    /// The runner: keys are checked before they are trusted.
    R2 = "R-2", Must, "with --target, a missing TERMINUS_API_KEY stops the run (unless --no-key); a refused valid key or an accepted revoked key is one clear failure that names the secret as a possible cause";
    /// The runner: no key in clear.
    R3 = "R-3", Must, "an http:// target needs --plaintext; plain HTTP to a TLS port, or TLS to a plain port, is found by the pre-flight (exit 3) with the fix";
    /// The runner: TLS as users have it.
    R4 = "R-4", Must, "--ca-cert accepts a CA bundle or a self-signed end-entity certificate, and a TLS error's hint never names a flag already given";
    /// The runner: inconclusive is not failed.
    R5 = "R-5", Must, "a request that never reached the target, stayed rate limited, or was declined unprocessed (GOAWAY, REFUSED_STREAM, Connection: close) is evidence of nothing: retried (bounded), then reported inconclusive, never as a clause failure";
    /// The runner: CI artifacts always.
    R6 = "R-6", Must, "--junit and --report are written on every exit after the arguments parsed, exit 3 included";
    /// The runner: progress.
    R7 = "R-7", Must, "a run longer than a few seconds shows progress on stderr, and says before the first trial how many requests it plans";
    /// The runner: pipes and filters.
    R8 = "R-8", Must, "--list into a closed pipe ends quietly; a filter that selects no case says so on stderr";
    /// The runner: ROB-3 is visible.
    R9 = "R-9", Must, "the manifest has an informational ROB-3 case reporting the 429s met, their Retry-After and the time waited";
    /// The runner: any protocol the deployment speaks.
    R10 = "R-10", Must, "a deployment offering HTTP/2 alone, HTTP/1.1 alone or both is checked over what it offers; the pre-flight negotiates and never reports it unreachable for declining one";
    /// The runner: a rate limit slows the run, it does not end it.
    R12 = "R-12", Must, "retries after Retry-After are spread with jitter, and a run that meets 429s lowers its concurrency and rate, so a correct rate-limiting deployment is checked to the end";
    /// Client: exactly one `Authorization: Bearer <key>`, the key as configured.
    Cli1 = "CLI-1", Must, "every request carries exactly one `Authorization` field, `Bearer <key>`, with the key byte-for-byte as configured";
    /// Client: the key travels nowhere else.
    Cli2 = "CLI-2", Must, "the key travels in no other place: not in the URL, a cookie, another header or the body";
    /// Client: reads `TERMINUS_API_KEY`; fails early without a key.
    Cli3 = "CLI-3", Should, "given no key explicitly the client reads TERMINUS_API_KEY; with neither it fails before sending anything, saying how to provide a key";
    /// Client: the key never leaves its origin and never travels in clear.
    Cli4 = "CLI-4", Must, "the key never leaves the origin it was configured for and never travels in clear: redirects to another scheme, host or port drop `Authorization`";
    /// Client: TLS is verified.
    Cli5 = "CLI-5", Must, "TLS is verified: a certificate that does not chain to a trusted CA or does not name the host gets no HTTP request, and the client reports an error";
    /// Client: a 401 is final.
    Cli6 = "CLI-6", Must, "a 401 is final: the request is not resent with the same key, and the error raised carries the envelope's message, never the key";
    /// Client: `Retry-After` honoured, retries bounded.
    Cli7 = "CLI-7", Should, "after a 429 with Retry-After nothing is sent before the time has passed; retries of 429, 503 and resets are bounded and back off";
    /// Client: the key never appears in the client's output.
    Cli8 = "CLI-8", Must, "the key never appears in the client's own output: errors, exception text, logs, debug representations";
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for Clause {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// A clause ID that SPEC.md does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a clause of SPEC.md (clauses look like KEY-1, HDR-4, ERR-2, CLI-3)")]
pub struct UnknownClause(pub String);

impl FromStr for Clause {
    type Err = UnknownClause;

    /// Parses an ID as SPEC.md writes it (`HDR-4`; case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Clause::ALL
            .iter()
            .copied()
            .find(|c| c.id().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownClause(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_parse_back() {
        let mut ids: Vec<&str> = Clause::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Clause::ALL.len());
        for clause in Clause::ALL {
            assert_eq!(clause.id().parse::<Clause>(), Ok(*clause));
            assert_eq!(clause.to_string(), clause.id());
        }
        assert!("HDR-9".parse::<Clause>().is_err());
    }

    #[test]
    fn every_requirement_is_a_sentence() {
        for clause in Clause::ALL {
            let r = clause.requirement();
            assert!(r.len() > 20, "{clause}: {r}");
            assert!(!r.contains("see SPEC.md"), "{clause}");
        }
    }

    /// Every clause SPEC.md numbers (`**KEY-1**`, `- **R-5 …**`, `**CLI-3**`) is a variant, and
    /// every variant is a clause of SPEC.md. The repository's own SPEC.md when it has one, else
    /// the upstream text beside the checkout (`../shared/SPEC.md`).
    #[test]
    fn every_clause_of_spec_md_is_a_variant_and_back() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let candidates = [root.join("SPEC.md"), root.join("../shared/SPEC.md")];
        let Some(text) = candidates
            .iter()
            .find_map(|p| std::fs::read_to_string(p).ok())
        else {
            panic!("no SPEC.md at {candidates:?}: the clause list is checked against it");
        };
        let mut in_spec = std::collections::BTreeSet::new();
        for piece in text.split("**").skip(1).step_by(2) {
            let id = piece.split_whitespace().next().unwrap_or_default();
            let shaped = id.split_once('-').is_some_and(|(family, n)| {
                !family.is_empty()
                    && family.bytes().all(|b| b.is_ascii_uppercase())
                    && !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
            });
            if shaped {
                in_spec.insert(id.to_owned());
            }
        }
        let in_code: std::collections::BTreeSet<String> =
            Clause::ALL.iter().map(|c| c.id().to_owned()).collect();
        assert_eq!(in_spec, in_code, "SPEC.md's clauses and Clause::ALL differ");
    }

    #[test]
    fn levels_follow_spec() {
        assert_eq!(Clause::Hdr5.level(), Level::Informational);
        assert_eq!(Clause::Err5.level(), Level::Rfc);
        assert_eq!(Clause::Cli3.level(), Level::Should);
        assert_eq!(Clause::Cli7.level(), Level::Should);
        assert_eq!(Clause::Cli1.level(), Level::Must);
    }
}
