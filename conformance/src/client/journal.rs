//! The mock's request journal, as the runner reads it: JSON entries (`schemas/journal-entry.schema.json`)
//! turned into [`Seen`], the runner's own type. The runner reads the journal's JSON, not the mock's
//! Rust types: the two crates stay independent readings of SPEC.md, sharing `schemas/`.

use std::time::Duration;

use serde_json::Value;

/// Which listener a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    /// The Public API's port: the origin the client was configured for, and the other
    /// origins that share its port (another host name; `http://` on the same port).
    Public,
    /// The second origin, TLS (another port, another host name).
    RedirectTls,
    /// The second origin, plain HTTP.
    RedirectPlain,
}

/// One request the mock saw, credentials already described by the mock (never the key).
#[derive(Debug, Clone)]
pub struct Seen {
    /// Position in the journal.
    pub seq: u64,
    /// When it arrived, from the start of the scenario.
    pub at: Duration,
    /// How long the mock took to answer the head.
    pub latency: Duration,
    /// Which listener.
    pub listener: Listener,
    /// Whether it came over TLS.
    pub tls: bool,
    /// The host and port it named (HTTP/2's `:authority`, else `Host`); empty when none.
    pub authority: String,
    /// `HTTP/1.1`, `HTTP/2`…
    pub protocol: String,
    /// The method.
    pub method: String,
    /// The path, with any key described.
    pub path: String,
    /// The query as the mock shows it: `name` per parameter, `name=<valid key "x">` where the
    /// value held a key (values are never shown otherwise); empty when none.
    pub query: String,
    /// Every header, in order, credentials described.
    pub headers: Vec<(String, String)>,
    /// The status the mock answered.
    pub status: u16,
}

impl Seen {
    /// Reads one journal entry; `epoch` is the scenario's start as a Unix time in microseconds.
    pub fn from_json(entry: &Value, epoch_us: i128) -> Option<Seen> {
        let text = |name: &str| entry.get(name).and_then(Value::as_str).unwrap_or_default();
        let time_us = entry
            .get("time_us")
            .and_then(Value::as_i64)
            .map(i128::from)
            .or_else(|| parse_rfc3339_us(text("time")))?;
        let listener = match (text("listener"), entry.get("tls").and_then(Value::as_bool)) {
            ("public", _) | ("", _) => Listener::Public,
            (_, Some(false)) => Listener::RedirectPlain,
            _ => Listener::RedirectTls,
        };
        let headers: Vec<(String, String)> = entry
            .get("headers")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|h| match h {
                        Value::Array(pair) if pair.len() == 2 => {
                            Some((pair[0].as_str()?.to_owned(), pair[1].as_str()?.to_owned()))
                        }
                        Value::Object(o) => Some((
                            o.get("name")?.as_str()?.to_owned(),
                            o.get("value")?.as_str()?.to_owned(),
                        )),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Seen {
            seq: entry.get("seq").and_then(Value::as_u64).unwrap_or_default(),
            at: Duration::from_micros((time_us - epoch_us).max(0) as u64),
            latency: Duration::from_micros(
                entry
                    .get("latency_us")
                    .and_then(Value::as_u64)
                    .unwrap_or_default(),
            ),
            listener,
            tls: entry.get("tls").and_then(Value::as_bool).unwrap_or(true),
            authority: match text("authority") {
                "" => headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("host"))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
                named => named.to_owned(),
            },
            protocol: text("protocol").to_owned(),
            method: text("method").to_owned(),
            path: text("path").to_owned(),
            query: query_text(entry.get("query")),
            headers,
            status: entry
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or_default(),
        })
    }

    /// The origin the request reached, as the client named it: `https://127.0.0.1:8443`.
    pub fn origin(&self) -> String {
        format!(
            "{}://{}",
            if self.tls { "https" } else { "http" },
            if self.authority.is_empty() {
                "(no host named)"
            } else {
                &self.authority
            }
        )
    }

    /// The host the request named, without the port, in lower case (`127.0.0.1`, `localhost`,
    /// `::1`); empty when it named none.
    pub fn host(&self) -> String {
        host_of(&self.authority)
    }

    /// Every `Authorization` field's value, in order.
    pub fn authorizations(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// True when `description` (e.g. `<valid key "grading">`) appears anywhere in the request.
    pub fn mentions(&self, description: &str) -> bool {
        self.path.contains(description)
            || self.query.contains(description)
            || self.headers.iter().any(|(_, v)| v.contains(description))
    }

    /// Where the key described by `description` travelled: the path, the query, and each header
    /// by name (`Authorization` too when `with_authorization`).
    pub fn places(&self, description: &str, with_authorization: bool) -> Vec<String> {
        let mut places: Vec<String> = Vec::new();
        if self.path.contains(description) {
            places.push("the path".into());
        }
        if self.query.contains(description) {
            places.push("the query".into());
        }
        for (name, value) in &self.headers {
            let counted = with_authorization || !name.eq_ignore_ascii_case("authorization");
            if counted && value.contains(description) {
                places.push(format!("the {name} header"));
            }
        }
        places
    }

    /// One line: `GET /v1/account (HTTP/1.1, public) -> 200`, headers after.
    pub fn describe(&self) -> String {
        let listener = match self.listener {
            Listener::Public => "the mock",
            Listener::RedirectTls => "the second origin (TLS)",
            Listener::RedirectPlain => "the second origin (plain HTTP)",
        };
        let listener = format!("{}, {listener}", self.origin());
        let query = if self.query.is_empty() {
            String::new()
        } else {
            format!("?{}", self.query)
        };
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        format!(
            "{} {}{} ({}, to {listener}, at {:.3} s) -> {}; headers: {}",
            self.method,
            self.path,
            query,
            self.protocol,
            self.at.as_secs_f64(),
            self.status,
            headers.join(" | ")
        )
    }
}

/// The host of an authority (`host:port`, `[v6]:port`, `host`), without the port, in lower
/// case.
fn host_of(authority: &str) -> String {
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => authority,
        },
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// The journal's `query` (`[{"name":"a"},{"name":"api_key","key":"<valid key \"x\">"}]`) as
/// text: `a&api_key=<valid key "x">`.
fn query_text(query: Option<&Value>) -> String {
    query
        .and_then(Value::as_array)
        .map(|params| {
            params
                .iter()
                .filter_map(|p| {
                    let name = p.get("name")?.as_str()?;
                    Some(match p.get("key").and_then(Value::as_str) {
                        Some(key) => format!("{name}={key}"),
                        None => name.to_owned(),
                    })
                })
                .collect::<Vec<_>>()
                .join("&")
        })
        .unwrap_or_default()
}

/// Parses `2026-11-28T19:40:00.123456Z` (UTC, as the mock writes it) into Unix microseconds.
pub fn parse_rfc3339_us(text: &str) -> Option<i128> {
    let (date, time) = text.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let time = time
        .strip_suffix('Z')
        .or_else(|| time.strip_suffix("+00:00"))?;
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut t = hms.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, min, s) = (t.next()??, t.next()??, t.next()??);
    let micros: i64 = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().take(6).collect();
        digits.parse::<i64>().ok()? * 10_i64.pow(6 - digits.len() as u32)
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(i128::from(((days * 24 + h) * 60 + min) * 60 + s) * 1_000_000 + i128::from(micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_of_an_authority_is_without_port_or_user() {
        assert_eq!(host_of("127.0.0.1:8443"), "127.0.0.1");
        assert_eq!(host_of("LocalHost:1"), "localhost");
        assert_eq!(host_of("localhost."), "localhost");
        assert_eq!(host_of("[::1]:8443"), "::1");
        assert_eq!(host_of("u:p@example.test:80"), "example.test");
        assert_eq!(host_of(""), "");
    }

    #[test]
    fn rfc3339_times_are_read_to_the_microsecond() {
        assert_eq!(parse_rfc3339_us("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_us("2026-11-28T19:40:00.5Z"),
            Some(1_795_894_800_500_000)
        );
        assert_eq!(
            parse_rfc3339_us("2000-03-01T00:00:01.000001Z"),
            Some(951_868_801_000_001)
        );
        assert_eq!(parse_rfc3339_us("yesterday"), None);
    }
}
