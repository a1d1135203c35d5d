//! How the fake API judges the credentials of a request: correctly, or broken the way the
//! request's [`Fault`] says.

use base64::Engine as _;

use super::{Cause, Fault, Incoming, REVOKED, VALID};

fn trim_ows(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

pub(super) fn header<'a>(req: &'a Incoming, name: &str) -> Option<&'a [u8]> {
    req.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_slice())
}

fn judge_key(fault: Fault, token: &[u8]) -> Result<(), Cause> {
    // What a sloppy stack does to the token before comparing it.
    let rewritten: Vec<u8>;
    let token: &[u8] = match fault {
        Fault::RemovesInnerWhitespace => {
            rewritten = token
                .iter()
                .copied()
                .filter(|b| !matches!(b, b' ' | b'\t'))
                .collect();
            &rewritten
        }
        Fault::StopsAtObsText => {
            &token[..token.iter().position(|&b| b >= 0x80).unwrap_or(token.len())]
        }
        Fault::PercentDecodesKey => {
            rewritten = percent_decode(token);
            &rewritten
        }
        _ => token,
    };
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
        || token == super::SECOND
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
pub(super) fn authenticate(fault: Fault, req: &Incoming) -> Result<(), Cause> {
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
        Fault::StripsAfterScheme => {
            // Python's `value.partition(" ")`, `scheme.lower() == "bearer"`, `param.strip()`.
            let Some((scheme, param)) = text.split_once(' ') else {
                return Err(Cause::Malformed);
            };
            if !scheme.eq_ignore_ascii_case("bearer") {
                return Err(Cause::Malformed);
            }
            return judge_key(fault, param.trim().as_bytes());
        }
        Fault::LenientBranchTrimsWhitespace if value.len() > 6 && &value[..6] != b"Bearer" => {
            if !value[..6].eq_ignore_ascii_case(b"Bearer") {
                return Err(Cause::Malformed);
            }
            let rest = &value[6..];
            let token = trim_ows(rest);
            if token.len() == rest.len() {
                return Err(Cause::Malformed);
            }
            token
        }
        Fault::CaseInsensitiveKeyUnderLowercaseScheme if value.starts_with(b"bearer ") => {
            let token = trim_ows_spaces(&value[6..]);
            if token.eq_ignore_ascii_case(VALID.as_bytes()) {
                return Ok(());
            }
            token
        }
        Fault::LenientScheme | Fault::CaseInsensitiveKeyUnderLowercaseScheme => {
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
