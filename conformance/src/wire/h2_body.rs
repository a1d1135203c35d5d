//! A request body as the HTTP/2 client sends it: with its length, which hyper announces as
//! `content-length`, or without (RFC 9113 §8.1.1: DATA frames alone frame a body; the
//! front-end axis' chunked framing, [`Request::chunked`](super::Request::chunked)).

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::{Body, Frame, SizeHint};

/// The bytes of a request body, and whether their length is told to hyper (which then sends
/// `content-length`: it adds the field for a body of exact size).
pub struct H2Body {
    bytes: Full<Bytes>,
    sized: bool,
}

impl H2Body {
    /// `bytes`, announced with their length when `sized`.
    pub fn new(bytes: Bytes, sized: bool) -> Self {
        Self {
            bytes: Full::new(bytes),
            sized,
        }
    }
}

impl Body for H2Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Pin::new(&mut self.bytes).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.bytes.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        if self.sized {
            self.bytes.size_hint()
        } else {
            SizeHint::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsized_body_hides_its_length_and_keeps_its_bytes() {
        let sized = H2Body::new(Bytes::from_static(b"{}"), true);
        assert_eq!(sized.size_hint().exact(), Some(2));
        let unsized_body = H2Body::new(Bytes::from_static(b"{}"), false);
        assert_eq!(unsized_body.size_hint().exact(), None);
        assert!(!unsized_body.is_end_stream());
    }
}
