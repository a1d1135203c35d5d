//! The generated families (proptest): the inputs ([`generators`]: unknown and near-miss keys,
//! printable ASCII, obs-text, long values, control bytes) and how a family runs ([`run`]):
//! seeded from `--seed` and the case name, batched, the first failure shrunk to a minimal input.

mod family;
pub(crate) mod generators;

pub use family::{run, Family, GeneratedFacts, GeneratedMeter};
