//! The HTTP/2 client (hyper), used for [`Wire::Any`](super::Wire::Any) requests when the
//! target offers `h2`: one multiplexed connection, re-opened when it dies.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::sync::Mutex;

use super::connect::{Alpn, Dialer};
use super::reply::{Protocol, Reply, Response};
use super::request::Request;

/// Largest response body read.
const MAX_BODY: usize = 4 << 20;

/// HTTP/2 to the target over one shared connection.
pub struct Http2 {
    dialer: Dialer,
    /// `https://host:port`, the scheme and authority of every request.
    origin: String,
    base_path: String,
    /// The shared connection and its generation (bumped at each dial).
    sender: Mutex<Option<(u64, SendRequest<Full<Bytes>>)>>,
    dials: std::sync::atomic::AtomicU64,
}

/// Why a request cannot be expressed over HTTP/2 (then it goes over HTTP/1.1).
#[derive(Debug)]
pub struct NotExpressible(pub String);

impl Http2 {
    /// A client for the target `dialer` reaches.
    pub fn new(dialer: Dialer, origin: String, base_path: String) -> Self {
        Self {
            dialer,
            origin,
            base_path,
            sender: Mutex::new(None),
            dials: std::sync::atomic::AtomicU64::new(0),
        }
    }

    async fn sender(&self) -> Result<(u64, SendRequest<Full<Bytes>>), Reply> {
        let mut slot = self.sender.lock().await;
        if let Some((generation, sender)) = slot.as_ref() {
            if !sender.is_closed() {
                return Ok((*generation, sender.clone()));
            }
        }
        let dialed = self
            .dialer
            .dial(Alpn::Http2)
            .await
            .map_err(Reply::Undelivered)?;
        if !dialed.h2 {
            return Err(Reply::Broken("the target did not select h2 in ALPN".into()));
        }
        let (sender, connection) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
            .timer(TokioTimer::new())
            .max_concurrent_reset_streams(1024)
            .handshake(TokioIo::new(dialed.io))
            .await
            .map_err(|e| Reply::Broken(format!("HTTP/2 handshake failed: {e}")))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let generation = self
            .dials
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *slot = Some((generation, sender.clone()));
        Ok((generation, sender))
    }

    /// After a failed stream: drops the connection of that `generation` if it is still the
    /// shared one, so the retry dials anew.
    async fn forget(&self, generation: u64) {
        let mut slot = self.sender.lock().await;
        if slot.as_ref().is_some_and(|(g, _)| *g == generation) {
            *slot = None;
        }
    }

    /// True when HTTP/2 can carry `request` as it is (valid field names and values, a relative
    /// target).
    pub fn can_carry(&self, request: &Request) -> bool {
        // RFC 9113 §8.2.1: a field value with leading or trailing whitespace is malformed over
        // HTTP/2, where over HTTP/1.1 it is legal OWS (HDR-2): such a probe means something
        // else there, and stays on HTTP/1.1.
        let ows_around = request.fields.iter().any(|f| {
            let v = f.value.bytes();
            matches!(v.first(), Some(b' ' | b'\t')) || matches!(v.last(), Some(b' ' | b'\t'))
        });
        !ows_around && self.build(request).is_ok()
    }

    /// Builds the hyper request, or says why HTTP/2 cannot carry it.
    fn build(&self, request: &Request) -> Result<http::Request<Full<Bytes>>, NotExpressible> {
        let refuse = |why: String| NotExpressible(why);
        if request.absolute {
            return Err(refuse("absolute-form targets are HTTP/1.1 only".into()));
        }
        let method = http::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| refuse(e.to_string()))?;
        let mut uri = self.origin.clone().into_bytes();
        uri.extend_from_slice(self.base_path.as_bytes());
        uri.extend_from_slice(request.target.bytes());
        let uri = http::Uri::try_from(uri).map_err(|e| refuse(e.to_string()))?;
        let mut builder = http::Request::builder()
            .method(method)
            .uri(uri)
            .version(http::Version::HTTP_2);
        for field in &request.fields {
            let name = http::HeaderName::from_bytes(&field.name.to_ascii_lowercase())
                .map_err(|e| refuse(e.to_string()))?;
            let value = http::HeaderValue::from_bytes(field.value.bytes())
                .map_err(|e| refuse(e.to_string()))?;
            builder = builder.header(name, value);
        }
        let body = request
            .body
            .as_ref()
            .map(|b| Bytes::copy_from_slice(b.bytes()))
            .unwrap_or_default();
        builder
            .body(Full::new(body))
            .map_err(|e| refuse(e.to_string()))
    }

    /// Sends one request over HTTP/2; `Err` when the request has to go over HTTP/1.1 instead.
    pub async fn send(
        &self,
        request: &Request,
        timeout: Duration,
    ) -> Result<Reply, NotExpressible> {
        let mut built = Some(self.build(request)?);
        let head = request.method == "HEAD";
        // The connection first, outside the timeout: one that cannot be made is `Undelivered`
        // not a hang.
        let mut first = match self.sender().await {
            Ok(sender) => Some(sender),
            Err(reply) => return Ok(reply),
        };
        let exchange = async {
            // A connection the server closes (GOAWAY after its per-connection request limit,
            // nginx's keepalive_requests) fails the streams in flight before any answer: the
            // request is sent again once, on a new connection.
            let mut attempt = 0;
            let response = loop {
                attempt += 1;
                let built = match built.take() {
                    Some(built) => built,
                    None => match self.build(request) {
                        Ok(built) => built,
                        Err(NotExpressible(why)) => return Reply::Broken(why),
                    },
                };
                let (generation, mut sender) = match first.take() {
                    Some(sender) => sender,
                    None => match self.sender().await {
                        Ok(sender) => sender,
                        Err(reply) => return reply,
                    },
                };
                let failed = match sender.ready().await {
                    Err(e) => format!("HTTP/2 connection unusable: {}", with_sources(&e)),
                    Ok(()) => match sender.send_request(built).await {
                        Ok(response) => break response,
                        Err(e) => format!("HTTP/2 stream failed: {}", with_sources(&e)),
                    },
                };
                if attempt >= 3 {
                    return Reply::Closed(failed);
                }
                self.forget(generation).await;
            };
            let (parts, body) = response.into_parts();
            let body = match Limited::new(body, MAX_BODY).collect().await {
                Ok(collected) => collected.to_bytes(),
                // h2 checks Content-Length against the DATA received, also for HEAD, whose
                // Content-Length may announce the GET body (RFC 9110 §9.3.2).
                Err(_) if head => Bytes::new(),
                Err(e) => return Reply::Closed(format!("HTTP/2 body failed: {e}")),
            };
            let headers = parts
                .headers
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                .collect();
            Reply::Response(Response {
                status: parts.status.as_u16(),
                reason: String::new(),
                elapsed: Duration::ZERO,
                headers,
                body,
                protocol: Protocol::Http2,
            })
        };
        Ok(tokio::time::timeout(timeout, exchange)
            .await
            .unwrap_or(Reply::TimedOut(timeout)))
    }
}

/// An error and its sources, `: `-separated (hyper's own text is only "http2 error").
fn with_sources(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
