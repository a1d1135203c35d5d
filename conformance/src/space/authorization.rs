//! The `Authorization` value (HDR-1, HDR-2, HDR-5, KEY-*): how a key is presented, taken from
//! the grammar, not from known bugs — RFC 9110 §11.4 `credentials = auth-scheme [ 1*SP (
//! token68 / #auth-param ) ]`, §11.1 (the scheme name is case-insensitive), RFC 6750 §2.1
//! (`"Bearer" 1*SP b64token`), RFC 9110 §5.5 (the whitespace around a field value is not part
//! of it). Five tables: the scheme's spelling ([`SCHEMES`]), the gap between scheme and key
//! ([`GAPS`]), what follows the key ([`TAILS`]), the OWS before the value ([`BEFORE`]) and the
//! key presented ([`KEYS`]).
//!
//! [`Form::reading`] says what SPEC.md makes of a scheme, gap and tail: the form
//! (`Bearer<SP><key>`, HDR-1), HDR-5's permitted variance, or not the form (the envelope). A
//! tail that is whitespace alone ends the field value, where it is OWS (HDR-2: it neither helps
//! nor hurts); whitespace after the key is HDR-1's "not the form" when more follows it.

use super::key::{KeyVariant, KEYS};
use super::{Axis, Site, Source, Value};
use crate::target::Key;
use crate::wire::{Request, Text};

/// What SPEC.md makes of one piece of a presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The form itself: `Bearer`, one SP, nothing after the key (HDR-1).
    Form,
    /// HDR-5's permitted variance (a case variant of the scheme, several SP): a deployment may
    /// accept it or refuse it with the envelope.
    Variance,
    /// HDR-2: whitespace around the whole field value, not part of it.
    Ows,
    /// Not the form: a request carrying it does not authenticate (HDR-1).
    NotTheForm,
}

/// One value of a sub-axis of the `Authorization` value: its label, its class (what the
/// pairwise combinations cover), where it comes from, its bytes and its reading.
#[derive(Debug, Clone, Copy)]
pub struct Piece {
    /// A short label, unique in its table (`SP HTAB`).
    pub label: &'static str,
    /// Its class.
    pub class: &'static str,
    /// Where it comes from.
    pub source: Source,
    /// The bytes it puts in the value.
    pub bytes: &'static str,
    /// What SPEC.md makes of it.
    pub reading: Reading,
}

const fn piece(
    label: &'static str,
    class: &'static str,
    source: Source,
    bytes: &'static str,
    reading: Reading,
) -> Piece {
    Piece {
        label,
        class,
        source,
        bytes,
        reading,
    }
}

use Reading::{NotTheForm, Ows, Variance};

/// RFC 9110 §11.1: the scheme is a token, compared case-insensitively; the vendor page writes
/// `Bearer`.
#[rustfmt::skip]
pub static SCHEMES: [Piece; 7] = [
    piece("Bearer", "as written", Source::Rfc(6750, "2.1"), "Bearer", Reading::Form),
    piece("bearer", "case variant", Source::Rfc(9110, "11.1"), "bearer", Variance),
    piece("BEARER", "case variant", Source::Rfc(9110, "11.1"), "BEARER", Variance),
    piece("BeArEr", "case variant", Source::Rfc(9110, "11.1"), "BeArEr", Variance),
    // Cyrillic `е` (U+0435): not a tchar (RFC 9110 §5.6.2), so not the scheme at all.
    piece("B\u{435}arer (Cyrillic е)", "look-alike", Source::Rfc(9110, "5.6.2"), "B\u{435}arer", NotTheForm),
    // A separator inside the credentials, where the grammar has none.
    piece("Bearer:", "separator", Source::Rfc(9110, "11.4"), "Bearer:", NotTheForm),
    piece("no scheme", "missing", Source::Contract("HDR-1"), "", NotTheForm),
];

/// RFC 6750 §2.1's `1*SP` between scheme and key, against the whitespace HTTP knows elsewhere
/// (OWS = `*( SP / HTAB )`, RFC 9110 §5.6.3) and the spaces Unicode knows.
#[rustfmt::skip]
pub static GAPS: [Piece; 9] = [
    piece("SP", "one SP", Source::Contract("HDR-1"), " ", Reading::Form),
    piece("SP SP SP", "several SP", Source::Rfc(6750, "2.1"), "   ", Variance),
    piece("HTAB", "tab", Source::Rfc(9110, "5.6.3"), "\t", NotTheForm),
    piece("SP HTAB", "tab and space", Source::Rfc(9110, "5.6.3"), " \t", NotTheForm),
    piece("HTAB SP", "tab and space", Source::Rfc(9110, "5.6.3"), "\t ", NotTheForm),
    piece("SP SP HTAB", "tab and space", Source::Rfc(9110, "5.6.3"), "  \t", NotTheForm),
    piece("none", "none", Source::Rfc(9110, "11.4"), "", NotTheForm),
    piece("NBSP", "Unicode space", Source::Practice("Unicode White_Space (str.split, \\s)"), "\u{a0}", NotTheForm),
    piece("IDEOGRAPHIC SPACE", "Unicode space", Source::Practice("Unicode White_Space (str.split, \\s)"), "\u{3000}", NotTheForm),
];

/// What follows the key: nothing (the form), whitespace that ends the field (OWS, HDR-2), or
/// more: a list separator (RFC 9110 §5.6.1), a parameter, a second token — after whitespace of
/// each kind.
#[rustfmt::skip]
pub static TAILS: [Piece; 11] = [
    piece("nothing", "nothing", Source::Contract("HDR-1"), "", Reading::Form),
    piece("SP at the end", "OWS", Source::Rfc(9110, "5.5"), " ", Ows),
    piece("HTAB at the end", "OWS", Source::Rfc(9110, "5.5"), "\t", Ows),
    piece("SP HTAB at the end", "OWS", Source::Rfc(9110, "5.5"), " \t", Ows),
    piece("a comma", "list", Source::Rfc(9110, "5.6.1"), ",", NotTheForm),
    piece("HTAB then a comma", "list", Source::Rfc(9110, "5.6.1"), "\t,", NotTheForm),
    piece("a semicolon", "parameter", Source::Practice("parameter syntax of other fields"), ";", NotTheForm),
    piece("SP then a token", "second token", Source::Rfc(9110, "11.4"), " extra", NotTheForm),
    piece("HTAB then a token", "second token", Source::Rfc(9110, "11.4"), "\textra", NotTheForm),
    piece("SP HTAB then a token", "second token", Source::Rfc(9110, "11.4"), " \textra", NotTheForm),
    piece("SP then an auth-param", "auth-param", Source::Rfc(9110, "11.2"), " x=y", NotTheForm),
];

/// OWS between the field's colon and its value (RFC 9110 §5.5): not part of the value (HDR-2).
#[rustfmt::skip]
pub static BEFORE: [Piece; 4] = [
    piece("SP", "one SP", Source::Rfc(9112, "5.1"), " ", Reading::Form),
    piece("none", "none", Source::Rfc(9110, "5.6.3"), "", Ows),
    piece("HTAB", "OWS", Source::Rfc(9110, "5.6.3"), "\t", Ows),
    piece("SP HTAB SP", "OWS", Source::Rfc(9110, "5.6.3"), " \t ", Ows),
];

/// A scheme, a gap and a tail: the `Authorization` value around a key.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    /// The scheme's spelling.
    pub scheme: &'static Piece,
    /// Between the scheme and the key.
    pub gap: &'static Piece,
    /// After the key.
    pub tail: &'static Piece,
}

impl Form {
    /// `Bearer<SP><key>`.
    pub const CANONICAL: Form = Form {
        scheme: &SCHEMES[0],
        gap: &GAPS[0],
        tail: &TAILS[0],
    };

    /// The value around `key`.
    pub fn value(&self, key: Text) -> Text {
        Text::plain(format!("{}{}", self.scheme.bytes, self.gap.bytes))
            .then(key)
            .then(Text::plain(self.tail.bytes))
    }

    /// What SPEC.md makes of it: not the form when any piece is not; else HDR-5's variance when
    /// the scheme or the gap is; else the form (with OWS at the end or not).
    pub fn reading(&self) -> Reading {
        let pieces = [self.scheme, self.gap, self.tail];
        if pieces.iter().any(|p| p.reading == NotTheForm) {
            NotTheForm
        } else if pieces.iter().any(|p| p.reading == Variance) {
            Variance
        } else {
            Reading::Form
        }
    }

    /// How a finding names it: `scheme "bearer", gap SP HTAB, after the key: nothing`.
    pub fn describe(&self) -> String {
        format!(
            "scheme {:?}, gap {}, after the key: {}",
            self.scheme.label, self.gap.label, self.tail.label
        )
    }
}

/// The table behind an axis of this file (empty for another axis).
pub fn pieces(axis: Axis) -> &'static [Piece] {
    match axis {
        Axis::AuthScheme => &SCHEMES,
        Axis::AuthGap => &GAPS,
        Axis::AuthTail => &TAILS,
        Axis::AuthOws => &BEFORE,
        _ => &[],
    }
}

/// The piece of `axis` labelled `label`.
pub fn piece_labelled(axis: Axis, label: &str) -> Option<&'static Piece> {
    pieces(axis).iter().find(|p| p.label == label)
}

/// A never-issued, well-formed key: what the values of these axes present when a clause other
/// than KEY-*/HDR-* crosses them (no valid key ⇒ the envelope).
const STAND_IN: &str = "thub_conformance_stand_in_form_key_00000";

/// What a request presents: the OWS before the value, the form, the key variant.
type Presented = (&'static Piece, Form, Option<&'static KeyVariant>);

/// The presentation a request's tags describe: the OWS before the value, the form, and the key
/// variant (canonical pieces and the stand-in key where a tag is missing).
fn tagged(request: &Request) -> Presented {
    let label = |axis: Axis| {
        request
            .axes
            .iter()
            .find(|t| t.axis == axis.id())
            .map(|t| t.value.as_str())
    };
    let of = |axis: Axis, default: &'static Piece| {
        label(axis)
            .and_then(|l| piece_labelled(axis, l))
            .unwrap_or(default)
    };
    let form = Form {
        scheme: of(Axis::AuthScheme, &SCHEMES[0]),
        gap: of(Axis::AuthGap, &GAPS[0]),
        tail: of(Axis::AuthTail, &TAILS[0]),
    };
    let key = label(Axis::Key).and_then(|l| KEYS.iter().find(|k| k.label == l));
    (of(Axis::AuthOws, &BEFORE[0]), form, key)
}

/// How a finding names the presentation a request carries: its `auth-*` and `key` tags, or
/// "the canonical form".
pub fn presented_as(request: &Request) -> String {
    let tagged = |keep: &dyn Fn(&str) -> bool| {
        request
            .axes
            .iter()
            .filter(|t| keep(t.axis))
            .map(|t| format!("{} {}", t.axis, t.value))
            .collect::<Vec<_>>()
    };
    let form = tagged(&|axis| axis.starts_with("auth-"));
    let mut shown = if form.is_empty() {
        "the canonical form `Bearer <key>`".to_owned()
    } else {
        form.join(", ")
    };
    for key in tagged(&|axis| axis == Axis::Key.id()) {
        shown.push_str(", ");
        shown.push_str(&key);
    }
    shown
}

/// The values of `axis` for the request space: each piece (or key variant) as a [`Value`]
/// whose edit sets the `Authorization` field from the request's other values of these axes
/// (so they compose in a pairwise row) with a never-issued key.
pub fn values(axis: Axis) -> Vec<Value> {
    let rebuild = move |mut r: Request, set: &dyn Fn(&mut Presented)| {
        let mut presented = tagged(&r);
        set(&mut presented);
        let (before, form, key) = presented;
        let stand_in = Key::new(STAND_IN, "never-issued key");
        let key = match key {
            Some(variant) => (variant.derive)(&stand_in)?,
            None => stand_in.text(),
        };
        r.fields
            .retain(|f| !f.name.eq_ignore_ascii_case(b"authorization"));
        Some(r.field_with_separator("Authorization", before.bytes, form.value(key)))
    };
    if axis == Axis::Key {
        return KEYS
            .iter()
            .map(|k| {
                Value::new(
                    axis,
                    k.label,
                    k.label,
                    k.source,
                    move |r: Request, _: &Site| rebuild(r, &|p| p.2 = Some(k)),
                )
            })
            .collect();
    }
    pieces(axis)
        .iter()
        .map(|p| {
            Value::new(
                axis,
                p.label,
                p.class,
                p.source,
                move |r: Request, _: &Site| {
                    rebuild(r, &|pr| match axis {
                        Axis::AuthScheme => pr.1.scheme = p,
                        Axis::AuthGap => pr.1.gap = p,
                        Axis::AuthTail => pr.1.tail = p,
                        _ => pr.0 = p,
                    })
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bearer_sp_is_the_form() {
        let mut forms = 0;
        for scheme in &SCHEMES {
            for gap in &GAPS {
                for tail in &TAILS {
                    let form = Form { scheme, gap, tail };
                    let exact = scheme.bytes == "Bearer" && gap.bytes == " ";
                    let end = tail.bytes.trim_matches([' ', '\t']).is_empty();
                    if form.reading() == Reading::Form {
                        forms += 1;
                        assert!(exact && end, "{}", form.describe());
                    }
                    if gap.bytes.contains('\t') || !end || scheme.bytes.is_empty() {
                        assert_eq!(form.reading(), NotTheForm, "{}", form.describe());
                    }
                }
            }
        }
        // Nothing after the key, or OWS of three kinds.
        assert_eq!(forms, 4);
    }

    #[test]
    fn the_canonical_value_is_bearer_sp_key() {
        let value = Form::CANONICAL.value(Text::plain("thub_x"));
        assert_eq!(value.bytes(), b"Bearer thub_x");
        assert_eq!(Form::CANONICAL.reading(), Reading::Form);
    }
}
