//! The filters of `GET /v1/requests`, from its query string: `method`, `path` (exact, or a
//! template with `{param}` segments), `status` (`401` or a class, `4xx`), `since` (a sequence
//! number: the entries after it; or an RFC 3339 UTC time: the entries at or after it),
//! `key_id`, `key_name`, `listener`, `matched` (`false`: the requests no route or fault had an
//! answer for). Every filter given must match. `GET /v1/requests/count` takes the same. A bad value is refused with
//! the parameter's name and what it takes.

use std::time::SystemTime;

use super::{JournalEntry, Listener};
use crate::redact::redact;

/// The parameters `GET /v1/requests` takes, for messages.
const PARAMETERS: &str = "method, path, status, since, key_id, key_name, listener, matched";

/// A filter parameter that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterError {
    /// The parameter, as given (redacted).
    pub(crate) parameter: String,
    /// What is wrong with it, and what it takes.
    pub(crate) reason: String,
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bad filter `{}`: {}", self.parameter, self.reason)
    }
}

/// What `GET /v1/requests` keeps of the journal.
#[derive(Debug, Default)]
pub(crate) struct RequestFilter {
    method: Option<String>,
    path: Option<PathPattern>,
    status: Option<StatusMatch>,
    since: Option<Since>,
    key_id: Option<String>,
    key_name: Option<String>,
    listener: Option<Listener>,
    matched: Option<bool>,
}

#[derive(Debug)]
enum StatusMatch {
    Exact(u16),
    /// `4xx`: the hundreds digit.
    Class(u16),
}

#[derive(Debug)]
enum Since {
    /// Entries whose sequence number is greater.
    Seq(u64),
    /// Entries received at or after.
    Time(SystemTime),
}

/// `/v1/projects/{id}`: literal segments, and `{…}` segments matching any one non-empty
/// segment.
#[derive(Debug)]
struct PathPattern(Vec<Option<String>>);

impl PathPattern {
    fn parse(text: &str) -> Result<Self, String> {
        if !text.starts_with('/') {
            return Err(format!(
                "{:?} is not a path: it starts with `/` (`/v1/account`, `/v1/projects/{{id}}`)",
                redact(text)
            ));
        }
        if text.contains(['?', '#']) {
            return Err("give the path without a query; entries' paths have none".into());
        }
        let segments = text[1..]
            .split('/')
            .map(|segment| {
                let template =
                    segment.len() > 2 && segment.starts_with('{') && segment.ends_with('}');
                (!template).then(|| segment.to_owned())
            })
            .collect();
        Ok(Self(segments))
    }

    fn matches(&self, path: &str) -> bool {
        let Some(rest) = path.strip_prefix('/') else {
            return false;
        };
        let mut parts = rest.split('/');
        for segment in &self.0 {
            match (segment, parts.next()) {
                (_, None) => return false,
                (Some(literal), Some(part)) if literal != part => return false,
                (None, Some("")) => return false,
                _ => {}
            }
        }
        parts.next().is_none()
    }
}

impl RequestFilter {
    /// Reads the filters from a query string (`None`: no filter).
    pub(crate) fn parse(query: Option<&str>) -> Result<Self, FilterError> {
        let mut filter = RequestFilter::default();
        let mut seen: Vec<String> = Vec::new();
        for pair in query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let fail = |name: &str, reason: String| FilterError {
                parameter: redact(name),
                reason,
            };
            let name = percent_decode(raw_name).ok_or_else(|| {
                fail(
                    raw_name,
                    "its name is not valid percent-encoded UTF-8".into(),
                )
            })?;
            let value = percent_decode(raw_value).ok_or_else(|| {
                fail(&name, "its value is not valid percent-encoded UTF-8".into())
            })?;
            if !matches!(
                name.as_str(),
                "method"
                    | "path"
                    | "status"
                    | "since"
                    | "key_id"
                    | "key_name"
                    | "listener"
                    | "matched"
            ) {
                return Err(fail(
                    &name,
                    format!("no such filter; the filters are {PARAMETERS}"),
                ));
            }
            if seen.contains(&name) {
                return Err(fail(&name, "given twice; give each filter once".into()));
            }
            if value.is_empty() {
                return Err(fail(
                    &name,
                    "empty; give a value or leave the filter out".into(),
                ));
            }
            let bad = |reason: String| fail(&name, reason);
            match name.as_str() {
                "method" => filter.method = Some(value),
                "path" => filter.path = Some(PathPattern::parse(&value).map_err(bad)?),
                "status" => filter.status = Some(parse_status(&value).map_err(bad)?),
                "since" => filter.since = Some(parse_since(&value).map_err(bad)?),
                "key_id" => filter.key_id = Some(value),
                "key_name" => filter.key_name = Some(value),
                "matched" => {
                    filter.matched = Some(match value.as_str() {
                        "true" => true,
                        "false" => false,
                        other => {
                            return Err(bad(format!(
                                "{:?} is not a boolean; it is `true` or `false`",
                                redact(other)
                            )))
                        }
                    })
                }
                _ => {
                    filter.listener = Some(match value.as_str() {
                        "public" => Listener::Public,
                        "redirect" => Listener::Redirect,
                        other => {
                            return Err(bad(format!(
                                "{:?} is not a listener; it is `public` or `redirect`",
                                redact(other)
                            )))
                        }
                    })
                }
            }
            seen.push(name);
        }
        Ok(filter)
    }

    /// Whether `entry` passes every filter given.
    pub(crate) fn matches(&self, entry: &JournalEntry) -> bool {
        self.method.as_ref().is_none_or(|m| *m == entry.method)
            && self.path.as_ref().is_none_or(|p| p.matches(&entry.path))
            && self.status.as_ref().is_none_or(|s| match s {
                StatusMatch::Exact(code) => entry.status == *code,
                StatusMatch::Class(class) => entry.status / 100 == *class,
            })
            && self.since.as_ref().is_none_or(|s| match s {
                Since::Seq(seq) => entry.seq > *seq,
                Since::Time(time) => entry.time >= *time,
            })
            && self
                .key_id
                .as_ref()
                .is_none_or(|id| entry.key.id() == Some(id.as_str()))
            && self
                .key_name
                .as_ref()
                .is_none_or(|name| entry.key.name() == Some(name.as_str()))
            && self.listener.is_none_or(|l| l == entry.listener)
            && self.matched.is_none_or(|m| m == entry.matched)
    }

    /// Only the requests no route or fault had an answer for (`GET /v1/requests/unmatched`).
    pub(crate) fn unmatched(mut self) -> Self {
        self.matched = Some(false);
        self
    }
}

fn parse_status(value: &str) -> Result<StatusMatch, String> {
    let wrong = || {
        format!(
            "{:?} is not a status; give a code from 100 to 599 (`401`) or a class (`4xx`)",
            redact(value)
        )
    };
    if let Some(class) = value
        .strip_suffix("xx")
        .or_else(|| value.strip_suffix("XX"))
    {
        return match class.as_bytes() {
            [digit @ b'1'..=b'5'] => Ok(StatusMatch::Class(u16::from(digit - b'0'))),
            _ => Err(wrong()),
        };
    }
    match value.parse::<u16>() {
        Ok(code @ 100..=599) if value.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(StatusMatch::Exact(code))
        }
        _ => Err(wrong()),
    }
}

fn parse_since(value: &str) -> Result<Since, String> {
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return value
            .parse()
            .map(Since::Seq)
            .map_err(|_| format!("{:?} is too large for a sequence number", redact(value)));
    }
    humantime::parse_rfc3339_weak(value)
        .map(Since::Time)
        .map_err(|_| {
            format!(
                "{:?} is neither a sequence number (the entries after it) nor an RFC 3339 time in UTC such as 2025-01-31T12:00:00Z (the entries at or after it)",
                redact(value)
            )
        })
}

/// `%XX` decoded (`+` is kept as it is); `None` for a bad escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(query: &str) -> FilterError {
        RequestFilter::parse(Some(query)).unwrap_err()
    }

    #[test]
    fn bad_values_name_their_parameter() {
        for (query, parameter) in [
            ("status=abc", "status"),
            ("status=600", "status"),
            ("status=6xx", "status"),
            ("status=+401", "status"),
            ("since=yesterday", "since"),
            ("path=v1/account", "path"),
            ("path=/v1/account?x=1", "path"),
            ("listener=admin", "listener"),
            ("matched=no", "matched"),
            ("method=", "method"),
            ("status=401&status=404", "status"),
            ("colour=red", "colour"),
            ("key_id=%zz", "key_id"),
        ] {
            assert_eq!(error(query).parameter, parameter, "{query}");
        }
        assert!(error("colour=red").reason.contains("method, path, status"));
    }

    #[test]
    fn path_templates_match_one_segment_each() {
        let pattern = PathPattern::parse("/v1/projects/{id}").unwrap();
        assert!(pattern.matches("/v1/projects/prj_42"));
        assert!(!pattern.matches("/v1/projects/"));
        assert!(!pattern.matches("/v1/projects/prj_42/members"));
        assert!(!pattern.matches("/v1/projects"));
        let exact = PathPattern::parse("/v1/account").unwrap();
        assert!(exact.matches("/v1/account"));
        assert!(!exact.matches("/v1/account/"));
    }

    #[test]
    fn values_are_percent_decoded() {
        let filter =
            RequestFilter::parse(Some("path=%2Fv1%2Fprojects%2F%7Bid%7D&status=4xx")).unwrap();
        assert!(filter.path.unwrap().matches("/v1/projects/p1"));
        assert!(matches!(filter.status, Some(StatusMatch::Class(4))));
        assert!(matches!(
            RequestFilter::parse(Some("since=2025-01-31T12:00:00Z"))
                .unwrap()
                .since,
            Some(Since::Time(_))
        ));
    }
}
