//! The authentication decision of the Public API (SPEC.md part 1, KEY-1..KEY-4, HDR-1..HDR-5).
//!
//! It is taken before routing, for every method and path (ROUTE-1), from the request's headers
//! alone. The outcome's reason is for the log only: every rejection gets the same envelope
//! (ERR-3).

use http::header::AUTHORIZATION;
use http::HeaderMap;

use crate::keys::{KeyStore, Verification, KEY_PREFIX};

/// How the scheme of HDR-1 is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchemeReading {
    /// The vendor page's reading: exactly `Bearer`, exactly one space (the mock's default).
    #[default]
    Strict,
    /// RFC 9110 §11.1 / RFC 6750 §2.1: the scheme in any case, one or more spaces (HDR-5).
    Lenient,
}

/// Why a request did not authenticate. Logged at debug level to help SDK authors; never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// No `Authorization` field (HDR-1).
    Missing,
    /// More than one `Authorization` field (HDR-4).
    Duplicate,
    /// Not `Bearer <token>`: another scheme, no space, empty (HDR-1, HDR-3).
    NotBearer,
    /// The token holds a space, comma or other separator: several credentials or trailing
    /// tokens (HDR-1, HDR-4).
    Malformed,
    /// The token does not begin with `thub_` (KEY-1).
    NoPrefix,
    /// Never issued (KEY-2).
    Unknown,
    /// Issued, then revoked (KEY-4).
    Revoked,
}

impl Rejection {
    /// A short phrase for the log line.
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::Missing => "no Authorization header",
            Rejection::Duplicate => "more than one Authorization header",
            Rejection::NotBearer => "Authorization is not `Bearer <key>`",
            Rejection::Malformed => "more than one token after Bearer",
            Rejection::NoPrefix => "key does not begin with thub_",
            Rejection::Unknown => "unknown key",
            Rejection::Revoked => "revoked key",
        }
    }
}

/// The decision for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A valid key; carries the key's id.
    Accepted(String),
    /// Anything else.
    Rejected(Rejection),
}

/// HTTP optional whitespace (RFC 9110 §5.6.3): space and horizontal tab.
fn trim_ows(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

/// Splits `Bearer <token>` per the reading; `None` when the value is not of that shape.
fn bearer_token(value: &[u8], reading: SchemeReading) -> Option<&[u8]> {
    const SCHEME: &[u8] = b"Bearer";
    if value.len() <= SCHEME.len() {
        return None;
    }
    let (scheme, rest) = value.split_at(SCHEME.len());
    let scheme_ok = match reading {
        SchemeReading::Strict => scheme == SCHEME,
        SchemeReading::Lenient => scheme.eq_ignore_ascii_case(SCHEME),
    };
    if !scheme_ok {
        return None;
    }
    match reading {
        SchemeReading::Strict => rest.strip_prefix(b" "),
        SchemeReading::Lenient => {
            let token_start = rest.iter().position(|&b| b != b' ')?;
            (token_start > 0).then(|| &rest[token_start..])
        }
    }
}

/// Decides whether the request's headers carry a valid key.
///
/// ```
/// use http::header::{HeaderMap, HeaderValue, AUTHORIZATION};
/// use terminus_mock::auth::{authenticate, Decision, Rejection};
/// use terminus_mock::{KeyStore, SchemeReading};
///
/// let store = KeyStore::new();
/// let minted = store.mint("ci")?;
/// let judge = |value: &str, reading| {
///     let mut headers = HeaderMap::new();
///     headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
///     authenticate(&headers, &store, reading)
/// };
/// let exact = format!("Bearer {}", minted.key);
/// assert_eq!(judge(&exact, SchemeReading::Strict), Decision::Accepted(minted.record.id.clone()));
/// // HDR-5: `bearer` fails in the strict reading, passes in the lenient one.
/// let lower = format!("bearer {}", minted.key);
/// assert_eq!(judge(&lower, SchemeReading::Strict), Decision::Rejected(Rejection::NotBearer));
/// assert!(matches!(judge(&lower, SchemeReading::Lenient), Decision::Accepted(_)));
/// // KEY-1: no `thub_`, no key.
/// assert_eq!(judge("Bearer 123", SchemeReading::Strict), Decision::Rejected(Rejection::NoPrefix));
/// # Ok::<(), terminus_mock::KeyStoreError>(())
/// ```
pub fn authenticate(headers: &HeaderMap, store: &KeyStore, reading: SchemeReading) -> Decision {
    let mut fields = headers.get_all(AUTHORIZATION).iter();
    let Some(field) = fields.next() else {
        return Decision::Rejected(Rejection::Missing);
    };
    if fields.next().is_some() {
        return Decision::Rejected(Rejection::Duplicate);
    }
    let Some(token) = bearer_token(trim_ows(field.as_bytes()), reading) else {
        return Decision::Rejected(Rejection::NotBearer);
    };
    // `Bearer a b`, `Bearer a,Bearer b`, `Bearer \tkey`: not one token (HDR-1, HDR-4).
    if token.is_empty()
        || token
            .iter()
            .any(|&b| b == b' ' || b == b'\t' || b == b',' || b.is_ascii_control())
    {
        return Decision::Rejected(Rejection::Malformed);
    }
    if !token.starts_with(KEY_PREFIX.as_bytes()) {
        return Decision::Rejected(Rejection::NoPrefix);
    }
    match store.verify(token) {
        Verification::Active(id) => Decision::Accepted(id),
        Verification::Revoked(_) => Decision::Rejected(Rejection::Revoked),
        Verification::Unknown => Decision::Rejected(Rejection::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use proptest::prelude::*;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(AUTHORIZATION, HeaderValue::from_bytes(v).unwrap());
        }
        map
    }

    fn decide(values: &[&[u8]], reading: SchemeReading) -> (Decision, String) {
        let store = KeyStore::new();
        let key = store.mint("t").unwrap().key;
        let values: Vec<Vec<u8>> = values
            .iter()
            .map(|v| String::from_utf8_lossy(v).replace("KEY", &key).into_bytes())
            .collect();
        let refs: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
        (authenticate(&headers(&refs), &store, reading), key)
    }

    fn accepted(values: &[&[u8]], reading: SchemeReading) -> bool {
        matches!(decide(values, reading).0, Decision::Accepted(_))
    }

    #[test]
    fn strict_reading() {
        use SchemeReading::Strict;
        assert!(accepted(&[b"Bearer KEY"], Strict));
        assert!(
            accepted(&[b"  Bearer KEY \t"], Strict),
            "OWS around the value"
        );
        for bad in [
            &b"bearer KEY"[..],
            b"BEARER KEY",
            b"Bearer  KEY",
            b"Bearer\tKEY",
            b"BearerKEY",
            b"Bearer KEY extra",
            b"Bearer KEY,Bearer KEY",
            b"Bearer KEY, KEY",
            b"Basic KEY",
            b"Token KEY",
            b"KEY",
            b"Bearer",
            b"Bearer ",
            b"",
        ] {
            assert!(
                !accepted(&[bad], Strict),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(!accepted(&[b"Bearer KEY", b"Bearer KEY"], Strict));
        assert!(!accepted(&[b"Bearer thub_nope", b"Bearer KEY"], Strict));
        assert_eq!(
            decide(&[], Strict).0,
            Decision::Rejected(Rejection::Missing)
        );
    }

    #[test]
    fn lenient_reading_accepts_rfc_variants_only() {
        use SchemeReading::Lenient;
        assert!(accepted(&[b"bearer KEY"], Lenient));
        assert!(accepted(&[b"BEARER   KEY"], Lenient));
        assert!(!accepted(&[b"BearerKEY"], Lenient));
        assert!(!accepted(&[b"Bearer\tKEY"], Lenient));
        assert!(!accepted(&[b"Bearer KEY extra"], Lenient));
        assert!(!accepted(&[b"Basic KEY"], Lenient));
    }

    #[test]
    fn reasons_are_told_apart_for_the_log() {
        use SchemeReading::Strict;
        assert_eq!(
            decide(&[b"Bearer nothub_x"], Strict).0,
            Decision::Rejected(Rejection::NoPrefix)
        );
        assert_eq!(
            decide(&[b"Bearer thub_x"], Strict).0,
            Decision::Rejected(Rejection::Unknown)
        );
    }

    proptest! {
        /// Any value other than the exact one fails, and nothing panics.
        #[test]
        fn only_the_exact_value_authenticates(value in proptest::collection::vec(any::<u8>(), 0..200)) {
            let store = KeyStore::new();
            let key = store.mint("t").unwrap().key;
            if let Ok(v) = HeaderValue::from_bytes(&value) {
                let mut map = HeaderMap::new();
                map.insert(AUTHORIZATION, v);
                let decision = authenticate(&map, &store, SchemeReading::Strict);
                let exact = trim_ows(&value) == format!("Bearer {key}").as_bytes();
                prop_assert_eq!(matches!(decision, Decision::Accepted(_)), exact);
            }
        }
    }
}
