//! Where the journal tells what a credential was, so that no key enters it: each `thub_` token
//! becomes `<valid key "NAME">`, `<revoked key "NAME">` or `<unknown thub_ key>` (looked up in
//! the key store), any other credential word `<not a key>`, and the rest of the text goes
//! through [`redact`](crate::redact::redact), which leaves no 10 consecutive characters of a secret.
//!
//! The key store is only read here; what a request is answered is decided by `auth.rs`.

use std::fmt::Write as _;

use crate::keys::{KeyStore, Verification, KEY_PREFIX};
use crate::redact::{is_token_char, push_hint, MIN_RUN};

/// What a `thub_` token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// An active key of the store.
    Valid { id: String, name: String },
    /// A revoked key of the store.
    Revoked { id: String, name: String },
    /// Never issued.
    Unknown,
}

impl Found {
    fn describe(&self, out: &mut String) {
        match self {
            Found::Valid { name, .. } => describe_valid(name, out),
            Found::Revoked { name, .. } => {
                let _ = write!(out, "<revoked key {name:?}>");
            }
            Found::Unknown => out.push_str("<unknown thub_ key>"),
        }
    }

    fn description(&self) -> String {
        let mut out = String::new();
        self.describe(&mut out);
        out
    }
}

fn describe_valid(name: &str, out: &mut String) {
    let _ = write!(out, "<valid key {name:?}>");
}

/// What a word of a credential that is not a `thub_` key is shown as.
const NOT_A_KEY: &str = "<not a key>";

/// Describes the credentials of one request against one key store.
pub(crate) struct Credentials<'a> {
    store: &'a KeyStore,
    /// The name of the key `auth.rs` accepted, when it did: the `thub_` word of
    /// `Authorization` is that key, so it is not looked up a second time.
    accepted: Option<&'a str>,
}

impl<'a> Credentials<'a> {
    pub(crate) fn new(store: &'a KeyStore) -> Self {
        Self {
            store,
            accepted: None,
        }
    }

    /// The request's `Authorization` carried the valid key named `name` (the Public API
    /// accepted it).
    pub(crate) fn accepted(store: &'a KeyStore, name: &'a str) -> Self {
        Self {
            store,
            accepted: Some(name),
        }
    }

    /// Looks one `thub_` token up (byte for byte, as `auth.rs` does).
    fn find(&self, token: &str) -> Found {
        match self.store.verify(token.as_bytes()) {
            Verification::Active(id) => Found::Valid {
                name: self.name_of(&id),
                id,
            },
            Verification::Revoked(id) => Found::Revoked {
                name: self.name_of(&id),
                id,
            },
            Verification::Unknown => Found::Unknown,
        }
    }

    /// The name of the key with this id (empty if it is gone).
    pub(crate) fn name_of(&self, id: &str) -> String {
        self.store.name_of(id).unwrap_or_default()
    }

    /// Any text (a header value, a path, a query name): each `thub_` token described, the rest
    /// redacted.
    pub(crate) fn text(&mut self, text: &str) -> String {
        if !text.contains(KEY_PREFIX) {
            return readable(text);
        }
        let mut out = String::with_capacity(text.len() + 16);
        for (before, token) in Tokens(text) {
            out.push_str(&readable(before));
            if let Some(token) = token {
                self.find(token).describe(&mut out);
            }
        }
        out
    }

    /// A header field's name: shown as it is (names are protocol words such as
    /// `accept-encoding`, which `redact` would cut), except a `thub_` token in it, described.
    pub(crate) fn name(&mut self, name: &str) -> String {
        if name.contains(KEY_PREFIX) {
            self.text(name)
        } else {
            name.to_owned()
        }
    }

    /// The descriptions of the `thub_` tokens in `text`, separated by spaces; `None` when it
    /// holds none. For query values, which are never shown.
    pub(crate) fn keys_in(&mut self, text: &str) -> Option<String> {
        if !text.contains(KEY_PREFIX) {
            return None;
        }
        let found: Vec<String> = Tokens(text)
            .filter_map(|(_, token)| token)
            .map(|token| self.find(token).description())
            .collect();
        Some(found.join(" "))
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
                    let found = self.find(word);
                    found.describe(&mut out);
                    first = first.or(Some(found));
                }
            } else {
                self.push_credential_word(&mut out, word);
            }
            expect_scheme = false;
        }
        (out, first)
    }

    fn push_credential_word(&mut self, out: &mut String, word: &str) {
        if word.contains(KEY_PREFIX) {
            // `thub_…` itself, or glued to something (`Bearerthub_…`, `key=thub_…`).
            out.push_str(&self.text(word));
        } else if let Some(decoded) = keys_in_base64(word) {
            // `Basic base64(thub_…:)`: a key in userinfo or Basic credentials (CLI-2).
            let found: Vec<String> = Tokens(&decoded)
                .filter_map(|(_, token)| token)
                .map(|token| {
                    let description = self.find(token).description();
                    match description.strip_suffix('>') {
                        Some(open) => format!("{open} in Base64>"),
                        None => description,
                    }
                })
                .collect();
            out.push_str(&found.join(" "));
        } else {
            out.push_str(NOT_A_KEY);
        }
    }
}

/// Words of HTTP that are 10 characters or longer, kept as they are in the journal so that
/// `application/json` or `python-requests/2.32` stay readable: each is a fixed, public word,
/// not a piece of a random secret.
const COMMON_WORDS: &[&str] = &[
    "application",
    "x-www-form-urlencoded",
    "urlencoded",
    "octet-stream",
    "event-stream",
    "javascript",
    "keep-alive",
    "multipart",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "node-fetch",
    "AppleWebKit",
    "no-transform",
    "must-revalidate",
    "Transfer-Encoding",
    "content-type",
    "authorization",
    "terminus-sdk",
    "redteam-sdk",
];

/// [`redact`](crate::redact::redact), except that the common words of HTTP above are kept.
fn readable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let run = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
        let (word, after) = if run == 0 {
            let next = rest.chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[..next]);
            rest = &rest[next..];
            continue;
        } else {
            rest.split_at(run)
        };
        // A word is a single run of token characters: `redact` would keep it whole when
        // short, and show its hint when long.
        if word.len() < MIN_RUN || COMMON_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
            out.push_str(word);
        } else {
            push_hint(&mut out, word);
        }
        rest = after;
    }
    out
}

/// The text `word` decodes to as standard Base64 (padding optional), when that text holds a
/// `thub_` token; `None` otherwise.
fn keys_in_base64(word: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut bytes = Vec::with_capacity(word.len() * 3 / 4);
    for c in word.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
        }
    }
    let text = String::from_utf8(bytes).ok()?;
    text.contains(KEY_PREFIX).then_some(text)
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

/// Splits text on `thub_` tokens: yields (text before, the token), the last item with no
/// token. A token runs from `thub_` to the first character that cannot be in a key where keys
/// travel: white space, a control character, or one of `,;"'&=()<>[]{}\/?#`.
struct Tokens<'t>(&'t str);

impl<'t> Iterator for Tokens<'t> {
    type Item = (&'t str, Option<&'t str>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let rest = self.0;
        let Some(start) = rest.find(KEY_PREFIX) else {
            self.0 = "";
            return Some((rest, None));
        };
        let len = rest[start..]
            .find(|c: char| {
                c.is_whitespace() || c.is_control() || ",;:@\"'&=()<>[]{}\\/?#".contains(c)
            })
            .unwrap_or(rest.len() - start);
        self.0 = &rest[start + len..];
        Some((&rest[..start], Some(&rest[start..start + len])))
    }
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn store() -> (KeyStore, String, String) {
        let store = KeyStore::new();
        let valid = store.mint("ci").unwrap().key;
        let revoked = store.mint("old").unwrap();
        store.revoke(&revoked.record.id).unwrap();
        (store, valid, revoked.key)
    }

    #[test]
    fn authorization_keeps_the_scheme_and_describes_the_key() {
        let (store, valid, revoked) = store();
        let mut c = Credentials::new(&store);
        let show = |c: &mut Credentials, v: &str| c.authorization(v, true).0;
        assert_eq!(
            show(&mut c, &format!("Bearer {valid}")),
            r#"Bearer <valid key "ci">"#
        );
        assert_eq!(
            show(&mut c, &format!("bearer   {revoked}")),
            r#"bearer   <revoked key "old">"#
        );
        assert_eq!(
            show(&mut c, concat!("Bearer thub_", "neverissued0000000000")),
            "Bearer <unknown thub_ key>"
        );
        assert_eq!(show(&mut c, "Bearer"), "Bearer");
        assert_eq!(show(&mut c, "Bearer "), "Bearer ");
        assert_eq!(
            show(&mut c, "Basic dXNlcjpwYXNzd29yZA=="),
            "Basic <not a key>"
        );
        assert_eq!(show(&mut c, "Bearer 123"), "Bearer <not a key>");
        assert_eq!(
            show(&mut c, &valid),
            r#"<valid key "ci">"#,
            "a key without a scheme"
        );
        assert_eq!(
            show(&mut c, &format!("Bearer{valid}")),
            r#"Bearer<valid key "ci">"#,
            "glued to the scheme"
        );
        assert_eq!(
            show(&mut c, &format!("Bearer {valid}, Bearer {revoked}")),
            r#"Bearer <valid key "ci">, Bearer <revoked key "old">"#
        );
        assert_eq!(
            show(&mut c, &format!("Bearer {valid} extra")),
            r#"Bearer <valid key "ci"> <not a key>"#
        );
        let (_, found) = c.authorization(&format!("Bearer {revoked}"), true);
        assert!(matches!(found, Some(Found::Revoked { name, .. }) if name == "old"));
    }

    #[test]
    fn common_http_words_stay_readable_and_other_long_runs_do_not() {
        let (store, _, _) = store();
        let mut c = Credentials::new(&store);
        assert_eq!(
            c.text("application/json; charset=utf-8"),
            "application/json; charset=utf-8"
        );
        assert_eq!(c.text("python-requests/2.32.3"), "python-requests/2.32.3");
        assert_eq!(c.text("keep-alive"), "keep-alive");
        assert!(!c.text("x 0123456789abcdef y").contains("0123456789"));
    }

    #[test]
    fn a_key_in_basic_credentials_is_described_as_base64() {
        let (store, valid, _) = store();
        let mut c = Credentials::new(&store);
        let token = base64_of(&format!("{valid}:"));
        let (shown, _) = c.authorization(&format!("Basic {token}"), false);
        assert!(shown.starts_with("Basic <valid key "), "{shown}");
        assert!(shown.ends_with(" in Base64>"), "{shown}");
        let (shown, _) = c.authorization("Basic dXNlcjpwYXNzd29yZA==", false);
        assert_eq!(shown, "Basic <not a key>");
    }

    fn base64_of(text: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in text.as_bytes().chunks(3) {
            let n =
                chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        while out.len() % 4 != 0 {
            out.push('=');
        }
        out
    }

    #[test]
    fn keys_anywhere_in_text_are_described() {
        let (store, valid, revoked) = store();
        let mut c = Credentials::new(&store);
        assert_eq!(
            c.text(&format!("my-sdk/1.0 ({valid})")),
            r#"my-sdk/1.0 (<valid key "ci">)"#
        );
        assert_eq!(
            c.text(&format!("session=abc; token={revoked}; theme=dark")),
            r#"session=abc; token=<revoked key "old">; theme=dark"#
        );
        assert_eq!(
            c.text(&format!("/v1/{valid}/x")),
            r#"/v1/<valid key "ci">/x"#
        );
        assert_eq!(c.keys_in(&valid), Some(r#"<valid key "ci">"#.into()));
        assert_eq!(c.keys_in("42"), None);
        assert_eq!(c.credential(&valid), r#"<valid key "ci">"#);
        assert_eq!(c.credential("secret"), "<not a key>");
        // The rest is redacted: the secret without its prefix is not shown either.
        assert_eq!(c.text(&valid[5..]), format!("…{}", &valid[41..]));
    }

    proptest! {
        /// Whatever surrounds a key, in whatever header, no 10 characters of its secret
        /// survive, with or without its prefix.
        #[test]
        fn no_ten_secret_characters_survive(
            before in "[ -~]{0,24}",
            after in "[ -~]{0,24}",
            prefixed in any::<bool>(),
            which in 0..3usize,
        ) {
            let (store, valid, revoked) = store();
            let key = [valid.as_str(), revoked.as_str(), concat!("thub_", "Zq8vY2mN4pL7sR1tK9wX3bC6dF0gH5jA")][which];
            let sent = if prefixed { key } else { &key[5..] };
            let value = format!("{before}{sent}{after}");
            let mut c = Credentials::new(&store);
            for shown in [c.text(&value), c.authorization(&value, true).0, c.credential(&value)] {
                for window in key.as_bytes()[5..].windows(10) {
                    let piece = std::str::from_utf8(window).unwrap();
                    prop_assert!(!shown.contains(piece), "{piece} in {shown}");
                }
            }
        }
    }
}
