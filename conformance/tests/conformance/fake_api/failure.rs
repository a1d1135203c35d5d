//! The fake API's answer to a request that did not authenticate: the envelope, or the wrong
//! answer the [`Fault`] calls for.

use serde_json::json;

use super::authenticate::header;
use super::{Cause, Fault, Incoming, Outgoing};

pub(super) fn failure(fault: Fault, cause: Cause, req: &Incoming, counter: u64) -> Outgoing {
    let status = match (fault, cause) {
        (Fault::RevokedGets403, Cause::Revoked) => 403,
        (Fault::Status400ForMalformed, Cause::Malformed) => 400,
        _ => 401,
    };
    let message = match (fault, cause) {
        (Fault::DifferentMessageWhenMissing, Cause::Missing) => "Missing API key",
        (Fault::WrongMessage, _) => "Unauthorized",
        (Fault::MarkupInMessage, _) => super::MARKUP,
        _ => "Invalid API key",
    };
    let code = if fault == Fault::ErrorCodeSet {
        json!("invalid_key")
    } else {
        json!(null)
    };
    let mut body =
        json!({"error": {"type": "authentication_error", "code": code, "message": message}});
    if fault == Fault::ExtraMembers {
        body["request_id"] = json!(format!("req_{counter:08}"));
        body["error"]["doc_url"] = json!("https://docs.example.invalid/errors/authentication");
    }
    if fault == Fault::EchoesCredentials {
        let presented = header(req, "authorization")
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default();
        body["error"]["received"] = json!(presented);
    }
    let content_type = match fault {
        Fault::TextHtmlContentType => "text/html",
        Fault::CharsetUtf8 => "application/json; charset=utf-8",
        _ => "application/json",
    };
    let mut headers = vec![("Content-Type".to_owned(), content_type.to_owned())];
    super::observables::by_path(fault, req, &mut headers, &mut body);
    super::observables::times(fault, counter, &mut headers);
    let challenge = super::observables::challenge(fault, cause, req);
    match fault {
        _ if challenge.is_some() => {
            headers.extend(
                challenge
                    .flatten()
                    .map(|c| ("WWW-Authenticate".to_owned(), c)),
            );
        }
        Fault::MissingWwwAuthenticate => {}
        Fault::Rfc6750ErrorParam if cause != Cause::Missing => headers.push((
            "WWW-Authenticate".into(),
            r#"Bearer realm="fake", error="invalid_token""#.into(),
        )),
        _ => headers.push(("WWW-Authenticate".into(), r#"Bearer realm="fake""#.into())),
    }
    if fault == Fault::ExtraMembers {
        headers.push(("X-Request-Id".into(), format!("req_{counter:08}")));
    }
    if fault == Fault::KeyHintHeader {
        if let Some(v) = header(req, "authorization") {
            if v.starts_with(b"Bearer thub_") && v.len() > 16 && v.is_ascii() {
                let last4 = String::from_utf8_lossy(&v[v.len() - 4..]).into_owned();
                headers.push(("X-Key-Hint".into(), format!("thub_...{last4}")));
            }
        }
    }
    if fault == Fault::ReasonHeader {
        headers.push(("X-Auth-Error".into(), format!("{cause:?}").to_lowercase()));
    }
    if fault == Fault::EchoesInHeader {
        if let Some(v) = header(req, "authorization") {
            headers.push((
                "X-Presented-Credential".into(),
                String::from_utf8_lossy(v).into_owned(),
            ));
        }
    }
    if cause == Cause::Revoked {
        match fault {
            Fault::SlowForRevokedKey => headers.push((":delay-ms".into(), "300".into())),
            Fault::ReasonPhraseByCause => headers.push((":reason".into(), "Key Revoked".into())),
            _ => {}
        }
    }
    let body = match (fault, cause) {
        // The same JSON, written differently for one cause.
        (Fault::BodyTextByCause, Cause::Revoked) => serde_json::to_string_pretty(&body).unwrap(),
        _ => body.to_string(),
    };
    super::negotiate::negotiated(
        fault,
        req,
        Outgoing {
            status,
            headers,
            body: body.into_bytes(),
        },
    )
}
