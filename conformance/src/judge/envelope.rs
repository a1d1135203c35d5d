//! The envelope of ERR-2: the failure body validated against
//! `contract/schemas/error-envelope.schema.json` with the jsonschema crate (embedded at compile
//! time through terminus-contract, `--schema-dir` to override), and the content type.

use std::path::Path;

use crate::error::Error;
use crate::wire::Response;

/// The bundled schema (`contract/schemas/error-envelope.schema.json`, shared with the mock).
pub const BUNDLED_SCHEMA: &str = terminus_contract::schemas::ERROR_ENVELOPE;
/// Its file name in a `--schema-dir`.
pub const SCHEMA_FILE: &str = "error-envelope.schema.json";

/// The compiled envelope schema.
pub struct EnvelopeSchema {
    validator: jsonschema::Validator,
}

impl EnvelopeSchema {
    /// The bundled schema, or `error-envelope.schema.json` from `dir`.
    pub fn load(dir: Option<&Path>) -> Result<Self, Error> {
        let (text, path) = match dir {
            None => (
                BUNDLED_SCHEMA.to_owned(),
                Path::new("contract/schemas").join(SCHEMA_FILE),
            ),
            Some(dir) => {
                let path = dir.join(SCHEMA_FILE);
                let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                    flag: "--schema-dir",
                    path: path.clone(),
                    source,
                })?;
                (text, path)
            }
        };
        let invalid = |reason: String| Error::Invalid {
            flag: "--schema-dir",
            path: path.clone(),
            reason,
        };
        let schema: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| invalid(format!("not JSON: {e}")))?;
        let validator = jsonschema::validator_for(&schema)
            .map_err(|e| invalid(format!("not a usable JSON Schema: {e}")))?;
        Ok(Self { validator })
    }

    /// Every way the body breaks the schema, each as `at <JSON pointer>: <error>`.
    ///
    /// The body is first decoded by its `Content-Encoding` (ERR-2: a compressed body only with
    /// a matching one).
    pub fn body_errors(&self, response: &Response) -> Vec<String> {
        let bytes = match super::decoded_body(response) {
            Ok(bytes) => bytes,
            Err(why) => return vec![why],
        };
        let body: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(body) => body,
            Err(e) if bytes.is_empty() => {
                return vec![format!("the body is empty, not JSON ({e})")]
            }
            Err(e) => return vec![format!("the body is not JSON: {e}")],
        };
        self.validator
            .iter_errors(&body)
            .map(|e| {
                let at = e.instance_path().to_string();
                format!("at {}: {e}", if at.is_empty() { "/" } else { &at })
            })
            .collect()
    }
}

/// Why the `Content-Type` is not `application/json` (parameters allowed), if it is not.
pub fn content_type_problem(response: &Response) -> Option<String> {
    let values: Vec<String> = response
        .header_all("content-type")
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect();
    match values.as_slice() {
        [] => Some("no Content-Type".into()),
        [one] => {
            let media = one.split(';').next().unwrap_or("").trim();
            (!media.eq_ignore_ascii_case("application/json"))
                .then(|| format!("Content-Type is {one:?}, not application/json"))
        }
        many => Some(format!("{} Content-Type fields: {many:?}", many.len())),
    }
}
