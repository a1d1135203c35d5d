//! `--state`: the key store survives restarts and SIGKILL; every acknowledged change is kept.

use std::process::Child;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use crate::support::{
    connector, mock_command, request, send_raw, tls_to, wait_for_ready, RawResponse,
};

const TOKEN: &str = "persistence-test-admin-token-0123456789";

struct Running {
    child: Child,
    public: std::net::SocketAddr,
    admin: std::net::SocketAddr,
    tls: tokio_rustls::TlsConnector,
}

fn start(dir: &std::path::Path, run: u32) -> Running {
    let ready = dir.join(format!("ready-{run}.json"));
    let child = mock_command(&ready)
        .arg("--no-mint")
        .args(["--admin-token", TOKEN])
        .arg("--state")
        .arg(dir.join("state.json"))
        .arg("--ca-out")
        .arg(dir.join(format!("ca-{run}.pem")))
        .spawn()
        .unwrap();
    let info = wait_for_ready(&ready);
    let addr = |k: &str| {
        info[k]
            .as_str()
            .unwrap()
            .trim_start_matches("https://")
            .parse()
            .unwrap()
    };
    let ca = std::fs::read_to_string(info["ca_path"].as_str().unwrap()).unwrap();
    Running {
        child,
        public: addr("public_url"),
        admin: addr("admin_url"),
        tls: connector(&ca, &[b"http/1.1"]),
    }
}

/// One admin request on its own connection; `None` unless a whole response came back.
async fn admin(
    addr: std::net::SocketAddr,
    tls: &tokio_rustls::TlsConnector,
    method: &str,
    path: &str,
) -> Option<RawResponse> {
    let tcp = tokio::net::TcpStream::connect(addr).await.ok()?;
    let mut conn = tls
        .connect(
            rustls::pki_types::ServerName::try_from("localhost").unwrap(),
            tcp,
        )
        .await
        .ok()?;
    let auth = format!("Authorization: Bearer {TOKEN}");
    let raw = request(
        method,
        path,
        &[&auth, "Content-Length: 0", "Connection: close"],
    );
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    conn.write_all(&raw).await.ok()?;
    // A killed server may cut the answer short: only a whole response counts as acknowledged.
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), conn.read_to_end(&mut buf)).await;
    let _ = read;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
    let length: usize = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("content-length: ")
            .map(|v| v.trim().parse().ok())
    })??;
    (body.len() >= length).then(|| RawResponse {
        status,
        headers: vec![],
        body: body.as_bytes()[..length].to_vec(),
    })
}

async fn status_with(run: &Running, key: &str) -> u16 {
    let mut conn = tls_to(run.public, &run.tls).await;
    send_raw(
        &mut conn,
        &request(
            "GET",
            "/v1/account",
            &[&format!("Authorization: Bearer {key}")],
        ),
    )
    .await
    .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_changes_survive_sigkill_mid_churn() {
    let dir = std::env::temp_dir().join(format!("terminus-mock-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut run = start(&dir, 1);

    // Clients mint keys and revoke every other one as fast as they can; what was acknowledged
    // (a whole 201 or 200) is recorded, and so is a revocation sent but never answered: the kill
    // may land after it was saved and before its 200, so either outcome is right for it.
    let minted: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let revoked: Arc<Mutex<Vec<String>>> = Arc::default();
    let unanswered: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut workers = Vec::new();
    for _ in 0..6 {
        let (minted, revoked, unanswered) = (minted.clone(), revoked.clone(), unanswered.clone());
        let (addr, tls) = (run.admin, run.tls.clone());
        workers.push(tokio::spawn(async move {
            for i in 0.. {
                let Some(created) = admin(addr, &tls, "POST", "/v1/keys").await else {
                    break;
                };
                if created.status != 201 {
                    break;
                }
                let json: serde_json::Value = serde_json::from_slice(&created.body).unwrap();
                let (id, key) = (
                    json["id"].as_str().unwrap().to_owned(),
                    json["key"].as_str().unwrap().to_owned(),
                );
                minted.lock().await.push((id.clone(), key));
                if i % 2 == 0 {
                    match admin(addr, &tls, "DELETE", &format!("/v1/keys/{id}")).await {
                        Some(r) if r.status == 200 => revoked.lock().await.push(id),
                        _ => {
                            unanswered.lock().await.push(id);
                            break;
                        }
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    run.child.kill().unwrap(); // SIGKILL, mid-churn
    run.child.wait().unwrap();
    for w in workers {
        let _ = w.await;
    }
    let minted = minted.lock().await.clone();
    let revoked = revoked.lock().await.clone();
    let unanswered = unanswered.lock().await.clone();
    assert!(
        minted.len() > 20,
        "too little churn to mean anything: {}",
        minted.len()
    );

    let text = std::fs::read_to_string(dir.join("state.json")).unwrap();
    for (_, key) in &minted {
        assert!(!text.contains(&key[5..20]), "the state file holds a key");
    }

    let mut run = start(&dir, 2);
    for (id, key) in &minted {
        let status = status_with(&run, key).await;
        if unanswered.contains(id) {
            assert!(
                status == 200 || status == 401,
                "key {id} after restart: {status}"
            );
            continue;
        }
        let expected = if revoked.contains(id) { 401 } else { 200 };
        assert_eq!(status, expected, "key {id} after restart");
    }
    let list = admin(run.admin, &run.tls, "GET", "/v1/keys").await.unwrap();
    let list: serde_json::Value = serde_json::from_slice(&list.body).unwrap();
    let listed = list["data"].as_array().unwrap();
    for (id, _) in &minted {
        assert!(listed.iter().any(|k| k["id"] == id.as_str()), "{id} lost");
    }
    run.child.kill().unwrap();
    run.child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
