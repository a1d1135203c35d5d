//! The fixtures of `fixtures/`, embedded at compile time: what the mock serves by default and
//! the runner probes by default.

/// `fixtures/keys.json`: the well-known, test-only keys the mock starts with (two active, one
/// revoked). Public on purpose, accepted by terminus-mock only; never configure them anywhere
/// real.
pub const KEYS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/keys.json"));

/// `fixtures/routes.json`: the Public API endpoints the mock serves after authentication and
/// the runner probes when given no `--endpoint`, `--routes` or `--openapi`.
pub const ROUTES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/routes.json"));

/// `fixtures/openapi.yaml`: the endpoints of [`ROUTES`] as an OpenAPI 3 document, the shape
/// `terminus-conformance --openapi` reads.
pub const OPENAPI: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/openapi.yaml"
));

#[cfg(test)]
mod tests {
    use super::{KEYS, OPENAPI, ROUTES};

    /// The texts are the fixtures, not some other file: their own markers, and JSON where JSON.
    #[test]
    fn each_const_holds_its_fixture() {
        let keys: serde_json::Value = serde_json::from_str(KEYS).unwrap();
        assert!(keys["$comment"]
            .as_str()
            .unwrap()
            .starts_with("TEST-ONLY KEYS"));
        let routes: serde_json::Value = serde_json::from_str(ROUTES).unwrap();
        assert!(!routes["routes"].as_array().unwrap().is_empty());
        assert!(OPENAPI.contains("\nopenapi: 3."), "{OPENAPI}");
    }
}
