//! The query axis (RFC 3986 §3.4): an empty query, a query of any name, repeated keys, odd
//! bytes in it, and the `_method` parameter frameworks read as a method override. The query is
//! not part of what routes a request, so none of these may make a route out of an
//! authenticated one. Appended to the target as the path axis left it.

use super::{Axis, Permits, Source, Value};
use crate::wire::Text;

/// Every value of the query axis: (label, class, where it comes from, the query after `?`).
const ROWS: [(&str, &str, Source, &str); 10] = [
    ("?", "query string", Source::Rfc(3986, "3.4"), ""),
    ("?x=1", "query string", Source::Rfc(3986, "3.4"), "x=1"),
    (
        "?public=true",
        "query string",
        Source::Rfc(3986, "3.4"),
        "public=true",
    ),
    ("?x", "query string", Source::Rfc(3986, "3.4"), "x"),
    (
        "?x=1&x=2 (repeated key)",
        "query string",
        Source::Practice("repeated keys: first, last or list, by framework"),
        "x=1&x=2",
    ),
    ("?x=%00", "query bytes", Source::Rfc(3986, "2.1"), "x=%00"),
    (
        "?x=%zz (invalid percent-encoding)",
        "query bytes",
        Source::Rfc(3986, "2.1"),
        "x=%zz",
    ),
    ("?x=/../", "query bytes", Source::Rfc(3986, "3.4"), "x=/../"),
    (
        "?_method=OPTIONS",
        "method override",
        Source::Practice("Rails, Laravel, Symfony: `_method` overrides the method"),
        "_method=OPTIONS",
    ),
    (
        "?_method=HEAD",
        "method override",
        Source::Practice("Rails, Laravel, Symfony: `_method` overrides the method"),
        "_method=HEAD",
    ),
];

/// Every value of the query axis.
pub fn values() -> Vec<Value> {
    ROWS.iter()
        .map(|&(label, class, source, query)| {
            Value::new(Axis::Query, label, class, source, move |mut r, _| {
                let mut target = r.target.bytes().to_vec();
                target.push(if target.contains(&b'?') { b'&' } else { b'?' });
                target.extend_from_slice(query.as_bytes());
                if query.is_empty() && target.ends_with(b"&") {
                    return None;
                }
                r.target = Text::plain(target);
                Some(r)
            })
            .permitting(Permits::MALFORMED)
        })
        .collect()
}
