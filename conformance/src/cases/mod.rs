//! The conformance cases, one file per clause family, each case named `CLAUSE::what_it_sends`:
//! [`key`] (KEY-*), [`header`] (HDR-*), [`route`] (ROUTE-*), [`error`] (ERR-*), [`robust`]
//! (ROB-*), [`ok`] (OK-1). Adding a case is adding one entry to its family's list.
//!
//! Each family's `cases` returns [`Case`]s; a case is a name, a [`Level`] and an async body
//! that gets the run's [`Context`] and returns a [`CaseResult`].

pub mod error;
pub mod header;
pub mod key;
pub mod ok;
pub mod robust;
pub mod route;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::admin::AdminPlane;
use crate::clauses::Clause;
use crate::endpoints::Endpoint;
use crate::envelope::EnvelopeSchema;
use crate::keys::{Key, Keys};
use crate::ledger::{owner_of, Ledger};
use crate::property::Family;
use crate::verdict::{CaseResult, Evidence, Failure, Finding, Stop};
use crate::wire::{Client, Reply, Request};

/// `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The vendor page's reading: RFC-only requirements are informational.
    Doc,
    /// RFC 9110 / RFC 6750 on top: ERR-5 and HDR-5's case-insensitive scheme are required.
    Rfc,
}

impl Profile {
    /// `doc` or `rfc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Doc => "doc",
            Profile::Rfc => "rfc",
        }
    }
}

/// How binding a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Required in every profile.
    Must,
    /// Required in the `rfc` profile; in `doc` a failure is reported as information.
    Rfc,
    /// Reports what the target does where SPEC.md permits either (HDR-5); fails only on an
    /// answer no reading permits.
    Informational,
}

impl Level {
    /// `must`, `rfc` or `informational` (the manifest's vocabulary).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Rfc => "rfc",
            Level::Informational => "informational",
        }
    }
}

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
    pub others: std::sync::atomic::AtomicUsize,
    /// Requests and time of the generated families (their requests/s in the reports).
    pub generated: crate::property::GeneratedMeter,
}

/// A case body's future (run on the trial's thread, so it need not be `Send`).
pub type CaseFuture = Pin<Box<dyn Future<Output = CaseResult>>>;
type CaseBody = Box<dyn FnOnce(Arc<Context>) -> CaseFuture + Send>;

/// One check: `CLAUSE::what_it_sends`.
pub struct Case {
    /// The clause it checks.
    pub clause: Clause,
    /// `CLAUSE::what_it_sends`.
    pub name: String,
    /// How binding it is.
    pub level: Level,
    /// Its body.
    pub body: CaseBody,
    /// True for a sweep: it runs after every other case and reports what they wrote in the
    /// [`Ledger`].
    pub sweep: bool,
}

/// Makes a [`Case`] named `clause::what`.
pub fn case<F, Fut>(clause: Clause, what: impl AsRef<str>, level: Level, body: F) -> Case
where
    F: FnOnce(Arc<Context>) -> Fut + Send + 'static,
    Fut: Future<Output = CaseResult> + 'static,
{
    Case {
        clause,
        name: format!("{clause}::{}", what.as_ref()),
        level,
        body: Box::new(move |ctx| Box::pin(body(ctx))),
        sweep: false,
    }
}

/// Makes a sweep case: it waits for every other case, then reports the findings they wrote in
/// the ledger for `clause`.
pub fn sweep(clause: Clause, what: &str, expected: &'static str) -> Case {
    let mut c = case(
        clause,
        what,
        Level::Must,
        move |ctx: Arc<Context>| async move {
            let others = ctx.others.load(std::sync::atomic::Ordering::SeqCst);
            ctx.ledger.wait_for(others).await;
            let found = ctx.ledger.findings_for(clause);
            if found.is_empty() {
                return Ok(Evidence::line(format!(
                "{others} other cases ran; none saw an answer that {clause} forbids: {expected}"
            )));
            }
            let mut seen_by: Vec<&str> = found.iter().map(|(c, _)| *c).collect();
            seen_by.sort_unstable();
            seen_by.dedup();
            let mut failure = Failure::new(
                clause,
                format!(
                    "{} requests of the {} cases were answered wrongly",
                    found.len(),
                    seen_by.join(", ")
                ),
            );
            failure.findings = found.into_iter().map(|(_, f)| f).collect();
            Err(failure.into())
        },
    );
    c.sweep = true;
    c
}

/// Every case, for these endpoints, in a stable order.
pub fn catalogue(endpoints: &[Endpoint]) -> Vec<Case> {
    let mut all = Vec::new();
    all.extend(key::cases());
    all.extend(header::cases());
    all.extend(route::cases(endpoints));
    all.extend(error::cases());
    all.extend(robust::cases());
    all.extend(ok::cases(endpoints));
    // Last: they report what every other case wrote in the ledger.
    all.push(route::variant_sweep());
    all.push(error::refusal_sweep());
    all.push(robust::robustness_sweep());
    all
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

    /// Writes a finding that belongs to `owner` in the ledger, for its sweep.
    pub fn hand_over(&self, owner: Clause, seen_by: Clause, mut finding: Finding) {
        finding
            .details
            .push(format!("seen by a {seen_by} case, reported under {owner}"));
        self.ledger.record(owner, seen_by, finding);
    }

    /// Sends every probe; each must satisfy `judge` (which says why not). One failure lists
    /// every wrong answer.
    pub async fn expect_each(
        &self,
        clause: Clause,
        probes: Vec<Request>,
        expected: &str,
        judge: impl Fn(&Reply) -> Result<(), String>,
    ) -> CaseResult {
        let replies = self.client.send_all(&probes).await;
        let mut failure = Failure::new(clause, "");
        let mut statuses = std::collections::BTreeMap::<String, usize>::new();
        for (request, reply) in probes.iter().zip(&replies) {
            let key = reply
                .status()
                .map_or_else(|| "no response".to_owned(), |s| s.to_string());
            *statuses.entry(key).or_default() += 1;
            self.ledger.note(clause, request, reply);
            if let Err(why) = judge(reply) {
                let finding = Finding {
                    request: self.show(request, reply),
                    expected: expected.to_owned(),
                    actual: reply.describe(),
                    details: if why.is_empty() { vec![] } else { vec![why] },
                };
                match owner_of(clause, request, reply) {
                    Some(owner) => self.hand_over(owner, clause, finding),
                    None => failure.findings.push(finding),
                }
            }
        }
        let seen = statuses
            .iter()
            .map(|(s, n)| format!("{s}×{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        if failure.findings.is_empty() {
            return Ok(Evidence::line(format!(
                "{} requests, each answered as required ({expected}); statuses: {seen}",
                probes.len()
            )));
        }
        failure.summary = format!(
            "{} of {} requests answered wrongly (statuses seen: {seen})",
            failure.findings.len(),
            probes.len()
        );
        Err(failure.into())
    }
}

/// The answer to a request that must not authenticate: 401.
pub fn rejected(reply: &Reply) -> Result<(), String> {
    match reply.status() {
        Some(401) => Ok(()),
        Some(s) if (200..300).contains(&s) => Err("the request was accepted".into()),
        Some(s) if (300..400).contains(&s) => {
            Err("a redirect: the request reached a handler without a valid key".into())
        }
        Some(_) | None => Err(String::new()),
    }
}

/// HDR-4 and malformed requests: 401, or 400 from the HTTP layer.
pub fn rejected_or_400(reply: &Reply) -> Result<(), String> {
    match reply.status() {
        Some(400) => Ok(()),
        _ => rejected(reply),
    }
}

/// A request with a valid key: any complete response but 401.
pub fn accepted(reply: &Reply) -> Result<(), String> {
    match reply.status() {
        Some(401) => Err("the valid key was refused".into()),
        Some(_) => Ok(()),
        None => Err(String::new()),
    }
}

/// `Bearer ` followed by `token`.
pub fn bearer(token: crate::wire::Text) -> crate::wire::Text {
    crate::wire::Text::plain("Bearer ").then(token)
}

/// What KEY, HDR and ROUTE cases expect of a request without a valid key.
pub const EXPECT_REJECTED: &str = "401 (the envelope): this must not authenticate";

/// The family parameters of a generated case.
pub fn family<'a>(ctx: &'a Context, clause: &'static str, case_name: &'a str) -> Family<'a> {
    Family {
        clause,
        case_name,
        cases: ctx.cases,
        seed: ctx.seed,
        expected: EXPECT_REJECTED,
        meter: &ctx.generated,
    }
}

/// Sends one request of a `clause` case; the finding when `judge` refuses its reply (one that
/// belongs to another clause goes to the ledger instead).
pub async fn judge_one(
    ctx: &Context,
    clause: Clause,
    request: Request,
    expected: &str,
    judge: impl Fn(&Reply) -> Result<(), String>,
) -> Option<Finding> {
    let reply = ctx.client.send(&request).await;
    ctx.ledger.note(clause, &request, &reply);
    let why = judge(&reply).err()?;
    let finding = Finding {
        request: ctx.show(&request, &reply),
        expected: expected.into(),
        actual: reply.describe(),
        details: if why.is_empty() { vec![] } else { vec![why] },
    };
    match owner_of(clause, &request, &reply) {
        Some(owner) => {
            ctx.hand_over(owner, clause, finding);
            None
        }
        None => Some(finding),
    }
}
