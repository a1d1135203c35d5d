//! An entry between the request's head and the end of its answer: [`Pending`] is held by the
//! answer (the Public API's reply, then the response body), [`BodyCapture`] by whoever reads
//! the request's body. The entry joins the journal when both are done, so it says how the
//! answer ended and what the body was.
//!
//! The answer's end is told by `body.rs` ([`AnswerWatch`]): sent whole, failed on purpose, or
//! dropped unfinished (the client gave up); a reply dropped before its head is the client
//! giving up too. The latency is measured to that moment.
//!
//! The body is kept up to the journal's limit (64 KiB by default), counted whole, and turned
//! into text (key material replaced) only when the entry is first read (`recorded.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::credentials::{base64_encode, Credentials};
use super::entry::{BodyEncoding, RecordedBody};
use super::outcome::{AnswerEnd, FaultRef, Outcome};
use super::recorded::{Draft, Recorded};
use super::{lock, Journal};
use crate::body::AnswerWatch;
use crate::keys::KeyStore;

/// What an entry shares between its answer and its body capture; joins the journal when the
/// last of them lets go.
struct Shared {
    journal: Journal,
    store: KeyStore,
    started: Instant,
    entry: Mutex<Option<Draft>>,
    /// The answer has ended (a body still being read is then not waited for long).
    answer_ended: AtomicBool,
}

impl Drop for Shared {
    fn drop(&mut self) {
        let entry = self
            .entry
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(draft) = entry {
            self.journal.push(Recorded::new(draft, self.store.clone()));
        }
    }
}

impl AnswerWatch for Shared {
    fn ended(&self, end: AnswerEnd) {
        let latency = self.started.elapsed().as_micros() as u64;
        self.answer_ended.store(true, Ordering::Release);
        if let Some(draft) = lock(&self.entry).as_mut() {
            let entry = &mut draft.meta;
            entry.outcome = Outcome::of(end, entry.fault.as_ref().map(|f| f.kind.as_str()));
            entry.latency_us = latency;
        }
    }
}

/// The answer's hold on an entry. Dropped before [`answer`](Self::answer) or
/// [`no_answer`](Self::no_answer): the client gave up before the head.
pub(crate) struct Pending {
    shared: Option<Arc<Shared>>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending").finish_non_exhaustive()
    }
}

impl Pending {
    pub(super) fn new(journal: Journal, store: KeyStore, started: Instant, entry: Draft) -> Self {
        Self {
            shared: Some(Arc::new(Shared {
                journal,
                store,
                started,
                entry: Mutex::new(Some(entry)),
                answer_ended: AtomicBool::new(false),
            })),
        }
    }

    /// The fault that answers the request.
    pub(crate) fn set_fault(&self, id: &str, kind: &str) {
        if let Some(shared) = &self.shared {
            if let Some(draft) = lock(&shared.entry).as_mut() {
                draft.meta.fault = Some(FaultRef {
                    id: id.to_owned(),
                    kind: kind.to_owned(),
                });
            }
        }
    }

    /// No route or fault had an answer for the request (its `matched: false`).
    pub(crate) fn unmatched(&self) {
        if let Some(shared) = &self.shared {
            if let Some(draft) = lock(&shared.entry).as_mut() {
                draft.meta.matched = false;
            }
        }
    }

    /// The head is sent with `status`; the returned watch goes with the body
    /// ([`Body::watched`](crate::body::Body::watched)), which tells how it ended.
    pub(crate) fn answer(mut self, status: u16) -> Option<Arc<dyn AnswerWatch>> {
        let shared = self.shared.take()?;
        if let Some(draft) = lock(&shared.entry).as_mut() {
            draft.meta.status = status;
        }
        Some(shared)
    }

    /// No answer is sent (a `reset` fault).
    pub(crate) fn no_answer(mut self) {
        if let Some(shared) = self.shared.take() {
            shared.ended(AnswerEnd::NoAnswer);
        }
    }

    /// A capture of the request's body, for whoever reads it.
    pub(crate) fn body_capture(&self) -> Option<BodyCapture> {
        let shared = self.shared.clone()?;
        let limit = shared.journal.body_limit();
        Some(BodyCapture {
            shared,
            kept: Vec::new(),
            size: 0,
            limit,
        })
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            shared.ended(AnswerEnd::Abandoned);
        }
    }
}

/// The request body as it is read: the first bytes up to the journal's limit, and the count
/// of all of them. Dropped: the body is done (read to its end, or no longer read).
pub(crate) struct BodyCapture {
    shared: Arc<Shared>,
    kept: Vec<u8>,
    size: u64,
    limit: usize,
}

impl BodyCapture {
    /// How long a reader waits for more of the body once the answer has ended, before it
    /// lets the entry join the journal with the body as received so far (a client that was
    /// answered before sending its body, `Expect: 100-continue` refused, may never send it).
    pub(crate) const PATIENCE: std::time::Duration = std::time::Duration::from_millis(100);

    /// Whether the answer has ended: a reader that got nothing for [`PATIENCE`](Self::PATIENCE)
    /// should then drop the capture.
    pub(crate) fn answer_ended(&self) -> bool {
        self.shared.answer_ended.load(Ordering::Acquire)
    }

    /// Some more bytes of the body.
    pub(crate) fn data(&mut self, bytes: &[u8]) {
        self.size += bytes.len() as u64;
        let room = self.limit.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&bytes[..room.min(bytes.len())]);
    }
}

impl Drop for BodyCapture {
    fn drop(&mut self) {
        if self.size == 0 {
            return;
        }
        if let Some(draft) = lock(&self.shared.entry).as_mut() {
            draft.body = Some((std::mem::take(&mut self.kept), self.size));
        }
    }
}

/// What the journal shows of a body of `size` bytes whose first bytes are `kept`: UTF-8 text
/// when it is (a character cut by the limit left out), Base64 otherwise; key material
/// replaced in either.
pub(crate) fn recorded_body(store: &KeyStore, kept: &[u8], size: u64) -> RecordedBody {
    let truncated = size > kept.len() as u64;
    let shown = Credentials::new(store).bytes(kept).into_owned();
    let text = match std::str::from_utf8(&shown) {
        Ok(text) => Some(text),
        // Cut in the middle of a character by the limit: the characters before it.
        Err(e) if truncated && e.error_len().is_none() => {
            std::str::from_utf8(&shown[..e.valid_up_to()]).ok()
        }
        Err(_) => None,
    };
    let (encoding, data) = match text {
        Some(text) => (BodyEncoding::Utf8, text.to_owned()),
        None => (BodyEncoding::Base64, base64_encode(&shown)),
    };
    RecordedBody {
        size,
        truncated,
        encoding,
        data,
    }
}
