//! What SPEC.md says, as types: every numbered [`Clause`], how binding a check is ([`Level`]) and
//! which reading the run applies ([`Profile`]).

mod clause;

pub use clause::{Clause, UnknownClause};

/// The version of SPEC.md this runner checks, as a literal (for `concat!`).
macro_rules! spec_version {
    () => {
        "1.1.0"
    };
}

/// The version of SPEC.md this runner checks (its `Spec version:` line; a test keeps the two
/// equal).
pub const SPEC_VERSION: &str = spec_version!();

/// `--version`: the tool's version and the spec's, `0.2.0 (SPEC 1.1.0)`.
pub const VERSION_LINE: &str = concat!(env!("CARGO_PKG_VERSION"), " (SPEC ", spec_version!(), ")");

/// `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The vendor page's reading: RFC-only requirements are informational, and so are the
    /// client contract's `should` clauses.
    Doc,
    /// RFC 9110 / RFC 6750 on top: ERR-5 and HDR-5's case-insensitive scheme are required.
    Rfc,
    /// Everything: the `rfc` profile, and the client contract's `should` clauses (CLI-3,
    /// CLI-7) fail too.
    Strict,
}

impl Profile {
    /// `doc` or `rfc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Doc => "doc",
            Profile::Rfc => "rfc",
            Profile::Strict => "strict",
        }
    }
}

/// How binding a clause or a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Required in every profile.
    Must,
    /// Required in the `rfc` profile; in `doc` a failure is reported as information.
    Rfc,
    /// Reports what the target does where SPEC.md permits either (HDR-5); fails only on an
    /// answer no reading permits.
    Informational,
    /// The client contract's `should` (SPEC.md part 4): reported, not failed, by default.
    Should,
}

impl Level {
    /// `must`, `rfc`, `informational` or `should` (the manifest's vocabulary).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Rfc => "rfc",
            Level::Informational => "informational",
            Level::Should => "should",
        }
    }
}

#[cfg(test)]
mod tests {
    /// The repository's SPEC.md says `Spec version: X` near its top, and X is [`super::SPEC_VERSION`].
    #[test]
    fn spec_version_is_spec_md_s() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../SPEC.md");
        let text = std::fs::read_to_string(&path).expect("the repository's SPEC.md");
        let stated = text
            .lines()
            .take(10)
            .find_map(|l| l.strip_prefix("Spec version:"))
            .map(str::trim);
        assert_eq!(stated, Some(super::SPEC_VERSION), "{}", path.display());
    }
}
