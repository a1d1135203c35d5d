//! Whether a fault selects a request: its method (the registered methods read in any case),
//! its path (exact, or a `{param}` template), its headers (names in any case), its query
//! parameters (percent-decoded) and the name of the key it authenticated with. Every member a
//! fault gives must match; the ones it leaves out match anything.

use http::{HeaderMap, Method};

use super::{Fault, ValueMatch};

/// The methods of the IANA registry that every client sends upper-case (RFC 9110 §9): a fault
/// author writing `get` means `GET`.
const REGISTERED: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// An accepted request as a fault sees it.
pub(crate) struct Seen<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    /// The name of the key it authenticated with.
    pub(crate) key_name: Option<&'a str>,
}

/// `get`, `Get` → `GET` for the registered methods; any other token as written (methods are
/// case-sensitive, RFC 9110 §9.1, and an extension method is the author's own spelling).
pub(crate) fn normalise_method(method: &str) -> String {
    REGISTERED
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
        .map_or_else(|| method.to_owned(), |m| (*m).to_owned())
}

impl Fault {
    /// Whether this fault selects `seen`.
    pub(crate) fn matches(&self, seen: &Seen<'_>) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m == seen.method.as_str())
            && path_matches(&self.path, seen.path)
            && self.headers.iter().all(|(name, want)| {
                let mut values = seen.headers.get_all(name.as_str()).iter();
                match want {
                    ValueMatch::Present(present) => values.next().is_some() == *present,
                    ValueMatch::Equals(value) => values.any(|v| v.as_bytes() == value.as_bytes()),
                }
            })
            && (self.query.is_empty() || self.query_matches(seen.query.unwrap_or_default()))
            && self
                .key_name
                .as_deref()
                .is_none_or(|name| seen.key_name == Some(name))
    }

    fn query_matches(&self, query: &str) -> bool {
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (form_decode(name), form_decode(value))
            })
            .collect();
        self.query.iter().all(|(name, want)| {
            let mut values = pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
            match want {
                ValueMatch::Present(present) => values.next().is_some() == *present,
                ValueMatch::Equals(value) => values.any(|v| v == value),
            }
        })
    }
}

/// `/v1/projects/{id}` matches `/v1/projects/prj_1`: a `{…}` segment is any one non-empty
/// segment, the others are literal.
fn path_matches(template: &str, path: &str) -> bool {
    let mut want = template.split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') && !g.is_empty() => {}
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

/// `%XX` decoded and `+` read as a space; an escape that is not one, or bytes that are not
/// UTF-8, are kept as they are (lossily), so such a parameter matches only its own spelling.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen<'a>(
        method: &'a Method,
        target: &'a str,
        headers: &'a HeaderMap,
        key_name: Option<&'a str>,
    ) -> Seen<'a> {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        Seen {
            method,
            path,
            query,
            headers,
            key_name,
        }
    }

    #[test]
    fn templates_match_one_segment_per_parameter() {
        let none = HeaderMap::new();
        let f = Fault::on(Method::GET, "/v1/projects/{id}");
        let get = Method::GET;
        assert!(f.matches(&seen(&get, "/v1/projects/prj_1", &none, None)));
        assert!(!f.matches(&seen(&get, "/v1/projects/", &none, None)));
        assert!(!f.matches(&seen(&get, "/v1/projects/a/b", &none, None)));
        assert!(!f.matches(&seen(&Method::POST, "/v1/projects/prj_1", &none, None)));
        let any = Fault {
            method: None,
            ..Fault::on(Method::GET, "/v1/account")
        };
        assert!(any.matches(&seen(&Method::DELETE, "/v1/account", &none, None)));
    }

    #[test]
    fn headers_match_by_value_presence_and_absence_in_any_case() {
        let mut headers = HeaderMap::new();
        headers.append("x-sdk", "py/1.0".parse().unwrap());
        headers.append("x-sdk", "retry".parse().unwrap());
        let get = Method::GET;
        let at = |f: Fault| f.matches(&seen(&get, "/a", &headers, None));
        let on = || Fault::on(Method::GET, "/a");
        assert!(at(on().header("X-SDK", "retry")));
        assert!(!at(on().header("x-sdk", "Retry")));
        assert!(at(on().header_present("X-Sdk")));
        assert!(!at(on().header_absent("x-sdk")));
        assert!(at(on().header_absent("x-debug")));
        assert!(!at(on().header_present("x-debug")));
    }

    #[test]
    fn query_values_are_decoded_and_key_names_compared() {
        let none = HeaderMap::new();
        let get = Method::GET;
        let target = "/a?q=hello+world&tag=%E2%9C%93&flag&q=2";
        let at = |f: Fault, key: Option<&str>| f.matches(&seen(&get, target, &none, key));
        let on = || Fault::on(Method::GET, "/a");
        assert!(at(on().query("q", "hello world"), None));
        assert!(at(on().query("q", "2"), None));
        assert!(at(on().query("tag", "✓"), None));
        assert!(at(on().query("flag", ""), None));
        assert!(!at(on().query("Q", "2"), None));
        assert!(!at(on().query("missing", ""), None));
        assert!(at(on().key_name("ci"), Some("ci")));
        assert!(!at(on().key_name("ci"), Some("other")));
        assert!(!at(on().key_name("ci"), None));
        assert_eq!(form_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn registered_methods_are_read_in_any_case_others_as_written() {
        assert_eq!(normalise_method("get"), "GET");
        assert_eq!(normalise_method("Patch"), "PATCH");
        assert_eq!(normalise_method("PURGE"), "PURGE");
        assert_eq!(normalise_method("purge"), "purge");
    }
}
