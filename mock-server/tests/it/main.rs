//! Integration tests of terminus-mock, through its real TLS listeners: one binary, a module per
//! feature, each test named after what a user would notice. Clause IDs refer to SPEC.md.

mod support;

mod admin_plane;
mod also_plain;
mod banner;
mod binary;
mod contract_errors;
mod contract_headers;
mod contract_keys;
mod contract_routes;
mod faults;
mod faults_kinds;
mod faults_matching;
mod http2;
mod journal;
mod journal_outcome;
mod journal_values;
mod persistence;
mod request_bodies;
mod robustness;
mod rotation;
mod tls;
mod trust_bundle;
mod verification;
