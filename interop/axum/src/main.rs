//! The Terminus Hub Public API on axum, authentication as axum's `middleware::from_fn` docs show
//! it: an async fn checking `Authorization: Bearer <key>`, added with `route_layer` (the docs'
//! advice for authorization: it runs only when a route matched). TLS with axum-server's rustls
//! (ring), which offers HTTP/2 and HTTP/1.1.
//!
//!     INTEROP_KEYS=contract/fixtures/keys.json interop-axum 127.0.0.1:8443 cert.pem key.pem

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

/// The active keys of the key store (contract/fixtures/keys.json: public, test-only keys).
type ActiveKeys = Arc<Vec<String>>;

async fn require_key(State(keys): State<ActiveKeys>, req: Request, next: Next) -> Response {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    match token {
        Some(token) if keys.iter().any(|k| k == token) => next.run(req).await,
        _ => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(json!({"error": {"type": "authentication_error", "code": null, "message": "Invalid API key"}})),
        )
            .into_response(),
    }
}

async fn account() -> Json<Value> {
    Json(
        json!({"object": "account", "id": "acct_mock0001", "name": "Terminus Mock Account",
                "email": "sdk-tests@example.invalid"}),
    )
}

async fn list_projects() -> Json<Value> {
    Json(json!({"object": "list", "has_more": false,
                "data": [{"object": "project", "id": "prj_mock0001", "name": "Example project"}]}))
}

async fn create_project() -> (StatusCode, Json<Value>) {
    (
        StatusCode::CREATED,
        Json(json!({"object": "project", "id": "prj_mock0002", "name": "New project"})),
    )
}

async fn get_project(Path(id): Path<String>) -> Json<Value> {
    Json(json!({"object": "project", "id": id, "name": "Example project"}))
}

async fn delete_project(Path(id): Path<String>) -> Json<Value> {
    Json(json!({"object": "project", "id": id, "deleted": true}))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, addr, cert, key] = &args[..] else {
        panic!("usage: interop-axum ADDR CERT KEY (and INTEROP_KEYS=keys.json)");
    };
    let store: Value = serde_json::from_str(
        &std::fs::read_to_string(std::env::var("INTEROP_KEYS").expect("INTEROP_KEYS"))
            .expect("the key store"),
    )
    .expect("the key store is JSON");
    let active: ActiveKeys = Arc::new(
        store["keys"]
            .as_array()
            .expect("a keys array")
            .iter()
            .filter(|k| k["status"] == "active")
            .map(|k| k["key"].as_str().expect("a key").to_owned())
            .collect(),
    );

    let app = Router::new()
        .route("/v1/account", get(account))
        .route("/v1/projects", get(list_projects).post(create_project))
        .route("/v1/projects/{id}", get(get_project).delete(delete_project))
        .route_layer(middleware::from_fn_with_state(active, require_key));

    // ring, as the rest of the project (rustls 0.23.48 deprecates it for lacking post-quantum
    // key exchange, which does not matter on 127.0.0.1).
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    provider.install_default().expect("one crypto provider");
    let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
        .await
        .expect("cert and key");
    axum_server::bind_rustls(addr.parse().expect("ADDR"), tls)
        .serve(app.into_make_service())
        .await
        .expect("serve");
}
