//! > **KEY-2** A key is opaque: it authenticates only if it is byte-for-byte equal to an issued,
//! > unrevoked key. No prefix, truncation, extension, case change, trimming inside the value or
//! > other normalization of a key is accepted.
//!
//! Values that are not the valid key but that a normalising server could take for it, each as
//! `Authorization: Bearer <value>` on the probe endpoint: fixed edits of the valid key
//! ([`edits`], with the look-alike characters of [`lookalikes`]), the key with bytes a trimming
//! function removes ([`trimmed_bytes`]), and generated unknown and near-miss keys
//! ([`generated_keys`]); and the key's variants in every form the deployment accepts the valid
//! key in ([`in_accepted_forms`]). Each must get 401 (a control byte may get 400 or a closed connection).

mod edits;
mod generated_keys;
mod in_accepted_forms;
mod lookalikes;
mod split_keys;
mod trimmed_bytes;

pub(super) use in_accepted_forms::in_form;

use crate::cases::Case;

/// The KEY-2 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    let mut all = edits::cases();
    all.push(trimmed_bytes::whitespace_like_bytes_around_key());
    all.extend(generated_keys::cases());
    all.extend(split_keys::cases());
    all.push(in_accepted_forms::case());
    all
}
