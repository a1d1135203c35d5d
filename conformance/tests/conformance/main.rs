//! The runner's integration tests, one binary: the runner as a subprocess against the embedded
//! mock (strict and lenient), against fake servers that each break one clause of SPEC.md the
//! way a real implementation might (each must be caught, with the right clause named), and
//! against correct servers that differ only where SPEC.md permits (each must pass).

mod fake_api;
mod runner;
mod servers;

mod action;
mod budget;
mod clients;
mod correct;
mod embedded;
mod fairness;
mod faulty;
mod field;
mod findings;
mod html;
mod maintainers;
mod parsers;
mod recipes;
mod release;
mod secrets;
