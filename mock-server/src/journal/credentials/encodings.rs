//! The two encodings a key may travel in without looking like one: Base64 (Basic credentials,
//! tokens that wrap a key) and percent-encoding (a query value, a path segment). The journal
//! looks for keys in the decoded text too; bodies that are not UTF-8 are shown as Base64.

/// Base64 digits of either alphabet (standard `+/`, URL-safe `-_`).
pub(crate) fn is_base64_digit(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

/// The bytes `digits` decode to, read as Base64 of either alphabet (no padding, stops at the
/// first byte that is not a digit).
pub(crate) fn base64_decode(digits: &[u8]) -> Vec<u8> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut bytes = Vec::with_capacity(digits.len() * 3 / 4);
    for &c in digits {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => break,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
        }
    }
    bytes
}

/// Standard Base64 with padding.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A percent-decoded view of a text, with where each decoded byte came from, so what is found
/// in the view can be replaced in the text as sent.
pub(crate) struct PercentView {
    /// The decoded bytes.
    pub(crate) bytes: Vec<u8>,
    /// For each decoded byte, the range of the original it came from (`%XX`: three bytes).
    origin: Vec<(usize, usize)>,
}

impl PercentView {
    /// The decoded view of `text`, when it holds at least one `%XX`.
    pub(crate) fn of(text: &[u8]) -> Option<Self> {
        let escaped = |i: usize| {
            text.get(i) == Some(&b'%')
                && text.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && text.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        };
        if !(0..text.len()).any(escaped) {
            return None;
        }
        let mut bytes = Vec::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            if escaped(i) {
                let hex = std::str::from_utf8(&text[i + 1..i + 3]).unwrap_or("00");
                bytes.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                origin.push((i, i + 3));
                i += 3;
            } else {
                bytes.push(text[i]);
                origin.push((i, i + 1));
                i += 1;
            }
        }
        Some(Self { bytes, origin })
    }

    /// The range of the original text that the decoded bytes `start..end` came from.
    pub(crate) fn original(&self, start: usize, end: usize) -> (usize, usize) {
        (self.origin[start].0, self.origin[end - 1].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_in_both_alphabets() {
        for text in ["", "a", "ab", "abc", "user:secret?>>", "\u{ff}\u{fe}"] {
            let encoded = base64_encode(text.as_bytes());
            assert_eq!(base64_decode(encoded.as_bytes()), text.as_bytes());
            let url_safe = encoded.replace('+', "-").replace('/', "_");
            assert_eq!(base64_decode(url_safe.as_bytes()), text.as_bytes());
        }
        assert_eq!(base64_encode(b"user:pass"), "dXNlcjpwYXNz");
    }

    #[test]
    fn a_percent_view_maps_back_to_the_text_as_sent() {
        let view = PercentView::of(b"a%5Fb%zz").unwrap();
        assert_eq!(view.bytes, b"a_b%zz");
        assert_eq!(view.original(1, 3), (1, 5));
        assert!(PercentView::of(b"100%").is_none());
    }
}
