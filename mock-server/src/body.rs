//! [`Body`], the body of every response of the mock: whole bytes (every normal answer, no
//! allocation beyond the bytes), or a scripted stream for the faults an SDK's tests ask for (a
//! body dripped a few bytes at a time, or cut short after promising more).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};

/// A response body.
#[derive(Debug, Default)]
pub struct Body(Kind);

#[derive(Debug, Default)]
enum Kind {
    #[default]
    Empty,
    Whole(Option<Bytes>),
    Scripted(Box<Scripted>),
    /// A body whose end is reported to the journal.
    Watched(Box<Watched>),
}

/// How an answer's body ended, as the journal is told ([`AnswerWatch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerEnd {
    /// Sent whole.
    Complete,
    /// No answer at all (a `reset` fault): reported by the Public API, not by a body.
    NoAnswer,
    /// The body failed on purpose (a `truncate` fault: [`CutShort`]).
    BodyFailed,
    /// Dropped before its end: the client went away.
    Abandoned,
}

/// Told once how an answer ended (the journal's entry of the request, see `journal/`).
pub trait AnswerWatch: Send + Sync + 'static {
    /// The answer ended as `end`.
    fn ended(&self, end: AnswerEnd);
}

/// A body and who is told how it ended.
struct Watched {
    body: Body,
    watch: Option<std::sync::Arc<dyn AnswerWatch>>,
}

impl std::fmt::Debug for Watched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Watched").field(&self.body).finish()
    }
}

impl Watched {
    fn tell(&mut self, end: AnswerEnd) {
        if let Some(watch) = self.watch.take() {
            watch.ended(end);
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        use hyper::body::Body as _;
        let end = if self.body.is_end_stream() {
            AnswerEnd::Complete
        } else {
            AnswerEnd::Abandoned
        };
        self.tell(end);
    }
}

/// A body sent in pieces, `pause` apart, possibly ending in an error that aborts the
/// connection (a truncated body) or the stream (HTTP/2, with the error's code).
#[derive(Debug)]
struct Scripted {
    pieces: std::collections::VecDeque<Bytes>,
    pause: Duration,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The error ending it, if it ends in one: the HTTP/2 code of the stream's reset.
    cut_short: Option<h2::Reason>,
    /// The length announced (`Content-Length`); `None`: none (chunked on HTTP/1.1).
    length: Option<u64>,
}

/// Why a scripted body ended early: the fault asked for it. On HTTP/2 the stream is reset
/// with the code it carries (hyper finds it as the error's source).
#[derive(Debug, thiserror::Error)]
#[error("the body was cut short on purpose (a scripted fault)")]
pub struct CutShort(#[source] h2::Error);

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body(Kind::Whole(Some(bytes)))
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Body::from(Bytes::from_static(text.as_bytes()))
    }
}

impl Body {
    /// `bytes` sent `chunk` bytes at a time, `pause` between pieces.
    pub fn dripped(bytes: Bytes, chunk: usize, pause: Duration) -> Self {
        let length = bytes.len() as u64;
        let pieces = (0..bytes.len())
            .step_by(chunk.max(1))
            .map(|start| bytes.slice(start..(start + chunk.max(1)).min(bytes.len())))
            .collect();
        Body(Kind::Scripted(Box::new(Scripted {
            pieces,
            pause,
            sleep: None,
            cut_short: None,
            length: Some(length),
        })))
    }

    /// The first half of `bytes`, then an error: the head promised `bytes.len()` (its
    /// `Content-Length`), the connection closes before the rest.
    pub fn truncated(bytes: Bytes) -> Self {
        let length = bytes.len() as u64;
        let half = bytes.slice(..bytes.len() / 2);
        Body(Kind::Scripted(Box::new(Scripted {
            pieces: [half].into_iter().filter(|b| !b.is_empty()).collect(),
            // Time for the head and the first half to leave before the connection is cut.
            pause: Duration::from_millis(50),
            sleep: None,
            cut_short: Some(h2::Reason::INTERNAL_ERROR),
            length: Some(length),
        })))
    }

    /// The first half of `bytes` with no length announced, then an error that resets an
    /// HTTP/2 stream with `PROTOCOL_ERROR` (a `malformed_chunk` fault on HTTP/2).
    pub fn malformed(bytes: Bytes) -> Self {
        let half = bytes.slice(..bytes.len() / 2);
        Body(Kind::Scripted(Box::new(Scripted {
            pieces: [half].into_iter().filter(|b| !b.is_empty()).collect(),
            pause: Duration::from_millis(50),
            sleep: None,
            cut_short: Some(h2::Reason::PROTOCOL_ERROR),
            length: None,
        })))
    }
}

impl Body {
    /// This body, with `watch` told how it ends: sent whole, failed, or dropped unfinished.
    pub fn watched(self, watch: std::sync::Arc<dyn AnswerWatch>) -> Self {
        Body(Kind::Watched(Box::new(Watched {
            body: self,
            watch: Some(watch),
        })))
    }

    /// No content, the same watch (a HEAD answer: the head of GET, no body).
    pub fn without_content(self) -> Self {
        match self.0 {
            Kind::Watched(mut watched) => {
                watched.body = Body::default();
                Body(Kind::Watched(watched))
            }
            _ => Body::default(),
        }
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = CutShort;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, CutShort>>> {
        match &mut self.get_mut().0 {
            Kind::Empty => Poll::Ready(None),
            Kind::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Scripted(script) => {
                if let Some(sleep) = &mut script.sleep {
                    if sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    script.sleep = None;
                }
                match script.pieces.pop_front() {
                    Some(piece) => {
                        let more = !script.pieces.is_empty() || script.cut_short.is_some();
                        if more && !script.pause.is_zero() {
                            script.sleep = Some(Box::pin(tokio::time::sleep(script.pause)));
                        }
                        Poll::Ready(Some(Ok(Frame::data(piece))))
                    }
                    None => match script.cut_short.take() {
                        Some(reason) => Poll::Ready(Some(Err(CutShort(reason.into())))),
                        None => Poll::Ready(None),
                    },
                }
            }
            Kind::Watched(watched) => {
                let polled = Pin::new(&mut watched.body).poll_frame(cx);
                match &polled {
                    Poll::Ready(None) => watched.tell(AnswerEnd::Complete),
                    Poll::Ready(Some(Err(_))) => watched.tell(AnswerEnd::BodyFailed),
                    _ => {}
                }
                polled
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            Kind::Empty => true,
            Kind::Whole(bytes) => bytes.is_none(),
            // Every piece sent (hyper may then drop the body without polling it again).
            Kind::Scripted(script) => script.pieces.is_empty() && script.cut_short.is_none(),
            Kind::Watched(watched) => watched.body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Kind::Empty => SizeHint::with_exact(0),
            Kind::Whole(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Kind::Scripted(script) => script
                .length
                .map_or_else(SizeHint::default, SizeHint::with_exact),
            Kind::Watched(watched) => watched.body.size_hint(),
        }
    }
}

use std::future::Future as _;
