//! One request as the journal keeps it: [`JournalEntry`] and its parts. Built from the
//! request's head and the authentication decision when the head comes, completed with the body
//! and how the answer ended (`pending.rs`); never holds a key, nor 10 consecutive characters of
//! one (key material is replaced by what it was, see `credentials/`).

use std::borrow::Cow;
use std::time::SystemTime;

#[cfg(test)]
use http::Request;
use serde::{Deserialize, Serialize};

use super::credentials::{Credentials, Found};
use super::outcome::{FaultRef, Outcome};
use super::recorded::RawHead;
use crate::auth::{Decision, Rejection};
use crate::keys::KeyStore;

/// One request a listener of the mock saw, as `GET /v1/requests`, `--journal` and
/// [`MockServer::received_requests`](crate::MockServer::received_requests) give it.
///
/// Every header value, the path, every query parameter and the body are shown as sent, except
/// key material, replaced by what it was: a `thub_` key (`Bearer <valid key "ci">`,
/// `<revoked key "old">`, `<unknown thub_ key>`), any 10 consecutive characters of a key the
/// mock issued, and either in Base64 (`<valid key "ci" in Base64>`) or percent-encoded. In a
/// field whose whole value is a credential (`Authorization` after its scheme, `X-Api-Key`), a
/// word that is no key reads `<not a key>`. Header names are shown as received, in lower case.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
/// use terminus_mock::{KeySummary, MockConfig, MockServer, Protocol};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let mock = MockServer::start(MockConfig::default()).await?;
/// let key = mock.key_store().mint("ci")?.key;
///
/// // What the SDK under test does: one HTTPS request, trusting the mock's CA, with the key.
/// let mut roots = rustls::RootCertStore::empty();
/// for cert in CertificateDer::pem_slice_iter(mock.ca_pem().unwrap().as_bytes()) {
///     roots.add(cert?)?;
/// }
/// let provider = Arc::new(rustls::crypto::ring::default_provider());
/// let tls = rustls::ClientConfig::builder_with_provider(provider)
///     .with_safe_default_protocol_versions()?
///     .with_root_certificates(roots)
///     .with_no_client_auth();
/// let tcp = tokio::net::TcpStream::connect(mock.public_addr()).await?;
/// let mut conn = tokio_rustls::TlsConnector::from(Arc::new(tls))
///     .connect(ServerName::try_from("localhost")?, tcp)
///     .await?;
/// let request = format!(
///     "GET /v1/account?expand=owner HTTP/1.1\r\nHost: localhost\r\n\
///      Authorization: Bearer {key}\r\nConnection: close\r\n\r\n"
/// );
/// conn.write_all(request.as_bytes()).await?;
/// conn.read_to_end(&mut Vec::new()).await?;
///
/// // What the test asserts: exactly one request, with the key, answered 200.
/// let journal = mock.received_requests();
/// assert_eq!(journal.len(), 1);
/// let entry = &journal[0];
/// assert_eq!((entry.method.as_str(), entry.path.as_str()), ("GET", "/v1/account"));
/// assert_eq!(entry.protocol, Protocol::Http11);
/// assert!(entry.tls);
/// assert_eq!(entry.status, 200);
/// assert_eq!((entry.query[0].name.as_str(), entry.query[0].value.as_str()), ("expand", "owner"));
/// assert_eq!(entry.outcome, terminus_mock::Outcome::Answered);
/// assert_eq!(entry.header("authorization"), Some(r#"Bearer <valid key "ci">"#));
/// assert!(matches!(&entry.key, KeySummary::Valid { name, .. } if name == "ci"));
/// // No piece of the key anywhere in it.
/// assert!(!serde_json::to_string(&journal)?.contains(&key[5..15]));
/// mock.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JournalEntry {
    /// Sequence number: 1 for the first request the mock saw, one more for each after it, on
    /// every listener. Not reset by clearing the journal, so it works as a cursor
    /// (`GET /v1/requests?since=SEQ`).
    pub seq: u64,
    /// When the request's head was received (RFC 3339 in UTC, to the microsecond, in JSON).
    #[serde(with = "rfc3339")]
    pub time: SystemTime,
    /// Which listener saw it.
    pub listener: Listener,
    /// Whether it came over TLS.
    pub tls: bool,
    /// The host and port the request named: HTTP/2's `:authority` (or an absolute target's),
    /// else the `Host` field (key material replaced); absent when it named none. With `tls`
    /// and the listener, the origin the client meant (CLI-4: `https://localhost:PORT` is
    /// another origin than `https://127.0.0.1:PORT`, on the same listener).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// The HTTP version it was sent with.
    pub protocol: Protocol,
    /// The method, as sent.
    pub method: String,
    /// The path, without the query, as sent (key material replaced).
    pub path: String,
    /// The query parameters, in order, names and values as sent (key material replaced).
    pub query: Vec<QueryParam>,
    /// Every header field, in the order received, repeated fields kept; names in lower case.
    /// HTTP/2 pseudo-header fields (`:authority`, …) are not among them.
    pub headers: Vec<Header>,
    /// The credential the request was judged by.
    pub key: KeySummary,
    /// The request's body, up to the journal's limit (64 KiB by default); absent when it
    /// had none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<RecordedBody>,
    /// The response's status code; 0 when no head was sent (a `reset` fault, or the client
    /// gave up first).
    pub status: u16,
    /// Microseconds from the request's head to the end of the answer: its last byte handed to
    /// the connection, the reset, or the moment the client gave up.
    pub latency_us: u64,
    /// What happened to the answer.
    pub outcome: Outcome,
    /// The scripted fault that answered, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultRef>,
    /// Whether the mock had an answer for it (WireMock's `wasMatched`): false for an
    /// authenticated request that no fault matched and no route has (the 404 of an unknown
    /// path, the 405 of a known path without that method), as `GET /v1/requests/unmatched`
    /// lists them; true otherwise, a 401 included (the contract's own answer).
    #[serde(default = "matched_when_absent")]
    pub matched: bool,
}

/// Entries written before `matched` existed were all answered by a route, a fault or the 401.
fn matched_when_absent() -> bool {
    true
}

impl JournalEntry {
    /// The value of the first header field named `name` (any case).
    ///
    /// ```
    /// # let entry: terminus_mock::JournalEntry = serde_json::from_str(r#"{"seq":1,
    /// #   "time":"2025-01-01T00:00:00.000000Z","listener":"public","tls":true,
    /// #   "protocol":"HTTP/1.1","method":"GET","path":"/v1/account","query":[],
    /// #   "headers":[{"name":"authorization","value":"Bearer <unknown thub_ key>"}],
    /// #   "key":{"state":"unknown"},"status":401,"latency_us":12,"outcome":"answered"}"#)
    /// #   .unwrap();
    /// assert_eq!(entry.header("Authorization"), Some("Bearer <unknown thub_ key>"));
    /// assert_eq!(entry.header("cookie"), None);
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// The values of every header field named `name` (any case), in order.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// An entry with no request content yet: what the hot path fills as the answer goes
    /// (`pending.rs`); [`described`](Self::described) adds the content when it is read.
    pub(crate) fn skeleton(
        time: SystemTime,
        listener: Listener,
        tls: bool,
        version: http::Version,
    ) -> Self {
        JournalEntry {
            seq: 0,
            time,
            listener,
            tls,
            authority: None,
            protocol: Protocol::of(version),
            method: String::new(),
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            key: KeySummary::Absent,
            body: None,
            status: 0,
            latency_us: 0,
            outcome: Outcome::Answered,
            fault: None,
            // Set through `Pending::unmatched`: whether a route or a fault answered.
            matched: true,
        }
    }

    /// The entry of one request's head as sent (`head`), with what the hot path recorded
    /// (`meta`: time, status, outcome, …): key material replaced (keys looked up in `store`),
    /// the key summary from the Public API's `decision`. The body is added by the caller.
    pub(crate) fn described(
        head: &RawHead,
        meta: &JournalEntry,
        store: &KeyStore,
        decision: &Decision,
    ) -> Self {
        let accepted = match decision {
            Decision::Accepted(id) => Some((id, store.name_of(id).unwrap_or_default())),
            Decision::Rejected(_) => None,
        };
        let credentials = &mut match &accepted {
            Some((_, name)) => Credentials::accepted(store, name),
            None => Credentials::new(store),
        };
        let mut judged = None;
        let headers = head
            .fields()
            .map(|(name, value)| {
                let value = match visible_ascii(value) {
                    Some(visible_ascii) => Cow::Borrowed(visible_ascii),
                    None => String::from_utf8_lossy(value),
                };
                let value = if name == http::header::AUTHORIZATION {
                    let (shown, found) = credentials.authorization(&value, true);
                    if judged.is_none() {
                        judged = found;
                    }
                    shown
                } else if name == http::header::PROXY_AUTHORIZATION {
                    credentials.authorization(&value, false).0
                } else if is_credential_header(name) {
                    credentials.credential(&value)
                } else {
                    credentials.text(&value).into_owned()
                };
                Header {
                    name: credentials.text(name).into_owned(),
                    value,
                }
            })
            .collect();
        let query = head
            .query()
            .map(|q| {
                q.split('&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                        let (value, key) = credentials.text_and_keys(value);
                        QueryParam {
                            name: credentials.text(name).into_owned(),
                            value,
                            key,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let method = credentials.text(head.method()).into_owned();
        let path = credentials.text(head.path()).into_owned();
        let authority = match head.authority() {
            Some(authority) => Some(credentials.text(authority).into_owned()),
            None => head
                .fields()
                .find(|(name, _)| *name == http::header::HOST)
                .map(|(_, host)| {
                    credentials
                        .text(&String::from_utf8_lossy(host))
                        .into_owned()
                }),
        };
        let key = match (decision, accepted) {
            (_, Some((id, name))) => KeySummary::Valid {
                name,
                id: id.clone(),
            },
            (Decision::Rejected(Rejection::Revoked), _) => match judged {
                Some(Found::Revoked { id, name }) => KeySummary::Revoked { name, id },
                _ => KeySummary::Unknown,
            },
            (Decision::Rejected(Rejection::Unknown), _) => KeySummary::Unknown,
            (Decision::Rejected(Rejection::Missing), _) => KeySummary::Absent,
            (_, None) => KeySummary::Malformed,
        };
        JournalEntry {
            authority,
            method,
            path,
            query,
            headers,
            key,
            // The rest is what the hot path recorded (its content fields are empty, its body
            // is kept raw in the draft: `recorded.rs` adds it).
            ..meta.clone()
        }
    }

    /// [`described`](Self::described) at once, as the entry of a request whose answer has
    /// not begun (what the journal costs per request, `cost.rs`).
    #[cfg(test)]
    pub(crate) fn from_request<B>(
        request: &Request<B>,
        received: SystemTime,
        (listener, tls): (Listener, bool),
        store: &KeyStore,
        decision: &Decision,
    ) -> Self {
        let meta = Self::skeleton(received, listener, tls, request.version());
        Self::described(&RawHead::of(request), &meta, store, decision)
    }
}

/// `value` as text when every byte is visible ASCII, space or tab (what
/// `http::HeaderValue::to_str` accepts).
fn visible_ascii(value: &[u8]) -> Option<&str> {
    if value.iter().all(|&b| b == b'\t' || (32..127).contains(&b)) {
        std::str::from_utf8(value).ok()
    } else {
        None
    }
}

/// Header fields whose whole value is a credential: every word of it is either a key's
/// description or `<not a key>`.
fn is_credential_header(name: &str) -> bool {
    matches!(name, "x-api-key" | "api-key" | "x-auth-token")
}

/// One header field of a [`JournalEntry`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The field name, in lower case.
    pub name: String,
    /// The value as sent, with key material replaced by what it was (`<valid key "ci">`,
    /// `<revoked key "old">`, `<unknown thub_ key>`, `<not a key>`).
    pub value: String,
}

/// One query parameter of a [`JournalEntry`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryParam {
    /// The parameter's name, as sent (key material replaced).
    pub name: String,
    /// Its value, as sent (still percent-encoded; key material replaced); empty when the
    /// parameter has no `=`.
    #[serde(default)]
    pub value: String,
    /// When the value held a `thub_` key: what the key was (`<valid key "ci">`, …); several
    /// keys are separated by spaces. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The body of a request, as a [`JournalEntry`] shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedBody {
    /// How many bytes the body had (all of them, also those past the limit).
    pub size: u64,
    /// Whether only the first bytes are shown (the body was longer than the journal's limit).
    pub truncated: bool,
    /// How `data` is written.
    pub encoding: BodyEncoding,
    /// The bytes kept, key material replaced: text, or Base64 when they are not UTF-8.
    pub data: String,
}

/// How a [`RecordedBody`]'s `data` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum BodyEncoding {
    /// The bytes as text: they were UTF-8.
    #[serde(rename = "utf-8")]
    Utf8,
    /// Standard Base64 with padding: the bytes were not UTF-8.
    #[serde(rename = "base64")]
    Base64,
}

impl RecordedBody {
    /// The bytes kept (decoded from Base64 when they were not text).
    pub fn bytes(&self) -> Vec<u8> {
        match self.encoding {
            BodyEncoding::Utf8 => self.data.as_bytes().to_vec(),
            BodyEncoding::Base64 => super::credentials::base64_decode(self.data.as_bytes()),
        }
    }
}

/// The credential a request was judged by: the `Authorization` field as the Public API's
/// authentication read it (for the redirect listener, as it would have read it).
///
/// In JSON: `{"state":"valid","name":"ci","id":"key_…"}`, `{"state":"revoked",…}`,
/// `{"state":"unknown"}`, `{"state":"malformed"}`, `{"state":"absent"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum KeySummary {
    /// An active key of the store.
    Valid {
        /// The key's name in the store.
        name: String,
        /// The key's id in the store (`DELETE /v1/keys/{id}` revokes it).
        id: String,
    },
    /// A key of the store that was revoked when the request came.
    Revoked {
        /// The key's name in the store.
        name: String,
        /// The key's id in the store.
        id: String,
    },
    /// `Bearer thub_…` with a key the store never issued.
    Unknown,
    /// An `Authorization` field that is not one `Bearer thub_…` (another scheme, no key, a
    /// key without `thub_`, two fields, several tokens).
    Malformed,
    /// No `Authorization` field.
    Absent,
}

impl KeySummary {
    /// The store's id of the key, for a valid or revoked key.
    pub fn id(&self) -> Option<&str> {
        match self {
            KeySummary::Valid { id, .. } | KeySummary::Revoked { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The store's name of the key, for a valid or revoked key.
    pub fn name(&self) -> Option<&str> {
        match self {
            KeySummary::Valid { name, .. } | KeySummary::Revoked { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// Which listener of the mock saw a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Listener {
    /// The Public API listener (`--listen`).
    Public,
    /// The second origin for redirect tests (`--redirect-listen`, `--redirect-plain-listen`).
    Redirect,
}

/// The HTTP version of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Protocol {
    /// HTTP/1.0.
    #[serde(rename = "HTTP/1.0")]
    Http10,
    /// HTTP/1.1.
    #[serde(rename = "HTTP/1.1")]
    Http11,
    /// HTTP/2 (ALPN `h2`, or prior knowledge on a plain listener).
    #[serde(rename = "HTTP/2")]
    Http2,
}

impl Protocol {
    fn of(version: http::Version) -> Self {
        match version {
            http::Version::HTTP_10 | http::Version::HTTP_09 => Protocol::Http10,
            http::Version::HTTP_2 | http::Version::HTTP_3 => Protocol::Http2,
            _ => Protocol::Http11,
        }
    }
}

/// `SystemTime` as RFC 3339 in UTC with microseconds, in and out.
mod rfc3339 {
    use std::time::SystemTime;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&humantime::format_rfc3339_micros(*time))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        humantime::parse_rfc3339_weak(&text).map_err(serde::de::Error::custom)
    }
}
