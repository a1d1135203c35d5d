//! Where key material is in a value: the spans to replace, each with what it was. Everything
//! outside them is shown as sent.
//!
//! Looked for, in the value as sent and in its percent-decoded view:
//! - a `thub_` token: the key it is (looked up whole, as `auth.rs` does), or, when it is no
//!   key of the store, the key one of its 10-character windows belongs to, else unknown;
//! - any 10 consecutive characters of a key the store issued ([`Pieces`]: hashes of each
//!   window, taken when the key was minted or read), inside any other text;
//! - either of the above in Base64: an 8-digit window of an issued key's Base64 forms (hashed
//!   when the key was minted, see `keys/fragments.rs`), or `thub_`'s Base64 form (then the
//!   run is decoded and the token looked up).
//!
//! Cost per value (the journal is on the hot path): values shorter than 10 bytes without `%`
//! are skipped; a window is hashed only when all its bytes occur in some key, and with SipHash
//! only when a 16-bit quick hash says some key has such a window; nothing is decoded unless it
//! holds `thub_` in Base64. A typical SDK request's entry costs about what it did when values
//! were cut (`cargo test --release -p terminus-mock --lib entry_cost -- --ignored`).

use super::encodings::{base64_decode_into, is_base64_digit, PercentView};
use super::found::Found;
use crate::keys::{
    base64_forms, KeyStatus, KeyStore, Pieces, Verification, BASE64_STRIDE, BASE64_WINDOW,
    KEY_PREFIX, WINDOW,
};

/// One stretch of a value to replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) found: Found,
    /// Found in the Base64-decoded text of the span.
    pub(crate) base64: bool,
}

/// The fewest Base64 digits that can hold `thub_` (6 digits only it determines) and more.
const MIN_BASE64_RUN: usize = 8;

/// Finds key material in values, against one snapshot of a store.
pub(crate) struct Scanner<'a> {
    store: &'a KeyStore,
    pieces: Pieces,
    /// Where Base64 runs are decoded (reused from value to value).
    decoded: std::cell::RefCell<Vec<u8>>,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(store: &'a KeyStore) -> Self {
        Self {
            store,
            pieces: store.pieces(),
            decoded: Default::default(),
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
        self.owner(window)
    }

    /// The key `window` (all in the keys' alphabet) is a piece of.
    fn owner(&self, window: &[u8]) -> Option<Found> {
        let (status, id, name) = self.pieces.owner(window)?;
        Some(found(status, id, name))
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
                        _ => found.push(Span {
                            start: at,
                            end: at + WINDOW,
                            found: self::found(status, id, name),
                            base64: false,
                        }),
                    }
                }
            }
            run_start = i + 1;
        }
        spans.extend(found);
    }

    /// Runs of Base64 digits (and their `=` padding) that hold a piece of an issued key's
    /// Base64 forms, or a Base64 `thub_`, outside the spans found so far: the whole run is the
    /// span.
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
            let digits = &text[start..digits_end];
            if let Some(key) = self
                .encoded_piece(digits)
                .or_else(|| self.encoded_token(digits))
            {
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

    /// The key whose Base64 forms have an 8-digit window in `digits` (every 4th tested).
    fn encoded_piece(&self, digits: &[u8]) -> Option<Found> {
        if self.pieces.is_empty() || digits.len() < BASE64_WINDOW {
            return None;
        }
        digits
            .windows(BASE64_WINDOW)
            .step_by(BASE64_STRIDE)
            .find_map(|w| {
                let (status, id, name) = self.pieces.encoded_owner(w)?;
                Some(found(status, id, name))
            })
    }

    /// A `thub_` token in the Base64 `digits`: what it is (decoded at each alignment, and
    /// looked up). Decoded only when `digits` hold `thub_`'s Base64 form.
    fn encoded_token(&self, digits: &[u8]) -> Option<Found> {
        // `thub_`'s Base64 forms (6 digits each), as 48-bit numbers: one pass over the digits,
        // a shift and a few comparisons per digit.
        static PREFIX_FORMS: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
        const MASK: u64 = (1 << 48) - 1;
        let forms = PREFIX_FORMS.get_or_init(|| {
            (0..3)
                .flat_map(|align| base64_forms(KEY_PREFIX.as_bytes(), align))
                .map(|form| form[..6].iter().fold(0u64, |n, &d| (n << 8) | u64::from(d)))
                .collect()
        });
        let mut recent = 0u64;
        let holds_prefix = digits.iter().enumerate().any(|(i, &d)| {
            recent = ((recent << 8) | u64::from(d)) & MASK;
            i >= 5 && forms.contains(&recent)
        });
        if !holds_prefix {
            return None;
        }
        let mut decoded = self.decoded.borrow_mut();
        (0..4).find_map(|skip| {
            base64_decode_into(&digits[skip..], &mut decoded);
            let (start, end) = tokens(&decoded).next()?;
            Some(self.find(&decoded[start..end]))
        })
    }
}

/// What a key of the store with this state, id and name is.
fn found(status: KeyStatus, id: &str, name: &str) -> Found {
    let (id, name) = (id.to_owned(), name.to_owned());
    match status {
        KeyStatus::Active => Found::Valid { id, name },
        KeyStatus::Revoked => Found::Revoked { id, name },
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
