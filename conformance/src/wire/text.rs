//! [`Text`]: bytes to send together with how to show them. A piece derived from a real key is
//! shown by its derivation (`<valid key truncated to 20 chars>`), never as its bytes, so a
//! request can be printed in a failure message without leaking the key.

use std::fmt::Write as _;

/// Longest run of literal bytes shown before it is abbreviated.
const SHOWN_LITERAL_MAX: usize = 160;

/// Bytes to send and their printable description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    bytes: Vec<u8>,
    shown: String,
    /// The secret pieces this text carries (their bytes), for ERR-6's echo check.
    secrets: Vec<Vec<u8>>,
}

impl Text {
    /// Literal bytes, shown escaped (`\t`, `\x00`) and abbreviated when long.
    pub fn plain(bytes: impl AsRef<[u8]>) -> Self {
        let bytes = bytes.as_ref().to_vec();
        let shown = show_bytes(&bytes);
        Self {
            bytes,
            shown,
            secrets: Vec::new(),
        }
    }

    /// Bytes derived from a secret, shown only as `description` (e.g. `<valid key>`).
    pub fn secret(bytes: impl AsRef<[u8]>, description: impl Into<String>) -> Self {
        let bytes = bytes.as_ref().to_vec();
        Self {
            secrets: vec![bytes.clone()],
            bytes,
            shown: description.into(),
        }
    }

    /// Bytes that carry a credential which is not secret (a random unknown key): shown as
    /// they are, but still checked for echoes (ERR-6).
    pub fn credential(bytes: impl AsRef<[u8]>) -> Self {
        let mut text = Self::plain(bytes);
        text.secrets.push(text.bytes.clone());
        text
    }

    /// This text followed by `other`.
    pub fn then(mut self, other: impl Into<Text>) -> Self {
        let other = other.into();
        self.bytes.extend_from_slice(&other.bytes);
        self.shown.push_str(&other.shown);
        self.secrets.extend(other.secrets);
        self
    }

    /// The bytes to send.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The printable description.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Credentials carried, for the echo check of ERR-6.
    pub fn credentials(&self) -> &[Vec<u8>] {
        &self.secrets
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::plain(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::plain(s)
    }
}

/// Escapes bytes for display: printable ASCII as is, `\t`, `\r`, `\n`, others `\xNN`;
/// abbreviated past [`SHOWN_LITERAL_MAX`].
pub fn show_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes.iter().take(SHOWN_LITERAL_MAX) {
        match b {
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02X}");
            }
        }
    }
    if bytes.len() > SHOWN_LITERAL_MAX {
        let _ = write!(out, "…({} bytes in all)", bytes.len());
    }
    out
}

impl Text {
    /// The same bytes shown as `shown`.
    pub fn relabel(mut self, shown: impl Into<String>) -> Self {
        self.shown = shown.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_shown_by_description() {
        let t = Text::plain("Bearer ").then(Text::secret("thub_secret_value", "<valid key>"));
        assert_eq!(t.bytes(), b"Bearer thub_secret_value");
        assert_eq!(t.shown(), "Bearer <valid key>");
        assert_eq!(t.credentials(), &[b"thub_secret_value".to_vec()]);
    }

    #[test]
    fn bytes_are_escaped() {
        assert_eq!(show_bytes(b"a\tb\x00\xff"), "a\\tb\\x00\\xFF");
    }
}
