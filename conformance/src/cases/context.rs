//! What every case of a run shares: the client, the keys, the endpoints, the options, and the
//! ledger the sweeps read.

use std::sync::atomic::AtomicUsize;

use crate::generated::GeneratedMeter;
use crate::judge::{EnvelopeSchema, Ledger, Stop};
use crate::spec::Profile;
use crate::target::{AdminPlane, Endpoint, Key, Keys};
use crate::wire::{Client, Reply, Request};

/// Everything a case body needs: the client, the keys, the endpoints, the options.
pub struct Context {
    /// Sends requests to the target.
    pub client: Client,
    /// The keys this run has.
    pub keys: Keys,
    /// The documented endpoints.
    pub endpoints: Vec<Endpoint>,
    /// `--profile`.
    pub profile: Profile,
    /// `--cases`: inputs per generated family.
    pub cases: u32,
    /// `--seed`.
    pub seed: u64,
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
}

impl Context {
    /// The valid key, or the reason the case is ignored.
    pub fn valid_key(&self) -> Result<&Key, Stop> {
        self.keys
            .valid
            .as_ref()
            .ok_or_else(|| Stop::Ignored("needs a valid key: set TERMINUS_API_KEY".into()))
    }

    /// The revoked key, or the reason the case is ignored.
    pub fn revoked_key(&self) -> Result<&Key, Stop> {
        self.keys.revoked.as_ref().ok_or_else(|| {
            Stop::Ignored("needs a revoked key: set TERMINUS_REVOKED_API_KEY".into())
        })
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

    /// `GET` (or the probe endpoint's method) of the probe endpoint's path.
    pub fn probe(&self) -> Request {
        let e = self.probe_endpoint();
        Request::new(&e.method, e.path())
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
