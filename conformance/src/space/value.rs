//! One value of an axis ([`Value`]): its label, the class it belongs to (what the pairwise
//! combinations cover), where it comes from ([`Source`]), how it changes a [`Request`], and the
//! answers other than the envelope that a request carrying it may get ([`Permits`]).

use std::fmt;
use std::sync::Arc;

use super::{Axis, Site};
use crate::wire::Request;

/// Where an axis value comes from: the grammar or registry that makes it a value at all, not
/// the bug it may reveal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An RFC and its section: `Rfc(9110, "9.3.1")`.
    Rfc(u16, &'static str),
    /// An IANA registry, by its title: `Iana("HTTP Method Registry")`.
    Iana(&'static str),
    /// An Internet-Draft, by its name.
    Draft(&'static str),
    /// SPEC.md, by clause ID, where the contract itself names the value (HDR-1's one SP, KEY-2's
    /// edits of a key).
    Contract(&'static str),
    /// A convention of deployed software that no standard defines (a field a framework reads,
    /// a path syntax a server parses), named by who uses it.
    Practice(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Rfc(n, "") => write!(f, "RFC {n}"),
            Source::Rfc(n, section) => write!(f, "RFC {n} §{section}"),
            Source::Iana(registry) => write!(f, "IANA {registry}"),
            Source::Draft(name) => f.write_str(name),
            Source::Contract(clause) => write!(f, "SPEC.md {clause}"),
            Source::Practice(who) => write!(f, "practice: {who}"),
        }
    }
}

/// Answers besides the 401 envelope that a request carrying a value may get without reaching
/// a handler: the HTTP layer refusing what it does not parse (ROB-2's 400 and 431), a version
/// it does not serve (505), a host it does not serve (421), a stream or connection it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Permits {
    /// Statuses permitted besides 401.
    pub statuses: &'static [u16],
    /// A connection or stream closed without an answer is permitted.
    pub closed: bool,
}

impl Permits {
    /// Only the envelope.
    pub const NONE: Permits = Permits {
        statuses: &[],
        closed: false,
    };
    /// ROB-2: bytes HTTP does not allow (or a value the HTTP layer does not parse) may get 400,
    /// or a closed connection or refused stream.
    pub const MALFORMED: Permits = Permits {
        statuses: &[400],
        closed: true,
    };
    /// A method token the HTTP layer does not parse may get 400 there, on every path alike.
    pub const UNPARSED_METHOD: Permits = Permits {
        statuses: &[400],
        closed: false,
    };
}

/// How a value changes a request built against a [`Site`]; `None` when it does not apply
/// (the variant would be the documented request itself, or cannot be expressed).
pub type Edit = Arc<dyn Fn(Request, &Site) -> Option<Request> + Send + Sync>;

/// One value of an axis.
#[derive(Clone)]
pub struct Value {
    /// Its axis.
    pub axis: Axis,
    /// A short label, unique within the axis (`PROPFIND`, `backslash`, `HTTP/1.0 without Host`):
    /// the tag a request carries ([`crate::wire::AxisTag`]) and what reports show.
    pub label: String,
    /// The class it belongs to (`WebDAV`, `dot segment`): the pairwise combinations cover
    /// every pair of classes, taking the class's values in turn.
    pub class: &'static str,
    /// Where it comes from.
    pub source: Source,
    /// Answers besides the envelope a request carrying it may get.
    pub permits: Permits,
    /// Axes that do not apply once this value is set (`OPTIONS *` has no path to vary).
    pub excludes: &'static [Axis],
    edit: Edit,
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={} ({})", self.axis.id(), self.label, self.source)
    }
}

impl Value {
    /// A value of `axis` labelled `label`, of class `class`, from `source`, applied by `edit`.
    pub fn new(
        axis: Axis,
        label: impl Into<String>,
        class: &'static str,
        source: Source,
        edit: impl Fn(Request, &Site) -> Option<Request> + Send + Sync + 'static,
    ) -> Value {
        Value {
            axis,
            label: label.into(),
            class,
            source,
            permits: Permits::NONE,
            excludes: &[],
            edit: Arc::new(edit),
        }
    }

    /// A value that adds the header field `name: value` (its label is the field line).
    pub fn field(
        axis: Axis,
        class: &'static str,
        source: Source,
        name: &'static str,
        value: impl Into<String>,
    ) -> Value {
        let value = value.into();
        let label = format!("{name}: {value}");
        Value::new(axis, label, class, source, move |r, _| {
            Some(r.field(name, value.as_str()))
        })
    }

    /// The same value, permitting these answers besides the envelope.
    pub fn permitting(mut self, permits: Permits) -> Value {
        self.permits = permits;
        self
    }

    /// The same value, making `axes` not apply in a combination.
    pub fn excluding(mut self, axes: &'static [Axis]) -> Value {
        self.excludes = axes;
        self
    }

    /// `request` with this value applied, tagged with it; `None` when it does not apply.
    pub fn apply(&self, request: Request, site: &Site) -> Option<Request> {
        let mut request = (self.edit)(request, site)?;
        request.tag(self.axis.id(), &self.label);
        Some(request)
    }
}
