//! KEY-2's fixed edits of the valid key: the prefix alone, truncations, extensions, case flips,
//! look-alike characters, a character removed or swapped, percent-encoding and quotes. Each is
//! a normalisation (or a sloppy comparison) that would map the value back to the key; each
//! must get 401.

use super::lookalikes::{fullwidth, lookalikes, ASCII_LOOKALIKES, UNICODE_LOOKALIKES};
use crate::cases::key::variants;
use crate::cases::Case;
use crate::spec::Clause;
use crate::target::{Key, PREFIX};
use crate::wire::Text;

/// The fixed-edit KEY-2 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    vec![
        // `thub_` and nothing after: a server that checks only the prefix accepts it.
        variants(Clause::Key2, "prefix_only", |_| vec![Text::plain(PREFIX)]),
        // One character short: a server that compares a prefix of the key accepts it.
        variants(Clause::Key2, "truncated_by_one_char", |k| {
            vec![k.truncated(k.len() - 1)]
        }),
        // Every length from `thub_` plus one to one short: a server that compares only as many
        // bytes as it is given accepts one of them.
        variants(Clause::Key2, "truncated_at_every_length", |k| {
            (PREFIX.len() + 1..k.len())
                .map(|n| k.truncated(n))
                .collect()
        }),
        // One character more: a server that compares only the issued key's length accepts it.
        variants(Clause::Key2, "extended_by_one_char", |k| {
            ["0", "a", "Z", "_"].iter().map(|s| k.extended(s)).collect()
        }),
        // Padding, separators, a suffix, the key twice: a server that strips padding, splits
        // the value or matches by `starts_with` accepts one of them.
        variants(Clause::Key2, "extended", |k| {
            let mut v: Vec<Text> = ["==", "=", "-", ".", "/", "~", "+", "0000", "_old", "\\"]
                .iter()
                .map(|s| k.extended(s))
                .collect();
            v.push(k.derive("twice in a row", |s| format!("{s}{s}").into_bytes()));
            v
        }),
        // Each letter's case flipped, one at a time: a case-insensitive comparison accepts them.
        variants(Clause::Key2, "single_char_case_flips", |k| {
            (0..k.len()).filter_map(|i| flip_case(k, i)).collect()
        }),
        // ASCII characters swapped for ones that look alike (`0`/`O`, `1`/`l`): a server that
        // "corrects" typing mistakes accepts them.
        variants(Clause::Key2, "lookalike_ascii_chars", |k| {
            lookalikes(k, ASCII_LOOKALIKES)
        }),
        // Cyrillic and fullwidth look-alikes: a server that applies Unicode compatibility
        // normalisation (NFKC) or confusable folding accepts them.
        variants(Clause::Key2, "lookalike_unicode_chars", |k| {
            let mut v = lookalikes(k, UNICODE_LOOKALIKES);
            v.push(k.derive("in fullwidth characters", |s| {
                s.chars().map(fullwidth).collect::<String>().into_bytes()
            }));
            v
        }),
        // A character removed, every seventh place: a fuzzy (edit-distance) match accepts them.
        variants(Clause::Key2, "inner_char_removed", |k| {
            (PREFIX.len()..k.len() - 1)
                .step_by(7)
                .map(|i| {
                    k.derive(format!("with char {i} removed"), |s| {
                        let mut b = s.as_bytes().to_vec();
                        b.remove(i);
                        b
                    })
                })
                .collect()
        }),
        // Two different neighbours swapped, every fifth place: a fuzzy match that forgives
        // transpositions accepts them.
        variants(Clause::Key2, "adjacent_chars_swapped", |k| {
            (PREFIX.len()..k.len() - 1)
                .step_by(5)
                .filter(|&i| k.bytes()[i] != k.bytes()[i + 1])
                .map(|i| {
                    k.derive(format!("with chars {i} and {} swapped", i + 1), |s| {
                        let mut b = s.as_bytes().to_vec();
                        b.swap(i, i + 1);
                        b
                    })
                })
                .collect()
        }),
        // The last character as `%XX`: a server that percent-decodes the header accepts it.
        variants(Clause::Key2, "percent_encoded_char", |k| {
            let i = k.len() - 1;
            vec![k.derive("with its last char percent-encoded", |s| {
                format!("{}%{:02X}", &s[..i], s.as_bytes()[i]).into_bytes()
            })]
        }),
        // The key in double or single quotes: a server that unquotes the value accepts it.
        variants(Clause::Key2, "quoted", |k| {
            vec![
                k.derive("in double quotes", |s| format!("\"{s}\"").into_bytes()),
                k.derive("in single quotes", |s| format!("'{s}'").into_bytes()),
            ]
        }),
    ]
}

/// The key with the letter at `i` in the other case; `None` where `i` holds no letter.
fn flip_case(key: &Key, i: usize) -> Option<Text> {
    let b = key.bytes()[i];
    b.is_ascii_alphabetic().then(|| {
        let flipped = if b.is_ascii_lowercase() {
            b.to_ascii_uppercase()
        } else {
            b.to_ascii_lowercase()
        };
        key.replaced_at(i, &(flipped as char).to_string(), "case-flipped")
    })
}
