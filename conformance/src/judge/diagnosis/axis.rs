//! The axes along which the requests of one finding differ, found by comparing the
//! requests themselves: the method, the path, the query, the request-target's form, the
//! protocol, the `Host` field's presence, the `Authorization` value's form, each other header
//! field (its value, or its absence) and the body. An axis with one value across the group is
//! what the requests share; the ones with several are what the finding's answer does not
//! depend on — the axis that triggers it.

use std::collections::BTreeSet;

use crate::judge::exchange::Asked;

/// Values shown per axis; the rest are counted.
const VALUES_SHOWN: usize = 4;

/// One axis and the distinct values the requests took on it, in the order first seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    /// `method`, `path`, `query`, `target form`, `protocol`, `Host field`, `Authorization`,
    /// `body`, or a header field's name.
    pub name: String,
    /// The values, `absent` for a field a request did not carry.
    pub values: Vec<String>,
}

impl Axis {
    /// `method (PUT, PATCH, DELETE, … 9 values)`.
    pub fn describe(&self) -> String {
        let shown: Vec<&str> = self
            .values
            .iter()
            .take(VALUES_SHOWN)
            .map(String::as_str)
            .collect();
        if self.values.len() > VALUES_SHOWN {
            format!(
                "{} ({}, … {} values)",
                self.name,
                shown.join(", "),
                self.values.len()
            )
        } else {
            format!("{} ({})", self.name, shown.join(", "))
        }
    }

    /// True for the protocol axis: a finding seen over both protocols shows it as a fact,
    /// not as its trigger.
    pub fn is_protocol(&self) -> bool {
        self.name == "protocol"
    }
}

/// The request's value on each axis, header fields last (names as first seen).
fn values(asked: &Asked, fields: &[String]) -> Vec<(String, String)> {
    let mut out = vec![
        ("method".to_owned(), asked.method.clone()),
        ("path".to_owned(), asked.path().to_owned()),
        (
            "query".to_owned(),
            asked
                .query()
                .map_or_else(|| "none".to_owned(), |q| format!("?{q}")),
        ),
        ("target form".to_owned(), asked.form.as_str().to_owned()),
        ("protocol".to_owned(), asked.protocol.to_owned()),
        (
            "Host field".to_owned(),
            if asked.without_host { "absent" } else { "sent" }.to_owned(),
        ),
        (
            "Authorization".to_owned(),
            asked
                .field("authorization")
                .unwrap_or_else(|| "absent".to_owned()),
        ),
        (
            "body".to_owned(),
            asked.body.clone().unwrap_or_else(|| "none".to_owned()),
        ),
    ];
    for name in fields {
        out.push((
            name.clone(),
            asked.field(name).unwrap_or_else(|| "absent".to_owned()),
        ));
    }
    out
}

/// Every axis along which `requests` differ, the one with the most values first (the
/// protocol last: it is a fact about where the finding shows, rarely its trigger).
pub fn varying(requests: &[&Asked]) -> Vec<Axis> {
    let mut fields: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for asked in requests {
        for (name, _) in &asked.fields {
            if !name.eq_ignore_ascii_case("authorization") && seen.insert(name.to_ascii_lowercase())
            {
                fields.push(name.clone());
            }
        }
    }
    let mut axes: Vec<Axis> = Vec::new();
    for asked in requests {
        for (i, (name, value)) in values(asked, &fields).into_iter().enumerate() {
            if axes.len() <= i {
                axes.push(Axis {
                    name,
                    values: Vec::new(),
                });
            }
            let value = if value.is_empty() {
                "(empty)".to_owned()
            } else {
                value
            };
            if !axes[i].values.contains(&value) {
                axes[i].values.push(value);
            }
        }
    }
    let mut axes: Vec<(usize, Axis)> = axes
        .into_iter()
        .enumerate()
        .filter(|(_, a)| a.values.len() > 1)
        .collect();
    axes.sort_by_key(|(i, a)| (a.is_protocol(), std::cmp::Reverse(a.values.len()), *i));
    axes.into_iter().map(|(_, a)| a).collect()
}

/// The axes as one phrase: `varies in method (…) and X-HTTP-Method-Override (…)`, the
/// protocols as `over HTTP/1.1 and HTTP/2`; `one request` for a group of one.
pub fn describe(axes: &[Axis], requests: usize) -> String {
    if requests == 1 {
        return "one request".to_owned();
    }
    let (protocol, others): (Vec<&Axis>, Vec<&Axis>) = axes.iter().partition(|a| a.is_protocol());
    let mut out = if others.is_empty() {
        format!("{requests} requests that differ in nothing else")
    } else {
        let mut named: Vec<String> = others.iter().take(3).map(|a| a.describe()).collect();
        if others.len() > 3 {
            named.push(format!("{} more fields", others.len() - 3));
        }
        let last = named.pop().unwrap_or_default();
        let list = if named.is_empty() {
            last
        } else {
            format!("{} and {last}", named.join(", "))
        };
        format!("{requests} requests that vary in {list}")
    };
    if let Some(p) = protocol.first() {
        let mut values = p.values.clone();
        let last = values.pop().unwrap_or_default();
        out.push_str(&format!(", over {} and {last}", values.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::exchange::TargetForm;

    fn asked(method: &str, target: &str, protocol: &'static str, fields: &[(&str, &str)]) -> Asked {
        Asked {
            method: method.into(),
            target: target.into(),
            form: TargetForm::Origin,
            protocol,
            exact: false,
            without_host: false,
            fields: fields
                .iter()
                .map(|(n, v)| ((*n).into(), (*v).into()))
                .collect(),
            body: None,
            credential: vec![],
        }
    }

    #[test]
    fn the_axis_is_found_by_comparing_the_requests() {
        let requests = [
            asked("PUT", "/v1/account", "HTTP/1.1", &[]),
            asked("PUT", "/v1/account", "HTTP/2", &[]),
            asked("DELETE", "/v1/account", "HTTP/1.1", &[]),
            asked(
                "POST",
                "/v1/account",
                "HTTP/1.1",
                &[("X-HTTP-Method-Override", "GET")],
            ),
        ];
        let refs: Vec<&Asked> = requests.iter().collect();
        let axes = varying(&refs);
        let names: Vec<&str> = axes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["method", "X-HTTP-Method-Override", "protocol"]);
        assert_eq!(axes[0].values, ["PUT", "DELETE", "POST"]);
        assert_eq!(axes[1].values, ["absent", "GET"]);
        assert_eq!(
            describe(&axes, 4),
            "4 requests that vary in method (PUT, DELETE, POST) and X-HTTP-Method-Override (absent, GET), over HTTP/1.1 and HTTP/2"
        );
    }
}
