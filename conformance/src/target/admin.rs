//! The admin plane ("Account → API Keys"): minting and revoking keys over HTTPS, for the
//! embedded default's keys and the key lifecycle cases (KEY-3, KEY-4, KEY-5, KEY-6).

use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::Error;
use crate::redact::register_secret;
use crate::target::Key;
use crate::target::Target;
use crate::wire::tls::Trust;
use crate::wire::{Client, ClientOptions, Reply, Request, Response, Text};

/// An admin-plane call that did not do what the runner needs.
#[derive(Debug, thiserror::Error)]
#[error("{request}: {problem}")]
pub struct AdminError {
    /// The call, as `METHOD URL`.
    pub request: String,
    /// What went wrong.
    #[source]
    pub problem: AdminProblem,
}

/// What went wrong with an admin-plane call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdminProblem {
    /// Another status than the one the call expects, or no response.
    #[error("expected {expected}, got {got}")]
    Status {
        /// The status the call expects.
        expected: u16,
        /// What came back.
        got: String,
    },
    /// The answer is not JSON.
    #[error("answer is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// A member the runner needs is missing from the answer.
    #[error("no {0:?} in the answer")]
    Missing(&'static str),
}

/// A key the admin plane minted: its id and the key.
#[derive(Debug, Clone)]
pub struct Minted {
    /// The admin plane's id for it.
    pub id: String,
    /// The key.
    pub key: Key,
}

/// A client of the admin plane.
pub struct AdminPlane {
    client: Client,
    token: String,
    url: String,
    counter: AtomicU32,
}

impl AdminPlane {
    /// Connects to the admin plane at `url` with `token`.
    pub async fn connect(
        url: &str,
        token: &str,
        trust: &Trust,
        options: &ClientOptions,
    ) -> Result<Self, Error> {
        register_secret(token);
        let target = Target::parse(url).map_err(|e| Error::Usage(format!("admin plane: {e}")))?;
        let client = target.connect(trust, options).await?;
        Ok(Self {
            client,
            token: token.to_owned(),
            url: url.to_owned(),
            counter: AtomicU32::new(0),
        })
    }

    fn request(&self, method: &str, path: &str) -> Request {
        Request::new(method, path)
            .exact()
            .authorization(Text::plain("Bearer ").then(Text::secret(&self.token, "<admin token>")))
    }

    async fn call(
        &self,
        request: Request,
        expected: u16,
    ) -> Result<(String, serde_json::Value), AdminError> {
        let shown = format!("{} {}{}", request.method, self.url, request.target.shown());
        let problem = match self.client.send(&request).await {
            Reply::Response(Response { status, body, .. }) if status == expected => {
                match serde_json::from_slice(&body) {
                    Ok(json) => return Ok((shown, json)),
                    Err(e) => AdminProblem::NotJson(e),
                }
            }
            other => AdminProblem::Status {
                expected,
                got: other.describe(),
            },
        };
        Err(AdminError {
            request: shown,
            problem,
        })
    }

    /// Mints a key named `name` and shows it as `<label>`.
    pub async fn mint(&self, label: &str) -> Result<Minted, AdminError> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let body =
            serde_json::json!({ "name": format!("terminus-conformance {label} {n}") }).to_string();
        let (shown, created) = self
            .call(
                self.request("POST", "/v1/keys")
                    .body("application/json", body),
                201,
            )
            .await?;
        let member = |name: &'static str| {
            created
                .get(name)
                .and_then(|v| v.as_str())
                .ok_or_else(|| AdminError {
                    request: shown.clone(),
                    problem: AdminProblem::Missing(name),
                })
        };
        let (key, id) = (member("key")?, member("id")?);
        Ok(Minted {
            id: id.to_owned(),
            key: Key::new(key, label),
        })
    }

    /// Revokes the key with `id`.
    pub async fn revoke(&self, id: &str) -> Result<(), AdminError> {
        self.call(self.request("DELETE", &format!("/v1/keys/{id}")), 200)
            .await
            .map(drop)
    }

    /// The raw answers of `GET /v1/keys` and `GET /v1/keys/{id}` (KEY-6 checks they never
    /// hold the key).
    pub async fn listings(&self, id: &str) -> Vec<(String, Reply)> {
        let mut out = Vec::new();
        for path in ["/v1/keys".to_owned(), format!("/v1/keys/{id}")] {
            let reply = self.client.send(&self.request("GET", &path)).await;
            out.push((format!("GET {}{path}", self.url), reply));
        }
        out
    }
}
