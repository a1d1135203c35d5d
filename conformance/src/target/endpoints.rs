//! The documented endpoints to probe: `--endpoint "METHOD /path"`, `--routes FILE` (the
//! fixture format), `--openapi FILE` (OpenAPI 3 paths and methods, YAML or JSON), or by
//! default the bundled `contract/fixtures/routes.json`.

use std::path::Path;

use crate::error::Error;

/// The bundled routes fixture (`contract/fixtures/routes.json`, shared with the mock).
pub const BUNDLED_ROUTES: &str = terminus_contract::fixtures::ROUTES;

/// The value put in place of every `{param}` of a path template: harmless on a real
/// deployment (no such object), so OK-1's `DELETE` deletes nothing.
pub const SAMPLE_PARAM: &str = "conformance-probe-0";

/// One documented endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Upper-case method.
    pub method: String,
    /// The path template, e.g. `/v1/projects/{id}`.
    pub template: String,
}

impl Endpoint {
    /// The path with every `{param}` replaced by [`SAMPLE_PARAM`].
    pub fn path(&self) -> String {
        concrete_path(&self.template)
    }

    /// `get_v1_projects_id`: a stable part of a trial name.
    pub fn slug(&self) -> String {
        format!(
            "{}_{}",
            self.method.to_ascii_lowercase(),
            path_slug(&self.template)
        )
    }

    /// `GET /v1/projects/{id}`.
    pub fn display(&self) -> String {
        format!("{} {}", self.method, self.template)
    }
}

/// A path template with every `{param}` replaced by [`SAMPLE_PARAM`].
pub fn concrete_path(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push_str(SAMPLE_PARAM);
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `/v1/projects/{id}` → `v1_projects_id`; `/` → `root`.
pub fn path_slug(template: &str) -> String {
    let slug: String = template
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let slug = slug
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if slug.is_empty() {
        "root".into()
    } else {
        slug
    }
}

/// The distinct path templates, in first-seen order.
pub fn distinct_paths(endpoints: &[Endpoint]) -> Vec<String> {
    let mut paths: Vec<String> = Vec::new();
    for e in endpoints {
        if !paths.contains(&e.template) {
            paths.push(e.template.clone());
        }
    }
    paths
}

/// Parses `METHOD /path`.
pub fn parse_endpoint_flag(text: &str) -> Result<Endpoint, Error> {
    let mut parts = text.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(path), None)
            if path.starts_with('/') && method.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            Ok(Endpoint {
                method: method.to_ascii_uppercase(),
                template: path.to_owned(),
            })
        }
        _ => Err(Error::Usage(format!(
            "--endpoint {text:?}: expected \"METHOD /path\", e.g. \"GET /v1/account\""
        ))),
    }
}

/// Parses a routes file (`{"routes":[{"method","path",…}]}`).
pub fn parse_routes(text: &str, path: &Path) -> Result<Vec<Endpoint>, Error> {
    let invalid = |reason: String| Error::Invalid {
        flag: "--routes",
        path: path.to_owned(),
        reason,
    };
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let routes = doc
        .get("routes")
        .and_then(|r| r.as_array())
        .ok_or_else(|| invalid("no \"routes\" array".into()))?;
    routes
        .iter()
        .enumerate()
        .map(|(i, route)| {
            let field = |name: &str| {
                route
                    .get(name)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| invalid(format!("routes[{i}] has no string \"{name}\"")))
            };
            let template = field("path")?;
            if !template.starts_with('/') {
                return Err(invalid(format!("routes[{i}].path must begin with /")));
            }
            Ok(Endpoint {
                method: field("method")?.to_ascii_uppercase(),
                template,
            })
        })
        .collect()
}

/// Parses an OpenAPI 3 document (YAML or JSON): every operation under `paths`.
pub fn parse_openapi(text: &str, path: &Path) -> Result<Vec<Endpoint>, Error> {
    let invalid = |reason: String| Error::Invalid {
        flag: "--openapi",
        path: path.to_owned(),
        reason,
    };
    let doc: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?
    } else {
        serde_norway::from_str(text).map_err(|e| invalid(format!("not YAML: {e}")))?
    };
    let version = doc.get("openapi").and_then(|v| v.as_str()).unwrap_or("");
    if !version.starts_with('3') {
        return Err(invalid(format!(
            "not an OpenAPI 3 document (openapi: {version:?})"
        )));
    }
    let paths = doc
        .get("paths")
        .and_then(|p| p.as_object())
        .ok_or_else(|| invalid("no \"paths\" object".into()))?;
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut endpoints = Vec::new();
    for (template, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in METHODS {
            if item.contains_key(method) {
                endpoints.push(Endpoint {
                    method: method.to_ascii_uppercase(),
                    template: template.clone(),
                });
            }
        }
    }
    if endpoints.is_empty() {
        return Err(invalid("no operations under \"paths\"".into()));
    }
    Ok(endpoints)
}

/// Reads the endpoints the flags name, or the bundled routes when none does.
pub fn load(
    flags: &[String],
    routes: Option<&Path>,
    openapi: Option<&Path>,
) -> Result<Vec<Endpoint>, Error> {
    let read = |flag: &'static str, path: &Path| {
        std::fs::read_to_string(path).map_err(|source| Error::Read {
            flag,
            path: path.to_owned(),
            source,
        })
    };
    let mut endpoints = Vec::new();
    for flag in flags {
        endpoints.push(parse_endpoint_flag(flag)?);
    }
    if let Some(path) = routes {
        endpoints.extend(parse_routes(&read("--routes", path)?, path)?);
    }
    if let Some(path) = openapi {
        endpoints.extend(parse_openapi(&read("--openapi", path)?, path)?);
    }
    if flags.is_empty() && routes.is_none() && openapi.is_none() {
        endpoints = parse_routes(BUNDLED_ROUTES, Path::new("contract/fixtures/routes.json"))?;
    }
    let mut unique: Vec<Endpoint> = Vec::new();
    for e in endpoints {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    Ok(unique)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_become_paths_and_slugs() {
        let e = Endpoint {
            method: "DELETE".into(),
            template: "/v1/projects/{id}".into(),
        };
        assert_eq!(e.path(), "/v1/projects/conformance-probe-0");
        assert_eq!(e.slug(), "delete_v1_projects_id");
        assert_eq!(path_slug("/"), "root");
    }

    #[test]
    fn bundled_routes_parse() {
        let e = load(&[], None, None).unwrap();
        assert_eq!(e.len(), 5);
        assert_eq!(e[0].display(), "GET /v1/account");
    }

    #[test]
    fn openapi_yaml_parses() {
        let doc = "openapi: 3.0.3\npaths:\n  /v1/account:\n    get: {}\n  /v1/projects/{id}:\n    parameters: []\n    get: {}\n    delete: {}\n";
        let e = parse_openapi(doc, Path::new("x.yaml")).unwrap();
        let shown: Vec<_> = e.iter().map(Endpoint::display).collect();
        assert_eq!(
            shown,
            [
                "GET /v1/account",
                "GET /v1/projects/{id}",
                "DELETE /v1/projects/{id}"
            ]
        );
    }
}
