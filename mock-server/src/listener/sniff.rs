//! One port, TLS and plain HTTP (`MockConfig::also_plain`, `--also-plain`): the first byte a
//! client sends decides. A TLS connection opens with a handshake record, byte `0x16`
//! (RFC 8446 §5.1: `ContentType handshake`); an HTTP/1 request opens with its method, a token
//! character (RFC 9110 §5.6.2), or an empty line (RFC 9112 §2.2); HTTP/2 with prior knowledge
//! opens with `PRI`. Anything else gets a plain `400` saying what the port speaks, then the
//! connection is closed.
//!
//! This is what lets a grading serve the redirect CLI-4 forbids most plainly: from
//! `https://HOST:PORT` to `http://HOST:PORT`, same host, same port, the key then in clear
//! (follow-redirects before 1.14.8, CVE-2022-0536).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

/// What a listener speaks.
#[derive(Clone)]
pub enum Transport {
    /// Plain HTTP only (`--plaintext`, `--redirect-plain-listen`).
    Plain,
    /// TLS only.
    Tls(TlsAcceptor),
    /// TLS or plain HTTP on the same port, told apart by the first byte.
    TlsOrPlain(TlsAcceptor),
}

impl From<Option<TlsAcceptor>> for Transport {
    fn from(tls: Option<TlsAcceptor>) -> Self {
        tls.map_or(Transport::Plain, Transport::Tls)
    }
}

/// On a [`Transport::TlsOrPlain`] port, what a request's connection spoke: put in the
/// request's extensions, so the journal records each request's `tls` as it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transported {
    /// Whether the connection is TLS.
    pub tls: bool,
}

/// What the first byte of a connection says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FirstByte {
    /// `0x16`: a TLS handshake record.
    Tls,
    /// A token character or an empty line: an HTTP/1 request (or HTTP/2's `PRI`).
    Plain,
    /// Neither: this byte.
    Neither(u8),
    /// The client closed, failed, or sent nothing within the time allowed.
    Nothing,
}

/// Reads (without taking it) the first byte of `stream`, waiting at most `within`.
pub(super) async fn first_byte(stream: &TcpStream, within: Duration) -> FirstByte {
    let mut byte = [0u8; 1];
    match tokio::time::timeout(within, stream.peek(&mut byte)).await {
        Ok(Ok(1)) => classify(byte[0]),
        _ => FirstByte::Nothing,
    }
}

fn classify(byte: u8) -> FirstByte {
    const TOKEN_SYMBOLS: &[u8] = b"!#$%&'*+-.^_`|~";
    match byte {
        0x16 => FirstByte::Tls,
        b'\r' | b'\n' => FirstByte::Plain,
        b if b.is_ascii_alphanumeric() || TOKEN_SYMBOLS.contains(&b) => FirstByte::Plain,
        b => FirstByte::Neither(b),
    }
}

/// The answer to a connection that is neither: a plain-text `400` naming the byte, then the
/// connection closed (what the client sent after it is read and dropped, briefly, so the
/// answer is not lost to a reset).
pub(super) async fn refuse(mut stream: TcpStream, byte: u8, peer: SocketAddr) {
    tracing::debug!(target: "terminus_mock::listener", %peer, "first byte {byte:#04x}: neither TLS nor HTTP");
    let body = format!(
        "this port answers TLS (a handshake begins with byte 0x16) or plain HTTP/1.1 \
         (a request begins with its method); the connection began with byte {byte:#04x}, neither\n"
    );
    let answer = format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(answer.as_bytes()).await.is_err() {
        return;
    }
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 4096];
    let drain = async {
        let mut left = 64 * 1024usize;
        while left > 0 {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_byte_tells_tls_from_http_and_from_neither() {
        assert_eq!(classify(0x16), FirstByte::Tls);
        for b in *b"GPHDOCT\r\nprI!~0" {
            assert_eq!(classify(b), FirstByte::Plain, "{b:#04x}");
        }
        for b in [0x00, 0x15, 0x17, 0x80, 0xff, b' ', b'(', b'/', b'"', 0x7f] {
            assert_eq!(classify(b), FirstByte::Neither(b), "{b:#04x}");
        }
    }
}
