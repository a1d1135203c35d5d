//! Serving your own endpoints: a [`RouteTable`] from JSON (the `--routes FILE` format), with a
//! `{param}` filled in from the path. Authentication still comes first, for every path and
//! method (ROUTE-1): without a key every request gets the 401 envelope, known path or not;
//! with one, a known path answers as written, an unknown one 404, a wrong method 405.
//!
//! Run: `cargo run -p terminus-mock --example custom_routes`
//!
//! It ends on its own, and exits non-zero if an answer is not the one expected.

mod https_client;

use http::{Method, StatusCode};
use https_client::Client;
use terminus_mock::{MockConfig, MockServer, RouteTable};

const ROUTES: &str = r#"{
  "routes": [
    {"method": "GET",  "path": "/v1/invoices/{id}", "status": 200,
     "body": {"id": "{id}", "object": "invoice", "total": 4200}},
    {"method": "POST", "path": "/v1/invoices", "status": 201,
     "body": {"id": "inv_new", "object": "invoice"}}
  ]
}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let routes = RouteTable::parse(ROUTES, "custom_routes.rs")?;
    let mock = MockServer::start(MockConfig {
        routes,
        ..MockConfig::default()
    })
    .await?;
    let key = mock.key_store().mint("routes example")?.key;
    let api = Client::new(
        &mock.public_url(),
        mock.ca_pem().expect("the mock made its CA"),
    )?;

    let cases = [
        // (method, path, with the key, expected status)
        (Method::GET, "/v1/invoices/inv_7", true, StatusCode::OK),
        (Method::POST, "/v1/invoices", true, StatusCode::CREATED),
        (Method::GET, "/v1/nothing-here", true, StatusCode::NOT_FOUND),
        (
            Method::DELETE,
            "/v1/invoices",
            true,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        // ROUTE-1: decided before routing, so a caller without a key learns nothing.
        (
            Method::GET,
            "/v1/invoices/inv_7",
            false,
            StatusCode::UNAUTHORIZED,
        ),
        (
            Method::GET,
            "/v1/nothing-here",
            false,
            StatusCode::UNAUTHORIZED,
        ),
        (
            Method::DELETE,
            "/v1/invoices",
            false,
            StatusCode::UNAUTHORIZED,
        ),
    ];
    for (method, path, with_key, expected) in cases {
        let bearer = with_key.then_some(key.as_str());
        let (status, body) = api.send(method.clone(), path, bearer, "").await?;
        let key_note = if with_key { "with the key" } else { "no key" };
        println!("{method} {path} ({key_note}): {status} {body}");
        assert_eq!(status, expected, "{method} {path} ({key_note})");
        if path == "/v1/invoices/inv_7" && with_key {
            let invoice: serde_json::Value = serde_json::from_str(&body)?;
            assert_eq!(invoice["id"], "inv_7", "{{id}} is filled in from the path");
        }
    }

    mock.shutdown().await;
    println!("ok: authentication first, then the routes as written");
    Ok(())
}
