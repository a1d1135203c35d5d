//! [`Request`]: one request a case sends, with exact control of its bytes when it travels as
//! raw HTTP/1.1 ([`Wire::Http1Exact`]), and how it is shown in a failure message.

use super::text::Text;

/// How a request may travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// Raw HTTP/1.1 bytes exactly as built: field-name case, whitespace, duplicates, odd bytes.
    Http1Exact,
    /// HTTP/2 when the target offers it, else HTTP/1.1: so h2 deployments are checked too.
    Any,
    /// HTTP/2 only (the HTTP/2 copy of a probe, sent only when HTTP/2 can carry it).
    Http2,
}

/// One header field, its name exactly as sent over HTTP/1.1.
#[derive(Debug, Clone)]
pub struct Field {
    /// The name, byte for byte (case kept over HTTP/1.1; lowercased over HTTP/2).
    pub name: Vec<u8>,
    /// The value.
    pub value: Text,
    /// Bytes between the colon and the value over HTTP/1.1 (normally one space).
    pub separator: Vec<u8>,
}

/// One value of the request space a request carries (`method` = `PROPFIND`): set by
/// `space::Value::apply`, read by failure messages and the grouping of failures into findings
/// to name the axis that varied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisTag {
    /// The axis's id (`method`, `path`, …).
    pub axis: &'static str,
    /// The value's label, unique within the axis.
    pub value: String,
}

/// True for GET, HEAD and OPTIONS: the methods a read-only run sends a valid key with.
pub fn is_safe_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS")
}

/// One request of a case.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method token (any bytes: undocumented methods are probed too).
    pub method: String,
    /// The request-target: a path and query under the target's base path, or an absolute
    /// form when [`Request::absolute`] is set.
    pub target: Text,
    /// True when `target` is sent as is (absolute-form, userinfo), not under the base path.
    pub absolute: bool,
    /// Header fields after `Host`.
    pub fields: Vec<Field>,
    /// The body, sent with `Content-Length` (unless [`Request::chunked`]).
    pub body: Option<Text>,
    /// The body is framed without a length (RFC 9112 §7.1, RFC 9113 §8.1.1): over HTTP/1.1
    /// `Transfer-Encoding: chunked` and the body as one chunk, no `Content-Length`; over HTTP/2
    /// DATA frames and no `content-length`.
    pub chunked: bool,
    /// How it may travel.
    pub wire: Wire,
    /// Its connection is closed afterwards (invalid bytes poison a connection).
    pub fresh_connection: bool,
    /// The protocol version on the raw request line (`HTTP/1.1`; `HTTP/1.0` for ROUTE-1's
    /// front-end probes).
    pub version: &'static str,
    /// No `Host` field at all (HTTP/1.0 does not need one).
    pub omit_host: bool,
    /// The authority the request names instead of the target's: HTTP/2's `:authority`, and
    /// over HTTP/1.1 the `Host` field (the Host class of the front-end axis, RFC 9113 §8.3.1).
    pub authority: Option<String>,
    /// The scheme HTTP/2's `:scheme` names instead of the target's `https` (HTTP/1.1 has no
    /// place for it in an origin-form request).
    pub scheme: Option<&'static str>,
    /// The values of the request space it carries, in the order they were applied (empty for
    /// a request a case wrote by hand).
    pub axes: Vec<AxisTag>,
}

impl Request {
    /// A request for `method path` with no fields, over either protocol.
    pub fn new(method: &str, path: impl Into<Text>) -> Self {
        Self {
            method: method.to_owned(),
            target: path.into(),
            absolute: false,
            fields: Vec::new(),
            body: None,
            chunked: false,
            wire: Wire::Any,
            fresh_connection: false,
            version: "HTTP/1.1",
            omit_host: false,
            authority: None,
            scheme: None,
            axes: Vec::new(),
        }
    }

    /// `GET path`.
    pub fn get(path: impl Into<Text>) -> Self {
        Self::new("GET", path)
    }

    /// Adds a field `name: value`.
    pub fn field(mut self, name: &str, value: impl Into<Text>) -> Self {
        self.fields.push(Field {
            name: name.as_bytes().to_vec(),
            value: value.into(),
            separator: b" ".to_vec(),
        });
        self
    }

    /// Adds a field with exact bytes between the colon and the value.
    pub fn field_with_separator(
        mut self,
        name: &str,
        separator: &str,
        value: impl Into<Text>,
    ) -> Self {
        self.fields.push(Field {
            name: name.as_bytes().to_vec(),
            value: value.into(),
            separator: separator.as_bytes().to_vec(),
        });
        self
    }

    /// Adds `Authorization: value`.
    pub fn authorization(self, value: impl Into<Text>) -> Self {
        self.field("Authorization", value)
    }

    /// Sets a body and its content type.
    pub fn body(mut self, content_type: &str, body: impl Into<Text>) -> Self {
        self = self.field("Content-Type", content_type);
        self.body = Some(body.into());
        self
    }

    /// Sends its body without a length: chunked over HTTP/1.1, no `content-length` over HTTP/2.
    pub fn chunked(mut self) -> Self {
        self.chunked = true;
        self
    }

    /// Sends it as raw HTTP/1.1, byte for byte.
    pub fn exact(mut self) -> Self {
        self.wire = Wire::Http1Exact;
        self
    }

    /// As an HTTP/1.0 request on a connection of its own (`Host` kept unless `with_host` is
    /// false).
    pub fn http10(mut self, with_host: bool) -> Self {
        self.version = "HTTP/1.0";
        self.omit_host = !with_host;
        self.alone()
    }

    /// The same request over the other protocol, for a target that speaks both: raw HTTP/1.1
    /// for one that would travel over HTTP/2, HTTP/2 for one built for raw HTTP/1.1.
    pub fn other_wire(&self) -> Request {
        let mut other = self.clone();
        other.wire = match self.wire {
            Wire::Any | Wire::Http2 => Wire::Http1Exact,
            Wire::Http1Exact => Wire::Http2,
        };
        other.fresh_connection = false;
        other
    }

    /// Raw HTTP/1.1 on a connection of its own, closed afterwards.
    pub fn alone(mut self) -> Self {
        self.wire = Wire::Http1Exact;
        self.fresh_connection = true;
        self
    }

    /// Notes that it carries `value` of `axis` (a value replacing another of the same axis
    /// replaces its tag).
    pub fn tag(&mut self, axis: &'static str, value: &str) {
        self.axes.retain(|t| t.axis != axis);
        self.axes.push(AxisTag {
            axis,
            value: value.to_owned(),
        });
    }

    /// With another method.
    pub fn with_method(mut self, method: &str) -> Self {
        self.method = method.to_owned();
        self
    }

    /// True when the request is valid HTTP/1.1 within a 4 KiB header section (ROB-1's domain):
    /// token field names, values without control bytes other than HTAB, a target without
    /// whitespace or controls.
    pub fn is_valid_http(&self) -> bool {
        let tchar = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
        let size: usize = self.method.len()
            + self.target.bytes().len()
            + 64
            + self
                .fields
                .iter()
                .map(|f| f.name.len() + f.separator.len() + f.value.bytes().len() + 3)
                .sum::<usize>();
        size <= 4096
            && !self.method.is_empty()
            && self.method.bytes().all(|b| tchar(&b))
            && self.target.bytes().iter().all(|&b| b > 0x20 && b != 0x7f)
            && self.fields.iter().all(|f| {
                !f.name.is_empty()
                    && f.name.iter().all(tchar)
                    && f.separator.iter().all(|&b| b == b' ' || b == b'\t')
                    && f.value
                        .bytes()
                        .iter()
                        .all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
            })
    }

    /// True when `secret` appears whole anywhere in the request: target, field values, body.
    pub fn carries(&self, secret: &[u8]) -> bool {
        let holds =
            |bytes: &[u8]| !secret.is_empty() && bytes.windows(secret.len()).any(|w| w == secret);
        holds(self.target.bytes())
            || self.fields.iter().any(|f| holds(f.value.bytes()))
            || self.body.as_ref().is_some_and(|b| holds(b.bytes()))
    }

    /// True for GET, HEAD and OPTIONS, the methods a read-only run sends the valid key with
    ///
    pub fn is_safe(&self) -> bool {
        is_safe_method(&self.method)
    }

    /// Every credential the request carries (ERR-6 checks none comes back).
    pub fn credentials(&self) -> Vec<Vec<u8>> {
        let mut all: Vec<Vec<u8>> = self.target.credentials().to_vec();
        for field in &self.fields {
            all.extend(field.value.credentials().iter().cloned());
        }
        if let Some(body) = &self.body {
            all.extend(body.credentials().iter().cloned());
        }
        all
    }

    /// The request as a failure message shows it: request line and fields, keys described by
    /// derivation, bytes escaped.
    pub fn describe(&self, base_path: &str) -> String {
        let target = if self.absolute {
            self.target.shown().to_owned()
        } else {
            format!("{base_path}{}", self.target.shown())
        };
        let mut out = format!("{} {target}", self.method);
        if self.version != "HTTP/1.1" {
            out.push(' ');
            out.push_str(self.version);
        }
        if self.omit_host {
            out.push_str("\n    (no Host field)");
        }
        for field in &self.fields {
            out.push_str("\n    ");
            out.push_str(&super::text::show_bytes(&field.name));
            out.push(':');
            out.push_str(&super::text::show_bytes(&field.separator));
            out.push_str(field.value.shown());
        }
        if let Some(authority) = &self.authority {
            out.push_str(&format!("\n    :authority (Host): {authority}"));
        }
        if let Some(scheme) = self.scheme {
            out.push_str(&format!("\n    :scheme: {scheme}"));
        }
        if self.chunked {
            out.push_str("\n    Transfer-Encoding: chunked (no Content-Length)");
        }
        if let Some(body) = &self.body {
            out.push_str("\n    body: ");
            out.push_str(body.shown());
        }
        out
    }
}
