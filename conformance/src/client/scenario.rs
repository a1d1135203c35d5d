//! The scenarios a client is graded in (SPEC.md part 4, "Grading"): what the mock does, which
//! key the program gets, and which clauses each scenario checks. A trial is `CLI-N::scenario`.
//! The redirect scenarios (CLI-4) are a space of their own, crossed in `redirects.rs`.

pub use super::redirects::Redirect;
use crate::spec::Clause;

/// The key a scenario hands the program in `TERMINUS_API_KEY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyGiven {
    /// A key the mock accepts.
    Valid,
    /// A key the mock knows as revoked.
    Revoked,
    /// No `TERMINUS_API_KEY` at all.
    Absent,
}

/// How the mock's certificate relates to the CA the program is told to trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certificate {
    /// Issued by the CA in `SSL_CERT_FILE` & co., for the host name of `TERMINUS_BASE_URL`.
    Trusted,
    /// Issued by another CA, one the program was not told to trust.
    UntrustedCa,
    /// Issued by the trusted CA, but for another host name only.
    OtherHostName,
}

/// What the mock answers `GET /v1/account` with, before its normal answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// The normal answer (200 with a valid key, the 401 envelope otherwise).
    Normal,
    /// Once the redirect (`redirects.rs`), then normal.
    Redirect(Redirect),
    /// Once 429 with `Retry-After: 1`, then normal.
    TooManyRequestsOnce,
    /// Once 503, then normal.
    UnavailableOnce,
    /// Once a reset connection, then normal.
    ResetOnce,
    /// 503 for ever.
    UnavailableAlways,
}

macro_rules! scenarios {
    ($( $variant:ident = $name:literal, $key:ident, $cert:ident, $script:ident,
        [$($clause:ident),*], $what:literal; )*) => {
        /// One scenario of client grading.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Scenario {
            $( #[doc = $what] $variant, )*
            /// A redirect of the redirect space (`redirects.rs`): a valid key, CLI-4 judged.
            Redirect(Redirect),
        }

        impl Scenario {
            /// The scenarios of the table below, in order.
            const TABLE: &'static [Scenario] = &[$(Scenario::$variant),*];

            /// The name in trial names (`CLI-1::valid_key`).
            pub fn name(self) -> &'static str {
                match self { $(Scenario::$variant => $name,)* Scenario::Redirect(r) => r.name() }
            }

            /// The key the program is given.
            pub fn key(self) -> KeyGiven {
                match self { $(Scenario::$variant => KeyGiven::$key,)* Scenario::Redirect(_) => KeyGiven::Valid }
            }

            /// The certificate the mock serves.
            pub fn certificate(self) -> Certificate {
                match self {
                    $(Scenario::$variant => Certificate::$cert,)*
                    Scenario::Redirect(_) => Certificate::Trusted,
                }
            }

            /// What the mock answers.
            pub fn script(self) -> Script {
                match self { $(Scenario::$variant => Script::$script,)* Scenario::Redirect(r) => Script::Redirect(r) }
            }

            /// The clauses judged from this scenario, in order.
            pub fn clauses(self) -> &'static [Clause] {
                match self {
                    $(Scenario::$variant => &[$(Clause::$clause),*],)*
                    Scenario::Redirect(_) => &[Clause::Cli4],
                }
            }

            /// One sentence: what the scenario sets up.
            pub fn what(self) -> &'static str {
                match self { $(Scenario::$variant => $what,)* Scenario::Redirect(r) => r.what() }
            }
        }
    };
}

scenarios! {
    ValidKey = "valid_key", Valid, Trusted, Normal, [Cli1, Cli2, Cli8],
        "a valid key; the mock answers 200";
    RevokedKey = "revoked_key", Revoked, Trusted, Normal, [Cli1, Cli2, Cli6, Cli8],
        "a revoked key; the mock answers the 401 envelope";
    NoKey = "no_key", Absent, Trusted, Normal, [Cli3],
        "no TERMINUS_API_KEY at all";
    UntrustedCa = "untrusted_ca", Valid, UntrustedCa, Normal, [Cli5, Cli8],
        "a valid key; the mock's certificate is issued by a CA the program was not told to trust";
    OtherHostName = "certificate_for_another_host", Valid, OtherHostName, Normal, [Cli5, Cli8],
        "a valid key; the mock's certificate is from the trusted CA but names another host only";
    RetryAfter = "429_retry_after_then_success", Valid, Trusted, TooManyRequestsOnce,
        [Cli1, Cli2, Cli7, Cli8],
        "a valid key; the mock answers 429 with Retry-After: 1 once, then 200";
    UnavailableOnce = "503_then_success", Valid, Trusted, UnavailableOnce, [Cli1, Cli2, Cli7, Cli8],
        "a valid key; the mock answers 503 once, then 200";
    ResetOnce = "reset_then_success", Valid, Trusted, ResetOnce, [Cli1, Cli2, Cli7, Cli8],
        "a valid key; the mock resets the first connection's request, then answers 200";
    UnavailableAlways = "503_always", Valid, Trusted, UnavailableAlways, [Cli7, Cli8],
        "a valid key; the mock answers 503 to every request (retries must stop, and back off)";
}

impl Scenario {
    /// Every scenario, in run (and manifest) order: the table's, the redirect space after
    /// `no_key`.
    pub fn all() -> &'static [Scenario] {
        static ALL: std::sync::OnceLock<Vec<Scenario>> = std::sync::OnceLock::new();
        ALL.get_or_init(|| {
            let (before, after) = Scenario::TABLE.split_at(3);
            before
                .iter()
                .copied()
                .chain(Redirect::all().iter().map(|r| Scenario::Redirect(*r)))
                .chain(after.iter().copied())
                .collect()
        })
    }

    /// The redirect, in a redirect scenario.
    pub fn redirect(self) -> Option<Redirect> {
        match self {
            Scenario::Redirect(r) => Some(r),
            _ => None,
        }
    }

    /// The trial name of `clause` in this scenario.
    pub fn trial_name(self, clause: Clause) -> String {
        format!("{clause}::{}", self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_clause_is_judged_in_some_scenario() {
        for clause in Clause::ALL.iter().filter(|c| c.id().starts_with("CLI-")) {
            assert!(
                Scenario::all().iter().any(|s| s.clauses().contains(clause)),
                "{clause} is judged nowhere"
            );
        }
    }

    #[test]
    fn the_scenarios_spec_part_4_lists_are_all_here() {
        let names: Vec<&str> = Scenario::all().iter().map(|s| s.name()).collect();
        assert_eq!(
            Scenario::TABLE[..3],
            [Scenario::ValidKey, Scenario::RevokedKey, Scenario::NoKey]
        );
        for needed in [
            "valid_key",
            "revoked_key",
            "no_key",
            "redirect_307_same_host_other_port",
            "redirect_308_same_host_port_over_http",
            "redirect_301_same_host_other_port_over_http",
            "redirect_302_other_host_same_port",
            "redirect_303_other_host_other_port",
            "redirect_307_other_host_port_over_http",
            "redirect_307_other_host_other_port_network_path",
            "redirect_307_same_origin_path",
            "redirect_307_other_host_other_port_and_back",
            "untrusted_ca",
            "certificate_for_another_host",
            "429_retry_after_then_success",
            "503_then_success",
            "reset_then_success",
        ] {
            assert!(names.contains(&needed), "{needed}");
        }
    }
}
