//! The one redaction function of the mock: everything that prints, logs or reports a key, or a
//! value that might hold one, goes through [`redact`].
//!
//! Rule (SPEC.md part 2, "Logs"): at most `thub_` plus four characters and an ellipsis. Four
//! characters are shown so a person can tell keys apart in a list; they are the *last* four, as
//! in "Account → API Keys", so two keys minted in a row are told apart.

/// Characters a key (or anything resembling one) is made of. A run of these that is long enough
/// to hold a meaningful piece of a secret is what [`redact`] hides.
pub(crate) fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Runs shorter than this are left alone: a secret leaks only through 10 or more consecutive
/// characters, and short runs are ordinary path segments (`projects`, `v1`).
pub(crate) const MIN_RUN: usize = 10;

/// Redacts every key-like run in `text`.
///
/// Every maximal run of 10 or more token characters (`A-Z a-z 0-9 _ -`) is replaced by its
/// hint: `thub_…WXYZ` when it begins with `thub_`, `…WXYZ` otherwise, where `WXYZ` are its last
/// four characters. Shorter runs and every other character are kept, so a path such as
/// `/v1/projects/prj_42?api_key=thub_ab…` stays readable while no 10 consecutive characters of a
/// secret survive.
///
/// ```
/// use terminus_mock::redact;
/// assert_eq!(redact("thub_0123456789abcdefgh"), "thub_…efgh");
/// assert_eq!(redact("/v1/projects?key=0123456789abcdef"), "/v1/projects?key=…cdef");
/// assert_eq!(redact("/v1/account"), "/v1/account");
/// ```
pub fn redact(text: &str) -> String {
    // Most text (a path, a header value) holds no run long enough to hide: copied as it is.
    if longest_run(text) < MIN_RUN {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len().min(256));
    let mut run_start: Option<usize> = None;
    let flush = |out: &mut String, run: &str| {
        if run.len() < MIN_RUN {
            out.push_str(run);
        } else {
            push_hint(out, run);
        }
    };
    for (i, c) in text.char_indices() {
        match (is_token_char(c), run_start) {
            (true, None) => run_start = Some(i),
            (true, Some(_)) => {}
            (false, Some(start)) => {
                flush(&mut out, &text[start..i]);
                run_start = None;
                out.push(c);
            }
            (false, None) => out.push(c),
        }
    }
    if let Some(start) = run_start {
        flush(&mut out, &text[start..]);
    }
    out
}

/// [`redact`] as `Display`, for a log field: text with nothing to hide (most paths) is
/// written as it is, without a copy.
pub(crate) struct Redacted<'a>(pub(crate) &'a str);

impl std::fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if longest_run(self.0) < MIN_RUN {
            f.write_str(self.0)
        } else {
            f.write_str(&redact(self.0))
        }
    }
}

/// The length of the longest run of token characters in `text` (they are ASCII: bytes count
/// characters).
fn longest_run(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for &b in text.as_bytes() {
        if is_token_char(char::from(b)) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// The hint of one key: `thub_` (when present), an ellipsis and the last four characters.
/// Values of four characters or fewer after the prefix show only the ellipsis.
pub(crate) fn hint(key: &str) -> String {
    let mut out = String::with_capacity(16);
    push_hint(&mut out, key);
    out
}

/// [`hint`], appended to `out`.
pub(crate) fn push_hint(out: &mut String, key: &str) {
    // Writing to a `String` cannot fail.
    let _ = write_hint(out, key);
}

/// [`hint`], written to `out` (a log line writes it in place, without a string of its own).
pub(crate) fn write_hint(out: &mut impl std::fmt::Write, key: &str) -> std::fmt::Result {
    let (prefix, secret) = match key.strip_prefix("thub_") {
        Some(rest) => ("thub_", rest),
        None => ("", key),
    };
    out.write_str(prefix)?;
    out.write_char('…')?;
    let count = secret.chars().count();
    if count > 4 {
        let start = secret
            .char_indices()
            .nth(count - 4)
            .map_or(secret.len(), |(i, _)| i);
        out.write_str(&secret[start..])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_become_hints() {
        let key = format!("thub_{}0123", "abcdefghijklm".repeat(2));
        assert_eq!(redact(&key), "thub_…0123");
        assert_eq!(hint("thub_ab"), "thub_…");
        assert_eq!(hint("short"), "…hort");
    }

    #[test]
    fn keys_inside_text_are_hidden() {
        // Built in parts: no key-shaped literal in the source.
        let key = concat!("thub_Zq8vY2mN4pL7", "sR1tK9wX3bC6dF0gH5jA");
        let line = format!(
            "GET /v1/account?api_key={key} Bearer {key}, x={}",
            &key[5..]
        );
        let red = redact(&line);
        assert!(!red.contains(&key[5..15]), "{red}");
        assert!(red.contains("/v1/account?api_key=thub_…H5jA"), "{red}");
    }

    #[test]
    fn short_runs_are_kept() {
        assert_eq!(redact("/v1/projects/prj_42"), "/v1/projects/prj_42");
        assert_eq!(redact(""), "");
    }

    proptest! {
        /// Whatever surrounds a secret, no 10 consecutive characters of it survive.
        #[test]
        fn no_ten_consecutive_secret_chars_survive(
            secret in "[A-Za-z0-9]{10,64}",
            before in "[ -~]{0,20}",
            after in "[ -~]{0,20}",
        ) {
            let text = format!("{before}thub_{secret}{after}");
            let red = redact(&text);
            for window in secret.as_bytes().windows(10) {
                let piece = std::str::from_utf8(window).unwrap();
                prop_assert!(!red.contains(piece), "{piece} survived in {red}");
            }
        }
    }
}
