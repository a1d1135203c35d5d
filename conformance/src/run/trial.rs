//! A case as a libtest-mimic trial: the body runs on the run's async runtime, the profile
//! settles its verdict ([`settle`]), and a [`Record`] is kept for the reports.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use libtest_mimic::{Completion, Trial};

use crate::cases::{Case, Context};
use crate::judge::{Evidence, Stop, Verdict};
use crate::redact::redact;
use crate::report::Record;
use crate::spec::{Level, Profile};

/// The verdict once the profile has had its say: an `rfc`-level failure is information in
/// the `doc` profile, a `should`-level one (the client contract) outside `strict`, an
/// informational case's finding always is (unless no reading permits the answer).
pub fn settle(result: Result<Evidence, Stop>, level: Level, profile: Profile) -> Verdict {
    match result {
        Ok(evidence) => Verdict::Pass(evidence),
        Err(Stop::Ignored(reason)) => Verdict::Ignored(reason),
        Err(Stop::Inconclusive(reason)) => Verdict::Inconclusive(reason),
        Err(Stop::Fail(failure)) => {
            let should = level == Level::Should && profile != Profile::Strict;
            let downgrade = !failure.always
                && (level == Level::Informational
                    || (level == Level::Rfc && profile == Profile::Doc));
            if should {
                Verdict::Pass(Evidence::line(format!(
                    "should-level, reported (fails with --profile strict): {}",
                    failure.render()
                )))
            } else if downgrade {
                Verdict::Pass(Evidence::line(format!(
                    "informational in the {} profile: {}",
                    profile.as_str(),
                    failure.render()
                )))
            } else {
                Verdict::Fail(failure)
            }
        }
    }
}

/// What libtest shows for a verdict: a failure's rendered message, an ignored case's reason, and
/// an inconclusive one as ignored with `INCONCLUSIVE:` (libtest has no such outcome; the runner
/// counts them for exit status 3). Server and client trials alike.
pub(crate) fn completion(verdict: &Verdict) -> Result<Completion, libtest_mimic::Failed> {
    match verdict {
        Verdict::Pass(_) => Ok(Completion::Completed),
        Verdict::Ignored(reason) => Ok(Completion::ignored_with(redact(reason))),
        Verdict::Inconclusive(reason) => Ok(Completion::ignored_with(format!(
            "INCONCLUSIVE: {}",
            redact(reason)
        ))),
        Verdict::Fail(failure) => Err(failure.render().into()),
    }
}

pub(super) fn trial(
    case: Case,
    context: &Arc<Context>,
    records: &Arc<Mutex<Vec<Record>>>,
    runtime: &tokio::runtime::Handle,
    profile: Profile,
) -> Trial {
    let (clause, name, level, sweep) = (case.clause, case.name.clone(), case.level, case.sweep);
    let (context, records, runtime) = (Arc::clone(context), Arc::clone(records), runtime.clone());
    Trial::ignorable_test(name.clone(), move || {
        // Counted even when the body panics: the sweeps wait for it.
        struct Finished<'a>(&'a Context, bool);
        impl Drop for Finished<'_> {
            fn drop(&mut self) {
                if !self.1 {
                    self.0.ledger.trial_finished();
                }
            }
        }
        let _finished = Finished(&context, sweep);
        let started = Instant::now();
        let verdict = settle(
            runtime.block_on(case.start(Arc::clone(&context))),
            level,
            profile,
        );
        let outcome = completion(&verdict);
        records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Record {
                name,
                clause,
                level: level.as_str(),
                verdict,
                duration: started.elapsed(),
            });
        outcome
    })
}
