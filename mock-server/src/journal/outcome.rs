//! What happened to a request's answer, as the journal tells it: [`Outcome`], and the fault
//! that answered ([`FaultRef`]).
//!
//! How an answer ends is seen in two places: the Public API's reply (no answer at all, or the
//! client gone before the head was sent) and the response body ([`AnswerEnd`], reported by
//! `body.rs` when the body is finished, fails or is dropped unfinished). [`Outcome::of`] turns
//! that, and the kind of the fault that answered, into the outcome.
//!
//! A new fault kind reports its own outcome in one match arm of [`Outcome::of`]: a fault that
//! sends no answer ends with [`AnswerEnd::NoAnswer`] (like `reset`), one whose body fails ends
//! with [`AnswerEnd::BodyFailed`] (like `truncate`); the arm for its kind names its outcome
//! (`empty` → `closed_without_answer`, `garbage` → `garbage_sent`, `malformed_chunk` →
//! `malformed_chunk`: add the variant below and the arm).

use serde::{Deserialize, Serialize};

pub(crate) use crate::body::AnswerEnd;

/// What happened to the answer of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The whole answer was sent (head and body).
    Answered,
    /// No answer: the connection (HTTP/1.1) or the stream (HTTP/2) was reset, as a `reset`
    /// fault asks.
    Reset,
    /// The head and part of the body were sent, then the connection was cut, as a `truncate`
    /// fault asks.
    Truncated,
    /// The client closed the connection or the stream before the answer was complete (for
    /// instance during a `delay` fault): `latency_us` is when it gave up.
    ClientGaveUp,
    /// No answer: the connection closed without a byte of one (HTTP/1.1), the stream reset
    /// with `CANCEL` (HTTP/2), as an `empty` fault asks.
    ClosedWithoutAnswer,
    /// Random bytes in place of an answer, then the close, as a `garbage` fault asks.
    GarbageSent,
    /// The head, then a body the client cannot parse (HTTP/1.1: a chunk size that is not
    /// hexadecimal; HTTP/2: the stream reset with `PROTOCOL_ERROR`), as a `malformed_chunk`
    /// fault asks.
    MalformedChunk,
}

impl Outcome {
    /// The outcome of an answer that ended as `end`, answered by a fault of kind `fault_kind`
    /// (its `kind` in JSON, `None` for the normal answer).
    pub(crate) fn of(end: AnswerEnd, fault_kind: Option<&str>) -> Self {
        match (end, fault_kind) {
            (AnswerEnd::Complete, _) => Outcome::Answered,
            (AnswerEnd::Abandoned, _) => Outcome::ClientGaveUp,
            // One arm per fault kind that ends its own way goes here.
            (AnswerEnd::NoAnswer, Some("empty")) => Outcome::ClosedWithoutAnswer,
            (AnswerEnd::NoAnswer, Some("garbage")) => Outcome::GarbageSent,
            (AnswerEnd::NoAnswer | AnswerEnd::BodyFailed, Some("malformed_chunk")) => {
                Outcome::MalformedChunk
            }
            (AnswerEnd::NoAnswer, _) => Outcome::Reset,
            (AnswerEnd::BodyFailed, _) => Outcome::Truncated,
        }
    }
}

/// The fault that answered a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRef {
    /// Its id (`fault_1`), as `POST /v1/faults` returned it.
    pub id: String,
    /// Its kind (`delay`, `reset`, `truncate`, `status`, `drip`, `redirect`).
    pub kind: String,
}
