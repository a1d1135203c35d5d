//! Where the journal tells what a credential was, so that no key enters it, and shows
//! everything else as sent.
//!
//! - `scan.rs`: where key material is in any value (`thub_` tokens, any 10 consecutive
//!   characters of an issued key, their Base64 and percent-encoded forms);
//! - `found.rs`: what it was, and how it is written in its place (`<valid key "ci">`, …);
//! - `encodings.rs`: Base64 and percent-decoding;
//! - this file: [`Credentials`], the rules of each kind of field: `Authorization` (the scheme
//!   kept, each credential word described), credential fields such as `X-Api-Key` (every word a
//!   key's description or `<not a key>`), and any other text (only key material replaced).
//!
//! The key store is only read here; what a request is answered is decided by `auth.rs`.

mod encodings;
mod found;
mod scan;

use std::borrow::Cow;

pub(crate) use encodings::{base64_decode, base64_encode};
pub(crate) use found::Found;
use found::{describe_valid, NOT_A_KEY};
use scan::{Scanner, Span};

use crate::keys::{KeyStore, KEY_PREFIX};

/// Describes the credentials of one request against one key store.
pub(crate) struct Credentials<'a> {
    scanner: Scanner<'a>,
    /// The name of the key `auth.rs` accepted, when it did: the `thub_` word of
    /// `Authorization` is that key, so it is not looked up a second time.
    accepted: Option<&'a str>,
}

impl<'a> Credentials<'a> {
    pub(crate) fn new(store: &'a KeyStore) -> Self {
        Self {
            scanner: Scanner::new(store),
            accepted: None,
        }
    }

    /// The request's `Authorization` carried the valid key named `name` (the Public API
    /// accepted it).
    pub(crate) fn accepted(store: &'a KeyStore, name: &'a str) -> Self {
        Self {
            scanner: Scanner::new(store),
            accepted: Some(name),
        }
    }

    /// Any text (a header value, a path, a query name or value): each piece of key material
    /// replaced by what it was, the rest as sent.
    pub(crate) fn text<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        let spans = self.scanner.spans(text.as_bytes());
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        Cow::Owned(String::from_utf8_lossy(&render(text.as_bytes(), &spans)).into_owned())
    }

    /// Bytes (a body): each piece of key material replaced by what it was, the rest as sent.
    pub(crate) fn bytes<'t>(&mut self, bytes: &'t [u8]) -> Cow<'t, [u8]> {
        let spans = self.scanner.spans(bytes);
        if spans.is_empty() {
            return Cow::Borrowed(bytes);
        }
        Cow::Owned(render(bytes, &spans))
    }

    /// [`text`](Self::text), and the descriptions of the key material in it, separated by
    /// spaces (`None` when it holds none).
    pub(crate) fn text_and_keys(&mut self, text: &str) -> (String, Option<String>) {
        let spans = self.scanner.spans(text.as_bytes());
        if spans.is_empty() {
            return (text.to_owned(), None);
        }
        let found: Vec<String> = spans
            .iter()
            .map(|s| s.found.description(s.base64))
            .collect();
        let shown = String::from_utf8_lossy(&render(text.as_bytes(), &spans)).into_owned();
        (shown, Some(found.join(" ")))
    }

    /// A field whose whole value is a credential (`X-Api-Key`): every word is a key's
    /// description or `<not a key>`; spaces and commas are kept.
    pub(crate) fn credential(&mut self, value: &str) -> String {
        let mut out = String::with_capacity(value.len() + 16);
        for (separator, word) in Words(value) {
            out.push_str(separator);
            if !word.is_empty() {
                self.push_credential_word(&mut out, word);
            }
        }
        out
    }

    /// An `Authorization` (or `Proxy-Authorization`) value: the scheme word kept as sent
    /// (`Bearer`, `bearer`, `Basic`), each credential word after it described. Also returns
    /// what the first `thub_` word was, unless the Public API accepted it. `judged`: this is
    /// the `Authorization` field the Public API judged (its key, if accepted, is not looked up
    /// again).
    pub(crate) fn authorization(&mut self, value: &str, judged: bool) -> (String, Option<Found>) {
        let mut out = String::with_capacity(value.len() + 16);
        let mut first = None;
        let mut expect_scheme = true;
        for (separator, word) in Words(value) {
            out.push_str(separator);
            if separator.contains(',') {
                // `Bearer a, Basic b`: each element starts with its own scheme.
                expect_scheme = true;
            }
            if word.is_empty() {
                continue;
            }
            if expect_scheme && is_scheme(word) {
                out.push_str(word);
            } else if word.starts_with(KEY_PREFIX) {
                if let Some(name) = self.accepted.take_if(|_| judged) {
                    describe_valid(name, &mut out);
                } else {
                    let found = self.scanner.find(word.as_bytes());
                    found.describe(false, &mut out);
                    first = first.or(Some(found));
                }
            } else {
                self.push_credential_word(&mut out, word);
            }
            expect_scheme = false;
        }
        (out, first)
    }

    /// A word in a credential's place: the key material in it described, else `<not a key>`.
    fn push_credential_word(&mut self, out: &mut String, word: &str) {
        let spans = self.scanner.spans(word.as_bytes());
        if spans.is_empty() {
            out.push_str(NOT_A_KEY);
        } else if word.contains(KEY_PREFIX) {
            // `thub_…` itself, or glued to something (`Bearerthub_…`, `key=thub_…`).
            out.push_str(&String::from_utf8_lossy(&render(word.as_bytes(), &spans)));
        } else {
            // `Basic base64(thub_…:)` (CLI-2), or a piece of a key: its descriptions only.
            let found: Vec<String> = spans
                .iter()
                .map(|s| s.found.description(s.base64))
                .collect();
            out.push_str(&found.join(" "));
        }
    }
}

/// `text` with each span replaced by its description.
fn render(text: &[u8], spans: &[Span]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 16 * spans.len());
    let mut at = 0;
    let mut description = String::new();
    for span in spans {
        out.extend_from_slice(&text[at..span.start]);
        description.clear();
        span.found.describe(span.base64, &mut description);
        out.extend_from_slice(description.as_bytes());
        at = span.end;
    }
    out.extend_from_slice(&text[at..]);
    out
}

/// An authentication scheme's name as it is written (`Bearer`, `Basic`, `Digest`, `Token`):
/// letters, digits and `-`, starting with a letter, fewer than 10 characters (so it can hold
/// no `thub_` key, and no 10 characters of a secret). A longer word in the scheme's place is
/// shown as a credential (`<not a key>`).
fn is_scheme(word: &str) -> bool {
    word.len() < 10
        && word.starts_with(|c: char| c.is_ascii_alphabetic())
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Splits a credential value into (separator, word) pairs: separators are runs of spaces,
/// tabs and commas; the last word may be empty.
struct Words<'t>(&'t str);

impl<'t> Iterator for Words<'t> {
    type Item = (&'t str, &'t str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        // The separators are ASCII, so byte positions are character boundaries.
        let is_separator = |b: &u8| matches!(b, b' ' | b'\t' | b',');
        let rest = self.0;
        let bytes = rest.as_bytes();
        let word_start = bytes
            .iter()
            .position(|b| !is_separator(b))
            .unwrap_or(bytes.len());
        let word_end = bytes[word_start..]
            .iter()
            .position(is_separator)
            .map_or(bytes.len(), |n| word_start + n);
        self.0 = &rest[word_end..];
        Some((&rest[..word_start], &rest[word_start..word_end]))
    }
}

#[cfg(test)]
mod tests;
