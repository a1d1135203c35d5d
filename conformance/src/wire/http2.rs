//! The HTTP/2 client (hyper), used for [`Wire::Any`](super::Wire::Any) requests when the
//! target offers `h2`: one multiplexed connection, re-opened when it dies.
//!
//! a stream the server declined without processing it — above the last stream ID of its
//! GOAWAY (RFC 9113 §6.8), reset with REFUSED_STREAM (§8.7), or never handed to the connection
//! because it was closing — is sent again on a new connection (after the first decline, on a
//! connection of its own), and if it is declined every time it is
//! [`Reply::Undelivered`]: evidence of nothing. So is a stream that got no answer in time on a
//! connection the server shut down meanwhile (GOAWAY): its fate is unknown, and it is sent
//! again alone; a server that hangs a stream on a live connection is judged a hang. A stream reset otherwise, or a connection
//! lost, is an answer to the request ([`Reply::Closed`], ROB-1's reset).

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::sync::Mutex;

use super::connect::{Alpn, Dialer};
use super::h2_body::H2Body;
use super::reply::{Protocol, Reply, Response};
use super::request::Request;

/// Largest response body read.
const MAX_BODY: usize = 4 << 20;
/// Times one request is sent when the server declines it unprocessed.
const MAX_DECLINED: u32 = 8;
/// Times one request is sent when its stream fails otherwise (reset, connection lost).
const MAX_BROKEN: u32 = 3;

/// How an attempt that got no response ended.
enum Failed {
    /// Declined unprocessed: safe to send again, evidence of nothing.
    Declined(String),
    /// Reset, or the connection lost while the server had the request: an answer.
    Broken(String),
}

/// HTTP/2 to the target over one shared connection.
pub struct Http2 {
    dialer: Dialer,
    /// `https://host:port`, the scheme and authority of every request.
    origin: String,
    base_path: String,
    /// The shared connection and its generation (bumped at each dial).
    sender: Mutex<Option<(u64, SendRequest<H2Body>)>>,
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

    async fn sender(&self) -> Result<(u64, SendRequest<H2Body>), Reply> {
        let mut slot = self.sender.lock().await;
        if let Some((generation, sender)) = slot.as_ref() {
            if !sender.is_closed() {
                return Ok((*generation, sender.clone()));
            }
        }
        let sender = self.handshake().await?;
        let generation = self
            .dials
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *slot = Some((generation, sender.clone()));
        Ok((generation, sender))
    }

    /// A new connection: dialed, handshaken, its task spawned.
    async fn handshake(&self) -> Result<SendRequest<H2Body>, Reply> {
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
        Ok(sender)
    }

    /// The shared connection and its generation, or (`alone`) a new one for one request.
    async fn connection(&self, alone: bool) -> Result<(Option<u64>, SendRequest<H2Body>), Reply> {
        if alone {
            return Ok((None, self.handshake().await?));
        }
        let (generation, sender) = self.sender().await?;
        Ok((Some(generation), sender))
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

    /// why only raw HTTP/1.1 can carry `request` as it was meant — its protocol version,
    /// a missing or repeated `Host`, the bytes around a field's colon, or whatever
    /// [`Http2::can_carry`] refuses — or `None` when HTTP/2 carries it.
    pub fn cannot_carry(&self, request: &Request) -> Option<String> {
        let hosts = request
            .fields
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case(b"host"))
            .count();
        if request.version != "HTTP/1.1" {
            return Some(format!("an {} request line", request.version));
        }
        if request.omit_host {
            return Some("a request without Host".into());
        }
        if hosts > 1 {
            return Some("several Host fields".into());
        }
        // Whitespace after a field's colon beyond one SP is HTTP/1.1's OWS (HDR-2).
        if request
            .fields
            .iter()
            .any(|f| !matches!(f.separator.as_slice(), b"" | b" "))
        {
            return Some("the whitespace between a field name and its value".into());
        }
        if let Err(NotExpressible(why)) = self.build(request) {
            return Some(why);
        }
        (!self.can_carry(request)).then(|| "whitespace around a field value".into())
    }

    /// Builds the hyper request, or says why HTTP/2 cannot carry it.
    fn build(&self, request: &Request) -> Result<http::Request<H2Body>, NotExpressible> {
        let refuse = |why: String| NotExpressible(why);
        if request.absolute {
            return Err(refuse("absolute-form targets are HTTP/1.1 only".into()));
        }
        let method = http::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| refuse(e.to_string()))?;
        // `:scheme` and `:authority` as the request names them (the Host class of the
        // front-end axis), else the target's.
        let mut uri = match (request.scheme, &request.authority) {
            (None, None) => self.origin.clone(),
            (scheme, authority) => {
                let (own_scheme, own_authority) =
                    self.origin.split_once("://").unwrap_or(("https", ""));
                format!(
                    "{}://{}",
                    scheme.unwrap_or(own_scheme),
                    authority.as_deref().unwrap_or(own_authority)
                )
            }
        }
        .into_bytes();
        uri.extend_from_slice(self.base_path.as_bytes());
        uri.extend_from_slice(request.target.bytes());
        let uri = http::Uri::try_from(uri).map_err(|e| refuse(e.to_string()))?;
        let mut builder = http::Request::builder()
            .method(method)
            .uri(uri)
            .version(http::Version::HTTP_2);
        for field in &request.fields {
            // RFC 9113 §8.2.2: connection-specific fields make an HTTP/2 request malformed
            // (and hyper would drop them: the probe would not be the one meant).
            let lower = field.name.to_ascii_lowercase();
            let trailers = lower == b"te" && field.value.bytes().eq_ignore_ascii_case(b"trailers");
            if !trailers
                && [
                    &b"connection"[..],
                    b"keep-alive",
                    b"proxy-connection",
                    b"transfer-encoding",
                    b"upgrade",
                    b"te",
                ]
                .contains(&lower.as_slice())
            {
                return Err(refuse(format!(
                    "the connection-specific field {} (RFC 9113 §8.2.2)",
                    String::from_utf8_lossy(&field.name)
                )));
            }
            let name = http::HeaderName::from_bytes(&lower).map_err(|e| refuse(e.to_string()))?;
            let value = http::HeaderValue::from_bytes(field.value.bytes())
                .map_err(|e| refuse(e.to_string()))?;
            builder = builder.header(name, value);
        }
        let body = request
            .body
            .as_ref()
            .map(|b| Bytes::copy_from_slice(b.bytes()))
            .unwrap_or_default();
        // A body framed without a length (the front-end axis): no content-length.
        builder
            .body(H2Body::new(body, !request.chunked))
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
        // A request that needs a connection of its own gets one (R-10, an h2-only target).
        let alone = request.fresh_connection;
        // The connections outside the timeout, which counts from delivery: one that cannot be
        // made is `Undelivered`, and neither it nor a declined attempt is a hang.
        let mut first = match self.connection(alone).await {
            Ok(sender) => Some(sender),
            Err(reply) => return Ok(reply),
        };
        let exchange = async {
            let (mut declined, mut broken) = (0, 0);
            // ERR-3's time to answer counts from the attempt that was answered: not the
            // declined ones, nor the handshakes of the connections their retries needed.
            let (response, answering, deadline) = loop {
                let built = match built.take() {
                    Some(built) => built,
                    None => match self.build(request) {
                        Ok(built) => built,
                        Err(NotExpressible(why)) => return Reply::Broken(why),
                    },
                };
                // After a decline, the request goes on a connection of its own: a server that
                // answers one request per connection (GOAWAY after each) answers it there; after
                // a reset, so that what another request did to a shared connection is not
                // taken for this one's answer.
                let (generation, mut sender) = match first.take() {
                    Some(sender) => sender,
                    None => match self.connection(alone || declined + broken > 0).await {
                        Ok(sender) => sender,
                        Err(reply) => return reply,
                    },
                };
                let failed = match tokio::time::timeout(timeout, sender.ready()).await {
                    // Closed before the request was handed to it: never sent.
                    Ok(Err(e)) => {
                        Failed::Declined(format!("HTTP/2 connection closing: {}", with_sources(&e)))
                    }
                    Err(_) => Failed::Declined("the connection took no new stream".into()),
                    Ok(Ok(())) => {
                        let started = tokio::time::Instant::now();
                        let deadline = started + timeout;
                        match tokio::time::timeout_at(deadline, sender.try_send_request(built))
                            .await
                        {
                            // No head in time, and meanwhile the server shut the connection
                            // down (GOAWAY, or closed it): it either never took the stream or
                            // the client's HTTP/2 stack lost its end (h2 can leave a stream
                            // pending through a GOAWAY race, hyperium/reqwest#1323); either way
                            // not the server's answer. Sent again on a connection of its own,
                            // where a server that really hangs is seen hanging.
                            Err(_) if sender.is_closed() => Failed::Declined(format!(
                                "no answer within {timeout:?}, and the server shut the \
                                 connection down (GOAWAY) without the stream failing"
                            )),
                            Err(_) => return Reply::TimedOut(timeout),
                            Ok(Ok(response)) => break (response, started, deadline),
                            Ok(Err(mut e)) => classify(e.take_message().is_some(), e.error()),
                        }
                    }
                };
                drop(sender);
                match failed {
                    Failed::Declined(why) => {
                        declined += 1;
                        if declined >= MAX_DECLINED {
                            return Reply::Undelivered(format!(
                                "the server declined the request unprocessed {declined} times (R-5; last: {why})"
                            ));
                        }
                    }
                    Failed::Broken(why) => {
                        broken += 1;
                        if broken >= MAX_BROKEN {
                            return Reply::Closed(why);
                        }
                    }
                }
                if let Some(generation) = generation {
                    self.forget(generation).await;
                }
            };
            let (parts, body) = response.into_parts();
            let collected = Limited::new(body, MAX_BODY).collect();
            let Ok(collected) = tokio::time::timeout_at(deadline, collected).await else {
                return Reply::TimedOut(timeout);
            };
            let body = match collected {
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
                elapsed: answering.elapsed(),
                headers,
                body,
                protocol: Protocol::Http2,
            })
        };
        Ok(exchange.await)
    }
}

/// whether a failed attempt was declined unprocessed (`returned`: hyper handed the
/// request back, it never reached the connection) or is an answer (a reset, a lost
/// connection).
fn classify(returned: bool, error: &hyper::Error) -> Failed {
    let text = with_sources(error);
    if returned || error.is_canceled() {
        return Failed::Declined(format!("not sent, the connection was closing: {text}"));
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(h2) = cause.downcast_ref::<h2::Error>() {
            // h2 fails a stream with the GOAWAY's own error when its ID is above the GOAWAY's
            // last stream ID (or it was opened after the GOAWAY): unprocessed (RFC 9113 §6.8).
            // A GOAWAY with an error code is a connection error the request may have caused
            // (a header section over the server's limit): an answer, judged.
            if h2.is_go_away() && h2.is_remote() && h2.reason() == Some(h2::Reason::NO_ERROR) {
                return Failed::Declined(format!(
                    "above the last stream ID of the server's GOAWAY: {text}"
                ));
            }
            if h2.is_reset() && h2.is_remote() && h2.reason() == Some(h2::Reason::REFUSED_STREAM) {
                return Failed::Declined(format!("refused (REFUSED_STREAM): {text}"));
            }
            break;
        }
        source = cause.source();
    }
    Failed::Broken(format!("HTTP/2 stream failed: {text}"))
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
