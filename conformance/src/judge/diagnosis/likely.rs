//! Common causes a finding's evidence points to, each with the one change that fixes
//! it. They are read from the signature and the requests, in this order (the first that
//! matches): a framework's automatic HEAD and OPTIONS, docs and schema routes, the router's
//! slash redirects, authentication registered per route, a path variant let through by an
//! authentication that matches paths apart from the router, a strategy that also reads tokens
//! from the query or the body, and `strip()` of the credential.

use super::signature::Signature;
use crate::judge::exchange::Asked;
use crate::spec::Clause;

/// A recognised cause and what to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Likely {
    /// A stable name for it, for machines (`auth-per-route`): the JSON report's
    /// `likely_cause_id`.
    pub id: &'static str,
    /// What the deployment most likely does.
    pub cause: &'static str,
    /// What to change, in one sentence.
    pub change: &'static str,
}

/// HEAD answered by the framework before authentication.
pub const AUTOMATIC_HEAD: Likely = Likely {
    id: "automatic-head",
    cause: "the framework's automatic HEAD handling answers before authentication (HEAD refused with 405, or answered from the GET route, while GET gets the 401)",
    change: "Register the authentication for every method, HEAD included, ahead of the router (a middleware), or let the framework answer HEAD from GET only after authentication.",
};

/// OPTIONS answered by the framework (or a CORS layer) before authentication.
pub const AUTOMATIC_OPTIONS: Likely = Likely {
    id: "automatic-options",
    cause: "the framework's automatic OPTIONS (or a CORS layer) answers before authentication, listing the methods that exist",
    change: "Run the authentication before the framework's OPTIONS and CORS handling (or turn the automatic OPTIONS answer off), so that OPTIONS without a key gets the 401 envelope.",
};

/// Docs and schema routes mounted outside authentication.
pub const DOCS_ROUTES: Likely = Likely {
    id: "docs-routes",
    cause: "the framework's docs and schema routes (/docs, /openapi.json, /redoc) are mounted outside authentication",
    change: "Turn the docs and schema routes off in production (FastAPI: docs_url=None, redoc_url=None, openapi_url=None) or serve them behind the same authentication.",
};

/// The router's trailing-slash or slash-merging redirect.
pub const SLASH_REDIRECT: Likely = Likely {
    id: "slash-redirect",
    cause: "the router's trailing-slash or slash-merging redirect answers before authentication: it reveals that the route exists",
    change: "Authenticate before the router, or turn the slash redirect off (Starlette/FastAPI redirect_slashes=False, Django APPEND_SLASH=False, Express strict routing), so that a path variant gets the 401 envelope.",
};

/// Authentication attached to each route, after the router.
pub const PER_ROUTE: Likely = Likely {
    id: "auth-per-route",
    cause: "authentication registered per route instead of before routing: the router answers unknown paths (404) and methods (405) before any authentication runs",
    change: "Authenticate in a middleware (or the front end) that runs before the router, for every path and method, so that unknown paths and methods get the 401 envelope too.",
};

/// A path variant accepted without a key (ROUTE-2).
pub const PATH_MATCHED_APART: Likely = Likely {
    id: "path-matched-apart",
    cause: "the authentication matches paths apart from the router (an exempt list, an exact or prefix match) while the router normalises the variant, so the variant reaches the handler without a key",
    change: "Authenticate every request whatever its path, before the router normalises it: no path-based exemptions in the authentication layer.",
};

/// A strategy that reads tokens from the query or the body too.
pub const TOKEN_FROM_QUERY_OR_BODY: Likely = Likely {
    id: "token-from-query-or-body",
    cause: "the authentication strategy also reads tokens from the query or the body (RFC 6750 §2.2, §2.3: access_token)",
    change: "Read the key from the Authorization header only: turn off the strategy's query and body token extraction.",
};

/// `strip()` of the credential.
pub const STRIPPED_CREDENTIAL: Likely = Likely {
    id: "stripped-credential",
    cause: "the credential is strip()ped: tabs and spaces around the key (or between the scheme and the key) are ignored",
    change: "Split the header value on exactly one space after `Bearer` and compare the rest byte for byte, without strip()/trim().",
};

/// Last path segments of docs and schema routes.
const DOCS_PATHS: [&str; 10] = [
    "docs",
    "redoc",
    "openapi.json",
    "openapi.yaml",
    "swagger.json",
    "swagger",
    "api-docs",
    "swagger-ui",
    "swagger-ui.html",
    "oauth2-redirect",
];

/// The likely cause of the wrong answers `signature` given to `requests`, if it is a common one.
pub fn likely(clause: Clause, signature: &Signature, requests: &[&Asked]) -> Option<Likely> {
    let all =
        |test: &dyn Fn(&Asked) -> bool| !requests.is_empty() && requests.iter().all(|a| test(a));
    let keyless = all(&|a| !a.carries_a_valid_key());
    let status = signature.status?;
    if keyless && all(&|a| a.method == "HEAD") && (status == 405 || signature.is_accepted()) {
        return Some(AUTOMATIC_HEAD);
    }
    if keyless
        && all(&|a| a.method == "OPTIONS")
        && signature.is_accepted()
        && !signature.fields.is_empty()
    {
        return Some(AUTOMATIC_OPTIONS);
    }
    if keyless
        && signature.is_accepted()
        && all(&|a| {
            let last = a
                .path()
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            DOCS_PATHS.contains(&last)
        })
    {
        return Some(DOCS_ROUTES);
    }
    if keyless
        && (300..400).contains(&status)
        && signature.redirect.is_some_and(|r| r.is_about_slashes())
    {
        return Some(SLASH_REDIRECT);
    }
    if keyless && matches!(status, 404 | 405) {
        return Some(PER_ROUTE);
    }
    if clause == Clause::Route2
        && signature.is_accepted()
        && requests.iter().all(|a| a.credential.is_empty())
    {
        return Some(PATH_MATCHED_APART);
    }
    if signature.is_accepted()
        && all(&|a| {
            a.field("authorization").is_none()
                && a.credential
                    .iter()
                    .any(|c| c == "the target" || c == "the body")
        })
    {
        return Some(TOKEN_FROM_QUERY_OR_BODY);
    }
    if signature.is_accepted()
        && all(&|a| {
            a.field("authorization")
                .is_some_and(|v| whitespace_around_key(&v))
        })
    {
        return Some(STRIPPED_CREDENTIAL);
    }
    None
}

/// True when an `Authorization` value (as shown: a tab is `\t`) has a tab after the scheme,
/// a mix of tabs and spaces, or whitespace after the key.
fn whitespace_around_key(shown: &str) -> bool {
    let Some(rest) = shown
        .get(..6)
        .filter(|s| s.eq_ignore_ascii_case("bearer"))
        .map(|_| &shown[6..])
    else {
        return false;
    };
    let trailing = rest.ends_with(' ') || rest.ends_with("\\t");
    let gap: String = {
        let mut gap = String::new();
        let mut r = rest;
        loop {
            if let Some(next) = r.strip_prefix(' ') {
                gap.push(' ');
                r = next;
            } else if let Some(next) = r.strip_prefix("\\t") {
                gap.push('\t');
                r = next;
            } else {
                break;
            }
        }
        gap
    };
    trailing || gap.contains('\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_mixes_are_recognised() {
        assert!(whitespace_around_key("Bearer \\t<valid key>"));
        assert!(whitespace_around_key("Bearer\\t<valid key>"));
        assert!(whitespace_around_key("Bearer <valid key> "));
        assert!(!whitespace_around_key("Bearer  <valid key>"));
        assert!(!whitespace_around_key("Basic <valid key>"));
    }
}
