//! A finding's minimal reproduction as a `curl` command that runs as pasted: the
//! protocol (`--http1.0`, `--http1.1`, `--http2`), the method (`-X`, `-I` for HEAD), the fields
//! (`-H`, `-H 'Host:'` for none), the body, `--path-as-is` for dot segments and
//! `--request-target` for the absolute and asterisk forms. Keys never appear: the run's keys
//! become the environment variables they came from (`"${TERMINUS_API_KEY}"`), a key derived
//! from one keeps its derivation (`<valid key truncated to 20 chars>`), and the command passes
//! through [`redact`] like every other output.

use crate::judge::exchange::{Asked, TargetForm};
use crate::redact::redact;

/// Key descriptions (how [`crate::target::Key::text`] shows a key) and the variable a
/// reproduction reads the key from.
const KEYS_FROM_ENVIRONMENT: [(&str, &str); 3] = [
    ("<valid key>", "TERMINUS_API_KEY"),
    ("<revoked key>", "TERMINUS_REVOKED_API_KEY"),
    ("<second key>", "TERMINUS_SECOND_API_KEY"),
];

/// One shell word for a value shown with keys by description and bytes escaped as
/// [`crate::wire::show_bytes`] escapes them: literal pieces quoted (`$'…'` when they hold
/// escapes, so a tab is sent as a tab), keys as `"${VARIABLE}"`.
fn word(shown: &str) -> String {
    let mut out = String::new();
    let mut rest = shown;
    while !rest.is_empty() {
        let next = KEYS_FROM_ENVIRONMENT
            .iter()
            .filter_map(|(d, v)| rest.find(d).map(|i| (i, *d, *v)))
            .min_by_key(|(i, _, _)| *i);
        let (literal, key) = match next {
            Some((i, description, variable)) => {
                let literal = &rest[..i];
                rest = &rest[i + description.len()..];
                (literal, Some(variable))
            }
            None => {
                let literal = rest;
                rest = "";
                (literal, None)
            }
        };
        out.push_str(&quote(literal));
        if let Some(variable) = key {
            out.push_str(&format!("\"${{{variable}}}\""));
        }
    }
    if out.is_empty() {
        "''".to_owned()
    } else {
        out
    }
}

/// A literal piece, single-quoted; `$'…'` when it holds `\` escapes.
fn quote(literal: &str) -> String {
    if literal.is_empty() {
        String::new()
    } else if literal.contains('\\') {
        format!("$'{}'", literal.replace('\'', "\\'"))
    } else {
        format!("'{}'", literal.replace('\'', "'\\''"))
    }
}

/// True when curl would resolve a dot segment of `path` unless told `--path-as-is`.
fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|s| s == "." || s == "..")
}

/// The command that sends `asked` to `origin` (`https://host:port`).
pub fn reproduce(asked: &Asked, origin: &str) -> String {
    let mut args: Vec<String> = vec!["curl".into(), "-sS".into()];
    args.push(
        match asked.protocol {
            "HTTP/1.0" => "--http1.0",
            "HTTP/2" => "--http2",
            _ => "--http1.1",
        }
        .into(),
    );
    let default_method = if asked.body.is_some() { "POST" } else { "GET" };
    if asked.method == "HEAD" && asked.body.is_none() {
        args.push("-I".into());
    } else {
        args.push("-i".into());
        if asked.method != default_method {
            let plain = asked.method.bytes().all(|b| b.is_ascii_alphanumeric());
            let method = if plain {
                asked.method.clone()
            } else {
                word(&asked.method)
            };
            args.push(format!("-X {method}"));
        }
    }
    if has_dot_segment(asked.path()) {
        args.push("--path-as-is".into());
    }
    if asked.without_host {
        args.push("-H 'Host:'".into());
    }
    for (name, value) in &asked.fields {
        let field = if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {value}")
        };
        args.push(format!("-H {}", word(&field)));
    }
    if let Some(body) = &asked.body {
        args.push(format!("--data-binary {}", word(body)));
    }
    let url = match asked.form {
        TargetForm::Origin => format!("{origin}{}", asked.target),
        TargetForm::Absolute | TargetForm::Asterisk => {
            args.push(format!("--request-target {}", word(&asked.target)));
            origin.to_owned()
        }
    };
    args.push(word(&url));
    redact(&args.join(" "))
}

/// `scheme://authority` of a target URL.
pub fn origin_of(url: &str) -> &str {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest
                .find(['/', '?'])
                .map_or(url.len(), |i| scheme.len() + 3 + i);
            &url[..end]
        }
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(method: &str, target: &str, fields: &[(&str, &str)]) -> Asked {
        Asked {
            method: method.into(),
            target: target.into(),
            form: TargetForm::Origin,
            protocol: "HTTP/1.1",
            exact: true,
            without_host: false,
            fields: fields
                .iter()
                .map(|(n, v)| ((*n).into(), (*v).into()))
                .collect(),
            body: None,
            credential: vec![],
        }
    }

    #[test]
    fn a_request_becomes_a_command_that_runs_as_pasted() {
        let origin = origin_of("https://127.0.0.1:8443/api");
        assert_eq!(origin, "https://127.0.0.1:8443");
        assert_eq!(
            reproduce(
                &asked("POST", "/api/v1/account", &[("X-HTTP-Method-Override", "GET")]),
                origin
            ),
            "curl -sS --http1.1 -i -X POST -H 'X-HTTP-Method-Override: GET' 'https://127.0.0.1:8443/api/v1/account'"
        );
        assert_eq!(
            reproduce(&asked("HEAD", "/v1/./account", &[]), origin),
            "curl -sS --http1.1 -I --path-as-is 'https://127.0.0.1:8443/v1/./account'"
        );
    }

    #[test]
    fn keys_come_from_the_environment_and_tabs_stay_tabs() {
        let command = reproduce(
            &asked(
                "GET",
                "/v1/account",
                &[("Authorization", "Bearer \\t<valid key>")],
            ),
            "https://h",
        );
        assert_eq!(
            command,
            "curl -sS --http1.1 -i -H $'Authorization: Bearer \\t'\"${TERMINUS_API_KEY}\" 'https://h/v1/account'"
        );
        let mut absolute = asked("GET", "https://h/v1/account", &[]);
        absolute.form = TargetForm::Absolute;
        absolute.protocol = "HTTP/2";
        assert_eq!(
            reproduce(&absolute, "https://h"),
            "curl -sS --http2 -i --request-target 'https://h/v1/account' 'https://h'"
        );
    }
}
