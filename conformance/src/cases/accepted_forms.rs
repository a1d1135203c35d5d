//! Which presentations of the valid key the deployment accepts, learned once per run: the
//! canonical `Authorization: Bearer <key>`, HDR-5's permitted variants (a case variant of the
//! scheme, several SP) and HDR-2's (another spelling of the field name, OWS around the value),
//! each sent with the valid key on every protocol the target speaks. KEY-2, KEY-4, HDR-2 and
//! OK-1 are then judged in every form accepted, not only the canonical one: a server that
//! compares keys case-insensitively only under `bearer` is caught there.

use std::sync::Arc;

use super::Context;
use crate::judge::Stop;
use crate::space::authorization::{Form, Piece, Reading, BEFORE, GAPS, SCHEMES, TAILS};
use crate::space::Axis;
use crate::wire::{Request, Text};

/// How the key is presented: the field name's spelling, the OWS before the value, and the
/// value's form around the key.
#[derive(Debug, Clone, Copy)]
pub struct Presentation {
    /// The field name as sent (`Authorization`, `authorization`).
    pub field: &'static str,
    /// Between the colon and the value.
    pub before: &'static Piece,
    /// The value around the key.
    pub form: Form,
}

impl Presentation {
    /// `Authorization: Bearer <key>`.
    pub const CANONICAL: Presentation = Presentation {
        field: "Authorization",
        before: &BEFORE[0],
        form: Form::CANONICAL,
    };

    /// What SPEC.md makes of it: HDR-5's variance when the form is a variant; HDR-2's OWS when
    /// only the field name or the whitespace around the value differs; else the form.
    pub fn reading(&self) -> Reading {
        match self.form.reading() {
            Reading::Form
                if self.field != "Authorization"
                    || self.before.reading == Reading::Ows
                    || self.form.tail.reading == Reading::Ows =>
            {
                Reading::Ows
            }
            reading => reading,
        }
    }

    /// `method path` with `key` presented this way, raw HTTP/1.1 byte for byte (copied onto
    /// HTTP/2 where the target speaks it and HTTP/2 can carry it), tagged with what varies.
    pub fn request(&self, method: &str, path: &str, key: Text) -> Request {
        let mut request = Request::new(method, path).exact().field_with_separator(
            self.field,
            self.before.bytes,
            self.form.value(key),
        );
        let canonical = Presentation::CANONICAL;
        for (axis, piece, usual) in [
            (Axis::AuthOws, self.before, canonical.before),
            (Axis::AuthScheme, self.form.scheme, canonical.form.scheme),
            (Axis::AuthGap, self.form.gap, canonical.form.gap),
            (Axis::AuthTail, self.form.tail, canonical.form.tail),
        ] {
            if !std::ptr::eq(piece, usual) {
                request.tag(axis.id(), piece.label);
            }
        }
        if self.field != canonical.field {
            request.tag("auth-field", self.field);
        }
        request
    }

    /// How a finding names it: `field "authorization", scheme "bearer", gap SP, …`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if self.field != "Authorization" {
            out.push_str(&format!("field name {:?}, ", self.field));
        }
        if self.before.bytes != " " {
            out.push_str(&format!("OWS before the value: {}, ", self.before.label));
        }
        out.push_str(&self.form.describe());
        out
    }
}

/// The presentations tried with the valid key: the canonical one, HDR-5's variants, HDR-2's.
fn candidates() -> Vec<Presentation> {
    let with = |scheme: usize, gap: usize| Presentation {
        form: Form {
            scheme: &SCHEMES[scheme],
            gap: &GAPS[gap],
            tail: &TAILS[0],
        },
        ..Presentation::CANONICAL
    };
    let mut all = vec![Presentation::CANONICAL];
    // HDR-5: each case variant of the scheme with one SP and with several; `Bearer` with
    // several SP.
    for scheme in (0..SCHEMES.len()).filter(|&i| SCHEMES[i].reading == Reading::Variance) {
        all.push(with(scheme, 0));
        all.push(with(scheme, 1));
    }
    all.push(with(0, 1));
    // HDR-2: the field name in lowercase, OWS before the value, OWS after it.
    all.push(Presentation {
        field: "authorization",
        ..Presentation::CANONICAL
    });
    all.push(Presentation {
        before: &BEFORE[2],
        ..Presentation::CANONICAL
    });
    all.push(Presentation {
        form: Form {
            tail: &TAILS[3],
            ..Form::CANONICAL
        },
        ..Presentation::CANONICAL
    });
    all
}

/// The presentations the deployment accepted the valid key in (on some protocol), canonical
/// first.
#[derive(Debug, Clone)]
pub struct AcceptedForms {
    /// Accepted on at least one protocol.
    pub accepted: Vec<Presentation>,
    /// Tried and refused everywhere, for the evidence.
    pub refused: Vec<Presentation>,
    /// The safe methods a request without any key gets 401 with on the probe path, over every
    /// protocol: the methods the crossings judge keys with. A method answered otherwise without
    /// a key is ROUTE-1's finding (routed before authentication), not a key's.
    pub methods: Vec<&'static str>,
}

impl AcceptedForms {
    /// One line for a case's evidence.
    pub fn summary(&self) -> String {
        let names = |ps: &[Presentation]| {
            ps.iter()
                .map(|p| format!("`{}`", p.describe()))
                .collect::<Vec<_>>()
                .join("; ")
        };
        format!(
            "methods judged: {}; accepted: {}; refused: {}",
            self.methods.join(", "),
            names(&self.accepted),
            if self.refused.is_empty() {
                "none".to_owned()
            } else {
                names(&self.refused)
            }
        )
    }
}

/// The forms the deployment accepts the valid key in, learned on the probe endpoint the first
/// time a case asks (then shared by every case of the run). Ignored without a valid key.
pub async fn accepted_forms(ctx: &Context) -> Result<Arc<AcceptedForms>, Stop> {
    let key = ctx.valid_key()?.clone();
    let learned = ctx
        .accepted_forms
        .get_or_init(|| async {
            let path = ctx.probe_endpoint().path();
            let all = candidates();
            let mut probes = Vec::new();
            let mut of = Vec::new();
            for (i, p) in all.iter().enumerate() {
                for probe in ctx
                    .client
                    .on_every_wire(vec![p.request("GET", &path, key.text())])
                {
                    probes.push(probe);
                    of.push(i);
                }
            }
            let mut unkeyed = Vec::new();
            for (m, method) in SAFE_METHODS.iter().enumerate() {
                for probe in ctx
                    .client
                    .on_every_wire(vec![Request::new(method, path.as_str())])
                {
                    unkeyed.push(m);
                    probes.push(probe);
                }
            }
            let replies = ctx.client.send_all(&probes).await;
            let (replies, unkeyed_replies) = replies.split_at(of.len());
            let methods = SAFE_METHODS
                .iter()
                .enumerate()
                .filter(|(m, _)| {
                    unkeyed
                        .iter()
                        .zip(unkeyed_replies)
                        .filter(|(of, _)| *of == m)
                        .all(|(_, reply)| reply.status().is_none_or(|s| s == 401 || s == 429))
                })
                .map(|(_, method)| *method)
                .collect();
            let mut accepted = vec![false; all.len()];
            for (i, reply) in of.iter().zip(replies) {
                // Accepted: an answer past authentication. 400 and 403 are refusals too (a
                // malformed value, a forbidden one), a 5xx is no reading at all (as HDR-5 reads).
                if reply
                    .status()
                    .is_some_and(|s| s < 500 && ![400, 401, 403, 429].contains(&s))
                {
                    accepted[*i] = true;
                }
            }
            if !accepted[0] {
                // The pre-flight found the valid key accepted, so a canonical refusal
                // here is a planner's reply (R-7: it answers everything with the envelope):
                // plan for the forms every deployment must accept.
                for (i, p) in all.iter().enumerate() {
                    accepted[i] = matches!(p.reading(), Reading::Form | Reading::Ows);
                }
            }
            let (yes, no): (Vec<_>, Vec<_>) = all.iter().zip(&accepted).partition(|(_, a)| **a);
            Arc::new(AcceptedForms {
                accepted: yes.into_iter().map(|(p, _)| *p).collect(),
                refused: no.into_iter().map(|(p, _)| *p).collect(),
                methods,
            })
        })
        .await;
    Ok(Arc::clone(learned))
}

/// The methods a key travels with in the crossings: the safe ones, whatever the run.
pub const SAFE_METHODS: [&str; 3] = ["GET", "HEAD", "OPTIONS"];

/// Requests on the probe path presenting each of `keys` (labelled, tagged with their label) in
/// each of `forms`, and every method of
/// `methods` with every key and every form: the key × form product, the methods taken in turn
/// (row `i`, column `j` gets method `(i + j) mod m`, a Latin-square cover of the two other
/// pairs when there are at least `m` keys and `m` forms; rows are added where there are not).
pub fn crossed(
    ctx: &Context,
    forms: &[Presentation],
    keys: &[(&str, Text)],
    methods: &[&str],
) -> Vec<Request> {
    let path = ctx.probe_endpoint().path();
    rows(keys.len(), forms.len(), methods.len())
        .into_iter()
        .map(|(i, j, k)| {
            let (label, key) = &keys[i];
            let mut request = forms[j].request(methods[k], &path, key.clone());
            request.tag(Axis::Key.id(), label);
            request
        })
        .collect()
}

/// `(key, form, method)` indices: every key with every form, and every method with every key
/// and every form (see [`crossed`]).
fn rows(keys: usize, forms: usize, methods: usize) -> Vec<(usize, usize, usize)> {
    let mut rows: Vec<(usize, usize, usize)> = Vec::new();
    if methods == 0 {
        return rows;
    }
    for i in 0..keys {
        for j in 0..forms {
            rows.push((i, j, (i + j) % methods));
        }
    }
    // Pairs the square leaves out when a side is shorter than the methods.
    for method in 0..methods {
        for i in 0..keys {
            if forms > 0 && !rows.iter().any(|r| r.0 == i && r.2 == method) {
                rows.push((i, 0, method));
            }
        }
        for j in 0..forms {
            if keys > 0 && !rows.iter().any(|r| r.1 == j && r.2 == method) {
                rows.push((0, j, method));
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_key_form_and_method_meets() {
        for (keys, forms, methods) in [(8, 4, 3), (1, 4, 3), (8, 1, 3), (1, 1, 3), (8, 11, 2)] {
            let rows = rows(keys, forms, methods);
            for i in 0..keys {
                for j in 0..forms {
                    assert!(rows.iter().any(|r| r.0 == i && r.1 == j));
                }
                for k in 0..methods {
                    assert!(rows.iter().any(|r| r.0 == i && r.2 == k), "{keys} {forms}");
                }
            }
            for j in 0..forms {
                for k in 0..methods {
                    assert!(rows.iter().any(|r| r.1 == j && r.2 == k), "{keys} {forms}");
                }
            }
            // The square itself when both sides cover the methods.
            if keys >= methods && forms >= methods {
                assert_eq!(rows.len(), keys * forms);
            }
        }
        assert!(rows(3, 3, 0).is_empty());
    }

    #[test]
    fn every_candidate_has_a_reading_and_the_canonical_one_is_the_form() {
        let all = candidates();
        assert_eq!(all[0].reading(), Reading::Form);
        assert!(all[1..].iter().all(|p| p.reading() != Reading::Form));
        assert!(all.iter().all(|p| p.reading() != Reading::NotTheForm));
        assert_eq!(
            all.iter()
                .filter(|p| p.reading() == Reading::Variance)
                .count(),
            7
        );
    }
}
