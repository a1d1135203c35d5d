//! The endpoints served after authentication, from a routes fixture
//! (`contract/fixtures/routes.json`): method, path with `{param}` templates, status and canned
//! JSON body.

use std::path::Path;

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};
use serde::Deserialize;

use crate::error::Error;

/// The bundled routes fixture (`contract/fixtures/routes.json`), embedded at compile time.
pub const BUILTIN_ROUTES: &str = terminus_contract::fixtures::ROUTES;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutesFile {
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    routes: Vec<RouteEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteEntry {
    method: String,
    path: String,
    status: u16,
    #[serde(default)]
    body: Option<serde_json::Value>,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

/// One endpoint.
#[derive(Debug, Clone)]
pub struct Route {
    /// The method it answers.
    pub method: Method,
    /// The path template as written, `/v1/projects/{id}`.
    pub path: String,
    segments: Vec<Segment>,
    /// The status it answers with.
    pub status: StatusCode,
    body: Option<serde_json::Value>,
    /// The body serialised once, for routes whose body has no `{param}` to fill in.
    fixed_body: Option<Bytes>,
    /// Response headers the route answers with (`"headers": {"x-request-id": "req_1"}`).
    pub headers: Vec<(http::HeaderName, HeaderValue)>,
}

/// What a request's method and path lead to.
#[derive(Debug)]
pub enum RouteMatch<'a> {
    /// A route; with the parameters taken from the path.
    Found(&'a Route, Vec<(&'a str, &'a str)>),
    /// The path exists, but not with this method; the value for `Allow`.
    WrongMethod(HeaderValue),
    /// No route has this path.
    NotFound,
}

/// All endpoints: what an authenticated request is answered with.
///
/// ```
/// use http::{Method, StatusCode};
/// use terminus_mock::routes::{RouteMatch, RouteTable};
///
/// let table = RouteTable::parse(
///     r#"{"routes": [
///         {"method": "GET", "path": "/v1/widgets/{id}", "status": 200, "body": {"id": "{id}"}},
///         {"method": "DELETE", "path": "/v1/widgets/{id}", "status": 204}
///     ]}"#,
///     "widgets.json",
/// )?;
/// let RouteMatch::Found(route, params) = table.find(&Method::GET, "/v1/widgets/w_7") else {
///     panic!("GET /v1/widgets/w_7 is a route");
/// };
/// assert_eq!(route.status, StatusCode::OK);
/// assert_eq!(route.body(&params), r#"{"id":"w_7"}"#);
/// match table.find(&Method::PUT, "/v1/widgets/w_7") {
///     RouteMatch::WrongMethod(allow) => assert_eq!(allow, "GET, DELETE, HEAD, OPTIONS"),
///     other => panic!("{other:?}"),
/// }
/// assert!(matches!(table.find(&Method::GET, "/v1/widgets/"), RouteMatch::NotFound));
/// # Ok::<(), terminus_mock::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RouteTable {
    routes: Vec<Route>,
}

impl RouteTable {
    /// The bundled `contract/fixtures/routes.json`.
    ///
    /// ```
    /// use http::Method;
    /// use terminus_mock::routes::{RouteMatch, RouteTable};
    ///
    /// let table = RouteTable::builtin();
    /// assert!(matches!(table.find(&Method::GET, "/v1/account"), RouteMatch::Found(..)));
    /// assert!(matches!(table.find(&Method::HEAD, "/v1/account"), RouteMatch::Found(..)));
    /// ```
    pub fn builtin() -> Self {
        Self::parse(BUILTIN_ROUTES, "the built-in routes fixture")
            .expect("the built-in routes fixture is valid (tested)")
    }

    /// Reads a routes file (`--routes FILE`).
    ///
    /// ```
    /// use terminus_mock::{Error, RouteTable};
    ///
    /// let err = RouteTable::from_file("no-such-routes.json".as_ref()).unwrap_err();
    /// assert!(matches!(err, Error::ReadFile { .. }));
    /// assert!(err.to_string().contains("--routes"), "{err}");
    /// ```
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
            what: "routes file (--routes)",
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses the routes format; `origin` names the source in errors.
    ///
    /// ```
    /// use terminus_mock::{Error, RouteTable};
    ///
    /// let err = RouteTable::parse(
    ///     r#"{"routes": [{"method": "GET", "path": "/v1/me", "status": 401}]}"#,
    ///     "mine.json",
    /// )
    /// .unwrap_err();
    /// assert!(matches!(err, Error::InvalidFile { .. }));
    /// assert!(err.to_string().contains("mine.json"), "{err}");
    /// assert!(err.to_string().contains("401 is reserved"), "{err}");
    /// ```
    pub fn parse(text: &str, origin: &str) -> Result<Self, Error> {
        let invalid = Error::invalid_file("routes file", origin);
        let file: RoutesFile = serde_json::from_str(text).map_err(|e| {
            invalid(format!(
                "{e} (expected {{\"routes\": [{{\"method\", \"path\", \"status\", \"body\", \"headers\"}}]}})"
            ))
        })?;
        let mut routes = Vec::with_capacity(file.routes.len());
        for (i, entry) in file.routes.into_iter().enumerate() {
            let at = format!("routes[{i}] ({} {})", entry.method, entry.path);
            let method = Method::from_bytes(entry.method.as_bytes())
                .map_err(|_| invalid(format!("{at}: {:?} is not an HTTP method", entry.method)))?;
            let status = StatusCode::from_u16(entry.status)
                .ok()
                .filter(|s| (200..=599).contains(&s.as_u16()))
                .ok_or_else(|| {
                    invalid(format!(
                        "{at}: status {} is not a final HTTP status (200 to 599)",
                        entry.status
                    ))
                })?;
            if status == StatusCode::UNAUTHORIZED {
                return Err(invalid(format!(
                    "{at}: status 401 is reserved for authentication failures"
                )));
            }
            if !entry.path.starts_with('/') {
                return Err(invalid(format!("{at}: the path must begin with /")));
            }
            let segments = entry.path[1..]
                .split('/')
                .map(
                    |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Segment::Param(name.to_owned()),
                        None => Segment::Literal(s.to_owned()),
                    },
                )
                .collect();
            let mut headers = Vec::with_capacity(entry.headers.len());
            for (name, value) in &entry.headers {
                let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    invalid(format!("{at}: headers: {name:?} is not a header name"))
                })?;
                let value = HeaderValue::from_str(value).map_err(|_| {
                    invalid(format!(
                        "{at}: headers.{name}: {value:?} is not a valid header value"
                    ))
                })?;
                headers.push((name, value));
            }
            let has_params = entry.path.contains('{');
            let body = entry.body.filter(|_| status_has_body(status));
            let fixed_body = match (&body, has_params) {
                (Some(b), false) => Some(Bytes::from(b.to_string())),
                (None, _) => Some(Bytes::new()),
                (Some(_), true) => None,
            };
            routes.push(Route {
                method,
                path: entry.path,
                segments,
                status,
                body,
                fixed_body,
                headers,
            });
        }
        Ok(Self { routes })
    }

    /// Every route, in file order.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Finds the route for a method and a path (without its query). HEAD is answered like GET.
    pub fn find<'a>(&'a self, method: &Method, path: &'a str) -> RouteMatch<'a> {
        let wanted = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        let mut allowed: Vec<&Method> = Vec::new();
        for route in &self.routes {
            let Some(params) = route.matches(path) else {
                continue;
            };
            if route.method == *wanted {
                return RouteMatch::Found(route, params);
            }
            allowed.push(&route.method);
        }
        if allowed.is_empty() {
            return RouteMatch::NotFound;
        }
        if allowed.contains(&&Method::GET) {
            allowed.push(&Method::HEAD);
        }
        allowed.push(&Method::OPTIONS);
        let allow = allowed
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        RouteMatch::WrongMethod(HeaderValue::from_str(&allow).expect("method names are tokens"))
    }
}

impl Route {
    fn matches<'a>(&'a self, path: &'a str) -> Option<Vec<(&'a str, &'a str)>> {
        let rest = path.strip_prefix('/')?;
        let mut params = Vec::new();
        let mut parts = rest.split('/');
        for segment in &self.segments {
            let part = parts.next()?;
            match segment {
                Segment::Literal(lit) if lit == part => {}
                Segment::Literal(_) => return None,
                Segment::Param(_) if part.is_empty() => return None,
                Segment::Param(name) => params.push((name.as_str(), part)),
            }
        }
        parts.next().is_none().then_some(params)
    }

    /// The response body, with `"{param}"` strings filled in from the path.
    pub fn body(&self, params: &[(&str, &str)]) -> Bytes {
        if let Some(fixed) = &self.fixed_body {
            return fixed.clone();
        }
        let mut body = self.body.clone().unwrap_or(serde_json::Value::Null);
        fill(&mut body, params);
        Bytes::from(body.to_string())
    }
}

fn status_has_body(status: StatusCode) -> bool {
    !(status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED)
}

fn fill(value: &mut serde_json::Value, params: &[(&str, &str)]) {
    match value {
        serde_json::Value::String(s) => {
            if let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                if let Some((_, v)) = params.iter().find(|(n, _)| *n == name) {
                    *s = (*v).to_owned();
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| fill(v, params)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| fill(v, params)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_fixture_parses_and_matches() {
        let table = RouteTable::builtin();
        assert!(table.routes().len() >= 5);
        match table.find(&Method::GET, "/v1/projects/prj_7") {
            RouteMatch::Found(route, params) => {
                assert_eq!(route.status, StatusCode::OK);
                let body: serde_json::Value = serde_json::from_slice(&route.body(&params)).unwrap();
                assert_eq!(body["id"], "prj_7");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            table.find(&Method::HEAD, "/v1/account"),
            RouteMatch::Found(..)
        ));
        match table.find(&Method::PUT, "/v1/projects") {
            RouteMatch::WrongMethod(allow) => assert_eq!(allow, "GET, POST, HEAD, OPTIONS"),
            other => panic!("{other:?}"),
        }
        for path in [
            "/v1/projects/",
            "/v1//projects",
            "/V1/projects",
            "/",
            "/v1/projects/a/b",
        ] {
            assert!(
                matches!(table.find(&Method::GET, path), RouteMatch::NotFound),
                "{path}"
            );
        }
    }

    #[test]
    fn bad_files_are_explained() {
        let err = RouteTable::parse(
            r#"{"routes":[{"method":"GET","path":"x","status":200}]}"#,
            "r.json",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("r.json") && err.contains("must begin with /"),
            "{err}"
        );
        let err = RouteTable::parse("{", "r.json").unwrap_err().to_string();
        assert!(err.contains("r.json"), "{err}");
        let err = RouteTable::parse(
            r#"{"routes":[{"method":"GET","path":"/x","status":401}]}"#,
            "r.json",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("401"), "{err}");
    }
}
