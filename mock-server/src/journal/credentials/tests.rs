//! What the journal shows of values: key material replaced, in every form it can take, and
//! everything else as sent.

use super::encodings::base64_encode;
use super::*;
use proptest::prelude::*;

fn store() -> (KeyStore, String, String) {
    let store = KeyStore::new();
    let valid = store.mint("ci").unwrap().key;
    let revoked = store.mint("old").unwrap();
    store.revoke(&revoked.record.id).unwrap();
    (store, valid, revoked.key)
}

#[test]
fn authorization_keeps_the_scheme_and_describes_the_key() {
    let (store, valid, revoked) = store();
    let mut c = Credentials::new(&store);
    let show = |c: &mut Credentials, v: &str| c.authorization(v, true).0;
    assert_eq!(
        show(&mut c, &format!("Bearer {valid}")),
        r#"Bearer <valid key "ci">"#
    );
    assert_eq!(
        show(&mut c, &format!("bearer   {revoked}")),
        r#"bearer   <revoked key "old">"#
    );
    assert_eq!(
        show(&mut c, concat!("Bearer thub_", "neverissued0000000000")),
        "Bearer <unknown thub_ key>"
    );
    assert_eq!(show(&mut c, "Bearer"), "Bearer");
    assert_eq!(show(&mut c, "Bearer "), "Bearer ");
    assert_eq!(
        show(&mut c, "Basic dXNlcjpwYXNzd29yZA=="),
        "Basic <not a key>"
    );
    assert_eq!(show(&mut c, "Bearer 123"), "Bearer <not a key>");
    assert_eq!(
        show(&mut c, &valid),
        r#"<valid key "ci">"#,
        "a key without a scheme"
    );
    assert_eq!(
        show(&mut c, &format!("Bearer{valid}")),
        r#"Bearer<valid key "ci">"#,
        "glued to the scheme"
    );
    assert_eq!(
        show(&mut c, &format!("Bearer {valid}, Bearer {revoked}")),
        r#"Bearer <valid key "ci">, Bearer <revoked key "old">"#
    );
    assert_eq!(
        show(&mut c, &format!("Bearer {valid} extra")),
        r#"Bearer <valid key "ci"> <not a key>"#
    );
    assert_eq!(
        show(&mut c, &format!("Bearer {}", &valid[5..])),
        r#"Bearer <valid key "ci">"#,
        "the secret without its prefix"
    );
    let (_, found) = c.authorization(&format!("Bearer {revoked}"), true);
    assert!(matches!(found, Some(Found::Revoked { name, .. }) if name == "old"));
}

#[test]
fn values_that_are_no_key_material_are_shown_as_sent() {
    let (store, _, _) = store();
    let mut c = Credentials::new(&store);
    for value in [
        "application/json; charset=utf-8",
        "hubsdk-node/0.0.1",
        "python-requests/2.32.3 CPython/3.11.2 Linux/6.1.0",
        "6f1c2a9e-8b3d-4c5e-9f7a-1b2c3d4e6a17",
        "req_abc123",
        "0123456789abcdefghijklmnopqrstuvwxyz",
        "dXNlcjpwYXNzd29yZA==",
        "100%25 sure",
        "",
    ] {
        assert_eq!(c.text(value), value);
    }
}

#[test]
fn a_key_in_basic_credentials_or_any_base64_is_described_as_base64() {
    let (store, valid, revoked) = store();
    let mut c = Credentials::new(&store);
    let token = base64_encode(format!("{valid}:").as_bytes());
    let (shown, _) = c.authorization(&format!("Basic {token}"), false);
    assert_eq!(shown, r#"Basic <valid key "ci" in Base64>"#);
    // Inside another value, URL-safe, without padding, not at the start of what was encoded.
    let wrapped = base64_encode(format!("{{\"user\":\"me\",\"key\":\"{revoked}\"}}").as_bytes())
        .replace('+', "-")
        .replace('/', "_")
        .replace('=', "");
    assert_eq!(
        c.text(&format!("session={wrapped}; theme=dark")),
        r#"session=<revoked key "old" in Base64>; theme=dark"#
    );
    // A piece of the secret alone, Base64-encoded.
    let piece = base64_encode(&valid.as_bytes()[12..26]);
    assert_eq!(c.text(&piece), r#"<valid key "ci" in Base64>"#);
}

#[test]
fn percent_encoded_keys_are_described_where_they_were_sent() {
    let (store, valid, _) = store();
    let mut c = Credentials::new(&store);
    let escaped: String = valid.bytes().map(|b| format!("%{b:02X}")).collect();
    assert_eq!(
        c.text(&format!("a={escaped}&b=1")),
        r#"a=<valid key "ci">&b=1"#
    );
    let underscore = valid.replacen('_', "%5F", 1);
    assert_eq!(
        c.text(&format!("/v1/{underscore}/x")),
        r#"/v1/<valid key "ci">/x"#
    );
}

#[test]
fn keys_anywhere_in_text_are_described() {
    let (store, valid, revoked) = store();
    let mut c = Credentials::new(&store);
    assert_eq!(
        c.text(&format!("my-sdk/1.0 ({valid})")),
        r#"my-sdk/1.0 (<valid key "ci">)"#
    );
    assert_eq!(
        c.text(&format!("session=abc; token={revoked}; theme=dark")),
        r#"session=abc; token=<revoked key "old">; theme=dark"#
    );
    assert_eq!(
        c.text(&format!("/v1/{valid}/x")),
        r#"/v1/<valid key "ci">/x"#
    );
    assert_eq!(
        c.text_and_keys(&valid).1,
        Some(r#"<valid key "ci">"#.into())
    );
    assert_eq!(c.text_and_keys("42"), ("42".to_owned(), None));
    assert_eq!(c.credential(&valid), r#"<valid key "ci">"#);
    assert_eq!(c.credential("secret"), "<not a key>");
    // The secret without its prefix, and any 10 of its characters inside another value.
    assert_eq!(c.text(&valid[5..]), r#"<valid key "ci">"#);
    assert_eq!(
        // Framed by characters no key contains, so the piece cannot grow into its neighbours.
        c.text(&format!("abc-{}-xyz", &valid[20..30])),
        r#"abc-<valid key "ci">-xyz"#
    );
    assert_eq!(
        c.text(&format!("{}.{}", &valid[5..14], &valid[14..23])),
        format!("{}.{}", &valid[5..14], &valid[14..23]),
        "9 characters are no piece"
    );
    // A key glued to more characters is no key, but its pieces are.
    assert_eq!(c.text(&format!("{valid}X")), r#"<valid key "ci">X"#);
    assert_eq!(
        c.text(concat!("x thub_", "Zq8vY2mN4pL7sR1tK9wX3bC6dF0gH5jA y")),
        "x <unknown thub_ key> y"
    );
}

#[test]
fn bodies_are_shown_with_the_key_replaced() {
    let (store, valid, _) = store();
    let mut c = Credentials::new(&store);
    let body = format!("{{\"api_key\":\"{valid}\",\"n\":1}}\u{0}\u{ff}");
    let shown = c.bytes(body.as_bytes());
    assert_eq!(
        shown.as_ref(),
        "{\"api_key\":\"<valid key \"ci\">\",\"n\":1}\u{0}\u{ff}".as_bytes()
    );
    let binary = [&[0xffu8, 0x00][..], &valid.as_bytes()[5..25], &[0x80]].concat();
    let shown = c.bytes(&binary);
    assert_eq!(
        shown.as_ref(),
        [&[0xffu8, 0x00][..], br#"<valid key "ci">"#, &[0x80]].concat()
    );
}

proptest! {
    /// Whatever surrounds a key or 10 or more of its characters, in whatever field, encoded
    /// or not, no 10 consecutive characters of it survive.
    #[test]
    fn no_ten_characters_of_an_issued_key_survive(
        before in "[ -~]{0,24}",
        after in "[ -~]{0,24}",
        start in 0usize..35,
        len in 10usize..46,
        which in 0..2usize,
        encoding in 0..3usize,
    ) {
        let (store, valid, revoked) = store();
        let key = [valid.as_str(), revoked.as_str()][which];
        let end = (start + len).min(key.len());
        let start = start.min(end.saturating_sub(10));
        let piece = &key[start..end];
        let sent = match encoding {
            0 => piece.to_owned(),
            1 => piece.bytes().map(|b| format!("%{b:02X}")).collect(),
            _ => base64_encode(piece.as_bytes()),
        };
        let value = format!("{before}{sent}{after}");
        let mut c = Credentials::new(&store);
        let shown = [
            c.text(&value).into_owned(),
            c.authorization(&value, true).0,
            c.credential(&value),
            String::from_utf8_lossy(&c.bytes(value.as_bytes())).into_owned(),
        ];
        for shown in shown {
            for window in key.as_bytes().windows(10) {
                let window = std::str::from_utf8(window).unwrap();
                prop_assert!(!shown.contains(window), "{window} in {shown}");
            }
            prop_assert!(!shown.contains(&base64_encode(piece.as_bytes())), "{shown}");
        }
    }
}

#[test]
#[ignore = "a measurement"]
fn text_cost() {
    let (store, _, _) = store();
    for value in [
        "127.0.0.1:8443",
        "hubsdk-node/0.0.1 node/20.11.1",
        "application/json",
        "6f1c2a9e-8b3d-4c5e-9f7a-1b2c3d4e6a17",
        "req_abc123",
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
    ] {
        let best = (0..20)
            .map(|_| {
                let started = std::time::Instant::now();
                for _ in 0..2_000 {
                    let mut c = Credentials::new(&store);
                    std::hint::black_box(c.text(value));
                }
                started.elapsed() / 2_000
            })
            .min()
            .unwrap();
        println!("{value}: {best:?}");
    }
}
