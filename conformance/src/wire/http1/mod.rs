//! The raw HTTP/1.1 client: writes a [`Request`]'s bytes exactly as built, over a pool of
//! kept-alive connections, and reads the response with its own reader (`read.rs`).

use std::sync::Mutex;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use super::connect::{Alpn, Dialer, Io};
use super::reply::{Reply, Response};
use super::request::Request;
use super::text::Text;

mod read;

use read::{closed, read_response, Failure};
pub use read::{parse_head_leniently, parse_response};

/// How long a HEAD response is watched for body bytes a server should not send (ERR-4)…
const HEAD_BODY_WATCH: Duration = Duration::from_millis(40);
/// …and on a connection of its own (ERR-4's probes), where a late body is the finding.
const HEAD_BODY_WATCH_ALONE: Duration = Duration::from_millis(250);

/// Serializes a request: request line, `Host`, the fields as built, `Content-Length` for a
/// body, the body (or, for a [`Request::chunked`] one, `Transfer-Encoding: chunked` and the
/// body as one chunk and the last chunk, RFC 9112 §7.1).
pub fn serialize(request: &Request, host: &str, base_path: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(request.method.as_bytes());
    out.push(b' ');
    if !request.absolute {
        out.extend_from_slice(base_path.as_bytes());
    }
    out.extend_from_slice(request.target.bytes());
    out.push(b' ');
    out.extend_from_slice(request.version.as_bytes());
    out.extend_from_slice(b"\r\n");
    if !request.omit_host
        && !request
            .fields
            .iter()
            .any(|f| f.name.eq_ignore_ascii_case(b"host"))
    {
        out.extend_from_slice(b"Host: ");
        out.extend_from_slice(request.authority.as_deref().unwrap_or(host).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    for field in &request.fields {
        out.extend_from_slice(&field.name);
        out.push(b':');
        out.extend_from_slice(&field.separator);
        out.extend_from_slice(field.value.bytes());
        out.extend_from_slice(b"\r\n");
    }
    if request.chunked {
        out.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
        let body = request.body.as_ref().map_or(&[][..], Text::bytes);
        if !body.is_empty() {
            out.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else if let Some(body) = &request.body {
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.bytes().len()).as_bytes());
        out.extend_from_slice(body.bytes());
    } else {
        out.extend_from_slice(b"\r\n");
    }
    out
}

struct Conn {
    /// `None` only while an exchange holds it.
    io: Option<Box<dyn Io>>,
    /// Bytes read past the last response.
    buf: Vec<u8>,
}

/// Raw HTTP/1.1 over a pool of idle connections.
pub struct Http1 {
    dialer: Dialer,
    host: String,
    base_path: String,
    idle: Mutex<Vec<Conn>>,
}

impl Http1 {
    /// A client for the target `dialer` reaches; `host` is the `Host` field's value.
    pub fn new(dialer: Dialer, host: String, base_path: String) -> Self {
        Self {
            dialer,
            host,
            base_path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The dialer this client connects with.
    pub fn dialer(&self) -> &Dialer {
        &self.dialer
    }

    /// The `Host` value and base path it sends.
    pub fn host_and_base(&self) -> (&str, &str) {
        (&self.host, &self.base_path)
    }

    /// Sends one request and reads its response. A kept-alive connection that turns out to
    /// be closed is replaced once.
    pub async fn send(&self, request: &Request) -> Reply {
        let bytes = serialize(request, &self.host, &self.base_path);
        // A chunked body goes on a connection of its own: a server that does not read chunked
        // bodies would take the chunk for the next request on the connection.
        let alone = request.fresh_connection || request.chunked;
        let head = (request.method == "HEAD").then_some(if alone {
            HEAD_BODY_WATCH_ALONE
        } else {
            HEAD_BODY_WATCH
        });
        for attempt in 0..2 {
            let pooled = if alone || attempt > 0 {
                None
            } else {
                self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()
            };
            let reused = pooled.is_some();
            let mut conn = match pooled {
                Some(conn) => conn,
                None => match self.dialer.dial(Alpn::Http1).await {
                    Ok(dialed) => Conn {
                        io: Some(dialed.io),
                        buf: Vec::new(),
                    },
                    Err(why) => return Reply::Undelivered(why),
                },
            };
            // The timeout counts from delivery: a connection that cannot be made is the
            // dialer's (its own timeout, `Undelivered`), not a hang.
            let started = std::time::Instant::now();
            let Ok(exchanged) =
                tokio::time::timeout(self.dialer.timeout, exchange(&mut conn, &bytes, head)).await
            else {
                return Reply::TimedOut(self.dialer.timeout);
            };
            match exchanged {
                Ok((mut response, reusable)) => {
                    // ERR-3's time to answer: from delivery, not the dial (R-5's retries and
                    // a server closing every connection would add handshakes to it).
                    response.elapsed = started.elapsed();
                    if reusable && !alone {
                        self.idle
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(conn);
                    }
                    return Reply::Response(response);
                }
                Err(failure) if reused && !failure.received_any => continue,
                Err(failure) => return failure.reply,
            }
        }
        Reply::Closed("the connection closed twice before any response".into())
    }
}

/// Writes `bytes` and reads one response at the same time (a server may answer an oversized
/// request before reading all of it). Returns the response and whether the connection can be
/// used again.
async fn exchange(
    conn: &mut Conn,
    bytes: &[u8],
    head: Option<Duration>,
) -> Result<(Response, bool), Failure> {
    let Some(io) = conn.io.take() else {
        return Err(closed(false, "connection already in use".into()));
    };
    let (mut reader, mut writer) = tokio::io::split(io);
    let mut buf = std::mem::take(&mut conn.buf);
    let (result, written) = {
        let write = async {
            writer.write_all(bytes).await?;
            writer.flush().await
        };
        let read = read_response(&mut reader, &mut buf, head);
        tokio::pin!(write, read);
        let mut written: Option<std::io::Result<()>> = None;
        let result = loop {
            tokio::select! {
                result = &mut read => break result,
                done = &mut write, if written.is_none() => written = Some(done),
            }
        };
        (result, written)
    };
    let write_complete = matches!(written, Some(Ok(())));
    conn.io = Some(reader.unsplit(writer));
    conn.buf = buf;
    match result {
        Ok((response, framed)) => Ok((response, framed && write_complete)),
        Err(mut failure) => {
            if let (Some(Err(e)), Reply::Closed(why)) = (&written, &mut failure.reply) {
                why.push_str(&format!("; writing the request failed: {e}"));
            }
            Err(failure)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The front-end axis' chunked framing: `Transfer-Encoding: chunked`, the body as one chunk
    /// and the last chunk, and no `Content-Length` (RFC 9112 §7.1).
    #[test]
    fn a_chunked_body_goes_without_content_length() {
        let request = Request::new("POST", "/v1/x")
            .body("application/json", "{}")
            .chunked();
        let bytes = String::from_utf8(serialize(&request, "h", "")).unwrap();
        assert!(
            bytes.ends_with("Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            "{bytes}"
        );
        assert!(
            !bytes.to_ascii_lowercase().contains("content-length"),
            "{bytes}"
        );
        let sized = Request::new("POST", "/v1/x").body("application/json", "{}");
        let bytes = String::from_utf8(serialize(&sized, "h", "")).unwrap();
        assert!(bytes.ends_with("Content-Length: 2\r\n\r\n{}"), "{bytes}");
    }
}
