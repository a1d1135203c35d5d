//! ERR-2's "a compressed body is allowed only with a matching `Content-Encoding`": a refusal's
//! body decoded by the codings its `Content-Encoding` names (RFC 9110 §8.4: gzip, deflate, br;
//! identity), and a compressed body sent without one recognised by its magic bytes.

use std::io::Read;

use crate::wire::Response;

/// The body's bytes once the `Content-Encoding` codings are undone (in reverse order, RFC 9110
/// §8.4), or why they cannot be: an unknown coding, bytes that do not decode, or a compressed
/// body that no `Content-Encoding` names.
pub fn decoded_body(response: &Response) -> Result<Vec<u8>, String> {
    let codings: Vec<String> = response
        .header_all("content-encoding")
        .flat_map(|v| {
            String::from_utf8_lossy(v)
                .split(',')
                .map(|c| c.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .filter(|c| !c.is_empty())
        .collect();
    let mut body = response.body.to_vec();
    if codings.is_empty() {
        if let Some(coding) = sniffed_coding(&body) {
            return Err(format!(
                "the body is {coding}-compressed, but the response has no Content-Encoding: a client cannot read it"
            ));
        }
        return Ok(body);
    }
    for coding in codings.iter().rev() {
        body = decode(coding, &body).map_err(|why| {
            format!(
                "Content-Encoding: {} does not decode the body: {why}",
                codings.join(", ")
            )
        })?;
    }
    Ok(body)
}

/// Undoes one content coding.
fn decode(coding: &str, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let read = match coding {
        "identity" => return Ok(bytes.to_vec()),
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out),
        // RFC 9110 §8.4.1.2: the zlib format; raw deflate is what many servers send instead.
        "deflate" => match flate2::read::ZlibDecoder::new(bytes).read_to_end(&mut out) {
            Ok(n) => Ok(n),
            Err(_) => {
                out.clear();
                flate2::read::DeflateDecoder::new(bytes).read_to_end(&mut out)
            }
        },
        "br" => brotli_decompressor::Decompressor::new(bytes, 4096).read_to_end(&mut out),
        other => return Err(format!("{other:?} is not a coding the runner can decode")),
    };
    read.map(|_| out).map_err(|e| e.to_string())
}

/// The coding a body without `Content-Encoding` was compressed with, by its magic bytes: gzip
/// (`1f 8b`, RFC 1952 §2.3.1) or zlib (RFC 1950 §2.2: CMF 0x78 and a header checksum).
fn sniffed_coding(body: &[u8]) -> Option<&'static str> {
    match body {
        [0x1f, 0x8b, ..] => Some("gzip"),
        [0x78, flg, ..] if (0x78u16 * 256 + u16::from(*flg)) % 31 == 0 => Some("deflate"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn response(encoding: Option<&str>, body: Vec<u8>) -> Response {
        let mut r = Response::planned_refusal();
        r.headers.retain(|(n, _)| n != "content-encoding");
        if let Some(e) = encoding {
            r.headers
                .push(("content-encoding".into(), e.as_bytes().to_vec()));
        }
        r.body = body.into();
        r
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn gzip_with_its_content_encoding_decodes() {
        let body = decoded_body(&response(Some("gzip"), gzip(b"{\"a\":1}"))).unwrap();
        assert_eq!(body, b"{\"a\":1}");
    }

    #[test]
    fn gzip_without_content_encoding_is_named() {
        let why = decoded_body(&response(None, gzip(b"{}"))).unwrap_err();
        assert!(why.contains("no Content-Encoding"), "{why}");
    }

    #[test]
    fn a_coding_that_does_not_match_the_body_is_named() {
        let why = decoded_body(&response(Some("br"), b"{\"a\":1}".to_vec())).unwrap_err();
        assert!(why.contains("does not decode"), "{why}");
        assert_eq!(
            decoded_body(&response(None, b"{}".to_vec())).unwrap(),
            b"{}"
        );
    }
}
