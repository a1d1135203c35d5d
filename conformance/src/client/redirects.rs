//! The redirect space of client grading (SPEC.md part 4, CLI-4): every way a redirect can
//! change the origin the client was configured for (`https://127.0.0.1:PORT`), alone and
//! combined, with each redirect status, absolute and relative `Location`, and a chain that
//! leaves the origin and comes back. One scenario per [`Redirect`]; a trial is
//! `CLI-4::redirect_STATUS_CHANGE[_FORM]`.
//!
//! The axes, and how they are crossed ([`Redirect::all`]):
//!
//! | Axis | Values | Crossed with |
//! |---|---|---|
//! | where to ([`Away`]) | `same_host_other_port`, `same_host_port_over_http`, `same_host_other_port_over_http`, `other_host_same_port`, `other_host_other_port`, `other_host_port_over_http` | every status, absolute `Location` |
//! | status | 301, 302, 303, 307, 308 | every change |
//! | `Location` form ([`Form`]) | absolute `https://host:port/path`; network-path `//host:port/path` (the scheme kept: the changes without `http`); absolute path `/path` (the origin kept: a control, the key may stay) | network-path and the control with 302 and 307 |
//! | chain | away over two hops on another origin (`/redirect-to`), then back to the origin: the key must not be sent while away, may be sent back home | 302 and 307, via `other_host_other_port` and `same_host_other_port_over_http` |
//!
//! The other origins: another port is the mock's redirect origin (TLS, or plain for
//! `…over_http`), which answers anything 200 without authentication; the same port is the
//! Public API's own, which also answers plain HTTP (`also_plain`, the first byte decides) and
//! is named `localhost` as well as `127.0.0.1` (its certificate names both).

use std::sync::OnceLock;

/// The host name of the origin the program is configured for (`TERMINUS_BASE_URL`).
pub const ORIGIN_HOST: &str = "127.0.0.1";
/// The other host name a redirect may name: the same machine, so the same ports answer.
pub const OTHER_HOST: &str = "localhost";

/// Where a redirect sends the client, against the origin `https://127.0.0.1:PORT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Away {
    /// `https://127.0.0.1:OTHER`
    SameHostOtherPort,
    /// `http://127.0.0.1:PORT`: the same port, in clear (follow-redirects 1.14.7).
    SameHostPortOverHttp,
    /// `http://127.0.0.1:OTHER` (requests 2.19.1, node-fetch 2.6.7).
    SameHostOtherPortOverHttp,
    /// `https://localhost:PORT`
    OtherHostSamePort,
    /// `https://localhost:OTHER`
    OtherHostOtherPort,
    /// `http://localhost:OTHER`
    OtherHostPortOverHttp,
}

impl Away {
    /// Every change, in run order.
    pub const ALL: [Away; 6] = [
        Away::SameHostOtherPort,
        Away::SameHostPortOverHttp,
        Away::SameHostOtherPortOverHttp,
        Away::OtherHostSamePort,
        Away::OtherHostOtherPort,
        Away::OtherHostPortOverHttp,
    ];

    /// The name in trial names.
    pub fn name(self) -> &'static str {
        match self {
            Away::SameHostOtherPort => "same_host_other_port",
            Away::SameHostPortOverHttp => "same_host_port_over_http",
            Away::SameHostOtherPortOverHttp => "same_host_other_port_over_http",
            Away::OtherHostSamePort => "other_host_same_port",
            Away::OtherHostOtherPort => "other_host_other_port",
            Away::OtherHostPortOverHttp => "other_host_port_over_http",
        }
    }

    /// Whether the target is `http://`.
    pub fn clear(self) -> bool {
        matches!(
            self,
            Away::SameHostPortOverHttp
                | Away::SameHostOtherPortOverHttp
                | Away::OtherHostPortOverHttp
        )
    }

    /// Whether the target names another host (`localhost` for `127.0.0.1`).
    pub fn other_host(self) -> bool {
        matches!(
            self,
            Away::OtherHostSamePort | Away::OtherHostOtherPort | Away::OtherHostPortOverHttp
        )
    }

    /// Whether the target keeps the origin's port.
    pub fn same_port(self) -> bool {
        matches!(self, Away::SameHostPortOverHttp | Away::OtherHostSamePort)
    }

    /// The target's `scheme://host:port`, given the mock's ports.
    pub fn base(self, ports: &Ports) -> String {
        let host = if self.other_host() {
            OTHER_HOST
        } else {
            ORIGIN_HOST
        };
        let (scheme, port) = match (self.clear(), self.same_port()) {
            (false, true) => ("https", ports.origin),
            (true, true) => ("http", ports.origin),
            (false, false) => ("https", ports.other_tls),
            (true, false) => ("http", ports.other_plain),
        };
        format!("{scheme}://{host}:{port}")
    }

    /// One phrase, for a person: "another port of the same host, over http://".
    pub fn says(self) -> &'static str {
        match self {
            Away::SameHostOtherPort => "another port of the same host",
            Away::SameHostPortOverHttp => "the same host and port over http://",
            Away::SameHostOtherPortOverHttp => "another port of the same host over http://",
            Away::OtherHostSamePort => "another host name on the same port",
            Away::OtherHostOtherPort => "another host name and port",
            Away::OtherHostPortOverHttp => "another host name and port over http://",
        }
    }
}

/// How `Location` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// `https://host:port/v1/account`
    Absolute,
    /// `//host:port/v1/account`: the scheme kept (only for changes without `http`).
    NetworkPath,
}

/// The hops of a redirect scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hops {
    /// One redirect to another origin.
    Once(Away, Form),
    /// `Location: /v1/account`: the origin kept (a control: the key may stay).
    SameOriginPath,
    /// Two hops on another origin, then back to the origin.
    AwayAndBack(Away),
}

/// One redirect scenario: its status and its hops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Redirect {
    /// 301, 302, 303, 307 or 308.
    pub status: u16,
    /// Where it goes.
    pub hops: Hops,
}

/// The mock's ports in a redirect scenario.
#[derive(Debug, Clone, Copy)]
pub struct Ports {
    /// The Public API's (TLS, and plain HTTP on the same port).
    pub origin: u16,
    /// The redirect origin's TLS listener.
    pub other_tls: u16,
    /// The redirect origin's plain listener.
    pub other_plain: u16,
}

/// The path every scenario calls.
const PATH: &str = "/v1/account";

impl Redirect {
    /// Every redirect scenario, in run order (the crossing is in the module's table).
    pub fn all() -> &'static [Redirect] {
        static ALL: OnceLock<Vec<Redirect>> = OnceLock::new();
        ALL.get_or_init(|| {
            let mut all = Vec::new();
            for away in Away::ALL {
                for status in [301, 302, 303, 307, 308] {
                    all.push(Redirect {
                        status,
                        hops: Hops::Once(away, Form::Absolute),
                    });
                }
            }
            for status in [302, 307] {
                for away in Away::ALL.into_iter().filter(|a| !a.clear()) {
                    all.push(Redirect {
                        status,
                        hops: Hops::Once(away, Form::NetworkPath),
                    });
                }
                all.push(Redirect {
                    status,
                    hops: Hops::SameOriginPath,
                });
                for away in [Away::OtherHostOtherPort, Away::SameHostOtherPortOverHttp] {
                    all.push(Redirect {
                        status,
                        hops: Hops::AwayAndBack(away),
                    });
                }
            }
            all
        })
    }

    /// The name in trial names: `redirect_307_same_host_other_port`.
    pub fn name(self) -> &'static str {
        self.interned().0
    }

    /// One sentence: what the scenario sets up.
    pub fn what(self) -> &'static str {
        self.interned().1
    }

    fn interned(self) -> &'static (&'static str, &'static str) {
        static TEXTS: OnceLock<Vec<(Redirect, (&'static str, &'static str))>> = OnceLock::new();
        let texts = TEXTS.get_or_init(|| {
            Redirect::all()
                .iter()
                .map(|r| {
                    let (name, what) = (r.name_text(), r.what_text());
                    (*r, (&*name.leak(), &*what.leak()))
                })
                .collect()
        });
        texts
            .iter()
            .find(|(r, _)| *r == self)
            .map(|(_, t)| t)
            .expect("every Redirect comes from Redirect::all")
    }

    fn name_text(self) -> String {
        let status = self.status;
        match self.hops {
            Hops::Once(away, Form::Absolute) => format!("redirect_{status}_{}", away.name()),
            Hops::Once(away, Form::NetworkPath) => {
                format!("redirect_{status}_{}_network_path", away.name())
            }
            Hops::SameOriginPath => format!("redirect_{status}_same_origin_path"),
            Hops::AwayAndBack(away) => format!("redirect_{status}_{}_and_back", away.name()),
        }
    }

    fn what_text(self) -> String {
        let status = self.status;
        match self.hops {
            Hops::Once(away, form) => format!(
                "a valid key; the mock answers {status} to {} ({} Location)",
                away.says(),
                match form {
                    Form::Absolute => "an absolute",
                    Form::NetworkPath => "a network-path //host:port/path",
                }
            ),
            Hops::SameOriginPath => format!(
                "a valid key; the mock answers {status} with Location: {PATH}, the same origin (the key may stay)"
            ),
            Hops::AwayAndBack(away) => format!(
                "a valid key; the mock answers {status} to {}, which redirects once more there, then back to the origin",
                away.says()
            ),
        }
    }

    /// Where the scenario sends the client first, if it leaves the origin.
    pub fn away(self) -> Option<Away> {
        match self.hops {
            Hops::Once(away, _) | Hops::AwayAndBack(away) => Some(away),
            Hops::SameOriginPath => None,
        }
    }

    /// The `Location` of the first redirect (the Public API's), given the mock's ports.
    pub fn location(self, ports: &Ports) -> String {
        match self.hops {
            Hops::Once(away, Form::Absolute) => format!("{}{PATH}", away.base(ports)),
            Hops::Once(away, Form::NetworkPath) => {
                let base = away.base(ports);
                let authority = base.split_once("://").map_or(base.as_str(), |(_, a)| a);
                format!("//{authority}{PATH}")
            }
            Hops::SameOriginPath => PATH.to_owned(),
            Hops::AwayAndBack(away) => {
                // Away, away again (the same other origin), then home.
                let home = format!("https://{ORIGIN_HOST}:{}{PATH}", ports.origin);
                let bounce = |to: &str| {
                    format!(
                        "{}/redirect-to?url={}&status_code={}",
                        away.base(ports),
                        percent_encoded(to),
                        self.status
                    )
                };
                bounce(&bounce(&home))
            }
        }
    }
}

/// Every byte but the unreserved ones (RFC 3986 §2.3) as `%XX`.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORTS: Ports = Ports {
        origin: 8443,
        other_tls: 9443,
        other_plain: 9080,
    };

    #[test]
    fn every_origin_change_meets_every_status_and_the_names_say_which() {
        let all = Redirect::all();
        for away in Away::ALL {
            for status in [301, 302, 303, 307, 308] {
                let r = Redirect {
                    status,
                    hops: Hops::Once(away, Form::Absolute),
                };
                assert!(all.contains(&r), "{r:?}");
                assert_eq!(r.name(), format!("redirect_{status}_{}", away.name()));
            }
        }
        let names: std::collections::HashSet<&str> = all.iter().map(|r| r.name()).collect();
        assert_eq!(names.len(), all.len(), "names are unique");
    }

    #[test]
    fn each_change_changes_exactly_what_its_name_says() {
        let origin = ("https", "127.0.0.1", 8443);
        for away in Away::ALL {
            let base = away.base(&PORTS);
            let (scheme, rest) = base.split_once("://").unwrap();
            let (host, port) = rest.split_once(':').unwrap();
            let port: u16 = port.parse().unwrap();
            assert_eq!(scheme != origin.0, away.clear(), "{base}");
            assert_eq!(host != origin.1, away.other_host(), "{base}");
            assert_eq!(port == origin.2, away.same_port(), "{base}");
            assert_ne!(base, "https://127.0.0.1:8443");
        }
    }

    #[test]
    fn locations_are_written_in_their_form() {
        let at = |hops| Redirect { status: 307, hops }.location(&PORTS);
        assert_eq!(
            at(Hops::Once(Away::SameHostPortOverHttp, Form::Absolute)),
            "http://127.0.0.1:8443/v1/account"
        );
        assert_eq!(
            at(Hops::Once(Away::OtherHostSamePort, Form::NetworkPath)),
            "//localhost:8443/v1/account"
        );
        assert_eq!(at(Hops::SameOriginPath), "/v1/account");
        assert_eq!(
            at(Hops::AwayAndBack(Away::OtherHostOtherPort)),
            "https://localhost:9443/redirect-to?url=https%3A%2F%2Flocalhost%3A9443%2Fredirect-to%3Furl%3Dhttps%253A%252F%252F127.0.0.1%253A8443%252Fv1%252Faccount%26status_code%3D307&status_code=307"
        );
    }
}
