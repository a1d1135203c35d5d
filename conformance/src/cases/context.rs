//! What every case of a run shares: the client, the keys, the endpoints, the options, and the
//! ledger the sweeps read.

use std::sync::atomic::AtomicUsize;

use crate::generated::GeneratedMeter;
use crate::judge::{EnvelopeSchema, Ledger, Stop};
use crate::spec::Profile;
use crate::target::{AdminPlane, Endpoint, Key, KeyRefusal, Keys};
use crate::wire::{is_safe_method, Client, Reply, Request};

/// Everything a case body needs: the client, the keys, the endpoints, the options.
pub struct Context {
    /// Sends requests to the target.
    pub client: Client,
    /// The keys this run has.
    pub keys: Keys,
    /// The documented endpoints.
    pub endpoints: Vec<Endpoint>,
    /// What the command line asked for.
    pub options: RunOptions,
    /// The admin plane, when the run has one (embedded default, or `--admin-url`).
    pub admin: Option<AdminPlane>,
    /// The envelope's schema.
    pub schema: EnvelopeSchema,
    /// The target's base path (shown in requests).
    pub base_path: String,
    /// The target's `Host` value (for absolute-form targets).
    pub authority: String,
    /// Findings about other clauses, for the sweep cases.
    pub ledger: Ledger,
    /// How many trials other than the sweeps run (set once the trials are known).
    pub others: AtomicUsize,
    /// Requests and time of the generated families (their requests/s in the reports).
    pub generated: GeneratedMeter,
    /// The presentations of the valid key the deployment accepts, learned once by the first
    /// case that asks (`accepted_forms.rs`).
    pub accepted_forms: tokio::sync::OnceCell<std::sync::Arc<super::accepted_forms::AcceptedForms>>,
}

/// The options of a run that cases read.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// `--profile`.
    pub profile: Profile,
    /// `--cases`: inputs per generated family.
    pub cases: u32,
    /// `--seed`.
    pub seed: u64,
    /// whether the valid key may travel with POST, PUT, PATCH or DELETE (the embedded
    /// mock, or `--allow-writes`).
    pub allow_writes: bool,
}

impl Context {
    /// a copy of this context whose client sends nothing (see [`Client::planner`]), to
    /// count the requests a run plans. It has no admin plane: the few lifecycle requests are
    /// left out of the count.
    pub fn planner(&self) -> Context {
        Context {
            client: self.client.planner(),
            keys: self.keys.clone(),
            endpoints: self.endpoints.clone(),
            options: self.options,
            admin: None,
            schema: EnvelopeSchema::load(None).expect("the bundled schema compiles"),
            base_path: self.base_path.clone(),
            authority: self.authority.clone(),
            ledger: Ledger::default(),
            others: AtomicUsize::new(0),
            generated: GeneratedMeter::default(),
            accepted_forms: Default::default(),
        }
    }

    /// The valid key, or the reason the case is ignored (none given, or refused by the target
    /// before the trials: R-2).
    pub fn valid_key(&self) -> Result<&Key, Stop> {
        if self.keys.valid_refused.is_some() {
            return Err(Stop::Ignored(format!(
                "the target refused TERMINUS_API_KEY before the trials; {} reports it",
                self.valid_key_reporter()
            )));
        }
        self.keys
            .valid
            .as_ref()
            .ok_or_else(|| Stop::Ignored("needs a valid key: set TERMINUS_API_KEY".into()))
    }

    /// The revoked key, or the reason the case is ignored (none given, or accepted by the
    /// target before the trials: R-2, KEY-4 reports it).
    pub fn revoked_key(&self) -> Result<&Key, Stop> {
        if self.keys.revoked_accepted.is_some() {
            return Err(Stop::Ignored(
                "the target accepted TERMINUS_REVOKED_API_KEY before the trials; KEY-4::revoked_key_rejected reports it".into(),
            ));
        }
        self.keys.revoked.as_ref().ok_or_else(|| {
            Stop::Ignored("needs a revoked key: set TERMINUS_REVOKED_API_KEY".into())
        })
    }

    /// the one case that reports a valid key the target refused: OK-1 on the first
    /// documented endpoint.
    pub fn valid_key_reporter(&self) -> String {
        format!("{}::{}", crate::spec::Clause::Ok1, self.endpoints[0].slug())
    }

    /// tries the keys before the trials (a safe `GET` of the probe path), so that a
    /// wrong secret is one clear failure, not a wall of them.
    pub async fn check_keys(&mut self) {
        let path = self.probe_endpoint().path();
        let probe =
            |key: &Key| Request::get(path.as_str()).authorization(crate::cases::bearer(key.text()));
        if let Some(valid) = &self.keys.valid {
            let request = probe(valid);
            let reply = self.client.send(&request).await;
            if reply.status() == Some(401) {
                self.keys.valid_refused = Some(KeyRefusal {
                    request: self.show(&request, &reply),
                    answer: reply.describe(),
                });
            }
        }
        if let Some(revoked) = &self.keys.revoked {
            let request = probe(revoked);
            let reply = self.client.send(&request).await;
            if reply.status().is_some_and(|s| s < 400) {
                self.keys.revoked_accepted = Some(KeyRefusal {
                    request: self.show(&request, &reply),
                    answer: reply.describe(),
                });
            }
        }
    }

    /// The admin plane, or the reason the case is ignored.
    pub fn admin(&self) -> Result<&AdminPlane, Stop> {
        self.admin.as_ref().ok_or_else(|| {
            Stop::Ignored("needs the admin plane to mint and revoke keys: run without --target (embedded mock), or give --admin-url and TERMINUS_ADMIN_TOKEN".into())
        })
    }

    /// The endpoint the key and header cases probe: the first documented `GET` without path
    /// parameters, else the first endpoint.
    pub fn probe_endpoint(&self) -> &Endpoint {
        self.endpoints
            .iter()
            .find(|e| e.method == "GET" && !e.template.contains('{'))
            .or_else(|| self.endpoints.iter().find(|e| e.method == "GET"))
            .unwrap_or(&self.endpoints[0])
    }

    /// The probe endpoint's method and path; `GET` of its path when the only documented methods
    /// are unsafe and the run is read-only.
    pub fn probe(&self) -> Request {
        let e = self.probe_endpoint();
        let safe = is_safe_method(&e.method);
        let method = if safe || self.options.allow_writes {
            e.method.as_str()
        } else {
            "GET"
        };
        Request::new(method, e.path())
    }

    /// A path under the target's base path.
    pub fn full_path(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// Shows a request with the protocol that carried it.
    pub fn show(&self, request: &Request, reply: &Reply) -> String {
        let mut shown = request.describe(&self.base_path);
        if let Some(response) = reply.response() {
            shown = format!("{shown}   [{}]", response.protocol.as_str());
        }
        shown
    }
}
