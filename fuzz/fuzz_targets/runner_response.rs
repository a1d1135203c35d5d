//! Fuzzes how the conformance runner reads what a target sends back: raw bytes as the HTTP/1.1
//! client reads them off a connection (httparse, the lenient head parser, Content-Length,
//! chunked and close-delimited bodies, HEAD), then every judgement made on a response — the
//! envelope's schema and content type (ERR-2), the RFC 9110 §11.3 challenge parser (ERR-5),
//! the likeness comparison (ERR-3, KEY-4), `Retry-After` (ROB-3) and the description printed
//! in failure messages. Property: no input panics, and a response's description is redacted
//! text. The first byte chooses GET or HEAD.
//!
//! Run: `make fuzz` (or `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run runner_response`).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use terminus_conformance::challenge;
use terminus_conformance::{content_type_problem, EnvelopeSchema};
use terminus_conformance::differences;
use terminus_conformance::{parse_head_leniently, parse_response};
use terminus_conformance::{retry_after, Reply};

fn schema() -> &'static EnvelopeSchema {
    static SCHEMA: OnceLock<EnvelopeSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| EnvelopeSchema::load(None).expect("the bundled schema"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let _ = parse_head_leniently(bytes);
    let _ = challenge::parse(&[bytes]);
    let reply = parse_response(bytes, flags & 1 == 1);
    let _ = reply.describe();
    let Reply::Response(response) = reply else {
        return;
    };
    let _ = response.json();
    let _ = schema().body_errors(&response);
    let _ = content_type_problem(&response);
    let challenges: Vec<&[u8]> = response.header_all("www-authenticate").collect();
    if !challenges.is_empty() {
        let _ = challenge::parse(&challenges);
    }
    let _ = retry_after(&response);
    let _ = differences(&response, &response, &response, &[], &[bytes.to_vec()]);
});
