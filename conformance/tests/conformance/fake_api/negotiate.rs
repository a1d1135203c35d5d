//! How the fake API's refusal follows the request's negotiation fields (ERR-2): unchanged,
//! or changed the way the request's [`Fault`] says — an HTML page, a 406, a gzip body with or
//! without `Content-Encoding`.

use std::io::Write;

use super::authenticate::header;
use super::{Fault, Incoming, Outgoing};

/// True when the field `name` lists `what` (case-insensitively, anywhere in the value).
fn lists(req: &Incoming, name: &str, what: &str) -> bool {
    header(req, name).is_some_and(|v| {
        String::from_utf8_lossy(v)
            .to_ascii_lowercase()
            .contains(what)
    })
}

/// The refusal `out` as the fault answers the request's `Accept` family.
pub(super) fn negotiated(fault: Fault, req: &Incoming, mut out: Outgoing) -> Outgoing {
    match fault {
        Fault::HtmlRefusalForBrowsers if lists(req, "accept", "text/html") => {
            set(&mut out, "Content-Type", "text/html; charset=utf-8");
            out.body = b"<!DOCTYPE html><html><head><title>Api Root</title></head><body><h1>HTTP 401 Unauthorized</h1><p>Invalid API key</p></body></html>".to_vec();
        }
        Fault::NotAcceptableWithoutJson
            if header(req, "accept").is_some()
                && !["json", "*/*", "application/*"]
                    .iter()
                    .any(|m| lists(req, "accept", m)) =>
        {
            out.status = 406;
            out.body = br#"{"detail":"Could not satisfy the request Accept header."}"#.to_vec();
        }
        Fault::GzipWithoutContentEncoding | Fault::GzipWhenAsked
            if lists(req, "accept-encoding", "gzip") =>
        {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(&out.body).expect("gzip into memory");
            out.body = gz.finish().expect("gzip into memory");
            if fault == Fault::GzipWhenAsked {
                out.headers.push(("Content-Encoding".into(), "gzip".into()));
                out.headers.push(("Vary".into(), "Accept-Encoding".into()));
            }
        }
        _ => {}
    }
    out
}

/// Replaces the field `name`'s value.
fn set(out: &mut Outgoing, name: &str, value: &str) {
    out.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    out.headers.push((name.into(), value.into()));
}
