//! What a fault is: [`Fault`], the requests it selects (method, path, headers, query, the
//! name of the key) and how many, with the builders the library offers. How the selection is
//! tested against a request is `matching.rs`; how the members are checked, `validation.rs`.

use std::collections::BTreeMap;

use http::Method;
use serde::{Deserialize, Serialize};

use super::Respond;

/// A fault's id, as `POST /v1/faults` and [`Faults::add`](super::Faults::add) return it.
pub type FaultId = String;

/// Matches requests and says how to answer them.
///
/// Every member given must match: the method, the path (exact, or a template with `{param}`
/// segments), each header and query parameter listed, and the name of the key the request
/// authenticated with (faults apply only to requests the Public API accepted, so the key is
/// known).
///
/// ```
/// use terminus_mock::faults::{Fault, Respond, ValueMatch};
///
/// let fault = Fault::on(http::Method::POST, "/v1/projects")
///     .header("Idempotency-Key", "retry-1")
///     .header_absent("x-debug")
///     .query("dry_run", "true")
///     .key_name("ci")
///     .times(1)
///     .respond(Respond::empty());
/// assert_eq!(fault.headers["idempotency-key"], ValueMatch::Equals("retry-1".into()));
/// assert_eq!(
///     serde_json::to_value(&fault)?,
///     serde_json::json!({
///         "method": "POST", "path": "/v1/projects",
///         "headers": {"idempotency-key": "retry-1", "x-debug": false},
///         "query": {"dry_run": "true"}, "key_name": "ci",
///         "times": 1, "respond": {"kind": "empty"}
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The method to match (any when absent), e.g. `GET`. The nine registered methods are
    /// read in any case (`get` is `GET`) and listed upper-case; any other token is matched
    /// exactly as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The path: exact, or a template with `{param}` segments (`/v1/projects/{id}`).
    pub path: String,
    /// Request headers that must match, by name (any case; listed lower-case).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, ValueMatch>,
    /// Query parameters that must match, by name (exact case), values percent-decoded (`+`
    /// read as a space, as HTML forms and most SDKs encode one).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, ValueMatch>,
    /// The name of the key the request authenticated with (`ci`, as minted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    /// How many matching requests it answers; absent: every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// How it answers.
    pub respond: Respond,
}

/// What a header or query parameter must be: in JSON, a string (exactly this value), `true`
/// (present, any value) or `false` (absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ValueMatch {
    /// Some field (or parameter) of this name has exactly this value.
    Equals(String),
    /// `true`: one of this name is present; `false`: none is.
    Present(bool),
}

impl<'de> Deserialize<'de> for ValueMatch {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(value) => Ok(ValueMatch::Equals(value)),
            serde_json::Value::Bool(present) => Ok(ValueMatch::Present(present)),
            other => Err(serde::de::Error::custom(format!(
                "{} is not a match: give a string (exactly this value), true (present) or false (absent)",
                kind_of(&other)
            ))),
        }
    }
}

/// What a JSON value is, for messages (never the value itself: it could be anything).
fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

impl Fault {
    /// A fault on requests with `method` to `path` (exact or a `{param}` template), answering
    /// every one with the normal answer until [`Fault::respond`] says otherwise.
    pub fn on(method: Method, path: &str) -> Self {
        Fault {
            method: Some(method.as_str().to_owned()),
            path: path.to_owned(),
            headers: BTreeMap::new(),
            query: BTreeMap::new(),
            key_name: None,
            times: None,
            respond: Respond::Delay { delay_ms: 0 },
        }
    }

    /// Only requests with a header `name` (any case) of exactly `value`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(
            name.to_ascii_lowercase(),
            ValueMatch::Equals(value.to_owned()),
        );
        self
    }

    /// Only requests with a header `name`, whatever its value.
    pub fn header_present(mut self, name: &str) -> Self {
        self.headers
            .insert(name.to_ascii_lowercase(), ValueMatch::Present(true));
        self
    }

    /// Only requests without a header `name`.
    pub fn header_absent(mut self, name: &str) -> Self {
        self.headers
            .insert(name.to_ascii_lowercase(), ValueMatch::Present(false));
        self
    }

    /// Only requests whose query has `name=value` (decoded).
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query
            .insert(name.to_owned(), ValueMatch::Equals(value.to_owned()));
        self
    }

    /// Only requests that authenticated with a key named `name`.
    pub fn key_name(mut self, name: &str) -> Self {
        self.key_name = Some(name.to_owned());
        self
    }

    /// Only the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// How to answer.
    pub fn respond(mut self, respond: Respond) -> Self {
        self.respond = respond;
        self
    }
}
