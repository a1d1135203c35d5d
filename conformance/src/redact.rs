//! The one redaction function. Every path that prints, logs or reports text passes it through
//! [`redact`], which replaces any run of 10 or more characters taken from a registered secret
//! (a key from the environment, a key the embedded mock minted, the admin token) with
//! `<redacted>`. Requests never carry the secrets in their description in the first place
//! (derived keys are described by derivation, see [`crate::wire::Text`]); this is the net below.

use std::collections::HashSet;
use std::sync::RwLock;

/// Runs shorter than this may appear in output (a key's `thub_` prefix and a few characters is
/// a hint, not a secret).
pub const WINDOW: usize = 10;

static SECRETS: RwLock<Vec<Vec<u8>>> = RwLock::new(Vec::new());

/// Registers a secret: from now on no 10 consecutive bytes of it survive [`redact`].
pub fn register_secret(secret: &str) {
    if secret.len() >= WINDOW {
        let mut secrets = SECRETS.write().unwrap_or_else(|e| e.into_inner());
        if !secrets.iter().any(|s| s == secret.as_bytes()) {
            secrets.push(secret.as_bytes().to_vec());
        }
    }
}

/// Replaces every run of [`WINDOW`] or more bytes shared with a registered secret by
/// `<redacted>`.
///
/// ```
/// terminus_conformance::register_secret("thub_doc_example_secret_0123456789");
/// let shown = terminus_conformance::redact("sent Bearer thub_doc_example_secret_0123456789!");
/// assert_eq!(shown, "sent Bearer <redacted>!");
/// ```
pub fn redact(text: &str) -> String {
    let secrets = SECRETS.read().unwrap_or_else(|e| e.into_inner());
    redact_with(text, &secrets)
}

/// [`redact`] against an explicit list of secrets.
pub fn redact_with(text: &str, secrets: &[Vec<u8>]) -> String {
    let bytes = text.as_bytes();
    if secrets.is_empty() || bytes.len() < WINDOW {
        return text.to_owned();
    }
    let windows: HashSet<&[u8]> = secrets.iter().flat_map(|s| s.windows(WINDOW)).collect();
    let mut hidden = vec![false; bytes.len()];
    let mut any = false;
    for (start, window) in bytes.windows(WINDOW).enumerate() {
        if windows.contains(window) {
            hidden[start..start + WINDOW]
                .iter_mut()
                .for_each(|h| *h = true);
            any = true;
        }
    }
    if !any {
        return text.to_owned();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if hidden[i] {
            while i < bytes.len() && hidden[i] {
                i += 1;
            }
            out.extend_from_slice(b"<redacted>");
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// True when `haystack` holds 10 consecutive bytes of `secret` (ERR-6, KEY-6).
pub fn contains_piece_of(haystack: &[u8], secret: &[u8]) -> bool {
    if secret.len() < WINDOW || haystack.len() < WINDOW {
        return false;
    }
    let windows: HashSet<&[u8]> = secret.windows(WINDOW).collect();
    haystack.windows(WINDOW).any(|w| windows.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_every_run_of_ten_and_keeps_the_rest() {
        let secrets = vec![b"thub_abcdefghijklmnop".to_vec()];
        assert_eq!(
            redact_with("x thub_abcdefghijklmnop y", &secrets),
            "x <redacted> y"
        );
        assert_eq!(redact_with("cdefghijkl", &secrets), "<redacted>");
        assert_eq!(redact_with("thub_abcd", &secrets), "thub_abcd");
        assert_eq!(redact_with("Zdefghijkl", &secrets), "Zdefghijkl");
        assert_eq!(
            redact_with("héllo wörld, thub_abcdefghij", &secrets),
            "héllo wörld, <redacted>"
        );
    }

    #[test]
    fn finds_pieces() {
        assert!(contains_piece_of(
            b"..bcdefghijk..",
            b"thub_abcdefghijklmnop"
        ));
        assert!(!contains_piece_of(
            b"..bcdefghij..",
            b"thub_abcdefghijklmnop"
        ));
    }
}
