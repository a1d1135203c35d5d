//! The proptest strategies of the generated families. Every value is a [`Text`]: values built
//! from a real key are shown by their derivation (`<valid key with char 7 deleted>`), never as
//! bytes, including after shrinking.

use proptest::prelude::*;
use proptest::sample::Index;

use crate::target::{Key, PREFIX};
use crate::wire::Text;

/// Characters keys are made of, and near-miss edits insert (no whitespace, comma or
/// separator: those are other clauses' business).
const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

fn key_char() -> impl Strategy<Value = char> {
    proptest::sample::select(KEY_ALPHABET).prop_map(char::from)
}

/// `thub_` followed by 1–64 key characters: keys nobody issued (KEY-2). Shown as they are.
pub fn unknown_key() -> impl Strategy<Value = Text> {
    proptest::collection::vec(key_char(), 1..64).prop_map(|chars| {
        let key: String = PREFIX.chars().chain(chars).collect();
        Text::credential(key)
    })
}

/// One edit of a near-miss key.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Remove the character at an index.
    Delete(Index),
    /// Insert a character before an index.
    Insert(Index, char),
    /// Replace the character at an index.
    Replace(Index, char),
    /// Flip the case of the character at an index.
    FlipCase(Index),
    /// Keep only the first characters.
    Truncate(Index),
    /// Swap a character with the next.
    Swap(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<Index>().prop_map(Edit::Delete),
        (any::<Index>(), key_char()).prop_map(|(i, c)| Edit::Insert(i, c)),
        (any::<Index>(), key_char()).prop_map(|(i, c)| Edit::Replace(i, c)),
        any::<Index>().prop_map(Edit::FlipCase),
        any::<Index>().prop_map(Edit::Truncate),
        any::<Index>().prop_map(Edit::Swap),
    ]
}

/// Applies edits to `key`, describing each.
pub fn apply_edits(key: &str, edits: &[Edit]) -> (Vec<u8>, Vec<String>) {
    let mut k: Vec<u8> = key.as_bytes().to_vec();
    let mut how = Vec::new();
    for edit in edits {
        if k.is_empty() {
            break;
        }
        match edit {
            Edit::Delete(i) => {
                let i = i.index(k.len());
                k.remove(i);
                how.push(format!("with char {i} deleted"));
            }
            Edit::Insert(i, c) => {
                let i = i.index(k.len() + 1);
                k.insert(i, *c as u8);
                how.push(format!("with {c:?} inserted at {i}"));
            }
            Edit::Replace(i, c) => {
                let i = i.index(k.len());
                k[i] = *c as u8;
                how.push(format!("with char {i} set to {c:?}"));
            }
            Edit::FlipCase(i) => {
                let i = i.index(k.len());
                k[i] = if k[i].is_ascii_lowercase() {
                    k[i].to_ascii_uppercase()
                } else {
                    k[i].to_ascii_lowercase()
                };
                how.push(format!("with char {i} case-flipped"));
            }
            Edit::Truncate(i) => {
                let len = i.index(k.len());
                k.truncate(len);
                how.push(format!("truncated to {len} chars"));
            }
            Edit::Swap(i) => {
                if k.len() > 1 {
                    let i = i.index(k.len() - 1);
                    k.swap(i, i + 1);
                    how.push(format!("with chars {i} and {} swapped", i + 1));
                }
            }
        }
    }
    (k, how)
}

/// The valid key with one to four edits (KEY-2, ROB-1). The value may equal the key when the
/// edits cancel out; the case treats that input as not a near miss.
pub fn near_miss(key: Key) -> impl Strategy<Value = Text> {
    proptest::collection::vec(edit(), 1..5).prop_map(move |edits| {
        let mut how = Vec::new();
        key.derive("", |k| {
            let (bytes, steps) = apply_edits(k, &edits);
            how = steps;
            bytes
        })
        .relabel(format!("<valid key {}>", how.join(", then ")))
    })
}

/// Any printable ASCII value, 0–200 characters (ROB-1).
pub fn printable_ascii() -> impl Strategy<Value = Text> {
    proptest::collection::vec(0x20u8..=0x7e, 0..200).prop_map(Text::plain)
}

/// Values with obs-text bytes 0x80–0xFF among printable ones, half after `Bearer ` (ROB-1).
pub fn obs_text() -> impl Strategy<Value = Text> {
    let byte = prop_oneof![0x20u8..=0x7e, 0x80u8..=0xff];
    (any::<bool>(), proptest::collection::vec(byte, 1..120)).prop_map(|(scheme, mut bytes)| {
        if !bytes.iter().any(|&b| b >= 0x80) {
            bytes.push(0xff);
        }
        let text = Text::plain(bytes);
        if scheme {
            Text::plain("Bearer ").then(text)
        } else {
            text
        }
    })
}

/// Long values, 100 bytes to 3.5 KiB: a header section still within 4 KiB (ROB-1).
pub fn long_value() -> impl Strategy<Value = Text> {
    (
        proptest::collection::vec(0x21u8..=0x7e, 1..16),
        100usize..3584,
    )
        .prop_map(|(unit, len)| {
            let mut bytes = b"Bearer thub_".to_vec();
            while bytes.len() < len {
                bytes.push(unit[bytes.len() % unit.len()]);
            }
            Text::plain(bytes)
        })
}

/// Bytes HTTP does not allow in a field value (NUL, controls but HTAB, DEL, bare CR or LF).
pub fn control_byte() -> impl Strategy<Value = u8> {
    prop_oneof![0x00u8..=0x08, 0x0au8..=0x1f, Just(0x7fu8)]
}

/// `Bearer ` and the valid key (or an unknown key) with one invalid byte inside (ROB-2).
pub fn key_with_control_byte(key: Option<Key>) -> impl Strategy<Value = Text> {
    (any::<Index>(), control_byte(), unknown_key()).prop_map(move |(at, byte, unknown)| {
        let insert = |k: &[u8]| {
            let i = 5 + at.index(k.len().saturating_sub(5).max(1));
            let i = i.min(k.len());
            let mut out = k[..i].to_vec();
            out.push(byte);
            out.extend_from_slice(&k[i..]);
            (out, i)
        };
        let token = match &key {
            Some(key) => {
                let (bytes, i) = insert(key.bytes());
                Text::secret(
                    bytes,
                    format!("<valid key with byte 0x{byte:02X} inserted at {i}>"),
                )
            }
            None => Text::plain(insert(unknown.bytes()).0),
        };
        Text::plain("Bearer ").then(token)
    })
}
