//! The deployment under test and what the runner holds for it: where it is and the pre-flight
//! ([`Target`]), its keys ([`Key`], [`Keys`]), its documented endpoints ([`Endpoint`]), its admin
//! plane ([`AdminPlane`]) and the embedded terminus-mock that stands in without `--target`.

mod admin;
mod deployment;
pub(crate) mod embedded;
pub(crate) mod endpoints;
mod keys;

pub use admin::{AdminError, AdminPlane, AdminProblem};
pub use deployment::Target;
pub use endpoints::Endpoint;
pub use keys::{Key, KeyRefusal, Keys, PREFIX};
