//! R-11: the facts of one exchange behind a [`super::Finding`] — what was asked (method,
//! target and its form, protocol, fields with keys shown by derivation, where it carried a
//! credential) and what came back (status, reason phrase, the fields that say where and why,
//! the body's shape) — so that findings are grouped by their evidence ([`super::diagnosis`]),
//! never by the names of the cases that made them. Built in one place, [`Exchange::of`], which
//! `Check::finding` calls for every case.

use crate::wire::{Protocol, Reply, Request, Wire};

/// The answer fields a finding keeps: the ones that say where to go, what exists and why.
pub const TELLING_FIELDS: [&str; 7] = [
    "location",
    "allow",
    "www-authenticate",
    "content-type",
    "access-control-allow-origin",
    "access-control-allow-methods",
    "retry-after",
];

/// One request and what came back, as facts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exchange {
    /// What was sent.
    pub asked: Asked,
    /// What came back.
    pub answer: Answer,
}

/// The form of a request-target (RFC 9112 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetForm {
    /// `/path?query`.
    Origin,
    /// `https://host/path`.
    Absolute,
    /// `*`.
    Asterisk,
}

impl TargetForm {
    /// `origin`, `absolute` or `asterisk`.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetForm::Origin => "origin",
            TargetForm::Absolute => "absolute",
            TargetForm::Asterisk => "asterisk",
        }
    }
}

/// A request as facts; every value is shown with keys by derivation (`<valid key>`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Asked {
    /// The method token.
    pub method: String,
    /// The request-target as sent: the base path included, or the absolute form.
    pub target: String,
    /// Its form.
    pub form: TargetForm,
    /// `HTTP/1.0`, `HTTP/1.1` or `HTTP/2`.
    pub protocol: &'static str,
    /// Sent byte for byte over raw HTTP/1.1 (a reproduction needs `--path-as-is`).
    pub exact: bool,
    /// No `Host` field at all.
    pub without_host: bool,
    /// Header fields: the name as sent, the value shown.
    pub fields: Vec<(String, String)>,
    /// The body, shown.
    pub body: Option<String>,
    /// Where the request carried a credential: `Authorization`, another field's name, `the
    /// target` (query, userinfo) or `the body`. Empty: none at all.
    pub credential: Vec<String>,
}

impl Asked {
    /// The path of the target, without its query.
    pub fn path(&self) -> &str {
        let target = match self.form {
            TargetForm::Absolute => self
                .target
                .split_once("://")
                .map_or(self.target.as_str(), |(_, rest)| {
                    rest.find('/').map_or("/", |i| &rest[i..])
                }),
            _ => self.target.as_str(),
        };
        target.split('?').next().unwrap_or(target)
    }

    /// The query, without `?` (`None` when the target has no `?`).
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The value of field `name` (case-insensitive), several joined with `, `.
    pub fn field(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .fields
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// True when the request carried the valid key (or another issued one) anywhere.
    pub fn carries_a_valid_key(&self) -> bool {
        let shows = |s: &str| s.contains("<valid key") || s.contains("<second key");
        self.fields.iter().any(|(_, v)| shows(v))
            || shows(&self.target)
            || self.body.as_deref().is_some_and(shows)
    }
}

/// What the body of an answer is, in the terms a fix is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyShape {
    /// No body.
    Empty,
    /// The ERR-2 envelope's shape (`error.type` is `authentication_error`).
    Envelope,
    /// JSON, but not the envelope.
    OtherJson,
    /// An HTML page.
    Html,
    /// Plain text.
    Text,
    /// Anything else.
    Other,
}

impl BodyShape {
    /// Reads a body and its `Content-Type`.
    pub fn of(body: &[u8], content_type: Option<&[u8]>) -> Self {
        let content_type = content_type
            .map(|c| String::from_utf8_lossy(c).to_ascii_lowercase())
            .unwrap_or_default();
        let start = body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(&[][..], |i| &body[i..]);
        if start.is_empty() {
            return BodyShape::Empty;
        }
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
            if json["error"]["type"] == "authentication_error" {
                return BodyShape::Envelope;
            }
            if json.is_object() || json.is_array() {
                return BodyShape::OtherJson;
            }
        }
        if content_type.contains("html") || start.first() == Some(&b'<') {
            BodyShape::Html
        } else if content_type.starts_with("text/") || content_type.is_empty() {
            BodyShape::Text
        } else {
            BodyShape::Other
        }
    }

    /// How a signature names it: `an HTML body`, `JSON that is not the envelope`.
    pub fn describe(self) -> &'static str {
        match self {
            BodyShape::Empty => "an empty body",
            BodyShape::Envelope => "the JSON envelope",
            BodyShape::OtherJson => "JSON that is not the envelope",
            BodyShape::Html => "an HTML body",
            BodyShape::Text => "a text body",
            BodyShape::Other => "a body of another type",
        }
    }
}

/// An answer as facts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Answer {
    /// The status, when a response came back.
    pub status: Option<u16>,
    /// The HTTP/1.1 reason phrase (empty over HTTP/2).
    pub reason: String,
    /// The [`TELLING_FIELDS`] it carried, names lowercase, values shown.
    pub fields: Vec<(String, String)>,
    /// The body's shape.
    pub body: BodyShape,
    /// For a body in the envelope's shape, how it departs from ERR-2's (`message "Missing API
    /// key"`, `code "invalid_key"`); empty when it does not.
    pub envelope: Vec<String>,
    /// When no response came back: what happened instead (`the connection was closed`, `no
    /// answer within the timeout`, `not HTTP`, `never delivered`).
    pub none: Option<&'static str>,
}

impl Answer {
    /// The value of a telling field (lowercase name).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Exchange {
    /// The facts of `request`, sent under `base_path`, and of `reply`.
    pub fn of(request: &Request, reply: &Reply, base_path: &str) -> Self {
        let target = if request.absolute {
            request.target.shown().to_owned()
        } else {
            format!("{base_path}{}", request.target.shown())
        };
        let form = if request.absolute {
            TargetForm::Absolute
        } else if request.target.bytes() == b"*" {
            TargetForm::Asterisk
        } else {
            TargetForm::Origin
        };
        let protocol = match (request.version, reply.response().map(|r| r.protocol)) {
            ("HTTP/1.0", _) => "HTTP/1.0",
            (_, Some(p)) => p.as_str(),
            (_, None) if request.wire == Wire::Http2 => Protocol::Http2.as_str(),
            (_, None) => Protocol::Http1.as_str(),
        };
        let show = |bytes: &[u8]| crate::wire::show_bytes(bytes);
        let mut credential = Vec::new();
        if !request.target.credentials().is_empty() {
            credential.push("the target".to_owned());
        }
        for field in &request.fields {
            if !field.value.credentials().is_empty() {
                credential.push(show(&field.name));
            }
        }
        if request
            .body
            .as_ref()
            .is_some_and(|b| !b.credentials().is_empty())
        {
            credential.push("the body".to_owned());
        }
        let asked = Asked {
            method: request.method.clone(),
            target,
            form,
            protocol,
            exact: request.wire == Wire::Http1Exact,
            without_host: request.omit_host,
            fields: request
                .fields
                .iter()
                .map(|f| (show(&f.name), f.value.shown().to_owned()))
                // curl --http2 sends `Host` as `:authority`.
                .chain(
                    request
                        .authority
                        .as_ref()
                        .map(|a| ("Host".to_owned(), a.clone())),
                )
                // A body framed without a length: curl sends it chunked when told so.
                .chain(
                    request
                        .chunked
                        .then(|| ("Transfer-Encoding".to_owned(), "chunked".to_owned())),
                )
                .collect(),
            body: request.body.as_ref().map(|b| b.shown().to_owned()),
            credential,
        };
        let answer = match reply {
            Reply::Response(r) => Answer {
                status: Some(r.status),
                reason: r.reason.clone(),
                fields: TELLING_FIELDS
                    .iter()
                    .filter_map(|name| r.header(name).map(|v| ((*name).to_owned(), show(v))))
                    .collect(),
                body: BodyShape::of(&r.body, r.header("content-type")),
                envelope: envelope_departures(&r.body),
                none: None,
            },
            other => Answer {
                status: None,
                reason: String::new(),
                fields: Vec::new(),
                body: BodyShape::Empty,
                envelope: Vec::new(),
                none: Some(match other {
                    Reply::Closed(_) => "the connection was closed without a response",
                    Reply::TimedOut(_) => "no response within the timeout (a hang)",
                    Reply::Broken(_) => "an answer that is not HTTP",
                    _ => "never delivered",
                }),
            },
        };
        Exchange { asked, answer }
    }
}

/// How a body in the envelope's shape departs from ERR-2's members: `code` not null,
/// `message` not `Invalid API key`.
fn envelope_departures(body: &[u8]) -> Vec<String> {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let error = &json["error"];
    if error["type"] != "authentication_error" {
        return Vec::new();
    }
    let mut out = Vec::new();
    if !error["code"].is_null() {
        out.push(format!("code {}", error["code"]));
    }
    if error["message"] != "Invalid API key" {
        out.push(format!("message {}", error["message"]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_shapes() {
        let json = Some(&b"application/json"[..]);
        let envelope =
            br#"{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}"#;
        assert_eq!(BodyShape::of(envelope, json), BodyShape::Envelope);
        assert_eq!(
            BodyShape::of(br#"{"detail":"Not Found"}"#, json),
            BodyShape::OtherJson
        );
        assert_eq!(
            BodyShape::of(b"<!doctype html><p>x", Some(b"text/html; charset=utf-8")),
            BodyShape::Html
        );
        assert_eq!(BodyShape::of(b"  \n", json), BodyShape::Empty);
        assert_eq!(
            BodyShape::of(b"Not Found", Some(b"text/plain")),
            BodyShape::Text
        );
    }

    #[test]
    fn facts_of_a_request_show_keys_by_derivation() {
        use crate::wire::{Response, Text};
        let request = Request::new("POST", "/v1/account?x=1")
            .field("X-HTTP-Method-Override", "GET")
            .authorization(Text::plain("Bearer ").then(Text::secret("thub_s3cret", "<valid key>")));
        let mut response = Response::planned_refusal();
        response.status = 405;
        response.headers.push(("allow".into(), b"GET".to_vec()));
        let exchange = Exchange::of(&request, &Reply::Response(response), "/api");
        assert_eq!(exchange.asked.path(), "/api/v1/account");
        assert_eq!(exchange.asked.query(), Some("x=1"));
        assert_eq!(exchange.asked.credential, ["Authorization"]);
        assert!(exchange.asked.carries_a_valid_key());
        assert_eq!(
            exchange.asked.field("authorization").as_deref(),
            Some("Bearer <valid key>")
        );
        assert_eq!(exchange.answer.field("allow"), Some("GET"));
        assert_eq!(exchange.answer.body, BodyShape::Envelope);
        assert!(exchange.answer.envelope.is_empty());
        assert_eq!(
            envelope_departures(
                br#"{"error":{"type":"authentication_error","code":"invalid_key","message":"Missing API key"}}"#
            ),
            ["code \"invalid_key\"", "message \"Missing API key\""]
        );
    }
}
