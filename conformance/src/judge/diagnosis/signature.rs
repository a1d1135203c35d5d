//! The answer signature of a wrong answer: what two wrong answers must share to be one
//! finding — the status (or what came instead of a response), the fields that say what exists
//! or where to go (`Allow`, `Location` and how it relates to the request's path, the CORS
//! fields), and the body's shape. Values that change with the request (the `Allow` list of a
//! path, the `Location` itself) are left out: they are the axis, not the signature.

use std::fmt;

use crate::judge::exchange::{BodyShape, Exchange};
use crate::spec::Clause;

/// Fields whose presence is part of a signature.
const SIGNATURE_FIELDS: [(&str, &str); 3] = [
    ("allow", "Allow"),
    ("access-control-allow-origin", "Access-Control-Allow-Origin"),
    (
        "access-control-allow-methods",
        "Access-Control-Allow-Methods",
    ),
];

/// How a redirect's `Location` relates to the path that was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Redirect {
    /// The path with a slash added at the end.
    AddsSlash,
    /// The path without its trailing slash.
    DropsSlash,
    /// The path with doubled slashes merged.
    MergesSlashes,
    /// The same path (another scheme or host, a login page with a return path…).
    SamePath,
    /// Another path.
    OtherPath,
    /// No `Location` at all.
    Nowhere,
}

impl Redirect {
    /// Reads `location` against the path asked for.
    pub fn of(location: Option<&str>, asked_path: &str) -> Redirect {
        let Some(location) = location else {
            return Redirect::Nowhere;
        };
        let path = match location.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
            None => location,
        };
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let merged = |p: &str| {
            let mut out = String::with_capacity(p.len());
            for c in p.chars() {
                if !(c == '/' && out.ends_with('/')) {
                    out.push(c);
                }
            }
            out
        };
        if path == asked_path {
            Redirect::SamePath
        } else if path.strip_suffix('/') == Some(asked_path) {
            Redirect::AddsSlash
        } else if asked_path.trim_end_matches('/') == path && asked_path.ends_with('/') {
            Redirect::DropsSlash
        } else if asked_path.contains("//") && merged(asked_path) == merged(path) {
            Redirect::MergesSlashes
        } else {
            Redirect::OtherPath
        }
    }

    /// True for the router's slash redirects.
    pub fn is_about_slashes(self) -> bool {
        matches!(
            self,
            Redirect::AddsSlash | Redirect::DropsSlash | Redirect::MergesSlashes
        )
    }

    fn describe(self) -> &'static str {
        match self {
            Redirect::AddsSlash => "to the requested path with a slash added",
            Redirect::DropsSlash => "to the requested path without its trailing slash",
            Redirect::MergesSlashes => "to the requested path with its slashes merged",
            Redirect::SamePath => "to the same path",
            Redirect::OtherPath => "to another path",
            Redirect::Nowhere => "without a Location",
        }
    }
}

/// What wrong answers share to be one finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Signature {
    /// The status, when a response came back.
    pub status: Option<u16>,
    /// What came instead of a response.
    pub none: Option<&'static str>,
    /// The [`SIGNATURE_FIELDS`] present, as named in a message.
    pub fields: Vec<&'static str>,
    /// For a 3xx: where `Location` points, relative to the request's path.
    pub redirect: Option<Redirect>,
    /// The body's shape (none to tell for 204 and 304, whose answers carry no content).
    pub body: BodyShape,
    /// For the envelope's shape, how it departs from ERR-2's members.
    pub envelope: Vec<String>,
}

impl Signature {
    /// The signature of an exchange's answer.
    pub fn of(exchange: &Exchange) -> Signature {
        let answer = &exchange.answer;
        let redirect = answer
            .status
            .filter(|s| (300..400).contains(s))
            .map(|_| Redirect::of(answer.field("location"), exchange.asked.path()));
        // Any 2xx is the same wrong answer: the request was accepted; which 2xx is the
        // handler's business (the answer shown keeps it).
        let status = answer
            .status
            .map(|s| if (200..300).contains(&s) { 200 } else { s });
        let moot = matches!(answer.status, Some(204 | 304));
        Signature {
            status,
            none: answer.none,
            fields: SIGNATURE_FIELDS
                .iter()
                .filter(|(name, _)| answer.field(name).is_some())
                .map(|(_, shown)| *shown)
                .collect(),
            redirect,
            body: if moot { BodyShape::Empty } else { answer.body },
            envelope: answer.envelope.clone(),
        }
    }

    /// True when `other` is this signature but for the body (a HEAD answer has none to tell).
    pub fn matches_but_the_body(&self, other: &Signature) -> bool {
        (
            self.status,
            self.none,
            &self.fields,
            self.redirect,
            &self.envelope,
        ) == (
            other.status,
            other.none,
            &other.fields,
            other.redirect,
            &other.envelope,
        )
    }

    /// True for the refusals a router gives before authentication: 404, 405, 501.
    pub fn is_routing_refusal(&self) -> bool {
        matches!(self.status, Some(404 | 405 | 501))
    }

    /// True for 2xx: the request was accepted.
    pub fn is_accepted(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// The clause a wrong answer is reported under as a finding: a 404, 405 or 501 to a
    /// request without a valid key is ROUTE-1's (the router answered before authentication),
    /// and a slash redirect without one ROUTE-2's, whichever case saw it; otherwise the clause
    /// of the case that saw it. Each case keeps its own verdict.
    pub fn reported_under(&self, seen_by: Clause, exchange: &Exchange) -> Clause {
        if exchange.asked.carries_a_valid_key() {
            return seen_by;
        }
        if self.is_routing_refusal() {
            Clause::Route1
        } else if self.redirect.is_some_and(Redirect::is_about_slashes) {
            Clause::Route2
        } else {
            seen_by
        }
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(status) = self.status else {
            return f.write_str(self.none.unwrap_or("no response"));
        };
        if self.is_accepted() {
            f.write_str("2xx (accepted)")?;
        } else {
            write!(f, "{status}")?;
        }
        if let Some(redirect) = self.redirect {
            write!(f, " redirect {}", redirect.describe())?;
        }
        let mut with: Vec<String> = self.fields.iter().map(|f| (*f).to_owned()).collect();
        with.push(self.body.describe().to_owned());
        let last = with.pop().unwrap_or_default();
        if with.is_empty() {
            write!(f, " with {last}")?;
        } else {
            write!(f, " with {} and {last}", with.join(", "))?;
        }
        if !self.envelope.is_empty() {
            write!(f, ", but its {}", self.envelope.join(" and "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_are_read_against_the_path() {
        assert_eq!(
            Redirect::of(Some("/v1/account"), "/v1/account/"),
            Redirect::DropsSlash
        );
        assert_eq!(
            Redirect::of(Some("https://h:1/v1/account/?x=1"), "/v1/account"),
            Redirect::AddsSlash
        );
        assert_eq!(
            Redirect::of(Some("/v1/account"), "//v1//account"),
            Redirect::MergesSlashes
        );
        assert_eq!(
            Redirect::of(Some("/login?next=/v1"), "/v1/account"),
            Redirect::OtherPath
        );
        assert_eq!(Redirect::of(None, "/"), Redirect::Nowhere);
    }

    #[test]
    fn a_signature_reads_as_a_sentence() {
        let s = Signature {
            status: Some(405),
            none: None,
            fields: vec!["Allow"],
            redirect: None,
            body: BodyShape::OtherJson,
            envelope: vec![],
        };
        assert_eq!(
            s.to_string(),
            "405 with Allow and JSON that is not the envelope"
        );
        let s = Signature {
            status: Some(307),
            none: None,
            fields: vec![],
            redirect: Some(Redirect::DropsSlash),
            body: BodyShape::Empty,
            envelope: vec![],
        };
        assert_eq!(
            s.to_string(),
            "307 redirect to the requested path without its trailing slash with an empty body"
        );
        let s = Signature {
            status: Some(401),
            none: None,
            fields: vec![],
            redirect: None,
            body: BodyShape::Envelope,
            envelope: vec!["message \"Missing API key\"".into()],
        };
        assert_eq!(
            s.to_string(),
            "401 with the JSON envelope, but its message \"Missing API key\""
        );
    }
}
