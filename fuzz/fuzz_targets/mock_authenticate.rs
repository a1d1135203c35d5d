//! Fuzzes the mock's authentication decision with whole request heads: parsed as hyper would
//! (httparse), then judged. Properties: never a panic, and a request is accepted only when it
//! carries exactly one `Authorization` field whose value, without OWS, is `Bearer <an active
//! key>` (strict) or that with the scheme in any case and one or more spaces (lenient).
//!
//! Run: `make fuzz` (or `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run mock_authenticate`).
#![no_main]

use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use terminus_mock::auth::{authenticate, Decision, SchemeReading};
use terminus_mock::KeyStore;

/// The active keys of contract/fixtures/keys.json (test-only), read from the fixture compiled
/// into the mock.
fn active_keys() -> &'static [String] {
    static KEYS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let file: serde_json::Value =
            serde_json::from_str(terminus_mock::keys_file::BUILTIN_KEYS).unwrap();
        file["keys"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["status"] == "active")
            .map(|k| k["key"].as_str().unwrap().to_owned())
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let store = KeyStore::new();
    for record in terminus_mock::keys_file::builtin() {
        store.insert(record).unwrap();
    }
    let mut fields = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut fields);
    if request.parse(data).is_err() {
        return;
    }
    let mut headers = HeaderMap::new();
    for field in request.headers.iter() {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(field.name.as_bytes()),
            HeaderValue::from_bytes(field.value),
        ) else {
            return;
        };
        headers.append(name, value);
    }
    for reading in [SchemeReading::Strict, SchemeReading::Lenient] {
        if let Decision::Accepted(_) = authenticate(&headers, &store, reading) {
            let values: Vec<_> = headers.get_all(http::header::AUTHORIZATION).iter().collect();
            assert_eq!(values.len(), 1, "accepted with several Authorization fields");
            let value = std::str::from_utf8(values[0].as_bytes()).expect("keys are ASCII");
            let value = value.trim_matches([' ', '\t']);
            let (scheme, token) = value.split_at(6);
            let active = active_keys();
            let token_ok = active.iter().any(|k| k == token.trim_start_matches(' '));
            let strict_ok = scheme == "Bearer" && active.iter().any(|k| token == format!(" {k}"));
            let lenient_ok = scheme.eq_ignore_ascii_case("bearer") && token.starts_with(' ') && token_ok;
            match reading {
                SchemeReading::Strict => assert!(strict_ok, "strict accepted {value:?}"),
                SchemeReading::Lenient => assert!(lenient_ok, "lenient accepted {value:?}"),
            }
        }
    }
});
