//! Fuzzes the mock's readers of user-supplied files: the keys file (`--keys`, `--state`) and
//! the routes file (`--routes`), and route matching on whatever routes parse. Property: a bad
//! file is an error, never a panic; an error message never quotes a key.
//!
//! Run: `make fuzz` (or `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run mock_fixtures`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use terminus_mock::routes::RouteTable;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = terminus_mock::keys_file::parse(text, "fuzz") {
        let _ = e.to_string();
    }
    if let Ok(table) = RouteTable::parse(text, "fuzz") {
        for method in [http::Method::GET, http::Method::HEAD, http::Method::DELETE] {
            for path in ["/", "/v1/projects/x", "//", "/a/b/c/d", text] {
                let _ = table.find(&method, path);
            }
        }
    }
});
