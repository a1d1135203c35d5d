//! The conformance cases: a folder per clause family, a file per clause, each case named
//! `CLAUSE::what_it_sends` — `key/` (KEY-*), `header/` (HDR-*), `route/` (ROUTE-*),
//! `error/` (ERR-*), `robust/` (ROB-*), `ok/` (OK-1). A case is declared with its clause once
//! ([`Case::new`]); its body works through a [`Check`] that carries the clause into every
//! judgement. Adding a clause is one [`Clause`](crate::spec::Clause) variant and one file here.

/// Declares a family's clause files and its `cases()`: every file's cases, one file after the
/// other, in the order given (the manifest's). Each clause file is named once, here.
macro_rules! clause_files {
    ($($file:ident),+ $(,)?) => {
        $(mod $file;)+

        /// Every case of the family, clause file by clause file (the manifest's order).
        pub(super) fn cases() -> Vec<crate::cases::Case> {
            let mut all = Vec::new();
            $(all.extend($file::cases());)+
            all
        }
    };
}

mod accepted_forms;
mod case;
mod context;
mod error;
mod every_protocol;
mod header;
mod interactions;
mod judges;
mod key;
mod ok;
mod robust;
mod route;

pub use case::{Case, Check};
pub use context::{Context, RunOptions};
pub use every_protocol::Lane;
pub use judges::{accepted, bearer, rejected, rejected_or_400, EXPECT_REJECTED};

use crate::space::Crossing;
use crate::target::Endpoint;

/// What every clause requires over the request space: each family's [`Crossing`]s (the
/// README's axis table says which clauses cross each axis from these).
pub fn crossings() -> Vec<Crossing> {
    let mut all = Vec::new();
    all.extend(route::crossings());
    all.extend(header::crossings());
    all.extend(key::crossings());
    all.extend(error::crossings());
    all.extend(ok::crossings());
    all
}

/// Every case, for these endpoints, in a stable order (the manifest's).
pub fn catalogue(endpoints: &[Endpoint]) -> Vec<Case> {
    let mut all = Vec::new();
    all.extend(key::cases());
    all.extend(header::cases());
    all.extend(route::cases(endpoints));
    all.extend(error::cases());
    all.extend(robust::cases());
    all.extend(ok::cases(endpoints));
    // Last: they report what every other case wrote in the ledger.
    all.push(route::variant_sweep());
    all.push(error::refusal_sweep());
    all.push(robust::robustness_sweep());
    // after every request of the run, the 429s it met.
    all.push(robust::rate_limits_met());
    all
}
