//! The JSON Schemas of `schemas/`, embedded at compile time.
//!
//! **A new schema**: put its file in `contract/schemas/` and add one line to the list below
//! (`NAME = "file.schema.json",`); that gives it a const here and an entry in [`SCHEMAS`]. A
//! test fails while a file of `schemas/` is not listed.

/// One `NAME = "file",` line per schema: a const `NAME` with the file's text, and the
/// `(file, text)` pair in [`SCHEMAS`], in the order listed.
macro_rules! schemas {
    ($($name:ident = $file:literal,)*) => {
        $(
            #[doc = concat!("The text of `schemas/", $file, "`.")]
            pub const $name: &str =
                include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/", $file));
        )*

        /// Every JSON Schema of `schemas/`: (file name, contents). Their `$id`s end in
        /// `/schemas/<file name>`, so a `$ref` between them resolves once all are registered.
        pub const SCHEMAS: &[(&str, &str)] = &[$(($file, $name)),*];
    };
}

schemas! {
    ERROR_ENVELOPE = "error-envelope.schema.json",
    ADMIN_ERROR = "admin-error.schema.json",
    ADMIN_KEY = "admin-key.schema.json",
    ADMIN_KEY_CREATED = "admin-key-created.schema.json",
    ADMIN_KEY_LIST = "admin-key-list.schema.json",
    JOURNAL_ENTRY = "journal-entry.schema.json",
    REQUEST_LIST = "request-list.schema.json",
    FAULT = "fault.schema.json",
}

#[cfg(test)]
mod tests {
    use super::SCHEMAS;

    /// A schema file nobody listed would be in the package but in no const: every file of
    /// `schemas/` is in [`SCHEMAS`], and every entry is a file there.
    #[test]
    fn every_schema_file_is_listed() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = SCHEMAS.iter().map(|(f, _)| f.to_string()).collect();
        listed.sort();
        assert_eq!(
            on_disk, listed,
            "contract/schemas/ and the list in contract/src/schemas.rs differ: add one line there"
        );
    }

    #[test]
    fn every_schema_is_json_with_an_id_naming_its_file() {
        for (file, text) in SCHEMAS {
            let value: serde_json::Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: not JSON: {e}"));
            let id = value["$id"]
                .as_str()
                .unwrap_or_else(|| panic!("{file}: no $id"));
            assert!(
                id.ends_with(&format!("/schemas/{file}")),
                "{file}: $id {id}"
            );
        }
    }
}
