//! > **KEY-1** A Public API key begins with `thub_` (exactly, lowercase). A value that does not
//! > is never a valid key, whatever follows.
//!
//! The valid key's secret behind another prefix, or with characters before `thub_`, as
//! `Authorization: Bearer <variant>` on the probe endpoint. Each must get 401.

use super::variants;
use crate::cases::Case;
use crate::spec::Clause;

/// Cases whose variants are the valid key's secret behind each of a list of prefixes in place
/// of `thub_`: (case name, prefixes).
const REPLACED_PREFIXES: &[(&str, &[&str])] = &[
    // The bare secret: a server that only checks the secret part accepts it.
    ("secret_without_prefix", &[""]),
    // `THUB_`: a server that compares the prefix case-insensitively accepts it.
    ("prefix_uppercase", &["THUB_"]),
    // Mixed case, one letter or more: the same, for a server that lowercases part of it.
    (
        "prefix_case_changed",
        &["Thub_", "tHub_", "thUb_", "thuB_", "THub_", "tHUB_"],
    ),
    // Another separator, none, or two: a server that splits on any punctuation accepts them.
    (
        "prefix_separator_changed",
        &["thub-", "thub.", "thub", "thub__", "thub:"],
    ),
    // Other vendors' prefixes and near-misses of `thub_`: a server that ignores the prefix.
    (
        "other_prefix",
        &["sk_", "pk_", "thb_", "tub_", "hub_", "key_"],
    ),
];

/// Characters before `thub_`: a server that searches for the prefix instead of requiring it at
/// the start (or strips a `key=` or quote) accepts them.
const BEFORE_PREFIX: &[&str] = &["x", "_", "0", "=", "\"", "'", "key="];

/// The KEY-1 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    let mut all: Vec<Case> = REPLACED_PREFIXES
        .iter()
        .map(|&(what, prefixes)| {
            variants(Clause::Key1, what, move |k| {
                prefixes.iter().map(|p| k.with_prefix(p)).collect()
            })
        })
        .collect();
    all.push(variants(Clause::Key1, "characters_before_prefix", |k| {
        BEFORE_PREFIX.iter().map(|p| k.preceded(p)).collect()
    }));
    all
}
