//! Where key material is in a value: the spans to replace, each with what it was. Everything
//! outside them is shown as sent.
//!
//! Looked for, in the value as sent and in its percent-decoded view:
//! - a `thub_` token: the key it is (looked up whole, as `auth.rs` does), or, when it is no
//!   key of the store, the key one of its 10-character windows belongs to, else unknown;
//! - any 10 consecutive characters of a key the store issued ([`Pieces`]: hashes of each
//!   window, taken when the key was minted or read), inside any other text;
//! - either of the above inside a run of Base64 digits, decoded at each of its 4 alignments.
//!
//! Cost per value (the journal is on the hot path): values shorter than 10 bytes without `%`
//! are skipped; a window is hashed only when all its bytes occur in some key; a Base64 run is
//! decoded only from 14 digits (the fewest that can hold 10 bytes).

use super::encodings::{base64_decode, is_base64_digit, PercentView};
use super::found::Found;
use crate::keys::{KeyStatus, KeyStore, Pieces, Verification, KEY_PREFIX, WINDOW};

/// One stretch of a value to replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) found: Found,
    /// Found in the Base64-decoded text of the span.
    pub(crate) base64: bool,
}

/// The fewest Base64 digits that decode to 10 bytes at some alignment.
const MIN_BASE64_RUN: usize = 14;

/// Finds key material in values, against one snapshot of a store.
pub(crate) struct Scanner<'a> {
    store: &'a KeyStore,
    pieces: Pieces,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(store: &'a KeyStore) -> Self {
        Self {
            store,
            pieces: store.pieces(),
        }
    }

    /// Whether `text` may hold key material at all (a quick test before [`spans`](Self::spans)).
    pub(crate) fn worth_scanning(&self, text: &[u8]) -> bool {
        text.len() >= WINDOW || text.contains(&b'%') || contains(text, KEY_PREFIX.as_bytes())
    }

    /// Every span of key material in `text`, in order, not overlapping.
    pub(crate) fn spans(&self, text: &[u8]) -> Vec<Span> {
        let mut spans = Vec::new();
        if !self.worth_scanning(text) {
            return spans;
        }
        self.spans_in(text, &mut spans);
        if let Some(view) = PercentView::of(text) {
            let mut decoded = Vec::new();
            self.spans_in(&view.bytes, &mut decoded);
            spans.extend(decoded.into_iter().map(|span| {
                let (start, end) = view.original(span.start, span.end);
                Span { start, end, ..span }
            }));
        }
        merge(spans)
    }

    /// Looks one `thub_` token up: the key it is, else the key a window of it belongs to.
    pub(crate) fn find(&self, token: &[u8]) -> Found {
        self.find_whole(token)
            .or_else(|| token.windows(WINDOW).find_map(|w| self.piece(w)))
            .unwrap_or(Found::Unknown)
    }

    /// The key of the store that `token` is, whole.
    fn find_whole(&self, token: &[u8]) -> Option<Found> {
        match self.store.verify(token) {
            Verification::Active(id) => Some(Found::Valid {
                name: self.store.name_of(&id).unwrap_or_default(),
                id,
            }),
            Verification::Revoked(id) => Some(Found::Revoked {
                name: self.store.name_of(&id).unwrap_or_default(),
                id,
            }),
            Verification::Unknown => None,
        }
    }

    fn piece(&self, window: &[u8]) -> Option<Found> {
        if !window.iter().all(|&b| self.pieces.in_alphabet(b)) {
            return None;
        }
        let (status, id, name) = self.pieces.owner(window)?;
        let (id, name) = (id.to_owned(), name.to_owned());
        Some(match status {
            KeyStatus::Active => Found::Valid { id, name },
            KeyStatus::Revoked => Found::Revoked { id, name },
        })
    }

    /// Tokens, then pieces outside them, then Base64 runs outside both.
    fn spans_in(&self, text: &[u8], spans: &mut Vec<Span>) {
        let first = spans.len();
        for (start, end) in tokens(text) {
            let token = &text[start..end];
            let found = match self.find_whole(token) {
                Some(found) => found,
                // A key glued to more characters: its pieces are found below, exactly.
                None if token.windows(WINDOW).any(|w| self.piece(w).is_some()) => continue,
                None => Found::Unknown,
            };
            spans.push(Span {
                start,
                end,
                found,
                base64: false,
            });
        }
        if !self.pieces.is_empty() {
            self.pieces_in(text, first, spans);
        }
        self.base64_in(text, first, spans);
    }

    /// Every window of `text` that is a piece of a key, outside the spans found so far;
    /// overlapping windows become one span.
    fn pieces_in(&self, text: &[u8], first: usize, spans: &mut Vec<Span>) {
        let covered: Vec<(usize, usize)> =
            spans[first..].iter().map(|s| (s.start, s.end)).collect();
        let mut found: Vec<Span> = Vec::new();
        let mut run_start = 0;
        for i in 0..=text.len() {
            if i < text.len() && self.pieces.in_alphabet(text[i]) {
                continue;
            }
            // `run_start..i` is a run of bytes that occur in keys.
            if i - run_start >= WINDOW {
                for at in run_start..=i - WINDOW {
                    if covered.iter().any(|&(s, e)| at < e && s < at + WINDOW) {
                        continue;
                    }
                    let Some((status, id, name)) = self.pieces.owner(&text[at..at + WINDOW]) else {
                        continue;
                    };
                    match found.last_mut() {
                        Some(last) if last.end >= at => last.end = at + WINDOW,
                        _ => {
                            let (id, name) = (id.to_owned(), name.to_owned());
                            let found_key = match status {
                                KeyStatus::Active => Found::Valid { id, name },
                                KeyStatus::Revoked => Found::Revoked { id, name },
                            };
                            found.push(Span {
                                start: at,
                                end: at + WINDOW,
                                found: found_key,
                                base64: false,
                            });
                        }
                    }
                }
            }
            run_start = i + 1;
        }
        spans.extend(found);
    }

    /// Runs of Base64 digits (and their `=` padding) whose decoded bytes hold a `thub_` token
    /// or a piece of a key, outside the spans found so far: the whole run is the span.
    fn base64_in(&self, text: &[u8], first: usize, spans: &mut Vec<Span>) {
        let mut found = Vec::new();
        let mut i = 0;
        while i < text.len() {
            if !is_base64_digit(text[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < text.len() && is_base64_digit(text[i]) {
                i += 1;
            }
            let digits_end = i;
            while i < text.len() && text[i] == b'=' {
                i += 1;
            }
            if digits_end - start < MIN_BASE64_RUN
                || spans[first..].iter().any(|s| start < s.end && s.start < i)
            {
                continue;
            }
            if let Some(key) = self.in_base64(&text[start..digits_end]) {
                found.push(Span {
                    start,
                    end: i,
                    found: key,
                    base64: true,
                });
            }
        }
        spans.extend(found);
    }

    /// What the first key in the Base64 `digits` (read at each alignment) is.
    fn in_base64(&self, digits: &[u8]) -> Option<Found> {
        (0..4).find_map(|skip| {
            let decoded = base64_decode(&digits[skip..]);
            if let Some((start, end)) = tokens(&decoded).next() {
                return Some(self.find(&decoded[start..end]));
            }
            if self.pieces.is_empty() {
                return None;
            }
            decoded.windows(WINDOW).find_map(|w| self.piece(w))
        })
    }
}

/// Sorts spans and joins overlapping ones (the first one's description is kept).
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    if spans.len() < 2 {
        return spans;
    }
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.start < last.end => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The `thub_` tokens of `text` as (start, end): a token runs from `thub_` to the first byte
/// that cannot be in a key where keys travel: white space, a control byte, or one of
/// `,;:@"'&=()<>[]{}\/?#`.
pub(crate) fn tokens(text: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let prefix = KEY_PREFIX.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let offset = text[at.min(text.len())..]
            .windows(prefix.len())
            .position(|w| w == prefix)?;
        let start = at + offset;
        let len = text[start..]
            .iter()
            .position(|&b| b <= b' ' || b == 0x7f || b",;:@\"'&=()<>[]{}\\/?#".contains(&b))
            .unwrap_or(text.len() - start);
        at = start + len;
        Some((start, start + len))
    })
}
