//! Reading a response off the wire as the raw client sees it: httparse for the head (a head
//! httparse refuses is read leniently), then a Content-Length, chunked or close-delimited body;
//! a HEAD response is watched for a body it should not carry (ERR-4).

use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::wire::reply::{Protocol, Reply, Response};

/// Largest response head or body the client reads.
const MAX_RESPONSE_BYTES: usize = 4 << 20;

/// Why an exchange produced no response.
pub(super) struct Failure {
    /// True when some response bytes had arrived (then a retry is not safe to assume).
    pub(super) received_any: bool,
    pub(super) reply: Reply,
}

async fn fill<R: AsyncRead + Unpin>(reader: &mut R, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut chunk = [0u8; 16 * 1024];
    let n = reader.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

pub(super) fn closed(received_any: bool, why: String) -> Failure {
    Failure {
        received_any,
        reply: Reply::Closed(why),
    }
}

fn broken(why: String) -> Failure {
    Failure {
        received_any: true,
        reply: Reply::Broken(why),
    }
}

/// Parses one response from `bytes`, as the raw client reads it off a connection that closes
/// after them (`head`: the response to a HEAD request). A pure entry point to the reader, for
/// the fuzz target and the property tests.
pub fn parse_response(bytes: &[u8], head: bool) -> Reply {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime");
    }
    RUNTIME.with(|runtime| {
        runtime.block_on(async {
            let mut reader = bytes;
            let mut buf = Vec::new();
            let head = head.then_some(Duration::ZERO);
            match read_response(&mut reader, &mut buf, head).await {
                Ok((response, _)) => Reply::Response(response),
                Err(failure) => failure.reply,
            }
        })
    })
}

/// What a response head holds.
type Head = (u16, Vec<(String, Vec<u8>)>);

/// Parses a complete response head that httparse refused (a control byte in a field value, a
/// field line without a colon, another HTTP-version than 1.0 or 1.1): the status line must be
/// HTTP (`HTTP/` DIGIT `.` DIGIT, RFC 9112 §2.3), the rest is read leniently — the runner judges
/// authentication, not the server's field syntax. A server that echoes the request's version
/// (`HTTP/2.0 401` to a request line saying `HTTP/2.0`, as aiohttp does) still answered, and its
/// answer is judged. `None` when it is not HTTP.
pub fn parse_head_leniently(head: &[u8]) -> Option<Head> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let status_line = lines.next()?;
    let version = status_line.strip_prefix(b"HTTP/")?;
    if !matches!(version, [major, b'.', minor, b' ', ..] if major.is_ascii_digit() && minor.is_ascii_digit())
    {
        return None;
    }
    let rest = &version[2..];
    let code = rest.get(2..5)?;
    let status = std::str::from_utf8(code).ok()?.parse::<u16>().ok()?;
    if !(100..1000).contains(&status) {
        return None;
    }
    let headers = lines
        .filter_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let name = String::from_utf8_lossy(&line[..colon])
                .trim()
                .to_ascii_lowercase();
            let value = line[colon + 1..]
                .iter()
                .copied()
                .skip_while(|b| *b == b' ' || *b == b'\t')
                .collect::<Vec<u8>>();
            let end = value
                .iter()
                .rposition(|b| *b != b' ' && *b != b'\t')
                .map_or(0, |i| i + 1);
            (!name.is_empty()).then(|| (name, value[..end].to_vec()))
        })
        .collect();
    Some((status, headers))
}

/// The reason phrase of the status line at the start of `buf` (ERR-3 compares it too).
fn reason_phrase(buf: &[u8]) -> String {
    let line_end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    let line = buf[..line_end]
        .strip_suffix(b"\r")
        .unwrap_or(&buf[..line_end]);
    let mut parts = line.splitn(3, |&b| b == b' ');
    let (_version, _code) = (parts.next(), parts.next());
    String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned()
}

/// The end of a response head in `buf` (after its empty line), if it is all there.
fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Reads one final response (skipping 1xx). The flag says the body was framed so the
/// connection can carry another request. `head`: the response to a HEAD, watched this long
/// for a body it should not have.
pub(super) async fn read_response<R: AsyncRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    head: Option<Duration>,
) -> Result<(Response, bool), Failure> {
    let mut received_any = !buf.is_empty();
    loop {
        let (status, headers, reason) = loop {
            let mut slots = [httparse::EMPTY_HEADER; 256];
            let mut parsed = httparse::Response::new(&mut slots);
            match parsed.parse(buf) {
                Ok(httparse::Status::Complete(len)) => {
                    let status = parsed.code.unwrap_or(0);
                    let headers: Vec<(String, Vec<u8>)> = parsed
                        .headers
                        .iter()
                        .map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec()))
                        .collect();
                    let reason = reason_phrase(buf);
                    buf.drain(..len);
                    break (status, headers, reason);
                }
                Ok(httparse::Status::Partial) if buf.len() > MAX_RESPONSE_BYTES => {
                    return Err(broken("response head larger than 4 MiB".into()))
                }
                Ok(httparse::Status::Partial) => match fill(reader, buf).await {
                    Ok(0) if buf.is_empty() => {
                        return Err(closed(received_any, "end of stream".into()))
                    }
                    Ok(0) => {
                        return Err(closed(
                            true,
                            "end of stream inside the response head".into(),
                        ))
                    }
                    Ok(_) => received_any = true,
                    Err(e) => return Err(closed(received_any, e.to_string())),
                },
                Err(e) => {
                    let lenient = head_end(buf).and_then(|end| {
                        parse_head_leniently(&buf[..end]).map(|parsed| (parsed, end))
                    });
                    if let Some(((status, headers), end)) = lenient {
                        let reason = reason_phrase(buf);
                        buf.drain(..end);
                        break (status, headers, reason);
                    }
                    if head_end(buf).is_none() && buf.starts_with(b"HTTP/") {
                        // Perhaps lenient parsing can use it once the head is complete.
                        match fill(reader, buf).await {
                            Ok(0) => {}
                            Ok(_) if buf.len() <= MAX_RESPONSE_BYTES => continue,
                            _ => {}
                        }
                    }
                    return Err(broken(format!(
                        "the response is not HTTP ({e}): {}",
                        crate::wire::text::show_bytes(&buf[..buf.len().min(80)])
                    )));
                }
            }
        };
        if (100..200).contains(&status) && status != 101 {
            continue;
        }
        let field = |name: &str| {
            headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| String::from_utf8_lossy(v).to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(",")
        };
        let close = field("connection").split(',').any(|t| t.trim() == "close");
        let chunked = field("transfer-encoding").contains("chunked");
        let length: Option<usize> = field("content-length")
            .split(',')
            .next()
            .and_then(|v| v.trim().parse().ok());
        let (body, framed) = if let Some(watch) = head {
            // Never pooled: a body sent late would be read as the next response.
            let (body, _) = head_body(reader, buf, length, watch).await;
            (body, false)
        } else if status == 204 || status == 304 {
            (Vec::new(), true)
        } else if chunked {
            (read_chunked(reader, buf).await?, true)
        } else if let Some(length) = length {
            (read_exact_body(reader, buf, length).await?, true)
        } else {
            (read_to_end(reader, buf).await?, false)
        };
        let response = Response {
            status,
            reason,
            headers,
            body: Bytes::from(body),
            protocol: Protocol::Http1,
            elapsed: Duration::ZERO,
        };
        return Ok((response, framed && !close));
    }
}

/// A HEAD response has no body; whatever arrives right after its head is one the server
/// should not have sent (ERR-4), and makes the connection unusable.
async fn head_body<R: AsyncRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    length: Option<usize>,
    watch: Duration,
) -> (Vec<u8>, bool) {
    if buf.is_empty() && length != Some(0) {
        let deadline = tokio::time::Instant::now() + watch;
        while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, fill(reader, buf)).await {
            if n == 0 || buf.len() > MAX_RESPONSE_BYTES {
                break;
            }
        }
    }
    let body = std::mem::take(buf);
    let clean = body.is_empty();
    (body, clean)
}

async fn read_exact_body<R: AsyncRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    length: usize,
) -> Result<Vec<u8>, Failure> {
    if length > MAX_RESPONSE_BYTES {
        return Err(broken(format!(
            "response body of {length} bytes is larger than the runner reads"
        )));
    }
    while buf.len() < length {
        match fill(reader, buf).await {
            Ok(0) => {
                return Err(closed(
                    true,
                    format!("end of stream after {} of {length} body bytes", buf.len()),
                ))
            }
            Ok(_) => {}
            Err(e) => return Err(closed(true, e.to_string())),
        }
    }
    Ok(buf.drain(..length).collect())
}

async fn read_to_end<R: AsyncRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
) -> Result<Vec<u8>, Failure> {
    loop {
        match fill(reader, buf).await {
            Ok(0) => return Ok(std::mem::take(buf)),
            Ok(_) if buf.len() > MAX_RESPONSE_BYTES => {
                return Err(broken("response body larger than 4 MiB".into()))
            }
            Ok(_) => {}
            // A close-delimited body ended by a reset still delivered what it delivered.
            Err(_) => return Ok(std::mem::take(buf)),
        }
    }
}

async fn read_line<R: AsyncRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
) -> Result<Vec<u8>, Failure> {
    loop {
        if let Some(pos) = buf.windows(2).position(|w| w == b"\r\n") {
            let line = buf[..pos].to_vec();
            buf.drain(..pos + 2);
            return Ok(line);
        }
        if buf.len() > MAX_RESPONSE_BYTES {
            return Err(broken("chunked body line too long".into()));
        }
        match fill(reader, buf).await {
            Ok(0) => return Err(closed(true, "end of stream inside a chunked body".into())),
            Ok(_) => {}
            Err(e) => return Err(closed(true, e.to_string())),
        }
    }
}

async fn read_chunked<R: AsyncRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader, buf).await?;
        let size_text = String::from_utf8_lossy(&line);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| broken(format!("bad chunk size {size_text:?}")))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(reader, buf).await?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > MAX_RESPONSE_BYTES {
            return Err(broken("chunked body larger than 4 MiB".into()));
        }
        let chunk = read_exact_body(reader, buf, size + 2).await?;
        body.extend_from_slice(&chunk[..size]);
    }
}
