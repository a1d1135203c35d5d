//! R-10 for the cases that compare answers with each other (ERR-3's causes, ROUTE-1's refusals
//! by path): one set of probes sent on every protocol the deployment speaks, the answers kept
//! apart by protocol ([`Lane`]). Answers are compared within a lane only, so an HTTP/1.1 status
//! line — reason phrase included — is compared with HTTP/1.1 ones even when HTTP/2 is offered,
//! and a field HTTP/2 never carries (`Connection`) never passes for a difference.

use super::Check;
use crate::wire::{Protocol, Reply, Request, Wire};

/// The probes as they travelled over one protocol, and what came back, in the probes' order.
pub struct Lane {
    /// The protocol.
    pub protocol: Protocol,
    /// Each probe's exchange on it; `None` for a probe that could not travel on it (bytes
    /// HTTP/2 forbids, a probe that needs a connection of its own).
    pub exchanges: Vec<Option<(Request, Reply)>>,
}

impl Lane {
    /// Every probe's exchange, when each of them travelled on this protocol.
    pub fn complete(&self) -> Option<Vec<(&Request, &Reply)>> {
        self.exchanges
            .iter()
            .map(|e| e.as_ref().map(|(request, reply)| (request, reply)))
            .collect()
    }
}

impl Check {
    /// Sends `probes` on every protocol the target speaks, all at once (see
    /// [`Client::on_every_wire`](crate::wire::Client::on_every_wire)): one [`Lane`] per protocol,
    /// HTTP/2's first when the target offers it.
    pub async fn on_each_protocol(&self, probes: &[Request]) -> Vec<Lane> {
        let mut sent: Vec<(usize, Request)> = Vec::new();
        for (i, probe) in probes.iter().enumerate() {
            let copies = self.client.on_every_wire(vec![probe.clone()]);
            sent.extend(copies.into_iter().map(|copy| (i, copy)));
        }
        let requests: Vec<Request> = sent.iter().map(|(_, r)| r.clone()).collect();
        let replies = self.client.send_all(&requests).await;
        let mut lanes: Vec<Lane> = Vec::new();
        for ((i, request), reply) in sent.into_iter().zip(replies) {
            // What carried it, when something came back; else what it was meant for.
            let protocol = reply
                .response()
                .map_or_else(|| self.protocol_for(&request), |r| r.protocol);
            let lane = match lanes.iter().position(|l| l.protocol == protocol) {
                Some(at) => &mut lanes[at],
                None => {
                    lanes.push(Lane {
                        protocol,
                        exchanges: vec![None; probes.len()],
                    });
                    lanes.last_mut().expect("just pushed")
                }
            };
            // A second copy on the same protocol (a target that fell back) adds nothing.
            lane.exchanges[i].get_or_insert((request, reply));
        }
        lanes.sort_by_key(|l| l.protocol != Protocol::Http2);
        lanes
    }

    /// The protocol a request is meant to travel on.
    fn protocol_for(&self, request: &Request) -> Protocol {
        match request.wire {
            Wire::Http1Exact => Protocol::Http1,
            Wire::Http2 => Protocol::Http2,
            Wire::Any if self.client.speaks_h2() => Protocol::Http2,
            Wire::Any => Protocol::Http1,
        }
    }
}
