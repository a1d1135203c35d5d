//! `WWW-Authenticate` parsed by RFC 9110 §11.3's grammar, for ERR-5 in the `rfc` profile:
//! `#challenge`, `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`; and the one
//! difference between two refusals' challenges ERR-3 allows ([`beyond_presence`]): RFC 6750
//! §3.1's `error` attributes, which say only that a token was presented.

/// One challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The auth-scheme as sent.
    pub scheme: String,
    /// `name=value` parameters (quoted strings unquoted), names lowercased.
    pub params: Vec<(String, String)>,
    /// A token68, when the challenge carries one instead of parameters.
    pub token68: Option<String>,
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }
    fn token(&mut self) -> Option<String> {
        let start = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }
    fn quoted(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err("unterminated quoted-string".into()),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(b'\\') => {
                    self.i += 1;
                    out.push(self.peek().ok_or("quoted-string ends in a backslash")?);
                    self.i += 1;
                }
                Some(b) => {
                    out.push(b);
                    self.i += 1;
                }
            }
        }
    }
    /// At `token BWS "="` (not followed by another "=" or the end/comma of a token68)?
    fn at_auth_param(&self) -> bool {
        let mut j = self.i;
        while self.s.get(j).copied().is_some_and(is_tchar) {
            j += 1;
        }
        if j == self.i {
            return false;
        }
        while matches!(self.s.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        if self.s.get(j) != Some(&b'=') {
            return false;
        }
        j += 1;
        while matches!(self.s.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        matches!(self.s.get(j), Some(&b) if b == b'"' || is_tchar(b))
    }
}

/// Parses one or more field values; `Err` says where the grammar breaks.
pub fn parse(values: &[&[u8]]) -> Result<Vec<Challenge>, String> {
    let mut all = Vec::new();
    for value in values {
        let mut c = Cursor { s: value, i: 0 };
        loop {
            c.skip_ows();
            while c.peek() == Some(b',') {
                c.i += 1;
                c.skip_ows();
            }
            if c.peek().is_none() {
                break;
            }
            let scheme = c
                .token()
                .ok_or_else(|| format!("expected an auth-scheme at byte {}", c.i))?;
            let mut challenge = Challenge {
                scheme,
                params: Vec::new(),
                token68: None,
            };
            if c.peek() == Some(b' ') {
                c.skip_ows();
                if c.at_auth_param() {
                    loop {
                        let name = c
                            .token()
                            .expect("at_auth_param saw a token")
                            .to_ascii_lowercase();
                        c.skip_ows();
                        c.i += 1; // '='
                        c.skip_ows();
                        let value = if c.peek() == Some(b'"') {
                            c.quoted()?
                        } else {
                            c.token().unwrap_or_default()
                        };
                        challenge.params.push((name, value));
                        c.skip_ows();
                        if c.peek() != Some(b',') {
                            break;
                        }
                        let mark = c.i;
                        while matches!(c.peek(), Some(b',' | b' ' | b'\t')) {
                            c.i += 1;
                        }
                        if !c.at_auth_param() {
                            c.i = mark;
                            break;
                        }
                    }
                } else if c.peek().is_some_and(is_token68_char) {
                    let start = c.i;
                    while c.peek().is_some_and(is_token68_char) {
                        c.i += 1;
                    }
                    while c.peek() == Some(b'=') {
                        c.i += 1;
                    }
                    challenge.token68 =
                        Some(String::from_utf8_lossy(&value[start..c.i]).into_owned());
                }
            }
            c.skip_ows();
            match c.peek() {
                None | Some(b',') => all.push(challenge),
                Some(b) => {
                    return Err(format!(
                        "unexpected {:?} at byte {} after the challenge {:?}",
                        b as char, c.i, challenge.scheme
                    ))
                }
            }
        }
    }
    if all.is_empty() {
        return Err("no challenge".into());
    }
    Ok(all)
}

/// RFC 6750 §3.1's attributes that say why a presented token failed; a request that "lacks any
/// authentication information" gets none of them.
pub const ERROR_ATTRIBUTES: [&str; 3] = ["error", "error_description", "error_uri"];

/// The challenges without [`ERROR_ATTRIBUTES`].
fn without_error_attributes(challenges: &[Challenge]) -> Vec<Challenge> {
    challenges
        .iter()
        .map(|c| Challenge {
            params: c
                .params
                .iter()
                .filter(|(name, _)| !ERROR_ATTRIBUTES.contains(&name.as_str()))
                .cloned()
                .collect(),
            ..c.clone()
        })
        .collect()
}

/// ERR-3: how the challenges of a refusal to a request without a Bearer token (`unpresented`)
/// differ from those a presented token gets (`presented`) beyond what RFC 6750 §3.1 allows —
/// the same challenges, less the [`ERROR_ATTRIBUTES`]: no other scheme, realm, parameter or
/// order. `None` when they differ by that alone (or not at all); field values that are not
/// challenges are compared byte for byte.
pub fn beyond_presence(presented: &[&[u8]], unpresented: &[&[u8]]) -> Option<String> {
    if presented == unpresented {
        return None;
    }
    let show = |values: &[&[u8]]| {
        if values.is_empty() {
            "absent".to_owned()
        } else {
            values
                .iter()
                .map(|v| crate::wire::show_bytes(v))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let differs = || {
        Some(format!(
            "WWW-Authenticate: {} for a presented token, {} without one (RFC 6750 §3.1 allows only leaving out {})",
            show(presented),
            show(unpresented),
            ERROR_ATTRIBUTES.join("/")
        ))
    };
    let (Ok(with), Ok(without)) = (parse(presented), parse(unpresented)) else {
        return differs();
    };
    if without_error_attributes(&with) == without && without_error_attributes(&without) == without {
        None
    } else {
        differs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_grammar() {
        let c = parse(&[br#"Bearer realm="terminus-hub""#]).unwrap();
        assert_eq!(c[0].scheme, "Bearer");
        assert_eq!(
            c[0].params,
            [("realm".to_owned(), "terminus-hub".to_owned())]
        );
        let c = parse(&[
            br#"Basic realm="a", Bearer realm="b", error="invalid_token", Negotiate abc=="#,
        ])
        .unwrap();
        let schemes: Vec<_> = c.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["Basic", "Bearer", "Negotiate"]);
        assert_eq!(c[1].params.len(), 2);
        assert_eq!(c[2].token68.as_deref(), Some("abc=="));
        assert_eq!(parse(&[b"Bearer"]).unwrap()[0].scheme, "Bearer");
        assert!(parse(&[b""]).is_err());
        assert!(parse(&[br#"Bearer realm="x"#]).is_err());
        assert!(parse(&[b"=x"]).is_err());
    }

    #[test]
    fn only_the_rfc_6750_error_attributes_may_tell_a_presented_token() {
        let presented: &[&[u8]] = &[br#"Bearer realm="x", error="invalid_token""#];
        let allowed: [&[&[u8]]; 2] = [&[br#"Bearer realm="x""#], presented];
        for unpresented in allowed {
            assert_eq!(beyond_presence(presented, unpresented), None);
        }
        let told_apart: [&[&[u8]]; 6] = [
            &[],
            &[br#"Bearer realm="y""#],
            &[br#"Basic realm="x""#],
            &[br#"Bearer realm="x", scope="read""#],
            &[br#"Bearer realm="x", error="invalid_request""#],
            &[br#"Bearer realm="x"#],
        ];
        for unpresented in told_apart {
            assert!(
                beyond_presence(presented, unpresented).is_some(),
                "{unpresented:?}"
            );
        }
        // Without a challenge for a presented token, none may appear for the others either.
        assert!(beyond_presence(&[], &[br#"Bearer realm="x""#]).is_some());
    }
}
