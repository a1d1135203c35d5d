//! KEY-2's look-alike characters: which character of the key is replaced by which, and how the
//! replacement is made. The cases that use them are in [`super::edits`].

use crate::target::{Key, PREFIX};
use crate::wire::Text;

/// ASCII look-alikes: (a character of the key, what replaces it). Digits and letters people
/// confuse when they retype a key, and `-` for the `_` of the prefix.
pub(super) const ASCII_LOOKALIKES: &[(char, &str)] = &[
    ('0', "O"),
    ('O', "0"),
    ('1', "l"),
    ('l', "1"),
    ('I', "l"),
    ('5', "S"),
    ('S', "5"),
    ('8', "B"),
    ('B', "8"),
    ('2', "Z"),
    ('o', "0"),
    ('_', "-"),
];

/// Unicode look-alikes: (a character of the key, what replaces it). Cyrillic letters that
/// render as Latin ones, and the fullwidth low line for the prefix's `_`.
pub(super) const UNICODE_LOOKALIKES: &[(char, &str)] = &[
    ('a', "\u{430}"),
    ('e', "\u{435}"),
    ('o', "\u{43e}"),
    ('p', "\u{440}"),
    ('c', "\u{441}"),
    ('x', "\u{445}"),
    ('T', "\u{422}"),
    ('A', "\u{410}"),
    ('_', "\u{ff3f}"),
    ('h', "\u{4bb}"),
];

/// A variant of the key for each row of `table` whose character the key holds: its first
/// occurrence replaced by the look-alike.
pub(super) fn lookalikes(key: &Key, table: &[(char, &str)]) -> Vec<Text> {
    let mut out = Vec::new();
    for &(from, to) in table {
        // The first occurrence after the prefix; the prefix's own `_` for the separator.
        let start = if from == '_' { 0 } else { PREFIX.len() };
        if let Some(i) = key.bytes()[start..]
            .iter()
            .position(|&b| b == from as u8)
            .map(|p| p + start)
        {
            out.push(key.replaced_at(
                i,
                to,
                &format!(
                    "({from:?}) replaced by look-alike U+{:04X}",
                    to.chars().next().map_or(0, |c| c as u32)
                ),
            ));
        }
    }
    out
}

/// The fullwidth form (U+FF01..U+FF5E) of a printable ASCII character; others unchanged.
pub(super) fn fullwidth(c: char) -> char {
    match c {
        '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xff01).unwrap_or(c),
        _ => c,
    }
}
