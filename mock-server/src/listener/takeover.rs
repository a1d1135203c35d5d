//! A connection taken over by a fault: [`NoAnswer`], what a fault asks for in place of an
//! answer, and [`TakenOver`], the connection's I/O, which can stop carrying what hyper writes
//! and instead write a fault's own bytes (random bytes, a malformed chunk), then close: TLS
//! `close_notify` and a FIN, so the client reads exactly those bytes and then the end.
//!
//! hyper frames every answer it writes, so bytes that are no HTTP cannot go through it. The
//! service sets what to write ([`Takeover::write_then_close`]) and hands hyper a placeholder
//! answer; everything hyper writes from then on is discarded, and its reads see the end of
//! the stream, so it closes the connection as after any last answer. The check on the hot
//! path is one atomic load per read and write.
//!
//! On HTTP/1.1 an answer is written only after the previous one, so nothing of an earlier answer
//! is lost, unless a client pipelines and the earlier answer is still unflushed. On HTTP/2 what
//! other streams had not yet written is discarded too: `garbage` ends the whole connection. A
//! request body still unread in the kernel when the connection closes turns the FIN into an RST,
//! as with any server closing early; the bodies an SDK sends are read with the head.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What a fault asks for in place of an answer.
#[derive(Debug)]
pub enum NoAnswer {
    /// HTTP/1.1: the connection reset (an RST). HTTP/2: the stream reset with this code.
    Reset(h2::Error),
    /// HTTP/1.1: the connection closed cleanly before a byte of answer.
    Close,
    /// These bytes on the connection in place of an answer, then the close.
    Write(Bytes),
}

impl NoAnswer {
    /// A `reset` fault: an RST, or `RST_STREAM(INTERNAL_ERROR)`.
    pub(crate) fn reset() -> Self {
        NoAnswer::Reset(h2::Reason::INTERNAL_ERROR.into())
    }

    /// An `empty` fault on HTTP/2: `RST_STREAM(CANCEL)` (see `faults/respond.rs` for why).
    pub(crate) fn cancel() -> Self {
        NoAnswer::Reset(h2::Reason::CANCEL.into())
    }
}

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoAnswer::Reset(_) => f.write_str("no answer: a scripted `reset` fault"),
            NoAnswer::Close => f.write_str("no answer: a scripted `empty` fault"),
            NoAnswer::Write(_) => f.write_str("no answer: a scripted fault wrote its own bytes"),
        }
    }
}

impl std::error::Error for NoAnswer {
    /// The HTTP/2 code of a reset: hyper resets the stream with the code of the first
    /// `h2::Error` among an error's sources.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NoAnswer::Reset(code) => Some(code),
            _ => None,
        }
    }
}

/// What the listener does for a request a fault leaves without an answer: on HTTP/1.1 a
/// reset is a real RST of the connection (HTTP/1.1 has no way to reset one request), on HTTP/2
/// the stream's reset (hyper sends it for the error, with its code); bytes of the fault's own,
/// or a clean close, take the connection over ([`TakenOver`]) behind a placeholder answer
/// hyper never gets to write.
pub(super) fn without_answer(
    no_answer: NoAnswer,
    h1: bool,
    socket: super::Socket,
    takeover: &Takeover,
) -> super::Answer {
    match no_answer {
        NoAnswer::Reset(_) => {
            if h1 {
                socket.reset_on_close();
            }
            Err(no_answer)
        }
        NoAnswer::Close => {
            takeover.write_then_close(bytes::Bytes::new());
            Ok(http::Response::new(crate::envelope::Body::default()))
        }
        NoAnswer::Write(bytes) => {
            takeover.write_then_close(bytes);
            Ok(http::Response::new(crate::envelope::Body::default()))
        }
    }
}

/// The service's side of one connection: where it asks for the takeover. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub(crate) struct Takeover(Arc<Slot>);

#[derive(Debug, Default)]
struct Slot {
    armed: AtomicBool,
    bytes: Mutex<Option<Bytes>>,
}

impl Takeover {
    /// From now on the connection writes `bytes` (none: nothing) and closes, whatever hyper
    /// writes.
    pub(crate) fn write_then_close(&self, bytes: Bytes) {
        *self.0.bytes.lock().unwrap_or_else(|e| e.into_inner()) = Some(bytes);
        self.0.armed.store(true, Ordering::Release);
    }

    /// `io`, ready to be taken over.
    pub(crate) fn wrap<T>(&self, io: T) -> TakenOver<T> {
        TakenOver {
            io,
            slot: self.0.clone(),
            state: State::Serving,
        }
    }
}

/// A connection's I/O that a fault can take over (see the module's doc).
pub(crate) struct TakenOver<T> {
    io: T,
    slot: Arc<Slot>,
    state: State,
}

enum State {
    Serving,
    Writing(Bytes),
    Closing,
    Closed,
}

impl<T: AsyncWrite + Unpin> TakenOver<T> {
    fn taken(&self) -> bool {
        !matches!(self.state, State::Serving) || self.slot.armed.load(Ordering::Acquire)
    }

    /// Writes the fault's bytes, flushes, shuts the stream down; ready once it is closed.
    fn poll_takeover(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match &mut self.state {
                State::Serving => {
                    let bytes = self
                        .slot
                        .bytes
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .take();
                    self.state = State::Writing(bytes.unwrap_or_default());
                }
                State::Writing(bytes) if bytes.is_empty() => {
                    ready!(Pin::new(&mut self.io).poll_flush(cx))?;
                    self.state = State::Closing;
                }
                State::Writing(bytes) => {
                    let n = ready!(Pin::new(&mut self.io).poll_write(cx, bytes))?;
                    if n == 0 {
                        return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                    }
                    bytes.advance(n);
                }
                State::Closing => {
                    // The client may be gone already; the connection ends either way.
                    let _ = ready!(Pin::new(&mut self.io).poll_shutdown(cx));
                    self.state = State::Closed;
                }
                State::Closed => return Poll::Ready(Ok(())),
            }
        }
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncRead for TakenOver<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.taken() {
            return Pin::new(&mut this.io).poll_read(cx, buf);
        }
        // Nothing more is read: the end of the stream, once the fault's bytes are out.
        this.poll_takeover(cx)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for TakenOver<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if !this.taken() {
            return Pin::new(&mut this.io).poll_write(cx, buf);
        }
        ready!(this.poll_takeover(cx))?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if !this.taken() {
            return Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        }
        ready!(this.poll_takeover(cx))?;
        Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.taken() {
            return Pin::new(&mut this.io).poll_flush(cx);
        }
        this.poll_takeover(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.taken() {
            return Pin::new(&mut this.io).poll_shutdown(cx);
        }
        this.poll_takeover(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn once_taken_over_only_the_faults_bytes_leave_then_the_end() {
        let (near, mut far) = tokio::io::duplex(1024);
        let takeover = Takeover::default();
        let mut io = takeover.wrap(near);
        io.write_all(b"before ").await.unwrap();
        takeover.write_then_close(Bytes::from_static(b"\xffgarbage"));
        io.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await.unwrap();
        let mut rest = [0u8; 8];
        assert_eq!(io.read(&mut rest).await.unwrap(), 0, "reads see the end");
        let mut seen = Vec::new();
        far.read_to_end(&mut seen).await.unwrap();
        assert_eq!(seen, b"before \xffgarbage");
    }
}
