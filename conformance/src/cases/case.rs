//! A case and the handle its body works through. A case declares its clause once
//! ([`Case::new`]); its body gets a [`Check`] that carries the clause and the case's name into
//! every judgement ([`Check::expect_each`], [`Check::judge_one`]), every finding handed to
//! another clause's sweep ([`Check::hand_over`]) and every failure ([`Check::fail`]).

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use super::context::Context;
use super::judges::{rejected, EXPECT_REJECTED};
use crate::generated::Family;
use crate::judge::{owner_of, CaseResult, Evidence, Exchange, Failure, Finding, Owner, Stop};
use crate::spec::{Clause, Level};
use crate::target::{AdminError, Key};
use crate::wire::delivery::{self, DeliveryLog};
use crate::wire::{Reply, Request};

/// A case body's future (run on the trial's thread, so it need not be `Send`).
pub type CaseFuture = Pin<Box<dyn Future<Output = CaseResult>>>;
type CaseBody = Box<dyn FnOnce(Check) -> CaseFuture + Send>;

/// One check: `CLAUSE::what_it_sends`.
pub struct Case {
    /// The clause it checks.
    pub clause: Clause,
    /// `CLAUSE::what_it_sends`.
    pub name: String,
    /// How binding it is (its clause's level unless the case says otherwise).
    pub level: Level,
    /// Its body.
    pub body: CaseBody,
    /// True for a sweep: it runs after every other case and reports what they wrote in the
    /// ledger.
    pub sweep: bool,
}

impl Case {
    /// A case of `clause` named `CLAUSE::what`, as binding as its clause.
    pub fn new<F, Fut>(clause: Clause, what: impl AsRef<str>, body: F) -> Case
    where
        F: FnOnce(Check) -> Fut + Send + 'static,
        Fut: Future<Output = CaseResult> + 'static,
    {
        Case {
            clause,
            name: format!("{clause}::{}", what.as_ref()),
            level: clause.level(),
            body: Box::new(move |check| Box::pin(body(check))),
            sweep: false,
        }
    }

    /// The most common case: it sends the probes `build` makes (or stops, e.g. ignored for want
    /// of a key) and each reply must satisfy `judge`; one failure lists every wrong answer.
    pub fn each<B>(
        clause: Clause,
        what: impl AsRef<str>,
        expected: &'static str,
        judge: fn(&Reply) -> Result<(), String>,
        build: B,
    ) -> Case
    where
        B: FnOnce(&Check) -> Result<Vec<Request>, Stop> + Send + 'static,
    {
        Case::new(clause, what, move |check: Check| async move {
            let probes = build(&check)?;
            check.expect_each(probes, expected, judge).await
        })
    }

    /// A case whose probes are built from the valid key (ignored without one); each must get
    /// 401.
    pub fn refused(
        clause: Clause,
        what: impl AsRef<str>,
        build: impl FnOnce(&Check, &Key) -> Vec<Request> + Send + 'static,
    ) -> Case {
        Case::each(clause, what, EXPECT_REJECTED, rejected, move |check| {
            let key = check.valid_key()?;
            Ok(build(check, key))
        })
    }

    /// The same case at another level (HDR-5's scheme-case readings are `rfc`).
    pub fn level(mut self, level: Level) -> Case {
        self.level = level;
        self
    }

    /// A sweep case of `clause`: it waits for every other case, then reports the findings
    /// they handed to `clause` in the ledger.
    pub fn sweep(clause: Clause, what: &str, expected: &'static str) -> Case {
        Case::last(clause, what, move |check: Check| async move {
            let found = check.ledger.findings_for(check.clause());
            if found.is_empty() {
                let others = check.others.load(std::sync::atomic::Ordering::SeqCst);
                return Ok(Evidence::line(format!(
                    "{others} other cases ran; none saw an answer that {clause} forbids: {expected}"
                )));
            }
            let mut seen_by: Vec<&str> = found.iter().map(|(c, _)| c.id()).collect();
            seen_by.sort_unstable();
            seen_by.dedup();
            let mut failure = check.fail(format!(
                "{} requests of the {} cases were answered wrongly",
                found.len(),
                seen_by.join(", ")
            ));
            failure.findings = found.into_iter().map(|(_, f)| f).collect();
            failure.observed = true;
            Err(failure.into())
        })
        .level(Level::Must)
    }

    /// A case of `clause` that runs after every other case (as the sweeps do), e.g. to report
    /// what the whole run met.
    pub fn last<F, Fut>(clause: Clause, what: &str, body: F) -> Case
    where
        F: FnOnce(Check) -> Fut + Send + 'static,
        Fut: Future<Output = CaseResult> + 'static,
    {
        let mut c = Case::new(clause, what, move |check: Check| async move {
            let others = check.others.load(std::sync::atomic::Ordering::SeqCst);
            check.ledger.wait_for(others).await;
            body(check).await
        });
        c.sweep = true;
        c
    }

    /// Starts the body with the run's context. R-5: the requests it sends that never reach
    /// the target (or stay rate limited) are noted; they make the case inconclusive unless it
    /// failed on answers the target did give. R-10: a case that could send nothing to an
    /// HTTP/2-only deployment is ignored.
    pub(crate) fn start(self, ctx: Arc<Context>) -> CaseFuture {
        let check = Check {
            clause: self.clause,
            name: self.name.into(),
            ctx,
        };
        let body = (self.body)(check);
        Box::pin(async move {
            let log = Arc::new(DeliveryLog::default());
            let result = delivery::scope(Arc::clone(&log), body).await;
            // requests only HTTP/1.1 carries, not sent to an HTTP/2-only deployment. The
            // case is judged on the others; ignored when it sent none, or when what failed was
            // a comparison with one it could not send.
            let result = match (log.needed_http1(), result) {
                ((0, _), result) => result,
                (_, Err(Stop::Fail(failure))) if failure.observed => Err(Stop::Fail(failure)),
                (_, Err(Stop::Ignored(reason))) => Err(Stop::Ignored(reason)),
                ((_, nothing_sent), result) if nothing_sent || result.is_err() => {
                    Err(Stop::Ignored(delivery::NEEDS_HTTP1.into()))
                }
                (_, result) => result,
            };
            match (log.inconclusive(), result) {
                (None, result) => result,
                (Some(_), Err(Stop::Fail(failure))) if failure.observed => Err(Stop::Fail(failure)),
                (Some(_), Err(Stop::Ignored(reason))) => Err(Stop::Ignored(reason)),
                (Some(reason), _) => Err(Stop::Inconclusive(reason)),
            }
        })
    }
}

/// What a case body holds: its clause and name, and (through `Deref`) the run's [`Context`].
#[derive(Clone)]
pub struct Check {
    clause: Clause,
    name: Arc<str>,
    ctx: Arc<Context>,
}

impl Deref for Check {
    type Target = Context;

    fn deref(&self) -> &Context {
        &self.ctx
    }
}

impl Check {
    /// The clause the case checks.
    pub fn clause(&self) -> Clause {
        self.clause
    }

    /// `CLAUSE::what_it_sends`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A failure of this case's clause.
    pub fn fail(&self, summary: impl Into<String>) -> Failure {
        Failure::new(self.clause, summary)
    }

    /// A finding: `request` got `reply`, which is not `expected`, because of `details`.
    pub fn finding(
        &self,
        request: &Request,
        reply: &Reply,
        expected: impl Into<String>,
        details: Vec<String>,
    ) -> Finding {
        Finding {
            request: self.show(request, reply),
            expected: expected.into(),
            actual: reply.describe(),
            details,
            // the facts the run's findings are grouped by, for every case that judges
            // through here.
            exchange: Some(Box::new(Exchange::of(request, reply, &self.base_path))),
        }
    }

    /// A failure with one finding.
    pub fn fail_with(
        &self,
        summary: impl Into<String>,
        request: &Request,
        reply: &Reply,
        expected: &str,
        details: Vec<String>,
    ) -> Stop {
        self.fail(summary)
            .finding(self.finding(request, reply, expected, details))
            .into()
    }

    /// The parameters of this case's generated family: `--cases` inputs from `--seed`, each of
    /// which must get `expected`.
    pub fn family<'a>(&'a self, expected: &'a str) -> Family<'a> {
        Family {
            clause: self.clause,
            case_name: self.name(),
            cases: self.options.cases,
            seed: self.options.seed,
            expected,
            meter: &self.generated,
        }
    }

    /// [`Check::family`] for inputs that must not authenticate.
    pub fn rejecting_family(&self) -> Family<'_> {
        self.family(EXPECT_REJECTED)
    }

    /// Writes a finding that belongs to `owner` in the ledger, for its sweep.
    pub fn hand_over(&self, owner: Owner, mut finding: Finding) {
        finding.details.push(format!(
            "seen by a {} case, reported under {}",
            self.clause,
            owner.describe()
        ));
        self.ledger.record(owner, self.clause, finding);
    }

    /// Judges one reply: `None` when `judge` accepts it or when the wrong answer belongs to
    /// another clause (then it goes to the ledger), the finding otherwise.
    fn judged(
        &self,
        request: &Request,
        reply: &Reply,
        expected: &str,
        judge: &impl Fn(&Request, &Reply) -> Result<(), String>,
    ) -> Option<Finding> {
        if reply.is_undelivered() || reply.status() == Some(429) {
            // Evidence of nothing: the client noted it; the case becomes inconclusive.
            return None;
        }
        self.ledger.note(self.clause, request, reply);
        let why = judge(request, reply).err()?;
        let details = if why.is_empty() { vec![] } else { vec![why] };
        let finding = self.finding(request, reply, expected, details);
        match owner_of(self.clause, request, reply) {
            Some(owner) => {
                self.hand_over(owner, finding);
                None
            }
            None => Some(finding),
        }
    }

    /// Sends every probe; each must satisfy `judge` (which says why not). One failure lists
    /// every wrong answer.
    pub async fn expect_each(
        &self,
        probes: Vec<Request>,
        expected: &str,
        judge: impl Fn(&Reply) -> Result<(), String>,
    ) -> CaseResult {
        self.expect_every(probes, expected, |_, reply| judge(reply))
            .await
    }

    /// [`Check::expect_each`] with a judge that also reads the request (what a request built
    /// from the request space permits depends on the values it carries).
    pub async fn expect_every(
        &self,
        probes: Vec<Request>,
        expected: &str,
        judge: impl Fn(&Request, &Reply) -> Result<(), String>,
    ) -> CaseResult {
        let probes = self.client.on_every_wire(probes);
        let replies = self.client.send_all(&probes).await;
        let mut failure = self.fail("");
        let mut statuses = std::collections::BTreeMap::<String, usize>::new();
        for (request, reply) in probes.iter().zip(&replies) {
            let key = reply
                .status()
                .map_or_else(|| "no response".to_owned(), |s| s.to_string());
            *statuses.entry(key).or_default() += 1;
            if let Some(finding) = self.judged(request, reply, expected, &judge) {
                failure.findings.push(finding);
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
        failure.observed = true;
        failure.summary = format!(
            "{} of {} requests answered wrongly (statuses seen: {seen})",
            failure.findings.len(),
            probes.len()
        );
        Err(failure.into())
    }

    /// Sends one request; the finding when `judge` refuses its reply (one that belongs to
    /// another clause goes to the ledger instead).
    pub async fn judge_one(
        &self,
        request: Request,
        expected: &str,
        judge: impl Fn(&Reply) -> Result<(), String>,
    ) -> Option<Finding> {
        let probes = self.client.on_every_wire(vec![request]);
        let replies = self.client.send_all(&probes).await;
        probes.iter().zip(&replies).find_map(|(request, reply)| {
            self.judged(request, reply, expected, &|_: &Request, r: &Reply| judge(r))
        })
    }

    /// What to return when the admin plane failed to do what the case needs.
    pub fn admin_failed(&self) -> impl Fn(AdminError) -> Stop + '_ {
        move |why| {
            self.fail(format!(
                "the admin plane did not do what the case needs: {why}"
            ))
            .into()
        }
    }
}
