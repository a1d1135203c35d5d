//! What the hot path keeps of a request, and when it is described.
//!
//! Finding key material in a request (`credentials/`) is most of what a journal entry costs;
//! on the authenticated 200 path it was a quarter of the mock's own work per request. Most
//! entries are never read: a load test, or an SDK suite that looks at a handful, pushes the
//! rest out of the ring unseen. So the request's thread only copies the head as sent into one
//! buffer ([`RawHead`], one allocation) with what the mock decided, and the entry is described
//! (key material replaced, see `entry.rs`) the first time anyone reads it: `GET /v1/requests`,
//! the `--journal` file's own thread, the library's `journal()`. It is described once.
//!
//! What an entry says of its key does not move with time: the key summary and the accepted
//! key's description come from the decision taken when the request came; a key named inside
//! another value is described as the store knows it when the entry is first read (revoked by
//! then: "revoked").

use std::sync::OnceLock;
use std::time::SystemTime;

use http::{Request, Version};

use super::entry::{JournalEntry, Listener};
use super::pending::recorded_body;
use crate::auth::Decision;
use crate::keys::KeyStore;

/// A request head as it arrived: method, path, query and every field, in order, in one buffer
/// (each item a 4-byte length, then its bytes).
pub(crate) struct RawHead {
    bytes: Vec<u8>,
    version: Version,
    has_query: bool,
}

impl RawHead {
    /// Copies `request`'s head.
    pub(crate) fn of<B>(request: &Request<B>) -> Self {
        let uri = request.uri();
        let query = uri.query();
        let headers = request.headers();
        let size = request.method().as_str().len()
            + uri.path().len()
            + query.map_or(0, str::len)
            + headers
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len() + 8)
                .sum::<usize>()
            + 12;
        let mut head = Self {
            bytes: Vec::with_capacity(size),
            version: request.version(),
            has_query: query.is_some(),
        };
        head.push(request.method().as_str().as_bytes());
        head.push(uri.path().as_bytes());
        head.push(query.unwrap_or("").as_bytes());
        for (name, value) in headers {
            head.push(name.as_str().as_bytes());
            head.push(value.as_bytes());
        }
        head
    }

    fn push(&mut self, item: &[u8]) {
        // Items are header lines, bounded by the listener's head limit: far below 4 GiB.
        let len = u32::try_from(item.len()).unwrap_or(u32::MAX);
        self.bytes.extend_from_slice(&len.to_le_bytes());
        self.bytes.extend_from_slice(&item[..len as usize]);
    }

    fn items(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            let len = self.bytes.get(at..at + 4)?;
            let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
            let item = &self.bytes[at + 4..at + 4 + len];
            at += 4 + len;
            Some(item)
        })
    }

    pub(crate) fn version(&self) -> Version {
        self.version
    }

    /// The method, as sent (a token: ASCII).
    pub(crate) fn method(&self) -> &str {
        self.items()
            .next()
            .and_then(|m| std::str::from_utf8(m).ok())
            .unwrap_or("")
    }

    /// The path, as `http::Uri` gave it (ASCII).
    pub(crate) fn path(&self) -> &str {
        self.items()
            .nth(1)
            .and_then(|p| std::str::from_utf8(p).ok())
            .unwrap_or("")
    }

    /// The query after `?`, when the target had one.
    pub(crate) fn query(&self) -> Option<&str> {
        if !self.has_query {
            return None;
        }
        self.items()
            .nth(2)
            .and_then(|q| std::str::from_utf8(q).ok())
    }

    /// Every field as (lower-case name, value bytes), in the order sent.
    pub(crate) fn fields(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        let mut items = self.items().skip(3);
        std::iter::from_fn(move || {
            let name = items.next()?;
            let value = items.next()?;
            Some((std::str::from_utf8(name).unwrap_or(""), value))
        })
    }
}

/// A request between its head and the end of its answer: what the entry will say, kept raw.
pub(crate) struct Draft {
    /// Everything that is no request content (time, listener, status, outcome, fault, …),
    /// as the entry will show it; its content fields are filled when it is described.
    pub(crate) meta: JournalEntry,
    pub(crate) head: RawHead,
    pub(crate) decision: Decision,
    /// The first bytes of the body (up to the journal's limit) and its whole size.
    pub(crate) body: Option<(Vec<u8>, u64)>,
}

impl Draft {
    pub(crate) fn new(
        head: RawHead,
        time: SystemTime,
        (listener, tls): (Listener, bool),
        decision: Decision,
    ) -> Self {
        Self {
            meta: JournalEntry::skeleton(time, listener, tls, head.version()),
            head,
            decision,
            body: None,
        }
    }
}

/// An entry of the journal: the draft until someone reads it, then its description (kept).
pub(crate) struct Recorded {
    source: Option<(Draft, KeyStore)>,
    shown: OnceLock<JournalEntry>,
}

impl Recorded {
    pub(crate) fn new(draft: Draft, store: KeyStore) -> Self {
        Self {
            source: Some((draft, store)),
            shown: OnceLock::new(),
        }
    }

    /// An entry already described (tests, and entries read back).
    #[cfg(test)]
    pub(crate) fn described(entry: JournalEntry) -> Self {
        Self {
            source: None,
            shown: OnceLock::from(entry),
        }
    }

    pub(crate) fn set_seq(&mut self, seq: u64) {
        if let Some((draft, _)) = &mut self.source {
            draft.meta.seq = seq;
        }
        if let Some(entry) = self.shown.get_mut() {
            entry.seq = seq;
        }
    }

    pub(crate) fn seq(&self) -> u64 {
        match (self.shown.get(), &self.source) {
            (Some(entry), _) => entry.seq,
            (None, Some((draft, _))) => draft.meta.seq,
            (None, None) => 0,
        }
    }

    /// What the journal shows of the request: described on first use, then kept.
    pub(crate) fn entry(&self) -> &JournalEntry {
        self.shown.get_or_init(|| {
            let Some((draft, store)) = &self.source else {
                unreachable!("a Recorded is made with its source or its description");
            };
            let mut entry =
                JournalEntry::described(&draft.head, &draft.meta, store, &draft.decision);
            entry.body = draft
                .body
                .as_ref()
                .map(|(kept, size)| recorded_body(store, kept, *size));
            entry
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_reads_back_as_sent() {
        let request = Request::post("/v1/projects?limit=10&q=%20")
            .header("Host", "127.0.0.1:8443")
            .header("x-empty", "")
            .header(
                "x-bytes",
                http::HeaderValue::from_bytes(b"caf\xc3\xa9\x80").unwrap(),
            )
            .header("x-twice", "1")
            .header("x-twice", "2")
            .body(())
            .unwrap();
        let head = RawHead::of(&request);
        assert_eq!(head.method(), "POST");
        assert_eq!(head.path(), "/v1/projects");
        assert_eq!(head.query(), Some("limit=10&q=%20"));
        assert_eq!(head.version(), Version::HTTP_11);
        let fields: Vec<(&str, &[u8])> = head.fields().collect();
        assert_eq!(
            fields,
            vec![
                ("host", &b"127.0.0.1:8443"[..]),
                ("x-empty", b""),
                ("x-bytes", b"caf\xc3\xa9\x80"),
                ("x-twice", b"1"),
                ("x-twice", b"2"),
            ]
        );
        let bare = RawHead::of(&Request::get("/").body(()).unwrap());
        assert_eq!(bare.query(), None);
        assert_eq!(bare.fields().count(), 0);
        let empty_query = RawHead::of(&Request::get("/x?").body(()).unwrap());
        assert_eq!(empty_query.query(), Some(""));
    }
}
