//! No output of the runner — stdout, stderr, the JUnit file, the JSON report — holds 10
//! consecutive characters of a supplied key, even when every check fails against a target
//! that echoes everything it is sent.

use super::fake_api::{Fault, REVOKED, VALID};
use super::runner::run_against;
use super::servers::{start, Flavor};

fn pieces(key: &str) -> Vec<&str> {
    (0..=key.len() - 10).map(|i| &key[i..i + 10]).collect()
}

#[test]
fn keys_never_appear_in_any_output_even_when_every_check_fails() {
    let server = start(Fault::EchoEverything, Flavor::Raw);
    let run = run_against("secrets", &server, &[]);
    assert_eq!(run.status, 101);
    assert!(
        run.failed().len() > 50,
        "most checks fail: {}",
        run.failed().len()
    );
    let output = run.all_output();
    assert!(
        output.contains("<valid key"),
        "keys are described by derivation"
    );
    for key in [VALID, REVOKED] {
        for piece in pieces(key) {
            assert!(!output.contains(piece), "output holds {piece:?}");
        }
    }
}
